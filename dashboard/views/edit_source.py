"""Correct a source (`?source=<id>`), reached from its page: its author or an editor fixes
the title, the date, the URL or the stored text, with a reason. Like a claim's correction,
the save carries the version the form was read at and is refused if someone saved the
source meanwhile."""

from datetime import date
from functools import partial

import streamlit as st

from dashboard import forms, state, widgets
from dashboard.navigation import HISTORY, SOURCE
from tracker import curation
from tracker.core.errors import Problem
from tracker.domain.vocab import Role

FORM = state.EDIT_SOURCE
TEXT_FIELDS = ("url", "title", "publisher", "language", "archive_url", "text", "notes")
FIELDS = (*TEXT_FIELDS, "published", "published_basis")


def key(name: str) -> str:
    return forms.key(FORM, name)


def fill(editable: curation.EditableSource) -> dict:
    opened = {"id": editable.id, "version": editable.version, "fields": editable.fields}
    st.session_state[state.EDIT_SOURCE_OPENED] = opened
    ss = st.session_state
    for name in TEXT_FIELDS:
        ss[key(name)] = editable.fields.get(name) or ""
    published = editable.fields.get("published")
    ss[key("published")] = date.fromisoformat(published) if published else None
    ss[key("published_basis")] = editable.fields.get("published_basis") or "stated"
    return opened


def reload(engine, source_id: int) -> None:  # noqa: ANN001
    editable = curation.source_for_editing(engine, source_id, forms.user())
    if editable is not None:
        fill(editable)
    forms.clear_feedback(FORM)
    st.session_state.pop(key("reason"), None)


def changes_of(opened: dict) -> dict:
    ss = st.session_state
    changes = {}
    for name in TEXT_FIELDS:
        new = (ss.get(key(name)) or "").strip() or None
        old = opened["fields"].get(name)
        if name == "text":
            new = ss.get(key(name)) or None  # the article's text is kept as pasted
        if new != old:
            changes[name] = new
    published = ss.get(key("published"))
    if (published.isoformat() if published else None) != opened["fields"].get("published"):
        changes["published"] = published
    if ss.get(key("published_basis")) != opened["fields"].get("published_basis"):
        changes["published_basis"] = ss.get(key("published_basis"))
    return changes


def save(engine, source_id: int, opened: dict) -> None:  # noqa: ANN001
    reason = (st.session_state.get(key("reason")) or "").strip()
    changes = changes_of(opened)
    problems = []
    if not changes:
        problems.append(Problem("nothing was changed: correct a field first"))
    if not reason:
        problems.append(Problem("say why this change is made", field="reason"))
    if problems:
        forms.refuse(FORM, problems)
        return

    forms.save_correction(
        FORM,
        curation.edit_source,
        engine,
        source_id,
        changes,
        opened,
        reason,
        partial(reload, engine, source_id),
    )


store = forms.store_for(Role.curator, "correct sources")
engine = store.engine
source_id, notice = state.requested_source()
st.title("Correct a source" if source_id is None else f"Correct source #{source_id}")
if source_id is None:
    widgets.notices([notice])
    st.info("Open a source's page and choose “Correct this source”.", icon=":material/info:")
    st.stop()
editable = curation.source_for_editing(engine, source_id, forms.user())
if editable is None:
    st.warning(f"There is no source #{source_id}.", icon=":material/link_off:")
    st.stop()
opened = st.session_state.get(state.EDIT_SOURCE_OPENED)
if opened is None or opened["id"] != source_id or key("title") not in st.session_state:
    opened = fill(editable)
    forms.clear_feedback(FORM)

links = st.columns(2)
links[0].page_link(
    SOURCE, label="Its page", icon=":material/article:", query_params={"source": str(source_id)}
)
links[1].page_link(
    HISTORY, label="Its history", icon=":material/history:", query_params={"source": str(source_id)}
)
forms.conflict_box(FORM, opened["fields"], lambda: reload(engine, source_id))
if not editable.can_edit:
    st.warning(
        "You cannot correct this source: curators correct only sources they added. Ask an editor.",
        icon=":material/block:",
    )
    st.stop()

forms.saved_message(FORM)
st.text_input(forms.FIELD_LABELS["url"], key=key("url"))
forms.field_errors(FORM, "url")
st.text_input(forms.FIELD_LABELS["title"], key=key("title"))
forms.field_errors(FORM, "title")
forms.publication_inputs(FORM)
st.text_area(forms.FIELD_LABELS["text"], key=key("text"), height=200)
forms.field_errors(FORM, "text")
archive, language = st.columns([3, 1])
archive.text_input(forms.FIELD_LABELS["archive_url"], key=key("archive_url"))
with archive:
    forms.field_errors(FORM, "archive_url")
language.text_input(forms.FIELD_LABELS["language"], key=key("language"))
with language:
    forms.field_errors(FORM, "language")
st.text_area(forms.FIELD_LABELS["notes"], key=key("notes"), height=80)
forms.field_errors(FORM, "notes")
st.text_input(
    forms.FIELD_LABELS["reason"],
    key=key("reason"),
    placeholder="e.g. the outlet changed its headline",
)
forms.field_errors(FORM, "reason")
st.button(
    "Save correction",
    type="primary",
    key=key("save"),
    on_click=save,
    args=(engine, source_id, opened),
    icon=":material/save:",
)
forms.other_errors(FORM, {*FIELDS, "reason"})
