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
        ]

    def places_in(self, text: str, offset: int = 0) -> list[Mention]:
        return [
            Mention(offset + s, offset + e, t, self.vocab.place_key(t))
            for s, e, t in _find(self.place_patterns, text)
        ]


def _alias_regex(alias: str) -> str:
    parts = []
    for token in alias.translate(_ONE_FOR_ONE).split():
        letters = token.replace(".", "")
        if re.fullmatch(r"[A-Z]{2,4}", letters) and re.fullmatch(r"(?:[A-Z]\.?){2,4}", token):
            parts.append(r"\.?".join(letters) + r"\.?")  # UN, U.N., U.N
        else:
            parts.append(re.escape(token))
    return r"\s+".join(parts)


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
               r"a\s+report)\s+(?:\w+ed\s+)?(?:from|by|of)\s+)?"
               r"(?P<c>[^,.;:()\"]{2,80}?)(?=\s*(?:[,.;:()\"]|$|\s+on\s|\s+as\s|\s+in\s))"),
    re.compile(r"(?P<c>" + _NAME + r")\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?" + _VERBS + r"\b"),
    re.compile(rf"(?P<c>(?i:the)\s+(?:{_NAME_WORD}\s+){{0,3}}{_NAME_WORD})\s+(?:has\s+|have\s+|had\s+)?"
               + _VERBS + r"\b"),
    re.compile(r"\b" + _VERBS + r"\s+(?P<c>the\s+[^,.;:()\"]{2,60}?|" + _NAME + r")(?=\s*(?:[,.;:()\"]|$))"),
    re.compile(r"\b(?:released|published|compiled|provided|issued|given)\s+by\s+(?P<c>[^,.;:()\"]{2,60}?)"
               r"(?=\s*(?:[,.;:()\"]|$|\s+on\s))"),
]  # fmt: skip
_NOT_A_CLAIMANT = re.compile(
    r"^(?:it|they|he|she|we|i|you|this|that|there|which|who|the\s+figure|the\s+figures|"
    r"the\s+toll|the\s+data|the\s+report|the\s+number|the\s+count|officials?|sources?)$",
    re.I,
)


@dataclass
class Attribution:
    text: str
    key: str | None
    start: int  # offsets of the name in the sentence it was found in
    end: int
    sentence: int = -1  # index of that sentence in its paragraph


_ATTRIBUTION_AFTER = re.compile(
    r"^\s*,?\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?" + _VERBS + r"\b", re.I
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
        found.append((0 if attributed else 2, k.start, Attribution(k.text, k.key, k.start, k.end)))
    for rx in _ATTRIBUTED:
        for m in rx.finditer(sentence):
            s, e = m.span("c")
            name = m.group("c").strip()
            if any(k.start < e and s < k.end for k in known):
                continue
            if _NOT_A_CLAIMANT.match(name) or _PRONOUN.match(m.group(0)):
                continue
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
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
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
    if re.search(r"\bthis\s+week\b", s):
        return Period(ref - timedelta(days=ref.weekday()), ref, False)
    if re.search(r"\blast\s+month\b", s):
        first = ref.replace(day=1) - timedelta(days=1)
        return Period(first.replace(day=1), first, False)
    m = re.search(
        rf"\b(?:in|during|for|throughout)\s+(?P<m>{_MONTH})(?:\s+(?P<y>\d{{4}}))?(?!\w)", s
    )
    if m and m.group("m").strip(". ") in _MONTHS_ANY and not re.match(r"\s*\d", s[m.end() :]):
        year = int(m.group("y")) if m.group("y") else None
        start, stop = _month_span(_MONTHS_ANY[m.group("m").strip(". ")], year, ref)
        return Period(start, min(stop, published), False)
    m = re.search(r"\b(?:in|during|for|throughout)\s+(?P<y>(?:19|20)\d{2})\b", s)
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

_POPULATIONS = [
    ("civilian", r"civilians?|non-combatants|civilian\s+population|цивільн\w*|гражданск\w*"),
    ("children", r"children|child|kids|minors|juveniles|young\s+ukrainians|young\s+people"),
    ("breakdown", r"boys|girls|men|women|adults|elderly"),
    ("military", r"soldiers|troops|servicemen|service\s*members|military\s+personnel|fighters|combatants"),
    ("settlements", r"settlements?|towns?|villages?|localities|communities|населен\w+\s+пункт\w*"),
    ("refugees", r"refugees"),
    ("people", r"people|persons|individuals|ukrainians|residents|inhabitants|others|victims"),
    ("thing", r"weapons?|tanks?|drones?|missiles?|rockets?|shells?|attacks|strikes|buildings?|"
              r"houses?|homes?|schools?|hospitals?|vehicles?|aircraft|planes?|artillery|capabilities|"
              r"positions?|kilometres|kilometers|square|hectares?|tonnes?|doses|trucks|"
              r"applications|cases|reports|documents|sorties|prisoners|pows|dollars|euros"),
]  # fmt: skip
_OUTCOMES = [
    ("casualties", r"casualties|killed\s+or\s+(?:injured|wounded)|dead\s+(?:and|or)\s+(?:injured|wounded)|victims|"
                   r"загибел\w*\s+(?:або|чи|і)\s+поранен\w*|гибел\w*\s+(?:или|и)\s+ранен\w*"),
    ("killed", r"killed|dead|deaths?|died|death\s+toll|lives|fatalities|perished|загибл\w*|погибл\w*"),
    ("injured", r"injured|wounded|injuries|injury|hurt|поранен\w*|ранен\w*"),
    ("attacked", r"repelled|repulsed|fought\s+off|відбили|отбили"),
    ("shelled", r"shelled|shelling|hit|struck|under\s+(?:\w+\s+)?fire|targeted|bombarded|attacked"),
    ("fled", r"fled|fleeing|flee|crossed|left\s+ukraine|arrived"),
]  # fmt: skip
_POP_RX = [(k, re.compile(rf"(?<![\w-])(?:{rx})(?![\w-])", re.I)) for k, rx in _POPULATIONS]
_PEOPLE_RX = [(k, rx) for k, rx in _POP_RX if k not in ("thing", "breakdown")]
_OUT_RX = [(k, re.compile(rf"(?<![\w-])(?:{rx})(?![\w-])", re.I)) for k, rx in _OUTCOMES]
_METRICS = {
    ("civilian", "killed"): "civilian_killed",
    ("civilian", "injured"): "civilian_injured",
    ("civilian", "casualties"): "civilian_casualties",
    ("children", "killed"): "children_killed",
    ("children", "injured"): "children_injured",
    ("military", "killed"): "military_killed",
    ("settlements", "attacked"): "settlements_attacked",
    ("settlements", "shelled"): "settlements_shelled",
    ("refugees", "fled"): "refugees_fled",
    ("refugees", None): "refugees_fled",
    ("refugees", "recorded"): "refugees_recorded",
}
_CIVILIAN = re.compile(r"\bcivilian|цивільн|гражданск|мирн\w+\s+(?:жител|мешкан)", re.I)
_SUBSET = re.compile(
    r"\b(?:including|includes|included|among\s+them|of\s+whom|of\s+them|among\s+whom)\s*(?:\w+\s+){0,2}$",
    re.I,
)
_CLAUSE_END = re.compile(r"[,;:()\[\]]|\s-\s|\band\b|\bbut\b|\bwhile\b|\bwhereas\b|\bwhich\b", re.I)


def _first(rxs: list[tuple[str, re.Pattern[str]]], text: str, last: bool = False) -> str | None:
    """The kind of the first (or last) word of `rxs` in `text`; at one position the longer
    phrase wins ("killed or injured" over "killed")."""
    hits = [(m.start(), -len(m.group(0)), k) for k, rx in rxs for m in rx.finditer(text)]
    if not hits:
        return None
    if last:
        top = max(h[0] for h in hits)
        return min(h for h in hits if h[0] == top)[2]
    return min(hits)[2]


# --- figures -------------------------------------------------------------------------------------

_QUALIFIERS = [
    (Qualifier.at_least, r"at\s+least|no\s+(?:fewer|less)\s+than|a\s+minimum\s+of|not\s+less\s+than"),
    (Qualifier.at_most, r"up\s+to|as\s+many\s+as|at\s+most|no\s+more\s+than|a\s+maximum\s+of"),
    (Qualifier.fewer_than, r"fewer\s+than|less\s+than|under|below"),
    (Qualifier.more_than, r"more\s+than|over|above|in\s+excess\s+of|upwards\s+of|exceeding|exceeded|surpassed"),
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
    population: str | None = None
    outcome: str | None = None
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


def _classify(sentence: str, figures: list[_Figure], context_civilian: bool) -> None:
    """Population and outcome of each figure, from its own words, then its neighbours'."""
    own_verb = []
    for i, f in enumerate(figures):
        prev_end = figures[i - 1].end if i else 0
        before_all = sentence[prev_end : f.start]
        if i and _SUBSET.search(before_all):
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
        f.population = _first(_POP_RX, after) or _first(_PEOPLE_RX, before, last=True)
        f.outcome = _first(_OUT_RX, after) or _first(_OUT_RX, before, last=True)
        if f.population == "refugees" and re.search(r"\beurope", sentence[f.start :], re.I):
            f.outcome = "recorded"
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
            f.outcome = _first(_OUT_RX, sentence[figures[j - 1].end : stop])
    for i, f in enumerate(figures):
        if f.subset_of is not None:
            f.outcome = f.outcome or figures[f.subset_of].outcome
            f.population = f.population or figures[f.subset_of].population
            continue
        prev = next(
            (figures[j] for j in range(i - 1, -1, -1) if figures[j].subset_of is None), None
        )
        if prev is None:
            continue
        if prev.population not in (None, "thing", "breakdown") and (
            f.population is None or (f.population == "people" and prev.population == "civilian")
        ):
            f.population = prev.population
        if (
            f.outcome is None
            and prev.outcome
            and f.population == prev.population
            and not own_verb[i]
        ):
            f.outcome = prev.outcome
    # Right-node raising: "killed 570 and injured 1,528 young Ukrainians".
    for i in range(len(figures) - 2, -1, -1):
        f, nxt = figures[i], figures[i + 1]
        joint = sentence[f.end : nxt.start]
        if (
            f.population is None
            and nxt.population not in (None, "thing", "breakdown")
            and re.fullmatch(r"\s*(?:,|and|,\s*and)\s+(?:\w+\s+){0,3}", joint, re.I)
        ):
            f.population = nxt.population
    for f in figures:
        if (
            f.population in ("people", None)
            and f.outcome in ("killed", "injured", "casualties")
            and context_civilian
        ):
            f.population = "civilian"


def _metric(f: _Figure, vocab: Vocabulary) -> tuple[bool, str | None]:
    """(is it a figure worth proposing, the metric key or None when unsure)."""
    if f.population in ("thing", "breakdown"):
        return False, None
    if f.outcome is None and f.population != "refugees":
        return False, None  # "300 more troops", "200 residents evacuated": not a toll
    key = _METRICS.get((f.population, f.outcome))
    return True, key if key in vocab.metrics else None


def _distributed_qualifier(sentence: str, figures: list[_Figure]) -> None:
    """ "At least 2,526 civilians were killed and 12,162 injured": the lower bound covers
    both halves of a killed-and-injured pair (not "about five in A and six in B")."""
    for i in range(1, len(figures)):
        f, prev = figures[i], figures[i - 1]
        if (
            f.qualifier == Qualifier.exact
            and prev.qualifier in (Qualifier.at_least, Qualifier.more_than)
            and f.subset_of is None
            and prev.subset_of is None
            and {prev.outcome, f.outcome} == {"killed", "injured"}
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
    text: str, published: date, vocab: Vocabulary, lang: str = "en"
) -> list[Candidate]:
    """Propose claims found in `text`, an article published on `published`.

    `vocab` is a `tracker.domain.lookup.Vocabulary`, from the database (`Vocabulary.load`) or
    from the data files (`tracker.files.reading.load_vocabulary`), so that this works offline."""
    if isinstance(published, datetime):
        published = published.date()
    gaz = gazetteer(vocab)
    prepared = text.translate(_ONE_FOR_ONE)
    all_places = gaz.places_in(prepared)
    country_counts = Counter(p.key for p in all_places if p.key in gaz.countries)
    country = country_counts.most_common(1)[0][0] if country_counts else None
    country_mention = next((p for p in all_places if p.key == country), None)
    out: list[Candidate] = []
    for p_start, p_end in _paragraphs(prepared):
        sentences = _sentences(prepared, p_start, p_end)
        paragraph = prepared[p_start:p_end]
        civilian_context = _CIVILIAN.search(paragraph) is not None
        info = []
        for s, e in sentences:
            sentence = prepared[s:e]
            attributions, pronoun = _attributions(sentence, gaz)
            info.append((attributions, pronoun))
        for idx, (s, e) in enumerate(sentences):
            sentence = prepared[s:e]
            figures = _figures(sentence, lang)
            if not figures:
                continue
            _classify(sentence, figures, civilian_context)
            _distributed_qualifier(sentence, figures)
            claimant = _claimant_for(idx, info, sentences, prepared)
            claimant_places = _claimant_places(claimant, gaz)
            spoken = statement_date(sentence, published)
            if spoken is None and claimant is not None and claimant.sentence != idx:
                cs, ce = sentences[claimant.sentence]
                spoken = statement_date(prepared[cs:ce], published)
            period = period_of(sentence, published, spoken)
            claimant_spans = [(m.start, m.end) for m in gaz.claimants_in(sentence)]
            places = [
                m
                for m in gaz.places_in(sentence)
                if not any(m.start < ce and cs < m.end for cs, ce in claimant_spans)
            ]
            para_places = [
                m for m in gaz.places_in(paragraph) if m.key and m.key not in gaz.countries
            ]
            for i, f in enumerate(figures):
                keep, metric = _metric(f, vocab)
                if not keep:
                    continue
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
                        claimant=_written(text, sentences, claimant),
                        claimant_key=claimant.key if claimant else None,
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
    return out


def _claimant_for(
    idx: int,
    info: list[tuple[list[Attribution], bool]],
    sentences: list[tuple[int, int]],
    text: str,
) -> Attribution | None:
    """The sentence's own attribution; else, for "it said", the nearest earlier one; else
    a later sentence of the paragraph; else an earlier one."""
    own, pronoun = info[idx]
    if own:
        return Attribution(own[0].text, own[0].key, own[0].start, own[0].end, idx)
    earlier = [(j, info[j][0][0]) for j in range(idx - 1, -1, -1) if info[j][0]]
    later = [(j, info[j][0][0]) for j in range(idx + 1, len(info)) if info[j][0]]
    order = (earlier + later) if pronoun else (later + earlier)
    if order:
        j, a = order[0]
        return Attribution(a.text, a.key, a.start, a.end, j)
    return None


def _written(text: str, sentences: list[tuple[int, int]], a: Attribution | None) -> str | None:
    """The claimant's name exactly as the article writes it (curly apostrophe and all)."""
    if a is None:
        return None
    start = sentences[a.sentence][0]
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
