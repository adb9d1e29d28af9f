"""`tracker init`, `import`, `validate` and `stats`: the store and its data files."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from tracker.cli.common import actor, check_stored, handle_errors, open_engine


@click.command()
@handle_errors
def init() -> None:
    """Create the database, or upgrade it to the current schema (rows are kept).

    Example: tracker init
    """
    from tracker.store.db import init_db

    engine = open_engine(must_exist=False)
    init_db(engine)
    click.echo(f"database ready: {engine.url.render_as_string(hide_password=True)}")


def _print_plan(plan: Any, verbose: bool) -> None:
    for fp in plan.files:
        if verbose or fp.source_action != "same" or any(c.action != "same" for c in fp.claims):
            click.echo(
                f"  {fp.path}: source {fp.source_action}, "
                f"{fp.count('add')} claims added, {fp.count('change')} changed, "
                f"{fp.count('same')} unchanged"
                + (f", {fp.kept} stored claims not in the file (kept)" if fp.kept else "")
            )
            for cp in fp.claims:
                if cp.action == "change":
                    click.echo(f"    claim {cp.key}: {', '.join(cp.changed_fields)} changed")
    # New vocabulary is never silent: a claimant nobody described gets kind "other".
    for key, name in plan.new_claimants.items():
        click.echo(
            f"  new claimant {name!r} (key {key}, kind other): describe it in "
            "data/claimants.yaml if it is a known body"
        )
    for key, values in plan.new_places.items():
        where = f", in {values['parent']}" if values.get("parent") else ""
        click.echo(f"  new place {values.get('name', key)!r} (key {key}{where})")


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--reason", help="Why these changes are made (kept in every revision).")
@click.option("-v", "--verbose", is_flag=True, help="List unchanged files too.")
@handle_errors
def import_(paths: tuple[str, ...], reason: str | None, verbose: bool) -> None:
    """Import YAML data files or folders: all or nothing.

    Everything is validated first; one bad file and nothing is written. Re-importing an
    unchanged file changes nothing; a changed file records revisions.

    Example: tracker import data/
    """
    from tracker.files.importer import import_paths

    engine = open_engine()
    started = time.perf_counter()
    bar: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if total >= 5000 and sys.stderr.isatty():
            if "bar" not in bar:
                bar["bar"] = click.progressbar(length=total, label="importing", file=sys.stderr)
                bar["bar"].__enter__()
                bar["n"] = 0
            bar["bar"].update(done - bar["n"])
            bar["n"] = done

    plan = import_paths(engine, actor(), list(paths), reason=reason, progress=progress)
    if "bar" in bar:
        bar["bar"].__exit__(None, None, None)
    elapsed = time.perf_counter() - started
    _print_plan(plan, verbose)
    t = plan.totals()
    click.echo(
        f"imported {len(plan.files)} source files in {elapsed:.2f}s: "
        f"{t['sources_added']} sources added, {t['sources_changed']} changed; "
        f"{t['claims_added']} claims added, {t['claims_changed']} changed, "
        f"{t['claims_unchanged']} unchanged"
    )
    check_stored(engine)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="List unchanged files too.")
@handle_errors
def validate(paths: tuple[str, ...], verbose: bool) -> None:
    """Check data files as `import` would, and say what importing them would change.

    Writes nothing. Exit code 1 when a file has a problem.

    Example: tracker validate data/sample/
    """
    from tracker.files.importer import import_paths

    plan = import_paths(open_engine(), actor(), list(paths), dry_run=True)
    _print_plan(plan, verbose)
    t = plan.totals()
    click.echo(
        f"valid: {len(plan.files)} source files; importing would add "
        f"{t['sources_added']} sources and {t['claims_added']} claims, change "
        f"{t['sources_changed']} sources and {t['claims_changed']} claims"
    )


@click.command()
@handle_errors
def stats() -> None:
    """Counts of claims per metric, claimant and source.

    Example: tracker stats
    """
    from tracker.read.queries import stats as get_stats
    from tracker.read.queries import totals

    engine = open_engine()
    t = totals(engine)
    click.echo(f"{t['claims']} claims from {t['sources']} sources by {t['claimants']} claimants")
    tables = get_stats(engine)
    for name, cols in (
        ("metric", ["metric", "claims"]),
        ("claimant", ["claimant", "claims"]),
        ("source", ["publisher", "published", "claims"]),
    ):
        df = tables[name]
        click.echo(f"\nper {name}:")
        if df.empty:
            click.echo("  (none)")
            continue
        shown = df[cols].head(25)
        click.echo(shown.to_string(index=False))
        if len(df) > 25:
            click.echo(f"  … and {len(df) - 25} more")
