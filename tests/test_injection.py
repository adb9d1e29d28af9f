"""Injection at the library level: unsafe links refused, everything else stored as written.

Titles, quotes, notes and names full of HTML, script, markdown, formulas and SQL are data:
stored verbatim, exported verbatim to YAML and JSON, neutralised (not changed) in CSV, and
matched literally by filters. Rendering them inert is the dashboard's job, tested there with
the same data (`tests.hostile.store_hostile`).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import select

from tests import figures
from tests.dbstate import everything
from tests.helpers import BASE_CLAIM, BASE_SOURCE, source_doc, write_doc
from tests.hostile import (
    CLAIM_TEXT_FIELDS,
    FORMULAS,
    MARKUP,
    SOURCE_TEXT_FIELDS,
    SQL,
    UNICODE,
    UNSAFE_URLS,
    payloads,
    store_hostile,
    unicode_text,
)
from tracker.core.errors import ValidationFailed
from tracker.core.urls import is_safe_link
from tracker.domain.models import Claim, Claimant, Source
from tracker.domain.schemas import ClaimIn, SourceIn, problems_from
from tracker.domain.vocab import Role
from tracker.files.export import FORMULA_STARTS, neutralise_formula
from tracker.files.importer import import_paths
from tracker.files.interchange import write_export
from tracker.read.filters import ClaimFilter, where
from tracker.store.db import read_session, write_session
from tracker.store.write import SYSTEM, Actor, add_claim, add_source

seen: Counter = Counter()


def export(engine, fmt: str, output) -> str:
    """Every claim written in `fmt`, as `tracker export` writes them."""
    return write_export(engine, fmt, output, ClaimFilter())


@pytest.fixture(scope="module", autouse=True)
def _tally():
    yield
    figures.add("hostile", "inputs by kind", seen)


def _stored(value: str, field: str) -> str:
    """What validation keeps of a payload: the article text as is, other text trimmed."""
    return value if field == "text" else value.strip()


# --- links ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["url", "archive_url"])
@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_links_other_than_http_are_refused_at_validation(url, field):
    seen["unsafe URLs"] += 1
    with pytest.raises(ValidationError) as exc:
        SourceIn.model_validate(BASE_SOURCE | {field: url})
    assert [p.field for p in problems_from(exc.value)] == [field]
    assert not is_safe_link(url) or "@" in url  # credentials: a web link, but never stored


def test_an_import_with_unsafe_links_is_refused_whole(vocab_engine, tmp_path):
    for n, url in enumerate(UNSAFE_URLS):
        write_doc(tmp_path / f"{n}.yaml", source_doc(url=url))
    before = everything(vocab_engine)
    with pytest.raises(ValidationFailed) as exc:
        import_paths(vocab_engine, SYSTEM, [tmp_path])
    assert len(exc.value.problems) == len(UNSAFE_URLS)
    assert {p.field for p in exc.value.problems} == {"source.url"}
    assert everything(vocab_engine) == before


def test_a_url_that_grows_past_the_limit_when_normalised_is_refused():
    """Re-encoding a query (é is one character, %C3%A9 six) can lengthen a URL."""
    url = "https://example.org/a?q=" + "é" * 1900
    with pytest.raises(ValidationError, match="longer than 2000 characters once normalised"):
        SourceIn.model_validate(BASE_SOURCE | {"url": url})


# --- stored and exported as written -----------------------------------------------------------


@pytest.fixture
def hostile(vocab_engine, tmp_path):
    return vocab_engine, store_hostile(vocab_engine, tmp_path / "hostile")


def test_hostile_text_is_stored_verbatim(hostile):
    engine, docs = hostile
    with read_session(engine) as s:
        for (kind, _), doc in zip(payloads(), docs, strict=True):
            seen[kind] += len(SOURCE_TEXT_FIELDS) + len(CLAIM_TEXT_FIELDS) + 1
            source = s.exec(select(Source).where(Source.url == doc["source"]["url"])).one()
            for field in SOURCE_TEXT_FIELDS:
                assert getattr(source, field) == _stored(doc["source"][field], field)
            claim = s.exec(select(Claim).where(Claim.source_id == source.id)).one()
            for field in CLAIM_TEXT_FIELDS:
                assert getattr(claim, field) == _stored(doc["claims"][0][field], field)
            claimant = s.get(Claimant, claim.claimant_id)
            assert claimant.name == doc["claims"][0]["claimant"].strip()


def test_hostile_text_is_exported_verbatim_to_yaml_and_json(hostile, tmp_path):
    engine, docs = hostile
    export(engine, "yaml", tmp_path / "y")
    exported = {}
    for path in (tmp_path / "y" / "sources").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        exported[doc["source"]["url"]] = doc
    export(engine, "json", tmp_path / "c.json")
    rows = {
        r["source_url"]: r
        for r in json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["claims"]
    }
    for doc in docs:
        url = doc["source"]["url"]
        for field in SOURCE_TEXT_FIELDS:
            assert exported[url]["source"][field] == _stored(doc["source"][field], field)
        for field in CLAIM_TEXT_FIELDS:
            wanted = _stored(doc["claims"][0][field], field)
            assert exported[url]["claims"][0][field] == wanted
            assert rows[url][field] == wanted
        assert rows[url]["source_title"] == doc["source"]["title"].strip()


def test_csv_neutralises_formulas_and_leaves_the_store_unchanged(hostile, tmp_path):
    engine, docs = hostile
    before = everything(engine)
    export(engine, "csv", tmp_path / "c.csv")
    assert everything(engine) == before
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["source_url"]: r for r in csv.DictReader(f)}
    for doc in docs:
        row = rows[doc["source"]["url"]]
        for cell in row.values():
            assert not cell.startswith(FORMULA_STARTS)
        for field in CLAIM_TEXT_FIELDS:
            stored = _stored(doc["claims"][0][field], field)
            # An apostrophe is guarded too, so that the guard can be taken off again.
            if stored.startswith((*FORMULA_STARTS, "'")):
                assert row[field] == "'" + stored
            else:
                assert row[field] == stored


@given(st.one_of(unicode_text, st.sampled_from(FORMULAS + MARKUP + SQL + UNICODE)))
def test_neutralising_a_cell_only_ever_prefixes_an_apostrophe(value):
    seen["spreadsheet formulas"] += 1
    cell = neutralise_formula(value)
    assert not cell.startswith(FORMULA_STARTS)
    # Only ever a leading apostrophe, and only where needed (a cell that starts with one may
    # get another, so that the prefix can be taken off again without guessing).
    assert cell == value or (cell == "'" + value and value.startswith((*FORMULA_STARTS, "'")))


def test_every_csv_column_is_neutralised(hostile, tmp_path):
    """Not only the text fields of the test: ids, keys and source columns too."""
    engine, _ = hostile
    export(engine, "csv", tmp_path / "c.csv")
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert {"id", "quote", "notes", "source_title", "source_publisher"} <= set(header)
        for row in reader:
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row)


def test_the_forms_write_path_stores_hostile_text_verbatim(vocab_engine):
    curator = Actor("cora", Role.curator)
    for n, (kind, payload) in enumerate(payloads()):
        seen[kind] += 3
        with write_session(vocab_engine) as s:
            source = add_source(
                s,
                curator,
                SourceIn.model_validate(
                    BASE_SOURCE
                    | {"url": f"https://example.org/form/{n}", "title": payload, "notes": payload}
                ),
            )
            claim = add_claim(
                s,
                curator,
                source.id,
                ClaimIn.model_validate(
                    source_doc()["claims"][0]
                    | {"id": f"form-{n}", "quote": payload, "check_override": "hostile test"}
                ),
            )
            ids = source.id, claim.id
        with read_session(vocab_engine) as s:
            assert s.get(Source, ids[0]).title == payload.strip()
            assert s.get(Claim, ids[1]).quote == payload.strip()


# --- filters -----------------------------------------------------------------------------------


def keys(engine, f: ClaimFilter) -> set[str]:
    with read_session(engine) as s:
        return set(s.exec(select(Claim.key).where(where(f))))


def test_filter_text_with_sql_metacharacters_matches_literally(hostile):
    engine, docs = hostile
    for payload in SQL + MARKUP + UNICODE:
        seen["SQL metacharacters"] += 1
        needle = payload.strip()
        found = keys(engine, ClaimFilter(text=payload))
        literal = {
            d["claims"][0]["id"]
            for d in docs
            if needle in d["claims"][0]["quote"] or needle in d["source"]["title"]
        }
        assert literal <= found, payload
        with read_session(engine) as s:
            for claim in s.exec(select(Claim).where(Claim.key.in_(found))):
                title = s.get(Source, claim.source_id).title
                assert needle.lower() in (claim.quote + "\n" + title).lower(), payload


@pytest.mark.parametrize(
    "f",
    [
        ClaimFilter(text="x" * 1_000_000),
        ClaimFilter(text="a\x00b"),
        ClaimFilter(text="é" * 60_000),
        ClaimFilter(metric="' OR 1=1 --", place="%", claimants=("_", "\\", "x" * 100_000)),
        ClaimFilter(statuses=("unverified' OR '1'='1",)),
        ClaimFilter(source_id=2**70),
        ClaimFilter(source_id=-(2**70)),
        ClaimFilter(date_from=date.min, date_to=date.max),
    ],
    ids=["1MB", "NUL", "multibyte", "keys", "statuses", "huge-id", "negative-id", "dates"],
)
def test_oversized_and_odd_filter_values_are_plain_data(hostile, f):
    engine, _ = hostile
    seen["very long fields" if f.text and len(f.text) > 1000 else "SQL metacharacters"] += 1
    found = keys(engine, f)
    if f.date_from:
        assert len(found) == len(everything(engine)["claim"])  # every claim is in range
    else:
        assert found == set()


def test_a_cell_holding_a_lone_carriage_return_stays_one_cell(vocab_engine, tmp_path):
    """A CSV written with "\n" line ends leaves a lone "\r" unquoted, and readers then
    split the row there. Quotes copied from old Mac text carry them."""
    doc = source_doc([dict(BASE_CLAIM, quote="one\rtwo", notes="three\r=1+1")])
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "cr.yaml", doc)])
    export(vocab_engine, "csv", tmp_path / "c.csv")
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert (row["quote"], row["notes"]) == ("one\rtwo", "three\r=1+1")


def test_a_search_with_a_nul_does_not_match_by_its_first_half(hostile):
    """SQLite reads a LIKE pattern up to a NUL: "a\\x00b" would have matched every text
    ending in "a". No stored text holds a NUL, so such a search matches nothing."""
    engine, _ = hostile
    assert keys(engine, ClaimFilter(text="a\x00b")) == set()
    assert keys(engine, ClaimFilter(text="'a'='a")) != set()
