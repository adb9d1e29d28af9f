"""Reading figures in text: digits with any thousands separator, multipliers, number words.

Shared by the checks ("is the claim's figure in its quote?") and the extraction assistant
("which figures does this article state?"), so that both read "7,199", "11 756",
"1.5 million", "8490" and "six" the same way. Number words go through text2num, the
library that already knows "eleven thousand seven hundred fifty-six"; what it cannot
know is which words are vague ("dozens", "hundreds"): those are reported as vague, never
as a figure (DOMAIN.md: a vague word is not a figure unless a curator decides otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from text_to_num import text2num

from tracker.domain.schemas import MAX_FIGURE

#: Characters used between digit groups: comma, space, no-break and thin spaces, the
#: apostrophe (Swiss) and the dot (German, Italian, Ukrainian "7.200").
_GROUP_SEPS = ",\u00a0\u202f\u2009 '\u2019."

_MAX_DIGITS = len(str(MAX_FIGURE))

_MULTIPLIERS = {
    "thousand": 1_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "mln": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "тис": 1_000,
    "тисяч": 1_000,
    "тыс": 1_000,
    "тысяч": 1_000,
    "млн": 1_000_000,
}

_DIGITS = re.compile(
    r"(?<![\w.,])"
    r"(?P<num>"
    r"\d{1,3}(?:[,\u00a0\u202f\u2009 '\u2019]\d{3})+(?!\d|[.,]\d)"  # 7,199  11 756  1'000
    r"|\d{1,3}(?:\.\d{3})+(?!\d|[.,]\d)"  # 7.200 (dot as thousands separator)
    r"|\d+(?:[.,]\d+)?(?!\d|[.,]\d)"  # 8490, 1.5, 1,5
    r")"
    r"(?:[\s\u00a0]*(?P<mult>thousand|millions?|mln|billion|bn|тисяч|тис|тысяч|тыс|млн)(?!\w)\.?)?",
    re.IGNORECASE,
)

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ["hundred", "thousand", "million", "billion"]
_WORD = "|".join(sorted(_UNITS + _TENS + _SCALES, key=len, reverse=True))
_WORDS = re.compile(
    rf"(?<![\w-])(?:a\s+(?=hundred|thousand|million|dozen))?"
    rf"(?:(?:{_WORD})(?:(?:(?:(?<=hundred)|(?<=thousand)|(?<=million))\s+and\s+|[\s-]+)"
    rf"(?:{_WORD}))*|dozen)(?![\w-])",
    re.IGNORECASE,
)
#: Words that count nothing precisely. "Dozens" is ACLED's 12 and "hundreds" its 100, a
#: choice a curator may make, never the extractor.
_VAGUE = re.compile(
    r"(?<![\w-])(?:(?:tens|hundreds)\s+of\s+thousands|dozens|scores|hundreds|thousands"
    r"|millions|several|numerous|many|a\s+few|a\s+handful)(?![\w-])",
    re.IGNORECASE,
)

#: text2num knows these languages; quotes in others are read for digits only.
WORD_LANGUAGES = frozenset({"en", "fr", "es", "pt", "de", "it", "nl"})


@dataclass(frozen=True)
class Number:
    """A number found in a text: its whole value and where it is (start, end offsets)."""

    value: int | None  # None for vague words and fractions that are not whole figures
    start: int
    end: int
    kind: str  # "digits" | "words" | "vague"
    text: str


def _digits_value(num: str, mult: str | None) -> int | None:
    """The whole figure a digit string stands for, or None for a bare fraction ("2.5").

    With a multiplier a dot is a decimal point ("1.5 million") and so is a comma not
    followed by three digits ("1,5 млн"); without one, separators group thousands.
    """
    factor = _MULTIPLIERS[mult.lower().rstrip(".")] if mult else 1
    if sum(c.isdigit() for c in num) > _MAX_DIGITS:
        # Longer than any storable figure: no count (and Python refuses to convert a run
        # of over 4,300 digits, which an article of 5,000 nines would otherwise crash on).
        return None
    if re.fullmatch(r"\d+", num):
        return int(num) * factor
    if factor > 1 and re.fullmatch(r"\d+(?:\.\d+|,\d{1,2})", num):
        return round(float(num.replace(",", ".")) * factor)
    if re.fullmatch(r"\d{1,3}(?:[,\u00a0\u202f\u2009 '\u2019.]\d{3})+", num):
        return int(re.sub(r"\D", "", num)) * factor
    return None  # a fraction: not a count


def _words_value(text: str, lang: str) -> int | None:
    words = re.sub(r"\s+", " ", text.strip().lower())
    if words in ("dozen", "a dozen"):
        return 12
    words = re.sub(r"^a ", "one ", words)
    try:
        return int(text2num(words, lang))
    except (ValueError, TypeError):
        return None


def find_numbers(text: str, lang: str = "en", *, words: bool = True) -> list[Number]:
    """Every number in `text`, in order of position; number words only in `WORD_LANGUAGES`."""
    found: list[Number] = []
    taken: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(text):
        value = _digits_value(m.group("num"), m.group("mult"))
        end = m.end() if m.group("mult") else m.end("num")
        found.append(Number(value, m.start(), end, "digits", text[m.start() : end]))
        taken.append((m.start(), end))
    if words and (lang or "en").split("-")[0].lower() in WORD_LANGUAGES:
        lang = (lang or "en").split("-")[0].lower()
        for m in _VAGUE.finditer(text):
            if not _overlaps(m.start(), m.end(), taken):
                found.append(Number(None, m.start(), m.end(), "vague", m.group(0)))
                taken.append((m.start(), m.end()))
        for m in _WORDS.finditer(text):
            if _overlaps(m.start(), m.end(), taken):
                continue
            value = _words_value(m.group(0), lang)
            if value is not None:
                found.append(Number(value, m.start(), m.end(), "words", m.group(0)))
                continue
            # Not one number ("five six"): read each word on its own.
            for w in re.finditer(rf"(?i)(?<![\w-])(?:{_WORD})(?![\w-])", m.group(0)):
                value = _words_value(w.group(0), lang)
                if value is not None:
                    s, e = m.start() + w.start(), m.start() + w.end()
                    found.append(Number(value, s, e, "words", w.group(0)))
    found.sort(key=lambda n: n.start)
    return found


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


@cache
def _figure_forms(figure: int) -> re.Pattern[str]:
    """The usual ways of printing `figure` in digits, as one regex (the fast path)."""
    plain = str(figure)
    groups = f"{figure:,}".split(",")
    seps = "[" + re.escape(_GROUP_SEPS) + "]"
    grouped = seps.join(groups)
    return re.compile(rf"(?<![\d.,]){grouped}(?![\d]|[.,]\d)|(?<![\d.,]){plain}(?![\d]|[.,]\d)")


def figure_in_text(figure: int, text: str, lang: str | None = None) -> bool:
    """True when `text` states `figure`: in digits with or without separators, with a
    multiplier ("1.5 million"), or in number words ("six", "a dozen")."""
    if not text:
        return False
    if _figure_forms(figure).search(text):
        return True
    return any(n.value == figure for n in find_numbers(text, lang or "en"))
