"""Sources: the articles claims were taken from, with their claim counts; a row opens the
source's own page (`views/source.py`), and so does `?source=<id>`, an older address."""

import math

import streamlit as st

from dashboard import state, widgets
from dashboard.navigation import SOURCE
from tracker.read.queries import PAGE_SIZE

store = widgets.open_store()
source_id, notice = state.requested_source()
if source_id is not None:
    st.switch_page(SOURCE, query_params={"source": str(source_id)})
missing = st.query_params.get("missing")
if missing:
    notice = f"There is no source #{missing}; here is the list of sources instead."
    del st.query_params["missing"]

# --- the list ---------------------------------------------------------------------------------
fields = state.sources_fields()
notices = [notice, *state.load("sources", fields)]
st.title("Sources")
widgets.stop_if_empty(store)
reset = state.reset_page(state.SOURCES_PAGE)
search_column, page_column = st.columns([3, 1])
search_column.text_input(
    "Search titles and publishers",
    key=state.SOURCES_TEXT,
    on_change=reset,
    placeholder="e.g. Reuters",
)
text = st.session_state[state.SOURCES_TEXT] or None
total = store.count_sources(text)
pages = max(1, math.ceil(total / PAGE_SIZE))
if st.session_state[state.SOURCES_PAGE] > pages:
    notices.append(f"There are {pages} page(s) of sources; showing the last one.")
    st.session_state[state.SOURCES_PAGE] = pages
page_column.number_input(
    f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=state.SOURCES_PAGE
)
state.publish("sources", fields)
widgets.notices(notices)

if total == 0:
    st.info(widgets.md(f"No source matches “{text}”."), icon=":material/filter_alt_off:")
    st.stop()
page = st.session_state[state.SOURCES_PAGE]
sources = store.sources_list(text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
st.caption(f"{total:,} source(s). Select a row to open the source.")
event = st.dataframe(
    widgets.sources_frame(sources),
    hide_index=True,
    width="stretch",
    column_config=widgets.SOURCES_COLUMN_CONFIG,
    on_select="rerun",
    selection_mode="single-row",
    key=state.sources_table_key(),
)
rows = event.selection.rows if event else []
if rows:
    st.switch_page(SOURCE, query_params={"source": str(int(sources.iloc[rows[0]]["source_id"]))})
