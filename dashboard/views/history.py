"""History: every change to the store, newest first: who, when, why, and what changed
(only the fields that differ, before and after). Filtered by kind of record, by one claim,
by one source (with its claims) and by who made the change, and paged in the database.

Shown to curators and above, not to every reader: the log names the accounts that made
each change, and account names are half of a login, which the login form takes care not to
reveal. Readers see what matters to them on the claim itself: its status and the reason.
"""

import math

import pandas as pd
import streamlit as st

from dashboard import data, forms, state, widgets
from tracker import curation
from tracker.core.errors import Problem
from tracker.domain.vocab import Role
from tracker.store import history
from tracker.store.history import RevisionRecord, diff

PAGE_SIZE = 25
KINDS = {
    "claim": "Claims",
    "source": "Sources",
    "claimant": "Claimants",
    "place": "Places",
    "user": "Accounts",
}
WORDS = {
    "claim": "Claim",
    "source": "Source",
    "claimant": "Claimant",
    "place": "Place",
    "user": "Account",
}
ACTIONS = {
    "create": "added",
    "update": "corrected",
    "status": "reviewed",
    "disable": "disabled",
    "password": "password changed",
    "enable": "enabled",
    "role": "role changed",
}


REVERT = "history.revert"


def revert(engine, r: RevisionRecord, current: int) -> None:  # noqa: ANN001
    """The "revert to this version" button's action: a new revision, with the reason."""
    reason = (st.session_state.get(f"{REVERT}.{r.id}.reason") or "").strip()
    if not reason:
        forms.refuse(f"{REVERT}.{r.id}", [Problem("say why", field="reason")])
        return

    def act() -> str:
        version = curation.revert(
            engine,
            forms.user(),
            r.entity,
            r.entity_id,
            r.id,
            expected_version=current,
            reason=reason,
        )
        return f"{WORDS[r.entity]} #{r.entity_id} is back as it was in version {r.version} (now version {version})."

    if forms.handle(f"{REVERT}.{r.id}", act):
        forms.set_feedback(REVERT, forms.feedback(f"{REVERT}.{r.id}"))
        forms.clear_feedback(f"{REVERT}.{r.id}")


def revision(r: RevisionRecord, vocab, engine, current: dict[int, int]) -> None:  # noqa: ANN001
    with st.container(border=True):
        label = f" ({r.label})" if r.label else ""
        st.markdown(
            widgets.md(f"{WORDS.get(r.entity, r.entity)} #{r.entity_id}{label}")
            + f" · **{ACTIONS.get(r.action, r.action)}** · version {r.version}"
        )
        st.caption(
            widgets.md(f"{r.changed_at:%Y-%m-%d %H:%M} UTC by {r.changed_by}. Why: {r.reason}")
        )
        changes = diff(r.before, r.after)
        words = (
            (lambda f, v: forms.value_words(f, v, vocab))
            if r.entity in ("claim", "source")
            else (lambda f, v: forms.value_words(f, v))
        )
        if r.before is None:
            frame = pd.DataFrame(
                {
                    "Field": [forms.label(f) for f, _, _ in changes],
                    "Value": [words(f, n) for f, _, n in changes],
                }
            )
        else:
            frame = pd.DataFrame(
                {
                    "Field": [forms.label(f) for f, _, _ in changes],
                    "Before": [words(f, o) for f, o, _ in changes],
                    "After": [words(f, n) for f, _, n in changes],
                }
            )
        if not frame.empty:
            st.dataframe(frame, hide_index=True, width="stretch")
        if r.entity == "claim":
            widgets.claim_link(r.entity_id)
        elif r.entity == "source":
            widgets.source_link(r.entity_id)
        now = current.get(r.entity_id)
        if r.entity in ("claim", "source") and r.after and now is not None and now != r.version:
            form = f"{REVERT}.{r.id}"
            with st.expander(f"Revert to version {r.version}"):
                st.caption(
                    "Puts the record back as it was after this change, as a new version with "
                    "your reason; nothing is deleted."
                )
                st.text_input("Why go back to this version?", key=f"{form}.reason")
                forms.field_errors(form, "reason")
                forms.other_errors(form, {"reason"})
                conflict = forms.feedback(form).conflict
                if conflict:
                    st.error(widgets.md(conflict[:1].upper() + conflict[1:] + "."))
                st.button(
                    "Revert to this version",
                    key=f"{form}.go",
                    on_click=revert,
                    args=(engine, r, now),
                    icon=":material/undo:",
                )


store = forms.store_for(Role.curator, "see the history of changes")
authors = store.revision_authors()
fields = state.history_fields(KINDS, {a: a for a in authors})
notices = state.load("history", fields)
st.title("History")
st.caption("Every change, newest first. Nothing is deleted: corrections and retractions are here.")

reset = state.reset_page(state.HISTORY_PAGE)
kind, claim, source, who = st.columns(4)
widgets.labelled(
    kind.selectbox,
    "Records",
    KINDS,
    none="All records",
    placeholder="All records",
    key=state.HISTORY_KIND,
    on_change=reset,
)
claim.number_input(
    "Claim #", min_value=1, step=1, key=state.HISTORY_CLAIM, on_change=reset, placeholder="any"
)
source.number_input(
    "Source # (with its claims)",
    min_value=1,
    step=1,
    key=state.HISTORY_SOURCE,
    on_change=reset,
    placeholder="any",
)
who.selectbox(
    "Changed by",
    options=[None, *authors],
    format_func=lambda a: "Anyone" if a is None else a,
    placeholder="Anyone",
    key=state.HISTORY_USER,
    on_change=reset,
)
where = data.HistoryFilter(
    kind=st.session_state[state.HISTORY_KIND],
    claim_id=st.session_state[state.HISTORY_CLAIM],
    source_id=st.session_state[state.HISTORY_SOURCE],
    user=st.session_state[state.HISTORY_USER],
)
if where.claim_id is not None and (
    where.source_id is not None or where.kind not in (None, "claim")
):
    notices.append("A claim number is set: the history shows that claim's changes only.")
total = store.count_revisions(where)
pages = max(1, math.ceil(total / PAGE_SIZE))
if st.session_state[state.HISTORY_PAGE] > pages:
    st.session_state[state.HISTORY_PAGE] = pages
summary, pager = st.columns([3, 1], vertical_alignment="bottom")
pager.number_input(
    f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=state.HISTORY_PAGE
)
state.publish("history", fields)
widgets.notices(notices)
forms.saved_message(REVERT)

if total == 0:
    st.info("No change matches.", icon=":material/filter_alt_off:")
    st.stop()
page = st.session_state[state.HISTORY_PAGE]
first = (page - 1) * PAGE_SIZE
summary.caption(f"Changes {first + 1:,}–{min(first + PAGE_SIZE, total):,} of {total:,}.")
records = store.revisions(where, limit=PAGE_SIZE, offset=first)
versions = {
    "claim": history.current_versions(
        store.engine, "claim", [r.entity_id for r in records if r.entity == "claim"]
    ),
    "source": history.current_versions(
        store.engine, "source", [r.entity_id for r in records if r.entity == "source"]
    ),
}
vocab = curation.vocabulary(store.engine)
for record in records:
    revision(record, vocab, store.engine, versions.get(record.entity, {}))
