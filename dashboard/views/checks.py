"""Checks: what the consistency checks (tracker.checks) found, grouped by check, each check
with what it means for a journalist, each finding with links to its claims and sources.
The findings are computed once per data version (dashboard.data), never per rerun."""

import streamlit as st

from dashboard import state, widgets
from dashboard.navigation import FIGURES, SOURCES
from tracker.checks import RULES, Finding
from tracker.citations import format_day
from tracker.findings import GUIDE, SEVERITIES, ClaimReference, group_by_rule, severity_counts
from tracker.urls import is_safe_link

SEVERITY_COLOURS = {"error": "red", "warning": "orange", "info": "blue"}
SEVERITY_HEADINGS = {
    "error": ("Errors", "A record cannot be right as stored: fix it before publishing."),
    "warning": ("Warnings", "Records disagree: each may be right, but a reader needs a note."),
    "info": ("Notes", "Worth knowing before publishing (info)."),
}
PER_CHECK = 25  # findings listed under one check; the CLI gives them all
# Links per finding: a claimant pair that keeps disagreeing is one finding over dozens of
# claims, whose links would bury the page.
LINKED_CLAIMS = 6
LINKED_SOURCES = 4


def severity_badges(severities: tuple[str, ...] | list[str]) -> None:
    with st.container(horizontal=True):
        for severity in severities:
            st.badge(severity, color=SEVERITY_COLOURS.get(severity, "gray"))


def finding_card(finding: Finding, refs: dict[int, ClaimReference]) -> None:
    """The message as text (it names sources and claimants: data, never markup), then a
    link per claim (its permalink) and per source (its page, and the article itself), the
    first few of each when there are many."""
    with st.container(border=True):
        severity_badges([str(finding.severity)])
        st.markdown(widgets.md(finding.message))
        with st.container(horizontal=True):
            for claim_id in finding.claims[:LINKED_CLAIMS]:
                ref = refs.get(claim_id)
                label = f"Claim #{claim_id}" + (
                    f": {ref.claimant}, {format_day(ref.period_end)}" if ref else ""
                )
                st.page_link(
                    FIGURES,
                    label=widgets.md(label),
                    icon=":material/link:",
                    query_params={"claim": str(claim_id)},
                )
        by_url = {r.source_url: r for c in finding.claims if (r := refs.get(c)) is not None}
        with st.container(horizontal=True):
            for url in finding.sources[:LINKED_SOURCES]:
                ref = by_url.get(url)
                if ref is not None:
                    st.page_link(
                        SOURCES,
                        label=widgets.md(
                            f"{ref.source_publisher}, {format_day(ref.source_published)}"
                        ),
                        icon=":material/article:",
                        query_params={"source": str(ref.source_id)},
                    )
                if is_safe_link(url):
                    st.page_link(url, label="article", icon=":material/open_in_new:")
        more = [
            f"{len(items) - limit:,} more {what}"
            for items, limit, what in (
                (finding.claims, LINKED_CLAIMS, "claim(s)"),
                (finding.sources, LINKED_SOURCES, "source(s)"),
            )
            if len(items) > limit
        ]
        if more:
            st.caption(
                f"And {' and '.join(more)}: `tracker check --rule {finding.rule} --format json` "
                "lists them all."
            )


if "claim" in st.query_params:
    # A claim link copied from this page: Streamlit writes links to the default page as a
    # bare "?claim=<id>", which a new tab resolves against this page's address.
    st.switch_page(FIGURES, query_params={"claim": st.query_params["claim"]})
store = widgets.open_store()
widgets.stop_if_empty(store)
titles = {rule_id: rule.title for rule_id, rule in RULES.items()}
fields = state.checks_fields(titles, SEVERITIES)
notices = state.load("checks", fields)

st.title("Checks")
st.markdown(
    "Figures that deserve a second look before they are cited: each check is a rule over "
    "the stored claims, and each finding says what it found, with the figures, claimants and "
    "dates, and links to the claims and sources concerned. The Figures chart rings the points "
    "that have findings."
)
widgets.notices(notices)
findings = store.findings()
counts = severity_counts(findings.all)
for column, severity in zip(st.columns(len(SEVERITIES)), SEVERITIES, strict=True):
    heading, meaning = SEVERITY_HEADINGS[severity]
    column.metric(heading, f"{counts[severity]:,}", help=meaning)

rule_column, severity_column = st.columns([3, 2])
rule_column.multiselect(
    "Checks",
    options=list(RULES),
    format_func=lambda rule_id: f"{titles[rule_id]} ({rule_id})",
    key=state.CHECKS_RULES,
    placeholder="All checks",
)
severity_column.multiselect(
    "Severity", options=list(SEVERITIES), key=state.CHECKS_SEVERITIES, placeholder="Any severity"
)
state.publish("checks", fields)

if not findings.all:
    st.success(
        "No findings: no figure is missing from its quote, no series goes down or jumps, and "
        "no two claimants disagree beyond their qualifiers.",
        icon=":material/check_circle:",
    )
    st.stop()
groups = group_by_rule(
    findings.all, st.session_state[state.CHECKS_RULES], st.session_state[state.CHECKS_SEVERITIES]
)
shown = sum(len(items) for _, items in groups)
if not groups:
    st.info(
        "No finding matches these checks and severities. Clear a filter to see the others.",
        icon=":material/filter_alt_off:",
    )
    st.stop()
st.caption(
    f"{shown:,} of {len(findings.all):,} finding(s), grouped by check. "
    "`tracker check` prints the same list; `--format json` for a file."
)

listed = [items[:PER_CHECK] for _, items in groups]
linked = {c for items in listed for f in items for c in f.claims[:LINKED_CLAIMS]}
refs = store.claim_references(tuple(sorted(linked)))
for (rule_id, items), first in zip(groups, listed, strict=True):
    guide = GUIDE.get(rule_id)
    st.subheader(f"{titles.get(rule_id, rule_id)} ({len(items):,})", anchor=rule_id)
    severity_badges(guide.severities if guide else sorted({str(f.severity) for f in items}))
    st.caption(f"`{rule_id}`" + (f" · {guide.meaning}" if guide else ""))
    for finding in first:
        finding_card(finding, refs)
    if len(items) > len(first):
        st.caption(
            f"The first {len(first):,} of {len(items):,} are listed: narrow them by severity, "
            f"or run `tracker check --rule {rule_id} --format json` for all of them."
        )
