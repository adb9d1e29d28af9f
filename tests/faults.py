"""Fault injection for the tests: a read-only database, a full disk, an unreachable server.

Kept apart from the tests so that the dashboard's "friendly error page" tests can put the
app in the same situations the CLI tests use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

# Faults that exist on one database only: the `database_url` fixture, for that one alone.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

# Port 1 on the loopback refuses connections at once: no server, no wait.
UNREACHABLE_POSTGRES_URL = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files and folders read-only, as on a read-only mount.

    Permission bits do not stop root (CI runs as root), so there the immutable attribute
    (`chattr +i`) is used; the test is skipped, saying why, where neither works.
    """
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if not shutil.which("chattr"):
        pytest.skip("running as root without chattr: cannot make a file read-only")
    done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True)
    if done.returncode:
        subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)
        pytest.skip(f"running as root and chattr +i failed: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


@contextmanager
def sqlite_disk_full(spare_pages: int = 2) -> Iterator[None]:
    """Every SQLite connection opened inside the block can grow its file by only
    `spare_pages` pages: SQLite then fails exactly as on a full disk (SQLITE_FULL)."""

    def limit(dbapi_connection, _record) -> None:  # noqa: ANN001
        if type(dbapi_connection).__module__ != "sqlite3":
            return
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + spare_pages}")
        cursor.close()

    event.listen(Engine, "connect", limit)
    try:
        yield
    finally:
        event.remove(Engine, "connect", limit)


def read_only_postgres_url(url: str) -> str:
    """The same schema through sessions that may only read, as on a hot standby."""
    parsed = make_url(url)
    options = parsed.query.get("options", "")
    options = f"{options} -cdefault_transaction_read_only=on".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)
