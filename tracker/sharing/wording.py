"""Claims read back in plain words, for the form's preview before saving.

"OHCHR claims at least 7,199 civilians killed in Ukraine between 24 Feb 2022 and
12 Feb 2023, quoted in Reuters, 14 Feb 2023": who, the qualifier, the figure, what, where,
when and where it is written, so that a curator sees at a glance whether the fields say
what the article said. Numbers and dates are formatted as citations format them, so that a
different locale only changes a parameter. No Streamlit here: the dashboard calls it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.lookup import Vocabulary
from tracker.domain.schemas import ClaimIn
from tracker.domain.vocab import QUALIFIER_WORDS
from tracker.sharing.citations import format_day, format_number, noun_for


def number(n: int, locale: str = "en") -> str:
    return format_number(n, locale)


def day(d: date, locale: str = "en") -> str:
    return format_day(d, locale)


def figure_words(claim_in: ClaimIn, locale: str = "en") -> str:
    """The figure as a reader says it: "at least 7,199", "5 to 7", "about 8,000 (7,500 to
    8,500)"."""
    qualifier = QUALIFIER_WORDS.get(claim_in.qualifier, "")
    has_range = claim_in.low is not None and claim_in.high is not None
    if claim_in.value is not None:
        text = number(claim_in.value, locale)
        if has_range:
            text += f" ({number(claim_in.low, locale)} to {number(claim_in.high, locale)})"
    else:
        text = f"{number(claim_in.low or 0, locale)} to {number(claim_in.high or 0, locale)}"
    return f"{qualifier} {text}".strip()


def period_words(claim_in: ClaimIn, locale: str = "en") -> str:
    end = day(claim_in.period_end, locale)
    start = claim_in.period_start
    if start is None:
        return f"as of {end}"
    if start == claim_in.period_end:
        return f"on {end}"
    return f"between {day(start, locale)} and {end}"


def preview_sentence(
    claim_in: ClaimIn, vocab: Vocabulary, source: Any = None, *, locale: str = "en"
) -> str:
    """The claim in one sentence. `source` is a stored `Source`, a `SourceIn` or None (a
    claim whose source is not chosen yet); words the vocabulary does not know are shown as
    typed, so that the preview works while the form is still being filled in."""
    claimant = vocab.claimant(claim_in.claimant)
    who = (claimant.short_name or claimant.name) if claimant else claim_in.claimant.strip()
    if claim_in.relayed_by:
        who += f" (relayed by {claim_in.relayed_by})"
    metric = vocab.metric(claim_in.metric)
    what = (metric.noun or metric.label.lower()) if metric else claim_in.metric.strip()
    place = vocab.place(claim_in.place)
    where = place.name if place else claim_in.place.strip()
    sentence = (
        f"{who} claims {figure_words(claim_in, locale)} {noun_for(what, claim_in.value)} "
        f"in {where} {period_words(claim_in, locale)}"
    )
    if source is not None and getattr(source, "publisher", None):
        sentence += f", quoted in {source.publisher}"
        if getattr(source, "published", None):
            sentence += f", {day(source.published, locale)}"
    return sentence
