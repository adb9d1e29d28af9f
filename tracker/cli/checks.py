"""`tracker check`: the consistency checks from the command line (a thin layer over
`tracker.checks.rules`)."""

from __future__ import annotations

import sys
from itertools import groupby

import click

from tracker.cli.common import echo_json, format_option, handle_errors, open_engine

#: Listed here rather than imported, so that `tracker --help` stays fast; a test keeps
#: this list equal to `tracker.checks.rules.RULES`.
RULE_IDS = (
    "figure-not-in-quote",
    "quote-not-in-source",
    "period-after-publication",
    "duplicate-claim",
    "cumulative-decrease",
    "sudden-jump",
    "claimant-disagreement",
    "conflicting-figures",
)


@click.command()
@format_option("json: a list of objects with rule, severity, message, claims, sources.")
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="ID",
    help="Run only this check (repeatable); the checks are listed above.",
)
@click.option(
    "--window-days",
    type=click.IntRange(min=0),
    help="claimant-disagreement: compare figures at most this many days apart (default 31).",
)
@click.option(
    "--share",
    type=click.FloatRange(min=0),
    help="claimant-disagreement: the gap, as a share of the larger figure, that counts as "
    "a disagreement (default 0.05).",
)
@handle_errors
def check(fmt: str, rules: tuple[str, ...], window_days: int | None, share: float | None) -> None:
    """Check the stored claims for figures that deserve a second look.

    Prints the findings grouped by check; exits 1 when any is an error (a figure missing
    from its quote, a quote missing from its source, a period ending after publication),
    0 otherwise: disagreements and revisions are warnings and notes, not errors.

    With the default thresholds the findings are also kept in the database for the
    dashboard's Checks page, and only what changed since the last check is checked again.

    \b
    The checks:
      figure-not-in-quote       the claim's figure is not in its quote
      quote-not-in-source       the quote is not in the stored article text
      period-after-publication  the figure is dated after its source
      duplicate-claim           one statement stored twice, or under two dates
      cumulative-decrease       a running total went down
      sudden-jump               a running total rose far faster than its trend
      claimant-disagreement     two claimants disagree beyond their qualifiers
      conflicting-figures       sources credit one claimant with two figures

    Example: tracker check --rule sudden-jump --format json
    """
    from tracker.checks.finding_store import has_stored_findings, refresh_findings
    from tracker.checks.findings import stored_findings
    from tracker.checks.rules import RULES, CheckConfig, run_checks

    overrides = {k: v for k, v in (("window_days", window_days), ("share", share)) if v is not None}
    engine = open_engine()
    unknown = [r for r in rules if r not in RULES]
    if overrides or unknown or not has_stored_findings(engine):
        # Other thresholds are a question, not the store's findings: run them afresh.
        findings = run_checks(engine, rules or None, CheckConfig(**overrides))
    else:
        # The findings the dashboard shows, brought up to date (only what changed since
        # the last check is checked again) and kept for it.
        refresh_findings(engine)
        findings = stored_findings(engine, dict.fromkeys(rules))
    if fmt == "json":
        echo_json(findings)
    else:
        _print_text(findings)
    if any(f.severity == "error" for f in findings):
        sys.exit(1)


def _print_text(findings: list) -> None:  # noqa: ANN001
    if not findings:
        click.echo("no findings")
        return
    for rule, group in groupby(sorted(findings, key=lambda f: f.rule), key=lambda f: f.rule):
        items = list(group)
        click.echo(f"{rule} ({len(items)})")
        for f in items:
            click.echo(f"  [{f.severity}] {f.message}")
            click.echo(f"    claims: {', '.join(str(c) for c in f.claims)}")
            for url in f.sources:
                click.echo(f"    source: {url}")
        click.echo("")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    click.echo(
        f"{len(findings)} findings: {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['info']} info"
    )
