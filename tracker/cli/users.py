"""`tracker user ...`: accounts for the app's curators, editors and admins.

A thin layer over `tracker.store.accounts`. The CLI acts as the admin shell user (who can read
the database anyway), so these commands are how the first admin account is made.
Passwords are asked twice without echo, or read as one line from stdin for scripts; they
are never options, because options end up in shell history and process lists.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from tracker.cli.common import actor, handle_errors, open_engine
from tracker.core.errors import TrackerError
from tracker.domain.vocab import Role

ROLES = [r.value for r in Role if r != Role.viewer]  # viewers need no account


def _password(password_stdin: bool, prompt: str = "Password") -> str:
    if password_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise TrackerError("no password on stdin (one line is read)")
        return password
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _write(fn: Callable[..., Any]) -> Any:
    from tracker.store.db import write_session

    with write_session(open_engine()) as session:
        return fn(session, actor())


@click.group("user")
def user() -> None:
    """Accounts: curators, editors and admins of the app (viewers need none).

    Example: tracker user add cora --role curator
    """


_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password as one line from stdin (for scripts) instead of asking.",
)


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@_stdin_option
@handle_errors
def add(name: str, role: str, password_stdin: bool) -> None:
    """Create an account; asks for its password twice, without echo.

    Curators add sources and claims and edit their own unreviewed claims; editors review
    (corroborate, dispute, retract) and edit any claim, and import files; admins also
    manage accounts.

    Example: tracker user add cora --role curator
    """
    from tracker.store.accounts import check_name, check_password, create_user

    check_name(name)  # before asking for a password that would be refused anyway
    password = _password(password_stdin)
    check_password(password, name)
    created = _write(lambda s, actor: create_user(s, actor, name, role, password))
    click.echo(f"added {created.role} {created.name!r}")


@user.command("passwd")
@click.argument("name")
@_stdin_option
@handle_errors
def passwd(name: str, password_stdin: bool) -> None:
    """Set an account's password (and clear its failed logins).

    Example: tracker user passwd cora
    """
    from tracker.store.accounts import set_password

    password = _password(password_stdin, "New password")
    changed = _write(lambda s, actor: set_password(s, actor, name, password))
    click.echo(f"password of {changed.name!r} changed")


@user.command("disable")
@click.argument("name")
@click.option("--reason", default="disabled", help="Why (kept in the revision log).")
@handle_errors
def disable(name: str, reason: str) -> None:
    """Disable an account: it can no longer log in or write. Nothing is deleted.

    Example: tracker user disable cora --reason "left the newsroom"
    """
    from tracker.store.accounts import disable_user

    disabled = _write(lambda s, actor: disable_user(s, actor, name, reason=reason))
    click.echo(f"account {disabled.name!r} disabled")


@user.command("enable")
@click.argument("name")
@click.option("--reason", required=True, help="Why (kept in the revision log).")
@handle_errors
def enable(name: str, reason: str) -> None:
    """Enable a disabled account again (and clear its failed logins).

    Example: tracker user enable cora --reason "back from leave"
    """
    from tracker.store.accounts import enable_user

    enabled = _write(lambda s, actor: enable_user(s, actor, name, reason=reason))
    click.echo(f"account {enabled.name!r} enabled")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--reason", required=True, help="Why (kept in the revision log).")
@handle_errors
def role(name: str, role: str, reason: str) -> None:
    """Change what an account may do.

    Example: tracker user role cora editor --reason "reviews the Kharkiv desk"
    """
    from tracker.store.accounts import set_role

    changed = _write(lambda s, actor: set_role(s, actor, name, role, reason=reason))
    click.echo(f"account {changed.name!r} is now {changed.role}")


@user.command("list")
@handle_errors
def list_() -> None:
    """List accounts: name, role, disabled, created (never passwords or hashes).

    Example: tracker user list
    """
    from tracker.store.accounts import list_users
    from tracker.store.db import read_session

    with read_session(open_engine()) as session:
        users = list_users(session, actor())
    if not users:
        click.echo("no accounts yet; add one with: tracker user add NAME --role admin")
        return
    rows = [("name", "role", "disabled", "created")] + [
        (u.name, u.role, "yes" if u.disabled else "no", f"{u.created_at:%Y-%m-%d %H:%M} UTC")
        for u in users
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
