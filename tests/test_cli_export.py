"""`tracker export`: every format, the filter options, and one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
from click.testing import CliRunner

from tests.conftest import VOCAB_FILES
from tests.interchange_data import write_dataset
from tracker.cli import main
from tracker.files.interchange import FORMATS, read_csv


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def load(tmp_path) -> None:
    assert run("init").exit_code == 0
    assert run("import", *map(str, VOCAB_FILES)).exit_code == 0
    result = run("import", str(write_dataset(tmp_path / "dataset")))
    assert result.exit_code == 0, result.output


def test_export_filters_by_metric_claimant_status_and_dates(cli_env, tmp_path):
    load(tmp_path)
    out = tmp_path / "killed.csv"
    result = run(
        "export", "--format", "csv", "-o", str(out),
        "--metric", "civilian_killed", "--place", "Ukraine",
        "--claimant", "Example Monitor", "--claimant", "synthetic_01",
        "--status", "unverified", "--status", "corroborated",
        "--from", "2023-02-01", "--to", "2023-02-28",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote 2 claims (latest as of 2023-02-12; filter: metric")
    assert sorted(r["id"] for r in read_csv(out.read_bytes())) == [
        "t-killed-corroborated",
        "t-killed-relayed",
    ]
    sidecar = json.loads((tmp_path / "killed.csv-metadata.json").read_text())
    notes = {n["type"]: n["body"] for n in sidecar["notes"]}
    assert notes["filter"] == (
        "metric civilian_killed; place UA; claimant example_monitor or synthetic_01; "
        "status unverified or corroborated; as of 2023-02-01 or later; "
        "as of 2023-02-28 or earlier"
    )
    assert sidecar["url"] == "killed.csv"


def test_export_writes_every_format(cli_env, tmp_path):
    load(tmp_path)
    for fmt in FORMATS:
        target = tmp_path / f"out-{fmt}"
        result = run("export", "--format", fmt, "-o", str(target), "--place", "UA-14")
        assert result.exit_code == 0, (fmt, result.output)
        assert "filter: place UA-14" in result.output
    assert (tmp_path / "out-datapackage" / "datapackage.json").exists()
    assert (tmp_path / "out-yaml" / "export-info.json").exists()
    assert (tmp_path / "out-hxl-metadata.json").exists()
    assert json.loads((tmp_path / "out-jsonld").read_text())["@type"] == "Dataset"
    zipped = tmp_path / "package.zip"
    assert run("export", "--format", "datapackage", "-o", str(zipped)).exit_code == 0
    assert frictionless.validate(zipped).valid


def test_export_refuses_an_unknown_place_in_one_line_with_a_suggestion(cli_env, tmp_path):
    load(tmp_path)
    result = CliRunner().invoke(
        main, ["export", "--format", "csv", "-o", str(tmp_path / "x.csv"), "--place", "Donetks"]
    )
    assert result.exit_code == 1
    assert result.output == (
        "Error: --place: no place called 'Donetks'; did you mean Donetsk Oblast (UA-14)?\n"
    )
    assert not (tmp_path / "x.csv").exists()


def test_export_refuses_unknown_metric_claimant_and_reversed_dates(cli_env, tmp_path):
    load(tmp_path)
    out = str(tmp_path / "x.json")
    for args, message in (
        (["--metric", "civilians_killed"], "Error: --metric: no metric called 'civilians_killed'"),
        (["--claimant", "Nobody at all"], "Error: --claimant: no claimant called 'Nobody at all'"),
        (["--from", "2023-03-01", "--to", "2023-02-01"], "Error: --from 2023-03-01 is after"),
    ):
        result = CliRunner().invoke(main, ["export", "--format", "json", "-o", out, *args])
        assert result.exit_code == 1, args
        assert result.output.startswith(message), result.output
        assert len(result.output.strip().splitlines()) == 1


def test_export_of_a_folder_format_onto_a_file_is_refused(cli_env, tmp_path):
    load(tmp_path)
    target = tmp_path / "taken"
    target.write_text("x")
    result = CliRunner().invoke(main, ["export", "--format", "yaml", "-o", str(target)])
    assert result.exit_code == 1
    assert result.output == f"Error: {target} is a file; a yaml export writes a folder\n"


def test_the_docs_document_every_export_format_and_option():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    section = docs.split("## Exports", 1)[1].split("\n## ", 1)[0]
    for fmt in FORMATS:
        assert f"| `{fmt}` |" in section, fmt
    for option in ("--metric", "--place", "--claimant", "--status", "--from", "--to"):
        assert option in section, option
