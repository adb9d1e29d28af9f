"""Engine, connection settings and migrations: everything that knows which database it is.

SQLite is tuned for several curators writing at once: WAL (readers never block the writer),
foreign keys on, a busy timeout, and writers that take the write lock up front with
`BEGIN IMMEDIATE`. Python 3.11's sqlite3 driver opens transactions lazily on its own, which
defeats busy_timeout for writers that started as readers (a lock upgrade fails at once with
"database is locked"); SQLAlchemy's recipe turns that off (`isolation_level=None`) and emits
BEGIN itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from tracker.config import database_url
from tracker.errors import DatabaseUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None, *, must_exist: bool = False) -> Engine:
    """Create an engine for `url` (default: `TRACKER_DATABASE_URL` or the project file).

    `must_exist` refuses to create a new SQLite file, so that a typo in a path is reported
    instead of silently starting an empty database.
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
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// would pick psycopg2, which we do not ship.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module doc
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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
def _translated_errors(engine: Engine) -> Iterator[None]:
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        if not isinstance(exc, OperationalError) and not _looks_unavailable(exc):
            raise
        raise DatabaseUnavailable(_describe(engine, exc)) from exc


def _looks_unavailable(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(w in text for w in ("read-only", "readonly", "disk", "connection", "locked"))


def _describe(engine: Engine, exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    first_line = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    where = engine.url.render_as_string(hide_password=True)
    return f"database {where} is not usable: {first_line}"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def init_db(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration; existing rows are kept."""
    with _translated_errors(engine):
        command.upgrade(alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    with _translated_errors(engine), engine.connect() as conn:
        return inspect(conn).has_table("claim")


@cache
def default_engine() -> Engine:
    """The process-wide engine for the configured database (created once)."""
    return make_engine()
