"""Driving the dashboard in tests: a shared database holding the sample plus a few
fictional claims the sample lacks (a retracted claim, a range, hostile text), and an AppTest
opener that points the app at a database and forgets every cached engine and result.

The shared database is built once per test session and per backend and only read, so that
page tests do not pay for an import each.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from tests.conftest import DATA, PG_URL
from tests.helpers import claim, source_doc, write_doc
from tracker.checks.finding_store import refresh_findings
from tracker.files.importer import import_paths
from tracker.store.db import init_db, make_engine
from tracker.store.write import SYSTEM

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
HOSTILE_TITLE = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) www.example.org"
HOSTILE_QUOTE = "recorded at least 42 [civilian] deaths, **so far** $5"
HOSTILE_TEXT = (
    "Intro <img src=x onerror=alert(1)> and [a link](https://evil.example.org).\n"
    "    four spaces, # no heading\n"
    f"The monitor said it had {HOSTILE_QUOTE} in total.\n"
    "Contact press@example.org :smile:"
)

EXTRA_DOCS = {
    "example-wire.yaml": source_doc(
        claims=[
            claim(
                id="example-range",
                claimant="Example Monitor",
                value=40,
                low=30,
                high=50,
                qualifier="about",
                period_end="2023-01-15",
                quote="between 30 and 50 civilians, about 40",
            ),
            claim(
                id="example-retracted",
                claimant="Example Monitor",
                value=99,
                qualifier="exact",
                period_end="2023-01-31",
                status="retracted",
                status_reason="Example Wire withdrew the figure",
                quote="99 civilians were killed",
            ),
        ],
        url="https://example.org/news/monitor",
        title="Example Monitor counts civilian deaths",
        publisher="Example Wire",
        published="2023-02-14",
    ),
    "hostile.yaml": source_doc(
        claims=[
            claim(
                id="example-hostile",
                claimant="Example Monitor",
                value=42,
                qualifier="at_least",
                period_end="2023-02-28",
                quote=HOSTILE_QUOTE,
            )
        ],
        url="https://example.org/news/hostile",
        title=HOSTILE_TITLE,
        publisher="Example Wire <b>bold</b>",
        published="2023-03-01",
        text=HOSTILE_TEXT,
    ),
}


def load_dashboard_data(url: str, folder: Path) -> None:
    """Migrate `url` and import the sample and the extra fictional sources into it, then
    store the checks' findings, as `tracker import` does."""
    for name, doc in EXTRA_DOCS.items():
        write_doc(folder / name, doc)
    engine = make_engine(url)
    init_db(engine)
    import_paths(engine, SYSTEM, [DATA, folder])
    refresh_findings(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def dashboard_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file with the sample and the extras (read only by the tests)."""
    folder = tmp_path_factory.mktemp("dashboard")
    url = f"sqlite:///{folder / 'dashboard.db'}"
    load_dashboard_data(url, folder / "extra")
    return url


@pytest.fixture(scope="session")
def dashboard_pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same data in a PostgreSQL schema of this process's own."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests skipped: TRACKER_TEST_POSTGRES_URL is not set")
    schema = f"d_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    base = make_url(PG_URL)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    load_dashboard_data(url_text, tmp_path_factory.mktemp("dashboard-pg"))
    yield url_text
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def dashboard_url(request: pytest.FixtureRequest) -> str:
    """The shared dashboard database, on each backend in turn."""
    if request.param == "sqlite":
        return request.getfixturevalue("dashboard_sqlite_url")
    return request.getfixturevalue("dashboard_pg_url")


@pytest.fixture
def empty_sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated database with no rows at all."""
    path = tmp_path / "empty.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


OpenApp = Callable[..., AppTest]


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenApp]:
    """`open_app(url, view=None, **query)`: the app on `url`, at `view` (e.g.
    "views/claims.py") with `query` in its address, after one run."""
    from dashboard import data

    def _open(url: str, view: str | None = None, /, **query: str | list[str]) -> AppTest:
        monkeypatch.setenv("TRACKER_DATABASE_URL", url)
        data.clear()
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.query_params.update(query)
        if view:
            at.switch_page(view)
        return at.run()

    yield _open
    data.clear()


def warnings_text(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def infos_text(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)
