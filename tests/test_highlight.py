"""Finding each quoted passage in a source's stored text."""

from __future__ import annotations

from tracker.extraction.highlight import Segment, quote_segments


def joined(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def test_quotes_are_found_despite_whitespace_case_and_typographic_quotes():
    text = (
        "Officials said:\nthe monitor had Recorded  7,199 civilian deaths since Russia’s\ninvasion."
    )
    segments, missing = quote_segments(
        text, ["recorded 7,199 civilian deaths since Russia's invasion"]
    )
    assert missing == []
    assert joined(segments) == text
    assert [s.quoted for s in segments] == [False, True, False]
    assert segments[1].text == "Recorded  7,199 civilian deaths since Russia’s\ninvasion"


def test_every_occurrence_is_highlighted_and_overlaps_merge():
    text = "at least 42 deaths; later at least 42 deaths and 42 deaths"
    segments, missing = quote_segments(text, ["at least 42 deaths", "42 deaths"])
    assert missing == []
    assert [s.text for s in segments if s.quoted] == [
        "at least 42 deaths",
        "at least 42 deaths",
        "42 deaths",
    ]
    assert joined(segments) == text


def test_a_quote_not_in_the_text_is_reported_never_guessed():
    segments, missing = quote_segments("Nothing relevant here.", ["7,199 killed", "  "])
    assert missing == ["7,199 killed"]
    assert segments == [Segment("Nothing relevant here.", False)]


def test_regex_characters_in_a_quote_are_literal():
    text = "figures (as of 12 Feb) rose by 5+ [sic] in total"
    segments, missing = quote_segments(text, ["(as of 12 Feb) rose by 5+ [sic]"])
    assert missing == [] and segments[1].text == "(as of 12 Feb) rose by 5+ [sic]"
