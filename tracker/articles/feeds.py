"""News feeds and the inbox they fill.

A poll reads each feed (RSS or Atom, parsed by feedparser), and for every entry it has not
seen, by normalised URL or by the feed's GUID, fetches the article, reads it, drafts its
claims and puts it in the inbox with the page archived. An article already stored as a
source counts as seen. Polling again adds nothing, so a poll can run from cron as often as
the newsroom likes. An entry whose page cannot be fetched is reported and not stored, so
the next poll tries it again.

An article whose text (after spacing, case and punctuation) was archived before at another
URL is a relay of that one: a wire story carried by several outlets. The item names the
first URL (`relay_of`); its drafts, once saved, join the same statements in the store
(`tracker.store.write.statement_key`: same claimant, metric, place, period and figure), so the charts
and checks count the statement once however many outlets carried it.

Nothing in the inbox is a claim until a curator saves it; a dismissed item keeps its
reason, who and when, and is never deleted.
"""

from __future__ import annotations

from calendar import timegm
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import feedparser
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.articles.archive import archive_page, earlier_copy_elsewhere
from tracker.articles.fetch import FEED_TYPES, FetchedPage, FetchLimits, fetch
from tracker.articles.intake import FetchedArticle, read_page
from tracker.core.errors import FetchFailed, NotFound, Problem, TrackerError, ValidationFailed
from tracker.core.records import record_of
from tracker.core.urls import BadURL, normalise_url
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Feed, InboxItem, Source, utcnow
from tracker.domain.vocab import Role
from tracker.store.db import read_session, write_session
from tracker.store.write import Actor, require

MAX_REASON = 2000
INBOX_STATUSES = ("new", "taken", "dismissed")

Fetcher = Callable[..., FetchedPage]


@dataclass(frozen=True)
class FeedInfo:
    id: int
    url: str
    name: str
    added_at: datetime
    added_by: str
    last_polled_at: datetime | None
    last_error: str | None
    items: int = 0
    new_items: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "name": self.name,
            "added_at": self.added_at.isoformat(),
            "added_by": self.added_by,
            "last_polled_at": self.last_polled_at.isoformat() if self.last_polled_at else None,
            "last_error": self.last_error,
            "items": self.items,
            "new_items": self.new_items,
        }


@dataclass(frozen=True)
class InboxEntry:
    """An inbox item as the CLI and the Inbox page show it."""

    id: int
    url: str  # where the article was read (after redirects): the source's URL
    link: str  # the feed's link to it
    title: str
    publisher: str
    published: date | None
    published_basis: str
    language: str | None
    text: str
    candidates: list[dict[str, Any]]
    feed: str | None
    relay_of: str | None
    status: str
    source_id: int | None
    taken_by: str | None
    taken_at: datetime | None
    dismissed_reason: str | None
    dismissed_by: str | None
    dismissed_at: datetime | None
    created_at: datetime
    archive_id: int | None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


@dataclass
class PollReport:
    """What one poll did: the items it added and the entries it could not read."""

    feeds: int = 0
    items: list[InboxEntry] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    seen: int = 0

    @property
    def new(self) -> int:
        return len(self.items)

    def as_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "items": [i.as_dict() for i in self.items],
            "failed": self.failed,
            "seen": self.seen,
            "feeds": self.feeds,
        }


# --- feeds ----------------------------------------------------------------------------------


def parse_feed(page: FetchedPage) -> feedparser.FeedParserDict:
    """The feed in a fetched page; `FetchFailed` when it is not RSS or Atom."""
    parsed = feedparser.parse(page.body, response_headers={"content-location": page.final_url})
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({' '.join(str(reason).split())[:200]})" if reason else ""
        raise FetchFailed(f"{page.final_url} is not an RSS or Atom feed{detail}")
    return parsed


def _info(feed: Feed, items: int = 0, new_items: int = 0) -> FeedInfo:
    return record_of(FeedInfo, feed, items=items, new_items=new_items)


def add_feed(
    engine: Engine,
    actor: Actor,
    url: str,
    name: str | None = None,
    *,
    limits: FetchLimits | None = None,
    fetcher: Fetcher = fetch,
) -> FeedInfo:
    """Follow the feed at `url`. It is fetched once first: a URL that is not a feed, or
    one already followed, is refused and nothing is stored."""
    require(actor, Role.curator, "add feeds")
    try:
        wanted = normalise_url(url)
    except BadURL as exc:
        raise ValidationFailed([Problem(str(exc), field="url")]) from None
    name = " ".join((name or "").split()) or None
    if name and len(name) > 300:
        raise ValidationFailed([Problem("is longer than 300 characters", field="name")])
    with read_session(engine) as session:
        existing = session.exec(select(Feed).where(Feed.url == wanted)).first()
    if existing is not None:
        raise ValidationFailed(
            [Problem(f"this feed is already followed as feed #{existing.id}", field="url")]
        )
    page = fetcher(wanted, accept=FEED_TYPES, limits=limits)
    parsed = parse_feed(page)
    title = " ".join(str(parsed.feed.get("title") or "").split())[:300]
    feed = Feed(url=wanted, name=(name or title or wanted)[:300], added_by=actor.name)
    try:
        with write_session(engine) as session:
            session.add(feed)
            session.flush()
            return _info(feed)
    except IntegrityError:
        raise ValidationFailed([Problem("this feed is already followed", field="url")]) from None


def list_feeds(engine: Engine) -> list[FeedInfo]:
    """Every feed followed, with how many items it brought in and how many are new."""
    with read_session(engine) as session:
        counts = {
            (feed_id, status): n
            for feed_id, status, n in session.exec(
                select(InboxItem.feed_id, InboxItem.status, func.count()).group_by(
                    InboxItem.feed_id, InboxItem.status
                )
            ).all()
        }
        out = []
        for feed in session.exec(select(Feed).order_by(col(Feed.id))).all():
            items = sum(n for (fid, _), n in counts.items() if fid == feed.id)
            out.append(_info(feed, items, counts.get((feed.id, "new"), 0)))
        return out


# --- polling --------------------------------------------------------------------------------


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(timegm(parsed), UTC).date()
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _seen(session: Session, feed_id: int, url: str, guid: str | None) -> bool:
    """Whether a feed's entry was brought in before (by its link, or the URL it led to, or
    the feed's GUID), or is a stored source already."""
    if (
        session.exec(
            select(InboxItem.id).where((InboxItem.link == url) | (InboxItem.url == url))
        ).first()
        is not None
    ):
        return True
    if (
        guid
        and session.exec(
            select(InboxItem.id).where(InboxItem.feed_id == feed_id, InboxItem.guid == guid)
        ).first()
        is not None
    ):
        return True
    return session.exec(select(Source.id).where(Source.url == url)).first() is not None


def poll_feeds(
    engine: Engine,
    actor: Actor,
    vocab: Vocabulary,
    *,
    feed_url: str | None = None,
    limits: FetchLimits | None = None,
    fetcher: Fetcher = fetch,
) -> PollReport:
    """Poll every feed (or the one at `feed_url`) and put the articles not seen before in
    the inbox. Each item is committed on its own: a poll stopped halfway keeps what it
    read, and the next one carries on."""
    require(actor, Role.curator, "poll feeds")
    with read_session(engine) as session:
        query = select(Feed).order_by(col(Feed.id))
        if feed_url is not None:
            try:
                wanted = normalise_url(feed_url)
            except BadURL as exc:
                raise ValidationFailed([Problem(str(exc), field="feed")]) from None
            query = query.where(Feed.url == wanted)
        feeds = session.exec(query).all()
    if feed_url is not None and not feeds:
        raise NotFound(f"no feed is followed at {feed_url}; add it with `tracker feed add`")
    report = PollReport(feeds=len(feeds))
    for feed in feeds:
        _poll_one(engine, actor, vocab, feed, report, limits, fetcher)
    return report


def _poll_one(
    engine: Engine,
    actor: Actor,
    vocab: Vocabulary,
    feed: Feed,
    report: PollReport,
    limits: FetchLimits,
    fetcher: Fetcher,
) -> None:
    error = None
    try:
        parsed = parse_feed(fetcher(feed.url, accept=FEED_TYPES, limits=limits))
    except FetchFailed as exc:
        error = str(exc)
        report.failed.append({"feed": feed.name, "url": feed.url, "error": error})
        parsed = None
    for entry in parsed.entries if parsed is not None else []:
        link = entry.get("link") or ""
        guid = str(entry.get("id") or "").strip()[:2000] or None
        try:
            url = normalise_url(link)
        except BadURL as exc:
            report.failed.append(
                {"feed": feed.name, "url": str(link)[:200], "error": f"the entry's link {exc}"}
            )
            continue
        with read_session(engine) as session:
            if _seen(session, feed.id, url, guid):
                report.seen += 1
                continue
        try:
            fetched = read_page(
                fetcher(url, limits=limits), vocab, fallback_published=_entry_date(entry)
            )
        except TrackerError as exc:
            report.failed.append({"feed": feed.name, "url": url, "error": str(exc)})
            continue
        item = _store_item(engine, actor, feed, entry, url, guid, fetched)
        if item is None:
            report.seen += 1  # another poll stored it meanwhile
        else:
            report.items.append(item)
    with write_session(engine) as session:
        stored = session.get(Feed, feed.id)
        if stored is not None:
            stored.last_polled_at = utcnow()
            stored.last_error = error
            session.add(stored)


def _store_item(
    engine: Engine,
    actor: Actor,
    feed: Feed,
    entry: Any,
    url: str,
    guid: str | None,
    fetched: FetchedArticle,
) -> InboxEntry | None:
    article = fetched.article
    title = article.title or " ".join(str(entry.get("title") or "").split()) or url
    try:
        with write_session(engine) as session:
            if fetched.url != url and _seen(session, feed.id, fetched.url, None):
                return None  # the link redirected to an article already in or stored
            relay_of = earlier_copy_elsewhere(session, fetched.url, article.text)
            page = archive_page(session, fetched.page, article, actor.name)
            item = InboxItem(
                feed_id=feed.id,
                guid=guid,
                link=url,
                url=fetched.url,
                title=title,
                publisher=(article.publisher or feed.name)[:300],
                published=fetched.published,
                published_basis=fetched.published_basis,
                language=article.language[:16] if article.language else None,
                text=article.text,
                candidates=[c.as_dict() for c in fetched.candidates],
                archive_id=page.id,
                text_fingerprint=article.fingerprint,
                relay_of=relay_of,
            )
            session.add(item)
            session.flush()
            return _entry(item, feed.name)
    except IntegrityError:
        return None


# --- the inbox ------------------------------------------------------------------------------


def _entry(item: InboxItem, feed_name: str | None) -> InboxEntry:
    return record_of(InboxEntry, item, candidates=list(item.candidates or []), feed=feed_name)


def inbox_counts(engine: Engine) -> dict[str, int]:
    """Items per status (new, taken, dismissed)."""
    with read_session(engine) as session:
        rows = session.exec(select(InboxItem.status, func.count()).group_by(InboxItem.status)).all()
    counts = dict.fromkeys(INBOX_STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def inbox(
    engine: Engine, status: str = "new", *, limit: int = 50, offset: int = 0
) -> list[InboxEntry]:
    """One page of the inbox's items with `status`, newest first."""
    if status not in INBOX_STATUSES:
        raise ValidationFailed(
            [Problem(f"must be one of {', '.join(INBOX_STATUSES)}", field="status")]
        )
    with read_session(engine) as session:
        rows = session.exec(
            select(InboxItem, Feed.name)
            .join(Feed, col(Feed.id) == col(InboxItem.feed_id), isouter=True)
            .where(InboxItem.status == status)
            .order_by(col(InboxItem.id).desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [_entry(item, name) for item, name in rows]


def inbox_item(engine: Engine, item_id: int) -> InboxEntry:
    with read_session(engine) as session:
        item = session.get(InboxItem, item_id)
        if item is None:
            raise NotFound(f"there is no inbox item #{item_id}")
        feed = session.get(Feed, item.feed_id) if item.feed_id is not None else None
        return _entry(item, feed.name if feed else None)


def dismiss(session: Session, actor: Actor, item_id: int, reason: str) -> InboxItem:
    """Set a new item aside, saying why. The item stays (with who and when), so no poll
    brings it back and the decision can be reviewed."""
    require(actor, Role.curator, "dismiss inbox items")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed([Problem("say why the article is dismissed", field="reason")])
    if len(reason) > MAX_REASON:
        raise ValidationFailed([Problem(f"is longer than {MAX_REASON} characters", field="reason")])
    item = session.get(InboxItem, item_id)
    if item is None:
        raise NotFound(f"there is no inbox item #{item_id}")
    if item.status != "new":
        raise ValidationFailed(
            [Problem(f"inbox item #{item_id} is already {item.status}", field="status")]
        )
    item.status = "dismissed"
    item.dismissed_reason = reason
    item.dismissed_by = actor.name
    item.dismissed_at = utcnow()
    session.add(item)
    return item


def dismiss_item(engine: Engine, actor: Actor, item_id: int, reason: str) -> None:
    with write_session(engine) as session:
        dismiss(session, actor, item_id, reason)
