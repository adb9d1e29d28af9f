"""Accounts: argon2 hashes, admin-only management, disabled users, slowed-down guessing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from tests.helpers import BASE_SOURCE
from tracker.core.errors import NotFound, PermissionDenied, ValidationFailed
from tracker.domain.models import User
from tracker.domain.schemas import SourceIn
from tracker.domain.vocab import Role
from tracker.store import accounts
from tracker.store.accounts import (
    LoginFailed,
    TooManyAttempts,
    actor_for,
    authenticate,
    create_user,
    current_actor,
    disable_user,
    enable_user,
    list_users,
    set_password,
    set_role,
)
from tracker.store.db import read_session, write_session
from tracker.store.history import RevisionFilter, revisions
from tracker.store.write import Actor, add_source

ADMIN = Actor("ada", Role.admin)
PASSWORD = "correct horse battery"
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand: the back-off is computed from timestamps."""

    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """argon2 with the smallest parameters: the tests are about the rules, not the cost
    (the default parameters have their own test below)."""
    monkeypatch.setattr(
        accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    accounts.UNKNOWN_NAMES.clear()
    yield
    accounts.UNKNOWN_NAMES.clear()


def add(engine, name="cora", role="curator", password=PASSWORD):
    with write_session(engine) as s:
        return create_user(s, ADMIN, name, role, password)


def login(engine, name, password, clock=None):
    with write_session(engine) as s:
        return authenticate(s, name, password, clock=clock or Clock())


def stored(engine, name) -> User:
    with read_session(engine) as s:
        return s.exec(select(User).where(User.name == name)).one()


def test_a_password_is_stored_as_an_argon2id_hash_never_in_clear(engine):
    add(engine)
    user = stored(engine, "cora")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert accounts.HASHER.verify(user.password_hash, PASSWORD)


def test_the_default_hasher_is_argon2id_and_old_hashes_are_upgraded_at_login(engine, monkeypatch):
    add(engine)  # made with the cheap parameters of the fixture
    assert "m=8,t=1,p=1" in stored(engine, "cora").password_hash
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher())  # argon2-cffi's defaults
    assert login(engine, "cora", PASSWORD) == Actor("cora", Role.curator)
    upgraded = stored(engine, "cora").password_hash
    assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert login(engine, "cora", PASSWORD).name == "cora"


def test_login_returns_the_account_as_actor_whatever_the_case_of_the_name(engine):
    add(engine, "Eddie", "editor")
    assert login(engine, " EDDIE ", PASSWORD) == Actor("eddie", Role.editor)


@pytest.mark.parametrize(
    "actor",
    [Actor("cora", Role.curator), Actor("eddie", Role.editor), Actor("", Role.viewer)],
)
def test_only_admins_manage_accounts(engine, actor):
    add(engine, "other", "curator")
    for attempt in (
        lambda s: create_user(s, actor, "newbie", "curator", PASSWORD),
        lambda s: disable_user(s, actor, "other"),
        lambda s: set_password(s, actor, "other", "a brand new passphrase"),
        lambda s: enable_user(s, actor, "other", reason="back"),
        lambda s: set_role(s, actor, "other", "admin", reason="promotion"),
        lambda s: list_users(s, actor),
    ):
        with pytest.raises(PermissionDenied), write_session(engine) as s:
            attempt(s)
    with read_session(engine) as s:
        assert [u.name for u in list_users(s, ADMIN)] == ["other"]


def test_a_short_password_is_refused_with_a_clear_message_that_does_not_repeat_it(engine):
    with pytest.raises(ValidationFailed) as exc, write_session(engine) as s:
        create_user(s, ADMIN, "cora", "curator", "hunter2")
    assert str(exc.value) == (
        "password: must be at least 12 characters long "
        "(a phrase of three or four words is easy to remember)"
    )
    assert "hunter2" not in str(exc.value)


def test_every_problem_of_a_new_account_is_reported_at_once(engine):
    with pytest.raises(ValidationFailed) as exc, write_session(engine) as s:
        create_user(s, ADMIN, "no spaces allowed", "viewer", "short")
    assert [p.field for p in exc.value.problems] == ["name", "role", "password"]
    assert "viewers need no account" in str(exc.value)


def test_account_names_are_unique_ignoring_case_and_reserved_names_are_refused(engine):
    add(engine, "cora")
    with pytest.raises(ValidationFailed, match="an account named 'cora' already exists"):
        add(engine, "CORA")
    with pytest.raises(ValidationFailed, match="'system' is reserved"):
        add(engine, "system")


def test_wrong_password_and_unknown_name_get_the_same_answer(engine):
    add(engine)
    messages = []
    for name, password in (("cora", "not the password"), ("nobody", PASSWORD)):
        with pytest.raises(LoginFailed) as exc:
            login(engine, name, password)
        messages.append(str(exc.value))
    assert messages == ["wrong name or password", "wrong name or password"]


def test_a_disabled_user_cannot_log_in(engine):
    add(engine)
    with write_session(engine) as s:
        disable_user(s, ADMIN, "cora", reason="left the newsroom")
    with pytest.raises(LoginFailed, match="account 'cora' is disabled; ask an admin"):
        login(engine, "cora", PASSWORD)
    with pytest.raises(LoginFailed, match="wrong name or password"):
        login(engine, "cora", "a wrong guess here")  # no hint for whoever lacks the password


def test_a_user_disabled_mid_session_is_refused_at_the_next_write(engine):
    add(engine)
    session_actor = login(engine, "cora", PASSWORD)  # what the app keeps after login
    with write_session(engine) as s:
        add_source(s, current_actor(s, session_actor.name), SourceIn.model_validate(BASE_SOURCE))
    with write_session(engine) as s:
        disable_user(s, ADMIN, "cora")
    with pytest.raises(PermissionDenied, match="'cora' is disabled"), write_session(engine) as s:
        add_source(
            s,
            current_actor(s, session_actor.name),
            SourceIn.model_validate(BASE_SOURCE | {"url": "https://example.org/b"}),
        )
    with read_session(engine) as s:
        assert actor_for(s.exec(select(User)).one()).disabled


def test_an_actor_for_an_account_that_does_not_exist_is_refused(engine):
    with (
        pytest.raises(PermissionDenied, match="does not exist; log in again"),
        read_session(engine) as s,
    ):
        current_actor(s, "ghost")


def test_disabling_keeps_the_account_and_its_history(engine):
    add(engine)
    with write_session(engine) as s:
        disable_user(s, ADMIN, "cora", reason="left the newsroom")
        disable_user(s, ADMIN, "cora")  # already disabled: nothing more happens
    with read_session(engine) as s:
        [record] = list_users(s, ADMIN)
    assert (record.name, record.role, record.disabled) == ("cora", "curator", True)
    log = revisions(engine, RevisionFilter(entity="user"))
    assert [(r.action, r.reason, r.changed_by) for r in log] == [
        ("disable", "left the newsroom", "ada"),
        ("create", "account created as curator", "ada"),
    ]
    assert log[0].changes == [("disabled", False, True)]
    assert all("hash" not in str(r.after) for r in log)


def test_an_admin_cannot_disable_their_own_account(engine):
    add(engine, "ada", "admin")
    with pytest.raises(PermissionDenied, match="your own account"), write_session(engine) as s:
        disable_user(s, ADMIN, "ada")


def test_a_disabled_account_is_enabled_again_with_a_reason_and_can_log_in(engine):
    add(engine)
    with write_session(engine) as s:
        disable_user(s, ADMIN, "cora", reason="on leave")
    with pytest.raises(ValidationFailed, match="say why"), write_session(engine) as s:
        enable_user(s, ADMIN, "cora", reason="  ")
    assert stored(engine, "cora").disabled
    with write_session(engine) as s:
        enable_user(s, ADMIN, "cora", reason="back from leave")
        enable_user(s, ADMIN, "cora", reason="again")  # already enabled: nothing more happens
    assert login(engine, "cora", PASSWORD).name == "cora"
    log = revisions(engine, RevisionFilter(entity="user"))
    assert [(r.action, r.reason) for r in log][:2] == [
        ("enable", "back from leave"),
        ("disable", "on leave"),
    ]
    assert log[0].changes == [("disabled", True, False)]


def test_an_admin_changes_a_role_with_a_reason_and_the_log_shows_before_and_after(engine):
    add(engine)
    with write_session(engine) as s:
        set_role(s, ADMIN, "cora", "editor", reason="reviews the Kharkiv desk")
    with read_session(engine) as s:
        assert current_actor(s, "cora").role == Role.editor
    [latest, *_] = revisions(engine, RevisionFilter(entity="user"))
    assert (latest.action, latest.reason, latest.changed_by) == (
        "role",
        "reviews the Kharkiv desk",
        "ada",
    )
    assert latest.changes == [("role", "curator", "editor")]


def test_a_role_change_is_refused_for_oneself_viewers_and_unknown_roles(engine):
    add(engine, "ada", "admin")
    add(engine)
    with pytest.raises(PermissionDenied, match="your own role"), write_session(engine) as s:
        set_role(s, ADMIN, "ada", "curator", reason="stepping back")
    for role in ("viewer", "superuser"):
        with pytest.raises(ValidationFailed, match="must be one of"), write_session(engine) as s:
            set_role(s, ADMIN, "cora", role, reason="try")
    assert stored(engine, "cora").role == "curator"


def test_managing_an_account_that_does_not_exist_says_so(engine):
    with pytest.raises(NotFound, match="no account named 'ghost'"), write_session(engine) as s:
        disable_user(s, ADMIN, "ghost")


def test_failed_logins_back_off_exponentially(engine):
    add(engine)
    clock = Clock()
    for _ in range(2):
        with pytest.raises(LoginFailed, match="^wrong name or password$"):
            login(engine, "cora", "a wrong guess here", clock)
    with pytest.raises(TooManyAttempts) as exc:
        login(engine, "cora", "a wrong guess here", clock)
    assert str(exc.value) == (
        "wrong name or password; too many failed attempts; try again in 30 seconds"
    )
    clock.advance(10)
    with pytest.raises(TooManyAttempts) as exc:
        login(engine, "cora", PASSWORD, clock)  # even the right password waits
    assert (str(exc.value), exc.value.retry_after) == (
        "too many failed attempts; try again in 20 seconds",
        20,
    )
    clock.advance(20)
    with pytest.raises(TooManyAttempts, match="try again in 60 seconds"):
        login(engine, "cora", "a wrong guess here", clock)  # the window doubles
    clock.advance(60)
    with pytest.raises(TooManyAttempts, match="try again in 2 minutes"):
        login(engine, "cora", "a wrong guess here", clock)
    assert stored(engine, "cora").failed_logins == 5
    clock.advance(120)
    assert login(engine, "cora", PASSWORD, clock).name == "cora"
    user = stored(engine, "cora")
    assert (user.failed_logins, user.last_failed_at) == (0, None)


def test_the_wait_is_capped_and_a_quiet_day_forgives_old_failures(engine):
    add(engine)
    clock = Clock()
    for _ in range(12):
        with pytest.raises(LoginFailed):
            login(engine, "cora", "a wrong guess here", clock)
        clock.advance(accounts.MAX_WAIT.total_seconds())
    with pytest.raises(TooManyAttempts, match="try again in 15 minutes"):
        login(engine, "cora", "a wrong guess here", clock)
    clock.advance(timedelta(days=1).total_seconds())
    with pytest.raises(LoginFailed, match="^wrong name or password$"):
        login(engine, "cora", "a wrong guess here", clock)
    assert stored(engine, "cora").failed_logins == 1


def test_unknown_names_are_slowed_down_exactly_like_accounts(engine):
    add(engine)
    answers = {}
    for name in ("cora", "nobody"):
        clock = Clock()
        seen = []
        for step in (0, 0, 0, 10, 15):
            clock.advance(step)
            with pytest.raises(LoginFailed) as exc:
                login(engine, name, "a wrong guess here", clock)
            seen.append(str(exc.value))
        answers[name] = seen
    assert answers["cora"] == answers["nobody"]
    assert answers["cora"][-1] == "too many failed attempts; try again in 5 seconds"


def test_a_refused_login_is_counted_although_the_callers_transaction_rolls_back(engine):
    add(engine)
    with pytest.raises(LoginFailed), write_session(engine) as s:
        authenticate(s, "cora", "a wrong guess here", clock=Clock())
    assert stored(engine, "cora").failed_logins == 1


def test_failed_logins_are_logged_with_name_and_time_never_the_password(engine, caplog):
    add(engine)
    caplog.set_level(logging.INFO, logger="tracker.store.accounts")
    for name in ("cora", "nobody"):
        with pytest.raises(LoginFailed):
            login(engine, name, "my secret guess 123", Clock())
    failed = [r.getMessage() for r in caplog.records if "failed login" in r.getMessage()]
    assert failed == [
        "failed login for name 'cora' at 2024-03-01T09:00:00+00:00 (failed attempts: 1)",
        "failed login for name 'nobody' at 2024-03-01T09:00:00+00:00 (failed attempts: 1)",
    ]
    everything = " ".join(r.getMessage() for r in caplog.records)
    assert "my secret guess" not in everything and PASSWORD not in everything


def test_a_new_password_works_and_unlocks_the_account(engine):
    add(engine)
    clock = Clock()
    for _ in range(3):
        with pytest.raises(LoginFailed):
            login(engine, "cora", "a wrong guess here", clock)
    with write_session(engine) as s:
        set_password(s, ADMIN, "cora", "a brand new passphrase")
    assert login(engine, "cora", "a brand new passphrase", clock).name == "cora"
    with pytest.raises(LoginFailed, match="^wrong name or password$"):
        login(engine, "cora", PASSWORD, clock)


def test_users_change_their_own_password_only_with_the_current_one(engine):
    add(engine)
    cora = Actor("cora", Role.curator)
    with (
        pytest.raises(ValidationFailed, match="current_password: is not your current password"),
        write_session(engine) as s,
    ):
        set_password(s, cora, "cora", "a brand new passphrase", current_password="wrong")
    with write_session(engine) as s:
        set_password(s, cora, "cora", "a brand new passphrase", current_password=PASSWORD)
    assert login(engine, "cora", "a brand new passphrase").name == "cora"
