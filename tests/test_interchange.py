"""Exports in every format hold exactly the filtered claims, read back where they can, and
pass the real validators (libhxl, frictionless)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import frictionless
import hxl
import pytest
import yaml
from hxl.input import InputOptions, make_input
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.interchange_data import (
    ALL_KEYS,
    CYRILLIC_PLACE,
    CYRILLIC_QUOTE,
    FORMULA_NOTES,
    FORMULA_QUOTE,
    FORMULA_REASON,
    MINUS_QUOTE,
    VERDICT_KEYS,
    load_dataset,
)
from tracker.domain.models import Claim
from tracker.files.export import CLAIM_KEYS, iter_source_documents
from tracker.files.importer import import_paths
from tracker.files.interchange import FORMATS, build_export, export_claims, export_meta, read_csv
from tracker.files.interchange.jsonld import claim_iri
from tracker.files.interchange.rows import Lookups, iso, iter_claim_rows
from tracker.read.filters import ClaimFilter, where
from tracker.store.db import init_db, make_engine, read_session
from tracker.store.write import SYSTEM

EXPORTED_AT = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.fixture
def dataset(vocab_engine: Engine, tmp_path: Path) -> Engine:
    return load_dataset(vocab_engine, tmp_path / "dataset")


def stored_keys(engine: Engine, f: ClaimFilter) -> set[str]:
    with read_session(engine) as s:
        return set(s.execute(select(Claim.key).where(where(f))).scalars())


def write_files(files: dict[str, bytes], folder: Path) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def keys_in(engine: Engine, fmt: str, f: ClaimFilter, tmp_path: Path) -> list[str]:
    """The claim ids a `fmt` export of `f` holds, read the way a user of `fmt` would."""
    exp = build_export(engine, fmt, f)
    if fmt in ("csv", "excel", "hxl"):
        return [r["id"] for r in read_csv(exp.data)]
    if fmt == "json":
        return [c["id"] for c in json.loads(exp.data)["claims"]]
    if fmt == "jsonld":
        return [n["identifier"] for n in json.loads(exp.data)["hasPart"] if n["@type"] == "Claim"]
    if fmt == "datapackage":
        return [r["id"] for r in read_csv(exp.files["data/claims.csv"])]
    # YAML: imported into an empty database; the claims that relays repeat come along
    # (they must, to import) and are named in export-info.json.
    also = set(json.loads(exp.files["export-info.json"])["also_included"])
    folder = write_files(exp.files, tmp_path / "yaml-out")
    other = make_engine(f"sqlite:///{tmp_path / 'yaml-in.db'}")
    init_db(other)
    import_paths(other, SYSTEM, [folder])
    keys = sorted(stored_keys(other, ClaimFilter()) - also)
    other.dispose()
    return keys


FILTERS = [
    ClaimFilter(),
    ClaimFilter(metric="civilian_killed"),
    ClaimFilter(place="UA-14"),
    ClaimFilter(claimants=("synthetic_01",)),
    ClaimFilter(statuses=("disputed", "retracted")),
    ClaimFilter(date_from=date(2023, 2, 13), date_to=date(2023, 2, 28)),
    ClaimFilter(metric="civilian_killed", claimants=("example_monitor",), statuses=("unverified",)),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_exports_exactly_the_filtered_claims(dataset, fmt, tmp_path):
    for i, f in enumerate(FILTERS):
        expected = stored_keys(dataset, f)
        got = keys_in(dataset, fmt, f, tmp_path / str(i))
        assert sorted(got) == sorted(expected), f.describe()
        assert len(got) == len(set(got))
    assert stored_keys(dataset, ClaimFilter()) == ALL_KEYS


def test_claims_are_read_in_chunks_without_losing_or_repeating_rows(dataset):
    # Two claims share an as-of date: the keyset must page through ties by id.
    with read_session(dataset) as s:
        lookups = Lookups.load(s)
        rows = list(iter_claim_rows(s, ClaimFilter(), lookups, chunk=2))
    assert sorted(r["id"] for r in rows) == sorted(ALL_KEYS)
    assert [r["period_end"] for r in rows] == sorted(r["period_end"] for r in rows)


def test_csv_reads_back_as_the_stored_claims(dataset):
    data = export_claims(dataset, "csv", ClaimFilter())
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    rows = {r["id"]: r for r in read_csv(data)}
    with read_session(dataset) as s:
        docs = list(iter_source_documents(s))
    stored = {c["id"]: (c, d["source"]) for d in docs for c in d["claims"]}
    assert set(rows) == set(stored)
    for key, (doc, source) in stored.items():
        row = rows[key]
        for name in CLAIM_KEYS:
            assert row[name] == doc.get(name), (key, name)
        assert row["source_url"] == source["url"]
        assert row["source_published"] == source["published"]
    assert rows["t-killed-corroborated"]["source_retrieved_at"] == datetime(
        2023, 2, 15, 8, 30, tzinfo=UTC
    )
    # ISO 8601 dates and the joined names, as text in the file.
    assert b",2022-02-24,2023-02-12,true," in data
    assert rows["t-vilne-killed"]["adm1_code"] == "UA-14"
    assert rows["t-vilne-killed"]["claimant_name"] == "Synthetic claimant 01"


def test_formula_cells_are_neutralised_in_csv_excel_and_hxl_but_stored_verbatim(dataset):
    for fmt in ("csv", "excel", "hxl"):
        text = export_claims(dataset, fmt, ClaimFilter()).decode("utf-8-sig")
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert "'" + FORMULA_QUOTE in cells and FORMULA_QUOTE not in cells
        assert "'" + MINUS_QUOTE in cells
        assert "'" + FORMULA_REASON in cells
        assert "'" + FORMULA_NOTES in cells
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    with read_session(dataset) as s:
        quote = s.execute(select(Claim.quote).where(Claim.key == "t-killed-corroborated")).scalar()
    assert quote == FORMULA_QUOTE
    claims = json.loads(export_claims(dataset, "json"))["claims"]
    assert {c["quote"] for c in claims} >= {FORMULA_QUOTE, MINUS_QUOTE}
    yaml_quotes = {
        c["quote"]
        for name, content in export_claims(dataset, "yaml").items()
        if name.startswith("sources/")
        for c in yaml.safe_load(content)["claims"]
    }
    assert {FORMULA_QUOTE, MINUS_QUOTE} <= yaml_quotes


def test_excel_variant_has_bom_and_crlf_and_keeps_cyrillic(dataset):
    data = export_claims(dataset, "excel", ClaimFilter(place="test-vilne"))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n") == 2
    (row,) = read_csv(data)
    assert row["place_name"] == CYRILLIC_PLACE
    assert row["quote"] == CYRILLIC_QUOTE
    assert CYRILLIC_PLACE.encode("utf-8") in data


def test_hxl_export_parses_with_libhxl_and_passes_its_core_schema(dataset):
    data = export_claims(dataset, "hxl", ClaimFilter())
    source = hxl.data(make_input(io.BytesIO(data), InputOptions(encoding="utf-8")))
    tags = {c.display_tag for c in source.columns}
    assert {
        "#date+start",
        "#date+end",
        "#adm1+code",
        "#affected+killed+civilians",
        "#affected+injured+civilians",
        "#meta+source",
        "#meta+url",
        "#org+name",
    } <= tags
    rows = {r.get("#meta+id"): r for r in source}
    assert set(rows) == ALL_KEYS
    vilne = rows["t-vilne-killed"]
    assert vilne.get("#affected+killed") == "12"
    assert vilne.get("#affected+injured") in (None, "")
    assert vilne.get("#adm1+code") == "UA-14"
    assert vilne.get("#date+start") == "2023-03-01"
    assert vilne.get("#meta+source") == "Example Local"
    assert vilne.get("#meta+url") == "https://example.org/local/b"
    assert rows["t-injured-disputed"].get("#affected+injured") == "40"
    report = hxl.validate(hxl.data(make_input(io.BytesIO(data), InputOptions(encoding="utf-8"))))
    errors = [i for i in report["issues"] if i["severity"] == "error"]
    assert report["stats"]["error"] == 0, errors


def test_datapackage_passes_frictionless_validation_as_folder_and_zip(dataset, tmp_path):
    exp = build_export(dataset, "datapackage", ClaimFilter(), now=EXPORTED_AT)
    folder = write_files(exp.files, tmp_path / "package")
    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])
    (tmp_path / "package.zip").write_bytes(exp.data)
    report = frictionless.validate(tmp_path / "package.zip")
    assert report.valid, report.flatten(["type", "message"])

    descriptor = json.loads(exp.files["datapackage.json"])
    assert descriptor["created"] == "2024-05-06T07:08:09Z"
    assert descriptor["as_of"] == "2023-03-01"
    assert descriptor["filter"] == "all claims"
    assert [r["name"] for r in descriptor["resources"]] == [
        "claims",
        "sources",
        "claimants",
        "places",
        "metrics",
    ]
    claims = descriptor["resources"][0]["schema"]
    fields = {f["name"]: f for f in claims["fields"]}
    assert claims["primaryKey"] == ["id"]
    assert fields["value"]["type"] == "integer" and fields["period_end"]["type"] == "date"
    assert fields["status"]["constraints"]["enum"] == [
        "unverified",
        "corroborated",
        "disputed",
        "retracted",
    ]
    references = {fk["fields"][0]: fk["reference"]["resource"] for fk in claims["foreignKeys"]}
    assert references == {
        "metric": "metrics",
        "claimant": "claimants",
        "place": "places",
        "source_url": "sources",
        "duplicate_of": "",
    }


def test_frictionless_catches_a_broken_reference_in_the_package(dataset, tmp_path):
    # The validation above would mean little if references were not checked.
    exp = build_export(dataset, "datapackage", ClaimFilter())
    folder = write_files(exp.files, tmp_path / "package")
    claims = folder / "data" / "claims.csv"
    claims.write_text(claims.read_text().replace(",test-vilne,", ",nowhere,"), encoding="utf-8")
    report = frictionless.validate(folder / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {t for (t,) in report.flatten(["type"])}


def test_filtered_datapackage_leaves_out_a_reference_it_cannot_keep(dataset, tmp_path):
    # The relay is in, the claim it duplicates is not: duplicate_of is no foreign key then.
    f = ClaimFilter(claimants=("example_monitor",), statuses=("unverified",))
    exp = build_export(dataset, "datapackage", f)
    descriptor = json.loads(exp.files["datapackage.json"])
    assert "duplicate_of" not in {
        fk["fields"][0] for fk in descriptor["resources"][0]["schema"]["foreignKeys"]
    }
    assert descriptor["filter"] == "claimant example_monitor; status unverified"
    sources = [r["url"] for r in read_csv(exp.files["data/sources.csv"])]
    assert sources == ["https://example.org/digest/c"]
    folder = write_files(exp.files, tmp_path / "package")
    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])


def test_sample_data_exports_as_a_valid_datapackage_and_hxl(sample_engine, tmp_path):
    exp = build_export(sample_engine, "datapackage")
    (tmp_path / "sample.zip").write_bytes(exp.data)
    report = frictionless.validate(tmp_path / "sample.zip")
    assert report.valid, report.flatten(["type", "message"])[:5]
    assert exp.meta.claims >= 187
    data = export_claims(sample_engine, "hxl")
    report = hxl.validate(hxl.data(make_input(io.BytesIO(data), InputOptions(encoding="utf-8"))))
    assert report["stats"]["error"] == 0


def test_jsonld_has_a_claim_per_claim_and_a_review_only_for_verdicts(dataset):
    doc = json.loads(export_claims(dataset, "jsonld", ClaimFilter()))
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "Dataset"
    claims = {n["@id"]: n for n in doc["hasPart"] if n["@type"] == "Claim"}
    reviews = [n for n in doc["hasPart"] if n["@type"] == "ClaimReview"]
    assert {n["identifier"] for n in claims.values()} == ALL_KEYS
    assert {r["itemReviewed"]["@id"] for r in reviews} == {claim_iri(k) for k in VERDICT_KEYS}
    assert len(reviews) == len(VERDICT_KEYS)

    killed = claims[claim_iri("t-killed-corroborated")]
    assert killed["author"] == {
        "@type": "Organization",
        "name": "Example Monitor",
        "identifier": "example_monitor",
    }
    assert killed["appearance"]["@type"] == "CreativeWork"
    assert killed["appearance"]["url"] == "https://example.org/wire/a"
    assert killed["appearance"]["datePublished"] == "2023-02-14"
    assert killed["appearance"]["publisher"]["name"] == "Example Wire"
    assert killed["datePublished"] == "2023-02-14"
    assert killed["text"] == FORMULA_QUOTE  # JSON is verbatim
    assert killed["name"].startswith("At least 7,199 civilians killed in Ukraine")

    ratings = {r["itemReviewed"]["@id"]: r["reviewRating"] for r in reviews}
    disputed = ratings[claim_iri("t-injured-disputed")]
    assert disputed["@type"] == "Rating" and disputed["alternateName"] == "Disputed"
    assert disputed["ratingExplanation"] == FORMULA_REASON
    assert ratings[claim_iri("t-range-retracted")]["alternateName"] == "Retracted"
    assert all(r["claimReviewed"] and r["datePublished"] for r in reviews)

    said = {p["name"]: p["value"] for p in doc["additionalProperty"]}
    assert said["as_of"] == "2023-03-01" and said["filter"] == "all claims"
    assert doc["temporalCoverage"] == "2023-02-12/2023-03-01"


def test_json_export_reads_back_and_states_as_of_and_filter(dataset):
    f = ClaimFilter(metric="civilian_killed", date_to=date(2023, 2, 28))
    exp = build_export(dataset, "json", f, now=EXPORTED_AT)
    doc = json.loads(exp.data)
    assert doc["exported_at"] == "2024-05-06T07:08:09Z"
    assert doc["as_of"] == "2023-02-12"
    assert doc["filter"] == "metric civilian_killed; as of 2023-02-28 or earlier"
    assert doc["filter_parameters"]["date_to"] == "2023-02-28"
    assert doc["claim_count"] == 2
    from_csv = {r["id"]: r for r in read_csv(export_claims(dataset, "csv", f))}
    for claim in doc["claims"]:
        row = from_csv[claim["id"]]
        assert claim == {k: iso(v) for k, v in row.items()}


def test_filtered_yaml_export_imports_as_exactly_the_filtered_claims(dataset, tmp_path):
    f = ClaimFilter(place="UA-14")
    files = export_claims(dataset, "yaml", f)
    info = json.loads(files["export-info.json"])
    assert info["filter"] == "place UA-14" and info["as_of"] == "2023-02-28"
    assert {"metrics.yaml", "places.yaml", "claimants.yaml"} <= set(files)
    assert keys_in(dataset, "yaml", f, tmp_path) == sorted(stored_keys(dataset, f))


def test_filtered_yaml_export_brings_the_claim_a_relay_repeats_and_says_so(dataset, tmp_path):
    f = ClaimFilter(statuses=("unverified",), metric="civilian_killed", place="UA")
    files = export_claims(dataset, "yaml", f)
    info = json.loads(files["export-info.json"])
    assert info["also_included"] == ["t-killed-corroborated"]
    assert info["claim_count"] == 1
    folder = write_files(files, tmp_path / "out")
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    init_db(other)
    import_paths(other, SYSTEM, [folder])
    assert stored_keys(other, ClaimFilter()) == {"t-killed-relayed", "t-killed-corroborated"}
    other.dispose()


def test_download_names_and_csv_sidecar_state_as_of_and_filter(dataset):
    f = ClaimFilter(metric="civilian_killed", claimants=("example_monitor", "synthetic_01"))
    exp = build_export(dataset, "hxl", f, now=EXPORTED_AT)
    assert exp.filename == (
        "claims_civilian_killed_example_monitor+synthetic_01_asof-2023-03-01.hxl.csv"
    )
    assert exp.mime == "text/csv"
    sidecar = json.loads(exp.csvw_sidecar("killed.hxl.csv"))
    assert sidecar["url"] == "killed.hxl.csv"
    assert sidecar["dc:created"] == "2024-05-06T07:08:09Z"
    notes = {n["type"]: n["body"] for n in sidecar["notes"]}
    assert notes == {
        "as_of": "2023-03-01",
        "filter": "metric civilian_killed; claimant example_monitor or synthetic_01",
        "claim_count": 3,
    }
    header = next(csv.reader(io.StringIO(exp.data.decode())))
    assert [c["name"] for c in sidecar["tableSchema"]["columns"]] == header
    assert sidecar["dialect"]["headerRowCount"] == 2
    assert build_export(dataset, "datapackage").filename == (
        "claims_all_asof-2023-03-01_datapackage.zip"
    )


def test_an_empty_selection_exports_valid_empty_files(dataset, tmp_path):
    f = ClaimFilter(date_from=date(2030, 1, 1))
    assert read_csv(export_claims(dataset, "csv", f)) is not None
    assert list(read_csv(export_claims(dataset, "csv", f))) == []
    doc = json.loads(export_claims(dataset, "json", f))
    assert doc["claims"] == [] and doc["as_of"] is None and doc["claim_count"] == 0
    exp = build_export(dataset, "datapackage", f)
    assert exp.filename == "claims_from-2030-01-01_no-claims_datapackage.zip"
    folder = write_files(exp.files, tmp_path / "package")
    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])
    with zipfile.ZipFile(io.BytesIO(exp.data)) as zf:
        assert "datapackage.json" in zf.namelist()


def test_unknown_format_is_refused_with_the_list(dataset):
    from tracker.core.errors import TrackerError

    with pytest.raises(TrackerError, match="unknown format 'xlsx'; choose one of csv, excel"):
        build_export(dataset, "xlsx")


def test_export_meta_answers_a_caption_without_exporting(dataset):
    f = ClaimFilter(place="UA-14")
    meta = export_meta(dataset, f, now=EXPORTED_AT)
    made = build_export(dataset, "csv", f, now=EXPORTED_AT).meta
    assert meta == made
    assert (meta.claims, meta.first_as_of, meta.latest_as_of) == (
        2,
        date(2023, 2, 13),
        date(2023, 2, 28),
    )
    assert meta.sentence() == (
        "2 claims (the latest as of 2023-02-28); filter: place UA-14; "
        "exported 2024-05-06T07:08:09Z from Claims Tracker"
    )
