"""Findings as the Checks page arranges them: explained, counted, grouped, linked."""

from __future__ import annotations

from sqlmodel import select

from tracker.checks import findings as findings_module
from tracker.checks.finding_store import refresh_findings
from tracker.checks.findings import (
    GUIDE,
    SEVERITIES,
    claim_findings,
    claim_references,
    distinct_findings,
    findings_of_claims,
    group_by_rule,
    severity_counts,
)
from tracker.checks.rules import RULES, Finding, findings_by_claim, findings_for_claims, run_checks
from tracker.domain.models import Claim, Source
from tracker.read import queries
from tracker.read.filters import ClaimFilter
from tracker.store.db import read_session


def test_every_check_is_explained_for_a_journalist():
    assert list(GUIDE) == list(RULES)
    for rule_id, guide in GUIDE.items():
        assert guide.severities and set(guide.severities) <= set(SEVERITIES), rule_id
        assert 40 < len(guide.meaning) < 200 and "\n" not in guide.meaning, rule_id


def f(rule: str, severity: str, *claims: int) -> Finding:
    return Finding(rule, severity, f"{rule} {claims}", claims, ())


def test_findings_are_grouped_by_check_worst_first_and_filtered():
    findings = [
        f("sudden-jump", "info", 1, 2),
        f("conflicting-figures", "info", 3, 4),
        f("claimant-disagreement", "warning", 5, 6),
        f("conflicting-figures", "warning", 7, 8),
        f("figure-not-in-quote", "error", 9),
    ]
    groups = group_by_rule(findings)
    assert [rule for rule, _ in groups] == [
        "figure-not-in-quote",
        "claimant-disagreement",  # RULES order among checks whose worst is a warning
        "conflicting-figures",
        "sudden-jump",
    ]
    assert [x.severity for x in dict(groups)["conflicting-figures"]] == ["warning", "info"]
    assert group_by_rule(findings, rules=["conflicting-figures"], severities=["info"]) == [
        ("conflicting-figures", [findings[1]])
    ]
    assert group_by_rule(findings, severities=["error", "info"])[0][0] == "figure-not-in-quote"
    assert group_by_rule(findings, rules=["duplicate-claim"]) == []
    assert severity_counts(findings) == {"error": 1, "warning": 2, "info": 2}
    assert severity_counts([]) == {"error": 0, "warning": 0, "info": 0}


def test_a_points_findings_come_from_any_of_its_claims_once_each():
    shared, own = f("sudden-jump", "info", 1, 2), f("figure-not-in-quote", "error", 2)
    by_claim = {1: [shared], 2: [shared, own], 3: [f("sudden-jump", "info", 3)]}
    assert claim_findings([1, 2], by_claim) == [own, shared]
    assert claim_findings([4], by_claim) == []


def test_the_findings_map_gives_back_the_full_run_with_links_to_claims_and_sources(
    sample_engine,
):
    findings = distinct_findings(findings_by_claim(sample_engine))
    assert findings == run_checks(sample_engine)
    with read_session(sample_engine) as s:
        keys = dict(s.exec(select(Claim.key, Claim.id)).all())
        sources = dict(s.exec(select(Source.url, Source.id)).all())
    jump = next(
        x
        for x in findings
        if x.rule == "sudden-jump" and keys["ohchr-2023-02-12-killed"] in x.claims
    )
    refs = claim_references(sample_engine, [*jump.claims, 10**9])
    assert set(refs) == set(jump.claims)  # a missing claim is left out
    assert {r.source_url for r in refs.values()} == set(jump.sources)
    assert all(sources[r.source_url] == r.source_id for r in refs.values())
    first = refs[keys["ohchr-2023-02-12-killed"]]
    assert (first.claimant, str(first.period_end)) == ("OHCHR", "2023-02-12")
    assert first.source_publisher == "OHCHR" and str(first.source_published) == "2023-02-13"


def test_stored_findings_of_any_claims_equal_a_fresh_run_of_those_claims(
    sample_engine, monkeypatch
):
    """What the Figures rings and a claim's page read once the findings are stored: the
    same map, finding for finding and in the same order, as checking those claims."""
    refresh_findings(sample_engine)
    with read_session(sample_engine) as s:
        keys = dict(s.exec(select(Claim.key, Claim.id)).all())
    every = sorted(keys.values())
    killed = ClaimFilter(metric="civilian_killed", place="UA", cumulative=True)
    plotted = [i for ids in queries.chart(sample_engine, killed).points["claim_ids"] for i in ids]
    jump = keys["ohchr-2023-02-12-killed"]
    for ids in (every, plotted, [jump], every[::3], []):
        assert findings_of_claims(sample_engine, ids) == findings_for_claims(sample_engine, ids)
    one = findings_of_claims(sample_engine, [jump])
    assert [f.rule for f in one[jump]] and "sudden-jump" in {f.rule for f in one[jump]}
    assert findings_of_claims(sample_engine, [10**9]) == {}

    # Read in several statements, a finding about claims of two of them is still one
    # object under each of its claims, as in a fresh run.
    monkeypatch.setattr(findings_module, "_CLAIMS_PER_QUERY", 7)
    by_claim = findings_of_claims(sample_engine, every)
    assert by_claim == findings_for_claims(sample_engine, every)
    assert distinct_findings(by_claim) == run_checks(sample_engine)
    shared = next(f for f in distinct_findings(by_claim) if len(set(f.claims)) > 1)
    assert all(any(x is shared for x in by_claim[c]) for c in shared.claims)
