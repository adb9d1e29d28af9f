"""Reading claims for export: a chunk at a time, in SQL, with the reader's filter.

Every export reads the same rows, so that the CSV, the JSON and the Data Package made from
one `ClaimFilter` hold exactly the same claims, and exactly the claims the dashboard shows
for that filter (`tracker.read.filters.where` is the one definition of the filter in SQL).

Claims are streamed from one query a chunk at a time, so memory stays flat however large
the table, in the order (oldest figure first) a reader of a timeline expects. Vocabularies (metrics, places, claimants) are
small and read whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker import PROJECT_NAME
from tracker.domain import fields
from tracker.domain.models import Claim, Claimant, Metric, Place, Source, utcnow
from tracker.read.filters import ClaimFilter, conditions, where
from tracker.store.db import read_session

CHUNK = 500


def as_utc(value: datetime) -> datetime:
    """Aware UTC. SQLite hands stored datetimes back naive; they were written as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: Any) -> Any:
    """ISO 8601 text for dates and datetimes (UTC datetimes end in Z, whole seconds)."""
    if isinstance(value, datetime):
        return as_utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ExportMeta:
    """What every export states about itself: when it was made, how current its data is,
    and which filter produced it."""

    exported_at: datetime
    filter: ClaimFilter
    claims: int
    first_as_of: date | None
    latest_as_of: date | None

    @property
    def filter_text(self) -> str:
        return self.filter.describe()

    def header(self) -> dict[str, Any]:
        """The JSON header: export time, the latest claim's as-of date, the filter."""
        return {
            "exported_at": iso(self.exported_at),
            "as_of": iso(self.latest_as_of),
            "filter": self.filter_text,
            "filter_parameters": {k: iso(v) for k, v in self.filter.as_dict().items()},
            "claim_count": self.claims,
            "compiled_with": PROJECT_NAME,
        }

    def sentence(self) -> str:
        """The same in words, for descriptors and captions."""
        latest = (
            f"the latest as of {self.latest_as_of.isoformat()}" if self.latest_as_of else "none"
        )
        return (
            f"{self.claims} claims ({latest}); filter: {self.filter_text}; "
            f"exported {iso(self.exported_at)} from {PROJECT_NAME}"
        )


@dataclass
class Tally:
    """Counts the claims an export actually wrote, so that its statement about itself
    (count, latest as-of date) describes the file and not a query run a moment apart."""

    exported_at: datetime
    filter: ClaimFilter
    claims: int = 0
    first_as_of: date | None = None
    latest_as_of: date | None = None

    @classmethod
    def start(cls, f: ClaimFilter, now: datetime | None = None) -> Tally:
        return cls(exported_at=as_utc(now or utcnow()).replace(microsecond=0), filter=f)

    def add(self, row: dict[str, Any]) -> None:
        self.add_date(row["period_end"])

    def add_date(self, as_of: date) -> None:
        self.claims += 1
        if self.first_as_of is None or as_of < self.first_as_of:
            self.first_as_of = as_of
        if self.latest_as_of is None or as_of > self.latest_as_of:
            self.latest_as_of = as_of

    @property
    def meta(self) -> ExportMeta:
        return ExportMeta(
            self.exported_at, self.filter, self.claims, self.first_as_of, self.latest_as_of
        )


def is_unfiltered(f: ClaimFilter) -> bool:
    return not conditions(f)


def export_meta(engine: Engine, f: ClaimFilter, *, now: datetime | None = None) -> ExportMeta:
    """Count and date range of the filtered claims: one aggregate query."""
    with read_session(engine) as session:
        count, first, latest = session.execute(
            select(func.count(Claim.id), func.min(Claim.period_end), func.max(Claim.period_end))
            .select_from(Claim)
            .where(where(f))
        ).one()
    return ExportMeta(
        exported_at=as_utc(now or utcnow()).replace(microsecond=0),
        filter=f,
        claims=int(count),
        first_as_of=first,
        latest_as_of=latest,
    )


@dataclass
class Lookups:
    """The vocabularies by id, and each place's country and region (for HXL and CSV)."""

    metrics: dict[int, Metric] = field(default_factory=dict)
    claimants: dict[int, Claimant] = field(default_factory=dict)
    places: dict[int, Place] = field(default_factory=dict)
    _joined: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Lookups:
        return cls(
            metrics={m.id: m for m in _all(session, Metric)},
            claimants={c.id: c for c in _all(session, Claimant)},
            places={p.id: p for p in _all(session, Place)},
        )

    def ancestor(self, place: Place, level: str) -> Place | None:
        """The place itself or its nearest enclosing place of `level` (cycles cannot loop)."""
        seen: set[int] = set()
        current: Place | None = place
        while current is not None and current.id not in seen:
            if current.level == level:
                return current
            seen.add(current.id)
            current = self.places.get(current.parent_id) if current.parent_id else None
        return None

    def joined(self, kind: str, id_: int) -> dict[str, Any]:
        """The columns a claim row takes from its metric, claimant or place, built once per
        entry (plain values: reading ORM attributes per row is the slow part of an export)."""
        key = (kind, id_)
        if key not in self._joined:
            if kind == "place":
                self._joined[key] = self._place_columns(id_)
            else:
                entry = getattr(self, f"{kind}s")[id_]
                self._joined[key] = {
                    column: getattr(entry, attribute)
                    for column, attribute in _ENTRY_COLUMNS[kind].items()
                }
        return self._joined[key]

    def _place_columns(self, place_id: int) -> dict[str, Any]:
        place = self.places[place_id]
        country = self.ancestor(place, "country")
        region = self.ancestor(place, "region")
        return {
            "place": place.key,
            "place_name": place.name,
            "place_level": place.level,
            "country_code": country.iso_code if country else None,
            "adm1_code": region.iso_code if region else None,
            "adm1_name": region.name if region else None,
        }


#: The row's column for each attribute of its metric and claimant (the place's are worked
#: out from its ancestors).
_ENTRY_COLUMNS: dict[str, dict[str, str]] = {
    "metric": {
        "metric": "key",
        "metric_label": "label",
        "metric_noun": "noun",
        "unit": "unit",
        "metric_hxl": "hxl",
    },
    "claimant": {
        "claimant": "key",
        "claimant_name": "name",
        "claimant_short": "short_name",
        "claimant_kind": "kind",
        "claimant_side": "side",
    },
}

_REFERENCE_IDS = tuple(f"{f.name}_id" for f in fields.CLAIM_FIELDS if f.reference)
#: The claim's own fields as stored (vocabulary by id), then what the JSON-LD export needs.
_CLAIM_COLUMNS = (
    Claim.id,
    *(getattr(Claim, name) for name in fields.names(fields.CLAIM_FIELDS, reference=False)),
    *(getattr(Claim, name) for name in _REFERENCE_IDS),
    Claim.source_id,
    Claim.reviewed_at,
    Claim.updated_at,
)
# The article text is left out: it is large, and exports carry the quote.
_SOURCE_COLUMNS = (
    Source.url.label("source_url"),
    Source.title.label("source_title"),
    Source.publisher.label("source_publisher"),
    Source.published.label("source_published"),
    Source.archive_url.label("source_archive_url"),
    Source.retrieved_at.label("source_retrieved_at"),
    Source.language.label("source_language"),
)


def iter_claim_rows(
    session: Session, f: ClaimFilter, lookups: Lookups, *, chunk: int = CHUNK
) -> Iterator[dict[str, Any]]:
    """One dict per claim: the columns of `FLAT_COLUMNS` (typed Python values), plus a few
    private `_` keys (database ids, review time) that the JSON-LD export needs.

    One query, sorted once, fetched `chunk` rows at a time (`yield_per`: a server-side
    cursor on PostgreSQL, a stepping cursor on SQLite), so memory stays flat. Paging with
    LIMIT would re-sort the table for every page, since no index leads with the as-of date.
    """
    stmt = (
        select(*_CLAIM_COLUMNS, *_SOURCE_COLUMNS)
        .join(Source, Source.id == Claim.source_id)
        .where(where(f))
        .order_by(Claim.period_end, Claim.id)
        .execution_options(yield_per=chunk)
    )
    for r in session.execute(stmt).mappings():
        yield _flat_row(r, lookups)


#: Copied as read: the claim's fields but its id and vocabulary, then the joined source's.
_CLAIM_FIELD_NAMES = (
    *(f.name for f in fields.CLAIM_FIELDS if not f.reference and f.name != "key"),
    "source_url",
    "source_title",
    "source_publisher",
    "source_published",
    "source_archive_url",
    "source_language",
)


def _flat_row(r: Any, lookups: Lookups) -> dict[str, Any]:
    row: dict[str, Any] = {"id": r["key"]}
    for name in _REFERENCE_IDS:
        row.update(lookups.joined(name.removesuffix("_id"), r[name]))
    for name in _CLAIM_FIELD_NAMES:
        row[name] = r[name]
    retrieved, reviewed = r["source_retrieved_at"], r["reviewed_at"]
    row["source_retrieved_at"] = as_utc(retrieved) if retrieved else None
    row["_claim_pk"] = r["id"]
    row["_source_id"] = r["source_id"]
    row["_reviewed_at"] = as_utc(reviewed) if reviewed else None
    row["_updated_at"] = as_utc(r["updated_at"])
    return row


def metrics_in(session: Session, f: ClaimFilter, lookups: Lookups) -> list[Metric]:
    """The metrics the filtered claims use, by key (the HXL export's per-metric columns)."""
    ids = session.execute(select(Claim.metric_id).where(where(f)).distinct()).scalars().all()
    return sorted((lookups.metrics[i] for i in ids), key=lambda m: m.key)


def _all(session: Session, model: type) -> list[Any]:
    return list(session.execute(select(model).order_by(model.key)).scalars())


_SOURCE_FIELDS = (
    Source.id,
    *(getattr(Source, f.name) for f in fields.SOURCE_FIELDS if f.tabular and f.exported),
)


def iter_sources(
    session: Session, f: ClaimFilter, *, chunk: int = CHUNK
) -> Iterator[dict[str, Any]]:
    """The sources of the filtered claims (every source when nothing is filtered), by id,
    without their article text."""
    stmt = select(*_SOURCE_FIELDS).order_by(Source.id).limit(chunk)
    if not is_unfiltered(f):
        stmt = stmt.where(Source.id.in_(select(Claim.source_id).where(where(f))))
    last = 0
    while True:
        batch = session.execute(stmt.where(Source.id > last)).mappings().all()
        if not batch:
            return
        for row in batch:
            out = dict(row)
            if out["retrieved_at"]:
                out["retrieved_at"] = as_utc(out["retrieved_at"])
            yield out
        last = batch[-1]["id"]
        if len(batch) < chunk:
            return
