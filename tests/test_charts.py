"""The Figures chart and the mapping of a click back to claims."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from tracker.checks.rules import Finding
from tracker.read.queries import CHART_COLUMNS
from tracker.sharing.charts import (
    CHECK_KEY,
    claimant_colours,
    figures_chart,
    hover_text,
    selected_claim_ids,
)


def point(claim_ids=(1,), **fields) -> dict:
    sources = fields.pop("sources", None) or [
        {
            "claim_id": claim_ids[0],
            "publisher": "Example Wire",
            "title": "Monitor counts deaths",
            "published": date(2023, 2, 14),
            "url": "https://example.org/a",
            "quote": "it had recorded 7,199 civilian deaths",
            "qualifier": fields.get("qualifier", "exact"),
            "status": fields.get("status", "unverified"),
        }
    ]
    row = {
        "statement_key": f"s{claim_ids[0]}",
        "claim_ids": tuple(claim_ids),
        "n_sources": len(sources),
        "claimant_key": "example_monitor",
        "claimant_name": "Example Monitor",
        "claimant_short": None,
        "metric_key": "civilian_killed",
        "metric_label": "Civilians killed",
        "metric_noun": "civilians killed",
        "place_key": "UA",
        "place_name": "Ukraine",
        "value": 7199,
        "low": None,
        "high": None,
        "qualifier": "exact",
        "period_start": date(2022, 2, 24),
        "period_end": date(2023, 2, 12),
        "cumulative": True,
        "status": "unverified",
        "status_reason": None,
        "sources": sources,
        "source_id": 1,
        "source_publisher": "Example Wire",
        "source_title": "Monitor counts deaths",
        "source_published": date(2023, 2, 14),
        "source_url": "https://example.org/a",
    }
    row.update(fields)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=CHART_COLUMNS)


def data_traces(fig: go.Figure) -> list:
    return [t for t in fig.data if list(t.x) != [None]]


def test_every_plotted_point_carries_its_claim_ids():
    points = frame(
        point((1, 7, 9), period_end=date(2023, 1, 1)),
        point((2,), period_end=date(2023, 2, 1)),
        point(
            (3,), claimant_key="other", claimant_name="Other Monitor", period_end=date(2023, 3, 1)
        ),
    )
    fig = figures_chart(points)
    traces = data_traces(fig)
    assert {t.name for t in traces} == {"Example Monitor", "Other Monitor"}
    ids = sorted(c[0] for t in traces for c in t.customdata)
    assert ids == ["1,7,9", "2", "3"]
    assert all(len(t.customdata) == len(t.x) == len(t.y) for t in traces)


def test_cumulative_figures_are_lines_and_per_period_figures_bars_over_their_period():
    fig = figures_chart(
        frame(
            point((1,)),
            point(
                (2,),
                cumulative=False,
                period_start=date(2023, 2, 1),
                period_end=date(2023, 2, 28),
                value=138,
            ),
        )
    )
    line, bar = data_traces(fig)
    assert line.type == "scatter" and line.mode == "lines+markers"
    assert bar.type == "bar" and bar.name == "Example Monitor (per period)"
    assert str(bar.x[0])[:10] == "2023-02-01" and bar.width[0] == 28 * 86_400_000  # both ends


def test_qualifiers_are_drawn_and_written():
    fig = figures_chart(
        frame(
            point((1,), qualifier="at_least", period_end=date(2023, 1, 1)),
            point((2,), qualifier="about", period_end=date(2023, 1, 2)),
            point((3,), qualifier="exact", period_end=date(2023, 1, 3)),
        )
    )
    [line] = [t for t in data_traces(fig) if t.legendgroup == "example_monitor"]
    assert list(line.marker.symbol) == ["triangle-up", "diamond", "circle"]
    assert "at least 7,199 civilians killed" in line.hovertext[0]
    assert "about 7,199" in line.hovertext[1]
    keys = [t.name for t in fig.data if list(t.x) == [None]]
    assert keys == ["exact figure", "lower bound (at least, more than)", "about"]


def test_a_range_is_an_error_bar_from_its_low_end():
    fig = figures_chart(frame(point((1,), value=None, low=30, high=50)))
    [line] = data_traces(fig)
    assert list(line.y) == [30]
    assert line.error_y.visible and list(line.error_y.array) == [20]
    assert list(line.error_y.arrayminus) == [0]
    assert "30–50 civilians killed" in line.hovertext[0]


def test_retracted_points_are_hidden_unless_shown_and_then_grey():
    points = frame(point((1,)), point((2,), status="retracted", period_end=date(2023, 3, 1)))
    hidden = figures_chart(points)
    assert sorted(c[0] for t in data_traces(hidden) for c in t.customdata) == ["1"]
    shown = figures_chart(points, show_retracted=True)
    [retracted] = [t for t in data_traces(shown) if t.name.startswith("Retracted")]
    assert [c[0] for c in retracted.customdata] == ["2"]
    assert retracted.marker.color == "#b0b0b0"
    assert "RETRACTED" in retracted.hovertext[0]


def test_disputed_points_are_outlined_and_say_why():
    fig = figures_chart(
        frame(point((1,)), point((2,), status="disputed", status_reason="wrong date label"))
    )
    [line] = data_traces(fig)
    assert list(line.marker.line.width) == [1, 3]
    assert "DISPUTED</b>: wrong date label" in line.hovertext[1]
    assert "disputed (dark outline)" in [t.name for t in fig.data]


def test_hover_names_claimant_period_sources_and_quotes_and_escapes_them():
    sources = [
        {
            "claim_id": i,
            "publisher": f"Wire <b>{i}</b>",
            "title": "T",
            "published": date(2023, 2, 14),
            "url": "https://example.org",
            "quote": "<a href='javascript:x'>7,199</a>",
            "qualifier": "exact",
            "status": "disputed" if i == 2 else "unverified",
        }
        for i in (1, 2, 3, 4)
    ]
    text = hover_text(point((1, 2, 3, 4), sources=sources, claimant_name="Mon <i>itor</i>"))
    assert "<b>Mon &lt;i&gt;itor&lt;/i&gt;</b>: 7,199 civilians killed" in text
    assert "Ukraine, 24 Feb 2022 – 12 Feb 2023" in text
    assert "Sources (4):" in text and "Wire &lt;b&gt;1&lt;/b&gt;, 14 Feb 2023: T" in text
    assert "&lt;a href='javascript:x'&gt;7,199&lt;/a&gt;" in text
    assert "<b>(disputed)</b>" in text  # one relay's own status
    assert "… and 1 more" in text
    assert "<a " not in text


def test_hover_names_a_claimant_without_a_short_name_by_its_name():
    # From a DataFrame a missing short name is NaN, not None (claimants added in the app).
    text = hover_text(point((1,), claimant_short=float("nan")))
    assert text.startswith("<b>Example Monitor</b>: 7,199 civilians killed")


def test_a_selection_event_maps_to_the_claims_of_the_clicked_points():
    event = {
        "selection": {
            "points": [
                {"curve_number": 0, "point_index": 3, "customdata": ["12,15", "s12"]},
                {"curve_number": 1, "point_index": 0, "customdata": ["15", "s15"]},
                {"curve_number": 1, "point_index": 1, "customdata": "21"},
            ],
            "point_indices": [3, 0, 1],
        }
    }
    assert selected_claim_ids(event) == [12, 15, 21]


def test_a_point_without_customdata_is_looked_up_in_the_figure():
    fig = figures_chart(frame(point((4, 5)), point((6,), period_end=date(2023, 3, 1))))
    event = {"selection": {"points": [{"curve_number": 0, "point_index": 1}]}}
    assert selected_claim_ids(event, fig) == [6]
    assert selected_claim_ids({"selection": {"points": [{"curve_number": 9}]}}, fig) == []


def test_no_selection_means_no_claims():
    assert selected_claim_ids(None) == []
    assert selected_claim_ids({}) == []
    assert selected_claim_ids({"selection": {"points": []}}) == []
    assert selected_claim_ids({"selection": {"points": [{"customdata": ["x,,3"]}]}}) == [3]


def test_claimant_colours_do_not_change_when_others_are_filtered_out():
    everyone = claimant_colours(["ohchr", "pgo", "general_staff_ua", "unhcr"])
    assert len(set(everyone.values())) == 4
    alone = claimant_colours(["ohchr"])
    assert alone["ohchr"] == claimant_colours(["ohchr", "unhcr"])["ohchr"]


def test_no_points_is_an_empty_chart_not_an_error():
    assert figures_chart(frame()).data == ()


def finding(*claims: int, message: str = "Example Monitor's count rose fast") -> Finding:
    return Finding("sudden-jump", "info", message, claims, ("https://example.org/a",))


def test_exactly_the_points_with_findings_are_ringed_and_their_hovers_say_why():
    jump = finding(7, 3, message="Example Monitor's count rose from 10 to <b>90</b>")
    points = frame(
        point((1, 7), period_end=date(2023, 1, 1)),  # a relay's claim (7) has the finding
        point((2,), period_end=date(2023, 2, 1)),
        point(
            (3,), claimant_key="other", claimant_name="Other Monitor", period_end=date(2023, 3, 1)
        ),
        point(
            (4,),
            cumulative=False,
            period_start=date(2023, 2, 1),
            period_end=date(2023, 2, 28),
        ),
        point((5,), status="retracted", period_end=date(2023, 4, 1)),
    )
    findings = {7: [jump], 3: [jump], 4: [finding(4)], 5: [finding(5)], 99: [finding(99)]}
    plain = figures_chart(points)
    fig = figures_chart(points, findings=findings)

    assert CHECK_KEY not in {t.name for t in plain.data}
    [ring] = [t for t in fig.data if t.name == CHECK_KEY]
    assert [c[0] for c in ring.customdata] == ["1,7", "3", "4"]  # not 2; 5 is not drawn
    assert ring.hoverinfo == "skip" and ring.legendgroup == "key"
    assert ring.marker.symbol == "circle-open"
    # Each ring sits on its point: a line marker at its as-of date, a bar's top mid-period
    # (1 to 28 Feb: the bar runs from 1 Feb 00:00 to 1 Mar 00:00).
    assert [str(x)[:16] for x in ring.x] == ["2023-01-01", "2023-03-01", "2023-02-15 00:00"]
    assert list(ring.y) == [7199, 7199, 7199]

    # The data traces keep their claim ids; the hovers of ringed points name the finding.
    def by_claims(figure) -> dict[str, str]:
        return {
            c[0]: text
            for t in figure.data
            if t.name != CHECK_KEY and t.customdata is not None
            for c, text in zip(t.customdata, t.hovertext, strict=True)
        }

    before, after = by_claims(plain), by_claims(fig)
    assert set(before) == set(after) == {"1,7", "2", "3", "4"}
    expected = "Check: Example Monitor's count rose from 10 to &lt;b&gt;90&lt;/b&gt;"  # escaped
    for ids in ("1,7", "3"):
        assert expected in after[ids].replace("<br>", " ")
    assert "Check: Example Monitor's count rose fast" in after["4"].replace("<br>", " ")
    assert "Check:" not in after["2"]
    assert after["2"] == before["2"]

    # Shown on request, a retracted point with a finding is ringed too.
    shown = figures_chart(points, findings=findings, show_retracted=True)
    [ring] = [t for t in shown.data if t.name == CHECK_KEY]
    assert [c[0] for c in ring.customdata] == ["1,7", "3", "4", "5"]


def test_a_view_without_findings_has_no_ring_and_no_key_entry_for_it():
    fig = figures_chart(
        frame(point((1,)), point((2,), period_end=date(2023, 3, 1))), findings={9: [finding(9)]}
    )
    assert CHECK_KEY not in {t.name for t in fig.data}


def test_a_restatement_in_the_notes_is_marked_on_the_chart_with_the_note_in_its_hover():
    from tracker.sharing.charts import NOTE_KEY

    fig = figures_chart(
        frame(
            point((1,), period_end=date(2023, 2, 12), notes="Weekly update; nothing special."),
            point(
                (2,),
                value=8006,
                period_end=date(2023, 2, 15),
                notes="The increase is because corroboration has been completed on 2022 cases.",
            ),
            point((3,), value=8100, period_end=date(2023, 3, 1), notes="It does not restate."),
        )
    )
    [marks] = [t for t in fig.data if t.name == NOTE_KEY]
    assert [str(x)[:10] for x in marks.x] == ["2023-02-15"]
    assert "corroboration has been completed" in marks.hovertext[0]
    assert marks.y[0] > 8006  # above the data it marks
    assert marks.customdata[0][0] == "2"  # a click opens the claim's card


def test_a_claimant_keeps_its_colour_whichever_others_are_shown():
    from tracker.sharing.charts import series_colours

    order = ["monitor_a", "ministry_b", "army_c"]
    colours = series_colours(order)
    both = figures_chart(
        frame(
            point((1,), claimant_key="monitor_a", claimant_name="Monitor A"),
            point((2,), claimant_key="army_c", claimant_name="Army C"),
        ),
        colours=colours,
    )
    alone = figures_chart(
        frame(point((3,), claimant_key="army_c", claimant_name="Army C")), colours=colours
    )
    colour_of = {t.name: t.line.color for f in (both, alone) for t in data_traces(f)}
    assert colour_of["Army C"] == colours["army_c"] != colours["monitor_a"]
    assert [t.line.color for t in data_traces(alone)] == [colours["army_c"]]
    # Adding a claimant later changes no one's colour.
    assert series_colours([*order, "new_d"])["army_c"] == colours["army_c"]


def test_the_key_shows_patterns_for_bars_and_shapes_for_points():
    fig = figures_chart(
        frame(
            point((1,), qualifier="about", cumulative=False, period_start=date(2023, 1, 1)),
            point((2,), qualifier="at_least"),
        )
    )
    keys = {t.name: t for t in fig.data if t.legendgroup == "key"}
    assert keys["dotted bar: about"].type == "bar"
    assert keys["dotted bar: about"].marker.pattern.shape == "."
    assert keys["lower bound (at least, more than)"].marker.symbol == "triangle-up"
    assert "about" not in keys  # no point is "about": no diamond in the key


def test_many_places_side_by_side_are_small_charts_on_one_scale():
    from tracker.sharing.charts import SMALL_MULTIPLES

    places = [(f"X-{i:02d}", f"Example region {i:02d}") for i in range(SMALL_MULTIPLES + 2)]
    rows = []
    for n, (key, name) in enumerate(places):
        for claimant in ("monitor_a", "army_c"):
            rows.append(
                point(
                    (n * 10 + len(rows),),
                    place_key=key,
                    place_name=name,
                    claimant_key=claimant,
                    claimant_name=claimant.replace("_", " ").title(),
                    value=100 + n,
                    cumulative=False,
                    period_start=date(2023, 3, 1),
                    period_end=date(2023, 3, 31),
                )
            )
    fig = figures_chart(frame(*rows), by="place", colours={"monitor_a": "#111111"})
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [name for _, name in places]  # one small chart per place, named
    bars = [t for t in fig.data if t.type == "bar" and t.legendgroup != "key"]
    assert len(bars) == 2 * len(places)
    assert {t.marker.color for t in bars if t.legendgroup == "monitor_a"} == {"#111111"}
    assert sum(1 for t in bars if t.showlegend) == 2  # each claimant once in the key
    # One scale: every small chart's y axis follows the same one.
    y_axes = [fig.layout[name] for name in fig.layout if name.startswith("yaxis")]
    assert len(y_axes) >= len(places) and len({a.matches for a in y_axes} - {None}) == 1
    assert all(a.tickformat == ",d" for a in y_axes)


def test_a_log_scale_on_request_and_whole_number_ticks_otherwise():
    rows = frame(point((1,), value=3), point((2,), value=5, period_end=date(2023, 3, 1)))
    assert figures_chart(rows, log=True).layout.yaxis.type == "log"
    linear = figures_chart(rows).layout.yaxis
    assert linear.type != "log" and linear.tickformat == ",d" and linear.dtick == 1


def test_hovers_are_large_and_dark():
    hover = figures_chart(frame(point((1,)))).layout.hoverlabel
    assert hover.font.size >= 14 and hover.font.color == "#111111"
    assert hover.bgcolor == "#ffffff"


def monthly_maxima(claimants: int, months: int) -> pd.DataFrame:
    """An aggregated view's points (tracker.read.queries.Chart with a period): each
    claimant's highest cumulative figure per month."""
    rows = []
    for c in range(claimants):
        for m in range(months):
            start = date(2022 + m // 12, m % 12 + 1, 1)
            end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
            rows.append(
                {
                    "claimant_key": f"c{c:02d}",
                    "claimant_name": f"Claimant {c:02d} <i>",
                    "claimant_short": None,
                    "cumulative": True,
                    "period_start": start,
                    "period_end": end,
                    "value": 1000 * (m + 1) + c,
                    "n_claims": 3,
                }
            )
    return pd.DataFrame(rows)


def test_an_aggregated_point_hovers_its_claimant_figure_claims_and_period():
    """Each point of an aggregated chart: its claimant (escaped), the highest figure, how
    many claims and which month; the line on how to see the statements is the trace's
    template, sent once rather than with every point; no point leads to a claim."""
    fig = figures_chart(monthly_maxima(50, 40), period="month")
    drawn = [t for t in fig.data if t.x is not None and len(t.x) and t.x[0] is not None]
    assert len(drawn) == 50 and sum(len(t.x) for t in drawn) == 50 * 40
    first = drawn[0]
    assert first.hovertext[1] == (
        "<b>Claimant 00 &lt;i&gt;</b>: highest cumulative figure 2,000 among 3 claim(s)"
        "<br>month of 1 Feb 2022 – 28 Feb 2022"
    )
    assert first.hovertemplate == (
        "%{hovertext}<br><i>Narrow the dates to see each statement and its sources</i>"
        "<extra></extra>"
    )
    assert (
        selected_claim_ids({"selection": {"points": [{"customdata": first.customdata[1]}]}}) == []
    )


def test_a_long_key_stands_beside_the_plot_names_every_series_and_says_it_scrolls():
    """50 claimants: under the dates their key would take most of the chart. Beside the
    plot it is one entry a line, the chart grows to its tallest, and a key still longer
    says it scrolls; the margins are given (wide enough for the longest name and the
    largest figure), so that plotly need not measure and draw the chart twice."""
    fig = figures_chart(monthly_maxima(50, 40), period="month")
    legend = fig.layout.legend
    assert legend.orientation == "v" and legend.x == 1 and legend.xanchor == "left"
    assert sorted(t.name for t in fig.data) == [f"Claimant {c:02d} &lt;i&gt;" for c in range(50)]
    assert fig.layout.height == 640
    assert legend.title.text == "50 entries: scroll for all"
    margin = fig.layout.margin
    assert margin.r >= len("Claimant 00 <i>") * 5.2 + 58  # the names' width, measured
    assert margin.l >= len("40,000") * 6 + 59  # the widest label this axis draws
    assert margin.b >= 63


def test_a_short_key_and_a_phones_key_stay_under_the_dates():
    few = figures_chart(monthly_maxima(3, 12), period="month")
    assert few.layout.legend.orientation == "h" and few.layout.height == 480
    assert few.layout.legend.title.text is None
    phone = figures_chart(monthly_maxima(50, 12), period="month", touch=True)
    assert phone.layout.legend.orientation == "h" and phone.layout.height == 480


def test_a_key_that_fits_makes_the_chart_only_as_tall_as_it_needs():
    fig = figures_chart(monthly_maxima(20, 12), period="month")
    assert fig.layout.legend.orientation == "v" and fig.layout.legend.title.text is None
    assert 480 <= fig.layout.height < 640
