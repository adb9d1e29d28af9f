"""What a page shows lives in its URL, so that every view is a link a journalist can send.

Each page declares its `Field`s: a URL parameter, the session-state key of the widget that
edits it, how to read it (refusing bad values with a reason) and its default. `load()` runs
before the widgets are drawn and copies a newly opened URL into the widgets' state (a bad
parameter falls back to its default and becomes a notice, never a traceback); `publish()`
runs after them and writes the widgets' values back to the URL, leaving defaults out so
that links stay short. Parameters a page does not own (later features' `claim`, `embed`) are
left alone.

All session-state keys of the app are named here and initialised in `init()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from tracker.domain.vocab import Role, Status
from tracker.read.filters import PERIOD_LENGTHS, ClaimFilter
from tracker.read.queries import CLAIM_SORTS, DEFAULT_CLAIM_SORT
from tracker.sharing.chart_views import BY, KINDS, ChartView

# --- session-state keys ---------------------------------------------------------------------

ROLE = "role"  # the user's role; the navigation is built from it
USER = "user"  # the logged-in account's name; None for viewers (no login)
URL_SEEN = "url_seen"  # page -> the owned query parameters last applied or written

FIG_CONFLICT = "figures.conflict"
FIG_METRIC = "figures.metric"
FIG_PLACE = "figures.place"
FIG_KIND = "figures.kind"
FIG_CLAIMANTS = "figures.claimants"
FIG_FROM = "figures.from"
FIG_TO = "figures.to"
FIG_RETRACTED = "figures.retracted"
FIG_BY = "figures.by"  # claimant by claimant, or places side by side
FIG_PERIOD = "figures.period"  # one period length (None: the most common), or "rate"
FIG_LOG = "figures.log"
FIG_TAB = "figures.tab"  # Chart, Table or Sources
FIG_CHART = "figures.chart"  # the chart's selection state
FIG_CITE = "figures.cite"  # the latest figure whose citation forms are shown
FIG_CITE_FORM = "figures.cite_form"  # which of its citation forms is open
FIG_SHARE_OPEN = "figures.share_open"  # whether "Share this view" is open
FIG_SHARE = "figures.share"  # which way of sharing the view is open

CLAIMS_METRIC = "claims.metric"
CLAIMS_PLACE = "claims.place"
CLAIMS_CLAIMANTS = "claims.claimants"
CLAIMS_STATUSES = "claims.statuses"
CLAIMS_FROM = "claims.from"
CLAIMS_TO = "claims.to"
CLAIMS_TEXT = "claims.text"
CLAIMS_SORT = "claims.sort"
CLAIMS_PAGE = "claims.page"

SOURCES_TEXT = "sources.text"
SOURCES_PAGE = "sources.page"
SOURCES_TABLE = "sources.table"  # the list's row selection (key prefix, see close_source)
SOURCES_TABLE_ROUND = "sources.table_round"
SOURCES_CORRECT = "sources.correct_claim"  # a source's claim chosen for correction

CHECKS_RULES = "checks.rules"
CHECKS_SEVERITIES = "checks.severities"
CHECKS_PAGE = "checks.page"  # pages through one check's findings

# Curation. The forms' widgets are keyed `<form>.<field>` (e.g. `entry.quote`); what a form
# remembers besides its widgets is below. FEEDBACK holds each form's last outcome (problems
# by field, the saved message, an edit conflict), written by the save callbacks.
FEEDBACK = "feedback"  # form -> forms.Feedback
ENTRY = "entry"  # the claim form's widget prefix
ENTRY_SOURCE = "entry.source_id"  # the source claims are being added to (kept between claims)
ENTRY_SOURCE_SEARCH = "entry.source_search"
#: The claim form's fields kept between claims from one article: the source (above), the
#: claimant and the period (their widgets persist for the session).
ENTRY_KEPT_FIELDS = ("claimant", "period_start", "period_end", "date_basis", "quote_language")
ADD_SOURCE = "add_source"
ADD_SOURCE_FETCHED = "add_source.fetched"  # the page read for the form (archived on save)
ADD_SOURCE_RETRIEVED = "add_source.retrieved_at"  # when that page was read
ADD_SOURCE_INBOX = "add_source.inbox_item"  # the inbox item the form was filled from
ADD_SOURCE_OPEN = "add_source.open_inbox_item"  # an item the Inbox asked the form to take
EDIT_CLAIM = "edit_claim"
EDIT_CLAIM_OPENED = (
    "edit_claim.opened"  # the claim as the form was filled from: id, version, fields
)
EDIT_SOURCE = "edit_source"
EDIT_SOURCE_OPENED = "edit_source.opened"
REVIEW = "review"
IMPORT = "import"
IMPORT_REPORT = "import.report"  # (fingerprint of the uploads, curation.UploadReport)
IMPORT_ROUND = "import.round"  # the uploader's key suffix: a new one empties it after an import
ASSIST = "assist"  # the extraction assistant: its feedback, and the prefix of its keys
ASSIST_TEXT = "assist.text"  # the article's text it reads (the stored text, or pasted)
ASSIST_SOURCE = "assist.source_id"  # the source whose text ASSIST_TEXT was filled from
ASSIST_ROWS = "assist.rows"  # the candidates found, as the table's starting rows
ASSIST_ROUND = "assist.round"  # the table's key suffix: a new search starts a fresh table
ASSIST_AUTO = "assist.auto_source"  # the source whose drafts were found without a click
INBOX = "inbox"  # the Inbox page's feedback, and the prefix of its keys
INBOX_PAGE = "inbox.page"
LOGIN = "login"

HISTORY_KIND = "history.kind"
HISTORY_CLAIM = "history.claim"
HISTORY_SOURCE = "history.source"
HISTORY_USER = "history.user"
HISTORY_PAGE = "history.page"

#: Prefixes of every curation key: logging out forgets them all.
CURATION_PREFIXES = (
    "entry.",
    "add_source.",
    "edit_claim.",
    "edit_source.",
    "review.",
    "import.",
    "assist.",
    "history.",
    "accounts.",
    "review_inbox.",
    "inbox.",
)

DEFAULTS: dict[str, Any] = {
    ROLE: Role.viewer.value,
    USER: None,
    URL_SEEN: {},
    SOURCES_TABLE_ROUND: 0,
    FEEDBACK: {},
    ENTRY_SOURCE: None,
    IMPORT_ROUND: 0,
}

DEFAULT_METRIC = "civilian_killed"
DEFAULT_PLACE = "UA"
#: The period lengths a chart can show, and "rate": every length as a rate per day.
PERIOD_CHOICES = {
    **{key: f"per {length.name}" for key, length in PERIOD_LENGTHS.items() if key != "other"},
    "other": "other lengths",
    "rate": "rate per day",
}


def init() -> None:
    """Give every app-wide key its default once per session."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value.copy() if isinstance(value, dict) else value


def current_role() -> Role:
    return Role(st.session_state.get(ROLE, Role.viewer.value))


def current_user() -> str | None:
    return st.session_state.get(USER)


def log_in(name: str, role: Role | str) -> None:
    st.session_state[USER] = name
    st.session_state[ROLE] = Role(role).value


def log_out() -> None:
    """Forget the account and everything the curation forms held (a shared newsroom
    computer must not show the next person the last one's draft)."""
    for key in list(st.session_state):
        if key == FEEDBACK or str(key).startswith(CURATION_PREFIXES):
            del st.session_state[key]
    st.session_state[USER] = None
    st.session_state[ROLE] = Role.viewer.value
    init()


# --- what the data offers -------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoices:
    """The keys the filters can take, with their labels (from `queries.filter_options`)."""

    metrics: dict[str, str]
    metric_cumulative: dict[str, bool]
    places: dict[str, str]
    claimants: dict[str, str]
    # The wars the store covers (key -> name), and each one's default metric and place.
    conflicts: dict[str, str] = dc_field(default_factory=dict)
    conflict_defaults: dict[str, tuple[str | None, str | None]] = dc_field(default_factory=dict)

    @classmethod
    def from_options(cls, options: Mapping[str, pd.DataFrame]) -> FilterChoices:
        m, p, c = options["metrics"], options["places"], options["claimants"]
        w = options.get("conflicts")
        if w is None:
            w = pd.DataFrame(columns=["key", "name", "default_metric", "default_place"])
        return cls(
            metrics=dict(zip(m["key"], m["label"], strict=True)),
            metric_cumulative={k: bool(v) for k, v in zip(m["key"], m["cumulative"], strict=True)},
            places=dict(zip(p["key"], p["name"], strict=True)),
            claimants={
                k: (s if isinstance(s, str) and s else n)
                for k, n, s in zip(c["key"], c["name"], c["short_name"], strict=True)
            },
            conflicts=dict(zip(w["key"], w["name"], strict=True)),
            conflict_defaults={
                k: (dm, dp)
                for k, dm, dp in zip(w["key"], w["default_metric"], w["default_place"], strict=True)
            },
        )

    @property
    def default_conflict(self) -> str | None:
        return next(iter(self.conflicts), None)

    @property
    def default_metric(self) -> str | None:
        if DEFAULT_METRIC in self.metrics:
            return DEFAULT_METRIC
        return next(iter(self.metrics), None)

    @property
    def default_place(self) -> str | None:
        if DEFAULT_PLACE in self.places:
            return DEFAULT_PLACE
        return next(iter(self.places), None)

    def metric_for(self, conflict: str | None) -> str | None:
        """The conflict's default metric where the store has it, else the store's."""
        wanted = self.conflict_defaults.get(conflict or "", (None, None))[0]
        return wanted if wanted in self.metrics else self.default_metric

    def place_for(self, conflict: str | None) -> str | None:
        """The conflict's default place where it has claims, else the store's."""
        wanted = self.conflict_defaults.get(conflict or "", (None, None))[1]
        return wanted if wanted in self.places else self.default_place

    def default_kind(self, metric: str | None) -> str:
        return "cumulative" if self.metric_cumulative.get(metric or "", True) else "period"


# --- fields: one URL parameter and its widget ----------------------------------------------


class BadParameter(ValueError):
    """A URL parameter that cannot be used; the message says why, in the reader's words.
    `usable` is what could still be used of it (the known claimants of a list), if anything."""

    def __init__(self, message: str, usable: Any = None):
        super().__init__(message)
        self.usable = usable


@dataclass(frozen=True)
class Field:
    param: str
    key: str
    parse: Callable[[list[str]], Any]
    encode: Callable[[Any], list[str]]
    default: Callable[[dict[str, Any]], Any]


def _const(value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda _values: value


def _one_of(
    allowed: Mapping[str, str], what: str, *, closed: bool = False
) -> Callable[[list[str]], str]:
    """One key of `allowed` (case-insensitive). `closed` lists the choices in the message,
    for small fixed sets; otherwise the key is said to be missing from the data."""
    lowered = {k.lower(): k for k in allowed}

    def parse(raw: list[str]) -> str:
        value = raw[-1].strip()
        if value in allowed:
            return value
        if value.lower() in lowered:
            return lowered[value.lower()]
        if closed:
            raise BadParameter(f"{value!r} is not one of {', '.join(allowed)}")
        raise BadParameter(f"there is no {what} {value!r} in the data")

    return parse


def _many_of(
    allowed: Mapping[str, str], what: str, *, closed: bool = False
) -> Callable[[list[str]], list[str]]:
    """Several keys (repeated parameters or commas); unknown ones are dropped and named."""
    one = _one_of(allowed, what, closed=closed)

    def parse(raw: list[str]) -> list[str]:
        values = [v for item in raw for v in item.split(",") if v.strip()]
        good: list[str] = []
        bad: list[str] = []
        for value in values:
            try:
                good.append(one([value]))
            except BadParameter as exc:
                bad.append(str(exc))
        good = list(dict.fromkeys(good))
        if bad:
            raise BadParameter("; ".join(bad), usable=good)
        return good

    return parse


DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)


def _iso_date(raw: list[str]) -> date:
    try:
        value = date.fromisoformat(raw[-1].strip())
    except ValueError:
        raise BadParameter(f"{raw[-1]!r} is not a date like 2023-02-14") from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise BadParameter(f"{raw[-1]!r} is outside the years 1900 to 2100")
    return value


#: The largest record number or page a link may carry: ids are 32-bit integers in
#: PostgreSQL, so a larger number names no record (and would be refused by the driver as
#: out of range; a 5,000-digit one even crashes `int()`).
MAX_NUMBER = 2**31 - 1


def whole_number(text: str) -> int | None:
    """A link's record or page number (a leading # allowed), or None: ASCII digits only
    ("²" and "١٢" pass `str.isdigit`), from 1 to MAX_NUMBER."""
    text = text.strip().lstrip("#")
    if not re.fullmatch(r"[0-9]{1,10}", text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_NUMBER else None


def _positive_int(raw: list[str]) -> int:
    value = whole_number(raw[-1])
    if value is None:
        raise BadParameter(f"{raw[-1].strip()!r} is not a page number")
    return value


def _flag(raw: list[str]) -> bool:
    value = raw[-1].strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise BadParameter(f"{value!r} is not true or false")


def _text(raw: list[str]) -> str:
    return raw[-1].strip()[:200]


def _enc_one(value: Any) -> list[str]:
    return [] if value in (None, "") else [str(value)]


def _enc_many(values: Any) -> list[str]:
    return [str(v) for v in values or []]


def _enc_date(value: date | None) -> list[str]:
    return [value.isoformat()] if value else []


def _enc_flag(value: bool) -> list[str]:
    return ["1"] if value else []


# Each kind of parameter pairs its parser with its encoder, so that a link written by
# `publish` is always one `load` reads back.
Default = Callable[[dict[str, Any]], Any]


def _one(
    param: str,
    key: str,
    allowed: Mapping[str, str],
    what: str,
    default: Default,
    *,
    closed: bool = False,
) -> Field:
    return Field(param, key, _one_of(allowed, what, closed=closed), _enc_one, default)


def _many(
    param: str, key: str, allowed: Mapping[str, str], what: str, *, closed: bool = False
) -> Field:
    return Field(param, key, _many_of(allowed, what, closed=closed), _enc_many, _const([]))


def _day(param: str, key: str) -> Field:
    return Field(param, key, _iso_date, _enc_date, _const(None))


def _switch(param: str, key: str) -> Field:
    return Field(param, key, _flag, _enc_flag, _const(False))


def _search(key: str) -> Field:
    return Field("q", key, _text, _enc_one, _const(""))


def _page(key: str) -> Field:
    return Field("page", key, _positive_int, _enc_one, _const(1))


def figures_fields(vocab: FilterChoices, period_default: str | None = None) -> list[Field]:
    """The Figures page: the conflict first (its defaults follow), metric and place (always
    set), kind, claimants, dates, retracted, places side by side, period length and log
    scale. `period_default`: the view's most common period length once known, left out of
    the link as every default is."""
    conflict = (
        [
            _one(
                "conflict",
                FIG_CONFLICT,
                vocab.conflicts,
                "conflict",
                _const(vocab.default_conflict),
            )
        ]
        if vocab.conflicts
        else []
    )
    return conflict + [
        _one(
            "metric",
            FIG_METRIC,
            vocab.metrics,
            "metric",
            lambda values: vocab.metric_for(values.get(FIG_CONFLICT)),
        ),
        _one(
            "place",
            FIG_PLACE,
            vocab.places,
            "place",
            lambda values: vocab.place_for(values.get(FIG_CONFLICT)),
        ),
        _one(
            "kind",
            FIG_KIND,
            KINDS,
            "kind of figure",
            lambda values: vocab.default_kind(values.get(FIG_METRIC)),
            closed=True,
        ),
        _many("claimant", FIG_CLAIMANTS, vocab.claimants, "claimant"),
        _day("from", FIG_FROM),
        _day("to", FIG_TO),
        _switch("retracted", FIG_RETRACTED),
        _one("by", FIG_BY, BY, "view", _const("claimant"), closed=True),
        _one(
            "period",
            FIG_PERIOD,
            PERIOD_CHOICES,
            "period length",
            _const(period_default),
            closed=True,
        ),
        _switch("log", FIG_LOG),
    ]


def claims_fields(vocab: FilterChoices) -> list[Field]:
    """The Claims page: every filter optional, plus text search, sort and page."""
    statuses = {s.value: s.value for s in Status}
    sorts = {s: s for name in CLAIM_SORTS for s in (name, f"-{name}")}
    return [
        _one("metric", CLAIMS_METRIC, vocab.metrics, "metric", _const(None)),
        _one("place", CLAIMS_PLACE, vocab.places, "place", _const(None)),
        _many("claimant", CLAIMS_CLAIMANTS, vocab.claimants, "claimant"),
        _many("status", CLAIMS_STATUSES, statuses, "status", closed=True),
        _day("from", CLAIMS_FROM),
        _day("to", CLAIMS_TO),
        _search(CLAIMS_TEXT),
        _one("sort", CLAIMS_SORT, sorts, "sort order", _const(DEFAULT_CLAIM_SORT), closed=True),
        _page(CLAIMS_PAGE),
    ]


def history_fields(kinds: Mapping[str, str], authors: Mapping[str, str]) -> list[Field]:
    """The History page: what kind of record, one claim or source (with its claims), who,
    and the page. A claim or source number is kept even when it has no revision yet."""

    def record_id(raw: list[str]) -> int:
        value = whole_number(raw[-1])
        if value is None:
            raise BadParameter(f"{raw[-1]!r} is not a record number")
        return value

    return [
        _one("kind", HISTORY_KIND, kinds, "kind of record", _const(None), closed=True),
        Field("claim", HISTORY_CLAIM, record_id, _enc_one, _const(None)),
        Field("source", HISTORY_SOURCE, record_id, _enc_one, _const(None)),
        _one("user", HISTORY_USER, authors, "author of changes", _const(None)),
        _page(HISTORY_PAGE),
    ]


def sources_fields() -> list[Field]:
    """The Sources list: text search and page. (`source=<id>` opens one source; see
    `requested_source`.)"""
    return [_search(SOURCES_TEXT), _page(SOURCES_PAGE)]


def checks_fields(rules: Mapping[str, str], severities: Sequence[str]) -> list[Field]:
    """The Checks page: which checks (`rule`, by id) and which severities (`severity`) to
    list, none chosen meaning all, and the page when one check is listed."""
    return [
        _many("rule", CHECKS_RULES, rules, "check", closed=True),
        _many("severity", CHECKS_SEVERITIES, {s: s for s in severities}, "severity", closed=True),
        _page(CHECKS_PAGE),
    ]


# --- URL <-> widgets -----------------------------------------------------------------------


def _current_params(fields: list[Field]) -> dict[str, list[str]]:
    return {
        f.param: st.query_params.get_all(f.param)
        for f in fields
        if st.query_params.get_all(f.param)
    }


def load(page: str, fields: list[Field]) -> list[str]:
    """Before the widgets are drawn: apply the URL to them when it is new to this page (a
    link opened, the back button) or when the widgets lost their state (another page was
    shown). Returns a notice for each parameter that could not be used."""
    params = _current_params(fields)
    seen = st.session_state.setdefault(URL_SEEN, {})
    if seen.get(page) == params and all(f.key in st.session_state for f in fields):
        return []
    notices: list[str] = []
    values: dict[str, Any] = {}
    for field in fields:
        raw = params.get(field.param)
        value = field.default(values)
        if raw:
            try:
                value = field.parse(raw)
            except BadParameter as exc:
                if exc.usable:
                    value = exc.usable
                    notices.append(f"Part of the link's “{field.param}” was not used: {exc}.")
                else:
                    notices.append(
                        f"The link's “{field.param}” was not used: {exc}. "
                        "Showing the default instead."
                    )
        values[field.key] = value
    for key, value in values.items():
        st.session_state[key] = value
    return notices


def publish(page: str, fields: list[Field]) -> None:
    """After the widgets are drawn: write their values to the URL (defaults left out)."""
    values: dict[str, Any] = {}
    wanted: dict[str, list[str]] = {}
    for field in fields:
        value = st.session_state.get(field.key)
        values[field.key] = value
        if value != field.default(values):
            encoded = field.encode(value)
            if encoded:
                wanted[field.param] = encoded
    current = _current_params(fields)
    for field in fields:
        if field.param in wanted and current.get(field.param) != wanted[field.param]:
            st.query_params[field.param] = (
                wanted[field.param] if len(wanted[field.param]) > 1 else wanted[field.param][0]
            )
        elif field.param not in wanted and field.param in current:
            del st.query_params[field.param]
    st.session_state.setdefault(URL_SEEN, {})[page] = wanted


def reset_page(key: str) -> Callable[[], None]:
    """An on_change callback for filters: a new filter starts again at page 1."""

    def reset() -> None:
        st.session_state[key] = 1

    return reset


def conflict_changed(vocab: FilterChoices) -> None:
    """An on_change callback: another conflict opens on its own metric, place and kind."""
    conflict = st.session_state.get(FIG_CONFLICT)
    st.session_state[FIG_METRIC] = vocab.metric_for(conflict)
    st.session_state[FIG_PLACE] = vocab.place_for(conflict)
    st.session_state[FIG_KIND] = vocab.default_kind(st.session_state[FIG_METRIC])
    st.session_state[FIG_CLAIMANTS] = []


def metric_changed(vocab: FilterChoices) -> None:
    """An on_change callback: a new metric shows its own kind of figure (cumulative or per
    period) by default, and its own most common period length."""
    st.session_state[FIG_KIND] = vocab.default_kind(st.session_state.get(FIG_METRIC))
    st.session_state[FIG_PERIOD] = None


def requested_source() -> tuple[int | None, str | None]:
    """The `source=<id>` of the Sources page: (id, None), (None, notice) or (None, None)."""
    raw = st.query_params.get("source")
    if raw is None or raw == "":
        return None, None
    number = whole_number(raw)
    if number is None:
        return None, f"The link's “source” was not used: {raw!r} is not a source number."
    return number, None


#: A claim's id from the data files as a link carries it: letters, digits and - _ . :
CLAIM_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")


def requested_claim() -> tuple[str | None, str | None]:
    """The `claim=<id>` of a claim's permalink: its id from the data files
    (`?claim=ohchr-2023-02-12-killed`) or, in links made before those, its number.
    Returns (reference, None), (None, notice) or (None, None); a link that is neither is a
    notice, never a traceback."""
    raw = st.query_params.get("claim")
    if raw is None or raw == "":
        return None, None
    value = raw.strip().lstrip("#")
    if not CLAIM_REFERENCE.fullmatch(value):
        return None, f"The link's “claim” was not used: {raw[:40]!r} is not a claim's id."
    return value, None


def open_claim(claim_key: str) -> None:
    """An on_click callback: the claim's permalink view (its card with history and checks),
    on top of the filters in the address, which it keeps for the way back."""
    st.query_params["claim"] = str(claim_key)


def close_claim() -> None:
    """An on_click callback: from a claim's view back to the chart the address describes."""
    if "claim" in st.query_params:
        del st.query_params["claim"]


def show_claim_on_chart(params: dict[str, str]) -> None:
    """An on_click callback: the Figures chart of a claim's metric, place and kind (and the
    retracted points, for a retracted claim), instead of whatever the address held."""
    st.query_params.clear()
    st.query_params.update(params)


def close_source() -> None:
    """An on_click callback: back from one source to the list."""
    if "source" in st.query_params:
        del st.query_params["source"]


def forget_sources_selection() -> None:
    """Called while one source is shown: the list's table will get a new key, so that the row
    selected to open this source does not open it again when the list returns (the browser
    keeps a table's selection, and a selection cannot be reset from Python)."""
    st.session_state[SOURCES_TABLE_ROUND] = st.session_state.get(SOURCES_TABLE_ROUND, 0) + 1


def sources_table_key() -> str:
    return f"{SOURCES_TABLE}.{st.session_state.get(SOURCES_TABLE_ROUND, 0)}"


# --- widget values -> filters ---------------------------------------------------------------


def figures_filter() -> tuple[ClaimFilter, bool]:
    """The Figures page's filter from its widgets, and whether retracted claims are shown."""
    kind = st.session_state.get(FIG_KIND, "cumulative")
    show_retracted = bool(st.session_state.get(FIG_RETRACTED, False))
    f = ClaimFilter(
        metric=st.session_state.get(FIG_METRIC),
        place=st.session_state.get(FIG_PLACE),
        claimants=tuple(st.session_state.get(FIG_CLAIMANTS) or ()),
        date_from=st.session_state.get(FIG_FROM),
        date_to=st.session_state.get(FIG_TO),
        cumulative=None if kind == "all" else kind == "cumulative",
        include_retracted=show_retracted,
    )
    return f, show_retracted


def figures_view() -> ChartView:
    """The Figures page's chart view from its widgets."""
    period = st.session_state.get(FIG_PERIOD)
    return ChartView(
        metric=st.session_state.get(FIG_METRIC) or "",
        place=st.session_state.get(FIG_PLACE) or "",
        kind=st.session_state.get(FIG_KIND, "cumulative"),
        by="place" if st.session_state.get(FIG_BY) == "place" else None,
        period_length=period if period in PERIOD_LENGTHS else None,
        rate=period == "rate",
        log=bool(st.session_state.get(FIG_LOG, False)),
        claimants=tuple(st.session_state.get(FIG_CLAIMANTS) or ()),
        date_from=st.session_state.get(FIG_FROM),
        date_to=st.session_state.get(FIG_TO),
        show_retracted=bool(st.session_state.get(FIG_RETRACTED, False)),
    )


def claims_filter() -> ClaimFilter:
    return ClaimFilter(
        metric=st.session_state.get(CLAIMS_METRIC),
        place=st.session_state.get(CLAIMS_PLACE),
        claimants=tuple(st.session_state.get(CLAIMS_CLAIMANTS) or ()),
        statuses=tuple(st.session_state.get(CLAIMS_STATUSES) or ()),
        date_from=st.session_state.get(CLAIMS_FROM),
        date_to=st.session_state.get(CLAIMS_TO),
        text=(st.session_state.get(CLAIMS_TEXT) or "").strip() or None,
    )


def dates_in_order(from_key: str, to_key: str) -> str | None:
    """A from-date after the to-date matches nothing: swap them and say so."""
    start, end = st.session_state.get(from_key), st.session_state.get(to_key)
    if start and end and start > end:
        st.session_state[from_key], st.session_state[to_key] = end, start
        return "The start date was after the end date; the two were swapped."
    return None
