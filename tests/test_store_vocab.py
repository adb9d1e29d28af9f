"""Adding a claimant or a place from the claim form: curators may, duplicates may not."""

from __future__ import annotations

import pytest

from tests.helpers import BASE_SOURCE, claim
from tracker.core.errors import PermissionDenied, ValidationFailed
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Claimant, Place
from tracker.domain.schemas import ClaimantIn, ClaimIn, PlaceIn, SourceIn
from tracker.domain.vocab import Role
from tracker.store.db import read_session, write_session
from tracker.store.history import RevisionFilter, revisions
from tracker.store.version import data_version
from tracker.store.write import (
    Actor,
    add_claim,
    add_claimant,
    add_place,
    add_source,
    suggest_key,
)

CURATOR = Actor("cora", Role.curator)
VIEWER = Actor("", Role.viewer)


def test_a_curator_adds_a_claimant_and_can_use_it_in_a_claim_at_once(vocab_engine):
    with write_session(vocab_engine) as s:
        before = data_version(s)
        added = add_claimant(
            s,
            CURATOR,
            ClaimantIn(
                key="example_monitor",
                name="Example Monitor",
                short_name="ExMon",
                kind="ngo",
                side="monitor",
                aliases=["the Example Monitoring Group"],
            ),
        )
        assert data_version(s) == before + 1
        source = add_source(s, CURATOR, SourceIn.model_validate(BASE_SOURCE))
        saved = add_claim(
            s,
            CURATOR,
            source.id,
            ClaimIn.model_validate(claim(claimant="Example Monitoring Group")),
        )
    assert saved.claimant_id == added.id
    with read_session(vocab_engine) as s:
        stored = s.get(Claimant, added.id)
    assert (stored.kind, stored.side, stored.short_name) == ("ngo", "monitor", "ExMon")
    [rev] = revisions(vocab_engine, RevisionFilter("claimant"))
    assert (rev.action, rev.changed_by, rev.label, rev.after["name"]) == (
        "create",
        "cora",
        "example_monitor",
        "Example Monitor",
    )


def test_a_claimant_whose_name_is_already_known_is_refused_naming_the_field(vocab_engine):
    with pytest.raises(ValidationFailed) as exc, write_session(vocab_engine) as s:
        add_claimant(
            s,
            CURATOR,
            ClaimantIn(key="ohchr", name="Example Monitor", aliases=["U.N. human rights office"]),
        )
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("key", "'ohchr' is already a claimant's key"),
        (
            "aliases[0]",
            "'U.N. human rights office' already names UN Office of the High Commissioner "
            "for Human Rights (ohchr); choose it from the list",
        ),
    ]


def test_viewers_cannot_add_claimants_or_places(vocab_engine):
    with pytest.raises(PermissionDenied), write_session(vocab_engine) as s:
        add_claimant(s, VIEWER, ClaimantIn(key="x_monitor", name="X Monitor"))
    with pytest.raises(PermissionDenied), write_session(vocab_engine) as s:
        add_place(s, VIEWER, PlaceIn(key="example_town", name="Example Town"))


def test_a_curator_adds_a_settlement_under_a_region_named_in_words(vocab_engine):
    with write_session(vocab_engine) as s:
        place = add_place(
            s,
            CURATOR,
            PlaceIn(
                key="example_town",
                name="Example Town",
                level="settlement",
                parent="the Donetsk region",
                aliases=["Exampletown"],
            ),
        )
    with read_session(vocab_engine) as s:
        stored = s.get(Place, place.id)
        vocab = Vocabulary.load(s)
    assert stored.parent_id == vocab.places["UA-14"].id and stored.level == "settlement"
    assert vocab.place("exampletown").key == "example_town"
    assert revisions(vocab_engine, RevisionFilter("place"))[0].label == "example_town"


def test_a_place_with_a_bad_parent_a_fake_or_taken_iso_code_is_refused(vocab_engine):
    with pytest.raises(ValidationFailed) as exc, write_session(vocab_engine) as s:
        add_place(
            s, CURATOR, PlaceIn(key="x1", name="Nowhere", parent="Atlantis", iso_code="UA-99")
        )
    assert [p.field for p in exc.value.problems] == ["parent", "iso_code"]
    assert "'UA-99' is not an ISO 3166 code" in str(exc.value)
    with (
        pytest.raises(ValidationFailed, match="UA-14 is already a stored place's code"),
        write_session(vocab_engine) as s,
    ):
        add_place(s, CURATOR, PlaceIn(key="x2", name="Somewhere else", iso_code="ua-14"))


def test_a_new_key_is_suggested_from_the_name_and_never_clashes():
    assert suggest_key("Kharkiv Oblast governor", set()) == "kharkiv_oblast_governor"
    assert suggest_key("OHCHR", {"ohchr", "ohchr_2"}) == "ohchr_3"
