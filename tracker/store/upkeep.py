"""Index and full-text upkeep deferred to the end of a bulk load.

Inserting rows into a table with its indexes in place costs more than the insert itself:
FTS5 flushes its pending terms to a new segment at the end of every statement (each row of
an executemany is one), and secondary indexes are maintained row by row, where building
them once afterwards is a sort. Inside the load's own transaction, `DeferredUpkeep`:

- on SQLite, drops the FTS5 *insert* triggers and, at `finish`, creates them again from the
  very SQL the schema held and adds the new rows' terms with one INSERT ... SELECT (only the
  rows loaded now: the terms of stored rows are untouched, so this pays at any store size);
- on SQLite, for a large load (at least as many rows coming as the table holds), drops the
  table's non-unique secondary indexes and creates them again from their stored definitions
  at `finish`. Unique indexes stay: a duplicate key is refused at its INSERT, as usual.

The schema afterwards is exactly what it was (tests/test_synthetic.py compares), and since
both databases run DDL inside a transaction, an error anywhere rolls the drops back with the
rows. On SQLite (WAL) readers keep reading the snapshot from before the load. PostgreSQL
keeps its indexes: DROP INDEX takes an exclusive lock, which would lock the dashboard's
readers out until the load commits.

`first_load_journal` halves the disk writes of a first load: in WAL mode every page is
written twice (to the WAL, then into the database by the checkpoint), while a rollback
journal never copies a page that held nothing before, and stays all-or-nothing.
docs/performance.md has the measurements behind both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

#: SQLite's FTS5 tables (migration 0002): (FTS table, content table, indexed columns), kept
#: in step by the trigger `<fts>_insert` on the content table.
SQLITE_FTS = (
    ("claim_fts", "claim", ("quote",)),
    ("source_fts", "source", ("title", "publisher")),
)


#: SQLite's page cache for the loading connection, in KiB (negative: a size, not pages).
#: With the default 2 MB, a million-claim load in one transaction spilled and re-wrote the
#: same pages to the WAL over and over (97 GB written in ten minutes, unfinished); the index
#: builds' sorts likewise. Durability is unchanged (synchronous stays as tracker.store.db sets it).
LOAD_CACHE_KIB = 512 * 1024


@dataclass
class DeferredUpkeep:
    """Call `start` before the first INSERT and `finish` after the last, on the load's
    connection and inside its transaction. `coming` is how many rows each table is about
    to receive (an estimate is enough: it only decides whether indexes are rebuilt)."""

    conn: Connection
    coming: dict[str, int]
    #: (name, CREATE statement) of what was dropped, re-run in this order at `finish`.
    dropped_indexes: list[tuple[str, str]] = field(default_factory=list)
    dropped_triggers: list[tuple[str, str]] = field(default_factory=list)
    first_ids: dict[str, int] = field(default_factory=dict)
    cache_size: int | None = None  # the connection's own, put back at `finish`

    @property
    def sqlite(self) -> bool:
        return self.conn.dialect.name == "sqlite"

    def start(self) -> None:
        if not self.sqlite:
            return  # PostgreSQL keeps its indexes (module docstring) and has no FTS triggers
        self.cache_size = int(self.conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
        self.conn.exec_driver_sql(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
        for table, rows in self.coming.items():
            if rows and rows >= self._rows_present(table):
                for name, sql in self._secondary_indexes(table):
                    self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
                    self.dropped_indexes.append((name, sql))
        for fts, table, _columns in SQLITE_FTS:
            row = self.conn.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
                {"n": f"{fts}_insert"},
            ).first()
            if row is None:  # a store migrated before 0002 (init_db upgrades it first)
                continue
            self.conn.exec_driver_sql(f'DROP TRIGGER "{fts}_insert"')
            self.dropped_triggers.append((f"{fts}_insert", row[0]))
            self.first_ids[table] = self._next_id(table)

    def finish(self) -> None:
        """Indexes back from their own definitions, then the new rows' full-text terms."""
        for _name, sql in self.dropped_indexes:
            self.conn.exec_driver_sql(sql)
        for _name, sql in self.dropped_triggers:
            self.conn.exec_driver_sql(sql)
        for fts, table, columns in SQLITE_FTS:
            if table not in self.first_ids:
                continue
            cols = ", ".join(columns)
            self.conn.execute(
                text(
                    f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {table} "
                    "WHERE id >= :first ORDER BY id"
                ),
                {"first": self.first_ids[table]},
            )
        self.dropped_indexes, self.dropped_triggers, self.first_ids = [], [], {}
        if self.cache_size is not None:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {self.cache_size}")
            self.cache_size = None

    # --- what the store holds ----------------------------------------------------------------

    def _rows_present(self, table: str) -> int:
        # max(id) is read off the primary key; nothing is ever deleted, so it counts the rows.
        return int(self.conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}")) or 0)

    def _next_id(self, table: str) -> int:
        # The write lock is held from BEGIN IMMEDIATE, so every id above today's max is the
        # load's (tracker.store.bulk reserves ids the same way).
        return self._rows_present(table) + 1

    def _secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """The SQLite table's non-unique indexes as (name, CREATE statement); the primary
        key, unique constraints and unique indexes are left alone."""
        rows = self.conn.execute(
            text(
                "SELECT m.name, m.sql FROM sqlite_master m "
                "JOIN pragma_index_list(:t) l ON l.name = m.name "
                "WHERE m.type = 'index' AND m.tbl_name = :t AND m.sql IS NOT NULL "
                'AND l."unique" = 0 ORDER BY m.name'
            ),
            {"t": table},
        ).all()
        return [(name, sql) for name, sql in rows]


@contextmanager
def first_load_journal(engine: Engine) -> Iterator[bool]:
    """While a bulk load fills an *empty* SQLite store, keep it in rollback-journal mode
    (module docstring), and put it back in WAL mode afterwards; yields whether it did.

    Only for an empty store, and only when no other connection has it open (SQLite itself
    refuses to leave WAL mode otherwise, and then the load simply runs in WAL mode): in
    rollback mode a reader that arrives during the load waits for its commit instead of
    reading the snapshot before it, which is fine when there is nothing to read yet and not
    otherwise. PostgreSQL is left alone."""
    if engine.dialect.name != "sqlite" or _holds_claims(engine):
        yield False
        return
    switched = _journal_mode(engine, "delete") == "delete"
    try:
        yield switched
    finally:
        if switched:
            # Any new connection sets WAL again too (tracker.store.db), should this one be refused.
            _journal_mode(engine, "wal")


def _holds_claims(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT 1 FROM claim LIMIT 1")) is not None


def _journal_mode(engine: Engine, mode: str) -> str:
    """PRAGMA journal_mode on a pooled connection, outside any transaction (the pragma is
    refused inside one, and SQLAlchemy would open one before its first statement)."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        try:
            found = driver.execute(f"PRAGMA journal_mode = {mode}").fetchone()
        except sqlite3.OperationalError:  # busy: another connection has it; the mode stays
            return ""
        return str(found[0]).lower() if found else ""
