"""What a database holds, compared whole: "nothing was written" means exactly the same rows.

Faults, refused imports and hostile input are all checked the same way: take `everything`
before, do the damaging thing, take it again after, and compare. Reading every row is cheap
at test sizes and leaves no room for a half-applied write to hide in a column nobody checked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from tracker.db import read_session


def everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every tracker table, in primary-key order."""
    tables: MetaData = SQLModel.metadata
    out = {}
    with read_session(engine) as s:
        for table in tables.sorted_tables:
            order = list(table.primary_key.columns)
            out[table.name] = [tuple(row) for row in s.execute(select(table).order_by(*order))]
    return out


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in everything(engine).items()}
