"""The `tracker` command: a thin layer over the library.

Each command parses its options, calls one library function and prints the result. Errors
the user can fix (`TrackerError`) become one line on stderr and exit code 1, never a
traceback.
"""

from __future__ import annotations

import click

from tracker.cli.articles import feed, fetch, inbox
from tracker.cli.backup import backup, restore
from tracker.cli.chart import chart
from tracker.cli.checks import check
from tracker.cli.data import import_, init, stats, validate
from tracker.cli.demo import demo
from tracker.cli.export import export
from tracker.cli.extract import extract
from tracker.cli.users import user


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claims-tracker")
def main() -> None:
    """Claims tracker: war figures with their claimant, period, quote and source.

    The database is TRACKER_DATABASE_URL (default: tracker.db in the project folder).
    """


# Each command lives in a module of its own; adding one is an import and a line here.
for command in (
    init,
    import_,
    validate,
    stats,
    backup,
    restore,
    check,
    chart,
    demo,
    export,
    extract,
    fetch,
    feed,
    inbox,
    user,
):
    main.add_command(command)

if __name__ == "__main__":
    main()
