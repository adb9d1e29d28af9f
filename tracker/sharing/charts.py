"""The Figures chart, built from `tracker.read.queries.chart_points` rows with plotly
graph_objects (plotly.express costs several times more per rerun).

What the chart must never hide (DOMAIN.md):
- the qualifier: lower bounds ("at least", "more than") are drawn as up-triangles, upper
  bounds as down-triangles, "about" as diamonds, and the words are in the hover;
- ranges: an error bar from low to high, the marker on the low end (the conservative one);
- the status: disputed points have a thick dark outline and say so in the hover; retracted
  ones are left out unless asked for, then drawn grey in a trace of their own;
- attribution: every point's hover names the claimant, the period and each source
  (publisher, date, title) with its quote, and its `customdata` carries the claim ids, so
  that a click leads to the article;
- the checks (tracker.checks.rules): a point whose claims have findings gets a ring and a
  "Check: ..." line per finding in its hover, so that a reader sees the note before citing.
Cumulative figures are lines over their as-of dates (never interpolated beyond the claims
themselves: a line joins two claims that exist); per-period figures are bars spanning their
period. Text from the data is escaped: plotly labels understand a little HTML.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tracker.checks.findings import claim_findings
from tracker.checks.rules import Finding
from tracker.core.markup import escape_plotly, wrap_plotly
from tracker.read.filters import span_days
from tracker.sharing.citations import (
    figure_count,
    format_day,
    format_figure,
    format_number,
    format_period,
    hedge_of,
    hedged,
    noun_for,
)

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#d62728",
)
RETRACTED_COLOUR = "#b0b0b0"
DISPUTED_OUTLINE = "#222222"
CHECK_RING = "#e8590c"  # not in PALETTE: a ring must not read as another claimant
CHECK_KEY = "has check findings (ring; see the Checks page)"
SYMBOLS = {
    "exact": "circle",
    "about": "diamond",
    "at_least": "triangle-up",
    "more_than": "triangle-up",
    "at_most": "triangle-down",
    "fewer_than": "triangle-down",
}
# Bars cannot change shape, so the qualifier becomes a fill pattern.
PATTERNS = {
    "exact": "",
    "about": ".",
    "at_least": "/",
    "more_than": "/",
    "at_most": "\\",
    "fewer_than": "\\",
}
KEY_ENTRIES = (
    ("exact figure", "circle", ("exact",)),
    ("lower bound (at least, more than)", "triangle-up", ("at_least", "more_than")),
    ("about", "diamond", ("about",)),
    ("upper bound (at most, fewer than)", "triangle-down", ("at_most", "fewer_than")),
)
BAR_KEY_ENTRIES = (
    ("bar: exact figure", "", ("exact",)),
    ("dotted bar: about", ".", ("about",)),
    ("hatched bar (/): lower bound", "/", ("at_least", "more_than")),
    ("hatched bar (\\): upper bound", "\\", ("at_most", "fewer_than")),
)
HOVER_SOURCES = 3  # sources listed in a hover before "and N more"
HOVER_CHECKS = 3  # findings listed in a hover before "and N more"
# Beyond this many points in one trace, WebGL draws it (plotly's SVG slows down past a few
# thousand markers); below, SVG keeps the exact marker outlines.
WEBGL_POINTS = 2_000
# The last line of every aggregated point's hover, written once per trace in its template
# rather than once per point in its hovertext.
AGGREGATE_HINT = "<i>Narrow the dates to see each statement and its sources</i>"
BAR_LABELS = 40  # bars in one trace up to which each carries its figure as a label

# Dates and figures repeat across thousands of points (a series shares its start date, a
# chart a few hundred as-of dates): tracker.sharing.citations formats each once (its functions are
# cached), and traces get numpy arrays, which plotly does not validate element by element.


#: Colours beyond the first ten, for stores with many claimants or places: darker tones,
#: none red or orange (the disputed outline and the checks' ring).
MORE_COLOURS = (
    "#511cfb",
    "#00a08b",
    "#b68100",
    "#750d86",
    "#6c7c32",
    "#778aae",
    "#862a16",
    "#0d2a63",
    "#da16ff",
    "#1c6e1c",
)


def series_colours(order: Sequence[str]) -> dict[str, str]:
    """A colour per claimant (or place) from its position in the store's stable order
    (tracker.queries.series_order): the same in every view, embed and image, whichever
    others a view shows, and unchanged when later ones are added."""
    palette = PALETTE + MORE_COLOURS
    return {key: palette[i % len(palette)] for i, key in enumerate(order)}


def claimant_colours(keys: Sequence[str]) -> dict[str, str]:
    """A colour per claimant that stays the same when filters change: picked from the key's
    hash, moving to the next free colour only on a collision within this chart."""
    colours: dict[str, str] = {}
    used: set[int] = set()
    for key in sorted(set(keys)):
        start = int(hashlib.sha1(key.encode()).hexdigest(), 16) % len(PALETTE)
        index = start
        for step in range(len(PALETTE)):
            index = (start + step) % len(PALETTE)
            if index not in used:
                break
        used.add(index)
        colours[key] = PALETTE[index]
    return colours


def point_y(row: Mapping[str, Any]) -> int | None:
    """Where a point sits: its value, else (a range without a value) its low end."""
    for k in ("value", "low", "high"):
        if _present(row.get(k)):
            return int(row[k])
    return None


def hover_text(row: Mapping[str, Any], *, click_hint: bool = True, rate: bool = False) -> str:
    """The hover of one point: the figure as claimed, claimant, place and period, status,
    each source (publisher, date, title, quote) and the messages of its findings (`checks`,
    set by `figures_chart`), and, where a click opens the source card, that it does. Every
    piece of data is escaped."""
    # A claimant without a short name comes out of pandas as NaN, which is truthy.
    claimant = (
        row["claimant_short"] if _present(row.get("claimant_short")) else row["claimant_name"]
    )
    figure = format_figure(
        _int(row.get("value")),
        _int(row.get("low")),
        _int(row.get("high")),
        row.get("qualifier") or "exact",
    )
    start = _day(row.get("period_start"))
    period = format_period(start, _day(row["period_end"]), bool(row.get("cumulative", True)))
    hedge = hedge_of(" ".join(str(s.get("quote") or "") for s in row.get("sources") or []))
    if hedge:
        figure = hedged(figure, hedge)
    lines = [
        f"<b>{escape_plotly(claimant)}</b>: {escape_plotly(figure)} "
        + escape_plotly(
            noun_for(
                row.get("metric_noun") or "",
                figure_count(_int(row.get("value")), _int(row.get("low")), _int(row.get("high"))),
            )
        ),
        f"{escape_plotly(row.get('place_name') or '')}, {escape_plotly(period)}",
    ]
    if rate and not bool(row.get("cumulative", True)):
        end = _day(row["period_end"])
        days = span_days(start or end, end)
        y = point_y(row)
        if y is not None:
            per_day = format_number(round(y / days)) if y / days >= 10 else f"{y / days:.2g}"
            lines.append(f"≈ {per_day} a day over {days} day{'s' if days != 1 else ''}")
    status = row.get("status") or "unverified"
    if status != "unverified":
        reason = row.get("status_reason")
        lines.append(
            f"<b>{escape_plotly(status.upper())}</b>"
            + (f": {wrap_plotly(_shorten(str(reason)))}" if _present(reason) else "")
        )
    sources = list(row.get("sources") or [])
    lines.append(f"Sources ({len(sources)}):" if len(sources) > 1 else "Source:")
    for s in sources[:HOVER_SOURCES]:
        own = s.get("status") or "unverified"
        tag = f" <b>({escape_plotly(own)})</b>" if own != status else ""
        published = format_day(_day(s.get("published")))
        lines.append(
            wrap_plotly(f"• {s.get('publisher') or ''}, {published}: {s.get('title') or ''}") + tag
        )
        lines.append(f"“{wrap_plotly(_shorten(s.get('quote') or ''))}”")
    if len(sources) > HOVER_SOURCES:
        lines.append(f"… and {len(sources) - HOVER_SOURCES} more")
    checks = row.get("checks") or []
    for message in checks[:HOVER_CHECKS]:
        lines.append(wrap_plotly(f"Check: {message}"))
    if len(checks) > HOVER_CHECKS:
        lines.append(f"… and {len(checks) - HOVER_CHECKS} more checks (see the Checks page)")
    if click_hint:
        lines.append("<i>Click the point for its source card</i>")
    return "<br>".join(lines)


def figures_chart(
    points: pd.DataFrame,
    *,
    show_retracted: bool = False,
    y_title: str | None = None,
    revision: str | None = None,
    findings: Mapping[int, Sequence[Finding]] | None = None,
    period: str | None = None,
    click_hint: bool = True,
    by: str | None = None,
    rate: bool = False,
    log: bool = False,
    colours: Mapping[str, str] | None = None,
    touch: bool = False,
) -> go.Figure:
    """The Figures chart: one trace per claimant (lines for cumulative figures, bars for
    per-period ones), retracted points only when `show_retracted`, a key for the marks
    in use. `revision` keeps the reader's zoom across reruns of the same view.
    `findings` (claim id -> findings, as `tracker.checks.rules.findings_by_claim` returns them)
    rings the points any of whose claims has a finding. `click_hint=False` leaves "Click
    the point for its source card" out of the hovers, for a chart whose points open
    nothing (an embed).

    `by="place"` puts places side by side: one trace per place (and claimant, when the
    view has several), coloured by place. Bars of one window stand side by side within
    it, together spanning exactly the window. `rate` draws per-period figures as a rate
    per day of their window; `log` a logarithmic y axis. `colours` maps each series's key
    (a claimant's, or with `by="place"` a place's) to its colour: a stable assignment
    (see `series_colours`) keeps a claimant's colour in every view, embed and image.
    `touch` (a phone): no hover labels, so that one tap selects the point and opens its
    card instead of covering the chart with a hover the card repeats.

    `points` from `tracker.read.queries.Chart` with a `period` (an aggregated view: the highest
    figure per claimant per period) is drawn by `aggregated_chart` instead."""
    if period is not None or "n_claims" in points.columns:
        return aggregated_chart(
            points,
            period or "period",
            y_title=y_title,
            revision=revision,
            colours=colours,
            touch=touch,
        )
    if points.empty:
        return _layout(go.Figure(), y_title, revision, log=log)
    if findings:
        points = points.assign(
            checks=[
                [f.message for f in claim_findings(ids, findings)] for ids in points["claim_ids"]
            ]
        )
    points = points.reset_index(drop=True)
    arrays = _Arrays(points, click_hint=click_hint, rate=rate)
    retracted = arrays.status == "retracted"
    visible = points[~retracted]
    by_place = by == "place"
    series_column = "place_key" if by_place else "claimant_key"
    series_keys = list(dict.fromkeys(visible[series_column]))
    fallback = claimant_colours(series_keys)
    colour = {k: (colours or {}).get(k) or fallback[k] for k in series_keys}
    cumulative = points["cumulative"].astype(bool).to_numpy()
    claimant_keys = points["claimant_key"].to_numpy()
    place_keys = points["place_key"].to_numpy()
    claimant_names = _names(visible)
    place_names = dict(zip(visible["place_key"], visible["place_name"], strict=False))
    if by_place and len(place_names) > SMALL_MULTIPLES:
        return _small_multiples(
            points,
            arrays,
            retracted,
            place_names,
            claimant_names,
            {k: (colours or {}).get(k) for k in claimant_names},
            y_title=y_title,
            revision=revision,
            log=log,
            rate=rate,
        )
    groups: list[tuple[str, str, str, np.ndarray]] = []  # name, legend group, colour, mask
    if by_place:
        for place in sorted(place_names, key=lambda k: str(place_names[k]).lower()):
            for claimant in sorted(claimant_names, key=lambda k: claimant_names[k].lower()):
                mask = (place_keys == place) & (claimant_keys == claimant) & ~retracted
                if mask.any():
                    # Who says so stays on the key, as a point's claimant does.
                    name = f"{place_names[place]} ({claimant_names[claimant]})"
                    groups.append((name, place, colour[place], mask))
    else:
        for claimant in sorted(claimant_names, key=lambda k: claimant_names[k].lower()):
            mask = (claimant_keys == claimant) & ~retracted
            groups.append((claimant_names[claimant], claimant, colour[claimant], mask))
    traces: list[dict[str, Any]] = []
    bar_masks: list[np.ndarray] = []
    for name, key, tint, mine in groups:
        if (mine & cumulative).any():
            line = arrays.by_date(mine & cumulative)
            traces.append(_line_trace(arrays, line, name, key, tint))
        if (mine & ~cumulative).any():
            bars = arrays.by_date(mine & ~cumulative)
            traces.append(_bar_trace(arrays, bars, name, key, tint, suffix=not by_place))
            bar_masks.append(bars)
    _side_by_side(traces, bar_masks, arrays)
    if show_retracted and retracted.any():
        traces.append(_retracted_trace(arrays, arrays.by_date(retracted)))
    # The data traces are built here from arrays of known types, so plotly's per-element
    # validation (a regular expression per colour, thousands per trace) is skipped.
    fig = go.Figure(data=traces, _validate=False)
    _add_key(fig, points if show_retracted else visible)
    if findings:
        drawn = points if show_retracted else visible
        flagged = drawn[drawn["checks"].map(bool)]
        if not flagged.empty:
            fig.add_trace(_check_ring_trace(flagged))
    drawn = points if show_retracted else visible
    marks = _note_marks(drawn, arrays, retracted if not show_retracted else None)
    if marks is not None:
        fig.add_trace(marks)
    fig.update_layout(barmode="overlay")  # bars are placed by `_side_by_side`
    if touch:
        for trace in fig.data:
            if trace.hovertemplate:
                trace.hovertemplate = None
                trace.hoverinfo = "none"  # events still fire: a tap selects
    return _layout(fig, y_title, revision, log=log, rate=rate, touch=touch)


# A note that marks a restatement or a change of method: the figure before and after it
# are not one series, and a reader must see where. "does not restate" is no mark.
NOTE_MARK = re.compile(
    r"(?<!not )\b(restated?|restatements?|revised|revision|recount(?:ed)?|recalculated|"
    r"reclassified|change of method|method(?:ology)? change[sd]?|new method(?:ology)?|"
    r"corroboration (?:has been |was )?completed|newly completed corroboration)\b",
    re.IGNORECASE,
)
NOTE_KEY = "note: restatement or change of method (hover for it)"
NOTE_COLOUR = "#6b4c9a"


def marks_a_change(notes: str | None) -> bool:
    """Whether a claim's notes mark a restatement or a change of method."""
    return bool(notes) and NOTE_MARK.search(str(notes)) is not None


def _note_marks(points: pd.DataFrame, a: _Arrays, hidden: np.ndarray | None) -> go.Scatter | None:
    """A small mark above the data at the as-of date of each claim whose notes mark a
    restatement or a change of method, the note in its hover."""
    if "notes" not in points.columns or points.empty:
        return None
    rows = [
        (r["period_end"], str(r["notes"]), list(r["claim_ids"]))
        for r in points.to_dict("records")
        if marks_a_change(r.get("notes"))
    ]
    if not rows:
        return None
    values = a.y if hidden is None else a.y[~hidden]
    finite = values[~np.isnan(values)]
    top = float(finite.max()) if finite.size else 1.0
    return go.Scatter(
        x=[_day(end) for end, _, _ in rows],
        y=[top * 1.08] * len(rows),
        mode="markers",
        name=NOTE_KEY,
        marker={"symbol": "triangle-down", "size": 9, "color": NOTE_COLOUR},
        hovertext=[wrap_plotly(f"Note: {_shorten(note, 600)}") for _, note, _ in rows],
        hovertemplate="%{hovertext}<extra></extra>",
        customdata=[[",".join(str(int(i)) for i in ids), ""] for _, _, ids in rows],
        legendgroup="key",
        legendgrouptitle={"text": "Key"},
    )


SMALL_MULTIPLES = 6  # places side by side beyond which each place gets a small chart
MULTIPLE_COLUMNS = 3
MULTIPLE_HEIGHT = 210  # px per row of small charts


def _small_multiples(
    points: pd.DataFrame,
    arrays: _Arrays,
    retracted: np.ndarray,
    place_names: Mapping[str, Any],
    claimant_names: Mapping[str, str],
    colours: Mapping[str, str | None],
    *,
    y_title: str | None,
    revision: str | None,
    log: bool,
    rate: bool,
) -> go.Figure:
    """Many places side by side: a small chart per place (named above it), on one shared
    scale and dates, each claimant in its own colour in every one of them."""
    from plotly.subplots import make_subplots

    places = sorted(place_names, key=lambda k: str(place_names[k]).lower())
    rows = -(-len(places) // MULTIPLE_COLUMNS)
    fig = make_subplots(
        rows=rows,
        cols=MULTIPLE_COLUMNS,
        shared_xaxes="all",
        shared_yaxes="all",
        subplot_titles=[escape_plotly(str(place_names[p])) for p in places],
        vertical_spacing=min(0.12, 0.5 / rows),
        horizontal_spacing=0.06,
    )
    fallback = claimant_colours(list(claimant_names))
    cumulative = points["cumulative"].astype(bool).to_numpy()
    claimant_keys = points["claimant_key"].to_numpy()
    place_keys = points["place_key"].to_numpy()
    in_key: set[str] = set()
    for number, place in enumerate(places):
        row, col = number // MULTIPLE_COLUMNS + 1, number % MULTIPLE_COLUMNS + 1
        traces: list[dict[str, Any]] = []
        bar_masks: list[np.ndarray] = []
        for claimant in sorted(claimant_names, key=lambda k: claimant_names[k].lower()):
            mine = (place_keys == place) & (claimant_keys == claimant) & ~retracted
            tint = colours.get(claimant) or fallback[claimant]
            if (mine & cumulative).any():
                traces.append(
                    _line_trace(
                        arrays,
                        arrays.by_date(mine & cumulative),
                        claimant_names[claimant],
                        claimant,
                        tint,
                    )
                )
            if (mine & ~cumulative).any():
                bars = arrays.by_date(mine & ~cumulative)
                traces.append(
                    _bar_trace(arrays, bars, claimant_names[claimant], claimant, tint, suffix=False)
                )
                bar_masks.append(bars)
        _side_by_side(traces, bar_masks, arrays)
        for trace in traces:
            trace["showlegend"] = trace["legendgroup"] not in in_key
            in_key.add(trace["legendgroup"])
            trace["text"] = None  # small charts: a label per bar would crowd the titles
            fig.add_trace(
                go.Bar(trace) if trace["type"] == "bar" else go.Scatter(trace), row=row, col=col
            )
    _add_key(fig, points[~retracted])
    fig.update_layout(barmode="overlay")
    _layout(fig, y_title, revision, log=log, rate=rate)
    axis_x = {k: v for k, v in fig.layout.xaxis.to_plotly_json().items() if k != "domain"}
    axis_y = {
        k: v for k, v in fig.layout.yaxis.to_plotly_json().items() if k not in ("domain", "title")
    }
    axis_x.pop("anchor", None), axis_y.pop("anchor", None)
    axis_x.pop("matches", None), axis_y.pop("matches", None)
    fig.update_xaxes(**axis_x)
    fig.update_yaxes(**axis_y)
    fig.update_layout(height=max(480, rows * MULTIPLE_HEIGHT + 140))
    return fig


def _side_by_side(traces: list[dict[str, Any]], bar_masks: list[np.ndarray], a: _Arrays) -> None:
    """Bars of the same window stand side by side, each a slice of the window, so that
    together they span it exactly and none hides another."""
    bars = [t for t in traces if t["type"] == "bar"]
    slots: dict[tuple[Any, int], list[tuple[int, int]]] = {}
    for number, positions in enumerate(bar_masks):
        for index, position in enumerate(positions):
            window = (a.start[position], int(a.width[position]))
            slots.setdefault(window, []).append((number, index))
    offsets = [np.zeros(len(m), dtype=np.int64) for m in bar_masks]
    widths = [a.width[m].astype(np.int64).copy() for m in bar_masks]
    for (_, width), members in slots.items():
        share = width // len(members)
        for slot, (number, index) in enumerate(members):
            offsets[number][index] = slot * share
            widths[number][index] = share
    for trace, offset, width in zip(bars, offsets, widths, strict=True):
        trace["offset"] = offset.tolist()
        trace["width"] = width.tolist()


class _Arrays:
    """The per-point values every trace takes a slice of, computed once per chart as numpy
    arrays (plotly copies those without checking each element)."""

    def __init__(
        self, points: pd.DataFrame, *, click_hint: bool = True, rate: bool = False
    ) -> None:
        records = _records(points)
        self.status = points["status"].fillna("unverified").to_numpy(dtype=object)
        self.qualifier = points["qualifier"].fillna("exact").to_numpy(dtype=object)
        y = [point_y(r) for r in records]
        self.y = np.array([np.nan if v is None else v for v in y], dtype=float)
        low = [_int(r.get("low")) for r in records]
        high = [_int(r.get("high")) for r in records]
        self.plus = np.array(
            [
                max(h - v, 0) if v is not None and h is not None else 0
                for v, h in zip(y, high, strict=True)
            ]
        )
        self.minus = np.array(
            [
                max(v - lo, 0) if v is not None and lo is not None else 0
                for v, lo in zip(y, low, strict=True)
            ]
        )
        self.end = np.array([_day(r["period_end"]) for r in records], dtype="datetime64[D]")
        spans = [_bar_span(r) for r in records]
        self.start = np.array([s for s, _ in spans], dtype="datetime64[ms]")
        self.width = np.array([hours * 3_600_000 for _, hours in spans], dtype=np.int64)
        if rate:
            # A per-period figure as a rate per day of its window; cumulative ones as they are.
            days = np.array(
                [
                    1 if bool(r.get("cumulative", True)) else h / 24
                    for r, (_, h) in zip(records, spans, strict=True)
                ],
                dtype=float,
            )
            self.y, self.plus, self.minus = self.y / days, self.plus / days, self.minus / days
        self.custom = np.array([_custom(r) for r in records], dtype=object).reshape(-1, 2)
        # A bar's label: the figure as claimed, its hedge kept ("likely 5").
        self.text = np.array(
            [
                hedged(
                    format_figure(
                        _int(r.get("value")),
                        _int(r.get("low")),
                        _int(r.get("high")),
                        r.get("qualifier") or "exact",
                    ),
                    hedge_of(" ".join(str(x.get("quote") or "") for x in r.get("sources") or [])),
                )
                for r in records
            ],
            dtype=object,
        )
        self.hover = np.array(
            [hover_text(r, click_hint=click_hint, rate=rate) for r in records], dtype=object
        )
        self.disputed = self.status == "disputed"

    def by_date(self, mask: np.ndarray) -> np.ndarray:
        """The positions of the `mask`ed points, in as-of date order (a line's order)."""
        positions = np.flatnonzero(mask)
        return positions[np.argsort(self.end[positions], kind="stable")]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """`frame.to_dict("records")`, five times faster: pandas boxes each Arrow-backed cell
    on its own; `tolist` converts a whole column at once."""
    columns = list(frame.columns)
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _error_arrays(a: _Arrays, mask: np.ndarray, colour: str | None = None) -> dict[str, Any]:
    """Error bars for the points that are ranges: from the low end (the marker) to high."""
    plus, minus = a.plus[mask], a.minus[mask]
    bars: dict[str, Any] = {
        "type": "data",
        "symmetric": False,
        "array": plus,
        "arrayminus": minus,
        "visible": bool(plus.any() or minus.any()),
        "thickness": 1.5,
        "width": 4,
    }
    if colour:
        bars["color"] = colour
    return bars


def _scatter(n: int) -> str:
    return "scattergl" if n > WEBGL_POINTS else "scatter"


def _line_trace(a: _Arrays, mask: np.ndarray, name: str, key: str, colour: str) -> dict:
    disputed = a.disputed[mask]
    return dict(
        type=_scatter(len(mask)),
        x=a.end[mask],
        y=a.y[mask],
        mode="lines+markers",
        name=escape_plotly(name),
        legendgroup=key,
        line={"color": colour, "width": 2},
        marker={
            "color": colour,
            "size": np.where(disputed, 13, 10),
            "symbol": np.array([SYMBOLS.get(q, "circle") for q in a.qualifier[mask]]),
            "line": {
                "color": np.where(disputed, DISPUTED_OUTLINE, "white"),
                "width": np.where(disputed, 3, 1),
            },
        },
        error_y=_error_arrays(a, mask),
        customdata=a.custom[mask],
        hovertext=a.hover[mask],
        hovertemplate="%{hovertext}<extra></extra>",
        unselected={"marker": {"opacity": 0.5}},
    )


def _bar_trace(
    a: _Arrays, mask: np.ndarray, name: str, key: str, colour: str, *, suffix: bool = True
) -> dict:
    disputed = a.disputed[mask]
    return dict(
        type="bar",
        x=a.start[mask],
        y=a.y[mask],
        width=a.width[mask].tolist(),  # read as a list by tests of the chart spec
        offset=0,
        name=escape_plotly(f"{name} (per period)" if suffix else name),
        legendgroup=key,
        opacity=0.85,
        # The figure as claimed on each bar ("about 5") while the bars are few enough to
        # carry a label; the hover has it anyway.
        text=a.text[mask] if len(mask) <= BAR_LABELS else None,
        textposition="outside",
        cliponaxis=False,
        textfont={"size": 12, "color": "#222222"},
        marker={
            "color": colour,
            "pattern": {"shape": np.array([PATTERNS.get(q, "") for q in a.qualifier[mask]])},
            "line": {
                "color": np.where(disputed, DISPUTED_OUTLINE, colour),
                "width": np.where(disputed, 3, 1),
            },
        },
        error_y=_error_arrays(a, mask),
        customdata=a.custom[mask],
        hovertext=a.hover[mask],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _retracted_trace(a: _Arrays, mask: np.ndarray) -> dict:
    return dict(
        type=_scatter(len(mask)),
        x=a.end[mask],
        y=a.y[mask],
        mode="markers",
        name="Retracted (shown on request)",
        legendgroup="retracted",
        marker={
            "color": RETRACTED_COLOUR,
            "size": 10,
            "symbol": np.array([SYMBOLS.get(q, "circle") + "-open" for q in a.qualifier[mask]]),
            "line": {"color": RETRACTED_COLOUR, "width": 2},
        },
        error_y=_error_arrays(a, mask, colour=RETRACTED_COLOUR),
        customdata=a.custom[mask],
        hovertext=a.hover[mask],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def aggregated_chart(
    points: pd.DataFrame,
    period: str,
    *,
    y_title: str | None = None,
    revision: str | None = None,
    colours: Mapping[str, str] | None = None,
    touch: bool = False,
) -> go.Figure:
    """A view with more statements than a browser should get (tracker.read.queries.Chart): per
    claimant, the highest figure of each `period` (a line over the periods' last days for
    cumulative figures, markers for per-period ones). Each point summarises claims, so its
    hover says how many and carries no claim ids: a click opens no card, and narrowing the
    dates brings back the statements themselves."""
    if points.empty:
        return _layout(go.Figure(), y_title, revision)
    fallback = claimant_colours(list(points["claimant_key"]))
    colours = {k: (colours or {}).get(k) or c for k, c in fallback.items()}
    names = _names(points)
    traces = []
    groups = dict(list(points.groupby(["claimant_key", "cumulative"], sort=False)))
    for key in sorted(names, key=lambda k: names[k].lower()):
        for cumulative in (True, False):
            rows = groups.get((key, cumulative))
            if rows is not None and not rows.empty:
                traces.append(_aggregate_trace(rows, names[key], key, colours[key], period))
    return _layout(go.Figure(data=traces, _validate=False), y_title, revision, touch=touch)


def _aggregate_trace(rows: pd.DataFrame, name: str, key: str, colour: str, period: str) -> dict:
    cumulative = bool(rows["cumulative"].iloc[0])
    starts = [format_day(_day(d)) for d in rows["period_start"]]
    ends = [format_day(_day(d)) for d in rows["period_end"]]
    head = f"<b>{escape_plotly(name)}</b>: highest {'cumulative' if cumulative else 'per-period'}"
    hover = [
        f"{head} figure {value:,} among {n:,} claim(s)<br>{period} of {start} – {end}"
        for value, n, start, end in zip(rows["value"], rows["n_claims"], starts, ends, strict=True)
    ]
    n = len(rows)
    return dict(
        type=_scatter(n),
        x=np.array([_day(d) for d in rows["period_end"]], dtype="datetime64[D]"),
        y=rows["value"].to_numpy(dtype=float),
        mode="lines+markers" if cumulative else "markers",
        name=escape_plotly(name if cumulative else f"{name} (per period)"),
        legendgroup=key,
        line={"color": colour, "width": 2},
        marker={"color": colour, "size": 6},
        customdata=np.array([["", ""]] * n, dtype=object),
        hovertext=np.array(hover, dtype=object),
        hovertemplate=f"%{{hovertext}}<br>{AGGREGATE_HINT}<extra></extra>",
    )


def _add_key(fig: go.Figure, points: pd.DataFrame) -> None:
    """Key entries for the marks actually drawn (no data points): the marker shapes of
    the lines' points, the fill patterns of the bars, the disputed outline."""
    if points.empty:
        return
    cumulative = points["cumulative"].astype(bool)
    on_lines = set(points.loc[cumulative, "qualifier"].fillna("exact"))
    on_bars = set(points.loc[~cumulative, "qualifier"].fillna("exact"))
    for label, symbol, members in KEY_ENTRIES:
        if on_lines & set(members):
            fig.add_trace(_key_trace(label, {"symbol": symbol, "color": "#555555", "size": 10}))
    for label, shape, members in BAR_KEY_ENTRIES:
        if on_bars & set(members):
            fig.add_trace(_bar_key_trace(label, shape))
    if (points["status"] == "disputed").any():
        fig.add_trace(
            _key_trace(
                "disputed (dark outline)",
                {
                    "symbol": "circle",
                    "color": "#ffffff",
                    "size": 12,
                    "line": {"color": DISPUTED_OUTLINE, "width": 3},
                },
            )
        )


def _bar_key_trace(label: str, shape: str) -> go.Bar:
    return go.Bar(
        x=[None],
        y=[None],
        name=label,
        marker={
            "color": "#cccccc",
            "pattern": {"shape": shape, "fgcolor": "#444444"},
            "line": {"color": "#666666", "width": 1},
        },
        legendgroup="key",
        legendgrouptitle={"text": "Key"},
        hoverinfo="skip",
        showlegend=True,
    )


def _check_ring_trace(rows: pd.DataFrame) -> go.Scatter:
    """A ring around each point with findings, drawn over it; also the key's entry for it.
    It takes no hover or click (`hoverinfo="skip"`): those stay with the point underneath,
    whose hover lists the findings. Its `customdata` is the point's own, so a box selection
    that catches a ring still leads to the point's claims."""
    records = rows.to_dict("records")
    return go.Scatter(
        x=[_ring_x(r) for r in records],
        y=[point_y(r) for r in records],
        mode="markers",
        name=CHECK_KEY,
        legendgroup="key",
        legendgrouptitle={"text": "Key"},
        marker={"symbol": "circle-open", "size": 22, "color": CHECK_RING, "line": {"width": 2.5}},
        customdata=[_custom(r) for r in records],
        hoverinfo="skip",
    )


def _ring_x(r: Mapping[str, Any]) -> date | datetime | None:
    """Where the point is drawn: a line marker (and a retracted point) at its as-of date,
    a bar's top at the middle of its period."""
    if bool(r.get("cumulative", True)) or r.get("status") == "retracted":
        return _day(r["period_end"])
    start, hours = _bar_span(r)
    return start + timedelta(hours=hours / 2)


def _key_trace(label: str, marker: dict[str, Any]) -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=label,
        marker=marker,
        legendgroup="key",
        legendgrouptitle={"text": "Key"},
        hoverinfo="skip",
        showlegend=True,
    )


HOVER_FONT = {"size": 14, "color": "#111111"}
DAY_MS = 86_400_000


# The key beside the plot (a wide screen, many entries): sizes in the page's type (Source
# Sans, 12 px), rounded up, so that the margins given cover what plotly measures and it
# lays the chart out once instead of twice.
KEY_BESIDE = 8  # key entries beyond which a wide screen gets the key beside the plot
KEY_ROW = 20  # px per entry of a key beside the plot (19 measured, tracegroupgap included)
KEY_CHAR = 5.8  # px per character of a key entry's name (5.2 measured on average)
KEY_SYMBOL = 64  # px of an entry besides its name: the symbol, the gaps (58 measured)
TALLEST = 640  # px: a key longer than this chart is tall scrolls (its title says so)
DIGIT_PX, COMMA_PX = 6.2, 3.2  # px of a tick label's digit and of its comma or point
Y_TITLE_BLOCK = 62  # px left of the y tick labels: the axis's name, standoffs (59 measured)
X_LABELS_BLOCK = 66  # px under the plot: two lines of date labels, the ticks (63 measured)


def _layout(
    fig: go.Figure,
    y_title: str | None,
    revision: str | None,
    *,
    log: bool = False,
    rate: bool = False,
    touch: bool = False,
) -> go.Figure:
    """The interactive layout: the page's width, whole-number ticks for counts, date ticks
    no finer than a day, a key beside the marks, hovers large and dark enough to read.

    A key of many entries (beyond KEY_BESIDE) stands beside the plot on a wide screen, one
    entry a line, and the chart grows with it up to TALLEST: below the dates it took most
    of the chart's height at 50 claimants. Its margins are computed here from the names and
    the largest figure, so that plotly does not have to draw the chart a second time after
    measuring them (it still does, correctly, if a name is wider than the estimate). A
    phone keeps the key below: beside, it would leave the plot no width."""
    yaxis = _count_axis(fig, y_title, log=log, rate=rate)
    layout: dict[str, Any] = {
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "height": 480,
        # Below the date labels (two lines when they name days).
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
    }
    rows, longest, entries = key_size(fig)
    several = sum(1 for name in fig.layout if name.startswith("xaxis")) > 1
    if entries > KEY_BESIDE and not touch and not several:
        plot = rows * KEY_ROW + 8
        height = max(480, min(TALLEST, plot + 30 + X_LABELS_BLOCK))
        legend: dict[str, Any] = {
            "orientation": "v",
            "x": 1,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "tracegroupgap": 2,
        }
        if plot > height - 30 - X_LABELS_BLOCK:
            # Never cut off silently: the key names every series, and says it scrolls.
            title = f"{entries} entries: scroll for all"
            legend["title"] = {"text": title, "font": {"color": "#262730"}}
        right = KEY_SYMBOL + longest * KEY_CHAR
        if "title" in legend:
            right = max(right, 16 + len(legend["title"]["text"]) * KEY_CHAR)
        layout = {
            "margin": {
                "l": Y_TITLE_BLOCK + _y_labels_px(fig, log=log, rate=rate),
                "r": int(right),
                "t": 30,
                "b": X_LABELS_BLOCK,
            },
            "height": height,
            "legend": legend,
        }
    fig.update_layout(
        **layout,
        autosize=True,
        hovermode="closest",
        hoverlabel={
            "align": "left",
            "font": HOVER_FONT,
            "bgcolor": "#ffffff",
            "bordercolor": "#333333",
        },
        xaxis=_date_axis(fig),
        yaxis=yaxis,
        clickmode="event+select",
        uirevision=revision,
    )
    return fig


def key_size(fig: go.Figure) -> tuple[int, int, int]:
    """The key's lines (entries and group titles), its longest name in characters, and
    its entries. Plotly draws no key for a single trace unless one asks for it."""
    rows, longest, entries, groups = 0, 0, 0, set()
    asked = False
    for trace in fig.data:
        if trace.showlegend is False:
            continue
        asked = asked or trace.showlegend is True
        entries += 1
        rows += 1
        longest = max(longest, len(html.unescape(str(trace.name or ""))))
        title = trace.legendgrouptitle.text if trace.legendgrouptitle else None
        if title and trace.legendgroup not in groups:
            groups.add(trace.legendgroup)
            rows += 1
            longest = max(longest, len(title))
    if entries < 2 and not asked:
        return 0, 0, 0
    return rows, longest, entries


def _y_labels_px(fig: go.Figure, *, log: bool, rate: bool) -> int:
    """The widest y tick label the axis can draw: a linear axis ends within a fifth above
    the largest figure, a logarithmic one at most a decade above; rates have decimals."""
    top = max(_y_top(fig), 1.0)
    if log:
        label = f"{int(top * 10):,}"
    elif rate:
        label = f"{top * 1.2:,.2f}"
    else:
        label = f"{int(top * 1.2) + 1:,}"
    narrow = label.count(",") + label.count(".")
    return int((len(label) - narrow) * DIGIT_PX + narrow * COMMA_PX) + 1


def _date_axis(fig: go.Figure) -> dict[str, Any]:
    """Dates step in days at the finest: a view of a few days gets one tick a day (plotly
    would tick every few hours), labelled as the house writes dates."""
    axis: dict[str, Any] = {
        "type": "date",
        "ticks": "outside",
        "ticklen": 8,
        "tickcolor": "#999999",
        "automargin": True,
        # Finer than a day never happens (dtick below); each zoom level's labels.
        "tickformatstops": [
            {"dtickrange": [None, 28 * DAY_MS], "value": "%-d %b\n%Y"},
            {"dtickrange": [28 * DAY_MS, 365 * DAY_MS], "value": "%b\n%Y"},
            {"dtickrange": [365 * DAY_MS, None], "value": "%Y"},
        ],
    }
    first, last = _x_extent(fig)
    if first is not None and last is not None:
        days = (last - first) / DAY_MS
        if days <= 45:
            axis["dtick"] = DAY_MS * max(1, int(np.ceil(days / 8)))
            axis["tick0"] = np.datetime64(int(first // DAY_MS), "D").astype(str)
            pad = DAY_MS * 0.6
            axis["range"] = [
                np.datetime64(int(first - pad), "ms").astype(str),
                np.datetime64(int(last + pad), "ms").astype(str),
            ]
    return axis


def _x_extent(fig: go.Figure) -> tuple[float | None, float | None]:
    """The first and last instants the data traces cover, in ms (bars: their whole span)."""
    lows: list[float] = []
    highs: list[float] = []
    for trace in fig.data:
        x = getattr(trace, "x", None)
        if x is None or len(x) == 0 or trace.showlegend is False:
            continue
        stamps = _ms(x)
        if stamps.size == 0:
            continue
        ends = stamps
        if trace.type == "bar":
            # A bar starts at x + offset and ends a width later (see _side_by_side).
            size = len(stamps)
            offset = np.broadcast_to(np.asarray(trace.offset or 0, dtype=np.int64), (size,))
            width = np.broadcast_to(np.asarray(trace.width or 0, dtype=np.int64), (size,))
            stamps, ends = stamps + offset, stamps + offset + width
        lows.append(float(stamps.min()))
        highs.append(float(ends.max()))
    if not lows:
        return None, None
    return min(lows), max(highs)


def _count_axis(
    fig: go.Figure, y_title: str | None, *, log: bool, rate: bool = False
) -> dict[str, Any]:
    """Counts are whole numbers: full figures with thousands separators ("16,000", never
    "16k", which a cut label turns into "6k"), and one tick per unit on a small scale."""
    if rate:
        y_title = f"{y_title or 'Figure'} per day"
    axis: dict[str, Any] = {
        "title": {"text": escape_plotly(y_title or "")},
        # A rate has fractions; a count never does.
        "tickformat": ",.2~f" if rate else ",d",
        "automargin": True,
        "ticklabelstandoff": 4,
    }
    if log:
        axis["type"] = "log"
        return axis
    axis["rangemode"] = "tozero"
    top = _y_top(fig)
    if top < 10 and not rate:
        axis["dtick"] = 1
        axis["tick0"] = 0
        axis["range"] = [0, max(top, 1) * 1.15 + 0.2]
    return axis


def _y_top(fig: go.Figure) -> float:
    top = 0.0
    for trace in fig.data:
        y = getattr(trace, "y", None)
        if y is None:
            continue
        values = _floats(y)
        values = values[~np.isnan(values)] if values.size else values
        if values.size == 0:
            continue
        plus = trace.error_y.array if trace.error_y and trace.error_y.array is not None else None
        if plus is not None and len(plus) == len(y):
            values = np.array(y, dtype=float) + np.array(plus, dtype=float)
            values = values[~np.isnan(values)]
        top = max(top, float(values.max()) if values.size else 0.0)
    return top


def _ms(x: Any) -> np.ndarray:
    """A trace's dates as integer ms, its gaps (None) left out; the traces built here hold
    numpy dates, read whole rather than one element at a time."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "M":
        stamps = x.astype("datetime64[ms]")
        return stamps[~np.isnat(stamps)].astype(np.int64)
    return np.array(
        [np.datetime64(v, "ms") for v in x if v is not None], dtype="datetime64[ms]"
    ).astype(np.int64)


def _floats(y: Any) -> np.ndarray:
    if isinstance(y, np.ndarray) and y.dtype.kind in "fiu":
        return y.astype(float)
    return np.array([v for v in y if v is not None], dtype=float)


def _bar_span(r: Mapping[str, Any]) -> tuple[datetime, int]:
    """Where a per-period bar starts and how many hours it spans: its window, both ends
    included; a window from one day to the next ("the past 24 hours") is 24 hours, drawn
    from midday to midday across the two dates it names; no start: the one day."""
    end = _day(r["period_end"])
    start = _day(r.get("period_start")) or end
    days = span_days(start, end)
    if (end - start).days == 1:
        return datetime.combine(start, time(12)), 24
    return datetime.combine(start, time()), days * 24


def _custom(r: Mapping[str, Any]) -> list[str]:
    """customdata of a point: [claim ids joined by commas, statement key]."""
    return [",".join(str(int(i)) for i in r["claim_ids"]), str(r["statement_key"])]


def selected_claim_ids(
    event: Mapping[str, Any] | None, figure: go.Figure | None = None
) -> list[int]:
    """The claim ids of the points in a `st.plotly_chart(on_select="rerun")` event.

    Reads each point's `customdata` ([ids, statement key] as `figures_chart` writes it);
    when a point comes back without it, looks the point up in `figure` by curve and index.
    Ids keep the order of the points and appear once.
    """
    selection = (event or {}).get("selection") or {}
    ids: list[int] = []
    for point in selection.get("points") or []:
        custom = point.get("customdata")
        if custom is None and figure is not None:
            custom = _figure_customdata(figure, point)
        for claim_id in _parse_ids(custom):
            if claim_id not in ids:
                ids.append(claim_id)
    return ids


def _figure_customdata(figure: go.Figure, point: Mapping[str, Any]) -> Any:
    # From the figure's dict, not its trace objects: the dashboard's shared chart keeps only
    # the dict it sends (dashboard.data.SharedFigure).
    curve = point.get("curve_number")
    index = point.get("point_index", point.get("point_number"))
    try:
        return figure.to_dict()["data"][int(curve)]["customdata"][int(index)]
    except (TypeError, ValueError, IndexError, KeyError):
        return None


def _parse_ids(custom: Any) -> list[int]:
    if custom is None:
        return []
    if isinstance(custom, np.ndarray):  # a row of a figure's customdata array
        custom = custom.tolist()
    if isinstance(custom, list | tuple):
        custom = custom[0] if custom else None
        if custom is None:
            return []
    if isinstance(custom, int):
        return [custom]
    out = []
    for part in str(custom).split(","):
        part = part.strip()
        if part.isdigit():
            out.append(int(part))
    return out


def _shorten(text: str, limit: int = 280) -> str:
    """Hovers stay readable; the source card shows the whole text."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _names(rows: pd.DataFrame) -> dict[str, str]:
    """Each claimant's legend name (short name if it has one), from its first row: one
    pass, not a filter of the whole frame per claimant."""
    first = rows.drop_duplicates("claimant_key")
    shorts = first["claimant_short"] if "claimant_short" in first else [None] * len(first)
    return {
        key: short if _present(short) else name
        for key, short, name in zip(
            first["claimant_key"], shorts, first["claimant_name"], strict=True
        )
    }


def _present(value: Any) -> bool:
    return value is not None and value == value  # not None, NaN or NaT


def _int(value: Any) -> int | None:
    return int(value) if _present(value) else None


def _day(value: Any) -> date | None:
    if not _present(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
