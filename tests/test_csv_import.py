"""Importing the CSV export: the same claims come back, and problems name line and column."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from tests.conftest import DATA
from tests.helpers import BASE_CLAIM, BASE_SOURCE
from tracker.cli import main
from tracker.core.errors import ValidationFailed
from tracker.files.csvfile import CsvSourceFile, parse_csv
from tracker.files.importer import apply_import, import_paths, plan_import
from tracker.files.interchange import export_claims
from tracker.files.interchange.columns import FLAT_COLUMNS
from tracker.files.interchange.tabular import write_table
from tracker.files.reading import read_files, read_texts
from tracker.read.filters import ClaimFilter
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.write import SYSTEM


def row(**fields) -> dict:
    """One CSV row: BASE_CLAIM from the BASE_SOURCE, as the export writes it."""
    base = BASE_CLAIM | {f"source_{k}": v for k, v in BASE_SOURCE.items()}
    return {k: v for k, v in (base | fields).items() if v is not None}


def csv_of(*rows: dict, columns=None) -> str:
    chosen = (
        FLAT_COLUMNS
        if columns is None
        else tuple(c for name in columns for c in FLAT_COLUMNS if c.name == name)
    )
    return write_table(list(rows), chosen).decode("utf-8")


def problems_of(text: str, engine=None, name="claims.csv") -> list[str]:
    """What reading (and, given a database, planning) the file reports."""
    with pytest.raises(ValidationFailed) as exc:
        vocab, sources = read_texts([(name, text)])
        if engine is not None:
            with read_session(engine) as s:
                plan_import(s, vocab, sources)
    return [str(p) for p in exc.value.problems]


def test_csv_export_imports_into_an_empty_store_as_the_same_claims(
    vocab_engine, sqlite_template, tmp_path
):
    origin_path = tmp_path / "origin.db"
    shutil.copy(sqlite_template, origin_path)
    origin = make_engine(f"sqlite:///{origin_path}")
    import_paths(origin, SYSTEM, [DATA])
    expected = export_claims(origin, "csv", ClaimFilter())
    (tmp_path / "claims.csv").write_bytes(expected)
    origin.dispose()

    plan = import_paths(vocab_engine, SYSTEM, [tmp_path / "claims.csv"])
    assert plan.totals()["claims_added"] == expected.count(b"\n") - 1 >= 187
    # The same claims; rows of one as-of date follow the store's row ids, which follow the
    # order each file was read in (the sample's files by name, the CSV by its rows).
    again_csv = export_claims(vocab_engine, "csv", ClaimFilter())
    assert again_csv.splitlines()[0] == expected.splitlines()[0]
    assert sorted(again_csv.splitlines()) == sorted(expected.splitlines())
    again = import_paths(vocab_engine, SYSTEM, [tmp_path / "claims.csv"])
    assert (again.totals()["claims_added"], again.totals()["claims_changed"]) == (0, 0)


def test_rows_are_grouped_into_one_source_per_url_like_the_yaml_reader():
    text = csv_of(
        row(id="a"),
        row(id="b", source_url="https://example.org/other"),
        row(id="c", period_end="2023-02-11"),
    )
    sources = parse_csv(text, "claims.csv")
    assert [type(s) for s in sources] == [CsvSourceFile, CsvSourceFile]
    assert [(s.source.url, [c.id for c in s.claims], s.claim_lines) for s in sources] == [
        ("https://example.org/news/offensive", ["a", "c"], [2, 4]),
        ("https://example.org/other", ["b"], [3]),
    ]


def test_formula_guarded_cells_come_back_as_written():
    text = csv_of(row(notes="=1+1 is not a formula", quote="-7,199 deaths, it said"))
    [source] = parse_csv(text, "claims.csv")
    assert "'=1+1" in text
    assert (source.claims[0].notes, source.claims[0].quote) == (
        "=1+1 is not a formula",
        "-7,199 deaths, it said",
    )


def test_a_bad_cell_names_its_line_and_column_even_after_a_multiline_quote():
    text = csv_of(
        row(id="a", quote="it had recorded\n7,199 civilian deaths"),
        row(id="b", value="many"),
        row(id="c", qualifier="roughly"),
    )
    assert problems_of(text) == [
        "claims.csv:4 value: must be a whole number, got 'many'",
        "claims.csv:5 qualifier: must be one of 'exact', 'about', 'at_least', 'more_than', "
        "'at_most' or 'fewer_than', got 'roughly'",
    ]


def test_unknown_vocabulary_names_the_line_and_column(vocab_engine):
    text = csv_of(row(id="a"), row(id="b", metric="civilian_kiled", place="Nowhereville Example"))
    problems = problems_of(text, vocab_engine)
    assert problems[0].startswith("claims.csv:3 metric: unknown metric 'civilian_kiled'")
    assert problems[1].startswith("claims.csv:3 place: unknown place 'Nowhereville Example'")


def test_rows_of_one_source_that_disagree_about_it_are_refused():
    text = csv_of(row(id="a"), row(id="b", source_title="Another title"))
    assert problems_of(text) == [
        "claims.csv:3 source_title: 'Another title' differs from "
        "'New offensive under way, says alliance' on line 2, for the same source_url"
    ]


def test_a_bad_source_cell_names_the_source_column():
    text = csv_of(row(source_published="14/02/2023"))
    assert problems_of(text) == [
        "claims.csv:2 source_published: must be a date like 2023-02-14, got '14/02/2023'"
    ]


def test_the_header_must_be_the_exports():
    text = "metric,vaule,claimant,place,period_end,quote\ncivilian_killed,1,ohchr,UA,2023-01-01,1\n"
    assert problems_of(text) == [
        "claims.csv:1 vaule: is not a column of the export format; did you mean value?",
        "claims.csv:1: missing column(s): source_url, source_title, source_publisher, "
        "source_published",
    ]


def test_a_period_ending_after_publication_and_a_repeated_id_are_refused():
    text = csv_of(row(id="a"), row(id="a", period_end="2023-03-01", period_start=None))
    assert problems_of(text) == [
        "claims.csv:3 period_end: the figure's period ends 2023-03-01, after the source was "
        "published (2023-02-14)",
        "claims.csv:3 id: id 'a' is also used on line 2",
    ]


def test_a_row_with_too_many_cells_and_a_file_that_is_not_utf8():
    text = csv_of(row()) + "x," * len(FLAT_COLUMNS) + "\n"
    assert problems_of(text) == [
        f"claims.csv:3: has {len(FLAT_COLUMNS) + 1} cells; the header has {len(FLAT_COLUMNS)} columns"
    ]
    with pytest.raises(ValidationFailed, match="claims.csv: is not UTF-8 text"):
        read_texts([("claims.csv", "caf\xe9".encode("latin-1"))])


def test_uploads_mix_yaml_and_csv_in_one_all_or_nothing_import(vocab_engine):
    yaml_doc = (
        "source:\n  url: https://example.org/yaml\n  title: T\n  publisher: Example Wire\n"
        "  published: 2023-02-14\nclaims: []\n"
    )
    vocab, sources = read_texts([("a.yaml", yaml_doc), ("b.csv", csv_of(row()).encode())])
    with write_session(vocab_engine) as s:
        totals = apply_import(s, SYSTEM, plan_import(s, vocab, sources))
    assert (totals["sources_added"], totals["claims_added"]) == (2, 1)


def test_the_cli_imports_a_named_csv_file(cli_env, tmp_path):
    runner = CliRunner()
    runner.invoke(main, ["init"])
    runner.invoke(main, ["import", *(str(DATA / f) for f in ("metrics.yaml", "places.yaml"))])
    runner.invoke(main, ["import", str(DATA / "claimants.yaml")])
    path = tmp_path / "claims.csv"
    path.write_text(csv_of(row()), encoding="utf-8")
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 sources added, 0 changed; 1 claims added" in result.output
    # A folder is searched for YAML only: a CSV copy beside it is not imported twice.
    assert read_files([tmp_path], lenient=True) == ([], [])
