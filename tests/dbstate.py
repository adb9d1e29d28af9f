"""What a database holds, compared whole: "nothing was written" means exactly the same rows.

Faults, refused imports and hostile input are all checked the same way: take `everything`
before, do the damaging thing, take it again after, and compare. Reading every row is cheap
at test sizes and leaves no room for a half-applied write to hide in a column nobody checked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from tracker.domain.models import Claim, Claimant, Revision, Source
from tracker.store.db import read_session


def everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every tracker table, in primary-key order."""
    tables: MetaData = SQLModel.metadata
    out = {}
    with read_session(engine) as s:
        for table in tables.sorted_tables:
            order = list(table.primary_key.columns)
            out[table.name] = [tuple(row) for row in s.execute(select(table).order_by(*order))]
    return out


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in everything(engine).items()}


VOLATILE = {"id", "source_id", "claimant_id", "created_at", "updated_at"}


def stored_by_natural_keys(session: Session) -> dict[str, Any]:
    """The sources, claims, their revisions and the synthetic claimants, keyed by natural
    keys (URL, claim key, claimant key) minus ids and clock times: what two ways of writing
    the same input must agree on, whatever ids and times they were given."""
    urls = dict(session.execute(select(Source.id, Source.url)).all())
    claim_keys = dict(session.execute(select(Claim.id, Claim.key)).all())
    claimants = dict(session.execute(select(Claimant.id, Claimant.key)).all())
    claims = {}
    for row in session.execute(select(Claim.__table__)).mappings():
        values = {k: v for k, v in row.items() if k not in VOLATILE}
        values["source"], values["claimant"] = urls[row["source_id"]], claimants[row["claimant_id"]]
        claims[row["key"]] = values
    sources = {
        row["url"]: {k: v for k, v in row.items() if k not in VOLATILE}
        for row in session.execute(select(Source.__table__)).mappings()
    }
    revisions = sorted(
        (
            r.entity,
            urls[r.entity_id] if r.entity == "source" else claim_keys[r.entity_id],
            r.action,
            r.version,
            r.changed_by,
            r.reason,
            repr(r.before),
            repr(sorted(r.after.items())),
        )
        for r in session.execute(select(Revision)).scalars()
        if r.entity in ("source", "claim")
    )
    new_claimants = sorted(
        (c.key, c.name, c.kind, c.side, tuple(c.aliases))
        for c in session.execute(select(Claimant)).scalars()
        if c.name.startswith("Synthetic")
    )
    return {
        "claims": claims,
        "sources": sources,
        "revisions": revisions,
        "claimants": new_claimants,
    }
