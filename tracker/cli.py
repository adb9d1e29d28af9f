"""The `tracker` command: a thin layer over the library.

Each command parses its options, calls one library function and prints the result. Errors
the user can fix (`TrackerError`) become one line on stderr and exit code 1, never a
traceback.
"""

from __future__ import annotations

import functools
import getpass
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import click

from tracker.errors import TrackerError, ValidationFailed


def _actor():  # noqa: ANN202
    """The CLI acts with full rights as the shell user (who can already read the database)."""
    from tracker.store import Actor
    from tracker.vocab import Role

    name = os.environ.get("TRACKER_ACTOR") or f"cli:{_login()}"
    return Actor(name, Role.admin)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into one clear line and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except TrackerError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            # The reader went away (`tracker stats | head`): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:
            # A file the command had to write or read: a missing or read-only folder, a full disk.
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)

    return wrapper


def _engine(must_exist: bool = True):  # noqa: ANN202
    from tracker.db import make_engine, schema_is_current

    engine = make_engine(must_exist=must_exist)
    if must_exist and not schema_is_current(engine):
        raise TrackerError("the database has no tracker tables yet; run `tracker init` first")
    return engine


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claims-tracker")
def main() -> None:
    """Claims tracker: war figures with their claimant, period, quote and source.

    The database is TRACKER_DATABASE_URL (default: tracker.db in the project folder).
    """


@main.command()
@handle_errors
def init() -> None:
    """Create the database, or upgrade it to the current schema (rows are kept).

    Example: tracker init
    """
    from tracker.db import init_db

    engine = _engine(must_exist=False)
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


@main.command("import")
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
    from tracker.importer import import_paths

    engine = _engine()
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

    plan = import_paths(engine, _actor(), list(paths), reason=reason, progress=progress)
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
    _check_stored(engine)


def _check_stored(engine: Any) -> None:
    """Bring the findings the Checks page shows up to date (only what changed is checked
    again) and say what they are; `tracker check` lists them."""
    from tracker.finding_store import has_stored_findings, refresh_findings, summary

    if not has_stored_findings(engine):
        return
    refresh_findings(engine)
    click.echo(f"checked: {summary(engine)} (`tracker check` lists them)")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="List unchanged files too.")
@handle_errors
def validate(paths: tuple[str, ...], verbose: bool) -> None:
    """Check data files as `import` would, and say what importing them would change.

    Writes nothing. Exit code 1 when a file has a problem.

    Example: tracker validate data/sample/
    """
    from tracker.importer import import_paths

    plan = import_paths(_engine(), _actor(), list(paths), dry_run=True)
    _print_plan(plan, verbose)
    t = plan.totals()
    click.echo(
        f"valid: {len(plan.files)} source files; importing would add "
        f"{t['sources_added']} sources and {t['claims_added']} claims, change "
        f"{t['sources_changed']} sources and {t['claims_changed']} claims"
    )


@main.command()
@handle_errors
def stats() -> None:
    """Counts of claims per metric, claimant and source.

    Example: tracker stats
    """
    from tracker.queries import stats as get_stats
    from tracker.queries import totals

    engine = _engine()
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


# Commands that live in modules of their own (one line each, so branches merge cleanly).
from tracker.cli_backup import backup, restore  # noqa: E402
from tracker.cli_chart import chart  # noqa: E402
from tracker.cli_checks import check  # noqa: E402
from tracker.cli_demo import demo  # noqa: E402
from tracker.cli_export import export  # noqa: E402
from tracker.cli_extract import extract  # noqa: E402
from tracker.cli_users import user  # noqa: E402

main.add_command(backup)
main.add_command(chart)
main.add_command(check)
main.add_command(demo)
main.add_command(export)
main.add_command(extract)
main.add_command(restore)
main.add_command(user)

if __name__ == "__main__":
    main()
