"""Bulk import from the app (editors): a report per file before anything is written, then
one transaction with a progress bar: every file lands or none does."""

from __future__ import annotations

import pytest

from tests.curation_support import (
    ARTICLE,
    ARTICLE_FIXED,
    BAD,
    MONITOR_CLAIM,
    NEW_SOURCE,
    counts,
    errors,
    plain,
    successes,
)
from tests.helpers import claim
from tracker.domain.schemas import ClaimIn
from tracker.domain.vocab import Role
from tracker.store.db import make_engine, write_session
from tracker.store.write import Actor, add_claim

pytestmark = pytest.mark.usefixtures("cheap_hashes")
IMPORT = "views/import_files.py"


def upload(open_as, url: str, *files):  # noqa: ANN001, ANN002, ANN201
    at = open_as(url, "eddie", IMPORT)
    at.file_uploader[0].set_value(list(files))
    return at.run()


def test_uploads_are_reported_per_file_before_anything_is_written_then_imported(
    open_as, curation_db
):
    url, _ = curation_db
    before = counts(url)
    at = upload(open_as, url, NEW_SOURCE, ARTICLE_FIXED)
    assert not at.exception
    assert [plain(m.value) for m in at.markdown][1:3] == [
        "**monitor-march.yaml**: new source (https://example.org/news/monitor-march); "
        "2 claim(s) to add, 0 to change, 0 unchanged",
        "**monitor-update.yaml**: source changed (https://example.org/news/monitor-update); "
        "1 claim(s) to add, 0 to change, 0 unchanged",
    ]
    assert counts(url) == before  # nothing written yet
    at.text_input(key="import.reason").input("the wire's March figures")
    at.button(key="import.go").click().run()
    assert not at.exception
    assert successes(at) == ["Imported 2 file(s): 3 claim(s) added, 0 changed, 1 new source(s)."]
    after = counts(url)
    assert (after["sources"], after["claims"]) == (before["sources"] + 1, 3)
    assert not at.get("dataframe")  # an empty uploader, ready for the next files


def test_one_bad_file_refuses_the_whole_import_naming_line_and_field(open_as, curation_db):
    url, _ = curation_db
    before = counts(url)
    at = upload(open_as, url, NEW_SOURCE, BAD)
    assert not at.exception
    assert "**bad.yaml**: refused, 1 problem(s)" in [plain(m.value) for m in at.markdown]
    problems = at.dataframe[-1].value
    assert problems.to_dict("list") == {
        "Line": [9],  # the line of `value:` in the file
        "Field": ["claims[0].value"],
        "Problem": ["must be a whole number, got 'seven'"],
    }
    assert errors(at)[0].startswith("Nothing can be imported until every problem above is fixed")
    assert not [b for b in at.button if b.key == "import.go"]
    assert counts(url) == before


def test_a_csv_is_checked_row_by_row(open_as, curation_sqlite):
    url, _ = curation_sqlite
    header = (
        "metric,value,qualifier,claimant,place,period_end,quote,source_url,source_title,"
        "source_publisher,source_published\n"
    )
    rows = (
        "civilian_killed,12,exact,example_monitor,UA,2023-01-01,12 killed,"
        "https://example.org/csv,CSV article,Example Wire,2023-01-02\n"
        "civilian_killed,many,exact,example_monitor,UA,2023-01-01,many killed,"
        "https://example.org/csv,CSV article,Example Wire,2023-01-02\n"
    )
    at = upload(open_as, url, ("claims.csv", (header + rows).encode(), "text/csv"))
    assert not at.exception
    assert at.dataframe[-1].value.to_dict("list") == {
        "Line": [3],
        "Field": ["value"],
        "Problem": ["must be a whole number, got 'many'"],
    }


def test_a_change_to_the_store_after_the_report_is_caught_and_nothing_is_written(
    open_as, curation_sqlite
):
    url, source_id = curation_sqlite
    at = upload(open_as, url, NEW_SOURCE)
    assert [b for b in at.button if b.key == "import.go"]
    # Meanwhile a curator stores a claim under one of the file's claim ids.
    engine = make_engine(url)
    with write_session(engine) as session:
        add_claim(
            session,
            Actor("cora", Role.curator),
            source_id,
            ClaimIn.model_validate(
                claim(
                    id="example-new-1",
                    value=7199,
                    period_end="2023-02-13",
                    **MONITOR_CLAIM,
                    quote="it had recorded 7,199 civilian deaths",
                )
            ),
        )
    engine.dispose()
    before = counts(url)
    at.button(key="import.go").click().run()
    assert not at.exception
    # The report is made again for the store as it is now: the file is refused.
    assert errors(at)[0].startswith("Nothing can be imported")
    assert at.dataframe[-1].value["Problem"].tolist() == [
        f"claim id 'example-new-1' already belongs to {ARTICLE['url']}"
    ]
    assert counts(url) == before  # the file's other claim and its source were not written
