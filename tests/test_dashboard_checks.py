"""The Checks page and the marks the checks leave on the Figures chart, driven with AppTest
against real databases."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.dashboard_support import infos_text, warnings_text
from tests.dbstate import everything
from tests.helpers import claim, source_doc, write_doc
from tracker.checks.finding_store import refresh_findings
from tracker.checks.findings import GUIDE, group_by_rule, severity_counts
from tracker.checks.rules import RULES, findings_by_claim, run_checks
from tracker.core.markup import escape_markdown
from tracker.domain.models import Claim, Source
from tracker.files.importer import import_paths
from tracker.sharing.charts import CHECK_KEY, NOTE_KEY
from tracker.store.db import make_engine, read_session
from tracker.store.write import SYSTEM

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


def import_and_check(engine, paths: list) -> None:  # noqa: ANN001
    """What `tracker import` does: import, then store the checks' findings."""
    import_paths(engine, SYSTEM, paths)
    refresh_findings(engine)


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
            assert any(p == "source" and q == f"source={sources[url]}" for _, p, q in shown_links)
    assert all(p in ("", "source") or p.startswith("https://") for _, p, _ in shown_links)


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
    import_and_check(vocab_engine, [write_doc(tmp_path / "calm.yaml", calm)])
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
    import_and_check(vocab_engine, [write_doc(tmp_path / "odd.yaml", doc)])
    at.run()
    assert not at.exception
    assert at.metric[0].value == "1"
    [error] = [f for f in full_run(database_url) if f.severity == "error"]
    assert hostile in error.message
    assert escape_markdown(error.message) in [m.value for m in at.markdown]
    assert escape_markdown("Example Wire <i>, 14 Feb 2023") in [label for label, _, _ in links(at)]


def test_the_page_says_when_nothing_was_checked_yet(open_app, vocab_engine, database_url, tmp_path):
    calm = source_doc(
        claims=[claim(id="calm", claimant="Example Monitor", value=10, quote="no figure")]
    )
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "calm.yaml", calm)])
    at = open_app(database_url, PAGE)
    assert not at.exception
    assert "The checks have not been run on this store yet. `tracker check`" in infos_text(at)
    assert not at.metric


def test_the_page_shows_the_stored_findings_and_says_when_the_store_changed_since(
    open_app, vocab_engine, database_url, tmp_path
):
    first = source_doc(
        claims=[claim(id="a", claimant="Example Monitor", value=10, quote="10 deaths")]
    )
    import_and_check(vocab_engine, [write_doc(tmp_path / "a.yaml", first)])
    at = open_app(database_url, PAGE)
    assert at.metric[0].value == "0"
    assert any(c.value.startswith("Checked as of ") for c in at.caption)
    assert not at.warning

    # A write that did not check (a script calling the library): the page keeps showing
    # what was checked, and says what is not checked yet and how to check it. Viewing it
    # writes nothing.
    later = source_doc(
        claims=[claim(id="b", claimant="Example Monitor", value=12, quote="no figure here")],
        url="https://example.org/news/later",
    )
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "b.yaml", later)])
    before = everything(vocab_engine)
    at.run()
    assert not at.exception
    assert at.metric[0].value == "0"
    notice = warnings_text(at)
    assert "the store has changed since (2 change(s) to claims and sources)" in notice
    assert "Run `tracker check`" in notice
    assert everything(vocab_engine) == before

    refresh_findings(vocab_engine)  # `tracker check`
    at.run()
    assert at.metric[0].value == "1"  # the figure missing from its quote
    assert not at.warning


def many_errors(vocab_engine, tmp_path, n: int) -> None:  # noqa: ANN001
    """`n` claims whose figure is not in their quote (n errors), and one decrease."""
    claims = [
        claim(
            id=f"e{i:02d}",
            claimant="Example Monitor",
            value=100 + i,
            qualifier="exact",
            period_end=f"2023-01-{i + 1:02d}",
            quote=f"no figure in quote {i}",
        )
        for i in range(n)
    ]
    claims.append(
        claim(
            id="down",
            claimant="Example Monitor",
            value=5,
            qualifier="exact",
            period_end="2023-02-10",
            quote="5 deaths",
        )
    )
    import_and_check(vocab_engine, [write_doc(tmp_path / "many.yaml", source_doc(claims=claims))])


def cards(at) -> list[str]:  # noqa: ANN001
    """The messages of the findings listed."""
    return [m.value for m in at.markdown if "does not contain" in m.value or "went down" in m.value]


def test_one_check_is_listed_page_by_page_with_the_page_in_the_link(
    open_app, vocab_engine, database_url, tmp_path
):
    many_errors(vocab_engine, tmp_path, 30)
    errors = [f for f in full_run(database_url) if f.rule == "figure-not-in-quote"]
    assert len(errors) == 30

    # All checks: the first ten errors, and a way to list that check alone.
    at = open_app(database_url, PAGE)
    assert not at.exception
    assert subheaders(at)[0] == f"{RULES['figure-not-in-quote'].title} (30)"
    shown = cards(at)
    assert shown[:10] == [escape_markdown(f.message) for f in errors[:10]]
    assert "went down" in shown[10]  # then the next check's
    at.button(key="checks.only.figure-not-in-quote").click().run()
    assert at.multiselect(key="checks.rules").value == ["figure-not-in-quote"]
    assert at.number_input(key="checks.page").value == 1
    assert at.query_params == {"rule": "figure-not-in-quote"}

    # 25 a page; page 2 has the last five, in the order of `tracker check`.
    assert cards(at) == [escape_markdown(f.message) for f in errors[:25]]
    at.number_input(key="checks.page").set_value(2).run()
    assert not at.exception
    assert cards(at) == [escape_markdown(f.message) for f in errors[25:]]
    assert at.query_params == {"rule": "figure-not-in-quote", "page": "2"}
    assert "Findings 26 to 30 of 30." in [c.value for c in at.caption]

    # A link to a page past the end shows the last one, saying so.
    at = open_app(database_url, PAGE, rule="figure-not-in-quote", page="9")
    assert not at.exception
    assert "There are 2 page(s) of findings; showing the last one." in infos_text(at)
    assert at.number_input(key="checks.page").value == 2


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
        if t["name"] not in (CHECK_KEY, NOTE_KEY)  # the rings, and the notes' marks
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
    import_and_check(vocab_engine, paths)
    at = open_app(database_url, PAGE, rule="claimant-disagreement")
    assert not at.exception
    [finding] = [f for f in full_run(database_url) if f.rule == "claimant-disagreement"]
    assert (len(finding.claims), len(finding.sources)) == (10, 10)
    shown = links(at)
    assert len([q for _, p, q in shown if p == "" and q.startswith("claim=")]) == 6
    assert len([q for _, p, q in shown if p == "source"]) == 4
    assert len([p for _, p, _ in shown if p.startswith("https://")]) == 4
    assert any("And 4 more claim(s) and 6 more source(s)" in c.value for c in at.caption)


def test_a_curators_correction_shows_on_the_checks_page_at_once(open_as, curation_db):
    from tests.test_dashboard_corrections import LONGER, correct, enter_claim

    url, source_id = curation_db
    enter_claim(url, source_id)  # 7,199 killed as of 13 Feb 2023
    # 11,756 entered as killed as of 10 Feb: the running total seems to go down by 13 Feb.
    wrong = enter_claim(url, source_id, value=11756, period_end="2023-02-10", quote=LONGER)
    engine = make_engine(url)
    refresh_findings(engine)
    engine.dispose()
    at = open_as(url, "cora", PAGE)
    assert [m.value for m in at.metric] == ["0", "1", "0"]
    assert subheaders(at) == [f"{RULES['cumulative-decrease'].title} (1)"]

    at = open_as(url, "cora", "views/edit_claim.py", claim=str(wrong))
    correct(at, LONGER, reason="11,756 is the wounded", metric="civilian_injured")
    assert not at.exception and not at.error
    at.query_params.clear()  # the correction's ?claim=
    at.switch_page(PAGE).run()
    assert [m.value for m in at.metric] == ["0", "0", "0"]
    assert not at.warning  # checked on the data as it is now
