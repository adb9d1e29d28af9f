"""The field registry is the one list of a claim's and a source's fields: the input schemas,
the tables, the exports and the revisions all agree with it, so that a new field is one row
in `tracker/domain/fields.py` plus its column and a migration."""

from __future__ import annotations

from tracker.domain import fields
from tracker.domain.models import Claim, Source
from tracker.domain.schemas import ClaimIn, SourceIn
from tracker.files.export import CLAIM_KEYS, SOURCE_KEYS
from tracker.files.interchange.columns import CLAIM_FIELDS as CLAIM_COLUMNS
from tracker.store import write

#: Columns the store keeps about a row rather than about the claim or source it records.
BOOKKEEPING = {
    "id",
    "source_id",
    "statement_key",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "reviewed_at",
    "reviewed_by",
}


def test_the_claim_schema_takes_exactly_the_registry_fields_by_their_file_names():
    assert set(ClaimIn.model_fields) == set(fields.file_names(fields.CLAIM_FIELDS))


def test_the_source_schema_takes_exactly_the_registry_fields():
    assert set(SourceIn.model_fields) == set(fields.names(fields.SOURCE_FIELDS))


def test_every_claim_column_is_a_registry_field_or_bookkeeping():
    stored = {f"{f.name}_id" if f.reference else f.name: f for f in fields.CLAIM_FIELDS}
    columns = {c.name for c in Claim.__table__.columns}
    assert set(stored) <= columns
    assert columns - set(stored) <= BOOKKEEPING


def test_every_source_column_is_a_registry_field_or_bookkeeping():
    columns = {c.name for c in Source.__table__.columns}
    assert set(fields.names(fields.SOURCE_FIELDS)) <= columns
    assert columns - set(fields.names(fields.SOURCE_FIELDS)) <= BOOKKEEPING


def test_exports_and_revisions_list_the_registry_in_its_order():
    assert tuple(f.file for f in fields.CLAIM_FIELDS) == CLAIM_KEYS
    assert tuple(c.name for c in CLAIM_COLUMNS) == CLAIM_KEYS
    assert fields.file_names(fields.SOURCE_FIELDS, exported=True) == SOURCE_KEYS
    assert fields.names(fields.CLAIM_FIELDS, snapshot=True) == write.CLAIM_FIELDS
    assert fields.names(fields.SOURCE_FIELDS, snapshot=True) == write.SOURCE_FIELDS


def test_only_the_key_has_a_file_name_of_its_own():
    assert {f.name: f.file for f in fields.CLAIM_FIELDS if f.file != f.name} == {"key": "id"}
    assert fields.CLAIM_NAME_OF_FILE["id"] == "key"


def test_a_field_with_values_to_choose_from_lists_them_in_the_schema():
    for f in fields.CLAIM_FIELDS + fields.SOURCE_FIELDS:
        if f.enum:
            assert f.type == "string" and all(isinstance(v, str) for v in f.enum), f.name
