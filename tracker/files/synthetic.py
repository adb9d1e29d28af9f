"""A clearly fictional dataset of any size, for demos and for measuring speed at scale.

Nothing here may ever be mistaken for real data: every claimant is
"Synthetic claimant NN", every source lives under https://example.org/synthetic/, and every
source carries `synthetic=True`, which the dashboard turns into a banner on every page.

The dataset covers one conflict of data/conflicts.yaml (the store's first by default): its
start date begins every running total, its countries and their regions (ISO 3166-2) are the
places, and its default metric and place get the largest shares, so that the Figures page
opens on the busiest chart. The shape is what a newsroom's store looks like: ~10 metrics
(the keys of data/metrics.yaml), ~50 claimants, cumulative series that rise with small
downward revisions, per-day figures, ~5 claims per source, relays of another claimant's
statement marked `duplicate_of`, qualifiers and ranges in realistic proportions, and quotes
that contain their figures (so that the quote checks pass as they would on real entries).

Claimants disagree as real ones do: rarely, and about as often in a small store as in a
large one. Every claimant counts the same events for a metric and place (`_Count`), within
a percent of each other, and states them as a newsroom would ("more than 1,200" for a count
of 1,234, never above it); in a few (metric, place) pairs one claimant counts differently
throughout (a stricter or a wider method), which is what the claimant-disagreement check
then finds. Each region is reported by a handful of claimants (every claimant reports the
conflict's default place), so a claimant who counts differently is compared with a few
others at any size, not with fifty in a large store only. A claimant never states one
(metric, place, date) twice: that would be the same statement from two sources unmarked.

The generator is deterministic (one `random.Random(seed)`), and it yields plain input
dicts, the same words a data file would hold: `SourceIn` / `ClaimIn` accept them as they
are, so the normal write path can store them, and `tracker.store.bulk` turns them into the very
rows that path would write (tests/test_synthetic.py compares the two). It streams source by
source, so a million claims never sit in memory at once.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.core.errors import TrackerError
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Conflict, Source
from tracker.domain.vocab import QUALIFIER_WORDS, PlaceLevel
from tracker.store.write import natural_claim_key

if TYPE_CHECKING:
    from tracker.store.bulk import BulkReport
    from tracker.store.write import Actor

#: The metrics of data/metrics.yaml and their shares of the claims. The conflict's default
#: metric (the Figures page opens on it) takes the largest share, a quarter (the issue's
#: 1M store had 250k claims for the charted metric): civilians killed for Russia–Ukraine;
#: for a conflict whose default metric is not listed, it takes civilians killed's place.
METRIC_WEIGHTS: dict[str, float] = {
    "civilian_killed": 0.25,
    "civilian_injured": 0.12,
    "civilian_casualties": 0.08,
    "children_killed": 0.08,
    "children_injured": 0.07,
    "settlements_attacked": 0.1,
    "settlements_shelled": 0.1,
    "military_killed": 0.08,
    "refugees_fled": 0.06,
    "refugees_recorded": 0.06,
}
CLAIMANTS = 50
URL_PREFIX = "https://example.org/synthetic/"
#: Sources are spread from the conflict's start to this day (about four years of reporting
#: for Russia–Ukraine), a fixed day so that a seed gives the same data whenever it is run.
LAST_DAY = date(2025, 12, 25)
#: ... and over at least this many days for a conflict that began shortly before LAST_DAY.
MIN_DAYS = 30
#: Share of claims about the conflict's default place (every claimant reports it), at least
#: twice a region's share where a conflict has few places.
HEADLINE_SHARE = 0.1
#: How many of the conflict's other places (regions, countries) each claimant reports on:
#: a regional authority speaks for its region, a monitor for a few.
PLACES_PER_CLAIMANT = 3
#: How unevenly the places are reported: the r-th hottest weighs 1/r**HEAT (see `_covers`).
HEAT = 0.5
#: Share of claims by qualifier; the rest of the shares are ranges (low-high, no value).
QUALIFIER_SHARES = (
    ("exact", 0.55),
    ("about", 0.1),
    ("at_least", 0.15),
    ("more_than", 0.08),
    ("fewer_than", 0.02),
)
RANGE_SHARE = 0.1
RELAY_SHARE = 0.04  # claims that repeat another claimant's latest statement (duplicate_of)
REVISION_SHARE = 0.01  # cumulative figures revised slightly downwards ...
REVISION_DAYS = 31  # ... at most this long after the figure they revise
#: Share of the claims in (metric, place) pairs where one claimant counts differently from
#: the others, by DISSENT_FACTORS (a stricter or a wider method): the claimant
#: disagreements. A share of claims, not of pairs, so that it does not hang on whether the
#: few busiest pairs happen to be drawn (see `_dissent`).
DISSENT_SHARE = 0.05
DISSENT_FACTORS = ((0.7, 0.88), (1.12, 1.35))
#: How far claimants who agree stray from the shared count (rounding, timing); below
#: SPREAD_FROM they give the same figure (a handful of deaths is counted alike).
AGREEMENT_SPREAD = 0.01
SPREAD_FROM = 50
#: A cumulative count's daily rise swells and ebbs by this share over WOBBLE_DAYS.
WOBBLE, WOBBLE_DAYS = 0.3, 120
CORROBORATED_SHARE = 0.08
DISPUTED_SHARE = 0.02
#: The dashboard's banner on every page while any synthetic source is stored.
SYNTHETIC_WARNING = (
    "This store holds synthetic (fictional) data: the claimants, sources and figures were "
    "generated by `tracker demo` for testing and demonstration. Do not cite them."
)
DISPUTED_REASON = "Synthetic data: a second synthetic monitor gives a different figure."


def claimant_name(n: int) -> str:
    """The only kind of claimant name synthetic figures are ever attributed to."""
    return f"Synthetic claimant {n:02d}"


#: Every claimant a dataset may name, "Synthetic claimant 01" to "50".
CLAIMANT_NAMES = tuple(claimant_name(n) for n in range(1, CLAIMANTS + 1))


@dataclass(frozen=True)
class SyntheticMetric:
    key: str
    noun: str
    cumulative: bool
    weight: float = 0.0


@dataclass(frozen=True)
class SyntheticPlace:
    key: str
    name: str
    #: A whole country or the conflict's default place: tolls far larger than a region's.
    country: bool


@dataclass(frozen=True)
class SyntheticVocabulary:
    """The conflict, metrics and places the dataset uses, taken from the store so that every
    claim resolves (the dataset never invents a metric, a place or a war, only claimants).
    `places[0]` is the conflict's default place, which every claimant reports."""

    metrics: tuple[SyntheticMetric, ...]
    places: tuple[SyntheticPlace, ...]
    conflict: str
    conflict_name: str
    start: date

    @property
    def days(self) -> int:
        """How many days after `start` sources are published over."""
        return max(MIN_DAYS, (LAST_DAY - self.start).days)

    @classmethod
    def from_vocabulary(cls, vocab: Vocabulary, conflict: str | None = None) -> SyntheticVocabulary:
        """For `conflict` (a key of data/conflicts.yaml), by default the store's first."""
        war = _conflict(vocab, conflict)
        missing = [k for k in METRIC_WEIGHTS if k not in vocab.metrics]
        if missing:
            raise TrackerError(
                f"the store lacks the metric(s) {', '.join(missing)}; import data/metrics.yaml first"
            )
        weights = dict(METRIC_WEIGHTS)
        top = max(weights, key=weights.__getitem__)
        wanted = war.default_metric
        if wanted and wanted != top and wanted in vocab.metrics:
            # The conflict's own metric takes the top share (and, when not listed, its place).
            if wanted in weights:
                weights[top], weights[wanted] = weights[wanted], weights[top]
            else:
                weights = {(wanted if k == top else k): w for k, w in weights.items()}
        metrics = tuple(
            SyntheticMetric(k, vocab.metrics[k].noun, vocab.metrics[k].cumulative, w)
            for k, w in weights.items()
        )
        countries = [vocab.places[c] for c in war.countries if c in vocab.places]
        headline = vocab.places.get(war.default_place or "") or (
            countries[0] if countries else None
        )
        # A region belongs to the country its ISO 3166-2 code begins with (rows read from
        # the data files carry no parent ids to follow).
        regions = sorted(
            (
                p
                for p in vocab.places.values()
                if p.level == PlaceLevel.region
                and (p.iso_code or p.key).split("-")[0] in war.countries
            ),
            key=lambda p: p.key,
        )
        if headline is None:
            raise TrackerError(
                f"the store has no places of the conflict {war.key!r} (its countries "
                f"{', '.join(war.countries)} and their regions); import data/places.yaml first"
            )
        others = [c for c in countries if c.key != headline.key] + [
            r for r in regions if r.key != headline.key
        ]
        places = (SyntheticPlace(headline.key, headline.name, True),) + tuple(
            SyntheticPlace(p.key, p.name, p.level == PlaceLevel.country) for p in others
        )
        return cls(metrics, places, war.key, war.name, war.start)


def _conflict(vocab: Vocabulary, key: str | None, where: str = "the store's") -> Conflict:
    if not vocab.conflicts:
        raise TrackerError("the store names no conflict; import data/conflicts.yaml first")
    if key is None:
        # The first in the file: rows from a store come in id order, from files in file order.
        return min(vocab.conflicts.values(), key=lambda c: (c.id is None, c.id or 0))
    found = vocab.conflicts.get(key)
    if found is None:
        known = ", ".join(sorted(vocab.conflicts))
        raise TrackerError(f"there is no conflict {key!r}; {where} conflicts are {known}")
    return found


@dataclass
class SyntheticSource:
    """One source and its claims, as a data file would write them (input words)."""

    source: dict[str, Any]
    claims: list[dict[str, Any]]


@dataclass(frozen=True)
class _Count:
    """What every claimant counts for one (metric, place): a daily rate that swells and ebbs
    over months (a cumulative toll is never a straight line), the day-by-day figures of a
    per-period metric, and the one claimant, if any, who counts differently."""

    rate: float
    phase: float
    salt: int
    dissenter: int  # 0: nobody
    factor: float
    start: date

    def total(self, day: date) -> float:
        """The cumulative count from the conflict's start to `day` (rises every day:
        WOBBLE < 1)."""
        t = (day - self.start).days
        wave = math.sin(t * _OMEGA + self.phase) - math.sin(self.phase)
        return self.rate * (t + WOBBLE * wave / _OMEGA)

    def on(self, day: date) -> float:
        """The count for one day, the same for every claimant (a hash of the day, not a
        draw, so that it does not depend on who reports first)."""
        u = (((day.toordinal() ^ self.salt) * 2654435761) & 0xFFFFFFFF) / 0x100000000
        return self.rate * (0.2 + 1.6 * u)


_OMEGA = 2 * math.pi / WOBBLE_DAYS


def _count(
    rng: random.Random,
    metric: SyntheticMetric,
    place: SyntheticPlace,
    start: date,
    dissent: tuple[int, float],
) -> _Count:
    """The count of one (metric, place), and who counts it differently (`_dissent`)."""
    dissenter, factor = dissent
    return _Count(
        rate=_rate(rng, metric, place),
        phase=rng.uniform(0, 2 * math.pi),
        salt=rng.getrandbits(32),
        dissenter=dissenter,
        factor=factor,
        start=start,
    )


@dataclass
class _Series:
    """One (claimant, metric, place) series: the count it follows and how far from it this
    claimant strays (`bias`), what it counted last (`counted`, its own running figure, which
    only a revision lowers), and its latest statement, which relays repeat."""

    count: _Count
    bias: float
    claimant: int
    m: int
    p: int
    counted: int = 0
    claim: dict[str, Any] = field(default_factory=dict)
    url: str = ""

    def key(self) -> str:
        """The latest claim's key (what a relay names in `duplicate_of`)."""
        c = self.claim
        return natural_claim_key(
            self.url,
            c["metric"],
            _claimant_key(self.claimant),
            c["place"],
            c["period_start"],
            c["period_end"],
        )


def sources_for(n: int) -> int:
    """Roughly how many sources carry `n` claims (about five claims per source)."""
    return max(1, round(n / 5))


#: Draws of a (metric, place) a bulletin may spend on pairs its claimant has already stated
#: for every date up to the bulletin's; past that (a store far denser than a newsroom's, a
#: million claims over a month) it restates one, which the checks then find.
_TRIES = 60


def generate(n: int, *, seed: int = 1, vocab: SyntheticVocabulary) -> Iterator[SyntheticSource]:
    """Exactly `n` claims in about n/5 sources, the same for the same seed and vocabulary.

    Sources are published in date order from the conflict's start; each is one claimant's
    bulletin carrying 3 to 7 of its figures for distinct (metric, place) pairs, sometimes
    relaying another claimant's latest statement. Written for speed (a million claims):
    names and dates are formatted once, the metric is drawn by bisecting cumulative
    weights."""
    if n < 0:
        raise TrackerError("the number of synthetic claims cannot be negative")
    rng = random.Random(seed)
    random_ = rng.random
    metrics = vocab.metrics
    cum_weights = list(accumulate(m.weight for m in metrics))
    top = cum_weights[-1]
    places = vocab.places
    start, span = vocab.start, vocab.days
    names = [claimant_name(i) for i in range(CLAIMANTS + 1)]
    # Which of the other places each claimant reports on (the default place: all of them).
    others = list(range(1, len(places)))
    covers = _covers(rng, others)
    everyone = list(range(1, CLAIMANTS + 1))
    reporters = [everyone] + [[c for c in everyone if p in covers[c]] for p in others]
    headline = max(HEADLINE_SHARE, 2 / len(places))
    dissent = _dissent(rng, metrics, covers, reporters, headline)
    days = _DayWords(start)
    n_sources = sources_for(n)
    series: dict[tuple[int, int, int], _Series] = {}
    counts: dict[tuple[int, int], _Count] = {}
    recent: deque[_Series] = deque(maxlen=200)  # the series most recently reported
    made = 0
    index = 0
    while made < n:
        index += 1
        day = start + timedelta(days=1 + min(span - 1, (index - 1) * span // n_sources))
        author = 1 + int(random_() * CLAIMANTS)
        url = f"{URL_PREFIX}{seed}/{index:07d}"
        count = min(n - made, rng.randint(3, 7))
        claims: list[dict[str, Any]] = []
        used: set[tuple[int, int, int]] = set()
        tries = 0
        while len(claims) < count:
            m = bisect(cum_weights, random_() * top)
            if random_() < headline:
                p = 0
            else:
                mine = covers[author]
                p = mine[int(random_() * len(mine))]
            if recent and random_() < RELAY_SHARE:
                # Another claimant's recent statement, repeated by this bulletin.
                relay = recent[int(random_() * len(recent))]
                ident = (relay.claimant, relay.m, relay.p)
                if relay.claimant == author or ident in used:
                    continue
                used.add(ident)
                claim = relay.claim.copy()
                claim["duplicate_of"] = relay.key()
                claim.pop("status", None)
                claim.pop("status_reason", None)
            else:
                if (author, m, p) in used:
                    continue
                state = series.get((author, m, p))
                if state is None:
                    shared = counts.get((m, p))
                    if shared is None:
                        shared = counts[m, p] = _count(
                            rng, metrics[m], places[p], start, dissent.get((m, p), (0, 1.0))
                        )
                    bias = (
                        shared.factor
                        if shared.dissenter == author
                        else 1 + AGREEMENT_SPREAD * (2 * random_() - 1)
                    )
                    state = series[author, m, p] = _Series(
                        count=shared, bias=bias, claimant=author, m=m, p=p
                    )
                end = _next_end(rng, state, day, start)
                if end is None and tries < _TRIES:
                    tries += 1
                    continue
                used.add((author, m, p))
                claim = _claim(rng, metrics[m], places[p], names[author], end or day, state, days)
                state.claim, state.url = claim, url
                recent.append(state)
            _status(rng, claim)
            claims.append(claim)
        made += len(claims)
        source = {
            "url": url,
            "title": f"Synthetic bulletin {index} of {names[author]} (fictional data)",
            "publisher": names[author],
            "published": day,
            "language": "en",
            "synthetic": True,
        }
        yield SyntheticSource(source, claims)


def _covers(rng: random.Random, others: list[int]) -> list[list[int]]:
    """Which of `others` (places) each claimant reports on: every place by at least
    two claimants, and each claimant on PLACES_PER_CLAIMANT or so, drawn by how hot a place
    is (a random rank r weighs 1/r**HEAT, the front lines against quiet regions), so that a
    few places are reported by many claimants and most by a few."""
    order = others[:]
    rng.shuffle(order)
    heat = {p: 1 / (rank + 1) ** HEAT for rank, p in enumerate(order)}
    covers: list[list[int]] = [[] for _ in range(CLAIMANTS + 1)]
    for p in order:
        for c in rng.sample(range(1, CLAIMANTS + 1), 2):
            covers[c].append(p)
    for mine in covers[1:]:
        pool = {p: w for p, w in heat.items() if p not in mine}
        while pool and len(mine) < PLACES_PER_CLAIMANT:
            keys = list(pool)
            pick = rng.choices(keys, weights=[pool[k] for k in keys])[0]
            mine.append(pick)
            del pool[pick]
    return [mine or [0] for mine in covers]


def _dissent(
    rng: random.Random,
    metrics: tuple[SyntheticMetric, ...],
    covers: list[list[int]],
    reporters: list[list[int]],
    headline: float,
) -> dict[tuple[int, int], tuple[int, float]]:
    """The (metric, place) pairs in which one of the reporters counts differently, and its
    factor: pairs in a random order until they hold DISSENT_SHARE of the claims expected."""
    total = sum(m.weight for m in metrics)
    place_share = [headline] + [0.0] * (len(reporters) - 1)
    for mine in covers[1:]:
        for p in mine:
            place_share[p] += (1 - headline) / CLAIMANTS / len(mine)
    pairs = [(m, p) for m in range(len(metrics)) for p in range(len(reporters)) if reporters[p]]
    rng.shuffle(pairs)
    chosen: dict[tuple[int, int], tuple[int, float]] = {}
    share = 0.0
    for m, p in pairs:
        if share >= DISSENT_SHARE:
            break
        share += metrics[m].weight / total * place_share[p]
        low, high = DISSENT_FACTORS[int(rng.random() * len(DISSENT_FACTORS))]
        who = reporters[p][int(rng.random() * len(reporters[p]))]
        chosen[m, p] = (who, rng.uniform(low, high))
    return chosen


def _claimant_key(n: int) -> str:
    # What `tracker.domain.lookup.new_key` gives "Synthetic claimant NN" (a plain ASCII slug).
    return f"synthetic_claimant_{n:02d}"


def _rate(rng: random.Random, metric: SyntheticMetric, place: SyntheticPlace) -> float:
    """Figures per day for a count: a country's toll grows faster than a region's."""
    base = 4.0 if metric.cumulative else 6.0
    if metric.key.startswith("refugees"):
        base = 3000.0
    elif metric.key.startswith("children"):
        base = 0.6
    elif metric.key == "military_killed":
        base = 40.0
    return base * (8 if place.country else 1) * rng.uniform(0.5, 1.5)


_LAGS = (timedelta(days=0), timedelta(days=1), timedelta(days=2))
_DAY = timedelta(days=1)


def _next_end(rng: random.Random, series: _Series, day: date, start: date) -> date | None:
    """The as-of date of a series' next figure in a bulletin of `day`: a day or two before
    it, and after the series' last one (a claimant states each date once); None when the
    series has already stated `day`."""
    end = day - _LAGS[int(rng.random() * 3)]
    if end <= start:
        end = start + _DAY
    last = series.claim.get("period_end") if series.claim else None
    if last is not None and end <= last:
        end = last + _DAY
        if end > day:
            return None
    return end


class _DayWords(dict):
    """ "12 March 2023" for a date, formatted once per date (strftime is slow), and the
    quotes' "since ... as of ..." and "on ..." phrases likewise."""

    def __init__(self, start: date) -> None:
        super().__init__()
        self.start = start
        self._since: dict[date, str] = {}
        self._on: dict[date, str] = {}

    def __missing__(self, d: date) -> str:
        self[d] = words = f"{d.day} {d:%B %Y}"
        return words

    def since(self, end: date) -> str:
        phrase = self._since.get(end)
        if phrase is None:
            phrase = self._since[end] = f"since {self[self.start]} as of {self[end]}"
        return phrase

    def on(self, end: date) -> str:
        phrase = self._on.get(end)
        if phrase is None:
            phrase = self._on[end] = f"on {self[end]}"
        return phrase


def _claim(
    rng: random.Random,
    metric: SyntheticMetric,
    place: SyntheticPlace,
    name: str,
    end: date,
    series: _Series,
    days: _DayWords,
) -> dict[str, Any]:
    random_ = rng.random
    count = series.count
    if metric.cumulative:
        start = count.start
        last = series.counted
        # A revision lowers a recent figure a little; lowering one months old would make a
        # disagreement with every other claimant too.
        previous = series.claim
        recent = previous and (end - previous["period_end"]).days <= REVISION_DAYS
        if recent and last and random_() < REVISION_SHARE:
            figure = max(0, last - rng.randint(1, max(1, last // 100)))
        else:  # never below its own last figure: a fall is a revision, drawn above
            figure = max(last, _counted(count.total(end), series.bias))
        series.counted = figure
        when = days.since(end)
    else:
        start = end
        figure = _counted(count.on(end), series.bias)
        when = days.on(end)
    claim: dict[str, Any] = {
        "metric": metric.key,
        "claimant": name,
        "place": place.key,
        "period_start": start,
        "period_end": end,
        "quote_language": "en",
    }
    if figure >= 40 and random_() < RANGE_SHARE:
        # A range around the count ("between 1,204 and 1,264"), never beside it.
        low, high = figure - figure // 40, figure + figure // 40
        claim["low"], claim["high"] = low, high
        said = f"between {low:,} and {high:,}"
    else:
        qualifier, stated = _stated(_pick_qualifier(rng), figure)
        claim["value"], claim["qualifier"] = stated, qualifier
        words = QUALIFIER_WORDS[qualifier]
        said = f"{words} {stated:,}" if words else f"{stated:,}"
    claim["quote"] = (
        f"{name} reported {said} {metric.noun} in {place.name} {when} "
        "(synthetic, fictional figure)."
    )
    return claim


def _counted(count: float, bias: float) -> int:
    """A claimant's figure for a count: its own bias on large counts, which claimants who
    agree round alike on small ones (a stricter or wider method shows at any size)."""
    shared = round(count)
    if abs(bias - 1) > 2 * AGREEMENT_SPREAD:
        return round(count * bias)
    if shared < SPREAD_FROM:
        return shared
    return shared + round(count * (bias - 1))


def _stated(qualifier: str, figure: int) -> tuple[str, int]:
    """(qualifier, figure as said) for a count: "about" and "more than" round down to a
    figure a reporter would say ("more than 1,200" for 1,234), "fewer than" rounds up, so
    that the words always hold the count; a count too small to round is said as it is."""
    if qualifier == "about" and figure >= 100:
        return qualifier, _round_to(figure, _step(figure), up=False, nearest=True)
    if qualifier == "more_than":
        if figure >= 10:
            return qualifier, _round_to(figure - 1, _step(figure), up=False)
        return (qualifier, figure - 1) if figure >= 2 else ("exact", figure)
    if qualifier == "fewer_than":
        if figure >= 10:
            return qualifier, _round_to(figure + 1, _step(figure), up=True)
        return qualifier, figure + 1
    return qualifier, figure


def _step(figure: int) -> int:
    """The rounding step of a figure: 5 below 100, else its second significant digit."""
    return 5 if figure < 100 else 10 ** (len(str(figure)) - 2)


def _round_to(figure: int, step: int, *, up: bool, nearest: bool = False) -> int:
    if nearest:
        return max(step, round(figure / step) * step)
    return -(-figure // step) * step if up else max(step, figure // step * step)


_QUALIFIERS = tuple(q for q, _ in QUALIFIER_SHARES)
_QUALIFIER_CUTS = tuple(accumulate(share for _, share in QUALIFIER_SHARES))


def _pick_qualifier(rng: random.Random) -> str:
    return _QUALIFIERS[
        min(len(_QUALIFIERS) - 1, bisect(_QUALIFIER_CUTS, rng.random() * _QUALIFIER_CUTS[-1]))
    ]


def _status(rng: random.Random, claim: dict[str, Any]) -> None:
    r = rng.random()
    if r < DISPUTED_SHARE:
        claim["status"], claim["status_reason"] = "disputed", DISPUTED_REASON
    elif r < DISPUTED_SHARE + CORROBORATED_SHARE:
        claim["status"] = "corroborated"


# --- what the store holds ----------------------------------------------------------------


def is_synthetic_loaded(engine: Engine) -> bool:
    """Whether any synthetic source is stored: the dashboard then warns on every page
    (an indexed EXISTS on source.synthetic, cheap at any size)."""
    with Session(engine) as session:
        return bool(session.exec(select(exists().where(Source.synthetic.is_(True)))).one())


def holds_real_data(engine: Engine) -> bool:
    """Whether any non-synthetic source is stored: synthetic data is never mixed into a
    store with real figures unless the caller insists."""
    with Session(engine) as session:
        return bool(session.exec(select(exists().where(Source.synthetic.is_(False)))).one())


# --- loading -----------------------------------------------------------------------------


def seed_loaded(engine: Engine, seed: int) -> bool:
    """Whether the dataset of this seed is already stored (its URLs would collide)."""
    prefix = f"{URL_PREFIX}{seed}/"
    with Session(engine) as session:
        return bool(
            session.exec(
                select(exists().where(Source.url.startswith(prefix, autoescape=True)))
            ).one()
        )


def chosen_conflict(engine: Engine, key: str | None = None) -> Conflict:
    """The conflict a dataset for `key` is about (by default the store's first)."""
    with Session(engine) as session:
        return _conflict(Vocabulary.load(session), key)


def ensure_vocabulary(engine: Engine, actor: Actor, conflict: str | None = None) -> None:
    """Import the shipped metrics and places when the store lacks them, and the conflict
    from data/conflicts.yaml (by default its first): they are reference data (no figures),
    which a synthetic dataset needs to resolve its claims. The conflict alone, not the
    file: the dashboard's conflict chooser then opens on the war the figures are about."""
    from tracker.core.config import DATA_DIR
    from tracker.files.importer import import_paths
    from tracker.files.reading import load_vocabulary
    from tracker.store.db import write_session

    with Session(engine) as session:
        vocab = Vocabulary.load(session)
    if any(k not in vocab.metrics for k in METRIC_WEIGHTS) or not vocab.places:
        import_paths(engine, actor, [DATA_DIR / "metrics.yaml", DATA_DIR / "places.yaml"])
    if conflict in vocab.conflicts or (conflict is None and vocab.conflicts):
        return
    shipped = load_vocabulary([DATA_DIR / "conflicts.yaml"])
    war = _conflict(shipped, conflict, where="data/conflicts.yaml's")
    with write_session(engine) as session:
        session.add(Conflict(**war.model_dump(exclude={"id"})))


def load_synthetic(
    engine: Engine,
    n: int,
    *,
    seed: int = 1,
    actor: Actor | None = None,
    force: bool = False,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    two_processes: bool | None = None,
    copy: bool | None = None,
    conflict: str | None = None,
) -> BulkReport:
    """Store the synthetic dataset of `n` claims for `seed` about `conflict` (a key of
    data/conflicts.yaml; by default the store's first), in one transaction.

    Refused when the store holds real (non-synthetic) sources, unless `force`: fictional
    figures next to real ones is how invented numbers end up in a story. A large load builds
    its rows in a second process while this one writes them (`tracker.store.bulk_pipeline`);
    `two_processes` forces that choice either way, and `copy` whether PostgreSQL gets the
    rows by COPY (the default) or executemany (the stored rows are the same)."""
    from tracker.store import bulk_pipeline
    from tracker.store.bulk import BATCH, BulkLoader
    from tracker.store.db import write_session
    from tracker.store.upkeep import first_load_journal
    from tracker.store.write import SYSTEM

    actor = actor or SYSTEM
    if n < 1:
        raise TrackerError("say how many synthetic claims to generate (at least 1)")
    if not force and holds_real_data(engine):
        raise TrackerError(
            "this store holds real (non-synthetic) sources; synthetic data is not mixed into "
            "real data. Use an empty database (--database sqlite:///demo.db) or pass --force"
        )
    if seed_loaded(engine, seed):
        raise TrackerError(
            f"the synthetic dataset with seed {seed} is already stored; use another --seed"
        )
    ensure_vocabulary(engine, actor, conflict)
    if two_processes is None:
        two_processes = n >= bulk_pipeline.MIN_CLAIMS and bulk_pipeline.can_fork()
    with first_load_journal(engine), write_session(engine) as session:
        vocab = SyntheticVocabulary.from_vocabulary(Vocabulary.load(session), conflict)
        loader = BulkLoader(
            session,
            actor,
            reason=f"synthetic demo data (seed {seed}, {n} claims): fictional figures",
            batch_size=batch_size or (bulk_pipeline.BATCH if two_processes else BATCH),
            total=n,
            progress=progress,
            copy=copy,
        )
        items = ((item.source, item.claims) for item in generate(n, seed=seed, vocab=vocab))
        if two_processes:
            # Every claimant up front: the process building the rows may not create any. A
            # dataset this large names each of them (one bulletin in fifty is each one's).
            loader.resolve_claimants(CLAIMANT_NAMES)
            bulk_pipeline.load_in_two_processes(loader, items)
        else:
            for source, claims in items:
                loader.add(source, claims)
        return loader.finish()


def write_yaml(items: Iterable[SyntheticSource], folder: Path) -> int:
    """The dataset as data files (one per source, the import format), for measuring
    `tracker import`; returns the number of claims written."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class dumper(base):  # type: ignore[valid-type, misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True  # shared date objects must not become anchors: data files refuse them

    claims = 0
    for item in items:
        name = item.source["url"].removeprefix(URL_PREFIX).replace("/", "-")
        doc = {"source": item.source, "claims": item.claims}
        text = yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        claims += len(item.claims)
    return claims
