"""The revision log for the History page: filters, paging and a readable diff."""

from __future__ import annotations

import pytest

from tests.helpers import BASE_CLAIM, BASE_SOURCE
from tracker.domain.schemas import ClaimIn, SourceIn
from tracker.domain.vocab import Role
from tracker.store.db import write_session
from tracker.store.history import (
    RevisionFilter,
    count_revisions,
    diff,
    revision_authors,
    revisions,
)
from tracker.store.write import Actor, add_claim, add_source, set_claim_status, update_claim

CURATOR = Actor("cora", Role.curator)
EDITOR = Actor("eddie", Role.editor)


@pytest.fixture
def edited(vocab_engine) -> dict[str, int]:
    """Two sources; a claim on the first is added, corrected and corroborated."""
    with write_session(vocab_engine) as s:
        first = add_source(s, CURATOR, SourceIn.model_validate(BASE_SOURCE))
        other = add_source(
            s, EDITOR, SourceIn.model_validate(BASE_SOURCE | {"url": "https://example.org/b"})
        )
        claim = add_claim(s, CURATOR, first.id, ClaimIn.model_validate(BASE_CLAIM))
    with write_session(vocab_engine) as s:
        update_claim(
            s,
            CURATOR,
            claim.id,
            {"value": 7200, "quote": "it had recorded 7,200 civilian deaths"},
            expected_version=1,
            reason="misread the figure",
        )
    with write_session(vocab_engine) as s:
        set_claim_status(
            s, EDITOR, claim.id, "corroborated", reason="matches the OHCHR page", expected_version=2
        )
    return {"source": first.id, "other": other.id, "claim": claim.id}


def test_a_claims_history_is_newest_first_with_who_why_and_what_changed(vocab_engine, edited):
    log = revisions(vocab_engine, RevisionFilter("claim", edited["claim"]))
    assert [(r.action, r.version, r.changed_by, r.reason) for r in log] == [
        ("status", 3, "eddie", "matches the OHCHR page"),
        ("update", 2, "cora", "misread the figure"),
        ("create", 1, "cora", "added"),
    ]
    assert log[0].label == "example-killed"
    assert log[0].changes == [("status", "unverified", "corroborated")]
    assert log[1].changes == [
        ("value", 7199, 7200),
        ("quote", "it had recorded 7,199 civilian deaths", "it had recorded 7,200 civilian deaths"),
    ]
    assert log[0].changed_at.tzinfo is not None


def test_history_filters_by_source_with_its_claims_and_by_user(vocab_engine, edited):
    of_source = revisions(vocab_engine, RevisionFilter(source_id=edited["source"]))
    assert [(r.entity, r.action) for r in of_source] == [
        ("claim", "status"),
        ("claim", "update"),
        ("claim", "create"),
        ("source", "create"),
    ]
    assert of_source[-1].label == BASE_SOURCE["url"]
    assert [r.action for r in revisions(vocab_engine, RevisionFilter(user="eddie"))] == [
        "status",
        "create",
    ]
    assert count_revisions(vocab_engine, RevisionFilter("source")) == 2
    assert count_revisions(vocab_engine, RevisionFilter(source_id=edited["other"])) == 1
    assert revision_authors(vocab_engine) == ["cora", "eddie"]


def test_history_is_paged_in_the_database(vocab_engine, edited):
    first = revisions(vocab_engine, limit=2)
    second = revisions(vocab_engine, limit=2, offset=2)
    assert len(first) == len(second) == 2
    assert [r.id for r in first + second] == sorted((r.id for r in first + second), reverse=True)
    assert count_revisions(vocab_engine) == 5


def test_an_unknown_entity_is_refused():
    with pytest.raises(ValueError, match="unknown entity 'claims'"):
        RevisionFilter("claims")


def test_diff_lists_only_the_fields_that_changed_in_the_records_order():
    before = {"value": 7199, "quote": "a", "notes": None, "status": "unverified"}
    after = {"value": 7200, "quote": "a", "notes": "checked", "status": "unverified", "new": 1}
    assert diff(before, after) == [
        ("value", 7199, 7200),
        ("notes", None, "checked"),
        ("new", None, 1),
    ]


def test_diff_of_a_creation_lists_the_fields_that_have_a_value():
    assert diff(None, {"value": 7199, "low": None, "quote": "x"}) == [
        ("value", None, 7199),
        ("quote", None, "x"),
    ]
    assert diff({"a": 1}, {"a": 1}) == []
