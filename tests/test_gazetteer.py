"""The world gazetteer: places named as reporters write them, in any script, resolve to a
place with its region and country; namesakes are settled by the article's country or
offered as choices; imports add what they name to the store, nested."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.helpers import claim, source_doc, write_doc
from tracker.core.errors import ValidationFailed
from tracker.domain.models import Claim, Claimant, Metric, Place
from tracker.files.importer import import_paths
from tracker.gazetteer import load_world
from tracker.store.db import read_session
from tracker.store.write import SYSTEM


@pytest.fixture(scope="module")
def world():
    return load_world()


@pytest.mark.parametrize(
    ("written", "region", "country"),
    [
        ("Khan Younis", "PS-KYS", "PS"),
        ("Khan Yunis", "PS-KYS", "PS"),
        ("El Fasher", "SD-DN", "SD"),
        ("Al-Fashir", "SD-DN", "SD"),
        ("الفاشر", "SD-DN", "SD"),
        ("Bakhmut", "UA-14", "UA"),
        ("Бахмут", "UA-14", "UA"),
        ("Khartoum", "SD-KH", "SD"),
        ("Mariupol", "UA-14", "UA"),
        ("Aleppo", "SY-HL", "SY"),
    ],
)
def test_a_town_as_reporters_write_it_resolves_with_its_region_and_country(
    world, written, region, country
):
    place = world.resolve(written).place
    assert place is not None and place.level == "settlement"
    assert (place.region, place.country) == (region, country)
    assert [p.key for p in world.chain(place)][1:] == [region, country]


def test_countries_and_subdivisions_answer_to_names_and_iso_codes(world):
    assert world.resolve("Sudan").place.key == "SD"
    assert world.resolve("SD-DN").place.key == "SD-DN"
    assert world.resolve("North Darfur State").place.key == "SD-DN"
    assert world.resolve("Khan Yunis Governorate").place.key == "PS-KYS"
    assert world.resolve("Судан").place.key == "SD"


def test_a_name_two_countries_share_is_settled_by_the_articles_country_or_offered(world):
    undecided = world.resolve("Rafah")
    assert undecided.place is None
    assert {"PS", "EG"} <= {p.country for p in undecided.choices}
    assert world.resolve("Rafah", ("PS",)).place.country == "PS"
    assert world.resolve("Rafah", ("EG",)).place.country == "EG"


def test_a_name_not_in_the_gazetteer_resolves_to_nothing(world):
    assert world.resolve("Nowhereville Example").place is None


def test_import_adds_the_places_it_names_from_the_gazetteer_nested_in_region_and_country(
    vocab_engine, tmp_path
):
    path = write_doc(
        tmp_path / "other-wars.yaml",
        source_doc(
            [
                claim(id="a", metric="people_killed", claimant="Gaza Ministry of Health",
                      place="Khan Younis", period_start=None, quote="it had recorded 7,199"),
                claim(id="b", metric="people_killed", claimant="Sudan Doctors Network",
                      place="الفاشر", period_start=None, quote="it had recorded 7,199"),
                claim(id="c", metric="people_killed", claimant="UN human rights office",
                      place="SD-DN", period_start=None, quote="it had recorded 7,199"),
                claim(id="d", metric="people_injured", claimant="ohchr", place="Бахмут",
                      period_start=None, quote="it had recorded 7,199"),
            ]
        ),
    )  # fmt: skip
    plan = import_paths(vocab_engine, SYSTEM, [path])
    assert plan.totals()["places_added"] >= 2  # the towns; regions and countries are curated
    with read_session(vocab_engine) as s:
        places = {p.id: p for p in s.exec(select(Place))}
        by_key = {p.key: p for p in places.values()}
        claims = {c.key: c for c in s.exec(select(Claim))}
        claimants = {c.id: c.key for c in s.exec(select(Claimant))}
        where = sorted((places[c.place_id].key, claimants[c.claimant_id]) for c in claims.values())
    khan_younis = next(p for p in by_key.values() if "Khan Younis" in p.aliases)
    assert places[khan_younis.parent_id].key == "PS-KYS"
    strip = places[places[khan_younis.parent_id].parent_id]
    assert (strip.key, places[strip.parent_id].key) == ("PS-gaza-strip", "PS")
    assert by_key["SD-DN"].parent_id == by_key["SD"].id
    assert ("SD-DN", "ohchr") in where
    assert (khan_younis.key, "moh_gaza") in where
    assert any(k.startswith("gn-") and c == "sudan_doctors_network" for k, c in where)
    assert ("UA-14-bakhmut", "ohchr") in where  # the curated place comes first


def test_import_refuses_an_ambiguous_place_and_names_the_choices(vocab_engine, tmp_path):
    path = write_doc(
        tmp_path / "tripoli.yaml",
        source_doc([claim(metric="people_killed", place="Tripoli", period_start=None)]),
    )
    with pytest.raises(ValidationFailed) as caught:
        import_paths(vocab_engine, SYSTEM, [path])
    message = str(caught.value.problems[0])
    assert "claims[0].place" in message and "may be" in message
    assert "LY" in message and "LB" in message


def test_places_nest_so_a_country_shows_the_places_within_it_apart(sample_engine):
    """Towns and camps named as reporters write them nest in their region and country: the
    Figures page's "places side by side" (ClaimFilter.within) finds them under Sudan and the
    Gaza Strip, and the country's own figures stay those reported for the country."""
    from tracker.read import queries
    from tracker.read.filters import ClaimFilter

    sudan_within = ClaimFilter(metric="people_killed", place="SD", within=True)
    places = set(queries.claims_page(sample_engine, sudan_within, limit=500)["place_key"])
    assert {"SD-KH", "SD-GZ-wad-al-noura"} <= places
    assert "SD" not in places
    strip = ClaimFilter(metric="people_killed", place="PS-gaza-strip", within=True)
    assert "gn-281102" in set(queries.claims_page(sample_engine, strip, limit=500)["place_key"])
    with read_session(sample_engine) as s:
        sd = s.exec(select(Place.id).where(Place.key == "SD")).one()
        killed = s.exec(select(Metric.id).where(Metric.key == "people_killed")).one()
        own = len(
            s.exec(select(Claim.id).where(Claim.place_id == sd, Claim.metric_id == killed)).all()
        )
    f = ClaimFilter(metric="people_killed", place="SD")
    assert queries.count_claims(sample_engine, f) == own > 0
