"""The filter a reader applies to claims, shared by every view and every export.

One definition, so that "download exactly the filtered rows" is true by construction: the
Claims table, the chart, the CSV/JSON/HXL exports and permalinks all turn the same
`ClaimFilter` into the same SQL conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from tracker.domain.models import TS_CONFIG, Claim, Claimant, Metric, Place, Source
from tracker.domain.schemas import MAX_QUOTE, MAX_SHORT
from tracker.domain.vocab import Status


@dataclass(frozen=True)
class Wording:
    """How a filter's conditions are put in words (`{}` takes the condition's value). The
    defaults name keys and ISO dates, for export headers where a reader may filter again; a
    file name and the pages word them otherwise. `None`: the condition goes unsaid."""

    metric: str = "metric {}"
    places: tuple[str, str] = ("place {}", "places within {}")  # the place, or within it
    claimants: str = "claimant {}"
    statuses: str = "status {}"
    either: str = " or "  # between the claimants or statuses asked for
    dates: tuple[str, str] = ("as of {} or later", "as of {} or earlier")  # from, to
    text: str = "text contains {!r}"
    source: str | None = "source #{}"
    kinds: tuple[str, str] = ("cumulative figures", "per-period figures")
    period_length: str | None = "figures per {}"
    without_retracted: str = "retracted claims left out"
    separator: str = "; "
    nothing: str = "all claims"  # the empty filter


#: The export headers' wording (the defaults).
KEYS = Wording()


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
    # Places side by side: the claims about the places within `place` (its regions and
    # their towns) rather than about `place` itself.
    within: bool = False
    # One length of per-period figures (a key of PERIOD_LENGTHS): figures counted over
    # windows of different lengths are never drawn as comparable.
    period_length: str | None = None

    def conditions(
        self,
        wording: Wording = KEYS,
        *,
        names: Mapping[str, Mapping[str, str]] | None = None,
        day: Callable[[date], str] = date.isoformat,
    ) -> list[str]:
        """Each condition set, put in `wording`, in the one order every description keeps.
        `names` turns vocabulary keys into names: `{"metric": {key: name}, "place": ...}`."""

        def name(kind: str, key: str) -> str:
            return (names or {}).get(kind, {}).get(key, key)

        w = wording
        said = []
        if self.metric:
            said.append(w.metric.format(name("metric", self.metric)))
        if self.place:
            said.append(w.places[self.within].format(name("place", self.place)))
        if self.claimants:
            claimants = w.either.join(name("claimant", c) for c in self.claimants)
            said.append(w.claimants.format(claimants))
        if self.statuses:
            said.append(w.statuses.format(w.either.join(self.statuses)))
        for template, bound in zip(w.dates, (self.date_from, self.date_to), strict=True):
            if bound:
                said.append(template.format(day(bound)))
        if self.text:
            said.append(w.text.format(self.text))
        if self.source_id is not None and w.source:
            said.append(w.source.format(self.source_id))
        if self.cumulative is not None:
            said.append(w.kinds[not self.cumulative])
        if self.period_length and w.period_length:
            said.append(w.period_length.format(PERIOD_LENGTHS[self.period_length].name))
        if not self.include_retracted:
            said.append(w.without_retracted)
        return said

    def describe(self, wording: Wording = KEYS, **how: Any) -> str:
        """The filter in words, for export headers and captions ("all claims" when empty);
        `how` as for `conditions`."""
        return wording.separator.join(self.conditions(wording, **how)) or wording.nothing

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, (), "")}


@dataclass(frozen=True)
class PeriodLength:
    """A length of per-period window, as days from its first to its last day (a window
    stated as "the past 24 hours" runs from one day to the next: 1)."""

    name: str  # "day": "figures per day"
    plural: str  # "days": "daily figures", the choice's label
    shortest: int
    longest: int
    days: float  # its length for a per-day rate


#: The lengths per-period figures come in; a window fitting none is "other".
PERIOD_LENGTHS: dict[str, PeriodLength] = {
    "day": PeriodLength("day", "days", 0, 1, 1),
    "week": PeriodLength("week", "weeks", 5, 7, 7),
    "month": PeriodLength("month", "months", 27, 31, 30.44),
    "quarter": PeriodLength("quarter", "quarters", 88, 92, 91.3),
    "half-year": PeriodLength("half-year", "half-years", 179, 184, 182.6),
    "year": PeriodLength("year", "years", 363, 366, 365.25),
    "other": PeriodLength("window of another length", "other lengths", -1, -1, 0),
}


def window_days(start: date | None, end: date) -> int:
    """Days from a window's first to its last day (0 for one day; no start: one day)."""
    return (end - start).days if start else 0


def period_length_of(days: int) -> str:
    """The PERIOD_LENGTHS key of a window of `days` (see `window_days`)."""
    for key, length in PERIOD_LENGTHS.items():
        if length.shortest <= days <= length.longest:
            return key
    return "other"


def span_days(start: date | None, end: date) -> int:
    """How many days a window covers, for its bar and a per-day rate: both ends included,
    except a window from one day to the next, which is "the past 24 hours" as reported."""
    days = window_days(start, end)
    return 1 if days <= 1 else days + 1


class WindowDays(FunctionElement):
    """`window_days` of a claim in SQL, per database (no start: 0); an index-free
    expression on the claim's own columns."""

    type = Integer()
    inherit_cache = True
    name = "window_days"


@compiles(WindowDays)
def _window_days_sqlite(element: WindowDays, compiler: SQLCompiler, **kw: Any) -> str:
    start = compiler.process(Claim.period_start, **kw)
    end = compiler.process(Claim.period_end, **kw)
    return f"COALESCE(CAST(julianday({end}) - julianday({start}) AS INTEGER), 0)"


@compiles(WindowDays, "postgresql")
def _window_days_postgresql(element: WindowDays, compiler: SQLCompiler, **kw: Any) -> str:
    start = compiler.process(Claim.period_start, **kw)
    end = compiler.process(Claim.period_end, **kw)
    return f"COALESCE({end} - {start}, 0)"


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches `text` literally (%, _ and \\ are escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- text search --------------------------------------------------------------------------
#
# A search finds the records whose text contains what the reader typed (case aside), as a
# `LIKE '%...%'` would, without reading every row: a full-text index first narrows the rows
# to those holding the typed words as a phrase (SQLite: the FTS5 tables of migration 0002;
# PostgreSQL: GIN indexes on `to_tsvector('simple', ...)`), then the literal test runs on
# those few. Both index the same words the same way on each side, so a phrase of whole
# words is found wherever it is stored; text starting or ending inside a word ("ousand"
# for "thousand") is found only when the typed words are whole words in the record too. A
# search with no word at all ("%", "--") has nothing to look up and falls back to the scan.
#
# The typed text is data, never search syntax: it reaches SQLite as one quoted FTS5 phrase
# ('"' doubled inside) and PostgreSQL through phraseto_tsquery, which has no operators,
# both as bound parameters.


class FullTextMatch(ColumnElement[bool]):
    """`table`'s rows whose `column` (None: any indexed column) holds the words of `text`
    as a phrase; compiled per database below. A prefilter: callers add the literal test.

    The text is a bound parameter of the statement (part of SQLAlchemy's cache key), turned
    into the search syntax in SQL, so that a cached statement never keeps an old search."""

    # No Boolean type: SQLite (no native booleans) would get "<this> = 1", which hides the
    # IN from the planner and turns a lookup by id into a full scan.
    inherit_cache = False
    _traverse_internals = [
        ("table", InternalTraversal.dp_string),
        ("column", InternalTraversal.dp_string),
        ("text", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, table: str, column: str | None, text: str) -> None:
        self.table = table
        self.column = column
        self.text = bindparam(None, text, type_=String(), unique=True)


@compiles(FullTextMatch, "sqlite")
def _match_sqlite(element: FullTextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    # One FTS5 phrase: the text in double quotes, its own double quotes doubled, so that
    # nothing typed is read as an operator (AND, NEAR, *, ^, column filters).
    prefix = f"{element.column} : " if element.column else ""
    param = compiler.process(element.text, **kw)
    phrase = f"'{prefix}\"' || replace({param}, '\"', '\"\"') || '\"'"
    fts = f"{element.table}_fts"
    return f"{element.table}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH {phrase})"


@compiles(FullTextMatch, "postgresql")
def _match_postgresql(element: FullTextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL's parser drops some text that has letters (markup such as "<b>x</b>" is
    # read as tags): a search it finds no word in leaves the decision to the literal test.
    # phraseto_tsquery(regconfig, text) is immutable, so the planner folds `numnode(...) =
    # 0` to a constant and still uses the index for a search with words.
    columns = [element.column] if element.column else _SEARCHED[element.table]
    query = compiler.process(func.phraseto_tsquery(TS_CONFIG, element.text), **kw)
    tests = [f"to_tsvector('simple'::regconfig, {element.table}.{c}) @@ {query}" for c in columns]
    return f"(numnode({query}) = 0 OR " + " OR ".join(tests) + ")"


@compiles(FullTextMatch)
def _match_other(element: FullTextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(true(), **kw)  # no index: the literal test alone decides


_SEARCHED = {"claim": ["quote"], "source": ["title", "publisher"]}


def has_words(text: str) -> bool:
    """Whether the full-text indexes can look `text` up: it holds a letter or a digit."""
    return any(ch.isalnum() for ch in text)


def text_contains(
    table: str, columns: dict[str, Any], text: str, *, fts_column: str | None = None
) -> ColumnElement[bool]:
    """`columns` (name -> column of `table`) of which one contains `text` literally, case
    aside, looked up through the full-text index of `table` when `text` has words."""
    pattern = like_pattern(text)
    literal = or_(*(c.ilike(pattern, escape="\\") for c in columns.values()))
    if not has_words(text):
        return literal
    return and_(FullTextMatch(table, fts_column, text), literal)


# The longest text the search looks in (a quote; titles are shorter). A longer search text,
# or one with a NUL (refused in stored text), matches nothing: answered without asking the
# database, which would refuse it (SQLite's LIKE pattern limit, PostgreSQL and NUL).
LONGEST_SEARCHED = max(MAX_QUOTE, MAX_SHORT * 2)
INT64 = range(-(2**63), 2**63)


def _within(place: str) -> Any:
    """The ids of the places within `place`: its children and their children."""
    parent = select(Place.id).where(Place.key == place).scalar_subquery()
    children = select(Place.id).where(Place.parent_id == parent)
    return select(Place.id).where(or_(Place.parent_id == parent, Place.parent_id.in_(children)))


def _period_condition(key: str) -> ColumnElement[bool]:
    days = WindowDays()
    if key == "other":
        return and_(
            *(
                ~days.between(p.shortest, p.longest)
                for k, p in PERIOD_LENGTHS.items()
                if k != "other"
            )
        )
    length = PERIOD_LENGTHS[key]
    return days.between(length.shortest, length.longest)


def conditions(f: ClaimFilter) -> list[ColumnElement[bool]]:
    """SQL conditions on `Claim` (joined to nothing: vocabulary keys become id sub-selects).

    Values are bound parameters, never SQL text; LIKE wildcards in the search are escaped.
    """
    out: list[ColumnElement[bool]] = []
    if f.metric:
        out.append(
            Claim.metric_id == select(Metric.id).where(Metric.key == f.metric).scalar_subquery()
        )
    if f.place and f.within:
        out.append(Claim.place_id.in_(_within(f.place)))
    elif f.place:
        out.append(Claim.place_id == select(Place.id).where(Place.key == f.place).scalar_subquery())
    if f.period_length in PERIOD_LENGTHS:
        # Cumulative figures have no window to compare: a period length leaves them be.
        out.append(or_(Claim.cumulative.is_(True), _period_condition(f.period_length)))
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
        out.append(Claim.id.in_(claims_with_text(f.text.strip())))
    return out


def claims_with_text(needle: str) -> Any:
    """The ids of the claims whose quote or source title contains `needle`: one IN list, so
    that a row is tested by its id alone (read from any index) and a short list can drive
    the query. Each branch starts from its full-text index and tests the few rows found."""
    in_quote = select(Claim.id).where(text_contains("claim", {"quote": Claim.quote}, needle))
    titled = select(Source.id).where(
        text_contains("source", {"title": Source.title}, needle, fts_column="title")
    )
    in_title = select(Claim.id).where(Claim.source_id.in_(titled))
    return union(in_quote, in_title)


def where(f: ClaimFilter) -> ColumnElement[bool]:
    conds = conditions(f)
    return and_(True, *conds)
