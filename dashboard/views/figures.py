"""Figures: one metric in one place over time, a trace per claimant, every point leading
back to the article it came from; under the chart, each claimant's latest figure with a
citation ready to paste."""

import streamlit as st

from dashboard import state, widgets
from tracker import charts

store = widgets.open_store()
widgets.stop_if_empty(store)
vocab = state.Vocabulary.from_options(store.filter_options())
fields = state.figures_fields(vocab)
notices = state.load("figures", fields)
notices.append(state.dates_in_order(state.FIG_FROM, state.FIG_TO))

st.title("Figures")
widgets.notices(notices)
with st.sidebar:
    widgets.figures_filters(vocab)
state.publish("figures", fields)
f, show_retracted = state.figures_filter()

metric_label = vocab.metrics[f.metric]
place_name = vocab.places[f.place]
st.markdown(
    f"**{widgets.md(metric_label)}** in **{widgets.md(place_name)}**, "
    f"{state.KIND_PHRASES[st.session_state[state.FIG_KIND]]}. "
    "Each point is one statement by one claimant; click it to see its source."
)

chart = store.chart(f)  # at most MAX_CHART_POINTS points, aggregated beyond (caption)
points = chart.points
if points.empty:
    st.info(
        widgets.md(f"No claims match: {f.describe()}.")
        + " Try another place, kind of figure or claimant, or clear the dates (filters are in "
        "the sidebar).",
        icon=":material/filter_alt_off:",
    )
    st.stop()

chart_column, card_column = st.columns([3, 2], gap="medium")
checked = store.chart_findings(f)
with chart_column:
    figure = charts.figures_chart(
        points,
        show_retracted=show_retracted,
        y_title=metric_label,
        revision=f"{f.metric}|{f.place}|{f.cumulative}",
        findings=checked.by_claim,
        period=chart.period,
    )
    event = st.plotly_chart(
        figure,
        key=state.FIG_CHART,
        on_select="rerun",
        selection_mode="points",
        config={"displaylogo": False, "responsive": True},
    )
    if chart.period:
        st.caption(
            f"More than {chart.statements:,} statements match, so the chart is aggregated to "
            f"{chart.period_plural}: max per claimant per {chart.period} (the highest figure "
            f"among {int(points['n_claims'].sum()):,} claims; retracted ones left out). "
            "Narrow the dates or claimants to see each statement and its sources."
        )
    else:
        shown = len(points)
        st.caption(
            f"{shown:,} statement(s) from {sum(len(ids) for ids in points['claim_ids']):,} "
            "claim(s). Lines join a claimant's own claims; nothing is interpolated."
            + (
                ""
                if checked.series_checked
                else " Rings show each claim's own checks; series checks (decreases, jumps, "
                "disagreements) over this many claims are on the Checks page."
                if checked.checked
                else " Too many claims to check on the fly: no rings; see the Checks page."
            )
        )

with card_column:
    plotted = set() if chart.period else {i for ids in points["claim_ids"] for i in ids}
    selected = [i for i in charts.selected_claim_ids(event, figure) if i in plotted]
    claim = store.claim_detail(selected[0]) if selected else None
    if claim is None:
        st.info(
            "Click a point on the chart to see its source card: the quote, the article, "
            "a citation and the other claims from that source.",
            icon=":material/touch_app:",
        )
    else:
        widgets.claim_card(claim)

st.subheader("Latest figure per claimant")
latest = store.latest_per_claimant(f)
if latest.empty:
    st.info("Every claim in this view is retracted: there is no current figure to cite.")
for row in latest.to_dict("records"):
    with st.container(border=True):
        st.markdown(
            f"**{widgets.md(widgets.claimant_text(row))}**: {widgets.md(widgets.figure_text(row))}"
            f" · {widgets.md(widgets.period_text(row))}"
            + (f" · reported by {row['n_sources']} sources" if row["n_sources"] > 1 else "")
        )
        widgets.status_line(row)
        widgets.citation_box(row)
