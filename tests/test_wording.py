"""The form's preview sentence: a claim read back in plain words."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import BASE_SOURCE, claim
from tracker.domain.lookup import Vocabulary
from tracker.domain.schemas import ClaimIn, SourceIn
from tracker.sharing.wording import preview_sentence
from tracker.store.db import read_session

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def vocab(vocab_engine) -> Vocabulary:
    with read_session(vocab_engine) as s:
        return Vocabulary.load(s)


def preview(vocab, source=True, **fields) -> str:
    src = SourceIn.model_validate(BASE_SOURCE) if source else None
    return preview_sentence(ClaimIn.model_validate(claim(**fields)), vocab, src)


def test_the_preview_reads_the_claim_back_in_one_sentence(vocab):
    assert preview(vocab) == (
        "OHCHR claims at least 7,199 civilians killed in Ukraine between 24 Feb 2022 and "
        "12 Feb 2023, quoted in Example Wire, 14 Feb 2023"
    )


def test_the_preview_uses_the_names_the_curator_typed_when_the_vocabulary_knows_them(vocab):
    sentence = preview(
        vocab,
        claimant="U.N. human rights office",
        place="the Donetsk region",
        qualifier="about",
        value=8000,
        period_start=None,
    )
    assert sentence.startswith(
        "OHCHR claims about 8,000 civilians killed in Donetsk Oblast as of 12 Feb 2023"
    )


def test_the_preview_of_a_range_a_single_day_and_a_new_claimant(vocab):
    sentence = preview(
        vocab,
        source=False,
        claimant="Example Monitor",
        metric="settlements_shelled",
        value=None,
        low=5,
        high=7,
        qualifier="exact",
        period_start="2023-02-14",
        period_end="2023-02-14",
    )
    assert sentence == "Example Monitor claims 5 to 7 settlements shelled in Ukraine on 14 Feb 2023"


def test_one_is_singular(vocab):
    assert "claims 1 civilian killed in" in preview(vocab, value=1, qualifier="exact")
    assert "claims 1 child killed in" in preview(
        vocab, value=1, qualifier="exact", metric="children_killed"
    )


def test_the_preview_formats_numbers_and_dates_for_a_locale(vocab):
    sentence = preview_sentence(
        ClaimIn.model_validate(claim()), vocab, SourceIn.model_validate(BASE_SOURCE), locale="de"
    )
    assert "at least 7.199 civilians killed" in sentence
    assert "between 24 Feb. 2022 and 12 Feb. 2023" in sentence


def test_the_library_modules_for_the_forms_never_import_streamlit():
    code = (
        "import sys, tracker.store.accounts, tracker.sharing.wording, tracker.extraction.quotes, tracker.store.history, "
        "tracker.files.csvfile, tracker.curation, tracker.extraction.extractor; sys.exit('streamlit' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, check=False
    )
    assert result.returncode == 0
