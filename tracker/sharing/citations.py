"""Ready-to-paste citations of a figure: who says it, about what, for when, and where it is
written.

One sentence a journalist can paste under a chart or into copy, e.g.
`OHCHR: at least 7,199 civilians killed in Ukraine, 24 Feb 2022 – 12 Feb 2023 (Reuters,
14 Feb 2023, https://...)`. The qualifier is kept as the claimant said it (DOMAIN.md: lower
bounds are normal and must stay visible), and numbers and dates are formatted with babel so
that a locale can be swapped in one place. Other formats (CSL-JSON, BibTeX) live in their
own module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from babel.dates import format_date, format_interval
from babel.numbers import format_decimal

from tracker.core.markup import escape_commonmark
from tracker.core.records import as_date, as_int
from tracker.core.urls import is_safe_link
from tracker.domain.fields import ClaimedFigure
from tracker.domain.vocab import QUALIFIER_WORDS

LOCALE = "en_GB"  # day-month-year, as wire services outside the US write dates
# The house style in English is fixed here rather than taken from CLDR, whose abbreviations
# ("Sep"/"Sept") and interval spacing change between babel releases: a printed citation must
# read the same whatever was installed.
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Other locales go through babel; any spaces it puts around an interval's dash (thin, narrow
# no-break) are replaced by the house rule below.
_DASH = re.compile(r"\s*[\u2013\u2014-]\s*")


def format_number(value: int, locale: str = LOCALE) -> str:
    """Grouped digits in the locale's way ("7,199"). Whole numbers in a locale that groups
    by threes skip babel's pattern machinery (a chart's hovers call this once per point):
    the same text from Python's own grouping."""
    separator = _group_separator(locale)
    if separator is not None and isinstance(value, int) and not isinstance(value, bool):
        grouped = f"{value:,}"
        return grouped if separator == "," else grouped.replace(",", separator)
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=16)
def _group_separator(locale: str) -> str | None:
    """The locale's group separator when it groups digits by threes, else None."""
    from babel import Locale

    parsed = Locale.parse(locale)
    if parsed.decimal_formats[None].grouping != (3, 3):
        return None
    separator = format_decimal(1234567, locale=locale)[1:-6]
    return (
        separator
        if format_decimal(1234567, locale=locale) == f"1{separator}234{separator}567"
        else None
    )


# Formatting is cached: the same figures and dates recur across a chart's thousands of hovers
# and a page's citations, and babel's patterns are slow. Arguments are ints, dates and
# strings; results are immutable strings.
FORMAT_CACHE = 65_536


@lru_cache(maxsize=FORMAT_CACHE)
def format_figure(
    value: int | None,
    low: int | None = None,
    high: int | None = None,
    qualifier: str = "exact",
    locale: str = LOCALE,
) -> str:
    """The figure as the claimant put it: "at least 7,199", "about 8,000", "5–7"."""
    if low is not None and high is not None and low != high:
        number = f"{format_number(low, locale)}–{format_number(high, locale)}"
    elif value is not None:
        number = format_number(value, locale)
    elif low is not None:
        number = format_number(low, locale)
    else:
        return "no figure"
    words = QUALIFIER_WORDS.get(qualifier, "")
    return f"{words} {number}" if words else number


def _english(locale: str) -> bool:
    return locale == "en" or locale.startswith(("en_", "en-"))


@lru_cache(maxsize=FORMAT_CACHE)
def format_day(day: date | datetime | None, locale: str = LOCALE) -> str:
    """ "3 Sep 2023": no day/month order to misread."""
    if day is None:
        return "undated"
    if _english(locale):
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return format_date(day, "d MMM y", locale=locale)


def _join(first: str, last: str) -> str:
    """An en dash, closed between single terms ("13–14"), spaced when either side has a
    space ("1 Jan – 31 Dec 2023")."""
    return f"{first} – {last}" if " " in first or " " in last else f"{first}–{last}"


@lru_cache(maxsize=FORMAT_CACHE)
def format_period(
    start: date | None, end: date, cumulative: bool = True, locale: str = LOCALE
) -> str:
    """ "24 Feb 2022 – 12 Feb 2023" for a period with a start; "as of 12 Feb 2023" for a
    cumulative figure whose start was not stated; "12 Feb 2023" for a one-day window."""
    if start is None and cumulative:
        return f"as of {format_day(end, locale)}"
    if start is None or start == end:
        return format_day(end, locale)
    if not _english(locale):
        parts = _DASH.split(format_interval(start, end, "yMMMd", locale=locale), maxsplit=1)
        return _join(*parts) if len(parts) == 2 else parts[0]
    if (start.year, start.month) == (end.year, end.month):
        return f"{_join(str(start.day), str(end.day))} {_MONTHS_EN[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{_join(f'{start.day} {_MONTHS_EN[start.month - 1]}', format_day(end, locale))}"
    return _join(format_day(start, locale), format_day(end, locale))


# Words in a quote that make its figure an estimate or hearsay: a citation that drops them
# states as fact what the claimant only estimated. The first found is kept with the
# figure, as the quote words it.
_HEDGE = re.compile(
    r"\b(likely|probably|possibly|estimated|estimates?|reportedly|allegedly|believed|"
    r"unconfirmed|preliminary)\b",
    re.IGNORECASE,
)


def hedge_of(quote: str | None) -> str | None:
    """The hedge word of a quote ("have likely been killed": "likely"), lower case; None
    when the quote states its figure plainly."""
    found = _HEDGE.search(quote or "")
    if not found:
        return None
    word = found.group(1).lower()
    return "estimated" if word.startswith("estimate") else word


# Adverbs read before the figure ("likely more than 12,000"); the other hedges after it,
# in brackets ("7,000 (estimated)"), which reads right with any qualifier.
_HEDGE_BEFORE = {"likely", "probably", "possibly", "reportedly", "allegedly"}


def hedged(figure: str, hedge: str | None) -> str:
    """The figure with its hedge: "likely more than 12,000", "7,000 (estimated)"."""
    if not hedge:
        return figure
    return f"{hedge} {figure}" if hedge in _HEDGE_BEFORE else f"{figure} ({hedge})"


#: What a citation says of a claim that is not to be taken as it stands.
STATUS_WARNINGS = {"disputed": "Disputed", "retracted": "Retracted"}


_IRREGULAR = {"children": "child", "people": "person", "casualties": "casualty"}


def noun_for(noun: str, figure: int | None) -> str:
    """ "civilians killed" -> "civilian killed" when the figure is 1 (the first plural word
    of the metric's noun phrase is made singular)."""
    if figure != 1:
        return noun
    words = noun.split()
    for i, w in enumerate(words):
        if w.lower() in _IRREGULAR:
            words[i] = _IRREGULAR[w.lower()]
            break
        if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            words[i] = w[:-1]
            break
    return " ".join(words)


def figure_count(value: int | None, low: int | None, high: int | None) -> int | None:
    """The number a noun agrees with: the figure, or a range's high end."""
    if low is not None and high is not None and low != high:
        return high
    return value if value is not None else low


@dataclass(frozen=True)
class CitedFigure(ClaimedFigure):
    """Everything a citation says. Built from a query row with `CitedFigure.from_row`."""

    claimant: str
    noun: str
    place: str
    publisher: str
    published: date | None
    url: str | None
    title: str | None = None
    status: str = "unverified"
    status_reason: str | None = None
    hedge: str | None = None  # from the quote: "likely", "estimated", "reportedly"...

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CitedFigure:
        """From a row of `tracker.read.queries` (claimant_short/claimant_name, metric_noun,
        place_name, the figure's fields and source_publisher/published/url/title)."""
        return cls(
            claimant=_text_or_none(row.get("claimant_short")) or row["claimant_name"],
            noun=row["metric_noun"],
            place=row["place_name"],
            value=as_int(row.get("value")),
            low=as_int(row.get("low")),
            high=as_int(row.get("high")),
            qualifier=row.get("qualifier") or "exact",
            period_start=as_date(row.get("period_start")),
            period_end=as_date(row["period_end"]),
            cumulative=bool(row.get("cumulative", True)),
            publisher=row["source_publisher"],
            published=as_date(row.get("source_published")),
            url=row.get("source_url"),
            title=_text_or_none(row.get("source_title")),
            status=_text_or_none(row.get("status")) or "unverified",
            status_reason=_text_or_none(row.get("status_reason")),
            hedge=hedge_of(_text_or_none(row.get("quote"))),
        )

    @property
    def statement(self) -> str:
        """ "OHCHR: at least 7,199 civilians killed in Ukraine, 24 Feb 2022 – 12 Feb 2023"."""
        figure = hedged(format_figure(self.value, self.low, self.high, self.qualifier), self.hedge)
        period = format_period(self.period_start, self.period_end, self.cumulative)
        noun = noun_for(self.noun, figure_count(self.value, self.low, self.high))
        return f"{self.claimant}: {figure} {noun} in {self.place}, {period}"

    @property
    def warning(self) -> str | None:
        """ "Disputed: <why>." for a disputed or retracted claim; None otherwise."""
        label = STATUS_WARNINGS.get(self.status)
        if label is None:
            return None
        reason = (self.status_reason or "").strip().rstrip(".")
        return f"{label}: {reason}." if reason else f"{label}."

    @property
    def safe_url(self) -> str | None:
        return self.url if is_safe_link(self.url) else None


def citation_line(c: CitedFigure) -> str:
    """The plain-text citation: the statement, then (publisher, date, URL), then what a
    reader must know before repeating it: "Disputed: <why>." or "Retracted: <why>."."""
    where = [c.publisher, format_day(c.published)]
    if c.safe_url:
        where.append(c.safe_url)
    line = f"{c.statement} ({', '.join(where)})"
    return f"{line}. {c.warning}" if c.warning else line


def markdown_citation(c: CitedFigure) -> str:
    """The same citation in Markdown, the source as a link: rendered by any CommonMark
    renderer, it reads word for word as `citation_line` (less the address, which is the
    link's). Only what a renderer could read as markup is escaped."""
    label = escape_commonmark(f"{c.publisher}, {format_day(c.published)}")
    source = f"[{label}]({_markdown_url(c.safe_url)})" if c.safe_url else label
    line = f"{escape_commonmark(c.statement)} ({source})"
    return f"{line}. {escape_commonmark(c.warning)}" if c.warning else line


def _markdown_url(url: str) -> str:
    # Brackets, spaces and angle brackets would end a Markdown link destination early.
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def _text_or_none(value: Any) -> str | None:
    # A DataFrame row has NaN where a text column has gaps; NaN is truthy.
    return value if isinstance(value, str) and value else None
