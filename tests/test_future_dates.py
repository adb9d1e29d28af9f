"""Dates that cannot be in the future: one rule (`tracker.domain.schemas.date_problems`), called by
the forms, `tracker import` (YAML and CSV) and the bulk loader alike."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from tests.conftest import VOCAB_FILES
from tests.curation_support import counts, errors_after
from tests.helpers import BASE_CLAIM, BASE_SOURCE, claim, source_doc, write_doc
from tracker.cli import main
from tracker.core.errors import ValidationFailed
from tracker.domain.models import Source
from tracker.domain.schemas import date_problems, utc_today
from tracker.files.importer import import_paths
from tracker.files.interchange.columns import FLAT_COLUMNS
from tracker.files.interchange.tabular import write_table
from tracker.store.bulk import BulkLoader
from tracker.store.db import read_session, write_session
from tracker.store.write import SYSTEM

FUTURE = "2099-01-01"


def test_a_source_may_be_dated_tomorrow_for_time_zones_but_not_the_day_after():
    today = date(2026, 3, 10)
    assert date_problems(today + timedelta(days=1), today=today) == []
    [problem] = date_problems(today + timedelta(days=2), today=today)
    assert problem.field == "published"
    assert problem.message == (
        "2026-03-12 is in the future: a source cannot be published after today (2026-03-10)"
    )


def test_a_claim_may_not_be_dated_after_its_source():
    published = date(2023, 2, 14)
    assert date_problems(published, published) == []
    [problem] = date_problems(published, date(2023, 2, 15))
    assert (problem.field, problem.message) == (
        "period_end",
        "the figure's period ends 2023-02-15, after the source was published (2023-02-14)",
    )


# --- every entry path ----------------------------------------------------------------------


@pytest.mark.usefixtures("cheap_hashes")
def test_the_source_form_refuses_a_publication_date_in_the_future(open_as, curation_sqlite):
    url, _ = curation_sqlite
    before = counts(url)
    at = open_as(url, "cora", "views/add_source.py")
    for name, value in {
        "url": "https://example.org/news/from-the-future",
        "title": "A report from the future",
        "publisher": "Example Wire",
    }.items():
        at.text_input(key=f"add_source.{name}").input(value)
    at.date_input(key="add_source.published").set_value(date(2099, 1, 1))
    at.run()
    at.button(key="add_source.save").click().run()
    assert not at.exception
    today = utc_today()
    assert errors_after(at, "add_source.published") == [
        f"Published on: 2099-01-01 is in the future: a source cannot be published after "
        f"today ({today})"
    ]
    assert counts(url) == before


def run_import(path) -> tuple[int, str]:  # noqa: ANN001
    result = CliRunner().invoke(main, ["import", str(path)])
    return result.exit_code, result.output


def stored_sources(url: str) -> int:
    from tracker.store.db import make_engine

    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            return s.exec(select(func.count(Source.id))).one()
    finally:
        engine.dispose()


def test_tracker_import_refuses_a_yaml_source_published_in_the_future(cli_env, tmp_path):
    CliRunner().invoke(main, ["import", *map(str, VOCAB_FILES)], catch_exceptions=False)
    path = write_doc(
        tmp_path / "future.yaml",
        source_doc([claim(period_end=FUTURE, period_start=None)], published=FUTURE),
    )
    code, output = run_import(path)
    assert code == 1
    assert f"{path}:5 source.published: {FUTURE} is in the future" in output
    assert stored_sources(cli_env) == 0


def test_tracker_import_refuses_a_csv_source_published_in_the_future(cli_env, tmp_path):
    CliRunner().invoke(main, ["import", *map(str, VOCAB_FILES)], catch_exceptions=False)
    row = BASE_CLAIM | {f"source_{k}": v for k, v in BASE_SOURCE.items()}
    row |= {"source_published": FUTURE, "period_end": FUTURE}
    path = tmp_path / "claims.csv"
    path.write_bytes(write_table([row], FLAT_COLUMNS))
    code, output = run_import(path)
    assert code == 1
    assert f"{path}:2 source_published: {FUTURE} is in the future" in output
    assert stored_sources(cli_env) == 0


def test_tracker_import_refuses_a_claim_dated_after_its_source(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "late.yaml", source_doc([claim(period_end="2023-02-20")]))
    with pytest.raises(ValidationFailed) as exc:
        import_paths(vocab_engine, SYSTEM, [path])
    assert [p.field for p in exc.value.problems] == ["claims[0].period_end"]


def test_the_bulk_loader_refuses_a_source_published_in_the_future(vocab_engine):
    source = BASE_SOURCE | {"published": date(2099, 1, 1)}
    claim_row = BASE_CLAIM | {"period_start": None, "period_end": date(2023, 2, 12)}
    with pytest.raises(ValidationFailed) as exc, write_session(vocab_engine) as session:
        loader = BulkLoader(session, SYSTEM, reason="test")
        loader.add(source, [claim_row])
        loader.finish()
    [problem] = exc.value.problems
    assert problem.field == "published"
    assert problem.message.startswith("2099-01-01 is in the future")
    with read_session(vocab_engine) as s:
        assert s.exec(select(func.count(Source.id))).one() == 0


def test_the_bulk_loader_refuses_a_claim_dated_after_its_source(vocab_engine):
    source = BASE_SOURCE | {"published": date(2023, 2, 14)}
    late = BASE_CLAIM | {"period_start": None, "period_end": date(2023, 2, 20)}
    with pytest.raises(ValidationFailed) as exc, write_session(vocab_engine) as session:
        loader = BulkLoader(session, SYSTEM, reason="test")
        loader.add(
            source,
            [dict(BASE_CLAIM) | {"period_start": None, "period_end": date(2023, 2, 12)}, late],
        )
        loader.finish()
    [problem] = exc.value.problems
    assert problem.field == "claims[1].period_end"
