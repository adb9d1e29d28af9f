"""An article page's main text and metadata, read with trafilatura.

trafilatura keeps the article's body and drops navigation, adverts, "most read" lists,
cookie banners and footers (their numbers must never become draft claims), and reads the
title, site name and publication date from the page's own markup: JSON-LD, Open Graph and
`article:` meta tags, `<time>` elements. The date search is limited to markup on purpose
(`extensive_search` off): a date guessed from a number in the text or the URL would be
printed as the day the article said something.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from html import unescape
from urllib.parse import urlsplit

import trafilatura

from tracker.core.errors import FetchFailed

#: Paragraphs are separated by a blank line, which the extractor reads as paragraph breaks.
PARAGRAPH_BREAK = "\n\n"
#: The fewest words a page's text must have to be taken for an article: a news brief has
#: a few dozen; a menu, a login wall or a video's caption has a handful.
MIN_ARTICLE_WORDS = 15


@dataclass
class Article:
    """What a page says about itself. `published` is None when its markup gives no date."""

    url: str
    title: str | None
    publisher: str | None
    published: date | None
    author: str | None
    language: str | None
    description: str | None
    text: str

    @property
    def fingerprint(self) -> str:
        return text_fingerprint(self.text)


def read_article(html: str, url: str) -> Article:
    """The article in `html`, a page fetched from `url`. Raises `FetchFailed` when the page
    holds no readable text (an index page, a video player, a page behind a login)."""
    doc = _extract(html, url, precise=True)
    if not _is_article(doc):
        # Precision first: it keeps sidebars' figures out. A page it reads as nothing but
        # boilerplate (a very long footer, an unusual layout) gets the balanced reading,
        # whose text the curator checks in the form like any other.
        doc = _extract(html, url, precise=False)
    if not _is_article(doc):
        raise FetchFailed(f"{url} holds no article text that could be read")
    title = _clean(doc.title)
    text = _body(doc.text, title)
    if not text:
        raise FetchFailed(f"{url} holds no article text that could be read")
    return Article(
        url=url,
        title=title,
        publisher=_site_name(doc.sitename) or _title_suffix(html, title) or _host(url),
        published=_date(doc.date),
        author=_clean(doc.author),
        language=_clean(doc.language) or _html_lang(html),
        description=_clean(doc.description),
        text=text,
    )


def _is_article(doc) -> bool:  # noqa: ANN001
    return doc is not None and len((doc.text or "").split()) >= MIN_ARTICLE_WORDS


#: What is read of a page: the article's text and metadata, not its comments, tables or
#: images; its original publication date, without trafilatura's slow extensive search.
_READ = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}


def _extract(html: str, url: str, *, precise: bool):  # noqa: ANN202
    return trafilatura.bare_extraction(html, url=url, favor_precision=precise, **_READ)


def _body(raw: str, title: str | None) -> str:
    """trafilatura's lines as paragraphs, without a first line that repeats the headline
    (the title is kept in its own field; a headline's figure is the body's, said again)."""
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and _same(lines[0], title):
        lines = lines[1:]
    return PARAGRAPH_BREAK.join(lines)


def _same(a: str, b: str) -> bool:
    return a.casefold().strip(" .") == b.casefold().strip(" .")


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(str(value).split())
    return value or None


def _site_name(value: str | None) -> str | None:
    """trafilatura's site name, unless it is a host name it made up from the URL (a name
    in the `<title>` is better then)."""
    name = _clean(value)
    if name and " " not in name and "." in name:
        return None
    return name


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_LANG = re.compile(r"<html[^>]*\slang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})?)", re.I)
_SEPARATORS = ("|", " - ", " – ", " — ", "::", " · ")


def _title_suffix(html: str, title: str | None) -> str | None:
    """The site's name from a `<title>` that is the headline followed by it ("Headline |
    Example Gazette"), when the markup names no site: the usual pattern of small outlets."""
    found = _TITLE.search(html[:20000])
    if not found or not title:
        return None
    full = _clean(unescape(found.group(1))) or ""
    if not full.casefold().startswith(title.casefold()):
        return None
    rest = full[len(title) :].strip()
    for sep in _SEPARATORS:
        if rest.startswith(sep.strip()):
            name = rest[len(sep.strip()) :]
            for other in _SEPARATORS:  # "Headline - Site - Slogan": the site only
                name = name.split(other)[0]
            return _clean(name)
    return None


def _html_lang(html: str) -> str | None:
    found = _LANG.search(html[:5000])
    return found.group(1).lower() if found else None


def _host(url: str) -> str | None:
    """The site's host name, when the page names no publisher (the curator corrects it)."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


_NOT_WORD = re.compile(r"[^\w]+")


def comparable(text: str) -> str:
    """The text's words, lower-cased, one space apart: what two copies of one article share
    however each outlet spaces, punctuates and quotes it."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def text_fingerprint(text: str) -> str:
    """Equal for two copies of one article that differ only in spacing, case, punctuation
    or quotation marks: how a wire story carried by several outlets is recognised."""
    return hashlib.sha256(comparable(text).encode()).hexdigest()
