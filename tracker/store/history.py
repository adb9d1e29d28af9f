"""The revision log, read back for the History page: who changed what, when and why.

Every write in `tracker.store.write` (and `tracker.store.accounts`) records a `Revision` with the
record before and after. This module lists them, filtered in SQL (by record, by source
with its claims, by user), newest first and a page at a time, and turns a before/after
pair into the few fields that changed, so that a reader sees "value: 7,199 -> 7,200"
rather than two copies of the whole claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.core.records import record_of
from tracker.domain.models import Claim, Claimant, Place, Revision, Source, User
from tracker.store.db import read_session

#: What a revision can be about. Claims and sources carry a version; the others are
#: vocabulary and accounts, recorded so that the log says who added or changed them.
ENTITIES = ("claim", "source", "claimant", "place", "user")
MAX_PAGE = 500


@dataclass(frozen=True)
class RevisionRecord:
    """One revision as the History page shows it."""

    id: int
    entity: str
    entity_id: int
    label: str | None  # the claim's key, the source's URL, the claimant's or place's key, ...
    action: str
    version: int
    changed_at: datetime
    changed_by: str
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        return diff(self.before, self.after)


@dataclass(frozen=True)
class RevisionFilter:
    """Which revisions to read; None means any. `entity`/`entity_id` pick one kind of
    record or one record; `source_id` picks a source and every claim of it; `user` picks
    what one account (or `cli:<login>`) changed."""

    entity: str | None = None
    entity_id: int | None = None
    user: str | None = None
    source_id: int | None = None

    def __post_init__(self) -> None:
        if self.entity is not None and self.entity not in ENTITIES:
            raise ValueError(f"unknown entity {self.entity!r}; one of {', '.join(ENTITIES)}")

    def conditions(self) -> list[Any]:
        where: list[Any] = []
        if self.entity is not None:
            where.append(Revision.entity == self.entity)
        if self.entity_id is not None:
            where.append(Revision.entity_id == self.entity_id)
        if self.user:
            where.append(Revision.changed_by == self.user)
        if self.source_id is not None:
            # A source's history includes its claims' (ix_revision_entity serves both halves).
            claims_of_source = select(Claim.id).where(Claim.source_id == self.source_id)
            where.append(
                or_(
                    and_(Revision.entity == "source", Revision.entity_id == self.source_id),
                    and_(Revision.entity == "claim", Revision.entity_id.in_(claims_of_source)),
                )
            )
        return where


def revisions(
    engine: Engine, where: RevisionFilter = RevisionFilter(), *, limit: int = 50, offset: int = 0
) -> list[RevisionRecord]:
    """Revisions, newest first, filtered and paged in the database."""
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    label = func.coalesce(Claim.key, Source.url, Claimant.key, Place.key, User.name)
    query = (
        select(Revision, label)
        .outerjoin(Claim, and_(Revision.entity == "claim", Claim.id == Revision.entity_id))
        .outerjoin(Source, and_(Revision.entity == "source", Source.id == Revision.entity_id))
        .outerjoin(Claimant, and_(Revision.entity == "claimant", Claimant.id == Revision.entity_id))
        .outerjoin(Place, and_(Revision.entity == "place", Place.id == Revision.entity_id))
        .outerjoin(User, and_(Revision.entity == "user", User.id == Revision.entity_id))
        .where(*where.conditions())
        .order_by(Revision.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with read_session(engine) as session:
        rows = session.exec(query).all()
    return [
        record_of(RevisionRecord, rev, label=text, changed_at=_aware(rev.changed_at))
        for rev, text in rows
    ]


def count_revisions(engine: Engine, where: RevisionFilter = RevisionFilter()) -> int:
    """How many revisions match: the History page's pager."""
    query = select(func.count(Revision.id)).where(*where.conditions())
    with read_session(engine) as session:
        return session.exec(query).one()


def revision_authors(engine: Engine) -> list[str]:
    """Everyone who ever changed something, for the page's user filter (accounts that
    were disabled, and the CLI's `cli:<login>`, included)."""
    with read_session(engine) as session:
        return list(
            session.exec(
                select(Revision.changed_by)
                .group_by(Revision.changed_by)
                .order_by(Revision.changed_by)
            ).all()
        )


def current_versions(engine: Engine, entity: str, ids: list[int]) -> dict[int, int]:
    """The version each claim or source is at now: the History page offers "revert to
    this version" on older ones, and the revert is refused if it changed meanwhile."""
    model = {"claim": Claim, "source": Source}.get(entity)
    if model is None or not ids:
        return {}
    with read_session(engine) as session:
        return dict(session.exec(select(model.id, model.version).where(model.id.in_(ids))).all())


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    """The fields that differ, as (field, old, new), in the record's own field order.

    A record created (no `before`) lists its fields that have a value; a field that
    appears or disappears between versions shows None on the missing side.
    """
    before = before or {}
    after = after or {}
    fields = list(before) + [k for k in after if k not in before]
    return [(f, before.get(f), after.get(f)) for f in fields if before.get(f) != after.get(f)]


def _aware(value: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
