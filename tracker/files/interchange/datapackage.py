"""A Frictionless Data Package: claims, sources, claimants, places and metrics as CSV
tables, and a `datapackage.json` that types every field.

The tables are relational, not joined: a claim names its metric, claimant and place by
key and its source by URL, and the descriptor declares those as foreign keys, so that
`frictionless validate` checks every reference. Sources are the ones the exported claims
cite (all of them when nothing is filtered); the vocabularies are exported whole, because
places refer to their parent places and a partial list would break those references.
A claim's `duplicate_of` is declared a foreign key only when every claim it names is in
the package (a filter can leave the original out).

Cells are written verbatim, without the spreadsheet formula guard of the CSV export: the
package is for data tools, which read the descriptor's types, and a verbatim quote must
stay verbatim. The article text of sources is left out (it can be long, and the quote is
the part a claim rests on).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from tracker import PROJECT_NAME, __version__
from tracker.domain.fields import Field
from tracker.files.interchange.columns import (
    PACKAGE_CLAIM_COLUMNS,
    PACKAGE_CLAIMANT_COLUMNS,
    PACKAGE_METRIC_COLUMNS,
    PACKAGE_PLACE_COLUMNS,
    PACKAGE_SOURCE_COLUMNS,
)
from tracker.files.interchange.rows import Lookups, Tally, iso, iter_claim_rows, iter_sources
from tracker.files.interchange.tabular import write_table
from tracker.read.filters import ClaimFilter


def _field(column: Field) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.name,
        "type": column.type,
        "description": column.description,
    }
    if column.format:
        field["format"] = column.format
    if column.type == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(
    name: str,
    title: str,
    columns: tuple[Field, ...],
    primary_key: str,
    foreign_keys: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(c) for c in columns],
        "primaryKey": [primary_key],
        "missingValues": [""],
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": name,
        "title": title,
        "path": f"data/{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def _fk(field: str, resource: str, target: str) -> dict[str, Any]:
    return {"fields": [field], "reference": {"resource": resource, "fields": [target]}}


def build_datapackage(
    session: Session, f: ClaimFilter, lookups: Lookups, tally: Tally
) -> dict[str, bytes]:
    """The package's files by relative path; `tally` counts the claims written."""
    claim_rows: list[dict[str, Any]] = []
    for row in iter_claim_rows(session, f, lookups):
        tally.add(row)
        claim_rows.append({c.name: row[c.name] for c in PACKAGE_CLAIM_COLUMNS})
    keys = {r["id"] for r in claim_rows}
    duplicates_inside = all(r["duplicate_of"] in keys for r in claim_rows if r["duplicate_of"])

    places = lookups.places
    tables: dict[str, tuple[tuple[Field, ...], Iterable[dict[str, Any]]]] = {
        "claims": (PACKAGE_CLAIM_COLUMNS, claim_rows),
        "sources": (PACKAGE_SOURCE_COLUMNS, iter_sources(session, f)),
        "claimants": (
            PACKAGE_CLAIMANT_COLUMNS,
            (c.model_dump() for c in lookups.claimants.values()),
        ),
        "places": (
            PACKAGE_PLACE_COLUMNS,
            (
                p.model_dump() | {"parent": places[p.parent_id].key if p.parent_id else None}
                for p in places.values()
            ),
        ),
        "metrics": (PACKAGE_METRIC_COLUMNS, (m.model_dump() for m in lookups.metrics.values())),
    }
    files = {
        f"data/{name}.csv": write_table(rows, columns, neutralise=False)
        for name, (columns, rows) in tables.items()
    }

    claim_fks = [
        _fk("metric", "metrics", "key"),
        _fk("claimant", "claimants", "key"),
        _fk("place", "places", "key"),
        _fk("source_url", "sources", "url"),
    ]
    if duplicates_inside:
        claim_fks.append(_fk("duplicate_of", "", "id"))
    meta = tally.meta
    descriptor = {
        "profile": "tabular-data-package",
        "name": "claims-tracker-export",
        "title": f"{PROJECT_NAME}: claims ({meta.filter_text})",
        "description": meta.sentence()
        + ". Each claim is one figure that one claimant asserted, as one source reported "
        "it; figures of different metrics are never to be added together.",
        "created": iso(meta.exported_at),
        "version": __version__,
        "as_of": iso(meta.latest_as_of),
        "filter": meta.filter_text,
        "filter_parameters": {k: iso(v) for k, v in meta.filter.as_dict().items()},
        "claim_count": meta.claims,
        "sources": [{"title": PROJECT_NAME}],
        "resources": [
            _resource("claims", "Claims", PACKAGE_CLAIM_COLUMNS, "id", claim_fks),
            _resource("sources", "Sources", PACKAGE_SOURCE_COLUMNS, "url"),
            _resource("claimants", "Claimants", PACKAGE_CLAIMANT_COLUMNS, "key"),
            _resource("places", "Places", PACKAGE_PLACE_COLUMNS, "key", [_fk("parent", "", "key")]),
            _resource("metrics", "Metrics", PACKAGE_METRIC_COLUMNS, "key"),
        ],
    }
    return {
        "datapackage.json": (json.dumps(descriptor, ensure_ascii=False, indent=1) + "\n").encode(
            "utf-8"
        ),
        **files,
    }
