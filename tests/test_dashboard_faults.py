"""The dashboard when the database fails: a friendly error page, never a traceback.

A missing SQLite file, an unreachable PostgreSQL, tables that were never created or come
from another version of the tracker, a URL that is not one: every page (the readers', the
login and the curation pages) shows one `st.error` that names the database (password
masked) and says what to do (`make run`, `tracker init`), and nothing else. A read-only
database lets readers read; a curator's save is refused in the form, which keeps what was
typed, and nothing is written. The faults are those of the CLI's tests (`tests/faults.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from tests import figures
from tests.curation_support import counts, errors
from tests.dashboard_support import APP
from tests.faults import UNREACHABLE_POSTGRES_URL, read_only, read_only_postgres_url
from tracker.store.accounts import create_user
from tracker.store.db import head_revision, make_engine, write_session
from tracker.store.write import SYSTEM

SECRET = "s3cret-Passw0rd"

#: Every page a reader or a curator can open, as (view, query parameters).
PAGES = [
    ("views/figures.py", {}),
    ("views/claims.py", {}),
    ("views/sources.py", {}),
    ("views/sources.py", {"source": "1"}),
    ("views/checks.py", {}),
    ("views/add_source.py", {}),
    ("views/add_claims.py", {"source": "1"}),
    ("views/edit_claim.py", {"claim": "1"}),
    ("views/edit_source.py", {"source": "1"}),
    ("views/import_files.py", {}),
    ("views/history.py", {}),
    ("views/inbox.py", {}),
    ("views/login.py", {}),  # last: visited logged out, as the login form is shown
]


def shown(at: AppTest) -> list[str]:
    """Every text element of the page a reader can see (the sidebar included)."""
    kinds = ("error", "warning", "info", "success", "markdown", "caption", "text", "title")
    return [str(e.value) for kind in kinds for e in at.get(kind)]


def visit_every_page(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, AppTest]]:
    """One session, logged in as an admin (so that the curation pages get as far as opening
    the database), visiting each page of PAGES on `url`."""
    from dashboard import data

    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    data.clear()
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["user"] = "ada"
    at.session_state["role"] = "admin"
    at.run()
    for view, query in PAGES:
        at.query_params.clear()
        at.query_params.update(query)
        if view == "views/login.py":
            at.session_state["user"] = None
            at.session_state["role"] = "viewer"
        at.switch_page(view).run()
        yield f"{view}?{query}", at
    data.clear()


def assert_error_page(at: AppTest, where: str, *fragments: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    [error] = errors(at)
    assert error.startswith("The database at "), (where, error)
    assert "could not be opened: " in error, where
    for fragment in fragments:
        assert fragment in error, (where, fragment, error)
    everything = " ".join(shown(at))
    assert "Traceback" not in everything and SECRET not in everything, where
    # The page stops at the error: no form to fill in, no table to read.
    assert not at.text_area and not at.dataframe and not at.file_uploader, where


def every_page_shows(
    url: str, monkeypatch: pytest.MonkeyPatch, fault: str, backend: str, *fragments: str
) -> None:
    pages = 0
    for where, at in visit_every_page(url, monkeypatch):
        assert_error_page(at, where, *fragments)
        pages += 1
    assert pages == len(PAGES)
    figures.add(
        "faults", backend, {f"{fault} (dashboard) injected": 1, f"{fault} (dashboard) survived": 1}
    )


def test_a_missing_database_file_is_an_error_page_on_every_page(monkeypatch, tmp_path):
    path = tmp_path / "nowhere.db"
    every_page_shows(
        f"sqlite:///{path}",
        monkeypatch,
        "missing database file",
        "sqlite",
        f"{path} does not exist",
        "make run",
        "tracker init",
    )
    assert not path.exists()  # the app never creates an empty database in its place


def test_an_unreachable_postgres_is_an_error_page_that_never_shows_the_password(monkeypatch):
    url = make_url(UNREACHABLE_POSTGRES_URL).set(password=SECRET)
    every_page_shows(
        url.render_as_string(hide_password=False),
        monkeypatch,
        "unreachable PostgreSQL",
        "postgresql",
        "postgresql+psycopg://nobody:***@127.0.0.1:1/none",
        "Check `TRACKER_DATABASE_URL`",
    )


def test_a_database_without_tables_is_an_error_page_saying_to_run_init(monkeypatch, tmp_path):
    path = tmp_path / "blank.db"
    path.touch()
    every_page_shows(
        f"sqlite:///{path}",
        monkeypatch,
        "database without tables",
        "sqlite",
        "has no tables yet",
        "`tracker init`",
    )


def test_tables_from_another_version_are_an_error_page_saying_to_run_init(
    monkeypatch, database_url, cheap_hashes
):
    """An un-migrated schema: the tables are there, at a migration this code does not
    expect (as after installing a new version without running `tracker init`)."""
    engine = make_engine(database_url)
    with write_session(engine) as session:  # the admin visiting the curation pages
        create_user(session, SYSTEM, "ada", "admin", "a long test passphrase")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
    backend = make_url(database_url).get_backend_name()
    try:
        every_page_shows(
            database_url,
            monkeypatch,
            "un-migrated schema",
            backend,
            f"schema revision 0000_older, this version needs {head_revision()}",
            "`tracker init`",
        )
    finally:  # the PostgreSQL schema is shared by the process's tests: put it back
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()}
            )
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    [f"postgresql+nodriver://ed:{SECRET}@127.0.0.1/x", f"not a url, password {SECRET}"],
    ids=["unknown-driver", "not-a-url"],
)
def test_a_database_url_that_is_not_one_is_an_error_page(monkeypatch, url):
    for where, at in visit_every_page(url, monkeypatch):
        assert_error_page(at, where, "is not a database URL the tracker can use")


def test_a_database_failing_after_the_page_opened_it_is_still_the_error_page(
    open_app, dashboard_sqlite_url, monkeypatch
):
    """The app's safety net: a database that fails between opening and a later query (a
    server restarted, a disk unplugged) ends the page with the same error, not a traceback."""
    from tracker.core.errors import DatabaseUnavailable
    from tracker.read import queries

    def gone(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise DatabaseUnavailable(
            f"database postgresql+psycopg://ed:***@db.example.org/x is not usable: "
            f"server closed the connection unexpectedly (password {SECRET})"
        )

    monkeypatch.setattr(queries, "claims_page", gone)
    at = open_app(dashboard_sqlite_url, "views/claims.py")
    assert not at.exception
    [error] = errors(at)
    assert "could not be opened: database postgresql+psycopg://ed:***@db.example.org/x" in error
    assert "server closed the connection unexpectedly" in error


# --- a read-only database: readers read, a curator's save is refused in the form ----------


@pytest.fixture
def read_only_curation_db(curation_db) -> Iterator[tuple[str, int, str]]:
    """(URL through which the database may only be read, source id, the URL that writes)."""
    url, source_id = curation_db
    if make_url(url).get_backend_name() == "postgresql":
        yield read_only_postgres_url(url), source_id, url
        return
    path = Path(make_url(url).database)
    engine = make_engine(url)
    with engine.connect() as conn:  # fold the WAL in, so that reading needs no write
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    with read_only(path):
        yield url, source_id, url


def test_a_read_only_database_is_read_but_a_curators_save_is_refused_in_the_form(
    monkeypatch, read_only_curation_db
):
    from dashboard import data

    url, source_id, writable_url = read_only_curation_db
    before = counts(writable_url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    data.clear()
    try:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.session_state["user"] = "cora"
        at.session_state["role"] = "curator"
        at.run()
        at.query_params["source"] = str(source_id)
        at.switch_page("views/sources.py").run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert at.title[0].value == "Monitor updates its count"  # readers still read
        del at.query_params["source"]

        at.switch_page("views/add_source.py").run()
        at.text_input(key="add_source.url").input("https://example.org/news/read-only")
        at.text_input(key="add_source.title").input("Monitor's read-only count")
        at.text_input(key="add_source.publisher").input("Example Wire")
        at.date_input(key="add_source.published").set_value("2023-03-01")
        at.button(key="add_source.save").click().run()
        assert not at.exception
        [error] = errors(at)
        assert error.startswith("nothing was saved: the database could not be written (")
        assert "readonly database" in error or "read-only transaction" in error
        assert "Traceback" not in error
        # What the curator typed is still there, to save once the database is writable.
        assert at.text_input(key="add_source.title").value == "Monitor's read-only count"
    finally:
        data.clear()
    assert counts(writable_url) == before
    backend = make_url(url).get_backend_name()
    figures.add(
        "faults",
        backend,
        {"read-only database, curator saves (dashboard) injected": 1}
        | {"read-only database, curator saves (dashboard) survived": 1},
    )


def test_shown_url_masks_the_password_wherever_it_is():
    from tracker.core.config import shown_url, without_secrets

    url = f"postgresql+psycopg://ed:{SECRET}@db.example.org/x?password={SECRET}"
    assert SECRET not in shown_url(url)
    assert shown_url("::not a url::") == "(not a database URL)"
    message = f"connection to db.example.org failed for ed with {SECRET}"
    assert without_secrets(message, url) == "connection to db.example.org failed for ed with ***"


def test_a_database_failing_in_the_new_claimant_lookup_is_refused_in_the_form(
    open_as, curation_sqlite, monkeypatch, cheap_hashes
):
    """The new-claimant box looks up a free key before saving: a database gone away at that
    moment is a refusal in the form, like a failed save, not Streamlit's exception box."""
    from tracker import curation
    from tracker.core.errors import DatabaseUnavailable

    url, source_id = curation_sqlite
    at = open_as(url, "cora", "views/add_claims.py", source=str(source_id))

    def gone(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise DatabaseUnavailable(f"database {url} is not usable: disk I/O error")

    monkeypatch.setattr(curation, "free_key", gone)
    at.selectbox(key="entry.new_claimant.kind").set_value("local_authority")
    at.text_input(key="entry.new_claimant.name").input("Example Council")
    at.button(key="entry.new_claimant.save").click().run()
    assert not at.exception
    assert any(
        e.startswith("nothing was saved: the database could not be written (") and "disk I/O" in e
        for e in errors(at)
    ), errors(at)
