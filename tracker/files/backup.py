"""Backups taken while curators keep writing, and restoring them into an empty database.

Two kinds, because the two databases offer different tools:

- **SQLite snapshot** (a copy of the database file). SQLite's online backup API copies the
  pages from inside one read transaction; in WAL mode readers never block writers and see
  one committed state, so the copy is consistent while writers go on. It is copied in one
  step (`pages=-1`): a copy in several steps restarts whenever another connection writes in
  between, and under steady writing it might never finish. The copy holds everything: the
  revision history, user accounts, version numbers.
- **YAML backup** (the import format, any database; the default on PostgreSQL, so that no
  `pg_dump` is needed beside the app). It is read in one REPEATABLE READ, read-only
  transaction, so every file comes from the same committed state. It holds the vocabularies,
  sources and claims, which is what restoring reproduces exactly; it does not hold the
  revision history, user accounts or version numbers (use `pg_dump` for those).

Both are written beside their target under a temporary name and renamed into place when
complete, so that a failed backup never leaves something that looks like a backup, and an
existing backup is never overwritten.

Restoring goes into an empty database only (no sources, claims or revisions), so that it
can never merge into or overwrite a live store.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine, make_url
from sqlmodel import select

from tracker.core.errors import TrackerError
from tracker.domain.models import Claim, Revision, Source, utcnow
from tracker.files.export import (
    dump_yaml,
    iter_source_documents,
    source_filename,
    vocabulary_documents,
)
from tracker.files.importer import import_paths
from tracker.store.db import init_db, is_sqlite, make_engine, read_session, sqlite_connection
from tracker.store.write import Actor

KINDS = ("sqlite", "yaml")
MANIFEST = "backup.json"


@dataclass(frozen=True)
class BackupSummary:
    kind: str  # "sqlite" | "yaml"
    path: Path
    sources: int
    claims: int

    @property
    def described(self) -> str:
        return "SQLite snapshot" if self.kind == "sqlite" else "YAML backup"


def default_kind(engine: Engine) -> str:
    return "sqlite" if is_sqlite(engine) else "yaml"


def backup(engine: Engine, path: Path, *, kind: str | None = None) -> BackupSummary:
    """Write a consistent backup of the whole store to `path` (a file, or a folder for YAML)."""
    kind = kind or default_kind(engine)
    if kind not in KINDS:
        raise TrackerError(f"unknown backup kind {kind!r}; choose one of {', '.join(KINDS)}")
    if kind == "sqlite" and not is_sqlite(engine):
        raise TrackerError("a database-file snapshot needs SQLite; use the YAML backup")
    if path.exists():
        raise TrackerError(f"{path} already exists; a backup never overwrites, choose a new name")
    if not path.parent.is_dir():
        raise TrackerError(f"folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        if kind == "sqlite":
            summary = _sqlite_snapshot(engine, partial)
        else:
            summary = _yaml_backup(engine, partial)
        partial.rename(path)
    finally:
        _remove(partial)
    return BackupSummary(kind, path, summary[0], summary[1])


def _sqlite_snapshot(engine: Engine, target: Path) -> tuple[int, int]:
    with sqlite_connection(engine) as source:
        try:
            copy = sqlite3.connect(target)
        except sqlite3.Error as exc:
            raise TrackerError(f"cannot write {target.parent}: {exc}") from None
        try:
            source.backup(copy, pages=-1)
            # One self-contained file (no -wal beside it), checked before it is called a backup.
            copy.execute("PRAGMA journal_mode = DELETE")
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise TrackerError("the snapshot failed its integrity check; nothing was kept")
            sources = copy.execute("SELECT count(*) FROM source").fetchone()[0]
            claims = copy.execute("SELECT count(*) FROM claim").fetchone()[0]
        except sqlite3.Error as exc:
            raise TrackerError(f"cannot write the snapshot in {target.parent}: {exc}") from None
        finally:
            copy.close()
    return sources, claims


def _yaml_backup(engine: Engine, folder: Path) -> tuple[int, int]:
    snapshot = engine
    if not is_sqlite(engine):
        # SQLite's read transaction is one snapshot already (WAL); PostgreSQL's default READ
        # COMMITTED would let each chunked query see a later state.
        snapshot = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    folder.mkdir()
    (folder / "sources").mkdir()
    sources = claims = 0
    with read_session(snapshot) as session:
        for name, doc in vocabulary_documents(session).items():
            (folder / name).write_text(dump_yaml(doc), encoding="utf-8")
        for doc in iter_source_documents(session):
            path = folder / "sources" / source_filename(doc["source"])
            path.write_text(dump_yaml(doc), encoding="utf-8")
            sources += 1
            claims += len(doc["claims"])
    manifest = {
        "kind": "yaml",
        "taken_at": utcnow().isoformat(timespec="seconds"),
        "database": engine.url.render_as_string(hide_password=True),
        "sources": sources,
        "claims": claims,
        "not_included": ["revision history", "user accounts", "version numbers"],
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return sources, claims


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


# --- restoring ------------------------------------------------------------------------------


def restore(engine: Engine, path: Path, actor: Actor) -> BackupSummary:
    """Restore a backup into `engine`'s database, which must hold no sources or claims.

    An SQLite snapshot is copied back whole into an SQLite database (history included);
    into PostgreSQL its data goes through the YAML format. A YAML backup is imported.
    """
    if path.is_dir():
        return _restore_yaml(engine, path, actor)
    if not path.is_file():
        raise TrackerError(f"{path}: no such backup file or folder")
    _check_snapshot(path)
    if not is_sqlite(engine):
        return _restore_snapshot_through_yaml(engine, path, actor)
    if Path(make_url(str(engine.url)).database or "").exists():
        _require_empty(engine)
    with sqlite_connection(engine) as target:
        snapshot = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            snapshot.backup(target, pages=-1)
        except sqlite3.Error as exc:
            raise TrackerError(f"cannot restore into {engine.url}: {exc}") from None
        finally:
            snapshot.close()
    init_db(engine)  # a snapshot taken before a migration is brought up to date
    return _summary("sqlite", path, engine)


def _check_snapshot(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise TrackerError(f"{path} is not a tracker backup: {exc}") from None
    if not ok:
        raise TrackerError(f"{path} is damaged (integrity check failed)")
    if not {"claim", "source", "alembic_version"} <= tables:
        raise TrackerError(f"{path} is an SQLite file but not a tracker database")


def _restore_snapshot_through_yaml(engine: Engine, path: Path, actor: Actor) -> BackupSummary:
    # Read a copy: opening the snapshot itself would switch it to WAL mode, changing the file.
    work = path.with_name(f".{path.name}.restore-{os.getpid()}")
    try:
        work.mkdir()
        shutil.copyfile(path, work / "snapshot.db")
        snapshot = make_engine(f"sqlite:///{work / 'snapshot.db'}", must_exist=True)
        try:
            _yaml_backup(snapshot, work / "yaml")
        finally:
            snapshot.dispose()
        return _restore_yaml(engine, work / "yaml", actor, shown_as=path)
    finally:
        _remove(work)


def _restore_yaml(
    engine: Engine, folder: Path, actor: Actor, *, shown_as: Path | None = None
) -> BackupSummary:
    shown_as = shown_as or folder
    init_db(engine)
    _require_empty(engine)
    import_paths(engine, actor, [folder], reason=f"restored from backup {shown_as.name}")
    summary = _summary("yaml", shown_as, engine)
    manifest = folder / MANIFEST
    if manifest.is_file():
        expected = json.loads(manifest.read_text(encoding="utf-8"))
        if (expected.get("sources"), expected.get("claims")) != (summary.sources, summary.claims):
            raise TrackerError(
                f"restored {summary.sources} sources and {summary.claims} claims, but the backup "
                f"lists {expected.get('sources')} and {expected.get('claims')}"
            )
    return summary


def _require_empty(engine: Engine) -> None:
    init_db(engine)
    with read_session(engine) as s:
        sources = s.exec(select(func.count(Source.id))).one()
        claims = s.exec(select(func.count(Claim.id))).one()
        revisions = s.exec(select(func.count(Revision.id))).one()
    if sources or claims or revisions:
        raise TrackerError(
            f"the database already holds {sources} sources and {claims} claims; restore only "
            "into an empty database (a new file, or a new PostgreSQL database)"
        )


def _summary(kind: str, path: Path, engine: Engine) -> BackupSummary:
    with read_session(engine) as s:
        sources = s.exec(select(func.count(Source.id))).one()
        claims = s.exec(select(func.count(Claim.id))).one()
    return BackupSummary(kind, path, sources, claims)
