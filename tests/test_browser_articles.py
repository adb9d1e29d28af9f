"""Articles in a real browser (Debian's Chromium driven by Playwright): a curator pastes an
article's URL on Add source, fetches it, the form fills in, she saves, and the extraction
assistant's drafts appear; and she opens an article a feed brought into the Inbox in the
assistant, saves it and sees its drafts. The pages are served by the local article server;
the app is started with that host allowed (TRACKER_FETCH_ALLOW), as a newsroom would allow
an intranet server.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.article_server import HUGE_LIMIT, ArticleServer
from tests.browser_support import dashboard_at, wait_for_app
from tracker.articles.archive import copies_of
from tracker.domain.models import Source
from tracker.files.importer import import_paths
from tracker.store.accounts import create_user
from tracker.store.db import init_db, make_engine, read_session, write_session
from tracker.store.write import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_articles")]

CURATOR, PASSWORD = "cora", "a long test passphrase"
COURIER = "/courier/2024/03/12/shelling-kharkiv"


@pytest.fixture(scope="module")
def server():
    with ArticleServer() as running:
        yield running


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    from tests.conftest import VOCAB_FILES

    url = f"sqlite:///{tmp_path_factory.mktemp('articles-browser') / 'tracker.db'}"
    engine = make_engine(url, must_exist=False)
    init_db(engine)
    import_paths(engine, SYSTEM, VOCAB_FILES)
    with write_session(engine) as session:
        create_user(session, SYSTEM, CURATOR, "curator", PASSWORD)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def app_url(db_url, server):
    saved = {k: os.environ.get(k) for k in ("TRACKER_FETCH_ALLOW", "TRACKER_FETCH_MAX_BYTES")}
    os.environ["TRACKER_FETCH_ALLOW"] = "127.0.0.1"  # the app process inherits it
    os.environ["TRACKER_FETCH_MAX_BYTES"] = str(HUGE_LIMIT)
    try:
        with dashboard_at(db_url) as url:
            yield url
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_paste_a_url_the_form_fills_in_save_and_the_drafts_appear(
    page, app_url, server, db_url, tmp_path: Path
):
    page.goto(f"{app_url}/login")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_label("Account name", exact=True).fill(CURATOR)
    main.get_by_label("Password", exact=True).fill(PASSWORD)
    main.get_by_role("button", name="Log in").click()
    expect(main.get_by_text(f"Logged in as {CURATOR} (curator).")).to_be_visible()
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Add source").click()
    expect(main.get_by_role("heading", name="Add source")).to_be_visible()
    wait_for_app(page)

    main.get_by_label("Article URL", exact=True).fill(server.url(COURIER) + "?utm_source=feed")
    main.get_by_label("Article URL", exact=True).press("Enter")
    wait_for_app(page)
    main.get_by_role("button", name="Fetch the article").click()
    expect(
        main.get_by_text("Filled in from the page: check every field before saving.")
    ).to_be_visible()
    wait_for_app(page)
    expect(main.get_by_label("Headline", exact=True)).to_have_value(
        "Shelling kills four in Kharkiv region, monitor says"
    )
    expect(main.get_by_label("Publisher", exact=True)).to_have_value("The Example Courier")
    expect(main.get_by_label("Article URL", exact=True)).to_have_value(server.url(COURIER))
    date_field = page.get_by_test_id("stDateInput").filter(has_text="Published on")
    expect(date_field.get_by_role("spinbutton", name="year, Published on")).to_have_text("2024")
    expect(date_field.get_by_role("spinbutton", name="day, Published on")).to_have_text("12")
    text = main.get_by_label("Article text", exact=True).first
    expect(text).to_have_value(re.compile(r"^Shelling killed four civilians and wounded 11"))
    page.screenshot(path=tmp_path / "fetched.png", full_page=True)

    main.get_by_label("Publisher", exact=True).fill("Example Courier")  # the curator corrects
    main.get_by_label("Publisher", exact=True).press("Enter")
    wait_for_app(page)
    main.get_by_role("button", name="Save source").click()
    expect(main.get_by_text("Saved as source")).to_be_visible()
    wait_for_app(page)
    drafts = main.get_by_test_id("stDataFrame").first
    expect(main.get_by_role("heading", name="Draft claims from its text")).to_be_visible()
    expect(drafts).to_be_visible()
    expect(main.get_by_role("button", name="Save the 3 ticked claim(s)")).to_be_visible()
    page.screenshot(path=tmp_path / "drafts.png", full_page=True)

    engine = make_engine(db_url)
    with read_session(engine) as session:
        stored = session.exec(select(Source).where(Source.url == server.url(COURIER))).one()
        assert (stored.publisher, stored.created_by) == ("Example Courier", CURATOR)
    assert len(copies_of(engine, server.url(COURIER))) == 1
    engine.dispose()


def test_open_an_inbox_item_in_the_assistant_save_it_and_see_its_drafts(
    page, app_url, server, db_url, tmp_path: Path
):
    from tracker.articles.feeds import add_feed, poll_feeds
    from tracker.files.reading import load_vocabulary

    engine = make_engine(db_url)
    add_feed(engine, SYSTEM, server.url("/feeds/courier.rss"))
    assert poll_feeds(engine, SYSTEM, load_vocabulary()).new >= 1
    engine.dispose()

    page.goto(f"{app_url}/login")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_label("Account name", exact=True).fill(CURATOR)
    main.get_by_label("Password", exact=True).fill(PASSWORD)
    main.get_by_role("button", name="Log in").click()
    expect(main.get_by_text(f"Logged in as {CURATOR} (curator).")).to_be_visible()
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Inbox").click()
    expect(main.get_by_role("heading", name="Inbox")).to_be_visible()
    wait_for_app(page)
    card = main.locator("[class*='st-key-inbox-item-']").filter(
        has_text="Odesa region: health authority gives weekly toll"
    )
    page.screenshot(path=tmp_path / "inbox.png", full_page=True)
    card.get_by_role("button", name="Open in the assistant").click()
    expect(main.get_by_role("heading", name="Add source")).to_be_visible()
    wait_for_app(page)
    expect(main.get_by_label("Headline", exact=True)).to_have_value(
        "Odesa region: health authority gives weekly toll"
    )
    expect(main.get_by_label("Publisher", exact=True)).to_have_value("Example Gazette")
    main.get_by_role("button", name="Save source").click()
    expect(main.get_by_text("Saved as source")).to_be_visible()
    wait_for_app(page)
    expect(main.get_by_role("button", name="Save the 2 ticked claim(s)")).to_be_visible()
    page.screenshot(path=tmp_path / "inbox-drafts.png", full_page=True)
