"""The extraction assistant: an article's text in, draft claims out, for a curator to confirm.

Rule-based on purpose: it runs offline, needs no model download, and every candidate can
be explained by the words that produced it. The steps, per sentence:

1. figures: numbers in digits or words (`tracker.extraction.numbers`), minus what is not a count
   (years, dates, ages, distances, durations, times of day, money, percentages, ordinals)
   and minus vague words ("dozens", "hundreds");
2. the qualifier in front ("at least", "over", "nearly", "up to", "fewer than") or a range
   ("between 40 and 50", "40-50");
3. what is counted: the words around the figure name a population (civilians, children,
   settlements, refugees) and an outcome (killed, injured, attacks repelled, shelled);
   an elliptical figure ("7,199 civilian deaths and 11,756 wounded", "six in the Donetsk
   region") borrows what it lacks from its neighbour. Counts of things that are no metric
   (weapons, troops sent) are dropped; "people" killed is a civilian toll only where the
   paragraph speaks of civilians, else the metric is left for the curator (null);
4. who says so: a claimant of data/claimants.yaml (by any alias) in an attribution
   ("X said", "according to X", "X told", "X reported"), in the sentence or else in a
   later, then an earlier, sentence of the paragraph; an unknown attributed name is kept
   as written with no key (rapidfuzz only suggests, in `suggest_claimant`);
5. where: the place named right after the figure (one candidate per place when a sentence
   lists several), else the sentence's, the paragraph's, or the article's country;
6. when: dates resolved against the publication date with dateparser (explicit dates)
   and plain calendar arithmetic ("on Monday", "over the past 24 hours", "last week",
   "since Feb. 24", "in May", "between 1 February and 31 July").
"""

from __future__ import annotations

import calendar
import re
import weakref
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

import dateparser
from text_to_num import text2num

from tracker.domain.lookup import Vocabulary
from tracker.domain.vocab import Qualifier
from tracker.extraction.numbers import Number, find_numbers
from tracker.gazetteer.mentions import STOP, article_countries, find_places
from tracker.gazetteer.world import World, load_world

# --- the candidate --------------------------------------------------------------------------


@dataclass
class Candidate:
    """A draft claim. `claimant` and `place` are as written; `*_key` the vocabulary match
    (null when unknown); `start`/`end` are the character offsets of the figure."""

    metric: str | None
    value: int | None
    low: int | None
    high: int | None
    qualifier: str
    claimant: str | None
    claimant_key: str | None
    place: str | None
    place_key: str | None
    period_start: date | None
    period_end: date | None
    cumulative: bool | None
    quote: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for k in ("period_start", "period_end"):
            out[k] = out[k].isoformat() if out[k] else None
        return out


# --- text preparation -------------------------------------------------------------------------

#: One character for one character, so that offsets in the prepared text are offsets in
#: the article: curly quotes become straight, dashes a hyphen, odd spaces a space.
_ONE_FOR_ONE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)

_ABBREVIATIONS = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs",
    "prof", "sen", "rep", "gov", "approx", "inc", "corp", "co", "u.n", "u.s", "u.k", "e.g",
    "i.e", "un", "us", "uk",
}  # fmt: skip


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Blank-line separated blocks; a text without blank lines has one paragraph a line."""
    splitter = r"\n[ \t]*\n+" if re.search(r"\n[ \t]*\n", text) else r"\n+"
    spans, pos = [], 0
    for m in re.finditer(splitter, text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside [start, end): a full stop ends a sentence unless it closes an
    abbreviation ("Feb.", "U.N.") or an initial."""
    spans, pos = [], start
    for m in re.finditer(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])", text[start:end]):
        cut = start + m.start()
        word = re.search(r"([\w.]+)$", text[pos:cut])
        token = (word.group(1) if word else "").lower().rstrip(".")
        if text[cut] == "." and (
            token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token or "x") is not None
        ):
            continue
        spans.append((pos, start + m.end()))
        pos = start + m.end()
    spans.append((pos, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


# --- the gazetteer: claimants and places by every alias -----------------------------------------


@dataclass
class Mention:
    start: int
    end: int
    text: str
    key: str | None


@dataclass
class Gazetteer:
    """Compiled alias patterns of a vocabulary (built once per vocabulary object)."""

    claimant_patterns: list[re.Pattern[str]]
    place_patterns: list[re.Pattern[str]]
    countries: set[str]
    vocab: Vocabulary

    @classmethod
    def build(cls, vocab: Vocabulary) -> Gazetteer:
        claimant_names = {
            n
            for c in vocab.claimants.values()
            for n in (c.name, c.short_name, *(c.aliases or []))
            if n
        }
        place_names = {
            n
            for p in vocab.places.values()
            for n in (p.name, p.iso_code, *(p.aliases or []))
            if n and not re.fullmatch(r"[A-Z]{2}(?:-\w+)?", n)  # codes are not written in prose
        }
        countries = {k for k, p in vocab.places.items() if p.level == "country"}
        return cls(_patterns(claimant_names), _patterns(place_names), countries, vocab)

    def claimants_in(self, text: str, offset: int = 0) -> list[Mention]:
        return [
            Mention(offset + s, offset + e, t, self.vocab.claimant_key(t))
            for s, e, t in _find(self.claimant_patterns, text)
            if not _inside_longer_name(text, s, e)
        ]

    def places_in(self, text: str, offset: int = 0) -> list[Mention]:
        return [
            Mention(offset + s, offset + e, t, self.vocab.place_key(t))
            for s, e, t in _find(self.place_patterns, text)
        ]


_NAME_BEFORE = re.compile(
    r"(?<![.!?]\s)(?<!^)\b(?!(?:The|A|An|In|On|At|By|From|And|But|For|To|Of|With)\b)[A-Z][\w'-]*\s+$"
)
_NAME_AFTER = re.compile(r"^\s+(?:[A-Z][a-z][\w'-]*)\b(?<!Said)")


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """ "Haitian Police" in "Example Haitian Police Union" is part of another body's name."""
    before = text[max(0, start - 40) : start]
    after = text[end : end + 30]
    named_before = _NAME_BEFORE.search(before) is not None and start > 0
    return named_before or (
        _NAME_AFTER.match(after) is not None
        and re.match(r"^\s+(?:Union|Committee|Network|Group|Association|Council|Team|Centre|"
                     r"Center|Foundation|Institute|Society|Federation|Coalition)\b", after) is not None
    )  # fmt: skip


def _alias_regex(alias: str) -> str:
    """An alias as reporters vary it: "U.N." or "United Nations" for "UN", a hyphen or a
    space between words ("human-rights office"), a possessive ("UN's")."""
    parts = []
    for token in alias.translate(_ONE_FOR_ONE).replace("-", " ").split():
        letters = token.replace(".", "")
        if letters == "UN":
            parts.append(r"(?:U\.?N\.?|United\s+Nations)(?:'s)?")
        elif re.fullmatch(r"[A-Z]{2,4}", letters) and re.fullmatch(r"(?:[A-Z]\.?){2,4}", token):
            parts.append(r"\.?".join(letters) + r"\.?")  # UN, U.N., U.N
        else:
            parts.append(re.escape(token))
    return r"[\s-]+".join(parts)


def _patterns(names: set[str]) -> list[re.Pattern[str]]:
    """Two alternations, longest alias first: acronyms match their case, words any case."""
    acronyms = sorted((n for n in names if n.isupper() and len(n) <= 6), key=len, reverse=True)
    words = sorted((n for n in names if n not in acronyms), key=len, reverse=True)
    out = []
    if acronyms:
        out.append(re.compile(r"(?<!\w)(?:" + "|".join(map(_alias_regex, acronyms)) + r")(?!\w)"))
    if words:
        out.append(
            re.compile(r"(?<!\w)(?:" + "|".join(map(_alias_regex, words)) + r")(?!\w)", re.I)
        )
    return out


def _find(patterns: list[re.Pattern[str]], text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping matches of all patterns, longest first."""
    hits = [(m.start(), m.end(), m.group(0)) for p in patterns for m in p.finditer(text)]
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    chosen: list[tuple[int, int, str]] = []
    for h in hits:
        if all(h[1] <= c[0] or h[0] >= c[1] for c in chosen):
            chosen.append(h)
    return sorted(chosen)


_gazetteers: dict[int, tuple[weakref.ref, Gazetteer]] = {}


def gazetteer(vocab: Vocabulary) -> Gazetteer:
    hit = _gazetteers.get(id(vocab))
    if hit and hit[0]() is vocab:
        return hit[1]
    g = Gazetteer.build(vocab)
    _gazetteers[id(vocab)] = (weakref.ref(vocab), g)
    return g


# --- attribution -------------------------------------------------------------------------------

_VERBS = (
    r"(?:said|says|say|told|tells|reported|reports|announced|announces|stated|states|added|"
    r"spoke|briefed|warned|tweeted|"
    r"wrote|writes|posted|estimated|estimates|confirmed|confirms|recorded|records|documented|"
    r"documents|counted|verified|noted|published|publishes|released|releases|issued)"
)
_PRONOUN = re.compile(
    r"\b(?:it|they|he|she|the\s+(?:office|agency|ministry|mission|body|organi[sz]ation|"
    r"monitor|group|department|service|administration|governor|official|authorit(?:y|ies)))"
    r"\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?" + _VERBS + r"\b",
    re.I,
)
#: Name-like words before a verb: "Example Monitor said", "the regional governor said".
_NAME = r"(?:the\s+)?[A-Z][\w'.&-]*(?:\s+(?:[a-z][\w'-]*\s+){0,2}(?:[A-Z][\w'.&-]*|[0-9]+))*"
#: A word inside a lowercase name ("the regional administration"), not an auxiliary.
_NAME_WORD = r"(?!(?:were|was|is|are|had|has|have|been|be|will|would|also|that|which|who)\b)[\w'-]+"
_ATTRIBUTED = [
    re.compile(r"\b(?i:according)\s+to\s+(?:(?:figures|data|estimates|statistics|numbers|a\s+statement|"
               r"a\s+report|an?\s+(?:\w+\s+)?(?:count|tally|toll)|records)\s+(?:\w+\s+)?(?:from|by|of)\s+"
               r"(?:the\s+)?)?"
               r"(?P<c>[^,.;:()\"]{2,80}?)(?=\s*(?:[,.;:()\"]|$|\s+on\s|\s+as\s|\s+in\s))"),
    re.compile(r"(?P<c>" + _NAME + r")\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?" + _VERBS + r"\b"),
    re.compile(rf"(?P<c>(?i:the)\s+(?:{_NAME_WORD}\s+){{0,3}}{_NAME_WORD})\s+(?:has\s+|have\s+|had\s+)?"
               + _VERBS + r"\b"),
    # "..., said the regional governor": a speech verb before the name (not "verified the
    # deaths of", whose object is what was counted)
    re.compile(r"\b(?:said|says|added|wrote|stated|tweeted|warned|reported|announced)\s+"
               r"(?P<c>the\s+[^,.;:()\"]{2,60}?|" + _NAME + r")(?=\s*(?:[,.;:()\"]|$))"),
    re.compile(r"\b(?:released|published|compiled|provided|issued|given)\s+by\s+(?P<c>[^,.;:()\"]{2,60}?)"
               r"(?=\s*(?:[,.;:()\"]|$|\s+on\s))"),
    # "Example Observatory, a Britain-based monitor, said": a name, its apposition, the verb
    re.compile(r"(?P<c>" + _NAME + r"),\s+(?:a|an|the)\s+[^,;:()\"]{3,60},\s+" + _VERBS + r"\b"),
    # "the figure the ministry gave last week was 9,800": the body that gave the figure
    re.compile(r"\b(?i:figure|toll|count|number|estimate|tally)\s+(?:that\s+)?"
               r"(?P<c>(?i:the\s+)?(?:[A-Z][\w'.&-]*\s+){0,5}(?:[A-Z][\w'.&-]*|(?i:ministry|office|agency|army|authorities)))"
               r"\s+(?:gave|released|published|reported|issued|cited|announced|put\s+out)\b"),
    # "civil defence officials said", "hospital sources told ..."
    re.compile(r"(?P<c>\b(?:[a-z][\w-]+\s+){1,3}(?:officials?|authorities|medics?|doctors?|sources?|"
               r"spokesman|spokeswoman|spokesperson|workers|rescuers|residents?|witness(?:es)?))\s+"
               + _VERBS + r"\b"),
]  # fmt: skip
_NOT_A_CLAIMANT = re.compile(
    r"^(?:it|they|he|she|we|i|you|this|that|there|which|who|the\s+figure|the\s+figures|"
    r"the\s+toll|the\s+data|the\s+report|the\s+number|the\s+count|officials?|sources?|"
    r"an?|some|about|nearly|almost|around|roughly|the\s+real\s+\w+|the\s+actual\s+\w+)$",
    re.I,
)


#: A finite verb inside a would-be name makes it a clause: "the real toll is far higher".
_CLAUSE_IN_NAME = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|may|might|gave|give|gives|"
    r"did|does|do|says?|said)\b",
    re.I,
)


@dataclass
class Attribution:
    text: str
    key: str | None
    start: int  # offsets of the name in the sentence it was found in
    end: int
    sentence: int = -1  # index of that sentence in its paragraph
    attributed: bool = True  # False: a known claimant merely named ("in 149 UNRWA schools")
    base: int | None = None  # offset of its sentence in the text, when from another paragraph


_ATTRIBUTION_AFTER = re.compile(
    r"^(?:\s+(?:in|of|for)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})?"  # "ministry in Sanaa said"
    r"\s*,?\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?" + _VERBS + r"\b",
    re.I,
)
_ATTRIBUTION_BEFORE = re.compile(r"(?:\baccording\s+to|\b" + _VERBS + r"|\bby)\s+$", re.I)


def _attributions(sentence: str, gaz: Gazetteer) -> tuple[list[Attribution], bool]:
    """Attributions found in a sentence, best first, and whether the sentence attributes
    to a pronoun ("it said") that refers to an earlier claimant.

    Best: a known claimant in an attribution ("Ukraine's military said"), then an unknown
    name in one ("according to Example Monitor"), then a known claimant merely named."""
    known = gaz.claimants_in(sentence)
    found: list[tuple[int, int, Attribution]] = []  # (rank, position, attribution)
    for k in known:
        attributed = _ATTRIBUTION_AFTER.match(sentence[k.end :]) or _ATTRIBUTION_BEFORE.search(
            sentence[: k.start]
        )
        found.append(
            (
                0 if attributed else 2,
                k.start,
                Attribution(k.text, k.key, k.start, k.end, attributed=bool(attributed)),
            )
        )
    for rx in _ATTRIBUTED:
        for m in rx.finditer(sentence):
            s, e = m.span("c")
            name = m.group("c").strip()
            if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
                name, e = name[:-1], e - 1  # "told Example Wire.": the sentence's full stop
            if any(k.start < e and s < k.end for k in known):
                continue
            if any(0 <= s - k.end <= 12 and re.fullmatch(r"\s+(?:in|of|for|based\s+in)\s+",
                   sentence[k.end : s]) for k in known):  # fmt: skip
                continue  # "the health ministry in Sanaa said": Sanaa says where, not who
            if _NOT_A_CLAIMANT.match(name) or _PRONOUN.match(m.group(0)):
                continue
            if _CLAUSE_IN_NAME.search(name):
                continue  # "say the real toll is far higher": a clause, not a body
            article = re.match(r"(?i:the)\s+(?=[A-Z])", name)
            if article:  # "the Example Monitor" is named "Example Monitor"
                s += article.end()
                name = sentence[s:e].strip()
            found.append((1, s, Attribution(name, gaz.vocab.claimant_key(name), s, s + len(name))))
    found.sort(key=lambda t: (t[0], t[1]))
    pronoun = bool(_PRONOUN.search(sentence)) and not any(r < 2 for r, _, _ in found)
    return [a for _, _, a in found], pronoun


# --- dates -------------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?!\d)"  # "June 2014" is a month, not 20 June
_DATE = (
    rf"(?:{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2})"
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = r"(?:" + "|".join(_WEEKDAYS) + r")"
_NUMBER_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)"
_MONTHS_ANY = (
    {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
    | {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
    | {"sept": 9}
)


@dataclass
class Period:
    start: date | None = None
    end: date | None = None
    cumulative: bool | None = None  # None: the metric's default decides


def _parse_date(text: str, ref: date) -> date | None:
    """An explicit date ("Feb. 24", "15 February 2023"), the most recent one not after
    `ref` when the year is left out (dateparser, PREFER_DATES_FROM past)."""
    cleaned = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bof\s+", "", text, flags=re.I).replace(".", " ")
    parsed = dateparser.parse(
        cleaned,
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(ref.year, ref.month, ref.day),
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    return parsed.date() if parsed else None


def _weekday(name: str, ref: date) -> date:
    """The most recent such weekday on or before `ref`: a paper dated Tuesday writing
    "on Tuesday" means that day, "on Monday" the day before."""
    back = (ref.weekday() - _WEEKDAYS.index(name.lower())) % 7
    return ref - timedelta(days=back)


def _month_span(month: int, year: int | None, ref: date) -> tuple[date, date]:
    if year is None:
        year = ref.year if month <= ref.month else ref.year - 1
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _count(word: str) -> int:
    if word.isdigit():
        return int(word)
    if word.lower() in ("a", "an"):
        return 1
    return int(text2num(word.lower(), "en"))


_TIME = r"(?:(?:\d{1,2}(?:[:.]\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}:\d{2}|midnight|noon)\s+(?:on\s+)?)"
_ON_DAY = re.compile(
    rf"\b(?:on|early|late|last)\s+(?:on\s+)?(?:(?P<w>{_WEEKDAY})(?:,?\s+(?P<wd>{_DATE}))?|(?P<d>{_DATE}))"
    rf"|\b{_VERBS}\s+(?P<w2>{_WEEKDAY})\b",
    re.I,
)
_SPEAKING = re.compile(rf"\b{_VERBS}\b", re.I)


def day_mentions(sentence: str, published: date) -> list[tuple[str, date]]:
    """("statement" | "event", day) for each "on Monday" / "on 14 February" in a sentence.

    A day right after an attribution ("said early on Tuesday", "released by X on Monday")
    is when the claimant spoke; any other ("killed in Kherson on Friday") is when the
    counted events happened."""
    out = []
    for m in _ON_DAY.finditer(sentence):
        if m.group("wd") or m.group("d"):
            day = _parse_date(m.group("wd") or m.group("d"), published)
        else:
            day = _weekday(m.group("w") or m.group("w2"), published)
        if day is None or day > published:
            continue
        words_before = " ".join(sentence[: m.start()].split()[-5:])
        spoken = m.group("w2") or _SPEAKING.search(words_before)
        out.append(("statement" if spoken else "event", day))
    s = sentence.lower()
    if re.search(r"\byesterday\b", s):
        out.append(("statement" if _SPEAKING.search(s) else "event", published - timedelta(days=1)))
    return out


def statement_date(sentence: str, published: date) -> date | None:
    """The day the claimant spoke: "said early on Tuesday, February 14", "said on Monday"."""
    return next((d for kind, d in day_mentions(sentence, published) if kind == "statement"), None)


def _since_start(rest: str, ref: date) -> date | None:
    """The start named after "since": a date, a weekday ("since Friday"), a month
    ("since January": its first day); none for "since the start of the war"."""
    rest = rest.lower()
    d = re.search(_DATE, rest)
    if d:
        return _parse_date(d.group(0), ref)
    w = re.match(rf"\s*(?:last\s+)?({_WEEKDAY})\b", rest)
    if w:
        day = _weekday(w.group(1), ref)
        return day - timedelta(days=7) if day == ref else day
    year = re.match(r"\s*((?:19|20)\d\d)\b", rest)
    if year:
        return date(int(year.group(1)), 1, 1)
    mo = re.match(rf"\s*({_MONTH})(?:\s+(\d{{4}}))?(?!\w)", rest)
    if mo and mo.group(1).strip(". ") in _MONTHS_ANY:
        month = _MONTHS_ANY[mo.group(1).strip(". ")]
        return _month_span(month, int(mo.group(2)) if mo.group(2) else None, ref)[0]
    return None


def period_of(sentence: str, published: date, spoken: date | None) -> Period:
    """The period a sentence's figures cover, resolved against the publication date."""
    s = sentence.lower()
    ref = min(spoken or published, published)
    # An explicit period: "between 1 February and July 31", "from 4 a.m. on 24 February to
    # midnight on 15 March 2022". One starting on the first of a month is a reporting
    # period; one starting elsewhere (the day of the invasion) counts since that day.
    m = re.search(
        rf"\b(?:between|from)\s+{_TIME}?(?P<a>{_DATE}|{_MONTH})\s+(?:and|to|until|through|-)\s+"
        rf"{_TIME}?(?P<b>{_DATE})",
        s,
    )
    if m:
        end = _parse_date(m.group("b"), ref)
        a = m.group("a").strip(". ")
        start = _parse_date(m.group("a"), end or ref) if end and a not in _MONTHS_ANY else None
        if start is None and end and a in _MONTHS_ANY:
            start = date(end.year, _MONTHS_ANY[a], 1)
        if start and end and start > end:
            start = start.replace(year=start.year - 1)
        if start and end:
            reporting = start.day == 1 and (end - start).days <= 366
            return Period(start, end, False if reporting else None)
    if re.search(r"(?<!since )\blast\s+year\b", s) and not re.search(r"\bsince\s+last\s+year", s):
        return Period(date(ref.year - 1, 1, 1), date(ref.year - 1, 12, 31), False)
    since = re.search(r"\bsince\b(?P<rest>[^;]{0,60})", s)
    end = None
    m = re.search(
        rf"\b(?:as\s+of|as\s+at|to|until|till|through|up\s+to|by)\s+{_TIME}?(?P<d>{_DATE})",
        s,
    )
    if m:
        end = _parse_date(m.group("d"), ref)
    if since:
        return Period(_since_start(since.group("rest"), end or ref), end or ref, True)
    # A window ending on the day of the statement: "over the past 24 hours", "overnight".
    if re.search(
        r"\b(?:over|in|during|within|for)\s+the\s+(?:past|last|previous)\s+"
        r"(?:24|twenty-four)\s+hours\b|\bover\s+the\s+(?:past|last)\s+day\b|\bovernight\b",
        s,
    ):
        return Period(ref - timedelta(days=1), ref, False)
    m = re.search(
        rf"\b(?:over|in|during|within|for)\s+the\s+(?:past|last|previous)\s+(?P<n>{_NUMBER_WORD})?"
        r"\s*(?P<u>hours?|days?|weeks?|months?|years?)\b",
        s,
    )
    if m:
        return Period(
            _back(ref, _count(m.group("n")) if m.group("n") else 1, m.group("u")), ref, False
        )
    if re.search(r"\blast\s+week\b", s):
        monday = ref - timedelta(days=ref.weekday() + 7)
        return Period(monday, monday + timedelta(days=6), False)
    if re.search(r"\b(?:over|at|during)\s+the\s+weekend\b|\blast\s+weekend\b", s):
        sunday = ref - timedelta(days=(ref.weekday() + 1) % 7)
        return Period(sunday - timedelta(days=1), sunday, False)
    if re.search(r"\bthis\s+week\b", s):
        return Period(ref - timedelta(days=ref.weekday()), ref, False)
    if re.search(r"\blast\s+month\b", s):
        first = ref.replace(day=1) - timedelta(days=1)
        return Period(first.replace(day=1), first, False)
    # A calendar year: "last year" is the whole previous year, "this year" runs to the day.
    if re.search(r"\blast\s+year\b|\bthe\s+previous\s+year\b|\bthe\s+past\s+year\b(?!\s+and)", s):
        if re.search(r"\b(?:over|in|during|within)\s+the\s+past\s+year\b", s):
            return Period(_back(ref, 1, "year"), ref, False)
        return Period(date(ref.year - 1, 1, 1), date(ref.year - 1, 12, 31), False)
    m = re.search(
        r"\b(?:in\s+)?the\s+first\s+(?P<n>half|quarter|three\s+months|six\s+months|"
        r"nine\s+months)\s+of\s+(?:the\s+year|this\s+year|(?P<y>(?:19|20)\d\d))\b",
        s,
    )
    if m:
        year = int(m.group("y")) if m.group("y") else ref.year
        months = {"half": 6, "quarter": 3, "three months": 3, "six months": 6, "nine months": 9}[
            " ".join(m.group("n").split())
        ]
        stop = date(year, months, calendar.monthrange(year, months)[1])
        return Period(date(year, 1, 1), min(stop, published), False)
    if re.search(r"\b(?:so\s+far\s+)?this\s+year\b", s):
        return Period(date(ref.year, 1, 1), ref, False)
    m = re.search(
        rf"\b(?:in|during|for|throughout)\s+(?P<m>{_MONTH})(?:\s+(?P<y>\d{{4}}))?(?!\w)", s
    )
    if m and m.group("m").strip(". ") in _MONTHS_ANY and not re.match(r"\s*\d", s[m.end() :]):
        year = int(m.group("y")) if m.group("y") else None
        start, stop = _month_span(_MONTHS_ANY[m.group("m").strip(". ")], year, ref)
        return Period(start, min(stop, published), False)
    m = re.search(r"\b(?:in|during|for|throughout)\s+(?:all\s+of\s+)?(?P<y>(?:19|20)\d{2})\b", s)
    if m:
        year = int(m.group("y"))
        return Period(date(year, 1, 1), min(date(year, 12, 31), published), False)
    if end:
        return Period(None, end, None)
    # One day of events: "killed in the Kherson region on Friday".
    event = next((d for kind, d in day_mentions(sentence, published) if kind == "event"), None)
    if event:
        return Period(event, event, False)
    return Period(None, None, None)


def _back(ref: date, n: int, unit: str) -> date:
    """`ref` minus n hours (in whole days), days, weeks, months or years."""
    unit = unit.rstrip("s")
    if unit == "hour":
        return ref - timedelta(days=max(1, round(n / 24)))
    if unit in ("day", "week"):
        return ref - timedelta(days=n * (7 if unit == "week" else 1))
    months = n * (12 if unit == "year" else 1)
    y, mo = divmod(ref.year * 12 + ref.month - 1 - months, 12)
    return date(y, mo + 1, min(ref.day, calendar.monthrange(y, mo + 1)[1]))


# --- what is counted -------------------------------------------------------------------------------

#: Words that make a number a count of things no metric tracks ("14 tanks", "300 strikes"),
#: and words that break a toll down by sex or age when no metric does ("12 men"). A metric
#: that lists one of them as its population (buildings damaged) takes it over.
_THING_WORDS = (
    r"weapons?|tanks?|drones?|missiles?|rockets?|shells?|attacks|strikes|air\s*strikes|buildings?|"
    r"houses?|homes?|schools?|hospitals?|vehicles?|aircraft|planes?|artillery|capabilities|"
    r"positions?|kilometres|kilometers|square|hectares?|tonnes?|doses|trucks|bombs|"
    r"applications|cases|reports|documents|sorties|prisoners|pows|dollars|euros|incidents|"
    r"events|projectiles|rounds|mines|munitions|guns|rifles|meals|calories|beds|litres|liters|"
    r"facilities|sites|targets|tunnels|locations|checkpoints|camps|shelters|centres|centers|"
    r"inmates|trucks|lorries|convoys|percent|per\s*cent"
)
_BREAKDOWN_WORDS = r"boys|girls|men|women|adults|elderly"
THING = frozenset({"<thing>"})
BREAKDOWN = frozenset({"<breakdown>"})


def _word_regex(word: str) -> str:
    """A signal word as a pattern: spaces match any spacing, '*' any word ending."""
    parts = [re.escape(w).replace(r"\*", r"[\w'-]*") for w in word.split()]
    return r"\s+".join(parts)


def _word_key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass
class _WordSet:
    """Signal words of one kind (populations or outcomes), each with the metrics it signals."""

    pattern: re.Pattern[str] | None
    exact: dict[str, frozenset[str]]
    wild: list[tuple[re.Pattern[str], frozenset[str]]]

    @classmethod
    def build(cls, words: dict[str, set[str]], extra: dict[str, frozenset[str]] | None = None):
        exact: dict[str, frozenset[str]] = {}
        wild: list[tuple[re.Pattern[str], frozenset[str]]] = []
        regexes = []
        for word, metrics in words.items():
            rx = _word_regex(word)
            regexes.append((len(word), rx))
            if "*" in word:
                wild.append((re.compile(rx, re.I), frozenset(metrics)))
            else:
                exact[_word_key(word)] = frozenset(metrics)
        for rx, label in (extra or {}).items():
            regexes.append((0, rx))
            wild.append((re.compile(rx, re.I), label))
        regexes.sort(key=lambda t: -t[0])  # longest first: "killed or injured" over "killed"
        alternation = "|".join(rx for _, rx in regexes)
        pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.I) if regexes else None
        return cls(pattern, exact, wild)

    def label(self, text: str) -> frozenset[str] | None:
        found = self.exact.get(_word_key(text))
        if found is not None:
            return found
        return next((lab for rx, lab in self.wild if rx.fullmatch(text)), None)

    def first(
        self,
        text: str,
        last: bool = False,
        skip: tuple = (),
        fits: frozenset[str] | None = None,
    ) -> frozenset[str] | None:
        """The metrics of the first (or last) signal word in `text`; with `fits`, the first
        that signals one of those metrics, if any does ("944 received injuries": injuries,
        not the "received" of bodies received)."""
        if self.pattern is None:
            return None
        labels = [self.label(m.group(0)) for m in self.pattern.finditer(text)]
        labels = [lab for lab in labels if lab is not None and lab not in skip]
        if last:
            labels.reverse()
        if fits:
            fitting = [lab for lab in labels if lab & fits]
            if fitting:
                return fitting[0]
        return labels[0] if labels else None


@dataclass
class Signals:
    """The metrics of a vocabulary as the extractor reads them: which population and which
    outcome words signal which metrics (data/metrics.yaml `signals`). A figure's metric is
    the one both its population and its outcome words signal."""

    populations: _WordSet
    outcomes: _WordSet
    standalone: dict[frozenset[str], str]
    people: frozenset[str] | None  # "people": a toll that does not say civilians
    civilians: frozenset[str] | None
    killed: frozenset[str] | None
    injured: frozenset[str] | None
    casualties: frozenset[str] | None

    @classmethod
    def build(cls, vocab: Vocabulary) -> Signals:
        pops: dict[str, set[str]] = {}
        outs: dict[str, set[str]] = {}
        alone: dict[str, set[str]] = {}
        for key, metric in vocab.metrics.items():
            sig = metric.signals or {}
            for w in sig.get("population") or []:
                pops.setdefault(w.casefold(), set()).add(key)
            for w in sig.get("standalone") or []:
                pops.setdefault(w.casefold(), set()).add(key)
                alone.setdefault(w.casefold(), set()).add(key)
            for w in sig.get("outcome") or []:
                outs.setdefault(w.casefold(), set()).add(key)
        taken = {_word_key(w) for w in pops}
        things = "|".join(
            w for w in _THING_WORDS.split("|") if not any(re.fullmatch(w, t) for t in taken)
        )
        breakdown = "|".join(
            w for w in _BREAKDOWN_WORDS.split("|") if not any(re.fullmatch(w, t) for t in taken)
        )
        extra = {}
        if things:
            extra[things] = THING
        if breakdown:
            extra[breakdown] = BREAKDOWN
        populations = _WordSet.build(pops, extra)
        outcomes = _WordSet.build(outs)
        standalone = {}
        for word, metrics in alone.items():
            if len(metrics) == 1:
                standalone[populations.label(word)] = next(iter(metrics))

        def pop(word: str) -> frozenset[str] | None:
            return populations.label(word)

        return cls(
            populations,
            outcomes,
            standalone,
            pop("people"),
            pop("civilians"),
            outcomes.label("killed"),
            outcomes.label("injured"),
            outcomes.label("casualties"),
        )

    def metric(self, population: frozenset[str] | None, outcome: frozenset[str] | None):
        """The one metric both words signal; None when none or several do."""
        if population is None or population in (THING, BREAKDOWN):
            return None
        if outcome is None:
            return self.standalone.get(population)
        both = population & outcome
        if not both and population in self.standalone:
            return self.standalone[population]  # "recorded 2,490 kidnappings"
        return next(iter(both)) if len(both) == 1 else None


_signals: dict[int, tuple[weakref.ref, tuple, Signals]] = {}


def signals(vocab: Vocabulary) -> Signals:
    """The vocabulary's signals, built again when a metric is added to it."""
    shape = tuple(vocab.metrics)
    hit = _signals.get(id(vocab))
    if hit and hit[0]() is vocab and hit[1] == shape:
        return hit[2]
    sig = Signals.build(vocab)
    _signals[id(vocab)] = (weakref.ref(vocab), shape, sig)
    return sig


_CIVILIAN = re.compile(r"\bcivilian|цивільн|гражданск|мирн\w+\s+(?:жител|мешкан)", re.I)
#: "does not distinguish between civilians and fighters": civilians named, not counted.
_NOT_CIVILIAN = re.compile(
    r"\b(?:not|n't|never|without)\s+(?:\w+\s+){0,3}(?:distinguish|separate|differentiat|"
    r"break\w*\s+down|specify|say\s+how\s+many)\w*",
    re.I,
)
#: Civilians named as what is counted ("the civilian toll", "civilian casualties have been
#: recorded"), not merely named ("does not separate fighters from civilians").
_CIVILIANS_COUNTED = re.compile(
    r"\bcivilian\s+(?:toll|casualt\w+|deaths?|dead|victims|harm|fatalit\w+|injur\w+)"
    r"|\bcivilians?\s+(?:(?:have|had|has|were|was|are|being)\s+(?:been\s+)?)?"
    r"(?:killed|injured|wounded|died|hurt)\b",
    re.I,
)
#: "79 journalists were killed, 72 of them Palestinians": a part of the figure before it.
_SUBSET_AFTER = re.compile(r"\s+of\s+(?:them|whom|those)\b", re.I)
_SUBSET = re.compile(
    r"\b(?:including|includes|included|among\s+them|of\s+whom|of\s+them|among\s+whom)\s*(?:\w+\s+){0,2}$",
    re.I,
)
_CLAUSE_END = re.compile(r"[,;:()\[\]]|\s-\s|\band\b|\bbut\b|\bwhile\b|\bwhereas\b|\bwhich\b", re.I)


# --- figures -------------------------------------------------------------------------------------

_QUALIFIERS = [
    (Qualifier.at_least, r"at\s+least|no\s+(?:fewer|less)\s+than|a\s+minimum\s+of|not\s+less\s+than"),
    (Qualifier.at_most, r"up\s+to|as\s+many\s+as|at\s+most|no\s+more\s+than|a\s+maximum\s+of"),
    (Qualifier.fewer_than, r"fewer\s+than|less\s+than|under|below"),
    (Qualifier.more_than, r"more\s+than|over|above|in\s+excess\s+of|upwards\s+of|exceeding|exceeded|surpassed|"
                          r"(?:has|have|had)\s+(?:now\s+)?(?:passed|topped|crossed)"),
    (Qualifier.about, r"about|around|some|nearly|almost|approximately|approx\.?|roughly|an\s+estimated|"
                      r"estimated|close\s+to|circa|~"),
]  # fmt: skip
_QUALIFIER_RX = [(q, re.compile(rf"(?<![\w-])(?:{rx})\s*$", re.I)) for q, rx in _QUALIFIERS]

#: "30 May" is a date, "30 may have died" is not.
_NOT_MODAL = r"(?!\s+(?:have|be|been|not|also|well|still|never|yet)\b)"
_NOT_A_COUNT_AFTER = re.compile(
    r"^(?:\s*(?:%|per\s*cent|percent|km\b|kilomet|miles?\b|met(?:re|er)s?\b|m\b|kg\b|tonnes?\b|"
    r"tons?\b|square\b|sq\b|hectares?\b|degrees?\b|°|mm\b|cm\b|"
    r"hours?\b|days?\b|weeks?\b|months?\b|years?\b|minutes?\b|seconds?\b|decades?\b|nights?\b|"
    r"a\.?m\b|p\.?m\b|am\b|pm\b|h\b|hrs\b|o'clock|gmt\b|utc\b|kyiv\s+time|local\s+time|"
    r"dollars|euros|hryvnias?|pounds\s+sterling|usd\b|eur\b|uah\b|"
    rf"(?:st|nd|rd|th)\b|(?:of\s+)?{_MONTH}(?!\w){_NOT_MODAL})|[:.]\d|-(?:year|month|week|day)|-[a-z])",
    re.I,
)
_NOT_A_COUNT_BEFORE = re.compile(
    rf"(?:\b{_MONTH}\s*|\b(?:aged?|ages|age\s+of|number|no\.|page|article|resolution|paragraph|"
    r"flight|route|unit|brigade|regiment|battalion|division|corps|army|platoon|highway|"
    r"room|building|house|apartment|version|model)\s*|[$€£]\s*|\b(?:us\$|usd|eur|uah)\s*|"
    r"[a-z]-|[:.\d]|\bround\s+)$",
    re.I,
)
_COUNT_WORD_NEXT = re.compile(
    r"\s+(?:civilians?|people|children|killed|dead|deaths|injured|wounded)\b", re.I
)
_IDIOMS_ONE = re.compile(r"^\s+(?:of|another|day|year|point|time|side|way|more|by)\b", re.I)


@dataclass
class _Figure:
    number: Number
    value: int | None
    low: int | None
    high: int | None
    start: int
    end: int
    qualifier: str = Qualifier.exact
    population: frozenset[str] | None = None  # the metrics its population words signal
    outcome: frozenset[str] | None = None  # the metrics its outcome words signal
    subset_of: int | None = None  # index of the figure it is part of ("including 14 children")


def _figures(sentence: str, lang: str = "en") -> list[_Figure]:
    numbers = [n for n in find_numbers(sentence, lang) if n.kind != "vague" and n.value is not None]
    out: list[_Figure] = []
    skip = set()
    for i, n in enumerate(numbers):
        if i in skip:
            continue
        before, after = sentence[max(0, n.start - 40) : n.start], sentence[n.end : n.end + 40]
        if _NOT_A_COUNT_AFTER.match(after) or (
            n.kind == "digits" and _NOT_A_COUNT_BEFORE.search(before)
        ):
            continue
        if n.kind == "digits" and re.match(r"0\d", n.text):
            continue  # "Synthetic claimant 01", "No. 05": counts are not written with a 0
        if (
            n.kind == "digits"
            and re.fullmatch(r"(?:19|20)\d\d", n.text)
            and not _COUNT_WORD_NEXT.match(after)
        ):
            continue  # a year, unless a count word follows at once ("1982 killed")
        if (
            n.kind == "words"
            and n.text.lower() == "one"
            and (
                _IDIOMS_ONE.match(after)
                or re.search(r"\b(?:every|no|any|each|the|this|that)\s+$", before, re.I)
            )
        ):
            continue
        fig = _Figure(n, n.value, None, None, n.start, n.end)
        # A range: "between 40 and 50", "40-50", "40 to 50" (not "from 40 to 50": a change).
        if i + 1 < len(numbers):
            nxt = numbers[i + 1]
            joint = sentence[n.end : nxt.start]
            between = re.search(r"\bbetween\s+$", before, re.I)
            if (
                (
                    (re.fullmatch(r"\s*-\s*", joint) or re.fullmatch(r"\s+to\s+", joint, re.I))
                    and not re.search(r"\bfrom\s+$", before, re.I)
                    or (between and re.fullmatch(r"\s+and\s+", joint, re.I))
                )
                and nxt.value is not None
                and nxt.value > n.value
                and not _NOT_A_COUNT_AFTER.match(sentence[nxt.end : nxt.end + 40])
            ):
                fig = _Figure(n, None, n.value, nxt.value, n.start, nxt.end)
                skip.add(i + 1)
        lead = re.sub(r"\bbetween\s+$", "", before, flags=re.I)
        for q, rx in _QUALIFIER_RX:
            if rx.search(lead):
                fig.qualifier = q
                break
        tail = sentence[fig.end : fig.end + 12]
        if fig.qualifier == Qualifier.exact and re.match(
            r"\s*(?:\+|or\s+more|and\s+more)", tail, re.I
        ):
            fig.qualifier = Qualifier.at_least
        if fig.qualifier == Qualifier.exact and n.text.lower().strip() in ("a dozen", "dozen"):
            fig.qualifier = Qualifier.about
        out.append(fig)
    return out


#: A verb of the figure's own clause ("and that it had sent 2,000 troops"): such a figure
#: does not borrow its neighbour's outcome.
_OWN_VERB = re.compile(r"\b(?:had|has|have|was|were|is|are|will|would|sent|put|\w{3,}ed)\b", re.I)


def _classify(
    sentence: str, figures: list[_Figure], sig: Signals, civilian_context: bool = False
) -> None:
    """Population and outcome of each figure, from its own words, then its neighbours'."""
    own_verb = []
    no_people = (THING, BREAKDOWN)
    for i, f in enumerate(figures):
        prev_end = figures[i - 1].end if i else 0
        before_all = sentence[prev_end : f.start]
        chained = (
            i
            and figures[i - 1].subset_of is not None
            and re.fullmatch(r"\s*(?:\w+\s+){0,2}(?:,|and|,\s*and)\s*", before_all, re.I)
        )
        if i and (_SUBSET.search(before_all) or _SUBSET_AFTER.match(sentence, f.end) or chained):
            # "5,614 civilians were killed, including 362 children": part of the main figure.
            main = i - 1
            while figures[main].subset_of is not None:
                main = figures[main].subset_of
            f.subset_of = main
        next_start = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
        after = sentence[f.end : next_start]
        cut = _CLAUSE_END.search(after)
        after = after[: cut.start()] if cut else after
        cuts = list(_CLAUSE_END.finditer(before_all))
        before = before_all[cuts[-1].end() :] if cuts else before_all
        own_verb.append(bool(_OWN_VERB.search(before) or _OWN_VERB.search(after)))
        # What a number counts follows it ("14 tanks"); words before it name people only
        # ("the number of civilians killed ... to 458"), never things ("missile strike").
        f.population = sig.populations.first(after) or sig.populations.first(
            before, last=True, skip=no_people
        )
        fits = f.population if f.population not in (THING, BREAKDOWN) else None
        f.outcome = sig.outcomes.first(after, fits=fits) or sig.outcomes.first(
            before, last=True, fits=fits
        )
        if f.outcome is None and fits is not None:
            # "79 journalists and media workers had been killed": the verb after a
            # coordinated noun phrase, up to the next figure, when it fits what is counted
            # "1.9 million people, or about 85 per cent of the population, had been forced
            # from their homes": the clause after one parenthetical, not a later one
            parts = re.split(r"[,;:()]", sentence[f.end : next_start])
            clause = (
                parts[2]
                if len(parts) > 2
                and parts[1]
                .strip()
                .startswith(("or ", "about ", "roughly ", "nearly ", "almost ", "some "))
                else parts[0]
            )
            rest = sig.outcomes.first(clause, fits=fits)
            if rest is not None and rest & fits:
                f.outcome = rest
    for i, f in enumerate(figures):
        if f.subset_of is not None or f.outcome is not None:
            continue
        # "1,684 people, including 116 children, have been wounded": the verb comes after
        # the subset clause; look past it, up to the next main figure.
        j = i + 1
        while j < len(figures) and figures[j].subset_of is not None:
            j += 1
        if j > i + 1:
            stop = figures[j].start if j < len(figures) else len(sentence)
            f.outcome = sig.outcomes.first(sentence[figures[j - 1].end : stop])
    for i, f in enumerate(figures):
        if f.subset_of is not None:
            main = figures[f.subset_of]
            if f.population in (None, sig.people) and main.population not in (None, THING):
                f.population = main.population  # "72 of them Palestinians": journalists still
            if f.outcome is None or (
                f.population not in (None, THING, BREAKDOWN)
                and main.outcome is not None
                and not (f.outcome & f.population)
            ):
                f.outcome = main.outcome  # "717,000 of them were sheltering": displaced
            continue
        prev = next(
            (figures[j] for j in range(i - 1, -1, -1) if figures[j].subset_of is None), None
        )
        if prev is None:
            continue
        if prev.population not in (None, THING, BREAKDOWN) and (
            f.population is None
            or (f.population == sig.people and prev.population == sig.civilians)
        ):
            f.population = prev.population
        if (
            f.outcome is None
            and prev.outcome
            and f.population == prev.population
            and not own_verb[i]
        ):
            f.outcome = prev.outcome
    # Right-node raising: "killed 570 and injured 1,528 young people".
    for i in range(len(figures) - 2, -1, -1):
        f, nxt = figures[i], figures[i + 1]
        joint = sentence[f.end : nxt.start]
        if (
            f.population is None
            and nxt.population not in (None, THING, BREAKDOWN)
            and re.fullmatch(r"\s*(?:,|and|,\s*and)\s+(?:\w+\s+){0,3}", joint, re.I)
        ):
            f.population = nxt.population
    # "People" killed are civilians only where the figure's own sentence says so (or the
    # paragraph has said civilians are what it counts), and does not say the count fails
    # to tell civilians from fighters.
    civilian = (
        civilian_context or _CIVILIAN.search(sentence) is not None
    ) and not _NOT_CIVILIAN.search(sentence)
    for f in figures:
        if (
            civilian
            and sig.civilians is not None
            and f.population in (sig.people, None)
            and f.outcome is not None
            and f.outcome in (sig.killed, sig.injured, sig.casualties)
        ):
            f.population = sig.civilians


def _metric(f: _Figure, sig: Signals) -> tuple[bool, str | None]:
    """(is it a figure worth proposing, the metric key or None when unsure)."""
    if f.population in (THING, BREAKDOWN) and f.outcome is None:
        return False, None
    if f.population == THING:
        return False, None  # "14 tanks destroyed": no metric counts tanks
    if f.outcome is None and f.population not in sig.standalone:
        return False, None  # "300 more troops", "200 residents evacuated": not a toll
    population = f.population
    if f.outcome in (sig.killed, sig.injured, sig.casualties) and (
        population is None or (population == BREAKDOWN and f.subset_of is None)
    ):
        # "the death toll passed 30,000", "60 men were executed": people, not civilians
        population = sig.people
    return True, sig.metric(population, f.outcome)


def _distributed_qualifier(sentence: str, figures: list[_Figure], sig: Signals) -> None:
    """ "At least 2,526 civilians were killed and 12,162 injured": the lower bound covers
    both halves of a killed-and-injured pair (not "about five in A and six in B")."""
    for i in range(1, len(figures)):
        f, prev = figures[i], figures[i - 1]
        if (
            f.qualifier == Qualifier.exact
            and prev.qualifier in (Qualifier.at_least, Qualifier.more_than)
            and f.subset_of is None
            and prev.subset_of is None
            and {prev.outcome, f.outcome} == {sig.killed, sig.injured}
            and re.search(
                r"\band\s+(?:another\s+|a\s+further\s+)?$", sentence[prev.end : f.start], re.I
            )
        ):
            f.qualifier = prev.qualifier


# --- places ----------------------------------------------------------------------------------


def _place_for(f: _Figure, i: int, figures: list[_Figure], places: list[Mention]) -> Mention | None:
    next_start = figures[i + 1].start if i + 1 < len(figures) else 10**9
    prev_end = figures[i - 1].end if i else -1
    after = [p for p in places if f.end <= p.start < next_start]
    if after:
        return after[0]
    before = [p for p in places if prev_end <= p.start and p.end <= f.start]
    if before:
        return before[-1]
    if places:
        return min(places, key=lambda p: abs(p.start - f.start))
    return None


# --- the whole pipeline --------------------------------------------------------------------------


def extract_candidates(
    text: str, published: date, vocab: Vocabulary, lang: str = "en", use_world: bool = True
) -> list[Candidate]:
    """Propose claims found in `text`, an article published on `published`.

    `vocab` is a `tracker.domain.lookup.Vocabulary`, from the database (`Vocabulary.load`) or
    from the data files (`tracker.files.reading.load_vocabulary`), so that this works offline."""
    if isinstance(published, datetime):
        published = published.date()
    gaz = gazetteer(vocab)
    sig = signals(vocab)
    world = load_world() if use_world else None
    prepared = text.translate(_ONE_FOR_ONE)
    mentions = _place_mentions(prepared, gaz, world)
    country = _article_country(mentions, vocab)
    country_mention = next(
        (
            m
            for m in mentions
            if m.key == country
            or (m.key and _is_country(m.key, vocab) and _country_of(m.key, vocab) == country)
        ),
        None,
    )
    conflict = vocab.conflict_for({country}, published) if country else None
    out: list[Candidate] = []
    carried: Attribution | None = None  # the last attribution of an earlier paragraph
    for p_start, p_end in _paragraphs(prepared):
        sentences = _sentences(prepared, p_start, p_end)
        info = []
        for s, e in sentences:
            sentence = prepared[s:e]
            attributions, pronoun = _attributions(sentence, gaz)
            info.append((attributions, pronoun))
        civilians_counted = False  # an earlier sentence said civilians are what it counts
        previous: _Figure | None = None  # the last sentence's main figure
        last_said = [(j, a) for j, (atts, _) in enumerate(info) for a in atts[:1] if a.attributed]
        for idx, (s, e) in enumerate(sentences):
            sentence = prepared[s:e]
            figures = _figures(sentence, lang)
            negated = _NOT_CIVILIAN.search(sentence) is not None
            if not figures:
                civilians_counted = (civilians_counted and not negated) or bool(
                    _CIVILIANS_COUNTED.search(sentence) and not negated
                )
                continue
            _classify(sentence, figures, sig, civilians_counted)
            first = figures[0]
            if (
                previous is not None
                and first.population is None
                and re.match(r"\s+(?:others|more)\b", sentence[first.end :])
            ):
                first.population = previous.population  # "17 others were wounded": children
            if previous is not None and _SUBSET_AFTER.match(sentence, first.end):
                # "Around 717,000 of them were sheltering ...": part of the last sentence's
                if first.population in (None, sig.people):
                    first.population = previous.population
                if first.outcome is None or not (
                    first.population and first.outcome & first.population
                ):
                    first.outcome = previous.outcome
            civilians_counted = (civilians_counted and not negated) or any(
                f.population == sig.civilians for f in figures
            )
            mains = [f for f in figures if f.subset_of is None and f.outcome is not None]
            previous = mains[-1] if mains else previous
            _distributed_qualifier(sentence, figures, sig)
            claimant = _claimant_for(idx, info, carried)
            claimant_places = _claimant_places(claimant, gaz)
            spoken = statement_date(sentence, published)
            if (
                spoken is None
                and claimant is not None
                and claimant.base is None
                and claimant.sentence != idx
            ):
                cs, ce = sentences[claimant.sentence]
                spoken = statement_date(prepared[cs:ce], published)
            period = period_of(sentence, published, spoken)
            if (
                period.cumulative
                and period.start is None
                and conflict is not None
                and _SINCE_THE_WAR.search(sentence)
            ):
                period = Period(conflict.start, period.end, True)
            claimant_spans = [(m.start, m.end) for m in gaz.claimants_in(sentence)]
            places = [
                Mention(m.start - s, m.end - s, m.text, m.key)
                for m in mentions
                if s <= m.start
                and m.end <= e
                and not any(m.start - s < ce and cs < m.end - s for cs, ce in claimant_spans)
                and not (
                    _ACTOR_AFTER.match(prepared, m.end)
                    and not _PLACE_PREPOSITION.search(prepared, max(0, m.start - 12), m.start)
                )
                and not any(a.start <= m.start - s and m.end - s <= a.end for a in info[idx][0])
            ]
            para_places = [
                m
                for m in mentions
                if p_start <= m.start and m.end <= p_end and m.key and not _is_country(m.key, vocab)
            ]
            for i, f in enumerate(figures):
                keep, metric = _metric(f, sig)
                if not keep:
                    continue
                speaker = _nearest(info[idx][0], f.start)
                speaker = _at(speaker, idx) if speaker else claimant
                place = _place_for(f, i, figures, places)
                if place is None and claimant_places:
                    place = claimant_places[0]
                if place is None and len({m.key for m in para_places}) == 1:
                    place = para_places[0]
                if place is None:
                    place = country_mention
                default_cumulative = vocab.metrics[metric].cumulative if metric else None
                cumulative = (
                    period.cumulative if period.cumulative is not None else default_cumulative
                )
                end = period.end or spoken or published
                end = min(end, published)
                start = period.start if period.start and period.start <= end else None
                out.append(
                    Candidate(
                        metric=metric,
                        value=f.value,
                        low=f.low,
                        high=f.high,
                        qualifier=str(
                            f.qualifier.value if isinstance(f.qualifier, Qualifier) else f.qualifier
                        ),
                        claimant=_written(text, sentences, speaker),
                        claimant_key=speaker.key if speaker else None,
                        place=place.text if place else None,
                        place_key=place.key if place else None,
                        period_start=start,
                        period_end=end,
                        cumulative=cumulative,
                        quote=text[s:e],
                        start=s + f.start,
                        end=s + f.end,
                    )
                )
        if last_said:
            j, a = last_said[-1]
            carried = Attribution(
                a.text,
                a.key,
                a.start,
                a.end,
                j,
                True,
                sentences[j][0] if a.base is None else a.base,
            )
    return out


#: A place that acts ("Russia killed 661 children", "Israel said") is a party, not where.
_ACTOR_AFTER = re.compile(
    r"(?:'s\s+(?:forces|army|military|troops|strikes?|attacks?|shelling|bombardment))?\s+"
    r"(?:has\s+|have\s+|had\s+)?(?:killed|struck|attacked|shelled|bombed|launched|fired|"
    r"invaded|said|says|claimed|reported)\b",
    re.I,
)
_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|near|on|from|across|around|outside|of)\s+$", re.I)
#: A running total "since the war began": its start is the conflict's (data/conflicts.yaml).
_SINCE_THE_WAR = re.compile(
    r"\bsince\s+(?:the\s+)?(?:start|beginning|outbreak|onset)\s+of\s+(?:the\s+)?"
    r"(?:war|conflict|fighting|invasion|hostilities|offensive)"
    r"|\bsince\s+(?:the\s+)?(?:war|conflict|fighting|invasion|hostilities)\s+"
    r"(?:began|started|broke\s+out|erupted)"
    r"|\bsince\s+[\w'-]+\s+(?:invasion|war)\b",
    re.I,
)


def _place_mentions(text: str, gaz: Gazetteer, world: World | None) -> list[Mention]:
    """Places named in the whole text: the vocabulary's (curated names first), then the
    world gazetteer's for names it lacks, settled by the article's countries."""
    own = gaz.places_in(text)
    if world is None:
        return own
    taken = [(m.start, m.end) for m in own] + [(m.start, m.end) for m in gaz.claimants_in(text)]
    countries = tuple(
        dict.fromkeys(c for c in (_country_of(m.key, gaz.vocab) for m in own) if c is not None)
    ) + article_countries(text, world, taken)
    # A body's name in an attribution ("Example Haiti Rights Network said") tells which
    # country the article is about, but is not where its figures happened.
    said = [
        m.span("c")
        for rx in _ATTRIBUTED
        for m in rx.finditer(text)
        if re.match(r"(?:the\s+)?[A-Z]", m.group("c").strip())  # a proper name, not a clause
        and not _CLAUSE_IN_NAME.search(m.group("c"))
        and not re.search(
            r"\b(?:in|of|for|near)\s+$", text[max(0, m.start("c") - 12) : m.start("c")]
        )
    ]
    own = [m for m in own if not any(s <= m.start and m.end <= e for s, e in said)]
    taken += said
    countries = tuple(dict.fromkeys(countries))
    found = [
        Mention(m.start, m.end, m.text, m.place.key)
        for m in find_places(text, world, taken, countries)
    ]
    # A place named after "in", "near" or "the village of" that no gazetteer knows is kept
    # as written (no key), so that the candidate shows it instead of a wider place.
    busy = taken + [(m.start, m.end) for m in found]
    unknown = [
        Mention(m.start("n"), m.end("n"), m.group("n"), None)
        for m in _UNKNOWN_PLACE.finditer(text)
        if not any(m.start("n") < e and s < m.end("n") for s, e in busy)
        and m.group("n").split()[0].casefold() not in STOP
    ]
    return sorted(own + found + unknown, key=lambda m: m.start)


_UNKNOWN_PLACE = re.compile(
    r"\b(?:the\s+(?:village|town|city|camp|neighbou?rhood|district|area)\s+of|"
    r"(?:in|near|outside)\s+the\s+(?:village|town|camp)\s+of|in|near|outside)\s+"
    r"(?P<n>[A-Z][\w'’-]+(?:[\s-][A-Z][\w'’-]+){0,2})"
)


def _country_of(key: str | None, vocab: Vocabulary) -> str | None:
    """The ISO country a place key belongs to: its own code's prefix, or the gazetteer's."""
    if not key:
        return None
    head = key.split("-")[0]
    if re.fullmatch(r"[A-Z]{2}", head):
        return head
    if key.startswith("gn-"):
        place = load_world().get(key)
        return place.country if place else None
    return None


def _is_country(key: str, vocab: Vocabulary) -> bool:
    place = vocab.places.get(key)
    if place is not None:
        return place.level == "country"
    return re.fullmatch(r"[A-Z]{2}", key) is not None


def _article_country(mentions: list[Mention], vocab: Vocabulary) -> str | None:
    """The country the article names most (countries weigh more than towns)."""
    counts: Counter[str] = Counter()
    for m in mentions:
        c = _country_of(m.key, vocab)
        if c:
            counts[c] += 3 if _is_country(m.key or "", vocab) else 1
    return counts.most_common(1)[0][0] if counts else None


def _claimant_for(
    idx: int,
    info: list[tuple[list[Attribution], bool]],
    carried: Attribution | None = None,
) -> Attribution | None:
    """The sentence's own attribution; else, for "she said", the nearest earlier one (in
    this paragraph, else the last of an earlier paragraph); else a later sentence of the
    paragraph; else an earlier one; else a claimant the sentence merely names."""
    own, pronoun = info[idx]
    said = [a for a in own if a.attributed]
    if said:
        return _at(said[0], idx)
    earlier = [(j, a) for j in range(idx - 1, -1, -1) for a in info[j][0][:1] if a.attributed]
    later = [(j, a) for j in range(idx + 1, len(info)) for a in info[j][0][:1] if a.attributed]
    order = (earlier + later) if pronoun else (later + earlier)
    if order:
        j, a = order[0]
        return _at(a, j)
    if pronoun and carried is not None:
        return carried
    if own:
        return _at(own[0], idx)
    # "The figures come from the monthly update of the UN human rights office."
    named = [(j, info[j][0][0]) for j in (*range(idx + 1, len(info)), *range(idx - 1, -1, -1))
             if info[j][0]]  # fmt: skip
    if named:
        j, a = named[0]
        return _at(a, j)
    return None


def _at(a: Attribution, sentence: int) -> Attribution:
    return Attribution(a.text, a.key, a.start, a.end, sentence, a.attributed, a.base)


def _nearest(own: list[Attribution], figure_start: int) -> Attribution | None:
    """Of a sentence's several attributions, the one governing a figure: the nearest before
    it ("X said 5 ..., while Y reported that 7 ..."), else the first."""
    said = [a for a in own if a.attributed]
    if len(said) < 2:
        return None
    before = [a for a in said if a.start < figure_start]
    return max(before, key=lambda a: a.start) if before else said[0]


def _written(text: str, sentences: list[tuple[int, int]], a: Attribution | None) -> str | None:
    """The claimant's name exactly as the article writes it (curly apostrophe and all)."""
    if a is None:
        return None
    start = a.base if a.base is not None else sentences[a.sentence][0]
    return text[start + a.start : start + a.end]


def _claimant_places(claimant: Attribution | None, gaz: Gazetteer) -> list[Mention]:
    """ "The governor of the Donetsk region said": the claimant's own name places it."""
    if claimant is None or not claimant.text:
        return []
    return [m for m in gaz.places_in(claimant.text) if m.key]


def suggest_claimant(candidate: Candidate, vocab: Vocabulary) -> str | None:
    """For an unknown claimant, the closest known one (rapidfuzz), to show, never to apply."""
    if candidate.claimant and not candidate.claimant_key:
        return vocab.suggest_claimant(candidate.claimant)
    return None


__all__ = ["Candidate", "extract_candidates", "suggest_claimant"]
