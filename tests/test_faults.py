"""Faults: a killed import, a read-only or full disk, a missing file, an unreachable server.

Each fault must end in one clear line and exit code 1 from the CLI (or a `TrackerError` from
the library), and must leave the database exactly as it was.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests import figures
from tests.conftest import VOCAB_FILES
from tests.dbstate import counts, everything
from tests.faults import (
    UNREACHABLE_POSTGRES_URL,
    postgresql_only,
    read_only,
    read_only_postgres_url,
    sqlite_disk_full,
    sqlite_only,
)
from tests.helpers import source_doc, write_doc
from tests.synthetic import write_big_import, write_source
from tests.writers import PROCESS_TIMEOUT, expect_line, spawn
from tracker.cli import main
from tracker.core.errors import DatabaseBusy
from tracker.files.importer import import_paths
from tracker.store.db import make_engine, write_session
from tracker.store.write import SYSTEM, update_claim

BIG_FILES, BIG_CLAIMS_PER_FILE = 20, 100


def cli(*args: str):
    """Run the CLI in-process; a traceback escaping it fails the test (catch_exceptions)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def assert_one_error_line(output: str, *fragments: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    assert "Traceback" not in output
    for fragment in fragments:
        assert fragment in lines[0], output


def _fault(kind: str, backend: str) -> None:
    figures.add("faults", backend, {f"{kind} injected": 1, f"{kind} survived": 1})


@pytest.fixture
def stocked(vocab_engine, tmp_path):
    """A database holding the vocabularies and one source with one claim."""
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "one.yaml", source_doc())])
    return vocab_engine


@pytest.fixture
def new_file(tmp_path) -> Path:
    """A valid file that importing would add."""
    return write_source(tmp_path / "new", "fault-new", 3)


# --- a killed import -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("stop_at", ["first", "last"])
def test_an_import_killed_midway_leaves_the_database_as_before(
    stocked, database_url, tmp_path, stop_at
):
    """SIGKILL at the first progress report (sources written, claims not yet) or the last
    (every row written, not committed). Reopened, the database holds exactly what it held."""
    paths = write_big_import(tmp_path / "big", files=BIG_FILES, claims_per_file=BIG_CLAIMS_PER_FILE)
    before = everything(stocked)
    stocked.dispose()
    spec = {"url": database_url, "paths": [str(p) for p in paths], "stop_at": stop_at}
    proc = spawn("import-and-stop", spec, tmp_path / "kill.spec.json")
    try:
        said = expect_line(proc, "stopped at")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=PROCESS_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdin.close()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    total = BIG_FILES * BIG_CLAIMS_PER_FILE
    assert said == f"stopped at {total if stop_at == 'last' else 1000}/{total}"

    reopened = make_engine(database_url)
    try:
        if reopened.dialect.name == "sqlite":
            with reopened.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert everything(reopened) == before
        # And it is usable: no lock or key of the killed import is left behind.
        plan = import_paths(reopened, SYSTEM, paths[:1])
        assert plan.totals()["claims_added"] == BIG_CLAIMS_PER_FILE
        assert counts(reopened)["claim"] == len(before["claim"]) + BIG_CLAIMS_PER_FILE
    finally:
        reopened.dispose()
    _fault("import killed (SIGKILL)", reopened.dialect.name)


# --- busy ------------------------------------------------------------------------------------


def test_a_write_kept_waiting_beyond_the_busy_timeout_is_refused_as_busy(stocked, database_url):
    """Another session holds the claim (uncommitted) longer than this writer will wait."""
    impatient = make_engine(database_url, busy_timeout_ms=200)
    before = everything(stocked)
    try:
        with write_session(stocked) as holder:
            update_claim(holder, SYSTEM, 1, {"notes": "held"}, expected_version=1, reason="hold")
            with (
                pytest.raises(DatabaseBusy, match="is busy: .* nothing was saved, try again"),
                write_session(impatient) as s,
            ):
                update_claim(s, SYSTEM, 1, {"notes": "blocked"}, expected_version=1, reason="wait")
            holder.rollback()
    finally:
        impatient.dispose()
    assert everything(stocked) == before
    _fault("write lock held by another writer", stocked.dialect.name)


# --- the CLI on a damaged database ---------------------------------------------------------


@sqlite_only
def test_a_read_only_database_file_refuses_writes_in_one_line(
    cli_env, stocked, database_url, new_file
):
    path = Path(make_url(database_url).database)
    before = everything(stocked)
    stocked.dispose()
    with read_only(path):
        code, out = cli("import", str(new_file))
        assert code == 1
        assert_one_error_line(out, "is not usable", "readonly database")
        code, out = cli("stats")
        assert code == 0 and "1 claims from 1 sources" in out  # reading still works
    assert everything(stocked) == before
    _fault("read-only database file", "sqlite")


@sqlite_only
def test_a_read_only_folder_and_file_is_one_line_for_every_command(
    cli_env, stocked, database_url, new_file, tmp_path
):
    path = Path(make_url(database_url).database)
    before = everything(stocked)
    stocked.dispose()
    with read_only(path, path.parent):
        for args in (
            ["import", str(new_file)],
            ["stats"],
            ["export", "--format", "json", "-o", str(tmp_path / "out.json")],
            ["backup", str(tmp_path / "backup.db")],
        ):
            code, out = cli(*args)
            assert code == 1, args
            assert_one_error_line(out, "is not usable")
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "backup.db").exists()
    assert everything(stocked) == before
    _fault("read-only folder and file", "sqlite")


@sqlite_only  # the full disk is simulated with SQLite's max_page_count
def test_a_full_disk_refuses_the_import_in_one_line_and_writes_nothing(
    cli_env, stocked, database_url, tmp_path
):
    paths = write_big_import(tmp_path / "big", files=3, claims_per_file=100)
    before = everything(stocked)
    stocked.dispose()
    with sqlite_disk_full():
        code, out = cli("import", *map(str, paths))
    assert code == 1
    assert_one_error_line(out, "database or disk is full")
    assert everything(stocked) == before
    _fault("disk full", "sqlite")


@postgresql_only  # as on a hot standby, or for a role that may only read
def test_a_read_only_postgres_session_refuses_writes_in_one_line(
    stocked, database_url, new_file, monkeypatch
):
    before = everything(stocked)
    monkeypatch.setenv("TRACKER_DATABASE_URL", read_only_postgres_url(database_url))
    code, out = cli("import", str(new_file))
    assert code == 1
    assert_one_error_line(out, "is not usable", "read-only transaction")
    code, out = cli("stats")
    assert code == 0 and "1 claims from 1 sources" in out
    assert everything(stocked) == before
    _fault("read-only database", "postgresql")


@pytest.mark.parametrize(
    "args",
    [["import", "NEW"], ["stats"], ["export", "--format", "csv", "-o", "OUT"], ["backup", "OUT"]],
    ids=["import", "stats", "export", "backup"],
)
def test_a_missing_database_file_is_one_line_and_is_not_created(
    monkeypatch, tmp_path, new_file, args
):
    db = tmp_path / "absent.db"
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{db}")
    args = [{"NEW": str(new_file), "OUT": str(tmp_path / "out")}.get(a, a) for a in args]
    code, out = cli(*args)
    assert code == 1
    assert_one_error_line(out, f"database file {db} does not exist (run `tracker init` first)")
    assert not db.exists() and not (tmp_path / "out").exists()
    _fault("missing database file", "sqlite")


@sqlite_only
@pytest.mark.parametrize("damage", ["not a database", "truncated"])
def test_a_damaged_database_file_is_one_line_for_every_command(
    cli_env, stocked, database_url, new_file, tmp_path, damage
):
    path = Path(make_url(database_url).database)
    stocked.dispose()
    if damage == "truncated":
        with path.open("r+b") as f:
            f.truncate(path.stat().st_size // 2)
    else:
        path.write_bytes(b"these are not the pages of a database\n" * 200)
    for args in (
        ["import", str(new_file)],
        ["stats"],
        ["export", "--format", "json", "-o", str(tmp_path / "out.json")],
        ["backup", str(tmp_path / "backup.db")],
    ):
        code, out = cli(*args)
        assert code == 1, args
        assert_one_error_line(out, "is not usable")
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "backup.db").exists()
    _fault(f"damaged database file ({damage})", "sqlite")


def test_init_in_a_missing_folder_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path}/nowhere/t.db")
    code, out = cli("init")
    assert code == 1
    assert_one_error_line(out, f"folder {tmp_path}/nowhere does not exist")


@pytest.mark.parametrize(
    "args",
    [["init"], ["import", "NEW"], ["stats"], ["export", "--format", "json", "-o", "OUT"]]
    + [["backup", "OUT"]],
    ids=["init", "import", "stats", "export", "backup"],
)
def test_an_unreachable_postgres_is_one_line_for_every_command(
    monkeypatch, tmp_path, new_file, args
):
    monkeypatch.setenv("TRACKER_DATABASE_URL", UNREACHABLE_POSTGRES_URL)
    args = [{"NEW": str(new_file), "OUT": str(tmp_path / "out")}.get(a, a) for a in args]
    code, out = cli(*args)
    assert code == 1
    assert_one_error_line(out, "database postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert not (tmp_path / "out").exists()
    _fault("unreachable PostgreSQL", "postgresql")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_to_a_folder_that_does_not_exist_is_one_line(cli_env, tmp_path, fmt):
    cli("import", *map(str, VOCAB_FILES))
    target = tmp_path / "no" / "such" / "place" / "out"
    code, out = cli("export", "--format", fmt, "-o", str(target))
    assert code == 1
    assert_one_error_line(out, str(tmp_path / "no"))
    assert not (tmp_path / "no").exists()


def test_an_export_to_a_read_only_folder_is_one_line(cli_env, tmp_path):
    cli("import", *map(str, VOCAB_FILES))
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder):
        code, out = cli("export", "--format", "yaml", "-o", str(folder / "out"))
    assert code == 1
    assert_one_error_line(out, str(folder / "out"))
    assert not (folder / "out").exists()
    _fault("read-only export folder", "any")
