"""History that helps: changes in words, "revert to this version" (a new revision with a
reason, never a delete), and the duplicate warning while entering."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.curation_support import errors, plain, successes, warnings
from tests.test_dashboard_corrections import CLAIM, HISTORY, claim_row, enter_claim
from tests.test_dashboard_entry import ADD_CLAIMS, fill_claim
from tracker import curation
from tracker.core.errors import EditConflict, PermissionDenied, ValidationFailed
from tracker.domain.models import Revision
from tracker.store.db import make_engine, read_session

pytestmark = pytest.mark.usefixtures("cheap_hashes")


def revisions_of(url: str, claim_id: int) -> list[Revision]:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            return list(
                s.exec(
                    select(Revision)
                    .where(Revision.entity == "claim", Revision.entity_id == claim_id)
                    .order_by(Revision.id)
                ).all()
            )
    finally:
        engine.dispose()


def corrected(url: str, source_id: int) -> int:
    """A claim entered by cora, then corrected by eddie (figure, qualifier, kind)."""
    claim_id = enter_claim(url, source_id)
    engine = make_engine(url)
    curation.edit_claim(
        engine,
        "eddie",
        claim_id,
        {
            "value": 7200,
            "quote": "it had recorded 7,200 civilian deaths",
            "check_override": "the wire's later figure",
            "qualifier": "at_least",
            "cumulative": False,
        },
        expected_version=1,
        reason="the wire corrected its figure",
    )
    engine.dispose()
    return claim_id


def test_revert_puts_the_claim_back_as_a_new_revision_with_the_reason(curation_db):
    url, source_id = curation_db
    claim_id = corrected(url, source_id)
    first = revisions_of(url, claim_id)[0]
    engine = make_engine(url)
    version = curation.revert(
        engine,
        "eddie",
        "claim",
        claim_id,
        first.id,
        expected_version=2,
        reason="the wire was wrong",
    )
    engine.dispose()
    assert version == 3
    stored = claim_row(url, claim_id)
    assert (stored.value, stored.qualifier, stored.cumulative) == (7199, "exact", True)
    revs = revisions_of(url, claim_id)
    assert len(revs) == 3  # nothing deleted
    assert revs[-1].reason == "back to version 1: the wire was wrong"
    assert revs[-1].after["value"] == 7199 and revs[-1].before["value"] == 7200


def test_revert_follows_the_rules_of_a_correction(curation_sqlite):
    url, source_id = curation_sqlite
    claim_id = corrected(url, source_id)
    first = revisions_of(url, claim_id)[0]
    engine = make_engine(url)
    with pytest.raises(EditConflict):  # a stale page
        curation.revert(
            engine, "eddie", "claim", claim_id, first.id, expected_version=1, reason="x"
        )
    with pytest.raises(PermissionDenied):  # a curator on someone else's claim
        curation.revert(engine, "carl", "claim", claim_id, first.id, expected_version=2, reason="x")
    engine.dispose()
    assert len(revisions_of(url, claim_id)) == 2


def test_history_shows_changes_in_words_and_reverts_from_the_page(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    claim_id = corrected(url, source_id)
    at = open_as(url, "eddie", HISTORY, claim=str(claim_id))
    assert not at.exception
    change = at.dataframe[0].value.set_index("Field").to_dict("index")
    assert change["Figure"] == {"Before": "7,199", "After": "7,200"}
    assert change["Qualifier"] == {"Before": "exactly", "After": "at least"}
    assert change["Kind of figure"] == {"Before": "cumulative total", "After": "per-period figure"}
    created = at.dataframe[1].value.set_index("Field").to_dict("index")
    assert created["Claimant"] == {"Value": "Example Monitor"}
    assert created["What is counted"]["Value"] != "civilian_killed"  # its label, not its key
    first = revisions_of(url, claim_id)[0]
    form = f"history.revert.{first.id}"
    at.button(key=f"{form}.go").click().run()
    assert "Reason for the change: say why" in errors(at)
    at.text_input(key=f"{form}.reason").input("the wire was wrong")
    at.button(key=f"{form}.go").click().run()
    assert not at.exception
    assert successes(at) == [f"Claim #{claim_id} is back as it was in version 1 (now version 3)."]
    assert claim_row(url, claim_id).value == 7199
    entries = [plain(m.value) for m in at.markdown if plain(m.value).startswith("Claim #")]
    assert entries[0].endswith("· **corrected** · version 3")


def test_entering_a_statement_already_stored_warns_with_a_link(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    stored = enter_claim(url, source_id)
    at = fill_claim(
        open_as(url, "carl", ADD_CLAIMS, source=str(source_id)),
        period_end=date.fromisoformat(CLAIM["period_end"]),
    )
    [warning] = [w for w in warnings(at) if "already stored" in w]
    assert warning.startswith(
        f"the same statement is already stored: claim #{stored} (Example Wire"
    )
    links = [p.proto.query_string for p in at.get("page_link") if p.proto.page == "source"]
    assert f"source={source_id}" in links


def test_revert_refuses_a_version_the_claim_already_has_and_what_has_no_history(
    curation_sqlite,
):
    url, source_id = curation_sqlite
    claim_id = corrected(url, source_id)
    latest = revisions_of(url, claim_id)[-1]
    engine = make_engine(url)
    with pytest.raises(ValidationFailed, match="the claim is already as it was in version 2"):
        curation.revert(
            engine, "eddie", "claim", claim_id, latest.id, expected_version=2, reason="x"
        )
    with pytest.raises(ValidationFailed, match="a place cannot be reverted from its history"):
        curation.revert(engine, "eddie", "place", 1, latest.id, expected_version=1, reason="x")
    engine.dispose()
    assert len(revisions_of(url, claim_id)) == 2
