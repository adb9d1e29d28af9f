"""The review inbox: claims waiting for an editor, and a curator's claims that were
disputed or retracted.

The inbox lists unverified claims, newest first, a page at a time, filtered in SQL (what is
counted, claimant, conflict, who entered it, words of the quote or of the source, only claims with
check findings, only claims saved with "Save anyway"). Each comes with what an editor needs
to decide without opening it: the figure as claimed, the quote, the source, the stored
findings of the consistency checks, and the reason given for saving it anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import exists, literal, or_, union
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from tracker.core.records import record_of
from tracker.domain.fields import ClaimedFigure
from tracker.domain.models import (
    Claim,
    Claimant,
    Conflict,
    FindingClaim,
    Metric,
    Place,
    Source,
    StoredFinding,
)
from tracker.domain.vocab import Status
from tracker.read.filters import LONGEST_SEARCHED, text_contains
from tracker.store.db import read_session

PAGE_SIZE = 20
MAX_PAGE = 200


@dataclass(frozen=True)
class InboxFilter:
    metric: str | None = None  # a metric's key
    claimant: str | None = None  # a claimant's key
    curator: str | None = None  # who entered the claim
    quote: str | None = None  # words of the quote
    source: str | None = None  # words of the source's title or publisher
    conflict: str | None = None  # a conflict's key: claims about places in its countries
    with_findings: bool = False  # only claims the checks found something about
    saved_anyway: bool = False  # only claims saved despite a failed quote check


@dataclass(frozen=True)
class InboxClaim(ClaimedFigure):
    """A claim as the inbox shows it."""

    id: int
    key: str
    version: int
    metric: str
    metric_label: str
    claimant: str
    place: str
    quote: str
    source_id: int
    source_title: str
    publisher: str
    published: date
    url: str
    created_by: str
    created_at: datetime
    status: str
    status_reason: str | None
    check_override: str | None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    findings: list[str] = field(default_factory=list)


def _text(needle: str | None) -> str | None:
    if not needle or not needle.strip():
        return None
    return needle.strip()


def _conditions(f: InboxFilter, countries: list[str] | None = None) -> list[Any]:
    where: list[Any] = [Claim.status == Status.unverified.value]
    if f.metric:
        where.append(
            Claim.metric_id == select(Metric.id).where(Metric.key == f.metric).scalar_subquery()
        )
    if f.claimant:
        where.append(
            Claim.claimant_id
            == select(Claimant.id).where(Claimant.key == f.claimant).scalar_subquery()
        )
    if f.curator:
        where.append(Claim.created_by == f.curator)
    if countries is not None:
        where.append(Claim.place_id.in_(_places_in(countries)))
    for needle, condition in (
        (
            _text(f.quote),
            lambda t: text_contains("claim", {"quote": Claim.quote}, t, fts_column="quote"),
        ),
        (
            _text(f.source),
            lambda t: Claim.source_id.in_(
                select(Source.id).where(
                    text_contains(
                        "source", {"title": Source.title, "publisher": Source.publisher}, t
                    )
                )
            ),
        ),
    ):
        if needle is None:
            continue
        if len(needle) > LONGEST_SEARCHED or "\x00" in needle:
            where.append(literal(False))
        else:
            where.append(condition(needle))
    if f.with_findings:
        where.append(exists().where(FindingClaim.claim_id == Claim.id))
    if f.saved_anyway:
        where.append(Claim.check_override.is_not(None))
    return where


def _places_in(countries: list[str]) -> Any:
    """The ids of the places in these countries: those whose ISO code is of one of them,
    and the places inside those (two levels: a district, then a settlement)."""
    top = select(Place.id).where(
        or_(*(func.substr(Place.iso_code, 1, 2) == code for code in countries), literal(False))
    )
    second = select(Place.id).where(Place.parent_id.in_(top))
    third = select(Place.id).where(Place.parent_id.in_(second))
    return union(top, second, third)


def _countries(session: Any, f: InboxFilter) -> list[str] | None:
    if not f.conflict:
        return None
    found = session.exec(select(Conflict.countries).where(Conflict.key == f.conflict)).first()
    return list(found or [])


def _select() -> Any:
    # The joined columns are labelled with their `InboxClaim` field names.
    return (
        select(
            Claim,
            Metric.key.label("metric"),
            Metric.label.label("metric_label"),
            Claimant.name.label("claimant"),
            Place.name.label("place"),
            Source.title.label("source_title"),
            Source.publisher.label("publisher"),
            Source.published.label("published"),
            Source.url.label("url"),
        )
        .join(Metric, Metric.id == Claim.metric_id)
        .join(Claimant, Claimant.id == Claim.claimant_id)
        .join(Place, Place.id == Claim.place_id)
        .join(Source, Source.id == Claim.source_id)
    )


def _records(session: Any, rows: list[Any]) -> list[InboxClaim]:
    ids = [row[0].id for row in rows]
    findings: dict[int, list[str]] = {}
    if ids:
        for claim_id, message in session.exec(
            select(FindingClaim.claim_id, StoredFinding.message)
            .join(StoredFinding, StoredFinding.id == FindingClaim.finding_id)
            .where(FindingClaim.claim_id.in_(ids))
            .order_by(StoredFinding.severity_rank, StoredFinding.id)
        ).all():
            findings.setdefault(claim_id, []).append(message)
    out = []
    for row in rows:
        claim, *joined = row
        out.append(
            record_of(
                InboxClaim,
                claim,
                **dict(zip(row._fields[1:], joined, strict=True)),
                created_at=_aware(claim.created_at),
                reviewed_at=_aware(claim.reviewed_at) if claim.reviewed_at else None,
                findings=findings.get(claim.id, []),
            )
        )
    return out


def review_inbox(
    engine: Engine, f: InboxFilter, *, limit: int = PAGE_SIZE, offset: int = 0
) -> list[InboxClaim]:
    """Unverified claims matching `f`, newest first (the order they were entered in)."""
    limit = max(1, min(int(limit), MAX_PAGE))
    with read_session(engine) as session:
        stmt = (
            _select()
            .where(*_conditions(f, _countries(session, f)))
            .order_by(Claim.id.desc())
            .limit(limit)
            .offset(max(0, int(offset)))
        )
        return _records(session, list(session.exec(stmt).all()))


def count_inbox(engine: Engine, f: InboxFilter) -> int:
    with read_session(engine) as session:
        where = _conditions(f, _countries(session, f))
        return session.exec(select(func.count(Claim.id)).where(*where)).one()


def conflict_names(engine: Engine) -> dict[str, str]:
    """The stored conflicts (key -> name), for the inbox's conflict filter."""
    with read_session(engine) as session:
        return dict(session.exec(select(Conflict.key, Conflict.name).order_by(Conflict.name)).all())


def inbox_curators(engine: Engine) -> list[str]:
    """Who entered the claims waiting for review (the curator filter's options)."""
    with read_session(engine) as session:
        return list(
            session.exec(
                select(Claim.created_by)
                .where(Claim.status == Status.unverified.value)
                .group_by(Claim.created_by)
                .order_by(Claim.created_by)
            ).all()
        )


def disputed_claims(engine: Engine, curator: str, *, limit: int = 50) -> list[InboxClaim]:
    """A curator's claims that an editor disputed or retracted, most recently reviewed
    first, with the reason given: what the curator should look at again."""
    stmt = (
        _select()
        .where(
            Claim.created_by == curator,
            Claim.status.in_([Status.disputed.value, Status.retracted.value]),
        )
        .order_by(Claim.reviewed_at.desc(), Claim.id.desc())
        .limit(max(1, min(int(limit), MAX_PAGE)))
    )
    with read_session(engine) as session:
        return _records(session, list(session.exec(stmt).all()))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
