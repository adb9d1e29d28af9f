"""A clearly fictional dataset of any size, for demos and for measuring speed at scale.

Nothing here may ever be mistaken for real data (common brief, issue #6): every claimant is
"Synthetic claimant NN", every source lives under https://example.org/synthetic/, and every
source carries `synthetic=True`, which the dashboard turns into a banner on every page.

The shape is what a newsroom's store looks like: ~10 metrics (the keys of
data/metrics.yaml), ~50 claimants, every oblast, cumulative series that rise with small
downward revisions, per-day figures, ~5 claims per source, relays of another claimant's
statement marked `duplicate_of`, qualifiers and ranges in realistic proportions, and quotes
that contain their figures (so that the quote checks pass as they would on real entries).

The generator is deterministic (one `random.Random(seed)`), and it yields plain input
dicts, the same words a data file would hold: `SourceIn` / `ClaimIn` accept them as they
are, so the normal write path can store them, and `tracker.bulk` turns them into the very
rows that path would write (tests/test_synthetic.py compares the two). It streams source by
source, so a million claims never sit in memory at once.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.errors import TrackerError
from tracker.lookup import Vocabulary
from tracker.models import Source
from tracker.store import natural_claim_key
from tracker.vocab import QUALIFIER_WORDS, PlaceLevel

if TYPE_CHECKING:
    from tracker.bulk import BulkReport
    from tracker.store import Actor

#: The metrics of data/metrics.yaml. Civilians killed is the Figures page's default metric,
#: so it gets a quarter of the claims (the issue's 1M store had 250k for the charted metric).
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
START = date(2022, 2, 24)
#: Sources are spread over this many days after START (about four years of reporting).
DAYS = 1400
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
REVISION_SHARE = 0.03  # cumulative figures revised slightly downwards
CORROBORATED_SHARE = 0.08
DISPUTED_SHARE = 0.02
DISPUTED_REASON = "Synthetic data: a second synthetic monitor gives a different figure."


def claimant_name(n: int) -> str:
    """The only kind of claimant name synthetic figures are ever attributed to."""
    return f"Synthetic claimant {n:02d}"


@dataclass(frozen=True)
class SyntheticMetric:
    key: str
    noun: str
    cumulative: bool


@dataclass(frozen=True)
class SyntheticPlace:
    key: str
    name: str
    country: bool


@dataclass(frozen=True)
class SyntheticVocabulary:
    """The metrics and places the dataset uses, taken from the store so that every claim
    resolves (the dataset never invents a metric or a place, only claimants)."""

    metrics: tuple[SyntheticMetric, ...]
    places: tuple[SyntheticPlace, ...]

    @classmethod
    def from_vocabulary(cls, vocab: Vocabulary) -> SyntheticVocabulary:
        missing = [k for k in METRIC_WEIGHTS if k not in vocab.metrics]
        if missing:
            raise TrackerError(
                f"the store lacks the metric(s) {', '.join(missing)}; import data/metrics.yaml first"
            )
        metrics = tuple(
            SyntheticMetric(k, vocab.metrics[k].noun, vocab.metrics[k].cumulative)
            for k in METRIC_WEIGHTS
        )
        countries = [p for p in vocab.places.values() if p.level == PlaceLevel.country]
        ua = [p for p in countries if p.key == "UA"] or countries[:1]
        regions = sorted(
            (p for p in vocab.places.values() if p.level == PlaceLevel.region),
            key=lambda p: p.key,
        )
        if not ua or not regions:
            raise TrackerError(
                "the store has no country and oblasts to place figures in; "
                "import data/places.yaml first"
            )
        places = (SyntheticPlace(ua[0].key, ua[0].name, True),) + tuple(
            SyntheticPlace(p.key, p.name, False) for p in regions
        )
        return cls(metrics, places)


@dataclass
class SyntheticSource:
    """One source and its claims, as a data file would write them (input words)."""

    source: dict[str, Any]
    claims: list[dict[str, Any]]


@dataclass
class _Series:
    """One (claimant, metric, place) series: its latest statement, which relays repeat."""

    rate: float
    claimant: int
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


def generate(n: int, *, seed: int = 1, vocab: SyntheticVocabulary) -> Iterator[SyntheticSource]:
    """Exactly `n` claims in about n/5 sources, the same for the same seed and vocabulary.

    Sources are published in date order over DAYS days; each is one claimant's bulletin
    carrying 3 to 7 of its figures for distinct (metric, place) pairs, sometimes relaying
    another claimant's latest statement. Written for speed (a million claims): names and
    dates are formatted once, the metric is drawn by bisecting cumulative weights."""
    if n < 0:
        raise TrackerError("the number of synthetic claims cannot be negative")
    rng = random.Random(seed)
    metrics = vocab.metrics
    cum_weights = list(accumulate(METRIC_WEIGHTS[m.key] for m in metrics))
    top = cum_weights[-1]
    places = vocab.places
    names = [claimant_name(i) for i in range(CLAIMANTS + 1)]
    days = _DayWords()
    n_sources = sources_for(n)
    series: dict[tuple[int, int, int], _Series] = {}
    made = 0
    index = 0
    while made < n:
        index += 1
        day = START + timedelta(days=1 + min(DAYS - 1, (index - 1) * DAYS // n_sources))
        author = rng.randrange(1, CLAIMANTS + 1)
        url = f"{URL_PREFIX}{seed}/{index:07d}"
        source = {
            "url": url,
            "title": f"Synthetic bulletin {index} of {names[author]} (fictional data)",
            "publisher": names[author],
            "published": day,
            "language": "en",
            "synthetic": True,
        }
        count = min(n - made, rng.randint(3, 7))
        claims: list[dict[str, Any]] = []
        used: set[tuple[int, int, int]] = set()
        while len(claims) < count:
            m = bisect(cum_weights, rng.random() * top)
            p = 0 if rng.random() < 0.1 else rng.randrange(1, len(places))
            claimant = author
            relay = None
            if rng.random() < RELAY_SHARE:
                other = rng.randrange(1, CLAIMANTS + 1)
                relay = series.get((other, m, p)) if other != author else None
                if relay is not None:
                    claimant = other
            if (claimant, m, p) in used:
                continue
            used.add((claimant, m, p))
            if relay is not None:
                claim = relay.claim.copy()
                claim["duplicate_of"] = relay.key()
                claim.pop("status", None)
                claim.pop("status_reason", None)
            else:
                state = series.get((claimant, m, p))
                if state is None:
                    state = series[claimant, m, p] = _Series(
                        rate=_rate(rng, metrics[m], places[p]), claimant=claimant
                    )
                claim = _claim(rng, metrics[m], places[p], names[claimant], day, state, days)
                state.claim, state.url = claim, url
            _status(rng, claim)
            claims.append(claim)
        made += len(claims)
        yield SyntheticSource(source, claims)


def _claimant_key(n: int) -> str:
    # What `tracker.lookup.new_key` gives "Synthetic claimant NN" (a plain ASCII slug).
    return f"synthetic_claimant_{n:02d}"


def _rate(rng: random.Random, metric: SyntheticMetric, place: SyntheticPlace) -> float:
    """Figures per day for a series: a country's toll grows faster than an oblast's."""
    base = 4.0 if metric.cumulative else 6.0
    if metric.key.startswith("refugees"):
        base = 3000.0
    elif metric.key.startswith("children"):
        base = 0.6
    elif metric.key == "military_killed":
        base = 40.0
    return base * (8 if place.country else 1) * rng.uniform(0.5, 1.5)


class _DayWords(dict):
    """ "12 March 2023" for a date, formatted once per date (strftime is slow)."""

    def __missing__(self, d: date) -> str:
        self[d] = words = f"{d.day} {d:%B %Y}"
        return words


def _claim(
    rng: random.Random,
    metric: SyntheticMetric,
    place: SyntheticPlace,
    name: str,
    day: date,
    series: _Series,
    days: _DayWords,
) -> dict[str, Any]:
    end = day - _LAGS[rng.randrange(3)]
    if end <= START:
        end = START + _LAGS[1]
    previous = series.claim
    if metric.cumulative:
        start = START
        last = (previous.get("value") or previous.get("high") or 0) if previous else 0
        elapsed = (end - previous["period_end"]).days if previous else (end - START).days
        if previous and rng.random() < REVISION_SHARE:
            figure = max(0, last - rng.randint(1, max(1, last // 100)))
        else:
            figure = last + max(0, round(series.rate * max(elapsed, 0) * rng.uniform(0.7, 1.3)))
        when = f"since {days[START]} as of {days[end]}"
    else:
        start = end
        figure = max(0, round(series.rate * rng.uniform(0.2, 1.8)))
        when = f"on {days[end]}"
    claim: dict[str, Any] = {
        "metric": metric.key,
        "claimant": name,
        "place": place.key,
        "period_start": start,
        "period_end": end,
        "quote_language": "en",
    }
    if figure >= 10 and rng.random() < RANGE_SHARE:
        low, high = figure, figure + max(1, figure // 20)
        claim["low"], claim["high"] = low, high
        said = f"between {low:,} and {high:,}"
    else:
        qualifier = _pick(rng, QUALIFIER_SHARES)
        claim["value"], claim["qualifier"] = figure, qualifier
        words = QUALIFIER_WORDS[qualifier]
        said = f"{words} {figure:,}" if words else f"{figure:,}"
    claim["quote"] = (
        f"{name} reported {said} {metric.noun} in {place.name} {when} "
        "(synthetic, fictional figure)."
    )
    return claim


_LAGS = (timedelta(days=0), timedelta(days=1), timedelta(days=2))


def _pick(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    total = sum(s for _, s in shares)
    r = rng.random() * total
    for value, share in shares:
        r -= share
        if r < 0:
            return value
    return shares[-1][0]


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


def ensure_vocabulary(engine: Engine, actor: Actor) -> None:
    """Import the shipped metrics and places when the store lacks them: they are reference
    data (no figures), which a synthetic dataset needs to resolve its claims."""
    from tracker.config import DATA_DIR
    from tracker.importer import import_paths

    with Session(engine) as session:
        vocab = Vocabulary.load(session)
    try:
        SyntheticVocabulary.from_vocabulary(vocab)
    except TrackerError:
        import_paths(engine, actor, [DATA_DIR / "metrics.yaml", DATA_DIR / "places.yaml"])


def load_synthetic(
    engine: Engine,
    n: int,
    *,
    seed: int = 1,
    actor: Actor | None = None,
    force: bool = False,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BulkReport:
    """Store the synthetic dataset of `n` claims for `seed`, in one transaction.

    Refused when the store holds real (non-synthetic) sources, unless `force`: fictional
    figures next to real ones is how invented numbers end up in a story."""
    from tracker.bulk import BATCH, BulkLoader
    from tracker.db import write_session
    from tracker.store import SYSTEM

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
    ensure_vocabulary(engine, actor)
    with write_session(engine) as session:
        vocab = SyntheticVocabulary.from_vocabulary(Vocabulary.load(session))
        loader = BulkLoader(
            session,
            actor,
            reason=f"synthetic demo data (seed {seed}, {n} claims): fictional figures",
            batch_size=batch_size or BATCH,
            total=n,
            progress=progress,
        )
        for item in generate(n, seed=seed, vocab=vocab):
            loader.add(item.source, item.claims)
        return loader.finish()
