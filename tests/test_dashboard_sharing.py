"""Sharing from the app, driven with AppTest against real databases: a claim's permalink
opens its page (figure, status and why, quote, article and archived copy, relays, checks,
history), citations in four forms are exactly what the library writes, every Figures view
has a link and an embed form, the embed draws only the chart, its caption and a link
back, and the chart images and exports are offered for the filter on screen."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tests.curation_support import cheap_hashes  # noqa: F401 (a fixture)
from tests.dashboard_support import APP, warnings_text
from tests.helpers import claim, source_doc, write_doc
from tracker.checks.rules import RULES, findings_by_claim
from tracker.core.markup import escape_markdown as md
from tracker.domain.models import Claim
from tracker.domain.vocab import Role
from tracker.files.importer import import_paths
from tracker.files.interchange import export_meta
from tracker.read.filters import ClaimFilter
from tracker.read.queries import citation_sources, claim_detail, latest_per_claimant
from tracker.sharing.bibliography import bibtex, csl_json_text
from tracker.sharing.chart_images import chart_credits, source_line
from tracker.sharing.citations import CitedFigure, citation_line, format_day, markdown_citation
from tracker.store.accounts import create_user
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.write import SYSTEM, Actor, set_claim_status, update_claim

ADDRESS = "http://localhost:8501/"
EDITOR, EDITOR_PASSWORD = "eddie", "a long test passphrase"
ARCHIVE = "https://web.archive.org/web/2023/https://example.org/news/monitor-count"
MONITOR = {"claimant": "Example Monitor", "metric": "civilian_killed", "place": "UA"}

#: Fictional sources: the Example Monitor's February count (with an archived copy), a relay
#: of the same statement by another outlet, the monitor's March update, and a figure that
#: an editor later corrects and retracts.
SHARING_DOCS = {
    "count.yaml": source_doc(
        claims=[
            claim(
                id="monitor-feb",
                **MONITOR,
                value=7199,
                qualifier="at_least",
                period_start="2022-02-24",
                period_end="2023-02-12",
                quote="it had recorded at least 7,199 civilian deaths",
            ),
            claim(
                id="monitor-wrong",
                **MONITOR,
                value=9100,
                qualifier="exact",
                period_start="2022-02-24",
                period_end="2023-02-10",
                quote="9,100 civilians were killed",
            ),
        ],
        url="https://example.org/news/monitor-count",
        title="Example Monitor counts civilian deaths",
        publisher="Example Wire",
        published="2023-02-14",
        archive_url=ARCHIVE,
    ),
    "relay.yaml": source_doc(
        claims=[
            claim(
                id="relay-feb",
                **MONITOR,
                value=7199,
                qualifier="at_least",
                period_start="2022-02-24",
                period_end="2023-02-12",
                quote="at least 7,199 civilian deaths, the monitor said",
            )
        ],
        url="https://example.org/digest/monitor",
        title="Digest: the monitor's count",
        publisher="Example Digest",
        published="2023-02-15",
    ),
    "march.yaml": source_doc(
        claims=[
            claim(
                id="monitor-mar",
                **MONITOR,
                value=8006,
                qualifier="exact",
                period_start="2022-02-24",
                period_end="2023-03-01",
                quote="8,006 civilians killed",
            )
        ],
        url="https://example.org/news/monitor-march",
        title="Monitor's March count",
        publisher="Example Wire",
        published="2023-03-02",
    ),
}


def claim_ids(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return dict(session.exec(select(Claim.key, Claim.id)).all())
    finally:
        engine.dispose()


@pytest.fixture
def sharing_url(vocab_engine, database_url, tmp_path: Path, cheap_hashes) -> str:  # noqa: F811
    """SHARING_DOCS imported, an editor account, and `monitor-wrong` corrected (a note)
    then retracted by that editor: three revisions."""
    paths = [write_doc(tmp_path / name, doc) for name, doc in SHARING_DOCS.items()]
    import_paths(vocab_engine, SYSTEM, paths)
    editor = Actor(EDITOR, Role.editor)
    wrong = claim_ids(database_url)["monitor-wrong"]
    with write_session(vocab_engine) as session:
        create_user(session, SYSTEM, EDITOR, Role.editor, EDITOR_PASSWORD)
    with write_session(vocab_engine) as session:
        update_claim(
            session,
            editor,
            wrong,
            {"notes": "the monitor's table says 9,100"},
            expected_version=1,
            reason="noted where the figure came from",
        )
    with write_session(vocab_engine) as session:
        set_claim_status(
            session,
            editor,
            wrong,
            "retracted",
            reason="Example Wire corrected the figure to 7,199",
            expected_version=2,
        )
    return database_url


Open = Callable[..., AppTest]


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Open]:
    """`open_page(url, *, embedded=False, session=None, **query)`: the app on `url` as a
    browser at ADDRESS opens it (st.context.url; `embedded` for `?embed=true`), with
    `session` state set before the first run (a login), after one run."""
    from dashboard import data

    def _open(
        url: str,
        *,
        embedded: bool = False,
        session: dict | None = None,
        **query: str | list[str],
    ) -> AppTest:
        monkeypatch.setenv("TRACKER_DATABASE_URL", url)
        data.clear()
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.context = {"url": ADDRESS, "is_embedded": embedded}
        for key, value in (session or {}).items():
            at.session_state[key] = value
        at.query_params.update(query)
        return at.run()

    yield _open
    data.clear()


def text_of(at: AppTest) -> str:
    """Every Markdown and caption element's text, one string."""
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def codes(at: AppTest) -> list[str]:
    return [c.value for c in at.code]


FORMS = ["Sentence", "Markdown", "CSL-JSON", "BibTeX"]  # the citation box's tabs


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Click the tab `label` of the tab set `key` (only the open tab is drawn)."""
    at.session_state[key] = label
    at.run()
    assert not at.exception
    return at


def open_sharing(at: AppTest, tab: str = "Link and embed") -> AppTest:
    """Open "Share this view" under the chart, on its tab `tab` (drawn only when open)."""
    at.session_state["figures.share_open"] = True
    return open_tab(at, "figures.share", tab)


def citation_forms(at: AppTest, key: str) -> list[str]:
    """The citation box's forms, its tabs opened one after the other: each time the open
    form is the page's last code box, and the only one of the box."""
    forms = []
    before = None
    for label in FORMS:
        shown = codes(open_tab(at, key, label))
        if before is not None:
            assert len(shown) == before  # one form at a time
        before = len(shown)
        forms.append(shown[-1])
    return forms


def link_buttons(at: AppTest) -> dict[str, str]:
    return {b.proto.label: b.proto.url for b in at.get("link_button")}


def download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


# --- the claim's page ------------------------------------------------------------------------


def test_a_claim_opens_by_its_id_from_the_data_files(open_page, dashboard_url):
    police = claim_ids(dashboard_url)["police-2022-06-13-killed"]
    at = open_page(dashboard_url, claim="police-2022-06-13-killed")
    assert not at.exception
    assert at.title[0].value == f"Claim #{police}"
    assert at.subheader[0].value == md("more than 12,000 civilians killed")
    missing = open_page(dashboard_url, claim="no-such-claim-2023")
    assert not missing.exception
    assert md("There is no claim 'no-such-claim-2023'") in " ".join(
        w.value for w in missing.warning
    )
    bad = open_page(dashboard_url, claim="<script>")
    assert md("is not a claim's id") in " ".join(w.value for w in bad.warning)


def test_claim_link_opens_its_page_with_figure_status_quote_source_and_checks(
    open_page, dashboard_url
):
    police = claim_ids(dashboard_url)["police-2022-06-13-killed"]
    at = open_page(dashboard_url, claim=str(police))
    assert not at.exception
    assert at.title[0].value == f"Claim #{police}"
    assert at.subheader[0].value == md("more than 12,000 civilians killed")  # as claimed
    shown = text_of(at)
    assert md("Claimed by National Police of Ukraine (National Police)") in shown
    assert md("Civilians killed · Ukraine") in shown
    assert md("Period: 24 Feb – 13 Jun 2022") in shown
    assert ":orange-badge[disputed]" in shown
    assert md("Why disputed: Same article: 'The UN has so far recorded 4,300") in shown
    assert md("“More than 12,000 civilians have been killed so far in the Russian") in shown
    assert md("**A News**, 13 Jun 2022") not in shown  # the publisher is data, escaped:
    assert f"**{md('A News')}**, {md('13 Jun 2022')}" in shown
    assert link_buttons(at) == {
        "Read the article": "https://anews.com.tr/world/2022/06/13/"
        "ukrainian-police-more-than-12000-civilians-killed-in-war-so-far/amp"
    }
    # Its own permalink, to copy: by its id from the data files, which a store rebuilt
    # from them keeps (the row number above is an old link, still opening it).
    assert codes(at)[0] == f"{ADDRESS}?claim=police-2022-06-13-killed"

    # What the checks found about this claim, each with a link to its check.
    engine = make_engine(dashboard_url)
    try:
        findings = findings_by_claim(engine)[police]
    finally:
        engine.dispose()
    assert findings
    assert f"Checks ({len(findings)})" in [s.value for s in at.subheader]
    for finding in findings:
        assert md(finding.message) in shown
        assert md(RULES[finding.rule].title) in shown
    check_links = [p.proto.query_string for p in at.get("page_link") if p.proto.page == "checks"]
    assert check_links == [f"rule={f.rule}" for f in findings]

    # The history: imported once, and nothing changed since.
    assert "History (1)" in [s.value for s in at.subheader]
    assert "**added** · version 1" in shown


def test_claim_page_lists_the_other_sources_of_the_same_statement_and_the_archived_copy(
    open_page, sharing_url
):
    ids = claim_ids(sharing_url)
    at = open_page(sharing_url, claim=str(ids["monitor-feb"]))
    assert not at.exception
    assert at.subheader[0].value == md("at least 7,199 civilians killed")
    assert link_buttons(at) == {
        "Read the article": "https://example.org/news/monitor-count",
        "Archived copy": ARCHIVE,
    }
    assert "The same statement in other sources (1)" in [s.value for s in at.subheader]
    relays = at.dataframe[0].value
    assert list(relays["Source"]) == ["Example Digest"]
    assert list(relays["Link"]) == ["https://example.org/digest/monitor"]


def test_a_figure_replaced_by_a_newer_one_says_so_and_leads_to_it(open_page, sharing_url):
    ids = claim_ids(sharing_url)
    at = open_page(sharing_url, claim=str(ids["monitor-feb"]))
    assert md(
        "Not the latest figure: Example Monitor's latest is 8,006 civilians killed, "
        "24 Feb 2022 – 1 Mar 2023 (Example Wire, 2 Mar 2023)."
    ) in [i.value for i in at.info]
    at.button(key="claim.latest").click().run()
    assert not at.exception
    assert at.query_params["claim"] == "monitor-mar"  # its stable id
    assert at.title[0].value == f"Claim #{ids['monitor-mar']}"
    assert not at.info  # the latest figure is not replaced by anything


def test_retracted_claim_still_opens_with_its_reason_and_every_change(open_page, sharing_url):
    wrong = claim_ids(sharing_url)["monitor-wrong"]
    at = open_page(sharing_url, claim=str(wrong))
    assert not at.exception
    assert at.subheader[0].value == md("9,100 civilians killed")
    [warning] = at.warning
    assert warning.value.startswith(
        md("This claim was retracted: Example Wire corrected the figure to 7,199. It is kept")
    )
    shown = text_of(at)
    assert ":red-badge[retracted]" in shown
    # Every change, newest first, with why and what changed; readers are not told who.
    assert "History (3)" in [s.value for s in at.subheader]
    actions = [m.value for m in at.markdown if " UTC" in m.value]
    assert [a.split(" · ")[1] for a in actions] == ["**reviewed**", "**corrected**", "**added**"]
    assert md("Why: Example Wire corrected the figure to 7,199") in shown
    assert md("Why: noted where the figure came from") in shown
    assert EDITOR not in shown
    status_change, note_change, added = (
        d.value for d in at.dataframe if "Field" in d.value.columns
    )
    assert status_change.to_dict("list") == {
        "Field": ["Status", "Why this status"],
        "Before": ["unverified", "—"],
        "After": ["retracted", "Example Wire corrected the figure to 7,199"],
    }
    assert list(note_change["After"]) == ["the monitor's table says 9,100"]
    assert "Value" in added.columns and "9100" in list(added["Value"])
    # "Show it on the chart" opens the chart with the retracted points shown.
    at.button(key="claim.chart").click().run()
    assert not at.exception
    assert at.title[0].value == "Figures"
    assert at.toggle(key="figures.retracted").value is True
    assert at.selectbox(key="figures.metric").value == "civilian_killed"
    assert dict(at.query_params) == {"retracted": "1"}  # the default metric and place


def test_curators_see_who_made_each_change(open_page, sharing_url):
    wrong = claim_ids(sharing_url)["monitor-wrong"]
    at = open_page(sharing_url, session={"user": EDITOR, "role": "editor"}, claim=str(wrong))
    assert not at.exception
    actions = [m.value for m in at.markdown if " UTC" in m.value]
    assert [md(EDITOR) in a for a in actions] == [True, True, False]  # import: by system


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "12.5", "9" * 30, "99999999"])
def test_a_bad_or_unknown_claim_link_is_a_notice_over_the_chart(
    open_page, dashboard_sqlite_url, raw
):
    at = open_page(dashboard_sqlite_url, claim=raw)
    assert not at.exception
    assert at.title[0].value == "Figures"
    notice = warnings_text(at)
    if raw == "-3":
        assert md("is not a claim's id") in notice
    else:  # could be an id from the data files or a row number: there is no such claim
        assert md(f"There is no claim '{raw}'") in notice
    assert at.get("plotly_chart")


def test_back_to_the_chart_keeps_the_filters_of_the_link(open_page, dashboard_sqlite_url):
    police = claim_ids(dashboard_sqlite_url)["police-2022-06-13-killed"]
    at = open_page(dashboard_sqlite_url, claim=str(police), metric="children_killed")
    at.button(key="claim.back").click().run()
    assert not at.exception
    assert at.title[0].value == "Figures"
    assert dict(at.query_params) == {"metric": "children_killed"}


# --- citations -------------------------------------------------------------------------------


def expected_citations(url: str, claim_id: int) -> list[str]:
    """What the library writes for a claim: the sentence, Markdown, CSL-JSON, BibTeX (a
    code box shows a text without its final line break, and copies what it shows)."""
    engine = make_engine(url)
    try:
        row = claim_detail(engine, claim_id)
        source = citation_sources(engine, [row["source_id"]])[row["source_id"]]
    finally:
        engine.dispose()
    cited = CitedFigure.from_row(row)
    forms = [
        citation_line(cited),
        markdown_citation(cited),
        csl_json_text([source]),
        bibtex(source),
    ]
    return [form.removesuffix("\n") for form in forms]


def test_claim_page_citations_are_exactly_the_library_forms(open_page, dashboard_url):
    claim_id = claim_ids(dashboard_url)["ohchr-2023-02-12-killed"]
    at = open_page(dashboard_url, claim=str(claim_id))
    assert not at.exception
    expected = expected_citations(dashboard_url, claim_id)
    assert [t.label for t in at.tabs][:4] == FORMS
    assert codes(at)[1:] == expected[:1]  # the sentence: the open tab, and only it
    assert citation_forms(at, "claim.cite_form") == expected
    assert expected[0] == (
        "OHCHR: 7,199 civilians killed in Ukraine, 24 Feb 2022 – 12 Feb 2023 (OHCHR, "
        "13 Feb 2023, https://www.ohchr.org/en/news/2023/02/"
        "ukraine-civilian-casualty-update-13-february-2023)"
    )
    [item] = json.loads(expected[2])
    assert item["container-title"] == "OHCHR" and item["URL"].startswith("https://www.ohchr")


def test_latest_figure_per_claimant_is_one_table_and_each_cites_in_the_four_forms(
    open_page, dashboard_url
):
    """Every claimant's latest figure is a row (figure, period, status, a link to the
    claim's page); choosing one shows its four citation forms, exactly the library's."""
    at = open_page(dashboard_url)
    assert not at.exception
    engine = make_engine(dashboard_url)
    try:
        f = ClaimFilter(metric="civilian_killed", place="UA", cumulative=True)
        latest = latest_per_claimant(engine, f)
    finally:
        engine.dispose()
    ids = [int(i) for i in latest["claim_id"]]
    keys = list(latest["claim_key"])  # stable ids from the data files
    [table] = at.dataframe
    assert list(table.value["Claim"]) == [f"{ADDRESS}?claim={k}" for k in keys]
    assert list(table.value["Status"]) == list(latest["status"])
    # "Why" (a dispute's reason) only when one of them is disputed.
    assert ("Why" in table.value.columns) == bool((latest["status"] == "disputed").any())
    choice = at.selectbox(key="figures.cite")
    assert choice.value == ids[0] and len(choice.options) == len(ids)
    assert citation_forms(at, "figures.cite_form") == expected_citations(dashboard_url, ids[0])
    for claim_id in ids[1:]:
        at.selectbox(key="figures.cite").set_value(claim_id).run()
        assert not at.exception
        assert citation_forms(at, "figures.cite_form") == expected_citations(
            dashboard_url, claim_id
        )
        assert at.button(key="figures.latest_open").proto.label == "This claim's page"


# --- link, embed, images and exports of a view ------------------------------------------------


def test_sharing_is_drawn_only_when_asked_for(open_page, dashboard_sqlite_url):
    """Under the chart, "Share this view" starts closed and draws nothing inside (its code
    boxes and buttons would delay the chart's drawing); opened, it draws its open tab."""
    at = open_page(dashboard_sqlite_url)
    assert not at.exception
    [share] = [e for e in at.expander if e.label.startswith("Share this view")]
    assert not share.children
    assert not [c for c in codes(at) if "embed=true" in c] and not download_labels(at)
    at = open_sharing(at)
    [share] = [e for e in at.expander if e.label.startswith("Share this view")]
    assert [t.label for t in share.tabs] == ["Link and embed", "Chart image", "Data"]
    assert any("embed=true" in c for c in codes(at)) and not download_labels(at)


def test_every_view_shows_its_link_and_embed_form(open_page, dashboard_sqlite_url):
    at = open_page(dashboard_sqlite_url, metric="children_killed", claimant="pgo")
    assert not at.exception
    [chart] = at.get("plotly_chart")
    assert "Click the point for its source card" in chart.proto.spec  # (not in the embed)
    link = f"{ADDRESS}?metric=children_killed&claimant=pgo"
    embed = f"{link}&embed=true"
    shown = codes(open_sharing(at))
    assert shown[:3] == [
        link,
        '<iframe src="http://localhost:8501/?metric=children_killed&amp;claimant=pgo&amp;'
        'embed=true" title="Children killed in Ukraine, cumulative totals" width="100%" '
        'height="860" style="border:0" loading="lazy"></iframe>',
        embed,
    ]
    # A change of filter is a new link at once.
    at.radio(key="figures.kind").set_value("all").run()
    assert codes(at)[0] == f"{ADDRESS}?metric=children_killed&claimant=pgo&kind=all"


def test_embed_draws_the_chart_its_caption_and_a_link_back_and_nothing_else(
    open_page, dashboard_url
):
    at = open_page(dashboard_url, embedded=True, metric="children_killed", kind="all")
    assert not at.exception
    assert len(at.sidebar.children) == 0  # no filters, no account panel (and no menu)
    assert not at.title and not at.subheader and not at.code
    assert not at.get("download_button") and not at.get("page_link") and not at.button
    [chart] = at.get("plotly_chart")
    assert "Source:" in chart.proto.spec  # the hovers name the sources, as on the page,
    assert "Click the point" not in chart.proto.spec  # but a click opens nothing here
    engine = make_engine(dashboard_url)
    try:
        f = ClaimFilter(
            metric="children_killed", place="UA", include_retracted=False, period_length="month"
        )
        as_of = export_meta(engine, f).latest_as_of
        credits = chart_credits(engine, f)
    finally:
        engine.dispose()
    captions = [c.value for c in at.caption]
    assert captions[0] == md(
        f"Children killed in Ukraine, cumulative totals and figures per month, "
        f"as of {format_day(as_of)}."
    )
    assert captions[-1] == md(source_line(credits) + ".")
    assert captions[-1].startswith(md("Source: ")) and md("compiled with") in captions[-1]
    assert link_buttons(at) == {
        "Full view: every source, quote and citation": (
            f"{ADDRESS}?metric=children_killed&kind=all"
        )
    }


def test_chart_images_and_exports_are_offered_for_the_view(
    open_page, dashboard_sqlite_url, monkeypatch
):
    from tracker.core.errors import TrackerError
    from tracker.sharing.chart_images import find_browser

    try:
        find_browser()
    except TrackerError:
        pytest.skip("no Chromium: the hint is tested below")
    at = open_page(dashboard_sqlite_url)
    assert download_labels(at) == []  # drawn when "Share this view" and their tab are opened
    assert download_labels(open_sharing(at, "Link and embed")) == []
    assert download_labels(open_sharing(at, "Chart image")) == [
        "PNG image",
        "SVG image",
    ]
    assert "2000 × 1200 px PNG or SVG" in text_of(at)
    assert download_labels(open_sharing(at, "Data")) == [
        "CSV",
        "CSV for Excel",
        "HXL",
        "Data Package (zip)",
        "JSON-LD",
        "JSON",
        "YAML (zip)",
    ]


def test_without_chromium_the_image_tab_says_what_to_install(
    open_page, dashboard_sqlite_url, monkeypatch
):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = open_sharing(open_page(dashboard_sqlite_url), "Chart image")
    assert any("Chart images are not available here" in i.value for i in at.info)
    assert "apt-get install chromium" in codes(at)
    assert download_labels(at) == []
    at = open_sharing(at, "Data")
    assert download_labels(at)[0] == "CSV"  # the exports do not need a browser


def test_links_encode_the_filters_and_the_snippet_escapes_names_from_the_data():
    from dashboard.sharing import iframe_snippet, view_url

    url = view_url(
        {"claimant": ["a&b", "c d"], "from": ["2023-01-01"]},
        embed=True,
        address="https://tracker.example.org/",
    )
    assert url == (
        "https://tracker.example.org/?claimant=a%26b&claimant=c+d&from=2023-01-01&embed=true"
    )
    snippet = iframe_snippet(url, 'Deaths in "Town" <script>')
    assert snippet.startswith(
        '<iframe src="https://tracker.example.org/?claimant=a%26b&amp;claimant=c+d&amp;'
        'from=2023-01-01&amp;embed=true" title="Deaths in &quot;Town&quot; &lt;script&gt;"'
    )
    assert "<script>" not in snippet


def test_an_aggregated_view_embeds_and_says_so_without_a_qualifier_legend(
    open_page, dashboard_sqlite_url, monkeypatch
):
    """A crowded view is drawn as the highest figure per claimant per period (no qualifier
    marks): its embed and images say so in the title and explain no marks they lack."""
    from tracker.read import queries

    monkeypatch.setattr(queries, "MAX_CHART_POINTS", 10)
    at = open_page(dashboard_sqlite_url, embedded=True)
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert md("(highest figure per claimant per ") in captions[0]
    assert len(captions) == 2 and captions[1].startswith(md("Source: "))
    at = open_page(dashboard_sqlite_url)
    assert not at.exception
    [share] = [e for e in at.expander if e.label.startswith("Share this view")]  # full page
    assert "(highest figure per claimant per " in codes(open_sharing(at))[1]  # the embed
