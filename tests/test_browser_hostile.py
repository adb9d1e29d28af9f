"""Hostile data stays inert on every page, in a real browser (Debian's Chromium).

The database holds `tests.hostile.store_hostile`: a source and a claim per payload (script
tags, `<img onerror>`, `<svg onload>`, `javascript:` links, markdown, formulas, SQL, tricky
unicode) in every free-text field: title, publisher, notes, article text, quote,
translation, reasons, claimant names. One `streamlit run` serves two visits:

- a reader's, without an account: Figures (the chart's legend and a point's source card),
  Claims searched for a payload, the Sources list and each markup payload's source page,
  Checks, About and Log in;
- an editor's, logged in through the form and moving through the app's own links (a new
  page load would start a new, logged-out session): a claim's correction form, its
  history, its source's correction form, the claim form with the extraction assistant on
  the hostile article, and the import page.

On every page: no dialog opened (an `alert` that ran would open one), no element the data
injected exists (an `img` with `onerror`, an `svg` with `onload`, an `iframe`, a `script`
carrying our payload, an element with any `on…` handler, a `javascript:` link), and the
hostile text is shown literally, as written.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.browser_support import (
    dashboard_at,
    point_position,
    wait_for_app,
    wait_for_chart,
)
from tests.conftest import VOCAB_FILES
from tests.hostile import MARKUP, payloads, store_hostile
from tracker.checks.finding_store import refresh_findings
from tracker.core.markup import WORD_JOINER
from tracker.domain.models import Claim, Source
from tracker.files.importer import import_paths
from tracker.store.accounts import create_user
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.write import SYSTEM

# One worker runs the whole module (make test: --dist loadgroup): one server, one browser.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser_hostile")]

EDITOR, EDITOR_PASSWORD = "hana", "a long test passphrase"

#: Elements and attributes only injected markup would create. Streamlit's own scripts are
#: loaded from files (`src`); none carries an inline payload.
INJECTED_JS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.toLowerCase().startsWith('on')) found.push(`${el.tagName}[${attr}]`);
    }
    const href = (el.getAttribute('href') || el.getAttribute('src') || '').trim().toLowerCase();
    if (href.startsWith('javascript:') || href.startsWith('data:text/html')) {
      found.push(`${el.tagName}[href=${href}]`);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    if (/alert\\(|document\\.domain/.test(s.textContent)) found.push('script with the payload');
  }
  for (const el of document.querySelectorAll('iframe, object, embed, details[ontoggle]')) {
    // The app's own login-cookie component (dashboard.login_cookie), served by the app.
    const src = el.getAttribute('src') || '';
    if (el.tagName === 'IFRAME' && src.includes('/component/extra_streamlit_components.CookieManager')) continue;
    found.push(el.tagName);
  }
  for (const img of document.querySelectorAll('img')) {
    const src = img.getAttribute('src') || '';
    if (src === 'x' || src.includes('example.org')) found.push(`IMG src=${src}`);
  }
  return found;
}"""


def source_number(payload: str) -> int:
    return [p for _, p in payloads()].index(payload)


@pytest.fixture(scope="module")
def hostile_db(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An SQLite file holding the vocabularies, every hostile source and claim, and an
    editor; with the ids the visits need."""
    folder = tmp_path_factory.mktemp("browser-hostile")
    path = folder / "hostile.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    import_paths(engine, SYSTEM, VOCAB_FILES)
    store_hostile(engine, folder)
    refresh_findings(engine)  # the Checks page shows their findings, as after `tracker import`
    with write_session(engine) as session:
        create_user(session, SYSTEM, EDITOR, "editor", EDITOR_PASSWORD)
    with read_session(engine) as session:
        sources = dict(session.exec(select(Source.url, Source.id)).all())
        claims = dict(session.exec(select(Claim.key, Claim.id)).all())
    engine.dispose()
    return {"url": url, "sources": sources, "claims": claims}


@pytest.fixture(scope="module")
def app_url(hostile_db):
    with dashboard_at(hostile_db["url"]) as url:
        yield url


def main_text(page: Page) -> str:
    """The page's main area as a reader reads it (the invisible word joiners aside)."""
    return page.get_by_test_id("stMain").inner_text().replace(WORD_JOINER, "")


def assert_inert(page: Page, where: str, visited: list[str]) -> None:
    wait_for_app(page)
    assert page.dialogs == [], (where, page.dialogs)
    assert page.evaluate(INJECTED_JS) == [], where
    assert not page.get_by_test_id("stException").count(), where
    visited.append(where)


def assert_shown_literally(page: Page, where: str, *texts: str) -> None:
    shown = main_text(page)
    for text in texts:
        assert text in shown, (where, text)


def test_a_reader_sees_hostile_data_as_text_on_every_page(page, app_url, hostile_db):
    visited: list[str] = []
    img = "<img src=x onerror=alert(1)>"

    # Figures: the chart's legend names every hostile claimant, escaped.
    page.goto(app_url)
    wait_for_chart(page)
    legend = " ".join(page.locator(".legendtext").all_text_contents())
    assert f"Synthetic claimant {source_number(img):02d} {img}" in legend
    assert_inert(page, "figures", visited)
    # A point's source card: quote, title and publisher as written.
    claim_id = hostile_db["claims"][f"hostile-{source_number(img)}"]
    position = point_position(page, claim_id)
    page.mouse.click(position["x"], position["y"])
    card = page.locator("[class*='st-key-claim_card_']").first
    expect(card).to_be_visible()
    wait_for_app(page)
    shown_id = int(re.search(r"st-key-claim_card_(\d+)", card.get_attribute("class")).group(1))
    n = next(int(k.split("-")[1]) for k, v in hostile_db["claims"].items() if v == shown_id)
    payload = payloads()[n][1]
    card_text = card.inner_text().replace(WORD_JOINER, "")
    assert payload.strip() in card_text  # the quote (a title's ends are trimmed)
    assert_inert(page, "figures, source card", visited)

    # Claims searched for a payload: the search box and the caption hold it as typed.
    page.goto(f"{app_url}/claims?q={quote(img)}")
    wait_for_app(page)
    expect(page.get_by_label("Search quotes and titles")).to_have_value(img)
    assert_shown_literally(page, "claims", img)
    assert_inert(page, "claims", visited)

    for view in ("sources", "checks", "about", "login"):
        page.goto(f"{app_url}/{view}")
        assert_inert(page, view, visited)

    # Each markup payload's source page: its title, publisher and text as written.
    for payload in MARKUP:
        source_id = hostile_db["sources"][f"https://example.org/hostile/{source_number(payload)}"]
        page.goto(f"{app_url}/sources?source={source_id}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_shown_literally(page, f"source {payload}", payload)
        heading = page.get_by_role("heading", level=1).inner_text().replace(WORD_JOINER, "")
        assert heading.strip() == payload.strip()
        assert_inert(page, f"source {payload}", visited)
    assert len(visited) == 7 + len(MARKUP)


def test_an_editor_sees_hostile_data_as_text_in_every_form(page, app_url, hostile_db):
    visited: list[str] = []
    payload = "<a href='javascript:alert(1)'>click</a>"
    n = source_number(payload)
    claim_id = hostile_db["claims"][f"hostile-{n}"]

    page.goto(f"{app_url}/login")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_label("Account name", exact=True).fill(EDITOR)
    main.get_by_label("Password", exact=True).fill(EDITOR_PASSWORD)
    main.get_by_role("button", name="Log in").click()
    expect(main.get_by_text(f"Logged in as {EDITOR} (editor).")).to_be_visible()
    assert_inert(page, "account", visited)

    # From the chart's card to the claim's correction form: every field as stored.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Figures").click()
    wait_for_chart(page)
    wait_for_app(page)
    position = point_position(page, claim_id)
    page.mouse.click(position["x"], position["y"])
    card = page.locator("[class*='st-key-claim_card_']").first
    expect(card).to_be_visible()
    wait_for_app(page)
    card.get_by_role("link", name="Correct this claim").click()
    page.wait_for_url("**/edit-claim?claim=*")
    expect(main.get_by_label("Quote", exact=True)).to_be_visible()
    wait_for_app(page)
    shown_id = int(page.url.rsplit("=", 1)[1])
    n = next(int(k.split("-")[1]) for k, v in hostile_db["claims"].items() if v == shown_id)
    shown_payload = payloads()[n][1]
    expect(main.get_by_label("Quote", exact=True)).to_have_value(shown_payload.strip())
    assert_inert(page, "edit claim", visited)

    main.get_by_role("link", name="Its history").click()
    page.wait_for_url("**/history?claim=*")
    wait_for_app(page)
    assert_inert(page, "claim history", visited)

    page.go_back()  # the browser's back button stays in the session
    wait_for_app(page)
    main.get_by_role("link", name="Its source").click()
    page.wait_for_url("**/source?source=*")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_shown_literally(page, "source (logged in)", shown_payload.strip())
    assert_inert(page, "source (logged in)", visited)

    main.get_by_role("link", name="Correct this source").click()
    page.wait_for_url("**/edit-source?source=*")
    expect(main.get_by_label("Headline", exact=True)).to_have_value(shown_payload.strip())
    assert_inert(page, "edit source", visited)

    page.go_back()
    wait_for_app(page)
    main.get_by_role("link", name="Add claims from this source").click()
    page.wait_for_url("**/add-claims*")
    wait_for_app(page)
    assert_shown_literally(page, "add claims", shown_payload.strip())
    assert_inert(page, "add claims", visited)

    for name in ("Add source", "Import files", "History"):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
        expect(main.get_by_role("heading", name=name).first).to_be_visible()
        assert_inert(page, name, visited)
    assert len(visited) == 9
