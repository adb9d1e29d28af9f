"""The archive of what was read: each fetched page's bytes, gzip-compressed, with their
SHA-256 and the fetch time, so that a quote can be checked against what the page said
that day even after the outlet edits or removes it.

Pages are keyed by their normalised URL, as sources are, so a source's page finds its
copies without a link between the tables. A refetch that reads the same bytes adds no
row; a changed page adds one, and both stay.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.articles.fetch import FetchedPage
from tracker.articles.reading import Article, comparable, text_fingerprint
from tracker.core.errors import NotFound
from tracker.core.records import record_of
from tracker.core.urls import BadURL, normalise_url
from tracker.domain.models import ArchivedPage
from tracker.store.db import read_session


@dataclass(frozen=True)
class ArchivedCopy:
    """One archived copy as a page shows it (the HTML itself is read on demand)."""

    id: int
    url: str
    requested_url: str
    fetched_at: datetime
    fetched_by: str
    sha256: str
    size: int
    content_type: str
    encoding: str
    title: str | None
    text: str | None


def _copy(row: ArchivedPage) -> ArchivedCopy:
    return record_of(ArchivedCopy, row)


def archive_page(
    session: Session, page: FetchedPage, article: Article | None, fetched_by: str
) -> ArchivedPage:
    """Keep `page` (and the article read from it), unless the newest copy of its URL
    holds the very same bytes."""
    digest = hashlib.sha256(page.body).hexdigest()
    latest = session.exec(
        select(ArchivedPage)
        .where(ArchivedPage.url == page.final_url)
        .order_by(col(ArchivedPage.fetched_at).desc(), col(ArchivedPage.id).desc())
        .limit(1)
    ).first()
    if latest is not None and latest.sha256 == digest:
        return latest
    row = ArchivedPage(
        url=page.final_url,
        requested_url=page.requested_url,
        fetched_at=page.fetched_at,
        fetched_by=fetched_by,
        sha256=digest,
        size=len(page.body),
        content_type=page.content_type,
        encoding=page.encoding,
        # mtime=0: the same bytes compress to the same blob, whenever they were fetched.
        html_gzip=gzip.compress(page.body, compresslevel=6, mtime=0),
        title=article.title if article else None,
        text=article.text if article else None,
        text_fingerprint=article.fingerprint if article else None,
    )
    session.add(row)
    session.flush()
    return row


def copies_of(engine: Engine, url: str) -> list[ArchivedCopy]:
    """Every archived copy of the page at `url` (normalised first), newest first."""
    try:
        wanted = normalise_url(url)
    except BadURL:
        return []
    with read_session(engine) as session:
        rows = session.exec(
            select(ArchivedPage)
            .where(ArchivedPage.url == wanted)
            .order_by(col(ArchivedPage.fetched_at).desc(), col(ArchivedPage.id).desc())
        ).all()
        return [_copy(r) for r in rows]


def archived_bytes(engine: Engine, page_id: int) -> bytes:
    """The page's bytes exactly as served, checked against the hash kept with them."""
    with read_session(engine) as session:
        row = session.get(ArchivedPage, page_id)
        if row is None:
            raise NotFound(f"there is no archived page #{page_id}")
        body = gzip.decompress(row.html_gzip)
        if hashlib.sha256(body).hexdigest() != row.sha256:
            raise NotFound(f"archived page #{page_id} does not match its hash; it is damaged")
        return body


#: How alike two texts must be (rapidfuzz's ratio, 0-100, over their words) to be one
#: article: an outlet that adds a credit line or drops a sentence still relays it, while
#: two reports of the same event in their own words stay far below.
RELAY_SIMILARITY = 90
#: How many recent pages of about the same length a near-copy is looked for among: the
#: relays of a wire story appear within hours, and a poll must not read the whole archive.
RELAY_WINDOW = 300


def earlier_copy_elsewhere(session: Session, url: str, text: str) -> str | None:
    """The URL of the first page archived with the same text at another URL: the article
    at `url` is then a relay of that one (a wire story carried by several outlets). The
    same words in any spacing, case or punctuation match at once (by fingerprint); a
    near-copy (a credit line added, a sentence cut) by similarity among recent pages."""
    exact = session.exec(
        select(ArchivedPage.url)
        .where(ArchivedPage.text_fingerprint == text_fingerprint(text), ArchivedPage.url != url)
        .order_by(col(ArchivedPage.fetched_at), col(ArchivedPage.id))
        .limit(1)
    ).first()
    if exact is not None:
        return exact
    words = comparable(text)
    if not words:
        return None
    size = len(text)
    recent = session.exec(
        select(ArchivedPage.url, ArchivedPage.text)
        .where(
            ArchivedPage.url != url,
            col(ArchivedPage.text).is_not(None),
            func.length(ArchivedPage.text).between(int(size * 0.8), int(size * 1.25) + 1),
        )
        .order_by(col(ArchivedPage.id).desc())
        .limit(RELAY_WINDOW)
    ).all()
    best: tuple[float, str] | None = None
    for other_url, other_text in recent:
        score = fuzz.ratio(words, comparable(other_text or ""), score_cutoff=RELAY_SIMILARITY)
        if score and (best is None or score >= best[0]):
            best = (score, other_url)  # newest first: a tie goes to the older page
    return best[1] if best else None
