"""Deferred index and full-text upkeep during a bulk load (tracker.store.upkeep, issue #6).

The loader drops the FTS5 insert triggers and, for a large load, the secondary indexes inside
its transaction and puts them back at the end. These tests hold it to what that must not
change: the schema afterwards is the schema before (same names, same SQL), every loaded row
is in the full-text index, and an error rolls the drops back with the rows.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tracker.core.errors import ValidationFailed
from tracker.files.synthetic import SyntheticVocabulary, generate, load_synthetic
from tracker.read import queries
from tracker.read.filters import ClaimFilter
from tracker.store.bulk import BulkLoader
from tracker.store.db import write_session
from tracker.store.write import SYSTEM


def schema(engine: Engine) -> list[tuple[str, ...]]:
    """Every index and trigger with its definition, as the database itself reports them."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master "
                    "WHERE type IN ('index', 'trigger') ORDER BY type, name"
                )
            ).all()
        else:
            rows = conn.execute(
                text(
                    "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() ORDER BY indexname"
                )
            ).all()
    return [tuple(r) for r in rows]


def fts_is_in_step(engine: Engine) -> None:
    """FTS5's own check of an external-content index against its table (SQLite only)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        for fts in ("claim_fts", "source_fts"):
            conn.execute(text(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)"))


def synthetic_vocab(engine: Engine) -> SyntheticVocabulary:
    from tracker.domain.lookup import Vocabulary
    from tracker.store.db import read_session

    with read_session(engine) as session:
        return SyntheticVocabulary.from_vocabulary(Vocabulary.load(session))


def test_a_load_into_an_empty_store_leaves_the_schema_as_it_found_it(vocab_engine):
    before = schema(vocab_engine)
    load_synthetic(vocab_engine, 1500, seed=3, batch_size=400)
    assert schema(vocab_engine) == before
    fts_is_in_step(vocab_engine)


def test_every_loaded_claim_and_source_is_found_by_a_text_search(vocab_engine):
    load_synthetic(vocab_engine, 600, seed=3, batch_size=250)
    found = queries.count_claims(vocab_engine, ClaimFilter(text="synthetic, fictional figure"))
    assert found == 600
    bulletins = queries.count_claims(vocab_engine, ClaimFilter(text="Synthetic bulletin"))
    assert bulletins == 600  # the sources' titles are searched too


def test_a_second_load_onto_stored_rows_indexes_only_its_own_rows_once(vocab_engine):
    """A small load onto a bigger store keeps the indexes in place (no rebuild) and adds
    only its own rows' terms: old and new rows are all found, none twice."""
    load_synthetic(vocab_engine, 900, seed=3)
    before = schema(vocab_engine)
    load_synthetic(vocab_engine, 200, seed=4)
    assert schema(vocab_engine) == before
    fts_is_in_step(vocab_engine)
    found = queries.count_claims(vocab_engine, ClaimFilter(text="synthetic, fictional figure"))
    assert found == 1100


def test_an_error_in_a_late_batch_restores_the_indexes_and_triggers(vocab_engine):
    before = schema(vocab_engine)
    items = list(generate(300, seed=5, vocab=synthetic_vocab(vocab_engine)))
    items[-2].claims[0] = dict(items[-2].claims[0], place="no_such_place")
    with pytest.raises(ValidationFailed), write_session(vocab_engine) as session:
        loader = BulkLoader(session, SYSTEM, reason="test", batch_size=50, total=300)
        # A large load: SQLite's indexes were dropped; PostgreSQL keeps its own, so that
        # readers never wait for a load.
        sqlite = vocab_engine.dialect.name == "sqlite"
        assert bool(loader.upkeep.dropped_indexes) == sqlite
        for item in items:
            loader.add(item.source, item.claims)
        loader.finish()
    assert schema(vocab_engine) == before
    fts_is_in_step(vocab_engine)


def test_a_load_of_unknown_size_keeps_the_indexes_in_place(vocab_engine):
    with write_session(vocab_engine) as session:
        loader = BulkLoader(session, SYSTEM, reason="test")
        assert loader.upkeep.dropped_indexes == []
        loader.finish()


def test_an_import_defers_the_same_upkeep_and_every_claim_is_found(vocab_engine, tmp_path):
    """`tracker import` writes through the same deferred upkeep: afterwards the schema is
    as it was, the full-text index is in step, and every imported claim is found; a second,
    smaller import onto the stored rows adds only its own terms."""
    from tracker.files.importer import import_paths
    from tracker.files.synthetic import write_yaml

    vocab = synthetic_vocab(vocab_engine)
    before = schema(vocab_engine)
    write_yaml(generate(300, seed=6, vocab=vocab), tmp_path / "first")
    import_paths(vocab_engine, SYSTEM, [tmp_path / "first"])
    write_yaml(generate(50, seed=7, vocab=vocab), tmp_path / "second")
    import_paths(vocab_engine, SYSTEM, [tmp_path / "second"])
    assert schema(vocab_engine) == before
    fts_is_in_step(vocab_engine)
    found = queries.count_claims(vocab_engine, ClaimFilter(text="synthetic, fictional figure"))
    assert found == 350
