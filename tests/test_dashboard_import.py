"""Bulk import from the app (editors): a report per file before anything is written, then
one transaction with a progress bar: every file lands or none does."""

from __future__ import annotations

import pytest
from sqlalchemy import text

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
    yaml_file,
)
from tests.helpers import claim, source_doc
from tracker import curation
from tracker.core.errors import ValidationFailed
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


SECOND_SOURCE = yaml_file(
    "monitor-april.yaml",
    source_doc(
        claims=[
            claim(
                id="example-april-1",
                value=9100,
                period_end="2023-04-01",
                **MONITOR_CLAIM,
                quote="9,100 civilians killed",
            ),
        ],
        url="https://example.org/news/monitor-april",
        title="Monitor's April count",
        publisher="Example Wire",
        published="2023-04-02",
    ),
)


def fail_writing_claim(url: str, key: str) -> None:
    """A database that fails as a full disk would, when the claim `key` is written: the
    write of one file fails, whatever order or grouping the code writes rows in."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER fail_on_second_file BEFORE INSERT ON claim "
                f"WHEN NEW.key = '{key}' "
                "BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END"
            )
        )
    engine.dispose()


def test_an_upload_whose_write_fails_on_the_second_file_stores_nothing_of_the_first(
    open_as, curation_sqlite
):
    url, _ = curation_sqlite
    at = upload(open_as, url, NEW_SOURCE, SECOND_SOURCE)
    assert [b for b in at.button if b.key == "import.go"]
    fail_writing_claim(url, "example-april-1")  # a claim of the second file
    before = counts(url)
    at.button(key="import.go").click().run()
    assert not at.exception
    assert errors(at)[0] == "Nothing was imported:"
    assert not successes(at)
    assert counts(url) == before  # sources, claims and revisions: the first file too


def test_the_preview_lists_each_claim_with_figure_claimant_place_period_and_quote(
    open_as, curation_sqlite
):
    url, _ = curation_sqlite
    at = upload(open_as, url, NEW_SOURCE)
    assert not at.exception
    added = at.dataframe[0].value.to_dict("records")
    assert added[0] == {
        "Line": added[0]["Line"],
        "Claim": "example-new-1",
        "What": "Civilians killed",
        "Figure": "at least 8,006",
        "Claimant": "Example Monitor",
        "Place": "Ukraine (UA)",
        "Period": added[0]["Period"],
        "Quote": "8,006 civilians killed",
    }
    assert "2023" in added[0]["Period"]


def test_the_preview_shows_each_changed_field_before_and_after(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = upload(open_as, url, NEW_SOURCE)
    at.button(key="import.go").click().run()
    changed = yaml_file(
        "monitor-march.yaml",
        source_doc(
            claims=[
                claim(
                    id="example-new-1",
                    value=8006,
                    qualifier="about",
                    period_end="2023-02-15",
                    **MONITOR_CLAIM,
                    quote="8,006 civilians killed",
                ),
            ],
            url="https://example.org/news/monitor-march",
            title="Monitor's March count",
            publisher="Example Wire",
            published="2023-03-01",
        ),
    )
    at.file_uploader[0].set_value([changed]).run()
    assert not at.exception
    changes = at.dataframe[-1].value.to_dict("records")
    assert [(c["Claim"], c["Field"], c["Before"], c["After"]) for c in changes] == [
        ("example-new-1", "Qualifier", "at least", "about")
    ]


def test_a_new_claimant_is_listed_and_must_be_confirmed_before_importing(open_as, curation_sqlite):
    url, _ = curation_sqlite
    doc = source_doc(
        claims=[
            claim(
                id="example-newcomer",
                value=12,
                period_end="2023-02-15",
                metric="civilian_killed",
                place="UA",
                claimant="Example Harbour Authority",
                quote="12 civilians killed",
            )
        ],
        url="https://example.org/news/harbour",
        published="2023-03-01",
    )
    at = upload(open_as, url, yaml_file("harbour.yaml", doc))
    assert not at.exception
    assert any(
        "Example Harbour Authority (example_harbour_authority)" in plain(m.value)
        for m in at.markdown
    )
    assert not [b for b in at.button if b.key == "import.go"]  # not before confirming
    before = counts(url)
    at.checkbox(key="import.confirm_new").check().run()
    at.button(key="import.go").click().run()
    assert not at.exception
    assert counts(url)["claims"] == before["claims"] + 1


def test_the_library_refuses_an_unconfirmed_new_claimant(curation_sqlite):
    url, _ = curation_sqlite
    doc = source_doc(
        claims=[claim(id="x-1", claimant="Example Harbour Authority", quote="7,199")],
        url="https://example.org/news/harbour",
    )
    engine = make_engine(url)
    before = counts(url)
    with pytest.raises(ValidationFailed, match="new claimant"):
        curation.import_upload(engine, "eddie", [yaml_file("h.yaml", doc)[:2]])
    engine.dispose()
    assert counts(url) == before
