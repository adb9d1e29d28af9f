"""The curation forms' actions: each one transaction, acting as the account read afresh.

The dashboard opens no sessions (it calls `tracker` functions), and it must not trust the
role it remembered at login: an account disabled or demoted since then is refused at once.
So every action here takes the engine and the logged-in user's *name*, reads the account
with `accounts.current_actor` inside the transaction that writes, and goes through the one
write path (`tracker.store.write`, `tracker.files.importer`), where roles, revisions, optimistic locking
and the data version are handled. A name of None (a viewer) is refused before anything is
read.

The readers here (`claim_for_editing`, `check_upload`, ...) answer what a form needs before
a write: the record and the version it was read at, whether this user may edit it, what an
upload would change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.core.errors import EditConflict, PermissionDenied, Problem, ValidationFailed
from tracker.core.records import record_of
from tracker.core.urls import BadURL, normalise_url
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Claim, Source, utcnow
from tracker.domain.schemas import ClaimantIn, ClaimIn, PlaceIn, SourceIn, reason_problems
from tracker.domain.vocab import Role, Status
from tracker.files.datafiles import SourceFile, VocabFile
from tracker.files.importer import ImportPlan, apply_import, plan_import
from tracker.files.importer import row_as_snapshot as store_snapshot_of
from tracker.files.reading import read_texts
from tracker.store import accounts, sessions
from tracker.store import write as store
from tracker.store.db import read_session, write_session
from tracker.store.write import Actor

if TYPE_CHECKING:
    from tracker.articles.feeds import PollReport
    from tracker.articles.intake import FetchedArticle

# --- who is acting ------------------------------------------------------------------------


def log_in(engine: Engine, name: str, password: str, *, clock: accounts.Clock = utcnow) -> Actor:
    """Check a name and password (`accounts.authenticate`, in a session of its own so that
    a failure is counted even though it raises). Raises `accounts.LoginFailed`, whose
    message never says which of the two was wrong and never repeats the password."""
    with write_session(engine) as session:
        return accounts.authenticate(session, name, password, clock=clock)


def start_login(engine: Engine, actor: Actor) -> sessions.Started:
    """A lasting login for an account that has just logged in: the token for its cookie."""
    with write_session(engine) as session:
        return sessions.start(session, actor)


def resume_login(engine: Engine, token: str | None) -> Actor | None:
    """The account a login cookie's token stands for, or None (unknown, expired, revoked,
    or the account disabled since)."""
    if not token:
        return None
    with read_session(engine) as session:
        return sessions.resume(session, token)


def end_login(engine: Engine, token: str | None) -> None:
    """Log out everywhere this login's token is kept (its cookie, other tabs)."""
    with write_session(engine) as session:
        sessions.end(session, token)


def _actor(session: Session, user: str | None) -> Actor:
    if not user:
        raise PermissionDenied("log in to make changes")
    return accounts.current_actor(session, user)


def actor_of(engine: Engine, user: str | None) -> Actor:
    """The account as it is now (role, disabled): the app refreshes its menu from this."""
    if not user:
        return Actor("", Role.viewer)
    with read_session(engine) as session:
        return _actor(session, user)


@contextmanager
def acting(engine: Engine, user: str | None) -> Iterator[tuple[Session, Actor]]:
    """One write transaction and the actor read inside it."""
    with write_session(engine) as session:
        yield session, _actor(session, user)


# --- vocabulary and sources for the forms ---------------------------------------------------


def vocabulary(engine: Engine) -> Vocabulary:
    """Every metric, claimant and place with the names they answer to (the select boxes'
    options and the preview sentence's words)."""
    with read_session(engine) as session:
        return Vocabulary.load(session)


@dataclass(frozen=True)
class StoredSource:
    """A stored source as the forms show it (the duplicate-URL warning, the chosen source)."""

    id: int
    url: str
    title: str
    publisher: str
    published: date
    text: str | None
    version: int
    created_by: str


def _stored(source: Source) -> StoredSource:
    return record_of(StoredSource, source)


def source_with_url(engine: Engine, url: str) -> StoredSource | None:
    """The stored source with this URL once normalised (tracking parameters, case and a
    trailing slash do not make a new article); None for a new or unusable URL."""
    try:
        wanted = normalise_url(url)
    except BadURL:
        return None
    with read_session(engine) as session:
        found = store.find_source_by_url(session, wanted)
        return _stored(found) if found else None


# --- adding -------------------------------------------------------------------------------


def add_source(engine: Engine, user: str | None, source_in: SourceIn) -> int:
    with acting(engine, user) as (session, actor):
        return store.add_source(session, actor, source_in).id


def add_claim(engine: Engine, user: str | None, source_id: int, claim_in: ClaimIn) -> int:
    with acting(engine, user) as (session, actor):
        return store.add_claim(session, actor, source_id, claim_in).id


def add_claims(
    engine: Engine, user: str | None, source_id: int, rows: list[tuple[int, ClaimIn]]
) -> list[int]:
    """Several claims from one source in one transaction (the extraction assistant's table):
    all are stored or none. A refused claim's problems carry its row number in `line`."""
    ids: list[int] = []
    with acting(engine, user) as (session, actor):
        vocab = Vocabulary.load(session)
        source = session.get(Source, source_id)
        if source is not None:
            # Every row is checked before any is written, so that each refused row is
            # named (five duplicates: five rows), not only the first.
            problems: list[Problem] = []
            taken: set[str] = set()
            for row, claim_in in rows:
                try:
                    taken.add(
                        store.check_new_claim(session, source, claim_in, vocab, taken=taken)[1]
                    )
                except ValidationFailed as exc:
                    problems += [Problem(p.message, line=row, field=p.field) for p in exc.problems]
            if problems:
                raise ValidationFailed(problems)
        for row, claim_in in rows:
            try:
                ids.append(store.add_claim(session, actor, source_id, claim_in, vocab=vocab).id)
            except ValidationFailed as exc:
                raise type(exc)(
                    [Problem(p.message, line=row, field=p.field) for p in exc.problems]
                ) from None
    return ids


def add_claimant(engine: Engine, user: str | None, claimant_in: ClaimantIn) -> str:
    with acting(engine, user) as (session, actor):
        return store.add_claimant(session, actor, claimant_in).key


def add_place(engine: Engine, user: str | None, place_in: PlaceIn) -> str:
    with acting(engine, user) as (session, actor):
        return store.add_place(session, actor, place_in).key


def free_key(engine: Engine, name: str, kind: str) -> str:
    """A vocabulary key not yet taken, made from a new claimant's or place's name."""
    vocab = vocabulary(engine)
    taken = vocab.claimants if kind == "claimant" else vocab.places
    return store.suggest_key(name, taken)


# --- corrections and review ---------------------------------------------------------------


@dataclass(frozen=True)
class EditableClaim:
    """A claim as its correction form opens it: the fields (vocabulary by key, dates as ISO
    text, as revisions record them) and the version they were read at, which the save
    sends back so that a change made meanwhile is refused rather than overwritten."""

    id: int
    source_id: int
    version: int
    fields: dict[str, Any]
    created_by: str
    updated_by: str
    reviewed_by: str | None
    can_edit: bool
    can_review: bool


def claim_for_editing(engine: Engine, claim_id: int, user: str | None) -> EditableClaim | None:
    with read_session(engine) as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            return None
        fields = store.claim_snapshot(claim, Vocabulary.load(session))
        try:
            actor = _actor(session, user)
        except PermissionDenied:
            actor = None
        return record_of(
            EditableClaim,
            claim,
            fields=fields,
            can_edit=store.can_edit_claim(actor, claim),
            can_review=actor is not None
            and not actor.disabled
            and store.ROLE_RANK[Role(actor.role)] >= store.ROLE_RANK[Role.editor],
        )


def edit_claim(
    engine: Engine,
    user: str | None,
    claim_id: int,
    changes: dict[str, Any],
    *,
    expected_version: int,
    reason: str,
) -> int:
    """Correct a claim; returns its new version. Raises `EditConflict` (with the claim as
    it is now in `current`) when someone saved it since `expected_version` was read."""
    with acting(engine, user) as (session, actor):
        return store.update_claim(
            session, actor, claim_id, changes, expected_version=expected_version, reason=reason
        ).version


def review_claim(
    engine: Engine,
    user: str | None,
    claim_id: int,
    status: Status | str,
    *,
    reason: str,
    expected_version: int,
) -> int:
    """Move a claim between unverified, corroborated, disputed and retracted, with a reason."""
    with acting(engine, user) as (session, actor):
        return store.set_claim_status(
            session, actor, claim_id, status, reason=reason, expected_version=expected_version
        ).version


def review_claims(
    engine: Engine,
    user: str | None,
    claims: list[tuple[int, int]],
    status: Status | str,
    *,
    reason: str,
    reasons: dict[int, str] | None = None,
) -> list[int]:
    """Review several claims at once (the review inbox): each (claim id, version it was
    read at) gets `status` with its own revision and reason (`reasons` per claim, else the
    common `reason`). One transaction: if one is refused (someone changed it since, or an
    editor would corroborate their own claim), none is changed, and the refusal names it."""
    if not claims:
        raise ValidationFailed([Problem("choose at least one claim", field="claims")])
    reasons = reasons or {}
    versions = []
    with acting(engine, user) as (session, actor):
        for claim_id, version in claims:
            why = (reasons.get(claim_id) or "").strip() or reason
            try:
                claim = store.set_claim_status(
                    session, actor, claim_id, status, reason=why, expected_version=version
                )
            except ValidationFailed as exc:
                raise ValidationFailed(
                    [
                        Problem(f"claim #{claim_id}: {p.message}", field=p.field)
                        for p in exc.problems
                    ]
                ) from None
            except (PermissionDenied, EditConflict) as exc:
                raise type(exc)(f"claim #{claim_id}: {exc}") from None
            versions.append(claim.version)
    return versions


@dataclass(frozen=True)
class EditableSource:
    id: int
    version: int
    fields: dict[str, Any]
    updated_by: str
    can_edit: bool


def revert(
    engine: Engine,
    user: str | None,
    entity: str,
    entity_id: int,
    revision_id: int,
    *,
    expected_version: int,
    reason: str,
) -> int:
    """Put a claim or source back as it was after a revision (the History page's "revert
    to this version"): a new revision with the reason; returns the new version."""
    revert_record = {"claim": store.revert_claim, "source": store.revert_source}.get(entity)
    with acting(engine, user) as (session, actor):
        if revert_record is None:
            raise ValidationFailed([Problem(f"a {entity} cannot be reverted from its history")])
        record = revert_record(
            session, actor, entity_id, revision_id, expected_version=expected_version, reason=reason
        )
        return record.version


@dataclass(frozen=True)
class StoredStatement:
    """A stored claim making the same statement as a draft (a duplicate warning)."""

    claim_id: int
    source_id: int
    publisher: str
    title: str
    published: date


def same_statement(engine: Engine, claim_in: ClaimIn, *, limit: int = 5) -> list[StoredStatement]:
    """Stored claims with the draft's statement (claimant, metric, place, period, figure):
    warned about while entering, before a curator stores it a second time."""
    with read_session(engine) as session:
        vocab = Vocabulary.load(session)
        resolved, _ = store.resolve_claim(claim_in, vocab, allow_new_claimant=False)
        if resolved is None:
            return []
        key = store.statement_key(
            resolved.claimant,
            resolved.metric,
            resolved.place,
            claim_in.period_start,
            claim_in.period_end,
            claim_in.value,
            claim_in.low,
            claim_in.high,
        )
        rows = session.exec(
            select(Claim.id, Source.id, Source.publisher, Source.title, Source.published)
            .join(Source, Source.id == Claim.source_id)
            .where(Claim.statement_key == key)
            .order_by(Claim.id)
            .limit(limit)
        ).all()
    return [StoredStatement(*row) for row in rows]


# --- accounts (admins): the same rules as `tracker user` -----------------------------------


def list_accounts(engine: Engine, user: str | None) -> list[accounts.UserRecord]:
    with acting(engine, user) as (session, actor):
        return accounts.list_users(session, actor)


def add_account(engine: Engine, user: str | None, name: str, role: str, password: str) -> str:
    """A new account; returns its name as stored (lower case)."""
    with acting(engine, user) as (session, actor):
        return accounts.create_user(session, actor, name, role, password).name


def change_account(
    engine: Engine,
    user: str | None,
    name: str,
    action: str,
    *,
    reason: str,
    role: str | None = None,
) -> None:
    """Disable, enable or change the role of an account (each recorded with the reason;
    disabling or a new role ends the account's logins)."""
    with acting(engine, user) as (session, actor):
        if action == "disable":
            if problems := reason_problems(reason):
                raise ValidationFailed(problems)
            accounts.disable_user(session, actor, name, reason=reason.strip())
        elif action == "enable":
            accounts.enable_user(session, actor, name, reason=reason)
        elif action == "role":
            accounts.set_role(session, actor, name, role or "", reason=reason)
        else:
            raise ValidationFailed([Problem(f"unknown action {action!r}")])


def may_edit_claim(engine: Engine, user: str | None, claim_id: int) -> bool:
    """Whether to offer this user the claim's correction form (a claim card's link)."""
    return _may(engine, user, Claim, claim_id, store.can_edit_claim)


def why_not_edit_claim(engine: Engine, user: str | None, claim_id: int) -> str | None:
    """Why this user may not correct this claim, in words (None when they may): shown when
    a curator picks a claim whose correction form they would be refused."""
    if not user:
        return "log in as a curator to correct claims"
    with read_session(engine) as session:
        claim = session.get(Claim, claim_id)
        try:
            actor = _actor(session, user)
        except PermissionDenied as exc:
            return str(exc)
        if claim is None:
            return f"there is no claim #{claim_id}"
        if store.can_edit_claim(actor, claim):
            return None
        if actor.disabled:
            return "your account is disabled"
        if Role(actor.role) != Role.curator:
            return "only curators and editors correct claims"
        if claim.created_by != actor.name:
            return (
                f"claim #{claim_id} was entered by {claim.created_by}: a curator corrects only "
                "the claims they entered; ask an editor"
            )
        who = f" by {claim.reviewed_by}" if claim.reviewed_by else ""
        return (
            f"claim #{claim_id} has been reviewed ({claim.status}{who}): once reviewed, only an "
            "editor corrects it; ask an editor"
        )


def may_edit_source(engine: Engine, user: str | None, source_id: int) -> bool:
    return _may(engine, user, Source, source_id, store.can_edit_source)


def _may(
    engine: Engine, user: str | None, model: type, row_id: int, rule: Callable[..., bool]
) -> bool:
    if not user:
        return False
    with read_session(engine) as session:
        row = session.get(model, row_id)
        try:
            actor = _actor(session, user)
        except PermissionDenied:
            return False
        return row is not None and rule(actor, row)


def source_for_editing(engine: Engine, source_id: int, user: str | None) -> EditableSource | None:
    """A source as its correction form opens it. Its author (a curator) or an editor may
    correct it, as `store.update_source` decides."""
    with read_session(engine) as session:
        source = session.get(Source, source_id)
        if source is None:
            return None
        try:
            actor = _actor(session, user)
        except PermissionDenied:
            actor = None
        return EditableSource(
            id=source.id,
            version=source.version,
            fields=store.source_snapshot(source),
            updated_by=source.updated_by,
            can_edit=store.can_edit_source(actor, source),
        )


def edit_source(
    engine: Engine,
    user: str | None,
    source_id: int,
    changes: dict[str, Any],
    *,
    expected_version: int,
    reason: str,
) -> int:
    with acting(engine, user) as (session, actor):
        return store.update_source(
            session, actor, source_id, changes, expected_version=expected_version, reason=reason
        ).version


# --- bulk import --------------------------------------------------------------------------


@dataclass
class FileReport:
    """What an uploaded file would do: per source, the claims added, changed and left
    unchanged (with their lines), or the problems that refuse it."""

    name: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    vocabulary: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.problems)


@dataclass
class UploadReport:
    files: list[FileReport]
    new_claimants: dict[str, str] = field(default_factory=dict)
    #: Metrics and places the files' vocabulary lists add to the store (key -> name).
    new_metrics: dict[str, str] = field(default_factory=dict)
    new_places: dict[str, str] = field(default_factory=dict)

    @property
    def adds_vocabulary(self) -> bool:
        """Whether the import creates claimants, metrics or places: the page asks the editor
        to confirm them before anything is written."""
        return bool(self.new_claimants or self.new_metrics or self.new_places)

    @property
    def ok(self) -> bool:
        return not any(f.refused for f in self.files)

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    def totals(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "refused": sum(f.refused for f in self.files),
            "added": sum(len(f.added) for f in self.files),
            "changed": sum(len(f.changed) for f in self.files),
            "unchanged": sum(f.unchanged for f in self.files),
        }


Upload = tuple[str, str | bytes]


def check_upload(engine: Engine, uploads: list[Upload]) -> UploadReport:
    """Validate and plan uploaded files without writing: the report the import page shows
    before anything is stored. Each file is read on its own, so that every file gets its
    own verdict; then the readable ones are planned together (a URL in two files is a
    problem of the second), and, when some are refused, the others are planned again
    without them to say what they alone would do."""
    reports = {name: FileReport(name) for name, _ in uploads}
    parsed: dict[str, tuple[list[VocabFile], list[SourceFile]]] = {}
    seen: set[str] = set()
    for name, content in uploads:
        if name in seen:
            # Problems are reported by file name: two files of one name could not be told apart.
            reports[name].problems.append(
                Problem("two uploaded files have this name; rename one", file=name)
            )
            parsed.pop(name, None)
            continue
        seen.add(name)
        try:
            parsed[name] = read_texts([(name, content)], lenient=True)
        except ValidationFailed as exc:
            reports[name].problems += exc.problems
    good = list(parsed)
    plan: ImportPlan | None = None
    with read_session(engine) as session:
        while good:
            vocab_files = [v for n in good for v in parsed[n][0]]
            source_files = [s for n in good for s in parsed[n][1]]
            try:
                plan = plan_import(session, vocab_files, source_files)
                break
            except ValidationFailed as exc:
                for problem in exc.problems:
                    reports.get(problem.file or "", reports[good[0]]).problems.append(problem)
                still = [n for n in good if not reports[n].problems]
                if still == good:  # nothing attributable: stop rather than loop
                    break
                good = still
    new_vocab: dict[str, dict[str, str]] = {"metrics": {}, "places": {}}
    if plan is not None:
        with read_session(engine) as session:
            stored = Vocabulary.load(session)
        for vf in plan.vocab:
            reports[vf.path].vocabulary.append(f"{len(vf.entries)} {vf.kind}")
            known = {"metrics": stored.metrics, "places": stored.places}.get(vf.kind)
            if known is None:
                continue
            for entry in vf.entries:
                if entry.key not in known:
                    new_vocab[vf.kind][entry.key] = getattr(entry, "label", None) or entry.name
        for fp in plan.files:
            report = reports[fp.path]
            report.sources.append({"url": fp.url, "action": fp.source_action, "kept": fp.kept})
            for cp in fp.claims:
                # What the editor checks before importing: the claim in its own fields (as
                # the revision will record it), and for a change each field before and after.
                after = store_snapshot_of(cp.row)
                entry = {"line": cp.line, "claim": cp.key, "values": after}
                if cp.action == "add":
                    report.added.append(entry)
                elif cp.action == "change":
                    before = cp.before or {}
                    report.changed.append(
                        entry
                        | {
                            "fields": cp.changed_fields,
                            "changes": [
                                (f, before.get(f), after.get(f)) for f in cp.changed_fields
                            ],
                        }
                    )
                else:
                    report.unchanged += 1
    return UploadReport(
        files=list(reports.values()),
        new_claimants=dict(plan.new_claimants) if plan else {},
        new_metrics=new_vocab["metrics"],
        new_places=new_vocab["places"],
    )


def import_upload(
    engine: Engine,
    user: str | None,
    uploads: list[Upload],
    *,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    confirmed_new: set[str] | None = None,
) -> dict[str, int]:
    """Import uploaded files in one transaction: every file lands or none does. The files
    are planned again here, against the store as it is now, so that a change saved since
    the report was shown cannot be overwritten by a stale plan. New claimants must be among
    `confirmed_new` (their keys, as the report listed them): a claimant nobody confirmed is
    not created behind the editor's back."""
    names = [name for name, _ in uploads]
    if len(set(names)) != len(names):
        raise ValidationFailed([Problem("two uploaded files have the same name; rename one")])
    with acting(engine, user) as (session, actor):
        store.require(actor, Role.editor, "import data files")
        vocab_files, source_files = read_texts(list(uploads), lenient=True)
        plan = plan_import(session, vocab_files, source_files)
        unconfirmed = [
            f"{name} ({key})"
            for key, name in plan.new_claimants.items()
            if key not in (confirmed_new or set())
        ]
        if unconfirmed:
            raise ValidationFailed(
                [
                    Problem(
                        "new claimant(s) not confirmed: " + ", ".join(unconfirmed),
                        field="claimant",
                    )
                ]
            )
        return apply_import(session, actor, plan, reason=reason, progress=progress)


# --- articles in (tracker.articles) ---------------------------------------------------------


def save_fetched_source(
    engine: Engine,
    user: str | None,
    source_in: SourceIn,
    fetched: FetchedArticle | None,
    *,
    inbox_item: int | None = None,
) -> int:
    """Add source from a fetched page or an inbox item: the source, the page archived and
    the item marked taken, in one transaction."""
    # The article stack (fetching, feeds, extraction) is imported by the curators' pages
    # only: every dashboard run imports this module for logins.
    from tracker.articles.intake import store_fetched_source

    with acting(engine, user) as (session, actor):
        return store_fetched_source(session, actor, source_in, fetched, inbox_item=inbox_item)


def poll_feeds_now(engine: Engine, user: str | None, vocab: Vocabulary) -> PollReport:
    """The Inbox page's "Poll the feeds now": what `tracker feed poll` does, as this
    account (read afresh: a disabled or demoted account is refused)."""
    from tracker.articles.feeds import poll_feeds

    return poll_feeds(engine, actor_of(engine, user), vocab)


def dismiss_inbox_item(engine: Engine, user: str | None, item_id: int, reason: str) -> None:
    """The Inbox page's Dismiss: the item stays, with the reason, who and when."""
    from tracker.articles.feeds import dismiss

    with acting(engine, user) as (session, actor):
        dismiss(session, actor, item_id, reason)
