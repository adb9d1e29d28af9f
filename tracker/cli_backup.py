"""`tracker backup` and `tracker restore`: thin commands over `tracker.backup`.

`tracker.cli` registers these commands at its end, so this module reaches back into it only
when a command runs (a module-level import would be circular under `python -m tracker.cli`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`tracker.cli.handle_errors`, looked up when the command runs."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from tracker.cli import handle_errors as cli_handle_errors

        return cli_handle_errors(fn)(*args, **kwargs)

    return wrapper


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "kind",
    type=click.Choice(["sqlite", "yaml"]),
    default=None,
    help="sqlite: a copy of the database file, history included (SQLite only); "
    "yaml: the import format, a folder (any database). "
    "Default: sqlite on SQLite, yaml on PostgreSQL.",
)
@handle_errors
def backup(path: Path, kind: str | None) -> None:
    """Write a consistent backup while others keep working; never overwrites one.

    Example: tracker backup backups/tracker-2024-05-01.db
    """
    from tracker.backup import backup as take_backup
    from tracker.cli import _engine

    summary = take_backup(_engine(), path, kind=kind)
    click.echo(
        f"backed up {summary.sources} sources and {summary.claims} claims to {path} "
        f"({summary.described})"
    )


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@handle_errors
def restore(path: Path) -> None:
    """Restore a backup (snapshot file or YAML folder) into an empty database.

    The database (TRACKER_DATABASE_URL) must hold no sources or claims: a new file, or a
    new PostgreSQL database. Restoring a YAML backup is the same as
    `tracker init && tracker import PATH`, with a check of the backup's counts.

    Example: tracker restore backups/tracker-2024-05-01.db
    """
    from tracker.backup import restore as do_restore
    from tracker.cli import _actor, _engine

    summary = do_restore(_engine(must_exist=False), path, _actor())
    click.echo(f"restored {summary.sources} sources and {summary.claims} claims from {path}")
