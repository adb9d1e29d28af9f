"""From the world gazetteer into the store: a place named in a claim that the store does
not hold yet is found in the gazetteer and added, with its region and country, so that
imports and forms name places as reporters write them without adding them by hand first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Place
from tracker.gazetteer.world import GazPlace, load_world


@dataclass
class WorldMatch:
    key: str | None  # the store key the name resolves to
    new: list[dict[str, Any]] = field(default_factory=list)  # places to add, parents first
    choices: list[GazPlace] = field(default_factory=list)


def describe(p: GazPlace) -> str:
    """'Rafah (in Rafah PS-RFH, Palestine PS; gn-281102)': enough to choose between namesakes."""
    world = load_world()
    inside = [f"{x.name} {x.key}" for x in world.chain(p)[1:]]
    return f"{p.name} (in {', '.join(inside) or p.country}; {p.key})"


def world_place(name: str, vocab: Vocabulary, countries: tuple[str, ...] = ()) -> WorldMatch:
    """The store key for `name` from the gazetteer, adding to `vocab` (ids unset) the place
    and those of its region and country the store lacks; or the choices when it is
    ambiguous; or nothing."""
    world = load_world()
    res = world.resolve(name, countries)
    if res.place is None:
        return WorldMatch(None, [], res.choices)
    chain = world.chain(res.place)
    new: list[dict[str, Any]] = []
    parent_key: str | None = None
    keys: list[str] = []
    for p in reversed(chain):  # country first
        known = vocab.places.get(p.key) or (vocab.place(p.key) if p.iso_code else None)
        if known is not None:
            parent_key = known.key
            keys.append(known.key)
            continue
        aliases = list(dict.fromkeys([p.name, *([name] if p is res.place else [])]))
        values = {
            "key": p.key,
            "name": p.name,
            "iso_code": p.iso_code,
            "level": p.level,
            "parent": parent_key,
            "lat": p.lat,
            "lon": p.lon,
            "aliases": aliases,
        }
        new.append(values)
        vocab.add_place(Place(**{k: v for k, v in values.items() if k != "parent"}))
        parent_key = p.key
        keys.append(p.key)
    return WorldMatch(keys[-1], new, [])


def ensure_places(session: Session, vocab: Vocabulary, new: list[dict[str, Any]]) -> None:
    """Add the gazetteer's places an import or form named (parents first), once each."""
    for values in new:
        existing = vocab.places.get(values["key"])
        if existing is not None and existing.id is not None:
            continue
        parent = vocab.places.get(values["parent"]) if values["parent"] else None
        place = Place(
            **{k: v for k, v in values.items() if k != "parent"},
            parent_id=parent.id if parent else None,
        )
        session.add(place)
        session.flush()
        vocab.add_place(place)
        vocab.places[place.key] = place
