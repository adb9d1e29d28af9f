"""Add source: the article claims are taken from. The URL is normalised as it is typed
(scheme and host lower-cased, tracking parameters such as utm_* dropped, no trailing
slash) and looked up before anything is saved: an article already stored is pointed to,
not stored twice."""

import streamlit as st
from pydantic import ValidationError

from dashboard import forms, state, widgets
from dashboard.navigation import ADD_CLAIMS, SOURCES
from tracker import curation
from tracker.core.urls import BadURL, normalise_url
from tracker.domain.schemas import SourceIn
from tracker.domain.vocab import PublishedBasis, Role
from tracker.sharing.citations import format_day

FORM = state.ADD_SOURCE
FIELDS = ("url", "title", "publisher", "language", "archive_url", "text", "notes")
DRAWN = {*FIELDS, "published", "published_basis"}


def key(name: str) -> str:
    return forms.key(FORM, name)


def seed() -> None:
    for name in FIELDS:
        forms.seed(key(name), "")
    forms.seed(key("published"), None)
    forms.seed(key("published_basis"), PublishedBasis.stated.value)


def save(engine) -> None:  # noqa: ANN001
    """The Save button's callback: validate, store, and empty the form for the next one."""
    ss = st.session_state
    raw = {name: ss[key(name)] for name in FIELDS if str(ss.get(key(name)) or "").strip()}
    if ss.get(key("published")) is not None:
        raw["published"] = ss[key("published")]
    raw["published_basis"] = ss.get(key("published_basis"))
    try:
        source_in = SourceIn.model_validate(raw)
    except ValidationError as exc:
        forms.refused(FORM, exc)
        return
    saved: dict[str, int] = {}

    def act() -> str:
        saved["id"] = curation.add_source(engine, forms.user(), source_in)
        return (
            f"Saved as source #{saved['id']}: {source_in.publisher}, "
            f"{format_day(source_in.published)}."
        )

    if forms.handle(FORM, act):
        forms.feedback(FORM).extra["source_id"] = saved["id"]
        st.session_state[state.ENTRY_SOURCE] = saved["id"]  # the claim form opens on it
        for name in DRAWN:
            ss.pop(key(name), None)


forms.require_role(Role.curator, "add sources")
store = widgets.open_store()
seed()
st.title("Add source")
st.caption(
    "An article, report or post that claims are taken from. Add it once; then add each "
    "figure it reports as a claim."
)
fb = forms.feedback(FORM)
if fb.saved:
    forms.saved_message(FORM)
    new_id = fb.extra.get("source_id")
    if new_id:
        st.page_link(
            ADD_CLAIMS,
            label="Add claims from this source",
            icon=":material/playlist_add:",
            query_params={"source": str(new_id)},
        )

url = st.text_input(forms.FIELD_LABELS["url"], key=key("url"), placeholder="https://…")
duplicate = None
if url.strip():
    try:
        normalised = normalise_url(url)
    except BadURL as exc:
        st.error(widgets.md(f"{forms.FIELD_LABELS['url']}: {exc}"), icon=":material/error:")
    else:
        if normalised != url.strip():
            st.caption(widgets.md(f"Will be stored as {normalised}"))
        duplicate = curation.source_with_url(store.engine, normalised)
if duplicate is not None:
    st.warning(
        widgets.md(
            f"This article is already stored as source #{duplicate.id}: "
            f"{duplicate.publisher}, {format_day(duplicate.published)}, “{duplicate.title}”."
        ),
        icon=":material/content_copy:",
    )
    left, right = st.columns(2)
    left.page_link(
        SOURCES,
        label="Open the stored source",
        icon=":material/article:",
        query_params={"source": str(duplicate.id)},
    )
    right.page_link(
        ADD_CLAIMS,
        label="Add claims from it",
        icon=":material/playlist_add:",
        query_params={"source": str(duplicate.id)},
    )
else:
    forms.field_errors(FORM, "url")

st.text_input(forms.FIELD_LABELS["title"], key=key("title"))
forms.field_errors(FORM, "title")
publisher, published, basis = st.columns([2, 1, 1])
publisher.text_input(
    forms.FIELD_LABELS["publisher"], key=key("publisher"), placeholder="e.g. Reuters"
)
with publisher:
    forms.field_errors(FORM, "publisher")
published.date_input(forms.FIELD_LABELS["published"], key=key("published"), **forms.DATE_LIMITS)
with published:
    forms.field_errors(FORM, "published")
basis.selectbox(
    forms.FIELD_LABELS["published_basis"],
    options=[b.value for b in PublishedBasis],
    format_func={"stated": "printed on it", "inferred": "inferred"}.get,
    key=key("published_basis"),
)
st.text_area(
    forms.FIELD_LABELS["text"],
    key=key("text"),
    height=200,
    placeholder="Optional: paste the article's text. Quotes are then checked against it, and "
    "the extraction assistant can read it.",
)
forms.field_errors(FORM, "text")
with st.expander(
    "More fields", expanded=forms.has_problem(FORM, {"archive_url", "language", "notes"})
):
    archive, language = st.columns([3, 1])
    archive.text_input(
        forms.FIELD_LABELS["archive_url"],
        key=key("archive_url"),
        placeholder="https://web.archive.org/…",
    )
    with archive:
        forms.field_errors(FORM, "archive_url")
    language.text_input(forms.FIELD_LABELS["language"], key=key("language"), placeholder="en")
    with language:
        forms.field_errors(FORM, "language")
    st.text_area(forms.FIELD_LABELS["notes"], key=key("notes"), height=80)
    forms.field_errors(FORM, "notes")

st.button(
    "Save source",
    type="primary",
    key=key("save"),
    disabled=duplicate is not None,
    on_click=save,
    args=(store.engine,),
    icon=":material/save:",
)
forms.other_errors(FORM, DRAWN)
