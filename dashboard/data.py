"""The pages' access to the store: `tracker.read.queries` behind Streamlit's caches.

The engine is a cached resource (one pool per database URL and process). Query results are
cached data keyed on the database URL, the store's data version and the arguments: every
write bumps the version (tracker.store.write), so a curator's save shows on the next rerun while a
reader's reruns cost nothing. The version itself is read once per page run (one row).

The Checks page reads the findings stored in the database (`tracker.checks.finding_store`): their
counts and one page at a time, cached on the stamp of the last refresh (a refresh does not
bump the data version); so do the Figures chart's rings and a claim's checks while the
stored findings cover the current data version (else the checks run on the fly, as far
as a page view can). A curator's save refreshes them (`refresh_findings`): at once when
little has to be checked again, otherwise in a background thread, the page saying so
meanwhile. A reader's view never writes.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from tracker.checks import finding_store
from tracker.checks.findings import (
    CheckedState,
    ClaimReference,
    changes_since_checked,
    checked_state,
    claim_references,
    findings_of_claims,
    findings_page,
)
from tracker.checks.rules import Finding, findings_for_claims
from tracker.core.config import database_url, shown_url
from tracker.core.errors import DatabaseUnavailable, TrackerError
from tracker.domain.lookup import Vocabulary
from tracker.files.interchange import ExportMeta, export_meta
from tracker.read import queries
from tracker.read.filters import ClaimFilter
from tracker.sharing import charts
from tracker.sharing.chart_images import chart_credits
from tracker.store import history
from tracker.store.db import head_revision, make_engine, schema_is_current, schema_revision

CACHE_ENTRIES = 512
# Chart views (points, findings, what is sent) kept per process. A view of MAX_CHART_POINTS
# statements holds ~25 MB (points with their sources and quotes, hovers, findings), so a
# handful of views, not hundreds: the dashboard's memory is bounded by this, not by the store.
CHART_ENTRIES = 8
CLAIM_HISTORY = 50  # revisions on a claim's card; the History page pages through more
SERIES_CHECK_LIMIT = 20_000
# Claims whose own checks (figure in quote, quote in source, dates, duplicates) the Figures
# page runs on the fly, a few seconds at most; a chart plotting more shows no rings.
RING_CHECK_LIMIT = 5_000
# Claims a refresh of the stored findings may check while a curator waits after a save
# (about a second); beyond that it runs in the background.
REFRESH_NOW = 5_000

log = logging.getLogger(__name__)


def _dispose(eng: Engine) -> None:
    eng.dispose()


@st.cache_resource(show_spinner=False, on_release=_dispose)
def engine(url: str) -> Engine:
    """One engine per database URL; `must_exist` reports a mistyped SQLite path instead of
    creating an empty file. A URL SQLAlchemy cannot use is DatabaseUnavailable too, in our
    words: SQLAlchemy's quote the URL, password and all."""
    try:
        return make_engine(url, must_exist=True)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnavailable(
            f"TRACKER_DATABASE_URL {shown_url(url)} is not a database URL the tracker can use "
            "(expected sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME)"
        ) from exc


@dataclass(frozen=True)
class CachedReads:
    """The database as of one data version; every method is a cached query."""

    url: str
    version: int

    @property
    def engine(self) -> Engine:
        return engine(self.url)

    def totals(self) -> dict[str, int]:
        return _totals(self.url, self.version)

    def filter_options(self) -> dict[str, pd.DataFrame]:
        return _filter_options(self.url, self.version)

    def chart(self, f: ClaimFilter) -> queries.Chart:
        """The Figures chart's points, bounded (tracker.read.queries.chart)."""
        return _chart(self.url, self.version, f)

    def figures_chart(
        self,
        f: ClaimFilter,
        *,
        show_retracted: bool,
        y_title: str,
        rings: bool = True,
        click_hint: bool = True,
        look: ChartLook | None = None,
    ) -> SharedFigure:
        """The Figures chart of `f` as `st.plotly_chart` sends it, built once per data
        version and view and shared: a chart of thousands of points takes a second to
        build, a reader's rerun should not pay it (see SharedFigure)."""
        stamp = self.findings_stamp() if rings else ""
        ask = FigureRequest(f, show_retracted, y_title, rings, click_hint, look or ChartLook())
        return _figures_chart(self.url, self.version, stamp, ask)

    def chart_figure(
        self,
        f: ClaimFilter,
        *,
        show_retracted: bool,
        y_title: str,
        look: ChartLook | None = None,
    ) -> go.Figure:
        """The Figures chart of `f` as an ordinary plotly figure without the checks' rings,
        built on each call: for the chart images, drawn only when their button is clicked."""
        ask = FigureRequest(f, show_retracted, y_title, rings=False, look=look or ChartLook())
        return _build_figure(self.url, self.version, "", ask)

    def period_lengths(self, f: ClaimFilter) -> dict[str, int]:
        """The lengths the per-period figures of `f` come in, most common first."""
        return _period_lengths(self.url, self.version, f)

    def metrics_with_figures(self, place: str | None, within: bool) -> set[str]:
        return _metrics_with_figures(self.url, self.version, place, within)

    def chart_findings(self, f: ClaimFilter) -> ChartFindings:
        """Findings of the claims the chart for `f` plots: read from the stored findings
        when they are current, else the checks run for those claims and their series only
        (not the whole store); none for an aggregated chart (its points are not claims)."""
        return _chart_findings(self.url, self.version, self.findings_stamp(), f)

    def findings_stamp(self) -> str:
        """The stored findings' stamp when they cover this data version, else "": the key
        of the rings' and claim checks' caches, so that a refresh finishing in the
        background (which does not bump the data version) is read on the next rerun. One
        row, read by primary key."""
        checked = checked_state(self.engine)
        return checked.stamp if checked.covers(self.version) else ""

    def latest_per_claimant(self, f: ClaimFilter) -> pd.DataFrame:
        return _latest_per_claimant(self.url, self.version, f)

    def claims_page(self, f: ClaimFilter, sort: str, limit: int, offset: int) -> pd.DataFrame:
        return _claims_page(self.url, self.version, f, sort, limit, offset)

    def count_claims(self, f: ClaimFilter, at_most: int | None = None) -> int:
        return _count_claims(self.url, self.version, f, at_most)

    def sources_list(self, text: str | None, limit: int, offset: int) -> pd.DataFrame:
        return _sources_list(self.url, self.version, text, limit, offset)

    def count_sources(self, text: str | None) -> int:
        return _count_sources(self.url, self.version, text)

    def source_detail(self, source_id: int) -> dict[str, Any] | None:
        return _source_detail(self.url, self.version, source_id)

    def claim_id_for(self, reference: str) -> int | None:
        """The claim a link names, by its stable id or (older links) its row number."""
        return _claim_id_for(self.url, self.version, reference)

    def claim_detail(self, claim_id: int) -> dict[str, Any] | None:
        return _claim_detail(self.url, self.version, claim_id)

    def export_meta(self, f: ClaimFilter) -> ExportMeta:
        return _export_meta(self.url, self.version, f)

    def citation_sources(self, source_ids: tuple[int, ...]) -> dict[int, dict[str, Any]]:
        """The sources to cite (CSL-JSON, BibTeX), by id."""
        return _citation_sources(self.url, self.version, tuple(sorted(set(source_ids))))

    def chart_credits(self, f: ClaimFilter) -> list[str]:
        """ "Claimant via publisher" for the claims `f` selects: a chart's source line."""
        return _chart_credits(self.url, self.version, f)

    def claim_history(
        self, claim_id: int, limit: int = CLAIM_HISTORY
    ) -> list[history.RevisionRecord]:
        """A claim's revisions, newest first (its card shows them; nothing is deleted)."""
        return self.revisions(HistoryFilter(claim_id=claim_id), limit=limit, offset=0)

    def claim_findings(self, claim_id: int, metric: str, place: str) -> ChartFindings:
        """One claim's findings for its own page, without checking the whole store."""
        return _claim_findings(
            self.url, self.version, self.findings_stamp(), claim_id, metric, place
        )

    def checked(self) -> CheckedState:
        """What the stored findings cover: one row, read on every run (never cached: a
        refresh in the background changes it without a new data version)."""
        return checked_state(self.engine)

    def changes_since_checked(self, checked: CheckedState) -> int:
        return _changes_since_checked(self.url, self.version, checked.revision_id)

    def findings_page(
        self, checked: CheckedState, rule: str, severities: tuple[str, ...], limit: int, offset: int
    ) -> list[Finding]:
        return _findings_page(self.url, checked.stamp, rule, severities, limit, offset)

    def claim_references(self, claim_ids: tuple[int, ...]) -> dict[int, ClaimReference]:
        return _claim_references(self.url, self.version, claim_ids)

    def vocabulary(self) -> Vocabulary:
        """Every metric, claimant and place with their aliases (the curation forms' choices).
        Shared between sessions: read it, never change it."""
        return _vocabulary(self.url, self.version)

    def revisions(
        self, where: HistoryFilter, limit: int, offset: int
    ) -> list[history.RevisionRecord]:
        return _revisions(self.url, self.version, where, limit, offset)

    def count_revisions(self, where: HistoryFilter) -> int:
        return _count_revisions(self.url, self.version, where)

    def revision_authors(self) -> list[str]:
        return _revision_authors(self.url, self.version)


@dataclass(frozen=True)
class ChartLook:
    """How the chart is drawn beyond its claims: places side by side (`by="place"`), a
    per-day rate, a log scale."""

    by: str | None = None
    rate: bool = False
    log: bool = False
    touch: bool = False  # a phone: no hover labels, one tap opens the card


@dataclass(frozen=True)
class FigureRequest:
    """One Figures chart as asked for: its claims and how it is drawn. Frozen, so it is
    the shared chart's cache key as it is."""

    f: ClaimFilter
    show_retracted: bool
    y_title: str
    rings: bool
    click_hint: bool = True
    look: ChartLook = ChartLook()


@dataclass(frozen=True)
class ChartFindings:
    """The findings of a chart's points (claim id -> findings). Read from the stored
    findings when they are current: complete, whatever the size of the chart or series.
    Otherwise run on the fly, and then `series_checked` is False when the chart's metric
    and place hold more than SERIES_CHECK_LIMIT claims: the series rules (decreases,
    jumps, disagreements) are left to the Checks page and `tracker check`, as they would
    take minutes on a reader's first view; `checked` is False when the chart plots more
    than RING_CHECK_LIMIT claims. An aggregated chart has no rings (its points are
    periods, not claims)."""

    by_claim: dict[int, list[Finding]]
    series_checked: bool = True
    checked: bool = True  # False: too many claims plotted to run even their own checks


@dataclass(frozen=True)
class HistoryFilter:
    """The History page's filter: a kind of record, one claim, one source (with its
    claims) and who made the change; None means any."""

    kind: str | None = None
    claim_id: int | None = None
    source_id: int | None = None
    user: str | None = None

    def revision_filter(self) -> history.RevisionFilter:
        if self.claim_id is not None:  # one claim: its own revisions, whatever the source
            return history.RevisionFilter("claim", self.claim_id, self.user)
        return history.RevisionFilter(self.kind, None, self.user, self.source_id)


class NoSchema(DatabaseUnavailable):
    """The database exists but its tables are missing (`tracker init` has not run) or were
    made by another version of the tracker (`tracker init` upgrades them)."""


def open_store() -> CachedReads:
    """The configured database at its current data version.

    Raises DatabaseUnavailable (a missing file, a server down, a URL that is not one) or
    NoSchema. No message carries the URL's password."""
    url = database_url()
    eng = engine(url)
    if url not in _ready:
        where = shown_url(url)
        if not schema_is_current(eng):
            raise NoSchema(f"the database {where} has no tables yet")
        found, needed = schema_revision(eng), head_revision()
        if found != needed:
            raise NoSchema(
                f"the database {where} has tables from another version of the tracker "
                f"(schema revision {found or 'unrecorded'}, this version needs {needed})"
            )
        _ready.add(url)
    return CachedReads(url, queries.data_version(eng))


_ready: set[str] = set()  # URLs whose schema was seen: tables are never dropped by the app


def clear() -> None:
    """Forget results and dispose of the engines (tests point the app at a new database)."""
    st.cache_data.clear()
    _chart.clear()
    _stored_chart_findings.clear()
    _checked_chart_findings.clear()
    _figures_chart.clear()
    _vocabulary.clear()
    engine.clear()
    _ready.clear()


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _changes_since_checked(url: str, version: int, revision_id: int | None) -> int:
    return changes_since_checked(engine(url), revision_id)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _findings_page(
    url: str, stamp: str, rule: str, severities: tuple[str, ...], limit: int, offset: int
) -> list[Finding]:
    return findings_page(engine(url), rule, severities, limit=limit, offset=offset)


# --- keeping the stored findings current after a curator's save ----------------------------

_refreshing: dict[str, threading.Thread] = {}
_refreshing_lock = threading.Lock()


def refresh_findings(url: str | None = None) -> str:
    """After a curator's save: bring the stored findings up to date, at once when at most
    REFRESH_NOW claims have to be checked again, else in a background thread (one per
    database). The save is done whatever happens here: a refresh that fails (a busy
    database) leaves the findings as they were, and the Checks page says they are older.
    Returns the refresh's status ("current", "refreshed", "background", "failed")."""
    url = url or database_url()
    try:
        done = finding_store.refresh_findings(engine(url), budget=REFRESH_NOW)
    except TrackerError as exc:
        log.warning("the stored findings were not refreshed: %s", exc)
        return "failed"
    if done.status != "deferred":
        return done.status
    with _refreshing_lock:
        running = _refreshing.get(url)
        if running is None or not running.is_alive():
            thread = threading.Thread(
                target=_refresh_in_background,
                args=(engine(url),),
                name="refresh-findings",
                daemon=True,
            )
            _refreshing[url] = thread
            thread.start()
    return "background"


def _refresh_in_background(eng: Engine) -> None:
    try:
        finding_store.refresh_findings(eng)
    except Exception:  # noqa: BLE001  (a thread's error has nowhere else to go)
        log.exception("refreshing the stored findings in the background failed")


def findings_refreshing(url: str) -> bool:
    """Whether this process is refreshing the stored findings in the background."""
    with _refreshing_lock:
        thread = _refreshing.get(url)
    return thread is not None and thread.is_alive()


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _claim_references(
    url: str, version: int, claim_ids: tuple[int, ...]
) -> dict[int, ClaimReference]:
    return claim_references(engine(url), claim_ids)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _export_meta(url: str, version: int, f: ClaimFilter) -> ExportMeta:
    return export_meta(engine(url), f)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _citation_sources(
    url: str, version: int, source_ids: tuple[int, ...]
) -> dict[int, dict[str, Any]]:
    return queries.citation_sources(engine(url), source_ids)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _chart_credits(url: str, version: int, f: ClaimFilter) -> list[str]:
    return chart_credits(engine(url), f)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _totals(url: str, version: int) -> dict[str, int]:
    return queries.totals(engine(url))


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _filter_options(url: str, version: int) -> dict[str, pd.DataFrame]:
    return queries.filter_options(engine(url))


# The chart's points and their findings are resources, shared and not copied: cached data
# is unpickled on every rerun, and a chart's points (each with its sources and quotes) and
# findings cost a warm Figures rerun more to unpickle than anything else it reads. The
# pages only read them.
@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def _chart(url: str, version: int, f: ClaimFilter) -> queries.Chart:
    return queries.chart(engine(url), f)


class SharedFigure(go.Figure):
    """What `st.plotly_chart` sends of a chart, computed once and shared by every session
    and rerun: an empty figure whose `to_dict()` is the chart's JSON, read back.

    `st.plotly_chart` calls `figure.to_dict()` and then `plotly.io.to_json` of that dict on
    every rerun. `to_dict` deep-copies every trace and base64-encodes each of its arrays,
    and the JSON encoder then calls back into Python for every array left (dates, hover
    texts, customdata): together most of a warm Figures rerun. The JSON read back is plain
    lists, strings and numbers (numeric arrays stay plotly's base64 specs), which the
    encoder writes in C, to the same JSON as before. The plotly figure itself is not kept:
    its traces held as much again in memory. So `data` is empty: read the chart from
    `to_dict()`, and never change the dict."""

    _sent: dict[str, Any]

    @classmethod
    def of(cls, figure: go.Figure) -> SharedFigure:
        shared = cls()
        shared._sent = json.loads(figure.to_json())
        return shared

    def to_dict(self) -> dict[str, Any]:
        return self._sent


def _build_figure(url: str, version: int, stamp: str, ask: FigureRequest) -> go.Figure:
    f, look = ask.f, ask.look
    chart = _chart(url, version, f)
    order = _series_order(url, version)
    colours = charts.series_colours(order["claimant"])
    if look.by == "place":  # places coloured side by side; small charts by claimant again
        colours = {**colours, **charts.series_colours(order["place"])}
    return charts.figures_chart(
        chart.points,
        show_retracted=ask.show_retracted,
        y_title=ask.y_title,
        revision=f"{f.metric}|{f.place}|{f.within}|{f.cumulative}|{f.period_length}|{look}",
        findings=_chart_findings(url, version, stamp, f).by_claim if ask.rings else None,
        period=chart.period,
        click_hint=ask.click_hint,
        by=look.by,
        rate=look.rate,
        log=look.log,
        colours=colours,
        touch=look.touch,
    )


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _series_order(url: str, version: int) -> dict[str, list[str]]:
    return queries.series_order(engine(url))


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _period_lengths(url: str, version: int, f: ClaimFilter) -> dict[str, int]:
    return queries.period_lengths(engine(url), f)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _metrics_with_figures(url: str, version: int, place: str | None, within: bool) -> set[str]:
    return queries.metrics_with_figures(engine(url), place, within)


@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def _figures_chart(url: str, version: int, stamp: str, ask: FigureRequest) -> SharedFigure:
    return SharedFigure.of(_build_figure(url, version, stamp, ask))


def _chart_findings(url: str, version: int, stamp: str, f: ClaimFilter) -> ChartFindings:
    """`stamp`: the stored findings' when they cover `version` (CachedReads.findings_stamp): read
    them, complete at any scale; else "": run the checks on the fly, as far as a page view
    can (right after a curator's save, before the refresh, or on a store never checked)."""
    if stamp:
        return _stored_chart_findings(url, version, stamp, f)
    return _checked_chart_findings(url, version, f)


@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def _stored_chart_findings(url: str, version: int, stamp: str, f: ClaimFilter) -> ChartFindings:
    chart = _chart(url, version, f)
    if chart.period is not None or chart.points.empty:
        return ChartFindings({}, series_checked=False, checked=chart.points.empty)
    ids = [i for ids in chart.points["claim_ids"] for i in ids]
    return ChartFindings(findings_of_claims(engine(url), ids))


@st.cache_resource(
    show_spinner="Running the consistency checks on the plotted claims…",
    max_entries=CHART_ENTRIES,
)
def _checked_chart_findings(url: str, version: int, f: ClaimFilter) -> ChartFindings:
    chart = _chart(url, version, f)
    if chart.period is not None or chart.points.empty:
        return ChartFindings({}, series_checked=False, checked=chart.points.empty)
    ids = [i for ids in chart.points["claim_ids"] for i in ids]
    if len(ids) > RING_CHECK_LIMIT:
        return ChartFindings({}, series_checked=False, checked=False)
    series = _series_is_small(url, f.metric, f.place)
    return ChartFindings(findings_for_claims(engine(url), ids, series=series), series)


def _series_is_small(url: str, metric: str, place: str) -> bool:
    """Whether the series rules can run on a page view for this metric and place: their
    claims are counted up to SERIES_CHECK_LIMIT and no further."""
    group = ClaimFilter(metric=metric, place=place)
    at_most = SERIES_CHECK_LIMIT + 1
    return queries.count_claims(engine(url), group, at_most=at_most) <= SERIES_CHECK_LIMIT


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _latest_per_claimant(url: str, version: int, f: ClaimFilter) -> pd.DataFrame:
    return queries.latest_per_claimant(engine(url), f)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _claims_page(
    url: str, version: int, f: ClaimFilter, sort: str, limit: int, offset: int
) -> pd.DataFrame:
    return queries.claims_page(engine(url), f, sort=sort, limit=limit, offset=offset)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _count_claims(url: str, version: int, f: ClaimFilter, at_most: int | None) -> int:
    return queries.count_claims(engine(url), f, at_most=at_most)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _sources_list(
    url: str, version: int, text: str | None, limit: int, offset: int
) -> pd.DataFrame:
    return queries.sources_list(engine(url), text, limit=limit, offset=offset)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _count_sources(url: str, version: int, text: str | None) -> int:
    return queries.count_sources(engine(url), text)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _source_detail(url: str, version: int, source_id: int) -> dict[str, Any] | None:
    return queries.source_detail(engine(url), source_id)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _claim_id_for(url: str, version: int, reference: str) -> int | None:
    return queries.claim_id_for(engine(url), reference)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _claim_detail(url: str, version: int, claim_id: int) -> dict[str, Any] | None:
    return queries.claim_detail(engine(url), claim_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _vocabulary(url: str, version: int) -> Vocabulary:
    # A resource, not data: the forms read it on every rerun and it is not copied.
    from tracker.curation import vocabulary

    return vocabulary(engine(url))


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _revisions(
    url: str, version: int, where: HistoryFilter, limit: int, offset: int
) -> list[history.RevisionRecord]:
    return history.revisions(engine(url), where.revision_filter(), limit=limit, offset=offset)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _count_revisions(url: str, version: int, where: HistoryFilter) -> int:
    return history.count_revisions(engine(url), where.revision_filter())


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _revision_authors(url: str, version: int) -> list[str]:
    return history.revision_authors(engine(url))


def _claim_findings(
    url: str, version: int, stamp: str, claim_id: int, metric: str, place: str
) -> ChartFindings:
    """Read from the stored findings when `stamp` says they cover `version`, else run."""
    if stamp:
        return _stored_claim_findings(url, version, stamp, claim_id)
    return _checked_claim_findings(url, version, claim_id, metric, place)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _stored_claim_findings(url: str, version: int, stamp: str, claim_id: int) -> ChartFindings:
    return ChartFindings(findings_of_claims(engine(url), [claim_id]))


@st.cache_data(show_spinner="Running the consistency checks on this claim…", max_entries=64)
def _checked_claim_findings(
    url: str, version: int, claim_id: int, metric: str, place: str
) -> ChartFindings:
    series = _series_is_small(url, metric, place)
    return ChartFindings(findings_for_claims(engine(url), [claim_id], series=series), series)
