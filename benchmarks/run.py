"""The speed benchmark of issue #6: every figure beside its floor, measured in the same run.

    python benchmarks/run.py --sizes 10000,100000 --db sqlite,postgres --sections a,b,c,d,e,f,g

Sections (each selectable with --sections):
  a  the synthetic loader (tracker.files.synthetic.load_synthetic) vs the raw driver writing the
     very same rows (sqlite3 executemany / psycopg COPY), into an empty store
  b  `tracker import` of the same kind of data as YAML files and as CSV files, in claims/s, vs
     the same floor
  c  each reader page's server-side render (AppTest run()), cold (caches cleared) and warm
     (a rerun), vs the tracker.read.queries calls it made, timed directly, vs the raw SQL those
     calls sent, replayed through the driver (the floor)
  d  Datasette serving the same SQLite file: the chart aggregate over HTTP vs raw sqlite3
  e  peak RSS (VmHWM) of a real `streamlit run` after a browser visited every page
  f  Chromium (Playwright, system browser) time from navigation to the chart's SVG drawn
  g  the consistency checks: a full `tracker check` of the store in a child process (wall,
     CPU, peak RSS), then the incremental refresh after one edit of a claim (in the middle of
     the store, and in its largest (metric, place) group)

Figures are medians of --repeat runs (one run for the slow steps at a million rows, said
so in the table). Stores are built once per size and database (`tracker demo`) and kept in
--workdir between invocations. Servers started here are stopped by their pid, whatever
happens. Nothing here is a test: the figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402

from tracker.store.db import init_db, make_engine  # noqa: E402

HERE = Path(__file__).resolve().parent
DATASETTE_VENV = HERE / ".venv-datasette"
PAGES = {
    "figures": "views/figures.py",
    "claims": "views/claims.py",
    "sources": "views/sources.py",
    "checks": "views/checks.py",
    "about": "views/about.py",
}
PAGE_PATHS = {
    "figures": "",
    "claims": "claims",
    "sources": "sources",
    "checks": "checks",
    "about": "about",
}
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHART_METRIC = "civilian_killed"
TABLES = ("source", "claim", "revision")
#: Prefix of the stores' names (SQLite files, PostgreSQL schemas); --prefix changes it, so
#: that two runs against one server do not share schemas.
PREFIX = ["bench"]


# --- the table -------------------------------------------------------------------------------


@dataclass
class Row:
    section: str
    db: str
    size: int
    what: str
    value: str
    floor: str = ""
    ratio: str = ""
    goal: str = ""
    met: str = ""


ROWS: list[Row] = []
OUT: list[Path] = []  # --out: rewritten after every row, so that a long run that is cut
# short still leaves the rows it measured


def record(row: Row) -> None:
    ROWS.append(row)
    for path in OUT:
        path.write_text(table() + "\n", encoding="utf-8")
    print(
        f"  [{row.section}] {row.db} {row.size:,} {row.what}: {row.value}"
        + (f" (floor {row.floor}, {row.ratio})" if row.floor else "")
        + (f" goal {row.goal}: {row.met}" if row.goal else ""),
        flush=True,
    )


def table() -> str:
    head = ["section", "db", "claims", "measure", "value", "floor", "ratio", "goal", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in ROWS:
        cells = [r.section, r.db, f"{r.size:,}", r.what, r.value, r.floor, r.ratio, r.goal, r.met]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    return measure(fn, repeat)[0]


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall-clock and median CPU time of this process (threads included) and of the
    child processes it waited for (the synthetic loader's second process) over `repeat`
    runs. On a shared, overloaded machine the wall clock mostly measures the neighbours; the
    CPU time is this work's own cost (for SQLite all of it is on this machine's cores;
    PostgreSQL's server time is not counted in it)."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, wall = _cpu_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cpu_time() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def both(wall: float, cpu: float) -> str:
    return f"{ms(wall)} wall, {ms(cpu)} cpu"


def verdict(ok: bool, by: str = "") -> str:
    return "met" if ok else f"missed{(' ' + by) if by else ''}"


def timed_verdict(wall: float, cpu: float, limit: float) -> str:
    """Judged on the wall clock, saying whether the CPU time alone would have met it."""
    return verdict(wall <= limit, f"(cpu {'met' if cpu <= limit else 'missed'})")


# --- stores ------------------------------------------------------------------------------------


@dataclass
class Store:
    db: str  # "sqlite" | "postgres"
    url: str
    path: Path | None = None  # the SQLite file
    schema: str | None = None  # the PostgreSQL schema


def pg_admin(pg_url: str) -> Engine:
    base = make_url(pg_url)
    return create_engine(base, isolation_level="AUTOCOMMIT")


def pg_schema_url(pg_url: str, schema: str) -> str:
    base = make_url(pg_url)
    return base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def empty_store(db: str, workdir: Path, pg_url: str, name: str) -> Store:
    """A migrated store with no rows (a fresh file, or a dropped and re-created schema)."""
    name = f"{PREFIX[0]}_{name}"
    if db == "sqlite":
        path = workdir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        store = Store(db, f"sqlite:///{path}", path=path)
    else:
        admin = pg_admin(pg_url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        admin.dispose()
        store = Store(db, pg_schema_url(pg_url, name), schema=name)
    engine = make_engine(store.url)
    init_db(engine)
    engine.dispose()
    return store


def claims_in(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM claim")).scalar_one())
    except Exception:  # noqa: BLE001 - a store not built yet
        return -1
    finally:
        engine.dispose()


def store_of_size(db: str, size: int, workdir: Path, pg_url: str) -> Store:
    """The benchmark store of `size` synthetic claims, built once with `tracker demo` and
    reused while it holds exactly that many."""
    name = f"{size}"
    full = f"{PREFIX[0]}_{name}"
    if db == "sqlite":
        path = workdir / f"{full}.db"
        store = Store(db, f"sqlite:///{path}", path=path)
    else:
        store = Store(db, pg_schema_url(pg_url, full), schema=full)
    if claims_in(store.url) == size:
        engine = make_engine(store.url)
        init_db(engine)  # a store kept from an older run gets this checkout's indexes
        engine.dispose()
        return store
    store = empty_store(db, workdir, pg_url, name)
    print(f"  building the {db} store of {size:,} claims (tracker demo) ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tracker.cli",
            "demo",
            "--synthetic",
            str(size),
            "--database",
            store.url,
        ],
        cwd=ROOT,
        check=True,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    print(f"  built in {time.perf_counter() - started:.0f}s", flush=True)
    return store


# --- raw driver access (the floors) ------------------------------------------------------------


@contextlib.contextmanager
def raw_connection(store: Store) -> Iterator[Any]:
    """The driver itself: sqlite3 on the file, psycopg on the schema (no SQLAlchemy)."""
    if store.db == "sqlite":
        conn = sqlite3.connect(str(store.path), isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        try:
            yield conn
        finally:
            conn.close()
    else:
        import psycopg

        url = make_url(store.url)
        conn = psycopg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            options=f"-csearch_path={store.schema}",
        )
        try:
            yield conn
        finally:
            conn.close()


def dump_rows(store: Store) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every source, claim and revision row exactly as stored, ready for executemany."""
    out = {}
    with raw_connection(store) as conn:
        for table in TABLES:
            cur = conn.execute(f"SELECT * FROM {table} ORDER BY id")
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if store.db == "postgres":  # JSON as the text stored, as COPY takes it
                json_at = [i for i, c in enumerate(columns) if c in ("before", "after")]
                rows = [
                    tuple(
                        json.dumps(v) if i in json_at and v is not None else v
                        for i, v in enumerate(r)
                    )
                    for r in rows
                ]
            out[table] = (columns, rows)
    return out


def raw_insert(store: Store, rows: dict[str, tuple[list[str], list[tuple]]]) -> None:
    """One transaction writing each table's rows the fastest way the driver has, with the
    same index upkeep and journal the loader uses (tracker.store.upkeep), so that the floor is
    the same work minus the Python.

    SQLite: plain executemany, under a rollback journal instead of the WAL (the target is
    empty), FTS5 insert triggers dropped and the rows' terms added in one INSERT ... SELECT,
    and the non-unique secondary indexes dropped and re-created (the target is empty), with
    the loader's page cache. Maintained row by row instead, the floor spent 3.5x the CPU at
    100k claims, mostly in FTS5 flushing a segment per inserted row.

    PostgreSQL: one COPY ... FROM STDIN per table (psycopg 3), with every index kept up as
    the loader keeps them (dropping one would lock the dashboard's readers out)."""
    if store.db == "postgres":
        with raw_connection(store) as conn, conn.cursor() as cur:
            for table in TABLES:
                columns, data = rows[table]
                quoted = ", ".join(f'"{c}"' for c in columns)
                with cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
            conn.commit()
        return
    from tracker.store.upkeep import LOAD_CACHE_KIB, SQLITE_FTS

    with raw_connection(store) as cur:
        cur.execute(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")  # as the loader's connection
        # The target is empty: the loader's journal for a first load (tracker.store.upkeep).
        cur.execute("PRAGMA journal_mode = DELETE")
        cur.execute("BEGIN IMMEDIATE")
        indexes = cur.execute(
            "SELECT m.name, m.sql FROM sqlite_master m "
            "JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name "
            "WHERE m.type = 'index' AND m.sql IS NOT NULL AND l.\"unique\" = 0 "
            f"AND m.tbl_name IN {TABLES}"
        ).fetchall()
        triggers = cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE '%\\_fts\\_insert' ESCAPE '\\'"
        ).fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for name, _sql in triggers:
            cur.execute(f'DROP TRIGGER "{name}"')
        for table in TABLES:
            columns, data = rows[table]
            marks = ", ".join("?" * len(columns))
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", data)
        for _name, sql in [*indexes, *triggers]:
            cur.execute(sql)
        for fts, table, fts_columns in SQLITE_FTS:
            listed = ", ".join(fts_columns)
            cur.execute(f"INSERT INTO {fts}(rowid, {listed}) SELECT id, {listed} FROM {table}")
        cur.execute("COMMIT")
        cur.execute("PRAGMA journal_mode = WAL")


# --- a: the synthetic loader -------------------------------------------------------------------


def section_a(db: str, size: int, workdir: Path, pg_url: str, repeat: int) -> None:
    from tracker.files.synthetic import ensure_vocabulary, load_synthetic
    from tracker.store.write import SYSTEM

    runs = 1 if size >= 1_000_000 else repeat
    floor = "raw COPY" if db == "postgres" else "raw"
    loads, raws = [], []
    for i in range(runs):
        store = empty_store(db, workdir, pg_url, "load")
        engine = make_engine(store.url)
        ensure_vocabulary(engine, SYSTEM)  # reference data, not timed (the raw floor has it too)
        reports = []
        loads.append(
            measure(
                lambda engine=engine, i=i, reports=reports: reports.append(
                    load_synthetic(engine, size, seed=100 + i)
                ),
                1,
            )
        )
        report = reports[0]
        engine.dispose()
        rows = dump_rows(store)
        target = empty_store(db, workdir, pg_url, "raw")
        engine = make_engine(target.url)
        ensure_vocabulary(engine, SYSTEM)
        _copy_claimants(store, target)
        engine.dispose()
        raws.append(measure(lambda target=target, rows=rows: raw_insert(target, rows), 1))
    load = statistics.median(w for w, _ in loads), statistics.median(c for _, c in loads)
    raw = statistics.median(w for w, _ in raws), statistics.median(c for _, c in raws)
    record(
        Row(
            "a",
            db,
            size,
            f"synthetic loader incl. generation ({runs} run{'s' if runs > 1 else ''}; "
            f"{report.sources:,} sources, {report.revisions:,} revisions)",
            f"{size / load[0]:,.0f} claims/s ({both(*load)})",
            f"{size / raw[0]:,.0f} claims/s ({both(*raw)})",
            _ratio_text(raw, load, floor),
            f">= 0.7x {floor}" + (f", >= {PG_LOAD_GOAL:,} claims/s" if db == "postgres" else ""),
            _at_least(raw, load, 0.7)
            + (f"; {_rate_verdict(size / load[0], PG_LOAD_GOAL)}" if db == "postgres" else ""),
        )
    )


#: Issue #19: a million claims into PostgreSQL within a minute.
PG_LOAD_GOAL = 17_000


def _rate_verdict(rate: float, goal: float) -> str:
    return f"{rate:,.0f}/s met (wall)" if rate >= goal else f"missed by {goal / rate:.1f}x (wall)"


def _ratio_text(floor: tuple[float, float], value: tuple[float, float], what: str) -> str:
    """Throughput ratio value/floor, by wall clock and by CPU time."""
    return f"{floor[0] / value[0]:.2f}x {what} (wall), {floor[1] / value[1]:.2f}x (cpu)"


def _at_least(floor: tuple[float, float], value: tuple[float, float], goal: float) -> str:
    """Judged on the wall clock: a large load builds its rows in a second process while
    this one writes them (tracker.store.bulk_pipeline), so its throughput is rows per second of
    waiting, not of one core; the CPU ratio beside it counts both processes. Measure on a
    quiet machine (the table's header gives the load average)."""
    ratio = floor[0] / value[0]
    return "met (wall)" if ratio >= goal else f"missed by {goal / ratio:.1f}x (wall)"


def _copy_claimants(source: Store, target: Store) -> None:
    """The synthetic claimants the loader created, so that the raw rows' ids resolve."""
    with raw_connection(source) as a:
        cur = a.execute(
            "SELECT id, key, name, short_name, kind, side, aliases FROM claimant WHERE name LIKE 'Synthetic claimant %'"
        )
        rows = cur.fetchall()
    with raw_connection(target) as b:
        mark = "?" if target.db == "sqlite" else "%s"
        if target.db == "postgres":
            from psycopg.types.json import Json

            rows = [(*r[:6], Json(r[6])) for r in rows]
        sql = f"INSERT INTO claimant (id, key, name, short_name, kind, side, aliases) VALUES ({', '.join([mark] * 7)})"
        if target.db == "sqlite":
            b.executemany(sql, rows)
        else:
            with b.cursor() as cur:
                cur.executemany(sql, rows)
            b.commit()


# --- b: tracker import -------------------------------------------------------------------------


#: Claims per CSV file in section b: a CSV of 100,000 claims is over the 20 MB file limit.
CSV_CLAIMS_PER_FILE = 25_000


def _write_csv(items: Any, folder: Path) -> list[Path]:
    """The dataset as CSV files in the export's columns (the joined vocabulary columns left
    out: the import ignores them), a source's rows in one file, about CSV_CLAIMS_PER_FILE
    claims a file."""
    import csv
    from datetime import date

    from tracker.files.csvfile import SOURCE_COLUMNS
    from tracker.files.export import CLAIM_KEYS, neutralise_formula

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, date):
            return value.isoformat()
        return str(neutralise_formula(value))

    folder.mkdir(parents=True, exist_ok=True)
    header = [*CLAIM_KEYS, *SOURCE_COLUMNS]
    paths: list[Path] = []
    out = writer = None
    count = 0
    for item in items:
        if writer is None or count >= CSV_CLAIMS_PER_FILE:
            if out is not None:
                out.close()
            paths.append(folder / f"claims_{len(paths) + 1:03d}.csv")
            out = paths[-1].open("w", newline="", encoding="utf-8")
            writer = csv.writer(out)
            writer.writerow(header)
            count = 0
        source = [cell(item.source.get(f)) for f in SOURCE_COLUMNS.values()]
        for claim in item.claims:
            writer.writerow([*(cell(claim.get(k)) for k in CLAIM_KEYS), *source])
            count += 1
    if out is not None:
        out.close()
    return paths


def section_b(db: str, size: int, workdir: Path, pg_url: str, repeat: int) -> None:
    from tracker.files.importer import import_paths
    from tracker.files.reading import load_vocabulary
    from tracker.files.synthetic import SyntheticVocabulary, ensure_vocabulary, generate, write_yaml
    from tracker.store.write import SYSTEM

    folder = workdir / f"yaml_{size}"
    csv_folder = workdir / f"csv_{size}"
    vocab = None
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        vocab = SyntheticVocabulary.from_vocabulary(load_vocabulary())
        write_yaml(generate(size, seed=200, vocab=vocab), folder)
        (folder / ".complete").touch()
    if not (csv_folder / ".complete").exists():
        shutil.rmtree(csv_folder, ignore_errors=True)
        vocab = vocab or SyntheticVocabulary.from_vocabulary(load_vocabulary())
        _write_csv(generate(size, seed=200, vocab=vocab), csv_folder)
        (csv_folder / ".complete").touch()
    csv_files = sorted(csv_folder.glob("*.csv"))
    runs = 1 if size >= 100_000 else repeat
    imports, csv_imports, raws = [], [], []
    for _ in range(runs):
        store = empty_store(db, workdir, pg_url, "import")
        engine = make_engine(store.url)
        ensure_vocabulary(engine, SYSTEM)
        imports.append(measure(lambda engine=engine: import_paths(engine, SYSTEM, [folder]), 1))
        engine.dispose()
        rows = dump_rows(store)
        target = empty_store(db, workdir, pg_url, "raw")
        engine = make_engine(target.url)
        ensure_vocabulary(engine, SYSTEM)
        _copy_claimants(store, target)
        engine.dispose()
        raws.append(measure(lambda target=target, rows=rows: raw_insert(target, rows), 1))
        # The same claims as CSV: the same rows stored, so the same floor.
        store = empty_store(db, workdir, pg_url, "import_csv")
        engine = make_engine(store.url)
        ensure_vocabulary(engine, SYSTEM)
        csv_imports.append(
            measure(lambda engine=engine: import_paths(engine, SYSTEM, csv_files), 1)
        )
        engine.dispose()
    raw = statistics.median(w for w, _ in raws), statistics.median(c for _, c in raws)
    i = 1 if db == "sqlite" else 0
    for what, measured, goal in (
        ("YAML, one file per source", imports, 20_000),
        (f"CSV, {len(csv_files)} files", csv_imports, 50_000),
    ):
        took = statistics.median(w for w, _ in measured), statistics.median(c for _, c in measured)
        rate = size / took[i]
        record(
            Row(
                "b",
                db,
                size,
                f"tracker import ({what}) ({runs} run{'s' if runs > 1 else ''})",
                f"{size / took[0]:,.0f} claims/s wall, {size / took[1]:,.0f}/s cpu ({both(*took)})",
                f"{size / raw[0]:,.0f} claims/s ({both(*raw)})",
                _ratio_text(raw, took, "raw"),
                f">= {goal:,} claims/s",
                (
                    f"met ({'cpu' if i else 'wall'})"
                    if rate >= goal
                    else f"missed by {goal / rate:.1f}x ({'cpu' if i else 'wall'})"
                ),
            )
        )


# --- c: page renders ---------------------------------------------------------------------------


class Recorder:
    """Catches what a page run does: each tracker.read.queries call (function and arguments)
    and each SQL statement sent to the database (text and parameters)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []
        self.sql: list[tuple[str, Any, bool]] = []
        self.on = False

    def before_cursor_execute(self, conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN201
        if self.on:
            self.sql.append((statement, parameters, executemany))

    @contextlib.contextmanager
    def recording(self) -> Iterator[None]:
        self.calls.clear()
        self.sql.clear()
        self.on = True
        try:
            yield
        finally:
            self.on = False


RECORDER: list[Recorder | None] = [None]


def _wrap_queries(recorder: Recorder) -> None:
    RECORDER[0] = recorder
    import functools

    from tracker.read import queries

    for name in dir(queries):
        fn = getattr(queries, name)
        if (
            name.startswith("_")
            or not callable(fn)
            or getattr(fn, "__module__", "") != queries.__name__
        ):
            continue
        if isinstance(fn, type) or getattr(fn, "_bench_wrapped", False):
            continue

        def wrapper(*args: Any, __fn=fn, __name=name, **kwargs: Any) -> Any:
            current = RECORDER[0]  # the recorder of this section's run, not the first one's
            if current is not None and current.on:
                current.calls.append((__name, args, kwargs))
            return __fn(*args, **kwargs)

        functools.update_wrapper(wrapper, fn)
        wrapper._bench_wrapped = True  # type: ignore[attr-defined]
        setattr(queries, name, wrapper)


def _replay_calls(calls: list[tuple[str, tuple, dict]]) -> None:
    from tracker.read import queries

    for name, args, kwargs in calls:
        getattr(queries, name).__wrapped__(*args, **kwargs)


def _replay_sql(store: Store, statements: list[tuple[str, Any, bool]]) -> Callable[[], None]:
    """The page's statements through the driver alone, on one open connection."""

    def run() -> None:
        with raw_connection(store) as conn:
            for sql, params, many in statements:
                if (
                    sql.strip()
                    .upper()
                    .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
                ):
                    continue  # the floor is the queries; transactions are the driver's own
                if store.db == "sqlite":
                    cur = conn.executemany(sql, params) if many else conn.execute(sql, params)
                    cur.fetchall()
                else:
                    with conn.cursor() as cur:
                        if many:
                            cur.executemany(sql, params)
                        else:
                            cur.execute(sql, params or None)
                            if cur.description:
                                cur.fetchall()
            if store.db == "postgres":
                conn.rollback()

    return run


def section_c(store: Store, size: int, repeat: int, pages: list[str]) -> dict[str, float]:
    from streamlit import logger as streamlit_logger
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    streamlit_logger.set_log_level("error")  # "no runtime found" on every bare-mode cache
    recorder = Recorder()
    event.listen(Engine, "before_cursor_execute", recorder.before_cursor_execute)
    _wrap_queries(recorder)
    os.environ["TRACKER_DATABASE_URL"] = store.url
    app = str(ROOT / "dashboard" / "app.py")
    warm_of: dict[str, float] = {}
    try:
        for page in pages:
            colds, warms = [], []
            calls: list = []
            statements: list = []
            for i in range(repeat):
                data.clear()
                at = AppTest.from_file(app, default_timeout=600)
                if PAGES[page] != "views/figures.py":
                    at.switch_page(PAGES[page])
                with recorder.recording():
                    colds.append(measure(at.run, 1))
                if at.exception:
                    raise RuntimeError(f"{page}: {at.exception[0].value}")
                if i == 0:
                    calls, statements = list(recorder.calls), list(recorder.sql)
                warms.append(measure(at.run, 1))
            cold = statistics.median(w for w, _ in colds), statistics.median(c for _, c in colds)
            warm = statistics.median(w for w, _ in warms), statistics.median(c for _, c in warms)
            query_time = measure(lambda calls=calls: _replay_calls(calls), repeat)
            floor = measure(_replay_sql(store, statements), repeat)
            warm_of[page] = warm[0]
            names = sorted({c[0] for c in calls})
            i = 1 if store.db == "sqlite" else 0
            basis = "cpu" if i else "wall"
            record(
                Row(
                    "c",
                    store.db,
                    size,
                    f"{page}: cold render ({len(statements)} statements; tracker.read.queries calls: "
                    f"{', '.join(names) or 'none'} = {both(*query_time)})",
                    both(*cold),
                    both(*floor),
                    f"{cold[0] / floor[0]:.1f}x (wall), {cold[1] / max(floor[1], 1e-6):.1f}x (cpu)",
                    "<= 3x floor",
                    _at_most(cold[i], floor[i], 3, basis),
                )
            )
            verdict_warm = _at_most(warm[i], floor[i], 1.5, basis)
            if warm[i] > 0.25:
                verdict_warm = f"missed: {ms(warm[i])} > 250 ms ({basis})"
            record(
                Row(
                    "c",
                    store.db,
                    size,
                    f"{page}: warm rerun",
                    both(*warm),
                    both(*floor),
                    f"{warm[0] / floor[0]:.1f}x (wall), {warm[1] / max(floor[1], 1e-6):.1f}x (cpu)",
                    "<= 1.5x floor and <= 250 ms",
                    verdict_warm,
                )
            )
    finally:
        event.remove(Engine, "before_cursor_execute", recorder.before_cursor_execute)
        data.clear()
    return warm_of


def _at_most(value: float, floor: float, goal: float, basis: str) -> str:
    if floor <= 0:
        return ""
    ratio = value / floor
    return f"met ({basis})" if ratio <= goal else f"missed by {ratio / goal:.1f}x ({basis})"


# --- d: Datasette --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def datasette_binary() -> Path:
    """Datasette in its own virtual environment (not a project dependency)."""
    binary = DATASETTE_VENV / "bin" / "datasette"
    if not binary.exists():
        print("  installing datasette into benchmarks/.venv-datasette ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run(
            [
                str(DATASETTE_VENV / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "datasette",
            ],
            check=True,
        )
    return binary


@contextlib.contextmanager
def server(
    command: list[str], ready_url: str, timeout: float = 180, env: dict | None = None
) -> Iterator[subprocess.Popen]:
    """Start a server, wait until `ready_url` answers, and always stop it by its pid."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(
                    f"{command[0]} exited: {log.read().decode(errors='replace')[-2000:]}"
                )
            try:
                with urllib.request.urlopen(ready_url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not answer {ready_url} in {timeout:.0f}s")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def chart_aggregate_sql(store: Store) -> tuple[str, dict[str, Any]]:
    """The issue's aggregate: per claimant per month, the max value for one metric."""
    with raw_connection(store) as conn:
        metric_id = conn.execute("SELECT id FROM metric WHERE key = ?", (CHART_METRIC,)).fetchone()[
            0
        ]
    sql = (
        "SELECT claimant_id, strftime('%Y-%m', period_end) AS month, max(value) AS value "
        "FROM claim WHERE metric_id = :metric GROUP BY claimant_id, month"
    )
    return sql, {"metric": metric_id}


def section_d(store: Store, size: int, repeat: int, figures_warm: float | None) -> None:
    assert store.path is not None
    sql, params = chart_aggregate_sql(store)
    with raw_connection(store) as conn:
        raw = median_time(lambda: conn.execute(sql, params).fetchall(), repeat)
    binary = datasette_binary()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # A copy named for the URL; immutable mode (no locking, counts cached), as one would
    # publish a finished file.
    with server(
        [
            str(binary),
            "serve",
            "-i",
            str(store.path),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "120000",
            "--setting",
            "max_returned_rows",
            "100000",
        ],
        f"{base}/-/versions.json",
    ):
        query = urllib.parse.urlencode({"sql": sql, "_shape": "array", **params})
        url = f"{base}/{store.path.stem}.json?{query}"

        def fetch() -> None:
            with urllib.request.urlopen(url, timeout=600) as response:
                rows = json.loads(response.read())
            assert isinstance(rows, list) and rows, rows

        fetch()  # the first request opens the file
        over_http = median_time(fetch, repeat)
    record(
        Row(
            "d",
            "sqlite",
            size,
            "Datasette, chart aggregate over HTTP",
            ms(over_http),
            ms(raw),
            f"{over_http / raw:.1f}x raw",
        )
    )
    if figures_warm is not None:
        record(
            Row(
                "d",
                "sqlite",
                size,
                "Figures page warm rerun vs Datasette's aggregate",
                ms(figures_warm),
                ms(over_http),
                f"{figures_warm / over_http:.1f}x Datasette",
                "<= Datasette",
                verdict(figures_warm <= over_http, f"by {figures_warm / over_http:.1f}x"),
            )
        )


# --- e and f: the real server in Chromium -------------------------------------------------------


def find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def wait_for_app(page: Any, timeout_ms: int) -> None:
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout_ms
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout_ms
    )
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=timeout_ms)


VISITS = 15  # later visits to the chart, at least (section f)
LATER_VISIT_GOAL = 1.2  # seconds, median of the later visits (issue #19)
FIRST_VISIT_GOAL = 3.0  # seconds, the first visit after the server starts (issue #19)


def section_ef(store: Store, size: int, repeat: int, sections: set[str]) -> None:
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        print("  skipped e/f: no system Chromium at /usr/bin/chromium", flush=True)
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TRACKER_DATABASE_URL": store.url, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard/serve.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    timeout_ms = 600_000
    with server(command, f"{base}/_stcore/health", env=env) as process, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            chart_times = []
            # One visit varies from 1.2 to 2.3 s here (two cores shared by the server and
            # Chromium): the median of at least VISITS, whatever --repeat says.
            for i in range(max(repeat, VISITS) + 1):
                started = time.perf_counter()
                page.goto(base + "/", timeout=timeout_ms)
                page.locator(".js-plotly-plot .main-svg").first.wait_for(
                    state="visible", timeout=timeout_ms
                )
                took = time.perf_counter() - started
                if i == 0:
                    first = took
                else:
                    chart_times.append(took)
            if "f" in sections:
                record(
                    Row(
                        "f",
                        store.db,
                        size,
                        "browser: navigation to chart drawn, first visit (cold server caches; "
                        f"{load_note()})",
                        ms(first),
                        "",
                        "",
                        f"<= {FIRST_VISIT_GOAL:g} s",
                        verdict(first <= FIRST_VISIT_GOAL, f"by {first / FIRST_VISIT_GOAL:.1f}x"),
                    )
                )
                warm = statistics.median(chart_times)
                record(
                    Row(
                        "f",
                        store.db,
                        size,
                        f"browser: navigation to chart drawn (median of {len(chart_times)} "
                        f"later visits; {load_note()})",
                        ms(warm),
                        "",
                        "",
                        f"<= {LATER_VISIT_GOAL:g} s",
                        verdict(warm <= LATER_VISIT_GOAL, f"by {warm / LATER_VISIT_GOAL:.1f}x"),
                    )
                )
            if "e" in sections:
                for path in PAGE_PATHS.values():
                    page.goto(f"{base}/{path}", timeout=timeout_ms)
                    wait_for_app(page, timeout_ms)
                peak = vm_hwm_mb(process.pid)
                record(
                    Row(
                        "e",
                        store.db,
                        size,
                        "dashboard peak RSS (VmHWM) after every page",
                        f"{peak:,.0f} MB",
                        "",
                        "",
                        "<= 300 MB",
                        verdict(peak <= 300, f"by {peak - 300:,.0f} MB"),
                    )
                )
        finally:
            browser.close()


# --- g: the consistency checks ---------------------------------------------------------------------

CHECK_GOAL_S = 60.0  # issue #19: a full check of a million claims
CHECK_GOAL_MB = 500.0
REFRESH_GOAL_S = 1.0


def _forget_findings(store: Store) -> None:
    """Empty the stored findings, so that the next `tracker check` runs in full."""
    with raw_connection(store) as conn:
        for table in ("finding_claim", "finding", "findings_state"):
            conn.execute(f"DELETE FROM {table}")
        if store.db == "postgres":
            conn.commit()


def _child_check(store: Store) -> tuple[float, float, float, int]:
    """`tracker check` in a child process: wall and CPU seconds, peak RSS (MB), exit code."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "tracker.cli", "check", "--format", "json"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TRACKER_DATABASE_URL": store.url},
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux: the child's peak resident memory (VmHWM).
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, status >> 8


def _middle_claim(session: Any) -> int:
    """A claim in the middle of the store (by id)."""
    from sqlmodel import select

    from tracker.domain.models import Claim

    newest = session.exec(select(Claim.id).order_by(Claim.id.desc()).limit(1)).one()
    return session.exec(select(Claim.id).where(Claim.id >= newest // 2).limit(1)).one()


def _claim_in_largest_group(session: Any) -> int:
    """A claim in the middle (by id) of the largest (metric, place) group: the refresh
    after an edit there rechecks the most (at a million claims, fifty claimants' series)."""
    from sqlalchemy import func
    from sqlmodel import select

    from tracker.domain.models import Claim

    metric, place = session.exec(
        select(Claim.metric_id, Claim.place_id)
        .group_by(Claim.metric_id, Claim.place_id)
        .order_by(func.count(Claim.id).desc())
        .limit(1)
    ).one()
    ids = session.exec(
        select(Claim.id)
        .where(Claim.metric_id == metric, Claim.place_id == place)
        .order_by(Claim.id)
    ).all()
    return ids[len(ids) // 2]


def _one_edit(store: Store, pick: Callable[[Any], int]) -> None:
    """Correct one claim's figure (as a curator would): the claim `pick` chooses."""
    from tracker.domain.models import Claim
    from tracker.store.db import write_session
    from tracker.store.write import SYSTEM, update_claim

    engine = make_engine(store.url)
    try:
        with write_session(engine) as session:
            claim = session.get(Claim, pick(session))
            assert claim is not None
            update_claim(
                session,
                SYSTEM,
                claim.id,
                {"value": (claim.value or claim.low or 0) + 1, "check_override": "benchmark"},
                expected_version=claim.version,
                reason="benchmark: one edit",
            )
    finally:
        engine.dispose()


def section_g(store: Store, size: int, repeat: int) -> None:
    """A full check in a child process (its own peak RSS), then the refresh after one edit,
    timed in this process (what the dashboard runs after a curator's save): of a claim in the
    middle of the store and of one in its largest (metric, place) group."""
    runs = []
    for _ in range(max(1, repeat if size < 1_000_000 else 1)):
        _forget_findings(store)
        runs.append(_child_check(store))
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    rss = max(r[2] for r in runs)
    scale = size / 1_000_000
    record(
        Row(
            "g",
            store.db,
            size,
            f"full check (tracker check), load {os.getloadavg()[0]:.1f}",
            both(wall, cpu),
            goal=f"<= {CHECK_GOAL_S * scale:,.0f} s (60 s per 1M claims)",
            met=timed_verdict(wall, cpu, CHECK_GOAL_S * scale),
        )
    )
    record(
        Row(
            "g",
            store.db,
            size,
            "full check: peak RSS of the process",
            f"{rss:,.0f} MB",
            goal=f"<= {CHECK_GOAL_MB:,.0f} MB",
            met=verdict(rss <= CHECK_GOAL_MB),
        )
    )
    for where, pick in (
        ("a claim in the middle of the store", _middle_claim),
        ("a claim in the largest (metric, place) group", _claim_in_largest_group),
    ):
        wall, cpu = _refresh_after_edits(store, pick, repeat)
        record(
            Row(
                "g",
                store.db,
                size,
                f"refresh_findings after one edit of {where}, load {os.getloadavg()[0]:.1f}",
                both(wall, cpu),
                goal=f"<= {ms(REFRESH_GOAL_S)}",
                met=timed_verdict(wall, cpu, REFRESH_GOAL_S),
            )
        )


def _refresh_after_edits(
    store: Store, pick: Callable[[Any], int], repeat: int
) -> tuple[float, float]:
    """Median wall and CPU seconds of `refresh_findings` after one edit, over `repeat`
    edits (timed in this process: what the dashboard runs after a curator's save)."""
    from tracker.checks.finding_store import refresh_findings

    engine = make_engine(store.url)
    walls, cpus = [], []
    try:
        for _ in range(max(1, repeat)):
            _one_edit(store, pick)
            cpu, started = _cpu_time(), time.perf_counter()
            done = refresh_findings(engine)
            walls.append(time.perf_counter() - started)
            cpus.append(_cpu_time() - cpu)
            assert not done.full, "one edit must not need a full check"
    finally:
        engine.dispose()
    return statistics.median(walls), statistics.median(cpus)


# --- main -----------------------------------------------------------------------------------------


def load_note() -> str:
    """The 1-minute load average, beside each browser figure: on a shared machine the wall
    clock measures the other work as much as the page."""
    return f"load average {os.getloadavg()[0]:.1f}"


def machine_note() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        f"(1/5/15 min) at the end of the run"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="claims per store, comma-separated")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--sections", default="a,b,c,d,e,f,g", help="which sections to run")
    parser.add_argument("--pages", default=",".join(PAGES), help="pages for section c")
    parser.add_argument("--repeat", type=int, default=3, help="runs per median")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tracker-bench"
    )
    parser.add_argument(
        "--pg-url", default=os.environ.get("TRACKER_BENCH_POSTGRES_URL", DEFAULT_PG)
    )
    parser.add_argument("--prefix", default="bench", help="names of the stores (files, schemas)")
    parser.add_argument(
        "--drop", action="store_true", help="drop the PostgreSQL schemas at the end"
    )
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) to this file")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    pages = [p for p in args.pages.split(",") if p]
    args.workdir.mkdir(parents=True, exist_ok=True)
    PREFIX[0] = args.prefix
    if args.out:
        OUT.append(args.out)
    started = time.perf_counter()
    try:
        run_all(args, sizes, dbs, sections, pages)
    finally:
        if args.drop and "postgres" in dbs:
            drop_schemas(args.pg_url, args.prefix)
    note = f"{machine_note()}; {time.perf_counter() - started:,.0f}s in all"
    print()
    print(table())
    print()
    print(note)
    if args.out:
        args.out.write_text(table() + "\n\n" + note + "\n", encoding="utf-8")
    return 0


def drop_schemas(pg_url: str, prefix: str) -> None:
    admin = pg_admin(pg_url)
    with admin.connect() as conn:
        names = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": f"{prefix}\\_%"}
        ).scalars()
        for name in list(names):
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


def run_all(
    args: argparse.Namespace, sizes: list[int], dbs: list[str], sections: set[str], pages: list[str]
) -> None:
    for size in sizes:
        for db in dbs:
            print(f"== {db}, {size:,} claims", flush=True)
            if "a" in sections:
                section_a(db, size, args.workdir, args.pg_url, args.repeat)
            if "b" in sections:
                section_b(db, size, args.workdir, args.pg_url, args.repeat)
            if sections & {"c", "d", "e", "f", "g"}:
                store = store_of_size(db, size, args.workdir, args.pg_url)
                warm: dict[str, float] = {}
                if "c" in sections:
                    warm = section_c(store, size, args.repeat, pages)
                if "d" in sections and db == "sqlite":
                    section_d(store, size, args.repeat, warm.get("figures"))
                if sections & {"e", "f"}:
                    section_ef(store, size, args.repeat, sections)
                if "g" in sections:
                    section_g(store, size, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
