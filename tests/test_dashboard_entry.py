"""The entry forms: adding a source and adding claims to it, driven with AppTest."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.curation_support import (
    ARTICLE,
    MONITOR_ALIAS_OPTION,
    MONITOR_OPTION,
    counts,
    errors,
    errors_after,
    plain,
    successes,
    warnings,
)
from tracker.domain.models import Claim, Claimant, Place, Revision, Source
from tracker.store.db import make_engine, read_session

pytestmark = pytest.mark.usefixtures("cheap_hashes")
ADD_SOURCE = "views/add_source.py"
ADD_CLAIMS = "views/add_claims.py"


def stored(url: str, model: type, *where) -> list:  # noqa: ANN002
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return list(session.exec(select(model).where(*where)).all())
    finally:
        engine.dispose()


# --- Add source -----------------------------------------------------------------------------


def fill_source(at, **fields):  # noqa: ANN001, ANN003, ANN201
    values = {
        "url": "HTTPS://Example.org/news/second-update/?utm_source=feed&id=7",
        "title": "Monitor raises its count again",
        "publisher": "Example Wire",
    } | fields
    for name, value in values.items():
        at.text_input(key=f"add_source.{name}").input(value)
    at.date_input(key="add_source.published").set_value(fields.get("published", date(2023, 2, 20)))
    return at.run()


def test_a_curator_adds_a_source_stored_under_its_normalised_url(open_as, curation_db):
    url, _ = curation_db
    at = fill_source(open_as(url, "cora", ADD_SOURCE))
    assert not at.exception
    assert "Will be stored as https://example.org/news/second-update?id=7" in [
        plain(c.value) for c in at.caption
    ]
    at.button(key="add_source.save").click().run()
    assert not at.exception
    [source] = stored(url, Source, Source.url == "https://example.org/news/second-update?id=7")
    assert successes(at) == [f"Saved as source #{source.id}: Example Wire, 20 Feb 2023."]
    assert (source.created_by, source.publisher) == ("cora", "Example Wire")
    [revision] = stored(url, Revision, Revision.entity == "source", Revision.entity_id == source.id)
    assert (revision.action, revision.changed_by) == ("create", "cora")
    [link] = [p for p in at.get("page_link") if p.proto.page == "add-claims"]
    assert link.proto.query_string == f"source={source.id}"
    assert at.text_input(key="add_source.url").value == ""  # ready for the next one
    assert at.session_state["entry.source_id"] == source.id  # the claim form opens on it


def test_an_already_stored_url_is_caught_before_saving_with_a_link_to_it(open_as, curation_db):
    url, source_id = curation_db
    at = open_as(url, "cora", ADD_SOURCE)
    # The same article, as a share button writes its address.
    at.text_input(key="add_source.url").input(
        "HTTPS://Example.ORG/news/monitor-update/?utm_campaign=x"
    ).run()
    assert not at.exception
    [warning] = warnings(at)
    assert warning == (
        f"This article is already stored as source #{source_id}: Example Wire, 14 Feb 2023, "
        "“Monitor updates its count”."
    )
    links = {p.proto.page: p.proto.query_string for p in at.get("page_link")}
    assert links["source"] == f"source={source_id}"
    assert at.button(key="add_source.save").disabled
    assert counts(url)["sources"] == 1


def test_the_store_refuses_a_stored_url_even_if_the_form_is_bypassed(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "cora", ADD_SOURCE)
    fill_source(at, url="https://example.org/news/other")
    from tracker.domain.schemas import SourceIn
    from tracker.store.db import write_session
    from tracker.store.write import SYSTEM, add_source

    engine = make_engine(url)
    with write_session(engine) as session:  # someone else saves it meanwhile
        add_source(
            session,
            SYSTEM,
            SourceIn.model_validate(ARTICLE | {"url": "https://example.org/news/other"}),
        )
    engine.dispose()
    # The page checks again on this run and the store refuses the save anyway.
    at.button(key="add_source.save").click().run()
    assert counts(url)["sources"] == 2
    assert any("already stored as source" in w for w in warnings(at))


def test_add_source_names_each_missing_field_next_to_it(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = open_as(url, "cora", ADD_SOURCE)
    at.button(key="add_source.save").click().run()
    assert not at.exception
    assert errors_after(at, "add_source.url") == ["Article URL: is required"]
    assert errors_after(at, "add_source.title") == ["Headline: is required"]
    assert errors_after(at, "add_source.publisher") == ["Publisher: is required"]
    assert errors_after(at, "add_source.published") == ["Published on: is required"]
    assert counts(url)["sources"] == 1


def test_a_url_that_is_not_http_is_refused_as_it_is_typed(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = open_as(url, "cora", ADD_SOURCE)
    at.text_input(key="add_source.url").input("javascript:alert(1)").run()
    assert errors(at) == ["Article URL: must start with http:// or https:// (got javascript:)"]


# --- Add claims -----------------------------------------------------------------------------


def fill_claim(at, **fields):  # noqa: ANN001, ANN003, ANN201
    """The Example Monitor's 7,199 civilian deaths of ARTICLE, with `fields` changed."""
    values = {
        "metric": "civilian_killed",
        "value": "7,199",
        "claimant": MONITOR_ALIAS_OPTION,
        "place": "Ukraine (UA)",
        "period_start": date(2022, 2, 24),
        "period_end": date(2023, 2, 13),
        "quote": "it had recorded 7,199 civilian deaths",
    } | fields
    for name, value in values.items():
        widget_key = f"entry.{name}"
        if name in ("metric", "claimant", "place", "qualifier", "cumulative", "status"):
            at.selectbox(key=widget_key).set_value(value)
        elif name.startswith("period"):
            at.date_input(key=widget_key).set_value(value)
        elif name in ("quote", "notes", "quote_translation"):
            at.text_area(key=widget_key).input(value)
        else:
            at.text_input(key=widget_key).input(value)
    return at.run()


def test_a_curator_adds_claims_and_the_form_keeps_source_claimant_and_period(open_as, curation_db):
    url, source_id = curation_db
    at = fill_claim(open_as(url, "cora", ADD_CLAIMS, source=str(source_id)))
    assert not at.exception
    preview = "Example Monitor claims 7,199 civilians killed in Ukraine between 24 Feb 2022 and 13 Feb 2023, quoted in Example Wire, 14 Feb 2023"
    assert [plain(i.value) for i in at.info] == [preview]
    assert not warnings(at)  # the figure is in the quote, the quote in the text
    at.button(key="entry.save").click().run()
    assert not at.exception
    [claim] = stored(url, Claim)
    assert successes(at) == [f"Saved claim #{claim.id}: {preview}."]
    assert (claim.value, claim.created_by, claim.source_id) == (7199, "cora", source_id)
    # Ready for the next figure of the same article: its own fields empty, the rest kept.
    assert at.text_input(key="entry.value").value == ""
    assert at.text_area(key="entry.quote").value == ""
    assert at.selectbox(key="entry.metric").value is None
    assert at.selectbox(key="entry.claimant").value == MONITOR_ALIAS_OPTION
    assert at.date_input(key="entry.period_start").value == date(2022, 2, 24)
    assert at.date_input(key="entry.period_end").value == date(2023, 2, 13)
    fill_claim(
        at,
        metric="civilian_injured",
        value="11756",
        quote="7,199 civilian deaths and 11,756 wounded",
        claimant=at.selectbox(key="entry.claimant").value,
    )
    at.button(key="entry.save").click().run()
    assert [c.value for c in stored(url, Claim)] == [7199, 11756]
    assert len(at.dataframe[0].value) == 2  # the source's claims, under the form
    revisions = stored(url, Revision, Revision.entity == "claim")
    assert [(r.action, r.changed_by) for r in revisions] == [("create", "cora")] * 2


def test_a_claim_field_left_empty_is_named_next_to_it(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "cora", ADD_CLAIMS, source=str(source_id))
    at.button(key="entry.save").click().run()
    assert not at.exception
    assert errors_after(at, "entry.metric") == ["What is counted: is required"]
    assert errors_after(at, "entry.claimant") == ["Claimant: is required"]
    assert errors_after(at, "entry.place") == ["Place: is required"]
    assert errors_after(at, "entry.period_end") == ["As of: is required"]
    assert errors_after(at, "entry.quote") == ["Quote: is required"]
    assert counts(url)["claims"] == 0


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({"value": "seven"}, "entry.value", "Figure: must be a whole number, got 'seven'"),
        ({"value": "-5"}, "entry.value", "Figure: cannot be negative"),
        (
            {"value": "", "low": "50", "high": "40"},
            "entry.low",
            "Range from: the range's low (50) is above its high (40)",
        ),
        (
            {"value": "", "low": "40"},
            "entry.value",
            "Figure: give the figure, or both low and high for a range",
        ),
        (
            {"period_start": date(2023, 3, 1)},
            "entry.period_start",
            "Period from: the period starts (2023-03-01) after it ends (2023-02-13)",
        ),
        (
            {"period_end": date(2023, 2, 20)},
            "entry.period_end",
            "As of: the figure's period ends 2023-02-20, after the source was published (2023-02-14)",
        ),
    ],
)
def test_an_invalid_claim_is_refused_with_the_field_named_next_to_it(
    open_as, curation_sqlite, fields, key, message
):
    url, source_id = curation_sqlite
    at = fill_claim(open_as(url, "cora", ADD_CLAIMS, source=str(source_id)), **fields)
    at.button(key="entry.save").click().run()
    assert not at.exception
    assert errors_after(at, key) == [message]
    assert counts(url)["claims"] == 0


def test_a_figure_missing_from_the_quote_needs_a_confirmation_with_a_reason(open_as, curation_db):
    url, source_id = curation_db
    at = fill_claim(open_as(url, "cora", ADD_CLAIMS, source=str(source_id)), value="7,200")
    assert warnings(at) == [
        "the figure 7,200 does not appear in the quote (as digits or in words); correct the "
        "figure or the quote, or confirm it with a reason (check_override)"
    ]
    at.button(key="entry.save").click().run()
    assert errors_after(at, "entry.quote")[0].startswith("Quote: the figure 7,200 does not appear")
    assert counts(url)["claims"] == 0
    at.checkbox(key="entry.confirm").check()
    at.button(key="entry.save").click().run()
    assert errors_after(at, "entry.override_reason") == [
        "Reason to save anyway: say why the claim is right as entered"
    ]
    assert counts(url)["claims"] == 0
    at.text_input(key="entry.override_reason").input("the wire rounded the figure")
    at.button(key="entry.save").click().run()
    assert not errors(at)
    [claim] = stored(url, Claim)
    assert (claim.value, claim.check_override) == (7200, "the wire rounded the figure")
    [revision] = stored(url, Revision, Revision.entity == "claim")
    assert revision.after["check_override"] == "the wire rounded the figure"


def test_a_quote_not_in_the_stored_text_is_a_warning(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = fill_claim(
        open_as(url, "cora", ADD_CLAIMS, source=str(source_id)),
        quote="the monitor counted 7,199 dead civilians",
    )
    [warning] = warnings(at)
    assert warning.startswith("the quote is not in the source's stored text")


def test_a_new_claimant_is_added_from_the_form_and_chosen(open_as, curation_db):
    url, source_id = curation_db
    at = open_as(url, "cora", ADD_CLAIMS, source=str(source_id))
    at.text_input(key="entry.new_claimant.name").input("Example Regional Council")
    at.text_area(key="entry.new_claimant.aliases").input("the regional council\nERC")
    at.selectbox(key="entry.new_claimant.kind").set_value("local_authority")
    at.button(key="entry.new_claimant.save").click().run()
    assert not at.exception
    assert successes(at) == [
        "Added the claimant Example Regional Council (example_regional_council) and chose it "
        "for this claim."
    ]
    assert at.selectbox(key="entry.claimant").value == "Example Regional Council"
    assert "ERC → Example Regional Council" in at.selectbox(key="entry.claimant").options
    [claimant] = stored(url, Claimant, Claimant.key == "example_regional_council")
    assert (claimant.kind, claimant.aliases) == ("local_authority", ["the regional council", "ERC"])
    [revision] = stored(
        url, Revision, Revision.entity == "claimant", Revision.entity_id == claimant.id
    )
    assert (revision.action, revision.changed_by) == ("create", "cora")


def test_a_claimant_that_is_already_known_is_refused(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "cora", ADD_CLAIMS, source=str(source_id))
    at.text_input(key="entry.new_claimant.name").input("the example monitoring group")
    at.button(key="entry.new_claimant.save").click().run()
    assert errors_after(at, "entry.new_claimant.name") == [
        "Name: 'the example monitoring group' already names Example Monitor "
        "(example_monitor); choose it from the list"
    ]


def test_a_new_place_is_added_with_its_parent_and_chosen(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "cora", ADD_CLAIMS, source=str(source_id))
    at.text_input(key="entry.new_place.name").input("Exampleville")
    at.selectbox(key="entry.new_place.parent").set_value("Donetsk region → Donetsk Oblast (UA-14)")
    at.button(key="entry.new_place.save").click().run()
    assert not at.exception
    assert at.selectbox(key="entry.place").value == "Exampleville (exampleville)"
    [place] = stored(url, Place, Place.key == "exampleville")
    [parent] = stored(url, Place, Place.key == "UA-14")
    assert (place.level, place.parent_id) == ("settlement", parent.id)


def test_options_include_aliases_so_a_source_s_wording_finds_the_claimant(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "cora", ADD_CLAIMS, source=str(source_id))
    options = at.selectbox(key="entry.claimant").options
    assert MONITOR_OPTION in options and MONITOR_ALIAS_OPTION in options
    assert "U.N. human rights office → OHCHR" in options
    assert "Donetsk region → Donetsk Oblast (UA-14)" in at.selectbox(key="entry.place").options


def test_the_source_is_chosen_by_searching_the_stored_sources(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "cora", ADD_CLAIMS)
    assert at.session_state["entry.source_id"] is None
    at.text_input(key="entry.source_search").input("Example Wire").run()
    pick = at.selectbox(key="entry.source_pick")
    [option] = pick.options
    assert option == f"Example Wire, 14 Feb 2023: Monitor updates its count (#{source_id})"
    pick.set_value(source_id).run()
    assert at.session_state["entry.source_id"] == source_id
    assert at.query_params == {"source": str(source_id)}
    assert at.text_area(key="entry.quote")


def test_only_editors_enter_a_claim_already_reviewed(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    curator = open_as(url, "cora", ADD_CLAIMS, source=str(source_id))
    assert not [s for s in curator.selectbox if s.key == "entry.status"]
    editor = open_as(url, "eddie", ADD_CLAIMS, source=str(source_id))
    fill_claim(editor, status="corroborated")
    editor.button(key="entry.save").click().run()
    assert not errors(editor)
    [claim] = stored(url, Claim)
    assert (claim.status, claim.reviewed_by) == ("corroborated", None)


def test_the_reason_to_save_anyway_is_shown_wherever_an_editor_meets_the_claim(
    open_as, curation_sqlite
):
    url, source_id = curation_sqlite
    at = fill_claim(open_as(url, "cora", ADD_CLAIMS, source=str(source_id)), value="7,200")
    at.checkbox(key="entry.confirm").check()
    at.text_input(key="entry.override_reason").input("the wire rounded the figure")
    at.button(key="entry.save").click().run()
    [claim] = stored(url, Claim)
    shown = "Saved although a quote check failed, because: the wire rounded the figure"

    claim_page = open_as(url, "eddie", "views/figures.py", claim=claim.key)
    assert shown in [plain(c.value) for c in claim_page.caption]
    correction = open_as(url, "eddie", "views/edit_claim.py", claim=str(claim.id))
    assert shown in [plain(c.value) for c in correction.caption]
    source_page = open_as(url, "eddie", "views/source.py", source=str(source_id))
    [table] = source_page.dataframe
    assert list(table.value["Saved anyway because"]) == ["the wire rounded the figure"]
