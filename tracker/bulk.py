"""The bulk write path: many sources and claims in one transaction, near raw-driver speed.

The form path (`tracker.store.add_claim`) writes one ORM object, one revision and one data
version bump per claim: right for a curator, 11x slower than the driver for a million rows
(issue #6). This module writes the same rows with SQLAlchemy Core `insert()` statements,
compiled once and run as one executemany per table and batch of `BATCH` claims (values
through each column's own bind processor, see `_insert`), and keeps every guarantee the
store gives:

- every source and claim gets its "create" revision (who, when, why, the record after),
  written in bulk too: nothing is stored unrecorded;
- the rows are exactly what the write path would store for the same input (key,
  statement_key, vocabulary ids, defaults; tests/test_synthetic.py compares them);
- it all happens inside the caller's transaction, so an error anywhere stores nothing;
- the data version is bumped once, at the end, so caches see one change.

Ids are reserved up front rather than read back with RETURNING, so that claims can name
their source and revisions their claim without a round trip per batch: on SQLite the write
lock is held from BEGIN IMMEDIATE (tracker.db), so max(id)+1 onwards is ours; on
PostgreSQL the ids come from the table's own sequence (`nextval` over a series), so
concurrent writers never collide.

Inputs are trusted dicts in the data-file vocabulary (what `tracker.synthetic` generates);
their metric, place and claimant are resolved against the store's vocabulary and an
unknown one is refused, naming the source and claim.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from tracker.errors import Problem, ValidationFailed
from tracker.lookup import Vocabulary, new_key
from tracker.models import Claim, Revision, Source, utcnow
from tracker.store import (
    CLAIM_FIELDS,
    SOURCE_FIELDS,
    Actor,
    bump_data_version,
    ensure_claimant,
    natural_claim_key,
    require,
    statement_key,
)
from tracker.vocab import Role

BATCH = 10_000
_VARYING = object()  # marks a column whose value differs from row to row

#: Claim fields a data file may leave out, with the value `ClaimIn` gives them.
CLAIM_DEFAULTS: dict[str, Any] = {
    "value": None,
    "low": None,
    "high": None,
    "qualifier": "exact",
    "period_start": None,
    "cumulative": None,
    "date_basis": "stated",
    "quote_language": None,
    "quote_translation": None,
    "status": "unverified",
    "status_reason": None,
    "relayed_by": None,
    "duplicate_of": None,
    "statement_id": None,
    "notes": None,
    "check_override": None,
}
#: Source fields a data file may leave out, with the value `SourceIn` gives them.
SOURCE_DEFAULTS: dict[str, Any] = {
    "published_at": None,
    "published_basis": "stated",
    "language": None,
    "text": None,
    "archive_url": None,
    "retrieved_at": None,
    "notes": None,
    "synthetic": False,
}


@dataclass
class BulkReport:
    sources: int
    claims: int
    revisions: int
    seconds: float

    @property
    def claims_per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


class _Ref(NamedTuple):
    """A metric's or place's id and key as plain values: ORM attribute access per claim
    cost a tenth of the load."""

    id: int | None
    key: str
    cumulative: bool


class _Ids:
    """Primary keys handed out ahead of the INSERTs (see the module docstring)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.next: dict[str, int] = {}

    def take(self, table: Table, n: int) -> list[int]:
        if n == 0:
            return []
        if self.sqlite:
            if table.name not in self.next:
                top = self.conn.scalar(select(func.coalesce(func.max(table.c.id), 0)))
                self.next[table.name] = int(top) + 1
            first = self.next[table.name]
            self.next[table.name] = first + n
            return list(range(first, first + n))
        return list(
            self.conn.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
                ),
                {"t": table.name, "n": n},
            ).scalars()
        )


class RowWriter:
    """Writes rows of one table at a time on `conn` (the caller's transaction): ids handed
    out ahead (`take_ids`), and one executemany of a compiled Core INSERT (`insert`).
    Shared by the synthetic loader and the importer."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._ids = _Ids(conn)
        self._statements: dict[tuple[str, tuple[str, ...]], tuple] = {}

    def take_ids(self, table: Table, n: int) -> list[int]:
        return self._ids.take(table, n)

    def insert(
        self, table: Table, rows: list[dict[str, Any]], constants: dict[str, Any] | None = None
    ) -> None:
        """One executemany of a Core INSERT compiled once per table and batch shape.

        Each value goes through its column type's own bind processor (dates and times as
        SQLAlchemy stores them, JSON encoded, booleans), as `conn.execute(insert(), rows)`
        would; what this skips is SQLAlchemy's per-row parameter assembly, which cost more
        than the database's own work, and the values every row of a batch shares
        (`constants`: authorship, time, reason) are processed once, not once a row."""
        if not rows:
            return
        keys = tuple(rows[0])
        cached = self._statements.get((table.name, keys))
        if cached is None:
            dialect = self.conn.dialect
            compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
            order = list(compiled.positiontup or keys)
            missing = set(order) - set(keys)
            if missing:  # a column default SQLAlchemy would fill in: give it in the rows
                raise AssertionError(f"bulk rows of {table.name} lack {sorted(missing)}")
            processors = {
                k: table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in order
            }
            cached = (str(compiled), order, processors, compiled.positiontup is not None)
            self._statements[table.name, keys] = cached
        sql, order, processors, positional = cached
        fixed = {
            k: (processors[k](v) if processors[k] else v)
            for k, v in (constants or {}).items()
            if k in processors
        }
        columns = [(k, fixed.get(k, _VARYING), processors[k]) for k in order]
        params: list[Any] = []
        for row in rows:
            values = [
                (c if c is not _VARYING else p(row[k]) if p else row[k]) for k, c, p in columns
            ]
            params.append(tuple(values) if positional else dict(zip(order, values, strict=True)))
        self.conn.exec_driver_sql(sql, params)


class BulkLoader:
    """Collects sources with their claims and writes them in batches, inside `session`'s
    transaction. Call `add` for each source, then `finish` once."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        *,
        reason: str,
        batch_size: int = BATCH,
        total: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        require(actor, Role.editor, "load data in bulk")
        self.session = session
        self.actor = actor
        self.reason = reason
        self.batch_size = batch_size
        self.total = total
        self.progress = progress
        self.vocab = Vocabulary.load(session)
        self.conn = session.connection()
        self.writer = RowWriter(self.conn)
        self.now = utcnow()
        self.started = time.perf_counter()
        self._sources: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        self._pending = 0
        self._claimants: dict[str, tuple[str, int]] = {}
        self._metrics: dict[Any, _Ref | None] = {}
        self._places: dict[Any, _Ref | None] = {}
        self._first_claim_id: int | None = None
        self._revision_constants = {
            "action": "create",
            "version": 1,
            "changed_at": self.now,
            "changed_by": actor.name,
            "reason": reason,
            "before": None,
        }
        self._duplicates = False
        self.sources = self.claims = self.revisions = 0

    # --- input ---------------------------------------------------------------------------

    def add(self, source: dict[str, Any], claims: list[dict[str, Any]]) -> None:
        self._sources.append((source, claims))
        self._pending += len(claims)
        if self._pending >= self.batch_size:
            self.flush()

    def finish(self) -> BulkReport:
        """Write what is left, settle relays' statements, bump the data version once."""
        self.flush()
        if self._duplicates:
            self._settle_duplicates()
        if self.sources or self.claims:
            bump_data_version(self.session)
        return BulkReport(
            self.sources, self.claims, self.revisions, time.perf_counter() - self.started
        )

    # --- writing -------------------------------------------------------------------------

    def flush(self) -> None:
        if not self._sources:
            return
        batch, self._sources, self._pending = self._sources, [], 0
        source_ids = self.writer.take_ids(Source.__table__, len(batch))
        claim_ids = self.writer.take_ids(Claim.__table__, sum(len(c) for _, c in batch))
        if self._first_claim_id is None and claim_ids:
            self._first_claim_id = claim_ids[0]
        source_rows, claim_rows, revisions = [], [], []
        stamp = {
            "version": 1,
            "created_at": self.now,
            "created_by": self.actor.name,
            "updated_at": self.now,
            "updated_by": self.actor.name,
        }
        next_claim = iter(claim_ids)
        for (source, claims), source_id in zip(batch, source_ids, strict=True):
            values = SOURCE_DEFAULTS | source
            source_rows.append({"id": source_id, **values, **stamp})
            revisions.append(
                self._revision("source", source_id, {f: _iso(values[f]) for f in SOURCE_FIELDS})
            )
            for i, claim in enumerate(claims):
                claim_id = next(next_claim)
                row, snapshot = self._claim_row(claim, values["url"], source_id, i)
                claim_rows.append({"id": claim_id, **row, **stamp})
                revisions.append(self._revision("claim", claim_id, snapshot))
        self.writer.insert(Source.__table__, source_rows, stamp)
        self.writer.insert(Claim.__table__, claim_rows, stamp)
        self.writer.insert(Revision.__table__, revisions, self._revision_constants)
        self.sources += len(source_rows)
        self.claims += len(claim_rows)
        self.revisions += len(revisions)
        if self.progress:
            self.progress(self.claims, self.total or self.claims)

    def _revision(self, entity: str, entity_id: int, after: dict[str, Any]) -> dict[str, Any]:
        return {
            "entity": entity,
            "entity_id": entity_id,
            "action": "create",
            "version": 1,
            "changed_at": self.now,
            "changed_by": self.actor.name,
            "reason": self.reason,
            "before": None,
            "after": after,
        }

    def _claim_row(
        self, claim: dict[str, Any], url: str, source_id: int, index: int
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """What `tracker.store.claim_row` makes of the same input, and its revision's
        snapshot (`claim_snapshot`), without a pydantic model per row."""
        c = CLAIM_DEFAULTS | claim
        metric = self._metric(c.get("metric"))
        place = self._place(c.get("place"))
        if metric is None or place is None:
            field = "metric" if metric is None else "place"
            raise ValidationFailed(
                [
                    Problem(
                        f"unknown {field} {c.get(field)!r} in {url}",
                        field=f"claims[{index}].{field}",
                    )
                ]
            )
        claimant_key, claimant_id = self._claimant(str(c["claimant"]))
        cumulative = metric.cumulative if c["cumulative"] is None else c["cumulative"]
        key = c.get("id") or natural_claim_key(
            url, c["metric"], claimant_key, place.key, c["period_start"], c["period_end"]
        )
        if c["duplicate_of"]:
            self._duplicates = True
        row = {
            "key": key,
            "source_id": source_id,
            "metric_id": metric.id,
            "claimant_id": claimant_id,
            "place_id": place.id,
            "cumulative": cumulative,
            "statement_key": statement_key(
                claimant_key,
                metric.key,
                place.key,
                c["period_start"],
                c["period_end"],
                c["value"],
                c["low"],
                c["high"],
            ),
            "value": c["value"],
            "low": c["low"],
            "high": c["high"],
            "period_start": c["period_start"],
            "period_end": c["period_end"],
            "quote": c["quote"],
            "quote_language": c["quote_language"],
            "quote_translation": c["quote_translation"],
            "status_reason": c["status_reason"],
            "relayed_by": c["relayed_by"],
            "duplicate_of": c["duplicate_of"],
            "statement_id": c["statement_id"],
            "notes": c["notes"],
            "check_override": c["check_override"],
            "qualifier": c["qualifier"],
            "date_basis": c["date_basis"],
            "status": c["status"],
        }
        snapshot = {f: row.get(f) for f in CLAIM_FIELDS}
        snapshot["metric"], snapshot["claimant"], snapshot["place"] = (
            metric.key,
            claimant_key,
            place.key,
        )
        snapshot["period_end"] = row["period_end"].isoformat()
        if row["period_start"] is not None:
            snapshot["period_start"] = row["period_start"].isoformat()
        return row, snapshot

    def _metric(self, word: Any) -> _Ref | None:
        try:
            return self._metrics[word]
        except KeyError:
            found = self.vocab.metric(str(word or ""))
            ref = self._metrics[word] = (
                _Ref(found.id, found.key, found.cumulative) if found else None
            )
            return ref

    def _place(self, word: Any) -> _Ref | None:
        try:
            return self._places[word]
        except KeyError:
            found = self.vocab.place(str(word or ""))
            ref = self._places[word] = _Ref(found.id, found.key, True) if found else None
            return ref

    def _claimant(self, name: str) -> tuple[str, int]:
        """A claimant by any of its names; one the store lacks is created as the importer
        creates it (`ensure_claimant`: kind "other", its name as written)."""
        known = self._claimants.get(name)
        if known:
            return known
        claimant = self.vocab.claimant(name)
        if claimant is None:
            key = new_key(name.strip(), self.vocab.claimants)
            claimant = ensure_claimant(self.session, self.vocab, key, name.strip())
        assert claimant.id is not None
        self._claimants[name] = (claimant.key, claimant.id)
        return self._claimants[name]

    def _settle_duplicates(self) -> None:
        """A relay marked `duplicate_of` joins the statement of the claim it repeats, as
        `tracker.store` does one claim at a time; repeated until chains settle."""
        first = self._first_claim_id or 0
        for _ in range(20):
            changed = self.conn.execute(
                text(
                    "UPDATE claim SET statement_key = (SELECT t.statement_key FROM claim t "
                    "WHERE t.key = claim.duplicate_of) "
                    "WHERE claim.id >= :first AND claim.duplicate_of IS NOT NULL "
                    "AND claim.statement_key <> (SELECT t.statement_key FROM claim t "
                    "WHERE t.key = claim.duplicate_of)"
                ),
                {"first": first},
            ).rowcount
            if not changed:
                break
        missing = self.conn.execute(
            text(
                "SELECT c.key, c.duplicate_of FROM claim c WHERE c.id >= :first "
                "AND c.duplicate_of IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM claim t WHERE t.key = c.duplicate_of) ORDER BY c.id LIMIT 5"
            ),
            {"first": first},
        ).all()
        if missing:
            raise ValidationFailed(
                [
                    Problem(
                        f"claim {key!r}: duplicate_of names {dup!r}, which is not a stored "
                        "or loaded claim id",
                        field="duplicate_of",
                    )
                    for key, dup in missing
                ]
            )
