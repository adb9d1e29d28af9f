"""Reading figures in text, shared by the quote check and the extractor."""

from __future__ import annotations

import pytest

from tracker.extraction.numbers import figure_in_text, find_numbers


def values(text: str) -> list[int | None]:
    return [n.value for n in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7,199 deaths and 11,756 wounded", [7199, 11756]),
        ("11 756 wounded", [11756]),
        ("14\u00a0244 поранених", [14244]),
        ("quasi 7.200 morti", [7200]),
        ("1.5 million refugees", [1_500_000]),
        ("1,5 млн біженців", [1_500_000]),
        ("10 тис. осіб", [10_000]),
        ("one settlement, about five and six", [1, 5, 6]),
        ("eleven thousand seven hundred fifty-six", [11756]),
        ("one hundred and five", [105]),
        ("a dozen settlements", [12]),
        ("2.5 km away", [None]),  # a fraction is not a count
    ],
)
def test_numbers_in_digits_and_words(text, expected):
    assert values(text) == expected


def test_vague_words_are_found_but_are_not_figures():
    found = find_numbers("dozens killed, hundreds of thousands fled, thousands more")
    assert [(n.kind, n.value) for n in found] == [("vague", None)] * 3


def test_offsets_point_at_the_number():
    text = "recorded 7,199 civilian deaths"
    [n] = find_numbers(text)
    assert text[n.start : n.end] == "7,199"


@pytest.mark.parametrize(
    ("figure", "text", "found"),
    [
        (7199, "recorded 7,199 deaths", True),
        (7199, "recorded 7199 deaths", True),
        (7199, "recorded 17,199 deaths", False),
        (7199, "recorded 7,1990 deaths", False),
        (8, "(eight children were killed and 57 injured)", True),
        (5, "about five settlements", True),
        (20, "более 20 населенных пунктов", True),
        (1000, "at least 1000 injured", True),
        (1000, "at least 1,000.5 injured", False),
    ],
)
def test_figure_in_text(figure, text, found):
    assert figure_in_text(figure, text) is found
