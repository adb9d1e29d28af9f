"""PostgreSQL bulk loads by COPY (tracker.store.bulk.RowWriter.copy; issue #19).

COPY only changes how fast rows reach PostgreSQL, so these tests hold it to changing nothing
else: the synthetic loader and the importer store, column for column as the server's own
text, what the executemany path stores for the same input; a failure after rows were
copied stores nothing; and a reader is not kept waiting while a load is under way.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.dbstate import everything
from tracker.core.config import DATA_DIR
from tracker.core.errors import ValidationFailed
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Claim, Claimant, Revision, Source
from tracker.files import importer
from tracker.files.synthetic import SyntheticVocabulary, generate, load_synthetic
from tracker.store import bulk
from tracker.store.bulk import BulkLoader, RowWriter
from tracker.store.db import make_engine, write_session
from tracker.store.write import SYSTEM

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

TABLES = (Source.__table__, Claim.__table__, Revision.__table__, Claimant.__table__)
CLOCK = {"created_at", "updated_at", "changed_at"}
PINNED_NOW = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def stored_text(session: Session, *, skip: set[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every row of the written tables, each column as PostgreSQL prints it (JSON as the
    very text stored, timestamps with their microseconds), in id order."""
    out = {}
    for table in TABLES:
        columns = [c.name for c in table.columns if c.name not in skip]
        listed = ", ".join(f'"{c}"::text' for c in columns)
        out[table.name] = [
            tuple(r)
            for r in session.execute(text(f'SELECT {listed} FROM "{table.name}" ORDER BY id'))
        ]
    return out


def sequences(session: Session) -> list[tuple[str, int, bool]]:
    found = []
    for table in TABLES:
        seq = session.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar_one()
        last, called = session.execute(text(f"SELECT last_value, is_called FROM {seq}")).one()
        found.append((seq, last, called))
    return found


@pytest.fixture
def rewind(vocab_engine: Engine) -> Iterator[Any]:
    """`rewind()` puts the id sequences back where they stood, so that a load rolled back
    and done again hands out the same ids."""
    with Session(vocab_engine) as session:
        saved = sequences(session)

    def again() -> None:
        with vocab_engine.begin() as conn:
            for seq, last, called in saved:
                conn.execute(text("SELECT setval(:s, :v, :c)"), {"s": seq, "v": last, "c": called})

    return again


def synthetic_load(engine: Engine, *, copy: bool, n: int = 3000, seed: int = 31) -> dict:
    """What the loader stores for this input, read back and rolled back."""
    with write_session(engine) as session:
        loader = BulkLoader(session, SYSTEM, reason="copy test", batch_size=700, total=n, copy=copy)
        assert loader.writer.copies is copy
        vocab = SyntheticVocabulary.from_vocabulary(Vocabulary.load(session))
        for item in generate(n, seed=seed, vocab=vocab):
            loader.add(item.source, item.claims)
        report = loader.finish()
        assert report.claims == n
        found = stored_text(session)
        session.rollback()
    return found


@postgresql_only
def test_copy_stores_exactly_the_rows_executemany_stores(vocab_engine, rewind, monkeypatch):
    monkeypatch.setattr(bulk, "utcnow", lambda: PINNED_NOW)
    by_executemany = synthetic_load(vocab_engine, copy=False)
    rewind()
    by_copy = synthetic_load(vocab_engine, copy=True)
    assert len(by_copy["claim"]) == 3000
    assert any(row[-1] is not None for row in by_copy["revision"])
    # Relays are settled into their statement after the rows were copied.
    duplicate_of = [c.name for c in Claim.__table__.columns].index("duplicate_of")
    assert any(row[duplicate_of] is not None for row in by_copy["claim"])
    for table in by_copy:
        assert by_copy[table] == by_executemany[table], table


@postgresql_only
def test_the_importer_stores_by_copy_what_it_stores_by_executemany(
    vocab_engine, rewind, monkeypatch
):
    def imported(copy: bool) -> dict:
        monkeypatch.setattr(importer, "RowWriter", functools.partial(RowWriter, copy=copy))
        importer.import_paths(vocab_engine, SYSTEM, [DATA_DIR])
        with Session(vocab_engine) as session:
            found = stored_text(session, skip=CLOCK)
        return found

    before = everything(vocab_engine)
    by_executemany = imported(copy=False)
    assert len(by_executemany["claim"]) > 0
    with vocab_engine.begin() as conn:  # back to the vocabularies alone, ids included
        for table in ("revision", "claim", "source"):
            conn.execute(text(f'DELETE FROM "{table}"'))
        known = max(row[0] for row in before["claimant"])
        conn.execute(text("DELETE FROM claimant WHERE id > :n"), {"n": known})
    rewind()
    by_copy = imported(copy=True)
    for table in by_copy:
        assert by_copy[table] == by_executemany[table], table


@postgresql_only
def test_a_load_that_fails_after_rows_were_copied_stores_nothing(vocab_engine):
    before = everything(vocab_engine)

    def items() -> Iterator[tuple[dict, list[dict]]]:
        with Session(vocab_engine) as session:
            vocab = SyntheticVocabulary.from_vocabulary(Vocabulary.load(session))
        for n, item in enumerate(generate(2000, seed=32, vocab=vocab)):
            if n == 300:  # earlier batches were already copied
                item.claims[0] = dict(item.claims[0], metric="no_such_metric")
            yield item.source, item.claims

    with (
        pytest.raises(ValidationFailed, match="unknown metric 'no_such_metric'"),
        write_session(vocab_engine) as session,
    ):
        loader = BulkLoader(session, SYSTEM, reason="copy test", batch_size=200)
        assert loader.writer.copies
        for source, claims in items():
            loader.add(source, claims)
        loader.finish()
    assert everything(vocab_engine) == before


@postgresql_only
def test_readers_see_the_committed_store_while_a_copy_is_under_way(vocab_engine):
    load_synthetic(vocab_engine, 500, seed=33, two_processes=False)
    reader = make_engine(str(vocab_engine.url.render_as_string(hide_password=False)))
    seen: list[int] = []
    copying = threading.Event()
    original = RowWriter.copy

    def copy_and_let_a_reader_in(self: RowWriter, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if not copying.is_set():
            copying.set()
            thread = threading.Thread(target=read)
            thread.start()
            thread.join(timeout=10)
            assert not thread.is_alive(), "a reader waited for the load"

    def read() -> None:
        with reader.connect() as conn:
            conn.execute(text("SET lock_timeout = '5s'"))
            seen.append(conn.execute(text("SELECT count(*) FROM claim")).scalar_one())
            seen.append(len(conn.execute(text("SELECT id FROM claim ORDER BY id")).all()))

    try:
        RowWriter.copy = copy_and_let_a_reader_in  # type: ignore[method-assign]
        load_synthetic(vocab_engine, 1000, seed=34, two_processes=False)
    finally:
        RowWriter.copy = original  # type: ignore[method-assign]
        reader.dispose()
    assert copying.is_set()
    assert seen == [500, 500]
