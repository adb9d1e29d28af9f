"""Figures: one metric in one place over time, a trace per claimant, every point leading
back to the article it came from; under the chart, the ways to hand the view on (its link,
an embed, images, the data) and each claimant's latest figure with citations to paste.

`?claim=<id>` opens that claim's own page instead (its permalink; see
dashboard.claim_view). `?embed=true` draws only the chart, its caption and a link back,
for a newsroom's iframe (the menu and the sidebar are left out by app.py and here)."""

import streamlit as st

from dashboard import claim_view, conflicts, sharing, state, widgets
from dashboard.data import ChartLook
from tracker.sharing import chart_views, charts

store = widgets.open_store()
widgets.stop_if_empty(store)
claim_ref, claim_notice = state.requested_claim()
if claim_ref is not None:
    claim_id = store.claim_id_for(claim_ref)
    if claim_id is not None and claim_view.show(store, claim_id):
        st.stop()
    claim_notice = (
        f"There is no claim {claim_ref!r}: the link may be mistyped (claims are never "
        "deleted, so a link that once worked still does). Showing the chart instead."
    )

embedded = sharing.is_embedded()
vocab = state.FilterChoices.from_options(store.filter_options())
fields = state.figures_fields(vocab)
notices = state.load("figures", fields)
notices.append(state.dates_in_order(state.FIG_FROM, state.FIG_TO))
notices.append(claim_notice)

if not embedded:
    st.title("Figures")
    conflicts.picker(vocab)
widgets.notices(notices)
by_place = st.session_state.get(state.FIG_BY) == "place"
offered = store.metrics_with_figures(st.session_state.get(state.FIG_PLACE), by_place)
if not embedded:
    with st.sidebar:
        widgets.figures_filters(vocab, offered)
view = state.figures_view()
lengths = {} if view.kind == "cumulative" else store.period_lengths(view.base_filter())
intro = st.container()  # the view in words, above the period choice it depends on
if not embedded:
    widgets.period_choice(lengths, chart_views.resolve_length(view, lengths))
    view = state.figures_view()  # with the period length just chosen
resolved = chart_views.ResolvedView(view, lengths, chart_views.resolve_length(view, lengths))
# The most common length is the default: a link leaves it out, as it does every default.
state.publish("figures", state.figures_fields(vocab, next(iter(lengths), None)))
f = resolved.claim_filter
show_retracted = view.show_retracted
look = ChartLook(view.by, view.rate, view.log, touch=widgets.on_a_phone())

metric_label = vocab.metrics[f.metric]
place_name = vocab.places[f.place]
title = chart_views.view_title(resolved, metric_label, place_name)
kind_phrase = chart_views.kind_phrase(resolved)
chart = store.chart(f)  # at most MAX_CHART_POINTS points, aggregated beyond (caption)
points = chart.points
where = chart_views.place_phrase(metric_label, place_name, by_place)
if not embedded:
    intro.markdown(
        f"**{widgets.md(metric_label)}**"
        # Markdown escaping drops a leading space: keep the one before "in".
        + (" " if where.startswith(" ") else "")
        + widgets.md(where.lstrip())
        + f", {kind_phrase}. "
        + (
            # An aggregated point stands for many claims: there is no one source to open.
            f"Each point is a claimant's highest figure in a {chart.period}; narrow the "
            "dates or claimants to see each statement and open its source."
            if chart.period
            else "Each point or bar is one statement by one claimant; click it to see its source."
        )
    )
if points.empty:
    st.info(
        widgets.md(f"No claims match: {widgets.filter_words(f, vocab)}.")
        + (
            ""
            if embedded
            else " Try another place, kind of figure or claimant, or clear the "
            "dates (filters are in the sidebar)."
        ),
        icon=":material/filter_alt_off:",
    )
    st.stop()

if chart.period:
    # An aggregated chart says so wherever it travels: embeds and images carry the title.
    title += f" (highest figure per claimant per {chart.period})"
meta = store.export_meta(f)
# An aggregated chart draws plain markers (one highest figure per period): no legend.
qualifiers = [] if chart.period else list(points["qualifier"])


def caption() -> sharing.ChartCaption:
    """Made only where it is shown (an embed, the image tab): its credits count the claims
    per claimant and outlet, which a large store's first view should not wait for."""
    return sharing.chart_caption(title, meta, qualifiers, store.chart_credits(f))


chart_config = {"displaylogo": False, "responsive": True}

if embedded:
    # The chart without the checks' rings (explained on the full page, not here).
    st.plotly_chart(
        store.figures_chart(
            f,
            show_retracted=show_retracted,
            y_title=metric_label,
            rings=False,
            click_hint=False,  # a click in the embed opens nothing
            look=look,
        ),
        key=state.FIG_CHART,
        config=chart_config,
        width="stretch",
    )
    sharing.caption_block(caption())
    widgets.link_button(
        "Full view: every source, quote and citation", sharing.view_url(), key="embed.back"
    )
    st.stop()

# Chart · Table · Sources: the plotted statements as a chart, as rows (figure, qualifier,
# period, claimant, status, each claim's page and article), and the articles behind them.
# Only the open tab is drawn; the chart's is open first.
chart_tab, table_tab, sources_tab = st.tabs(
    ["Chart", "Table", "Sources"], key=state.FIG_TAB, on_change="rerun"
)
checked = store.chart_findings(f)
if chart_tab.open:
    with chart_tab:
        figure = store.figures_chart(
            f, show_retracted=show_retracted, y_title=metric_label, look=look
        )
        event = st.plotly_chart(
            figure,
            key=state.FIG_CHART,
            on_select="rerun",
            selection_mode="points",
            config=chart_config,
            width="stretch",
        )
        if look.touch:
            widgets.tap_selects()
        if chart.period:
            st.caption(
                f"More than {chart.statements:,} statements match, so the chart is aggregated "
                f"to {chart.period_plural}: max per claimant per {chart.period} (the highest "
                f"figure among {int(points['n_claims'].sum()):,} claims; retracted ones left "
                "out). Narrow the dates or claimants to see each statement and its sources."
            )
        else:
            shown = len(points)
            claims_shown = sum(len(ids) for ids in points["claim_ids"])
            st.caption(
                f"{shown:,} {widgets.plural(shown, 'statement')} from {claims_shown:,} "
                f"{widgets.plural(claims_shown, 'claim')}. Lines join a claimant's own claims; "
                "nothing is interpolated."
                + (
                    ""
                    if checked.series_checked
                    else " Rings show each claim's own checks; series checks (decreases, "
                    "jumps, disagreements) over this many claims are on the Checks page."
                    if checked.checked
                    else " Too many claims to check on the fly: no rings; see the Checks page."
                )
            )
        plotted = set() if chart.period else {i for ids in points["claim_ids"] for i in ids}
        selected = [i for i in charts.selected_claim_ids(event, figure) if i in plotted]
        claim = store.claim_detail(selected[0]) if selected else None
        if claim is None and chart.period:
            st.info(
                f"This view is aggregated to {chart.period_plural}, so a point is not one "
                "statement: narrow the dates or claimants, then click a point to see its "
                "source card.",
                icon=":material/zoom_in:",
            )
        elif claim is None:
            st.info(
                "Click a point on the chart to see its source card: the quote, the article, "
                "a citation and the other claims from that source.",
                icon=":material/touch_app:",
            )
        else:
            source_id = int(claim["source_id"])
            widgets.claim_card(claim, store.citation_sources((source_id,)).get(source_id))
            if look.touch:  # on a phone the card is below the fold: bring it into view
                widgets.scroll_into_view(f"claim_card_{claim['claim_id']}")
if table_tab.open:
    with table_tab:
        widgets.statements_table(
            chart, widgets.statements_frame, "list each statement", key="figures.table"
        )
if sources_tab.open:
    with sources_tab:
        widgets.statements_table(
            chart,
            widgets.plotted_sources_frame,
            "list the articles behind each statement",
            key="figures.sources",
        )

# Sharing is drawn when asked for (the expander and its open tab only): every code box
# and button the browser draws beside the chart delays the chart itself. The address bar
# holds the view's link anyway.
share = st.expander(
    "Share this view: its link, an embed, the chart as an image, the data",
    icon=":material/share:",
    key=state.FIG_SHARE_OPEN,
    on_change="rerun",
)
if share.open:
    with share:
        link_tab, image_tab, data_tab = st.tabs(
            ["Link and embed", "Chart image", "Data"], key=state.FIG_SHARE, on_change="rerun"
        )
        if link_tab.open:
            with link_tab:
                sharing.link_and_embed(title)
        if image_tab.open:
            with image_tab:
                # The image without the checks' rings: a picture travels without the page's
                # key to them.
                sharing.image_downloads(
                    lambda: store.chart_figure(
                        f, show_retracted=show_retracted, y_title=metric_label, look=look
                    ),
                    caption(),
                    sharing.image_stem(f, meta),
                    key="figures.image",
                )
        if data_tab.open:
            with data_tab:
                sharing.export_downloads(store.engine, f, meta, key="figures.export")

st.subheader("Latest figure per claimant and place" if by_place else "Latest figure per claimant")
latest = store.latest_per_claimant(f)
if latest.empty:
    st.info("Every claim in this view is retracted: there is no current figure to cite.")
    st.stop()
st.dataframe(
    widgets.latest_frame(latest, lambda claim_key: sharing.claim_url(claim_key)),
    hide_index=True,
    width="stretch",
    column_config=widgets.LATEST_COLUMN_CONFIG,
)
# The citation forms of one figure at a time: four forms for every claimant were most of a
# rerun's work and of the page's length; the choice keeps each one a click away.
latest_rows = {int(r["claim_id"]): r for r in latest.to_dict("records")}
cited_id = st.selectbox(
    "Cite a latest figure: the sentence, Markdown, CSL-JSON and BibTeX",
    options=list(latest_rows),
    format_func=lambda claim_id: widgets.latest_label(latest_rows[claim_id]),
    key=state.FIG_CITE,
)
cited = latest_rows[cited_id if cited_id in latest_rows else next(iter(latest_rows))]
cited_source = int(cited["source_id"])
with st.container(border=True):
    widgets.status_line(cited)
    widgets.citation_box(
        cited,
        store.citation_sources((cited_source,)).get(cited_source),
        key=state.FIG_CITE_FORM,
    )
    st.button(
        "This claim's page",
        icon=":material/link:",
        on_click=state.open_claim,
        args=(str(cited["claim_key"]),),
        key="figures.latest_open",
    )
