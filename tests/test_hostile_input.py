"""Hostile and malformed input (hypothesis): a clear refusal naming the field, or a correct
import; never another exception, never a partial write.

Inputs come from `tests.hostile`, by kind; each test counts what it tried, and the counts go
to docs/reliability.md. The extractor's property test belongs here too, fed by the same
strategies (`VALUES_BY_KIND`, `unicode_text`): any text is read without a crash, and every
figure it proposes is stated in the sentence it quotes.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import select

from tests import figures
from tests.dbstate import everything
from tests.helpers import BASE_CLAIM, BASE_SOURCE, source_doc, write_doc
from tests.hostile import (
    CLAIM_FIELDS,
    MARKUP,
    MISSING,
    SQL,
    VALUES_BY_KIND,
    broken_yaml,
    long_text,
    mutated_document,
    mutations,
    unicode_text,
    yaml_structures,
)
from tracker.cli import main
from tracker.core.errors import TrackerError, ValidationFailed
from tracker.domain.models import Claim, Claimant, Metric, Place, Source
from tracker.domain.schemas import ClaimantIn, ClaimIn, MetricIn, PlaceIn, SourceIn, problems_from
from tracker.domain.vocab import Role
from tracker.extraction.extractor import extract_candidates
from tracker.extraction.numbers import figure_in_text
from tracker.files.datafiles import SourceFile, VocabFile, parse_document
from tracker.files.importer import import_paths
from tracker.files.reading import load_vocabulary
from tracker.store.db import read_session, write_session
from tracker.store.write import SYSTEM, Actor, update_claim

NAME = "hostile.yaml"
DB_EXAMPLES = max(10, settings.default.max_examples // 4)
VALID_TEXT = yaml.safe_dump(source_doc(), sort_keys=False)
EDITOR = Actor("hostile-editor", Role.editor)
# Fields a rule ties together: a problem may name any of the group.
RELATED = {
    # A new figure may also be refused because its quote does not state it (tracker.extraction.quotes).
    ("claim", "value"): {"value", "low", "high", "quote"},
    ("claim", "period_start"): {"period_start", "period_end"},
    ("claim", "period_end"): {"period_start", "period_end"},
    ("claim", "status"): {"status", "status_reason"},
    ("source", "published"): {"source.published", "claims[0].period_end"},
    ("source", "published_at"): {"source.published", "source.published_at"},
}
# Free text kept as written, apart from spaces trimmed at the ends (`text` keeps them).
VERBATIM = {("source", f) for f in ("title", "publisher", "language", "text", "notes")} | {
    ("claim", f)
    for f in (
        "quote",
        "quote_language",
        "quote_translation",
        "status_reason",
        "relayed_by",
        "statement_id",
        "notes",
        "check_override",
    )
}


def tally(kind_counts: Counter) -> None:
    figures.add("hostile", "inputs by kind", kind_counts)


def assert_clear(exc: ValidationFailed, name: str = NAME) -> None:
    """Every problem is one line, located in the file, with something to say."""
    assert exc.problems
    for problem in exc.problems:
        assert problem.message.strip()
        assert "\n" not in str(problem) and "Traceback" not in str(problem)
        assert problem.file == name


def expected_fields(where: str, field: str) -> set[str]:
    if (where, field) in RELATED:
        names = RELATED[where, field]
    elif where == "claim" and field in ("low", "high"):
        names = RELATED["claim", "value"]
    else:
        names = {field}
    prefix = "source." if where == "source" else "claims[0]."
    return {n if "." in n else prefix + n for n in names}


def names_the_field(exc: ValidationFailed, where: str, field: str) -> bool:
    wanted = expected_fields(where, field)
    return any(p.field in wanted for p in exc.problems if p.field)


def expected_text(where: str, field: str, value: Any) -> Any:
    if field == "text":
        return value or None
    return value.strip() or None


# --- parsing: no database -----------------------------------------------------------------------


def test_random_text_is_parsed_or_refused_clearly():
    seen: Counter = Counter()

    @given(st.one_of(st.text(), unicode_text, st.binary().map(lambda b: b.decode("latin-1"))))
    def check(text: str) -> None:
        seen["malformed YAML"] += 1
        try:
            parse_document(text, NAME)
        except ValidationFailed as exc:
            assert_clear(exc)

    check()
    tally(seen)


def test_a_valid_file_broken_at_random_is_parsed_or_refused_clearly():
    seen: Counter = Counter()

    @given(broken_yaml(VALID_TEXT))
    def check(text: str) -> None:
        seen["malformed YAML"] += 1
        try:
            doc = parse_document(text, NAME)
        except ValidationFailed as exc:
            assert_clear(exc)
        else:
            assert isinstance(doc, SourceFile | VocabFile)

    check()
    tally(seen)


def test_random_structures_are_parsed_or_refused_clearly():
    seen: Counter = Counter()

    @given(
        st.one_of(
            yaml_structures,
            st.fixed_dictionaries({"source": yaml_structures, "claims": yaml_structures}),
            st.fixed_dictionaries({"claims": st.lists(yaml_structures, max_size=3)}),
            st.fixed_dictionaries({"places": yaml_structures}),
        )
    )
    def check(data: Any) -> None:
        seen["random structures"] += 1
        try:
            text = yaml.safe_dump(data, allow_unicode=True)
        except yaml.YAMLError:
            return  # not representable in YAML at all
        try:
            parse_document(text, NAME)
        except ValidationFailed as exc:
            assert_clear(exc)

    check()
    tally(seen)


def test_a_hostile_field_is_refused_naming_it_or_read_as_written():
    seen: Counter = Counter()

    @given(mutations())
    def check(mutation: tuple[str, str, str, Any]) -> None:
        kind, where, field, value = mutation
        seen[kind] += 1
        doc = mutated_document(where, field, value, url="https://example.org/hostile/parse")
        try:
            text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        except yaml.YAMLError:
            return
        try:
            parsed = parse_document(text, NAME)
        except ValidationFailed as exc:
            assert_clear(exc)
            assert names_the_field(exc, where, field), (field, [str(p) for p in exc.problems])
            return
        assert isinstance(parsed, SourceFile)
        model = parsed.source if where == "source" else parsed.claims[0]
        if (where, field) in VERBATIM and isinstance(value, str):
            assert getattr(model, field) == expected_text(where, field, value)

    check()
    tally(seen)


def test_the_validators_refuse_naming_the_field_or_accept():
    """The forms' path: `SourceIn` / `ClaimIn` straight from a dict, no YAML in between."""
    seen: Counter = Counter()

    @given(mutations())
    def check(mutation: tuple[str, str, str, Any]) -> None:
        kind, where, field, value = mutation
        seen[kind] += 1
        model = SourceIn if where == "source" else ClaimIn
        data = dict(BASE_SOURCE if where == "source" else BASE_CLAIM, **{field: value})
        try:
            model.model_validate(data)
        except ValidationError as exc:
            problems = problems_from(exc)
            prefix = "source." if where == "source" else "claims[0]."
            named = {prefix + p.field for p in problems if p.field}
            assert named & expected_fields(where, field), (field, [str(p) for p in problems])

    check()
    tally(seen)


# --- importing: a real database ---------------------------------------------------------------


def test_a_hostile_import_lands_correctly_or_writes_nothing(vocab_engine, tmp_path):
    seen: Counter = Counter()
    numbers = itertools.count()

    @settings(max_examples=DB_EXAMPLES)
    @given(mutations())
    def check(mutation: tuple[str, str, str, Any]) -> None:
        kind, where, field, value = mutation
        seen[kind] += 1
        n = next(numbers)
        url = f"https://example.org/hostile/import-{n}"
        doc = mutated_document(where, field, value, url=url)
        try:
            text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        except yaml.YAMLError:
            return
        path = write_doc(tmp_path / f"h-{n}.yaml", text)
        before = everything(vocab_engine)
        try:
            import_paths(vocab_engine, SYSTEM, [path])
        except ValidationFailed as exc:
            assert_clear(exc, name=str(path))
            assert names_the_field(exc, where, field), (field, [str(p) for p in exc.problems])
            assert everything(vocab_engine) == before
            return
        _stored_as_validated(vocab_engine, path, where, field)
        replan = import_paths(vocab_engine, SYSTEM, [path], dry_run=True)
        assert not replan.changes_anything  # the store holds exactly what the file says

    check()
    tally(seen)


def _stored_as_validated(engine, path, where: str, field: str) -> None:
    parsed = parse_document(path.read_text(encoding="utf-8"), str(path))
    with read_session(engine) as s:
        source = s.exec(select(Source).where(Source.url == parsed.source.url)).one()
        claims = s.exec(select(Claim).where(Claim.source_id == source.id)).all()
        assert len(claims) == 1
        claim_in = parsed.claims[0]
        row, model = (source, parsed.source) if where == "source" else (claims[0], claim_in)
        if field == "claimant":
            stored = s.get(Claimant, claims[0].claimant_id)
            assert claim_in.claimant in (stored.name, *stored.aliases) or stored.key == (
                claim_in.claimant
            )
        elif field in ("metric", "place", "id", "published_at", "retrieved_at"):
            pass  # resolved to vocabulary / keys, or stored as naive UTC: the re-plan checks them
        elif field == "cumulative" and claim_in.cumulative is None:
            # Left out, a claim is cumulative as its metric usually is (tracker.store.write).
            metric = s.get(Metric, claims[0].metric_id)
            assert claims[0].cumulative == metric.cumulative
        else:
            stored, wanted = getattr(row, field), getattr(model, field)
            if hasattr(wanted, "value"):  # an enum member
                wanted = wanted.value
            assert stored == wanted, (field, stored, wanted)


def test_hostile_edits_through_the_write_functions_land_or_change_nothing(vocab_engine, tmp_path):
    """The curation forms' path: `update_claim` with one hostile change at a time."""
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "base.yaml", source_doc())])
    with read_session(vocab_engine) as s:
        claim_id = s.exec(select(Claim.id)).one()
    seen: Counter = Counter()
    editable = [f for f in CLAIM_FIELDS if f != "id"]

    @settings(max_examples=DB_EXAMPLES)
    @given(
        mutations().filter(lambda m: m[1] == "claim" and m[2] in editable and m[3] is not MISSING)
    )
    def check(mutation: tuple[str, str, str, Any]) -> None:
        kind, _, field, value = mutation
        seen[kind] += 1
        before = everything(vocab_engine)
        with read_session(vocab_engine) as s:
            version = s.get(Claim, claim_id).version
        try:
            with write_session(vocab_engine) as s:
                saved = update_claim(
                    s, EDITOR, claim_id, {field: value}, expected_version=version, reason="h"
                )
                stored = getattr(saved, field, None)
        except ValidationFailed as exc:
            fields = {p.field for p in exc.problems}
            wanted = {f.removeprefix("claims[0].") for f in expected_fields("claim", field)}
            assert fields & wanted, (field, [str(p) for p in exc.problems])
            assert everything(vocab_engine) == before
            return
        except TrackerError as exc:  # a review rule: corroborating needs another person, etc.
            assert str(exc).strip() and "\n" not in str(exc)
            assert everything(vocab_engine) == before
            return
        if field in {f for w, f in VERBATIM if w == "claim"} and isinstance(value, str):
            assert stored == expected_text("claim", field, value)

    check()
    tally(seen)


# --- what the user sees ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("evil\u202ekey", "source.evil\\u202ekey: is not a field of this format"),
        ("line\nbreak", "source.line\\nbreak: is not a field of this format"),
        ("zero\u200bwidth", "source.zero\\u200bwidth: is not a field of this format"),
        ("bell\x07", "source.bell\\x07: is not a field of this format"),
        ("surrogate\ud800", "source: Input should be a valid string"),
    ],
)
def test_a_hostile_key_is_reported_as_one_printable_line(cli_env, tmp_path, key, says):
    """Names from the input are escaped in messages: no line break, no reordering."""
    runner = CliRunner()
    runner.invoke(main, ["init"], catch_exceptions=False)
    doc = source_doc()
    doc["source"][key] = "x"
    path = write_doc(tmp_path / "k.yaml", yaml.safe_dump(doc, allow_unicode=False))
    result = runner.invoke(main, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.isprintable() and says in line, line


def test_out_of_range_times_are_refused_not_crashed():
    """Converting year 1 or 9999 to UTC overflows; the validator must see it first."""
    for value in ("0001-01-01T00:00:00+01:00", datetime(9999, 12, 31, 23, 0)):
        with pytest.raises(ValidationError) as exc:
            SourceIn.model_validate(BASE_SOURCE | {"published_at": value})
        assert problems_from(exc.value)[0].field == "published_at"


@pytest.mark.parametrize(
    ("model", "table", "base"),
    [
        (SourceIn, Source, BASE_SOURCE),
        (ClaimIn, Claim, BASE_CLAIM),
        (MetricIn, Metric, {"key": "k", "label": "L"}),
        (PlaceIn, Place, {"key": "k", "name": "N"}),
        (ClaimantIn, Claimant, {"key": "k", "name": "N"}),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_no_input_limit_is_longer_than_its_column(model, table, base):
    """An over-long value must be a field problem, not a PostgreSQL error at INSERT."""
    checked = 0
    for field in model.model_fields:
        column = table.__table__.columns.get("key" if (field, table) == ("id", Claim) else field)
        length = getattr(getattr(column, "type", None), "length", None)
        if not length or field in ("url", "archive_url"):
            continue  # unbounded text, or URLs (their own limit: tests/test_injection.py)
        with pytest.raises(ValidationError) as exc:
            model.model_validate(base | {field: "x" * (length + 1)})
        assert field in {p.field for p in problems_from(exc.value)}
        checked += 1
    assert checked >= 3


def test_new_claimants_whose_names_slug_alike_stay_apart(vocab_engine, tmp_path):
    """Cyrillic names slug to nothing and long names are cut at the same place: before keys
    carried a hash, the second claimant's figures went to the first."""
    names = [
        "Генштаб ЗСУ (synthetic)",
        "Міноборони (synthetic)",
        "Synthetic " + "claimant " * 8 + "north",
        "Synthetic " + "claimant " * 8 + "south",
    ]
    claims = [
        dict(BASE_CLAIM, id=f"slug-{n}", claimant=name, period_end=f"2023-02-0{n + 1}")
        for n, name in enumerate(names)
    ]
    import_paths(vocab_engine, SYSTEM, [write_doc(tmp_path / "s.yaml", source_doc(claims))])
    with read_session(vocab_engine) as s:
        for n, name in enumerate(names):
            claim = s.exec(select(Claim).where(Claim.key == f"slug-{n}")).one()
            assert s.get(Claimant, claim.claimant_id).name == name
        keys = s.exec(select(Claimant.key).where(Claimant.name.in_(names))).all()
    assert len(set(keys)) == 4


# --- the extraction assistant -----------------------------------------------------------------

#: Words an article uses around its figures, so that random text does yield candidates.
ARTICLE_WORDS = (
    "killed injured civilians children wounded settlements attacks at least about more than "
    "between and up to since Feb. 24 on Monday in May the Donetsk region Kyiv Ukraine UN "
    "human rights office said according to officials reported , . 7,199 11 756 1.5 million "
    "five a dozen hundreds 40-50 2023 12 3 1 000 000 9" + "9" * 30
).split()
EXTRACTOR_KINDS: dict[str, st.SearchStrategy[str]] = {
    "unicode (RTL, zero-width, emoji)": VALUES_BY_KIND["unicode (RTL, zero-width, emoji)"],
    "markup and script": st.sampled_from(MARKUP),
    "SQL metacharacters": st.sampled_from(SQL),
    "very long fields": long_text(250, 6000),
    "huge numbers": VALUES_BY_KIND["huge numbers"].map(str),
    "negative numbers": VALUES_BY_KIND["negative numbers"].map(str),
    "article words": st.sampled_from([*ARTICLE_WORDS, "\n\n", "\n"]),
}


@st.composite
def article_texts(draw: st.DrawFn) -> tuple[str, Counter]:
    """Article-like text with hostile pieces of each kind mixed in, and the kinds used."""
    pieces = draw(
        st.lists(st.tuples(*[st.sampled_from(list(EXTRACTOR_KINDS))]), min_size=1, max_size=40)
    )
    used: Counter = Counter()
    words = []
    for (kind,) in pieces:
        words.append(draw(EXTRACTOR_KINDS[kind]))
        if kind != "article words":  # the ordinary words are not hostile input
            used[kind] += 1
    separator = draw(st.sampled_from([" ", "", "\n", " \u200b", "\u00a0"]))
    return separator.join(words), used


def assert_candidates_stand_in(text: str, published: date, vocab) -> int:  # noqa: ANN001
    """Every candidate's figure is stated in its own span of `text`, its quote is the text's
    own sentence, and its dates are real; returns how many there were."""
    candidates = extract_candidates(text, published, vocab)
    for c in candidates:
        assert 0 <= c.start < c.end <= len(text)
        assert c.quote and c.quote in text and text[c.start : c.end] in c.quote
        figures = [f for f in (c.value, c.low, c.high) if f is not None]
        assert figures, c
        for figure in figures:
            assert figure >= 0, c
            assert figure_in_text(figure, c.quote), (figure, c.quote)
        assert c.period_end is None or c.period_end <= published
        assert c.period_start is None or c.period_end is None or c.period_start <= c.period_end
    return len(candidates)


@settings(max_examples=max(40, settings.default.max_examples // 2))
@given(article_texts(), st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_the_extractor_reads_any_text_and_every_figure_it_finds_is_in_the_text(
    extract_vocab, article, published
):
    text, used = article
    assert_candidates_stand_in(text, published, extract_vocab)
    tally(used)


@given(unicode_text)
def test_the_extractor_never_crashes_on_random_unicode(extract_vocab, text):
    assert_candidates_stand_in(text, date(2023, 2, 14), extract_vocab)
    tally(Counter({"unicode (RTL, zero-width, emoji)": 1}))


def test_the_extractor_reads_a_huge_article_whole(extract_vocab):
    """A long article (hundreds of paragraphs, a 5,000-digit number, megabyte-long words)
    is read whole: every paragraph's figure is found, nothing crashes."""
    paragraphs = [
        f"The Example Monitor said on Monday it had recorded {1000 + n:,} civilian deaths "
        f"in Ukraine since Feb. 24."
        for n in range(300)
    ]
    paragraphs += ["9" * 5000 + " civilians killed", "x" * 1_000_000, "👩" * 100_000]
    text = "\n\n".join(paragraphs)
    found = extract_candidates(text, date(2023, 2, 14), extract_vocab)
    values = {c.value for c in found}
    assert {1000 + n for n in range(300)} <= values
    assert assert_candidates_stand_in(text, date(2023, 2, 14), extract_vocab) == len(found)
    tally(Counter({"very long fields": 3, "huge numbers": 1}))


@pytest.fixture(scope="module")
def extract_vocab():  # noqa: ANN201
    return load_vocabulary()
