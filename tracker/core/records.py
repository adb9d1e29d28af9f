"""Plain records of database rows: what a library function hands out, so that no ORM object
(and no lazy load) leaves its session."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def record_of(cls: type[T], row: Any, **values: Any) -> T:
    """The dataclass `cls` filled from `row`'s attributes of the same names; `values` give
    the fields the row does not hold."""
    names = (f.name for f in dataclasses.fields(cls) if f.name not in values)  # type: ignore[arg-type]
    return cls(**{name: getattr(row, name) for name in names}, **values)
