"""What the pages share: the store or a friendly stop, filter panels, the claim/source card,
the citation box and the claims table.

Text that came from sources or curators is never interpreted: it is escaped before any
Markdown element sees it (`md`), shown in tables and code boxes (which render no markup),
and a URL becomes a link only when it is http(s) (`tracker.core.urls.is_safe_link`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from dashboard import data, state
from dashboard.navigation import ADD_CLAIMS, EDIT_CLAIM, EDIT_SOURCE, SOURCE
from tracker import curation
from tracker.core.config import database_url, shown_url, without_secrets
from tracker.core.errors import DatabaseUnavailable
from tracker.core.markup import escape_markdown
from tracker.core.records import as_date, as_int, present
from tracker.core.urls import is_safe_link
from tracker.domain.vocab import Status
from tracker.read.filters import ClaimFilter, Wording
from tracker.read.queries import CLAIM_SORTS, Chart
from tracker.sharing.bibliography import bibtex, csl_json_text
from tracker.sharing.chart_views import BY
from tracker.sharing.citations import (
    CitedFigure,
    citation_line,
    figure_count,
    format_day,
    format_figure,
    format_period,
    hedge_of,
    hedged,
    markdown_citation,
    noun_for,
)

STATUS_COLOURS = {
    "unverified": "gray",
    "corroborated": "green",
    "disputed": "orange",
    "retracted": "red",
}


def md(text: Any) -> str:
    """Data text as Markdown that shows exactly its characters."""
    return escape_markdown("" if text is None else str(text))


# --- the store, or a friendly stop ---------------------------------------------------------


def open_store() -> data.CachedReads:
    """The store at its current data version; a page that cannot reach it says why and
    what to do, and stops."""
    try:
        return data.open_store()
    except DatabaseUnavailable as exc:
        database_error(exc)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def database_error(exc: DatabaseUnavailable) -> None:
    """The page a reader gets instead of a traceback when the database cannot be used: what
    is wrong in one sentence and what to do, never the URL's password (the messages mask
    it; `without_secrets` masks it again wherever a driver may have quoted it)."""
    url = database_url()
    reason = without_secrets(str(exc), url).rstrip(".")
    where = shown_url(url)
    if isinstance(exc, data.NoSchema):
        remedy = (
            "Run `tracker init` to create or upgrade the tables (then `tracker import data/` "
            "for the sample data), or `make run` to build the sample database on this computer."
        )
    else:
        remedy = (
            "Check `TRACKER_DATABASE_URL` and that the database is there and reachable; "
            "`make run` builds the sample database on this computer, `tracker init` creates "
            "the tables in a new one."
        )
    st.error(
        md(f"The database at {where} could not be opened: {reason}.") + " " + remedy,
        icon=":material/database_off:",
    )


def stop_if_empty(store: data.CachedReads) -> None:
    """An empty database is a state, not an error: say how to fill it."""
    if store.totals()["claims"] == 0:
        st.info(
            "No claims yet. Load the shipped sample with `tracker import data/` (or `make run`), "
            "or import your own files in the data format described in the README.",
            icon=":material/inbox:",
        )
        st.stop()


def notices(messages: list[str | None]) -> None:
    for message in messages:
        if message:
            st.warning(md(message), icon=":material/link_off:")


# --- filter panels --------------------------------------------------------------------------


def _dates(from_key: str, to_key: str, on_change: Any = None) -> None:
    left, right = st.columns(2)
    for column, label, key in ((left, "As of, from", from_key), (right, "As of, to", to_key)):
        column.date_input(
            label,
            key=key,
            min_value=state.DATE_MIN,
            max_value=state.DATE_MAX,
            format="YYYY-MM-DD",
            on_change=on_change,
        )


def labelled(
    widget: Callable[..., Any],
    label: str,
    labels: Mapping[str, str],
    *,
    none: str | None = None,
    **kw: Any,
) -> Any:
    """`widget` (a select box, radio or multiselect) choosing among the keys of `labels`,
    each shown by its label; with `none`, choosing none of them (None) is offered first."""
    if none is None:
        return widget(label, options=list(labels), format_func=labels.get, **kw)
    return widget(
        label,
        options=[None, *labels],
        format_func=lambda k: none if k is None else labels[k],
        **kw,
    )


def figures_filters(vocab: state.FilterChoices, offered: set[str] | None = None) -> None:
    """The Figures page's filters (in the sidebar; a phone opens it from the top left).
    `offered`: the metrics with figures for the chosen place (None: all); the others are
    not offered, so that no choice leads to an empty chart."""
    metrics = [k for k in vocab.metrics if offered is None or k in offered]
    current = st.session_state.get(state.FIG_METRIC)
    if current and current not in metrics:
        metrics.append(current)  # the link's own choice stays, and says it has no figures
    st.selectbox(
        "Metric",
        options=metrics,
        format_func=lambda k: (
            vocab.metrics[k] + ("" if offered is None or k in offered else " (no figures yet)")
        ),
        key=state.FIG_METRIC,
        on_change=state.metric_changed,
        args=(vocab,),
        help="What is counted. Metrics are never added together. Only metrics with "
        "figures for this place are listed.",
    )
    labelled(st.selectbox, "Place", vocab.places, key=state.FIG_PLACE)
    labelled(
        st.radio,
        "Show",
        BY,
        key=state.FIG_BY,
        help="Places side by side: the regions and towns within the chosen place on one "
        "chart, bars of one window next to each other, one line per place.",
    )
    labelled(
        st.radio,
        "Figures",
        state.KINDS,
        key=state.FIG_KIND,
        help="Cumulative totals run from a start date to an as-of date; per-period figures "
        "count one window (a day, a month).",
    )
    labelled(
        st.multiselect,
        "Claimants",
        vocab.claimants,
        key=state.FIG_CLAIMANTS,
        placeholder="All claimants",
    )
    _dates(state.FIG_FROM, state.FIG_TO)
    st.toggle(
        "Logarithmic scale",
        key=state.FIG_LOG,
        help="Equal steps for each tenfold: small and large figures on one chart.",
    )
    st.toggle(
        "Show retracted claims",
        key=state.FIG_RETRACTED,
        help="Retracted claims are left out by default; shown, they are grey.",
    )


def period_choice(lengths: dict[str, int], chosen: str | None) -> None:
    """One period length at a time, the others one click away (with how many figures each
    has), or every length as a rate per day. Drawn above the chart."""
    if not lengths:
        return
    options = [*lengths, "rate"] if len(lengths) > 1 else list(lengths)
    if st.session_state.get(state.FIG_PERIOD) not in options:
        st.session_state[state.FIG_PERIOD] = chosen if chosen in options else options[0]

    def label(key: str) -> str:
        if key == "rate":
            return "Every length, as a rate per day"
        n = lengths[key]
        return f"{state.PERIOD_CHOICES[key].capitalize()} ({n:,} {plural(n, 'figure')})"

    st.radio(
        "Period length",
        options=options,
        format_func=label,
        key=state.FIG_PERIOD,
        horizontal=True,
        help="Figures counted over windows of different lengths (a day, a month, a year) "
        "are not comparable: the chart shows one length at a time, or every length as "
        "a rate per day.",
    )


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 claim", "2 claims": the word agreeing with its number."""
    return word if n == 1 else (many or f"{word}s")


def claims_filters(vocab: state.FilterChoices) -> None:
    """The Claims page's filters; any change starts again at page 1."""
    reset = state.reset_page(state.CLAIMS_PAGE)
    st.text_input(
        "Search quotes and titles",
        key=state.CLAIMS_TEXT,
        on_change=reset,
        placeholder="e.g. Bakhmut or 7,199",
    )
    for label, labels, key in (
        ("Metric", vocab.metrics, state.CLAIMS_METRIC),
        ("Place", vocab.places, state.CLAIMS_PLACE),
    ):
        labelled(
            st.selectbox, label, labels, none=f"All {label.lower()}s", key=key, on_change=reset
        )
    labelled(
        st.multiselect,
        "Claimants",
        vocab.claimants,
        key=state.CLAIMS_CLAIMANTS,
        placeholder="All claimants",
        on_change=reset,
    )
    st.multiselect(
        "Status",
        options=[s.value for s in Status],
        key=state.CLAIMS_STATUSES,
        placeholder="Any status",
        on_change=reset,
    )
    _dates(state.CLAIMS_FROM, state.CLAIMS_TO, on_change=reset)


def sort_label(sort: str) -> str:
    name = sort.lstrip("-")
    direction = "newest/largest first" if sort.startswith("-") else "oldest/smallest first"
    if name in ("claimant", "metric", "place", "status"):
        direction = "Z to A" if sort.startswith("-") else "A to Z"
    return f"{CLAIM_SORTS[name].capitalize()}, {direction}"


# --- claims as text -------------------------------------------------------------------------


def figure_text(row: Mapping[str, Any]) -> str:
    """ "at least 7,199 civilians killed": the figure as claimed, with its metric's noun and
    the quote's hedge ("likely more than 12,000"), as every citation of it words it."""
    figure = format_figure(
        as_int(row.get("value")),
        as_int(row.get("low")),
        as_int(row.get("high")),
        row.get("qualifier") or "exact",
    )
    quote = row.get("quote")
    figure = hedged(figure, hedge_of(quote if isinstance(quote, str) else None))
    count = figure_count(as_int(row.get("value")), as_int(row.get("low")), as_int(row.get("high")))
    return f"{figure} {noun_for(row.get('metric_noun') or '', count)}".strip()


def period_text(row: Mapping[str, Any]) -> str:
    return format_period(
        as_date(row.get("period_start")),
        as_date(row["period_end"]),
        bool(row.get("cumulative", True)),
    )


def claimant_text(row: Mapping[str, Any]) -> str:
    short = row.get("claimant_short")
    return short if present(short) else row["claimant_name"]


def status_line(row: Mapping[str, Any]) -> None:
    status = row.get("status") or "unverified"
    st.badge(status, color=STATUS_COLOURS.get(status, "gray"))
    reason = row.get("status_reason")
    if status in ("disputed", "retracted") and present(reason):
        st.caption(md(f"Why {status}: {reason}"))


def link_button(label: str, url: Any, key: str | None = None) -> None:
    """A button opening `url` in a new tab, only for http(s); otherwise the reason."""
    if is_safe_link(url):
        st.link_button(label, str(url), icon=":material/open_in_new:", key=key)
    elif present(url):
        st.caption("Link not shown: the stored address is not an http(s) URL.")


CITATION_FORMS = ("Sentence", "Markdown", "CSL-JSON", "BibTeX")


def citation_box(
    row: Mapping[str, Any], source: Mapping[str, Any] | None = None, *, key: str
) -> None:
    """The citation in the forms a journalist pastes: a plain sentence and a Markdown link
    (the figure, from `row`), and CSL-JSON and BibTeX (the source, when `source`, a row of
    `queries.citation_sources`, is given). One tab each, each in a code box, whose copy
    button copies it in one click and which renders no markup. Only the open tab's box is
    drawn (the others on a click, `key` remembering which is open): every code box costs the
    browser its highlighter's work before the page's chart appears."""
    cited = CitedFigure.from_row(row)
    names = CITATION_FORMS if source else CITATION_FORMS[:2]
    tabs = st.tabs(list(names), key=key, on_change="rerun")
    forms = (
        lambda: st.code(citation_line(cited), language=None, wrap_lines=True),
        lambda: st.code(markdown_citation(cited), language="markdown", wrap_lines=True),
        lambda: st.code(csl_json_text([source]), language="json"),
        lambda: st.code(bibtex(source), language="latex"),
    )
    for tab, form in zip(tabs, forms, strict=False):
        if tab.open:
            with tab:
                form()


def claim_card(claim: Mapping[str, Any], source: Mapping[str, Any] | None = None) -> None:
    """The source card of a claim: the figure as claimed, its status, the quote, the article
    (link in a new tab), a citation (of the source too, when `source` is given; see
    `citation_box`), the other sources of the same statement and the other claims taken
    from the same source."""
    with st.container(border=True, key=f"claim_card_{claim['claim_id']}"):
        st.subheader(md(figure_text(claim)), anchor=False)
        st.markdown(md(f"{claim['claimant_name']} · {claim['place_name']} · {period_text(claim)}"))
        status_line(claim)
        st.markdown("> " + md(f"“{claim['quote']}”"))
        if present(claim.get("quote_translation")):
            st.caption(md(f"Translation: {claim['quote_translation']}"))
        if present(claim.get("relayed_by")):
            st.caption(md(f"Relayed by {claim['relayed_by']}"))
        st.markdown(
            f"**{md(claim['source_publisher'])}**, {md(format_day(as_date(claim['source_published'])))}"
        )
        st.markdown(f"*{md(claim['source_title'])}*")
        left, right = st.columns(2)
        with left:
            link_button(
                "Read the article", claim.get("source_url"), key=f"article_{claim['claim_id']}"
            )
        with right:
            if present(claim.get("source_archive_url")):
                link_button(
                    "Archived copy",
                    claim.get("source_archive_url"),
                    key=f"archive_{claim['claim_id']}",
                )
        citation_box(claim, source, key=f"claim_card_{claim['claim_id']}.cite")
        st.button(
            "Open this claim's page: link, checks, history",
            icon=":material/link:",
            on_click=state.open_claim,
            args=(str(claim["claim_key"]),),
            key=f"open_claim_{claim['claim_id']}",
        )
        source_link(int(claim["source_id"]), "Everything from this source")
        correction_link(int(claim["claim_id"]))
        same = claim.get("same_statement")
        if same is not None and not same.empty:
            st.markdown(f"**The same statement, also reported by {len(same)} other source(s)**")
            claims_table(same, compact=True)
        others = claim.get("other_claims")
        if others is not None and not others.empty:
            st.markdown(f"**Other claims from this source ({len(others)})**")
            claims_table(others, compact=True)


# --- ways into the curation forms, for those allowed -----------------------------------------


def correction_link(claim_id: int, *, explain: bool = False) -> None:
    """A link to the claim's correction form, shown only to a user who may correct it (an
    editor, or the curator who entered it, before review); the form checks again, and the
    library refuses the write anyway. With `explain` (a claim the user picked to correct),
    a user who may not is told why and whom to ask."""
    user = state.current_user()
    if not user:
        return
    refusal = curation.why_not_edit_claim(data.engine(database_url()), user, claim_id)
    if refusal is not None:
        if explain:
            st.info(md(f"You cannot correct this claim: {refusal}."), icon=":material/lock:")
    else:
        claim_link(claim_id, "Correct this claim")


def source_curation_links(source_id: int, claims: pd.DataFrame) -> None:
    """On a source's page, for logged-in curators: add claims from it, correct it, or pick
    one of its claims to correct."""
    user = state.current_user()
    if not user:
        return
    engine = data.engine(database_url())
    add, correct = st.columns(2)
    add.page_link(
        ADD_CLAIMS,
        label="Add claims from this source",
        icon=":material/playlist_add:",
        query_params={"source": str(source_id)},
    )
    if curation.may_edit_source(engine, user, source_id):
        correct.page_link(
            EDIT_SOURCE,
            label="Correct this source",
            icon=":material/edit_note:",
            query_params={"source": str(source_id)},
        )
    if claims.empty:
        return
    figures = {int(r["claim_id"]): figure_text(r) for r in claims.to_dict("records")}
    choice = st.selectbox(
        "Correct or review a claim of this source",
        options=list(figures),
        format_func=lambda i: f"#{i}: {figures[i]}",
        index=None,
        placeholder="Choose a claim",
        key=state.SOURCES_CORRECT,
    )
    if choice is not None:
        correction_link(int(choice), explain=True)


# --- tables ---------------------------------------------------------------------------------


RETRACTED_MARK = "⊘ retracted"


def status_cell(status: str) -> str:
    """Retracted claims stay in the tables (nothing disappears), marked so that nobody
    cites them by mistake."""
    return RETRACTED_MARK if status == "retracted" else status


SAVED_ANYWAY = "Saved although a quote check failed"


def saved_anyway(claim: Mapping[str, Any]) -> None:
    """Why a curator saved the claim although its quote check failed (its `check_override`):
    an editor reviewing it must see the reason wherever the claim is shown."""
    if present(claim.get("check_override")):
        st.caption(md(f"{SAVED_ANYWAY}, because: {claim['check_override']}"))


def claims_frame(
    claims: pd.DataFrame, *, compact: bool = False, claim_link: Callable[[str], str] | None = None
) -> pd.DataFrame:
    """Claims as the reader wants to see them: the figure as claimed, words not keys, and
    each claim's page by its stable link (`claim_link`: its key -> the link)."""
    records = claims.to_dict("records")
    link = claim_link or (lambda key: f"./?claim={key}")
    frame = pd.DataFrame(
        {
            "As of": [as_date(r["period_end"]) for r in records],
            "Figure": [figure_text(r) for r in records],
            "Claimant": [claimant_text(r) for r in records],
            "Place": [r["place_name"] for r in records],
            "Period": [period_text(r) for r in records],
            "Status": [status_cell(r["status"]) for r in records],
            "Quote": [r["quote"] for r in records],
            "Source": [r["source_publisher"] for r in records],
            "Published": [as_date(r["source_published"]) for r in records],
            "Link": [r["source_url"] if is_safe_link(r["source_url"]) else None for r in records],
            "Claim": [link(str(r["claim_key"])) for r in records],
        }
    )
    reasons = [
        str(r["check_override"]) if present(r.get("check_override")) else "" for r in records
    ]
    if any(reasons) and not compact:
        frame.insert(frame.columns.get_loc("Quote") + 1, "Saved anyway because", reasons)
    if compact:
        frame = frame[
            [
                "As of",
                "Figure",
                "Claimant",
                "Place",
                "Status",
                "Source",
                "Published",
                "Link",
                "Claim",
            ]
        ]
    return frame


def latest_frame(latest: pd.DataFrame, claim_link: Callable[[str], str]) -> pd.DataFrame:
    """`queries.latest_per_claimant` as one table: each claimant's latest figure, its
    period, status (and why, when one is disputed), how many sources carry it and a link to the
    claim's page. One table instead of a card per claimant: fifty cards, each with its
    citations, were most of a Figures rerun; the citations are one choice away
    (`latest_label`)."""
    records = latest.to_dict("records")
    frame = pd.DataFrame(
        {
            "Claimant": [claimant_text(r) for r in records],
            "Place": [r["place_name"] for r in records],
            "Latest figure": [figure_text(r) for r in records],
            "Period": [period_text(r) for r in records],
            "Status": [r.get("status") or "unverified" for r in records],
            "Why": [_reason(r) for r in records],
            "Sources": [int(r["n_sources"]) for r in records],
            "Claim": [claim_link(str(r["claim_key"])) for r in records],
        }
    )
    if frame["Place"].nunique() <= 1:  # one place: the page's title names it
        frame = frame.drop(columns="Place")
    return frame if frame["Why"].any() else frame.drop(columns="Why")


def latest_label(row: Mapping[str, Any]) -> str:
    """A latest figure as one line of a choice list (plain text: options render no markup)."""
    return f"{claimant_text(row)}: {figure_text(row)}, {period_text(row)}"


def _reason(row: Mapping[str, Any]) -> str:
    reason = row.get("status_reason")
    return str(reason) if row.get("status") == "disputed" and present(reason) else ""


LATEST_COLUMN_CONFIG = {
    "Latest figure": st.column_config.TextColumn(width="medium"),
    "Why": st.column_config.TextColumn("Why disputed", width="medium"),
    "Claim": st.column_config.LinkColumn(
        "Claim's page", display_text="open ↗", help="Its link, checks and history (new tab)"
    ),
}


CLAIMS_COLUMN_CONFIG = {
    "As of": st.column_config.DateColumn(format="D MMM YYYY"),
    "Published": st.column_config.DateColumn(format="D MMM YYYY"),
    "Link": st.column_config.LinkColumn(display_text="article ↗", help="Opens in a new tab"),
    "Quote": st.column_config.TextColumn(width="large"),
    "Claim": st.column_config.LinkColumn(
        "Claim's page", display_text="open ↗", help="Its stable link, checks and history"
    ),
}


def claims_table(
    claims: pd.DataFrame,
    *,
    compact: bool = False,
    key: str | None = None,
    on_select: Callable[[], None] | str = "ignore",
) -> Any:
    """Claims as a table whose last column links each claim's page (its stable link).
    With `on_select`, a row can be selected (the Claims page opens its claim's page)."""
    return st.dataframe(
        claims_frame(claims, compact=compact, claim_link=claim_url),
        hide_index=True,
        width="stretch",
        column_config=CLAIMS_COLUMN_CONFIG,
        key=key,
        on_select=on_select,
        selection_mode="single-row",
    )


# --- the chart's table and sources -------------------------------------------------------------


def _statement_figure(row: Mapping[str, Any]) -> str:
    quotes = " ".join(str(x.get("quote") or "") for x in row.get("sources") or [])
    return figure_text({**row, "quote": quotes})


def statements_frame(points: pd.DataFrame) -> pd.DataFrame:
    """The chart's plotted statements as rows: figure as claimed (qualifier and hedge kept),
    period, claimant, place, status and why, how many sources carry it, and links to its
    claim's page and its first article."""
    records = points.to_dict("records")
    return pd.DataFrame(
        {
            "As of": [as_date(r["period_end"]) for r in records],
            "Figure": [_statement_figure(r) for r in records],
            "Period": [period_text(r) for r in records],
            "Claimant": [claimant_text(r) for r in records],
            "Place": [r["place_name"] for r in records],
            "Status": [status_cell(r["status"] or "unverified") for r in records],
            "Why": [
                str(r["status_reason"]) if present(r.get("status_reason")) else "" for r in records
            ],
            "Sources": [int(r["n_sources"]) for r in records],
            "Claim": [claim_url(str(r["claim_key"])) for r in records],
            "Link": [r["source_url"] if is_safe_link(r["source_url"]) else None for r in records],
        }
    ).sort_values("As of", ascending=False, kind="stable")


def plotted_sources_frame(points: pd.DataFrame) -> pd.DataFrame:
    """The articles behind the chart's statements, newest first, each once, with how many
    of the plotted statements it carries."""
    seen: dict[str, dict[str, Any]] = {}
    for row in points.to_dict("records"):
        for src in row.get("sources") or []:
            key = str(src.get("url") or src.get("title"))
            entry = seen.setdefault(
                key,
                {
                    "Published": as_date(src.get("published")),
                    "Publisher": src.get("publisher") or "",
                    "Title": src.get("title") or "",
                    "Statements": 0,
                    "Link": src.get("url") if is_safe_link(src.get("url")) else None,
                },
            )
            entry["Statements"] += 1
    frame = pd.DataFrame(
        list(seen.values()), columns=["Published", "Publisher", "Title", "Statements", "Link"]
    )
    return frame.sort_values("Published", ascending=False, kind="stable", na_position="last")


STATEMENTS_COLUMN_CONFIG = {
    "As of": st.column_config.DateColumn(format="D MMM YYYY"),
    "Published": st.column_config.DateColumn(format="D MMM YYYY"),
    "Figure": st.column_config.TextColumn(width="medium"),
    "Why": st.column_config.TextColumn("Why disputed or retracted", width="medium"),
    "Title": st.column_config.TextColumn(width="large"),
    "Claim": st.column_config.LinkColumn(
        "Claim's page", display_text="open ↗", help="Its stable link, checks and history"
    ),
    "Link": st.column_config.LinkColumn(
        "Article", display_text="article ↗", help="Opens in a new tab"
    ),
}


def statements_table(
    chart: Chart, frame: Callable[[pd.DataFrame], pd.DataFrame], listing: str, *, key: str
) -> None:
    """The chart's statements as a table; an aggregated chart's point is no statement, so
    it gets a note saying how to narrow the view to `listing` instead."""
    if chart.period:
        st.info(
            f"This view is aggregated to {chart.period_plural}: narrow the dates or "
            f"claimants to {listing}.",
            icon=":material/zoom_in:",
        )
    else:
        st.dataframe(
            frame(chart.points),
            hide_index=True,
            width="stretch",
            column_config=STATEMENTS_COLUMN_CONFIG,
            key=key,
        )


def on_a_phone() -> bool:
    """Whether the reader's browser says it is a phone or tablet (every mobile browser
    puts "Mobi" or "Android" in its user agent): their taps select, they cannot hover."""
    agent = st.context.headers.get("User-Agent", "") if st.context.headers else ""
    return "Mobi" in agent or "Android" in agent


# plotly selects the point under the pointer's last hover; a finger never hovers, so a
# phone's first tap found no point (it drew a hover instead) and only a second one opened
# the card. A hover at the finger, just before plotly handles the touch, makes one tap do.
TAP_SELECTS_JS = """<script>
const doc = window.parent.document;
if (!doc.__tapHovers) {
  doc.__tapHovers = true;
  doc.addEventListener('touchstart', (e) => {
    const drag = e.target.closest && e.target.closest('.js-plotly-plot .nsewdrag');
    if (!drag || e.touches.length !== 1) return;
    const t = e.touches[0];
    drag.dispatchEvent(new MouseEvent('mousemove', {
      clientX: t.clientX, clientY: t.clientY, bubbles: true, view: window.parent}));
  }, {capture: true, passive: true});
}
</script>"""


def tap_selects() -> None:
    """Make one tap on the chart select its point on a touch screen (see TAP_SELECTS_JS)."""
    from streamlit.components.v1 import html as component_html

    component_html(TAP_SELECTS_JS, height=0)


def scroll_into_view(key: str) -> None:
    """Bring the element keyed `key` (a container's `st-key-` class) into view: after a tap
    on the chart, the card it opened, which on a phone is below the fold. A zero-height
    frame of the app's own origin, which reaches the page around it."""
    from streamlit.components.v1 import html as component_html

    selector = json.dumps(f".st-key-{key}")
    component_html(
        "<script>const el = window.parent.document.querySelector("
        + selector
        + ");if (el) {el.style.scrollMarginTop = '4.5rem';"  # clear of the app's header
        + "el.scrollIntoView({behavior: 'instant', block: 'start'});}</script>",
        height=0,
    )


#: A filter as a reader says it: names, not keys ("in Kharkiv Oblast, by OHCHR").
READERS_WORDS = Wording(
    metric="{}",
    places=("in {}", "places within {}"),
    claimants="by {}",
    statuses="{}",
    text="quote or headline containing “{}”",
    source=None,
    kinds=("cumulative totals", "per-period figures"),
    separator=", ",
)


def filter_words(f: ClaimFilter, vocab: state.FilterChoices) -> str:
    """A filter in the readers' words, dates in the house style. Exports keep
    `ClaimFilter.describe`, which names keys."""
    names = {"metric": vocab.metrics, "place": vocab.places, "claimant": vocab.claimants}
    return f.describe(READERS_WORDS, names=names, day=format_day)


# --- links to claims --------------------------------------------------------------------------


def source_link(source_id: int, label: str = "Open the source", *, where: Any = st) -> None:
    """A link to the source's page, with every claim read in it."""
    where.page_link(
        SOURCE, label=label, icon=":material/article:", query_params={"source": str(source_id)}
    )


def claim_link(claim_id: int, label: str = "Open the claim", *, where: Any = st) -> None:
    """A link to the claim's page, where those who may correct it can."""
    where.page_link(
        EDIT_CLAIM, label=label, icon=":material/edit:", query_params={"claim": str(claim_id)}
    )


def app_address() -> str:
    """The app's address (its default page, Figures) as the reader's browser has it, from
    any page: `http://host:8501/claims` -> `http://host:8501/`; "" when unknown."""
    url = st.context.url or ""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/"):
        path = path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else path


def claim_url(claim_key: str, address: str | None = None) -> str:
    """A claim's permalink: `?claim=<its id from the data files>` on the Figures page (the
    app's default page), which a store rebuilt from the same files opens alike. `address`
    defaults to the app's own, from whichever page the link is made."""
    base = app_address() if address is None else address
    return f"{base or './'}?{urlencode({'claim': str(claim_key)})}"


# --- small conversions ------------------------------------------------------------------------


def day_text(value: Any) -> str:
    """A stored date as the pages write it: 14 Feb 2023."""
    day = as_date(value)
    return format_day(day) if day else ""


def sources_frame(sources: pd.DataFrame) -> pd.DataFrame:
    records = sources.to_dict("records")
    return pd.DataFrame(
        {
            "Published": [as_date(r["published"]) for r in records],
            "Publisher": [r["publisher"] for r in records],
            "Title": [r["title"] for r in records],
            "Claims": [int(r["claims"]) for r in records],
            "Link": [r["url"] if is_safe_link(r["url"]) else None for r in records],
            "Synthetic": [bool(r["synthetic"]) for r in records],
        }
    )


SOURCES_COLUMN_CONFIG = {
    "Published": st.column_config.DateColumn(format="D MMM YYYY"),
    "Title": st.column_config.TextColumn(width="large"),
    "Link": st.column_config.LinkColumn(display_text="article ↗", help="Opens in a new tab"),
}
