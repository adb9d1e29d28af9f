"""Writing the store out in its own import format: YAML, one file per source.

YAML export is the import format exactly, vocabulary files included, so that exporting and
importing into an empty database gives the same data (tested as a round trip). It is also
the backup path for PostgreSQL that needs no `pg_dump`. The other formats (CSV, Excel, HXL,
Data Package, JSON, JSON-LD) live in `tracker.files.interchange`, which builds on this module.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import not_, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.domain import fields
from tracker.domain.models import Claim, Claimant, Metric, Place, Source
from tracker.read.filters import ClaimFilter, conditions, where
from tracker.store.db import read_session

SOURCE_KEYS = fields.file_names(fields.SOURCE_FIELDS, exported=True)
CLAIM_KEYS = fields.file_names(fields.CLAIM_FIELDS)
# Cells a spreadsheet would run as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Dumper(yaml.SafeDumper):
    """Block style for long text, so that quotes and article text stay readable in diffs."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
_Dumper.ignore_aliases = lambda self, data: True  # noqa: ARG005


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _clean(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None and v != []}


def _columns(row: Any, *leave_out: str) -> dict[str, Any]:
    """A vocabulary row's values in its table's column order (the data files' order)."""
    return {c.name: getattr(row, c.name) for c in row.__table__.columns if c.name not in leave_out}


def vocabulary_documents(session: Session) -> dict[str, dict[str, Any]]:
    places = {p.id: p for p in session.exec(select(Place).order_by(Place.id))}
    return {
        "metrics.yaml": {
            "metrics": [
                _clean(_columns(m, "id")) for m in session.exec(select(Metric).order_by(Metric.id))
            ]
        },
        "places.yaml": {
            "places": [
                _clean(
                    {
                        ("parent" if name == "parent_id" else name): (
                            places[value].key if name == "parent_id" and value else value
                        )
                        for name, value in _columns(p, "id").items()
                    }
                )
                for p in places.values()
            ]
        },
        "claimants.yaml": {
            "claimants": [
                _clean(_columns(c, "id"))
                for c in session.exec(select(Claimant).order_by(Claimant.id))
            ]
        },
    }


def originals_outside(session: Session, f: ClaimFilter) -> list[str]:
    """Keys of claims the filter leaves out but the filtered claims name in `duplicate_of`
    (transitively): a relay cannot be imported without the claim it repeats."""
    inside = where(f)
    extra: set[str] = set()
    frontier = set(
        session.exec(select(Claim.duplicate_of).where(inside, Claim.duplicate_of.is_not(None)))
    )
    while frontier:
        rows = session.exec(
            select(Claim.key, Claim.duplicate_of).where(Claim.key.in_(frontier), not_(inside))
        ).all()
        new = {key for key, _ in rows} - extra
        extra |= new
        frontier = {dup for key, dup in rows if dup and key in new}
    return sorted(extra)


def iter_source_documents(
    session: Session,
    *,
    chunk: int = 200,
    f: ClaimFilter | None = None,
    also: Collection[str] = (),
) -> Iterator[dict[str, Any]]:
    """Each source with its claims, in the import format, streamed a chunk at a time.

    With a filter, only the matching claims (and the claims keyed in `also`) and the
    sources that carry them.
    """
    keys = {
        "metric": {m.id: m.key for m in session.exec(select(Metric))},
        "claimant": {c.id: c.key for c in session.exec(select(Claimant))},
        "place": {p.id: p.key for p in session.exec(select(Place))},
    }
    claim_filter = where(f) if f is not None and conditions(f) else None
    if claim_filter is not None and also:
        claim_filter = or_(claim_filter, Claim.key.in_(list(also)))
    last_id = 0
    while True:
        stmt = select(Source).where(Source.id > last_id).order_by(Source.id).limit(chunk)
        if claim_filter is not None:
            stmt = stmt.where(Source.id.in_(select(Claim.source_id).where(claim_filter)))
        sources = session.exec(stmt).all()
        if not sources:
            return
        last_id = sources[-1].id
        claims_by_source: dict[int, list[Claim]] = {}
        ids = [s.id for s in sources]
        claims = select(Claim).where(Claim.source_id.in_(ids)).order_by(Claim.id)
        if claim_filter is not None:
            claims = claims.where(claim_filter)
        for claim in session.exec(claims):
            claims_by_source.setdefault(claim.source_id, []).append(claim)
        for source in sources:
            yield {
                "source": _clean(
                    {k: getattr(source, k) for k in SOURCE_KEYS}
                    | {
                        "synthetic": source.synthetic or None,
                        "published_basis": None
                        if source.published_basis == "stated"
                        else source.published_basis,
                    }
                ),
                "claims": [_claim_document(c, keys) for c in claims_by_source.get(source.id, [])],
            }


def _claim_document(claim: Claim, keys: dict[str, dict[int, str]]) -> dict[str, Any]:
    return _clean(
        {
            f.file: keys[f.name][getattr(claim, f"{f.name}_id")]
            if f.reference
            else getattr(claim, f.name)
            for f in fields.CLAIM_FIELDS
        }
    )


def source_filename(source: dict[str, Any]) -> str:
    publisher = re.sub(r"[^a-z0-9]+", "-", str(source["publisher"]).lower()).strip("-")[:30]
    digest = hashlib.sha1(source["url"].encode()).hexdigest()[:8]
    return f"{source['published']}-{publisher or 'source'}-{digest}.yaml"


def yaml_documents(
    session: Session, f: ClaimFilter | None = None, also: Collection[str] = ()
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(relative path, document) of every file of a YAML export folder."""
    yield from vocabulary_documents(session).items()
    for doc in iter_source_documents(session, f=f, also=also):
        yield f"sources/{source_filename(doc['source'])}", doc


def export_yaml(engine: Engine, folder: Path, f: ClaimFilter | None = None) -> int:
    """Vocabulary files plus `sources/<one file per source>.yaml`; returns sources written.

    A filtered export also carries the claims its relays repeat (`originals_outside`), so
    that it imports into an empty database.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources").mkdir(exist_ok=True)
    count = 0
    with read_session(engine) as session:
        also = originals_outside(session, f) if f is not None else []
        for name, doc in yaml_documents(session, f, also):
            (folder / name).write_text(dump_yaml(doc), encoding="utf-8")
            count += name.startswith("sources/")
    return count


def neutralise_formula(value: Any) -> Any:
    """Prefix a cell that a spreadsheet would execute with an apostrophe (the data is kept).

    A cell that already starts with an apostrophe gets one too, so that the prefix can be
    taken off again without guessing (`restore_formula`): the CSV reads back exactly.
    """
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def restore_formula(value: str) -> str:
    """Undo `neutralise_formula` on a cell read back from a CSV export."""
    return value[1:] if value.startswith("'") else value
