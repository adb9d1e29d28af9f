"""`tracker backup` and `tracker restore`: consistent while writers run, identical once restored."""

from __future__ import annotations

import filecmp
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import func, select

from tests import figures
from tests.conftest import DATA
from tests.dbstate import everything
from tests.faults import postgresql_only, sqlite_only
from tests.synthetic import write_source
from tests.writers import Writers
from tracker.cli import main
from tracker.core.errors import TrackerError
from tracker.domain.models import Source
from tracker.files.backup import MANIFEST, backup, restore
from tracker.files.export import export_yaml
from tracker.files.importer import import_paths
from tracker.store.db import init_db, make_engine, read_session, write_session
from tracker.store.write import SYSTEM, update_claim

BACKUP_WRITERS = 4
CLAIMS_PER_IMPORT = 5


@pytest.fixture
def stored(vocab_engine, tmp_path) -> Engine:
    """The vocabularies, three sources of five claims, and one claim corrected (a revision)."""
    paths = [write_source(tmp_path / "stored", f"stored-{n}", 5) for n in range(3)]
    import_paths(vocab_engine, SYSTEM, paths)
    with write_session(vocab_engine) as s:
        update_claim(
            s,
            SYSTEM,
            1,
            {"value": 999, "check_override": "test: quote left as stored"},
            expected_version=1,
            reason="misread",
        )
    return vocab_engine


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same kind of server, to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    schema = f"r_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    base = make_url(database_url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def same_tree(a: Path, b: Path, ignore: tuple[str, ...] = (MANIFEST,)) -> bool:
    cmp = filecmp.dircmp(a, b, ignore=list(ignore))
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    return all(same_tree(a / d, b / d, ignore) for d in cmp.common_dirs)


def exported(engine: Engine, folder: Path) -> Path:
    export_yaml(engine, folder)
    return folder


def _load_sources_are_whole(counts_by_url: dict[str, int]) -> None:
    """Every writer's import is one transaction of CLAIMS_PER_IMPORT claims: a consistent
    snapshot holds each either whole or not at all."""
    partial = {u: n for u, n in counts_by_url.items() if n != CLAIMS_PER_IMPORT}
    assert partial == {}, "a backup caught an import half-written"


# --- while writers run -----------------------------------------------------------------------


@pytest.mark.slow
def test_a_backup_taken_while_writers_run_is_consistent_and_restores_identically(
    stored, database_url, empty_url, tmp_path
):
    """Writers import; once each has landed a write, back up; once more imports have
    landed than the backup holds (so writing went on around it), stop them. The backup holds
    each import whole or not at all, and restoring it gives back exactly what it holds."""
    target = tmp_path / ("snapshot.db" if stored.dialect.name == "sqlite" else "yaml")
    sources_before = _sources(stored)
    with Writers(
        database_url,
        tmp_path / "writers",
        writers=BACKUP_WRITERS,
        seconds=120,  # a bound in case something hangs; `stop` ends them
        max_ops=200,
        claims_per_import=CLAIMS_PER_IMPORT,
    ) as writers:
        writers.go()
        writers.wait_for_acks(1)
        summary = backup(stored, target)
        # The writers' pipes may still hold acks from before the backup: count in the store.
        while _sources(stored) <= summary.sources:
            writers.next_ack()
        writers.stop()
        run = writers.wait()
    assert run.crashes() == []
    landed = len(run.of("import", "ok"))
    # Taken mid-way: after each writer's first write landed, before the last ones did.
    assert BACKUP_WRITERS <= summary.sources - sources_before < landed

    restored = make_engine(empty_url)
    try:
        restore(restored, target, SYSTEM)
        if summary.kind == "sqlite":
            snapshot = make_engine(f"sqlite:///{_copy(target, tmp_path / 'opened.db')}")
            with sqlite3.connect(target) as conn:
                per_source = dict(
                    conn.execute(
                        "SELECT s.url, count(c.id) FROM source s JOIN claim c ON c.source_id = s.id "
                        "WHERE s.url LIKE 'https://example.org/synthetic/load-%' GROUP BY s.url"
                    ).fetchall()
                )
            _load_sources_are_whole(per_source)
            assert everything(restored) == everything(snapshot)  # history and all
            assert same_tree(exported(snapshot, tmp_path / "a"), exported(restored, tmp_path / "b"))
            snapshot.dispose()
        else:
            per_source = {}
            for path in (target / "sources").glob("*.yaml"):
                body = path.read_text()
                if "https://example.org/synthetic/load-" in body:
                    per_source[path.name] = body.count("\n- id: load-")
            _load_sources_are_whole(per_source)
            assert same_tree(target, exported(restored, tmp_path / "b"))
    finally:
        restored.dispose()
    figures.record(
        "backup",
        stored.dialect.name,
        {
            "writers": BACKUP_WRITERS,
            "kind": summary.kind,
            "writes_acknowledged_while_running": landed,
            "sources_in_backup": summary.sources,
            "claims_in_backup": summary.claims,
            "restored_identical": True,
        },
    )


def _sources(engine: Engine) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count(Source.id))).one()


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


# --- the commands ------------------------------------------------------------------------------


def cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output.strip()


def test_backup_and_restore_commands_round_trip(cli_env, stored, empty_url, tmp_path, monkeypatch):
    target = tmp_path / ("b.db" if cli_env.startswith("sqlite") else "b-yaml")
    code, out = cli("backup", str(target))
    assert code == 0, out
    kind = "SQLite snapshot" if cli_env.startswith("sqlite") else "YAML backup"
    assert out.startswith("backed up 3 sources and 15 claims to") and out.endswith(f"({kind})")
    monkeypatch.setenv("TRACKER_DATABASE_URL", empty_url)
    code, out = cli("restore", str(target))
    assert (code, out) == (0, f"restored 3 sources and 15 claims from {target}")
    restored = make_engine(empty_url)
    try:
        assert same_tree(exported(stored, tmp_path / "a"), exported(restored, tmp_path / "b"))
    finally:
        restored.dispose()


def test_a_yaml_backup_also_restores_with_init_and_import(
    cli_env, stored, empty_url, tmp_path, monkeypatch
):
    code, out = cli("backup", "--format", "yaml", str(tmp_path / "y"))
    assert code == 0, out
    monkeypatch.setenv("TRACKER_DATABASE_URL", empty_url)
    assert cli("init")[0] == 0
    code, out = cli("import", str(tmp_path / "y"))
    assert code == 0, out
    restored = make_engine(empty_url)
    try:
        assert same_tree(tmp_path / "y", exported(restored, tmp_path / "b"))
    finally:
        restored.dispose()


@sqlite_only
def test_an_sqlite_snapshot_restores_into_postgresql_through_yaml(stored, tmp_path):
    from tests.conftest import PG_URL

    if not PG_URL:
        pytest.skip("PostgreSQL tests skipped: TRACKER_TEST_POSTGRES_URL is not set")
    backup(stored, tmp_path / "s.db")
    schema = f"x_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg")
        .update_query_dict({"options": f"-csearch_path={schema}"})
    )
    target = make_engine(url.render_as_string(hide_password=False))
    try:
        summary = restore(target, tmp_path / "s.db", SYSTEM)
        assert (summary.sources, summary.claims) == (3, 15)
        assert same_tree(exported(stored, tmp_path / "a"), exported(target, tmp_path / "b"))
    finally:
        target.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_restore_refuses_a_database_that_holds_data(stored, tmp_path):
    backup(stored, tmp_path / "b", kind="yaml")
    before = everything(stored)
    with pytest.raises(TrackerError, match="already holds 3 sources and 15 claims"):
        restore(stored, tmp_path / "b", SYSTEM)
    assert everything(stored) == before


def test_a_backup_never_overwrites(stored, tmp_path):
    (tmp_path / "b").mkdir()
    with pytest.raises(TrackerError, match="already exists; a backup never overwrites"):
        backup(stored, tmp_path / "b", kind="yaml")


@postgresql_only
def test_a_database_file_snapshot_of_postgresql_is_refused(engine, tmp_path):
    with pytest.raises(TrackerError, match="needs SQLite; use the YAML backup"):
        backup(engine, tmp_path / "b.db", kind="sqlite")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a database at all, just text\n" * 200, "is not a tracker backup"),
        (None, "is an SQLite file but not a tracker database"),
    ],
    ids=["text", "other-sqlite"],
)
def test_restore_refuses_what_is_not_a_tracker_backup(engine, tmp_path, content, message):
    path = tmp_path / "x.db"
    if content is None:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
    else:
        path.write_bytes(content)
    with pytest.raises(TrackerError, match=message):
        restore(engine, path, SYSTEM)


def test_a_yaml_backup_whose_counts_do_not_match_its_manifest_is_reported(
    stored, empty_url, tmp_path
):
    backup(stored, tmp_path / "b", kind="yaml")
    next((tmp_path / "b" / "sources").glob("*.yaml")).unlink()  # a file lost in transit
    target = make_engine(empty_url)
    try:
        with pytest.raises(TrackerError, match="but the backup lists 3 and 15"):
            restore(target, tmp_path / "b", SYSTEM)
    finally:
        target.dispose()


@sqlite_only  # history travels in SQLite snapshots only
def test_a_restored_snapshot_keeps_the_revision_history(stored, tmp_path):
    backup(stored, tmp_path / "s.db")
    target = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    init_db(target)
    import_paths(target, SYSTEM, [DATA / "metrics.yaml"])  # vocabulary only: still "empty"
    try:
        restore(target, tmp_path / "s.db", SYSTEM)
        assert everything(target) == everything(stored)
    finally:
        target.dispose()
