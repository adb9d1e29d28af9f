"""Quote checks: is the figure in the quote, and is the quote in the source?

DOMAIN.md: the figure must be findable in the quote, and the quote is verbatim from the
source. A curator who types 7,199 while the quote says "7,119", or pastes a quote the
article does not contain, should be told before saving. A mismatch is not always an
error (the quote may say "nearly doubled to 400" for a claim of 400, or the stored text
may be an older version of the page), so it is a warning the curator confirms with a
reason, which is kept on the claim (`check_override`) and in its revision.

Figures are found as digits in any usual grouping (7,199 / 7199 / "7 199" / 7.199),
with scale words ("1.5 million"), and as number words ("six", "seven thousand one hundred
and ninety-nine", via text2num). Vague plurals ("dozens", "hundreds") are not figures
(DOMAIN.md) and are not read as 12 or 100.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from text_to_num import alpha2digit

from tracker.core.errors import Problem, ValidationFailed
from tracker.domain.schemas import MAX_FIGURE, ClaimIn

#: Languages text2num reads number words in; other quotes are checked by digits, and
#: their translation (when given) by words as well.
NUMBER_WORD_LANGUAGES = frozenset({"en", "fr", "es", "pt", "de", "it", "nl"})

_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "mln": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
}
_SCALED = re.compile(
    r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s?(thousand|million|millions|mln|billion|bn|k|m)\b",
    re.IGNORECASE,
)
# "dozens of", "hundreds of": vague, not 12 or 100 (DOMAIN.md).
_VAGUE = re.compile(r"\b(dozens|scores|hundreds|thousands|millions|billions)\b", re.IGNORECASE)
# Digits grouped by thousands with a comma, dot, apostrophe or (thin, no-break) space.
_GROUPED = re.compile(r"(?<![\d])\d{1,3}(?:[,.'\u2019\u00a0\u202f\u2009 ]\d{3})+(?!\d)")
_DIGITS = re.compile(r"\d+")

_QUOTE_CHARS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)
# Where a curator left words out of a quote: "...", "…", "[...]", "[…]", "(...)".
_ELLIPSIS = re.compile(r"[\[(]?\s*(?:\.\s*\.\s*\.|\u2026)\s*[\])]?")


@dataclass(frozen=True)
class QuoteCheck:
    """What `quote_checks` found. `ok` when nothing needs a curator's confirmation."""

    figures: tuple[int, ...]  # the figures the claim states (value, or low and high)
    missing: tuple[int, ...]  # those found neither in the quote nor in its translation
    found_in: str | None  # "quote" | "translation" | None
    quote_in_source: bool | None  # None: the source has no stored text to compare with

    @property
    def figure_in_quote(self) -> bool:
        return not self.missing

    @property
    def ok(self) -> bool:
        return self.figure_in_quote and self.quote_in_source is not False

    def problems(self) -> list[Problem]:
        """One problem per failed check, worded for the curator who must confirm it."""
        out = []
        if self.missing:
            numbers = " and ".join(f"{n:,}" for n in self.missing)
            what = "the figure" if len(self.missing) == 1 else "the figures"
            verb = "does" if len(self.missing) == 1 else "do"
            out.append(
                Problem(
                    f"{what} {numbers} {verb} not appear in the quote (as digits or in words); "
                    "correct the figure or the quote, or confirm it with a reason (check_override)",
                    field="quote",
                )
            )
        if self.quote_in_source is False:
            out.append(
                Problem(
                    "the quote is not in the source's stored text (compared ignoring spacing, "
                    "curly quotes and dashes); paste it exactly, or confirm it with a reason "
                    "(check_override)",
                    field="quote",
                )
            )
        return out


class QuoteMismatch(ValidationFailed):
    """A quote check failed and no reason was given to save the claim anyway. Forms catch
    this one to offer the confirmation box next to the quote."""


def quote_checks(claim_in: ClaimIn, source: Any = None) -> QuoteCheck:
    """Check a claim's figure against its quote, and its quote against the source's text.

    `source` is anything with a `text` attribute (a stored `Source`, a `SourceIn`) or None.
    """
    figures = claim_figures(claim_in)
    found_in: str | None = None
    in_quote = numbers_in(claim_in.quote, claim_in.quote_language)
    missing = tuple(f for f in figures if f not in in_quote)
    if not missing:
        found_in = "quote"
    elif claim_in.quote_translation:
        in_translation = numbers_in(claim_in.quote_translation, "en")
        if all(f in in_quote or f in in_translation for f in figures):
            missing, found_in = (), "translation"
    text = getattr(source, "text", None) if source is not None else None
    quote_in_source = quote_in_text(claim_in.quote, text) if text else None
    return QuoteCheck(figures, missing, found_in, quote_in_source)


def require_quote_checks(claim_in: ClaimIn, source: Any = None) -> QuoteCheck:
    """Refuse a claim whose checks fail unless it carries a reason (`check_override`)."""
    result = quote_checks(claim_in, source)
    if not result.ok and not claim_in.check_override:
        raise QuoteMismatch(result.problems())
    return result


def claim_figures(claim_in: ClaimIn) -> tuple[int, ...]:
    """The figures a claim states: its value, its range's ends, or both."""
    found = [claim_in.value, claim_in.low, claim_in.high]
    out: list[int] = []
    for n in found:
        if n is not None and n not in out:
            out.append(n)
    return tuple(out)


MAX_DIGITS = len(str(MAX_FIGURE))


def numbers_in(text: str | None, language: str | None = "en") -> set[int]:
    """Every whole number a reader would see in `text`, written in digits or in words."""
    if not text:
        return set()
    text = unicodedata.normalize("NFC", text)
    text = _SCALED.sub(_expand_scale, text)
    text = _VAGUE.sub(" ~ ", text)
    lang = (language or "en").split("-")[0].lower()
    if lang not in NUMBER_WORD_LANGUAGES:
        lang = "en"
    with suppress(ValueError):  # a language text2num cannot read: digits only
        text = alpha2digit(text, lang, threshold=0)
    grouped = (re.sub(r"\D", "", m) for m in _GROUPED.findall(text))
    # Each run of digits on its own too: "7 199" may be two numbers ("on 7 199 homes" is
    # rare, "12 300 people" common); a lenient reading only risks a missed warning.
    runs = _DIGITS.findall(text)
    # A run longer than any storable figure is no figure (and Python refuses to convert
    # digit strings over 4,300 characters): hostile quotes must not crash the check.
    return {int(d) for d in (*grouped, *runs) if 0 < len(d) <= MAX_DIGITS}


def _expand_scale(match: re.Match) -> str:
    """ "1.5 million" also reads as 1500000; the digits as written stay readable too."""
    parts = re.fullmatch(r"(\d+)(?:([.,])(\d+))?", match.group(1))
    assert parts is not None
    whole, sep, frac = parts.group(1), parts.group(2), parts.group(3) or ""
    if sep == "," and len(frac) == 3:
        value = float(whole + frac)  # "12,500 thousand": a grouping comma, not a decimal
    else:
        value = float(f"{whole}.{frac}" if sep else whole)
    scaled = value * _SCALES[match.group(2).lower()]
    if scaled != scaled or scaled > MAX_FIGURE:  # NaN or beyond any figure: left as written
        return match.group(0)
    return f"{match.group(0)} {round(scaled)}"


def normalise_text(text: str) -> str:
    """The form quotes and texts are compared in: NFKC, straight quotes, one kind of dash,
    single spaces, case-folded. Copying from a browser changes exactly these things."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTE_CHARS)
    t = re.sub(r"\s+", " ", t)
    return t.strip().casefold()


def quote_in_text(quote: str, text: str) -> bool:
    """True when every part of the quote (split where the curator marked an omission with
    an ellipsis) appears in the text, in order."""
    return quote_in_normalised(quote, normalise_text(text))


def quote_in_normalised(quote: str, haystack: str) -> bool:
    """`quote_in_text` for a text already passed through `normalise_text` (the checks
    normalise each source's text once for all its claims)."""
    parts = [normalise_text(p).strip(" \"'") for p in _ELLIPSIS.split(quote)]
    parts = [p for p in parts if p]
    if not parts:
        return False
    position = 0
    for part in parts:
        found = haystack.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True
