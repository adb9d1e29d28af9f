"""The Sources page (the list and a source's own view), driven with AppTest."""

from __future__ import annotations

import re

from sqlmodel import select

from tests.dashboard_support import HOSTILE_QUOTE, HOSTILE_TITLE, infos_text, warnings_text
from tracker.core.markup import escape_markdown
from tracker.domain.models import Source
from tracker.read.queries import count_sources
from tracker.store.db import make_engine, read_session

PAGE = "views/sources.py"


def source_id(url: str, source_url: str) -> int:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return session.exec(select(Source.id).where(Source.url == source_url)).one()
    finally:
        engine.dispose()


def test_sources_list_shows_sources_with_claim_counts(open_app, dashboard_url):
    at = open_app(dashboard_url, PAGE)
    assert not at.exception
    rows = at.dataframe[0].value
    engine = make_engine(dashboard_url)
    total = count_sources(engine)
    engine.dispose()
    assert len(rows) == min(total, 50)
    assert (rows["Claims"] >= 0).all() and rows["Claims"].sum() > 0
    assert rows["Link"].str.startswith(("https://", "http://")).all()  # http(s) only


def test_search_narrows_the_list_and_goes_into_the_link(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE)
    at.text_input(key="sources.text").input("Reuters").run()
    assert not at.exception
    rows = at.dataframe[0].value
    assert len(rows) > 0
    assert all(
        "reuters" in (p + t).lower() for p, t in zip(rows["Publisher"], rows["Title"], strict=True)
    )
    assert at.query_params == {"q": "Reuters"}


def test_a_source_page_shows_metadata_claims_and_highlighted_text(open_app, dashboard_url):
    sid = source_id(
        dashboard_url,
        "https://kenyan-post.com/2023/02/new-russian-offensive-underway-in-ukraine-nato",
    )
    at = open_app(dashboard_url, PAGE, source=str(sid))
    assert not at.exception
    assert at.title[0].value == escape_markdown("New Russian offensive underway in Ukraine - NATO")
    assert len(at.dataframe[0].value) == 2  # both claims taken from it
    text = [m.value for m in at.markdown if ":yellow-background[" in m.value]
    assert len(text) == 1
    assert ":yellow-background[recorded 7\\,199 civilian deaths" in text[0]
    assert [b.proto.url for b in at.get("link_button")][0].startswith("https://kenyan-post.com/")


def test_text_from_a_source_is_shown_as_text_never_as_markup(open_app, dashboard_sqlite_url):
    sid = source_id(dashboard_sqlite_url, "https://example.org/news/hostile")
    at = open_app(dashboard_sqlite_url, PAGE, source=str(sid))
    assert not at.exception
    assert at.title[0].value == escape_markdown(HOSTILE_TITLE)
    body = next(m.value for m in at.markdown if ":yellow-background[" in m.value)
    assert escape_markdown(HOSTILE_QUOTE) in body  # the quoted passage, highlighted
    plain = body.replace(":yellow-background[", "")
    for char in "<>*()[$":  # every one of them is backslash-escaped
        assert not re.search(rf"(?<!\\){re.escape(char)}", plain), char
    assert "https:" not in body and "press@" not in body  # no autolinks either
    assert at.dataframe[0].value["Quote"][0] == HOSTILE_QUOTE  # tables show it verbatim


def test_an_unknown_source_falls_back_to_the_list_with_a_notice(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, source="999999")
    assert not at.exception
    assert "no source \\#999999" in warnings_text(at)
    assert at.title[0].value == "Sources"
    assert "source" not in at.query_params


def test_a_malformed_source_number_falls_back_with_a_notice(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, source="12abc", page="x")
    assert not at.exception
    notes = warnings_text(at)
    assert "12abc" in notes and "page number" in notes
    assert at.title[0].value == "Sources"


def test_sources_page_on_an_empty_database(open_app, empty_sqlite_url):
    at = open_app(empty_sqlite_url, PAGE)
    assert not at.exception
    assert "No claims yet" in infos_text(at)


def test_a_source_has_a_page_of_its_own_with_a_link_back_to_the_list(
    open_app, dashboard_sqlite_url
):
    """The menu's "Sources" link leads back to the list from a source: a link to the page
    already shown would do nothing, so an open source is a page of its own (`/source`),
    and the older `/sources?source=` address still opens it."""
    sid = source_id(dashboard_sqlite_url, "https://example.org/news/monitor")
    at = open_app(dashboard_sqlite_url, PAGE, source=str(sid))
    assert not at.exception
    assert at.title[0].value == escape_markdown("Example Monitor counts civilian deaths")
    back = [p.proto for p in at.get("page_link") if p.proto.label == "All sources"]
    assert [(p.page, p.query_string) for p in back] == [("sources", "")]
