"""The extraction assistant: the seed article, each listed phenomenon, and floors on
precision and recall over the hand-labelled passages (tests/fixtures/extraction)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, ROOT
from tracker.domain.lookup import Vocabulary
from tracker.extraction.extractor import Candidate, extract_candidates, suggest_claimant
from tracker.files.reading import load_vocabulary
from tracker.store.db import read_session


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


def extract(text: str, published: str, vocab: Vocabulary) -> list[Candidate]:
    return extract_candidates(text, date.fromisoformat(published), vocab)


def summary(c: Candidate) -> tuple:
    return (c.metric, c.value, c.qualifier, c.claimant_key, c.place_key)


def test_seed_article_yields_the_un_and_settlement_figures_and_no_date(vocab):
    text = (FIXTURES / "seed_article.txt").read_text(encoding="utf-8")
    found = extract(text, "2023-02-14", vocab)
    assert [summary(c) for c in found] == [
        ("settlements_attacked", 1, "exact", "general_staff_ua", "UA-63"),
        ("settlements_attacked", 5, "about", "general_staff_ua", "UA-09"),
        ("settlements_attacked", 6, "exact", "general_staff_ua", "UA-14"),
        ("civilian_killed", 7199, "exact", "ohchr", "UA"),
        ("civilian_injured", 11756, "exact", "ohchr", "UA"),
    ]
    for c in found[:3]:
        assert (c.period_start, c.period_end, c.cumulative) == (
            date(2023, 2, 13),
            date(2023, 2, 14),
            False,
        )
    for c in found[3:]:
        assert (c.period_start, c.cumulative) == (date(2022, 2, 24), True)
        assert c.quote.startswith("The U.N. human rights office said on Monday")
    assert [text[c.start : c.end] for c in found] == ["one", "five", "six", "7,199", "11,756"]
    # No year or date is a figure: 2023, 14, 13 and 24 all appear in the text.
    assert {c.value for c in found}.isdisjoint({2023, 2022, 14, 13, 24})


def test_vague_words_are_not_figures(vocab):
    text = "Dozens of civilians were killed and hundreds injured, Example Monitor said."
    assert extract(text, "2023-01-20", vocab) == []


def test_years_dates_ages_distances_and_times_are_not_figures(vocab):
    text = (
        "At 7:40 a.m. on 2 November 2022 a strike 15 km from the front killed a 14-year-old "
        "boy and a man aged 60 in the Sumy region, Example Monitor said."
    )
    assert extract(text, "2022-11-03", vocab) == []


def test_counts_of_things_that_are_no_metric_are_not_figures(vocab):
    text = "Example Alliance said it would send 14 tanks and 300 more troops, and 3,000 drones."
    assert extract(text, "2023-01-26", vocab) == []


def test_qualifiers_and_ranges(vocab):
    text = (
        "Example Monitor said at least 12 civilians were killed in the Kharkiv region, "
        "nearly 40 in the Sumy region, up to 15 in the Poltava region, fewer than 5 in the "
        "Lviv region and between 40 and 50 in the Odesa region."
    )
    found = extract(text, "2023-05-01", vocab)
    assert [(c.value, c.low, c.high, c.qualifier, c.place_key) for c in found] == [
        (12, None, None, "at_least", "UA-63"),
        (40, None, None, "about", "UA-59"),
        (15, None, None, "at_most", "UA-53"),
        (5, None, None, "fewer_than", "UA-46"),
        (None, 40, 50, "exact", "UA-51"),
    ]
    assert {c.metric for c in found} == {"civilian_killed"}


def test_attribution_in_a_later_sentence_of_the_paragraph(vocab):
    text = (
        "Shelling killed four civilians in the Kherson region overnight. "
        "The figures were released by the UN human rights office."
    )
    [c] = extract(text, "2024-03-12", vocab)
    assert (c.value, c.claimant_key, c.claimant) == (4, "ohchr", "UN human rights office")


def test_an_unknown_claimant_is_kept_as_written_and_only_suggested(vocab):
    text = "The UN human rights agncy said 5 civilians were wounded in Kyiv on Monday."
    [c] = extract(text, "2023-02-14", vocab)
    assert (c.claimant, c.claimant_key) == ("UN human rights agncy", None)
    assert "ohchr" in (suggest_claimant(c, vocab) or "")


@pytest.mark.parametrize(
    ("phrase", "start", "end", "cumulative"),
    [
        ("over the past 24 hours", "2023-02-13", "2023-02-14", False),
        ("last week", "2023-02-06", "2023-02-12", False),
        ("on Monday", "2023-02-13", "2023-02-13", False),
        ("since Feb. 24", "2022-02-24", "2023-02-14", True),
        ("in January", "2023-01-01", "2023-01-31", False),
        ("between 1 February and 10 February", "2023-02-01", "2023-02-10", False),
    ],
)
def test_dates_resolve_against_the_publication_date(vocab, phrase, start, end, cumulative):
    text = f"Example Monitor said 17 civilians were killed in the Donetsk region {phrase}."
    [c] = extract(text, "2023-02-14", vocab)  # a Tuesday
    assert (c.period_start, c.period_end, c.cumulative) == (
        date.fromisoformat(start),
        date.fromisoformat(end),
        cumulative,
    )


def test_the_database_vocabulary_gives_the_same_candidates(vocab_engine, vocab):
    text = (FIXTURES / "seed_article.txt").read_text(encoding="utf-8")
    with read_session(vocab_engine) as session:
        stored = Vocabulary.load(session)
    assert extract(text, "2023-02-14", stored) == extract(text, "2023-02-14", vocab)


def _evaluation_script():
    spec = importlib.util.spec_from_file_location(
        "evaluate_extraction", ROOT / "scripts" / "evaluate_extraction.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_precision_and_recall_on_the_labelled_passages_stay_above_their_floors(vocab):
    script = _evaluation_script()
    files = sorted((FIXTURES / "extraction").glob("*.yaml"))
    score = script.evaluate(script.load_passages(files), vocab)
    assert score.expected >= 80
    assert score.precision(score.hits) >= 0.95 and score.recall(score.hits) >= 0.95
    for field in script.FIELDS:
        n = score.right[field]
        assert score.precision(n) >= 0.85 and score.recall(n) >= 0.85, field
    assert score.recall(score.exact) >= 0.8
    # The held-out passages were never tuned on: a looser floor, but a floor.
    held_out = script.evaluate(script.load_passages([FIXTURES / "extraction/holdout.yaml"]), vocab)
    assert held_out.recall(held_out.hits) >= 0.9 and held_out.precision(held_out.hits) >= 0.9


_VOCABULARY = (
    "killed injured civilians children settlements refugees at least about over up to "
    "between and since on Monday last week in May the Donetsk region Kyiv UN human rights "
    "office said according to , . - 7,199 11 756 1.5 million five a dozen hundreds 2023 "
    "Feb. 24 4 a.m. 15 km 14-year-old 40-50"
)
_WORDS = st.sampled_from([*_VOCABULARY.split(), "\n\n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, max_size=60))
def test_any_text_gives_well_formed_candidates(vocab, words):
    text = " ".join(words)
    published = date(2023, 2, 14)
    for c in extract_candidates(text, published, vocab):
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] in c.quote and c.quote in text
        assert c.period_end is None or c.period_end <= published
        assert c.period_start is None or c.period_end is None or c.period_start <= c.period_end
        assert c.value is not None or (c.low is not None and c.high is not None)
        assert c.metric is None or c.metric in vocab.metrics


def test_every_war_meets_the_floors_figures_places_and_no_loss_on_ukraine(vocab):
    """Per war (tests/fixtures/extraction/war_*.yaml and heldout_*.yaml: Gaza, Sudan, Syria,
    Yemen, Myanmar, Haiti): figure recall at least 0.9, precision at least 0.85, the place
    resolved (to the right key) for at least 8 in 10 found figures whose passage names one,
    and nothing spurious (years, dates, ages, weapon counts are in the passages); the
    Ukrainian passages keep every figure."""
    script = _evaluation_script()
    passages = script.load_passages(sorted((FIXTURES / "extraction").glob("*.yaml")))
    wars = {p.war for p in passages}
    assert len(wars - {"ukraine"}) >= 5
    for war in wars:
        score = script.evaluate([p for p in passages if p.war == war], vocab)
        assert score.recall(score.hits) >= 0.9, war
        assert score.precision(score.hits) >= 0.85, war
        assert score.placed_right >= 0.8 * score.named, war
        assert score.predicted == score.hits, (war, score.misses)
        if war == "ukraine":
            assert score.hits == score.expected
