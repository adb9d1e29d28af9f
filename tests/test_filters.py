"""One filter definition serves every view and export."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tracker.domain.models import Claim, Source
from tracker.read import queries
from tracker.read.filters import ClaimFilter, where
from tracker.store.db import read_session, write_session
from tracker.store.write import SYSTEM, update_claim, update_source


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


# --- full-text search (SQLite FTS5, PostgreSQL tsvector), kept in step with every write ---------


def test_text_search_finds_whole_words_and_phrases_in_quotes_and_titles(sample_engine):
    # The seed article's quote: "recorded 7,199 civilian deaths and 11,756 wounded since ..."
    assert "seed-2023-02-13-killed" in keys(sample_engine, ClaimFilter(text="civilian deaths"))
    assert "seed-2023-02-13-killed" in keys(sample_engine, ClaimFilter(text="CIVILIAN DEATHS"))
    # Words in another order are not the typed text.
    assert "seed-2023-02-13-killed" not in keys(sample_engine, ClaimFilter(text="deaths civilian"))
    # Its title, "New Russian offensive underway in Ukraine - NATO", finds all its claims.
    titled = keys(sample_engine, ClaimFilter(text="offensive underway"))
    assert {"seed-2023-02-13-killed", "seed-2023-02-13-injured"} <= titled


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        '""',
        'civilian" OR "a',
        "civilian AND deaths",
        "NEAR(civilian deaths)",
        "civil*",
        "^civilian",
        "quote: civilian",
        "title : x",
        "{quote}: civilian",
        "(",
        "-civilian",
        "civilian deaths'); DROP TABLE claim_fts; --",
        "\\",
        "∑ 🇺🇦 ",
    ],
)
def test_search_syntax_typed_by_a_reader_is_plain_text(sample_engine, typed):
    """Nothing typed is an FTS5 or tsquery operator: it never errors, and whatever it finds
    contains the typed text (case aside)."""
    found = keys(sample_engine, ClaimFilter(text=typed))
    with read_session(sample_engine) as s:
        for quote, title in s.exec(
            select(Claim.quote, Source.title)
            .join(Source, Source.id == Claim.source_id)
            .where(Claim.key.in_(found))
        ):
            assert typed.strip().lower() in (quote + "\n" + title).lower()


def test_search_follows_corrections_and_new_claims_at_once(sample_engine):
    """Triggers keep SQLite's FTS5 tables in step (PostgreSQL indexes the column itself):
    a corrected quote is found by its new words and no longer by its old ones."""
    with read_session(sample_engine) as s:
        target = s.exec(select(Claim).where(Claim.key == "seed-2023-02-13-killed")).one()
        source = s.get(Source, target.source_id)
    assert "seed-2023-02-13-killed" in keys(sample_engine, ClaimFilter(text="civilian deaths"))
    with write_session(sample_engine) as s:
        update_claim(
            s,
            SYSTEM,
            target.id,
            {"quote": "the office counted 7,199 noncombatant fatalities", "check_override": "t"},
            expected_version=target.version,
            reason="test: quote corrected",
        )
        update_source(
            s,
            SYSTEM,
            source.id,
            {"title": "Zyxwvut headline"},
            expected_version=source.version,
            reason="test: title corrected",
        )
    assert "seed-2023-02-13-killed" in keys(sample_engine, ClaimFilter(text="noncombatant"))
    assert "seed-2023-02-13-killed" in keys(sample_engine, ClaimFilter(text="zyxwvut"))
    old = keys(sample_engine, ClaimFilter(text="recorded 7,199 civilian deaths and"))
    assert "seed-2023-02-13-killed" not in old
    assert queries.count_sources(sample_engine, "Zyxwvut headline") == 1
