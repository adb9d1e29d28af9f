"""The extraction assistant in the claim form: candidates in an editable table, unticked
or corrected by the curator, saved together or not at all."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.curation_support import errors, successes, warnings
from tracker.domain.models import Claim
from tracker.store.db import make_engine, read_session

pytestmark = pytest.mark.usefixtures("cheap_hashes")
ADD_CLAIMS = "views/add_claims.py"


def claims(url: str) -> list[Claim]:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return list(session.exec(select(Claim).order_by(Claim.id)).all())
    finally:
        engine.dispose()


def table_key(at) -> str:  # noqa: ANN001
    return f"assist.table.{at.session_state['assist.round']}"


def find(open_as, url: str, source_id: int):  # noqa: ANN001, ANN201
    at = open_as(url, "cora", ADD_CLAIMS, source=str(source_id))
    at.button(key="assist.find").click().run()
    assert not at.exception
    return at


def test_the_assistant_reads_the_stored_text_and_proposes_claims(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = find(open_as, url, source_id)
    assert at.text_area(key="assist.text").value.startswith("The Example Monitor said")
    [table] = at.data_editor
    rows = table.value
    assert list(rows["Figure"]) == [7199, 11756, 6]
    assert list(rows["Metric"]) == ["civilian_killed", "civilian_injured", "settlements_attacked"]
    # "officials said": no claimant the vocabulary knows; the curator chooses one.
    assert list(rows["Claimant"].fillna("")) == ["example_monitor", "example_monitor", ""]
    assert list(rows["Claimant as written"]) == ["Example Monitor", "Example Monitor", ""]
    assert list(rows["Place"]) == ["UA", "UA", "UA-14"]
    assert rows["Save"].all()


def test_ticked_rows_are_saved_together_with_the_curator_s_corrections(open_as, curation_db):
    url, source_id = curation_db
    at = find(open_as, url, source_id)
    # The curator unticks the third row and marks the first two as lower bounds.
    at.session_state[table_key(at)] = {
        "edited_rows": {
            0: {"Qualifier": "at_least"},
            1: {"Qualifier": "at_least"},
            2: {"Save": False},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert at.button(key="assist.save").label == "Save the 2 ticked claim(s)"
    at.button(key="assist.save").click().run()
    assert not at.exception
    stored = claims(url)
    assert [(c.value, c.qualifier, c.created_by) for c in stored] == [
        (7199, "at_least", "cora"),
        (11756, "at_least", "cora"),
    ]
    assert successes(at) == [f"Saved 2 claim(s) from the text: #{stored[0].id}, #{stored[1].id}."]
    assert not at.data_editor  # the table is done with


def test_one_refused_row_saves_nothing_and_is_named_by_row_and_field(open_as, curation_db):
    url, source_id = curation_db
    at = find(open_as, url, source_id)
    at.session_state[table_key(at)] = {
        # The curator clears a claimant by mistake and unticks the third row.
        "edited_rows": {1: {"Claimant": None}, 2: {"Save": False}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="assist.save").click().run()
    assert errors(at) == ["row 2, Claimant: is required"]
    assert claims(url) == []


def test_a_row_the_store_refuses_names_its_row_and_nothing_is_saved(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = find(open_as, url, source_id)
    at.session_state[table_key(at)] = {
        # A claimant for the third row, and a figure its quote does not carry.
        "edited_rows": {2: {"Claimant": "example_monitor", "Figure": 7}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="assist.save").click().run()
    [message] = errors(at)
    assert message.startswith("row 3, Quote: the figure 7 does not appear in the quote")
    assert claims(url) == []
    assert len(at.data_editor) == 1  # still there, to be fixed


def test_each_draft_has_a_date_basis_column_kept_with_the_claim(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = find(open_as, url, source_id)
    rows = at.data_editor[0].value
    assert set(rows["Date known from"]) <= {"stated", "source_published"}
    at.session_state[table_key(at)] = {
        "edited_rows": {
            0: {"Date known from": "announced"},
            1: {"Save": False},
            2: {"Save": False},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="assist.save").click().run()
    assert not at.exception
    [stored] = claims(url)
    assert stored.date_basis == "announced"


def test_saving_the_drafts_again_names_every_duplicate_row(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = find(open_as, url, source_id)
    at.session_state[table_key(at)] = {
        "edited_rows": {2: {"Claimant": "example_monitor"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="assist.save").click().run()
    assert len(claims(url)) == 3
    at = find(open_as, url, source_id)
    at.session_state[table_key(at)] = {
        "edited_rows": {2: {"Claimant": "example_monitor"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    # Before saving: each draft already stored is said, by its row.
    stored_warnings = [w for w in warnings(at) if "already stored" in w]
    assert [w.split(":")[0] for w in stored_warnings] == ["Row 1", "Row 2", "Row 3"]
    at.button(key="assist.save").click().run()
    refused = [e for e in errors(at) if "already has a claim" in e]
    assert [e.split(",")[0] for e in refused] == ["row 1", "row 2", "row 3"]
    assert len(claims(url)) == 3


def test_the_drafts_can_be_edited_as_one_form_per_row(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = find(open_as, url, source_id)
    at.toggle(key="assist.as_forms").set_value(True).run()
    assert not at.exception
    assert not at.data_editor
    round_ = at.session_state["assist.round"]
    assert at.number_input(key=f"assist.form.{round_}.1.value").value == 7199
    at.checkbox(key=f"assist.form.{round_}.2.save").uncheck()
    at.checkbox(key=f"assist.form.{round_}.3.save").uncheck()
    at.selectbox(key=f"assist.form.{round_}.1.qualifier").set_value("at_least").run()
    assert at.button(key="assist.save").label == "Save the 1 ticked claim(s)"
    at.button(key="assist.save").click().run()
    assert not at.exception
    [stored] = claims(url)
    assert (stored.value, stored.qualifier) == (7199, "at_least")
