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

import dataclasses
from typing import Any

from tracker.domain import fields
from tracker.domain.fields import Field
from tracker.domain.vocab import (
    ClaimantKind,
    ClaimantSide,
    PlaceLevel,
)


def column(name: str, type: str, description: str, hxl: str | None = None, **flags: Any) -> Field:
    """An exported column that is no claim or source field, described as a field is (its
    description is its label)."""
    return Field(name, type, description, description, hxl, **flags)


def _values(enum: type) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _as_exported(f: Field) -> Field:
    # Exports name a field as the data files do (`id` for the claim's key).
    return dataclasses.replace(f, name=f.file, file_name=None)


# The claim's own fields, in the order of the import format (the field registry's).
CLAIM_FIELDS: tuple[Field, ...] = tuple(_as_exported(f) for f in fields.CLAIM_FIELDS)

# The source the claim was read in, joined into each claim row.
SOURCE_JOINED: tuple[Field, ...] = (
    column("source_url", "string", "Source URL", "#meta+url", format="uri", required=True),
    column("source_title", "string", "Source title", "#meta+source_title", required=True),
    column("source_publisher", "string", "Outlet that published the source", "#meta+source"),
    column("source_published", "date", "Source publication date", "#date+reported"),
    column("source_archive_url", "string", "Archived copy", "#meta+url+archive", format="uri"),
    column("source_retrieved_at", "datetime", "When the source was read (UTC)", "#meta+retrieved"),
    column("source_language", "string", "Language of the source", "#meta+lang"),
)

# Names of the vocabulary entries the claim points to, for readers without the vocabularies.
VOCAB_JOINED: tuple[Field, ...] = (
    column("metric_label", "string", "Metric label", "#indicator+name"),
    column("unit", "string", "Unit counted", "#indicator+unit"),
    column("claimant_name", "string", "Claimant name", "#org+name"),
    column("claimant_kind", "string", "Kind of claimant", "#org+type", enum=_values(ClaimantKind)),
    column(
        "claimant_side",
        "string",
        "Monitor, a party to the conflict, ...",
        "#org+side",
        enum=_values(ClaimantSide),
    ),
    column("place_name", "string", "Place name", "#loc+name"),
    column("place_level", "string", "country, region, area or settlement", "#loc+type"),
    column("country_code", "string", "ISO 3166-1 code of the country", "#country+code"),
    column("adm1_code", "string", "ISO 3166-2 code of the region (oblast)", "#adm1+code"),
    column("adm1_name", "string", "Region (oblast) name", "#adm1+name"),
)

#: One row per claim: the CSV, Excel, HXL and JSON exports.
FLAT_COLUMNS: tuple[Field, ...] = CLAIM_FIELDS + SOURCE_JOINED + VOCAB_JOINED
FLAT_BY_NAME = {c.name: c for c in FLAT_COLUMNS}

#: The Data Package's claims table: the claim's fields plus the key of its source.
PACKAGE_CLAIM_COLUMNS: tuple[Field, ...] = CLAIM_FIELDS + (SOURCE_JOINED[0],)

PACKAGE_SOURCE_COLUMNS: tuple[Field, ...] = tuple(
    _as_exported(f) for f in fields.SOURCE_FIELDS if f.tabular and f.exported
)

PACKAGE_CLAIMANT_COLUMNS: tuple[Field, ...] = (
    column("key", "string", "Claimant key", required=True),
    column("name", "string", "Name", required=True),
    column("short_name", "string", "Short name"),
    column("kind", "string", "Kind", enum=_values(ClaimantKind), required=True),
    column("side", "string", "Side", enum=_values(ClaimantSide), required=True),
    column("aliases", "array", "Other names it answers to (JSON array)"),
)

PACKAGE_PLACE_COLUMNS: tuple[Field, ...] = (
    column("key", "string", "Place key", required=True),
    column("name", "string", "Name", required=True),
    column("iso_code", "string", "ISO 3166 code"),
    column("level", "string", "Level", enum=_values(PlaceLevel), required=True),
    column("parent", "string", "Key of the enclosing place"),
    column("lat", "number", "Latitude"),
    column("lon", "number", "Longitude"),
    column("aliases", "array", "Other names it answers to (JSON array)"),
)

PACKAGE_METRIC_COLUMNS: tuple[Field, ...] = (
    column("key", "string", "Metric key", required=True),
    column("label", "string", "Label", required=True),
    column("noun", "string", "Noun used in sentences", required=True),
    column("unit", "string", "Unit counted", required=True),
    column("cumulative", "boolean", "Whether figures are cumulative by default", required=True),
    column("hxl", "string", "HXL hashtag of its values"),
    column("description", "string", "What is and is not counted"),
)
