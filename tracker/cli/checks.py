"""`tracker check`: the consistency checks from the command line (a thin layer over
`tracker.checks.rules`)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import click

from tracker.cli.common import format_option, handle_errors, open_engine

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
    from tracker.checks.findings import checked_state, iter_stored_findings
    from tracker.checks.rules import RULES, CheckConfig, run_checks

    overrides = {k: v for k, v in (("window_days", window_days), ("share", share)) if v is not None}
    engine = open_engine()
    unknown = [r for r in rules if r not in RULES]
    if overrides or unknown or not has_stored_findings(engine):
        # Other thresholds are a question, not the store's findings: run them afresh.
        found = run_checks(engine, rules or None, CheckConfig(**overrides))

        def of_rule(rule: str) -> Iterator[Any]:
            return (f for f in found if f.rule == rule)

        counts = Counter(f.rule for f in found)
        every: Iterator[Any] = iter(found)
    else:
        # The findings the dashboard shows, brought up to date (only what changed since
        # the last check is checked again) and kept for it; printed as they are read,
        # never all held at once (a million claims can have a hundred thousand).
        refresh_findings(engine)

        def of_rule(rule: str) -> Iterator[Any]:
            return iter_stored_findings(engine, [rule])

        counts = Counter()
        for (rule, _severity), n in checked_state(engine).counts.items():
            counts[rule] += n
        every = iter_stored_findings(engine, dict.fromkeys(rules))
    if fmt == "json":
        errors = _print_json(every)
    else:
        errors = _print_text(of_rule, {r: counts[r] for r in sorted(set(rules) or RULE_IDS)})
    if errors:
        sys.exit(1)


def _print_json(findings: Iterator[Any]) -> int:
    """The findings as one JSON list, exactly as `json.dumps(list, indent=2)` writes it, one
    finding at a time. Returns how many are errors."""
    errors = 0
    first = True
    for f in findings:
        errors += f.severity == "error"
        item = json.dumps(f.as_dict(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        click.echo(("[\n  " if first else ",\n  ") + item, nl=False)
        first = False
    click.echo("[]" if first else "\n]")
    return errors


def _print_text(of_rule: Callable[[str], Iterator[Any]], rules: dict[str, int]) -> int:
    """The findings of `rules` (check -> how many) grouped by check, each headed by how many
    it found, then the counts. Returns how many are errors."""
    counts = dict.fromkeys(("error", "warning", "info"), 0)
    for rule, n in rules.items():
        if not n:
            continue
        click.echo(f"{rule} ({n})")
        for f in of_rule(rule):
            counts[f.severity] += 1
            click.echo(f"  [{f.severity}] {f.message}")
            click.echo(f"    claims: {', '.join(str(c) for c in f.claims)}")
            for url in f.sources:
                click.echo(f"    source: {url}")
        click.echo("")
    total = sum(counts.values())
    if not total:
        click.echo("no findings")
        return 0
    click.echo(
        f"{total} findings: {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['info']} info"
    )
    return counts["error"]
