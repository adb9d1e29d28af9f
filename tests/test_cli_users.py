"""`tracker user ...`: accounts from the command line, acting as the admin shell user."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlmodel import select

from tracker.cli import main
from tracker.domain.models import User
from tracker.store import accounts
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.history import RevisionFilter, revisions

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(
        accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def cli_db(cli_env, monkeypatch):
    monkeypatch.setenv("TRACKER_ACTOR", "cli:tester")
    assert run("init").exit_code == 0
    engine = make_engine(cli_env)
    yield engine
    engine.dispose()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def users(engine) -> dict[str, User]:
    with read_session(engine) as s:
        return {u.name: u for u in s.exec(select(User))}


def login(engine, name: str, password: str):
    with write_session(engine) as s:
        return accounts.authenticate(s, name, password)


def test_user_add_asks_twice_without_echo_and_stores_an_argon2_hash(cli_db):
    result = run("user", "add", "cora", "--role", "curator", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "added curator 'cora'" in result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    user = users(cli_db)["cora"]
    assert user.role == "curator" and user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert login(cli_db, "cora", PASSWORD).name == "cora"


def test_user_add_with_a_mismatched_confirmation_creates_nothing(cli_db):
    result = run(
        "user", "add", "cora", "--role", "curator", input=f"{PASSWORD}\nsomething else 1\n"
    )
    assert result.exit_code == 1
    assert "The two entered values do not match." in result.output
    assert PASSWORD not in result.output
    assert users(cli_db) == {}


def test_user_add_reads_one_line_from_stdin_for_scripts(cli_db):
    result = run(
        "user",
        "add",
        "eddie",
        "--role",
        "editor",
        "--password-stdin",
        input=f"{PASSWORD}\nnot read\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output == "added editor 'eddie'\n"
    assert login(cli_db, "eddie", PASSWORD).role == "editor"


def test_user_add_refuses_a_short_password_in_one_line(cli_db):
    result = run("user", "add", "cora", "--role", "curator", "--password-stdin", input="short\n")
    assert result.exit_code == 1
    assert result.output == (
        "Error: password: must be at least 12 characters long "
        "(a phrase of three or four words is easy to remember)\n"
    )
    assert users(cli_db) == {}


def test_user_add_refuses_an_empty_stdin(cli_db):
    result = run("user", "add", "cora", "--role", "curator", "--password-stdin", input="")
    assert (result.exit_code, result.output) == (
        1,
        "Error: no password on stdin (one line is read)\n",
    )


def test_user_add_refuses_a_bad_name_before_asking_for_a_password(cli_db):
    result = run("user", "add", "no spaces", "--role", "curator")
    assert result.exit_code == 1
    assert result.output.startswith("Error: name: must be 2 to 64 letters")
    assert "Password" not in result.output


def test_user_passwd_sets_a_new_password(cli_db):
    run("user", "add", "cora", "--role", "curator", "--password-stdin", input=f"{PASSWORD}\n")
    result = run("user", "passwd", "cora", input="a brand new passphrase\na brand new passphrase\n")
    assert result.exit_code == 0, result.output
    assert "password of 'cora' changed" in result.output
    assert login(cli_db, "cora", "a brand new passphrase").name == "cora"
    with pytest.raises(accounts.LoginFailed):
        login(cli_db, "cora", PASSWORD)


def test_user_disable_keeps_the_account_and_refuses_its_login(cli_db):
    run("user", "add", "cora", "--role", "curator", "--password-stdin", input=f"{PASSWORD}\n")
    result = run("user", "disable", "cora", "--reason", "left the newsroom")
    assert (result.exit_code, result.output) == (0, "account 'cora' disabled\n")
    assert users(cli_db)["cora"].disabled
    with pytest.raises(accounts.LoginFailed, match="is disabled"):
        login(cli_db, "cora", PASSWORD)
    [latest, *_] = revisions(cli_db, RevisionFilter("user"))
    assert (latest.action, latest.changed_by, latest.reason) == (
        "disable",
        "cli:tester",
        "left the newsroom",
    )


def test_user_enable_and_role_change_are_logged_with_their_reason(cli_db):
    run("user", "add", "cora", "--role", "curator", "--password-stdin", input=f"{PASSWORD}\n")
    run("user", "disable", "cora", "--reason", "on leave")
    result = run("user", "enable", "cora", "--reason", "back from leave")
    assert (result.exit_code, result.output) == (0, "account 'cora' enabled\n")
    assert login(cli_db, "cora", PASSWORD).name == "cora"
    result = run("user", "role", "cora", "editor", "--reason", "reviews the Kharkiv desk")
    assert (result.exit_code, result.output) == (0, "account 'cora' is now editor\n")
    log = revisions(cli_db, RevisionFilter("user"))
    assert [(r.action, r.reason) for r in log][:2] == [
        ("role", "reviews the Kharkiv desk"),
        ("enable", "back from leave"),
    ]


def test_user_role_refuses_viewer_and_a_missing_reason(cli_db):
    run("user", "add", "cora", "--role", "curator", "--password-stdin", input=f"{PASSWORD}\n")
    assert run("user", "role", "cora", "viewer", "--reason", "x").exit_code == 2
    assert run("user", "role", "cora", "editor").exit_code == 2
    assert users(cli_db)["cora"].role == "curator"


def test_user_list_shows_name_role_disabled_created_and_never_a_hash(cli_db):
    assert "no accounts yet" in run("user", "list").output
    for name, role in (("eddie", "editor"), ("cora", "curator")):
        run("user", "add", name, "--role", role, "--password-stdin", input=f"{PASSWORD}\n")
    run("user", "disable", "eddie")
    result = run("user", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "role", "disabled", "created"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["cora", "curator", "no"],
        ["eddie", "editor", "yes"],
    ]
    assert "argon2" not in result.output and PASSWORD not in result.output


def test_user_commands_on_unknown_accounts_fail_in_one_line(cli_db):
    result = run("user", "disable", "ghost")
    assert (result.exit_code, result.output) == (1, "Error: no account named 'ghost'\n")


def test_every_user_command_has_help_with_an_example():
    for command in ((), ("add",), ("passwd",), ("disable",), ("enable",), ("role",), ("list",)):
        result = CliRunner().invoke(main, ["user", *command, "--help"])
        assert result.exit_code == 0 and "Example: tracker user" in result.output
