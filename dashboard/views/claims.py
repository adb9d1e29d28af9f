"""Claims: every claim matching the filters, sorted and paged in the database, with the
source as a link; the downloads hold exactly the filtered rows (all pages)."""

import math

import streamlit as st

from dashboard import state, widgets
from dashboard.navigation import FIGURES
from tracker.files.interchange import build_export, download_name
from tracker.read.queries import CLAIM_SORTS, COUNT_BOUND, PAGE_SIZE

store = widgets.open_store()
widgets.stop_if_empty(store)
vocab = state.FilterChoices.from_options(store.filter_options())
fields = state.claims_fields(vocab)
notices = state.load("claims", fields)
notices.append(state.dates_in_order(state.CLAIMS_FROM, state.CLAIMS_TO))

st.title("Claims")
with st.sidebar:
    widgets.claims_filters(vocab)
f = state.claims_filter()
# Counted up to COUNT_BOUND + 1: beyond that the page says "more than 10,000" and pages
# stop at the bound (narrow the filters to reach the rest; downloads hold every row).
total = store.count_claims(f, at_most=COUNT_BOUND + 1)
bounded = total > COUNT_BOUND
total_text = f"more than {COUNT_BOUND:,}" if bounded else f"{total:,}"
pages = max(1, math.ceil(min(total, COUNT_BOUND) / PAGE_SIZE))
if st.session_state[state.CLAIMS_PAGE] > pages:
    notices.append(
        f"There {'is' if pages == 1 else 'are'} {pages} {widgets.plural(pages, 'page')} of "
        "results; showing the last one."
    )
    st.session_state[state.CLAIMS_PAGE] = pages
widgets.notices(notices)

sort_column, page_column = st.columns([3, 1])
sort_column.selectbox(
    "Sort by",
    options=[s for name in CLAIM_SORTS for s in (f"-{name}", name)],
    format_func=widgets.sort_label,
    key=state.CLAIMS_SORT,
    on_change=state.reset_page(state.CLAIMS_PAGE),  # a new order starts at its first page
)
page_column.number_input(
    f"Page (of {pages}{'+' if bounded else ''})",
    min_value=1,
    max_value=pages,
    step=1,
    key=state.CLAIMS_PAGE,
)
state.publish("claims", fields)

if total == 0:
    st.info(
        widgets.md(f"No claims match: {widgets.filter_words(f, vocab)}.")
        + " Loosen a filter in the sidebar or clear the search.",
        icon=":material/filter_alt_off:",
    )
    st.stop()

page = st.session_state[state.CLAIMS_PAGE]
sort = st.session_state[state.CLAIMS_SORT]
rows = store.claims_page(f, sort=sort, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
first = (page - 1) * PAGE_SIZE + 1
st.caption(
    widgets.md(
        f"Claims {first:,}–{first + len(rows) - 1:,} of {total_text} ({widgets.filter_words(f, vocab)})."
    )
    + (" Narrow the filters to page beyond the first 10,000." if bounded else "")
)
st.caption("Select a row to open that claim's page; its link is in the last column.")
event = widgets.claims_table(rows, key=f"claims.table.{page}.{sort}", on_select="rerun")
chosen = (event.selection.rows if event else None) or []
if chosen and chosen[0] < len(rows):
    st.switch_page(FIGURES, query_params={"claim": str(rows.iloc[chosen[0]]["claim_key"])})

engine = store.engine
meta = store.export_meta(f)
csv_column, json_column, _ = st.columns([1, 1, 2])
for column, fmt, label in ((csv_column, "csv", "CSV"), (json_column, "json", "JSON")):
    # Built only when clicked: the same export as `tracker export --format`, for this filter.
    column.download_button(
        f"Download {total_text} {widgets.plural(total, 'claim')} as {label}",
        data=lambda fmt=fmt: build_export(engine, fmt, f).data,
        file_name=download_name(fmt, meta),
        mime="text/csv" if fmt == "csv" else "application/json",
        on_click="ignore",
        icon=":material/download:",
        key=f"claims.download_{fmt}",
    )
