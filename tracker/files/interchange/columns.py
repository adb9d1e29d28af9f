"""The columns every tabular export shares: name, type, HXL hashtag and meaning, defined once.

The CSV, Excel and HXL files, the CSV-on-the-Web sidecar, the Data Package's table schemas
and the CSV reader all read this table, so that a column cannot be typed one way in the
descriptor and written another way in the file.

HXL hashtags and attributes follow the HXL 1.1 core dictionary (`#date+start`, `#adm1+code`,
`#meta+source`, `#meta+url`, `#org+name`, `#indicator+num`, ...). Where the dictionary has
no attribute for one of our notions (a claim's qualifier, a claimant's side), we add a
lower-case custom attribute, which the standard allows and libhxl parses.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain import fields
from tracker.domain.vocab import (
    ClaimantKind,
    ClaimantSide,
    PlaceLevel,
)


@dataclass(frozen=True)
class Column:
    """One exported column. `type` is a Table Schema type (string, integer, date, ...)."""

    name: str
    type: str
    description: str
    hxl: str | None = None
    enum: tuple[str, ...] | None = None
    format: str | None = None
    required: bool = False


def _values(enum: type) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _column(f: fields.Field) -> Column:
    return Column(f.file, f.type, f.description, f.hxl, f.enum, f.format, f.required)


# The claim's own fields, in the order of the import format (the field registry's).
CLAIM_FIELDS: tuple[Column, ...] = tuple(_column(f) for f in fields.CLAIM_FIELDS)

# The source the claim was read in, joined into each claim row.
SOURCE_JOINED: tuple[Column, ...] = (
    Column("source_url", "string", "Source URL", "#meta+url", format="uri", required=True),
    Column("source_title", "string", "Source title", "#meta+source_title", required=True),
    Column("source_publisher", "string", "Outlet that published the source", "#meta+source"),
    Column("source_published", "date", "Source publication date", "#date+reported"),
    Column("source_archive_url", "string", "Archived copy", "#meta+url+archive", format="uri"),
    Column("source_retrieved_at", "datetime", "When the source was read (UTC)", "#meta+retrieved"),
    Column("source_language", "string", "Language of the source", "#meta+lang"),
)

# Names of the vocabulary entries the claim points to, for readers without the vocabularies.
VOCAB_JOINED: tuple[Column, ...] = (
    Column("metric_label", "string", "Metric label", "#indicator+name"),
    Column("unit", "string", "Unit counted", "#indicator+unit"),
    Column("claimant_name", "string", "Claimant name", "#org+name"),
    Column("claimant_kind", "string", "Kind of claimant", "#org+type", enum=_values(ClaimantKind)),
    Column(
        "claimant_side",
        "string",
        "Monitor, a party to the conflict, ...",
        "#org+side",
        enum=_values(ClaimantSide),
    ),
    Column("place_name", "string", "Place name", "#loc+name"),
    Column("place_level", "string", "country, region, area or settlement", "#loc+type"),
    Column("country_code", "string", "ISO 3166-1 code of the country", "#country+code"),
    Column("adm1_code", "string", "ISO 3166-2 code of the region (oblast)", "#adm1+code"),
    Column("adm1_name", "string", "Region (oblast) name", "#adm1+name"),
)

#: One row per claim: the CSV, Excel, HXL and JSON exports.
FLAT_COLUMNS: tuple[Column, ...] = CLAIM_FIELDS + SOURCE_JOINED + VOCAB_JOINED
FLAT_BY_NAME = {c.name: c for c in FLAT_COLUMNS}

#: The Data Package's claims table: the claim's fields plus the key of its source.
PACKAGE_CLAIM_COLUMNS: tuple[Column, ...] = CLAIM_FIELDS + (SOURCE_JOINED[0],)

PACKAGE_SOURCE_COLUMNS: tuple[Column, ...] = tuple(
    _column(f) for f in fields.SOURCE_FIELDS if f.tabular and f.exported
)

PACKAGE_CLAIMANT_COLUMNS: tuple[Column, ...] = (
    Column("key", "string", "Claimant key", required=True),
    Column("name", "string", "Name", required=True),
    Column("short_name", "string", "Short name"),
    Column("kind", "string", "Kind", enum=_values(ClaimantKind), required=True),
    Column("side", "string", "Side", enum=_values(ClaimantSide), required=True),
    Column("aliases", "array", "Other names it answers to (JSON array)"),
)

PACKAGE_PLACE_COLUMNS: tuple[Column, ...] = (
    Column("key", "string", "Place key", required=True),
    Column("name", "string", "Name", required=True),
    Column("iso_code", "string", "ISO 3166 code"),
    Column("level", "string", "Level", enum=_values(PlaceLevel), required=True),
    Column("parent", "string", "Key of the enclosing place"),
    Column("lat", "number", "Latitude"),
    Column("lon", "number", "Longitude"),
    Column("aliases", "array", "Other names it answers to (JSON array)"),
)

PACKAGE_METRIC_COLUMNS: tuple[Column, ...] = (
    Column("key", "string", "Metric key", required=True),
    Column("label", "string", "Label", required=True),
    Column("noun", "string", "Noun used in sentences", required=True),
    Column("unit", "string", "Unit counted", required=True),
    Column("cumulative", "boolean", "Whether figures are cumulative by default", required=True),
    Column("hxl", "string", "HXL hashtag of its values"),
    Column("description", "string", "What is and is not counted"),
)
