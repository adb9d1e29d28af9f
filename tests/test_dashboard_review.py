"""The review inbox (editors) and a curator's disputed claims, driven with AppTest."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.curation_support import MONITOR_CLAIM, errors, plain, successes, warnings
from tests.helpers import claim
from tracker import curation
from tracker.domain.models import Claim, Revision
from tracker.domain.schemas import ClaimIn
from tracker.domain.vocab import Role
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.write import Actor, add_claim

pytestmark = pytest.mark.usefixtures("cheap_hashes")
REVIEW = "views/review.py"


def add_claims(url: str, source_id: int, n: int, **fields) -> list[int]:  # noqa: ANN003
    engine = make_engine(url)
    ids = []
    with write_session(engine) as session:
        for i in range(n):
            c = add_claim(
                session,
                Actor("cora", Role.curator),
                source_id,
                ClaimIn.model_validate(
                    claim(
                        id=f"example-review-{i}",
                        value=7199,
                        period_end=f"2023-02-{1 + i:02d}",
                        period_start=None,
                        **MONITOR_CLAIM,
                        quote="it had recorded 7,199 civilian deaths",
                    )
                    | fields
                ),
            )
            ids.append(c.id)
    engine.dispose()
    return ids


def test_the_inbox_lists_unverified_claims_newest_first_with_quote_and_source(
    open_as, curation_sqlite
):
    url, source_id = curation_sqlite
    ids = add_claims(url, source_id, 3)
    at = open_as(url, "eddie", REVIEW)
    assert not at.exception
    picks = [c.label for c in at.checkbox if c.label.startswith("Select claim")]
    assert picks == [f"Select claim #{i}" for i in reversed(ids)]
    shown = [plain(m.value) for m in at.markdown]
    assert any("it had recorded 7,199 civilian deaths" in m for m in shown)


def test_an_editor_disputes_two_claims_at_once_each_with_a_revision(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    first, second, third = add_claims(url, source_id, 3)
    at = open_as(url, "eddie", REVIEW)
    at.checkbox(key=f"review_inbox.pick.{first}").check()
    at.checkbox(key=f"review_inbox.pick.{third}").check()
    at.radio(key="review_inbox.status").set_value("disputed")
    at.text_input(key="review_inbox.reason").input("the monitor withdrew these figures")
    at.button(key="review_inbox.apply").click().run()
    assert not at.exception
    assert successes(at) == [
        f"Marked disputed: #{third}, #{first}. Why: the monitor withdrew these figures"
    ]
    engine = make_engine(url)
    with read_session(engine) as s:
        statuses = {c.id: c.status for c in s.exec(select(Claim)).all()}
        revisions = s.exec(
            select(Revision).where(Revision.entity == "claim", Revision.action == "status")
        ).all()
    engine.dispose()
    assert (statuses[first], statuses[second], statuses[third]) == (
        "disputed",
        "unverified",
        "disputed",
    )
    assert sorted(r.entity_id for r in revisions) == [first, third]
    assert {r.reason for r in revisions} == {"the monitor withdrew these figures"}
    # The disputed claims left the inbox; the curator sees them and why.
    at = open_as(url, "cora", REVIEW)
    assert not at.exception
    assert [e for e in errors(at) if "Disputed by eddie" in e] == [
        e for e in errors(at) if "the monitor withdrew these figures" in e
    ]
    assert len([e for e in errors(at) if "Disputed by eddie" in e]) == 2


def test_a_batch_is_all_or_nothing_and_names_the_claim_refused(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    first, second = add_claims(url, source_id, 2)
    at = open_as(url, "eddie", REVIEW)
    # Meanwhile another editor reviews the second claim: the same field, another status.
    engine = make_engine(url)
    curation.review_claim(
        engine, "ada", second, "disputed", reason="another bulletin", expected_version=1
    )
    engine.dispose()
    at.checkbox(key=f"review_inbox.pick.{first}").check()
    at.checkbox(key=f"review_inbox.pick.{second}").check()
    at.radio(key="review_inbox.status").set_value("corroborated")
    at.text_input(key="review_inbox.reason").input("matches the monitor's bulletin")
    at.button(key="review_inbox.apply").click().run()
    assert not at.exception
    [error] = errors(at)
    assert error.startswith(f"Claim #{second}: this claim was changed by ada")
    assert error.endswith("Nothing was changed.")
    engine = make_engine(url)
    with read_session(engine) as s:
        statuses = {c.id: c.status for c in s.exec(select(Claim)).all()}
        assert (statuses[first], statuses[second]) == ("unverified", "disputed")
    engine.dispose()


def test_the_inbox_filters_and_shows_the_save_anyway_reason(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    [plain_claim] = add_claims(url, source_id, 1)
    engine = make_engine(url)
    with write_session(engine) as session:
        odd = add_claim(
            session,
            Actor("carl", Role.curator),
            source_id,
            ClaimIn.model_validate(
                claim(
                    id="example-odd",
                    value=9999,
                    period_end="2023-02-10",
                    period_start=None,
                    **MONITOR_CLAIM,
                    quote="a figure the wire rounded",
                    date_basis="stated",
                    check_override="the wire rounded the figure",
                )
            ),
        ).id
    engine.dispose()
    at = open_as(url, "eddie", REVIEW)
    assert "Saved anyway: the wire rounded the figure" in warnings(at)
    at.checkbox(key="review_inbox.saved_anyway").check().run()
    assert [c.label for c in at.checkbox if c.label.startswith("Select")] == [
        f"Select claim #{odd}"
    ]
    at.checkbox(key="review_inbox.saved_anyway").uncheck()
    at.selectbox(key="review_inbox.curator").set_value("cora").run()
    assert [c.label for c in at.checkbox if c.label.startswith("Select")] == [
        f"Select claim #{plain_claim}"
    ]


def test_the_inbox_filters_by_conflict_through_the_places_countries(curation_db):
    from tracker.read import review

    url, source_id = curation_db
    ids = add_claims(url, source_id, 2)  # about Ukraine (UA)
    engine = make_engine(url)
    assert {"russia-ukraine", "sudan"} <= set(review.conflict_names(engine))
    ukraine = review.review_inbox(engine, review.InboxFilter(conflict="russia-ukraine"))
    sudan = review.review_inbox(engine, review.InboxFilter(conflict="sudan"))
    assert review.count_inbox(engine, review.InboxFilter(conflict="sudan")) == 0
    engine.dispose()
    assert [c.id for c in ukraine] == list(reversed(ids))
    assert sudan == []
