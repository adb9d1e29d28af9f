"""The checks find exactly what the per-claim engine found before the columnar rewrite:
the same rules, severities, messages, claims in the same order and sources, on SQLite and
PostgreSQL (the reference: `tests/checks_reference.py`)."""

from __future__ import annotations

import pytest

from tests.checks_reference import as_rows, load_sources, read_reference
from tracker.checks.rules import findings_by_claim, run_checks


@pytest.fixture(scope="module")
def reference() -> dict:
    return read_reference()


def test_full_check_finds_the_same_as_before_on_the_sample(sample_engine, reference):
    assert as_rows(sample_engine, run_checks(sample_engine)) == reference["findings"]["sample"]


def test_full_check_finds_the_same_as_before_on_a_synthetic_store(engine, reference):
    load_sources(engine, reference["synthetic_sources"])
    found = as_rows(engine, run_checks(engine))
    expected = reference["findings"]["synthetic"]
    assert {row[0] for row in expected} >= {
        "duplicate-claim",
        "cumulative-decrease",
        "sudden-jump",
        "claimant-disagreement",
        "conflicting-figures",
    }
    assert found == expected


def test_findings_by_claim_are_the_full_runs_findings(sample_engine):
    by_claim = findings_by_claim(sample_engine)
    every = run_checks(sample_engine)
    assert {c: [f] for f in every for c in f.claims}.keys() == by_claim.keys()
    for claim_id, found in by_claim.items():
        assert found == [f for f in every if claim_id in f.claims]
