"""Exports of exactly the claims a reader filtered, in the formats colleagues already use.

    csv          one row per claim, source, claimant, place and metric names joined in;
                 ISO 8601 dates; UTF-8 without BOM
    excel        the same CSV with a BOM and CRLF line ends, which Excel opens as UTF-8
    hxl          the CSV with an HXL hashtag row under the header, plus one column per
                 metric under the metric's own hashtag (#affected+killed+civilians, ...)
    datapackage  a Frictionless Data Package (claims, sources, claimants, places, metrics)
    jsonld       schema.org Claim objects, and ClaimReview for claims with a verdict
    json         {"exported_at", "as_of", "filter", ..., "claims": [rows as in the CSV]}
    yaml         the import format, one file per source (`tracker import` reads it back)

Every export states when it was made, the as-of date of its latest claim and the filter
that produced it (`ClaimFilter.describe()`): in the JSON and JSON-LD header, in
`datapackage.json`, in `export-info.json` beside the YAML files, and for the CSV family
in the file name and a CSV-on-the-Web sidecar (why not inside the CSV: see
`tracker.files.interchange.tabular`).

The dashboard's download buttons call `build_export(engine, fmt, claim_filter)` and hand
`.data`, `.filename` and `.mime` to the browser; `tracker export` calls `write_export`.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from tracker.core.errors import TrackerError
from tracker.domain.fields import Field
from tracker.files.export import dump_yaml, originals_outside, yaml_documents
from tracker.files.interchange import jsonld
from tracker.files.interchange.columns import FLAT_COLUMNS
from tracker.files.interchange.datapackage import build_datapackage
from tracker.files.interchange.rows import (
    ExportMeta,
    Lookups,
    Tally,
    export_meta,
    iso,
    iter_claim_rows,
    metrics_in,
)
from tracker.files.interchange.tabular import csvw_sidecar, metric_columns, read_csv, write_table
from tracker.read.filters import ClaimFilter, Wording
from tracker.store.db import read_session

FORMATS = ("csv", "excel", "hxl", "datapackage", "jsonld", "json", "yaml")
#: Formats that are one file; the others are a folder of files (downloaded as a zip).
SINGLE_FILE = frozenset({"csv", "excel", "hxl", "jsonld", "json"})
TABULAR = frozenset({"csv", "excel", "hxl"})
EXTENSIONS = {
    "csv": ".csv",
    "excel": "_excel.csv",
    "hxl": ".hxl.csv",
    "datapackage": "_datapackage.zip",
    "jsonld": ".jsonld",
    "json": ".json",
    "yaml": "_yaml.zip",
}
MIME_TYPES = {
    "csv": "text/csv",
    "excel": "text/csv",
    "hxl": "text/csv",
    "datapackage": "application/zip",
    "jsonld": "application/ld+json",
    "json": "application/json",
    "yaml": "application/zip",
}
INFO_FILE = "export-info.json"

__all__ = [
    "FORMATS",
    "Export",
    "ExportMeta",
    "build_export",
    "export_claims",
    "export_meta",
    "read_csv",
    "write_export",
]


@dataclass(frozen=True)
class Export:
    """An export made: its files, and what it says about itself.

    `files` maps a relative path to its bytes: one entry (named `filename`) for single-file
    formats, a folder layout for `datapackage` and `yaml`.
    """

    fmt: str
    meta: ExportMeta
    files: dict[str, bytes]
    columns: tuple[Field, ...] = field(default=())

    @property
    def filename(self) -> str:
        """The download name: says the filter and the latest as-of date."""
        return download_name(self.fmt, self.meta)

    @property
    def mime(self) -> str:
        return MIME_TYPES[self.fmt]

    @property
    def data(self) -> bytes:
        """What a download button serves: the file itself, or a zip of the folder."""
        if self.fmt in SINGLE_FILE:
            return next(iter(self.files.values()))
        return zip_files(self.files)

    def csvw_sidecar(self, csv_name: str) -> bytes:
        """The CSV-on-the-Web description of a tabular export saved as `csv_name`."""
        if self.fmt not in TABULAR:
            raise TrackerError(f"a {self.fmt} export has no CSV sidecar")
        return csvw_sidecar(
            csv_name,
            self.meta,
            self.columns,
            excel=self.fmt == "excel",
            hxl=self.fmt == "hxl",
        )


def zip_files(files: dict[str, bytes]) -> bytes:
    """A zip with fixed timestamps, so that the same export gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    return out.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", text).strip("-")


#: A filter's conditions in a file name: keys and ISO dates, no spaces.
FILE_NAME = Wording(
    metric="{}",
    places=("{}",) * 2,  # within the place or not
    claimants="{}",
    statuses="{}",
    either="+",
    dates=("from-{}", "to-{}"),
    text="text-{}",
    source="source-{}",
    kinds=("cumulative", "per-period"),
    period_length=None,
    without_retracted="no-retracted",
    separator="_",
    nothing="all",
)


def filter_slug(f: ClaimFilter, max_length: int = 80) -> str:
    """The filter in a file name: `civilian_killed_UA_ohchr_from-2023-02-01`, or `all`."""
    slug = "_".join(s for s in map(_slug, f.conditions(FILE_NAME)) if s)
    return slug[:max_length].rstrip("-_") or "all"


def download_name(fmt: str, meta: ExportMeta) -> str:
    as_of = f"asof-{meta.latest_as_of.isoformat()}" if meta.latest_as_of else "no-claims"
    return f"claims_{filter_slug(meta.filter)}_{as_of}{EXTENSIONS[fmt]}"


def _json_bytes(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _compact(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": ")).encode()


def _json_with_list(header: dict[str, Any], key: str, items: list[bytes]) -> bytes:
    """`header` with `key` holding `items` (already JSON), one item per line: the header
    comes first for a human reader, and the rows are encoded as they stream in instead of
    being held as Python objects."""
    head = json.dumps(header, ensure_ascii=False, indent=1)[:-2]  # without the final "\n}"
    opening = f"{head},\n {json.dumps(key)}: [".encode()
    if not items:
        return opening + b"]\n}\n"
    return opening + b"\n  " + b",\n  ".join(items) + b"\n ]\n}\n"


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {c.name: iso(row[c.name]) for c in FLAT_COLUMNS}


def build_export(
    engine: Engine,
    fmt: str,
    f: ClaimFilter | None = None,
    *,
    now: datetime | None = None,
) -> Export:
    """Export the claims `f` selects (all claims when None) in `fmt`."""
    if fmt not in FORMATS:
        raise TrackerError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    f = f or ClaimFilter()
    tally = Tally.start(f, now)
    columns: tuple[Field, ...] = ()
    with read_session(engine) as session:
        lookups = Lookups.load(session)

        def rows():  # noqa: ANN202
            for row in iter_claim_rows(session, f, lookups):
                tally.add(row)
                yield row

        if fmt in TABULAR:
            columns = FLAT_COLUMNS
            if fmt == "hxl":
                columns += metric_columns(metrics_in(session, f, lookups))
            data = write_table(rows(), columns, excel=fmt == "excel", hxl=fmt == "hxl")
            files = {"": data}
        elif fmt == "json":
            claims = [_compact(_flat(r)) for r in rows()]
            files = {"": _json_with_list(tally.meta.header(), "claims", claims)}
        elif fmt == "jsonld":
            parts: list[bytes] = []
            for row in rows():
                parts.append(_compact(jsonld.claim_node(row)))
                if review := jsonld.review_node(row):
                    parts.append(_compact(review))
            files = {"": _json_with_list(jsonld.dataset(tally.meta), "hasPart", parts)}
        elif fmt == "datapackage":
            files = build_datapackage(session, f, lookups, tally)
        else:  # yaml
            # Relays need the claim they repeat to import: those come along, and are named.
            also = originals_outside(session, f)
            files = {}
            for name, doc in yaml_documents(session, f, also):
                for claim in doc.get("claims", []):
                    if claim["id"] not in also:
                        tally.add_date(claim["period_end"])
                files[name] = dump_yaml(doc).encode("utf-8")
            files[INFO_FILE] = _json_bytes(
                tally.meta.header()
                | {
                    "also_included": also,
                    "also_included_why": "claims that the selected claims repeat "
                    "(duplicate_of); without them the files would not import",
                    "note": "Import the .yaml files with `tracker import <this folder>`.",
                }
            )
    meta = tally.meta
    if "" in files:
        files = {download_name(fmt, meta): files[""]}
    return Export(fmt=fmt, meta=meta, files=files, columns=columns)


def export_claims(
    engine: Engine, fmt: str, f: ClaimFilter | None = None
) -> bytes | dict[str, bytes]:
    """The filtered claims in `fmt`: the file's bytes, or {relative path: bytes} for the
    folder formats (`datapackage`, `yaml`)."""
    exp = build_export(engine, fmt, f)
    return exp.data if fmt in SINGLE_FILE else exp.files


def write_export(engine: Engine, fmt: str, output: Path, f: ClaimFilter | None = None) -> str:
    """Write an export to `output`; returns a one-line summary for the CLI.

    Single-file formats write the file (CSV formats also `<file>-metadata.json`, the CSVW
    sidecar). `yaml` writes a folder; `datapackage` writes a zip when `output` ends in
    `.zip`, a folder otherwise.
    """
    exp = build_export(engine, fmt, f)
    latest = exp.meta.latest_as_of
    as_of = f"latest as of {latest.isoformat()}; " if latest else ""
    said = f"{exp.meta.claims} claims ({as_of}filter: {exp.meta.filter_text})"
    if fmt in SINGLE_FILE:
        if output.is_dir():
            raise TrackerError(f"{output} is a folder; a {fmt} export writes a file")
        output.write_bytes(exp.data)
        if fmt in TABULAR:
            sidecar = output.with_name(output.name + "-metadata.json")
            sidecar.write_bytes(exp.csvw_sidecar(output.name))
            return f"wrote {said} to {output}, described in {sidecar.name}"
        return f"wrote {said} to {output}"
    if fmt == "datapackage" and output.suffix == ".zip":
        output.write_bytes(exp.data)
        return f"wrote {said} to {output}"
    if output.exists() and not output.is_dir():
        raise TrackerError(f"{output} is a file; a {fmt} export writes a folder")
    for name, content in exp.files.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    sources = sum(name.startswith("sources/") for name in exp.files)
    what = f"{sources} source files and 3 vocabulary files" if fmt == "yaml" else "a data package"
    return f"wrote {said}: {what} to {output}/"
