"""Vocabularies for any war: claimants answer to the names reporters use, suggestions come
only when genuinely close, and the extractor's metrics are read from data/metrics.yaml."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import DATA
from tracker.domain.lookup import normalise_name
from tracker.domain.models import Metric
from tracker.extraction.extractor import extract_candidates
from tracker.files.reading import load_vocabulary, read_files


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("UN human rights office", "ohchr"),
        ("the United Nations human-rights office", "ohchr"),
        ("U.N. Human Rights Office", "ohchr"),
        ("the U.N.'s humanitarian office", "ocha"),
        ("Office for the Coordination of Humanitarian Affairs", "ocha"),
        ("World Health Organisation", "who"),
        ("UN children's agency", "unicef"),
        ("U.N. refugee agency", "unhcr"),
        ("UN migration agency", "iom"),
        ("UN agency for Palestinian refugees", "unrwa"),
        ("World Food Program", "wfp"),
        ("International Committee of the Red Cross", "icrc"),
        ("Gaza Ministry of Health", "moh_gaza"),
        ("Gaza’s Health Ministry", "moh_gaza"),
        ("Sudan's health ministry", "moh_sudan"),
        ("Israeli military", "idf"),
        ("Armed Conflict Location and Event Data Project", "acled"),
        ("Airwars", "airwars"),
        ("Uppsala Conflict Data Programme", "ucdp"),
        ("Britain-based Syrian Observatory for Human Rights", "sohr"),
        ("Action on Armed Violence", "aoav"),
        ("Human Rights Watch", "hrw"),
        ("Amnesty International", "amnesty"),
        ("Sudan Doctors’ Network", "sudan_doctors_network"),
        ("Emergency Lawyers", "emergency_lawyers"),
    ],
)
def test_claimants_answer_to_the_names_reporters_use(vocab, written, key):
    assert vocab.claimant_key(written) == key


def test_matching_ignores_case_punctuation_hyphens_and_un_spellings():
    forms = {
        "U.N. human-rights office",
        "UN Human Rights Office",
        "United Nations human rights office",
    }
    assert len({normalise_name(f) for f in forms}) == 1


def test_a_suggestion_is_offered_only_when_genuinely_close(vocab):
    assert "ohchr" in (vocab.suggest_claimant("UN human rights agncy") or "")
    assert vocab.suggest_claimant("Ukraine health ministry") is None
    assert vocab.suggest_claimant("Example interior ministry") is None
    assert vocab.suggest_metric("peopel_killed") == "people_killed"


def test_metric_descriptions_name_no_war_and_every_signalled_metric_has_both_kinds_of_word():
    [metrics], _ = read_files([DATA / "metrics.yaml"])
    for m in metrics.entries:
        assert not any(w in (m.description or "") for w in ("2022", "2023", "Ukraine", "Gaza"))
        if m.signals.outcome:
            assert m.signals.population or m.signals.standalone, m.key
    keys = {m.key for m in metrics.entries}
    assert {"people_killed", "people_injured", "civilian_killed", "children_killed",
            "military_killed", "aid_workers_killed", "journalists_killed", "displaced_internal",
            "refugees_fled", "people_detained", "people_abducted", "buildings_damaged",
            "buildings_destroyed", "settlements_attacked", "settlements_shelled"} <= keys  # fmt: skip


def test_a_metric_added_to_the_vocabulary_is_proposed_without_a_code_change(vocab):
    text = "Example Monitor said 14 wells had been poisoned in the district."
    assert [c.metric for c in extract_candidates(text, date(2024, 5, 2), vocab)] == []
    vocab.add_metric(
        Metric(
            key="wells_poisoned", label="Wells poisoned", noun="wells poisoned", unit="wells",
            signals={"population": ["wells", "water sources"], "outcome": ["poisoned"]},
        )
    )  # fmt: skip
    [c] = extract_candidates(text, date(2024, 5, 2), vocab)
    assert (c.metric, c.value) == ("wells_poisoned", 14)


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        ("Gunmen stormed the village, killing 14 farmers and wounding three, officials said.",
         "people_killed", 14),
        ("Residents said the killing of at least 420 residents went on for two days.",
         "people_killed", 420),
        ("At least 60 men were executed in the square, the monitor said.", "people_killed", 60),
        ("Some 35 people lost their lives in the floods that followed, the agency said.",
         "people_killed", 35),
        ("The agency said 1,200 people had been abducted since January.", "people_abducted", 1200),
        ("About 2.3 million people have been internally displaced, the agency said.",
         "displaced_internal", 2300000),
        ("Strikes destroyed 1,500 homes in the province, the authorities said.",
         "buildings_destroyed", 1500),
        ("The group said 12 aid workers were killed last month.", "aid_workers_killed", 12),
    ],
)  # fmt: skip
def test_outcome_words_beyond_killed_and_injured_are_read(vocab, text, metric, value):
    found = extract_candidates(text, date(2024, 5, 2), vocab)
    assert (found[0].metric, found[0].value) == (metric, value)


def test_civilians_are_taken_only_from_the_figures_own_sentence(vocab):
    text = (
        "The agency does not separate fighters from civilians. "
        "Some 2,000 people have been hurt, it said."
    )
    [c] = extract_candidates(text, date(2024, 5, 2), vocab)
    assert c.metric == "people_injured"


def test_a_running_total_since_the_war_began_starts_on_that_conflicts_start(vocab):
    text = "Gaza's health ministry said 30,035 people had been killed since the war began."
    [c] = extract_candidates(text, date(2024, 2, 29), vocab)
    assert (c.metric, c.period_start, c.period_end, c.cumulative) == (
        "people_killed", date(2023, 10, 7), date(2024, 2, 29), True
    )  # fmt: skip
    text = "Sudan's health ministry said 3,000 people had died since the war began."
    [c] = extract_candidates(text, date(2023, 6, 20), vocab)
    assert c.period_start == date(2023, 4, 15)


def test_last_year_is_the_whole_previous_year_and_a_month_and_year_is_that_month(vocab):
    [c] = extract_candidates(
        "Example Monitor said 4,100 civilians were killed in Sudan last year.",
        date(2025, 2, 5),
        vocab,
    )
    assert (c.period_start, c.period_end, c.cumulative) == (
        date(2024, 1, 1), date(2024, 12, 31), False
    )  # fmt: skip
    [c] = extract_candidates(
        "In June 2014, a car bomb in Homs killed 38 people, Example Archive said.",
        date(2019, 7, 3),
        vocab,
    )
    assert (c.period_start, c.period_end) == (date(2014, 6, 1), date(2014, 6, 30))


def test_a_place_no_gazetteer_knows_is_kept_as_written_never_replaced(vocab):
    text = (
        "Sudan's army said fighting continued. Soldiers raided the village of Tar Taing, "
        "killing 14 farmers, Example Monitor said."
    )
    [c] = extract_candidates(text, date(2024, 2, 8), vocab)
    assert (c.place, c.place_key) == ("Tar Taing", None)
