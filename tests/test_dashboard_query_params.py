"""Query parameters are plain data on every page: SQL, LIKE wildcards, markup, control
characters and oversized values in any parameter of any page render the page (a bad value
falls back to its default with a notice, never a traceback or an error page), match
literally where they are searched for, and change nothing in the database.
"""

from __future__ import annotations

from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from tests import figures
from tests.curation_support import counts, errors, plain
from tests.dashboard_support import APP
from tests.dbstate import everything
from tests.helpers import copy_store
from tracker.store.db import make_engine

#: The pages and every parameter each reads from its address.
PAGES = {
    "views/figures.py": ("metric", "place", "kind", "claimant", "from", "to", "retracted"),
    "views/claims.py": (
        "metric",
        "place",
        "claimant",
        "status",
        "from",
        "to",
        "q",
        "sort",
        "page",
    ),
    "views/sources.py": ("q", "page", "source"),
    "views/checks.py": ("rule", "severity", "page"),
    "views/history.py": ("kind", "claim", "source", "user", "page"),
    "views/edit_claim.py": ("claim",),
    "views/edit_source.py": ("source",),
    "views/add_claims.py": ("source",),
}
#: Hostile values by kind, as reported in docs/reliability.md.
VALUES = {
    "SQL metacharacters": ["' OR 1=1; DROP TABLE claim; --", '%_\\" UNION SELECT 1 --'],
    "markup and script": ["<script>alert(1)</script>"],
    "unicode (RTL, zero-width, emoji)": ["\u202e1\u200b2\x00\x1b 👩‍👩‍👧"],
    "huge numbers": ["9" * 5000, "2147483648", "²"],
    "very long fields": ["x" * 100_000],
}
ADMIN = "ada"


@pytest.fixture(scope="module")
def params_db_url(dashboard_sqlite_url, tmp_path_factory) -> str:
    """A copy of the shared dashboard database (the sample and hostile extras) with an
    admin, so that the curation pages get as far as reading their parameters."""
    target = tmp_path_factory.mktemp("params") / "params.db"
    return copy_store(dashboard_sqlite_url, target, {ADMIN: ("admin", "a long test passphrase")})


def open_page(url: str, view: str, query: dict[str, str], monkeypatch) -> AppTest:  # noqa: ANN001
    from dashboard import data

    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    data.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["user"] = ADMIN
    at.session_state["role"] = "admin"
    at.query_params.update(query)
    at.run()
    if view != "views/figures.py":
        at.switch_page(view).run()
    return at


@pytest.mark.parametrize("view", list(PAGES))
def test_hostile_values_in_every_parameter_render_the_page_and_change_nothing(
    params_db_url, monkeypatch, view, cheap_hashes
):
    engine = make_engine(params_db_url)
    before = everything(engine)
    tried: Counter = Counter()
    at = open_page(params_db_url, view, {}, monkeypatch)  # one session, link after link
    for kind, values in VALUES.items():
        for value in values:
            query = dict.fromkeys(PAGES[view], value)
            at.query_params.clear()
            at.query_params.update(query)
            at.run()
            where = (view, kind, value[:40])
            assert not at.exception, (where, [e.value for e in at.exception])
            assert not at.error, (where, [plain(e.value) for e in at.error])
            assert at.title, where  # the page itself, not a stop before it
            tried[kind] += len(query)
    assert everything(engine) == before
    engine.dispose()
    figures.add("hostile", "inputs by kind", tried)


@pytest.mark.parametrize(
    # "__": one IOM title has an underscore ("Sudan_Weekly"), none two in a row.
    "text",
    ["' OR 1=1 --", "%%", "__", "\\", '" OR ""="', "x" * 100_000],
    ids=repr,
)
def test_a_search_parameter_matches_literally_not_as_sql_or_a_wildcard(
    params_db_url, monkeypatch, text, cheap_hashes
):
    """No quote or title of the data contains these (a "26%" does: hence "%%"; a title has
    one underscore: hence "__"): every
    search finds nothing, where an SQL or LIKE reading of them would match every claim."""
    for view, empty in (
        ("views/claims.py", "No claims match"),
        ("views/sources.py", "No source matches"),
    ):
        at = open_page(params_db_url, view, {"q": text}, monkeypatch)
        assert not at.exception
        assert empty in " ".join(plain(i.value) for i in at.info), view
        # The search box holds the value as given (cut to its 200 characters).
        box = at.text_input(key="claims.text" if view.endswith("claims.py") else "sources.text")
        assert box.value == text.strip()[:200]
    figures.add("hostile", "inputs by kind", {"SQL metacharacters": 2})


def test_an_oversized_record_number_is_refused_as_not_a_number(
    params_db_url, monkeypatch, cheap_hashes
):
    """A 5,000-digit id is no record (Python refuses to convert it), nor one beyond the
    32-bit ids of PostgreSQL, nor a superscript two (a digit to `str.isdigit`, not to
    `int`): a link opened with one says its value was not used, instead of crashing."""
    for view, param, huge in (
        ("views/sources.py", "source", "9" * 5000),
        ("views/edit_claim.py", "claim", "2147483648"),
        ("views/edit_source.py", "source", "²"),
        ("views/add_claims.py", "source", "9" * 5000),
        ("views/history.py", "claim", "²"),
    ):
        at = open_page(params_db_url, view, {param: huge}, monkeypatch)
        assert not at.exception, (view, [e.value for e in at.exception])
        assert not at.error, (view, [plain(e.value) for e in at.error])
        notices = " ".join(plain(w.value) for w in at.warning)
        assert f"is not a {param} number" in notices or "is not a record number" in notices, (
            view,
            notices[:300],
        )


def test_a_record_number_beyond_postgresqls_ids_is_no_source(open_app, dashboard_pg_url):
    """PostgreSQL refuses to compare an integer column with 2^31 (out of range): the page
    never sends it, and says the link's source was not used."""
    at = open_app(dashboard_pg_url, "views/sources.py", source="2147483648")
    assert not at.exception and not at.error
    assert "is not a source number" in " ".join(plain(w.value) for w in at.warning)


@pytest.mark.parametrize(
    ("form", "field", "value"),
    [
        ("new_claimant", "name", "x" * 5000),
        ("new_claimant", "key", "'; DROP TABLE claimant; --"),
        ("new_place", "name", "x" * 5000),
        ("new_place", "iso_code", "<script>alert(1)</script>"),
    ],
    ids=["claimant-name-too-long", "claimant-key-sql", "place-name-too-long", "place-code-markup"],
)
def test_a_hostile_new_claimant_or_place_is_refused_in_the_form(
    open_as, curation_sqlite, cheap_hashes, form, field, value
):
    """The claim form's "new claimant" and "new place" boxes validate what they are given:
    an over-long name or a key full of SQL is a refusal naming the field (it crashed the
    page with pydantic's traceback), and nothing is written."""
    url, source_id = curation_sqlite
    before = counts(url)
    at = open_as(url, "cora", "views/add_claims.py", source=str(source_id))
    if form == "new_claimant":
        at.selectbox(key="entry.new_claimant.kind").set_value("local_authority")
        at.text_input(key="entry.new_claimant.name").input("Example Council")
    else:
        at.text_input(key="entry.new_place.name").input("Example District")
    at.text_input(key=f"entry.{form}.{field}").input(value)
    at.button(key=f"entry.{form}.save").click().run()
    assert not at.exception, [e.value[:300] for e in at.exception]
    shown = " ".join(errors(at))
    assert shown and ("Name" in shown or "Key" in shown or "ISO code" in shown), shown
    assert counts(url) == before
    kind = "very long fields" if len(value) > 1000 else "SQL metacharacters"
    figures.add("hostile", "inputs by kind", {kind: 1})
