"""`tracker export`: the claims, or the filtered part of them, in an interchange format."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from tracker.cli.common import handle_errors, open_engine
from tracker.domain.vocab import Status
from tracker.files.interchange import FORMATS

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="yaml", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="A file; a folder for yaml; a folder or a .zip for datapackage.",
)
@click.option("--metric", help="Only this metric (a key, e.g. civilian_killed).")
@click.option("--place", help="Only this place (a key, ISO code or name, e.g. UA-14).")
@click.option(
    "--claimant", "claimants", multiple=True, help="Only this claimant (repeat for several)."
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in Status]),
    help="Only claims with this status (repeat for several).",
)
@click.option(
    "--from", "date_from", type=_DATE, metavar="YYYY-MM-DD", help="As-of date on or after."
)
@click.option("--to", "date_to", type=_DATE, metavar="YYYY-MM-DD", help="As-of date on or before.")
@handle_errors
def export(
    fmt: str,
    output: Path,
    metric: str | None,
    place: str | None,
    claimants: tuple[str, ...],
    statuses: tuple[str, ...],
    date_from: datetime | None,
    date_to: datetime | None,
) -> None:
    """Write claims out: all of them, or those the options select.

    Formats: csv (UTF-8), excel (CSV with BOM and CRLF), hxl (CSV with HXL hashtags),
    datapackage (Frictionless), jsonld (schema.org Claim/ClaimReview), json, and yaml (the
    import format, a folder). CSV formats also write <file>-metadata.json, which states the
    export time, the latest as-of date and the filter.

    Example: tracker export --format csv --metric civilian_killed --place UA -o killed.csv
    """
    from tracker.files.interchange import write_export
    from tracker.files.interchange.options import filter_from_words

    engine = open_engine()
    claim_filter = filter_from_words(
        engine,
        metric=metric,
        place=place,
        claimants=claimants,
        statuses=statuses,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
    )
    click.echo(write_export(engine, fmt, output, claim_filter))
