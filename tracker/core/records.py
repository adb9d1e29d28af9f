"""Plain records of database rows: what a library function hands out, so that no ORM object
(and no lazy load) leaves its session."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any, TypeVar

T = TypeVar("T")


def record_of(cls: type[T], row: Any, **values: Any) -> T:
    """The dataclass `cls` filled from `row`'s attributes of the same names; `values` give
    the fields the row does not hold."""
    names = (f.name for f in dataclasses.fields(cls) if f.name not in values)  # type: ignore[arg-type]
    return cls(**{name: getattr(row, name) for name in names}, **values)


def present(value: Any) -> bool:
    """A value, not a gap: a DataFrame marks gaps with NaN or NaT, a form with ""."""
    try:
        return bool(value is not None and value == value and value != "")
    except TypeError:  # pandas' NA has no truth value
        return False


def as_int(value: Any) -> int | None:
    return int(value) if present(value) else None


def as_date(value: Any) -> date | None:
    """A stored date, whichever way the database or pandas hands it back."""
    if not present(value):
        return None
    if isinstance(value, datetime):  # also pandas Timestamp
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
