"""Run the reliability battery and rewrite the figures section of docs/reliability.md.

    python scripts/reliability_report.py            # run the battery, then rewrite the doc
    python scripts/reliability_report.py --check    # run it and print the figures only

The battery is every test file docs/reliability.md names, so the doc and the run cannot
drift apart. Set TRACKER_TEST_POSTGRES_URL to include PostgreSQL (CI's URL:
postgresql+psycopg://postgres@127.0.0.1:5432/test). The doc is rewritten only after a run
with no failure: the figures of a failed run prove nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
BACKENDS = ("sqlite", "postgresql")
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "any": "either"}


def battery(doc: str) -> list[str]:
    return sorted({f"tests/{name}" for name in re.findall(r"tests/(test_\w+\.py)::", doc)})


def run(files: list[str], figures: Path, junit: Path) -> int:
    env = dict(os.environ, TRACKER_RELIABILITY_FIGURES=str(figures), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "pytest", *files, "-q", "-p", "no:cacheprovider"]
    return subprocess.call([*command, f"--junitxml={junit}"], cwd=ROOT, env=env)


def test_counts(junit: Path) -> dict[str, int]:
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    seconds = round(float(suite.get("time", 0)))
    return {
        "passed": total - skipped - failed,
        "failed": failed,
        "skipped": skipped,
        "seconds": seconds,
    }


def postgres_version() -> str | None:
    url = os.environ.get("TRACKER_TEST_POSTGRES_URL", "").strip()
    if not url:
        return None
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text

    from tracker.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SHOW server_version")).scalar().split()[0]
    finally:
        engine.dispose()


def table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def render(figures: dict, counts: dict[str, int], pg: str | None, load: float | None = None) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    setup = (
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        + (f"PostgreSQL {pg}" if pg else "PostgreSQL not run (TRACKER_TEST_POSTGRES_URL unset)")
        + f", {os.cpu_count()} CPUs"
        # Time and throughput depend on what else the machine ran; say how busy it was.
        + (f", load average {load:.1f} at the start" if load is not None else "")
    )
    out = [
        f"Run on {when} by `scripts/reliability_report.py` ({setup}): "
        f"{counts['passed']} tests passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped"
        + (f", in {counts['seconds']} s." if counts.get("seconds") else "."),
        "",
    ]
    load = figures.get("load", {})
    backends = [b for b in BACKENDS if b in load]
    if backends:
        out += [
            "**Writers at once** (`test_eight_writers_leave_exactly_what_was_acknowledged`):",
            "",
        ]
        rows = [
            ("writer processes", "writers"),
            ("writes attempted", "writes_attempted"),
            ("imports acknowledged", "imports_acknowledged"),
            ("claims expected from them / found", ("claims_expected", "claims_found")),
            (
                "edits acknowledged / revisions found",
                ("edits_acknowledged", "edit_revisions_found"),
            ),
            ("edits refused as stale (edit conflict)", "edits_refused_conflict"),
            ("writes refused as busy", ("imports_refused_busy", "edits_refused_busy")),
        ]
        body = []
        for label, key in rows:
            cells = []
            for b in backends:
                f = load[b]
                if isinstance(key, tuple) and label.startswith("writes refused"):
                    cells.append(sum(f.get(k, 0) for k in key))
                elif isinstance(key, tuple):
                    cells.append(" / ".join(str(f.get(k, "?")) for k in key))
                else:
                    cells.append(f.get(key, "?"))
            body.append([label, *cells])
        out += table(["", *(NAMES[b] for b in backends)], body) + [""]
    backup = figures.get("backup", {})
    if backup:
        out += ["**Backups taken while writers run** (restored and compared):", ""]
        out += table(
            ["database", "kind", "writers", "imports acknowledged", "in the backup", "restored"],
            [
                [
                    NAMES[b],
                    f["kind"],
                    f["writers"],
                    f["writes_acknowledged_while_running"],
                    f"{f['sources_in_backup']} sources, {f['claims_in_backup']} claims",
                    "identical" if f.get("restored_identical") else "DIFFERENT",
                ]
                for b, f in sorted(backup.items())
            ],
        ) + [""]
    faults = figures.get("faults", {})
    if faults:
        out += ["**Faults injected and survived** (database unchanged, one clear line):", ""]
        rows = []
        for b, tally in sorted(faults.items()):
            for key in sorted(k for k in tally if k.endswith(" injected")):
                kind = key.removesuffix(" injected")
                rows.append([kind, NAMES.get(b, b), tally[key], tally.get(f"{kind} survived", 0)])
        out += table(["fault", "database", "injected", "survived"], rows) + [""]
    hostile = figures.get("hostile", {}).get("inputs by kind", {})
    if hostile:
        out += ["**Hostile inputs tried, by kind** (all refused clearly or stored correctly):", ""]
        rows = [[k, n] for k, n in sorted(hostile.items(), key=lambda kv: (-kv[1], kv[0]))]
        out += table(["kind", "inputs"], [*rows, ["**total**", sum(hostile.values())]])
    return "\n".join(out).rstrip() + "\n"


def rewrite(doc: str, section: str) -> str:
    if START not in doc or END not in doc:
        raise SystemExit(f"{DOC} lost its {START} / {END} markers")
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{section}{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print the figures, keep the doc")
    args = parser.parse_args()
    doc = DOC.read_text(encoding="utf-8")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory() as tmp:
        figures_path, junit = Path(tmp) / "figures.json", Path(tmp) / "junit.xml"
        code = run(battery(doc), figures_path, junit)
        counts = test_counts(junit)
        figures = json.loads(figures_path.read_text()) if figures_path.exists() else {}
    section = render(figures, counts, postgres_version(), load)
    print(section)
    if code != 0 or counts["failed"]:
        print("the battery failed: docs/reliability.md left as it was", file=sys.stderr)
        return 1
    if not args.check:
        DOC.write_text(rewrite(doc, section), encoding="utf-8")
        print(f"rewrote the figures in {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
