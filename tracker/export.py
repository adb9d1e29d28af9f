"""Writing the store out: YAML (the import format, one file per source), JSON and CSV.

YAML export is the import format exactly, vocabulary files included, so that exporting and
importing into an empty database gives the same data (tested as a round trip). It is also
the backup path for PostgreSQL that needs no `pg_dump`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.db import read_session
from tracker.errors import TrackerError
from tracker.models import Claim, Claimant, Metric, Place, Source, utcnow

SOURCE_KEYS = (
    "url",
    "title",
    "publisher",
    "published",
    "published_basis",
    "language",
    "archive_url",
    "retrieved_at",
    "notes",
    "synthetic",
    "text",
)
CLAIM_KEYS = (
    "id",
    "metric",
    "value",
    "low",
    "high",
    "qualifier",
    "claimant",
    "place",
    "period_start",
    "period_end",
    "cumulative",
    "date_basis",
    "quote",
    "quote_language",
    "quote_translation",
    "status",
    "status_reason",
    "relayed_by",
    "duplicate_of",
    "statement_id",
    "notes",
    "check_override",
)
FORMATS = ("yaml", "json", "csv")
# Cells a spreadsheet would run as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Dumper(yaml.SafeDumper):
    """Block style for long text, so that quotes and article text stay readable in diffs."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
_Dumper.ignore_aliases = lambda self, data: True  # noqa: ARG005


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _clean(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None and v != []}


def vocabulary_documents(session: Session) -> dict[str, dict[str, Any]]:
    places = {p.id: p for p in session.exec(select(Place).order_by(Place.id))}
    return {
        "metrics.yaml": {
            "metrics": [
                _clean(m.model_dump(exclude={"id"}))
                for m in session.exec(select(Metric).order_by(Metric.id))
            ]
        },
        "places.yaml": {
            "places": [
                _clean(
                    p.model_dump(exclude={"id", "parent_id"})
                    | {"parent": places[p.parent_id].key if p.parent_id else None}
                )
                for p in places.values()
            ]
        },
        "claimants.yaml": {
            "claimants": [
                _clean(c.model_dump(exclude={"id"}))
                for c in session.exec(select(Claimant).order_by(Claimant.id))
            ]
        },
    }


def iter_source_documents(session: Session, *, chunk: int = 200) -> Iterator[dict[str, Any]]:
    """Each source with its claims, in the import format, streamed a chunk at a time."""
    keys = {
        "metric": {m.id: m.key for m in session.exec(select(Metric))},
        "claimant": {c.id: c.key for c in session.exec(select(Claimant))},
        "place": {p.id: p.key for p in session.exec(select(Place))},
    }
    last_id = 0
    while True:
        sources = session.exec(
            select(Source).where(Source.id > last_id).order_by(Source.id).limit(chunk)
        ).all()
        if not sources:
            return
        last_id = sources[-1].id
        claims_by_source: dict[int, list[Claim]] = {}
        ids = [s.id for s in sources]
        for claim in session.exec(select(Claim).where(Claim.source_id.in_(ids)).order_by(Claim.id)):
            claims_by_source.setdefault(claim.source_id, []).append(claim)
        for source in sources:
            yield {
                "source": _clean(
                    {k: getattr(source, k) for k in SOURCE_KEYS}
                    | {
                        "synthetic": source.synthetic or None,
                        "published_basis": None
                        if source.published_basis == "stated"
                        else source.published_basis,
                    }
                ),
                "claims": [_claim_document(c, keys) for c in claims_by_source.get(source.id, [])],
            }


def _claim_document(claim: Claim, keys: dict[str, dict[int, str]]) -> dict[str, Any]:
    doc = {k: getattr(claim, k, None) for k in CLAIM_KEYS}
    doc["id"] = claim.key
    doc["metric"] = keys["metric"][claim.metric_id]
    doc["claimant"] = keys["claimant"][claim.claimant_id]
    doc["place"] = keys["place"][claim.place_id]
    return _clean(doc)


def source_filename(source: dict[str, Any]) -> str:
    publisher = re.sub(r"[^a-z0-9]+", "-", str(source["publisher"]).lower()).strip("-")[:30]
    digest = hashlib.sha1(source["url"].encode()).hexdigest()[:8]
    return f"{source['published']}-{publisher or 'source'}-{digest}.yaml"


def export_yaml(engine: Engine, folder: Path) -> int:
    """Vocabulary files plus `sources/<one file per source>.yaml`; returns sources written."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources").mkdir(exist_ok=True)
    count = 0
    with read_session(engine) as session:
        for name, doc in vocabulary_documents(session).items():
            (folder / name).write_text(dump_yaml(doc), encoding="utf-8")
        for doc in iter_source_documents(session):
            path = folder / "sources" / source_filename(doc["source"])
            path.write_text(dump_yaml(doc), encoding="utf-8")
            count += 1
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def flat_rows(engine: Engine) -> Iterator[dict[str, Any]]:
    """One row per claim with its source joined in: the CSV and JSON export's rows."""
    with read_session(engine) as session:
        for doc in iter_source_documents(session):
            src = doc["source"]
            for claim in doc["claims"]:
                row = {k: claim.get(k) for k in CLAIM_KEYS}
                row.update(
                    {
                        f"source_{k}": src.get(k)
                        for k in ("url", "title", "publisher", "published", "archive_url")
                    }
                )
                yield row


def neutralise_formula(value: Any) -> Any:
    """Prefix a cell that a spreadsheet would execute with an apostrophe (the data is kept)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: list[dict[str, Any]] | Iterator[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    # CRLF (RFC 4180) also makes the writer quote a cell holding a lone carriage return;
    # with "\n" it would leave it bare and readers would split the row there.
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise_formula(_csv_value(row.get(k))) for k in columns})
    return out.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


CSV_COLUMNS = [
    *CLAIM_KEYS,
    "source_url",
    "source_title",
    "source_publisher",
    "source_published",
    "source_archive_url",
]


def export(engine: Engine, fmt: str, output: Path) -> str:
    """Write the whole store in `fmt` to `output`; returns a one-line summary."""
    if fmt not in FORMATS:
        raise TrackerError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "yaml":
        if output.exists() and not output.is_dir():
            raise TrackerError(f"{output} is a file; YAML export writes a folder")
        n = export_yaml(engine, output)
        return f"wrote {n} source files and 3 vocabulary files to {output}/"
    rows = list(flat_rows(engine))
    if fmt == "json":
        doc = {
            "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
            "filter": "all claims",
            "claims": rows,
        }
        output.write_text(
            json.dumps(doc, ensure_ascii=False, indent=1, default=_json_default), encoding="utf-8"
        )
    else:
        output.write_text(csv_text(rows, CSV_COLUMNS), encoding="utf-8", newline="")
    return f"wrote {len(rows)} claims to {output}"
