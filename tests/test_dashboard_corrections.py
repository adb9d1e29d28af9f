"""Corrections and review from the app: a reason for every change, a revision for every
save, stale saves refused with the other person's change shown, and the History page."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.curation_support import ARTICLE, errors, errors_after, plain, successes, warnings
from tracker import curation
from tracker.core.errors import PermissionDenied
from tracker.domain.models import Claim, Revision, Source
from tracker.domain.schemas import ClaimIn
from tracker.domain.vocab import Role
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.write import Actor, add_claim

pytestmark = pytest.mark.usefixtures("cheap_hashes")
EDIT = "views/edit_claim.py"
EDIT_SOURCE = "views/edit_source.py"
HISTORY = "views/history.py"
CLAIM = {
    "metric": "civilian_killed",
    "value": 7199,
    "claimant": "example_monitor",
    "place": "UA",
    "period_start": "2022-02-24",
    "period_end": "2023-02-13",
    "quote": "it had recorded 7,199 civilian deaths",
}


def markdowns(at) -> list[str]:  # noqa: ANN001
    return [plain(m.value) for m in at.markdown]


def changes_by(at) -> list[str]:  # noqa: ANN001
    """Each revision's "when, by whom, why" line."""
    return [plain(c.value) for c in at.caption if " UTC by " in plain(c.value)]


def enter_claim(url: str, source_id: int, by: str = "cora", **fields) -> int:  # noqa: ANN003
    engine = make_engine(url)
    try:
        with write_session(engine) as session:
            actor = Actor(by, Role.editor if by == "eddie" else Role.curator)
            claim_in = ClaimIn.model_validate(CLAIM | fields)
            return add_claim(session, actor, source_id, claim_in).id
    finally:
        engine.dispose()


def claim_row(url: str, claim_id: int) -> Claim:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return session.get(Claim, claim_id)
    finally:
        engine.dispose()


def claim_revisions(url: str, claim_id: int) -> list[Revision]:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return list(
                session.exec(
                    select(Revision)
                    .where(Revision.entity == "claim", Revision.entity_id == claim_id)
                    .order_by(Revision.id)
                ).all()
            )
    finally:
        engine.dispose()


LONGER = "it had recorded 7,199 civilian deaths and 11,756 wounded in Ukraine since Feb. 24"
WHOLE = "The Example Monitor said on Monday it had recorded 7,199 civilian deaths"


def correct(at, quote: str, reason: str | None, **selects: str):  # noqa: ANN001, ANN201
    """Change the quote (both quotes are in the article's text) and any select boxes."""
    at.text_area(key="edit_claim.quote").input(quote)
    for name, value in selects.items():
        at.selectbox(key=f"edit_claim.{name}").set_value(value)
    if reason is not None:
        at.text_input(key="edit_claim.reason").input(reason)
    return at.button(key="edit_claim.save").click().run()


def test_a_curator_corrects_her_claim_and_the_change_becomes_a_revision(open_as, curation_db):
    url, source_id = curation_db
    claim_id = enter_claim(url, source_id)
    at = open_as(url, "cora", EDIT, claim=str(claim_id))
    assert not at.exception
    assert at.title[0].value == f"Correct claim #{claim_id}"
    assert at.text_input(key="edit_claim.value").value == "7199"
    assert at.selectbox(key="edit_claim.claimant").value == "Example Monitor"
    correct(at, LONGER, reason=None, qualifier="at_least")
    assert errors_after(at, "edit_claim.reason") == [
        "Reason for the change: say why this change is made"
    ]
    assert claim_row(url, claim_id).version == 1
    at.text_input(key="edit_claim.reason").input("the monitor says these are lower bounds")
    at.button(key="edit_claim.save").click().run()
    assert not at.exception
    assert successes(at) == ["Saved as version 2. Changed: qualifier, quote."]
    claim = claim_row(url, claim_id)
    assert (claim.qualifier, claim.version, claim.updated_by) == ("at_least", 2, "cora")
    update = claim_revisions(url, claim_id)[-1]
    assert (update.action, update.changed_by, update.reason) == (
        "update",
        "cora",
        "the monitor says these are lower bounds",
    )
    assert (update.before["qualifier"], update.after["qualifier"]) == ("exact", "at_least")
    assert at.text_input(key="edit_claim.reason").value == ""


def test_a_corrected_figure_missing_from_the_quote_needs_a_confirmed_reason(
    open_as, curation_sqlite
):
    url, source_id = curation_sqlite
    claim_id = enter_claim(url, source_id)
    at = open_as(url, "cora", EDIT, claim=str(claim_id))
    assert not warnings(at)  # nothing to check until the figure or quote changes
    at.text_input(key="edit_claim.value").input("7,200").run()
    assert warnings(at)[0].startswith("the figure 7,200 does not appear in the quote")
    at.text_input(key="edit_claim.reason").input("the monitor corrected its count")
    at.button(key="edit_claim.save").click().run()
    assert errors_after(at, "edit_claim.quote")[0].startswith("Quote: the figure 7,200")
    assert claim_row(url, claim_id).version == 1
    at.checkbox(key="edit_claim.confirm").check()
    at.text_input(key="edit_claim.override_reason").input("the correction notice gives 7,200")
    at.button(key="edit_claim.save").click().run()
    assert successes(at) == ["Saved as version 2. Changed: figure, reason to save anyway."]
    claim = claim_row(url, claim_id)
    assert (claim.value, claim.check_override) == (7200, "the correction notice gives 7,200")


def test_saving_an_unchanged_claim_says_nothing_was_changed(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    claim_id = enter_claim(url, source_id)
    at = open_as(url, "cora", EDIT, claim=str(claim_id))
    at.text_input(key="edit_claim.reason").input("checking")
    at.button(key="edit_claim.save").click().run()
    assert errors(at) == ["nothing was changed: correct a field first"]
    assert len(claim_revisions(url, claim_id)) == 1


def test_a_curator_cannot_correct_a_claim_someone_else_entered(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    claim_id = enter_claim(url, source_id, by="cora")
    at = open_as(url, "carl", EDIT, claim=str(claim_id))
    assert not at.exception
    assert warnings(at)[-1].startswith("You cannot correct this claim: curators correct only")
    assert not at.text_area and not [b for b in at.button if b.key == "edit_claim.save"]
    engine = make_engine(url)
    with pytest.raises(PermissionDenied):  # and the library refuses it anyway
        curation.edit_claim(
            engine, "carl", claim_id, {"value": 1}, expected_version=1, reason="because"
        )
    engine.dispose()
    assert claim_row(url, claim_id).value == 7199


def test_a_second_save_of_the_same_claim_is_refused_with_the_other_change_shown(
    open_as, curation_db
):
    url, source_id = curation_db
    claim_id = enter_claim(url, source_id)
    mine = open_as(url, "cora", EDIT, claim=str(claim_id))
    theirs = open_as(url, "eddie", EDIT, claim=str(claim_id))
    correct(theirs, LONGER, "a longer quote")
    assert successes(theirs) == ["Saved as version 2. Changed: quote."]

    correct(mine, WHOLE, "the whole sentence", qualifier="at_least")
    assert not mine.exception
    [message] = errors(mine)
    assert message.startswith("This claim was changed by eddie at ")
    assert message.endswith(
        "since you opened it, in the field(s) you changed too (quote; now version 2); reload "
        "it and apply your change again."
    )
    changed = mine.dataframe[0].value
    assert changed.to_dict("list") == {
        "Field": ["Quote"],
        "When you opened it": [CLAIM["quote"]],
        "Now": [LONGER],
    }
    claim = claim_row(url, claim_id)
    assert (claim.quote, claim.qualifier, claim.version) == (LONGER, "exact", 2)  # not overwritten
    assert len(claim_revisions(url, claim_id)) == 2

    mine.button(key="edit_claim.reload").click().run()
    assert mine.text_area(key="edit_claim.quote").value == LONGER
    assert mine.selectbox(key="edit_claim.qualifier").value == "exact"
    assert not errors(mine)
    correct(mine, WHOLE, "the whole sentence", qualifier="at_least")
    assert successes(mine) == ["Saved as version 3. Changed: qualifier, quote."]


def review(at, status: str, reason: str):  # noqa: ANN001, ANN201
    at.selectbox(key="review.status").set_value(status)
    at.text_input(key="review.reason").input(reason)
    return at.button(key="review.save").click().run()


def test_an_editor_retracts_a_claim_with_a_reason_and_it_stays_visible_marked(open_as, curation_db):
    url, source_id = curation_db
    claim_id = enter_claim(url, source_id)
    at = open_as(url, "eddie", EDIT, claim=str(claim_id))
    review(at, "retracted", "")
    assert errors_after(at, "review.reason") == [
        "Reason for the change: say why the status changes"
    ]
    review(at, "retracted", "Example Wire withdrew the article")
    assert not at.exception
    assert successes(at) == ["Marked retracted (version 2): Example Wire withdrew the article"]
    claim = claim_row(url, claim_id)
    assert (claim.status, claim.status_reason, claim.reviewed_by) == (
        "retracted",
        "Example Wire withdrew the article",
        "eddie",
    )
    last = claim_revisions(url, claim_id)[-1]
    assert (last.action, last.reason) == ("status", "Example Wire withdrew the article")
    at.switch_page("views/claims.py").run()
    assert not at.exception
    assert list(at.dataframe[0].value["Status"]) == ["⊘ retracted"]


def test_nobody_corroborates_a_claim_they_entered(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    claim_id = enter_claim(url, source_id, by="eddie")
    at = open_as(url, "eddie", EDIT, claim=str(claim_id))
    review(at, "corroborated", "looks right to me")
    assert errors(at) == [
        "a claim must be corroborated by someone other than the person who entered it"
    ]
    assert claim_row(url, claim_id).status == "unverified"


def test_curators_do_not_get_the_review_controls(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    claim_id = enter_claim(url, source_id)
    at = open_as(url, "cora", EDIT, claim=str(claim_id))
    assert "Review" not in [s.value for s in at.subheader]
    engine = make_engine(url)
    with pytest.raises(PermissionDenied, match="only an editor or above can mark claims"):
        curation.review_claim(
            engine, "cora", claim_id, "disputed", reason="doubt", expected_version=1
        )
    engine.dispose()


def test_the_source_s_author_corrects_it_with_a_reason(open_as, curation_db):
    url, source_id = curation_db
    at = open_as(url, "cora", EDIT_SOURCE, source=str(source_id))
    assert not at.exception
    assert at.text_input(key="edit_source.title").value == ARTICLE["title"]
    at.text_input(key="edit_source.title").input("Monitor updates its civilian count")
    at.text_input(key="edit_source.reason").input("the outlet changed its headline")
    at.button(key="edit_source.save").click().run()
    assert not at.exception
    assert successes(at) == ["Saved as version 2. Changed: headline."]
    engine = make_engine(url)
    with read_session(engine) as session:
        source = session.get(Source, source_id)
        revision = session.exec(
            select(Revision).where(Revision.entity == "source").order_by(Revision.id.desc())
        ).first()
    engine.dispose()
    assert (source.title, source.version) == ("Monitor updates its civilian count", 2)
    assert (revision.action, revision.changed_by) == ("update", "cora")


def test_another_curator_cannot_correct_the_source(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "carl", EDIT_SOURCE, source=str(source_id))
    assert warnings(at)[-1].startswith("You cannot correct this source")
    assert not [b for b in at.button if b.key == "edit_source.save"]


def test_a_source_page_offers_corrections_only_to_those_allowed(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    claim_id = enter_claim(url, source_id)

    def links(user: str | None) -> dict[str, str]:
        at = open_as(url, user, "views/source.py", source=str(source_id))
        if user:
            at.selectbox(key="sources.correct_claim").set_value(claim_id).run()
        assert not at.exception
        return {p.proto.page: p.proto.query_string for p in at.get("page_link")}

    assert "edit-claim" not in links(None) and "add-claims" not in links(None)
    carl = links("carl")
    assert carl["add-claims"] == f"source={source_id}"
    assert "edit-source" not in carl and "edit-claim" not in carl
    cora = links("cora")
    assert cora["edit-source"] == f"source={source_id}"
    assert cora["edit-claim"] == f"claim={claim_id}"


def test_history_shows_who_changed_what_and_why_filtered_by_claim_source_and_user(
    open_as, curation_db
):
    url, source_id = curation_db
    claim_id = enter_claim(url, source_id)
    engine = make_engine(url)
    curation.edit_claim(
        engine,
        "cora",
        claim_id,
        {"quote": LONGER},
        expected_version=1,
        reason="a longer quote",
    )
    engine.dispose()
    at = open_as(url, "carl", HISTORY, claim=str(claim_id))
    assert not at.exception
    assert [m for m in markdowns(at) if m.startswith("Claim #")] == [
        f"Claim #{claim_id} (" + claim_row(url, claim_id).key + ") · **corrected** · version 2",
        f"Claim #{claim_id} (" + claim_row(url, claim_id).key + ") · **added** · version 1",
    ]
    assert "UTC by cora. Why: a longer quote" in changes_by(at)[0]
    change = at.dataframe[0].value
    assert change.to_dict("list") == {
        "Field": ["Quote"],
        "Before": [CLAIM["quote"]],
        "After": [LONGER],
    }
    assert at.query_params == {"claim": str(claim_id)}

    at = open_as(url, "carl", HISTORY, source=str(source_id))  # the source and its claims
    entries = [m for m in markdowns(at) if m.startswith(("Claim #", "Source #"))]
    assert len(entries) == 3 and entries[-1].startswith(f"Source #{source_id}")

    at = open_as(url, "carl", HISTORY, kind="user")  # accounts have revisions too
    entries = [m for m in markdowns(at) if m.startswith("Account #")]
    assert len(entries) == 4 and all("· **added** ·" in e for e in entries)

    at = open_as(url, "carl", HISTORY, user="cora")
    assert at.selectbox(key="history.user").value == "cora"
    assert changes_by(at) and all("UTC by cora." in c for c in changes_by(at))


def test_a_source_correction_made_meanwhile_to_another_field_is_kept_with_mine(
    open_as, curation_sqlite
):
    url, source_id = curation_sqlite
    mine = open_as(url, "cora", EDIT_SOURCE, source=str(source_id))
    engine = make_engine(url)
    curation.edit_source(
        engine,
        "eddie",
        source_id,
        {"publisher": "Example Wire (EW)"},
        expected_version=1,
        reason="the outlet's full name",
    )
    engine.dispose()
    mine.text_input(key="edit_source.title").input("Monitor updates its civilian count")
    mine.text_input(key="edit_source.reason").input("new headline")
    mine.button(key="edit_source.save").click().run()
    assert not errors(mine)
    assert successes(mine) == ["Saved as version 3. Changed: headline."]
    engine = make_engine(url)
    with read_session(engine) as session:
        source = session.get(Source, source_id)
        assert (source.title, source.publisher) == (
            "Monitor updates its civilian count",
            "Example Wire (EW)",
        )
    engine.dispose()


def test_a_stale_source_correction_of_the_same_field_is_refused_with_the_other_change_shown(
    open_as, curation_sqlite
):
    url, source_id = curation_sqlite
    mine = open_as(url, "cora", EDIT_SOURCE, source=str(source_id))
    engine = make_engine(url)
    curation.edit_source(
        engine,
        "eddie",
        source_id,
        {"title": "Monitor raises its count"},
        expected_version=1,
        reason="the outlet's new headline",
    )
    engine.dispose()
    mine.text_input(key="edit_source.title").input("Monitor updates its civilian count")
    mine.text_input(key="edit_source.reason").input("new headline")
    mine.button(key="edit_source.save").click().run()
    [message] = errors(mine)
    assert message.startswith("This source was changed by eddie at ")
    assert mine.dataframe[0].value.to_dict("list") == {
        "Field": ["Headline"],
        "When you opened it": [ARTICLE["title"]],
        "Now": ["Monitor raises its count"],
    }
    engine = make_engine(url)
    with read_session(engine) as session:
        assert session.get(Source, source_id).title == "Monitor raises its count"
    engine.dispose()


def test_a_curator_who_picks_a_claim_they_may_not_correct_is_told_why(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    claim_id = enter_claim(url, source_id)  # entered by cora
    at = open_as(url, "carl", "views/source.py", source=str(source_id))
    at.selectbox(key="sources.correct_claim").set_value(claim_id).run()
    assert not at.exception
    [info] = [plain(i.value) for i in at.info if "cannot correct" in plain(i.value)]
    assert info == (
        f"You cannot correct this claim: claim #{claim_id} was entered by cora: a curator "
        "corrects only the claims they entered; ask an editor."
    )
