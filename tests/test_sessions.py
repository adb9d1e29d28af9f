"""Lasting logins (`tracker.store.sessions`): a random token for the cookie, only its hash
stored with an expiry, and every way a login ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.curation_support import CHEAP_HASHER
from tracker import curation
from tracker.core.config import DEFAULT_SESSION_HOURS, session_hours
from tracker.domain.models import LoginSession, utcnow
from tracker.domain.vocab import Role
from tracker.store import accounts, sessions
from tracker.store.db import read_session, write_session
from tracker.store.write import SYSTEM, Actor

PASSWORD = "correct horse battery"


@pytest.fixture
def cora(engine, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(accounts, "HASHER", CHEAP_HASHER)
    with write_session(engine) as session:
        accounts.create_user(session, SYSTEM, "cora", Role.curator, PASSWORD)
    return curation.log_in(engine, "cora", PASSWORD)


def test_a_login_gives_a_random_token_and_stores_only_its_hash(engine, cora):
    first = curation.start_login(engine, cora)
    second = curation.start_login(engine, cora)
    assert first.token != second.token and len(first.token) >= 40
    with read_session(engine) as session:
        rows = session.exec(select(LoginSession)).all()
    stored = {r.token_hash for r in rows}
    assert stored == {sessions.token_hash(first.token), sessions.token_hash(second.token)}
    assert first.token not in stored
    assert curation.resume_login(engine, first.token) == Actor("cora", Role.curator)


def test_a_login_lasts_twelve_hours_unless_configured(engine, cora, monkeypatch):
    monkeypatch.delenv("TRACKER_SESSION_HOURS", raising=False)
    assert session_hours() == DEFAULT_SESSION_HOURS == 12
    started = curation.start_login(engine, cora)
    lifetime = started.expires_at - utcnow()
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)
    monkeypatch.setenv("TRACKER_SESSION_HOURS", "2")
    assert curation.start_login(engine, cora).expires_at - utcnow() <= timedelta(hours=2)
    monkeypatch.setenv("TRACKER_SESSION_HOURS", "forever")
    assert session_hours() == 12


def test_an_expired_login_is_refused(engine, cora):
    started = curation.start_login(engine, cora)
    with read_session(engine) as session:
        assert sessions.resume(session, started.token, now=started.expires_at) is None
        just_before = started.expires_at - timedelta(seconds=1)
        assert sessions.resume(session, started.token, now=just_before) is not None


def test_logging_out_revokes_that_login_only(engine, cora):
    kept, ended = curation.start_login(engine, cora), curation.start_login(engine, cora)
    curation.end_login(engine, ended.token)
    assert curation.resume_login(engine, ended.token) is None
    assert curation.resume_login(engine, kept.token) is not None


@pytest.mark.parametrize(
    ("change", "because"),
    [
        (lambda s: accounts.disable_user(s, SYSTEM, "cora", reason="left"), "account disabled"),
        (
            lambda s: accounts.set_password(s, SYSTEM, "cora", "another long passphrase"),
            "password changed",
        ),
        (
            lambda s: accounts.set_role(s, SYSTEM, "cora", Role.editor, reason="promoted"),
            "role changed",
        ),
    ],
    ids=["disabled", "password", "role"],
)
def test_changing_the_account_revokes_all_its_logins(engine, cora, change, because):
    tokens = [curation.start_login(engine, cora).token for _ in range(2)]
    with write_session(engine) as session:
        change(session)
    assert [curation.resume_login(engine, t) for t in tokens] == [None, None]
    with read_session(engine) as session:
        reasons = {r.revoked_because for r in session.exec(select(LoginSession)).all()}
    assert reasons == {because}


def test_an_unknown_or_malformed_token_logs_nobody_in(engine, cora):
    curation.start_login(engine, cora)
    for token in (None, "", "x", "y" * 10_000, 42):
        assert curation.resume_login(engine, token) is None
