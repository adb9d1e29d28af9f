"""CSL-JSON and BibTeX for a source: read by real tools (citeproc-py, pybtex)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import citeproc
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_string
from sqlmodel import select

from tests.interchange_data import SOURCE_A, load_dataset
from tracker.domain.models import Source
from tracker.read.queries import citation_sources
from tracker.sharing.bibliography import bibtex, citation_key, csl_json, csl_json_text, latex_escape
from tracker.store.db import read_session

SOURCE = {
    "url": "https://example.org/news/kyiv_kharkiv?id=50%25",
    "title": "Kyiv & Kharkiv: 50% of {homes} hit, $2m #damage_report ~ ^ \\ — Київ",
    "publisher": "Example Wire",
    "published": date(2023, 2, 14),
    "retrieved_at": datetime(2023, 2, 15, 23, 30, tzinfo=UTC),
    "language": "en",
    "archive_url": "https://archive.example.org/x",
}


def render_csl(item: dict) -> str:
    style_path = Path(citeproc.__file__).parent / "data/styles/harvard-cite-them-right.csl"
    style = CitationStylesStyle(str(style_path), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])


def test_csl_json_puts_the_publisher_in_container_title_and_dates_as_date_parts():
    item = csl_json(SOURCE)
    assert item["container-title"] == "Example Wire"
    assert item["title"] == SOURCE["title"]
    assert item["issued"] == {"date-parts": [[2023, 2, 14]]}
    assert item["accessed"] == {"date-parts": [[2023, 2, 15]]}
    assert item["URL"] == SOURCE["url"]
    text = render_csl(item)
    assert "Example Wire" in text and SOURCE["url"] in text
    assert "2023" in text and "Accessed: February 15, 2023" in text


def test_csl_json_text_is_the_list_reference_managers_paste(vocab_engine, tmp_path):
    """The dashboard's copy box: a JSON list of items, Cyrillic kept as written, that
    citeproc reads back as the same item (here from a stored source's citation row)."""
    load_dataset(vocab_engine, tmp_path / "dataset")
    with read_session(vocab_engine) as session:
        source_id = session.exec(select(Source.id).where(Source.url == SOURCE_A["url"])).one()
    row = citation_sources(vocab_engine, [source_id])[source_id]
    text = csl_json_text([row, SOURCE])
    items = json.loads(text)
    assert items == [csl_json(row), csl_json(SOURCE)]
    assert "Київ" in text  # not \u-escaped
    assert SOURCE_A["publisher"] in render_csl(items[0])


def test_csl_json_has_no_accessed_date_when_retrieval_is_unknown():
    item = csl_json(SOURCE | {"retrieved_at": None, "archive_url": None})
    assert "accessed" not in item and "note" not in item


def test_bibtex_escapes_latex_specials_and_parses_with_pybtex():
    entry = bibtex(SOURCE)
    db = parse_string(entry, "bibtex")
    (key,) = db.entries
    assert key == citation_key(SOURCE)
    fields = db.entries[key].fields
    title = fields["title"]
    for escaped in (r"\&", r"50\%", r"\{homes\}", r"\$2m", r"\#damage\_report"):
        assert escaped in title
    assert r"\textasciitilde{}" in title and r"\textasciicircum{}" in title
    assert r"\textbackslash{}" in title and "Київ" in title
    # Nothing special is left bare once the escapes are taken out.
    bare = re.sub(r"\\(textasciitilde|textasciicircum|textbackslash)\{\}|\\[&%${}#_]", "", title)
    assert not set(bare[1:-1]) & set("&%$#_~^\\{}")
    assert fields["howpublished"] == "Example Wire"
    assert fields["url"] == SOURCE["url"]  # verbatim, as biblatex's url field expects
    assert fields["urldate"] == "2023-02-15" and fields["date"] == "2023-02-14"
    assert fields["year"] == "2023" and "month = feb," in entry


def test_bibtex_keys_are_stable_readable_and_distinct_per_url():
    key = citation_key(SOURCE)
    assert re.fullmatch(r"examplewire2023kyiv-[0-9a-f]{4}", key)
    assert citation_key(dict(SOURCE)) == key
    assert citation_key(SOURCE | {"url": "https://example.org/other"}) != key
    cyrillic = SOURCE | {"publisher": "Громадське", "title": "Загинули"}
    assert re.fullmatch(r"source2023-[0-9a-f]{4}", citation_key(cyrillic))


def test_latex_escape_leaves_plain_text_alone():
    assert latex_escape("OHCHR: 7,199 civilians (at least)") == "OHCHR: 7,199 civilians (at least)"


def test_citations_of_a_stored_source(vocab_engine, tmp_path):
    load_dataset(vocab_engine, tmp_path / "dataset")
    with read_session(vocab_engine) as session:
        source = session.exec(select(Source).where(Source.url == SOURCE_A["url"])).one()
    item = csl_json(source)
    assert item["accessed"] == {"date-parts": [[2023, 2, 15]]}
    assert item["issued"] == {"date-parts": [[2023, 2, 14]]}
    assert item["container-title"] == "Example Wire"
    entry = parse_string(bibtex(source), "bibtex").entries[citation_key(source)]
    assert entry.fields["urldate"] == "2023-02-15"
