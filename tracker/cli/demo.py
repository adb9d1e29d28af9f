"""`tracker demo --synthetic N`: a fictional dataset of any size, for demos and benchmarks.

A thin command over `tracker.files.synthetic.load_synthetic`. Progress goes to stderr: a bar on a
terminal, and one line per tenth of the load otherwise (logs and CI), so that a million
claims never look like a hang.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from tracker.cli.common import check_stored, handle_errors


class _Progress:
    """A click progress bar on a terminal; "loaded 10,000 of 100,000 claims (10%)" lines
    elsewhere, at most one per tenth."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0
        self.tenth = -1

    def __call__(self, done: int, total: int) -> None:
        if sys.stderr.isatty():
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="loading claims", file=sys.stderr)
                self.bar.__enter__()
            self.bar.update(done - self.done)
        else:
            tenth = done * 10 // max(total, 1)
            if tenth != self.tenth:
                self.tenth = tenth
                click.echo(
                    f"loaded {done:,} of {total:,} claims ({done * 100 // max(total, 1)}%)",
                    err=True,
                )
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command()
@click.option(
    "--synthetic",
    "n",
    type=click.IntRange(min=1),
    required=True,
    help="How many fictional claims to generate and store (about five per source).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same dataset.")
@click.option(
    "--conflict",
    metavar="KEY",
    help="The conflict of data/conflicts.yaml the figures are about (its start date, places "
    "and default metric); default: the store's first, or the file's first (russia-ukraine) "
    "in a store that names none.",
)
@click.option(
    "--database",
    help="Database URL to load into (default: TRACKER_DATABASE_URL or tracker.db); "
    "created and migrated when it does not exist yet.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Load even though the store holds real (non-synthetic) sources.",
)
@click.option(
    "--check/--no-check",
    default=True,
    show_default=True,
    help="Then store the consistency checks' findings for the Checks page and the chart's "
    "rings (minutes at a million claims; `tracker check` does it later).",
)
@handle_errors
def demo(
    n: int, seed: int, conflict: str | None, database: str | None, force: bool, check: bool
) -> None:
    """Store a clearly fictional dataset: "Synthetic claimant NN", example.org sources.

    Every source is flagged synthetic and the dashboard shows a warning banner while any
    is stored. Refused on a store holding real data unless --force.

    Example: tracker demo --synthetic 100000 --conflict sudan --database sqlite:///demo.db
    """
    from tracker.files.synthetic import chosen_conflict, load_synthetic
    from tracker.store.db import init_db, make_engine

    engine = make_engine(database)
    init_db(engine)
    progress = _Progress()
    try:
        report = load_synthetic(
            engine, n, seed=seed, force=force, progress=progress, conflict=conflict
        )
    finally:
        progress.close()
    war = chosen_conflict(engine, conflict)
    click.echo(
        f"stored {report.claims:,} synthetic claims from {report.sources:,} sources "
        f"(seed {seed}; {war.name}, {war.key}) in {report.seconds:.1f}s ({report.claims_per_second:,.0f} claims/s): "
        f"{engine.url.render_as_string(hide_password=True)}"
    )
    if not check:
        click.echo("not checked: `tracker check` stores the findings for the Checks page")
        return

    click.echo("running the consistency checks for the Checks page ...", err=True)
    started = time.perf_counter()
    check_stored(engine)
    click.echo(f"checks stored in {time.perf_counter() - started:.1f}s", err=True)
