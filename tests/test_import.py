"""Importing data files: validated first, written all or nothing, idempotent, revisioned."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from tests.conftest import DATA, VOCAB_FILES
from tests.helpers import claim, source_doc, write_doc
from tracker.core.errors import PermissionDenied, ValidationFailed
from tracker.domain.models import Claim, Claimant, Revision, Source
from tracker.domain.vocab import Role
from tracker.files.importer import import_paths
from tracker.files.reading import expand_paths
from tracker.store.bulk import RowWriter
from tracker.store.db import read_session
from tracker.store.write import SYSTEM, Actor


@contextmanager
def failing_claim_insert(engine: Engine, key: str) -> Iterator[None]:
    """The database fails when the claim `key` is written, however the rows are grouped
    into statements (one row, an executemany of many, or PostgreSQL's COPY)."""

    def check(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("INSERT INTO CLAIM") and key in repr(parameters):
            raise RuntimeError("simulated failure while writing a claim")

    copy = RowWriter.copy

    def failing_copy(self: RowWriter, table: Any, columns: Any, rows: Any) -> None:
        rows = list(rows)
        if table.name == "claim" and key in repr(rows):
            raise RuntimeError("simulated failure while copying a claim")
        copy(self, table, columns, rows)

    event.listen(engine, "before_cursor_execute", check)
    try:
        with patch.object(RowWriter, "copy", failing_copy):
            yield
    finally:
        event.remove(engine, "before_cursor_execute", check)


def count(engine, model) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def refused(engine, paths) -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        import_paths(engine, SYSTEM, paths)
    return [str(p) for p in exc.value.problems]


def test_sample_dataset_imports_completely(sample_engine):
    assert count(sample_engine, Claim) >= 187
    assert count(sample_engine, Source) >= 70
    with read_session(sample_engine) as s:
        keys = set(s.exec(select(Claim.key)))
    assert {"ohchr-2023-02-12-killed", "ohchr-2023-02-15-killed"} <= keys


def test_reimporting_unchanged_files_changes_nothing(sample_engine):
    claims, revisions = count(sample_engine, Claim), count(sample_engine, Revision)
    plan = import_paths(sample_engine, SYSTEM, [DATA])
    assert plan.totals()["claims_added"] == plan.totals()["claims_changed"] == 0
    assert plan.totals()["sources_added"] == plan.totals()["sources_changed"] == 0
    assert (count(sample_engine, Claim), count(sample_engine, Revision)) == (claims, revisions)


def test_a_changed_file_updates_the_claim_and_records_a_revision(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "a.yaml", source_doc())
    import_paths(vocab_engine, SYSTEM, [path])
    write_doc(path, source_doc([claim(value=7200, quote="it had recorded 7,200 civilian deaths")]))
    plan = import_paths(vocab_engine, Actor("ed", Role.editor), [path], reason="typo fixed")
    assert plan.totals()["claims_changed"] == 1
    with read_session(vocab_engine) as s:
        stored = s.exec(select(Claim)).one()
        assert (stored.value, stored.version, stored.updated_by) == (7200, 2, "ed")
        rev = s.exec(
            select(Revision).where(Revision.entity == "claim", Revision.action == "update")
        ).one()
    assert rev.reason == "typo fixed" and rev.changed_by == "ed"
    assert rev.before["value"] == 7199 and rev.after["value"] == 7200


def test_a_claim_left_out_of_a_changed_file_is_kept(vocab_engine, tmp_path):
    two = [
        claim(),
        claim(
            id="example-injured", metric="civilian_injured", value=11756, quote="and 11,756 wounded"
        ),
    ]
    path = write_doc(tmp_path / "a.yaml", source_doc(two))
    import_paths(vocab_engine, SYSTEM, [path])
    write_doc(path, source_doc(two[:1]))
    plan = import_paths(vocab_engine, SYSTEM, [path])
    assert plan.files[0].kept == 1
    assert count(vocab_engine, Claim) == 2


def test_one_bad_file_after_good_ones_refuses_the_whole_import(vocab_engine, tmp_path):
    # The bad file is read last: an import that wrote file by file would have stored the
    # good ones before reaching it.
    write_doc(tmp_path / "a-good.yaml", source_doc())
    write_doc(
        tmp_path / "b-good.yaml",
        source_doc([claim(id="example-b")], url="https://example.org/b", title="B"),
    )
    bad = write_doc(
        tmp_path / "c-bad.yaml", source_doc([claim(value=-3)], url="https://example.org/c")
    )
    assert expand_paths([tmp_path])[-1] == bad
    before = count(vocab_engine, Revision)
    problems = refused(vocab_engine, [tmp_path])
    assert problems == [f"{bad}:9 claims[0].value: cannot be negative"]
    assert count(vocab_engine, Source) == 0 and count(vocab_engine, Claim) == 0
    assert count(vocab_engine, Revision) == before


def test_a_write_that_fails_on_the_last_file_stores_none_of_the_others(vocab_engine, tmp_path):
    """Valid files, but the database fails while writing the last one: the files before it
    are not left stored (one transaction, not one per file)."""
    write_doc(tmp_path / "a.yaml", source_doc())
    write_doc(
        tmp_path / "b.yaml",
        source_doc([claim(id="example-b")], url="https://example.org/b", title="B"),
    )
    before = count(vocab_engine, Revision)
    with pytest.raises(RuntimeError), failing_claim_insert(vocab_engine, "example-b"):
        import_paths(vocab_engine, SYSTEM, [tmp_path])
    assert count(vocab_engine, Source) == 0 and count(vocab_engine, Claim) == 0
    assert count(vocab_engine, Revision) == before


def test_problems_name_file_line_and_field_for_every_claim(vocab_engine, tmp_path):
    path = write_doc(
        tmp_path / "a.yaml",
        source_doc(
            [
                claim(id="a", metric="civilian_kiled"),
                claim(id="b", place="Nowhereville Example"),
                claim(id="c", period_end="2023-03-01"),
            ]
        ),
    )
    problems = refused(vocab_engine, [path])
    assert any(
        p.startswith(
            f"{path}:8 claims[0].metric: unknown metric 'civilian_kiled'; "
            "did you mean civilian_killed?"
        )
        for p in problems
    )
    assert any("claims[1].place: unknown place 'Nowhereville Example'" in p for p in problems)
    assert any(
        "claims[2].period_end: the figure's period ends 2023-03-01, after the source "
        "was published (2023-02-14)" in p
        for p in problems
    )


def test_place_and_claimant_aliases_resolve(vocab_engine, tmp_path):
    path = write_doc(
        tmp_path / "a.yaml",
        source_doc([claim(claimant="The U.N. human rights office", place="Donetsk region")]),
    )
    import_paths(vocab_engine, SYSTEM, [path])
    with read_session(vocab_engine) as s:
        stored = s.exec(select(Claim)).one()
        assert s.get(Claimant, stored.claimant_id).key == "ohchr"


def test_an_unknown_claimant_name_becomes_a_new_claimant(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "a.yaml", source_doc([claim(claimant="Fictional Monitor 7")]))
    plan = import_paths(vocab_engine, SYSTEM, [path])
    assert plan.new_claimants == {"fictional_monitor_7": "Fictional Monitor 7"}
    with read_session(vocab_engine) as s:
        new = s.exec(select(Claimant).where(Claimant.key == "fictional_monitor_7")).one()
    assert (new.name, new.kind) == ("Fictional Monitor 7", "other")


def test_same_url_in_two_files_is_refused(vocab_engine, tmp_path):
    write_doc(tmp_path / "a.yaml", source_doc())
    write_doc(
        tmp_path / "b.yaml",
        source_doc([claim(id="other")], url="https://EXAMPLE.org/news/offensive/"),
    )
    problems = refused(vocab_engine, [tmp_path])
    assert len(problems) == 1 and "source.url: the same source URL is also in" in problems[0]


def test_the_same_id_twice_is_refused(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "a.yaml", source_doc([claim(), claim(metric="civilian_injured")]))
    assert any("id 'example-killed' is used twice" in p for p in refused(vocab_engine, [path]))


def test_relays_marked_duplicate_of_join_the_original_statement(vocab_engine, tmp_path):
    write_doc(tmp_path / "a.yaml", source_doc())
    write_doc(
        tmp_path / "b.yaml",
        source_doc(
            [claim(id="relay", period_end="2023-02-13", duplicate_of="example-killed")],
            url="https://example.org/relay",
            published="2023-02-21",
        ),
    )
    import_paths(vocab_engine, SYSTEM, [tmp_path])
    with read_session(vocab_engine) as s:
        keys = set(s.exec(select(Claim.statement_key)))
    assert len(keys) == 1


def test_duplicate_of_must_name_a_known_claim(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "a.yaml", source_doc([claim(duplicate_of="nowhere")]))
    assert any("duplicate_of names 'nowhere'" in p for p in refused(vocab_engine, [path]))


def test_identical_figures_from_one_claimant_are_one_statement(vocab_engine, tmp_path):
    write_doc(tmp_path / "a.yaml", source_doc())
    write_doc(
        tmp_path / "b.yaml",
        source_doc([claim(id="copy", qualifier="exact")], url="https://example.org/copy"),
    )
    import_paths(vocab_engine, SYSTEM, [tmp_path])
    with read_session(vocab_engine) as s:
        assert len(set(s.exec(select(Claim.statement_key)))) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("source: [unclosed", "not valid YAML"),
        ("a: &x [1]\nb: *x\n", "anchors (&name) are not allowed"),
        ("source: !!python/object/apply:os.system ['true']\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        ("source:\n  url: https://example.org/x\nclaims: 3\n", "claims: must be a list"),
    ],
)
def test_malformed_files_are_refused_with_their_reason(vocab_engine, tmp_path, text, expected):
    path = write_doc(tmp_path / "bad.yaml", text)
    problems = refused(vocab_engine, [path])
    assert any(expected in p and str(path) in p for p in problems), problems


def test_a_file_that_is_not_utf8_is_refused(vocab_engine, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("source:\n  title: Caf\xe9\n".encode("latin-1"))
    assert refused(vocab_engine, [path]) == [f"{path}: is not UTF-8 text"]


def test_a_missing_path_is_refused(vocab_engine, tmp_path):
    assert refused(vocab_engine, [tmp_path / "nope.yaml"]) == [
        f"{tmp_path / 'nope.yaml'}: no such file or folder"
    ]


def test_only_editors_import(vocab_engine, tmp_path):
    path = write_doc(tmp_path / "a.yaml", source_doc())
    with pytest.raises(PermissionDenied):
        import_paths(vocab_engine, Actor("cur", Role.curator), [path])
    assert count(vocab_engine, Source) == 0


def test_vocabulary_files_are_upserted_by_key(engine):
    import_paths(engine, SYSTEM, VOCAB_FILES)
    import_paths(engine, SYSTEM, VOCAB_FILES)
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Claimant)).one() == len(
            set(s.exec(select(Claimant.key)))
        )
