"""Forms and imports that read well: errors go once the field is fixed, messages in plain
words, a suggestion for a misspelt key, length limits named, and the Import page showing
only the outcome of the batch in front of the editor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import VOCAB_FILES
from tests.curation_support import (
    BAD,
    NEW_SOURCE,
    counts,
    errors,
    errors_after,
    successes,
)
from tests.helpers import claim, source_doc, write_doc
from tests.test_dashboard_entry import ADD_CLAIMS, ADD_SOURCE, fill_claim, fill_source
from tracker.cli import main
from tracker.core.errors import ValidationFailed
from tracker.domain.schemas import TEXT_LIMITS, ClaimIn, SourceIn, problems_from
from tracker.files.importer import import_paths
from tracker.store.write import SYSTEM

pytestmark = pytest.mark.usefixtures("cheap_hashes")


def test_an_error_under_a_field_goes_once_the_field_is_changed(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = fill_claim(open_as(url, "cora", ADD_CLAIMS, source=str(source_id)), value="-5")
    at.button(key="entry.save").click().run()
    assert errors_after(at, "entry.value") == ["Figure: cannot be negative"]
    at.text_input(key="entry.value").input("7,199").run()
    assert not at.exception
    assert errors_after(at, "entry.value") == []


def test_a_range_error_goes_when_the_other_end_of_the_range_is_fixed(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = fill_claim(
        open_as(url, "cora", ADD_CLAIMS, source=str(source_id)), value="", low="50", high="40"
    )
    at.button(key="entry.save").click().run()
    assert errors_after(at, "entry.low") == [
        "Range from: the range's low (50) is above its high (40)"
    ]
    at.text_input(key="entry.high").input("60").run()
    assert errors_after(at, "entry.low") == []


def test_an_unchanged_field_keeps_its_error(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = fill_claim(open_as(url, "cora", ADD_CLAIMS, source=str(source_id)), value="-5")
    at.button(key="entry.save").click().run()
    at.text_area(key="entry.notes").input("checked with the desk").run()
    assert errors_after(at, "entry.value") == ["Figure: cannot be negative"]


@pytest.mark.parametrize("figure", ["-5", "−5", "-7,199", -3])
def test_a_negative_figure_is_said_to_be_negative(figure):
    with pytest.raises(Exception) as exc:  # noqa: PT011
        ClaimIn.model_validate(claim(value=figure))
    [problem] = problems_from(exc.value)
    assert (problem.field, problem.message) == ("value", "cannot be negative")


def test_a_misspelt_key_gets_a_suggestion(cli_env, tmp_path):
    CliRunner().invoke(main, ["import", *map(str, VOCAB_FILES)], catch_exceptions=False)
    doc = source_doc([{**claim(), "qualifer": "about"}])
    del doc["claims"][0]["qualifier"]
    path = write_doc(tmp_path / "typo.yaml", doc)
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert "claims[0].qualifer: is not a field of this format; did you mean qualifier?" in (
        result.output
    )


def test_a_word_nothing_like_a_key_gets_no_suggestion():
    with pytest.raises(Exception) as exc:  # noqa: PT011
        ClaimIn.model_validate(claim(banana=1))
    [problem] = problems_from(exc.value)
    assert problem.message == "is not a field of this format (a typo?)"


# --- length limits -------------------------------------------------------------------------


def test_every_text_field_of_sources_and_claims_has_a_limit():
    for model in (SourceIn, ClaimIn):
        for name, info in model.model_fields.items():
            if info.annotation in (str, str | None):
                assert name in TEXT_LIMITS, name


@pytest.mark.parametrize(
    ("field", "limit"), [("notes", 10_000), ("check_override", 2_000), ("quote_translation", 5_000)]
)
def test_over_long_claim_text_is_refused_with_its_limit(field, limit):
    assert TEXT_LIMITS[field] == limit
    with pytest.raises(Exception) as exc:  # noqa: PT011
        ClaimIn.model_validate(claim(**{field: "x" * (limit + 1)}))
    [problem] = problems_from(exc.value)
    assert problem.field == field
    assert problem.message == f"is {limit + 1:,} characters long; the limit is {limit:,}"


def test_the_source_form_refuses_over_long_notes_naming_the_limit(open_as, curation_sqlite):
    url, _ = curation_sqlite
    before = counts(url)
    at = open_as(url, "cora", ADD_SOURCE)
    at.text_area(key="add_source.notes").input("n" * 200_000)
    at = fill_source(at)
    at.button(key="add_source.save").click().run()
    assert errors_after(at, "add_source.notes") == [
        "Notes: is 200,000 characters long; the limit is 10,000"
    ]
    assert counts(url) == before


def test_an_import_refuses_over_long_text_naming_file_line_and_limit(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "long.yaml", source_doc([claim(notes="n" * 200_000)]))
    with pytest.raises(ValidationFailed) as exc:
        import_paths(vocab_engine, SYSTEM, [path])
    [problem] = exc.value.problems
    assert str(problem).startswith(f"{path}:")
    assert problem.field == "claims[0].notes"
    assert problem.message == "is 200,000 characters long; the limit is 10,000"


def test_an_over_long_reason_for_a_change_is_refused(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "a.yaml", source_doc())
    with pytest.raises(ValidationFailed) as exc:
        import_paths(vocab_engine, SYSTEM, [path], reason="r" * 5_000)
    [problem] = exc.value.problems
    assert (problem.field, problem.message) == (
        "reason",
        "is 5,000 characters long; the limit is 2,000",
    )


# --- the Import page -----------------------------------------------------------------------


def test_the_import_page_drops_the_last_success_when_a_refused_batch_is_uploaded(
    open_as, curation_sqlite
):
    url, _ = curation_sqlite
    at = open_as(url, "eddie", "views/import_files.py")
    at.file_uploader[0].set_value([NEW_SOURCE]).run()
    at.button(key="import.go").click().run()
    assert successes(at)[0].startswith("Imported 1 file(s)")
    at.file_uploader[0].set_value([BAD]).run()
    assert not at.exception
    assert not successes(at)
    assert errors(at)[0].startswith("Nothing can be imported until every problem above is fixed")


def test_the_curation_doc_lists_every_length_limit():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "curation.md").read_text("utf-8")
    table = dict(re.findall(r"^\| `(\w+)` \| ([\d,]+)", doc, flags=re.MULTILINE))
    assert {k: int(v.replace(",", "")) for k, v in table.items()} == TEXT_LIMITS
