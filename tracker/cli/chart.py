"""`tracker chart`: a chart image for scripted publishing, drawn as the dashboard's
"Chart image" download draws it (same claims, period length, colours and caption).

Registered on the `tracker` group in `tracker.cli`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from tracker.cli.common import handle_errors, open_engine
from tracker.read.filters import PERIOD_LENGTHS
from tracker.sharing.chart_images import FORMATS

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command()
@click.option("--metric", required=True, help="The metric (a key, e.g. civilian_killed).")
@click.option(
    "--place", required=True, help="The place (a key, ISO code or name, e.g. UA or UA-14)."
)
@click.option(
    "--by",
    type=click.Choice(["claimant", "place"]),
    default="claimant",
    show_default=True,
    help="place: the places within --place side by side (its regions and towns).",
)
@click.option(
    "--kind",
    type=click.Choice(["cumulative", "period", "all"]),
    default=None,
    help="Cumulative totals or per-period figures (default: the metric's own kind).",
)
@click.option(
    "--period",
    "period_length",
    type=click.Choice(list(PERIOD_LENGTHS)),
    help="Per-period figures of this length only (default: the most common).",
)
@click.option("--rate", is_flag=True, help="Per-period figures of every length as a rate per day.")
@click.option("--log", "log_scale", is_flag=True, help="A logarithmic y axis.")
@click.option(
    "--claimant", "claimants", multiple=True, help="Only this claimant (repeat for several)."
)
@click.option(
    "--from", "date_from", type=_DATE, metavar="YYYY-MM-DD", help="As-of date on or after."
)
@click.option("--to", "date_to", type=_DATE, metavar="YYYY-MM-DD", help="As-of date on or before.")
@click.option("--retracted", is_flag=True, help="Draw retracted claims too (grey).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True)
@click.option("--width", type=click.IntRange(400, 4000), default=1000, show_default=True)
@click.option("--height", type=click.IntRange(300, 4000), default=600, show_default=True)
@click.option(
    "--scale", type=click.FloatRange(0.5, 4), default=2, show_default=True, help="PNG only."
)
@handle_errors
def chart(
    metric: str,
    place: str,
    by: str,
    kind: str | None,
    period_length: str | None,
    rate: bool,
    log_scale: bool,
    claimants: tuple[str, ...],
    date_from: datetime | None,
    date_to: datetime | None,
    retracted: bool,
    fmt: str,
    output: Path,
    width: int,
    height: int,
    scale: float,
) -> None:
    """Draw a chart as a PNG or SVG with its title, as-of date, key and source line.

    Needs Chromium (Debian: apt-get install chromium) or BROWSER_PATH.

    Example: tracker chart --metric settlements_attacked --place UA --by place
    --kind period --format png --output attacks.png
    """
    from tracker.files.interchange.options import filter_from_words
    from tracker.read.queries import filter_options
    from tracker.sharing.chart_views import ChartView, render_view

    engine = open_engine()
    words = filter_from_words(
        engine,
        metric=metric,
        place=place,
        claimants=claimants,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
    )
    if kind is None:
        metrics = filter_options(engine)["metrics"]
        cumulative = dict(zip(metrics["key"], metrics["cumulative"], strict=True))
        kind = "cumulative" if cumulative.get(words.metric, True) else "period"
    view = ChartView(
        metric=words.metric or metric,
        place=words.place or place,
        kind=kind,
        by=by,
        period_length=period_length,
        rate=rate,
        log=log_scale,
        claimants=words.claimants,
        date_from=words.date_from,
        date_to=words.date_to,
        show_retracted=retracted,
    )
    image = render_view(engine, view, fmt, width=width, height=height, scale=scale)
    output.write_bytes(image)
    click.echo(f"wrote {output} ({len(image):,} bytes)")
