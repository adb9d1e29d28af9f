"""Reader pages say things in words: names not codes, field values as words, one date
style, nouns agreeing with their numbers."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.claim_view import cell
from dashboard.state import FilterChoices
from dashboard.widgets import filter_words, plural
from tracker.read.filters import ClaimFilter
from tracker.sharing.chart_views import place_phrase

VOCAB = FilterChoices.from_options(
    {
        "metrics": pd.DataFrame(
            {"key": ["civilian_killed"], "label": ["Civilians killed"], "cumulative": [True]}
        ),
        "places": pd.DataFrame({"key": ["UA-63"], "name": ["Kharkiv Oblast"]}),
        "claimants": pd.DataFrame(
            {"key": ["ohchr"], "name": ["UN human rights office"], "short_name": ["OHCHR"]}
        ),
    }
)


def test_a_change_is_shown_in_words_not_stored_values():
    assert cell(True, "cumulative", VOCAB) == "cumulative total"
    assert cell(False, "cumulative", VOCAB) == "per-period figure"
    assert cell("at_least", "qualifier", VOCAB) == "at least"
    assert cell("UA-63", "place", VOCAB) == "Kharkiv Oblast"
    assert cell("ohchr", "claimant", VOCAB) == "OHCHR"
    assert cell("2023-09-03", "period_end", VOCAB) == "3 Sep 2023"
    assert cell(None, "notes", VOCAB) == "—"


def test_a_filter_is_described_with_names_and_house_dates():
    f = ClaimFilter(
        metric="civilian_killed", place="UA-63", claimants=("ohchr",), date_from=date(2023, 9, 3)
    )
    assert filter_words(f, VOCAB) == (
        "Civilians killed, in Kharkiv Oblast, by OHCHR, as of 3 Sep 2023 or later"
    )
    assert "UA-63" not in filter_words(f, VOCAB)


def test_a_metric_that_names_its_place_is_not_placed_twice():
    assert place_phrase("Refugees who fled Ukraine", "Ukraine") == ""
    assert place_phrase("Civilians killed", "Ukraine") == " in Ukraine"
    assert place_phrase("Civilians killed", "Ukraine", by_place=True) == (
        " in Ukraine, place by place"
    )


def test_nouns_agree_with_their_numbers():
    assert plural(1, "claim") == "claim" and plural(2, "claim") == "claims"
    assert plural(0, "page") == "pages"
