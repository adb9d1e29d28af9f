"""Checks: what the consistency checks (tracker.checks.rules) found, grouped by check, each check
with what it means for a journalist, each finding with links to its claims and sources.

The findings are read from the database, where `tracker check`, imports and curators' saves
store them (tracker.checks.finding_store): the counts per check and severity, and one page of
findings per check, never the whole list, so that a million claims cost what a thousand
do. The page says when they were checked, and when the store has changed since."""

import math
from datetime import datetime

import streamlit as st

from dashboard import data, state, widgets
from dashboard.navigation import FIGURES, SOURCE
from tracker.checks.findings import GUIDE, SEVERITIES, SEVERITY_RANK, ClaimReference
from tracker.checks.rules import RULES, Finding
from tracker.core.config import database_url
from tracker.core.urls import is_safe_link
from tracker.domain.vocab import ROLE_RANK, Role
from tracker.sharing.citations import format_day

SEVERITY_COLOURS = {"error": "red", "warning": "orange", "info": "blue"}
SEVERITY_HEADINGS = {
    "error": ("Errors", "A record cannot be right as stored: fix it before publishing."),
    "warning": ("Warnings", "Records disagree: each may be right, but a reader needs a note."),
    "info": ("Notes", "Worth knowing before publishing (info)."),
}
# Findings listed under each check when several are listed (an overview, worst first), and
# per page when one check is listed. Each card is a dozen elements: the overview's length
# is most of a rerun's cost.
PER_CHECK = 10
PER_PAGE = 25
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
                        SOURCE,
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


def checked_when(moment: datetime) -> str:
    return f"{format_day(moment)}, {moment:%H:%M} UTC"


def only_this_check(rule_id: str) -> None:
    """An on_click callback: list this check alone, from its first page."""
    st.session_state[state.CHECKS_RULES] = [rule_id]
    st.session_state[state.CHECKS_PAGE] = 1


def rules_in_view(
    counts: dict[tuple[str, str], int], rules: list[str], severities: list[str]
) -> list[tuple[str, int]]:
    """(check, how many findings) for the chosen checks and severities (all when none),
    checks with a worse finding first (errors, then warnings, then notes), then in the
    checks' own order: what must be fixed is read before what is worth knowing."""
    wanted = severities or list(SEVERITIES)
    order = {rule_id: i for i, rule_id in enumerate(RULES)}
    shown = []
    for rule_id in RULES:
        if rules and rule_id not in rules:
            continue
        present = [s for s in wanted if counts.get((rule_id, s), 0)]
        if present:
            worst = min(SEVERITY_RANK[s] for s in present)
            n = sum(counts[(rule_id, s)] for s in present)
            shown.append((worst, order[rule_id], rule_id, n))
    return [(rule_id, n) for _, _, rule_id, n in sorted(shown)]


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
checked = store.checked()
refreshing = data.findings_refreshing(database_url())
if checked.checked_at is None:
    st.info(
        "The checks have not been run on this store yet. `tracker check` runs them and keeps "
        "what they find for this page; `tracker import`, `tracker demo` and a curator's save "
        "in the dashboard do too."
        + (" They are running now: reload this page in a while." if refreshing else ""),
        icon=":material/pending:",
    )
    st.stop()
if checked.data_version == store.version:
    st.caption(f"Checked as of {checked_when(checked.checked_at)}, on the data as it is now.")
else:
    changes = store.changes_since_checked(checked)
    if changes > 10_000:
        changed = f"more than {changes - 1:,} change(s) to claims and sources"
    elif changes:
        changed = f"{changes:,} change(s) to claims and sources"
    else:
        changed = "its claimants, places or metrics"
    st.warning(
        f"These findings were checked as of {checked_when(checked.checked_at)}; the store has "
        f"changed since ({changed}), and what changed is not checked yet. "
        + (
            "It is being checked now: reload this page in a while."
            if refreshing
            else "Run `tracker check` to check it (a curator's save in the dashboard does too)."
        ),
        icon=":material/update:",
    )

counts = checked.counts
for column, severity in zip(st.columns(len(SEVERITIES)), SEVERITIES, strict=True):
    heading, meaning = SEVERITY_HEADINGS[severity]
    total = sum(n for (_, s), n in counts.items() if s == severity)
    column.metric(heading, f"{total:,}", help=meaning)

reset = state.reset_page(state.CHECKS_PAGE)
rule_column, severity_column, page_column = st.columns([3, 2, 1])
rule_column.multiselect(
    "Checks",
    options=list(RULES),
    format_func=lambda rule_id: f"{titles[rule_id]} ({rule_id})",
    key=state.CHECKS_RULES,
    placeholder="All checks",
    on_change=reset,
)
severity_column.multiselect(
    "Severity",
    options=list(SEVERITIES),
    key=state.CHECKS_SEVERITIES,
    placeholder="Any severity",
    on_change=reset,
)
severities = tuple(st.session_state[state.CHECKS_SEVERITIES])
groups = rules_in_view(counts, st.session_state[state.CHECKS_RULES], list(severities))
# One check listed: its findings page by page. Several: the first page of each.
pages = max(1, math.ceil(groups[0][1] / PER_PAGE)) if len(groups) == 1 else 1
page_notice = None
if st.session_state[state.CHECKS_PAGE] > pages:
    if len(groups) == 1:
        page_notice = f"There are {pages} page(s) of findings; showing the last one."
    st.session_state[state.CHECKS_PAGE] = pages
if pages > 1:
    page_column.number_input(
        f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=state.CHECKS_PAGE
    )
state.publish("checks", fields)
if page_notice:
    st.info(page_notice, icon=":material/last_page:")

total = sum(counts.values())
if not total:
    st.success(
        "No findings: no figure is missing from its quote, no series goes down or jumps, and "
        "no two claimants disagree beyond their qualifiers.",
        icon=":material/check_circle:",
    )
    st.stop()
if not groups:
    st.info(
        "No finding matches these checks and severities. Clear a filter to see the others.",
        icon=":material/filter_alt_off:",
    )
    st.stop()
shown = sum(n for _, n in groups)
st.caption(
    f"{shown:,} of {total:,} {widgets.plural(total, 'finding')}, grouped by check."
    # The command line is the curators' tool: readers are not sent to it.
    + (
        " `tracker check` prints the same list; `--format json` for a file."
        if ROLE_RANK[state.current_role()] >= ROLE_RANK[Role.curator]
        else ""
    )
)

limit = PER_PAGE if len(groups) == 1 else PER_CHECK
offset = (st.session_state[state.CHECKS_PAGE] - 1) * limit
listed = [store.findings_page(checked, rule_id, severities, limit, offset) for rule_id, _ in groups]
linked = {c for items in listed for f in items for c in f.claims[:LINKED_CLAIMS]}
refs = store.claim_references(tuple(sorted(linked)))
for (rule_id, n), items in zip(groups, listed, strict=True):
    guide = GUIDE.get(rule_id)
    st.subheader(f"{titles.get(rule_id, rule_id)} ({n:,})", anchor=rule_id)
    severity_badges(guide.severities if guide else sorted({str(f.severity) for f in items}))
    st.caption(f"`{rule_id}`" + (f" · {guide.meaning}" if guide else ""))
    for finding in items:
        finding_card(finding, refs)
    if pages > 1:
        st.caption(f"Findings {offset + 1:,} to {offset + len(items):,} of {n:,}.")
    elif n > len(items):
        st.caption(
            f"The first {len(items):,} of {n:,} are listed: list this check alone to page "
            f"through them, or run `tracker check --rule {rule_id} --format json`."
        )
        st.button(
            f"All {n:,} findings of this check",
            key=f"checks.only.{rule_id}",
            icon=":material/filter_list:",
            on_click=only_this_check,
            args=(rule_id,),
        )
