"""Turning what a user typed (`--place "Donetsk region"`, `--claimant OHCHR`) into a
`ClaimFilter` of vocabulary keys, or a clear refusal.

A misspelt metric or place must not quietly export zero rows: an unknown word is an error
that names the option and, where one is close, suggests the entry meant. Names resolve as
they do on import (keys, ISO codes, names and aliases, `tracker.domain.lookup`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.engine import Engine

from tracker.core.errors import TrackerError
from tracker.domain.lookup import Vocabulary
from tracker.domain.vocab import Status
from tracker.read.filters import ClaimFilter
from tracker.store.db import read_session


def _unknown(option: str, word: str, suggestion: str | None) -> TrackerError:
    hint = f"; did you mean {suggestion}?" if suggestion else ""
    return TrackerError(f"{option}: no {option.lstrip('-')} called {word!r}{hint}")


def filter_from_words(
    engine: Engine,
    *,
    metric: str | None = None,
    place: str | None = None,
    claimants: Sequence[str] = (),
    statuses: Sequence[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
) -> ClaimFilter:
    """A filter of keys from names as a person writes them; TrackerError on an unknown one."""
    with read_session(engine) as session:
        vocab = Vocabulary.load(session)
    metric_key = None
    if metric:
        if vocab.metric(metric) is None:
            raise _unknown("--metric", metric, vocab.suggest_metric(metric))
        metric_key = metric.strip()
    place_key = None
    if place:
        place_key = vocab.place_key(place)
        if place_key is None:
            raise _unknown("--place", place, vocab.suggest_place(place))
    claimant_keys = []
    for word in claimants:
        key = vocab.claimant_key(word)
        if key is None:
            raise _unknown("--claimant", word, vocab.suggest_claimant(word))
        claimant_keys.append(key)
    known = {s.value for s in Status}
    for status in statuses:
        if status not in known:
            raise TrackerError(f"--status: {status!r} is not one of {', '.join(sorted(known))}")
    if date_from and date_to and date_from > date_to:
        raise TrackerError(f"--from {date_from} is after --to {date_to}")
    return ClaimFilter(
        metric=metric_key,
        place=place_key,
        claimants=tuple(dict.fromkeys(claimant_keys)),
        statuses=tuple(dict.fromkeys(statuses)),
        date_from=date_from,
        date_to=date_to,
    )
