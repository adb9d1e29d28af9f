"""Engine, connection settings and migrations: everything that knows which database it is.

SQLite is tuned for several curators writing at once: WAL (readers never block the writer),
foreign keys on, a busy timeout, and writers that take the write lock up front with
`BEGIN IMMEDIATE`. Python 3.11's sqlite3 driver opens transactions lazily on its own, which
defeats busy_timeout for writers that started as readers (a lock upgrade fails at once with
"database is locked"); SQLAlchemy's recipe turns that off (`isolation_level=None`) and emits
BEGIN itself.

A write that cannot get its records is refused as *busy*, never left waiting for ever and
never surfaced as a driver traceback: SQLite waits `BUSY_TIMEOUT_MS` for the write lock,
PostgreSQL the same time for a row or key lock (`lock_timeout`, set on every connection, so
that a session left open in a transaction cannot hang every other writer). On PostgreSQL,
writers do not queue up front as they do on SQLite: two imports can both plan to create the
same new claimant or source, and the second meets the first's unique key at INSERT. That
too is "busy" (`DatabaseBusy`): nothing was saved, and the same write run again plans
against what the other stored. `retry_when_busy` does that for whole transactions that can
be re-run safely, such as an import.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from tracker.core.config import database_url
from tracker.core.errors import DatabaseBusy, DatabaseUnavailable

if TYPE_CHECKING:
    from alembic.config import Config

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
BUSY_TIMEOUT_MS = 30_000
# PostgreSQL errors that mean "another transaction got there first", not a broken database:
# serialization failure, deadlock, lock wait timed out, and a unique key that a concurrent
# writer inserted after this transaction checked for it (validation looks for duplicates
# inside the same transaction, so at write time only a race can collide).
BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03", "23505"})
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(
    url: str | None = None,
    *,
    must_exist: bool = False,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Engine:
    """Create an engine for `url` (default: `TRACKER_DATABASE_URL` or the project file).

    `must_exist` refuses to create a new SQLite file, so that a typo in a path is reported
    instead of silently starting an empty database. `busy_timeout_ms` is how long a write
    waits for another write's lock before it is refused as busy (both databases).
    """
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path and path != ":memory:":
            if must_exist and not Path(path).exists():
                raise DatabaseUnavailable(
                    f"database file {path} does not exist (run `tracker init` first)"
                )
            if not Path(path).parent.exists():
                raise DatabaseUnavailable(f"folder {Path(path).parent} does not exist")
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// would pick psycopg2, which we do not ship.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url, pool_pre_ping=True)
    if parsed.get_backend_name() == "postgresql":
        _configure_postgresql(engine, busy_timeout_ms)
    return engine


def _configure_postgresql(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
        dbapi_connection.commit()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module doc
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine, with SQLite transactions that take the write lock at BEGIN."""
    return engine.execution_options(sqlite_immediate=True)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with _translated_errors(engine), Session(engine) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back whole on any error."""
    with _translated_errors(engine), Session(writer(engine), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def sqlite_connection(engine: Engine) -> Iterator[sqlite3.Connection]:
    """The driver's own connection, for the SQLite APIs SQLAlchemy does not wrap (the online
    backup API in `tracker.files.backup`); connection errors become `DatabaseUnavailable`."""
    with _translated_errors(engine):
        raw = engine.raw_connection()
    try:
        yield raw.driver_connection
    finally:
        raw.close()


def retry_when_busy(transaction: Callable[[], T], *, attempts: int = 3) -> T:
    """Run `transaction` (a function that opens and commits its own write session) again when
    the database answers busy, after a short randomised back-off so that the writers that
    collided do not collide again. Only for transactions that read what they write inside
    themselves, so that a second run starts from what the other writer stored."""
    for attempt in range(1, attempts + 1):
        try:
            return transaction()
        except DatabaseBusy:
            if attempt == attempts:
                raise
            time.sleep(0.05 * 2**attempt * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


@contextmanager
def _translated_errors(engine: Engine) -> Iterator[None]:
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        if _is_busy(exc):
            raise DatabaseBusy(_describe_busy(engine)) from exc
        if not isinstance(exc, OperationalError) and not _looks_unavailable(exc):
            raise
        raise DatabaseUnavailable(_describe(engine, exc)) from exc


def _is_busy(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    text = str(exc.orig).lower()
    return any(m in text for m in SQLITE_BUSY_MESSAGES)


def _describe_busy(engine: Engine) -> str:
    where = engine.url.render_as_string(hide_password=True)
    return (
        f"database {where} is busy: another write held or changed the same records "
        "at the same moment; nothing was saved, try again"
    )


def _looks_unavailable(exc: DBAPIError) -> bool:
    # SQLite reports a damaged or foreign file as a DatabaseError, not an OperationalError.
    text = str(exc.orig).lower()
    words = ("read-only", "readonly", "disk", "connection", "locked", "not a database", "corrupt")
    return any(w in text for w in words)


def _describe(engine: Engine, exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    first_line = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    where = engine.url.render_as_string(hide_password=True)
    return f"database {where} is not usable: {first_line}"


def alembic_config(engine: Engine) -> Config:
    # Imported here: Alembic (and Mako behind it) costs a third of a second at start-up, and
    # only `init` and restores need it, not every command or writer process.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def init_db(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration; existing rows are kept."""
    from alembic import command

    with _translated_errors(engine):
        command.upgrade(alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    with _translated_errors(engine), engine.connect() as conn:
        return inspect(conn).has_table("claim")


def schema_revision(engine: Engine) -> str | None:
    """The migration the database's tables were last brought to (None: no record of one,
    as in a database made before migrations or by hand)."""
    with _translated_errors(engine), engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


@cache
def head_revision() -> str:
    """The newest migration this checkout ships: a database at another one is not migrated
    (`tracker init` upgrades it), and its queries would fail on columns it lacks."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


@cache
def default_engine() -> Engine:
    """The process-wide engine for the configured database (created once)."""
    return make_engine()
