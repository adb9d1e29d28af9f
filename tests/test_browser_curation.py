"""Curation in a real browser (Debian's Chromium driven by Playwright): logins that last
through reloads, new tabs and links, and end at logout or when the account is disabled;
a log-in from an edit link that returns to it; the review inbox disputing two claims at
once; a claim reverted from its history.

The app runs on a copy of the shared test database with a curator and an editor.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from tests.browser_support import dashboard_at, wait_for_app
from tests.helpers import copy_store
from tracker import curation
from tracker.domain.models import Claim, LoginSession, Revision
from tracker.store.accounts import disable_user
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.sessions import token_hash
from tracker.store.write import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_curation")]

PASSWORD = "a long test passphrase"
ACCOUNTS = {"cora": "curator", "eddie": "editor", "dora": "curator"}
COOKIE = "tracker_login"


@pytest.fixture(scope="module")
def db_url(dashboard_sqlite_url, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("browser-curation") / "curation.db"
    accounts = {name: (role, PASSWORD) for name, role in ACCOUNTS.items()}
    return copy_store(dashboard_sqlite_url, target, accounts)


@pytest.fixture(scope="module")
def app_url(db_url):
    with dashboard_at(db_url) as url:
        yield url


def open_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    wait_for_app(page)
    return page


def log_in(page: Page, name: str) -> None:
    main = page.get_by_test_id("stMain")
    main.get_by_label("Account name", exact=True).fill(name)
    main.get_by_label("Password", exact=True).fill(PASSWORD)
    main.get_by_role("button", name="Log in").click()


def cookie_of(context: BrowserContext) -> dict:
    """The login cookie, once the browser has it (the component writes it after login)."""
    for _ in range(300):
        found = [c for c in context.cookies() if c["name"] == COOKIE and c["value"]]
        if found:
            return found[0]
        context.pages[0].wait_for_timeout(100)
    raise AssertionError("the login cookie was never written")


def expect_logged_in_on_add_source(page: Page) -> None:
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Add source")).to_be_visible()
    expect(main.get_by_label("Article URL", exact=True)).to_be_visible()
    expect(main.get_by_text("Log in as a curator")).to_have_count(0)


def expect_asked_to_log_in(page: Page) -> None:
    expect(page.get_by_test_id("stMain").get_by_text("Log in as a curator")).to_be_visible()


def test_a_login_survives_a_reload_and_a_new_tab_and_ends_at_logout(context, app_url, db_url):
    page = open_page(context, f"{app_url}/login")
    log_in(page, "cora")
    expect(page.get_by_text("Logged in as cora (curator).")).to_be_visible()
    wait_for_app(page)
    cookie = cookie_of(context)
    assert cookie["sameSite"] == "Lax" and cookie["secure"] is False  # http here
    # Only the token's hash is stored, with its expiry.
    engine = make_engine(db_url)
    with read_session(engine) as session:
        [stored] = session.exec(
            select(LoginSession).where(LoginSession.token_hash == token_hash(cookie["value"]))
        ).all()
        assert stored.revoked_at is None and stored.expires_at > stored.created_at

    # A link opened by address (a new server session), a reload, a second tab.
    page.goto(f"{app_url}/add-source")
    wait_for_app(page)
    expect_logged_in_on_add_source(page)
    page.reload()
    wait_for_app(page)
    expect_logged_in_on_add_source(page)
    other = open_page(context, f"{app_url}/add-source")
    expect_logged_in_on_add_source(other)

    # Logging out in the first tab ends the login in the second as well.
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    wait_for_app(page)
    expect_asked_to_log_in(page)
    other.reload()
    wait_for_app(other)
    expect_asked_to_log_in(other)
    third = open_page(context, f"{app_url}/add-source")
    expect_asked_to_log_in(third)
    with read_session(engine) as session:
        stored = session.get(LoginSession, stored.id)
        assert stored.revoked_at is not None and stored.revoked_because == "logged out"
    engine.dispose()


def test_a_login_is_refused_once_the_account_is_disabled(context, app_url, db_url):
    page = open_page(context, f"{app_url}/login")
    log_in(page, "dora")
    expect(page.get_by_text("Logged in as dora (curator).")).to_be_visible()
    wait_for_app(page)
    cookie_of(context)
    engine = make_engine(db_url)
    with write_session(engine) as session:
        disable_user(session, SYSTEM, "dora", reason="left the newsroom")
    engine.dispose()
    page.goto(f"{app_url}/add-source")  # a new server session, the cookie sent again
    wait_for_app(page)
    expect_asked_to_log_in(page)
    other = open_page(context, f"{app_url}/add-source")
    expect_asked_to_log_in(other)


def test_a_log_in_from_an_edit_link_returns_to_that_claim(context, app_url, db_url):
    engine = make_engine(db_url)
    with read_session(engine) as session:
        claim_id = session.exec(select(Claim.id).order_by(Claim.id)).first()
    engine.dispose()
    page = open_page(context, f"{app_url}/edit-claim?claim={claim_id}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Log in as a curator")).to_be_visible()
    log_in(page, "eddie")
    expect(main.get_by_role("heading", name=f"Correct claim #{claim_id}")).to_be_visible()
    wait_for_app(page)
    assert f"claim={claim_id}" in page.url
    expect(main.get_by_text("Log in as a curator")).to_have_count(0)


def test_the_review_inbox_disputes_two_claims_at_once(context, app_url, db_url):
    engine = make_engine(db_url)
    with read_session(engine) as session:
        newest = session.exec(
            select(Claim.id).where(Claim.status == "unverified").order_by(Claim.id.desc()).limit(2)
        ).all()
    page = open_page(context, f"{app_url}/review")
    log_in(page, "eddie")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Review")).to_be_visible()
    wait_for_app(page)
    for claim_id in newest:
        main.get_by_text(f"Select claim #{claim_id}", exact=True).click()
        wait_for_app(page)
    main.get_by_text("Dispute", exact=True).click()
    main.get_by_label("Reason (kept with each claim)").fill("the bulletin was withdrawn")
    main.get_by_label("Reason (kept with each claim)").press("Enter")
    wait_for_app(page)
    main.get_by_role("button", name="Apply").click()
    expect(main.get_by_text("Marked disputed:")).to_be_visible()
    wait_for_app(page)
    with read_session(engine) as session:
        stored = session.exec(select(Claim).where(Claim.id.in_(newest))).all()
        assert {(c.status, c.status_reason) for c in stored} == {
            ("disputed", "the bulletin was withdrawn")
        }
    engine.dispose()


def test_a_claim_is_reverted_from_its_history(context, app_url, db_url):
    engine = make_engine(db_url)
    with read_session(engine) as session:
        claim = session.exec(select(Claim).order_by(Claim.id)).first()
    curation.edit_claim(
        engine,
        "eddie",
        claim.id,
        {"notes": "a note added by mistake"},
        expected_version=claim.version,
        reason="a note",
    )
    with read_session(engine) as session:
        [created] = session.exec(
            select(Revision.version).where(
                Revision.entity == "claim",
                Revision.entity_id == claim.id,
                Revision.version == claim.version,
            )
        ).all()
    page = open_page(context, f"{app_url}/history?claim={claim.id}")
    log_in(page, "eddie")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="History")).to_be_visible()
    wait_for_app(page)
    main.get_by_text(f"Revert to version {created}", exact=True).click()
    main.get_by_label("Why go back to this version?").fill("the note was meant for another claim")
    main.get_by_label("Why go back to this version?").press("Enter")
    wait_for_app(page)
    main.get_by_role("button", name="Revert to this version").click()
    expect(main.get_by_text(f"is back as it was in version {created}")).to_be_visible()
    with read_session(engine) as session:
        reverted = session.get(Claim, claim.id)
        last = session.exec(
            select(Revision)
            .where(Revision.entity == "claim", Revision.entity_id == claim.id)
            .order_by(Revision.id.desc())
        ).first()
    engine.dispose()
    assert reverted.notes == claim.notes and reverted.version == claim.version + 2
    assert last.reason == f"back to version {created}: the note was meant for another claim"


def test_the_menus_sources_link_leads_back_to_the_list_from_a_source(context, app_url, db_url):
    engine = make_engine(db_url)
    with read_session(engine) as session:
        source_id = session.exec(select(Claim.source_id).order_by(Claim.id)).first()
    engine.dispose()
    page = open_page(context, f"{app_url}/sources?source={source_id}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Claims taken from this source")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sources").click()
    expect(main.get_by_role("heading", name="Sources", exact=True)).to_be_visible()
    wait_for_app(page)
    expect(main.get_by_text("Claims taken from this source")).to_have_count(0)
