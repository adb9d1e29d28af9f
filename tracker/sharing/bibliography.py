"""Citations of a source, ready to paste into a reference manager: CSL-JSON and BibTeX.

What is cited is the source (the article or page that reported a claim), not the
claimant: the outlet is the publication a reader can look up, so it goes in
`container-title` (CSL) and `howpublished` (BibTeX); the title is the article's, the issued
date its publication date, and `accessed` / `urldate` the day a curator read it, when the
store knows.

Keys are stable: built from the publisher, year and first word of the title (readable in
a manuscript) plus a short hash of the normalised URL, which is unique per source. The
same source gets the same key in every export and on every machine, so a key pasted into
a manuscript keeps pointing at the same entry.

BibTeX values are escaped for LaTeX (`& % $ # _ { } ~ ^ \\`) and kept in UTF-8 otherwise
(biber and modern BibTeX read UTF-8; titles in Cyrillic stay readable). Titles are wrapped
in an extra pair of braces so that styles do not lower-case names in them. The URL is left
verbatim, as biblatex and the url package expect, except for braces, which are
percent-encoded so that the entry stays balanced.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_STOPWORDS = frozenset({"a", "an", "the", "of", "in", "on", "and", "to", "for", "at", "by"})
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))


def _get(source: Any, name: str) -> Any:
    """Sources come as `Source` rows or as mappings (query results); read either."""
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", folded.lower())


def _published(source: Any) -> date:
    value = _get(source, "published")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def _accessed(source: Any) -> date | None:
    value = _get(source, "retrieved_at")
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    # Stored as UTC; SQLite hands it back without a zone.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()


def citation_key(source: Any) -> str:
    """`reuters2023offensive-5d3a`: publisher, year, first title word, URL hash."""
    publisher = "".join(_ascii_words(_get(source, "publisher") or ""))[:20] or "source"
    words = [w for w in _ascii_words(_get(source, "title") or "") if w not in _STOPWORDS]
    digest = hashlib.sha1(_get(source, "url").encode("utf-8")).hexdigest()[:4]
    first = words[0][:20] if words else ""
    return f"{publisher}{_published(source).year}{first}-{digest}"


def _date_parts(day: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_json(source: Any) -> dict[str, Any]:
    """One CSL-JSON item (Zotero, Pandoc and citeproc read a list of these)."""
    item: dict[str, Any] = {
        "id": citation_key(source),
        "type": "webpage",
        "title": _get(source, "title"),
        "container-title": _get(source, "publisher"),
        "issued": _date_parts(_published(source)),
        "URL": _get(source, "url"),
    }
    if accessed := _accessed(source):
        item["accessed"] = _date_parts(accessed)
    if language := _get(source, "language"):
        item["language"] = language
    if archive := _get(source, "archive_url"):
        item["note"] = f"Archived copy: {archive}"
    return item


def csl_json_text(sources: Iterable[Any]) -> str:
    """CSL-JSON as one pastes it: a list of items (Zotero's "Import from Clipboard" and
    Pandoc's `--bibliography` read a list, even of one), indented, non-ASCII kept."""
    return json.dumps([csl_json(s) for s in sources], ensure_ascii=False, indent=2) + "\n"


def latex_escape(text: str) -> str:
    """Text safe inside a BibTeX field: LaTeX's special characters escaped."""
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIALS[m.group()], text)


def _url(url: str) -> str:
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def bibtex(source: Any) -> str:
    """One BibTeX `@misc` entry (also read by biblatex, which maps it to `@online`)."""
    published = _published(source)
    fields: list[tuple[str, str]] = [
        ("title", "{{" + latex_escape(_get(source, "title")) + "}}"),
        ("howpublished", "{" + latex_escape(_get(source, "publisher")) + "}"),
        ("year", "{" + str(published.year) + "}"),
        ("month", MONTHS[published.month - 1]),
        ("date", "{" + published.isoformat() + "}"),
        ("url", "{" + _url(_get(source, "url")) + "}"),
    ]
    if accessed := _accessed(source):
        fields.append(("urldate", "{" + accessed.isoformat() + "}"))
    if language := _get(source, "language"):
        fields.append(("langid", "{" + latex_escape(language) + "}"))
    if archive := _get(source, "archive_url"):
        fields.append(("note", "{Archived copy: \\url{" + _url(archive) + "}}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{citation_key(source)},\n{body}\n}}\n"
