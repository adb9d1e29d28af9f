"""Logins that last through reloads, new tabs and shared links.

A login hands the browser a random token (`secrets.token_urlsafe`, 256 bits) to keep in a
cookie; the store keeps only its SHA-256 hash, with the account and an expiry
(`TRACKER_SESSION_HOURS`, 12 hours by default). A fast hash is enough here: the token is
random, not a password, so there is nothing to guess from the hash. Each page run looks
the token up again (`resume`), so that a login ends at once when it is revoked:

- logging out revokes that login;
- disabling an account, changing its password or its role revokes all its logins
  (`tracker.store.accounts` calls `revoke_all`);
- an expired login is refused like a revoked one.

Rows are revoked, never deleted: who was logged in when stays answerable.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from tracker.core.config import session_hours
from tracker.domain.models import LoginSession, User, utcnow
from tracker.domain.vocab import Role
from tracker.store.write import Actor

#: Why a login ended, as recorded in `revoked_because`.
LOGGED_OUT = "logged out"
DISABLED = "account disabled"
PASSWORD_CHANGED = "password changed"
ROLE_CHANGED = "role changed"


@dataclass(frozen=True)
class Started:
    """A new login: the token for the cookie (shown once, never stored) and its expiry."""

    token: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, actor: Actor, *, now: datetime | None = None) -> Started:
    """A new login for an account that has just given its password."""
    user = session.exec(select(User).where(User.name == actor.name)).one()
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=session_hours())
    session.add(
        LoginSession(
            token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=expires_at
        )
    )
    session.flush()
    return Started(token, expires_at)


def resume(session: Session, token: str | None, *, now: datetime | None = None) -> Actor | None:
    """The account a cookie's token logs in, or None: an unknown, expired or revoked token,
    or an account disabled since."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    now = now or utcnow()
    row = session.exec(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    login, user = row
    if login.revoked_at is not None or _aware(login.expires_at) <= now or user.disabled:
        return None
    return Actor(user.name, Role(user.role))


def end(session: Session, token: str | None, *, now: datetime | None = None) -> None:
    """Log out: the token logs nobody in any more, in any tab."""
    if not token:
        return
    session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == token_hash(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow(), revoked_because=LOGGED_OUT)
    )


def revoke_all(session: Session, user_id: int, because: str) -> int:
    """End every login of an account (disabled, new password, new role); how many."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_because=because)
    )
    return result.rowcount or 0


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
