"""One source (`/source?source=<id>`): its metadata, every claim taken from it, and its
stored text with each quoted passage highlighted.

A page of its own, hidden from the menu, rather than a state of the Sources list: the
menu's "Sources" link then leads back to the list (a link to the page already shown does
nothing in Streamlit). `/sources?source=<id>`, the older address, still opens it."""

import streamlit as st

from dashboard import state, widgets
from dashboard.navigation import SOURCES
from tracker.core.markup import highlighted_markdown
from tracker.extraction.highlight import quote_segments
from tracker.sharing.citations import format_day

store = widgets.open_store()
source_id, _ = state.requested_source()
source = store.source_detail(source_id) if source_id is not None else None
if source is None:
    st.switch_page(
        SOURCES,
        query_params={"missing": str(source_id)} if source_id is not None else None,
    )
state.forget_sources_selection()
st.page_link(SOURCES, label="All sources", icon=":material/arrow_back:")
st.title(widgets.md(source["title"]), anchor=False)
if source["synthetic"]:
    st.warning("Synthetic test data: not a real article.", icon=":material/science:")
st.markdown(
    f"**{widgets.md(source['publisher'])}**, {widgets.md(format_day(source['published']))}"
    + (" (date inferred)" if source["published_basis"] == "inferred" else "")
)
left, right = st.columns(2)
with left:
    widgets.link_button("Read the article", source["url"], key="source.article")
with right:
    if source["archive_url"]:
        widgets.link_button("Archived copy", source["archive_url"], key="source.archive")
with st.expander("Details"):
    st.text(f"URL: {source['url']}")
    if source["archive_url"]:
        st.text(f"Archived copy: {source['archive_url']}")
    if source["language"]:
        st.text(f"Language: {source['language']}")
    if source["retrieved_at"]:
        st.text(f"Retrieved: {source['retrieved_at']:%Y-%m-%d %H:%M} UTC")
    if source["notes"]:
        st.text(f"Notes: {source['notes']}")

claims = source["claims"]
st.subheader(f"Claims taken from this source ({len(claims)})")
if claims.empty:
    st.info("No claims were taken from this source.")
else:
    widgets.claims_table(claims, key="source.claims")
widgets.source_curation_links(int(source["id"]), claims)

st.subheader("Text")
if not source["text"]:
    st.caption("The article's text is not stored; the quotes above are what was kept.")
else:
    segments, missing = quote_segments(source["text"], list(claims["quote"]))
    st.caption("Passages quoted by claims are highlighted.")
    with st.container(border=True, key="source.text"):
        st.markdown(highlighted_markdown(segments))
    for quote in missing:
        st.caption(widgets.md(f"Not found in the stored text: “{quote}”"))
