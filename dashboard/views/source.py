"""One source (`/source?source=<id>`): its metadata, every claim taken from it, and its
stored text with each quoted passage highlighted.

A page of its own, hidden from the menu, rather than a state of the Sources list: the
menu's "Sources" link then leads back to the list (a link to the page already shown does
nothing in Streamlit). `/sources?source=<id>`, the older address, still opens it."""

import streamlit as st

from dashboard import state, widgets
from dashboard.navigation import SOURCES
from tracker.articles.archive import archived_bytes, copies_of
from tracker.core.markup import highlighted_markdown
from tracker.extraction.highlight import quote_segments
from tracker.sharing.citations import format_day


def archived_copies(engine, url: str) -> None:  # noqa: ANN001
    """The page as it was read (`tracker.articles.archive`): what it said that day, even if
    the outlet has changed it since. The text is shown as text; the HTML is a download."""
    copies = copies_of(engine, url)
    if not copies:
        return
    st.subheader(
        f"As the page was read ({len(copies)} archived cop{'y' if len(copies) == 1 else 'ies'})"
    )
    for copy in copies:
        label = (
            f"Read on {copy.fetched_at:%Y-%m-%d %H:%M} UTC by {copy.fetched_by} · "
            f"{copy.size / 1000:,.0f} kB · SHA-256 {copy.sha256[:12]}…"
        )
        with st.expander(label):
            if copy.url != copy.requested_url:
                st.text(f"Asked for {copy.requested_url}, read at {copy.url}")
            st.text(f"SHA-256 of the page as served: {copy.sha256}")
            if copy.text:
                st.text(copy.text)
            st.download_button(
                "Download the archived HTML",
                data=archived_bytes(engine, copy.id),
                file_name=f"archived-page-{copy.id}.html",
                mime="application/octet-stream",
                key=f"source.archive.{copy.id}",
                icon=":material/download:",
            )


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
archived_copies(store.engine, source["url"])
