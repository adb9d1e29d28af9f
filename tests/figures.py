"""Figures of the reliability battery, for docs/reliability.md.

When TRACKER_RELIABILITY_FIGURES names a JSON file, the battery's tests write what they did
into it (writers, writes acknowledged and found, faults injected and survived, hostile
inputs tried by kind); `scripts/reliability_report.py` runs the battery with it set and
rewrites the figures section of the doc, so that the doc states what the last run showed.
Without the variable, recording does nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENV = "TRACKER_RELIABILITY_FIGURES"


def _path() -> Path | None:
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def _update(change) -> None:  # noqa: ANN001
    path = _path()
    if path is None:
        return
    data = json.loads(path.read_text()) if path.exists() and path.stat().st_size else {}
    change(data)
    path.write_text(json.dumps(data, indent=1, sort_keys=True))


def record(section: str, key: str, values: Mapping[str, Any]) -> None:
    """Set `section.key` to `values` (the last run of that test wins)."""

    def change(data: dict) -> None:
        data.setdefault(section, {})[key] = dict(values)

    _update(change)


def add(section: str, key: str, counts: Mapping[str, int]) -> None:
    """Add `counts` to the counters under `section.key` (several tests feed one tally)."""

    def change(data: dict) -> None:
        tally = data.setdefault(section, {}).setdefault(key, {})
        for name, n in counts.items():
            tally[name] = tally.get(name, 0) + n

    _update(change)
