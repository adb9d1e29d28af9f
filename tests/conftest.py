"""Fixtures: real databases, never mocks.

Every test that takes `engine` runs twice: on a fresh SQLite file and on PostgreSQL (in a
schema of its own, so that parallel runs on one server do not collide). PostgreSQL tests
run when TRACKER_TEST_POSTGRES_URL is set (CI sets it) and are skipped, saying so, when not.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlmodel import SQLModel

from tests.browser_support import browser, context, page  # noqa: F401 (fixtures)
from tracker.files.importer import import_paths
from tracker.store.db import init_db, make_engine
from tracker.store.write import SYSTEM

# Property tests: 200 examples each in CI (HYPOTHESIS_PROFILE=dev for a quicker local run);
# tests that write to a database take a quarter of that (see tests/test_hostile_input.py).
# No deadline: a shared 2-core CI machine makes timings meaningless.
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=40)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VOCAB_FILES = [
    DATA / "metrics.yaml",
    DATA / "places.yaml",
    DATA / "claimants.yaml",
    DATA / "conflicts.yaml",
]
PG_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"]
# Every table the models define (quoted: "user" is a keyword), emptied between PostgreSQL
# tests; derived, so that a table added by a migration is never left out.
TABLES = [f'"{table.name}"' for table in SQLModel.metadata.sorted_tables]
# Fixtures for the dashboard's AppTest suites (a shared sample database, `open_app`) and
# the curation pages' (a database with accounts, `open_as`).
pytest_plugins = ["tests.dashboard_support", "tests.curation_support", "tests.article_server"]


@pytest.fixture(scope="session", autouse=True)
def _component_scan_once() -> Iterator[None]:
    """Each new AppTest scans every installed package for Streamlit components (0.3 s and
    more); the installed packages do not change during a run, so one scan serves them all."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        once = functools.cache(manifest_scanner.scan_component_manifests)
        patch.setattr(manifest_scanner, "scan_component_manifests", once)
        yield


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated database file, copied for each test (faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    engine = make_engine(_sqlite_url(path))
    init_db(engine)
    engine.dispose()
    return path


def _pg_base() -> tuple[URL, Engine]:
    """The server's URL (psycopg 3) and an autocommit engine for creating schemas."""
    base = make_url(PG_URL)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    return base, create_engine(base, isolation_level="AUTOCOMMIT")


@contextmanager
def _pg_schema(name: str) -> Iterator[str]:
    """A migrated PostgreSQL schema `name` for this test process, dropped afterwards."""
    base, admin = _pg_base()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = base.update_query_dict({"options": f"-csearch_path={name}"})
    url_text = url.render_as_string(hide_password=False)
    engine = make_engine(url_text)
    init_db(engine)
    engine.dispose()
    try:
        yield url_text
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _schema_name() -> str:
    return f"t_{os.getpid()}_{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL schema private to this test process, migrated once."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests skipped: TRACKER_TEST_POSTGRES_URL is not set")
    with _pg_schema(_schema_name()) as url:
        yield url


# What `vocab_engine` and `sample_engine` hold, imported once per test process into a
# template and copied into each test's database: importing them costs about half a second
# a test, copying a few milliseconds, and hundreds of tests start from one or the other.
FILLINGS = {"vocab": VOCAB_FILES, "sample": [DATA]}


@pytest.fixture(scope="session")
def sqlite_filled(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Database files holding each filling, imported through the real importer."""
    folder = tmp_path_factory.mktemp("filled")
    paths = {}
    for kind, files in FILLINGS.items():
        path = paths[kind] = folder / f"{kind}.db"
        shutil.copy(sqlite_template, path)
        engine = make_engine(_sqlite_url(path))
        import_paths(engine, SYSTEM, files)
        engine.dispose()
    return paths


@pytest.fixture(scope="session")
def pg_filled(pg_schema_url: str) -> Iterator[dict[str, str]]:
    """PostgreSQL schemas holding each filling, imported through the real importer."""
    with ExitStack() as stack:
        schemas = {}
        for kind, files in FILLINGS.items():
            schemas[kind] = _schema_name()
            engine = make_engine(stack.enter_context(_pg_schema(schemas[kind])))
            import_paths(engine, SYSTEM, files)
            engine.dispose()
        yield schemas


def _fill(engine: Engine, request: pytest.FixtureRequest, kind: str) -> Engine:
    """Give the test's empty database the rows of the `kind` template, ids included."""
    if engine.dialect.name == "sqlite":
        engine.dispose()  # no connection may hold the file we replace
        path = Path(engine.url.database)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copy(request.getfixturevalue("sqlite_filled")[kind], path)
        return engine
    schema = request.getfixturevalue("pg_filled")[kind]
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:  # parents before children
            name = f'"{table.name}"'
            conn.execute(text(f'INSERT INTO {name} SELECT * FROM "{schema}".{name}'))
            if "id" in table.c:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                    )
                )
    return engine


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database: a fresh SQLite file, or an emptied PG schema."""
    if request.param == "sqlite":
        path = tmp_path / "tracker.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return _sqlite_url(path)
    url = request.getfixturevalue("pg_schema_url")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def vocab_engine(engine: Engine, request: pytest.FixtureRequest) -> Engine:
    """A database holding the project's vocabularies (metrics, places, claimants)."""
    return _fill(engine, request, "vocab")


@pytest.fixture
def sample_engine(engine: Engine, request: pytest.FixtureRequest) -> Engine:
    """A database holding the whole shipped sample dataset."""
    return _fill(engine, request, "sample")


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the `tracker` CLI at the test database."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    from tracker.store.db import default_engine

    default_engine.cache_clear()
    return database_url
