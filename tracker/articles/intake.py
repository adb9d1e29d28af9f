"""From a URL to a source's fields and draft claims, and from there to a stored source.

`fetch_article` stores nothing: it fetches the page (`fetch`), reads it (`reading`) and
runs the extraction assistant (`tracker.extraction`) on its text, resolving relative dates
against the page's own publication date. `store_fetched_source` then stores the source a
curator corrected, with the page it was read from in the archive, in one transaction
(`tracker.curation.save_fetched_source` is the app's door to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.articles.archive import archive_page, earlier_copy_elsewhere
from tracker.articles.fetch import FetchedPage, FetchLimits, fetch
from tracker.articles.reading import Article, read_article
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import InboxItem, utcnow
from tracker.domain.schemas import SourceIn
from tracker.domain.vocab import PublishedBasis
from tracker.extraction.extractor import Candidate, extract_candidates
from tracker.store.db import read_session
from tracker.store.write import Actor
from tracker.store.write import add_source as store_source

#: The source fields a fetch fills in, in the order the form and the JSON show them.
SOURCE_FIELDS = (
    "url",
    "title",
    "publisher",
    "published",
    "published_basis",
    "language",
    "text",
    "retrieved_at",
)


@dataclass
class FetchedArticle:
    """A page read as an article, with the extraction assistant's drafts."""

    page: FetchedPage
    article: Article
    candidates: list[Candidate]
    relay_of: str | None = None  # an earlier archived copy of the same text elsewhere
    # A date from elsewhere than the page (a feed entry's), used when the page has none.
    fallback_published: date | None = None

    @property
    def url(self) -> str:
        return self.page.final_url

    @property
    def published(self) -> date:
        """The page's own date, else the feed's, else the day it was fetched (then marked
        `inferred`)."""
        return self.article.published or self.fallback_published or self.page.fetched_at.date()

    @property
    def published_basis(self) -> str:
        stated = self.article.published or self.fallback_published
        return PublishedBasis.stated.value if stated else PublishedBasis.inferred.value

    def source_fields(self) -> dict[str, Any]:
        """What the Add source form and `SourceIn` take (title and publisher may be None
        when the page names neither: the curator fills them in)."""
        return {
            "url": self.url,
            "title": self.article.title,
            "publisher": self.article.publisher,
            "published": self.published,
            "published_basis": self.published_basis,
            "language": self.article.language,
            "text": self.article.text,
            "retrieved_at": self.page.fetched_at,
        }

    def as_dict(self) -> dict[str, Any]:
        """`tracker fetch --format json`: the source, the candidates as `tracker extract`
        prints them, and how the page was read."""
        fields = self.source_fields()
        source = {name: _jsonable(fields[name]) for name in SOURCE_FIELDS}
        source["author"] = self.article.author
        source["description"] = self.article.description
        return {
            "source": source,
            "candidates": [c.as_dict() for c in self.candidates],
            "relay_of": self.relay_of,
            "fetch": {
                "requested_url": self.page.requested_url,
                "hops": self.page.hops,
                "status": self.page.status,
                "content_type": self.page.content_type,
                "encoding": self.page.encoding,
                "bytes": len(self.page.body),
                "seconds": round(self.page.elapsed, 3),
            },
        }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def read_page(
    page: FetchedPage, vocab: Vocabulary, *, fallback_published: date | None = None
) -> FetchedArticle:
    """The article in a fetched page and its draft claims, whose relative dates ("on
    Monday", "last week") are resolved against the article's publication date."""
    fetched = FetchedArticle(
        page=page,
        article=read_article(page.text, page.final_url),
        candidates=[],
        fallback_published=fallback_published,
    )
    fetched.candidates = extract_candidates(fetched.article.text, fetched.published, vocab)
    return fetched


def fetch_article(
    url: str,
    vocab: Vocabulary,
    *,
    engine: Engine | None = None,
    limits: FetchLimits | None = None,
) -> FetchedArticle:
    """Fetch and read the article at `url`. Stores nothing; with an `engine`, says whether
    the same text was archived before at another URL (a relay)."""
    fetched = read_page(fetch(url, limits=limits), vocab)
    if engine is not None:
        with read_session(engine) as session:
            fetched.relay_of = earlier_copy_elsewhere(session, fetched.url, fetched.article.text)
    return fetched


def store_fetched_source(
    session: Session,
    actor: Actor,
    source_in: SourceIn,
    fetched: FetchedArticle | None,
    *,
    inbox_item: int | None = None,
) -> int:
    """Store the source a curator checked (the one write path: roles, revision), and in
    the same transaction the page it was read from (archive) and, when it came from the
    inbox, the item as taken."""
    source = store_source(session, actor, source_in)
    if fetched is not None:
        archive_page(session, fetched.page, fetched.article, actor.name)
    if inbox_item is not None:
        item = session.get(InboxItem, inbox_item)
        if item is not None and item.status == "new":
            item.status = "taken"
            item.source_id = source.id
            item.taken_by = actor.name
            item.taken_at = utcnow()
            session.add(item)
    return source.id
