"""CSV, the Excel variant of CSV, and HXL: one row per claim, and the way back in.

Where "as of" and the filter go. A CSV file has no place for metadata that every reader
understands: a comment line (`# as of ...`) or a title row above the header breaks
`csv.DictReader`, pandas, R, Datawrapper and spreadsheet imports alike. So the file stays
pure (one header row, then data; HXL adds its hashtag row, as the standard says) and the
statement travels beside it instead:

- in the file name (`claims_civilian_killed_UA_asof-2023-02-15.csv`), which is what a
  download button hands over and what a colleague sees in an e-mail attachment;
- in a CSV on the Web (W3C CSVW) sidecar, `<file>-metadata.json`, written next to the file
  by `tracker export`: export time, the latest as-of date, the filter in words, and each
  column's type and meaning. CSVW is the standard way to describe a CSV without touching
  it, and tools that know it find the sidecar by that name.

Formula-like text cells (`=`, `+`, `-`, `@`, tab, CR, and a leading apostrophe) get one
apostrophe in front (`tracker.files.export.neutralise_formula`), so that a spreadsheet shows
them as text instead of running them; the stored data is untouched, and `read_csv` takes
the apostrophe off again so that the file reads back exactly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from tracker import PROJECT_NAME
from tracker.core.errors import TrackerError
from tracker.domain.fields import Field
from tracker.domain.models import Metric
from tracker.files.export import neutralise_formula, restore_formula
from tracker.files.interchange.columns import FLAT_BY_NAME, FLAT_COLUMNS, column
from tracker.files.interchange.rows import ExportMeta, iso


def cell(value: Any) -> Any:
    """A value as CSV text: ISO 8601 dates, true/false, empty for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return iso(value)


def metric_columns(metrics: Iterable[Metric]) -> tuple[Field, ...]:
    """HXL's one-column-per-indicator view: the figure under its metric's own hashtag
    (`#affected+killed+civilians`), empty on rows of other metrics. This is what lets an
    HXL tool select `#affected+killed` without knowing our metric keys; metrics stay in
    separate columns, so nothing invites summing across them."""
    return tuple(
        column(
            f"value_{m.key}",
            "integer",
            f"The figure when the metric is {m.key} ({m.label})",
            m.hxl or f"#indicator+num+{m.key}",
        )
        for m in metrics
    )


def write_table(
    rows: Iterable[dict[str, Any]],
    columns: tuple[Field, ...],
    *,
    excel: bool = False,
    hxl: bool = False,
    neutralise: bool = True,
) -> bytes:
    """Rows as CSV bytes: UTF-8 without BOM and LF (Excel: BOM and CRLF).

    Written straight into a byte buffer, so that a large export is held once, as UTF-8.
    """
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if excel else "utf-8", newline="")
    line_end = "\r\n" if excel else "\n"
    writer = csv.writer(text, lineterminator=line_end)
    # Python's writer quotes a cell holding the line terminator, but with "\n" line ends
    # not one holding a lone "\r", and readers then split the row there: such rows are
    # written fully quoted (old Mac text carries lone carriage returns).
    quoting_writer = csv.writer(text, lineterminator=line_end, quoting=csv.QUOTE_ALL)
    writer.writerow([c.name for c in columns])
    if hxl:
        writer.writerow([c.hxl or "" for c in columns])
    names = [c.name for c in columns]
    # The per-metric columns of HXL hold the value on rows of their own metric only.
    by_metric = {c.name[len("value_") :]: c.name for c in columns if c.name.startswith("value_")}
    guard = neutralise_formula if neutralise else (lambda v: v)
    for row in rows:
        values = {name: row.get(name) for name in names}
        if by_metric and (own := by_metric.get(row["metric"])):
            values[own] = row["value"]
        cells = [guard(cell(v)) for v in values.values()]
        if not excel and any(isinstance(c, str) and "\r" in c for c in cells):
            quoting_writer.writerow(cells)
        else:
            writer.writerow(cells)
    text.flush()
    data = out.getvalue()
    text.detach()
    return data


_CSVW_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "date": "date",
    "datetime": "datetime",
    "boolean": {"base": "boolean", "format": "true|false"},
    "array": "json",
}


def csvw_sidecar(
    csv_name: str, meta: ExportMeta, columns: tuple[Field, ...], *, excel: bool, hxl: bool
) -> bytes:
    """The W3C CSV on the Web description of an exported file (see the module docstring)."""
    temporal = (
        f"{meta.first_as_of.isoformat()}/{meta.latest_as_of.isoformat()}"
        if meta.first_as_of and meta.latest_as_of
        else None
    )
    doc: dict[str, Any] = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_name,
        "dc:title": f"{PROJECT_NAME}: claims ({meta.filter_text})",
        "dc:description": meta.sentence()
        + ". Text cells that start with = + - @ a tab, a carriage return or an apostrophe "
        "carry one extra leading apostrophe, so that spreadsheets do not run them.",
        "dc:created": iso(meta.exported_at),
        "dc:publisher": PROJECT_NAME,
        "notes": [
            {"type": "as_of", "body": iso(meta.latest_as_of)},
            {"type": "filter", "body": meta.filter_text},
            {"type": "claim_count", "body": meta.claims},
        ],
        "dialect": {
            "encoding": "utf-8",
            "lineTerminators": ["\r\n"] if excel else ["\n"],
            "header": True,
            "headerRowCount": 2 if hxl else 1,
        },
        "tableSchema": {
            "columns": [
                {
                    "name": c.name,
                    "titles": [c.name, c.hxl] if hxl and c.hxl else c.name,
                    "datatype": _CSVW_TYPES[c.type],
                    "dc:description": c.description,
                    "null": "",
                }
                for c in columns
            ],
            "primaryKey": "id",
        },
    }
    if temporal:
        doc["dc:temporal"] = temporal
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _parse(value: str, type_: str) -> Any:
    if value == "":
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        return float(value)
    if type_ == "date":
        return date.fromisoformat(value)
    if type_ == "datetime":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if type_ == "boolean":
        return value == "true"
    return restore_formula(value)


def read_csv(data: bytes, *, name: str = "the CSV file") -> Iterator[dict[str, Any]]:
    """Read a CSV, Excel or HXL export back into typed rows (the inverse of `write_table`).

    Columns this version does not know are returned as text, so that a file from a newer
    version still reads.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrackerError(f"{name} is not UTF-8 text (byte {exc.start})") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise TrackerError(f"{name} is empty")
    for line_no, values in enumerate(reader, start=2):
        if line_no == 2 and values and values[0].startswith("#"):
            continue  # the HXL hashtag row
        if len(values) != len(header):
            raise TrackerError(
                f"{name}:{line_no}: {len(values)} cells where the header has {len(header)}"
            )
        row = {}
        for heading, value in zip(header, values, strict=True):
            known = FLAT_BY_NAME.get(heading)
            type_ = known.type if known else "integer" if heading.startswith("value_") else "string"
            try:
                row[heading] = _parse(value, type_)
            except ValueError as exc:
                raise TrackerError(f"{name}:{line_no} {heading}: {exc}") from exc
        yield row


__all__ = [
    "FLAT_COLUMNS",
    "csvw_sidecar",
    "metric_columns",
    "read_csv",
    "write_table",
]
