"""Chart images carry their title, as-of date, qualifier legend and source line."""

from __future__ import annotations

import io
from datetime import date
from xml.etree import ElementTree

import plotly.graph_objects as go
import pytest
from PIL import Image

import tracker.sharing.chart_images as module
from tests.interchange_data import load_dataset
from tracker.core.errors import TrackerError
from tracker.read.filters import ClaimFilter
from tracker.sharing.chart_images import (
    Caption,
    captioned,
    chart_credits,
    chart_images,
    find_browser,
    qualifier_legend,
    source_line,
)
from tracker.sharing.charts import figures_chart

CAPTION = Caption(
    title="Civilians killed, as recorded by Example Monitor",
    as_of=date(2023, 2, 12),
    sources=["Example Monitor via Example Wire", "Synthetic 01 via Example Local"],
    qualifier_legend=qualifier_legend(["at_least", "exact"]),
)


def small_figure() -> go.Figure:
    return go.Figure(
        go.Scatter(x=["2023-01-15", "2023-02-12"], y=[6952, 7199], mode="lines+markers")
    )


def browser_or_skip() -> str:
    try:
        return find_browser()
    except TrackerError as exc:
        pytest.skip(f"no Chromium to render with: {exc}")


def test_png_is_a_real_image_of_the_asked_size_and_svg_carries_the_caption():
    browser_or_skip()
    images = chart_images(small_figure(), CAPTION, width=640, height=400, scale=2)
    png = Image.open(io.BytesIO(images["png"]))
    assert png.format == "PNG" and png.size == (1280, 800)
    png.verify()
    root = ElementTree.fromstring(images["svg"])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # Long caption lines wrap into several <tspan>s: read the drawn text as one string.
    svg = " ".join(" ".join(root.itertext()).split())
    assert (
        "Source: Example Monitor via Example Wire, Synthetic 01 via Example Local; "
        "compiled with Claims Tracker" in svg
    )
    assert "Civilians killed, as recorded by Example Monitor" in svg
    assert "as of 12 Feb 2023" in svg
    assert "at least: a lower bound" in svg


def test_caption_text_from_sources_is_escaped_not_markup():
    caption = Caption("Toll <b>bold</b> & more", date(2023, 1, 1), ['<a href="x">Wire</a>'])
    fig = captioned(small_figure(), caption, width=800, height=500)
    assert fig.layout.title.text == "Toll &lt;b&gt;bold&lt;/b&gt; &amp; more"
    (note,) = fig.layout.annotations
    assert "&lt;a href" in note.text and "<a " not in note.text
    assert fig.layout.margin.b >= 60


def test_source_line_names_a_few_sources_and_counts_the_rest():
    names = [f"Monitor {i} via Wire" for i in range(9)]
    line = source_line(names, limit=3)
    assert line == (
        "Source: Monitor 0 via Wire, Monitor 1 via Wire, Monitor 2 via Wire and 6 more; "
        "compiled with Claims Tracker"
    )


def test_without_a_browser_the_error_says_what_to_install(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(module, "BROWSER_CANDIDATES", ("/nonexistent/chromium",))
    with pytest.raises(TrackerError, match="apt-get install chromium"):
        chart_images(small_figure(), CAPTION)
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chrome")
    with pytest.raises(TrackerError, match="BROWSER_PATH=/nonexistent/chrome is not an exec"):
        find_browser()


def test_unknown_image_format_is_refused():
    with pytest.raises(TrackerError, match="unknown image format 'gif'"):
        chart_images(small_figure(), CAPTION, ("gif",))


def test_chart_credits_name_claimant_via_publisher(vocab_engine, tmp_path):
    load_dataset(vocab_engine, tmp_path / "dataset")
    assert chart_credits(vocab_engine, ClaimFilter(metric="civilian_killed")) == [
        "Example Monitor via Example Digest",
        "Example Monitor via Example Wire",
        "Synthetic 01 via Example Local",
    ]
    assert chart_credits(vocab_engine, ClaimFilter(place="test-vilne")) == [
        "Synthetic 01 via Example Local"
    ]


# --- images that print right ---------------------------------------------------------------
#
# Each view is drawn as the dashboard's download draws it (1000 x 600 CSS px, PNG at scale
# 2) and read back: no ink within a few pixels of the PNG's edge, every text of the SVG
# wholly inside the canvas (a tick label cut at the edge reads "6k" for "16k") and no two
# texts over each other (a key printed over the source line).

PAD = 4  # CSS px of clear margin on every side


def sample_points(sqlite_filled, f: ClaimFilter):
    from tracker.read.queries import chart_points
    from tracker.store.db import make_engine

    engine = make_engine(f"sqlite:///{sqlite_filled['sample']}")
    try:
        return chart_points(engine, f), chart_credits(engine, f)
    finally:
        engine.dispose()


def many_claimants_points():
    """Twelve fictional claimants with long names and figures in the hundred thousands."""
    from tests.test_charts import point

    rows = []
    for i in range(12):
        for day, value in ((1, 90_000 + i * 7_000), (20, 120_000 + i * 9_000)):
            rows.append(
                point(
                    claim_ids=(i * 100 + day,),
                    claimant_key=f"synthetic_{i:02d}",
                    claimant_name=f"Synthetic claimant {i:02d} of the example ministry",
                    claimant_short=None,
                    value=value,
                    qualifier="at_least" if i % 3 else "about",
                    period_end=date(2023, 3, day),
                )
            )
    import pandas as pd

    from tracker.read.queries import CHART_COLUMNS

    return pd.DataFrame(rows, columns=CHART_COLUMNS)


def assert_prints_right(fig: go.Figure, caption: Caption) -> None:
    images = chart_images(fig, caption, width=1000, height=600, scale=2)
    from tests.image_checks import (
        ink_near_border,
        overlapping_texts,
        svg_text_boxes,
        texts_outside,
    )

    assert ink_near_border(images["png"], PAD * 2) == []
    width, height, boxes = svg_text_boxes(images["svg"])
    assert texts_outside(boxes, width, height, PAD) == []
    assert overlapping_texts(boxes) == []
    drawn = " ".join(b.text for b in boxes)
    assert caption.title.split(",")[0] in drawn
    assert "compiled with Claims Tracker" in drawn


def test_the_image_of_the_default_chart_prints_right(sqlite_filled):
    browser_or_skip()
    f = ClaimFilter(metric="civilian_killed", place="UA", cumulative=True, include_retracted=False)
    points, credits = sample_points(sqlite_filled, f)
    fig = figures_chart(points, y_title="Civilians killed")
    caption = Caption(
        "Civilians killed in Ukraine, cumulative totals",
        max(points["period_end"]),
        credits,
        qualifier_legend(points["qualifier"]),
    )
    assert_prints_right(fig, caption)


def test_the_image_of_a_per_period_chart_with_small_counts_prints_right(sqlite_filled):
    browser_or_skip()
    f = ClaimFilter(metric="settlements_attacked", cumulative=False, include_retracted=False)
    points, credits = sample_points(sqlite_filled, f)
    assert not points.empty
    fig = figures_chart(points, y_title="Settlements attacked")
    caption = Caption(
        "Settlements attacked, per-period figures",
        max(points["period_end"]),
        credits,
        qualifier_legend(points["qualifier"]),
    )
    assert_prints_right(fig, caption)


def test_the_image_of_a_chart_with_many_claimants_prints_right():
    browser_or_skip()
    points = many_claimants_points()
    fig = figures_chart(points, y_title="Civilians killed")
    credits = [f"Synthetic claimant {i:02d} via Example Wire" for i in range(12)]
    caption = Caption(
        "Civilians killed in an example region, cumulative totals",
        date(2023, 3, 20),
        credits,
        qualifier_legend(points["qualifier"]),
    )
    assert_prints_right(fig, caption)


def test_the_image_of_many_places_in_small_charts_prints_right():
    browser_or_skip()
    import pandas as pd

    from tests.test_charts import point
    from tracker.read.queries import CHART_COLUMNS

    rows = []
    for n in range(8):
        for claimant in ("monitor_a", "army_c"):
            rows.append(
                point(
                    (len(rows) + 1,),
                    place_key=f"X-{n:02d}",
                    place_name=f"Example region {n:02d}",
                    claimant_key=claimant,
                    claimant_name=claimant.replace("_", " ").title(),
                    value=3 + n,
                    qualifier="about" if n % 2 else "exact",
                    cumulative=False,
                    period_start=date(2023, 3, 1),
                    period_end=date(2023, 3, 31),
                )
            )
    points = pd.DataFrame(rows, columns=CHART_COLUMNS)
    fig = figures_chart(points, by="place", y_title="Settlements where attacks were repelled")
    caption = Caption(
        "Settlements where attacks were repelled in an example country, place by place",
        date(2023, 3, 31),
        ["Monitor A via Example Wire", "Army C via Example Local"],
        qualifier_legend(points["qualifier"]),
    )
    assert_prints_right(fig, caption)
