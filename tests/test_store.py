"""The write path: roles, revisions, optimistic locking, nothing ever deleted."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.dbstate import everything
from tests.helpers import BASE_CLAIM, BASE_SOURCE, source_doc, write_doc
from tracker.core.errors import EditConflict, PermissionDenied, ValidationFailed
from tracker.domain.models import Claim, Revision
from tracker.domain.schemas import ClaimantIn, ClaimIn, PlaceIn, SourceIn
from tracker.domain.vocab import Role
from tracker.files.importer import import_paths
from tracker.store.db import read_session, write_session
from tracker.store.write import (
    Actor,
    add_claim,
    add_claimant,
    add_place,
    add_source,
    revert_claim,
    revert_source,
    set_claim_status,
    update_claim,
    update_source,
)

CURATOR = Actor("cora", Role.curator)
OTHER_CURATOR = Actor("carl", Role.curator)
EDITOR = Actor("eddie", Role.editor)
VIEWER = Actor("", Role.viewer)


@pytest.fixture
def claim_id(vocab_engine) -> int:
    with write_session(vocab_engine) as s:
        source = add_source(s, CURATOR, SourceIn.model_validate(BASE_SOURCE))
        return add_claim(s, CURATOR, source.id, ClaimIn.model_validate(BASE_CLAIM)).id


def corrected(value: int) -> dict:
    """A corrected figure with the quote that carries it (the quote check runs on edits)."""
    return {"value": value, "quote": f"it had recorded {value:,} civilian deaths"}


def revisions(engine, claim_id: int) -> list[Revision]:
    with read_session(engine) as s:
        return list(
            s.exec(
                select(Revision)
                .where(Revision.entity == "claim", Revision.entity_id == claim_id)
                .order_by(Revision.id)
            )
        )


def test_adding_a_claim_records_who_and_a_create_revision(vocab_engine, claim_id):
    with read_session(vocab_engine) as s:
        claim = s.get(Claim, claim_id)
    assert (claim.created_by, claim.version, claim.status) == ("cora", 1, "unverified")
    [rev] = revisions(vocab_engine, claim_id)
    assert rev.action == "create" and rev.before is None and rev.after["value"] == 7199


def test_a_correction_records_before_after_who_and_why(vocab_engine, claim_id):
    with write_session(vocab_engine) as s:
        update_claim(
            s, CURATOR, claim_id, corrected(7200), expected_version=1, reason="misread figure"
        )
    rev = revisions(vocab_engine, claim_id)[-1]
    assert (rev.action, rev.changed_by, rev.reason, rev.version) == (
        "update",
        "cora",
        "misread figure",
        2,
    )
    assert (rev.before["value"], rev.after["value"]) == (7199, 7200)


def test_a_correction_needs_a_reason(vocab_engine, claim_id):
    with pytest.raises(ValidationFailed, match="say why"), write_session(vocab_engine) as s:
        update_claim(s, CURATOR, claim_id, {"value": 7200}, expected_version=1, reason=" ")


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(vocab_engine, claim_id):
    with write_session(vocab_engine) as s:
        update_claim(s, EDITOR, claim_id, corrected(7200), expected_version=1, reason="first")
    with (
        pytest.raises(EditConflict, match="changed by eddie") as exc,
        write_session(vocab_engine) as s,
    ):
        update_claim(s, CURATOR, claim_id, corrected(7300), expected_version=1, reason="second")
    assert exc.value.current["value"] == 7200
    with read_session(vocab_engine) as s:
        assert s.get(Claim, claim_id).value == 7200
    assert len(revisions(vocab_engine, claim_id)) == 2


def test_edits_of_different_fields_from_the_same_version_are_both_kept(vocab_engine, claim_id):
    with write_session(vocab_engine) as s:
        update_claim(s, EDITOR, claim_id, {"notes": "checked"}, expected_version=1, reason="a")
    with write_session(vocab_engine) as s:
        update_claim(s, CURATOR, claim_id, {"qualifier": "about"}, expected_version=1, reason="b")
    with read_session(vocab_engine) as s:
        claim = s.get(Claim, claim_id)
        assert (claim.notes, claim.qualifier, claim.version) == ("checked", "about", 3)
    last = revisions(vocab_engine, claim_id)[-1]
    assert (last.before["notes"], last.after["notes"]) == ("checked", "checked")
    assert (last.before["qualifier"], last.after["qualifier"]) == ("at_least", "about")


def test_the_same_field_set_to_the_same_value_meanwhile_is_no_conflict(vocab_engine, claim_id):
    with write_session(vocab_engine) as s:
        update_claim(s, EDITOR, claim_id, {"qualifier": "about"}, expected_version=1, reason="a")
    with write_session(vocab_engine) as s:
        update_claim(
            s,
            CURATOR,
            claim_id,
            {"qualifier": "about", "notes": "x"},
            expected_version=1,
            reason="b",
        )
    with read_session(vocab_engine) as s:
        assert s.get(Claim, claim_id).notes == "x"


def test_an_edit_is_validated_as_a_whole(vocab_engine, claim_id):
    with pytest.raises(ValidationFailed, match="above its high"), write_session(vocab_engine) as s:
        update_claim(
            s,
            CURATOR,
            claim_id,
            {"low": 9000, "high": 8000, "value": None},
            expected_version=1,
            reason="range",
        )


def test_retraction_is_a_status_with_a_reason_and_the_claim_stays(vocab_engine, claim_id):
    with write_session(vocab_engine) as s:
        set_claim_status(
            s,
            EDITOR,
            claim_id,
            "retracted",
            reason="outlet corrected the figure",
            expected_version=1,
        )
    with read_session(vocab_engine) as s:
        claim = s.get(Claim, claim_id)
    assert (claim.status, claim.status_reason, claim.reviewed_by) == (
        "retracted",
        "outlet corrected the figure",
        "eddie",
    )
    assert revisions(vocab_engine, claim_id)[-1].action == "status"


def _first_revision(session, entity: str, entity_id: int) -> int:  # noqa: ANN001
    return session.exec(
        select(Revision.id).where(Revision.entity == entity, Revision.entity_id == entity_id)
    ).first()


# Every write function, called as a form would call it (the source and claim exist).
WRITES = {
    "add_source": lambda s, actor, claim_id: add_source(
        s, actor, SourceIn.model_validate(BASE_SOURCE | {"url": "https://example.org/another"})
    ),
    "update_source": lambda s, actor, claim_id: update_source(
        s, actor, 1, {"title": "New title"}, expected_version=1, reason="r"
    ),
    "add_claim": lambda s, actor, claim_id: add_claim(
        s, actor, 1, ClaimIn.model_validate(BASE_CLAIM | {"id": "another"})
    ),
    "update_claim": lambda s, actor, claim_id: update_claim(
        s, actor, claim_id, {"value": 1}, expected_version=1, reason="r"
    ),
    "set_claim_status": lambda s, actor, claim_id: set_claim_status(
        s, actor, claim_id, "disputed", reason="r", expected_version=1
    ),
    "revert_claim": lambda s, actor, claim_id: revert_claim(
        s, actor, claim_id, _first_revision(s, "claim", claim_id), expected_version=1, reason="r"
    ),
    "revert_source": lambda s, actor, claim_id: revert_source(
        s, actor, 1, _first_revision(s, "source", 1), expected_version=1, reason="r"
    ),
    "add_claimant": lambda s, actor, claim_id: add_claimant(
        s, actor, ClaimantIn(key="example_monitor", name="Example Monitor")
    ),
    "add_place": lambda s, actor, claim_id: add_place(
        s,
        actor,
        PlaceIn(key="UA-14-example", name="Example village", level="settlement", parent="UA-14"),
    ),
}
# Functions taking an actor that are not writes of their own: the role check itself, the
# question the forms ask before showing an edit button, and the revision row every write
# above adds after its check.
NOT_WRITES = {"require", "can_edit_claim", "can_edit_source", "revision_values", "revision_of"}
REFUSED = {
    "nobody": None,
    "no name": Actor("", Role.admin),
    "viewer": Actor("vera", Role.viewer),
    "disabled curator": Actor("cora", Role.curator, disabled=True),
    "disabled editor": Actor("eddie", Role.editor, disabled=True),
    "disabled admin": Actor("ada", Role.admin, disabled=True),
}


def test_every_write_function_of_the_store_is_in_the_refusal_table():
    import inspect

    import tracker.store.write as store

    takes_actor = {
        name
        for name, fn in inspect.getmembers(store, inspect.isfunction)
        if fn.__module__ == store.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(fn).parameters
    }
    assert takes_actor == set(WRITES) | NOT_WRITES


@pytest.mark.parametrize("write", list(WRITES))
def test_anonymous_viewers_and_disabled_accounts_cannot_write(vocab_engine, claim_id, write):
    before = everything(vocab_engine)
    for who, actor in REFUSED.items():
        with pytest.raises(PermissionDenied) as exc, write_session(vocab_engine) as s:
            WRITES[write](s, actor, claim_id)
        assert "log in" in str(exc.value) or "is disabled" in str(exc.value), who
    assert everything(vocab_engine) == before


def test_anonymous_viewers_and_disabled_accounts_cannot_import(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "a.yaml", source_doc())
    before = everything(vocab_engine)
    for actor in REFUSED.values():
        with pytest.raises(PermissionDenied):
            import_paths(vocab_engine, actor, [path])
    assert everything(vocab_engine) == before


@pytest.mark.parametrize(
    "how",
    [
        lambda s, cid: set_claim_status(
            s, CURATOR, cid, "corroborated", reason="I checked it", expected_version=1
        ),
        lambda s, cid: update_claim(
            s, CURATOR, cid, {"status": "corroborated"}, expected_version=1, reason="checked"
        ),
    ],
    ids=["set_claim_status", "update_claim"],
)
def test_a_curator_cannot_corroborate_their_own_claim(vocab_engine, claim_id, how):
    before = everything(vocab_engine)
    with pytest.raises(PermissionDenied), write_session(vocab_engine) as s:
        how(s, claim_id)
    assert everything(vocab_engine) == before


def test_a_curator_cannot_edit_another_curators_reviewed_claim(vocab_engine, claim_id):
    with write_session(vocab_engine) as s:
        set_claim_status(s, EDITOR, claim_id, "corroborated", reason="checked", expected_version=1)
    before = everything(vocab_engine)
    with pytest.raises(PermissionDenied, match="only their own"), write_session(vocab_engine) as s:
        update_claim(s, OTHER_CURATOR, claim_id, {"value": 1}, expected_version=2, reason="x")
    assert everything(vocab_engine) == before


def test_a_curator_cannot_edit_another_curators_source(vocab_engine, claim_id):
    with pytest.raises(PermissionDenied, match="only an editor"), write_session(vocab_engine) as s:
        update_source(s, OTHER_CURATOR, 1, {"title": "x"}, expected_version=1, reason="x")


@pytest.mark.parametrize(
    "forged",
    [{"created_by": "eddie"}, {"reviewed_by": "eddie"}, {"version": 99}, {"updated_by": "x"}],
)
def test_an_edit_cannot_forge_authorship_review_or_version(vocab_engine, claim_id, forged):
    before = everything(vocab_engine)
    with pytest.raises(ValidationFailed, match="is not a field"), write_session(vocab_engine) as s:
        update_claim(s, CURATOR, claim_id, forged, expected_version=1, reason="x")
    assert everything(vocab_engine) == before


def test_curators_cannot_review(vocab_engine, claim_id):
    with (
        pytest.raises(PermissionDenied, match="only an editor or above"),
        write_session(vocab_engine) as s,
    ):
        set_claim_status(
            s, OTHER_CURATOR, claim_id, "corroborated", reason="checked", expected_version=1
        )


def test_nobody_corroborates_their_own_claim(vocab_engine):
    with write_session(vocab_engine) as s:
        source = add_source(s, EDITOR, SourceIn.model_validate(BASE_SOURCE))
        claim = add_claim(s, EDITOR, source.id, ClaimIn.model_validate(BASE_CLAIM))
    with pytest.raises(PermissionDenied, match="someone other"), write_session(vocab_engine) as s:
        set_claim_status(s, EDITOR, claim.id, "corroborated", reason="mine", expected_version=1)


def test_a_curator_edits_only_their_own_unreviewed_claims(vocab_engine, claim_id):
    with pytest.raises(PermissionDenied, match="only their own"), write_session(vocab_engine) as s:
        update_claim(s, OTHER_CURATOR, claim_id, {"value": 1}, expected_version=1, reason="x")
    with write_session(vocab_engine) as s:
        set_claim_status(
            s, EDITOR, claim_id, "corroborated", reason="matches OHCHR page", expected_version=1
        )
    with pytest.raises(PermissionDenied), write_session(vocab_engine) as s:
        update_claim(s, CURATOR, claim_id, {"value": 1}, expected_version=2, reason="x")


def test_a_stored_url_is_caught_before_saving(vocab_engine, claim_id):
    with (
        pytest.raises(ValidationFailed, match="already stored as source #1"),
        write_session(vocab_engine) as s,
    ):
        add_source(
            s,
            CURATOR,
            SourceIn.model_validate(
                BASE_SOURCE | {"url": "https://EXAMPLE.org/news/offensive/?utm_source=x"}
            ),
        )


def test_source_corrections_are_revisions_too(vocab_engine, claim_id):
    with write_session(vocab_engine) as s:
        update_source(
            s,
            CURATOR,
            1,
            {"title": "Corrected title"},
            expected_version=1,
            reason="headline changed",
        )
    with read_session(vocab_engine) as s:
        rev = s.exec(
            select(Revision).where(Revision.entity == "source", Revision.action == "update")
        ).one()
    assert (rev.before["title"], rev.after["title"]) == (BASE_SOURCE["title"], "Corrected title")


def test_a_failed_write_leaves_nothing_behind(vocab_engine):
    with pytest.raises(ValidationFailed), write_session(vocab_engine) as s:
        source = add_source(s, CURATOR, SourceIn.model_validate(BASE_SOURCE))
        add_claim(s, CURATOR, source.id, ClaimIn.model_validate(BASE_CLAIM | {"place": "Nowhere"}))
    with read_session(vocab_engine) as s:
        assert s.exec(select(Revision)).all() == []
