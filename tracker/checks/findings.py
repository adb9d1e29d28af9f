"""The checks' findings as a newsroom reads them: what each check means for a journalist,
the findings counted, filtered and grouped by check, and the claims and sources they point
at.

`tracker.checks.rules` finds; this module explains and arranges, for the dashboard's Checks page
and the marks on the Figures chart. The Checks page reads the findings stored by
`tracker.checks.finding_store` with the queries at the end of this module: the counts per check
and severity, and one page of one check's findings, each an indexed read of the `finding`
table (`ix_finding_page`), so that a store of a million claims costs what a small one does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.checks.rules import RULES, SEVERITY_RANK, Finding, Severity
from tracker.domain.models import (
    Claim,
    Claimant,
    FindingClaim,
    FindingsState,
    Revision,
    Source,
    StoredFinding,
)
from tracker.store.db import read_session

SEVERITIES = tuple(s.value for s in Severity)  # worst first


@dataclass(frozen=True)
class RuleGuide:
    """What a check means for a reader: the severities its findings can have (worst first)
    and one line on what to do about a finding."""

    severities: tuple[str, ...]
    meaning: str


GUIDE: dict[str, RuleGuide] = {
    "figure-not-in-quote": RuleGuide(
        ("error",),
        "The stored figure is not in the quote it was taken from: compare both with the "
        "article before using either.",
    ),
    "quote-not-in-source": RuleGuide(
        ("error",),
        "The quote is not in the article text we stored: it may be misquoted or from "
        "another article; check the source.",
    ),
    "period-after-publication": RuleGuide(
        ("error",),
        "The figure is dated after the article that reported it, which cannot be: the "
        "figure's date or the article's date is wrong.",
    ),
    "duplicate-claim": RuleGuide(
        ("warning", "info"),
        "One statement is stored more than once (copies of one wire story, or one figure "
        "under two dates): count and cite it once.",
    ),
    "cumulative-decrease": RuleGuide(
        ("warning",),
        "A running total went down: a correction, a change of area or a misreport; explain "
        "it before comparing the two figures.",
    ),
    "sudden-jump": RuleGuide(
        ("info",),
        "A running total rose far faster than its own trend: probably a revision or a "
        "change of method; say so next to the figure.",
    ),
    "claimant-disagreement": RuleGuide(
        ("warning",),
        "Two claimants' figures disagree beyond their qualifiers: say whose figure you use "
        "and why they differ.",
    ),
    "conflicting-figures": RuleGuide(
        ("warning", "info"),
        "Sources credit one claimant with different figures for the same period: one "
        "misquotes it or the claimant restated it; cite the current one.",
    ),
}


_RULE_RANK = {rule_id: i for i, rule_id in enumerate(RULES)}


def _order(finding: Finding) -> tuple[int, int, tuple[int, ...]]:
    """The order of `run_checks`: errors first, then the checks' own order, then claims."""
    return (
        SEVERITY_RANK[Severity(finding.severity)],
        _RULE_RANK.get(finding.rule, len(_RULE_RANK)),
        finding.claims,
    )


def distinct_findings(by_claim: Mapping[int, Sequence[Finding]]) -> list[Finding]:
    """Every finding of a `findings_by_claim` map once (a finding is listed under each of
    its claims, as the same object), in the order `run_checks` returns them. Told apart by
    identity: hashing a finding hashes all its claim ids, and one disagreement can list
    hundreds."""
    seen = {id(f): f for findings in by_claim.values() for f in findings}
    return sorted(seen.values(), key=_order)


def claim_findings(
    claim_ids: Iterable[int], by_claim: Mapping[int, Sequence[Finding]]
) -> list[Finding]:
    """The findings of any of `claim_ids` (e.g. one chart point's relays), each once,
    worst first."""
    seen = {id(f): f for i in claim_ids for f in by_claim.get(int(i), ())}
    return sorted(seen.values(), key=_order)


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity, every severity present (zero when none)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[str(f.severity)] = counts.get(str(f.severity), 0) + 1
    return counts


def group_by_rule(
    findings: Iterable[Finding],
    rules: Iterable[str] = (),
    severities: Iterable[str] = (),
) -> list[tuple[str, list[Finding]]]:
    """Findings of the given checks and severities (all when empty), grouped by check.

    Groups with a worse finding come first (errors, then warnings, then notes), so that
    what must be fixed is read before what is worth knowing; ties keep the checks' order."""
    wanted_rules, wanted_severities = set(rules), set(severities)
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if wanted_rules and f.rule not in wanted_rules:
            continue
        if wanted_severities and str(f.severity) not in wanted_severities:
            continue
        groups.setdefault(f.rule, []).append(f)
    for items in groups.values():
        items.sort(key=_order)
    return sorted(groups.items(), key=lambda item: _order(item[1][0])[:2])


@dataclass(frozen=True)
class ClaimReference:
    """What a link to a finding's claim and to its source needs."""

    claim_id: int
    claimant: str
    period_end: date
    source_id: int
    source_url: str
    source_publisher: str
    source_published: date


_CHUNK = 500  # ids per IN (...) list


def claim_references(engine: Engine, claim_ids: Iterable[int]) -> dict[int, ClaimReference]:
    """Claim id -> its claimant, date and source (id, URL, publisher, date), for the claims
    that exist among `claim_ids` (one indexed lookup per 500 ids)."""
    ids = sorted({int(i) for i in claim_ids})
    out: dict[int, ClaimReference] = {}
    with read_session(engine) as session:
        for start in range(0, len(ids), _CHUNK):
            rows = session.exec(
                select(
                    Claim.id,
                    Claimant.short_name,
                    Claimant.name,
                    Claim.period_end,
                    Source.id,
                    Source.url,
                    Source.publisher,
                    Source.published,
                )
                .join(Claimant, Claimant.id == Claim.claimant_id)
                .join(Source, Source.id == Claim.source_id)
                .where(Claim.id.in_(ids[start : start + _CHUNK]))
            )
            for claim_id, short, name, end, source_id, url, publisher, published in rows:
                out[claim_id] = ClaimReference(
                    claim_id=claim_id,
                    claimant=short or name,
                    period_end=end,
                    source_id=source_id,
                    source_url=url,
                    source_publisher=publisher,
                    source_published=published,
                )
    return out


# --- the stored findings (tracker.checks.finding_store), as the Checks page reads them ------------

SEVERITY_OF_RANK = {rank: str(severity) for severity, rank in SEVERITY_RANK.items()}


@dataclass(frozen=True)
class CheckedState:
    """When the stored findings were computed, at which data version, and how many of each
    check and severity there are. `stamp` changes with every refresh: the page's cached
    reads key on it (a refresh does not bump the data version, which is the store's)."""

    checked_at: datetime | None  # None: never checked
    data_version: int
    revision_id: int | None
    counts: dict[tuple[str, str], int]  # (check, severity) -> findings

    @property
    def stamp(self) -> str:
        return f"{self.revision_id}|{self.checked_at.isoformat() if self.checked_at else ''}"

    def covers(self, version: int) -> bool:
        """Whether the stored findings were computed on the store at data `version` (every
        write bumps it, a vocabulary change too): then they are what a fresh run of every
        check would find, and `findings_of_claims` may stand in for one."""
        return self.checked_at is not None and self.data_version == version


def checked_state(engine: Engine) -> CheckedState:
    """One row, read by primary key on every Checks page run."""
    with read_session(engine) as session:
        state = session.get(FindingsState, 1)
    if state is None:
        return CheckedState(None, 0, None, {})
    counts = {tuple(key.split("|", 1)): n for key, n in state.counts.items()}
    return CheckedState(state.checked_at, state.data_version, state.revision_id, counts)


def changes_since_checked(engine: Engine, revision_id: int | None, at_most: int = 10_000) -> int:
    """How many changes to claims and sources (revisions) came after the revision the
    stored findings cover, counted up to `at_most` + 1 and no further."""
    with read_session(engine) as session:
        after = select(Revision.id)
        if revision_id is not None:
            after = after.where(Revision.id > revision_id)
        bounded = after.limit(at_most + 1).subquery()
        return session.exec(select(func.count()).select_from(bounded)).one()


def finding_counts(engine: Engine) -> dict[tuple[str, str], int]:
    """(check, severity) -> how many stored findings, counted from the rows (one scan of
    `ix_finding_page`); the page reads the same counts kept in `checked_state`."""
    with read_session(engine) as session:
        rows = session.exec(
            select(StoredFinding.rule, StoredFinding.severity_rank, func.count()).group_by(
                StoredFinding.rule, StoredFinding.severity_rank
            )
        ).all()
    return {(rule, SEVERITY_OF_RANK[rank]): n for rule, rank, n in rows}


def _ranks(severities: Iterable[str]) -> list[int]:
    return sorted(SEVERITY_RANK[Severity(s)] for s in severities)


_COLUMNS = (
    StoredFinding.rule,
    StoredFinding.severity,
    StoredFinding.message,
    StoredFinding.claims,
    StoredFinding.sources,
)
_IN_ORDER = (StoredFinding.severity_rank, StoredFinding.sort_key, StoredFinding.id)


def findings_page(
    engine: Engine, rule: str, severities: Iterable[str] = (), *, limit: int, offset: int = 0
) -> list[Finding]:
    """One page of one check's stored findings (of these severities; all when none), worst
    first and then in `run_checks` order: a seek on `ix_finding_page` that reads only the
    rows shown. Two severities of three are read one after the other (an IN list would
    make SQLite sort every finding of the check to find the page)."""
    ranks = _ranks(severities)
    if len(ranks) == len(SEVERITY_RANK):
        ranks = []
    out: list[Finding] = []
    with read_session(engine) as session:
        for rank in ranks or [None]:
            query = select(*_COLUMNS).where(StoredFinding.rule == rule)
            if rank is not None:
                query = query.where(StoredFinding.severity_rank == rank)
            rows = session.exec(
                query.order_by(*_IN_ORDER).limit(limit - len(out)).offset(offset)
            ).all()
            out += [Finding(r, s, m, tuple(c), tuple(u)) for r, s, m, c, u in rows]
            if len(out) == limit:
                break
            if rows:
                offset = 0
            elif offset:  # the whole severity was before this page: skip past it
                skipped = query.with_only_columns(StoredFinding.id).limit(offset).subquery()
                offset -= session.exec(select(func.count()).select_from(skipped)).one()
    return out


def iter_stored_findings(
    engine: Engine, rules: Iterable[str] = (), severities: Iterable[str] = ()
) -> Iterator[Finding]:
    """The stored findings (of these checks and severities; all when none) one at a time, in
    `run_checks` order, as `stored_findings` lists them: read check by check and severity
    by severity along `ix_finding_page`, so that `tracker check` prints a million claims'
    findings without holding them all."""
    wanted = set(rules)
    ranks = _ranks(severities) or sorted(SEVERITY_OF_RANK)
    with read_session(engine) as session:
        for rank in ranks:
            for rule in RULES:
                if wanted and rule not in wanted:
                    continue
                rows = session.execute(
                    select(StoredFinding.sort_key, *_COLUMNS)
                    .where(StoredFinding.rule == rule, StoredFinding.severity_rank == rank)
                    .order_by(*_IN_ORDER)
                    .execution_options(yield_per=2_000)
                )
                # Findings alike in their first SORT_IDS claims are ordered by all of them.
                for _key, alike in groupby(rows, key=lambda r: r[0]):
                    found = [Finding(r, s, m, tuple(c), tuple(u)) for _k, r, s, m, c, u in alike]
                    yield from sorted(found, key=_order)


def stored_findings(engine: Engine, rules: Iterable[str] = ()) -> list[Finding]:
    """Every stored finding (of these checks; all when none), in `run_checks` order."""
    query = select(*_COLUMNS).order_by(StoredFinding.id)
    wanted = list(rules)
    if wanted:
        query = query.where(StoredFinding.rule.in_(wanted))
    with read_session(engine) as session:
        rows = session.exec(query).all()
    found = [Finding(r, s, m, tuple(c), tuple(u)) for r, s, m, c, u in rows]
    return sorted(found, key=_order)


# Claim ids per IN (...) list when reading stored findings: a chart's few thousand plotted
# claims in one statement, well under SQLite's (32,766) and PostgreSQL's (65,535) limits.
_CLAIMS_PER_QUERY = 10_000


def findings_of_claims(engine: Engine, claim_ids: Iterable[int]) -> dict[int, list[Finding]]:
    """The stored findings of these claims, mapped as `tracker.checks.rules.findings_for_claims`
    maps a fresh run (claim id -> its findings, in `run_checks` order; a finding about
    several of them is the same object under each). Equal to that run only while the
    stored findings are current (`CheckedState.covers`), and then complete at any size of
    store or series, where the run on a page view has to give up.

    One statement per 10,000 claims: the findings whose `finding_claim` rows name any of
    them (a seek on `ix_finding_claim_claim` per id), each finding read once by its key
    however many of the claims it is about."""
    ids = sorted({int(i) for i in claim_ids})
    wanted = set(ids)
    found: dict[int, Finding] = {}
    with read_session(engine) as session:
        for start in range(0, len(ids), _CLAIMS_PER_QUERY):
            about = select(FindingClaim.finding_id).where(
                FindingClaim.claim_id.in_(ids[start : start + _CLAIMS_PER_QUERY])
            )
            rows = session.exec(
                select(StoredFinding.id, *_COLUMNS)
                .where(StoredFinding.id.in_(about))
                .order_by(*_IN_ORDER)
            )
            for id_, r, s, m, c, u in rows:
                if id_ not in found:
                    found[id_] = Finding(r, s, m, tuple(c), tuple(u))
    out: dict[int, list[Finding]] = {}
    for finding in sorted(found.values(), key=_order):
        for claim_id in finding.claims:
            if claim_id in wanted:
                out.setdefault(claim_id, []).append(finding)
    return out
