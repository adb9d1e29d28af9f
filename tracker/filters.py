"""The filter a reader applies to claims, shared by every view and every export.

One definition, so that "download exactly the filtered rows" is true by construction: the
Claims table, the chart, the CSV/JSON/HXL exports and permalinks all turn the same
`ClaimFilter` into the same SQL conditions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from tracker.models import Claim, Claimant, Metric, Place, Source
from tracker.schemas import MAX_QUOTE, MAX_SHORT
from tracker.vocab import Status


@dataclass(frozen=True)
class ClaimFilter:
    """What a reader asked to see. Empty fields mean "no restriction".

    Vocabulary fields hold keys (`civilian_killed`, `UA-14`, `ohchr`); dates bound the
    claim's as-of date (`period_end`), inclusive.
    """

    metric: str | None = None
    place: str | None = None
    claimants: tuple[str, ...] = field(default_factory=tuple)
    statuses: tuple[str, ...] = field(default_factory=tuple)
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None
    source_id: int | None = None
    cumulative: bool | None = None
    include_retracted: bool = True

    def describe(self) -> str:
        """The filter in words, for export headers and captions ("all claims" when empty)."""
        parts = []
        if self.metric:
            parts.append(f"metric {self.metric}")
        if self.place:
            parts.append(f"place {self.place}")
        if self.claimants:
            parts.append("claimant " + " or ".join(self.claimants))
        if self.statuses:
            parts.append("status " + " or ".join(self.statuses))
        if self.date_from:
            parts.append(f"as of {self.date_from.isoformat()} or later")
        if self.date_to:
            parts.append(f"as of {self.date_to.isoformat()} or earlier")
        if self.text:
            parts.append(f"text contains {self.text!r}")
        if self.source_id is not None:
            parts.append(f"source #{self.source_id}")
        if self.cumulative is not None:
            parts.append("cumulative figures" if self.cumulative else "per-period figures")
        if not self.include_retracted:
            parts.append("retracted claims left out")
        return "; ".join(parts) if parts else "all claims"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, (), "")}


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches `text` literally (%, _ and \\ are escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The longest text the search looks in (a quote; titles are shorter). A longer search text,
# or one with a NUL (refused in stored text), matches nothing: answered without asking the
# database, which would refuse it (SQLite's LIKE pattern limit, PostgreSQL and NUL).
LONGEST_SEARCHED = max(MAX_QUOTE, MAX_SHORT * 2)
INT64 = range(-(2**63), 2**63)


def conditions(f: ClaimFilter) -> list[ColumnElement[bool]]:
    """SQL conditions on `Claim` (joined to nothing: vocabulary keys become id sub-selects).

    Values are bound parameters, never SQL text; LIKE wildcards in the search are escaped.
    """
    out: list[ColumnElement[bool]] = []
    if f.metric:
        out.append(
            Claim.metric_id == select(Metric.id).where(Metric.key == f.metric).scalar_subquery()
        )
    if f.place:
        out.append(Claim.place_id == select(Place.id).where(Place.key == f.place).scalar_subquery())
    if f.claimants:
        out.append(Claim.claimant_id.in_(select(Claimant.id).where(Claimant.key.in_(f.claimants))))
    if f.statuses:
        out.append(Claim.status.in_(f.statuses))
    if not f.include_retracted:
        out.append(Claim.status != Status.retracted.value)
    if f.date_from:
        out.append(Claim.period_end >= f.date_from)
    if f.date_to:
        out.append(Claim.period_end <= f.date_to)
    if f.source_id is not None:
        out.append(Claim.source_id == f.source_id if f.source_id in INT64 else false())
    if f.cumulative is not None:
        out.append(Claim.cumulative == f.cumulative)
    if f.text and f.text.strip():
        if len(f.text.strip()) > LONGEST_SEARCHED or "\x00" in f.text:
            return [false()]
        pattern = like_pattern(f.text.strip())
        out.append(
            or_(
                Claim.quote.ilike(pattern, escape="\\"),
                Claim.source_id.in_(
                    select(Source.id).where(Source.title.ilike(pattern, escape="\\"))
                ),
            )
        )
    return out


def where(f: ClaimFilter) -> ColumnElement[bool]:
    conds = conditions(f)
    return and_(True, *conds)
