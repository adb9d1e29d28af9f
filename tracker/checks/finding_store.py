"""The checks' findings kept in the database, and brought up to date.

At a million claims a full run of the checks takes about a minute of CPU, far too long for
a reader's view of the Checks page: it reads the findings stored here (tables `finding`,
`finding_claim` and `findings_state`, migration 0003) with small indexed queries
(`tracker.checks.findings`). A refresh brings them up to date:

- in full when nothing is stored yet, a metric, place or claimant was renamed or a place
  moved (every message names them; adding one changes nothing stored), the store was emptied and refilled, a revision appeared
  below the newest one seen (PostgreSQL commits out of id order), or more than
  `tracker.checks.rules.REFRESH_LIMIT` claims changed;
- otherwise only for what the revisions since the last refresh can have changed
  (`tracker.checks.rules.changes_since`; every write of a claim or source writes one): the
  per-claim rules for the changed claims (and the claims of changed sources), the series
  rules in their old and new (metric, place scope) groups for the series of their old and
  new claimants (claimant-disagreement: the pairs of claimants including one of them), and
  the duplicate check for their old and new statements. What those produce replaces their
  stored rows (a finding found again as stored keeps its row); the rest stay.

Who refreshes: `tracker check`, `tracker import` and `tracker demo`, and the dashboard
after a curator's save. Never a write itself (a save stays one short transaction, which
the load guarantees rely on) and never a reader's page view (a view writes nothing): the
page shows when the findings were checked and says when the store changed since.

Findings are derived data: replacing their rows is not a deletion of anything recorded.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tracker.checks.rules import (
    CHUNK,
    RULES,
    SEVERITY_RANK,
    Changes,
    CheckConfig,
    Context,
    Finding,
    Parts,
    Severity,
    changes_since,
    check_parts,
    vocabulary_digest,
)
from tracker.core.errors import DatabaseBusy
from tracker.domain.models import (
    Claim,
    Claimant,
    FindingClaim,
    FindingsState,
    Metric,
    Place,
    Revision,
    StoredFinding,
    utcnow,
)
from tracker.store.db import read_session, write_session
from tracker.store.version import data_version

STATE_ID = 1
#: Claim ids in a finding's sort key: ordering by the key orders by the claims tuple, as
#: `run_checks` does; findings alike in their first ten claims keep their stored order.
SORT_IDS = 10
SORT_WIDTH = 12
#: Rows per INSERT executemany.
BATCH = 5_000
#: Refreshes that lose the race to another (the state changed meanwhile) start again.
ATTEMPTS = 3


@dataclass(frozen=True)
class Refresh:
    """What a refresh did. `status`: "current" (nothing to do), "refreshed", "deferred"
    (more to check than the budget allowed; nothing written) or "superseded" (other
    refreshes stored theirs first, every time it tried). `claims` is how many claims it
    had to check (all of them for a full refresh)."""

    status: str
    full: bool = False
    claims: int = 0
    findings: int = 0


@dataclass(frozen=True)
class _Seen:
    """The store as a refresh starts: what the stored findings will cover once written."""

    version: int
    revision: tuple[int, datetime] | None
    revision_count: int
    vocabulary: str
    #: The revisions up to the one the stored findings saw are still the ones they counted
    #: (none was committed below it since).
    base_intact: bool = False


def has_stored_findings(engine: Any) -> bool:
    """Whether the store has the findings tables (migration 0003; `tracker init` adds
    them to an older store)."""
    with read_session(engine) as session:
        return inspect(session.connection()).has_table("findings_state")


def summary(engine: Any) -> str:
    """ "13 findings: 0 errors, 8 warnings, 5 info", as `tracker check` ends."""
    from tracker.checks.findings import checked_state

    counts = dict.fromkeys(("error", "warning", "info"), 0)
    for (_rule, severity), n in checked_state(engine).counts.items():
        counts[severity] += n
    return (
        f"{sum(counts.values())} findings: {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} info"
    )


def sort_key(claims: Iterable[int]) -> str:
    return "".join(f"{int(c):0{SORT_WIDTH}d}" for c in list(claims)[:SORT_IDS])


def _state(session: Session) -> FindingsState | None:
    return session.get(FindingsState, STATE_ID)


def _state_tuple(state: FindingsState | None) -> tuple[Any, ...]:
    """What a refresh compares before writing (a missing row reads as a new, empty one)."""
    if state is None:
        state = FindingsState(id=STATE_ID)
    return (
        state.revision_id,
        state.revision_at,
        state.revision_count,
        state.data_version,
        state.vocabulary,
        state.checked_at,
    )


def _vocabulary_mark(session: Session, upto: tuple[int, int, int] | None = None) -> str:
    """ "<metric id>:<place id>:<claimant id>:<digest>": the newest id of each vocabulary
    table and the digest of the rows up to them (`vocabulary_digest`). Compared later
    with the rows up to those same ids, so that adding a claimant, a place or a metric
    (common; it has no claims yet) does not make every finding be checked again, while
    renaming one (every message about its claims changes) does."""
    if upto is None:
        upto = (
            session.exec(select(func.max(Metric.id))).one() or 0,
            session.exec(select(func.max(Place.id))).one() or 0,
            session.exec(select(func.max(Claimant.id))).one() or 0,
        )
    return ":".join(str(i) for i in upto) + ":" + vocabulary_digest(session, upto)


def _same_vocabulary(session: Session, mark: str) -> bool:
    """Whether the vocabulary rows `mark` covered still read as they did then."""
    try:
        metric, place, claimant, _digest = mark.split(":")
        upto = (int(metric), int(place), int(claimant))
    except ValueError:
        return False
    return _vocabulary_mark(session, upto) == mark


def _seen(session: Session, state: FindingsState | None) -> _Seen:
    """The store now. The revisions are counted once: up to the one the stored findings saw
    (a count of an index range, the large part at a million claims; not needed when no
    revision can have appeared below it since), plus those after it, when that part still
    holds as many as then."""
    newest = session.exec(
        select(Revision.id, Revision.changed_at).order_by(Revision.id.desc()).limit(1)
    ).first()
    revision = (newest[0], newest[1]) if newest else None
    intact = False
    if revision is None:
        count = 0
    elif (
        state is not None
        and state.revision_id is not None
        and state.revision_id <= revision[0]
        and (
            _ids_in_commit_order(session)
            or _no_gaps_up_to(session, state)
            or _revisions_up_to(session, state.revision_id) == state.revision_count
        )
    ):
        intact = True
        after = session.exec(
            select(func.count(Revision.id)).where(
                Revision.id > state.revision_id, Revision.id <= revision[0]
            )
        ).one()
        count = state.revision_count + after
    else:
        count = _revisions_up_to(session, revision[0])
    return _Seen(data_version(session), revision, count, _vocabulary_mark(session), intact)


def _ids_in_commit_order(session: Session) -> bool:
    """SQLite has one writer at a time, holding the write lock from its first insert to its
    commit: revision ids are handed out in commit order, and none can appear below the
    newest one seen. (Counting them to be sure reads the whole revision table: 1.5 s at a
    million claims, most of a refresh after one edit.)"""
    return session.get_bind().dialect.name == "sqlite"


def _no_gaps_up_to(session: Session, state: FindingsState) -> bool:
    """Revision ids are unique and (the lowest one says) start at 1 or above: when the
    stored findings counted as many revisions up to the newest one they saw as its id,
    every id below it was taken, and no revision committed later can be there. (On
    PostgreSQL the count reads every revision, 0.2 to 0.5 s at a million claims; a write
    rolled back after taking an id leaves a gap, and then it is counted.)"""
    if state.revision_id is None or state.revision_count != state.revision_id:
        return False
    lowest = session.exec(select(func.min(Revision.id))).one()
    return lowest is not None and lowest >= 1


def _revisions_up_to(session: Session, revision_id: int) -> int:
    """Revisions with ids up to `revision_id` (an index range count)."""
    return session.exec(select(func.count(Revision.id)).where(Revision.id <= revision_id)).one()


def _is_current(state: FindingsState | None, seen: _Seen) -> bool:
    return (
        state is not None
        and state.checked_at is not None
        and state.data_version == seen.version
        and state.vocabulary == seen.vocabulary
        and (state.revision_id, state.revision_at)
        == (seen.revision if seen.revision else (None, None))
    )


def _can_build_on(session: Session, state: FindingsState | None, seen: _Seen) -> bool:
    """Whether the stored findings are a base an incremental refresh can build on: they
    were computed on this store, with today's vocabulary, and no revision has appeared
    since below the newest one they saw."""
    if state is None or state.checked_at is None or state.revision_id is None:
        return False
    if not _same_vocabulary(session, state.vocabulary):
        return False
    row = session.get(Revision, state.revision_id)
    if row is None or row.changed_at != state.revision_at:
        return False  # emptied and refilled: revision ids start again
    return seen.base_intact


def _claims_in_groups(session: Session, ctx: Context, groups: set[tuple[int, int]]) -> int:
    """About how many claims the series rules read for `groups` (an upper bound)."""
    if not groups:
        return 0
    scopes = {scope for _metric, scope in groups}
    places = [pid for pid, scope in ctx.scope.items() if scope in scopes]
    metrics = sorted({metric for metric, _scope in groups})
    return session.exec(
        select(func.count(Claim.id)).where(Claim.metric_id.in_(metrics), Claim.place_id.in_(places))
    ).one()


def _statements_of(session: Session, claims: set[int]) -> set[str]:
    """The statements `claims` belong to now, and those they were in when last checked
    (a stored duplicate finding about them names it): both may gain or lose a copy."""
    out: set[str] = set()
    ids = sorted(claims)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        out.update(session.exec(select(Claim.statement_key).where(Claim.id.in_(chunk))))
        parts = session.exec(
            select(StoredFinding.part)
            .join(FindingClaim, FindingClaim.finding_id == StoredFinding.id)
            .where(FindingClaim.claim_id.in_(chunk), StoredFinding.part.like("statement:%"))
        )
        out.update(p.removeprefix("statement:") for p in parts)
    return out


def _series_part(metric_id: int, scope: int, *claimants: int) -> str:
    """ "series:<metric>:<place scope>:<claimant>[:<other claimant>]", the lower id first."""
    return ":".join(str(i) for i in ("series", metric_id, scope, *sorted(claimants)))


def _stored_whole(session: Session, groups: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of `groups`, those whose series findings are stored as one part ("series:<metric>:
    <place scope>"), as a checkout before per-claimant parts stored them: such a group is
    checked again whole, and then stored per claimant."""
    names = {f"series:{metric_id}:{scope}": (metric_id, scope) for metric_id, scope in groups}
    found: set[str] = set()
    for chunk in _chunks(sorted(names)):
        found.update(
            session.exec(select(StoredFinding.part).where(StoredFinding.part.in_(chunk)).distinct())
        )
    return {names[part] for part in found}


def _series_parts(ctx: Context, changes: Changes, parts: Parts) -> list[str]:
    """The stored parts that the series findings of a refresh replace: in each changed
    group, the series of the changed claimants and their pairs with every claimant that
    has claims there (now, or when last checked: then it changed too); in a group checked
    whole, every claimant's and every pair's, and the group's single part of an older
    store."""
    out: list[str] = []
    for group in sorted(changes.groups):
        focus = ctx.only_claimants.get(group) if ctx.only_claimants is not None else None
        if focus is None:
            out.append(_series_part(*group))
            there = set(ctx.claimants)
            focus = there
        else:
            there = parts.claimants.get(group, set()) | focus
        for c in sorted(focus):
            out.append(_series_part(*group, c))
            out += [_series_part(*group, c, d) for d in sorted(there) if d != c]
    return list(dict.fromkeys(out))


def _rows(session: Session, parts: Parts) -> list[tuple[str, Finding]]:
    """Each finding with the part it was computed from, in `run_checks` order within a
    part. A duplicate finding's part is its statement, looked up from its first claim."""
    out: list[tuple[str, Finding]] = []
    for claim_id, found in parts.by_claim.items():
        out += [(f"claim:{claim_id}", f) for f in found]
    for key, found in parts.by_series.items():
        out += [(_series_part(*key), f) for f in found]
    firsts = sorted({f.claims[0] for f in parts.store})
    statement: dict[int, str] = {}
    for i in range(0, len(firsts), CHUNK):
        statement.update(
            session.exec(
                select(Claim.id, Claim.statement_key).where(Claim.id.in_(firsts[i : i + CHUNK]))
            ).all()
        )
    out += [(f"statement:{statement[f.claims[0]]}", f) for f in parts.store]
    order = {rid: i for i, rid in enumerate(RULES)}
    out.sort(key=lambda r: (SEVERITY_RANK[Severity(r[1].severity)], order[r[1].rule], r[1].claims))
    return out


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def count_key(rule: str, severity: str) -> str:
    return f"{rule}|{severity}"


def _replace(
    session: Session, parts: list[str] | None, rows: list[tuple[str, Finding]]
) -> tuple[Counter[str], list[tuple[str, Finding]]]:
    """Drop the stored findings computed from `parts` (all of them when None) that `rows`
    no longer has; returns how many of each check and severity went, and the rows still to
    store. A finding found again as it is stored keeps its row: after one edit in a series
    of 24,000 claims, rewriting its 2,500 findings and their claim links took 2.8 s, most
    of the refresh."""
    gone: Counter[str] = Counter()
    if parts is None:
        session.execute(delete(FindingClaim))
        session.execute(delete(StoredFinding))
        return gone, rows
    stored: dict[tuple[Any, ...], list[int]] = {}
    kinds: dict[int, str] = {}
    for chunk in _chunks(sorted(parts)):
        found = session.exec(
            select(
                StoredFinding.id,
                StoredFinding.part,
                StoredFinding.rule,
                StoredFinding.severity,
                StoredFinding.message,
                StoredFinding.claims,
                StoredFinding.sources,
            )
            .where(StoredFinding.part.in_(chunk))
            .order_by(StoredFinding.id)
        )
        for id_, part, rule, severity, message, claims, sources in found:
            key = (part, rule, severity, message, tuple(claims), tuple(sources))
            stored.setdefault(key, []).append(id_)
            kinds[id_] = count_key(rule, severity)
    new: list[tuple[str, Finding]] = []
    for part, f in rows:
        same = stored.get((part, f.rule, str(f.severity), f.message, f.claims, f.sources))
        if same:
            same.pop(0)
        else:
            new.append((part, f))
    ids = sorted(id_ for left in stored.values() for id_ in left)
    gone.update(kinds[id_] for id_ in ids)
    for id_chunk in _chunks(ids):
        session.execute(delete(FindingClaim).where(FindingClaim.finding_id.in_(id_chunk)))
        session.execute(delete(StoredFinding).where(StoredFinding.id.in_(id_chunk)))
    return gone, new


_FINDING_COLUMNS = (
    "id",
    "rule",
    "severity",
    "severity_rank",
    "sort_key",
    "message",
    "claims",
    "sources",
    "part",
)


def _store(session: Session, rows: list[tuple[str, Finding]]) -> None:
    """Insert the findings with ids of our own (the state row's lock, or SQLite's write
    lock, keeps refreshes one at a time) so that their claim links go in the same pass;
    in batches, so that a million findings are never all in memory twice."""
    next_id = (session.exec(select(func.max(StoredFinding.id))).one() or 0) + 1
    for chunk in _chunks(rows, BATCH):
        findings: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []
        for part, f in chunk:
            findings.append(
                (
                    next_id,
                    f.rule,
                    str(f.severity),
                    SEVERITY_RANK[Severity(f.severity)],
                    sort_key(f.claims),
                    f.message,
                    json.dumps(list(f.claims)),
                    json.dumps(list(f.sources)),
                    part,
                )
            )
            links += [(next_id, c) for c in dict.fromkeys(f.claims)]
            next_id += 1
        _insert(session, "finding", _FINDING_COLUMNS, findings)
        _insert(session, "finding_claim", ("finding_id", "claim_id"), links)


def _insert(session: Session, table: str, columns: tuple[str, ...], rows: list[Any]) -> None:
    """Rows as the driver takes them (JSON already text): on PostgreSQL one COPY, on SQLite
    one executemany. Through SQLAlchemy's ORM insert, storing a million claims' 110,000
    findings and 700,000 claim links took 15 s of CPU, as long as checking them."""
    if not rows:
        return
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        cursor = driver.cursor()
        try:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        finally:
            cursor.close()


def _write(
    session: Session,
    read_state: tuple[Any, ...],
    seen: _Seen,
    remove: list[str] | None,
    rows: list[tuple[str, Finding]],
) -> bool:
    """Replace the findings and move the state on, unless another refresh moved it since
    this one read it (False: start again from what that one stored)."""
    state = session.exec(
        select(FindingsState).where(FindingsState.id == STATE_ID).with_for_update()
    ).first()
    if state is None or _state_tuple(state) != read_state:
        return False
    gone, new = _replace(session, remove, rows)
    _store(session, new)
    counts = Counter() if remove is None else Counter(state.counts)
    counts.subtract(gone)
    counts.update(count_key(f.rule, str(f.severity)) for _part, f in new)
    state.counts = {key: n for key, n in sorted(counts.items()) if n > 0}
    state.revision_id, state.revision_at = seen.revision if seen.revision else (None, None)
    state.revision_count = seen.revision_count
    state.data_version = seen.version
    state.vocabulary = seen.vocabulary
    state.checked_at = utcnow()
    session.add(state)
    return True


def refresh_findings(engine: Any, *, budget: int | None = None) -> Refresh:
    """Bring the stored findings up to date with the store (see the module's docstring).

    With a `budget`, a refresh that would check more claims than that is not started
    ("deferred"): the dashboard then runs it in the background instead of keeping a
    curator waiting. Safe to run from several processes at once: the one that writes
    second starts again from what the first stored."""
    for _attempt in range(ATTEMPTS):
        with read_session(engine) as session:
            state = _state(session)
            read_state = _state_tuple(state)
            seen = _seen(session, state)
            if _is_current(state, seen):
                return Refresh("current")
            ctx = Context.load(session, CheckConfig())
            changes = None
            if seen.revision is not None and _can_build_on(session, state, seen):
                assert state is not None and state.revision_id is not None
                changes = changes_since(ctx, state.revision_id, seen.revision[0])
            if changes is None:
                work = session.exec(select(func.count(Claim.id))).one()
            else:
                work = len(changes.claims) + _claims_in_groups(session, ctx, changes.groups)
            if budget is not None and work > budget:
                return Refresh("deferred", full=changes is None, claims=work)
            remove = None
            if changes is not None:
                statements = _statements_of(session, changes.claims)
                whole = _stored_whole(session, changes.groups)
                ctx.only_claims, ctx.only_groups = changes.claims, changes.groups
                ctx.only_claimants = {
                    group: claimants
                    for group, claimants in changes.claimants.items()
                    if group not in whole
                }
                ctx.only_statements = statements
            parts = check_parts(ctx)
            if changes is not None:
                remove = (
                    [f"claim:{c}" for c in changes.claims]
                    + _series_parts(ctx, changes, parts)
                    + [f"statement:{k}" for k in statements]
                )
            rows = _rows(session, parts)
        busy = None
        try:
            _ensure_state_row(engine)
            with write_session(engine) as session:
                written = _write(session, read_state, seen, remove, rows)
                if not written:
                    session.rollback()
        except DatabaseBusy as exc:  # another refresh wrote at the same moment
            written, busy = False, exc
        if written:
            return Refresh("refreshed", full=changes is None, claims=work, findings=len(rows))
    if busy is not None:
        raise busy
    return Refresh("superseded")  # others kept writing first: theirs are stored


def _ensure_state_row(engine: Any) -> None:
    """The state row exists before a refresh locks it: on PostgreSQL `FOR UPDATE` on a
    missing row locks nothing, and two first refreshes would both write."""
    with read_session(engine) as session:
        if _state(session) is not None:
            return
    try:
        with write_session(engine) as session:
            session.add(FindingsState(id=STATE_ID))
    except (IntegrityError, DatabaseBusy):
        pass  # another refresh created it
