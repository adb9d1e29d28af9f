"""The Checks page and the marks the checks leave on the Figures chart, driven with AppTest
against real databases."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.dashboard_support import infos_text, warnings_text
from tests.helpers import claim, source_doc, write_doc
from tracker.charts import CHECK_KEY
from tracker.checks import RULES, findings_by_claim, run_checks
from tracker.db import make_engine, read_session
from tracker.findings import GUIDE, group_by_rule, severity_counts
from tracker.importer import import_paths
from tracker.markup import escape_markdown
from tracker.models import Claim, Source
from tracker.store import SYSTEM

PAGE = "views/checks.py"


def ids(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """Claim key -> id and source URL -> id."""
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            claims = dict(s.exec(select(Claim.key, Claim.id)).all())
            sources = dict(s.exec(select(Source.url, Source.id)).all())
        return claims, sources
    finally:
        engine.dispose()


def full_run(url: str) -> list:
    engine = make_engine(url)
    try:
        return run_checks(engine)
    finally:
        engine.dispose()


def links(at) -> list[tuple[str, str, str]]:
    """(label, page, query string) of every page link; "" is the default page (Figures)."""
    return [(p.proto.label, p.proto.page, p.proto.query_string) for p in at.get("page_link")]


def subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


def test_checks_page_groups_the_findings_by_check_with_counts_and_links(open_app, dashboard_url):
    at = open_app(dashboard_url, PAGE)
    assert not at.exception
    assert at.title[0].value == "Checks"
    findings = full_run(dashboard_url)
    counts = severity_counts(findings)
    assert {m.label: m.value for m in at.metric} == {
        "Errors": str(counts["error"]),
        "Warnings": str(counts["warning"]),
        "Notes": str(counts["info"]),
    }
    groups = group_by_rule(findings)
    assert subheaders(at) == [f"{RULES[rule].title} ({len(items)})" for rule, items in groups]
    captions = " ".join(c.value for c in at.caption)
    for rule, _ in groups:
        assert f"`{rule}` · {GUIDE[rule].meaning}" in captions
    assert at.query_params == {}

    # The known discrepancies of the sample are there, each message as inert text.
    claims, sources = ids(dashboard_url)
    jump = next(
        f
        for f in findings
        if f.rule == "sudden-jump" and claims["ohchr-2023-02-12-killed"] in f.claims
    )
    assert "7,199" in jump.message and "8,006" in jump.message
    decrease = next(f for f in findings if f.rule == "cumulative-decrease")
    police = {claims["police-2022-06-13-killed"], claims["police-2024-01-31-killed"]}
    assert set(decrease.claims) == police
    shown = [m.value for m in at.markdown]
    for finding in (jump, decrease):
        assert escape_markdown(finding.message) in shown

    # Each claim links to its permalink, each source to its page and to the article.
    shown_links = links(at)
    for finding in (jump, decrease):
        for claim_id in finding.claims:
            assert any(p == "" and q == f"claim={claim_id}" for _, p, q in shown_links)
        for url in finding.sources:
            assert ("article", url, "") in shown_links
            assert any(p == "sources" and q == f"source={sources[url]}" for _, p, q in shown_links)
    assert all(p in ("", "sources") or p.startswith("https://") for _, p, _ in shown_links)


def test_a_check_in_the_link_lists_only_that_check(open_app, dashboard_sqlite_url):
    at = open_app(dashboard_sqlite_url, PAGE, rule="sudden-jump")
    assert not at.exception
    assert not at.warning
    assert at.multiselect(key="checks.rules").value == ["sudden-jump"]
    jumps = [f for f in full_run(dashboard_sqlite_url) if f.rule == "sudden-jump"]
    assert subheaders(at) == [f"{RULES['sudden-jump'].title} ({len(jumps)})"]
    assert len(jumps) == 2  # OHCHR's 7,199 -> 8,006 killed and 11,756 -> 13,287 injured
    assert at.query_params == {"rule": "sudden-jump"}


def test_choosing_severities_narrows_the_list_and_goes_into_the_link(
    open_app, dashboard_sqlite_url
):
    at = open_app(dashboard_sqlite_url, PAGE)
    at.multiselect(key="checks.severities").set_value(["info"]).run()
    assert not at.exception
    info = [f for f in full_run(dashboard_sqlite_url) if f.severity == "info"]
    expected = group_by_rule(info)
    assert subheaders(at) == [f"{RULES[rule].title} ({len(items)})" for rule, items in expected]
    assert at.query_params == {"severity": "info"}
    # Checks and severities that leave nothing say so.
    at.multiselect(key="checks.rules").set_value(["cumulative-decrease"]).run()
    assert not at.exception
    assert subheaders(at) == []
    assert "No finding matches these checks and severities" in infos_text(at)
    assert at.query_params == {"rule": "cumulative-decrease", "severity": "info"}


def test_bad_parameters_fall_back_with_a_notice(open_app, dashboard_sqlite_url):
    at = open_app(
        dashboard_sqlite_url, PAGE, rule=["sudden-jump", "no-such-check"], severity="fatal"
    )
    assert not at.exception
    notices = warnings_text(at)
    assert "no\\-such\\-check" in notices and "fatal" in notices
    assert at.multiselect(key="checks.rules").value == ["sudden-jump"]  # what could be used
    assert at.multiselect(key="checks.severities").value == []
    assert subheaders(at) == [f"{RULES['sudden-jump'].title} (2)"]
    assert at.query_params == {"rule": "sudden-jump"}


def test_empty_database_says_how_to_fill_it(open_app, empty_sqlite_url):
    at = open_app(empty_sqlite_url, PAGE)
    assert not at.exception
    assert "No claims yet" in infos_text(at)
    assert not at.metric


def test_a_store_without_findings_says_so_and_messages_stay_text(
    open_app, vocab_engine, database_url, tmp_path
):
    calm = source_doc(
        claims=[claim(id="calm", claimant="Example Monitor", value=10, quote="10 deaths")]
    )
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "calm.yaml", calm)])
    at = open_app(database_url, PAGE)
    assert not at.exception
    assert [m.value for m in at.metric] == ["0", "0", "0"]
    assert "No findings" in at.success[0].value

    # A claimant named like markup, and a figure missing from its quote: an error whose
    # message names the claimant, shown as those characters.
    hostile = "Synthetic claimant 01 <b>x</b> **y** [z](javascript:alert(1))"
    doc = source_doc(
        claims=[claim(id="odd", claimant=hostile, value=77, quote="no figure here")],
        url="https://example.org/news/odd",
        publisher="Example Wire <i>",
    )
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "odd.yaml", doc)])
    at.run()
    assert not at.exception
    assert at.metric[0].value == "1"
    [error] = [f for f in full_run(database_url) if f.severity == "error"]
    assert hostile in error.message
    assert escape_markdown(error.message) in [m.value for m in at.markdown]
    assert escape_markdown("Example Wire <i>, 14 Feb 2023") in [label for label, _, _ in links(at)]


def test_findings_are_computed_once_per_data_version(
    open_app, vocab_engine, database_url, tmp_path, monkeypatch
):
    from dashboard import data

    calls: list[int] = []

    def counted(engine):
        calls.append(1)
        return findings_by_claim(engine)

    monkeypatch.setattr(data, "findings_by_claim", counted)
    first = source_doc(
        claims=[claim(id="a", claimant="Example Monitor", value=10, quote="10 deaths")]
    )
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "a.yaml", first)])
    at = open_app(database_url, PAGE)
    at.multiselect(key="checks.severities").set_value(["error"]).run()
    at.run()
    assert not at.exception and len(calls) == 1  # reruns and filters reuse them
    later = source_doc(
        claims=[claim(id="b", claimant="Example Monitor", value=12, quote="no figure here")],
        url="https://example.org/news/later",
    )
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "b.yaml", later)])
    at.run()
    assert len(calls) == 2  # a write bumps the version: the new finding shows
    assert at.metric[0].value == "1"


def test_a_claim_link_opened_on_this_page_goes_to_the_claims_own_view(
    open_app, dashboard_sqlite_url
):
    at = open_app(dashboard_sqlite_url, PAGE, claim="5")
    assert not at.exception
    assert at.title[0].value == "Claim #5"  # the claim's page, on the Figures page
    assert at.query_params.get("claim") == "5"


@pytest.fixture
def figures_spec(open_app, dashboard_sqlite_url) -> dict:
    at = open_app(dashboard_sqlite_url)
    assert not at.exception
    [chart] = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def test_figures_chart_rings_exactly_the_points_with_findings(figures_spec, dashboard_sqlite_url):
    claims, _ = ids(dashboard_sqlite_url)
    engine = make_engine(dashboard_sqlite_url)
    by_claim = findings_by_claim(engine)
    engine.dispose()
    traces = [t for t in figures_spec["data"] if t.get("x") != [None]]
    [ring] = [t for t in traces if t["name"] == CHECK_KEY]
    points = {
        c[0]: text
        for t in traces
        if t["name"] != CHECK_KEY
        for c, text in zip(t["customdata"], t["hovertext"], strict=True)
    }
    flagged = {key for key in points if any(int(i) in by_claim for i in key.split(","))}
    assert sorted(c[0] for c in ring["customdata"]) == sorted(flagged)
    # OHCHR's 7,199 (relayed by three sources) and the National Police's 12,000 among them.
    jump_point = next(k for k in flagged if str(claims["ohchr-2023-02-12-killed"]) in k)
    assert str(claims["police-2022-06-13-killed"]) in flagged
    hover = points[jump_point].replace("<br>", " ")
    assert "Check: OHCHR's cumulative count of civilians killed in Ukraine rose from 7,199" in hover
    assert not any("Check:" in text for key, text in points.items() if key not in flagged)


def test_a_finding_over_many_claims_links_the_first_few_and_counts_the_rest(
    open_app, vocab_engine, database_url, tmp_path
):
    paths = []
    for day in range(1, 6):
        for claimant, value in (
            ("Example Monitor", 1000 + 10 * day),
            ("Synthetic claimant 01", 800),
        ):
            doc = source_doc(
                claims=[
                    claim(
                        id=f"{claimant[:3]}-{day}",
                        claimant=claimant,
                        value=value,
                        qualifier="exact",
                        period_end=f"2023-03-0{day}",
                        quote=f"{value:,} civilians killed",
                    )
                ],
                url=f"https://example.org/news/{claimant[:3]}-{day}",
                published=f"2023-03-0{day}",
            )
            paths.append(write_doc(tmp_path / f"{claimant[:3]}-{day}.yaml", doc))
    import_paths(vocab_engine, SYSTEM, paths)
    at = open_app(database_url, PAGE, rule="claimant-disagreement")
    assert not at.exception
    [finding] = [f for f in full_run(database_url) if f.rule == "claimant-disagreement"]
    assert (len(finding.claims), len(finding.sources)) == (10, 10)
    shown = links(at)
    assert len([q for _, p, q in shown if p == "" and q.startswith("claim=")]) == 6
    assert len([q for _, p, q in shown if p == "sources"]) == 4
    assert len([p for _, p, _ in shown if p.startswith("https://")]) == 4
    assert any("And 4 more claim(s) and 6 more source(s)" in c.value for c in at.caption)
