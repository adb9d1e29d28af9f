"""A chart view: one metric in one place (or the places within it), as the Figures page,
its embed, its images and `tracker chart` all draw it.

One definition, so that a chart looks the same wherever it travels: the same claims
(`ChartView.claim_filter`), the same period length (the most common by default), the same
colours (assigned from the store's stable order, tracker.sharing.charts.series_colours) and the
same title, as-of date and source line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from tracker.core.errors import TrackerError
from tracker.read import queries
from tracker.read.filters import PERIOD_LENGTHS, ClaimFilter
from tracker.sharing.chart_images import Caption, chart_credits, chart_images, qualifier_legend
from tracker.sharing.charts import figures_chart, series_colours

KINDS = {"cumulative": "Cumulative totals", "period": "Per-period figures", "all": "Both"}
KIND_PHRASES = {
    "cumulative": "cumulative totals",
    "period": "per-period figures",
    "all": "cumulative totals and per-period figures",
}
BY = {"claimant": "Claimant by claimant", "place": "Places side by side"}


@dataclass(frozen=True)
class ChartView:
    """What a reader asked to see. `period_length` None: the most common length of the
    view's per-period figures; `rate`: per-period figures of every length as a rate per
    day instead (comparable, and said so)."""

    metric: str
    place: str
    kind: str = "cumulative"
    by: str | None = None
    period_length: str | None = None
    rate: bool = False
    log: bool = False
    claimants: tuple[str, ...] = field(default_factory=tuple)
    date_from: date | None = None
    date_to: date | None = None
    show_retracted: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TrackerError(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.by not in (None, "claimant", "place"):
            raise TrackerError(f"by: {self.by!r} is not one of claimant, place")
        if self.period_length is not None and self.period_length not in PERIOD_LENGTHS:
            raise TrackerError(
                f"period: {self.period_length!r} is not one of {', '.join(PERIOD_LENGTHS)}"
            )

    @property
    def by_place(self) -> bool:
        return self.by == "place"

    def base_filter(self) -> ClaimFilter:
        """The view's claims of every period length."""
        return ClaimFilter(
            metric=self.metric,
            place=self.place,
            within=self.by_place,
            claimants=self.claimants,
            date_from=self.date_from,
            date_to=self.date_to,
            cumulative=None if self.kind == "all" else self.kind == "cumulative",
            include_retracted=self.show_retracted,
        )


@dataclass(frozen=True)
class ResolvedView:
    """A view with its period length settled against the data: `lengths` are the lengths
    its per-period figures come in (most common first, with counts), `period_length` the
    one drawn (None: all of them, as a per-day rate, or no per-period figures)."""

    view: ChartView
    lengths: dict[str, int]
    period_length: str | None

    @property
    def claim_filter(self) -> ClaimFilter:
        return replace(self.view.base_filter(), period_length=self.period_length)


def resolve_length(view: ChartView, lengths: dict[str, int]) -> str | None:
    """The period length drawn: the one asked for if the view has figures of it, else the
    most common; none with a per-day rate (every length, made comparable) or for
    cumulative totals."""
    if view.kind == "cumulative" or view.rate or not lengths:
        return None
    return view.period_length if view.period_length in lengths else next(iter(lengths))


def resolve(engine: Engine, view: ChartView) -> ResolvedView:
    """The view with its period length settled against the data (see `resolve_length`)."""
    if view.kind == "cumulative":
        return ResolvedView(view, {}, None)
    lengths = queries.period_lengths(engine, view.base_filter())
    return ResolvedView(view, lengths, resolve_length(view, lengths))


def kind_phrase(resolved: ResolvedView) -> str:
    """ "figures per day", "per-day rate of per-period figures", "cumulative totals"."""
    view = resolved.view
    if view.kind == "cumulative":
        return KIND_PHRASES["cumulative"]
    if view.rate:
        phrase = "per-period figures as a rate per day"
    elif resolved.period_length == "other":
        phrase = "per-period figures over windows of other lengths"
    elif resolved.period_length:
        phrase = f"figures per {PERIOD_LENGTHS[resolved.period_length].name}"
    else:
        phrase = KIND_PHRASES["period"]
    return f"cumulative totals and {phrase}" if view.kind == "all" else phrase


def view_title(resolved: ResolvedView, metric_label: str, place_name: str) -> str:
    """ "Settlements attacked in Ukraine, place by place, figures per day"."""
    return f"{metric_label}{place_phrase(metric_label, place_name, resolved.view.by_place)}, " + (
        kind_phrase(resolved)
    )


def place_phrase(metric_label: str, place_name: str, by_place: bool = False) -> str:
    """ " in Ukraine", or nothing when the metric names the place already ("Refugees who
    fled Ukraine", not "... Ukraine in Ukraine"); ", place by place" side by side."""
    said = place_name.lower() in metric_label.lower()
    where = "" if said else f" in {place_name}"
    return where + (", place by place" if by_place else "")


def colours(engine: Engine, by_place: bool) -> dict[str, str]:
    """The stable colour of each claimant, and side by side each place's (small charts of
    many places colour by claimant again)."""
    order = queries.series_order(engine)
    claimants = series_colours(order["claimant"])
    return {**claimants, **series_colours(order["place"])} if by_place else claimants


def view_figure(
    engine: Engine, resolved: ResolvedView, y_title: str, *, click_hint: bool = False
) -> tuple[go.Figure, queries.Chart]:
    """The view's chart as a plotly figure (no checks' rings: a picture travels without
    the page's key to them), and the bounded chart data it was drawn from."""
    view = resolved.view
    chart = queries.chart(engine, resolved.claim_filter)
    figure = figures_chart(
        chart.points,
        show_retracted=view.show_retracted,
        y_title=y_title,
        period=chart.period,
        click_hint=click_hint,
        by=view.by,
        rate=view.rate,
        log=view.log,
        colours=colours(engine, view.by_place),
    )
    return figure, chart


def view_caption(engine: Engine, resolved: ResolvedView, title: str) -> Caption:
    f = resolved.claim_filter
    chart = queries.chart(engine, f)
    qualifiers = [] if chart.period else list(chart.points.get("qualifier", []))
    return Caption(
        title=title,
        as_of=queries.latest_as_of(engine, f),
        sources=chart_credits(engine, f),
        qualifier_legend=qualifier_legend(q for q in qualifiers if q),
    )


def view_labels(engine: Engine, view: ChartView) -> tuple[str, str]:
    """The metric's label and the place's name, for the title; TrackerError when unknown."""
    options = queries.filter_options(engine)
    metrics = dict(zip(options["metrics"]["key"], options["metrics"]["label"], strict=True))
    if view.metric not in metrics:
        raise TrackerError(f"metric: there is no metric {view.metric!r}")
    name = queries.place_name(engine, view.place)
    if name is None:
        raise TrackerError(f"place: there is no place {view.place!r}")
    return metrics[view.metric], name


def render_view(
    engine: Engine,
    view: ChartView,
    fmt: str,
    *,
    width: int = 1000,
    height: int = 600,
    scale: float = 2,
) -> bytes:
    """The view as a captioned PNG or SVG, as the dashboard's download draws it."""
    metric_label, place_name = view_labels(engine, view)
    resolved = resolve(engine, view)
    title = view_title(resolved, metric_label, place_name)
    figure, chart = view_figure(engine, resolved, metric_label)
    if chart.points.empty:
        raise TrackerError(f"no claims match: {resolved.claim_filter.describe()}")
    if chart.period:
        title += f" (highest figure per claimant per {chart.period})"
    caption = view_caption(engine, resolved, title)
    return chart_images(figure, caption, (fmt,), width=width, height=height, scale=scale)[fmt]
