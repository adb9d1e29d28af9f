"""Consistency checks: small named rules over the stored claims that point at figures
deserving a second look.

Each rule yields `Finding`s: the rule's id, a severity, one sentence a journalist can act
on (with the figures, claimants and dates in it), and the claims and source URLs concerned.

Severities say who has to act:
- `error`: the record cannot be right as stored (its figure is not in its quote, its quote
  is not in its source, its period ends after publication). `tracker check` exits 1.
- `warning`: records disagree with each other; each may be right, but a reader needs a
  note (a decrease, a disagreement between claimants, an unmarked copy).
- `info`: worth knowing before publishing (a jump that is probably a revision, a figure
  restated for the same period, one statement stored under two date labels).

Two conventions of the store run through every rule:
- Claims with the same `statement_key` are ONE statement relayed by several sources (or
  marked `duplicate_of`). Series rules count each statement once, on its original claim,
  so that ten outlets repeating the UN are not ten points, nor a "decrease" when an outlet
  dates the figure a day later.
- Qualifiers are ranges (`figure_bounds`): "at least 100" is 100 or more and does not
  contradict 150; "about 8,000" allows a tolerance. A contradiction is a gap between ranges.

Retracted claims are left out: the retraction is already the curator's answer. A claim's
`check_override` (a curator's recorded confirmation) silences the quote checks for it.

Rules run in three ways, so that a store of a million claims is never loaded at once and
no rule does Python work per pair of claims:
- "claim" rules read every claim once, as the driver's tuples (`_stream`), and describe
  only the few that fail;
- "store" rules run their own queries (aggregates in SQL: duplicate-claim is a GROUP BY);
- "series" rules are fed one (metric, place scope) group at a time from a single ordered,
  streamed query: the memory held is one group's (at a million claims the largest holds
  about 24,000). Within a group each claimant's statements are worked out once for all
  the rules (`_statement_series`), and claimant-disagreement compares every pair of
  claimants at once over numpy arrays (`tracker.checks.arrays`): with fifty claimants at a
  place, pair by pair in Python was 1,225 comparisons of whole series per group. After an
  edit, only the edited claims' claimants' series and pairs are checked again
  (`Context.only_claimants`): one claimant's findings depend on its own series, a pair's on
  the two claimants' series only.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import combinations, count, groupby
from operator import itemgetter
from statistics import median
from typing import Any

import numpy as np
from sqlalchemy import case, func, true
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.checks import arrays
from tracker.core.errors import TrackerError
from tracker.domain import fields
from tracker.domain.models import Claim, Claimant, Metric, Place, Revision, Source
from tracker.domain.vocab import QUALIFIER_WORDS, DateBasis, PlaceLevel, Qualifier, Status
from tracker.extraction.numbers import find_numbers
from tracker.extraction.quotes import normalise_text, quote_in_normalised
from tracker.store.db import read_session

INF = math.inf
CHUNK = 500
#: Rows per fetch of a streamed read (`_stream`).
STREAM_BATCH = 10_000
_CURSORS = count()


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


SEVERITY_RANK = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


@dataclass(frozen=True)
class Finding:
    """One thing a rule found. `claims` are claim ids, `sources` their sources' URLs."""

    rule: str
    severity: str
    message: str
    claims: tuple[int, ...]
    sources: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """Exactly the five fields, as JSON-ready values (the `tracker check` format)."""
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "claims": list(self.claims),
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class CheckConfig:
    """The thresholds of the rules; defaults chosen on the shipped sample (see tests)."""

    #: claimant-disagreement: figures whose as-of dates are at most this far apart are
    #: compared. A month is safe because cumulative figures are first projected along the
    #: claimants' own trends across the gap (see `growth_slack`).
    window_days: int = 31
    #: claimant-disagreement: the gap between the two figures' ranges, as a share of the
    #: larger figure, above which they disagree.
    share: float = 0.05
    #: The tolerance "about" stands for (DOMAIN.md: "about 8,000" does not contradict 7,950).
    about_share: float = 0.10
    #: claimant-disagreement: how many times the faster claimant's recent daily rise the
    #: earlier figure may have grown by the later date.
    growth_slack: float = 2.0
    #: sudden-jump: a rise at least this many times the series' usual daily rise ...
    jump_factor: float = 4.0
    #: ... and at least this share of the earlier figure.
    jump_min_share: float = 0.05
    #: sudden-jump: how many neighbouring intervals on each side make "its own trend".
    jump_neighbours: int = 3
    #: claimant-disagreement, per-period figures: the periods must overlap this much.
    period_overlap: float = 0.9
    #: duplicate-claim: the same cumulative figure from one claimant with as-of dates this
    #: close is probably one statement under two date labels.
    relabel_days: int = 7


# --- how the rules see a claim ------------------------------------------------------------


def figure_bounds(
    value: int | None,
    low: int | None,
    high: int | None,
    qualifier: str,
    about_share: float = 0.10,
) -> tuple[float, float]:
    """The range of true figures a claim allows. "More than 12,000" is read as 12,000 or
    more: the claimant rounded, and a check must not fire on its rounding."""
    lo = low if low is not None else value
    hi = high if high is not None else value
    assert lo is not None and hi is not None
    if qualifier in (Qualifier.at_least, Qualifier.more_than):
        return float(lo), INF
    if qualifier in (Qualifier.at_most, Qualifier.fewer_than):
        return 0.0, float(hi)
    if qualifier == Qualifier.about:
        return lo * (1 - about_share), hi * (1 + about_share)
    return float(lo), float(hi)


def describe_figure(value: int | None, low: int | None, high: int | None, qualifier: str) -> str:
    """ "at least 8,006", "about 5", "40–50": the figure as a reader should see it."""
    if low is not None and high is not None and low != high:
        core = f"{low:,}–{high:,}"
    else:
        core = f"{value if value is not None else low:,}"
    words = QUALIFIER_WORDS.get(qualifier, "")
    return f"{words} {core}".strip()


def describe_date(d: date) -> str:
    return f"{d.day} {d:%b} {d.year}"


@dataclass(slots=True)
class Point:
    """One claim, with what the series rules need and nothing else (a million fit).

    It repeats `ClaimedFigure`'s fields instead of extending it: a subclass of that frozen
    dataclass must be frozen, and a frozen Point is slower to build, once per claim."""

    id: int
    statement_key: str
    duplicate_of: str | None
    claimant_id: int
    metric_id: int
    place_id: int
    value: int | None
    low: int | None
    high: int | None
    qualifier: str
    period_start: date | None
    period_end: date
    cumulative: bool
    source_id: int
    published: date
    date_basis: str = "stated"
    url: str = ""  # its source's
    publisher: str = ""
    lo: float = 0.0
    hi: float = 0.0
    nominal: float = 0.0

    def figure(self) -> str:
        return describe_figure(self.value, self.low, self.high, self.qualifier)


def statements(points: Iterable[Point]) -> list[Point]:
    """One point per statement: the original claim (not marked `duplicate_of`), else the
    earliest-dated relay. Sorted by as-of date."""
    best: dict[str, Point] = {}
    for p in points:
        cur = best.get(p.statement_key)
        rank = (p.duplicate_of is not None, p.period_end, p.id)
        if cur is None or rank < (cur.duplicate_of is not None, cur.period_end, cur.id):
            best[p.statement_key] = p
    return sorted(best.values(), key=lambda p: (p.period_end, p.id))


# --- context: labels, sources and configuration shared by the rules -------------------------


@dataclass
class Context:
    """What every rule may read: the session, the thresholds, and words for ids."""

    session: Session
    config: CheckConfig
    claimants: dict[int, str] = field(default_factory=dict)
    metrics: dict[int, str] = field(default_factory=dict)
    places: dict[int, str] = field(default_factory=dict)
    scope: dict[int, int] = field(default_factory=dict)
    #: When set, per-claim rules look at these claims only and series rules at these
    #: (metric, scope) groups only: the incremental refresh of the stored findings.
    only_claims: set[int] | None = None
    only_groups: set[tuple[int, int]] | None = None
    #: When set, store rules look at these statements only (`findings_for_claims`).
    only_statements: set[str] | None = None
    #: When set, the claimants whose series changed in each of `only_groups`: the series
    #: rules look at those claimants' series only, and claimant-disagreement at the pairs
    #: of claimants that include one of them (the others' findings cannot have changed).
    #: A group missing here is checked whole.
    only_claimants: dict[tuple[int, int], set[int]] | None = None
    #: The claimants to check in the group being checked (None: all), from `only_claimants`.
    focus: set[int] | None = None
    _sources: dict[int, tuple[str, str, date]] = field(default_factory=dict)
    #: The statements of each (claimant, place) series of the group being checked, shared
    #: by the series rules (`_statement_series`).
    _series: tuple[list[Point], dict[tuple[int, int], list[Point]]] | None = None

    @classmethod
    def load(cls, session: Session, config: CheckConfig) -> Context:
        ctx = cls(session, config)
        for id_, short, name in session.exec(
            select(Claimant.id, Claimant.short_name, Claimant.name)
        ):
            ctx.claimants[id_] = short or name
        for id_, noun, label in session.exec(select(Metric.id, Metric.noun, Metric.label)):
            ctx.metrics[id_] = noun or label.lower()
        places = session.exec(select(Place.id, Place.name, Place.level, Place.parent_id)).all()
        for id_, name, level, parent in places:
            ctx.places[id_] = name
            # An "area" is a scope of its parent (territory not occupied by Russia): the
            # same claimant's figures for the two are one series with a change of base.
            # Regions and settlements are parts, never compared with the whole.
            ctx.scope[id_] = parent if level == PlaceLevel.area and parent else id_
        return ctx

    def claim_filters(self) -> Iterator[Any]:
        """SQL conditions covering the claims to check, in chunks small enough for IN."""
        if self.only_claims is None:
            yield true()
            return
        ids = sorted(self.only_claims)
        for i in range(0, len(ids), CHUNK):
            yield Claim.id.in_(ids[i : i + CHUNK])

    def source(self, source_id: int) -> tuple[str, str, date]:
        """(url, publisher, published) of a source, fetched in batches as rules ask."""
        if source_id not in self._sources:
            self.prefetch_sources([source_id])
        return self._sources[source_id]

    def prefetch_sources(self, ids: Iterable[int]) -> None:
        missing = sorted({i for i in ids if i not in self._sources})
        for i in range(0, len(missing), CHUNK):
            rows = self.session.exec(
                select(Source.id, Source.url, Source.publisher, Source.published).where(
                    Source.id.in_(missing[i : i + CHUNK])
                )
            )
            for id_, url, publisher, published in rows:
                self._sources[id_] = (url, publisher, published)

    def finding(
        self, rule: str, severity: Severity, message: str, points: Sequence[Any]
    ) -> Finding:
        """A finding about `points` (anything with `.id` and `.source_id`), in their order."""
        ids = tuple(dict.fromkeys(p.id for p in points))
        if all(getattr(p, "url", None) for p in points):  # they carry their source's URL
            urls = tuple(dict.fromkeys(p.url for p in points))
        else:
            self.prefetch_sources(p.source_id for p in points)
            urls = tuple(dict.fromkeys(self.source(p.source_id)[0] for p in points))
        return Finding(rule, severity.value, message, ids, urls)

    def who(self, p: Any) -> str:
        return self.claimants.get(p.claimant_id, "an unknown claimant")

    def what(self, p: Any) -> str:
        return self.metrics.get(p.metric_id, "figures")

    def where(self, p: Any) -> str:
        return self.places.get(p.place_id, "an unknown place")

    def bounds(self, p: Point) -> tuple[float, float]:
        return figure_bounds(p.value, p.low, p.high, p.qualifier, self.config.about_share)


def period_words(p: Any) -> str:
    """ "as of 12 Feb 2023" for a cumulative figure, "from 1 Jan 2025 to 31 Dec 2025" else."""
    if p.cumulative or p.period_start is None:
        return f"as of {describe_date(p.period_end)}"
    if p.period_start == p.period_end:
        return f"on {describe_date(p.period_end)}"
    return f"from {describe_date(p.period_start)} to {describe_date(p.period_end)}"


# --- rule registry --------------------------------------------------------------------------

StoreRule = Callable[[Context], Iterator[Finding]]
SeriesRule = Callable[[list[Point], Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A check, in up to three parts: per claim (its findings depend on that claim and its
    source only), over the whole store (SQL aggregates), per (metric, place scope) group."""

    id: str
    title: str
    claim: StoreRule | None = None
    store: StoreRule | None = None
    series: SeriesRule | None = None


RULES: dict[str, Rule] = {}


def _rule(id_: str, title: str, *, kind: str) -> Callable[[Callable], Callable]:
    def register(fn: Callable) -> Callable:
        old = RULES.get(id_) or Rule(id_, title)
        parts = {k: getattr(old, k) for k in ("claim", "store", "series")} | {kind: fn}
        RULES[id_] = Rule(id_, title, **parts)
        return fn

    return register


# --- store rules: one query each --------------------------------------------------------------


def _not_retracted():  # noqa: ANN202
    return Claim.status != Status.retracted.value


#: The columns a per-claim message needs (who, what, where, when, which figure).
_DESCRIBED = (
    Claim.id,
    Claim.source_id,
    Claim.claimant_id,
    Claim.metric_id,
    Claim.place_id,
    *(getattr(Claim, name) for name in fields.FIGURE_FIELDS),
)


def _figure_of(r: Any) -> str:
    return describe_figure(r.value, r.low, r.high, r.qualifier)


def _stream(ctx: Context, query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a large read as the driver gives them (plain tuples, dates as SQLite's
    ISO text or PostgreSQL's dates: see `_Days`), in batches, on the session's connection
    and transaction. SQLAlchemy's result rows cost more per row than the rules that read
    them. The query holds no value from outside (ids and constants), so it is compiled
    with its values inline; PostgreSQL streams it through a server-side cursor."""
    connection = ctx.session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"checks_{next(_CURSORS)}")
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(STREAM_BATCH):
            yield from batch
    finally:
        cursor.close()


def _figure_in_text(figure: int, text: str, lang: str | None = None) -> bool:
    """`tracker.extraction.numbers.figure_in_text`, its fast path without a regex per figure
    (`tracker.checks.arrays.figure_printed`)."""
    if not text:
        return False
    if arrays.figure_printed(figure, text):
        return True
    return any(n.value == figure for n in find_numbers(text, lang or "en"))


@_rule("figure-not-in-quote", "The claim's figure is not in its quote", kind="claim")
def figure_not_in_quote(ctx: Context) -> Iterator[Finding]:
    """The quote must carry the figure (DOMAIN.md), in digits with or without separators
    or in number words; a translation the curator added counts too."""
    for condition in ctx.claim_filters():
        # The texts and figures only, as plain tuples; the few claims that fail are read
        # again with what their message needs.
        rows = _stream(
            ctx,
            select(
                Claim.id,
                Claim.value,
                Claim.low,
                Claim.high,
                Claim.quote,
                Claim.quote_language,
                Claim.quote_translation,
            )
            .where(condition, _not_retracted(), Claim.check_override.is_(None))
            .order_by(Claim.id),
        )
        failed: dict[int, list[int]] = {}
        for id_, value, low, high, quote, language, translation in rows:
            wanted = [value] if value is not None else []
            if low is not None and high is not None and low != high:
                wanted += [low, high]
            missing = [
                f
                for f in wanted
                if not _figure_in_text(f, quote, language)
                and not _figure_in_text(f, translation or "")
            ]
            if missing:
                failed[id_] = missing
        ids = sorted(failed)
        for i in range(0, len(ids), CHUNK):
            described = ctx.session.execute(
                select(*_DESCRIBED, Claim.quote)
                .where(Claim.id.in_(ids[i : i + CHUNK]))
                .order_by(Claim.id)
            )
            for r in described:
                shown = " and ".join(f"{f:,}" for f in failed[r.id])
                yield ctx.finding(
                    "figure-not-in-quote",
                    Severity.error,
                    f"The quote for {ctx.who(r)}'s {_figure_of(r)} {ctx.what(r)} in "
                    f"{ctx.where(r)} {period_words(r)} does not contain {shown}: "
                    f"{_short(r.quote)!r}; correct the figure or the quote, or record why it "
                    "is right.",
                    [r],
                )


@_rule("quote-not-in-source", "The quote is not in the stored source text", kind="claim")
def quote_not_in_source(ctx: Context) -> Iterator[Finding]:
    """Only sources whose text is stored can be checked; each text is normalised once."""
    source_ids: list[int] = []
    for condition in ctx.claim_filters():
        source_ids += ctx.session.exec(
            select(Source.id)
            .where(
                Source.text.is_not(None),
                Source.id.in_(select(Claim.source_id).where(condition)),
            )
            .order_by(Source.id)
        ).all()
    only = ctx.only_claims
    source_ids = sorted(set(source_ids))
    for i in range(0, len(source_ids), 50):
        chunk = source_ids[i : i + 50]
        texts = {
            id_: normalise_text(text)
            for id_, text in ctx.session.exec(
                select(Source.id, Source.text).where(Source.id.in_(chunk))
            )
        }
        claims = ctx.session.execute(
            select(*_DESCRIBED, Claim.quote)
            .where(Claim.source_id.in_(chunk), _not_retracted(), Claim.check_override.is_(None))
            .order_by(Claim.id)
        )
        for r in claims:
            if (only is not None and r.id not in only) or quote_in_normalised(
                r.quote, texts[r.source_id]
            ):
                continue
            _url, publisher, published = ctx.source(r.source_id)
            yield ctx.finding(
                "quote-not-in-source",
                Severity.error,
                f"The quote for {ctx.who(r)}'s {_figure_of(r)} {ctx.what(r)} in {ctx.where(r)} "
                f"{period_words(r)}, {_short(r.quote)!r}, is not in the stored text of "
                f"{publisher} ({describe_date(published)}); check it against the article.",
                [r],
            )


@_rule(
    "period-after-publication",
    "The figure's period ends after its source was published",
    kind="claim",
)
def period_after_publication(ctx: Context) -> Iterator[Finding]:
    """The importer refuses such claims; a source's date corrected later can still cause one."""
    for condition in ctx.claim_filters():
        rows = ctx.session.execute(
            select(*_DESCRIBED, Source.publisher, Source.published)
            .join(Source, Source.id == Claim.source_id)
            .where(condition, Claim.period_end > Source.published, _not_retracted())
            .order_by(Claim.id)
        )
        for r in rows:
            yield ctx.finding(
                "period-after-publication",
                Severity.error,
                f"{ctx.who(r)}'s {_figure_of(r)} {ctx.what(r)} in {ctx.where(r)} is dated "
                f"{describe_date(r.period_end)}, after {r.publisher} published it on "
                f"{describe_date(r.published)}; correct the date of the figure or of the source.",
                [r],
            )


@_rule("duplicate-claim", "The same statement is stored more than once", kind="store")
def duplicate_claim(ctx: Context) -> Iterator[Finding]:
    """Same claimant, metric, place, period and figure (one `statement_key`) stored from
    several sources, at least two of them not marked `duplicate_of`: syndicated copies.
    Grouped in SQL, so that a million claims cost one GROUP BY."""
    unmarked = func.count(Claim.id) - func.count(Claim.duplicate_of)
    duplicated = (
        select(Claim.statement_key)
        .where(_not_retracted())
        .group_by(Claim.statement_key)
        .having(unmarked > 1)
        .order_by(Claim.statement_key)
    )
    if ctx.only_statements is None:
        keys = ctx.session.exec(duplicated).all()
    else:
        wanted = sorted(ctx.only_statements)
        keys = []
        for i in range(0, len(wanted), CHUNK):
            keys += ctx.session.exec(
                duplicated.where(Claim.statement_key.in_(wanted[i : i + CHUNK]))
            ).all()
        keys.sort()
    for i in range(0, len(keys), CHUNK):
        rows = ctx.session.execute(
            select(
                Claim.id,
                Claim.key,
                Claim.statement_key,
                Claim.source_id,
                Claim.claimant_id,
                Claim.metric_id,
                Claim.place_id,
                *(getattr(Claim, name) for name in fields.FIGURE_FIELDS),
                Source.publisher,
                Source.published,
                Source.url,
            )
            .join(Source, Source.id == Claim.source_id)
            .where(Claim.statement_key.in_(keys[i : i + CHUNK]), _not_retracted())
            .order_by(Claim.statement_key, Source.published, Claim.id)
        ).all()
        for _key, group in groupby(rows, key=lambda r: r.statement_key):
            copies = list(group)
            first = copies[0]
            yield ctx.finding(
                "duplicate-claim",
                Severity.warning,
                f"{ctx.who(first)}'s {describe_figure(first.value, first.low, first.high, first.qualifier)} "
                f"{ctx.what(first)} in {ctx.where(first)} {period_words(first)} is stored "
                f"{len(copies)} times; the earliest source is {first.publisher} "
                f"({describe_date(first.published)}), so mark the others duplicate_of "
                f"{first.key} to keep one statement with several sources.",
                copies,
            )


# --- series rules: one (metric, place scope) group at a time -----------------------------------


def _by(points: Iterable[Point], key: Callable[[Point], Any]) -> dict[Any, list[Point]]:
    out: dict[Any, list[Point]] = defaultdict(list)
    for p in points:
        out[key(p)].append(p)
    return out


def _statement_series(group: list[Point], ctx: Context) -> dict[tuple[int, int], list[Point]]:
    """(claimant, place) -> that series' statements (`statements`), worked out once per
    group for all the series rules."""
    if ctx._series is None or ctx._series[0] is not group:
        by_series = _by(group, lambda p: (p.claimant_id, p.place_id))
        ctx._series = (group, {key: statements(pts) for key, pts in by_series.items()})
    return ctx._series[1]


def _focused_series(group: list[Point], ctx: Context) -> Iterator[list[Point]]:
    """The statements of each series of the claimants to check (`Context.focus`): the rules
    about one claimant's figures."""
    for (claimant, _place), stated in _statement_series(group, ctx).items():
        if ctx.focus is None or claimant in ctx.focus:
            yield stated


def _latest_published(points: Iterable[Point]) -> Point:
    """Of several figures for one date, the one the claimant stands by now."""
    return max(points, key=lambda p: (p.published, p.id))


def _one_per_date(points: list[Point]) -> list[Point]:
    return [_latest_published(g) for _, g in groupby(points, key=lambda p: p.period_end)]


@_rule("cumulative-decrease", "A cumulative figure went down", kind="series")
def cumulative_decrease(group: list[Point], ctx: Context) -> Iterator[Finding]:
    """A cumulative count can only grow: a later figure whose whole range is below the
    range of the claimant's previous figure is a misquote, a wrong date or a restatement.

    A claimant's figures for a place and for its "area" scopes (Ukraine; territory not
    occupied by Russia) form one series: the first figure under a new scope is compared
    with the latest one under the old scope, and the message says the bases differ."""
    for claimant, pts in _by(group, lambda p: p.claimant_id).items():
        if ctx.focus is not None and claimant not in ctx.focus:
            continue
        series = [p for p in statements(pts) if p.cumulative]
        latest: dict[int, Point] = {}
        for _day, same_day in groupby(series, key=lambda p: p.period_end):
            day_points = list(same_day)
            for q in day_points:
                prev = latest.get(q.place_id)
                if prev is None and latest:
                    prev = max(latest.values(), key=lambda p: (p.period_end, p.published, p.id))
                if prev is None or not q.hi < prev.lo:
                    continue
                if prev.place_id == q.place_id:
                    message = (
                        f"{ctx.who(q)}'s cumulative count of {ctx.what(q)} in {ctx.where(q)} "
                        f"went down from {prev.figure()} as of {describe_date(prev.period_end)} "
                        f"to {q.figure()} as of {describe_date(q.period_end)}; a count since a "
                        "fixed start cannot fall, so look for a misquote, a wrong date or a "
                        "restatement and add a note."
                    )
                else:
                    message = (
                        f"{ctx.who(q)}'s cumulative count of {ctx.what(q)} went down from "
                        f"{prev.figure()} in {ctx.where(prev)} as of "
                        f"{describe_date(prev.period_end)} to {q.figure()} in {ctx.where(q)} as "
                        f"of {describe_date(q.period_end)}; the two cover different areas, so "
                        "say which base a comparison uses."
                    )
                yield ctx.finding("cumulative-decrease", Severity.warning, message, [prev, q])
            for q in day_points:
                cur = latest.get(q.place_id)
                if cur is None or cur.period_end < q.period_end or cur.published <= q.published:
                    latest[q.place_id] = q


def _rates(series: list[Point]) -> list[tuple[int, float]]:
    """(index of the interval's later point, nominal rise per day) along a series; the
    first interval runs from the series' start (a count of 0 on `period_start`)."""
    out: list[tuple[int, float]] = []
    first = series[0] if series else None
    if first is not None and first.period_start and first.period_start < first.period_end:
        out.append((0, first.nominal / (first.period_end - first.period_start).days))
    for i in range(1, len(series)):
        p, q = series[i - 1], series[i]
        days = (q.period_end - p.period_end).days
        if days > 0:
            out.append((i, (q.nominal - p.nominal) / days))
    return out


@_rule("sudden-jump", "A cumulative figure rose far faster than its own trend", kind="series")
def sudden_jump(group: list[Point], ctx: Context) -> Iterator[Finding]:
    """A rise many times the series' usual daily rise between two nearby dates (at most
    `window_days` apart: over months a war's pace changes for its own reasons) is usually a
    revision or a change of method (OHCHR's 7,199 to 8,006 in three days in February 2023
    was newly corroborated 2022 cases): charts need a note, never smoothing.

    The rise is measured between the ranges ("at least" on the earlier figure makes the
    rise unknowable, so no jump is claimed), the trend is the median daily rise of the
    neighbouring intervals on both sides."""
    cfg = ctx.config
    for stated in _focused_series(group, ctx):
        series = _one_per_date([p for p in stated if p.cumulative])
        if len(series) < 2:
            continue
        rates = _rates(series)
        for pos, (i, _rate) in enumerate(rates):
            if i == 0:
                continue
            p, q = series[i - 1], series[i]
            if p.hi == INF:
                continue
            rise = q.lo - p.hi
            if rise <= 0 or rise < cfg.jump_min_share * max(p.nominal, 1):
                continue
            lo, hi = max(0, pos - cfg.jump_neighbours), pos + cfg.jump_neighbours + 1
            neighbours = [
                r for j, (_, r) in enumerate(rates[lo:hi], start=lo) if j != pos and r >= 0
            ]
            if len(neighbours) < 2:
                continue
            trend = median(neighbours)
            days = (q.period_end - p.period_end).days
            if days > cfg.window_days or rise / days <= cfg.jump_factor * trend:
                continue
            yield ctx.finding(
                "sudden-jump",
                Severity.info,
                f"{ctx.who(q)}'s cumulative count of {ctx.what(q)} in {ctx.where(q)} rose from "
                f"{p.figure()} as of {describe_date(p.period_end)} to {q.figure()} as of "
                f"{describe_date(q.period_end)}, {rise:,.0f} in {days} day{'s' if days != 1 else ''} "
                f"against a usual {trend:,.1f} a day; if it is a revision or a change of method, "
                "say so next to the figure.",
                [p, q],
            )


@dataclass
class _Gap:
    """Two claimants' figures that disagree: the earlier (or first) and the later."""

    early: Point
    late: Point
    gap: float
    scale: float
    days: int


@_rule("claimant-disagreement", "Two claimants disagree beyond their stated ranges", kind="series")
def claimant_disagreement(group: list[Point], ctx: Context) -> Iterator[Finding]:
    """Different claimants, same metric and place, as-of dates within the window: their
    ranges are compared after the earlier figure is allowed to grow by `growth_slack`
    times the faster claimant's recent daily rise over the days between them.

    Each claim is compared only with the other claimant's nearest figure, and only when
    that figure's nearest is this claim in turn. Two claimants who disagree again and
    again (two daily series apart by a fifth) make ONE finding, listing every claim
    involved and describing the latest instance: a journalist needs the pattern once.

    Every pair of claimants at a place is compared at once, over arrays
    (`tracker.checks.arrays`): fifty claimants make 1,225 pairs per place."""
    at_places: dict[int, dict[int, list[Point]]] = {}
    for (claimant, place), stated in _statement_series(group, ctx).items():
        at_places.setdefault(place, {})[claimant] = stated
    for per_claimant in at_places.values():
        if len(per_claimant) < 2:
            continue
        claimants = sorted(per_claimant)
        focus = None
        if ctx.focus is not None:
            focus = np.fromiter((c in ctx.focus for c in claimants), bool, len(claimants))
            if not focus.any():
                continue
        found: dict[tuple[int, int], tuple[list[_Gap], list[_Gap]]] = {}
        cumulative = [
            _one_per_date([p for p in per_claimant[c] if p.cumulative]) for c in claimants
        ]
        for a, b, gap in _gaps_cumulative(cumulative, ctx, focus):
            found.setdefault((a, b), ([], []))[0].append(gap)
        periodic = [[p for p in per_claimant[c] if not p.cumulative] for c in claimants]
        for a, b, gap in _gaps_periodic(periodic, ctx, focus):
            found.setdefault((a, b), ([], []))[1].append(gap)
        for pair in sorted(found):
            for gaps in found[pair]:
                if gaps:
                    yield _disagreement(gaps, ctx)


def _disagreement(gaps: list[_Gap], ctx: Context) -> Finding:
    gaps.sort(key=lambda g: (g.late.period_end, g.late.id))
    last = gaps[-1]
    e, lt = last.early, last.late
    if e.cumulative:
        case_ = (
            f"{ctx.who(e)} counted {e.figure()} {ctx.what(e)} in {ctx.where(e)} as of "
            f"{describe_date(e.period_end)} but {ctx.who(lt)} counted {lt.figure()} as of "
            f"{describe_date(lt.period_end)}"
        )
    else:
        case_ = (
            f"{ctx.who(e)} counted {e.figure()} {ctx.what(e)} in {ctx.where(e)} "
            f"{period_words(e)} but {ctx.who(lt)} counted {lt.figure()} {period_words(lt)}"
        )
    gap = _gap_words(last.gap, last.scale, last.days)
    if len(gaps) == 1:
        message = f"{case_}, {gap}; say whose figure is used and why they differ."
    else:
        first = gaps[0].late.period_end
        message = (
            f"{ctx.who(e)} and {ctx.who(lt)} disagree on {ctx.what(e)} in {ctx.where(e)} at "
            f"{len(gaps)} dates from {describe_date(first)} to {describe_date(lt.period_end)}; "
            f"most recently {case_}, "
            f"{gap}; say whose figure is used and why they differ."
        )
    points = [p for g in gaps for p in (g.early, g.late)]
    return ctx.finding("claimant-disagreement", Severity.warning, message, points)


def _gap_words(gap: float, scale: float, days: int) -> str:
    share = 100 * gap / scale
    apart = f"{share:.0f}% apart" if share >= 1 else "apart"
    if days:
        return f"{apart} even allowing for their qualifiers and {days} days of growth"
    return f"{apart} even allowing for their qualifiers"


@dataclass
class _Series:
    """The series of several claimants at one place as arrays, claimant after claimant
    (claimant k's points at start[k]:end[k]), each in as-of order."""

    points: list[Point]
    claimant: arrays.IntArray
    start: arrays.IntArray
    end: arrays.IntArray
    first: arrays.IntArray  # period start (or end) as a day ordinal
    day: arrays.IntArray  # period end
    published: arrays.IntArray
    ids: arrays.IntArray
    lo: arrays.FloatArray
    hi: arrays.FloatArray
    nominal: arrays.FloatArray

    @classmethod
    def of(cls, series: list[list[Point]]) -> _Series:
        points = [p for s in series for p in s]
        n = len(points)
        counts = np.fromiter((len(s) for s in series), np.int64, len(series))
        end = np.cumsum(counts)

        def ints(values: Iterable[int]) -> arrays.IntArray:
            return np.fromiter(values, np.int64, n)

        def floats(values: Iterable[float]) -> arrays.FloatArray:
            return np.fromiter(values, np.float64, n)

        return cls(
            points,
            np.repeat(np.arange(len(series), dtype=np.int64), counts),
            end - counts,
            end,
            ints((p.period_start or p.period_end).toordinal() for p in points),
            ints(p.period_end.toordinal() for p in points),
            ints(p.published.toordinal() for p in points),
            ints(p.id for p in points),
            floats(p.lo for p in points),
            floats(p.hi for p in points),
            floats(p.nominal for p in points),
        )

    def local_rates(self) -> arrays.FloatArray:
        """For each point, the faster of the daily rises of the two intervals around it (0
        where it has none); a series' first interval runs from its period start (a count
        of 0 then), as in `_rates`."""
        n = len(self.points)
        rise = np.zeros(n)
        has = np.zeros(n, dtype=bool)
        if n > 1:
            same = self.claimant[1:] == self.claimant[:-1]
            days = self.day[1:] - self.day[:-1]
            inner = np.divide(
                self.nominal[1:] - self.nominal[:-1], days, out=np.zeros(n - 1), where=same
            )
            rise[1:] = inner
            has[1:] = same
        heads = self.start[self.start < self.end]
        for i in heads.tolist():
            p = self.points[i]
            if p.period_start and p.period_start < p.period_end:
                rise[i] = p.nominal / (p.period_end - p.period_start).days
                has[i] = True
        own = np.where(has, rise, 0.0)
        following = np.zeros(n)
        if n > 1:
            following[:-1] = np.where(has[1:] & same, rise[1:], 0.0)
        return np.maximum(np.maximum(0.0, own), following)


def _gaps_cumulative(
    series: list[list[Point]], ctx: Context, focus: arrays.BoolArray | None = None
) -> Iterator[tuple[int, int, _Gap]]:
    """(claimant index a, claimant index b > a, gap) for each pair of mutually nearest
    cumulative figures of two claimants that disagree, in the order of a's figures; with
    `focus`, only for the pairs of claimants that include a focused one."""
    s = _Series.of(series)
    n = len(s.points)
    if n == 0:
        return
    cfg = ctx.config
    window = cfg.window_days
    keys = s.claimant * arrays.DAY_SPAN + s.day
    last = len(series) - 1
    # Every point against every claimant after its own.
    i, k = arrays.spans(last - s.claimant)
    b = s.claimant[i] + 1 + k
    if focus is not None:
        # A pair's mutually nearest figures depend on the two claimants' series only.
        wanted = focus[s.claimant[i]] | focus[b]
        i, b = i[wanted], b[wanted]
    j = arrays.nearest(keys, s.day, s.published, s.ids, s.start, s.end, b, s.day[i], window)
    i, j = i[j >= 0], j[j >= 0]
    back = arrays.nearest(
        keys, s.day, s.published, s.ids, s.start, s.end, s.claimant[i], s.day[j], window
    )
    i, j = i[back == i], j[back == i]
    rates = s.local_rates()
    days = np.abs(s.day[j] - s.day[i])
    rate = np.maximum(rates[i], rates[j])
    i_first = (s.day[i] < s.day[j]) | ((s.day[i] == s.day[j]) & (s.ids[i] < s.ids[j]))
    early, late = np.where(i_first, i, j), np.where(i_first, j, i)
    growth = cfg.growth_slack * rate * days
    yield from _gaps_over_share(s, i, j, early, late, growth, days, cfg.share)


def _gaps_periodic(
    series: list[list[Point]], ctx: Context, focus: arrays.BoolArray | None = None
) -> Iterator[tuple[int, int, _Gap]]:
    """(claimant index a, claimant index b > a, gap) for each pair of per-period figures of
    two claimants, each the other's best match by overlap, that disagree; with `focus`, only
    for the pairs of claimants that include a focused one."""
    s = _Series.of(series)
    if not s.points:
        return
    cfg = ctx.config
    p, o = arrays.mutual_best_overlaps(
        s.claimant, s.first, s.day, s.published, s.ids, cfg.period_overlap, focus
    )
    # Figures of the same period: no growth allowed, and no days between them.
    yield from _gaps_over_share(s, p, o, p, o, 0.0, np.zeros_like(p), cfg.share)


def _gaps_over_share(
    s: _Series,
    i: arrays.IntArray,
    j: arrays.IntArray,
    early: arrays.IntArray,
    late: arrays.IntArray,
    growth: arrays.FloatArray | float,
    days: arrays.IntArray,
    share: float,
) -> Iterator[tuple[int, int, _Gap]]:
    """(claimant of i, claimant of j, gap) for each compared pair of points whose ranges,
    after the early one is allowed to grow by `growth`, are apart by more than `share` of
    the larger figure."""
    gap = np.maximum(np.maximum(0.0, s.lo[late] - (s.hi[early] + growth)), s.lo[early] - s.hi[late])
    scale = np.maximum(np.maximum(s.nominal[early], s.nominal[late]), 1.0)
    hit = gap / scale > share
    points = s.points
    for a, b, e, lt, g, sc, d in zip(
        s.claimant[i[hit]].tolist(),
        s.claimant[j[hit]].tolist(),
        early[hit].tolist(),
        late[hit].tolist(),
        gap[hit].tolist(),
        scale[hit].tolist(),
        days[hit].tolist(),
        strict=True,
    ):
        yield a, b, _Gap(points[e], points[lt], g, sc, d)


@_rule(
    "conflicting-figures",
    "Sources credit one claimant with different figures for the same period",
    kind="series",
)
def conflicting_figures(group: list[Point], ctx: Context) -> Iterator[Finding]:
    """One claimant, metric, place and period, two statements: one of the sources misquotes
    or mislabels the claimant, or the claimant restated its figure. Figures whose ranges
    are compatible ("at least 180" and 227) are info; incompatible ones are a warning."""
    for stated in _focused_series(group, ctx):
        by_period = _by(
            stated,
            lambda p: (p.cumulative, None if p.cumulative else p.period_start, p.period_end),
        )
        for _period, same in by_period.items():
            if len(same) < 2:
                continue
            same.sort(key=lambda p: (p.published, p.id))
            compatible = all(max(x.lo, y.lo) <= min(x.hi, y.hi) for x, y in combinations(same, 2))
            listed = " and ".join(
                f"{p.figure()} ({p.publisher}, {describe_date(p.published)})" for p in same
            )
            first = same[0]
            tail = (
                "their ranges overlap, but a claimant gives one figure per period, so check "
                "which one is current before citing it"
                if compatible
                else "one of them misquotes, mislabels or restates the figure, so check both"
            )
            yield ctx.finding(
                "conflicting-figures",
                Severity.info if compatible else Severity.warning,
                f"Sources give {ctx.who(first)} {len(same)} different figures for "
                f"{ctx.what(first)} in {ctx.where(first)} {period_words(first)}: {listed}; "
                f"{tail}.",
                same,
            )


@_rule("duplicate-claim", "The same statement is stored more than once", kind="series")
def relabelled_statement(group: list[Point], ctx: Context) -> Iterator[Finding]:
    """The same cumulative figure from one claimant for one place under two as-of dates a
    few days apart, neither marked `duplicate_of` (the seed's 7,199 dated 13 Feb by
    Reuters, 12 Feb by OHCHR): probably one statement with two date labels. Only when one
    of the dates is not a stated cut-off (announced, publication date, inferred): two
    stated cut-offs with the same figure are a count that did not change."""
    for stated in _focused_series(group, ctx):
        series = [p for p in stated if p.cumulative]
        by_figure = _by(series, lambda p: (p.value, p.low, p.high))
        for _figure, same in by_figure.items():
            for x, y in zip(same, same[1:], strict=False):
                days = (y.period_end - x.period_end).days
                if days == 0 or days > ctx.config.relabel_days:
                    continue
                if x.date_basis == y.date_basis == DateBasis.stated:
                    continue
                yield ctx.finding(
                    "duplicate-claim",
                    Severity.info,
                    f"{ctx.who(x)}'s {x.figure()} {ctx.what(x)} in {ctx.where(x)} is stored "
                    f"as of {describe_date(x.period_end)} ({x.publisher}) and "
                    f"as of {describe_date(y.period_end)} ({y.publisher}); "
                    "if it is one statement under two date labels, mark the later one "
                    "duplicate_of the earlier.",
                    [x, y],
                )


# --- running ------------------------------------------------------------------------------------


class _Days(dict[Any, date | None]):
    """A date as the driver gives it (SQLite: ISO text) -> date, each distinct one once."""

    def __call__(self, value: Any) -> date | None:
        try:
            return self[value]
        except KeyError:
            day = value if value is None or isinstance(value, date) else date.fromisoformat(value)
            self[value] = day
            return day


def _groups(ctx: Context) -> Iterator[tuple[tuple[int, int], list[Point]]]:
    """Each (metric, place scope) group of non-retracted claims, streamed in one ordered
    query (all groups, or `ctx.only_groups`)."""
    areas = {pid: scope for pid, scope in ctx.scope.items() if pid != scope}
    scope_col = case(areas, value=Claim.place_id, else_=Claim.place_id) if areas else Claim.place_id
    query = (
        select(
            Claim.id,
            Claim.statement_key,
            Claim.duplicate_of,
            Claim.claimant_id,
            Claim.metric_id,
            Claim.place_id,
            Claim.value,
            Claim.low,
            Claim.high,
            Claim.qualifier,
            Claim.period_start,
            Claim.period_end,
            Claim.cumulative,
            Claim.source_id,
            Source.published,
            Claim.date_basis,
            Source.url,
            Source.publisher,
            scope_col.label("scope"),
        )
        .join(Source, Source.id == Claim.source_id)
        .where(_not_retracted())
        .order_by(Claim.metric_id, scope_col, Claim.period_end, Claim.id)
    )
    only = ctx.only_groups
    if only is not None:
        if not only:
            return
        places = [pid for pid, scope in ctx.scope.items() if scope in {g[1] for g in only}]
        query = query.where(
            Claim.metric_id.in_(sorted({g[0] for g in only})), Claim.place_id.in_(places)
        )
    about = ctx.config.about_share
    day = _Days()
    for key, rows_of_group in groupby(_stream(ctx, query), key=itemgetter(4, 18)):
        if only is not None and key not in only:
            continue
        group = []
        for r in rows_of_group:
            p = Point(*r[:18])
            p.period_start, p.period_end = day(r[10]), day(r[11])
            p.cumulative = bool(p.cumulative)  # SQLite gives 0 or 1
            p.published = day(r[14])
            p.lo, p.hi = figure_bounds(p.value, p.low, p.high, p.qualifier, about)
            p.nominal = float(p.value if p.value is not None else (p.low + p.high) / 2)
            group.append(p)
        yield key, group


@dataclass
class Parts:
    """Findings kept apart by what they depend on, so that a refresh after an edit replaces
    only what the edit can have changed (here, and in the stored findings of
    `tracker.checks.finding_store`)."""

    by_claim: dict[int, list[Finding]] = field(default_factory=dict)  # per-claim rules
    #: Series rules, by (metric, place scope, claimant) for a finding about one claimant's
    #: series and (metric, place scope, claimant, other claimant) for a disagreement (the
    #: lower id first): an edit changes the findings of its claimant's series and pairs only.
    by_series: dict[tuple[int, ...], list[Finding]] = field(default_factory=dict)
    store: list[Finding] = field(default_factory=list)  # whole-store aggregates
    #: The claimants with claims in each group checked (filled when `only_claimants` is set):
    #: the pairs a refresh may have to replace.
    claimants: dict[tuple[int, int], set[int]] = field(default_factory=dict)

    def all(self) -> list[Finding]:
        out = list(self.store)
        for findings in (*self.by_claim.values(), *self.by_series.values()):
            out += findings
        order = {rid: i for i, rid in enumerate(RULES)}
        out.sort(key=lambda f: (SEVERITY_RANK[Severity(f.severity)], order[f.rule], f.claims))
        return out


def _run(ctx: Context, selected: list[str]) -> Parts:
    parts = Parts()
    for rid in selected:
        rule = RULES[rid]
        if rule.claim:
            for f in rule.claim(ctx):
                parts.by_claim.setdefault(f.claims[0], []).append(f)
        if rule.store:
            parts.store += rule.store(ctx)
    series = [RULES[rid].series for rid in selected if RULES[rid].series]
    if series:
        for key, group in _groups(ctx):
            if ctx.only_claimants is not None:
                ctx.focus = ctx.only_claimants.get(key)
                parts.claimants[key] = {p.claimant_id for p in group}
            found = [f for fn in series for f in fn(group, ctx)]
            if found:
                claimant_of = {p.id: p.claimant_id for p in group}
                for f in found:
                    who = sorted({claimant_of[c] for c in f.claims})
                    assert 1 <= len(who) <= 2, f  # one claimant's series, or a pair
                    parts.by_series.setdefault((*key, *who), []).append(f)
        ctx.focus = None
    return parts


def check_parts(ctx: Context) -> Parts:
    """Every rule over what `ctx` selects (its `only_*` sets; the whole store when they
    are unset), the findings kept apart by what they depend on (`tracker.checks.finding_store`
    stores them so)."""
    return _run(ctx, list(RULES))


def rule_ids() -> list[str]:
    return list(RULES)


def run_checks(
    engine: Engine,
    rules: Iterable[str] | None = None,
    config: CheckConfig | None = None,
) -> list[Finding]:
    """Run the named rules (all by default) and return their findings, errors first."""
    selected = list(dict.fromkeys(rules)) if rules else list(RULES)
    unknown = [r for r in selected if r not in RULES]
    if unknown:
        raise TrackerError(f"unknown check {', '.join(unknown)}; the checks are {', '.join(RULES)}")
    with read_session(engine) as session:
        return _run(Context.load(session, config or CheckConfig()), selected).all()


# --- for pages: findings per claim, kept up to date incrementally -----------------------------

#: Beyond this many changed claims a full run is as quick as working out what changed.
REFRESH_LIMIT = 20_000


def vocabulary_digest(session: Session, upto: tuple[int, int, int] | None = None) -> str:
    """Changes when a metric, place or claimant is added or renamed, or a place moves:
    the words of every message and the place scopes depend on them (small tables). A
    digest, not `hash()`, so that it can be stored and compared by another process.

    With `upto` (the newest metric, place and claimant ids when an earlier digest was
    taken), only the rows up to those count: a row added since rewords no finding about
    the claims that were there before it."""
    metric, place, claimant = upto or (None, None, None)

    def upto_id(query: Any, column: Any, newest: int | None) -> Any:
        return query if newest is None else query.where(column <= newest)

    rows = (
        tuple(
            session.exec(
                upto_id(select(Metric.id, Metric.noun, Metric.label), Metric.id, metric).order_by(
                    Metric.id
                )
            )
        ),
        tuple(
            session.exec(
                upto_id(
                    select(Place.id, Place.name, Place.level, Place.parent_id), Place.id, place
                ).order_by(Place.id)
            )
        ),
        tuple(
            session.exec(
                upto_id(
                    select(Claimant.id, Claimant.name, Claimant.short_name),
                    Claimant.id,
                    claimant,
                ).order_by(Claimant.id)
            )
        ),
    )
    return hashlib.sha1(repr(rows).encode()).hexdigest()


@dataclass
class Changes:
    """What changed since a revision: the claims whose findings may have changed, the
    (metric, scope) groups they were or are in, and in each group the claimants whose
    series they were or are in (a group missing from `claimants` changed whole)."""

    claims: set[int]
    groups: set[tuple[int, int]]
    claimants: dict[tuple[int, int], set[int]]


def changes_since(ctx: Context, revision_id: int, upto: int) -> Changes | None:
    """What changed since a revision, up to revision `upto` (`Changes`); None when so much
    changed that a full run is simpler.

    Every change to a claim or source writes a revision (tracker.store.write), so the revision
    log is a complete list: a claim's own revisions name its old and new metric, place and
    claimant, a source's revisions reach all its claims."""
    session = ctx.session
    metric_ids = {v: k for k, v in session.exec(select(Metric.id, Metric.key))}
    place_ids = {v: k for k, v in session.exec(select(Place.id, Place.key))}
    claimant_ids = {v: k for k, v in session.exec(select(Claimant.id, Claimant.key))}
    claims: set[int] = set()
    sources: set[int] = set()
    claimants: dict[tuple[int, int], set[int]] = defaultdict(set)
    whole: set[tuple[int, int]] = set()
    # Bounded on both sides: a PostgreSQL store never analysed (autovacuum off, just
    # loaded) estimates an open range at a third of the table and reads all of it.
    rows = session.exec(
        select(Revision.entity, Revision.entity_id, Revision.before).where(
            Revision.id > revision_id, Revision.id <= upto
        )
    )
    for entity, entity_id, before in rows:
        if entity == "claim":
            claims.add(entity_id)
            if before and before.get("metric") in metric_ids and before.get("place") in place_ids:
                place = place_ids[before["place"]]
                group = (metric_ids[before["metric"]], ctx.scope.get(place, place))
                if before.get("claimant") in claimant_ids:
                    claimants[group].add(claimant_ids[before["claimant"]])
                else:
                    whole.add(group)
        elif entity == "source":
            sources.add(entity_id)
        if len(claims) + len(sources) > REFRESH_LIMIT:
            return None
    ids = sorted(sources)
    for i in range(0, len(ids), CHUNK):
        claims.update(session.exec(select(Claim.id).where(Claim.source_id.in_(ids[i : i + CHUNK]))))
    if len(claims) > REFRESH_LIMIT:
        return None
    listed = sorted(claims)
    for i in range(0, len(listed), CHUNK):
        for metric_id, place_id, claimant_id in session.exec(
            select(Claim.metric_id, Claim.place_id, Claim.claimant_id).where(
                Claim.id.in_(listed[i : i + CHUNK])
            )
        ):
            claimants[(metric_id, ctx.scope.get(place_id, place_id))].add(claimant_id)
    groups = set(claimants) | whole
    return Changes(claims, groups, {g: c for g, c in claimants.items() if g not in whole})


def _by_claim(parts: Parts) -> dict[int, list[Finding]]:
    out: dict[int, list[Finding]] = {}
    for finding in parts.all():
        for claim_id in finding.claims:
            out.setdefault(claim_id, []).append(finding)
    return out


def findings_by_claim(engine: Engine) -> dict[int, list[Finding]]:
    """Every claim with findings, mapped to them (all rules, default thresholds): a full
    run. Pages read the stored findings instead (`tracker.checks.finding_store`)."""
    with read_session(engine) as session:
        return _by_claim(_run(Context.load(session, CheckConfig()), list(RULES)))


def findings_for_claims(
    engine: Engine, claim_ids: Iterable[int], *, series: bool = True
) -> dict[int, list[Finding]]:
    """The findings of these claims only, as `findings_by_claim` would map them, without
    checking the whole store: the per-claim rules for these claims, the duplicate check for
    their statements, the series rules for their (metric, place scope) groups (unless
    `series` is False: a large group takes seconds). The Figures page reads the stored
    findings instead while they are current (`tracker.checks.findings.findings_of_claims`)."""
    ids = set(claim_ids)
    if not ids:
        return {}
    with read_session(engine) as session:
        ctx = Context.load(session, CheckConfig())
        groups: set[tuple[int, int]] = set()
        statements: set[str] = set()
        listed = sorted(ids)
        for i in range(0, len(listed), CHUNK):
            for metric_id, place_id, key in session.exec(
                select(Claim.metric_id, Claim.place_id, Claim.statement_key).where(
                    Claim.id.in_(listed[i : i + CHUNK])
                )
            ):
                groups.add((metric_id, ctx.scope.get(place_id, place_id)))
                statements.add(key)
        ctx.only_claims, ctx.only_statements = ids, statements
        ctx.only_groups = groups if series else set()
        parts = _run(ctx, list(RULES))
    out: dict[int, list[Finding]] = {}
    for finding in parts.all():
        for claim_id in finding.claims:
            if claim_id in ids:
                out.setdefault(claim_id, []).append(finding)
    return out


def _short(text: str, limit: int = 90) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
