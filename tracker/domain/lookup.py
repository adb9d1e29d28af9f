"""Resolving the words people write ("the U.N. human rights office", "Donetsk region",
"UA-14") to the store's claimants, places and metrics.

Exact matching on a normalised form (case, curly quotes, dots in "U.N.", a leading "the")
decides; fuzzy matching (rapidfuzz) only suggests, in error messages and in the
extraction assistant, because a wrong silent match would put a figure in someone's mouth.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from tracker.domain.models import Claimant, Conflict, Metric, Place

_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
#: Words reporters write in full or in short for the same body: compared in their short form.
_SAME_WORDS = [
    (re.compile(r"\bunited nations\b"), "un"),
    (re.compile(r"\bu n\b"), "un"),
    (re.compile(r"\bministry of health\b"), "health ministry"),
    (re.compile(r"\bministry of defen[cs]e\b"), "defence ministry"),
    (re.compile(r"\bdefense\b"), "defence"),
    (re.compile(r"\bministry of (?:the )?interior\b"), "interior ministry"),
    (re.compile(r"\bministry of foreign affairs\b"), "foreign ministry"),
    (re.compile(r"\borgani[sz]ation\b"), "organisation"),
    (re.compile(r"\bcent(?:er|re)\b"), "centre"),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"'s\b"), ""),  # "Ukraine's military" is "Ukraine military"
    (re.compile(r"'"), ""),  # "Doctors' Network", "Côte d'Ivoire"
]


@functools.lru_cache(maxsize=65_536)
def normalise_name(text: str) -> str:
    """The form aliases are compared in: 'The U.N. Human-Rights Office' -> 'un human rights office'.

    Cached: an import resolves every claim's claimant and place, and a large one names the
    same few hundred over and over (five regular expressions a name, each time)."""
    t = text.translate(_QUOTES).casefold().strip()
    t = re.sub(r"(?<=\b\w)\.(?=\w\.)|(?<=\b\w)\.(?=\s|$|')", "", t)  # U.N. -> un, U.K. -> uk
    t = t.replace("-", " ").replace("_", " ")
    t = re.sub(r"[\"(),;:!?\[\]]", " ", t)
    t = re.sub(r"\s+", " ", t).strip(" .")
    for rx, short in _SAME_WORDS:
        t = rx.sub(short, t)
    t = re.sub(r"\s+", " ", t).strip(" .")
    t = re.sub(r"^the ", "", t)
    return t


@dataclass
class Vocabulary:
    """All metrics, places and claimants, indexed by every name they answer to."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    claimants: dict[str, Claimant] = field(default_factory=dict)
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    _metric_names: dict[str, str] = field(default_factory=dict)
    _place_names: dict[str, str] = field(default_factory=dict)
    _claimant_names: dict[str, str] = field(default_factory=dict)
    _new_claimant_keys: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Vocabulary:
        vocab = cls()
        for m in session.exec(select(Metric)):
            vocab.add_metric(m)
        for p in session.exec(select(Place)):
            vocab.add_place(p)
        for c in session.exec(select(Claimant)):
            vocab.add_claimant(c)
        for w in session.exec(select(Conflict)):
            vocab.add_conflict(w)
        return vocab

    def add_conflict(self, conflict: Conflict) -> None:
        self.conflicts[conflict.key] = conflict

    def conflict_for(self, countries: Container[str], on: date | None = None) -> Conflict | None:
        """The conflict fought in one of `countries` that had begun by `on`: the latest
        begun, when several (a store holding two wars in one country)."""
        found = [
            c
            for c in self.conflicts.values()
            if any(code in countries for code in c.countries) and (on is None or c.start <= on)
        ]
        return max(found, key=lambda c: c.start) if found else None

    def add_metric(self, metric: Metric) -> None:
        self.metrics[metric.key] = metric
        self._metric_names.setdefault(normalise_name(metric.key), metric.key)

    def add_place(self, place: Place) -> None:
        self.places[place.key] = place
        for name in (place.key, place.name, place.iso_code, *(place.aliases or [])):
            if name:
                self._place_names.setdefault(normalise_name(name), place.key)

    def add_claimant(self, claimant: Claimant) -> None:
        self.claimants[claimant.key] = claimant
        self._new_claimant_keys.clear()  # a key they were given may be taken now
        for name in (claimant.key, claimant.name, claimant.short_name, *(claimant.aliases or [])):
            if name:
                self._claimant_names.setdefault(normalise_name(name), claimant.key)

    def metric(self, word: str) -> Metric | None:
        """By key, in any case and spacing ("people_killed", "People killed")."""
        found = self.metrics.get(word.strip())
        if found is None:
            key = self._metric_names.get(normalise_name(word))
            found = self.metrics.get(key) if key else None
        return found

    def place(self, word: str) -> Place | None:
        key = self._place_names.get(normalise_name(word))
        return self.places.get(key) if key else None

    def claimant(self, word: str) -> Claimant | None:
        key = self._claimant_names.get(normalise_name(word))
        return self.claimants.get(key) if key else None

    def place_key(self, word: str) -> str | None:
        return self._place_names.get(normalise_name(word))

    def claimant_key(self, word: str) -> str | None:
        return self._claimant_names.get(normalise_name(word))

    def suggest_place(self, word: str) -> str | None:
        return _suggest(word, self._place_names, lambda k: f"{self.places[k].name} ({k})")

    def suggest_claimant(self, word: str) -> str | None:
        return _suggest(word, self._claimant_names, lambda k: f"{self.claimants[k].name} ({k})")

    def suggest_metric(self, word: str) -> str | None:
        return _suggest(word, self._metric_names, lambda k: k)

    def new_claimant_key(self, name: str) -> str:
        """`new_key(name, self.claimants)`, worked out once per name while no claimant is
        added: an import that names a new claimant in thousands of claims keys it once."""
        key = self._new_claimant_keys.get(name)
        if key is None:
            key = self._new_claimant_keys[name] = new_key(name, self.claimants)
        return key

    def claimant_label(self, key: str) -> str:
        c = self.claimants.get(key)
        return (c.short_name or c.name) if c else key


def _suggest(word: str, names: dict[str, str], describe) -> str | None:  # noqa: ANN001
    """The known name closest to `word`, only when it is genuinely close: the whole name
    alike (a typo, a word missing or added), never one shared word ("Gaza health ministry"
    is not "Ukraine interior ministry", though both are ministries)."""
    if not names:
        return None
    wanted = normalise_name(word)
    matches = process.extract(wanted, list(names), scorer=fuzz.ratio, limit=5, score_cutoff=80)
    for name, _score, _ in matches:
        if _close(wanted, name):
            return describe(names[name])
    return None


def _close(a: str, b: str) -> bool:
    """Every word of each name has its like in the other (a typo at most): "Example interior
    ministry" is another body than "interior ministry", though it contains the name."""

    def covered(xs: list[str], ys: list[str]) -> bool:
        return all(any(fuzz.ratio(w, v) >= (75 if len(w) > 4 else 100) for v in ys) for w in xs)

    return covered(a.split(), b.split()) and covered(b.split(), a.split())


def new_key(name: str, taken: Container[str] = (), max_length: int = 60) -> str:
    """A key for a name the vocabulary does not know yet.

    The slug alone when it says what the name says (ASCII words); otherwise the slug plus a
    short hash of the normalised name. Slugs lose letters (a Cyrillic name slugs to nothing,
    two long names are cut at the same place), and two claimants sharing a key would put
    one claimant's figure in the other's mouth. `taken` are keys already in use.
    """
    normalised = normalise_name(name)
    slug = slugify(name, max_length)
    if slug.replace("_", " ") == normalised and slug not in taken:
        return slug
    digest = hashlib.sha1(normalised.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slugify(name, max_length - 9)}_{digest}"


def slugify(text: str, max_length: int = 60) -> str:
    """A key for a new claimant or place: lower-case ASCII words joined by underscores."""
    t = normalise_name(text)
    t = re.sub(r"[^a-z0-9]+", "_", t).strip("_")
    return (t or "unnamed")[:max_length]
