"""Articles in the app: on Add source a fetched page fills the form and, once saved, its
drafts appear in the assistant with the page archived; a stored URL is pointed to; a page
that cannot be fetched is one line by the URL. The Inbox shows new articles with their
drafts, opens one in the form, and dismisses one with a reason that stays; a source's page
offers what the page said when it was read."""

from __future__ import annotations

from datetime import date

import pytest

from tests.article_server import PAGES
from tests.curation_support import errors_after, plain, successes, warnings
from tracker.articles.archive import copies_of
from tracker.articles.feeds import add_feed, inbox, poll_feeds
from tracker.domain.models import InboxItem, Source
from tracker.files.reading import load_vocabulary
from tracker.store.db import make_engine, read_session
from tracker.store.write import SYSTEM

pytestmark = pytest.mark.usefixtures("cheap_hashes")

ADD_SOURCE = "views/add_source.py"
INBOX = "views/inbox.py"
COURIER = "/courier/2024/03/12/shelling-kharkiv"
GAZETTE = "/gazette/stories/odesa-weekly-toll"


def test_a_fetched_page_fills_the_form_and_its_drafts_appear_once_saved(
    open_as, curation_db, fetch_allowed
):
    url, _ = curation_db
    at = open_as(url, "cora", ADD_SOURCE)
    at.text_input(key="add_source.url").input(fetch_allowed.url(COURIER) + "?utm_source=x").run()
    at.button(key="add_source.fetch").click().run()
    assert not at.exception
    assert at.text_input(key="add_source.url").value == fetch_allowed.url(COURIER)
    assert at.text_input(key="add_source.title").value == (
        "Shelling kills four in Kharkiv region, monitor says"
    )
    assert at.text_input(key="add_source.publisher").value == "The Example Courier"
    assert at.date_input(key="add_source.published").value == date(2024, 3, 12)
    assert at.text_area(key="add_source.text").value.startswith("Shelling killed four civilians")
    assert "Filled in from the page: check every field before saving." in [
        plain(i.value) for i in at.info
    ]
    # The curator corrects the headline, then saves.
    at.text_input(key="add_source.title").input("Four killed in Kharkiv region shelling").run()
    at.button(key="add_source.save").click().run()
    assert not at.exception
    assert successes(at)[0].startswith("Saved as source #")
    drafts = at.dataframe[0].value  # the assistant's table, found without a click
    assert list(drafts["Figure"]) == [4, 11, 35]
    assert list(drafts["Metric"]) == ["civilian_killed", "civilian_injured", "civilian_killed"]
    assert at.button(key="assist.save").label == "Save the 3 ticked claim(s)"

    engine = make_engine(url)
    with read_session(engine) as session:
        from sqlmodel import select

        stored = session.exec(select(Source).where(Source.url == fetch_allowed.url(COURIER))).one()
        assert stored.title == "Four killed in Kharkiv region shelling"
        assert stored.created_by == "cora" and stored.retrieved_at is not None
    [copy] = copies_of(engine, fetch_allowed.url(COURIER))
    assert copy.fetched_by == "cora"
    engine.dispose()


def test_a_page_that_cannot_be_fetched_is_one_line_under_the_url(
    open_as, curation_sqlite, fetch_allowed
):
    url, _ = curation_sqlite
    at = open_as(url, "cora", ADD_SOURCE)
    at.text_input(key="add_source.url").input(fetch_allowed.url("/go/private")).run()
    at.button(key="add_source.fetch").click().run()
    assert not at.exception
    [line] = errors_after(at, "add_source.url")
    assert line.startswith("Article URL: refused to fetch http://10.20.30.40/internal/payroll")
    assert at.text_input(key="add_source.title").value == ""


def test_an_already_stored_url_is_pointed_to_instead_of_fetched(
    open_as, curation_sqlite, fetch_allowed
):
    url, _ = curation_sqlite
    at = open_as(url, "cora", ADD_SOURCE)
    at.text_input(key="add_source.url").input(fetch_allowed.url(COURIER)).run()
    at.button(key="add_source.fetch").click().run()
    at.button(key="add_source.save").click().run()
    at = open_as(url, "carl", ADD_SOURCE)
    at.text_input(key="add_source.url").input(fetch_allowed.url(COURIER) + "/").run()
    assert warnings(at)[0].startswith("This article is already stored as source #")
    assert [link.label for link in at.get("page_link")][:2] == [
        "Open the stored source",
        "Add claims from it",
    ]
    assert not [b for b in at.button if b.key == "add_source.fetch"]


@pytest.fixture
def polled(curation_db, fetch_allowed) -> str:
    url, _ = curation_db
    engine = make_engine(url)
    add_feed(engine, SYSTEM, fetch_allowed.url("/feeds/courier.rss"))
    report = poll_feeds(engine, SYSTEM, load_vocabulary())
    assert report.new == 2
    engine.dispose()
    return url


def test_the_inbox_shows_new_articles_with_their_drafts(open_as, polled):
    at = open_as(polled, "cora", INBOX)
    assert not at.exception
    markdown = [plain(m.value) for m in at.markdown]
    assert "**Shelling kills four in Kharkiv region, monitor says**" in markdown
    assert "**Odesa region: health authority gives weekly toll**" in markdown
    tables = [t.value for t in at.dataframe if "Figure" in t.value.columns]
    figures = sorted(tuple(t["Figure"]) for t in tables)
    assert figures == [("23", "57"), ("4", "11", "at least 35")]


def test_an_inbox_item_opens_in_the_form_and_is_taken_once_saved(open_as, polled, fetch_allowed):
    engine = make_engine(polled)
    [item] = [i for i in inbox(engine) if i.url == fetch_allowed.url(GAZETTE)]
    at = open_as(polled, "cora", INBOX)
    at.button(key=f"inbox.open.{item.id}").click().run()
    assert not at.exception
    assert at.text_input(key="add_source.title").value == item.title
    assert at.text_input(key="add_source.publisher").value == "Example Gazette"
    assert at.date_input(key="add_source.published").value == date(2024, 10, 21)
    at.switch_page(ADD_SOURCE)  # where the browser now is (AppTest reruns the page it opened)
    at.button(key="add_source.save").click().run()
    assert successes(at)[0].startswith("Saved as source #")
    assert list(at.dataframe[0].value["Figure"]) == [23, 57]
    with read_session(engine) as session:
        stored = session.get(InboxItem, item.id)
        assert (stored.status, stored.taken_by) == ("taken", "cora")
        assert stored.source_id is not None
    assert [i.url for i in inbox(engine)] == [fetch_allowed.url(COURIER)]
    engine.dispose()


def test_dismissing_needs_a_reason_and_keeps_it(open_as, polled, fetch_allowed):
    engine = make_engine(polled)
    [item] = [i for i in inbox(engine) if i.url == fetch_allowed.url(COURIER)]
    at = open_as(polled, "carl", INBOX)
    at.button(key=f"inbox.dismiss.{item.id}").click().run()
    assert any("say why the article is dismissed" in plain(e.value) for e in at.error)
    at.text_input(key=f"inbox.reason.{item.id}").input("a wire story we already have").run()
    at.button(key=f"inbox.dismiss.{item.id}").click().run()
    assert not at.exception
    assert successes(at) == [
        f"Dismissed inbox item #{item.id}; it stays under Dismissed with your reason."
    ]
    [dismissed] = inbox(engine, "dismissed")
    assert (dismissed.dismissed_reason, dismissed.dismissed_by) == (
        "a wire story we already have",
        "carl",
    )
    at.segmented_control(key="inbox.status").set_value("dismissed").run()
    captions = [plain(c.value) for c in at.caption]
    assert any(c.startswith("Dismissed by carl,") for c in captions)
    assert any(c.endswith(": a wire story we already have") for c in captions)
    engine.dispose()


def test_the_sources_page_offers_the_archived_text(open_as, polled, fetch_allowed):
    engine = make_engine(polled)
    [item] = [i for i in inbox(engine) if i.url == fetch_allowed.url(COURIER)]
    at = open_as(polled, "cora", INBOX)
    at.button(key=f"inbox.open.{item.id}").click().run()
    at.switch_page(ADD_SOURCE)
    at.button(key="add_source.save").click().run()
    with read_session(engine) as session:
        source_id = session.get(InboxItem, item.id).source_id
    at = open_as(polled, None, "views/sources.py", source=str(source_id))
    assert not at.exception
    texts = [t.value for t in at.text]
    assert any(t.startswith("SHA-256 of the page as served: ") for t in texts)
    assert item.text in texts
    served = (PAGES / "courier_kharkiv.html").read_bytes()
    assert len(served) > 0
    engine.dispose()


def test_a_curator_polls_the_feeds_from_the_inbox(open_as, curation_db, fetch_allowed):
    url, _ = curation_db
    engine = make_engine(url)
    add_feed(engine, SYSTEM, fetch_allowed.url("/feeds/ledger.atom"))
    engine.dispose()
    at = open_as(url, "cora", INBOX)
    [feeds] = [t.value for t in at.dataframe if "Feed" in t.value.columns]
    assert list(feeds["Last polled (UTC)"]) == ["never"]
    at.button(key="inbox.poll").click().run()
    assert not at.exception
    removed = fetch_allowed.url("/ledger/news/removed-story")
    assert successes(at) == [
        f"Polled 1 feed(s): 2 new article(s). Not read: {removed} answered 404 Not Found."
    ]
    markdown = [plain(m.value) for m in at.markdown]
    assert "**Convoy reaches Kherson villages after week of shelling**" in markdown
    at.button(key="inbox.poll").click().run()
    assert successes(at) == [
        f"Polled 1 feed(s): 0 new article(s). Not read: {removed} answered 404 Not Found."
    ]


def test_markup_in_an_inbox_item_stays_text(open_as, curation_sqlite):
    from dashboard.widgets import md
    from tests.hostile import MARKUP
    from tracker.domain.models import Feed
    from tracker.store.db import write_session

    url, _ = curation_sqlite
    engine = make_engine(url)
    with write_session(engine) as session:
        feed = Feed(url="https://feeds.example.org/x.rss", name=MARKUP[0], added_by="cora")
        session.add(feed)
        session.flush()
        for i, payload in enumerate(MARKUP):
            session.add(
                InboxItem(
                    feed_id=feed.id,
                    link=f"https://news.example.org/{i}",
                    url=f"https://news.example.org/{i}",
                    title=payload,
                    publisher=payload,
                    published=date(2024, 1, 1),
                    text=f"{payload}\n\nMore text.",
                    candidates=[],
                    text_fingerprint=str(i),
                    relay_of="javascript:alert(1)" if i == 0 else None,
                )
            )
    engine.dispose()
    at = open_as(url, "cora", INBOX)
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    texts = [t.value for t in at.text]
    for payload in MARKUP:
        assert f"**{md(payload)}**" in markdown  # the title, escaped: shown as typed
        assert f"{payload}\n\nMore text." in texts  # the text, as text
    # Links render only for http(s): the relay's address is shown as words, never a link.
    links = [str(b.proto.url) for b in at.get("link_button")]
    assert len(links) == len(MARKUP) and all(u.startswith("https://") for u in links)
