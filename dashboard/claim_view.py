"""A claim's own page: what its permalink (`?claim=<its id from the data files>` on the
Figures page; older links' row numbers still open it) opens.

Everything a journalist needs before citing one figure: the figure as claimed (with its
qualifier), who claimed it, where and for when, its status and why, the quote, the article
and its archived copy, the citation in four forms, the other outlets that carried the same
statement, what the checks found, and every change made to it.

Nothing is deleted, so every claim id that ever existed opens: a retracted claim shows
its retraction and a claim that a newer figure replaced says which one. Who made each
change is shown to curators only (as on the History page: an account name is half a
login); readers see when, what and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, forms, sharing, state, widgets
from dashboard.navigation import CHECKS, SOURCE
from tracker.checks.rules import RULES, Finding
from tracker.domain.vocab import QUALIFIER_WORDS, ROLE_RANK, Role
from tracker.read.filters import ClaimFilter
from tracker.store.history import RevisionRecord

ACTIONS = {"create": "added", "update": "corrected", "status": "reviewed"}
SEVERITY_COLOURS = {"error": "red", "warning": "orange", "info": "blue"}


def show(store: data.CachedReads, claim_id: int) -> bool:
    """Draw claim `claim_id`'s page; False (nothing drawn) when there is no such claim."""
    claim = store.claim_detail(claim_id)
    if claim is None:
        return False
    source_id = int(claim["source_id"])
    source = store.citation_sources((source_id,)).get(source_id)

    st.title(f"Claim #{claim_id}")
    with st.container(horizontal=True):
        st.button(
            "Back to the chart",
            icon=":material/arrow_back:",
            on_click=state.close_claim,
            key="claim.back",
        )
        st.button(
            "Show it on the chart",
            icon=":material/show_chart:",
            on_click=state.show_claim_on_chart,
            args=(chart_params(claim),),
            key="claim.chart",
        )
    status_notices(store, claim)

    with st.container(border=True, key=f"claim_page_{claim_id}"):
        st.subheader(widgets.md(widgets.figure_text(claim)), anchor=False)
        st.markdown(
            widgets.md(f"Claimed by {claimant_full(claim)}")
            + "  \n"
            + widgets.md(f"{claim['metric_label']} · {claim['place_name']}")
            + "  \n"
            + widgets.md(f"Period: {widgets.period_text(claim)}")
        )
        widgets.status_line(claim)
        st.markdown("> " + widgets.md(f"“{claim['quote']}”"))
        if widgets.present(claim.get("quote_translation")):
            st.caption(widgets.md(f"Translation: {claim['quote_translation']}"))
        if widgets.present(claim.get("relayed_by")):
            st.caption(widgets.md(f"Relayed by {claim['relayed_by']}"))
        if widgets.present(claim.get("notes")):
            st.caption(widgets.md(f"Notes: {claim['notes']}"))
        widgets.saved_anyway(claim)
        st.markdown(
            f"**{widgets.md(claim['source_publisher'])}**, "
            f"{widgets.md(widgets.day_text(claim['source_published']))}: "
            f"*{widgets.md(claim['source_title'])}*"
        )
        with st.container(horizontal=True):
            widgets.link_button("Read the article", claim.get("source_url"), key="claim.article")
            if widgets.present(claim.get("source_archive_url")):
                widgets.link_button(
                    "Archived copy", claim.get("source_archive_url"), key="claim.archive"
                )
        st.page_link(
            SOURCE,
            label="Everything from this source",
            icon=":material/article:",
            query_params={"source": str(source_id)},
        )
        widgets.correction_link(claim_id)

    st.subheader("Link and citation", anchor=False)
    st.caption("The link to this page; it keeps working whatever happens to the claim.")
    st.code(sharing.claim_url(str(claim["claim_key"])), language=None, wrap_lines=True)
    widgets.citation_box(claim, source, key="claim.cite_form")

    same = claim["same_statement"]
    st.subheader(f"The same statement in other sources ({len(same)})", anchor=False)
    if same.empty:
        st.caption("No other stored source carries this statement.")
    else:
        widgets.claims_table(same, compact=True, key="claim.same")

    checked = store.claim_findings(claim_id, claim["metric_key"], claim["place_key"])
    findings = checked.by_claim.get(claim_id, [])
    st.subheader(f"Checks ({len(findings)})", anchor=False)
    if not findings:
        st.caption("The consistency checks found nothing about this claim.")
    if not checked.series_checked:
        st.caption(
            "The series checks (decreases, jumps, disagreements) are not run here: this "
            "metric and place hold too many claims to check on a page view; the Checks page "
            "lists what they found."
        )
    for finding in findings:
        finding_box(finding)

    revisions = store.claim_history(claim_id)
    st.subheader(f"History ({len(revisions)})", anchor=False)
    history(revisions, state.FilterChoices.from_options(store.filter_options()))

    others = claim["other_claims"]
    if not others.empty:
        st.subheader(f"Other claims from this source ({len(others)})", anchor=False)
        widgets.claims_table(others, compact=True, key="claim.others")
    return True


def claimant_full(claim: Mapping[str, Any]) -> str:
    short = claim.get("claimant_short")
    name = claim["claimant_name"]
    return f"{name} ({short})" if widgets.present(short) and short != name else name


def chart_params(claim: Mapping[str, Any]) -> dict[str, str]:
    """The Figures view the claim is a point of: its metric, place and kind of figure, and
    the retracted points when it is one of them."""
    params = {
        "metric": str(claim["metric_key"]),
        "place": str(claim["place_key"]),
        "kind": "cumulative" if claim["cumulative"] else "period",
    }
    if claim["status"] == "retracted":
        params["retracted"] = "1"
    return params


def status_notices(store: data.CachedReads, claim: Mapping[str, Any]) -> None:
    """Say at the top when the claim should not be cited as it stands: retracted, or
    replaced by the claimant's newer figure (a running total restated or updated)."""
    if claim["status"] == "retracted":
        reason = claim.get("status_reason")
        st.warning(
            widgets.md(
                "This claim was retracted"
                + (f": {reason}" if widgets.present(reason) else "")
                + ". It is kept, with its history, so that links to it keep working; the "
                "charts leave it out unless asked to show retracted claims."
            ),
            icon=":material/block:",
        )
    newer = superseded_by(store, claim)
    if newer is not None:
        st.info(
            widgets.md(
                f"Not the latest figure: {widgets.claimant_text(newer)}'s latest is "
                f"{widgets.figure_text(newer)}, {widgets.period_text(newer)} "
                f"({newer['source_publisher']}, {widgets.day_text(newer['source_published'])})."
            ),
            icon=":material/update:",
        )
        st.button(
            "Open the latest figure",
            on_click=state.open_claim,
            args=(str(newer["claim_key"]),),
            key="claim.latest",
        )


def superseded_by(store: data.CachedReads, claim: Mapping[str, Any]) -> dict[str, Any] | None:
    """The claimant's latest cumulative figure for the same metric and place, when that is
    another statement than this one; None for per-period figures (a later window does not
    replace an earlier one) and for the latest itself."""
    if not claim["cumulative"]:
        return None
    latest = store.latest_per_claimant(
        ClaimFilter(
            metric=claim["metric_key"],
            place=claim["place_key"],
            claimants=(claim["claimant_key"],),
            cumulative=True,
        )
    )
    for row in latest.to_dict("records"):
        if row["statement_key"] != claim["statement_key"] and (
            widgets.as_date(row["period_end"]) >= widgets.as_date(claim["period_end"])
        ):
            return row
    return None


def finding_box(finding: Finding) -> None:
    """One finding about the claim: its check, severity and message (text, never markup),
    and a link to the check on the Checks page."""
    rule = RULES.get(finding.rule)
    with st.container(border=True):
        with st.container(horizontal=True):
            st.badge(str(finding.severity), color=SEVERITY_COLOURS.get(str(finding.severity)))
            st.markdown(widgets.md(rule.title if rule else finding.rule))
        st.markdown(widgets.md(finding.message))
        st.page_link(
            CHECKS,
            label="This check on the Checks page",
            icon=":material/rule:",
            query_params={"rule": finding.rule},
        )


def history(revisions: list[RevisionRecord], vocab: state.FilterChoices | None = None) -> None:
    """Every change, newest first: when, what (the fields before and after) and why."""
    curator = ROLE_RANK[state.current_role()] >= ROLE_RANK[Role.curator]
    if not curator:
        st.caption(
            "When, what and why for every change. Who made each change is shown to curators "
            "(History page)."
        )
    for record in revisions:
        with st.container(border=True):
            who = f" by {record.changed_by}" if curator else ""
            st.markdown(
                widgets.md(f"{record.changed_at:%Y-%m-%d %H:%M} UTC{who}")
                + f" · **{ACTIONS.get(record.action, widgets.md(record.action))}**"
                + f" · version {record.version}"
            )
            st.caption(widgets.md(f"Why: {record.reason}"))
            frame = changes_frame(record, vocab)
            if not frame.empty:
                st.dataframe(frame, hide_index=True, width="stretch")


def changes_frame(record: RevisionRecord, vocab: state.FilterChoices | None = None) -> pd.DataFrame:
    """The fields a revision changed: their values when the claim was added, or before and
    after a correction, in words (names, not keys; "cumulative total", not True)."""
    changes = record.changes
    fields = [forms.label(name) for name, _, _ in changes]
    if record.before is None:
        return pd.DataFrame(
            {"Field": fields, "Value": [cell(n, name, vocab) for name, _, n in changes]}
        )
    return pd.DataFrame(
        {
            "Field": fields,
            "Before": [cell(o, name, vocab) for name, o, _ in changes],
            "After": [cell(n, name, vocab) for name, _, n in changes],
        }
    )


#: A field's stored values as a reader says them.
VALUE_WORDS: dict[str, dict[Any, str]] = {
    "cumulative": {True: "cumulative total", False: "per-period figure"},
    "qualifier": {"exact": "exact", **{k: v for k, v in QUALIFIER_WORDS.items() if v}},
    "date_basis": {
        "stated": "stated in the source",
        "announced": "the day it was announced",
        "inferred": "worked out from the source",
        "source_published": "the source's publication date",
    },
}


def cell(value: object, field: str | None = None, vocab: state.FilterChoices | None = None) -> str:
    """A stored value in words: vocabulary keys as names, flags and codes as words, dates
    in the house style."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    name = forms.base_field(field) if field else None
    words = VALUE_WORDS.get(name or "", {})
    if value in words or str(value) in words:
        return words.get(value, words.get(str(value), str(value)))
    if vocab is not None and name in ("metric", "place", "claimant"):
        names = {"metric": vocab.metrics, "place": vocab.places, "claimant": vocab.claimants}
        return names[name].get(str(value), str(value))
    if name in ("period_start", "period_end", "published"):
        try:
            return widgets.day_text(value)
        except ValueError:
            return str(value)
    return str(value)
