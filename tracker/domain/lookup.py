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

from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from tracker.domain.models import Claimant, Metric, Place

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u02bc": "'"})


@functools.lru_cache(maxsize=65_536)
def normalise_name(text: str) -> str:
    """The form aliases are compared in: 'The U.N. Human-Rights Office' -> 'un human rights office'.

    Cached: an import resolves every claim's claimant and place, and a large one names the
    same few hundred over and over (five regular expressions a name, each time)."""
    t = text.translate(_QUOTES).casefold().strip()
    t = re.sub(r"(?<=\b\w)\.(?=\w\.)|(?<=\b\w)\.(?=\s|$)", "", t)  # U.N. -> un, U.K. -> uk
    t = t.replace("-", " ").replace("_", " ")
    t = re.sub(r"[\"(),;:]", " ", t)
    t = re.sub(r"\s+", " ", t).strip(" .")
    t = re.sub(r"^the ", "", t)
    return t


@dataclass
class Vocabulary:
    """All metrics, places and claimants, indexed by every name they answer to."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    claimants: dict[str, Claimant] = field(default_factory=dict)
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
        return vocab

    def add_metric(self, metric: Metric) -> None:
        self.metrics[metric.key] = metric

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
        return self.metrics.get(word.strip())

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
        return _suggest(word, {k: k for k in self.metrics}, lambda k: k)

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
    if not names:
        return None
    match = process.extractOne(
        normalise_name(word), list(names), scorer=fuzz.WRatio, score_cutoff=80
    )
    return describe(names[match[0]]) if match else None


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
