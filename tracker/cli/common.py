"""What every `tracker` command shares: errors as one line, the engine, the acting user.

The command modules import this and nothing else of the CLI, so they never import each
other (a contract in pyproject.toml).
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from tracker.core.errors import TrackerError, ValidationFailed


def actor():  # noqa: ANN202
    """The CLI acts with full rights as the shell user (who can already read the database)."""
    from tracker.domain.vocab import Role
    from tracker.store.write import Actor

    name = os.environ.get("TRACKER_ACTOR") or f"cli:{login()}"
    return Actor(name, Role.admin)


def login() -> str:
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


def open_engine(must_exist: bool = True):  # noqa: ANN202
    from tracker.store.db import make_engine, schema_is_current

    engine = make_engine(must_exist=must_exist)
    if must_exist and not schema_is_current(engine):
        raise TrackerError("the database has no tracker tables yet; run `tracker init` first")
    return engine


def check_stored(engine: Any) -> None:
    """Bring the findings the Checks page shows up to date (only what changed is checked
    again) and say what they are; `tracker check` lists them."""
    from tracker.checks.finding_store import has_stored_findings, refresh_findings, summary

    if not has_stored_findings(engine):
        return
    refresh_findings(engine)
    click.echo(f"checked: {summary(engine)} (`tracker check` lists them)")


def format_option(json_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format text|json`, the choice of every command that prints findings or drafts."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=json_help,
    )


def echo_json(doc: Any) -> None:
    """Write what a `--format json` option promises: records (with `as_dict`), or a list of
    them, as indented UTF-8 JSON."""
    if isinstance(doc, list | tuple):
        doc = [item.as_dict() for item in doc]
    elif hasattr(doc, "as_dict"):
        doc = doc.as_dict()
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def json_or_nothing(items: list[Any], fmt: str, nothing: str) -> bool:
    """What a listing command does first: write the items as JSON when asked, or say
    `nothing` when there are none. True when that was all there was to print."""
    if fmt == "json":
        echo_json(items)
        return True
    if not items:
        click.echo(nothing)
        return True
    return False


def vocabulary():  # noqa: ANN202
    """The database's vocabulary (it may hold curators' new aliases) when there is a
    database, else the data files': extraction works on a laptop with nothing set up."""
    from tracker.domain.lookup import Vocabulary
    from tracker.files.reading import load_vocabulary
    from tracker.store.db import read_session

    engine = optional_engine()
    if engine is not None:
        try:
            with read_session(engine) as session:
                vocab = Vocabulary.load(session)
            if vocab.claimants and vocab.places:
                return vocab
        except TrackerError:
            pass
    return load_vocabulary()


def optional_engine():  # noqa: ANN202
    """The database when there is one with the tracker's tables, else None."""
    from tracker.store.db import make_engine, schema_is_current

    try:
        engine = make_engine(must_exist=True)
        return engine if schema_is_current(engine) else None
    except TrackerError:
        return None
