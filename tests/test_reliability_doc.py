"""docs/reliability.md names real tests, and its figures section can be rewritten in place."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reliability.md"


def report_script():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location(
        "reliability_report", ROOT / "scripts" / "reliability_report.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_test_the_doc_names_exists():
    doc = DOC.read_text(encoding="utf-8")
    named = re.findall(r"tests/(test_\w+\.py)::(test_\w+)", doc)
    assert len(named) >= 40
    missing = []
    for file, test in named:
        tree = ast.parse((ROOT / "tests" / file).read_text(encoding="utf-8"))
        functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if test not in functions:
            missing.append(f"{file}::{test}")
    assert missing == []


def test_the_figures_section_is_rewritten_and_nothing_else():
    script = report_script()
    doc = DOC.read_text(encoding="utf-8")
    figures = {
        "load": {
            "sqlite": {
                "writers": 8,
                "writes_attempted": 90,
                "claims_expected": 5,
                "claims_found": 5,
            }
        },
        "faults": {"sqlite": {"disk full injected": 1, "disk full survived": 1}},
        "hostile": {"inputs by kind": {"unicode": 7, "SQL metacharacters": 3}},
    }
    section = script.render(figures, {"passed": 3, "failed": 0, "skipped": 1}, None)
    assert "| writer processes | 8 |" in section
    assert "| claims expected from them / found | 5 / 5 |" in section
    assert "| disk full | SQLite | 1 | 1 |" in section
    assert "| **total** | 10 |" in section
    rewritten = script.rewrite(doc, section)
    head, tail = doc.split(script.START)[0], doc.split(script.END)[1]
    assert rewritten.startswith(head) and rewritten.endswith(tail) and section in rewritten
    assert script.rewrite(rewritten, section) == rewritten
    assert set(script.battery(doc)) >= {"tests/test_load.py", "tests/test_faults.py"}
