"""Quote checks: the figure is in the quote, the quote is in the source, and a mismatch is
saved only with a recorded confirmation."""

from __future__ import annotations

import pytest

from tests.helpers import BASE_CLAIM, BASE_SOURCE, claim
from tracker.core.errors import ValidationFailed
from tracker.domain.models import Claim
from tracker.domain.schemas import ClaimIn, SourceIn
from tracker.domain.vocab import Role
from tracker.extraction.quotes import QuoteMismatch, numbers_in, quote_checks, quote_in_text
from tracker.files.importer import apply_import, plan_import
from tracker.files.reading import read_texts
from tracker.store.db import read_session, write_session
from tracker.store.history import RevisionFilter, revisions
from tracker.store.write import SYSTEM, Actor, add_claim, add_source, set_claim_status, update_claim

CURATOR = Actor("cora", Role.curator)
EDITOR = Actor("eddie", Role.editor)


def check(text=None, **fields):
    return quote_checks(
        ClaimIn.model_validate(claim(**fields)),
        SourceIn.model_validate(BASE_SOURCE | {"text": text}),
    )


@pytest.mark.parametrize(
    "quote",
    [
        "it had recorded 7,199 civilian deaths",
        "it had recorded 7199 civilian deaths",
        "it had recorded 7 199 civilian deaths",
        "it had recorded 7\u202f199 civilian deaths",
        "es wurden 7.199 Tote gezählt",
        "seven thousand one hundred and ninety-nine civilians",
    ],
)
def test_the_figure_is_found_as_digits_in_any_grouping_or_in_words(quote):
    result = check(quote=quote)
    assert result.figure_in_quote and result.found_in == "quote"


@pytest.mark.parametrize(
    ("quote", "value"),
    [
        ("six in the Donetsk region", 6),
        ("one settlement of the Kharkiv region", 1),
        ("about five in Luhansk", 5),
        ("more than 1.5 million people fled", 1_500_000),
        ("8m refugees recorded", 8_000_000),
    ],
)
def test_number_words_and_scale_words_count_as_the_figure(quote, value):
    assert check(quote=quote, value=value).ok


def test_a_figure_missing_from_the_quote_is_reported_on_the_quote_field():
    result = check(quote="it had recorded 7,119 civilian deaths")
    assert (result.missing, result.ok) == ((7199,), False)
    [problem] = result.problems()
    assert problem.field == "quote"
    assert problem.message.startswith(
        "the figure 7,199 does not appear in the quote (as digits or in words)"
    )


def test_vague_words_are_not_figures():
    assert not check(quote="hundreds of civilians were killed", value=100).figure_in_quote
    assert numbers_in("dozens injured, thousands fled") == set()


def test_both_ends_of_a_range_must_be_in_the_quote():
    assert check(quote="between 5 and 7 settlements", value=None, low=5, high=7).ok
    result = check(quote="up to 7 settlements", value=None, low=5, high=7)
    assert result.missing == (5,)


def test_a_quote_in_another_language_is_checked_against_its_translation():
    result = check(
        quote="шість населених пунктів",
        quote_language="uk",
        quote_translation="six settlements",
        value=6,
    )
    assert (result.ok, result.found_in) == (True, "translation")


def test_the_quote_is_found_in_the_source_text_despite_spacing_quotes_and_dashes():
    text = (
        "The office said \u201cit had  recorded\n7,199 civilian deaths\u201d \u2014 and that "
        "the real figures were considerably higher."
    )
    assert check(text=text, quote='it had recorded 7,199 civilian deaths" - and that').ok
    assert quote_in_text("it had recorded 7,199 [...] considerably higher", text)
    assert not quote_in_text("considerably higher \u2026 it had recorded", text)  # order counts


def test_a_quote_not_in_the_source_text_is_reported_and_no_text_means_no_check():
    result = check(text="The office gave no new figure.")
    assert (result.quote_in_source, result.ok) == (False, False)
    assert "the quote is not in the source's stored text" in result.problems()[0].message
    assert check(text=None).quote_in_source is None


@pytest.fixture
def source_id(vocab_engine) -> int:
    text = "The office said it had recorded 7,199 civilian deaths since 24 February."
    with write_session(vocab_engine) as s:
        return add_source(s, CURATOR, SourceIn.model_validate(BASE_SOURCE | {"text": text})).id


def test_a_mismatching_claim_is_refused_without_a_reason_and_nothing_is_written(
    vocab_engine, source_id
):
    with pytest.raises(QuoteMismatch) as exc, write_session(vocab_engine) as s:
        add_claim(s, CURATOR, source_id, ClaimIn.model_validate(claim(value=7200)))
    assert str(exc.value).startswith("quote: the figure 7,200 does not appear in the quote")
    assert "confirm it with a reason (check_override)" in str(exc.value)
    assert isinstance(exc.value, ValidationFailed)
    with read_session(vocab_engine) as s:
        assert s.get(Claim, 1) is None


def test_a_confirmed_mismatch_is_saved_with_its_reason_in_the_claim_and_revision(
    vocab_engine, source_id
):
    reason = "the article rounds; the figure is from the OHCHR table it links to"
    with write_session(vocab_engine) as s:
        saved = add_claim(
            s,
            CURATOR,
            source_id,
            ClaimIn.model_validate(claim(value=7200, check_override=reason)),
        )
    with read_session(vocab_engine) as s:
        assert s.get(Claim, saved.id).check_override == reason
    [created] = revisions(vocab_engine, RevisionFilter("claim", saved.id))
    assert created.after["check_override"] == reason


def test_a_correction_that_breaks_the_quote_needs_a_new_confirmation(vocab_engine, source_id):
    with write_session(vocab_engine) as s:
        claim_id = add_claim(s, CURATOR, source_id, ClaimIn.model_validate(BASE_CLAIM)).id
    with pytest.raises(QuoteMismatch), write_session(vocab_engine) as s:
        update_claim(s, CURATOR, claim_id, {"value": 7300}, expected_version=1, reason="typo")
    with write_session(vocab_engine) as s:
        update_claim(
            s,
            CURATOR,
            claim_id,
            {"value": 7300, "check_override": "the outlet corrected the figure, not the quote"},
            expected_version=1,
            reason="typo",
        )
    # The confirmation was for 7,300; another figure must be confirmed again.
    with pytest.raises(QuoteMismatch), write_session(vocab_engine) as s:
        update_claim(s, CURATOR, claim_id, {"value": 7400}, expected_version=2, reason="again")
    [latest, *_] = revisions(vocab_engine, RevisionFilter("claim", claim_id))
    assert ("check_override", None, "the outlet corrected the figure, not the quote") in (
        latest.changes
    )


def test_reviewing_an_imported_claim_is_not_held_up_by_its_quote(vocab_engine):
    # Imports do not run the form's checks; reviewing such a claim later must still work.
    doc = (
        "source:\n  url: https://example.org/a\n  title: T\n  publisher: Example Wire\n"
        "  published: 2023-02-14\nclaims:\n  - metric: civilian_killed\n    value: 7200\n"
        "    claimant: Example Monitor\n    place: UA\n    period_end: 2023-02-12\n"
        "    quote: no figure here\n"
    )
    vocab, sources = read_texts([("a.yaml", doc)])
    with write_session(vocab_engine) as s:
        apply_import(s, SYSTEM, plan_import(s, vocab, sources))
    with write_session(vocab_engine) as s:
        set_claim_status(s, EDITOR, 1, "corroborated", reason="matches", expected_version=1)
    with read_session(vocab_engine) as s:
        assert s.get(Claim, 1).status == "corroborated"
