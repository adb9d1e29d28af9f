"""Load and concurrency: eight writers at once, and afterwards exactly what was acknowledged.

Each writer process imports sources of its own and edits claims that all writers share, as
curators on separate machines would. Every attempt ends either acknowledged or refused with
a message a user can act on (an edit conflict, or "busy"); nothing else may escape. Then
the database is compared with the writers' own records: every acknowledged import is there
in full, every refused one left no trace, and every shared claim carries exactly the
acknowledged edits, one revision each.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlmodel import func, select

from tests import figures
from tests.faults import postgresql_only
from tests.synthetic import synthetic_source, write_source
from tests.writers import LoadRun, Writers
from tracker.core.errors import EditConflict
from tracker.domain.models import Claim, Claimant, Revision, Source
from tracker.domain.vocab import Role
from tracker.files.importer import import_paths
from tracker.store.db import read_session, write_session
from tracker.store.version import data_version
from tracker.store.write import SYSTEM, Actor, update_claim

WRITERS = 8
CLAIMS_PER_IMPORT = 5
LOAD_PREFIX = "https://example.org/synthetic/load-"


@pytest.fixture
def shared_claims(vocab_engine, tmp_path) -> list[int]:
    """Three claims every writer edits."""
    import_paths(vocab_engine, SYSTEM, [write_source(tmp_path / "shared", "shared", 3)])
    with read_session(vocab_engine) as s:
        return list(s.exec(select(Claim.id).order_by(Claim.id)))


def _version(engine) -> int:
    with read_session(engine) as s:
        return data_version(s)


@pytest.mark.slow
def test_eight_writers_leave_exactly_what_was_acknowledged(
    vocab_engine, database_url, shared_claims, tmp_path
):
    version_before = _version(vocab_engine)
    with Writers(
        database_url,
        tmp_path / "load",
        writers=WRITERS,
        shared_claims=shared_claims,
        claims_per_import=CLAIMS_PER_IMPORT,
    ) as writers:
        writers.go()
        run = writers.wait()

    assert run.crashes() == [], "a write failed with something other than conflict or busy"
    _check_imports(vocab_engine, run)
    _check_edits(vocab_engine, run, shared_claims)
    acknowledged = len(run.of("import", "ok")) + len(run.of("edit", "ok"))
    assert _version(vocab_engine) - version_before == acknowledged  # one bump per write

    backend = vocab_engine.dialect.name
    outcomes = Counter((r["op"], r["outcome"]) for r in run.records)
    figures.record(
        "load",
        backend,
        {
            "writers": WRITERS,
            "writes_attempted": len(run.records),
            "imports_acknowledged": outcomes["import", "ok"],
            "imports_refused_busy": outcomes["import", "busy"],
            "edits_acknowledged": outcomes["edit", "ok"],
            "edits_refused_conflict": outcomes["edit", "conflict"],
            "edits_refused_busy": outcomes["edit", "busy"],
            "claims_expected": outcomes["import", "ok"] * CLAIMS_PER_IMPORT,
            "claims_found": _count_load_claims(vocab_engine),
            "edit_revisions_found": _count_edit_revisions(vocab_engine, shared_claims),
        },
    )


def _count_load_claims(engine) -> int:
    with read_session(engine) as s:
        return s.exec(
            select(func.count(Claim.id)).join(Source).where(Source.url.startswith(LOAD_PREFIX))
        ).one()


def _count_edit_revisions(engine, shared: list[int]) -> int:
    with read_session(engine) as s:
        return s.exec(
            select(func.count(Revision.id)).where(
                Revision.entity == "claim",
                Revision.entity_id.in_(shared),
                Revision.action == "update",
            )
        ).one()


def _check_imports(engine, run: LoadRun) -> None:
    """Acknowledged imports are there whole, with their content; refused ones left nothing."""
    landed = {r["tag"] for r in run.of("import", "ok")}
    refused = {r["tag"] for r in run.refused("import")}
    with read_session(engine) as s:
        sources = {
            src.url.removeprefix("https://example.org/synthetic/"): src
            for src in s.exec(select(Source).where(Source.url.startswith(LOAD_PREFIX)))
        }
        assert set(sources) == landed
        assert not refused & set(sources)
        names = {c.id: c.name for c in s.exec(select(Claimant))}
        for tag, src in sources.items():
            expected = synthetic_source(tag, CLAIMS_PER_IMPORT)["claims"]
            stored = s.exec(select(Claim).where(Claim.source_id == src.id).order_by(Claim.key))
            got = [
                {
                    "id": c.key,
                    "value": c.value,
                    "claimant": names[c.claimant_id],
                    "quote": c.quote,
                    "version": c.version,
                }
                for c in stored
            ]
            want = [
                {
                    "id": c["id"],
                    "value": c["value"],
                    "claimant": c["claimant"],
                    "quote": c["quote"],
                    "version": 1,
                }
                for c in sorted(expected, key=lambda c: c["id"])
            ]
            assert got == want, f"source {tag} is not as imported"
        created = s.exec(
            select(func.count(Revision.id)).where(
                Revision.action == "create",
                Revision.reason.startswith("load test load-"),
            )
        ).one()
    assert created == len(landed) * (1 + CLAIMS_PER_IMPORT)  # the source and each claim


def _check_edits(engine, run: LoadRun, shared: list[int]) -> None:
    """Each shared claim holds exactly the acknowledged edits: one revision each, in order."""
    with read_session(engine) as s:
        for claim_id in shared:
            acked = sorted(
                (r["version"], r["tag"], f"load-writer-{r['worker']:02d}")
                for r in run.of("edit", "ok")
                if r["claim"] == claim_id
            )
            revs = s.exec(
                select(Revision)
                .where(
                    Revision.entity == "claim",
                    Revision.entity_id == claim_id,
                    Revision.action == "update",
                )
                .order_by(Revision.version)
            ).all()
            assert [(r.version, r.after["notes"], r.changed_by) for r in revs] == acked
            assert [v for v, _, _ in acked] == list(range(2, len(acked) + 2))
            claim = s.get(Claim, claim_id)
            assert claim.version == len(acked) + 1
            assert claim.notes == (acked[-1][1] if acked else None)
        refused_tags = {r["tag"] for r in run.refused("edit")}
        noted = set(s.exec(select(Claim.notes).where(Claim.notes.is_not(None))))
        assert not refused_tags & noted
        logged = {
            r.after.get("notes")
            for r in s.exec(select(Revision).where(Revision.reason.startswith("load test edit")))
        }
        assert not refused_tags & logged


def test_of_eight_simultaneous_edits_of_one_claim_exactly_one_lands(vocab_engine, shared_claims):
    """All eight read version 1 before anyone saves; the stale seven are refused."""
    claim_id = shared_claims[0]
    all_read = threading.Barrier(WRITERS)
    outcomes: list[str] = []

    def edit(n: int) -> None:
        with read_session(vocab_engine) as s:
            version = s.get(Claim, claim_id).version
        all_read.wait()
        try:
            with write_session(vocab_engine) as s:
                update_claim(
                    s,
                    Actor(f"editor-{n}", Role.editor),
                    claim_id,
                    {"value": 2000 + n, "check_override": f"test edit {n}"},
                    expected_version=version,
                    reason=f"edit {n}",
                )
            outcomes.append("ok")
        except EditConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * (WRITERS - 1) + ["ok"]
    with read_session(vocab_engine) as s:
        claim = s.get(Claim, claim_id)
        [rev] = s.exec(
            select(Revision).where(Revision.entity_id == claim_id, Revision.action == "update")
        ).all()
    assert claim.version == 2 and rev.after["value"] == claim.value
    assert rev.changed_by == claim.updated_by


@postgresql_only
def test_two_imports_racing_to_add_the_same_claimant_and_source_both_succeed(
    vocab_engine, tmp_path, monkeypatch
):
    """Both imports plan before either writes, so both plan to create "Synthetic claimant
    40" and the same source. On PostgreSQL the second insert meets the first's unique key;
    the import runs again, plans against what the first stored, and lands. (SQLite
    serialises writers at BEGIN IMMEDIATE, so there both plan in turn.)"""
    import tracker.files.importer as importer

    both_planned = threading.Barrier(2, timeout=60)
    real_apply = importer.apply_import
    first_call = threading.local()

    def apply_after_both_planned(*args, **kwargs):
        if not getattr(first_call, "done", False):
            first_call.done = True
            both_planned.wait()
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(importer, "apply_import", apply_after_both_planned)
    paths = [write_source(tmp_path / f"racer-{n}", "race", 1, claimants=41) for n in range(2)]
    for path in paths:  # the same file twice, naming a claimant nobody stored yet
        path.write_text(path.read_text().replace("claimant 00", "claimant 40"))
    errors: list[BaseException] = []

    def run(path) -> None:
        try:
            import_paths(vocab_engine, SYSTEM, [path])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with read_session(vocab_engine) as s:
        racers = select(func.count(Claimant.id)).where(Claimant.name == "Synthetic claimant 40")
        assert s.exec(racers).one() == 1
        assert s.exec(select(func.count(Source.id)).where(Source.url.endswith("/race"))).one() == 1
