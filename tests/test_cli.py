"""The `tracker` command: one clear line on error, exit 1, never a traceback."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from tests.conftest import DATA
from tests.helpers import claim, source_doc, write_doc
from tracker.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_init_import_stats(cli_env):
    assert run("init").exit_code == 0
    result = run("import", str(DATA))
    assert result.exit_code == 0, result.output
    assert "claims added" in result.output
    stats = run("stats")
    assert stats.exit_code == 0
    assert "civilian_killed" in stats.output and "ohchr" in stats.output


def test_import_of_a_bad_file_prints_where_and_exits_1(cli_env, tmp_path):
    run("import", *(str(DATA / f) for f in ("metrics.yaml", "places.yaml", "claimants.yaml")))
    path = write_doc(tmp_path / "bad.yaml", source_doc([claim(qualifier="roughly")]))
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}:10 claims[0].qualifier: must be one of")
    assert "Traceback" not in result.output


def test_validate_reports_what_import_would_do_and_writes_nothing(cli_env, tmp_path):
    run(
        "import",
        str(DATA / "metrics.yaml"),
        str(DATA / "places.yaml"),
        str(DATA / "claimants.yaml"),
    )
    path = write_doc(tmp_path / "a.yaml", source_doc())
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert "importing would add 1 sources and 1 claims" in result.output
    assert "0 claims from 0 sources" in run("stats").output


def test_import_names_every_claimant_it_adds_instead_of_adding_it_silently(cli_env, tmp_path):
    run("import", *(str(DATA / f) for f in ("metrics.yaml", "places.yaml", "claimants.yaml")))
    doc = source_doc([claim(claimant="The Example Relief Network")])
    path = write_doc(tmp_path / "new.yaml", doc)
    line = "new claimant 'The Example Relief Network' (key example_relief_network, kind other)"
    assert line in run("validate", str(path)).output
    assert line in run("import", str(path)).output


def test_commands_on_a_missing_database_say_so(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path}/absent.db")
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: database file {tmp_path}/absent.db does not exist (run `tracker init` first)"
    )


def test_an_unreachable_postgres_is_one_line(monkeypatch):
    monkeypatch.setenv(
        "TRACKER_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    )
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: database postgresql+psycopg://nobody@127.0.0.1:1/")
    assert len(result.output.strip().splitlines()) == 1


def test_export_json_and_csv(cli_env, tmp_path):
    run("init")
    run("import", str(DATA))
    assert run("export", "--format", "json", "-o", str(tmp_path / "a.json")).exit_code == 0
    doc = json.loads((tmp_path / "a.json").read_text())
    assert len(doc["claims"]) >= 187 and "exported_at" in doc
    assert run("export", "--format", "csv", "-o", str(tmp_path / "a.csv")).exit_code == 0
    header = (tmp_path / "a.csv").read_text().splitlines()[0]
    assert header.startswith("id,metric,value,low,high,qualifier,claimant,place")


def test_every_command_has_help():
    for command in ("init", "import", "validate", "export", "stats", "backup", "restore"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output
    assert yaml  # the data format is YAML: the import is a real dependency
