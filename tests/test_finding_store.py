"""The checks' findings kept in the database (tracker.checks.finding_store): stored whole by a first
refresh, brought up to date after writes by checking only what changed, always equal to a
fresh full run, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from tests.checks_reference import load_sources, read_reference
from tests.dbstate import everything
from tracker.checks.finding_store import refresh_findings
from tracker.checks.findings import (
    SEVERITIES,
    changes_since_checked,
    checked_state,
    finding_counts,
    findings_page,
    iter_stored_findings,
    stored_findings,
)
from tracker.checks.rules import run_checks
from tracker.domain.models import (
    Claim,
    Claimant,
    FindingClaim,
    Revision,
    Source,
    StoredFinding,
)
from tracker.domain.schemas import ClaimantIn
from tracker.store.db import read_session, write_session
from tracker.store.write import (
    SYSTEM,
    add_claimant,
    bump_data_version,
    set_claim_status,
    update_claim,
    update_source,
)


def keys(engine) -> dict[str, Claim]:  # noqa: ANN001
    with read_session(engine) as s:
        return {c.key: c for c in s.exec(select(Claim)).all()}


def stored_ids(engine) -> dict[tuple, int]:  # noqa: ANN001
    """(rule, claims) -> the stored row's id: a row that was not replaced keeps its id."""
    with read_session(engine) as s:
        rows = s.exec(select(StoredFinding.id, StoredFinding.rule, StoredFinding.claims)).all()
    return {(rule, tuple(claims)): id_ for id_, rule, claims in rows}


def assert_stored_equals_a_full_run(engine) -> None:  # noqa: ANN001
    full_run = run_checks(engine)
    assert stored_findings(engine) == full_run
    assert list(iter_stored_findings(engine)) == full_run
    assert checked_state(engine).counts == finding_counts(engine)


def correct_police_toll(engine, claim_id: int) -> None:  # noqa: ANN001
    """The police's toll corrected upwards (a typo): its cumulative decrease goes away."""
    with write_session(engine) as s:
        update_claim(
            s,
            SYSTEM,
            claim_id,
            {"value": 13000, "check_override": "test: the quote is left as it was"},
            expected_version=1,
            reason="typo",
        )


def refresh_in_full_sees_the_correction(engine, police_id: int) -> None:  # noqa: ANN001
    """The next refresh checks everything again, and the corrected toll has no decrease."""
    done = refresh_findings(engine)
    assert (done.status, done.full) == ("refreshed", True)
    assert_stored_equals_a_full_run(engine)
    assert not [
        f
        for f in stored_findings(engine)
        if police_id in f.claims and f.rule == "cumulative-decrease"
    ]


def add_a_note(engine, claim_id: int) -> None:  # noqa: ANN001
    """A change that moves no finding."""
    with write_session(engine) as s:
        update_claim(s, SYSTEM, claim_id, {"notes": "seen"}, expected_version=1, reason="test")


def test_a_first_refresh_stores_exactly_what_a_full_run_finds(sample_engine):
    assert checked_state(sample_engine).checked_at is None
    done = refresh_findings(sample_engine)
    assert (done.status, done.full) == ("refreshed", True)
    found = run_checks(sample_engine)
    assert done.findings == len(found) > 0
    assert stored_findings(sample_engine) == found
    assert stored_findings(sample_engine, ["sudden-jump"]) == [
        f for f in found if f.rule == "sudden-jump"
    ]
    state = checked_state(sample_engine)
    assert state.checked_at is not None
    assert sum(state.counts.values()) == len(found)
    assert changes_since_checked(sample_engine, state.revision_id) == 0
    # Each finding's claims are linked, for "the findings of this claim" in one lookup.
    with read_session(sample_engine) as s:
        links = len(s.exec(select(FindingClaim)).all())
    assert links == sum(len(set(f.claims)) for f in found)


def test_a_refresh_on_unchanged_data_writes_nothing(sample_engine):
    refresh_findings(sample_engine)
    before = everything(sample_engine)
    assert refresh_findings(sample_engine).status == "current"
    assert everything(sample_engine) == before


def test_one_page_of_a_check_is_its_findings_in_run_checks_order(sample_engine):
    refresh_findings(sample_engine)
    found = run_checks(sample_engine)
    rule = max({f.rule for f in found}, key=lambda r: sum(f.rule == r for f in found))
    of_rule = [f for f in found if f.rule == rule]
    assert len(of_rule) >= 2
    assert findings_page(sample_engine, rule, limit=1, offset=1) == of_rule[1:2]
    assert findings_page(sample_engine, rule, limit=100) == of_rule
    # Any choice of severities, any page: the slice of the full run's list.
    for rule in {f.rule for f in found}:
        for chosen in ([], ["info"], ["warning", "info"], ["error", "info"], SEVERITIES):
            wanted = [f for f in found if f.rule == rule and (not chosen or f.severity in chosen)]
            for limit, offset in ((1, 0), (1, 1), (2, 1), (3, 2), (50, 0)):
                page = findings_page(sample_engine, rule, chosen, limit=limit, offset=offset)
                assert page == wanted[offset : offset + limit], (rule, chosen, limit, offset)


def test_after_edits_only_what_changed_is_checked_again_and_equals_a_full_run(sample_engine):
    refresh_findings(sample_engine)
    first = stored_ids(sample_engine)
    claims = keys(sample_engine)

    def edit(fn) -> None:  # noqa: ANN001
        with write_session(sample_engine) as s:
            fn(s)
        done = refresh_findings(sample_engine)
        assert (done.status, done.full) == ("refreshed", False)
        assert 0 < done.claims < len(claims)
        assert_stored_equals_a_full_run(sample_engine)

    # A corrected figure removes the decrease.
    police = claims["police-2024-01-31-killed"]
    edit(
        lambda s: update_claim(
            s,
            SYSTEM,
            police.id,
            {"value": 13000, "check_override": "test: the quote is left as it was"},
            expected_version=1,
            reason="typo",
        )
    )
    # A claim moved to another metric and place leaves its old series and joins a new one.
    pgo = claims["pgo-2025-10-27-children_killed"]
    edit(
        lambda s: update_claim(
            s,
            SYSTEM,
            pgo.id,
            {"metric": "children_injured", "place": "UA-14"},
            expected_version=1,
            reason="test move",
        )
    )
    # A relay that stops being one: its statement (and the original's) change.
    seed = claims["seed-2023-02-13-killed"]
    edit(
        lambda s: update_claim(
            s,
            SYSTEM,
            seed.id,
            {"value": 7200, "check_override": "test: a different figure"},
            expected_version=seed.version,
            reason="test restatement",
        )
    )
    # A source whose date is corrected: its claims now end after publication.
    with read_session(sample_engine) as s:
        source = s.get(Source, seed.source_id)
    edit(
        lambda s: update_source(
            s,
            SYSTEM,
            source.id,
            {"published": date(2023, 2, 10), "text": "A different article."},
            expected_version=source.version,
            reason="test",
        )
    )
    stored = stored_findings(sample_engine)
    assert "period-after-publication" in {f.rule for f in stored if seed.id in f.claims}
    # A retraction takes the claim out of every check.
    other = claims["police-2022-06-13-killed"]
    edit(
        lambda s: set_claim_status(
            s, SYSTEM, other.id, "retracted", reason="test", expected_version=other.version
        )
    )
    # Series no edit touched (children injured in Ukraine) kept their rows.
    moia = claims["moia-2022-02-27-children_injured"].id
    kept = {k: v for k, v in first.items() if moia in k[1]}
    assert kept
    assert all(stored_ids(sample_engine).get(k) == v for k, v in kept.items())


def largest_group(engine, *, cumulative: bool = True) -> dict[int, Claim]:  # noqa: ANN001
    """The claims of the (metric, place) with the most claims of running totals (or of
    per-period figures), by id."""
    with read_session(engine) as s:
        metric, place = s.exec(
            select(Claim.metric_id, Claim.place_id)
            .where(Claim.cumulative == cumulative)
            .group_by(Claim.metric_id, Claim.place_id)
            .order_by(func.count(Claim.id).desc())
            .limit(1)
        ).one()
        claims = s.exec(select(Claim).where(Claim.metric_id == metric, Claim.place_id == place))
        return {c.id: c for c in claims}


def test_an_edit_in_a_group_of_fifty_claimants_leaves_what_a_full_run_finds(engine):
    """In a (metric, place) group of fifty claimants an edit can change the findings about
    its claimant's series and its claimant's 49 pairs only: those are checked again, and
    the stored findings still equal a full run's; the findings about other claimants keep
    their rows."""
    load_sources(engine, read_reference()["synthetic_sources"])
    refresh_findings(engine)
    with read_session(engine) as s:
        claimant_of = dict(s.exec(select(Claim.id, Claim.claimant_id)).all())

    def edit(claim: Claim, changes: dict) -> None:
        first = stored_ids(engine)
        before = stored_findings(engine)
        with write_session(engine) as s:
            version = s.get(Claim, claim.id).version
            update_claim(s, SYSTEM, claim.id, changes, expected_version=version, reason="test")
            affected = {claim.claimant_id, s.get(Claim, claim.id).claimant_id}
        done = refresh_findings(engine)
        assert (done.status, done.full) == ("refreshed", False)
        assert_stored_equals_a_full_run(engine)
        assert stored_findings(engine) != before
        others = {k: v for k, v in first.items() if not affected & {claimant_of[c] for c in k[1]}}
        assert any(rule == "claimant-disagreement" for rule, _claims in others)
        assert all(stored_ids(engine).get(k) == v for k, v in others.items())

    disagreements = [f for f in stored_findings(engine) if f.rule == "claimant-disagreement"]
    for cumulative in (False, True):
        claims = largest_group(engine, cumulative=cumulative)
        assert len({c.claimant_id for c in claims.values()}) == 50
        in_disagreements = [claims[c] for f in disagreements for c in f.claims if c in claims]
        # A figure tripled: its claimant's series and pairs change.
        tripled = in_disagreements[0]
        figure = {k: 3 * v for k in ("value", "low", "high") if (v := getattr(tripled, k))}
        edit(tripled, figure | {"check_override": "test: a tripled figure"})
    # A claim credited to another claimant leaves one series and joins another.
    moved = next(c for c in in_disagreements if c.claimant_id != tripled.claimant_id)
    to = max({c.claimant_id for c in claims.values()} - {tripled.claimant_id, moved.claimant_id})
    with read_session(engine) as s:
        edit(moved, {"claimant": s.get(Claimant, to).key})


def test_series_findings_stored_one_part_per_group_are_replaced_whole(engine):
    """A store whose findings were kept by an older checkout holds each group's series
    findings as one part ("series:<metric>:<place>"): the first refresh after an edit checks
    that group whole and stores it per claimant and pair."""
    load_sources(engine, read_reference()["synthetic_sources"])
    refresh_findings(engine)
    claims = largest_group(engine)
    some = next(iter(claims.values()))
    whole = f"series:{some.metric_id}:{some.place_id}"
    with write_session(engine) as s:
        s.execute(
            update(StoredFinding).where(StoredFinding.part.like(whole + ":%")).values(part=whole)
        )
    claim = next(c for c in claims.values() if c.cumulative)
    with write_session(engine) as s:
        update_claim(
            s,
            SYSTEM,
            claim.id,
            {"value": 3 * (claim.value or claim.high), "check_override": "test"},
            expected_version=claim.version,
            reason="test",
        )
    assert refresh_findings(engine).full is False
    assert_stored_equals_a_full_run(engine)
    with read_session(engine) as s:
        parts = s.exec(select(StoredFinding.part).where(StoredFinding.part.like(whole + "%")))
        assert whole not in set(parts)


def test_a_refresh_over_its_budget_is_deferred_and_writes_nothing(sample_engine):
    before = everything(sample_engine)
    done = refresh_findings(sample_engine, budget=10)
    assert (done.status, done.full) == ("deferred", True)
    assert done.claims > 10
    assert everything(sample_engine) == before
    assert refresh_findings(sample_engine, budget=10**6).status == "refreshed"


def test_a_new_claimant_changes_no_finding_but_a_renamed_one_rewords_them_all(sample_engine):
    """The vocabulary's words are in every message: renaming a claimant is a full refresh;
    adding one (it has no claims yet) is not."""
    refresh_findings(sample_engine)
    with write_session(sample_engine) as s:
        add_claimant(s, SYSTEM, ClaimantIn(key="new_monitor", name="New Monitor"))
    done = refresh_findings(sample_engine)
    assert (done.status, done.full, done.claims) == ("refreshed", False, 0)
    assert refresh_findings(sample_engine).status == "current"

    with write_session(sample_engine) as s:
        s.execute(update(Claimant).where(Claimant.key == "ohchr").values(short_name="UN rights"))
        bump_data_version(s)
    done = refresh_findings(sample_engine)
    assert (done.status, done.full) == ("refreshed", True)
    assert_stored_equals_a_full_run(sample_engine)
    assert any("UN rights" in f.message for f in stored_findings(sample_engine))


def test_a_change_committed_below_the_newest_revision_seen_is_not_missed(sample_engine):
    """On PostgreSQL a transaction can commit after a later one: its revision then appears
    below the newest one a refresh saw. Simulated by renumbering revisions. SQLite's one
    writer at a time hands out ids in commit order, and the refresh relies on it."""
    if sample_engine.dialect.name == "sqlite":
        pytest.skip("SQLite commits revisions in id order")
    refresh_findings(sample_engine)
    claims = keys(sample_engine)
    police = claims["police-2024-01-31-killed"]
    with read_session(sample_engine) as s:
        newest = s.exec(select(Revision.id).order_by(Revision.id.desc()).limit(1)).one()
    add_a_note(sample_engine, claims["pgo-2025-10-27-children_killed"].id)
    with write_session(sample_engine) as s:  # ids newest+1 .. newest+49 are "in flight"
        s.execute(update(Revision).where(Revision.id == newest + 1).values(id=newest + 50))
    refresh_findings(sample_engine)
    correct_police_toll(sample_engine, police.id)  # the late transaction commits
    with write_session(sample_engine) as s:
        late = s.exec(select(Revision.id).order_by(Revision.id.desc()).limit(1)).one()
        s.execute(update(Revision).where(Revision.id == late).values(id=newest + 10))
    refresh_in_full_sees_the_correction(sample_engine, police.id)


def test_a_revision_committed_into_a_gap_below_the_newest_seen_is_not_missed(sample_engine):
    """A refresh that saw a gap in the revision ids (a transaction still in flight on
    PostgreSQL) counts them again next time: the late revision fills the gap, and the
    findings are checked again in full. Simulated by holding one revision back."""
    if sample_engine.dialect.name == "sqlite":
        pytest.skip("SQLite commits revisions in id order")
    refresh_findings(sample_engine)
    claims = keys(sample_engine)
    police = claims["police-2024-01-31-killed"]
    correct_police_toll(sample_engine, police.id)
    add_a_note(sample_engine, claims["pgo-2025-10-27-children_killed"].id)
    with write_session(sample_engine) as s:  # the police edit's revision is "in flight"
        late = s.exec(
            select(Revision).where(Revision.entity == "claim", Revision.entity_id == police.id)
        ).all()[-1]
        held = late.model_dump()
        s.delete(late)
    assert refresh_findings(sample_engine).full is False
    with write_session(sample_engine) as s:  # and commits
        s.add(Revision(**held))
        bump_data_version(s)
    refresh_in_full_sees_the_correction(sample_engine, police.id)


def test_refreshes_running_at_once_store_each_finding_once(sample_engine):
    """Two curators' saves, a `tracker check` and a background refresh may overlap: the
    first to write stores the findings, the others find them stored and start again."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = list(pool.map(lambda _: refresh_findings(sample_engine), range(3)))
    assert [d.status for d in done].count("refreshed") >= 1
    assert {d.status for d in done} <= {"refreshed", "current"}
    assert_stored_equals_a_full_run(sample_engine)
