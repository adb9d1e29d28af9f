"""Ready-to-paste citations."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest

from tracker.sharing.citations import (
    CitedFigure,
    citation_line,
    format_day,
    format_figure,
    format_period,
    markdown_citation,
)

URL = "https://example.org/news/offensive"


def figure(**fields) -> CitedFigure:
    base = {
        "claimant": "OHCHR",
        "noun": "civilians killed",
        "place": "Ukraine",
        "value": 7199,
        "low": None,
        "high": None,
        "qualifier": "at_least",
        "period_start": date(2022, 2, 24),
        "period_end": date(2023, 2, 12),
        "cumulative": True,
        "publisher": "Reuters",
        "published": date(2023, 2, 14),
        "url": URL,
    }
    return CitedFigure(**(base | fields))


def test_citation_line_names_claimant_figure_place_period_and_source():
    assert citation_line(figure()) == (
        "OHCHR: at least 7,199 civilians killed in Ukraine, 24 Feb 2022 – 12 Feb 2023 "
        f"(Reuters, 14 Feb 2023, {URL})"
    )


def test_figures_keep_their_qualifier_and_ranges_their_bounds():
    assert format_figure(7199) == "7,199"
    assert format_figure(8000, qualifier="about") == "about 8,000"
    assert format_figure(12000, qualifier="more_than") == "more than 12,000"
    assert format_figure(40, 30, 50) == "30–50"
    assert format_figure(None, 30, 50, "about") == "about 30–50"
    assert format_figure(None) == "no figure"


def test_periods_read_as_a_journalist_writes_them():
    assert format_period(date(2023, 2, 13), date(2023, 2, 14), False) == "13–14 Feb 2023"
    assert format_period(None, date(2023, 2, 12), True) == "as of 12 Feb 2023"
    assert format_period(None, date(2023, 2, 12), False) == "12 Feb 2023"
    assert format_period(date(2023, 1, 1), date(2023, 12, 31)) == "1 Jan – 31 Dec 2023"
    assert format_period(date(2022, 2, 24), date(2023, 2, 12)) == "24 Feb 2022 – 12 Feb 2023"


def test_the_house_date_style_does_not_follow_cldr_releases():
    # CLDR has written September "Sep" and "Sept", and spaced intervals' dashes with thin
    # spaces in some releases only: a printed citation must not change with babel.
    assert format_day(date(2023, 9, 3)) == "3 Sep 2023"
    assert format_period(date(2023, 9, 1), date(2023, 9, 30), False) == "1–30 Sep 2023"


@pytest.mark.parametrize("locale", ["fr", "de", "uk", "ar"])
def test_other_locales_use_plain_spaces_around_the_dash(locale: str):
    spaced = format_period(date(2023, 1, 1), date(2023, 12, 31), locale=locale)
    assert " – " in spaced
    assert not re.search("[\u2009\u202f\u00a0]–|–[\u2009\u202f\u00a0]", spaced)


def test_a_link_that_is_not_http_is_left_out():
    line = citation_line(figure(url="javascript:alert(1)"))
    assert line.endswith("(Reuters, 14 Feb 2023)")
    assert "javascript" not in markdown_citation(figure(url="javascript:alert(1)"))


def test_markdown_citation_links_the_source_and_escapes_only_what_is_markup():
    cited = figure(publisher="Example [Wire]", url=URL + "?q=(a)")
    assert markdown_citation(cited) == (
        "OHCHR: at least 7,199 civilians killed in Ukraine, 24 Feb 2022 – 12 Feb 2023 "
        "([Example \\[Wire\\], 14 Feb 2023](https://example.org/news/offensive?q=%28a%29))"
    )


def rendered_text(markdown: str) -> tuple[str, list[str]]:
    """What a CommonMark renderer (with GitHub's tables and strikethrough) shows of
    `markdown`: its text, and the addresses of its links."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = parser.parse(markdown)
    words: list[str] = []
    links: list[str] = []
    for block in tokens:
        for token in block.children or []:
            if token.type in ("text", "code_inline"):
                words.append(token.content)
            elif token.type == "link_open":
                links.append(token.attrs["href"])
            elif token.type in ("softbreak", "hardbreak"):
                words.append(" ")
            elif token.type not in ("link_close",):
                words.append(f"<{token.type}>")  # anything else is markup that got through
        if block.type not in ("paragraph_open", "paragraph_close", "inline"):
            words.append(f"<{block.type}>")
    return "".join(words).replace("\u2060", ""), links


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"publisher": "Example [Wire] *Daily* <b>", "claimant": "# Monitor_1 `x` | y ~~z~~"},
        {"claimant": "12. Monitor", "place": "www.example.org & co", "noun": "deaths\\"},
        {"status": "disputed", "status_reason": "Same article: the *UN* counts 4,300."},
        {"status": "retracted", "status_reason": "[corrected] to 7,199 > 9,100"},
    ],
)
def test_the_markdown_citation_renders_to_the_same_words_as_the_plain_one(fields):
    cited = figure(**fields)
    text, links = rendered_text(markdown_citation(cited))
    assert text == citation_line(cited).replace(f", {URL}", "")
    assert links == [URL]


def test_a_disputed_claims_citation_says_so_and_why():
    cited = figure(status="disputed", status_reason="The monitor's own count is 4,300")
    assert citation_line(cited) == (
        "OHCHR: at least 7,199 civilians killed in Ukraine, 24 Feb 2022 – 12 Feb 2023 "
        f"(Reuters, 14 Feb 2023, {URL}). Disputed: The monitor's own count is 4,300."
    )
    retracted = figure(status="retracted", status_reason=None)
    assert citation_line(retracted).endswith(f"{URL}). Retracted.")
    assert "Disputed" not in citation_line(figure(status="corroborated"))


@pytest.mark.parametrize(
    ("quote", "figure_words"),
    [
        ("more than 12,000 civilians have likely been killed", "likely at least 7,199"),
        ("an estimated 7,199 people died", "at least 7,199 (estimated)"),
        ("7,199 were reportedly killed", "reportedly at least 7,199"),
        ("it recorded 7,199 civilian deaths", "at least 7,199"),
    ],
)
def test_a_hedge_in_the_quote_stays_with_the_figure(quote, figure_words):
    row = {
        "claimant_short": "OHCHR",
        "claimant_name": "Office of the High Commissioner",
        "metric_noun": "civilians killed",
        "place_name": "Ukraine",
        "value": 7199,
        "qualifier": "at_least",
        "period_start": date(2022, 2, 24),
        "period_end": date(2023, 2, 12),
        "cumulative": True,
        "source_publisher": "Reuters",
        "source_published": date(2023, 2, 14),
        "source_url": URL,
        "quote": quote,
    }
    assert citation_line(CitedFigure.from_row(row)).startswith(
        f"OHCHR: {figure_words} civilians killed in Ukraine"
    )


def test_a_query_row_with_gaps_becomes_a_citation():
    row = {
        "claimant_short": None,
        "claimant_name": "Example Monitor",
        "metric_noun": "civilians killed",
        "place_name": "Ukraine",
        "value": math.nan,
        "low": 30.0,
        "high": 50.0,
        "qualifier": "exact",
        "period_start": None,
        "period_end": "2023-01-15",
        "cumulative": True,
        "source_publisher": "Example Wire",
        "source_published": date(2023, 2, 14),
        "source_url": URL,
    }
    assert citation_line(CitedFigure.from_row(row)) == (
        f"Example Monitor: 30–50 civilians killed in Ukraine, as of 15 Jan 2023 "
        f"(Example Wire, 14 Feb 2023, {URL})"
    )


def test_a_claimant_without_short_name_in_a_dataframe_row_is_named_in_full():
    # DataFrame rows hold NaN, not None, where a text column has gaps.
    row = {
        "claimant_short": math.nan,
        "claimant_name": "Example Monitor",
        "metric_noun": "civilians killed",
        "place_name": "Ukraine",
        "value": 42,
        "qualifier": "at_least",
        "period_start": date(2022, 2, 24),
        "period_end": date(2023, 2, 28),
        "cumulative": True,
        "source_publisher": "Example Wire",
        "source_published": date(2023, 3, 1),
        "source_url": URL,
        "source_title": math.nan,
    }
    cited = CitedFigure.from_row(row)
    assert cited.claimant == "Example Monitor" and cited.title is None
    assert citation_line(cited).startswith("Example Monitor: at least 42 civilians killed")
