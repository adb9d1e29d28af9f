"""Storage tables (SQLModel, `table=True`).

`table=True` models skip pydantic validation, so nothing reaches them unvalidated: input
is checked by the models in `tracker.domain.schemas` first, and the write functions in
`tracker.store.write` are the only code that builds these rows.

Enumerated values are stored as strings (see `tracker.domain.vocab`); timestamps are aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlmodel import Field, SQLModel

# PostgreSQL full-text search (tracker.read.filters): GIN indexes on these very expressions, which
# the search must repeat word for word for the planner to use them. The 'simple'
# configuration lowercases and keeps every word (no stemming, no stop words), so that a
# search for a claimant's exact wording finds it in any language. SQLite searches through
# FTS5 tables instead (migration 0002), which no model can describe.
TS_CONFIG = literal_column("'simple'::regconfig")


def _ts_index(name: str, column: str) -> Index:
    """A GIN index on the tsvector of `column`, created on PostgreSQL only: the text search
    of `tracker.read.filters` matches this expression."""
    expression = text(f"to_tsvector('simple'::regconfig, {column})")
    return Index(name, expression, postgresql_using="gin").ddl_if(dialect="postgresql")


def utcnow() -> datetime:
    """Aware UTC. SQLModel stores it as UTC on both databases and hands it back aware."""
    return datetime.now(UTC)


class Metric(SQLModel, table=True):
    """What is counted. Metrics are never summed with each other."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=64)
    label: str = Field(max_length=200)
    noun: str = Field(max_length=200)
    unit: str = Field(default="people", max_length=64)
    cumulative: bool = Field(default=True)
    hxl: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, sa_column=Column(Text))
    # The words that signal it in an article (`tracker.schemas.MetricSignals` as a dict).
    signals: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )


class Place(SQLModel, table=True):
    """A country, region (oblast) or settlement; ISO 3166-2 code where one exists."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=200)
    iso_code: str | None = Field(default=None, max_length=16, index=True)
    level: str = Field(default="region", max_length=16)
    parent_id: int | None = Field(default=None, foreign_key="place.id")
    lat: float | None = None
    lon: float | None = None
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Conflict(SQLModel, table=True):
    """A war as a scope: the dashboard asks for one first, and a running total stated
    "since the war began" starts on its `start`."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=200)
    start: date
    countries: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    default_metric: str | None = Field(default=None, max_length=64)
    default_place: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, sa_column=Column(Text))


class Claimant(SQLModel, table=True):
    """The body that produced a figure (not the outlet that published it)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=300)
    short_name: str | None = Field(default=None, max_length=100)
    kind: str = Field(default="other", max_length=32)
    side: str = Field(default="unknown", max_length=32)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Source(SQLModel, table=True):
    """An article or page that reported claims. `url` is normalised and unique."""

    __table_args__ = (
        _ts_index("ix_source_title_fts", "title"),
        _ts_index("ix_source_publisher_fts", "publisher"),
    )

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, index=True, max_length=2000)
    title: str = Field(sa_column=Column(Text, nullable=False))
    publisher: str = Field(max_length=300, index=True)
    published: date = Field(index=True)
    published_at: datetime | None = None
    published_basis: str = Field(default="stated", max_length=16)
    language: str | None = Field(default=None, max_length=16)
    text: str | None = Field(default=None, sa_column=Column(Text))
    archive_url: str | None = Field(default=None, max_length=2000)
    retrieved_at: datetime | None = None
    notes: str | None = Field(default=None, sa_column=Column(Text))
    synthetic: bool = Field(default=False, index=True)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="system", max_length=100)


class Claim(SQLModel, table=True):
    """One figure that one claimant asserted, as one source reported it."""

    __table_args__ = (
        # The Figures page (tracker.read.queries): one metric and place, per claimant. Covering:
        # the chart's statement count and its per-period aggregate read only the index, and
        # "latest per claimant" is one descending seek per claimant on its first five
        # columns. Status, statement and figure ride along so no row is visited.
        Index(
            "ix_claim_series",
            "metric_id",
            "place_id",
            "claimant_id",
            "cumulative",
            "period_end",
            "status",
            "statement_key",
            "value",
            "low",
            "high",
        ),
        # The claims table's default order (newest as-of date first): the first page is
        # read off the index instead of sorting a million rows (the row id breaks ties).
        Index("ix_claim_period_end", "period_end"),
        Index("ix_claim_claimant_metric", "claimant_id", "metric_id", "period_end"),
        _ts_index("ix_claim_quote_fts", "quote"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=200)
    source_id: int = Field(foreign_key="source.id", index=True)
    claimant_id: int = Field(foreign_key="claimant.id")
    metric_id: int = Field(foreign_key="metric.id")
    place_id: int = Field(foreign_key="place.id", index=True)
    value: int | None = Field(default=None, sa_type=BigInteger)
    low: int | None = Field(default=None, sa_type=BigInteger)
    high: int | None = Field(default=None, sa_type=BigInteger)
    qualifier: str = Field(default="exact", max_length=16)
    period_start: date | None = None
    period_end: date
    cumulative: bool = True
    date_basis: str = Field(default="stated", max_length=24)
    quote: str = Field(sa_column=Column(Text, nullable=False))
    quote_language: str | None = Field(default=None, max_length=16)
    quote_translation: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="unverified", max_length=16, index=True)
    status_reason: str | None = Field(default=None, sa_column=Column(Text))
    relayed_by: str | None = Field(default=None, max_length=300)
    duplicate_of: str | None = Field(default=None, max_length=200)
    statement_id: str | None = Field(default=None, max_length=200)
    # Claims with equal statement_key are one statement relayed by several sources: the
    # charts draw them as one point and the checks count them once.
    statement_key: str = Field(max_length=64, index=True)
    notes: str | None = Field(default=None, sa_column=Column(Text))
    # A curator's explicit confirmation that a failed quote check is acceptable, and why.
    check_override: str | None = Field(default=None, sa_column=Column(Text))
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="system", max_length=100)
    reviewed_at: datetime | None = None
    reviewed_by: str | None = Field(default=None, max_length=100)


class Revision(SQLModel, table=True):
    """Every change to a claim or source: who, when, why, and the record before and after."""

    __table_args__ = (Index("ix_revision_entity", "entity", "entity_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=16)  # "claim" | "source"
    entity_id: int
    action: str = Field(max_length=16)  # "create" | "update" | "status"
    version: int
    changed_at: datetime = Field(default_factory=utcnow, index=True)
    changed_by: str = Field(max_length=100, index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class User(SQLModel, table=True):
    """A curator, editor or admin. Viewers need no account."""

    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=300)
    disabled: bool = False
    failed_logins: int = 0
    last_failed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """A login that lasts beyond one browser tab (`tracker.store.sessions`). Only a hash of its
    token is stored: the token itself lives in the user's cookie, so that a copy of the
    database does not let anyone log in. Revoked rather than deleted, so that who was
    logged in when stays answerable."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_because: str | None = Field(default=None, max_length=64)


class Meta(SQLModel, table=True):
    """Small key/value facts about the store, e.g. the data version every write bumps."""

    key: str = Field(primary_key=True, max_length=64)
    value: int = 0


class StoredFinding(SQLModel, table=True):
    """A finding of the consistency checks (`tracker.checks.rules.Finding`) as last computed.

    Derived data, not a record: `tracker.checks.finding_store` replaces the rows an edit can have
    changed (the `part` they were computed from) and nothing else, so the Checks page reads
    counts and one page of findings at a million claims instead of running every check."""

    __tablename__ = "finding"
    __table_args__ = (
        # The Checks page: counts per check and severity (a covering scan), and one page of
        # a check's findings in `run_checks` order (a seek on rule, severity, sort key).
        Index("ix_finding_page", "rule", "severity_rank", "sort_key"),
        # A refresh replaces what one claim, one claimant's series (or pair of claimants)
        # in a (metric, place) group, or one statement produced.
        Index("ix_finding_part", "part"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=64)
    severity: str = Field(max_length=16)
    severity_rank: int  # 0 error, 1 warning, 2 info: worst first
    # The claim ids, zero-padded and concatenated (the first ten): ordering by it is
    # ordering by the claims tuple, as `run_checks` does.
    sort_key: str = Field(max_length=120)
    message: str = Field(sa_column=Column(Text, nullable=False))
    claims: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # What the finding was computed from: "claim:<id>", "statement:<key>", or
    # "series:<metric>:<place scope>:<claimant>[:<other claimant>]" (one claimant's series,
    # or two claimants' disagreement; older stores hold "series:<metric>:<place scope>").
    part: str = Field(max_length=120)


class FindingClaim(SQLModel, table=True):
    """Which claims a stored finding is about: a claim's findings in one indexed lookup."""

    __tablename__ = "finding_claim"
    __table_args__ = (Index("ix_finding_claim_claim", "claim_id", "finding_id"),)

    finding_id: int = Field(foreign_key="finding.id", primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", primary_key=True)


class FindingsState(SQLModel, table=True):
    """What the stored findings cover (one row, id 1): the newest revision seen and the data
    version they were computed at. Every change to a claim or source writes a revision, so
    the revisions after this one are exactly what a refresh has to look at."""

    __tablename__ = "findings_state"

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int | None = None
    # That revision's time: a store emptied and refilled reuses revision ids.
    revision_at: datetime | None = None
    # Revisions with ids up to revision_id when checked: on PostgreSQL a transaction can
    # commit after a later one, and its revision then appears below revision_id.
    revision_count: int = 0
    data_version: int = 0
    # The newest metric, place and claimant ids and a digest of their wording and of the
    # place scopes up to them: every message depends on them (tracker.checks.finding_store).
    vocabulary: str = Field(default="", max_length=100)
    checked_at: datetime | None = None
    # Findings per "check|severity", kept with every refresh: the page's counts are this
    # row, not a scan of a million findings.
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ArchivedPage(SQLModel, table=True):
    """A page as it was fetched (tracker.articles.archive): the HTML compressed, with its
    hash and fetch time, so that a quote can be checked against what the page said that
    day after the page has changed. Keyed by the normalised URL, like sources; a refetch
    that reads the same bytes adds no row."""

    __tablename__ = "archived_page"
    __table_args__ = (Index("ix_archived_page_url", "url", "fetched_at"),)

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)  # where the page was read, after redirects; normalised
    requested_url: str = Field(max_length=2000)  # as asked for, normalised
    fetched_at: datetime = Field(default_factory=utcnow)
    fetched_by: str = Field(max_length=100)
    sha256: str = Field(max_length=64)  # of the bytes as served (before compression)
    size: int  # bytes as served
    content_type: str = Field(max_length=100)
    encoding: str = Field(max_length=40)
    html_gzip: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    title: str | None = Field(default=None, sa_column=Column(Text))
    text: str | None = Field(default=None, sa_column=Column(Text))  # the article as read
    # Equal for copies of one article at other URLs (tracker.articles.reading): relays.
    text_fingerprint: str | None = Field(default=None, max_length=64, index=True)


class Feed(SQLModel, table=True):
    """A news feed (RSS or Atom) polled for articles (tracker.articles.feeds)."""

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, max_length=2000)  # normalised
    name: str = Field(max_length=300)
    added_at: datetime = Field(default_factory=utcnow)
    added_by: str = Field(max_length=100)
    last_polled_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class InboxItem(SQLModel, table=True):
    """An article a feed brought in, with its text and draft claims, waiting for a curator:
    `new`, then `taken` (saved as a source) or `dismissed` (with a reason, who and when).
    Never deleted: a dismissed item stays, so a poll does not bring it back."""

    __tablename__ = "inbox_item"
    __table_args__ = (
        Index("ix_inbox_item_feed_guid", "feed_id", "guid"),
        Index("ix_inbox_item_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int | None = Field(default=None, foreign_key="feed.id")
    guid: str | None = Field(default=None, max_length=2000)
    # The feed's link, normalised (seen again, it is not fetched again), and the URL the
    # article was read at after redirects (a feed's tracking redirector is not the source).
    link: str = Field(max_length=2000, index=True)
    url: str = Field(unique=True, max_length=2000)
    title: str = Field(sa_column=Column(Text, nullable=False))
    publisher: str = Field(max_length=300)
    published: date | None = None
    published_basis: str = Field(default="stated", max_length=16)
    language: str | None = Field(default=None, max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    candidates: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    archive_id: int | None = Field(default=None, foreign_key="archived_page.id")
    text_fingerprint: str = Field(max_length=64, index=True)
    # The URL of the first copy of the same text (an earlier item or a stored source's
    # page): one statement carried by several outlets.
    relay_of: str | None = Field(default=None, max_length=2000)
    status: str = Field(default="new", max_length=16)
    source_id: int | None = Field(default=None, foreign_key="source.id")
    taken_by: str | None = Field(default=None, max_length=100)
    taken_at: datetime | None = None
    dismissed_reason: str | None = Field(default=None, sa_column=Column(Text))
    dismissed_by: str | None = Field(default=None, max_length=100)
    dismissed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
