"""Reading the CSV export back in (`tracker export --format csv`): one row per claim, its
source in the `source_*` columns.

Newsrooms edit figures in spreadsheets, so the bulk import takes the export's CSV as
well as YAML. Rows are grouped by source URL into the same `SourceFile`s the YAML reader
produces, so that the import plans, checks and writes them the same way. Every problem
names the CSV line (the line a row starts on, counting the header as line 1, so a cell
holding line breaks does not shift the rows after it) and the column.

The export neutralises cells a spreadsheet would run as a formula by prefixing an
apostrophe ("'=SUM(...)"); reading undoes exactly that, so text round-trips.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from tracker.core.errors import Problem, ValidationFailed
from tracker.core.urls import BadURL, normalise_url
from tracker.domain.schemas import ClaimIn, SourceIn, closest_name, date_problems, problems_from
from tracker.files.datafiles import MAX_FILE_BYTES, LineMap, SourceFile
from tracker.files.export import CLAIM_KEYS, restore_formula
from tracker.files.interchange.columns import FLAT_COLUMNS

#: The export's source columns and the source fields they hold.
SOURCE_COLUMNS = {
    "source_url": "url",
    "source_title": "title",
    "source_publisher": "publisher",
    "source_published": "published",
    "source_archive_url": "archive_url",
    "source_retrieved_at": "retrieved_at",
    "source_language": "language",
}
REQUIRED_COLUMNS = (
    "metric",
    "claimant",
    "place",
    "period_end",
    "quote",
    "source_url",
    "source_title",
    "source_publisher",
    "source_published",
)


@dataclass
class CsvLines(LineMap):
    """The `LineMap` of a CSV source: its first row, and each claim's row."""

    root: Any = None
    source_line: int | None = None
    rows: list[int] = field(default_factory=list)

    def line(self, path: tuple) -> int | None:
        if len(path) >= 2 and path[0] == "claims" and isinstance(path[1], int):
            return self.rows[path[1]] if path[1] < len(self.rows) else self.source_line
        return self.source_line


@dataclass
class CsvSourceFile(SourceFile):
    """A source gathered from the rows of a CSV file; problems name columns."""

    def claim_prefix(self, index: int) -> str:
        return ""

    def claim_label(self, index: int) -> str | None:
        return None

    def source_field(self, name: str) -> str:
        return f"source_{name}"


#: Undo the export's formula guard: "'=1+1" was "=1+1" (the function itself: it runs on
#: every cell).
unneutralise = restore_formula


@dataclass
class _Group:
    line: int
    raw: dict[str, str]
    source: SourceIn | None
    claims: list[ClaimIn] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def parse_csv(text: str, name: str) -> list[SourceFile]:
    """Validate a CSV in the export's columns; every problem of the file is reported
    together (ValidationFailed), else one `SourceFile` per source URL, in file order."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise ValidationFailed(
            [Problem(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", file=name)]
        )
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValidationFailed([Problem("is empty: expected a header row", file=name)]) from None
    except csv.Error as exc:
        raise ValidationFailed([Problem(f"not valid CSV: {exc}", file=name, line=1)]) from None
    _check_header(header, name)
    # The cells read, by position: the joined vocabulary columns are not (see _check_header).
    claim_cells_at = [(i, col) for i, col in enumerate(header) if col in CLAIM_KEYS]
    source_cells_at = [(i, col) for i, col in enumerate(header) if col in SOURCE_COLUMNS]
    url_keys: dict[str, str] = {}  # a source's URL as written, normalised once
    problems: list[Problem] = []
    soft: dict[str, list[Problem]] = {}
    groups: dict[str, _Group] = {}
    ids: dict[str, int] = {}
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"not valid CSV: {exc}", file=name, line=previous_end + 1))
            break
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(
                    f"has {len(row)} cells; the header has {len(header)} columns",
                    file=name,
                    line=line,
                )
            )
            continue
        source_cells = {col: unneutralise(row[i]) for i, col in source_cells_at if row[i] != ""}
        group = _group_for(source_cells, line, name, groups, problems, url_keys)
        claim_cells = {col: unneutralise(row[i]) for i, col in claim_cells_at if row[i] != ""}
        try:
            claim = ClaimIn.model_validate(claim_cells)
        except ValidationError as exc:
            problems += problems_from(exc, file=name, line_of=lambda _loc, line=line: line)
            continue
        if group is None:
            continue
        group.claims.append(claim)
        group.rows.append(line)
        key = group.source.url if group.source else ""
        if group.source is not None:
            soft.setdefault(key, []).extend(
                p.located(file=name, line=line)
                for p in date_problems(group.source.published, claim.period_end)
            )
        if claim.id:
            if claim.id in ids:
                soft.setdefault(key, []).append(
                    Problem(
                        f"id {claim.id!r} is also used on line {ids[claim.id]}",
                        file=name,
                        line=line,
                        field="id",
                    )
                )
            ids.setdefault(claim.id, line)
    if problems:
        raise ValidationFailed(problems)
    out: list[SourceFile] = []
    for group in groups.values():
        assert group.source is not None
        out.append(
            CsvSourceFile(
                path=name,
                source=group.source,
                claims=group.claims,
                lines=CsvLines(source_line=group.line, rows=group.rows),
                claim_lines=list(group.rows),
                problems=soft.get(group.source.url, []),
            )
        )
    return out


def _check_header(header: list[str], name: str) -> None:
    problems = []
    # The joined vocabulary columns (claimant_name, adm1_code, ...) are read and ignored:
    # the keys in metric/claimant/place decide.
    known = {c.name for c in FLAT_COLUMNS}
    for col in header:
        if col not in known:
            hint = closest_name(col, known)
            problems.append(
                Problem(
                    "is not a column of the export format"
                    + (f"; did you mean {hint}?" if hint else " (a typo?)"),
                    file=name,
                    line=1,
                    field=col,
                )
            )
    for col in sorted({c for c in header if header.count(c) > 1}):
        problems.append(Problem("is a column twice", file=name, line=1, field=col))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(Problem(f"missing column(s): {', '.join(missing)}", file=name, line=1))
    if problems:
        raise ValidationFailed(problems)


def _group_for(
    cells: dict[str, str],
    line: int,
    name: str,
    groups: dict[str, _Group],
    problems: list[Problem],
    url_keys: dict[str, str],
) -> _Group | None:
    """The source a row belongs to: the first row of a URL defines it; later rows of the
    same URL must agree with it, cell for cell."""
    raw = {col: cells.get(col, "").strip() for col in SOURCE_COLUMNS}
    key = url_keys.get(raw["source_url"])
    if key is None:
        try:
            key = normalise_url(raw["source_url"]) if raw["source_url"] else ""
        except BadURL:
            key = raw["source_url"]
        url_keys[raw["source_url"]] = key
    group = groups.get(key)
    if group is None:
        values = {f: raw[col] for col, f in SOURCE_COLUMNS.items() if raw[col]}
        try:
            source = SourceIn.model_validate(values)
        except ValidationError as exc:
            problems += problems_from(exc, file=name, prefix="source_", line_of=lambda _loc: line)
            source = None
        group = groups[key] = _Group(line=line, raw=raw, source=source)
        return group if source is not None else None
    for col in SOURCE_COLUMNS:
        if col != "source_url" and raw[col] != group.raw[col]:
            problems.append(
                Problem(
                    f"{raw[col]!r} differs from {group.raw[col]!r} on line {group.line}, "
                    "for the same source_url",
                    file=name,
                    line=line,
                    field=col,
                )
            )
    return group if group.source is not None else None
