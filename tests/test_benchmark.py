"""The benchmark script runs and prints its table (a smoke test: figures are not asserted,
speed is measured by `make bench`, never by a test)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_loads_and_imports_a_small_store_and_prints_its_table(tmp_path):
    dbs = "sqlite,postgres" if PG_URL else "sqlite"
    prefix = f"smoke_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    out = tmp_path / "table.md"
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/run.py",
            "--sizes",
            "200",
            "--sections",
            "a,b",
            "--db",
            dbs,
            "--repeat",
            "1",
            "--workdir",
            str(tmp_path),
            "--prefix",
            prefix,
            "--drop",
            "--pg-url",
            PG_URL or "postgresql+psycopg://unused",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert "| section | db | claims | measure | value | floor | ratio | goal | met |" in lines
    rows = [line for line in lines if line.startswith(("| a |", "| b |"))]
    for db in dbs.split(","):
        assert any(r.startswith(f"| a | {db} | 200 | synthetic loader") for r in rows), rows
        assert any(r.startswith(f"| b | {db} | 200 | tracker import") for r in rows), rows
    assert all(r.split("|")[-2].strip().startswith(("met", "missed")) for r in rows)
    assert "load average" in lines[-1]
    assert out.read_text(encoding="utf-8").startswith("| section |")
