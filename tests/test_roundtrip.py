"""Export to YAML, import into an empty database: the same data comes back."""

from __future__ import annotations

import filecmp

from sqlalchemy.engine import Engine

from tracker.files.export import export_yaml
from tracker.files.importer import import_paths
from tracker.store.db import init_db, make_engine
from tracker.store.write import SYSTEM


def _same_tree(a, b) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    return all(_same_tree(a / d, b / d) for d in cmp.common_dirs)


def test_yaml_export_round_trips_through_an_empty_database(sample_engine: Engine, tmp_path):
    first = tmp_path / "first"
    written = export_yaml(sample_engine, first)
    assert written >= 70

    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    init_db(other)
    plan = import_paths(other, SYSTEM, [first])
    assert plan.totals()["claims_added"] >= 187

    second = tmp_path / "second"
    export_yaml(other, second)
    assert _same_tree(first, second)
    other.dispose()


def test_reimporting_an_export_into_its_own_database_changes_nothing(sample_engine, tmp_path):
    export_yaml(sample_engine, tmp_path / "out")
    plan = import_paths(sample_engine, SYSTEM, [tmp_path / "out"])
    assert not plan.changes_anything or plan.totals()["claims_changed"] == 0
    assert plan.totals()["claims_added"] == 0
