"""Accounts: curators, editors and admins, their passwords, and logging in.

Viewers need no account. Everything here is enforced in the library, not only by hiding
pages: only admins manage users (`tracker.store.write.require`), a disabled account cannot log
in (disabling it, or changing its password or role, ends its logins:
`tracker.store.sessions`), and `current_actor` re-reads the account before each write so that a user disabled
or demoted mid-session is refused at once.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile) and never
stored, logged or put in a message in clear. A stored hash made with older parameters is
re-hashed at the next successful login.

Guessing is slowed down without sleeping (the library never blocks a server thread): each
failed login is counted, per account and per name that does not exist, and after a few
failures further attempts are refused for a window that doubles with each failure. The
window is computed from timestamps, with an injectable clock for tests. Names that do
not exist get exactly the same treatment and message as real accounts (and the same
argon2 work), so that the login form does not reveal who has an account.
"""

from __future__ import annotations

import logging
import math
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, update
from sqlmodel import Session, select

from tracker.core.errors import NotFound, PermissionDenied, Problem, ValidationFailed
from tracker.domain.models import Revision, User, utcnow
from tracker.domain.vocab import Role
from tracker.store import sessions
from tracker.store.version import bump_data_version
from tracker.store.write import Actor, record_revision, require

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: argon2id with argon2-cffi's defaults (RFC 9106, low-memory profile). Changing these
#: parameters is safe: stored hashes keep verifying and are upgraded at the next login.
HASHER = PasswordHasher()

#: NIST SP 800-63B asks for length rather than composition rules; 12 characters is a
#: passphrase of three short words.
MIN_PASSWORD_LENGTH = 12
#: argon2 hashes any length, but an unbounded input is a cheap way to make the server work.
MAX_PASSWORD_LENGTH = 256

#: Failed logins allowed before the first wait; then 30 s, 1 min, 2 min, ... up to 15 min.
FREE_ATTEMPTS = 3
FIRST_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=15)
#: A quiet day forgives earlier failures, so that a typo last week costs nothing today.
FORGET_AFTER = timedelta(hours=24)

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
#: Names the store already uses for non-human actors ("system" writes the sample data).
RESERVED_NAMES = frozenset({"system", "admin", "anonymous", "viewer"})
ACCOUNT_ROLES = (Role.curator, Role.editor, Role.admin)


class LoginFailed(PermissionDenied):
    """Wrong name or password, or a disabled account. The message never says which of
    name or password was wrong."""


class TooManyAttempts(LoginFailed):
    """Too many failed logins for this name; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int, prefix: str = ""):
        self.retry_after = retry_after
        super().__init__(
            f"{prefix}too many failed attempts; try again in {_wait_words(retry_after)}"
        )


@dataclass(frozen=True)
class UserRecord:
    """An account as lists and pages show it: never the password hash."""

    id: int
    name: str
    role: str
    disabled: bool
    created_at: datetime
    failed_logins: int
    last_failed_at: datetime | None


# --- names, passwords, actors -----------------------------------------------------------


def normalise_name(name: str) -> str:
    """Account names are compared lower-case and without surrounding spaces, so that
    "Cora" at the login form is the account "cora"."""
    return str(name or "").strip().casefold()


def check_name(name: str) -> str:
    """A new account's name, or ValidationFailed saying what is wrong with it."""
    key = normalise_name(name)
    if not NAME_PATTERN.fullmatch(key):
        raise ValidationFailed(
            [
                Problem(
                    "must be 2 to 64 letters, digits, dots, dashes or underscores, "
                    "starting with a letter or digit",
                    field="name",
                )
            ]
        )
    if key in RESERVED_NAMES:
        raise ValidationFailed([Problem(f"{key!r} is reserved; choose another name", field="name")])
    return key


def check_password(password: str, name: str = "") -> None:
    """Length is what makes a password hard to guess (NIST SP 800-63B), so length is
    what is asked for; the message never repeats the password."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            [
                Problem(
                    f"must be at least {MIN_PASSWORD_LENGTH} characters long "
                    "(a phrase of three or four words is easy to remember)",
                    field="password",
                )
            ]
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            [Problem(f"must be at most {MAX_PASSWORD_LENGTH} characters long", field="password")]
        )
    if name and password.strip().casefold() == normalise_name(name):
        raise ValidationFailed([Problem("must not be the account name", field="password")])


def check_role(role: Role | str) -> Role:
    try:
        parsed = Role(str(role).strip().lower())
    except ValueError:
        parsed = None
    if parsed not in ACCOUNT_ROLES:
        words = ", ".join(r.value for r in ACCOUNT_ROLES)
        raise ValidationFailed(
            [
                Problem(
                    f"must be one of {words}, got {str(role)!r} (viewers need no account)",
                    field="role",
                )
            ]
        )
    return parsed


def actor_for(user: User) -> Actor:
    """The actor a user acts as; a disabled account carries `disabled`, which `require`
    refuses, so a stale actor for a disabled user cannot write."""
    return Actor(user.name, Role(user.role), disabled=bool(user.disabled))


def find_user(session: Session, name: str) -> User | None:
    key = normalise_name(name)
    if not key:
        return None
    return session.exec(select(User).where(User.name == key)).first()


def current_actor(session: Session, name: str) -> Actor:
    """The actor for a logged-in user, read fresh from the database.

    The app calls this before each write instead of trusting the actor it kept since
    login, so that an account disabled or demoted since then is refused at once."""
    user = find_user(session, name)
    if user is None:
        raise PermissionDenied(f"account {normalise_name(name)!r} does not exist; log in again")
    return actor_for(user)


def _collect(problems: list[Problem], check: Callable[..., Any], *args: Any) -> Any:
    try:
        return check(*args)
    except ValidationFailed as exc:
        problems += exc.problems
        return None


def _user_or_404(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise NotFound(f"no account named {normalise_name(name)!r}")
    return user


def _snapshot(user: User) -> dict[str, Any]:
    # What a revision of an account records: never the hash.
    return {"name": user.name, "role": user.role, "disabled": bool(user.disabled)}


def _record(session: Session, actor: Actor, user: User, action: str, reason: str, before) -> None:  # noqa: ANN001
    # Users have no version column; a revision's version counts the account's revisions.
    count = session.exec(
        select(func.count(Revision.id)).where(
            Revision.entity == "user", Revision.entity_id == user.id
        )
    ).one()
    record_revision(
        session,
        entity="user",
        entity_id=user.id,
        action=action,
        version=count + 1,
        actor=actor,
        reason=reason,
        before=before,
        after=_snapshot(user),
    )
    # The History page caches on the data version: an account's revision must show too.
    bump_data_version(session)


# --- managing accounts (admins) ---------------------------------------------------------


def create_user(session: Session, actor: Actor, name: str, role: Role | str, password: str) -> User:
    """Create an account. Only admins do this; the password is stored as an argon2 hash."""
    require(actor, Role.admin, "manage user accounts")
    # Every problem at once, so that a form can mark each field.
    problems: list[Problem] = []
    key = _collect(problems, check_name, name)
    role_ = _collect(problems, check_role, role)
    _collect(problems, check_password, password, name)
    if problems:
        raise ValidationFailed(problems)
    if find_user(session, key) is not None:
        raise ValidationFailed([Problem(f"an account named {key!r} already exists", field="name")])
    user = User(
        name=key, role=role_.value, password_hash=HASHER.hash(password), created_at=utcnow()
    )
    session.add(user)
    session.flush()
    _record(session, actor, user, "create", f"account created as {role_.value}", None)
    log.info("account %r created as %s by %r", key, role_.value, actor.name)
    return user


def set_password(
    session: Session,
    actor: Actor,
    name: str,
    password: str,
    *,
    current_password: str | None = None,
) -> User:
    """Set a new password. Admins set anyone's; a user may change their own by giving the
    current one. Failed-login counters are reset, so this also unlocks an account."""
    own = (
        actor is not None
        and bool(actor.name)
        and actor.name == normalise_name(name)
        and actor.role != Role.admin
    )
    if own:
        require(actor, Role.curator, "change your password")
        user = _user_or_404(session, name)
        if current_password is None or not _verify(user.password_hash, current_password):
            raise ValidationFailed(
                [Problem("is not your current password", field="current_password")]
            )
    else:
        require(actor, Role.admin, "set other users' passwords")
        user = _user_or_404(session, name)
    check_password(password, user.name)
    user.password_hash = HASHER.hash(password)
    user.failed_logins = 0
    user.last_failed_at = None
    session.add(user)
    session.flush()
    _record(session, actor, user, "password", "password changed", _snapshot(user))
    sessions.revoke_all(session, user.id, sessions.PASSWORD_CHANGED)
    log.info("password of %r changed by %r", user.name, actor.name)
    return user


def disable_user(session: Session, actor: Actor, name: str, *, reason: str = "disabled") -> User:
    """Disable an account: it can no longer log in or write. Accounts are never deleted,
    because their names stay in the revisions of everything they wrote."""
    require(actor, Role.admin, "manage user accounts")
    user = _user_or_404(session, name)
    if user.name == actor.name:
        raise PermissionDenied("you cannot disable your own account; ask another admin")
    if user.disabled:
        return user
    before = _snapshot(user)
    user.disabled = True
    session.add(user)
    session.flush()
    _record(session, actor, user, "disable", reason, before)
    sessions.revoke_all(session, user.id, sessions.DISABLED)
    log.info("account %r disabled by %r", user.name, actor.name)
    return user


def enable_user(session: Session, actor: Actor, name: str, *, reason: str) -> User:
    """Enable a disabled account again. A reason is required because the revision log is
    where a newsroom later reads why someone regained write access."""
    require(actor, Role.admin, "manage user accounts")
    user = _user_or_404(session, name)
    if not user.disabled:
        return user
    before = _snapshot(user)
    user.disabled = False
    user.failed_logins = 0
    user.last_failed_at = None
    session.add(user)
    session.flush()
    _record(session, actor, user, "enable", _reason(reason), before)
    log.info("account %r enabled by %r", user.name, actor.name)
    return user


def set_role(session: Session, actor: Actor, name: str, role: Role | str, *, reason: str) -> User:
    """Change what an account may do. An admin cannot change their own role, so that the
    last admin cannot lock everybody out of account management by mistake."""
    require(actor, Role.admin, "manage user accounts")
    user = _user_or_404(session, name)
    new_role = check_role(role)
    if user.name == actor.name:
        raise PermissionDenied("you cannot change your own role; ask another admin")
    if user.role == new_role.value:
        return user
    before = _snapshot(user)
    user.role = new_role.value
    session.add(user)
    session.flush()
    _record(session, actor, user, "role", _reason(reason), before)
    sessions.revoke_all(session, user.id, sessions.ROLE_CHANGED)
    log.info("account %r is now %s (by %r)", user.name, new_role.value, actor.name)
    return user


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(
            [Problem("say why (it is kept in the revision log)", field="reason")]
        )
    return text


def list_users(session: Session, actor: Actor) -> list[UserRecord]:
    """Every account, disabled ones included, by name. Hashes never leave this module."""
    require(actor, Role.admin, "list user accounts")
    rows = session.exec(select(User).order_by(User.name)).all()
    return [
        UserRecord(
            id=u.id,
            name=u.name,
            role=u.role,
            disabled=bool(u.disabled),
            created_at=_aware(u.created_at),
            failed_logins=u.failed_logins,
            last_failed_at=_aware(u.last_failed_at) if u.last_failed_at else None,
        )
        for u in rows
    ]


# --- logging in -------------------------------------------------------------------------


class _FailureMemory:
    """Failed logins for names that have no account, kept in memory (bounded), so that
    they are throttled like real accounts without writing every guessed name to the
    database. Real accounts keep their counters in the `user` table."""

    def __init__(self, max_names: int = 10_000):
        self.max_names = max_names
        self._entries: OrderedDict[str, tuple[int, datetime]] = OrderedDict()

    def get(self, key: str) -> tuple[int, datetime | None]:
        return self._entries.get(key, (0, None))

    def record(self, key: str, failures: int, when: datetime) -> None:
        self._entries[key] = (failures, when)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_names:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


UNKNOWN_NAMES = _FailureMemory()


def lockout_remaining(failures: int, last_failed_at: datetime | None, now: datetime) -> int:
    """Whole seconds until another attempt is allowed (0: allowed now)."""
    if last_failed_at is None or failures < FREE_ATTEMPTS:
        return 0
    wait = min(FIRST_WAIT * 2 ** (failures - FREE_ATTEMPTS), MAX_WAIT)
    remaining = (_aware(last_failed_at) + wait - now).total_seconds()
    return max(0, math.ceil(remaining))


def _effective_failures(failures: int, last_failed_at: datetime | None, now: datetime) -> int:
    if last_failed_at is None or now - _aware(last_failed_at) >= FORGET_AFTER:
        return 0
    return failures


def authenticate(session: Session, name: str, password: str, *, clock: Clock = utcnow) -> Actor:
    """Check a name and password; return the actor to act as, or raise `LoginFailed`.

    Commits its own bookkeeping (failure counters, a re-hash), so that a refused login is
    counted even though the caller's transaction is then rolled back; call it in a session
    of its own. Raises `TooManyAttempts` (a `LoginFailed`) inside a back-off window, without
    looking at the password.
    """
    key = normalise_name(name)[:100]
    now = _aware(clock())
    # FOR UPDATE (PostgreSQL; SQLite's writers are serial anyway): concurrent guesses at
    # one account queue up behind each other instead of all slipping in before the count.
    user = (
        session.exec(select(User).where(User.name == key).with_for_update()).first()
        if key
        else None
    )
    if user is not None:
        failures = _effective_failures(user.failed_logins, user.last_failed_at, now)
        last = user.last_failed_at
    else:
        failures, last = UNKNOWN_NAMES.get(key)
        failures = _effective_failures(failures, last, now)
    wait = lockout_remaining(failures, last, now)
    if wait:
        log.warning(
            "login refused for name %r at %s: %d failed attempts, locked for %d s",
            key,
            now.isoformat(timespec="seconds"),
            failures,
            wait,
        )
        raise TooManyAttempts(wait)
    # An unknown name costs the same argon2 work as a real one: timing does not tell.
    ok = _verify(user.password_hash if user else _dummy_hash(), password)
    if not ok or user is None:
        forgotten = failures == 0
        failures += 1
        if user is not None:
            session.execute(
                update(User)
                .where(User.id == user.id)
                .values(
                    failed_logins=1 if forgotten else User.failed_logins + 1, last_failed_at=now
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
        else:
            UNKNOWN_NAMES.record(key, failures, now)
        log.warning(
            "failed login for name %r at %s (failed attempts: %d)",
            key,
            now.isoformat(timespec="seconds"),
            failures,
        )
        wait = lockout_remaining(failures, now, now)
        if wait:
            raise TooManyAttempts(wait, prefix="wrong name or password; ")
        raise LoginFailed("wrong name or password")
    if user.disabled:
        log.warning(
            "login refused for disabled account %r at %s", key, now.isoformat(timespec="seconds")
        )
        raise LoginFailed(f"account {key!r} is disabled; ask an admin")
    changed = False
    if user.failed_logins or user.last_failed_at is not None:
        user.failed_logins, user.last_failed_at = 0, None
        changed = True
    if HASHER.check_needs_rehash(user.password_hash):
        # The hashing parameters changed since this password was set: upgrade it now,
        # the only moment the clear password is at hand.
        user.password_hash = HASHER.hash(password)
        changed = True
    if changed:
        session.add(user)
        session.commit()
    return actor_for(user)


def _verify(stored_hash: str, password: str) -> bool:
    if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except VerificationError:
        return False
    except InvalidHashError:
        log.error("a stored password hash is not a valid argon2 hash; reset that password")
        return False


_DUMMY: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """A hash with the current parameters, verified against when the name has no account."""
    params = (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism)
    if params not in _DUMMY:
        _DUMMY[params] = HASHER.hash("not a password: no account has this name")
    return _DUMMY[params]


def _aware(value: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _wait_words(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"
