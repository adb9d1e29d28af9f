"""`tracker chart`: a chart image for scripted publishing, as the dashboard draws it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from tests.image_checks import ink_near_border, overlapping_texts, svg_text_boxes, texts_outside
from tracker.cli import main
from tracker.core.errors import TrackerError
from tracker.sharing.chart_images import find_browser


@pytest.fixture
def sample_cli(sqlite_filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The `tracker` CLI pointed at a copy of the shipped sample data."""
    path = tmp_path / "sample.db"
    shutil.copy(sqlite_filled["sample"], path)
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{path}")
    from tracker.store.db import default_engine

    default_engine.cache_clear()
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def needs_browser() -> None:
    try:
        find_browser()
    except TrackerError as exc:
        pytest.skip(f"no Chromium to render with: {exc}")


def test_the_seed_report_draws_its_three_regions_side_by_side_in_an_svg_that_prints_right(
    sample_cli,
):
    needs_browser()
    out = sample_cli / "attacks.svg"
    result = run(
        "chart", "--metric", "settlements_attacked", "--place", "UA", "--by", "place",
        "--kind", "period", "--format", "svg", "--output", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    width, height, boxes = svg_text_boxes(out.read_bytes())
    assert texts_outside(boxes, width, height, 8) == []
    assert overlapping_texts(boxes) == []
    texts = [b.text for b in boxes]
    drawn = " ".join(texts)
    for region in ("Kharkiv Oblast", "Luhansk Oblast", "Donetsk Oblast"):
        assert region in drawn  # on the key, with the claimant
    assert "General Staff" in drawn
    # Each bar carries its figure as claimed, the qualifier kept.
    assert {"1", "about 5", "6"} <= set(texts)
    assert "place by place, figures per day" in drawn
    assert "as of 14 Feb 2023" in drawn
    assert "Source: Ukraine" in drawn and "compiled with Claims Tracker" in drawn
    # Counts have whole-number ticks: no "0.5" settlement.
    ticks = [b.text for b in boxes if b.kinds.startswith("ytick")]
    assert ticks and all(t.replace(",", "").isdigit() for t in ticks)


def test_a_png_has_the_asked_size_and_no_ink_at_its_edges(sample_cli):
    needs_browser()
    out = sample_cli / "killed.png"
    result = run(
        "chart", "--metric", "civilian_killed", "--place", "Ukraine",
        "--format", "png", "--output", str(out), "--width", "900", "--height", "560",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    png = out.read_bytes()
    assert Image.open(io.BytesIO(png)).size == (1800, 1120)
    assert ink_near_border(png, 8) == []


def test_an_unknown_place_is_refused_in_one_line_and_writes_nothing(sample_cli):
    out = sample_cli / "x.png"
    result = CliRunner().invoke(
        main,
        ["chart", "--metric", "civilian_killed", "--place", "Atlantis", "--format", "png",
         "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "--place: no place called 'Atlantis'" in result.output
    assert not out.exists()


def test_a_view_without_claims_is_refused_and_writes_nothing(sample_cli):
    needs_browser()
    out = sample_cli / "x.svg"
    result = CliRunner().invoke(
        main,
        ["chart", "--metric", "civilian_killed", "--place", "UA", "--claimant", "unhcr",
         "--format", "svg", "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "no claims match" in result.output
    assert not out.exists()
