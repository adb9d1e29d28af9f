"""`tracker extract`: the extraction assistant from the command line (a thin layer over
`tracker.extraction`)."""

from __future__ import annotations

from datetime import datetime

import click

from tracker.cli.common import format_option, handle_errors, json_or_nothing, vocabulary


@click.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--published",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The article's publication date (YYYY-MM-DD): relative dates are resolved against it.",
)
@format_option("json: a list of candidates with every field and the figure's offsets.")
@handle_errors
def extract(file: click.utils.LazyFile, published: datetime, fmt: str) -> None:
    """Propose draft claims found in an article's text (FILE, or - for standard input).

    Rule-based and offline: figures, qualifiers, claimants and places by the aliases of
    data/claimants.yaml and data/places.yaml, dates resolved against --published. Nothing
    is stored; a curator confirms the candidates.

    Example: tracker extract article.txt --published 2023-02-14 --format json
    """
    from tracker.extraction.extractor import extract_candidates, suggest_claimant

    text = file.read()
    vocab = vocabulary()
    candidates = extract_candidates(text, published.date(), vocab)
    if json_or_nothing(candidates, fmt, "no candidate figures found"):
        return
    for i, c in enumerate(candidates, start=1):
        figure = text[c.start : c.end]
        click.echo(
            f"{i}. {figure!r} = {_figure(c)} {c.metric or '(metric unsure)'}"
            f"  [characters {c.start}-{c.end}]"
        )
        if c.claimant_key:
            click.echo(f"   claimant: {c.claimant} -> {c.claimant_key}")
        elif c.claimant:
            hint = suggest_claimant(c, vocab)
            click.echo(
                f"   claimant: {c.claimant} (not in the vocabulary"
                + (f"; did you mean {hint}?)" if hint else ")")
            )
        else:
            click.echo("   claimant: (none found)")
        place = f"{c.place} -> {c.place_key}" if c.place_key else (c.place or "(none found)")
        click.echo(f"   place: {place}")
        span = f"{c.period_start} to {c.period_end}" if c.period_start else f"as of {c.period_end}"
        kind = {True: "cumulative", False: "per period", None: "cumulative or not: unsure"}
        click.echo(f"   period: {span} ({kind[c.cumulative]})")
        click.echo(f"   quote: {' '.join(c.quote.split())}")
    click.echo(f"{len(candidates)} candidates")


def _figure(c) -> str:  # noqa: ANN001
    from tracker.checks.rules import describe_figure

    return describe_figure(c.value, c.low, c.high, c.qualifier)
