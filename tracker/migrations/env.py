"""Alembic environment: runs migrations on the engine or connection it is handed.

`tracker.store.db.init_db` hands an engine; pytest-alembic hands a connection. `render_as_batch`
lets SQLite (which cannot ALTER most things in place) take the same migration scripts as
PostgreSQL by copying tables.
"""

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import tracker.domain.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from tracker.store.db import make_engine

config = context.config
target_metadata = SQLModel.metadata
# SQLite's full-text tables (migration 0002) and their shadow tables: no model describes a
# virtual table, so autogenerate must not see them as tables to drop.
FTS_PREFIXES = ("claim_fts", "source_fts")


def _include_name(name: str | None, type_: str, _parents: dict) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(FTS_PREFIXES))


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    engine = connection or config.attributes.get("engine") or make_engine()
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


run_migrations()
