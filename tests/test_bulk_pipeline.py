"""A large load's rows built in a second process, and an empty SQLite store loaded without
its WAL (tracker.store.bulk_pipeline, tracker.store.upkeep.first_load_journal; issue #6).

Both only change how fast a load goes, so these tests hold them to changing nothing else:
the two-process load stores exactly what the one-process load stores, an error in either
process stores nothing and says what went wrong, and the store is left in WAL mode.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from tests.dbstate import counts, everything, stored_by_natural_keys
from tracker.core.errors import TrackerError, ValidationFailed
from tracker.domain.lookup import Vocabulary
from tracker.files.synthetic import (
    CLAIMANT_NAMES,
    CLAIMANTS,
    SyntheticVocabulary,
    generate,
    load_synthetic,
)
from tracker.store.bulk import BulkLoader
from tracker.store.bulk_pipeline import load_in_two_processes
from tracker.store.db import make_engine, write_session
from tracker.store.upkeep import first_load_journal
from tracker.store.write import SYSTEM

N = 3000  # enough bulletins (600) that every synthetic claimant signs some
REASON = "synthetic demo data (seed {seed}, {n} claims): fictional figures"


def stored(engine: Engine) -> dict[str, Any]:
    with write_session(engine) as session:
        return stored_by_natural_keys(session)


def items_of(session, n: int, seed: int) -> Iterator[tuple[dict, list[dict]]]:
    vocab = SyntheticVocabulary.from_vocabulary(Vocabulary.load(session))
    return ((i.source, i.claims) for i in generate(n, seed=seed, vocab=vocab))


def load_in_two(
    engine: Engine,
    items: Callable[[Session], Iterator[tuple[dict, list[dict]]]],
    *,
    resolve_claimants: bool = True,
    total: int | None = None,
) -> None:
    """`items(session)` loaded with the rows built in a forked child, in one transaction;
    every synthetic claimant resolved before the fork unless told not to."""
    with write_session(engine) as session:
        loader = BulkLoader(session, SYSTEM, reason="test", batch_size=200, total=total)
        if resolve_claimants:
            loader.resolve_claimants(CLAIMANT_NAMES)
        load_in_two_processes(loader, items(session))
        loader.finish()


def journal_mode(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()


def loaded_in_one_process(engine: Engine, n: int, seed: int) -> dict[str, Any]:
    """What `load_synthetic` would store in one process, read back and rolled back."""
    with write_session(engine) as session:
        loader = BulkLoader(session, SYSTEM, reason=REASON.format(seed=seed, n=n), total=n)
        for source, claims in items_of(session, n, seed):
            loader.add(source, claims)
        loader.finish()
        session.flush()
        found = stored_by_natural_keys(session)
        session.rollback()
    return found


def test_two_processes_store_exactly_what_one_process_stores(vocab_engine):
    by_one = loaded_in_one_process(vocab_engine, N, seed=21)
    report = load_synthetic(vocab_engine, N, seed=21, batch_size=700, two_processes=True)
    by_two = stored(vocab_engine)
    assert (report.claims, report.sources) == (N, len(by_one["sources"]))
    assert len(by_two["claims"]) == N
    assert by_two["claims"] == by_one["claims"]
    assert by_two["sources"] == by_one["sources"]
    assert by_two["revisions"] == by_one["revisions"]
    assert by_two["claimants"] == by_one["claimants"]
    assert len(by_two["claimants"]) == CLAIMANTS


def test_an_unknown_metric_met_in_the_second_process_stores_nothing(vocab_engine):
    before = everything(vocab_engine)

    def items(session) -> Iterator[tuple[dict, list[dict]]]:
        for n, (source, claims) in enumerate(items_of(session, 2000, seed=22)):
            if n == 300:  # a late batch: earlier ones were already written
                claims = [dict(claims[0], metric="no_such_metric"), *claims[1:]]
            yield source, claims

    with pytest.raises(ValidationFailed) as exc:
        load_in_two(vocab_engine, items, total=2000)
    assert "unknown metric 'no_such_metric'" in str(exc.value)
    assert "https://example.org/synthetic/22/0000301" in str(exc.value)
    assert everything(vocab_engine) == before


def test_a_claimant_not_resolved_before_the_fork_is_refused_not_created(vocab_engine):
    before = everything(vocab_engine)
    with pytest.raises(TrackerError) as exc:
        load_in_two(vocab_engine, lambda s: items_of(s, 500, seed=23), resolve_claimants=False)
    assert "was not created before the load started" in str(exc.value)
    assert "Synthetic claimant" in str(exc.value)
    assert everything(vocab_engine) == before


def test_a_second_process_that_dies_stops_the_load_and_stores_nothing(vocab_engine):
    before = everything(vocab_engine)

    def items(session) -> Iterator[tuple[dict, list[dict]]]:
        for n, item in enumerate(items_of(session, 2000, seed=24)):
            if n == 250:
                os._exit(3)  # as if the system killed it
            yield item

    with pytest.raises(TrackerError) as exc:
        load_in_two(vocab_engine, items)
    assert "stopped unexpectedly (exit code 3); nothing was stored" in str(exc.value)
    assert counts(vocab_engine) == {k: len(v) for k, v in before.items()}


# --- the journal of a first load (SQLite) ------------------------------------------------------


@pytest.fixture
def sqlite_vocab_engine(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Engine]:
    """An SQLite store holding the vocabularies (PostgreSQL has no journal mode to choose)."""
    from tests.conftest import _fill

    path = tmp_path / "first_load.db"
    shutil.copy(sqlite_template, path)
    engine = _fill(make_engine(f"sqlite:///{path}"), request, "vocab")
    yield engine
    engine.dispose()


def test_a_first_load_leaves_the_store_in_wal_mode(sqlite_vocab_engine):
    with first_load_journal(sqlite_vocab_engine) as switched:
        assert switched
        assert journal_mode(sqlite_vocab_engine) == "delete"
    assert journal_mode(sqlite_vocab_engine) == "wal"
    load_synthetic(sqlite_vocab_engine, 500, seed=25)
    assert journal_mode(sqlite_vocab_engine) == "wal"
    path = make_url(str(sqlite_vocab_engine.url)).database
    with sqlite3.connect(path) as raw:  # the file itself says WAL, not only our connections
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_that_holds_claims_keeps_its_wal_for_readers(sqlite_vocab_engine):
    load_synthetic(sqlite_vocab_engine, 200, seed=26)
    with first_load_journal(sqlite_vocab_engine) as switched:
        assert not switched
        assert journal_mode(sqlite_vocab_engine) == "wal"


def test_a_first_load_while_another_connection_is_open_runs_in_wal_mode(sqlite_vocab_engine):
    other = create_engine(sqlite_vocab_engine.url)
    with other.connect() as reader:
        reader.execute(text("SELECT count(*) FROM metric")).scalar()
        with first_load_journal(sqlite_vocab_engine) as switched:
            assert not switched
        report = load_synthetic(sqlite_vocab_engine, 400, seed=27)
        assert reader.execute(text("SELECT count(*) FROM claim")).scalar() == report.claims
    other.dispose()
    assert journal_mode(sqlite_vocab_engine) == "wal"
