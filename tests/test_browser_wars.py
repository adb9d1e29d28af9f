"""The dashboard on a store of several wars, in a real browser (Debian's Chromium driven by
Playwright): a reader chooses the Israel-Gaza war, sees its toll charted by claimant, opens a
point's source card with its quote and citation, the claim's own page, and the checks'
findings about that war."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser_support import (
    dashboard_at,
    point_position,
    wait_for_app,
    wait_for_chart,
)
from tests.helpers import copy_store
from tracker.domain.models import Claim
from tracker.store.db import make_engine, read_session

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_wars")]

# The Lancet letter's projection: the chart's highest point, clear of the crowded early ones.
TOLL = "lancet_letter-2024-06-19-killed"


@pytest.fixture(scope="module")
def wars_db_url(dashboard_sqlite_url, tmp_path_factory) -> str:
    """A copy of the shared database (the three wars' sample and fictional extras)."""
    return copy_store(dashboard_sqlite_url, tmp_path_factory.mktemp("wars") / "wars.db")


@pytest.fixture(scope="module")
def app_url(wars_db_url):
    with dashboard_at(wars_db_url) as url:
        yield url


def claim_id(url: str, key: str) -> int:
    engine = make_engine(url)
    with read_session(engine) as session:
        found = session.exec(select(Claim.id).where(Claim.key == key)).one()
    engine.dispose()
    return found


def test_a_reader_chooses_the_gaza_war_and_follows_a_figure_to_its_source_claim_and_checks(
    page, app_url, wars_db_url, tmp_path: Path
):
    toll = claim_id(wars_db_url, TOLL)
    page.goto(app_url)
    wait_for_app(page)

    # Which conflict first: choosing one opens its own metric and place, and the link says so.
    page.get_by_test_id("stMain").get_by_text("Israel–Gaza war", exact=True).click()
    wait_for_app(page)
    page.wait_for_url("**conflict=israel-gaza**")
    wait_for_chart(page)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("People killed in Gaza Strip")

    # Charted by claimant: the ministry's series and the independent estimates beside it.
    # (The previous war's chart can linger for a moment while the new one is drawn.)
    legend = page.locator(".js-plotly-plot .legend")
    expect(legend).to_have_count(1)
    expect(legend).to_contain_text("Gaza Health Ministry")
    expect(legend).to_contain_text("Lancet study")

    # A point opens its source card: the figure, the verbatim quote and a citation.
    position = point_position(page, toll)
    page.mouse.click(position["x"], position["y"])
    card = page.locator(f".st-key-claim_card_{toll}")
    expect(card).to_be_visible()
    wait_for_app(page)
    expect(card).to_contain_text("186,000")
    citation = card.get_by_test_id("stCode").first
    expect(citation).to_contain_text("Lancet letter (Khatib et al.): about 186,000")
    expect(citation).to_contain_text("people killed in Gaza Strip, 7 Oct 2023 – 19 Jun 2024")
    page.screenshot(path=tmp_path / "gaza-figures.png", full_page=True)

    # The claim's own page (its permalink) with its quote and citation.
    page.goto(f"{app_url}?claim={toll}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("186,000")
    citation = main.get_by_test_id("stCode").filter(has_text="Lancet letter (Khatib et al.)")
    expect(citation.first).to_contain_text("people killed in Gaza Strip")

    # The checks' findings about this war: the 7 October toll revised, estimates far apart.
    page.goto(f"{app_url}checks" if app_url.endswith("/") else f"{app_url}/checks")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Israeli government counted 1,400 people killed in Israel")
    page.screenshot(path=tmp_path / "gaza-checks.png", full_page=True)
