"""One filter definition serves every view and export."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from tracker.db import read_session
from tracker.filters import ClaimFilter, where
from tracker.models import Claim


def keys(engine, f: ClaimFilter) -> set[str]:
    with read_session(engine) as s:
        return set(s.exec(select(Claim.key).where(where(f))))


def test_empty_filter_is_all_claims(sample_engine):
    assert len(keys(sample_engine, ClaimFilter())) >= 187
    assert ClaimFilter().describe() == "all claims"


def test_metric_place_claimant_and_dates_narrow_the_set(sample_engine):
    f = ClaimFilter(
        metric="civilian_killed",
        place="UA",
        claimants=("ohchr",),
        date_from=date(2023, 2, 1),
        date_to=date(2023, 2, 28),
    )
    found = keys(sample_engine, f)
    assert "ohchr-2023-02-12-killed" in found and "ohchr-2023-02-15-killed" in found
    assert all("killed" in k for k in found)
    assert "as of 2023-02-01 or later" in f.describe()


def test_text_search_matches_quotes_and_titles_literally(sample_engine):
    assert "ohchr-2023-02-12-killed" in keys(sample_engine, ClaimFilter(text="7,199"))
    assert keys(sample_engine, ClaimFilter(text="%zz%")) == set()  # % is literal
    assert keys(sample_engine, ClaimFilter(text="'; DROP TABLE claim; --")) == set()
