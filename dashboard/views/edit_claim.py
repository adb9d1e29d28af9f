"""Correct a claim (`?claim=<id>`), reached from its card or its source's page.

The form is filled from the claim as stored and remembers the version it was read at;
the save sends that version back, so that if someone saved the claim meanwhile the save
is refused, their change is shown, and nothing is overwritten. Every correction asks for
a reason and becomes a revision (see the History page). Editors also review the claim
here: unverified, corroborated, disputed or retracted, with a reason.
"""

from functools import partial
from types import SimpleNamespace

import streamlit as st

from dashboard import forms, state, widgets
from dashboard.navigation import HISTORY
from tracker import curation
from tracker.core.errors import Problem
from tracker.domain.vocab import Role, Status
from tracker.store.write import QUOTE_CHECKED_FIELDS

FORM = state.EDIT_CLAIM
REVIEW = state.REVIEW


def requested_claim() -> tuple[int | None, str | None]:
    raw = (st.query_params.get("claim") or "").strip().lstrip("#")
    if not raw:
        return None, None
    number = state.whole_number(raw)
    if number is None:
        return None, f"The link's “claim” was not used: {raw!r} is not a claim number."
    return number, None


def remember(editable: curation.EditableClaim) -> dict:
    opened = {"id": editable.id, "version": editable.version, "fields": editable.fields}
    st.session_state[state.EDIT_CLAIM_OPENED] = opened
    return opened


def reload(engine, claim_id: int, choices) -> None:  # noqa: ANN001
    """Start again from the claim as it is now."""
    editable = curation.claim_for_editing(engine, claim_id, forms.user())
    if editable is not None:
        remember(editable)
        forms.fill_claim_fields(FORM, editable.fields, choices)
    for form in (FORM, REVIEW):
        forms.clear_feedback(form)
    st.session_state.pop(forms.key(FORM, "reason"), None)
    st.session_state.pop(forms.key(REVIEW, "reason"), None)


def after_save(engine, claim_id: int, choices) -> None:  # noqa: ANN001
    editable = curation.claim_for_editing(engine, claim_id, forms.user())
    remember(editable)
    forms.fill_claim_fields(FORM, editable.fields, choices)


def save(engine, claim_id: int, choices, opened: dict) -> None:  # noqa: ANN001
    ss = st.session_state
    reason = (ss.get(forms.key(FORM, "reason")) or "").strip()
    problems = [] if reason else [Problem("say why this change is made", field="reason")]
    if (
        ss.get(forms.key(FORM, "confirm"))
        and not (ss.get(forms.key(FORM, "override_reason")) or "").strip()
    ):
        problems.append(Problem("say why the claim is right as entered", field="check_override"))
    claim_in, invalid = forms.parse_claim(forms.claim_raw(FORM, choices, with_status=False))
    problems = invalid + problems
    if claim_in is None or problems:
        forms.refuse(FORM, problems)
        return
    changes = forms.claim_changes(claim_in, opened["fields"])
    if not changes:
        forms.set_feedback(
            FORM, forms.Feedback(problems=[Problem("nothing was changed: correct a field first")])
        )
        return

    after = partial(after_save, engine, claim_id, choices)
    if forms.save_correction(
        FORM, curation.edit_claim, engine, claim_id, changes, opened, reason, after
    ):
        ss.pop(forms.key(FORM, "reason"), None)
        forms.clear_feedback(REVIEW)


def review(engine, claim_id: int, choices, opened: dict) -> None:  # noqa: ANN001
    ss = st.session_state
    status = ss.get(forms.key(REVIEW, "status"))
    reason = (ss.get(forms.key(REVIEW, "reason")) or "").strip()
    if not reason:
        forms.refuse(REVIEW, [Problem("say why the status changes", field="reason")])
        return
    if status == opened["fields"].get("status"):
        forms.refuse(REVIEW, [Problem(f"the claim is already {status}", field="status")])
        return

    def act() -> str:
        version = curation.review_claim(
            engine,
            forms.user(),
            claim_id,
            status,
            reason=reason,
            expected_version=opened["version"],
        )
        after_save(engine, claim_id, choices)
        return f"Marked {status} (version {version}): {reason}"

    if forms.handle(REVIEW, act):
        ss.pop(forms.key(REVIEW, "reason"), None)
        forms.clear_feedback(FORM)


store = forms.store_for(Role.curator, "correct claims")
engine = store.engine
claim_id, notice = requested_claim()
st.title("Correct a claim" if claim_id is None else f"Correct claim #{claim_id}")
if claim_id is None:
    widgets.notices([notice])
    st.info(
        "Open a claim's card on the Figures page, or a source's page, and choose “Correct "
        "this claim”.",
        icon=":material/info:",
    )
    st.stop()
editable = curation.claim_for_editing(engine, claim_id, forms.user())
if editable is None:
    st.warning(f"There is no claim #{claim_id}.", icon=":material/link_off:")
    st.stop()

vocab = store.vocabulary()
choices = (forms.claimant_choices(vocab), forms.place_choices(vocab))
opened = st.session_state.get(state.EDIT_CLAIM_OPENED)
if opened is None or opened["id"] != claim_id or forms.key(FORM, "quote") not in st.session_state:
    # A new visit: fill the form from the claim as stored now.
    opened = remember(editable)
    forms.seed_claim_fields(FORM)
    forms.fill_claim_fields(FORM, editable.fields, choices)
    for form in (FORM, REVIEW):
        forms.clear_feedback(form)

detail = store.claim_detail(claim_id)
if detail is not None:
    st.markdown(
        f"**{widgets.md(widgets.figure_text(detail))}** · {widgets.md(detail['claimant_name'])} · "
        f"{widgets.md(detail['place_name'])} · {widgets.md(widgets.period_text(detail))}"
    )
    widgets.status_line(detail)
    widgets.saved_anyway(detail)
    st.caption(
        widgets.md(
            f"From {detail['source_publisher']}, {widgets.day_text(detail['source_published'])}. "
            f"Entered by {editable.created_by}; last changed by {editable.updated_by}"
            + (f"; reviewed by {editable.reviewed_by}" if editable.reviewed_by else "")
            + f". Version {editable.version}."
        )
    )
links = st.columns(2)
widgets.source_link(editable.source_id, "Its source", where=links[0])
links[1].page_link(
    HISTORY, label="Its history", icon=":material/history:", query_params={"claim": str(claim_id)}
)

forms.conflict_box(FORM, opened["fields"], lambda: reload(engine, claim_id, choices))
forms.conflict_box(REVIEW, opened["fields"], lambda: reload(engine, claim_id, choices))
if not editable.can_edit and not editable.can_review:
    st.warning(
        "You cannot correct this claim: curators correct only claims they entered "
        "themselves, before an editor reviews them. Ask an editor.",
        icon=":material/block:",
    )
    st.stop()

if editable.can_edit:
    st.subheader("Correct the fields")
    forms.saved_message(FORM)
    draft, _ = forms.parse_claim(forms.claim_raw(FORM, choices, with_status=False))
    changed = forms.claim_changes(draft, opened["fields"]) if draft is not None else {}
    source = store.source_detail(editable.source_id)
    checked_source = SimpleNamespace(text=source["text"] if source else None)
    # The store checks the quote again only when the figure or the quote changes.
    check = (
        forms.draft_check(draft, checked_source)
        if set(changed) & set(QUOTE_CHECKED_FIELDS)
        else None
    )
    forms.claim_fields(FORM, vocab, choices, check=check, with_id=False)
    st.text_input(
        forms.FIELD_LABELS["reason"],
        key=forms.key(FORM, "reason"),
        placeholder="e.g. misread the figure; the outlet corrected its article",
    )
    forms.field_errors(FORM, "reason")
    st.button(
        "Save correction",
        type="primary",
        key=forms.key(FORM, "save"),
        on_click=save,
        args=(engine, claim_id, choices, opened),
        icon=":material/save:",
    )
    forms.other_errors(FORM, forms.CLAIM_FORM_FIELDS | {"reason"})

if editable.can_review:
    st.subheader("Review")
    st.caption(
        "Corroborated: another independent source confirms it. Disputed: there is a reason "
        "to doubt it. Retracted: withdrawn by the source or the claimant; it stays in the "
        "tables, marked, and leaves the charts. Nobody corroborates a claim they entered."
    )
    forms.saved_message(REVIEW)
    forms.seed(forms.key(REVIEW, "status"), opened["fields"].get("status"))
    status, reason = st.columns([1, 2])
    status.selectbox(
        forms.FIELD_LABELS["status"],
        options=[s.value for s in Status],
        key=forms.key(REVIEW, "status"),
    )
    with status:
        forms.field_errors(REVIEW, "status")
    reason.text_input(
        forms.FIELD_LABELS["reason"],
        key=forms.key(REVIEW, "reason"),
        placeholder="e.g. matches the monitor's own update",
    )
    with reason:
        forms.field_errors(REVIEW, "reason")
    st.button(
        "Change status",
        key=forms.key(REVIEW, "save"),
        on_click=review,
        args=(engine, claim_id, choices, opened),
        icon=":material/rule:",
    )
    forms.other_errors(REVIEW, {"status", "reason"})
