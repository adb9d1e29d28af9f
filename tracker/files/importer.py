"""Importing data files: validate everything, plan every change, then write all or nothing.

Three steps, so that the dashboard can show a curator exactly what an import would do
before anything is written (`plan_import`), and the CLI's `validate` is the same code:
1. `reading.read_files` parses and validates each file on its own;
2. `plan_import` resolves vocabulary and compares with the store: add, change or same;
3. `apply_import` writes the plan in the caller's transaction, in bulk.
Re-importing a file that has not changed plans nothing; a changed file plans revisions.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.core.errors import Problem, ValidationFailed
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Claim, Claimant, Conflict, Metric, Place, Revision, Source, utcnow
from tracker.domain.schemas import MetricIn, PlaceIn, reason_problems
from tracker.domain.vocab import Role
from tracker.files.datafiles import SourceFile, VocabFile
from tracker.files.reading import read_files
from tracker.gazetteer.link import ensure_places
from tracker.store.bulk import BATCH, CLAIM_COLUMNS, REVISION_COLUMNS, ClaimRows, RowWriter
from tracker.store.db import retry_when_busy, write_session
from tracker.store.upkeep import DeferredUpkeep
from tracker.store.write import (
    CLAIM_FIELDS,
    Actor,
    Resolved,
    bump_data_version,
    claim_key,
    claim_row,
    claim_snapshot,
    ensure_claimants,
    require,
    resolve_claim,
    revision_of,
    source_snapshot,
    source_values_snapshot,
)

CHUNK = 500
#: The claim fields that hold dates (the others are text, numbers and flags): a snapshot
#: writes them as ISO text.
_DATE_FIELDS = ("period_start", "period_end")
#: Keys of a planned claim's row that are not columns of the claim table.
_NOT_COLUMNS = ("metric", "claimant", "place", "id", "version")


@dataclass
class ClaimPlan:
    key: str
    action: str  # "add" | "change" | "same"
    row: dict[str, Any]  # column values with vocabulary keys in metric/claimant/place
    before: dict[str, Any] | None = None
    line: int | None = None
    field_prefix: str = ""  # how problems name its fields: "claims[2]." in a YAML file

    @property
    def changed_fields(self) -> list[str]:
        if not self.before:
            return []
        after = _row_as_snapshot(self.row)
        return [f for f in CLAIM_FIELDS if self.before.get(f) != after.get(f)]


@dataclass
class FilePlan:
    path: str
    url: str
    source_action: str  # "add" | "change" | "same"
    source_values: dict[str, Any]
    source_before: dict[str, Any] | None
    claims: list[ClaimPlan] = field(default_factory=list)
    kept: int = 0  # stored claims of this source that the file no longer lists (kept)

    def count(self, action: str) -> int:
        return sum(1 for c in self.claims if c.action == action)

    def counts(self) -> Counter[str]:
        """How many claims of each action, in one pass over them."""
        return Counter(c.action for c in self.claims)


@dataclass
class ImportPlan:
    vocab: list[VocabFile] = field(default_factory=list)
    files: list[FilePlan] = field(default_factory=list)
    new_claimants: dict[str, str] = field(default_factory=dict)  # key -> name as written
    # Places from the world gazetteer, parents first: key -> values (tracker.gazetteer.link)
    new_places: dict[str, dict[str, Any]] = field(default_factory=dict)

    def totals(self) -> dict[str, int]:
        claims = Counter(c.action for f in self.files for c in f.claims)
        return {
            "sources_added": sum(f.source_action == "add" for f in self.files),
            "sources_changed": sum(f.source_action == "change" for f in self.files),
            "claims_added": claims["add"],
            "claims_changed": claims["change"],
            "claims_unchanged": claims["same"],
            "claimants_added": len(self.new_claimants),
            "places_added": len(self.new_places),
        }

    @property
    def changes_anything(self) -> bool:
        t = self.totals()
        return bool(self.vocab) or any(v for k, v in t.items() if k != "claims_unchanged")


def row_as_snapshot(row: dict[str, Any]) -> dict[str, Any]:
    """A planned claim's row as its revision will record it (vocabulary by key, ISO dates):
    what the import preview shows."""
    return _row_as_snapshot(row)


def _row_as_snapshot(row: dict[str, Any]) -> dict[str, Any]:
    out = {f: row.get(f) for f in CLAIM_FIELDS}
    for f in _DATE_FIELDS:
        v = out[f]
        if isinstance(v, date):  # a datetime is a date too
            out[f] = v.isoformat()
    return out


def _vocab_overlay(session: Session, vocab_files: list[VocabFile]) -> Vocabulary:
    """The store's vocabulary as it will be once the vocabulary files are applied."""
    vocab = Vocabulary.load(session)
    for vf in vocab_files:
        for entry in vf.entries:
            # Keep the stored id, so that stored claims still resolve to their keys.
            if vf.kind == "metrics":
                old = vocab.metrics.get(entry.key)
                vocab.add_metric(Metric(**_metric_values(entry), id=old.id if old else None))
            elif vf.kind == "places":
                old = vocab.places.get(entry.key)
                vocab.add_place(Place(**_place_values(entry, None), id=old.id if old else None))
            elif vf.kind == "conflicts":
                vocab.add_conflict(Conflict(**entry.model_dump()))
            else:
                old = vocab.claimants.get(entry.key)
                vocab.add_claimant(Claimant(**entry.model_dump(), id=old.id if old else None))
    return vocab


def _metric_values(m: MetricIn) -> dict[str, Any]:
    values = m.model_dump()
    values["noun"] = m.noun or m.label.lower()
    return values


def _place_values(p: PlaceIn, parent_id: int | None) -> dict[str, Any]:
    values = p.model_dump(exclude={"parent"})
    values["level"] = p.level.value
    values["parent_id"] = parent_id
    return values


def plan_import(
    session: Session, vocab_files: list[VocabFile], source_files: list[SourceFile]
) -> ImportPlan:
    """Compare the files with the store. Raises ValidationFailed listing every problem."""
    vocab = _vocab_overlay(session, vocab_files)
    plan = ImportPlan(vocab=vocab_files)
    problems: list[Problem] = [p for sf in source_files for p in sf.problems]
    _check_vocab(vocab_files, vocab, problems)
    urls_seen: dict[str, str] = {}
    keys_seen: dict[str, str] = {}
    # The same few metric, place and claimant words recur across thousands of claims: each
    # combination resolved once (a failed one again each time, so that every claim's
    # problem names its own file and line).
    resolved_words: dict[tuple[str, str, str], Resolved] = {}
    stored_sources = _stored_sources(session, [sf.source.url for sf in source_files])
    for sf in source_files:
        url = sf.source.url
        if url in urls_seen:
            problems.append(
                Problem(
                    f"the same source URL is also in {urls_seen[url]}",
                    file=sf.path,
                    line=sf.lines.line(("source", "url")),
                    field=sf.source_field("url"),
                )
            )
            continue
        urls_seen[url] = sf.path
        existing = stored_sources.get(url)
        values = sf.source.model_dump()
        if existing is None:
            fp = FilePlan(sf.path, url, "add", values, None)
        else:
            before = source_snapshot(existing)
            after = {
                k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()
            }
            # A file that does not carry the text does not erase the stored one.
            if after.get("text") is None:
                after["text"] = before.get("text")
                values["text"] = existing.text
            action = "same" if all(before.get(k) == after.get(k) for k in after) else "change"
            fp = FilePlan(sf.path, url, action, values, before)
        plan.files.append(fp)
        for i, claim in enumerate(sf.claims):
            words = (claim.metric, claim.place, claim.claimant)
            resolved = resolved_words.get(words)
            if resolved is None:
                where = {
                    "file": sf.path,
                    "line": sf.claim_lines[i],
                    "prefix": sf.claim_prefix(i),
                    "lines": _FieldLines(sf, i),
                }
                resolved, found = resolve_claim(claim, vocab, where=where)
                if found:
                    problems += found
                    continue
                assert resolved is not None
                resolved_words[words] = resolved
            if resolved.new_claimant:
                plan.new_claimants.setdefault(resolved.claimant, resolved.new_claimant)
            for values in resolved.new_places:
                plan.new_places.setdefault(values["key"], values)
            key = claim_key(url, claim, resolved.claimant, resolved.place)
            if key in keys_seen:
                problems.append(
                    Problem(
                        f"claim {key!r} is also in {keys_seen[key]} (same id, or same metric, "
                        "claimant, place and period in one source)",
                        file=sf.path,
                        line=sf.claim_lines[i],
                        field=sf.claim_label(i),
                    )
                )
                continue
            keys_seen[key] = sf.path
            row = claim_row(claim, resolved, vocab, key=key, source_id=None)
            row.update(metric=resolved.metric, claimant=resolved.claimant, place=resolved.place)
            fp.claims.append(
                ClaimPlan(key, "add", row, line=sf.claim_lines[i], field_prefix=sf.claim_prefix(i))
            )
    _compare_claims(session, plan, vocab, problems)
    _resolve_duplicates(session, plan, problems)
    if problems:
        raise ValidationFailed(problems)
    return plan


class _FieldLines:
    """The lines of a claim's metric, place and claimant, looked up only when a problem is
    reported (walking the YAML tree for every field of every claim cost more than the
    rest of planning)."""

    FIELDS = ("metric", "place", "claimant")

    def __init__(self, sf: SourceFile, index: int) -> None:
        self.sf, self.index = sf, index

    def get(self, fieldname: str, default: int | None = None) -> int | None:
        if fieldname not in self.FIELDS:
            return default
        return self.sf.lines.line(("claims", self.index, fieldname))


def _stored_sources(session: Session, urls: list[str]) -> dict[str, Source]:
    """The stored sources among `urls`, in a few queries rather than one per file."""
    found: dict[str, Source] = {}
    unique = list(dict.fromkeys(urls))
    for i in range(0, len(unique), CHUNK):
        for source in session.exec(select(Source).where(Source.url.in_(unique[i : i + CHUNK]))):
            found[source.url] = source
    return found


def _check_vocab(vocab_files: list[VocabFile], vocab: Vocabulary, problems: list[Problem]) -> None:
    for vf in vocab_files:
        if vf.kind != "places":
            continue
        for i, p in enumerate(vf.entries):
            if p.parent and p.parent not in vocab.places:
                problems.append(
                    Problem(
                        f"parent {p.parent!r} is not a place key",
                        file=vf.path,
                        field=f"places[{i}].parent",
                    )
                )
            if p.iso_code:
                from tracker.domain.places import valid_iso_code

                if not valid_iso_code(p.iso_code):
                    problems.append(
                        Problem(
                            f"{p.iso_code!r} is not an ISO 3166 code",
                            file=vf.path,
                            field=f"places[{i}].iso_code",
                        )
                    )


def _compare_claims(
    session: Session, plan: ImportPlan, vocab: Vocabulary, problems: list[Problem]
) -> None:
    by_key = {c.key: (fp, c) for fp in plan.files for c in fp.claims}
    # A store with no claims yet (the first, largest import) has none to compare with.
    keys = list(by_key) if session.exec(select(Claim.id).limit(1)).first() is not None else []
    source_ids = {}
    for i in range(0, len(keys), CHUNK):
        chunk = keys[i : i + CHUNK]
        rows = session.exec(select(Claim, Source.url).join(Source).where(Claim.key.in_(chunk)))
        for claim, url in rows:
            fp, cp = by_key[claim.key]
            if url != fp.url:
                problems.append(
                    Problem(
                        f"claim id {claim.key!r} already belongs to {url}",
                        file=fp.path,
                        line=cp.line,
                        field=f"{cp.field_prefix}id",
                    )
                )
                continue
            before = claim_snapshot(claim, vocab)
            cp.before = before
            cp.row["id"] = claim.id
            cp.row["version"] = claim.version
            cp.action = "change" if cp.changed_fields else "same"
            source_ids[fp.url] = claim.source_id
    for fp in plan.files:
        if fp.source_action == "add":
            continue
        stored = session.exec(select(Claim.key).join(Source).where(Source.url == fp.url)).all()
        listed = {c.key for c in fp.claims}
        fp.kept = sum(1 for k in stored if k not in listed)


def _resolve_duplicates(session: Session, plan: ImportPlan, problems: list[Problem]) -> None:
    """A relay marked `duplicate_of` joins the statement of the claim it repeats."""
    planned = {c.key: c for fp in plan.files for c in fp.claims}
    wanted = {c.row["duplicate_of"] for c in planned.values() if c.row.get("duplicate_of")}
    stored = {}
    missing = [k for k in wanted if k not in planned]
    for i in range(0, len(missing), CHUNK):
        for key, skey in session.exec(
            select(Claim.key, Claim.statement_key).where(Claim.key.in_(missing[i : i + CHUNK]))
        ):
            stored[key] = skey

    def statement_of(key: str, depth: int = 0) -> str | None:
        if depth > 20:
            return None
        if key in planned:
            target = planned[key]
            dup = target.row.get("duplicate_of")
            return statement_of(dup, depth + 1) if dup else target.row["statement_key"]
        return stored.get(key)

    for fp in plan.files:
        for cp in fp.claims:
            dup = cp.row.get("duplicate_of")
            if not dup:
                continue
            skey = statement_of(dup)
            if skey is None:
                problems.append(
                    Problem(
                        f"duplicate_of names {dup!r}, which is not a stored or "
                        "imported claim id (or forms a loop)",
                        file=fp.path,
                        line=cp.line,
                        field=f"{cp.field_prefix}duplicate_of",
                    )
                )
                continue
            cp.row["statement_key"] = skey
            if cp.action == "same" and cp.changed_fields:
                cp.action = "change"


def apply_import(
    session: Session,
    actor: Actor,
    plan: ImportPlan,
    *,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the plan inside the caller's transaction. New rows go in bulk (Core inserts in
    chunks, not one ORM object per row) because imports can be large."""
    require(actor, Role.editor, "import data files")
    if problems := reason_problems(reason, required=False):
        raise ValidationFailed(problems)
    now = utcnow()
    _apply_vocab(session, plan.vocab)
    vocab = Vocabulary.load(session)
    ensure_claimants(session, vocab, plan.new_claimants)
    ensure_places(session, vocab, list(plan.new_places.values()))
    ids = {
        "metric": {k: m.id for k, m in vocab.metrics.items()},
        "claimant": {k: c.id for k, c in vocab.claimants.items()},
        "place": {k: p.id for k, p in vocab.places.items()},
    }
    total = sum(len(fp.claims) for fp in plan.files) or 1
    done = 0
    revisions: list[dict[str, Any]] = []
    new_claims: list[tuple[ClaimPlan, int, str]] = []
    writer = RowWriter(session.connection())
    whys = {path: _reason(reason, path) for path in {fp.path for fp in plan.files}}
    for why in set(whys.values()):  # every revision's reason, checked once
        if problems := reason_problems(why, required=False):
            raise ValidationFailed(problems)
    totals = plan.totals()
    # The full-text and index upkeep of the new rows deferred to the end, as the bulk loader
    # does (tracker.store.upkeep: FTS5 terms flushed once, not per row; for an import that at
    # least doubles a table, its secondary indexes rebuilt rather than maintained).
    upkeep = DeferredUpkeep(
        writer.conn,
        {
            "source": totals["sources_added"],
            "claim": totals["claims_added"],
            "revision": sum(v for k, v in totals.items() if k.endswith(("_added", "_changed"))),
        },
    )
    upkeep.start()
    heads = _revision_heads(writer, actor, now)
    claim_rows = ClaimRows(writer)
    added = _add_sources(writer, actor, plan, now, whys, heads, claim_rows.json_value)
    for fp in plan.files:
        why = whys[fp.path]
        source_id = added.get(fp.url) or _apply_source(session, actor, fp, now, why, revisions)
        for cp in fp.claims:
            done += 1
            if cp.action == "add":
                new_claims.append((cp, source_id, why))
            elif cp.action == "change":
                _change_claim(session, actor, cp, ids, source_id, now, why, revisions)
            if progress and done % 1000 == 0:
                progress(done, total)
    session.flush()
    for i in range(0, len(revisions), BATCH):
        writer.insert(Revision.__table__, revisions[i : i + BATCH])
    _add_claims(writer, actor, new_claims, ids, now, heads, claim_rows)
    upkeep.finish()
    if progress:
        progress(total, total)
    if plan.vocab or any(v for k, v in totals.items() if k != "claims_unchanged"):
        bump_data_version(session)  # as `plan.changes_anything`, without counting twice
    return totals


def _reason(reason: str | None, path: str) -> str:
    return reason or f"imported from {Path(path).name}"


def _change_claim(
    session: Session,
    actor: Actor,
    cp: ClaimPlan,
    ids: dict[str, dict[str, int]],
    source_id: int,
    now: Any,
    why: str,
    revisions: list[dict[str, Any]],
) -> None:
    """A stored claim updated to its planned row, with its "update" revision."""
    claim = session.get(Claim, cp.row["id"])
    assert claim is not None
    for k, v in _columns(cp.row, ids, source_id).items():
        setattr(claim, k, v)
    claim.updated_at, claim.updated_by = now, actor.name
    claim.version += 1
    after = _row_as_snapshot(cp.row)
    revisions.append(
        revision_of(
            claim, "claim", "update", actor=actor, reason=why, before=cp.before, after=after, at=now
        )
    )


def _columns(row: dict[str, Any], ids: dict[str, dict[str, int]], source_id: int) -> dict[str, Any]:
    """A planned claim's column values, its vocabulary by the ids it has now."""
    values = {k: v for k, v in row.items() if k not in _NOT_COLUMNS}
    values.update(
        source_id=source_id,
        metric_id=ids["metric"][row["metric"]],
        claimant_id=ids["claimant"][row["claimant"]],
        place_id=ids["place"][row["place"]],
    )
    return values


def _add_claims(
    writer: RowWriter,
    actor: Actor,
    new: list[tuple[ClaimPlan, int, str]],
    ids: dict[str, dict[str, int]],
    now: Any,
    heads: Callable[[str], tuple],
    rows: ClaimRows,
) -> None:
    """The new claims and their "create" revisions through the bulk path
    (`tracker.store.bulk.ClaimRows`): ids reserved ahead, rows and snapshots built in the
    driver's form, values every row shares processed once, one executemany (or COPY) per
    table and batch, in this same transaction."""
    claim_table = Claim.__table__
    stamp = tuple(
        writer.bind(claim_table, k)(v)
        for k, v in (
            ("version", 1),
            ("created_at", now),
            ("created_by", actor.name),
            ("updated_at", now),
            ("updated_by", actor.name),
        )
    )
    metric_ids, claimant_ids, place_ids = ids["metric"], ids["claimant"], ids["place"]
    json_value = rows.json_value
    claim_ids = writer.take_ids(claim_table, len(new))
    for i in range(0, len(new), BATCH):
        claims: list[tuple] = []
        revisions: list[tuple] = []
        for claim_id, (cp, source_id, why) in zip(
            claim_ids[i : i + BATCH], new[i : i + BATCH], strict=True
        ):
            values = dict(cp.row)  # the plan keeps the ids it was planned with
            values["metric_id"] = metric_ids[values["metric"]]
            values["claimant_id"] = claimant_ids[values["claimant"]]
            values["place_id"] = place_ids[values["place"]]
            row, after = rows.build(values)
            claims.append((claim_id, cp.key, source_id, *row, *stamp))
            revisions.append(("claim", claim_id, *heads(why), json_value(after)))
        writer.insert_values(claim_table, CLAIM_COLUMNS, claims)
        writer.insert_values(Revision.__table__, REVISION_COLUMNS, revisions)


def _add_sources(
    writer: RowWriter,
    actor: Actor,
    plan: ImportPlan,
    now: Any,
    whys: dict[str, str],
    heads: Callable[[str], tuple],
    json_value: Callable[[str], Any],
) -> dict[str, int]:
    """Insert the plan's new sources in bulk, each with its "create" revision (one ORM
    flush per source would cost an import of many files more than all their claims)."""
    new = [fp for fp in plan.files if fp.source_action == "add"]
    ids: dict[str, int] = {}
    stamp = {
        "version": 1,
        "created_at": now,
        "created_by": actor.name,
        "updated_at": now,
        "updated_by": actor.name,
    }
    rows = []
    revisions = []
    for source_id, fp in zip(writer.take_ids(Source.__table__, len(new)), new, strict=True):
        ids[fp.url] = source_id
        rows.append({"id": source_id, **fp.source_values, **stamp})
        after = json.dumps(source_values_snapshot(fp.source_values))
        revisions.append(("source", source_id, *heads(whys[fp.path]), json_value(after)))
    for i in range(0, len(rows), BATCH):
        writer.insert(Source.__table__, rows[i : i + BATCH], stamp)
        writer.insert_values(Revision.__table__, REVISION_COLUMNS, revisions[i : i + BATCH])
    return ids


def _revision_heads(writer: RowWriter, actor: Actor, now: Any) -> Callable[[str], tuple]:
    """A "create" revision's values between its row's id and its snapshot, in the driver's
    form, by the reason given: worked out once per reason."""
    table = Revision.__table__
    found: dict[str, tuple] = {}

    def head(why: str) -> tuple:
        values = found.get(why)
        if values is None:
            values = found[why] = tuple(
                writer.bind(table, k)(v)
                for k, v in (
                    ("action", "create"),
                    ("version", 1),
                    ("changed_at", now),
                    ("changed_by", actor.name),
                    ("reason", why),
                    ("before", None),
                )
            )
        return values

    return head


def _apply_source(
    session: Session,
    actor: Actor,
    fp: FilePlan,
    now: Any,
    why: str,
    revisions: list[dict[str, Any]],
) -> int:
    source = session.exec(select(Source).where(Source.url == fp.url)).one()
    if fp.source_action == "change":
        for k, v in fp.source_values.items():
            setattr(source, k, v)
        source.version += 1
        source.updated_at, source.updated_by = now, actor.name
        session.flush()
        after = source_snapshot(source)
        revisions.append(
            revision_of(
                source,
                "source",
                "update",
                actor=actor,
                reason=why,
                before=fp.source_before,
                after=after,
                at=now,
            )
        )
    return source.id


def _apply_vocab(session: Session, vocab_files: list[VocabFile]) -> None:
    """Vocabulary files are upserted by key (vocabularies are reference data, not claims)."""
    for vf in vocab_files:
        if vf.kind == "metrics":
            _upsert(session, Metric, [_metric_values(m) for m in vf.entries])
        elif vf.kind == "claimants":
            _upsert(session, Claimant, [c.model_dump() for c in vf.entries])
        elif vf.kind == "conflicts":
            _upsert(session, Conflict, [c.model_dump() for c in vf.entries])
        else:
            # Parents first: a place's parent may be defined later in the same file.
            _upsert(session, Place, [_place_values(p, None) for p in vf.entries])
            keys = {p.key: p.id for p in session.exec(select(Place))}
            for p in vf.entries:
                place = session.exec(select(Place).where(Place.key == p.key)).one()
                place.parent_id = keys.get(p.parent) if p.parent else None
    session.flush()


def _upsert(session: Session, model: type, rows: Iterable[dict[str, Any]]) -> None:
    existing = {obj.key: obj for obj in session.exec(select(model))}
    for values in rows:
        obj = existing.get(values["key"])
        if obj is None:
            session.add(model(**values))
        else:
            for k, v in values.items():
                if getattr(obj, k) != v:
                    setattr(obj, k, v)
    session.flush()


def import_paths(
    engine: Engine,
    actor: Actor,
    paths: list[str | Path],
    *,
    dry_run: bool = False,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Validate, plan and (unless `dry_run`) apply an import of files and folders, in one
    transaction: either every file lands or none does."""
    with _no_cycle_collection():
        vocab_files, source_files = read_files(paths, lenient=True)
        if dry_run:
            from tracker.store.db import read_session

            with read_session(engine) as session:
                return plan_import(session, vocab_files, source_files)
        require(actor, Role.editor, "import data files")

        def transaction() -> ImportPlan:
            with write_session(engine) as session:
                plan = plan_import(session, vocab_files, source_files)
                apply_import(session, actor, plan, reason=reason, progress=progress)
            return plan

        # Planning happens inside the transaction, so a run refused as busy (on PostgreSQL:
        # a concurrent import stored the same new claimant or source first) can run again.
        return retry_when_busy(transaction)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the import: a large one keeps millions
    of objects alive to the end (values, models, plans, rows), and the collector walked
    them again and again as they grew (a sixth of the import's time); nothing an import
    makes needs it sooner, and what it leaves is collected afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
