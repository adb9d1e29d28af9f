"""The read side: questions the pages and the CLI ask, answered in SQL.

Aggregations run in the database (GROUP BY, window-free lookups) and return small
DataFrames or plain records; nothing here loads the whole claims table into pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Date, DateTime, Integer, Select, String, cast, func, literal, true, tuple_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import select

from tracker.core.errors import TrackerError
from tracker.domain import fields
from tracker.domain.models import Claim, Claimant, Conflict, Metric, Place, Source
from tracker.domain.vocab import Status
from tracker.read.filters import (
    LONGEST_SEARCHED,
    PERIOD_LENGTHS,
    ClaimFilter,
    WindowDays,
    period_length_of,
    text_contains,
    where,
)
from tracker.store.db import read_session
from tracker.store.version import data_version as _data_version


def data_version(engine: Engine) -> int:
    """Bumped by every write; pages use it as the key of their caches."""
    with read_session(engine) as session:
        return _data_version(session)


def stats(engine: Engine) -> dict[str, pd.DataFrame]:
    """Counts per metric, per claimant and per source, for `tracker stats`."""
    with read_session(engine) as session:
        per_metric = session.exec(
            select(Metric.key, Metric.label, func.count(Claim.id))
            .join(Claim, Claim.metric_id == Metric.id, isouter=True)
            .group_by(Metric.id, Metric.key, Metric.label)
            .order_by(Metric.key)
        ).all()
        per_claimant = session.exec(
            select(Claimant.key, Claimant.name, func.count(Claim.id))
            .join(Claim, Claim.claimant_id == Claimant.id)
            .group_by(Claimant.id, Claimant.key, Claimant.name)
            .order_by(func.count(Claim.id).desc(), Claimant.key)
        ).all()
        per_source = session.exec(
            select(Source.publisher, Source.published, Source.url, func.count(Claim.id))
            .join(Claim, Claim.source_id == Source.id, isouter=True)
            .group_by(Source.id, Source.publisher, Source.published, Source.url)
            .order_by(func.count(Claim.id).desc(), Source.published.desc())
        ).all()
    return {
        "metric": pd.DataFrame(per_metric, columns=["metric", "label", "claims"]),
        "claimant": pd.DataFrame(per_claimant, columns=["claimant", "name", "claims"]),
        "source": pd.DataFrame(per_source, columns=["publisher", "published", "url", "claims"]),
    }


def totals(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            "sources": session.exec(select(func.count(Source.id))).one(),
            "claims": session.exec(select(func.count(Claim.id))).one(),
            "claimants": session.exec(select(func.count(Claimant.id))).one(),
        }


# --- the dashboard's questions ------------------------------------------------------------
#
# Every function takes a `ClaimFilter` (tracker.read.filters) where it reads claims, so that the
# chart, the table and the downloads answer the same question. Results are bounded: the
# chart by MAX_CHART_POINTS statements, the table by its page size, a source's claims by
# what one article carries.

# Points sent to the browser at most: beyond this the chart is aggregated (see `chart`).
# A point's hover carries its sources and quotes, which the browser must parse and draw,
# and a chart about 1,000 px wide shows five points per pixel column at this bound already. The server holds each view
# it keeps (dashboard.data) at this size too.
MAX_CHART_POINTS = 5_000
PAGE_SIZE = 50
# The claims table counts up to this many matches exactly ("more than 10,000" beyond):
# the count reads at most this many index entries, not every matching row.
COUNT_BOUND = 10_000
_IN_CHUNK = 500  # statement keys per IN (...) list, well under every driver's limit

# Sort keys of the Claims table: name -> (column, ...). "-name" sorts descending.
CLAIM_SORTS = {
    "period_end": "as-of date",
    "published": "source's publication date",
    "value": "figure",
    "claimant": "claimant",
    "metric": "metric",
    "place": "place",
    "status": "status",
}
DEFAULT_CLAIM_SORT = "-period_end"

# Which status a point shows when the sources relaying one statement differ: the status
# they all share (retracted claims aside), else the strongest verdict among them
# (corroborated over unverified). One outlet's disputed relay, e.g. a wrong date label,
# does not make the statement disputed; the hover and the card show each source's status.
_STATUS_RANK = {"corroborated": 2, "unverified": 1, "disputed": 0}


_LISTED = fields.names(fields.CLAIM_FIELDS, reference=False, listed=True)


def _claim_columns() -> list[Any]:
    """The columns of one claim as the pages show it (the registry's listed fields), with its
    vocabulary and source. Joined columns are named by their table, the claim's key too."""
    return [
        Claim.id.label("claim_id"),
        Claim.key.label("claim_key"),
        Claim.statement_key,
        *(getattr(Claim, name) for name in _LISTED if name != "key"),
        Metric.key.label("metric_key"),
        Metric.label.label("metric_label"),
        Metric.noun.label("metric_noun"),
        Claimant.key.label("claimant_key"),
        Claimant.name.label("claimant_name"),
        Claimant.short_name.label("claimant_short"),
        Place.key.label("place_key"),
        Place.name.label("place_name"),
        Source.id.label("source_id"),
        Source.publisher.label("source_publisher"),
        Source.title.label("source_title"),
        Source.published.label("source_published"),
        Source.url.label("source_url"),
        Source.archive_url.label("source_archive_url"),
        Source.synthetic.label("source_synthetic"),
    ]


CLAIM_COLUMNS = [c.key for c in _claim_columns()]


def _claims_select(*extra: Any) -> Select:
    return (
        select(*_claim_columns(), *extra)
        .select_from(Claim)
        .join(Metric, Metric.id == Claim.metric_id)
        .join(Claimant, Claimant.id == Claim.claimant_id)
        .join(Place, Place.id == Claim.place_id)
        .join(Source, Source.id == Claim.source_id)
    )


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([dict(r) for r in rows], columns=columns)


def _rows(engine: Engine, stmt: Select) -> list[Any]:
    with read_session(engine) as session:
        return list(session.execute(stmt).mappings())


def _counts_by(column: Any) -> Any:
    """Claims per value of one of the claim's own columns, read from an index that starts
    with it (ix_claim_series, ix_claim_place_id, ix_claim_claimant_metric) before any join:
    a million index entries, no row visited."""
    return select(column.label("id"), func.count().label("n")).group_by(column).subquery()


def filter_options(engine: Engine) -> dict[str, pd.DataFrame]:
    """The choices the filter widgets offer: every metric, and the places and claimants that
    have claims, each with its claim count (so a reader sees where the data is)."""
    per_metric = _counts_by(Claim.metric_id)
    per_place = _counts_by(Claim.place_id)
    per_claimant = _counts_by(Claim.claimant_id)
    with read_session(engine) as session:
        metrics = session.execute(
            select(
                Metric.key,
                Metric.label,
                Metric.noun,
                Metric.cumulative,
                func.coalesce(per_metric.c.n, 0),
            )
            .join(per_metric, per_metric.c.id == Metric.id, isouter=True)
            .order_by(Metric.id)
        ).all()
        places = session.execute(
            select(Place.key, Place.name, Place.level, per_place.c.n)
            .join(per_place, per_place.c.id == Place.id)
            .order_by(per_place.c.n.desc(), Place.name)
        ).all()
        claimants = session.execute(
            select(Claimant.key, Claimant.name, Claimant.short_name, per_claimant.c.n)
            .join(per_claimant, per_claimant.c.id == Claimant.id)
            .order_by(per_claimant.c.n.desc(), Claimant.name)
        ).all()
        conflicts = session.execute(
            select(
                Conflict.key,
                Conflict.name,
                Conflict.start,
                Conflict.countries,
                Conflict.default_metric,
                Conflict.default_place,
            ).order_by(Conflict.id)
        ).all()
    return {
        "conflicts": pd.DataFrame(
            conflicts,
            columns=["key", "name", "start", "countries", "default_metric", "default_place"],
        ),
        "metrics": pd.DataFrame(metrics, columns=["key", "label", "noun", "cumulative", "claims"]),
        "places": pd.DataFrame(places, columns=["key", "name", "level", "claims"]),
        "claimants": pd.DataFrame(claimants, columns=["key", "name", "short_name", "claims"]),
    }


def count_statements(engine: Engine, f: ClaimFilter, at_most: int | None = None) -> int:
    """Distinct statements matching `f`: the number of points a full chart would draw.
    With `at_most`, counting stops there (DISTINCT streams, the LIMIT ends the scan)."""
    distinct = select(Claim.statement_key).where(where(f)).distinct()
    if at_most is not None:
        distinct = distinct.limit(at_most)
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(distinct.subquery())).scalar_one()


def _count_upto(engine: Engine, f: ClaimFilter, at_most: int) -> int:
    """Claims matching `f`, counted up to `at_most` (a LIMIT inside the count)."""
    inner = select(literal(1)).select_from(Claim).where(where(f)).limit(at_most).subquery()
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(inner)).scalar_one()


def chart_points(engine: Engine, f: ClaimFilter, limit: int = MAX_CHART_POINTS) -> pd.DataFrame:
    """One row per statement matching `f` (claims sharing `statement_key` are one point that
    lists all its sources), at most `limit` of them, the most recent as-of dates kept.

    Columns: the statement's claimant, metric, place, figure and period; `claim_ids` (a tuple,
    every claim of the statement within the filter); `qualifier` and `status` of the point;
    `sources`, a list of {claim_id, publisher, title, published, url, quote, qualifier,
    status} ordered by publication; and the first source's fields (`source_*`) for a
    citation. Ordered by claimant, then as-of date.
    """
    if _count_upto(engine, f, limit + 1) <= limit:
        # Fewer claims than the bound, so fewer statements: one query for all of them.
        members = _rows(
            engine,
            _claims_select()
            .where(where(f))
            .order_by(Claim.statement_key, Source.published, Claim.id),
        )
        return _points(members, None)
    grouped = (
        select(Claim.statement_key)
        .where(where(f))
        .group_by(Claim.statement_key)
        .order_by(func.max(Claim.period_end).desc(), Claim.statement_key)
        .limit(limit)
    )
    keys = [s["statement_key"] for s in _rows(engine, grouped)]
    members = []
    for i in range(0, len(keys), _IN_CHUNK):
        chunk = keys[i : i + _IN_CHUNK]
        members += _rows(
            engine,
            _claims_select()
            .where(where(f), Claim.statement_key.in_(chunk))
            .order_by(Source.published, Claim.id),
        )
    return _points(members, keys)


def _points(members: list[Any], keys: list[str] | None) -> pd.DataFrame:
    by_statement: dict[str, list[Any]] = {}
    for m in members:
        by_statement.setdefault(m["statement_key"], []).append(m)
    order = keys if keys is not None else list(by_statement)
    points = [_point(by_statement[k]) for k in order if k in by_statement]
    if not points:
        return pd.DataFrame(columns=CHART_COLUMNS)
    frame = pd.DataFrame(points, columns=CHART_COLUMNS)
    return frame.sort_values(["claimant_name", "period_end", "statement_key"], ignore_index=True)


# --- the chart, bounded --------------------------------------------------------------------

#: Coarser and coarser periods a crowded chart is aggregated to, with their length in days
#: (to estimate how many points each gives) and their name in the caption.
PERIODS = (("week", 7, "weeks"), ("month", 30.44, "months"), ("quarter", 91.3, "quarters"))
PERIODS += (("year", 365.25, "years"),)
AGGREGATE_COLUMNS = [
    "claimant_key",
    "claimant_name",
    "claimant_short",
    "cumulative",
    "period_start",
    "period_end",
    "value",
    "n_claims",
]


@dataclass(frozen=True)
class Chart:
    """What the Figures chart draws for a filter: each statement (`period` None), or, when
    there are more than the bound, the highest figure per claimant per `period` (week,
    month, quarter, year) computed in SQL, retracted claims left out.

    `points` has CHART_COLUMNS (statements) or AGGREGATE_COLUMNS (one row per claimant and
    period: `period_start`/`period_end` bound the period, `value` is the highest figure,
    `n_claims` how many claims it summarises). `statements` counts the statements matching
    the filter, exactly up to the bound, then `more_than_statements` says "more than that".
    """

    points: pd.DataFrame
    statements: int
    period: str | None = None
    period_plural: str | None = None
    more_than_statements: bool = False


def chart(engine: Engine, f: ClaimFilter, limit: int | None = None) -> Chart:
    """The Figures chart's data for `f`, never more than `limit` points (see `Chart`).

    The statement count stops at `limit + 1` (a covering scan of ix_claim_series); a view
    that fits is drawn statement by statement, one that does not is aggregated to the
    finest period whose claimant × period grid fits in `limit` (default MAX_CHART_POINTS)."""
    limit = MAX_CHART_POINTS if limit is None else limit
    statements = count_statements(engine, f, at_most=limit + 1)
    if statements <= limit:
        return Chart(chart_points(engine, f, limit), statements)
    period, plural = _period_for(engine, f, limit)
    return Chart(_aggregate(engine, f, period), limit, period, plural, True)


def _period_for(engine: Engine, f: ClaimFilter, limit: int) -> tuple[str, str]:
    with read_session(engine) as session:
        claimants, first, last = session.execute(
            select(
                func.count(func.distinct(Claim.claimant_id)),
                func.min(Claim.period_end),
                func.max(Claim.period_end),
            ).where(where(f))
        ).one()
    span = (_as_date(last) - _as_date(first)).days + 1 if first and last else 1
    for name, days, plural in PERIODS:
        if claimants * (span / days + 1) <= limit:
            return name, plural
    return PERIODS[-1][0], PERIODS[-1][2]


def _bucket(engine: Engine, period: str) -> Any:
    """The first day of the week (Monday), month, quarter or year of the as-of date."""
    end = Claim.period_end
    if engine.dialect.name == "postgresql":
        # On a timestamp without time zone: date_trunc of a date would go through the
        # session's time zone.
        return cast(func.date_trunc(period, cast(end, DateTime)), Date)
    if period == "week":
        return func.date(end, "weekday 0", "-6 days")
    if period == "month":
        return func.date(end, "start of month")
    if period == "year":
        return func.date(end, "start of year")
    back = (cast(func.strftime("%m", end), Integer) - 1) % 3
    return func.date(end, "start of month", "-" + cast(back, String) + " months")


def _aggregate(engine: Engine, f: ClaimFilter, period: str) -> pd.DataFrame:
    """The highest figure per claimant, kind and period, grouped in SQL on ix_claim_series
    (the figure's columns are in the index: no row is read)."""
    bucket = _bucket(engine, period).label("bucket")
    y = func.coalesce(Claim.value, Claim.low, Claim.high)
    grouped = (
        select(
            Claim.claimant_id,
            Claim.cumulative,
            bucket,
            func.max(y).label("value"),
            func.count().label("n_claims"),
        )
        .where(where(f), Claim.status != Status.retracted.value, y.is_not(None))
        .group_by(Claim.claimant_id, Claim.cumulative, bucket)
        .subquery()
    )
    rows = _rows(
        engine,
        select(
            Claimant.key.label("claimant_key"),
            Claimant.name.label("claimant_name"),
            Claimant.short_name.label("claimant_short"),
            grouped.c.cumulative,
            grouped.c.bucket,
            grouped.c.value,
            grouped.c.n_claims,
        )
        .join(grouped, grouped.c.claimant_id == Claimant.id)
        .order_by(Claimant.name, grouped.c.bucket),
    )
    frame = pd.DataFrame(
        [
            {
                **{k: r[k] for k in ("claimant_key", "claimant_name", "claimant_short")},
                "cumulative": bool(r["cumulative"]),
                "period_start": (start := _as_date(r["bucket"])),
                "period_end": _period_end(start, period),
                "value": int(r["value"]),
                "n_claims": int(r["n_claims"]),
            }
            for r in rows
        ],
        columns=AGGREGATE_COLUMNS,
    )
    return frame


def _period_end(start: date, period: str) -> date:
    if period == "week":
        return start + timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


#: What a statement's point takes from its first claim as it is.
_STATEMENT_AS_FIRST = (
    "claimant_key",
    "claimant_name",
    "claimant_short",
    "metric_key",
    "metric_label",
    "metric_noun",
    "place_key",
    "place_name",
    *(f for f in fields.FIGURE_FIELDS if f != "qualifier"),
    "source_id",
    "source_publisher",
    "source_title",
    "source_published",
    "source_url",
)
#: What the sources of one statement settle between them.
_STATEMENT_SETTLED = ("qualifier", "status", "status_reason", "notes", "sources")
CHART_COLUMNS = [
    "statement_key",
    "claim_ids",
    "claim_key",
    "n_sources",
    *_STATEMENT_AS_FIRST,
    *_STATEMENT_SETTLED,
]


def _point(claims: list[Any]) -> dict[str, Any]:
    first = claims[0]
    qualifiers = [c["qualifier"] for c in claims]
    # An outlet that drops "at least" still relays the same statement (store.statement_key),
    # so the point keeps the qualifier of the sources that kept it.
    qualifier = next((q for q in qualifiers if q != "exact"), "exact")
    statuses = {c["status"] for c in claims}
    standing = statuses - {"retracted"}
    if not standing:
        status = "retracted"
    elif len(standing) == 1:
        status = standing.pop()
    else:
        status = max(standing, key=lambda s: _STATUS_RANK.get(s, 0))
    reason = next((c["status_reason"] for c in claims if c["status"] == status), None)
    notes = " ".join(dict.fromkeys(str(c["notes"]) for c in claims if c.get("notes")))
    return {
        "statement_key": first["statement_key"],
        "claim_ids": tuple(c["claim_id"] for c in claims),
        "claim_key": first["claim_key"],  # the first source's claim: the statement's page
        "n_sources": len({c["source_id"] for c in claims}),
        **{k: first[k] for k in _STATEMENT_AS_FIRST},
        "qualifier": qualifier,
        "status": status,
        "status_reason": reason,
        "notes": notes or None,
        "sources": [
            {
                "claim_id": c["claim_id"],
                "publisher": c["source_publisher"],
                "title": c["source_title"],
                "published": c["source_published"],
                "url": c["source_url"],
                "quote": c["quote"],
                "qualifier": c["qualifier"],
                "status": c["status"],
            }
            for c in claims
        ],
    }


def latest_per_claimant(engine: Engine, f: ClaimFilter) -> pd.DataFrame:
    """Each claimant's latest figure per metric and place within `f`: its newest as-of date,
    and on that date the claim from the most recently published source (a restatement
    replaces the first report). Retracted claims are never a claimant's latest figure.

    Columns: CLAIM_COLUMNS plus `n_sources`, the sources carrying the same statement.
    Ordered by as-of date (newest first), then claimant.

    No window over the filter's claims: for each (claimant, metric, place) the filter
    allows, the newest as-of date is one descending seek on ix_claim_series (a correlated
    MAX, which both databases answer from the index's end), then only the claims of that
    date are joined and ranked.
    """
    f = replace(f, include_retracted=False)
    claimant, metric, place = aliased(Claimant), aliased(Metric), aliased(Place)
    newest = (
        select(func.max(Claim.period_end))
        .where(
            Claim.claimant_id == claimant.id,
            Claim.metric_id == metric.id,
            Claim.place_id == place.id,
            where(f),
        )
        .scalar_subquery()
    )
    groups = (
        select(
            claimant.id.label("claimant_id"),
            metric.id.label("metric_id"),
            place.id.label("place_id"),
            newest.label("period_end"),
        )
        .select_from(claimant)
        .join(metric, true())  # every combination the filter allows; most are one seek
        .join(place, true())
    )
    if f.claimants:
        groups = groups.where(claimant.key.in_(f.claimants))
    if f.metric:
        groups = groups.where(metric.key == f.metric)
    if f.place:
        groups = groups.where(place.key == f.place)
    latest = [tuple(r) for r in _rows_plain(engine, groups) if r[3] is not None]
    if not latest:
        return _frame([], CLAIM_COLUMNS).assign(n_sources=pd.Series(dtype=int))
    rows: list[Any] = []
    for i in range(0, len(latest), _IN_CHUNK):
        key = tuple_(Claim.claimant_id, Claim.metric_id, Claim.place_id, Claim.period_end)
        rows += _rows(
            engine,
            _claims_select(Claim.claimant_id, Claim.metric_id, Claim.place_id)
            .where(key.in_(latest[i : i + _IN_CHUNK]), where(f))
            .order_by(Source.published.desc(), Claim.id.desc()),
        )
    best: dict[tuple[int, int, int], Any] = {}
    for r in rows:  # newest source first: the first row of a group is its latest figure
        best.setdefault((r["claimant_id"], r["metric_id"], r["place_id"]), r)
    ordered = sorted(best.values(), key=lambda r: r["claimant_name"])
    ordered.sort(key=lambda r: _as_date(r["period_end"]), reverse=True)
    frame = _frame(ordered, CLAIM_COLUMNS)
    counts = _statement_source_counts(engine, f, list(frame["statement_key"]))
    return frame.assign(n_sources=[counts.get(k, 1) for k in frame["statement_key"]])


def _rows_plain(engine: Engine, stmt: Select) -> list[Any]:
    with read_session(engine) as session:
        return list(session.execute(stmt).all())


def _statement_source_counts(engine: Engine, f: ClaimFilter, keys: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(keys), _IN_CHUNK):
        rows = _rows(
            engine,
            select(Claim.statement_key, func.count(func.distinct(Claim.source_id)).label("n"))
            .where(where(f), Claim.statement_key.in_(keys[i : i + _IN_CHUNK]))
            .group_by(Claim.statement_key),
        )
        out.update({r["statement_key"]: r["n"] for r in rows})
    return out


def _claim_order(sort: str) -> list[Any]:
    name = sort.lstrip("-")
    if name not in CLAIM_SORTS:
        raise TrackerError(
            f"unknown sort {sort!r}; choose one of {', '.join(CLAIM_SORTS)} (prefix - to reverse)"
        )
    column = {
        "period_end": Claim.period_end,
        "published": Source.published,
        "value": func.coalesce(Claim.value, Claim.low, Claim.high),
        "claimant": Claimant.name,
        "metric": Metric.label,
        "place": Place.name,
        "status": Claim.status,
    }[name]
    descending = sort.startswith("-")
    return [
        column.desc() if descending else column.asc(),
        Claim.id.desc() if descending else Claim.id,
    ]


# The table each sort needs besides claim, joined in the narrow first step of claims_page.
_SORT_JOINS: dict[str, tuple[Any, Any]] = {
    "published": (Source, Source.id == Claim.source_id),
    "claimant": (Claimant, Claimant.id == Claim.claimant_id),
    "metric": (Metric, Metric.id == Claim.metric_id),
    "place": (Place, Place.id == Claim.place_id),
}


def claims_page(
    engine: Engine,
    f: ClaimFilter,
    sort: str = DEFAULT_CLAIM_SORT,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> pd.DataFrame:
    """One page of the claims matching `f` (CLAIM_COLUMNS), sorted and paginated in SQL.

    Two steps (a "deferred join"): the page's claim ids, sorted on the claim's own columns
    (plus the one table a sort by name needs), then the page's rows with everything joined.
    Sorting on ids and one key reads ix_claim_series alone, where sorting with every column
    joined would sort the whole match. The default order (newest as-of date
    first) walks ix_claim_period_end from its end and stops after the page."""
    order = _claim_order(sort)
    ids_stmt = select(Claim.id).select_from(Claim)
    if sort.lstrip("-") in _SORT_JOINS:
        table, on = _SORT_JOINS[sort.lstrip("-")]
        ids_stmt = ids_stmt.join(table, on)
    ids_stmt = ids_stmt.where(where(f)).order_by(*order).limit(limit).offset(offset)
    ids = [r[0] for r in _rows_plain(engine, ids_stmt)]
    if not ids:
        return _frame([], CLAIM_COLUMNS)
    rows = {r["claim_id"]: r for r in _rows(engine, _claims_select().where(Claim.id.in_(ids)))}
    return _frame([rows[i] for i in ids if i in rows], CLAIM_COLUMNS)


def count_claims(engine: Engine, f: ClaimFilter, at_most: int | None = None) -> int:
    """Claims matching `f`; with `at_most`, counted up to that many and no further (the
    claims table shows "more than 10,000" rather than read a million index entries)."""
    if at_most is not None:
        return _count_upto(engine, f, at_most)
    with read_session(engine) as session:
        return session.execute(select(func.count(Claim.id)).where(where(f))).scalar_one()


SOURCE_LIST_COLUMNS = ["source_id", "publisher", "title", "published", "url", "synthetic", "claims"]


def _source_search(text: str | None) -> list[Any]:
    if not text or not text.strip():
        return []
    needle = text.strip()
    if len(needle) > LONGEST_SEARCHED or "\x00" in needle:
        return [literal(False)]
    return [text_contains("source", {"title": Source.title, "publisher": Source.publisher}, needle)]


def sources_list(
    engine: Engine, text: str | None = None, limit: int = PAGE_SIZE, offset: int = 0
) -> pd.DataFrame:
    """Sources (newest first) with their claim counts; `text` searches title and publisher.

    The page is read off ix_source_published; each listed source's claims are counted by a
    correlated count on ix_claim_source_id, so that only the page's claims are counted."""
    claims = (
        select(func.count())
        .select_from(Claim)
        .where(Claim.source_id == Source.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            Source.id.label("source_id"),
            Source.publisher,
            Source.title,
            Source.published,
            Source.url,
            Source.synthetic,
            claims.label("claims"),
        )
        .where(*_source_search(text))
        .order_by(Source.published.desc(), Source.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return _frame(_rows(engine, stmt), SOURCE_LIST_COLUMNS)


def count_sources(engine: Engine, text: str | None = None) -> int:
    with read_session(engine) as session:
        return session.execute(
            select(func.count(Source.id)).where(*_source_search(text))
        ).scalar_one()


SOURCE_FIELDS = ("id", *fields.names(fields.SOURCE_FIELDS, exported=True))


def source_detail(engine: Engine, source_id: int) -> dict[str, Any] | None:
    """A source's metadata and text, with `claims` (every claim taken from it, CLAIM_COLUMNS);
    None when there is no such source."""
    with read_session(engine) as session:
        source = session.get(Source, source_id)
        if source is None:
            return None
        out = {k: getattr(source, k) for k in SOURCE_FIELDS}
    claims = _rows(engine, _claims_select().where(Claim.source_id == source_id).order_by(Claim.id))
    out["claims"] = _frame(claims, CLAIM_COLUMNS)
    return out


#: What a citation of a source needs (tracker.sharing.bibliography), without its stored text.
CITATION_FIELDS = ("id", "url", "title", "publisher", "published", "language", "archive_url")


def citation_sources(engine: Engine, source_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The sources `source_ids` as CSL-JSON and BibTeX read them (`CITATION_FIELDS` and
    `retrieved_at`), by id, in one query: the Figures page cites a source per claimant, and
    `source_detail` would also load every claim and the article's text."""
    ids = sorted({int(i) for i in source_ids})
    if not ids:
        return {}
    columns = [getattr(Source, name) for name in (*CITATION_FIELDS, "retrieved_at")]
    with read_session(engine) as session:
        rows = session.execute(select(*columns).where(Source.id.in_(ids))).mappings().all()
    return {int(r["id"]): dict(r) for r in rows}


def claim_detail(engine: Engine, claim_id: int) -> dict[str, Any] | None:
    """One claim (CLAIM_COLUMNS plus notes) with `other_claims` from its source and
    `same_statement`, the other claims relaying the same statement; None when missing."""
    rows = _rows(engine, _claims_select().where(Claim.id == claim_id))
    if not rows:
        return None
    claim = dict(rows[0])
    claim["other_claims"] = _frame(
        _rows(
            engine,
            _claims_select()
            .where(Claim.source_id == claim["source_id"], Claim.id != claim_id)
            .order_by(Claim.id),
        ),
        CLAIM_COLUMNS,
    )
    claim["same_statement"] = _frame(
        _rows(
            engine,
            _claims_select()
            .where(Claim.statement_key == claim["statement_key"], Claim.id != claim_id)
            .order_by(Source.published, Claim.id),
        ),
        CLAIM_COLUMNS,
    )
    return claim


# --- what a chart view offers ----------------------------------------------------------------


def period_lengths(engine: Engine, f: ClaimFilter) -> dict[str, int]:
    """Per-period claims matching `f` (whatever its own `period_length`) by the length of
    their window (tracker.filters.PERIOD_LENGTHS keys), most common first: one GROUP BY
    over the windows' lengths, which are then named here (a few distinct lengths)."""
    f = replace(f, cumulative=False, period_length=None)
    days = WindowDays()
    with read_session(engine) as session:
        rows = session.execute(
            select(days.label("days"), func.count().label("n")).where(where(f)).group_by(days)
        ).all()
    counts: dict[str, int] = {}
    for window, n in rows:
        key = period_length_of(int(window or 0))
        counts[key] = counts.get(key, 0) + int(n)
    order = list(PERIOD_LENGTHS)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0]))))


def series_order(engine: Engine) -> dict[str, list[str]]:
    """Every claimant's and place's key in the order they entered the store (by id): the
    stable order a chart's colours are assigned in (tracker.charts.series_colours), the
    same in every view, embed and image, and unchanged by later additions."""
    with read_session(engine) as session:
        claimants = session.execute(select(Claimant.key).order_by(Claimant.id)).scalars().all()
        places = session.execute(select(Place.key).order_by(Place.id)).scalars().all()
    return {"claimant": list(claimants), "place": list(places)}


def metrics_with_figures(engine: Engine, place: str | None, within: bool = False) -> set[str]:
    """The metrics that have claims about `place` (or, `within`, the places in it): the
    Figures page offers only those, never a metric that leads to an empty chart.

    One EXISTS per metric, each a seek in ix_claim_series (metric, place, ...): the distinct
    metrics of a place's claims would read every one of its claims."""
    f = ClaimFilter(place=place, within=within)
    with read_session(engine) as session:
        has = select(Claim.id).where(Claim.metric_id == Metric.id, where(f)).exists()
        rows = session.execute(select(Metric.key).where(has)).all()
    return {r[0] for r in rows}


def claim_id_for(engine: Engine, reference: str) -> int | None:
    """The claim a link names: by its id from the data files (`Claim.key`, e.g.
    `ohchr-2023-02-12-killed`: the same in every store built from those files), else, for
    links made before stable ids, by its row number; None when neither exists."""
    reference = reference.strip()
    if not reference or len(reference) > 200:
        return None
    with read_session(engine) as session:
        found = session.execute(select(Claim.id).where(Claim.key == reference)).scalar()
        if found is None and reference.isascii() and reference.isdigit():
            number = int(reference)
            if 0 < number < 2**31:
                found = session.execute(select(Claim.id).where(Claim.id == number)).scalar()
    return int(found) if found is not None else None


def latest_as_of(engine: Engine, f: ClaimFilter) -> date | None:
    """The latest as-of date among the claims `f` selects (a chart's "as of")."""
    with read_session(engine) as session:
        found = session.execute(select(func.max(Claim.period_end)).where(where(f))).scalar()
    return _as_date(found) if found is not None else None


def place_name(engine: Engine, key: str) -> str | None:
    with read_session(engine) as session:
        return session.execute(select(Place.name).where(Place.key == key)).scalar()
