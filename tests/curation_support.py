"""Driving the curation pages in tests: a database with the vocabularies, three accounts
and one source, and an AppTest opener that starts the app logged in as someone.

Logging in through the form is tested on its own (test_dashboard_login.py); the other
flows start with the account already in the session, as the login form leaves it, so that
each test shows only what it is about. Hashes use argon2's smallest parameters: these
tests are about the forms, not the cost of a hash.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tests.conftest import VOCAB_FILES
from tests.dashboard_support import APP
from tracker import accounts
from tracker.db import make_engine, read_session, write_session
from tracker.importer import import_paths
from tracker.markup import WORD_JOINER
from tracker.models import Claim, Revision, Source
from tracker.schemas import SourceIn
from tracker.store import SYSTEM, Actor, add_source
from tracker.vocab import Role

PASSWORD = "correct horse battery"
ACCOUNTS = {"cora": Role.curator, "carl": Role.curator, "eddie": Role.editor, "ada": Role.admin}
ARTICLE = {
    "url": "https://example.org/news/monitor-update",
    "title": "Monitor updates its count",
    "publisher": "Example Wire",
    "published": "2023-02-14",
    "text": (
        "The Example Monitor said on Monday it had recorded 7,199 civilian deaths and "
        "11,756 wounded since Feb. 24. Forces repelled attacks on six settlements in the "
        "Donetsk region over the past 24 hours, officials said."
    ),
}


@pytest.fixture
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(
        accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    accounts.UNKNOWN_NAMES.clear()
    yield
    accounts.UNKNOWN_NAMES.clear()


def populate(engine: Engine) -> int:
    """Vocabularies, the accounts of ACCOUNTS and ARTICLE (added by cora); its id."""
    import_paths(engine, SYSTEM, VOCAB_FILES)
    with write_session(engine) as session:
        for name, role in ACCOUNTS.items():
            accounts.create_user(session, SYSTEM, name, role, PASSWORD)
        source = add_source(session, Actor("cora", Role.curator), SourceIn.model_validate(ARTICLE))
        return source.id


@pytest.fixture
def curation_db(database_url: str, cheap_hashes: None) -> tuple[str, int]:
    """(URL, id of ARTICLE's source), on SQLite and on PostgreSQL."""
    engine = make_engine(database_url)
    try:
        return database_url, populate(engine)
    finally:
        engine.dispose()


@pytest.fixture
def curation_sqlite(tmp_path, sqlite_template, cheap_hashes: None) -> tuple[str, int]:
    """The same on SQLite only, for the many small validation flows."""
    path = tmp_path / "curation.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        return url, populate(engine)
    finally:
        engine.dispose()


OpenAs = Callable[..., AppTest]


@pytest.fixture
def open_as(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAs]:
    """`open_as(url, user, view, **query)`: the app on `url` with `user` logged in (None: a
    viewer), at `view` (e.g. "views/add_claims.py"), after one run."""
    from dashboard import data

    def _open(url: str, user: str | None, view: str | None = None, /, **query: str) -> AppTest:
        monkeypatch.setenv("TRACKER_DATABASE_URL", url)
        data.clear()
        at = AppTest.from_file(str(APP), default_timeout=60)
        if user:
            at.session_state["user"] = user
            at.session_state["role"] = ACCOUNTS[user].value
        at.query_params.update(query)
        if view:
            # The curation pages' URLs differ from their file names: AppTest finds them
            # only once a run has registered the menu (on a database with no claims the
            # Figures page stops at once).
            at.run()
            at.switch_page(view)
        return at.run()

    yield _open
    data.clear()


def plain(markdown: str) -> str:
    """Escaped Markdown as the reader sees it (backslashes and word joiners gone)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def warnings(at: AppTest) -> list[str]:
    return [plain(w.value) for w in at.warning]


def successes(at: AppTest) -> list[str]:
    return [plain(s.value) for s in at.success]


def counts(url: str) -> dict[str, int]:
    """Rows per table: what a refused action must leave unchanged."""
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return {
                name: session.exec(select(func.count(model.id))).one()
                for name, model in (("sources", Source), ("claims", Claim), ("revisions", Revision))
            }
    finally:
        engine.dispose()
