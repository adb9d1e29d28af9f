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
from pathlib import Path
from typing import Any

import pytest
import yaml
from argon2 import PasswordHasher
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tests.conftest import BACKENDS, TABLES, VOCAB_FILES
from tests.dashboard_support import APP
from tests.helpers import claim, source_doc
from tracker.core.markup import WORD_JOINER
from tracker.domain.models import Claim, Revision, Source
from tracker.domain.schemas import ClaimantIn, SourceIn
from tracker.domain.vocab import Role
from tracker.files.importer import import_paths
from tracker.store import accounts
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.write import SYSTEM, Actor, add_claimant, add_source

PASSWORD = "correct horse battery"
ACCOUNTS = {"cora": Role.curator, "carl": Role.curator, "eddie": Role.editor, "ada": Role.admin}
ARTICLE = {
    "url": "https://example.org/news/monitor-update",
    "title": "Monitor updates its count",
    "publisher": "Example Wire",
    "published": "2023-02-14",
    "text": (
        "The Example Monitor said on Monday it had recorded 7,199 civilian deaths and "
        "11,756 wounded in Ukraine since Feb. 24.\n\n"
        "Forces repelled attacks on six settlements in the Donetsk region over the past 24 "
        "hours, officials said."
    ),
}


# Uploads for the import: a new source, ARTICLE with a new title, and a file with an error.
MONITOR_CLAIM = {"claimant": "example_monitor", "place": "UA", "metric": "civilian_killed"}


def yaml_file(name: str, doc: dict) -> tuple[str, bytes, str]:
    return name, yaml.safe_dump(doc, sort_keys=False).encode(), "application/yaml"


NEW_SOURCE = yaml_file(
    "monitor-march.yaml",
    source_doc(
        claims=[
            claim(
                id="example-new-1",
                value=8006,
                period_end="2023-02-15",
                **MONITOR_CLAIM,
                quote="8,006 civilians killed",
            ),
            claim(
                id="example-new-2",
                value=8100,
                period_end="2023-02-20",
                **MONITOR_CLAIM,
                quote="8,100 civilians killed",
            ),
        ],
        url="https://example.org/news/monitor-march",
        title="Monitor's March count",
        publisher="Example Wire",
        published="2023-03-01",
    ),
)
ARTICLE_FIXED = yaml_file(
    "monitor-update.yaml",
    source_doc(
        claims=[
            claim(
                id="example-old-1",
                value=7199,
                period_end="2023-02-13",
                **MONITOR_CLAIM,
                quote="it had recorded 7,199 civilian deaths",
            ),
        ],
        **{k: v for k, v in ARTICLE.items() if k != "text"}
        | {"title": "Monitor updates its count (corrected)"},
    ),
)
BAD = yaml_file(
    "bad.yaml",
    source_doc(
        claims=[claim(id="example-bad", value="seven", **MONITOR_CLAIM)],
        url="https://example.org/news/bad",
    ),
)


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(accounts, "HASHER", CHEAP_HASHER)
    accounts.UNKNOWN_NAMES.clear()
    yield
    accounts.UNKNOWN_NAMES.clear()


#: A fictional claimant: test figures are never put in a real body's mouth.
MONITOR = {
    "key": "example_monitor",
    "name": "Example Monitor",
    "kind": "independent_monitor",
    "side": "monitor",
    "aliases": ["the Example Monitoring Group"],
}
MONITOR_OPTION = "Example Monitor"
MONITOR_ALIAS_OPTION = "the Example Monitoring Group → Example Monitor"


def populate(engine: Engine) -> int:
    """Vocabularies and MONITOR, the accounts of ACCOUNTS, and ARTICLE (added by cora);
    returns the article's source id."""
    import_paths(engine, SYSTEM, VOCAB_FILES)
    with write_session(engine) as session:
        for name, role in ACCOUNTS.items():
            accounts.create_user(session, SYSTEM, name, role, PASSWORD)
        add_claimant(session, SYSTEM, ClaimantIn.model_validate(MONITOR))
        source = add_source(session, Actor("cora", Role.curator), SourceIn.model_validate(ARTICLE))
        return source.id


@pytest.fixture(scope="session")
def curation_template(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> tuple[Path, int]:
    """An SQLite file populated once per test session (copied for each test: importing the
    vocabularies each time would cost more than most tests)."""
    path = tmp_path_factory.mktemp("curation") / "curation.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    saved = accounts.HASHER
    accounts.HASHER = CHEAP_HASHER
    try:
        source_id = populate(engine)
    finally:
        accounts.HASHER = saved
        engine.dispose()
    return path, source_id


@pytest.fixture
def curation_sqlite(
    curation_template: tuple[Path, int], tmp_path: Path, cheap_hashes: None
) -> tuple[str, int]:
    """(URL, id of ARTICLE's source) of a fresh copy of the populated SQLite file."""
    template, source_id = curation_template
    path = tmp_path / "curation.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}", source_id


@pytest.fixture(params=BACKENDS)
def curation_db(request: pytest.FixtureRequest, cheap_hashes: None) -> tuple[str, int]:
    """The same on SQLite and on PostgreSQL (an emptied schema, populated for the test)."""
    if request.param == "sqlite":
        return request.getfixturevalue("curation_sqlite")
    url = request.getfixturevalue("pg_schema_url")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
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


def _in_order(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _in_order(child)


def errors_after(at: AppTest, key: str) -> list[str]:
    """The error messages drawn right under the widget with `key`: its own problems."""
    nodes = list(_in_order(at.main))
    start = next(i for i, n in enumerate(nodes) if getattr(n, "key", None) == key)
    found = []
    for node in nodes[start + 1 :]:
        if node.type == "error":
            found.append(plain(node.value))
        elif not hasattr(node, "children"):
            break
    return found
