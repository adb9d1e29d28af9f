"""Review (editors): the inbox of unverified claims, newest first, each with its quote,
source, check findings and any "Save anyway" reason; pick one or several and corroborate,
dispute or retract them together, with a reason (each claim gets its own revision).

Curators see here which of their claims were disputed or retracted, and why.
"""

import math

import streamlit as st

from dashboard import forms, state, widgets
from tracker import curation
from tracker.core.errors import Problem
from tracker.domain.vocab import ROLE_RANK, Role, Status
from tracker.read import review

FORM = "review_inbox"
ACTIONS = {
    Status.corroborated.value: "Corroborate",
    Status.disputed.value: "Dispute",
    Status.retracted.value: "Retract",
}


def key(name: str) -> str:
    return f"{FORM}.{name}"


def claim_heading(c: review.InboxClaim) -> str:
    figure = widgets.figure_text(
        {"value": c.value, "low": c.low, "high": c.high, "qualifier": c.qualifier}
    )
    period = widgets.period_text(
        {"period_start": c.period_start, "period_end": c.period_end, "cumulative": c.cumulative}
    )
    return f"#{c.id}: {c.claimant}: {figure} ({c.metric_label}), {c.place}, {period}"


def claim_body(c: review.InboxClaim) -> None:
    st.markdown("> " + widgets.md(c.quote))
    st.caption(
        widgets.md(
            f"{c.publisher}, {widgets.day_text(c.published)}: {c.source_title} · entered by "
            f"{c.created_by} on {c.created_at:%Y-%m-%d %H:%M} UTC"
        )
    )
    if c.check_override:
        st.warning(widgets.md(f"Saved anyway: {c.check_override}"), icon=":material/report:")
    for finding in c.findings:
        st.caption(widgets.md(f"Check: {finding}"))
    source, claim = st.columns(2)
    widgets.source_link(c.source_id, where=source)
    widgets.claim_link(c.id, where=claim)


def apply(engine, shown: list[review.InboxClaim]) -> None:  # noqa: ANN001
    ss = st.session_state
    chosen = [(c.id, c.version) for c in shown if ss.get(key(f"pick.{c.id}"))]
    status = ss.get(key("status"))
    reason = (ss.get(key("reason")) or "").strip()
    problems = []
    if not chosen:
        problems.append(Problem("tick the claims to review first", field="claims"))
    if not reason:
        problems.append(Problem("say why", field="reason"))
    if problems:
        forms.refuse(FORM, problems)
        return

    def act() -> str:
        curation.review_claims(engine, forms.user(), chosen, status, reason=reason)
        ids = ", ".join(f"#{i}" for i, _ in chosen)
        return f"Marked {status}: {ids}. Why: {reason}"

    if forms.handle(FORM, act):
        for c in shown:
            ss.pop(key(f"pick.{c.id}"), None)
        ss.pop(key("reason"), None)


def disputed_section(engine, user: str) -> None:  # noqa: ANN001
    mine = review.disputed_claims(engine, user)
    st.subheader("Your claims that were disputed or retracted")
    if not mine:
        st.caption("None of your claims was disputed or retracted.")
        return
    for c in mine:
        with st.container(border=True):
            st.markdown(widgets.md(claim_heading(c)))
            who = f" by {c.reviewed_by}" if c.reviewed_by else ""
            when = f" on {c.reviewed_at:%Y-%m-%d}" if c.reviewed_at else ""
            st.error(
                widgets.md(f"{c.status.capitalize()}{who}{when}: {c.status_reason or ''}"),
                icon=":material/report:",
            )
            claim_body(c)


store = forms.store_for(Role.curator, "see claims for review")
engine = store.engine
user = forms.user() or ""
st.title("Review")
if ROLE_RANK[state.current_role()] < ROLE_RANK[Role.editor]:
    disputed_section(engine, user)
    st.stop()

vocab = curation.vocabulary(engine)
st.caption(
    "Unverified claims, newest first. Tick one or several, then corroborate, dispute or "
    "retract them with a reason; each claim keeps its own revision."
)
conflicts = review.conflict_names(engine)
filters = st.columns(4 if conflicts else 3)
metric = filters[0].selectbox(
    "What is counted",
    options=[None, *sorted(vocab.metrics)],
    format_func=lambda k: "Any" if k is None else vocab.metrics[k].label,
    key=key("metric"),
)
claimant = filters[1].selectbox(
    "Claimant",
    options=[None, *sorted(vocab.claimants, key=lambda k: vocab.claimants[k].name)],
    format_func=lambda k: "Any" if k is None else vocab.claimants[k].name,
    key=key("claimant"),
)
curator = filters[2].selectbox(
    "Entered by",
    options=[None, *review.inbox_curators(engine)],
    format_func=lambda k: "Anyone" if k is None else k,
    key=key("curator"),
)
texts = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
quote = texts[0].text_input("Words of the quote", key=key("quote"))
source = texts[1].text_input("Words of the source (headline, publisher)", key=key("source"))
with_findings = texts[2].checkbox("With check findings", key=key("findings"))
saved_anyway = texts[3].checkbox("Saved anyway", key=key("saved_anyway"))
conflict = (
    filters[3].selectbox(
        "Conflict",
        options=[None, *conflicts],
        format_func=lambda k: "Any" if k is None else conflicts[k],
        key=key("conflict"),
    )
    if conflicts
    else None
)
where = review.InboxFilter(
    conflict=conflict,
    metric=metric,
    claimant=claimant,
    curator=curator,
    quote=quote,
    source=source,
    with_findings=with_findings,
    saved_anyway=saved_anyway,
)
total = review.count_inbox(engine, where)
pages = max(1, math.ceil(total / review.PAGE_SIZE))
page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=key("page"))
first = (min(page, pages) - 1) * review.PAGE_SIZE
shown = review.review_inbox(engine, where, limit=review.PAGE_SIZE, offset=first)

forms.saved_message(FORM)
if not shown:
    st.info("No unverified claim matches.", icon=":material/inbox:")
else:
    st.caption(f"Claims {first + 1:,}–{first + len(shown):,} of {total:,} waiting for review.")
    with st.container(border=True):
        action, why, go = st.columns([1, 3, 1], vertical_alignment="bottom")
        action.radio(
            "Mark the ticked claims",
            options=list(ACTIONS),
            format_func=ACTIONS.get,
            key=key("status"),
            horizontal=True,
        )
        why.text_input("Reason (kept with each claim)", key=key("reason"))
        go.button(
            "Apply",
            type="primary",
            key=key("apply"),
            on_click=apply,
            args=(engine, shown),
            icon=":material/rule:",
        )
        forms.field_errors(FORM, "reason", "claims", "status")
        forms.other_errors(FORM, {"reason", "claims", "status"})
        conflict = forms.feedback(FORM).conflict
        if conflict:
            st.error(
                widgets.md(conflict[:1].upper() + conflict[1:] + ". Nothing was changed."),
                icon=":material/sync_problem:",
            )
    for c in shown:
        with st.container(border=True):
            st.checkbox(f"Select claim #{c.id}", key=key(f"pick.{c.id}"))
            st.markdown(widgets.md(claim_heading(c)))
            claim_body(c)

disputed_section(engine, user)
