"""The bulk write path: many sources and claims in one transaction, near raw-driver speed.

The form path (`tracker.store.write.add_claim`) writes one ORM object, one revision and one data
version bump per claim: right for a curator, far too slow for a million rows. This module writes the same rows with SQLAlchemy Core `insert()` statements,
compiled once and run as one executemany per table and batch of `BATCH` claims (values
through each column's own bind processor, see `_insert`), or on PostgreSQL streamed by one
COPY per table and batch (`RowWriter.copy`), and keeps every guarantee the store gives:

- every source and claim gets its "create" revision (who, when, why, the record after),
  written in bulk too: nothing is stored unrecorded;
- the rows are exactly what the write path would store for the same input (key,
  statement_key, vocabulary ids, defaults; tests/test_synthetic.py compares them);
- it all happens inside the caller's transaction, so an error anywhere stores nothing;
- the data version is bumped once, at the end, so caches see one change.

`BulkLoader` also defers the indexes' upkeep to the end of the load (`tracker.store.upkeep`: the
FTS5 terms in one INSERT ... SELECT, and for a load that at least doubles the store, the
secondary indexes rebuilt), which was most of the database's work, and builds claim rows and
their revisions' JSON straight in the driver's form.

Ids are reserved up front rather than read back with RETURNING, so that claims can name
their source and revisions their claim without a round trip per batch: on SQLite the write
lock is held from BEGIN IMMEDIATE (tracker.store.db), so max(id)+1 onwards is ours; on
PostgreSQL the ids come from the table's own sequence (`nextval` over a series), so
concurrent writers never collide.

Inputs are trusted dicts in the data-file vocabulary (what `tracker.files.synthetic` generates);
their metric, place and claimant are resolved against the store's vocabulary and an
unknown one is refused, naming the source and claim.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from tracker.core.errors import Problem, TrackerError, ValidationFailed
from tracker.domain import fields
from tracker.domain.lookup import Vocabulary, new_key
from tracker.domain.models import Claim, Revision, Source, utcnow
from tracker.domain.schemas import ClaimIn, SourceIn, date_problems
from tracker.domain.vocab import Role
from tracker.store.upkeep import DeferredUpkeep
from tracker.store.write import (
    SOURCE_FIELDS,
    Actor,
    bump_data_version,
    ensure_claimant,
    natural_claim_key,
    require,
    statement_key,
)

BATCH = 10_000
_VARYING = object()  # marks a column whose value differs from row to row

#: The columns of a new claim's row: the table's own order, which the compiled INSERT lists,
#: so rows need no reordering. A new claim has not been reviewed: the review stamp stays NULL.
CLAIM_COLUMNS = tuple(
    c.name for c in Claim.__table__.columns if c.name not in ("reviewed_at", "reviewed_by")
)
_IDS = ("id", "key", "source_id")
#: Who wrote a row and when, the same for every row of a load (`BulkLoader._stamp`'s order).
_STAMP = ("version", "created_at", "created_by", "updated_at", "updated_by")
#: The values a claim's row carries between its ids and its stamp (`ClaimRows.build`):
#: every field of the registry, a vocabulary reference by its id column, and the statement
#: the claim belongs to.
VALUE_COLUMNS = tuple(c for c in CLAIM_COLUMNS if c not in _IDS + _STAMP)
_FROM_REGISTRY = {
    f"{f.name}_id" if f.reference else f.name for f in fields.CLAIM_FIELDS if f.name != "key"
}
_LAID_OUT = (*_IDS, *VALUE_COLUMNS, *_STAMP)
if _FROM_REGISTRY | {"statement_key"} != set(VALUE_COLUMNS) or _LAID_OUT != CLAIM_COLUMNS:
    # a field added to the registry but not to the table, or the other way round
    raise AssertionError(f"claim columns {CLAIM_COLUMNS} do not match the field registry")
#: What a revision's snapshot of a claim records (`tracker.store.write.claim_snapshot`), in
#: parts: the vocabulary (by key); the fields that differ from claim to claim (the free text
#: every claim has, its key and its quote; the figures; the dates); and the rest, which
#: mostly repeat from claim to claim (defaults, languages, statuses) and are encoded once
#: per combination.
_SNAPSHOT = tuple(f for f in fields.CLAIM_FIELDS if f.snapshot)
_SNAPSHOT_REFERENCES = tuple(f.name for f in _SNAPSHOT if f.reference)
_SNAPSHOT_TEXTS = tuple(
    f.name
    for f in _SNAPSHOT
    if f.required and f.type == "string" and not f.enum and not f.reference
)
_SNAPSHOT_INTEGERS = tuple(f.name for f in _SNAPSHOT if f.type == "integer")
_DATE_COLUMNS = tuple(f.name for f in _SNAPSHOT if f.type == "date")
_SNAPSHOT_REPEATING = tuple(
    f.name
    for f in _SNAPSHOT
    if f.name not in _SNAPSHOT_REFERENCES + _SNAPSHOT_TEXTS + _SNAPSHOT_INTEGERS + _DATE_COLUMNS
)
_BOOLEAN_COLUMNS = tuple(f.name for f in fields.CLAIM_FIELDS if f.type == "boolean")
if {f.name for f in fields.CLAIM_FIELDS if f.type == "date"} != set(_DATE_COLUMNS):
    raise AssertionError("a date the snapshot leaves out would reach the driver unconverted")
_REPEATING_KEYS = tuple(f"{json.dumps(name)}: " for name in _SNAPSHOT_REPEATING)


def _build_source() -> str:
    """The source of `ClaimRows`' builder, written out from the registry once at import (as
    `dataclasses` writes `__init__`): one tuple and one join, no loop or call per field,
    nearly as fast as the hand-written row and f-strings it replaces."""

    def value(name: str) -> str:
        return f"values[{name!r}]"

    pieces = []
    for f in _SNAPSHOT:
        if f.name in _SNAPSHOT_REPEATING:
            continue
        if f.reference:
            encoded = f"key_json[{value(f.name)}]"
        elif f.name in _SNAPSHOT_TEXTS:
            encoded = f"ascii({value(f.name)})"
        elif f.name in _SNAPSHOT_INTEGERS:
            encoded = f"integer_json[{value(f.name)}]"
        else:
            encoded = f"date_json[{value(f.name)}]"
        pieces += [repr(f"{', ' if pieces else '{'}{json.dumps(f.name)}: "), encoded]
    pieces += ["', '", "tail", "'}'"]
    row = []
    for column in VALUE_COLUMNS:
        if column in _DATE_COLUMNS:
            row.append(f"date_driver[{value(column)}]")
        elif column in _BOOLEAN_COLUMNS:
            row.append(f"bools[{value(column)}]")
        else:
            row.append(value(column))
    repeating = ", ".join(value(name) for name in _SNAPSHOT_REPEATING)
    return f"""
def make(key_json, ascii, integer_json, date_json, date_driver, bools, tails, tail_of):
    def build(values):
        repeating = ({repeating},)
        tail = tails.get(repeating)
        if tail is None:
            tail = tail_of(repeating)
        return ({", ".join(row)},), "".join(({", ".join(pieces)},))
    return build
"""


_BUILD_SOURCE = _build_source()


#: Claim fields a data file may leave out, with the value `ClaimIn` gives them.
CLAIM_DEFAULTS: dict[str, Any] = {
    name: info.default.value if isinstance(info.default, Enum) else info.default
    for name, info in ClaimIn.model_fields.items()
    if not info.is_required()
}
#: A "create" revision: every column but the id the database gives it.
REVISION_COLUMNS = tuple(c.name for c in Revision.__table__.columns if c.name != "id")

#: Source fields a data file may leave out, with the value `SourceIn` gives them.
SOURCE_DEFAULTS: dict[str, Any] = {
    name: info.default.value if isinstance(info.default, Enum) else info.default
    for name, info in SourceIn.model_fields.items()
    if not info.is_required()
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
    out ahead (`take_ids`), and one executemany of a compiled Core INSERT (`insert`), or on
    PostgreSQL one COPY ... FROM STDIN of the same values (`copy`). Shared by the synthetic
    loader and the importer."""

    def __init__(self, conn: Connection, *, copy: bool | None = None) -> None:
        self.conn = conn
        self._ids = _Ids(conn)
        self._statements: dict[tuple[str, tuple[str, ...]], tuple] = {}
        #: COPY where the driver streams it (psycopg 3), unless told otherwise: executemany
        #: is not PostgreSQL's fast path. Both store the same rows (tests/test_bulk_copy.py).
        self.copies = _can_copy(conn) if copy is None else (copy and _can_copy(conn))

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
        sql, order, processors, positional = self._compiled(table, keys)
        fixed = {
            k: (processors[k](v) if processors[k] else v)
            for k, v in (constants or {}).items()
            if k in processors
        }
        columns = [(k, fixed.get(k, _VARYING), processors[k]) for k in order]
        copies = self.copies
        params: list[Any] = []
        for row in rows:
            values = [
                (c if c is not _VARYING else p(row[k]) if p else row[k]) for k, c, p in columns
            ]
            params.append(
                tuple(values) if positional or copies else dict(zip(order, values, strict=True))
            )
        if copies:
            self.copy(table, tuple(order), params)
        else:
            self.conn.exec_driver_sql(sql, params)

    def insert_values(self, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """One executemany of rows already in the driver's form: tuples in `columns` order,
        each value already through `bind(table, column)`. For the loader's hot path, which
        builds its rows that way (dates processed once per distinct date, shared values once
        per load) instead of running a processor on every value of every row."""
        if not rows:
            return
        if self.copies:
            self.copy(table, columns, rows)
            return
        sql, order, _processors, positional = self._compiled(table, columns)
        if not positional:  # PostgreSQL's driver takes named parameters
            self.conn.exec_driver_sql(sql, [dict(zip(columns, r, strict=True)) for r in rows])
            return
        if list(columns) != order:  # the compiled INSERT lists columns in table order
            reorder = itemgetter(*(columns.index(k) for k in order))
            rows = [reorder(r) for r in rows]
        self.conn.exec_driver_sql(sql, rows)

    def copy(self, table: Table, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        """One COPY ... FROM STDIN of rows in the driver's form (as `insert_values` takes
        them), on the transaction's own connection: the rows are the caller's until it
        commits, and a failure rolls them back with the rest. COPY takes the same lock as
        INSERT (ROW EXCLUSIVE), so readers keep reading what was committed before.

        Text format: each value is written as psycopg would bind it (a JSON column's text,
        dates, aware timestamps with their offset, booleans) and the server parses it with
        the column's own input function, as it does an INSERT's parameter, so the stored
        rows are the same."""
        listed = ", ".join(f'"{c}"' for c in columns)
        driver = self.conn.connection.driver_connection
        assert driver is not None
        with (
            driver.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({listed}) FROM STDIN') as copy,
        ):
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def fixed(self, table: Table, values: dict[str, Any]) -> tuple:
        """Values every row of a load shares, through their bind processors once, in order.
        For COPY also turned once into the very text COPY sends for them: a JSON column's
        constant (a new record's empty `before`) otherwise went through json.dumps a row."""
        bound = tuple(self.bind(table, k)(v) for k, v in values.items())
        if not self.copies:
            return bound
        from psycopg.adapt import PyFormat, Transformer

        driver = self.conn.connection.driver_connection
        assert driver is not None
        dumpers = Transformer(driver)
        texts = []
        for value in bound:
            data = None if value is None else dumpers.get_dumper(value, PyFormat.TEXT).dump(value)
            texts.append(None if data is None else bytes(data).decode(driver.info.encoding))
        return tuple(texts)

    def bind(self, table: Table, column: str) -> Callable[[Any], Any]:
        """The column type's bind processor on this dialect (identity when it has none)."""
        dialect = self.conn.dialect
        processor = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        return processor or _identity

    def _compiled(self, table: Table, keys: tuple[str, ...]) -> tuple:
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
        return cached


def _can_copy(conn: Connection) -> bool:
    """Whether rows can be streamed with COPY: PostgreSQL through psycopg 3."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def _identity(value: Any) -> Any:
    return value


class _DriverDates(dict):
    """A date's stored form (its bind processor's output), its ISO text as JSON for the
    revision, and its ISO text for the keys, computed once per distinct date: a million
    claims have a few thousand."""

    def __init__(self, bind: Callable[[Any], Any]) -> None:
        super().__init__()
        self.bind = bind

    def __missing__(self, day: date) -> tuple[Any, str, str]:
        iso = day.isoformat()
        self[day] = found = (self.bind(day), f'"{iso}"', iso)
        return found


class ClaimRows:
    """New claims' rows in the driver's form and their "create" revisions' snapshots as JSON
    text, for the bulk loader and the importer alike: what `tracker.store.write.claim_row` and
    `claim_snapshot` make of a claim, derived from the field registry, without a
    bind processor call or a json.dumps per claim (most of a load's Python went into those)."""

    def __init__(self, writer: RowWriter) -> None:
        claim = Claim.__table__
        self.dates = dates = _DriverDates(writer.bind(claim, "period_end"))
        as_bool = writer.bind(claim, "cumulative")
        self._repeating_json: dict[tuple, str] = {}
        namespace: dict[str, Any] = {}
        exec(_BUILD_SOURCE, namespace)  # noqa: S102 (our own source, from the registry)
        self.build_row = namespace["make"](
            _Memo(encode_basestring_ascii, {}),  # vocabulary keys
            encode_basestring_ascii,
            _Memo(repr, {None: "null"}),
            _Memo(lambda day: dates[day][1], {None: "null"}),
            _Memo(lambda day: dates[day][0], {None: None}),
            {True: as_bool(True), False: as_bool(False)},
            self._repeating_json,
            self._tail,
        )
        # The snapshots are JSON text; a dialect whose JSON column wants something else than
        # json.dumps' text gets them decoded again, except through COPY, where the server
        # parses the column's text as it would the parameter.
        to_json = writer.bind(Revision.__table__, "after")
        stores_text = to_json({"a": [1, None]}) == json.dumps({"a": [1, None]})
        self.json_value: Callable[[str], Any] = (
            _identity if stores_text or writer.copies else lambda text: to_json(json.loads(text))
        )

    def build(self, values: dict[str, Any]) -> tuple[tuple, str]:
        """The row's `VALUE_COLUMNS` in the driver's form and the snapshot's JSON text of a
        claim given as its column values (vocabulary ids in `metric_id`...) and its
        snapshot's (vocabulary keys in `metric`..., the key in `key`). The figures, dates and
        keys are encoded once per distinct value, the fields that mostly repeat once per
        combination."""
        return self.build_row(values)

    def _tail(self, repeating: tuple) -> str:
        tail = ", ".join(map(str.__add__, _REPEATING_KEYS, map(_json_scalar, repeating)))
        if len(self._repeating_json) < 10_000:  # bounded: relays make it vary
            self._repeating_json[repeating] = tail
        return tail


class _Memo(dict):
    """`function(value)` by value, each worked out once (at most 100,000 kept)."""

    def __init__(self, function: Callable[[Any], Any], preset: dict[Any, Any]) -> None:
        super().__init__(preset)
        self.function = function

    def __missing__(self, value: Any) -> Any:
        found = self.function(value)
        if len(self) < 100_000:
            self[value] = found
        return found


def _json_scalar(value: Any) -> str:
    """A text, number, flag or date as json.dumps writes it (a date as its ISO text)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    return json.dumps(_iso(value))


class Prepared(NamedTuple):
    """A batch's rows without their ids (`BulkLoader.prepare`): per source its column values
    and its revision's snapshot as JSON text, and per claim its key, the rest of its row and
    its snapshot; plus how many claims, and whether any is a relay (`duplicate_of`)."""

    sources: list[tuple[dict[str, Any], str, list[tuple[str, tuple, str]]]]
    claims: int
    duplicates: bool


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
        copy: bool | None = None,
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
        self.writer = RowWriter(self.conn, copy=copy)
        self.now = utcnow()
        self.started = time.perf_counter()
        self._sources: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        self._pending = 0
        self._claimants: dict[str, tuple[str, int]] = {}
        #: Off in a process that must not write (`tracker.store.bulk_pipeline`): every claimant
        #: is then resolved up front with `resolve_claimants`.
        self.creates_claimants = True
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
        self._stamp = {
            "version": 1,
            "created_at": self.now,
            "created_by": actor.name,
            "updated_at": self.now,
            "updated_by": actor.name,
        }
        # Values shared by every row, through their bind processors once (`RowWriter.fixed`),
        # and the processors the hot path runs itself: dates once per distinct date
        # (`_DriverDates`).
        w, claim, revision = self.writer, Claim.__table__, Revision.__table__
        self._claim_tail = w.fixed(claim, self._stamp)
        self._revision_tail = w.fixed(revision, self._revision_constants)
        self._rows = ClaimRows(w)
        self._json_text = self._rows.json_value
        self._dates = self._rows.dates
        self._duplicates = False
        self.sources = self.claims = self.revisions = 0
        # Every table gets at most `total` new rows per claim count; that estimate decides
        # whether indexes are rebuilt rather than maintained row by row (tracker.store.upkeep).
        self.upkeep = DeferredUpkeep(
            self.conn, {t: total or 0 for t in ("source", "claim", "revision")}
        )
        self.upkeep.start()

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
        self.upkeep.finish()
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
        self.write(self.prepare(batch))

    def prepare(self, batch: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> Prepared:
        """The rows of a batch of sources with their claims, all but their ids: the Python
        half of the load, which touches no database (`tracker.store.bulk_pipeline` runs it in a
        second process while this one writes)."""
        sources: list[tuple[dict[str, Any], str, list[tuple[str, tuple, str]]]] = []
        claim_row = self._claim_row
        count = 0
        for source, claims in batch:
            values = SOURCE_DEFAULTS | source
            after = json.dumps({f: _iso(values[f]) for f in SOURCE_FIELDS})
            url, published = values["url"], values["published"]
            if problems := date_problems(published):
                raise ValidationFailed(
                    [Problem(f"{p.message} ({url})", field=p.field) for p in problems]
                )
            sources.append(
                (
                    values,
                    after,
                    [claim_row(c, url, published, i) for i, c in enumerate(claims)],
                )
            )
            count += len(claims)
        return Prepared(sources, count, self._duplicates)

    def write(self, prepared: Prepared) -> None:
        """A prepared batch given its ids and written: one executemany per table."""
        self._duplicates |= prepared.duplicates
        source_ids = self.writer.take_ids(Source.__table__, len(prepared.sources))
        claim_ids = self.writer.take_ids(Claim.__table__, prepared.claims)
        if self._first_claim_id is None and claim_ids:
            self._first_claim_id = claim_ids[0]
        source_rows: list[dict[str, Any]] = []
        claim_rows: list[tuple] = []
        revisions: list[tuple] = []
        claim_tail, revision_tail = self._claim_tail, self._revision_tail
        json_text, stamp = self._json_text, self._stamp
        next_claim = iter(claim_ids)
        for (values, source_after, claims), source_id in zip(
            prepared.sources, source_ids, strict=True
        ):
            source_rows.append({"id": source_id, **values, **stamp})
            revisions.append(("source", source_id, *revision_tail, json_text(source_after)))
            for key, row, after in claims:
                claim_id = next(next_claim)
                claim_rows.append((claim_id, key, source_id, *row, *claim_tail))
                revisions.append(("claim", claim_id, *revision_tail, json_text(after)))
        self.writer.insert(Source.__table__, source_rows, stamp)
        self.writer.insert_values(Claim.__table__, CLAIM_COLUMNS, claim_rows)
        self.writer.insert_values(Revision.__table__, REVISION_COLUMNS, revisions)
        self.sources += len(source_rows)
        self.claims += len(claim_rows)
        self.revisions += len(revisions)
        if self.progress:
            self.progress(self.claims, self.total or self.claims)

    def _claim_row(
        self, claim: dict[str, Any], url: str, published: date, index: int
    ) -> tuple[str, tuple, str]:
        """What `tracker.store.write.claim_row` makes of the same input: its key, the rest of the
        row (`VALUE_COLUMNS`, ready for the driver: the id and the source's id are given at
        `write`), and its revision's snapshot (`claim_snapshot`) as JSON text, without a
        pydantic model per row. A field the input leaves out takes the value `ClaimIn` gives
        it."""
        get = claim.get
        metric = self._metric(get("metric"))
        place = self._place(get("place"))
        if metric is None or place is None:
            field = "metric" if metric is None else "place"
            raise ValidationFailed(
                [
                    Problem(
                        f"unknown {field} {get(field)!r} in {url}",
                        field=f"claims[{index}].{field}",
                    )
                ]
            )
        claimant_key, claimant_id = self._claimant(str(claim["claimant"]))
        cumulative = get("cumulative")
        if cumulative is None:
            cumulative = metric.cumulative
        start, end = get("period_start"), claim["period_end"]
        if problems := date_problems(published, end):
            raise ValidationFailed(
                [
                    Problem(f"{p.message} ({url})", field=f"claims[{index}].{p.field}")
                    for p in problems
                ]
            )
        duplicate_of = get("duplicate_of")
        if duplicate_of:
            self._duplicates = True
        # The dates' ISO text, formatted once per distinct date: what the keys hash.
        start_text = None if start is None else self._dates[start][2]
        end_text = self._dates[end][2]
        key = get("id") or natural_claim_key(
            url, claim["metric"], claimant_key, place.key, start_text, end_text
        )
        values = {
            **CLAIM_DEFAULTS,
            **claim,
            "key": key,
            "metric": metric.key,
            "claimant": claimant_key,
            "place": place.key,
            "metric_id": metric.id,
            "claimant_id": claimant_id,
            "place_id": place.id,
            "cumulative": cumulative,
        }
        values["statement_key"] = statement_key(
            claimant_key,
            metric.key,
            place.key,
            start_text,
            end_text,
            values["value"],
            values["low"],
            values["high"],
        )
        row, after = self._rows.build(values)
        return key, row, after

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

    def resolve_claimants(self, names: Iterable[str]) -> None:
        """Find or create these claimants now, before the rows that name them are built."""
        for name in names:
            self._claimant(name)

    def _claimant(self, name: str) -> tuple[str, int]:
        """A claimant by any of its names; one the store lacks is created as the importer
        creates it (`ensure_claimant`: kind "other", its name as written)."""
        known = self._claimants.get(name)
        if known:
            return known
        claimant = self.vocab.claimant(name)
        if claimant is None and not self.creates_claimants:
            raise TrackerError(f"claimant {name!r} was not created before the load started")
        if claimant is None:
            key = new_key(name.strip(), self.vocab.claimants)
            claimant = ensure_claimant(self.session, self.vocab, key, name.strip())
        assert claimant.id is not None
        self._claimants[name] = (claimant.key, claimant.id)
        return self._claimants[name]

    def _settle_duplicates(self) -> None:
        """A relay marked `duplicate_of` joins the statement of the claim it repeats, as
        `tracker.store.write` does one claim at a time; repeated until chains settle."""
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
