"""Add source: the article claims are taken from. The URL is normalised as it is typed
(scheme and host lower-cased, tracking parameters such as utm_* dropped, no trailing
slash) and looked up before anything is saved: an article already stored is pointed to,
not stored twice.

"Fetch the article" reads the page (`tracker.articles`): its headline, publisher, date,
language and main text fill the form for the curator to check; saving keeps the page read
in the archive, and the extraction assistant's drafts for the text appear at once. The
Inbox's "Open" fills the form the same way from an item a feed brought in."""

import streamlit as st
from pydantic import ValidationError

from dashboard import assistant, forms, state, widgets
from dashboard.navigation import ADD_CLAIMS
from tracker import curation
from tracker.articles.feeds import inbox_item
from tracker.articles.intake import FetchedArticle, fetch_article
from tracker.core.errors import Problem, TrackerError
from tracker.core.urls import BadURL, normalise_url
from tracker.domain.lookup import Vocabulary
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


def fill(fields: dict, *, fetched: FetchedArticle | None, item: int | None) -> None:
    """Put a read article's fields in the form, for the curator to check."""
    ss = st.session_state
    for name in ("url", "title", "publisher", "language", "text"):
        ss[key(name)] = fields.get(name) or ""
    ss[key("published")] = fields.get("published")
    ss[key("published_basis")] = fields.get("published_basis") or PublishedBasis.stated.value
    ss[state.ADD_SOURCE_RETRIEVED] = fields.get("retrieved_at")
    ss[state.ADD_SOURCE_FETCHED] = fetched
    ss[state.ADD_SOURCE_INBOX] = item


def fetch_page(engine, vocab: Vocabulary) -> None:  # noqa: ANN001
    """The "Fetch the article" callback: read the page and fill the form, or say in one
    line why it cannot be read (a refused address, not a web page, too large, too slow)."""
    forms.clear_feedback(FORM)
    url = (st.session_state.get(key("url")) or "").strip()
    try:
        fetched = fetch_article(url, vocab, engine=engine)
    except TrackerError as exc:
        forms.set_feedback(FORM, forms.Feedback(problems=[Problem(str(exc), field="url")]))
        return
    fill(fetched.source_fields(), fetched=fetched, item=None)
    fb = forms.Feedback(extra={"fetched": fetched.url, "relay_of": fetched.relay_of})
    forms.set_feedback(FORM, fb)


def open_requested_item(engine) -> None:  # noqa: ANN001
    """An item the Inbox page asked this form to take: its fields fill the form."""
    item_id = st.session_state.pop(state.ADD_SOURCE_OPEN, None)
    if item_id is None:
        return
    try:
        item = inbox_item(engine, int(item_id))
    except TrackerError as exc:
        forms.set_feedback(FORM, forms.Feedback(problems=[Problem(str(exc))]))
        return
    fields = {
        "url": item.url,
        "title": item.title,
        "publisher": item.publisher,
        "published": item.published,
        "published_basis": item.published_basis,
        "language": item.language,
        "text": item.text,
        "retrieved_at": item.created_at,
    }
    fill(fields, fetched=None, item=item.id)
    forms.set_feedback(FORM, forms.Feedback(extra={"inbox": item.id, "relay_of": item.relay_of}))


def save(engine) -> None:  # noqa: ANN001
    """The Save button's callback: validate, store, and empty the form for the next one."""
    ss = st.session_state
    raw = {name: ss[key(name)] for name in FIELDS if str(ss.get(key(name)) or "").strip()}
    if ss.get(key("published")) is not None:
        raw["published"] = ss[key("published")]
    raw["published_basis"] = ss.get(key("published_basis"))
    if ss.get(state.ADD_SOURCE_RETRIEVED) is not None:
        raw["retrieved_at"] = ss[state.ADD_SOURCE_RETRIEVED]
    try:
        source_in = SourceIn.model_validate(raw)
    except ValidationError as exc:
        forms.refused(FORM, exc)
        return
    fetched = ss.get(state.ADD_SOURCE_FETCHED)
    if fetched is not None and fetched.url != source_in.url:
        fetched = None  # the URL was changed after the fetch: that page is another's
    item = ss.get(state.ADD_SOURCE_INBOX)
    saved: dict[str, int] = {}

    def act() -> str:
        if fetched is not None or item is not None:
            saved["id"] = curation.save_fetched_source(
                engine, forms.user(), source_in, fetched, inbox_item=item
            )
        else:
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
        for name in (state.ADD_SOURCE_FETCHED, state.ADD_SOURCE_RETRIEVED, state.ADD_SOURCE_INBOX):
            ss.pop(name, None)


store = forms.store_for(Role.curator, "add sources")
open_requested_item(store.engine)
seed()
vocab = store.vocabulary()
st.title("Add source")
st.caption(
    "An article, report or post that claims are taken from. Paste its address and fetch it "
    "to fill the form, or type the fields; add it once, then each figure it reports as a claim."
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
        new_source = store.source_detail(int(new_id))
        if new_source is not None and new_source["text"]:
            with st.container(border=True, key="add_source.drafts"):
                st.subheader("Draft claims from its text")
                assistant.start(new_source, vocab)
                assistant.draw(store.engine, new_source, vocab)

url = st.text_input(forms.FIELD_LABELS["url"], key=key("url"), placeholder="https://…")
duplicate = None
normalised = None
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
    widgets.source_link(duplicate.id, "Open the stored source", where=left)
    right.page_link(
        ADD_CLAIMS,
        label="Add claims from it",
        icon=":material/playlist_add:",
        query_params={"source": str(duplicate.id)},
    )
else:
    forms.field_errors(FORM, "url")
    if normalised is not None:
        st.button(
            "Fetch the article",
            key=key("fetch"),
            on_click=fetch_page,
            args=(store.engine, vocab),
            icon=":material/download:",
            help="Reads the page's headline, publisher, date and text into the form. Only "
            "public http(s) addresses are fetched.",
        )
    if fb.extra.get("fetched") and fb.extra["fetched"] == normalised:
        basis = st.session_state.get(key("published_basis"))
        st.info(
            "Filled in from the page: check every field before saving."
            + (
                " The page gives no publication date; the day it was read is shown."
                if basis == PublishedBasis.inferred.value
                else ""
            ),
            icon=":material/fact_check:",
        )
    if fb.extra.get("inbox") and st.session_state.get(state.ADD_SOURCE_INBOX):
        st.info(
            f"Filled in from inbox item #{fb.extra['inbox']}: check every field before saving.",
            icon=":material/inbox:",
        )
    if fb.extra.get("relay_of"):
        st.caption(
            widgets.md(
                f"The same text was read before at {fb.extra['relay_of']}: this outlet relays "
                "that article, and claims saved from both count as one statement."
            )
        )

st.text_input(forms.FIELD_LABELS["title"], key=key("title"))
forms.field_errors(FORM, "title")
forms.publication_inputs(FORM, publisher_hint="e.g. Reuters")
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
