"""The Claims page's downloads: exactly the rows its filter selects, as CSV and JSON.

The rows come from `tracker.queries.export_rows` (the same `ClaimFilter` as the table), in
the columns of the whole-store export (`tracker.export.CSV_COLUMNS`), so that a download of
a filtered view reads like a slice of `tracker export`. Each file says which filter made it
and when.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from tracker.export import CSV_COLUMNS, csv_text
from tracker.filters import ClaimFilter
from tracker.models import utcnow
from tracker.queries import export_rows


def claims_csv(engine: Engine, f: ClaimFilter) -> str:
    """UTF-8 CSV; formula-like cells are neutralised for spreadsheet users."""
    return csv_text(export_rows(engine, f), CSV_COLUMNS)


def claims_json(engine: Engine, f: ClaimFilter) -> str:
    doc = {
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "filter": f.describe(),
        "claims": list(export_rows(engine, f)),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1, default=_json_default)


def file_stem(f: ClaimFilter) -> str:
    """A download's name from its filter: claims-civilian_killed-UA.csv."""
    parts = ["claims", f.metric or "", f.place or ""]
    return "-".join(p for p in parts if p) or "claims"


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
