"""Fixtures: real databases, never mocks.

Every test that takes `engine` runs twice: on a fresh SQLite file and on PostgreSQL (in a
schema of its own, so that parallel runs on one server do not collide). PostgreSQL tests
run when TRACKER_TEST_POSTGRES_URL is set (CI sets it) and are skipped, saying so, when not.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from tracker.db import init_db, make_engine
from tracker.importer import import_paths
from tracker.store import SYSTEM

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
VOCAB_FILES = [DATA / "metrics.yaml", DATA / "places.yaml", DATA / "claimants.yaml"]
PG_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"]
TABLES = ["revision", "claim", "source", "claimant", "place", "metric", '"user"', "meta"]
# Fixtures for the dashboard's AppTest suites (a shared sample database, `open_app`) and
# the curation pages' (a database with accounts, `open_as`).
pytest_plugins = ["tests.dashboard_support", "tests.curation_support"]


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


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL schema private to this test process, migrated once."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests skipped: TRACKER_TEST_POSTGRES_URL is not set")
    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    base = make_url(PG_URL)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    engine = make_engine(url_text)
    init_db(engine)
    engine.dispose()
    yield url_text
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


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
def vocab_engine(engine: Engine) -> Engine:
    """A database holding the project's vocabularies (metrics, places, claimants)."""
    import_paths(engine, SYSTEM, VOCAB_FILES)
    return engine


@pytest.fixture
def sample_engine(engine: Engine) -> Engine:
    """A database holding the whole shipped sample dataset."""
    import_paths(engine, SYSTEM, [DATA])
    return engine


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the `tracker` CLI at the test database."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    from tracker.db import default_engine

    default_engine.cache_clear()
    return database_url
