"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

It starts `streamlit run dashboard/serve.py` on a free port against the shared test database
(the sample plus fictional extras), then: the chart renders; hovering a point shows the
figure as claimed, its source and quote; clicking it opens the source card with the quote,
a citation and a link to the article (http(s), new tab); the card's link leads to the
source's own page; hostile text on a source page stays text; the Figures page fits a phone;
a curator logs in, adds a source and a claim through the forms, and sees the claim on
the chart; the chart downloads as a PNG of the stated size and the view's claims as the
CSV export; and the embed snippet the page offers, pasted into a newsroom's page, shows the
chart without the app's menu. Screenshots go to the test's temp folder.

The app runs on a copy of the shared test database (the curation flow writes to it).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from dashboard.sharing import EMBED_HEIGHT, IMAGE_HEIGHT, IMAGE_SCALE, IMAGE_WIDTH, image_stem
from tests.browser_support import (
    TIMEOUT_MS,
    dashboard_at,
    point_position,
    wait_for_app,
    wait_for_chart,
)
from tests.dashboard_support import HOSTILE_TITLE
from tests.helpers import copy_store
from tracker.core.markup import WORD_JOINER
from tracker.domain.models import Claim, Source
from tracker.files.interchange import build_export, download_name, export_meta
from tracker.read.filters import ClaimFilter
from tracker.store.db import make_engine, read_session

# One worker runs the whole module (make test: --dist loadgroup), so that one server and one
# browser serve it instead of one per worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

POLICE_URL = (
    "https://anews.com.tr/world/2022/06/13/"
    "ukrainian-police-more-than-12000-civilians-killed-in-war-so-far/amp"
)


CURATOR, CURATOR_PASSWORD = "cora", "a long test passphrase"


@pytest.fixture(scope="module")
def browser_db_url(dashboard_sqlite_url, tmp_path_factory) -> str:
    """A copy of the shared database (SQLite's backup API, WAL and all) with a curator."""
    target = tmp_path_factory.mktemp("browser") / "browser.db"
    return copy_store(dashboard_sqlite_url, target, {CURATOR: ("curator", CURATOR_PASSWORD)})


@pytest.fixture(scope="module")
def app_url(browser_db_url):
    with dashboard_at(browser_db_url) as url:
        yield url


def ids(url: str) -> tuple[dict[str, int], dict[str, int]]:
    engine = make_engine(url)
    with read_session(engine) as session:
        claims = dict(session.exec(select(Claim.key, Claim.id)).all())
        sources = dict(session.exec(select(Source.url, Source.id)).all())
    engine.dispose()
    return claims, sources


def test_click_a_point_see_its_source_card_and_reach_the_source(
    page, app_url, browser_db_url, tmp_path: Path
):
    claims, sources = ids(browser_db_url)
    claim_id = claims["police-2022-06-13-killed"]
    page.goto(app_url)
    wait_for_app(page)
    wait_for_chart(page)

    # Hover: the figure as claimed, the claimant, the period, the source and the quote.
    position = point_position(page, claim_id)
    page.mouse.move(position["x"], position["y"])
    hover = page.locator(".hoverlayer .hovertext")
    expect(hover).to_be_visible()
    # Plotly draws each hover line as a <tspan class="line">; join them as a reader reads.
    hover_text = " ".join(
        hover.first.evaluate(
            "el => Array.from(el.querySelectorAll('tspan.line')).map(t => t.textContent).join(' ')"
        ).split()
    )
    for expected in (
        "National Police: more than 12,000 civilians killed",
        "Ukraine, 24 Feb – 13 Jun 2022",
        "DISPUTED",
        "A News, 13 Jun 2022: Ukrainian police: More than 12,000 civilians killed in war so far",
        "More than 12,000 civilians have been killed so far",
    ):
        assert expected in hover_text

    # Click: the source card opens beside the chart.
    page.mouse.click(position["x"], position["y"])
    card = page.locator(f".st-key-claim_card_{claim_id}")
    expect(card).to_be_visible()
    wait_for_app(page)
    expect(card).to_contain_text("more than 12,000 civilians killed")
    expect(card).to_contain_text(
        "More than 12,000 civilians have been killed so far in the Russian invasion of Ukraine"
    )
    article = card.get_by_role("link", name="Read the article")
    expect(article).to_have_attribute("href", POLICE_URL)
    expect(article).to_have_attribute("target", "_blank")
    # The citation names the dispute and why: nobody pastes it without knowing.
    expect(card.get_by_test_id("stCode").first).to_contain_text(
        "National Police: more than 12,000 civilians killed in Ukraine, 24 Feb – 13 Jun 2022 "
        f"(A News, 13 Jun 2022, {POLICE_URL}). Disputed: Same article: 'The UN has so far"
    )
    # Every link the page shows is http(s) or a page of the app.
    for href in page.locator("[data-testid='stMain'] a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        assert href.startswith(("https://", "http://", "#", "sources", "source?", "/")), href
    page.screenshot(path=tmp_path / "figures-card.png", full_page=True)
    assert (tmp_path / "figures-card.png").stat().st_size > 10_000

    # The card leads to the source's own page.
    card.get_by_role("link", name="Everything from this source").click()
    page.wait_for_url(f"**/source?source={sources[POLICE_URL]}")
    heading = page.get_by_role("heading", name="Ukrainian police: More than 12,000 civilians")
    expect(heading).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_text("Claims taken from this source (1)")).to_be_visible()
    expect(page.get_by_role("link", name="Read the article")).to_have_attribute("href", POLICE_URL)
    page.screenshot(path=tmp_path / "source.png", full_page=True)


def test_hostile_source_text_is_shown_as_text(page, app_url, browser_db_url, tmp_path: Path):
    _, sources = ids(browser_db_url)
    page.goto(f"{app_url}/sources?source={sources['https://example.org/news/hostile']}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    heading = main.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    # The reader sees the characters as written (the invisible word joiner aside).
    assert heading.inner_text().replace(WORD_JOINER, "").strip() == HOSTILE_TITLE
    shown = main.inner_text().replace(WORD_JOINER, "")
    assert "Intro <img src=x onerror=alert(1)> and [a link](https://evil.example.org)." in shown
    assert "recorded at least 42 [civilian] deaths, **so far** $5" in shown
    assert main.locator("img, script, iframe").count() == 0
    hrefs = main.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    assert not [h for h in hrefs if "evil" in h or "javascript" in h or "mailto" in h], hrefs
    highlight = main.locator("span").filter(has_text="recorded at least 42 [civilian] deaths")
    expect(highlight.last).to_be_visible()
    page.screenshot(path=tmp_path / "hostile-source.png", full_page=True)


def test_figures_page_fits_a_phone(browser, app_url, tmp_path: Path):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(app_url)
        wait_for_app(page)
        wait_for_chart(page)
        chart = page.locator(".js-plotly-plot").first
        box = chart.bounding_box()
        assert box["width"] <= 390
        expect(page.get_by_text("Click a point on the chart")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=tmp_path / "figures-phone.png", full_page=True)
    finally:
        context.close()


def test_selecting_a_row_of_the_sources_list_opens_that_source_and_back(page, app_url):
    page.goto(f"{app_url}/sources")
    wait_for_app(page)
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    # The first row's selection box: left edge of the grid, under its header row.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    page.wait_for_url("**/source?source=*")
    expect(page.get_by_text("Claims taken from this source")).to_be_visible()
    wait_for_app(page)
    page.get_by_test_id("stMain").get_by_role("link", name="All sources").click()
    expect(page.get_by_role("heading", name="Sources", exact=True)).to_be_visible()
    wait_for_app(page)
    page.wait_for_url(f"{app_url}/sources")  # the address bar says what is shown
    expect(page.get_by_role("heading", name="Sources", exact=True)).to_be_visible()


def choose(page: Page, label: str, text: str) -> None:
    """Pick an option of a searchable select box by typing part of it."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text).first.click()
    expect(box.get_by_role("combobox")).to_have_value(text)


def set_date(page: Page, label: str, day: str) -> None:
    """Type a date into a date field (year, month and day segments), then leave it."""
    year, month, dd = day.split("-")
    field = page.get_by_test_id("stDateInput").filter(has_text=label)
    field.get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(year + month + dd)
    page.keyboard.press("Tab")
    expect(field.get_by_role("spinbutton", name=f"day, {label}")).to_have_text(dd)


def test_a_curator_logs_in_adds_a_source_and_a_claim_and_sees_it_on_the_chart(
    page, app_url, browser_db_url, tmp_path: Path
):
    page.goto(f"{app_url}/login")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_label("Account name", exact=True).fill(CURATOR)
    main.get_by_label("Password", exact=True).fill(CURATOR_PASSWORD)
    main.get_by_role("button", name="Log in").click()
    expect(main.get_by_text(f"Logged in as {CURATOR} (curator).")).to_be_visible()
    wait_for_app(page)

    # The menu now has the curation pages; the session keeps the login between them.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Add source").click()
    expect(main.get_by_role("heading", name="Add source")).to_be_visible()
    wait_for_app(page)
    main.get_by_label("Article URL", exact=True).fill(
        "https://Example.org/news/browser-count/?utm_source=x"
    )
    main.get_by_label("Article URL", exact=True).press("Enter")
    # (A word joiner after "https" keeps the caption from becoming a link.)
    expect(main.get_by_text("Will be stored as https")).to_contain_text(
        "example.org/news/browser-count"
    )
    main.get_by_label("Headline", exact=True).fill("Example Monitor counts again")
    main.get_by_label("Publisher", exact=True).fill("Example Wire")
    set_date(page, "Published on", "2023-03-02")
    wait_for_app(page)
    main.get_by_role("button", name="Save source").click()
    expect(main.get_by_text("Saved as source")).to_be_visible()
    wait_for_app(page)
    main.get_by_role("link", name="Add claims from this source").click()
    expect(main.get_by_text("Example Monitor counts again")).to_be_visible()
    wait_for_app(page)

    choose(page, "What is counted", "Civilians killed")
    main.get_by_label("Figure", exact=True).fill("4,321")
    main.get_by_label("Figure", exact=True).press("Enter")
    choose(page, "Claimant", "Example Monitor")
    choose(page, "Place", "Ukraine (UA)")
    set_date(page, "Period from", "2022-02-24")
    set_date(page, "As of", "2023-02-28")
    main.get_by_label("Quote", exact=True).fill("the monitor counted 4,321 civilian deaths")
    main.get_by_label("Quote", exact=True).press("Control+Enter")
    preview = (
        "Example Monitor claims 4,321 civilians killed in Ukraine between 24 Feb 2022 and "
        "28 Feb 2023, quoted in Example Wire, 2 Mar 2023"
    )
    expect(main.get_by_text(preview)).to_be_visible()
    wait_for_app(page)
    main.get_by_role("button", name="Save claim").click()
    expect(main.get_by_text("Saved claim #")).to_be_visible()
    wait_for_app(page)
    # Ready for the article's next figure: its own fields empty, claimant and period kept.
    expect(main.get_by_label("Figure", exact=True)).to_have_value("")
    expect(main.get_by_label("Quote", exact=True)).to_have_value("")
    claimant = page.get_by_test_id("stSelectbox").filter(has_text="Claimant")
    expect(claimant.get_by_role("combobox")).to_have_value("Example Monitor")
    page.screenshot(path=tmp_path / "claim-saved.png", full_page=True)

    claims, _ = ids(browser_db_url)
    engine = make_engine(browser_db_url)
    with read_session(engine) as session:
        claim = session.exec(select(Claim).where(Claim.value == 4321)).one()
    engine.dispose()
    assert claim.created_by == CURATOR

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Figures").click()
    wait_for_app(page)
    wait_for_chart(page)
    position = point_position(page, claim.id)
    page.mouse.move(position["x"], position["y"])
    hover = page.locator(".hoverlayer .hovertext")
    expect(hover.first).to_contain_text("Example Monitor: 4,321 civilians killed")
    page.screenshot(path=tmp_path / "claim-on-chart.png", full_page=True)


#: The Figures page's default view (civilian deaths in Ukraine, cumulative totals).
DEFAULT_VIEW = ClaimFilter(
    metric="civilian_killed", place="UA", cumulative=True, include_retracted=False
)


def test_the_chart_downloads_as_a_png_of_the_stated_size_and_the_view_as_csv(
    page, app_url, browser_db_url, tmp_path: Path
):
    page.goto(app_url)
    wait_for_app(page)
    wait_for_chart(page)
    main = page.get_by_test_id("stMain")
    engine = make_engine(browser_db_url)
    try:
        meta = export_meta(engine, DEFAULT_VIEW)
        csv = build_export(engine, "csv", DEFAULT_VIEW).data
    finally:
        engine.dispose()

    main.get_by_text("Share this view").click()  # drawn when opened
    main.get_by_role("tab", name="Chart image").click()
    png_button = main.get_by_test_id("stDownloadButton").filter(has_text="PNG image")
    expect(png_button).to_be_visible()
    # Drawing starts a Chromium in the server (kaleido): on a loaded machine that is slow.
    with page.expect_download(timeout=2 * TIMEOUT_MS) as png_download:
        png_button.click()
    download = png_download.value
    assert download.failure() is None
    assert download.suggested_filename == f"{image_stem(DEFAULT_VIEW, meta)}.png"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (IMAGE_WIDTH * IMAGE_SCALE, IMAGE_HEIGHT * IMAGE_SCALE)
        image.verify()

    main.get_by_role("tab", name="Data").click()
    with page.expect_download(timeout=TIMEOUT_MS) as csv_download:
        main.get_by_test_id("stDownloadButton").filter(has_text="CSV").first.click()
    assert csv_download.value.suggested_filename == download_name("csv", meta)
    assert Path(csv_download.value.path()).read_bytes() == csv


STMAIN_HEIGHT_JS = "document.querySelector('[data-testid=stMain]').scrollHeight"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def newsroom_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A tiny static web server on another port: (its address, the folder it serves)."""
    folder = tmp_path / "site"
    folder.mkdir()
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_embed_snippet_pasted_into_a_page_shows_the_chart_without_the_app(
    page, app_url, newsroom_site, tmp_path: Path
):
    site, folder = newsroom_site
    page.goto(f"{app_url}/?metric=children_killed")
    wait_for_app(page)
    wait_for_chart(page)
    page.get_by_test_id("stMain").get_by_text("Share this view").click()  # drawn when opened
    snippet = page.get_by_test_id("stCode").filter(has_text="<iframe").first.inner_text().strip()
    assert snippet.startswith(f'<iframe src="{app_url}/?metric=children_killed&amp;embed=true"')
    (folder / "story.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Story</title></head>"
        f"<body><h1>A newsroom's story</h1><p>The chart:</p>{snippet}</body></html>",
        encoding="utf-8",
    )
    page.goto(f"{site}/story.html")
    frame = page.frame_locator("iframe")
    expect(frame.locator(".js-plotly-plot .scatterlayer path.point").first).to_be_visible()
    expect(
        frame.get_by_text("Children killed in Ukraine, cumulative totals, as of")
    ).to_be_visible()
    expect(frame.get_by_text("Source: ")).to_be_visible()
    back = frame.get_by_role("link", name="Full view: every source, quote and citation")
    expect(back).to_have_attribute("href", f"{app_url}/?metric=children_killed")
    expect(back).to_have_attribute("target", "_blank")
    # The chart and what travels with it, not the app: no menu, no sidebar, no filters.
    expect(frame.get_by_test_id("stSidebar")).to_have_count(0)
    expect(frame.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(frame.get_by_test_id("stSelectbox")).to_have_count(0)
    expect(frame.get_by_role("heading", name="Figures")).to_have_count(0)
    # It fits the frame the snippet asks for: the link back is seen without scrolling.
    [embedded] = page.main_frame.child_frames
    assert embedded.evaluate(STMAIN_HEIGHT_JS) <= EMBED_HEIGHT
    page.screenshot(path=tmp_path / "embedded.png", full_page=True)


# --- charts a journalist can publish (issue 16) ------------------------------------------------

SEED_REGIONS = ("Donetsk Oblast", "Kharkiv Oblast", "Luhansk Oblast")
BY_PLACE = "?metric=settlements_attacked&place=UA&by=place&kind=period"


def wait_for_bars(page: Page) -> None:
    expect(page.locator(".js-plotly-plot .barlayer .point path").first).to_be_visible(
        timeout=TIMEOUT_MS
    )


def svg_texts(chart, selector: str) -> list[str]:  # noqa: ANN001
    """The texts of the chart's SVG elements (innerText is not defined for SVG)."""
    return chart.locator(selector).evaluate_all("els => els.map(e => e.textContent)")


#: What a phone's Chromium says it is (a "Mobile" user agent is what the app reads).
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)


def phone(browser) -> Page:  # noqa: ANN001
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_AGENT,
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


@pytest.mark.parametrize("width", [1400, 390])
def test_places_side_by_side_show_the_seed_reports_three_regions_on_one_chart(
    browser, app_url, width, tmp_path: Path
):
    context = browser.new_context(
        viewport={"width": width, "height": 1000 if width > 400 else 844},
        is_mobile=width < 400,
        has_touch=width < 400,
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(app_url + BY_PLACE)
        wait_for_app(page)
        wait_for_bars(page)
        chart = page.locator(".js-plotly-plot").first
        legend = " ".join(svg_texts(chart, ".legendtext"))
        for region in SEED_REGIONS:
            assert f"{region} (Ukraine's General Staff)" in legend
        labels = sorted(svg_texts(chart, ".barlayer text"))
        assert labels == ["1", "6", "about 5"]  # each bar's figure as claimed
        ticks = svg_texts(chart, ".xtick text")
        assert ticks and not [t for t in ticks if ":" in t]  # days, never hours
        yticks = svg_texts(chart, ".ytick text")
        assert yticks and all(t.isdigit() for t in yticks)  # whole settlements
        box = chart.bounding_box()
        content = page.get_by_test_id("stMainBlockContainer").evaluate(
            "el => el.clientWidth - parseFloat(getComputedStyle(el).paddingLeft)"
            " - parseFloat(getComputedStyle(el).paddingRight)"
        )
        assert box["width"] >= content - 2  # the chart uses the page's width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        expect(page.get_by_text("place by place, figures per day").first).to_be_visible()
        page.screenshot(path=tmp_path / f"by-place-{width}.png", full_page=True)
    finally:
        context.close()


def test_the_period_length_is_one_click_away(page, app_url):
    page.goto(app_url + "?metric=civilian_killed&place=UA&kind=period")
    wait_for_app(page)
    wait_for_bars(page)
    choice = page.get_by_test_id("stRadio").filter(has_text="Period length")
    expect(choice.get_by_label("Per month", exact=False)).to_be_checked()
    choice.get_by_text("Per year", exact=False).click()
    page.wait_for_url("**period=year*")
    wait_for_app(page)
    wait_for_bars(page)
    expect(page.get_by_text("figures per year").first).to_be_visible()
    choice.get_by_text("Every length, as a rate per day").click()
    page.wait_for_url("**period=rate*")
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot .ytitle")).to_have_text("Civilians killed per day")


def test_a_claim_opens_by_its_stable_id_and_its_citation_names_the_dispute(
    page, app_url, browser_db_url
):
    claims, _ = ids(browser_db_url)
    page.goto(app_url + "?claim=police-2022-06-13-killed")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=f"Claim #{claims['police-2022-06-13-killed']}"))
    expect(main.get_by_text("more than 12,000 civilians killed").first).to_be_visible()
    codes = main.get_by_test_id("stCode")
    expect(codes.first).to_have_text(f"{app_url}/?claim=police-2022-06-13-killed")
    expect(codes.nth(1)).to_contain_text("). Disputed: Same article:")
    # An old link by row number still opens it, and shows the stable link to copy.
    page.goto(f"{app_url}/?claim={claims['police-2022-06-13-killed']}")
    wait_for_app(page)
    expect(page.get_by_test_id("stCode").first).to_have_text(
        f"{app_url}/?claim=police-2022-06-13-killed"
    )


def test_a_row_of_the_claims_table_leads_to_its_claim_page(page, app_url):
    page.goto(f"{app_url}/claims?q=12%2C000+civilians+have+been+killed")
    wait_for_app(page)
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
    page.wait_for_url("**/?claim=police-2022-06-13-killed")
    wait_for_app(page)
    expect(page.get_by_text("more than 12,000 civilians killed").first).to_be_visible()


def test_on_a_phone_one_tap_opens_the_card_and_brings_it_into_view(
    browser, app_url, browser_db_url, tmp_path: Path
):
    claims, _ = ids(browser_db_url)
    claim_id = claims["police-2022-06-13-killed"]
    page = phone(browser)
    try:
        page.goto(app_url)
        wait_for_app(page)
        wait_for_chart(page)
        position = point_position(page, claim_id)
        page.touchscreen.tap(position["x"], position["y"])
        card = page.locator(f".st-key-claim_card_{claim_id}")
        expect(card).to_be_visible()
        wait_for_app(page)
        expect(card).to_be_in_viewport()
        page.screenshot(path=tmp_path / "phone-card.png")
    finally:
        page.context.close()
