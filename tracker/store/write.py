"""The one write path: every change to the store (CLI, forms, importer) goes through here.

What it guarantees, so that callers cannot forget it:
- the acting user is allowed to do this (roles are checked here, not only in the UI);
- input was validated (`tracker.domain.schemas`) before a row is touched;
- every change to a claim or source writes a `Revision` (who, when, why, before, after);
- concurrent edits are refused, not merged: updates carry the version they were read at;
- nothing is deleted: a retraction is a status with a reason;
- the data version is bumped so that cached pages show the change at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from tracker.core.errors import EditConflict, NotFound, PermissionDenied, Problem, ValidationFailed
from tracker.domain import fields
from tracker.domain.lookup import Vocabulary, slugify
from tracker.domain.models import Claim, Claimant, Place, Revision, Source, utcnow
from tracker.domain.schemas import (
    ClaimantIn,
    ClaimIn,
    PlaceIn,
    SourceIn,
    date_problems,
    reason_problems,
)
from tracker.domain.vocab import ROLE_RANK, STATUSES_NEEDING_REASON, ClaimantKind, Role, Status
from tracker.extraction.quotes import require_quote_checks
from tracker.store.version import bump_data_version


@dataclass(frozen=True)
class Actor:
    """Who is acting. The CLI acts as an admin named after the shell user."""

    name: str
    role: Role = Role.viewer
    disabled: bool = False

    @property
    def anonymous(self) -> bool:
        return not self.name or self.role == Role.viewer


SYSTEM = Actor("system", Role.admin)


def require(actor: Actor | None, role: Role, doing: str) -> Actor:
    """Refuse unless `actor` holds at least `role`; the message says what was refused."""
    if actor is None or actor.anonymous:
        raise PermissionDenied(f"log in to {doing}")
    if actor.disabled:
        raise PermissionDenied(f"account {actor.name!r} is disabled and cannot {doing}")
    if ROLE_RANK[Role(actor.role)] < ROLE_RANK[role]:
        raise PermissionDenied(
            f"{actor.name!r} is {_a(Role(actor.role).value)}; "
            f"only {_a(role.value)} or above can {doing}"
        )
    return actor


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


# --- snapshots: what a revision records -------------------------------------------------

SOURCE_FIELDS = fields.names(fields.SOURCE_FIELDS, snapshot=True)
CLAIM_FIELDS = fields.names(fields.CLAIM_FIELDS, snapshot=True)
_REFERENCES = fields.names(fields.CLAIM_FIELDS, reference=True)
# claim_row: fields stored as given, and those stored as their enumeration's value.
_ENUMERATED = tuple(f.name for f in fields.CLAIM_FIELDS if f.enum)
_AS_GIVEN = tuple(
    f.name
    for f in fields.CLAIM_FIELDS
    if not f.reference and not f.enum and f.name not in ("key", "cumulative")
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def source_snapshot(source: Source) -> dict[str, Any]:
    return {f: _jsonable(getattr(source, f)) for f in SOURCE_FIELDS}


def source_values_snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """`source_snapshot` of a source about to be inserted in bulk (its column values)."""
    return {f: _jsonable(values.get(f)) for f in SOURCE_FIELDS}


def claim_snapshot(claim: Claim, vocab: Vocabulary) -> dict[str, Any]:
    """A claim as a reader sees it: vocabulary by key, dates as ISO text."""
    ids = _id_maps(vocab)
    row = {f: _jsonable(getattr(claim, f)) for f in CLAIM_FIELDS if f not in _REFERENCES}
    row["metric"] = ids["metric"].get(claim.metric_id)
    row["claimant"] = ids["claimant"].get(claim.claimant_id)
    row["place"] = ids["place"].get(claim.place_id)
    return {f: row[f] for f in CLAIM_FIELDS}


def _id_maps(vocab: Vocabulary) -> dict[str, dict[int, str]]:
    return {
        "metric": {m.id: k for k, m in vocab.metrics.items()},
        "claimant": {c.id: k for k, c in vocab.claimants.items()},
        "place": {p.id: k for k, p in vocab.places.items()},
    }


def statement_key(
    claimant: str,
    metric: str,
    place: str,
    period_start: date | str | None,
    period_end: date | str,
    value: int | None,
    low: int | None,
    high: int | None,
) -> str:
    """Same claimant, metric, place, period and figure: one statement, however many outlets
    relayed it (DOMAIN.md). The qualifier is left out on purpose: an outlet that drops
    "at least" is still relaying the same statement. A date may come as its ISO text (what
    is hashed): the bulk loader formats each distinct date once."""
    # One f-string: the same text as "|".join(str(x) ...), at a third of the cost, which
    # counts at a million claims (tracker.store.bulk).
    raw = f"{claimant}|{metric}|{place}|{period_start}|{period_end}|{value}|{low}|{high}"
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def claim_key(source_url: str, claim: ClaimIn, claimant: str, place: str) -> str:
    """A stable key for a claim written without `id`: its source and natural identity."""
    if claim.id:
        return claim.id
    return natural_claim_key(
        source_url, claim.metric, claimant, place, claim.period_start, claim.period_end
    )


def natural_claim_key(
    source_url: str,
    metric: str,
    claimant: str,
    place: str,
    period_start: date | str | None,
    period_end: date | str,
) -> str:
    """The key of a claim written without `id` (its source and natural identity), shared
    with the bulk loader so that both paths key the same claim alike (dates as in
    `statement_key`)."""
    raw = f"{source_url}|{metric}|{claimant}|{place}|{period_start}|{period_end}"
    return "c-" + hashlib.sha1(raw.encode()).hexdigest()[:16]


def revision_values(
    *,
    entity: str,
    entity_id: int,
    action: str,
    version: int,
    actor: Actor,
    reason: str,
    before: dict | None,
    after: dict | None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The one shape of a revision row, for the ORM path and the importer's bulk inserts."""
    if problems := reason_problems(reason, required=False):
        raise ValidationFailed(problems)
    return {
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "version": version,
        "changed_at": at or utcnow(),
        "changed_by": actor.name,
        "reason": reason,
        "before": before,
        "after": after,
    }


def revision_of(
    row: Any, entity: str, action: str, *, actor: Actor, **values: Any
) -> dict[str, Any]:
    """The revision of a versioned row (claim or source) at the version it has now;
    `values` are the rest of `revision_values` (reason, before, after, at)."""
    return revision_values(
        entity=entity, entity_id=row.id, action=action, version=row.version, actor=actor, **values
    )


def record_revision(session: Session, **values: Any) -> None:
    """Add a revision to the session (`revision_values` names its fields)."""
    session.add(Revision(**revision_values(**values)))


# --- resolving vocabulary ---------------------------------------------------------------


@dataclass
class Resolved:
    metric: str
    claimant: str
    place: str
    new_claimant: str | None = None  # the name, when the claimant is new to the store
    # Places from the world gazetteer the store lacks (the claim's and its parents').
    new_places: list[dict] = field(default_factory=list)


def resolve_claim(
    claim: ClaimIn, vocab: Vocabulary, *, allow_new_claimant: bool = True, where: dict | None = None
) -> tuple[Resolved | None, list[Problem]]:
    """Map a claim's words to vocabulary keys; unknown words become field problems."""
    where = where or {}
    problems: list[Problem] = []

    def problem(fieldname: str, message: str) -> None:
        problems.append(
            Problem(
                message,
                file=where.get("file"),
                line=(where.get("lines") or {}).get(fieldname, where.get("line")),
                field=f"{where.get('prefix', '')}{fieldname}",
            )
        )

    def unknown(fieldname: str, word: str, hint: str | None, otherwise: str) -> None:
        """A word the vocabulary lacks: the closest entry, else `otherwise` (where to add it)."""
        problem(
            fieldname,
            f"unknown {fieldname} {word!r}" + (f"; did you mean {hint}?" if hint else otherwise),
        )

    metric = vocab.metric(claim.metric)
    if metric is None:
        unknown(
            "metric", claim.metric, vocab.suggest_metric(claim.metric), "; see data/metrics.yaml"
        )
    place = vocab.place(claim.place)
    new_places: list[dict] = []
    if place is None:
        from tracker.gazetteer.link import describe, world_place

        match = world_place(claim.place, vocab)
        if match.key is not None:
            place, new_places = vocab.places[match.key], match.new
        elif match.choices:
            problem(
                "place",
                f"place {claim.place!r} may be "
                + "; or ".join(describe(p) for p in match.choices[:5])
                + ": write the key or ISO code of the one meant",
            )
        else:
            unknown(
                "place",
                claim.place,
                vocab.suggest_place(claim.place),
                "; add it to data/places.yaml",
            )
    claimant = vocab.claimant(claim.claimant)
    new_claimant = None
    if claimant is None:
        if allow_new_claimant:
            new_claimant = claim.claimant.strip()
        else:
            unknown("claimant", claim.claimant, vocab.suggest_claimant(claim.claimant), "")
    if problems or metric is None or place is None:
        return None, problems
    claimant_key = claimant.key if claimant else vocab.new_claimant_key(new_claimant or "")
    return Resolved(metric.key, claimant_key, place.key, new_claimant, new_places), []


def ensure_claimant(session: Session, vocab: Vocabulary, key: str, name: str) -> Claimant:
    """A claimant named in a claim but not yet known: created with kind "other" so that a
    curator can classify it later (its name is kept exactly as written)."""
    existing = vocab.claimants.get(key)
    if existing:
        return existing
    claimant = Claimant(key=key, name=name, kind=ClaimantKind.other.value, aliases=[name])
    session.add(claimant)
    session.flush()
    vocab.add_claimant(claimant)
    return claimant


def ensure_claimants(session: Session, vocab: Vocabulary, names: dict[str, str]) -> None:
    """`ensure_claimant` for many (key -> name as written), in one flush: an import that
    names fifty new claimants spent more on fifty flushes than on its claims."""
    new = [
        Claimant(key=key, name=name, kind=ClaimantKind.other.value, aliases=[name])
        for key, name in names.items()
        if key not in vocab.claimants
    ]
    if not new:
        return
    session.add_all(new)
    session.flush()
    for claimant in new:
        vocab.add_claimant(claimant)


def claim_row(
    claim: ClaimIn, resolved: Resolved, vocab: Vocabulary, *, key: str, source_id: int | None
) -> dict[str, Any]:
    """The column values of a claim (without id, timestamps and authorship)."""
    metric = vocab.metrics[resolved.metric]
    values = claim.__dict__  # pydantic keeps field values here; cheaper than getattr
    cumulative = metric.cumulative if claim.cumulative is None else claim.cumulative
    row = {
        "key": key,
        "source_id": source_id,
        "metric_id": metric.id,
        "claimant_id": vocab.claimants[resolved.claimant].id
        if resolved.claimant in vocab.claimants
        else None,
        "place_id": vocab.places[resolved.place].id,
        "cumulative": cumulative,
        "statement_key": statement_key(
            resolved.claimant,
            resolved.metric,
            resolved.place,
            claim.period_start,
            claim.period_end,
            claim.value,
            claim.low,
            claim.high,
        ),
    }
    for f in _AS_GIVEN:
        row[f] = values[f]
    for f in _ENUMERATED:
        row[f] = values[f].value
    return row


# --- sources ----------------------------------------------------------------------------


def find_source_by_url(session: Session, url: str) -> Source | None:
    return session.exec(select(Source).where(Source.url == url)).first()


def add_source(
    session: Session, actor: Actor, source_in: SourceIn, *, reason: str = "added"
) -> Source:
    """Store a new source. A URL that is already stored is refused with the existing id."""
    require(actor, Role.curator, "add sources")
    existing = find_source_by_url(session, source_in.url)
    if existing:
        raise ValidationFailed(
            [
                Problem(
                    f"this article is already stored as source #{existing.id} "
                    f"({existing.publisher}, {existing.published})",
                    field="url",
                )
            ]
        )
    now = utcnow()
    source = Source(
        **source_in.model_dump(),
        created_at=now,
        created_by=actor.name,
        updated_at=now,
        updated_by=actor.name,
    )
    session.add(source)
    session.flush()
    _record_created(session, actor, "source", source.id, reason, source_snapshot(source))
    return source


def update_source(
    session: Session,
    actor: Actor,
    source_id: int,
    changes: dict[str, Any],
    *,
    expected_version: int,
    reason: str,
) -> Source:
    """Correct a source. `changes` are validated by re-validating the whole source."""
    require(actor, Role.curator, "edit sources")
    require(
        actor,
        Role.editor if _not_own_source(session, actor, source_id) else Role.curator,
        "edit this source",
    )
    _require_reason(reason)
    source = _get(session, Source, source_id, "source")
    before = source_snapshot(source)
    if source.version != expected_version:
        expected_version = _merge_stale(
            session, "source", source, before, changes, expected_version
        )
    merged = {k: v for k, v in before.items() if v is not None} | changes
    source_in = _validated(SourceIn, merged)
    if source_in.url != source.url:
        other = find_source_by_url(session, source_in.url)
        if other and other.id != source.id:
            raise ValidationFailed(
                [Problem(f"URL already belongs to source #{other.id}", field="url")]
            )
    values = source_in.model_dump()
    return _apply_update(
        session,
        actor,
        Source,
        source,
        values,
        before=before,
        snapshot=source_snapshot,
        expected_version=expected_version,
        reason=reason,
        entity="source",
    )


def _not_own_source(session: Session, actor: Actor, source_id: int) -> bool:
    source = session.get(Source, source_id)
    return source is None or source.created_by != actor.name


# --- claims -----------------------------------------------------------------------------


def check_new_claim(
    session: Session,
    source: Source,
    claim_in: ClaimIn,
    vocab: Vocabulary,
    *,
    taken: set[str] | None = None,
) -> tuple[Resolved, str]:
    """Every check a new claim from `source` must pass, without writing anything: its
    dates, its vocabulary, that the source has no claim of the same key yet (nor one of
    `taken`, the keys of claims saved with it), and last the quote checks (so that hard
    errors are fixed before a curator is asked to confirm a mismatch). Returns the resolved
    vocabulary and the claim's key; raises ValidationFailed."""
    resolved = _resolved(claim_in, vocab, source)
    key = claim_key(source.url, claim_in, resolved.claimant, resolved.place)
    if key in (taken or ()) or session.exec(select(Claim.id).where(Claim.key == key)).first():
        raise ValidationFailed(
            [
                Problem(
                    "this source already has a claim for the same metric, claimant, place and period",
                    field="period_end",
                )
            ]
        )
    require_quote_checks(claim_in, source)
    return resolved, key


def add_claim(
    session: Session,
    actor: Actor,
    source_id: int,
    claim_in: ClaimIn,
    *,
    reason: str = "added",
    vocab: Vocabulary | None = None,
) -> Claim:
    """Store one claim from a stored source (the form's path; imports use `tracker.files.importer`)."""
    require(actor, Role.curator, "add claims")
    source = _get(session, Source, source_id, "source")
    if claim_in.status != Status.unverified:
        require(actor, Role.editor, f"enter a claim as {claim_in.status.value}")
    vocab = vocab or Vocabulary.load(session)
    resolved, key = check_new_claim(session, source, claim_in, vocab)
    _store_new_vocabulary(session, vocab, resolved)
    row = claim_row(claim_in, resolved, vocab, key=key, source_id=source.id)
    row["statement_key"] = _statement_of_duplicate(session, claim_in, row["statement_key"])
    now = utcnow()
    claim = Claim(
        **row, created_at=now, created_by=actor.name, updated_at=now, updated_by=actor.name
    )
    session.add(claim)
    session.flush()
    _record_created(session, actor, "claim", claim.id, reason, claim_snapshot(claim, vocab))
    return claim


def _resolved(claim_in: ClaimIn, vocab: Vocabulary, source: Source | None) -> Resolved:
    """A claim's period checked against its source's publication, then its words mapped
    to vocabulary keys; raises ValidationFailed."""
    if source and (problems := date_problems(source.published, claim_in.period_end)):
        raise ValidationFailed(problems)
    resolved, problems = resolve_claim(claim_in, vocab)
    if problems:
        raise ValidationFailed(problems)
    assert resolved is not None
    return resolved


def _store_new_vocabulary(session: Session, vocab: Vocabulary, resolved: Resolved) -> None:
    """The claimant and places a claim names that the store lacks yet."""
    if resolved.new_claimant:
        ensure_claimant(session, vocab, resolved.claimant, resolved.new_claimant)
    if resolved.new_places:
        from tracker.gazetteer.link import ensure_places

        ensure_places(session, vocab, resolved.new_places)


def _statement_of_duplicate(session: Session, claim_in: ClaimIn, default: str) -> str:
    if not claim_in.duplicate_of:
        return default
    target = session.exec(
        select(Claim.statement_key).where(Claim.key == claim_in.duplicate_of)
    ).first()
    if target is None:
        raise ValidationFailed(
            [Problem(f"no stored claim has id {claim_in.duplicate_of!r}", field="duplicate_of")]
        )
    return target


#: The fields `tracker.extraction.quotes` checks: changing one of them re-runs the checks.
QUOTE_CHECKED_FIELDS = fields.names(fields.CLAIM_FIELDS, quote_checked=True)


def can_edit_claim(actor: Actor | None, claim: Claim) -> bool:
    """Editors edit any claim; a curator edits only their own claims not yet reviewed."""
    if actor is None or actor.anonymous or actor.disabled:
        return False
    if ROLE_RANK[Role(actor.role)] >= ROLE_RANK[Role.editor]:
        return True
    return (
        Role(actor.role) == Role.curator
        and claim.created_by == actor.name
        and claim.reviewed_by is None
        and claim.status == Status.unverified
    )


def can_edit_source(actor: Actor | None, source: Source) -> bool:
    """As `update_source` decides: an editor, or the curator who added the source."""
    if actor is None or actor.anonymous or actor.disabled:
        return False
    rank = ROLE_RANK[Role(actor.role)]
    return rank >= ROLE_RANK[Role.editor] or (
        rank >= ROLE_RANK[Role.curator] and source.created_by == actor.name
    )


def update_claim(
    session: Session,
    actor: Actor,
    claim_id: int,
    changes: dict[str, Any],
    *,
    expected_version: int,
    reason: str,
    vocab: Vocabulary | None = None,
) -> Claim:
    """Correct a claim: validated as a whole, revision written, stale edits refused."""
    require(actor, Role.curator, "edit claims")
    claim = _get(session, Claim, claim_id, "claim")
    vocab = vocab or Vocabulary.load(session)
    before = claim_snapshot(claim, vocab)
    if "status" in changes and changes["status"] != before["status"]:
        _check_status_change(actor, claim, _status(changes["status"]))
    if not can_edit_claim(actor, claim):
        raise PermissionDenied(
            f"{actor.name!r} cannot edit claim #{claim_id}: curators edit only their own claims "
            "before review; ask an editor"
        )
    _require_reason(reason)
    if claim.version != expected_version:
        # Before any validation: someone saved since this copy was read. Their changes and
        # these are merged when they touch different fields; the same field is refused.
        expected_version = _merge_stale(session, "claim", claim, before, changes, expected_version)
    merged = {k: v for k, v in before.items() if v is not None and k != "key"} | changes
    merged["id"] = claim.key
    claim_in = _validated(ClaimIn, merged)
    recheck = any(getattr(claim_in, f) != before.get(f) for f in QUOTE_CHECKED_FIELDS)
    if recheck and "check_override" not in changes and before.get("check_override"):
        # A confirmation was given for the old figure or quote, not for the new one.
        claim_in = _validated(ClaimIn, merged | {"check_override": None})
    source = session.get(Source, claim.source_id)
    resolved = _resolved(claim_in, vocab, source)
    _store_new_vocabulary(session, vocab, resolved)
    if recheck:
        # Only when the figure or quote changes: a status change on an older claim is not
        # held up by a check it was never asked to pass.
        require_quote_checks(claim_in, source)
    row = claim_row(claim_in, resolved, vocab, key=claim.key, source_id=claim.source_id)
    row["statement_key"] = _statement_of_duplicate(session, claim_in, row["statement_key"])
    if row["status"] != claim.status and row["status"] != Status.unverified:
        row["reviewed_at"], row["reviewed_by"] = utcnow(), actor.name
    action = "status" if set(changes) <= {"status", "status_reason"} else "update"
    return _apply_update(
        session,
        actor,
        Claim,
        claim,
        row,
        before=before,
        snapshot=lambda c: claim_snapshot(c, vocab),
        expected_version=expected_version,
        reason=reason,
        entity="claim",
        action=action,
    )


def _revision_to_restore(
    session: Session, entity: str, entity_id: int, revision_id: int
) -> Revision:
    revision = session.get(Revision, revision_id)
    if revision is None or revision.entity != entity or revision.entity_id != entity_id:
        raise NotFound(f"no revision #{revision_id} of {entity} #{entity_id}")
    if not revision.after:
        raise ValidationFailed([Problem("this revision holds no version to go back to")])
    return revision


def _changes_to_restore(
    revision: Revision, names: Iterable[str], current: dict[str, Any], what: str
) -> dict[str, Any]:
    """The fields whose value after `revision` differs from `current`; refused when none does."""
    after = revision.after
    changes = {f: after.get(f) for f in names if after.get(f) != current.get(f)}
    if not changes:
        raise ValidationFailed(
            [Problem(f"the {what} is already as it was in version {revision.version}")]
        )
    return changes


def revert_claim(
    session: Session,
    actor: Actor,
    claim_id: int,
    revision_id: int,
    *,
    expected_version: int,
    reason: str,
    vocab: Vocabulary | None = None,
) -> Claim:
    """Put a claim back as it was after revision `revision_id`: a new revision (with the
    reason, and which version it goes back to), never a delete. The same rules as any
    correction apply (who may edit, status changes, the checks, stale copies refused)."""
    require(actor, Role.curator, "revert claims")
    _require_reason(reason)
    revision = _revision_to_restore(session, "claim", claim_id, revision_id)
    claim = _get(session, Claim, claim_id, "claim")
    vocab = vocab or Vocabulary.load(session)
    fields_ = [f for f in CLAIM_FIELDS if f != "key"]
    changes = _changes_to_restore(revision, fields_, claim_snapshot(claim, vocab), "claim")
    return update_claim(
        session,
        actor,
        claim_id,
        changes,
        expected_version=expected_version,
        reason=f"back to version {revision.version}: {reason.strip()}",
        vocab=vocab,
    )


def revert_source(
    session: Session,
    actor: Actor,
    source_id: int,
    revision_id: int,
    *,
    expected_version: int,
    reason: str,
) -> Source:
    """`revert_claim` for a source."""
    require(actor, Role.curator, "revert sources")
    _require_reason(reason)
    revision = _revision_to_restore(session, "source", source_id, revision_id)
    source = _get(session, Source, source_id, "source")
    changes = _changes_to_restore(revision, SOURCE_FIELDS, source_snapshot(source), "source")
    return update_source(
        session,
        actor,
        source_id,
        changes,
        expected_version=expected_version,
        reason=f"back to version {revision.version}: {reason.strip()}",
    )


def set_claim_status(
    session: Session,
    actor: Actor,
    claim_id: int,
    status: Status | str,
    *,
    reason: str,
    expected_version: int,
) -> Claim:
    """Review a claim: corroborate, dispute, retract or reopen it. The reason is kept."""
    status = _status(status)
    changes: dict[str, Any] = {"status": status.value}
    if status in STATUSES_NEEDING_REASON:
        changes["status_reason"] = reason
    return update_claim(
        session, actor, claim_id, changes, expected_version=expected_version, reason=reason
    )


def _status(value: Any) -> Status:
    """A status from a form or caller, refused as a field problem when it is not one."""
    try:
        return Status(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise ValidationFailed(
            [Problem(f"must be one of {allowed}, got {value!r}", field="status")]
        ) from None


def _check_status_change(actor: Actor, claim: Claim, status: Status) -> None:
    if status == Status.unverified and Role(actor.role) == Role.curator:
        return
    require(actor, Role.editor, f"mark claims as {status.value}")
    if status == Status.corroborated and claim.created_by == actor.name:
        raise PermissionDenied(
            "a claim must be corroborated by someone other than the person who entered it"
        )


# --- vocabulary: claimants and places added from the forms -------------------------------


def add_claimant(
    session: Session,
    actor: Actor,
    claimant_in: ClaimantIn,
    *,
    reason: str = "added",
    vocab: Vocabulary | None = None,
) -> Claimant:
    """A claimant the vocabulary lacks, added by a curator from the claim form.

    A name or alias that already answers to another claimant is refused: two entries for
    one body would split its figures across two series."""
    require(actor, Role.curator, "add claimants")
    vocab = vocab or Vocabulary.load(session)
    problems = _key_problems(claimant_in.key, vocab.claimants, "claimant")
    names = _names(claimant_in.name, claimant_in.short_name, claimant_in.aliases)
    problems += _taken_names(names, vocab.claimant_key, vocab.claimants)
    if problems:
        raise ValidationFailed(problems)
    claimant = Claimant(
        **claimant_in.model_dump(exclude={"kind", "side"}),
        kind=claimant_in.kind.value,
        side=claimant_in.side.value,
    )
    session.add(claimant)
    session.flush()
    vocab.add_claimant(claimant)
    _record_vocab(session, actor, "claimant", claimant.id, reason, claimant.model_dump())
    return claimant


def add_place(
    session: Session,
    actor: Actor,
    place_in: PlaceIn,
    *,
    reason: str = "added",
    vocab: Vocabulary | None = None,
) -> Place:
    """A place the vocabulary lacks (a settlement, usually), added from the claim form.

    The parent may be given by key, ISO code or name ("Donetsk Oblast"); an ISO code must
    be a real ISO 3166 code and not already another place's."""
    from tracker.domain.places import valid_iso_code

    require(actor, Role.curator, "add places")
    vocab = vocab or Vocabulary.load(session)
    problems = _key_problems(place_in.key, vocab.places, "place")
    parent = None
    if place_in.parent:
        parent = vocab.place(place_in.parent)
        if parent is None:
            hint = vocab.suggest_place(place_in.parent)
            problems.append(
                Problem(
                    f"unknown place {place_in.parent!r}"
                    + (f"; did you mean {hint}?" if hint else ""),
                    field="parent",
                )
            )
    if place_in.iso_code:
        code = place_in.iso_code.strip().upper()
        if not valid_iso_code(code):
            problems.append(Problem(f"{code!r} is not an ISO 3166 code", field="iso_code"))
        elif any((p.iso_code or "").upper() == code for p in vocab.places.values()):
            problems.append(Problem(f"{code} is already a stored place's code", field="iso_code"))
    names = _names(place_in.name, None, place_in.aliases)
    problems += _taken_names(names, vocab.place_key, vocab.places)
    if problems:
        raise ValidationFailed(problems)
    values = place_in.model_dump(exclude={"parent", "level"})
    if values.get("iso_code"):
        values["iso_code"] = values["iso_code"].strip().upper()
    place = Place(**values, level=place_in.level.value, parent_id=parent.id if parent else None)
    session.add(place)
    session.flush()
    vocab.add_place(place)
    _record_vocab(session, actor, "place", place.id, reason, place.model_dump())
    return place


def _key_problems(key: str, existing: dict, what: str) -> list[Problem]:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", key):
        return [
            Problem(
                "must be letters, digits, dashes or underscores (e.g. kharkiv_governor)",
                field="key",
            )
        ]
    if key in existing:
        return [Problem(f"{key!r} is already a {what}'s key", field="key")]
    return []


def _names(name: str, short_name: str | None, aliases: list[str]) -> list[tuple[str, str]]:
    out = [("name", name)]
    if short_name:
        out.append(("short_name", short_name))
    out += [(f"aliases[{i}]", a) for i, a in enumerate(aliases) if a and a.strip()]
    return out


def _taken_names(
    names: list[tuple[str, str]], key_of: Callable[[str], str | None], entries: dict[str, Any]
) -> list[Problem]:
    """A problem for each name or alias that already answers to another entry: two entries
    for one body or place would split its figures across two series."""
    problems: list[Problem] = []
    for fieldname, word in names:
        if other := key_of(word):
            problems.append(
                Problem(
                    f"{word!r} already names {entries[other].name} ({other}); "
                    "choose it from the list",
                    field=fieldname,
                )
            )
    return problems


def _record_vocab(
    session: Session, actor: Actor, entity: str, id_: int, reason: str, after: dict
) -> None:
    values = {k: _jsonable(v) for k, v in after.items() if k != "id"}
    _record_created(session, actor, entity, id_, reason, values)


def _record_created(
    session: Session, actor: Actor, entity: str, id_: int, reason: str, after: dict
) -> None:
    """A new row's "create" revision; the data version bumped for the caches."""
    record_revision(
        session,
        entity=entity,
        entity_id=id_,
        action="create",
        version=1,
        actor=actor,
        reason=reason,
        before=None,
        after=after,
    )
    bump_data_version(session)


def suggest_key(name: str, taken: dict | set) -> str:
    """A free vocabulary key for a new claimant or place, from its name."""
    base = slugify(name)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


# --- shared helpers ---------------------------------------------------------------------


def _require_reason(reason: str) -> None:
    if problems := reason_problems(reason):
        raise ValidationFailed(problems)


def _get(session: Session, model: type, id_: int, what: str):  # noqa: ANN202
    obj = session.get(model, id_)
    if obj is None:
        raise NotFound(f"no {what} #{id_}")
    return obj


def _validated(model: type, data: dict[str, Any]):  # noqa: ANN202
    from pydantic import ValidationError

    from tracker.domain.schemas import problems_from

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems_from(exc)) from None


def _apply_update(
    session: Session,
    actor: Actor,
    model: type,
    obj: Any,
    values: dict[str, Any],
    *,
    before: dict,
    snapshot,
    expected_version: int,
    reason: str,  # noqa: ANN001
    entity: str,
    action: str = "update",
):  # noqa: ANN202
    """Compare-and-set on `version`: the UPDATE only matches the row as the editor saw it."""
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if obj.version != expected_version:
        raise _conflict(entity, obj, before)
    if not changed:
        return obj
    now = utcnow()
    stmt = (
        update(model)
        .where(model.id == obj.id, model.version == expected_version)
        .values(**changed, version=expected_version + 1, updated_at=now, updated_by=actor.name)
        .execution_options(synchronize_session=False)
    )
    if session.execute(stmt).rowcount != 1:
        session.refresh(obj)
        raise _conflict(entity, obj, before)
    session.refresh(obj)
    revision = revision_of(
        obj, entity, action, actor=actor, reason=reason.strip(), before=before, after=snapshot(obj)
    )
    session.add(Revision(**revision))
    bump_data_version(session)
    return obj


def _merge_stale(
    session: Session,
    entity: str,
    obj: Any,
    current: dict[str, Any],
    changes: dict[str, Any],
    read_version: int,
) -> int:
    """A three-way merge on fields, for a save made from a copy read at `read_version`
    while someone else saved since: if none of the fields this save changes was changed by
    them (compared with the record as it was at `read_version`, from its revision), both
    changes are kept and the save goes on against the current version. Otherwise (the same
    field changed by both, to different values, or no record of the base) it is refused
    as a conflict, as before."""
    base = session.exec(
        select(Revision.after).where(
            Revision.entity == entity,
            Revision.entity_id == obj.id,
            Revision.version == read_version,
        )
    ).first()
    if not base:
        raise _conflict(entity, obj, current)
    clashing = [
        f for f, mine in changes.items() if current.get(f) != base.get(f) and current.get(f) != mine
    ]
    if clashing:
        raise _conflict(entity, obj, current, fields=clashing)
    return obj.version


def _conflict(
    entity: str, obj: Any, current: dict, *, fields: list[str] | None = None
) -> EditConflict:
    if fields:
        return EditConflict(
            f"this {entity} was changed by {obj.updated_by} at {obj.updated_at:%Y-%m-%d %H:%M} "
            f"UTC since you opened it, in the field(s) you changed too ({', '.join(fields)}; "
            f"now version {obj.version}); reload it and apply your change again",
            current=current,
        )
    return EditConflict(
        f"this {entity} was changed by {obj.updated_by} at {obj.updated_at:%Y-%m-%d %H:%M} UTC "
        f"since you opened it (now version {obj.version}); reload it and apply your change again",
        current=current,
    )
