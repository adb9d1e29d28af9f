"""YAML dangers: safe_load semantics only, no alias bombs, no oversized or bottomless files.

Each is refused before it can cost memory or time, with a message naming the file (and the
line where there is one), and nothing is written.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests import figures
from tests.dbstate import everything
from tests.helpers import source_doc, write_doc
from tracker.core.errors import ValidationFailed
from tracker.files.datafiles import MAX_DEPTH, MAX_FILE_BYTES, parse_document, read_text
from tracker.files.importer import import_paths
from tracker.store.write import SYSTEM

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
seen: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _tally():
    yield
    figures.add("hostile", "inputs by kind", {"YAML dangers": sum(seen.values())})


def refusal(text: str) -> str:
    seen["yaml"] += 1
    with pytest.raises(ValidationFailed) as exc:
        parse_document(text, "danger.yaml")
    [problem] = exc.value.problems
    assert problem.file == "danger.yaml"
    return str(problem)


def test_a_billion_laughs_is_refused_at_its_first_anchor():
    """Refused while composing line 1: no alias is ever expanded."""
    assert refusal(BILLION_LAUGHS) == (
        "danger.yaml:1: not valid YAML: anchors (&name) are not allowed in data files"
    )


def test_an_alias_without_an_anchor_is_refused_too():
    assert "aliases (*name) are not allowed" in refusal("source:\n  title: *t\n")


def test_merge_keys_need_anchors_and_are_refused():
    text = "base: &base {publisher: Example Wire}\nsource:\n  <<: *base\n"
    assert "anchors (&name) are not allowed" in refusal(text)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:pathlib.PosixPath {{}}",
        "!custom {{a: 1}}",
    ],
)
def test_python_and_custom_tags_are_refused_and_never_run(tmp_path, tag):
    marker = tmp_path / "ran"
    text = f"source: {tag.format(marker=marker)}\n"
    assert "could not determine a constructor for the tag" in refusal(text)
    assert not marker.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:  # sparse: the test costs no disk and no reading
        f.truncate(MAX_FILE_BYTES + 1)
    seen["yaml"] += 1
    with pytest.raises(ValidationFailed) as exc:
        read_text(path)
    assert str(exc.value) == f"{path}: file is larger than 20 MB"


def test_text_over_the_size_limit_is_refused_before_it_is_parsed():
    assert refusal("#" * (MAX_FILE_BYTES + 1)) == "danger.yaml: file is larger than 20 MB"


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_with_its_line_not_a_recursion_error(opener):
    text = opener * 10_000 + "x"
    message = refusal(text)
    assert message.startswith("danger.yaml:1: not valid YAML: nested more than")
    assert f"{MAX_DEPTH} levels deep" in message


def test_nesting_within_the_limit_is_read():
    doc = "x: " + "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2)
    with pytest.raises(ValidationFailed) as exc:  # a valid YAML, not a valid source file
        parse_document(doc, "ok.yaml")
    assert "nested" not in str(exc.value)


def test_a_key_written_twice_is_refused_not_silently_overwritten():
    text = "source:\n  title: A\n  title: B\n"
    assert refusal(text) == (
        "danger.yaml:3: not valid YAML: key 'title' appears twice in one mapping (first on line 2)"
    )


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_control_characters_in_the_file_are_one_line(char):
    message = refusal(f"source:\n  title: a{char}b\n")
    assert "special characters are not allowed" in message and "\n" not in message


def test_a_number_with_thousands_of_digits_is_refused_plainly():
    assert refusal("claims:\n- value: " + "9" * 5000 + "\n") == (
        "danger.yaml: not valid YAML: a number has thousands of digits"
    )


def test_a_dangerous_file_in_an_import_writes_nothing(vocab_engine, tmp_path):
    good = write_doc(tmp_path / "good.yaml", source_doc())
    bomb = write_doc(tmp_path / "bomb.yaml", BILLION_LAUGHS)
    before = everything(vocab_engine)
    with pytest.raises(ValidationFailed) as exc:
        import_paths(vocab_engine, SYSTEM, [good, bomb])
    assert [str(p) for p in exc.value.problems] == [
        f"{bomb}:1: not valid YAML: anchors (&name) are not allowed in data files"
    ]
    assert everything(vocab_engine) == before
