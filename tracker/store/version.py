"""The store's data version: a counter every write bumps, which caches and stored findings
key on. Its own module so that the read side can ask for it without the write path."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from tracker.domain.models import Meta

DATA_VERSION_KEY = "data_version"


def bump_data_version(session: Session) -> None:
    """Every write bumps this number; caches key on it (an atomic UPDATE, safe under load)."""
    result = session.execute(
        update(Meta).where(Meta.key == DATA_VERSION_KEY).values(value=Meta.value + 1)
    )
    if result.rowcount == 0:
        session.add(Meta(key=DATA_VERSION_KEY, value=1))
    session.flush()


def data_version(session: Session) -> int:
    row = session.get(Meta, DATA_VERSION_KEY)
    return row.value if row else 0
