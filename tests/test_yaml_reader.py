"""The single-pass YAML reader (`tracker.files.datafiles._load_plain`) reads a data file exactly as
PyYAML's SafeLoader does, and leaves every file it does not handle itself to the full loader,
so that the fast path changes no value and no message."""

from __future__ import annotations

import pytest
import yaml

from tracker.core.errors import ValidationFailed
from tracker.files.datafiles import _load_plain, _Unusual, parse_document, parse_yaml

SCALARS = """\
text: Synthetic claimant 03 reported 5 civilians killed
folded: Synthetic claimant 03 reported about 89 settlements shelled in Ukraine on
  25 February 2022.
quoted_number: '7199'
quoted_date: "2023-02-14"
date: 2023-02-14
datetime: 2023-02-14T10:30:00Z
datetime_zone: 2023-02-14 10:30:00 +02:00
datetime_naive: 2023-02-14 10:30:00
int: 7199
underscored: 7_199
hex: 0x1F
octal: 017
sexagesimal: 1:30
negative: -3
float: 1.5
exponent: 1.5e+3
infinity: .inf
not_a_float: 1.5e3
yes_: yes
No_: No
on_: on
true_: true
null_: null
tilde: ~
yes: a key that is true
~: a key that is null
empty:
empty_quoted: ''
block: |
  line one
  line two
folded_block: >
  one
  two
flow: [1, two, {three: 3}]
nested:
- - - deep
- {a: b}
"""


def safe_load(text: str) -> object:
    return yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader is the reference


def test_the_single_pass_reader_reads_every_scalar_kind_as_safeloader_does():
    data, _starts = _load_plain(SCALARS)
    expected = safe_load(SCALARS)
    assert data == expected
    # Same types too (a date is not a datetime, True is not 1, '7199' is not 7199).
    assert repr(data) == repr(expected)


def test_a_data_file_reads_the_same_twice():
    # Constructed values are shared between files; they must come back equal every time.
    assert _load_plain(SCALARS)[0] == _load_plain(SCALARS)[0] == safe_load(SCALARS)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!str 1",  # an explicit tag
        "<<: {a: 1}",  # a merge key (no anchor needed inline)
        "1: a\n01: b",  # two keys that are equal numbers: SafeLoader keeps the last
        "true: a\n1: b",  # True == 1 in Python
    ],
)
def test_files_the_single_pass_reader_does_not_handle_are_read_by_the_full_loader(text):
    with pytest.raises(_Unusual):
        _load_plain(text)
    assert parse_yaml(text, "odd.yaml")[0] == safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "--- a\n--- b",  # a second document
        "? [a]\n: b",  # a key that is a list
        "a: 1\na: 2",  # a repeated key
        "a: &x 1\nb: *x",  # an anchor and an alias
        "[" * 30 + "]" * 30,  # too deep
        "a: 2023-02-30",  # a date that does not exist
        ".nan: 1\n.nan: 2",  # NaN equals nothing, not even itself
    ],
)
def test_files_the_full_loader_refuses_are_left_to_it(text):
    # Its message is the one tests/test_yaml_safety.py and tests/test_hostile_input.py check.
    with pytest.raises((_Unusual, ValueError)):
        _load_plain(text)
    with pytest.raises(ValidationFailed):
        parse_yaml(text, "odd.yaml")


def test_a_claims_line_is_its_first_line_without_composing_the_file():
    text = """\
source:
  url: https://example.org/a
  title: A bulletin
  publisher: OHCHR
  published: 2023-02-15
claims:
- metric: civilian_killed
  claimant: OHCHR
  place: UA
  period_end: 2023-02-12
  value: 7199
  quote: 7,199 civilians killed

- metric: civilian_injured
  claimant: OHCHR
  place: UA
  period_end: 2023-02-12
  value: 11756
  quote: 11,756 injured
"""
    sf = parse_document(text, "a.yaml")
    assert sf.claim_lines == [7, 14]
    assert not sf.lines.composed  # no problem, so no node tree
    # A problem's line is found in the node tree, composed on demand.
    assert sf.lines.line(("claims", 1, "value")) == 18
