"""Take the README's screenshots: the Figures page on the sample data, a point clicked;
or (`--view by-place`) the seed report's three regions side by side.

    python scripts/screenshot.py [--output docs/screenshot-figures.png]
    python scripts/screenshot.py --view by-place --output docs/screenshot-by-place.png

Loads data/ into a temporary SQLite file, starts the dashboard as `make run` does, opens it
in the system Chromium (Debian's `chromium` package, driven by Playwright), clicks OHCHR's
7,199 point (one statement relayed by three sources) and saves the window.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from sqlmodel import select  # noqa: E402

from tests.browser_support import (  # noqa: E402
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    find_chromium,
    point_position,
    wait_for_app,
    wait_for_chart,
)
from tests.streamlit_server import free_port, running_app, streamlit_command  # noqa: E402
from tracker.core.config import DATA_DIR  # noqa: E402
from tracker.domain.models import Claim  # noqa: E402
from tracker.files.importer import import_paths  # noqa: E402
from tracker.store.db import init_db, make_engine, read_session  # noqa: E402
from tracker.store.write import SYSTEM  # noqa: E402

CLAIM_KEY = "ohchr-2023-02-12-killed"
#: The seed report: settlements attacked in three regions over one day, side by side.
BY_PLACE = "?metric=settlements_attacked&place=UA&by=place&kind=period"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshot-figures.png")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--view", choices=["point", "by-place"], default="point")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        sys.exit("no system Chromium found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'sample.db'}"
        engine = make_engine(url)
        init_db(engine)
        import_paths(engine, SYSTEM, [DATA_DIR])
        with read_session(engine) as session:
            claim_id = session.exec(select(Claim.id).where(Claim.key == CLAIM_KEY)).one()
        engine.dispose()
        port = free_port()
        with running_app(streamlit_command(port), port, url) as app, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.set_default_timeout(TIMEOUT_MS)
            if args.view == "by-place":
                page.goto(app.url + BY_PLACE)
                wait_for_app(page)
                bars = page.locator(".js-plotly-plot .barlayer .point path")
                expect(bars.first).to_be_visible()
                page.mouse.move(5, args.height - 5)
                args.output.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=args.output)
                browser.close()
                print(f"wrote {args.output}")
                return
            page.goto(app.url)
            wait_for_app(page)
            wait_for_chart(page)
            position = point_position(page, claim_id)
            page.mouse.click(position["x"], position["y"])
            expect(page.locator(f".st-key-claim_card_{claim_id}")).to_be_visible()
            wait_for_app(page)
            page.mouse.move(5, args.height - 5)  # no hover box over the chart
            expect(page.locator(".hoverlayer .hovertext")).to_have_count(0)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.output)
            browser.close()
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
