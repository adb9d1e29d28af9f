"""Driving the running dashboard in Debian's Chromium with Playwright.

Waits follow Streamlit's own end-to-end tests: the app's root element reports its
websocket (`data-test-connection-state`) and its script (`data-test-script-state`), the
status widget shows while a script runs, and elements still loading are skeletons. Each
interaction first waits for its visible outcome (Playwright's retrying `expect`), then for
the run to settle; nothing waits on the clock.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.streamlit_server import free_port, running_app, streamlit_command

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 90_000  # a cold first page on a busy 2-core machine takes ~20 s
expect.set_options(timeout=TIMEOUT_MS)


def find_chromium() -> str | None:
    """The system Chromium (Debian's `chromium` package); never a downloaded build."""
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@contextmanager
def system_chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (`executable_path`): never a downloaded
    browser. Without one, the test module is skipped with what to install."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("no system Chromium found (install Debian's package: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def dashboard_at(database_url: str) -> Iterator[str]:
    """`streamlit run dashboard/serve.py` on a free port against `database_url`: its URL."""
    port = free_port()
    with running_app(streamlit_command(port), port, database_url) as app:
        yield app.url


# The fixtures every browser test module uses (tests/conftest.py makes them available).


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per module: each browser module runs on one worker (--dist loadgroup)."""
    with system_chromium() as browser:
        yield browser


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile (no cookies) at a desktop size."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab in which nothing from the data may run a script: a dialog fails the test
    (`page.dialogs` lists those opened so far, for a test to say where)."""
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    assert dialogs == [], "a script from the data ran"


def wait_for_app(page: Page) -> None:
    """Connected, script finished, no status widget, no skeletons."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=TIMEOUT_MS)


# Where a claim's point is on the screen: find the trace and index whose customdata lists
# the claim, then map its data coordinates through plotly's own axes. `_fullData` holds the
# values as plotly.js drew them: numeric columns arrive as typed-array specs ({dtype,
# bdata}) in `data`, which plotly.js decodes only there.
POINT_POSITION_JS = """(claimId) => {
  const gd = document.querySelector('.js-plotly-plot');
  for (const trace of gd._fullData) {
    const custom = trace.customdata || [];
    for (let i = 0; i < custom.length; i++) {
      if (custom[i] && String(custom[i][0]).split(',').includes(String(claimId))) {
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
        return {x: box.left + xa.d2p(trace.x[i]), y: box.top + ya.d2p(trace.y[i])};
      }
    }
  }
  return null;
}"""


def point_position(page: Page, claim_id: int) -> dict[str, float]:
    position = page.evaluate(POINT_POSITION_JS, claim_id)
    assert position is not None, f"claim {claim_id} is not plotted"
    return position


def wait_for_chart(page: Page) -> None:
    expect(page.locator(".js-plotly-plot .scatterlayer path.point").first).to_be_visible(
        timeout=TIMEOUT_MS
    )
