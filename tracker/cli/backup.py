"""`tracker backup` and `tracker restore`: thin commands over `tracker.files.backup`."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.common import actor, handle_errors, open_engine


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
    from tracker.files.backup import backup as take_backup

    summary = take_backup(open_engine(), path, kind=kind)
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
    from tracker.files.backup import restore as do_restore

    summary = do_restore(open_engine(must_exist=False), path, actor())
    click.echo(f"restored {summary.sources} sources and {summary.claims} claims from {path}")
