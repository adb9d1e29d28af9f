"""`tracker check` and `tracker extract`: output formats, exit codes, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import DATA, FIXTURES, VOCAB_FILES
from tests.helpers import claim, source_doc, write_doc
from tracker.checks.rules import RULES
from tracker.cli import main
from tracker.cli.checks import RULE_IDS

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_check_on_the_sample_lists_findings_by_rule_and_exits_0(cli_env):
    run("init")
    run("import", str(DATA))
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "sudden-jump (2)\n  [info] OHCHR's cumulative count of civilians killed" in result.output
    assert "cumulative-decrease (3)" in result.output
    assert result.output.rstrip().endswith("findings: 0 errors, 21 warnings, 7 info")


def test_import_and_check_keep_the_findings_for_the_checks_page(cli_env, tmp_path):
    from tracker.checks.findings import checked_state, stored_findings
    from tracker.checks.rules import run_checks
    from tracker.store.db import make_engine

    run("init")
    result = run("import", str(DATA))
    assert result.output.rstrip().endswith(
        "checked: 28 findings: 0 errors, 21 warnings, 7 info (`tracker check` lists them)"
    )
    engine = make_engine(cli_env)
    try:
        assert checked_state(engine).checked_at is not None
        assert stored_findings(engine) == run_checks(engine)
        # A write outside the CLI is checked by the next `tracker check`, which prints the
        # same as a fresh run of every check and keeps the result.
        from tracker.files.importer import import_paths
        from tracker.store.write import SYSTEM

        bad = claim(claimant="Example Monitor", value=7201, quote="it had recorded 7,199 deaths")
        import_paths(engine, SYSTEM, [write_doc(tmp_path / "a.yaml", source_doc([bad]))])
        before = checked_state(engine)
        result = run("check", "--format", "json")
        assert result.exit_code == 1
        assert json.loads(result.output) == [f.as_dict() for f in run_checks(engine)]
        after = checked_state(engine)
        assert after.checked_at > before.checked_at
        assert after.counts[("figure-not-in-quote", "error")] == 1
    finally:
        engine.dispose()


def test_check_json_is_a_list_of_the_five_fields_and_an_error_exits_1(cli_env, tmp_path):
    run("init")
    run("import", *map(str, VOCAB_FILES))
    bad = claim(claimant="Example Monitor", value=7201, quote="it had recorded 7,199 deaths")
    run("import", str(write_doc(tmp_path / "a.yaml", source_doc([bad]))))
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.output)
    assert list(finding) == ["rule", "severity", "message", "claims", "sources"]
    assert (finding["rule"], finding["severity"]) == ("figure-not-in-quote", "error")
    assert finding["sources"] == ["https://example.org/news/offensive"]
    assert run("check", "--rule", "sudden-jump", "--format", "json").output.strip() == "[]"
    assert run("check", "--rule", "sudden-jump").exit_code == 0


def test_check_with_an_unknown_rule_is_one_line_and_exit_1(cli_env):
    run("init")
    result = CliRunner().invoke(main, ["check", "--rule", "typo"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: unknown check typo; the checks are figure-not-in-quote")
    assert len(result.output.strip().splitlines()) == 1


def test_check_thresholds_can_be_set(cli_env, tmp_path):
    run("init")
    run("import", *map(str, VOCAB_FILES))
    a = claim(id="a", claimant="Example Monitor", qualifier="exact", value=1000, quote="1,000")
    b = claim(
        id="b", claimant="Synthetic claimant 01", qualifier="exact", value=1200, quote="1,200"
    )
    run("import", str(write_doc(tmp_path / "a.yaml", source_doc([a]))))
    run(
        "import",
        str(write_doc(tmp_path / "b.yaml", source_doc([b], url="https://example.org/news/b"))),
    )
    assert "claimant-disagreement (1)" in run("check").output
    assert run("check", "--share", "0.3").output.strip() == "no findings"


def test_extract_prints_json_candidates_for_the_seed(monkeypatch, tmp_path):
    # No database at all: the vocabulary comes from data/*.yaml.
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path}/absent.db")
    seed = FIXTURES / "seed_article.txt"
    result = run("extract", str(seed), "--published", "2023-02-14", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [(c["metric"], c["value"], c["place_key"]) for c in found] == [
        ("settlements_attacked", 1, "UA-63"),
        ("settlements_attacked", 5, "UA-09"),
        ("settlements_attacked", 6, "UA-14"),
        ("civilian_killed", 7199, "UA"),
        ("civilian_injured", 11756, "UA"),
    ]
    assert found[3]["period_start"] == "2022-02-24" and found[3]["claimant_key"] == "ohchr"
    assert list(found[0]) == [
        "metric",
        "value",
        "low",
        "high",
        "qualifier",
        "claimant",
        "claimant_key",
        "place",
        "place_key",
        "period_start",
        "period_end",
        "cumulative",
        "quote",
        "start",
        "end",
    ]


def test_extract_reads_standard_input_and_says_when_it_finds_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path}/absent.db")
    result = run("extract", "-", "--published", "2023-02-14", input="Nothing to count here.")
    assert (result.exit_code, result.output) == (0, "no candidate figures found\n")
    text = "According to Example Monitor, 12 civilians were killed in Kyiv on Monday."
    result = run("extract", "-", "--published", "2023-02-14", input=text)
    assert "claimant: Example Monitor (not in the vocabulary)" in result.output
    assert "place: Kyiv -> UA-30" in result.output


def test_extract_refuses_a_bad_date_with_one_line():
    result = CliRunner().invoke(main, ["extract", "-", "--published", "14/02/2023"], input="x")
    assert result.exit_code == 2 and "Invalid value for '--published'" in result.output


def test_check_help_lists_every_rule_and_both_commands_have_examples():
    assert list(RULE_IDS) == list(RULES)
    check_help = run("check", "--help").output
    assert all(rule in check_help for rule in RULES)
    for command in ("check", "extract"):
        assert "Example:" in run(command, "--help").output


def test_the_module_runs_as_a_script(tmp_path):
    """`python -m tracker.cli` imports the command modules without an import cycle."""
    env = os.environ | {
        "PYTHONPATH": str(REPO),
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path}/absent.db",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "extract", "-", "--published", "2023-02-14"],
        input="Example Monitor said 12 civilians were killed in Kyiv.",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "civilian_killed" in done.stdout
