"""Where each quoted passage sits in a source's stored text.

The Sources page shows an article's text with the passages that claims quote highlighted,
so that a reader sees each figure in its context. Quotes are verbatim but outlets and
curators differ in whitespace, case and typographic quotes (’ vs '), so matching tolerates
exactly those differences and nothing else: a quote that is not in the text is reported
as missing, never highlighted somewhere approximate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters that count as the same when matching a quote against the text.
_EQUIVALENT = {
    "'": "['’‘`]",
    "’": "['’‘`]",
    "‘": "['’‘`]",
    '"': '["“”]',
    "“": '["“”]',
    "”": '["“”]',
    "-": "[-‐‑–—]",
    "–": "[-‐‑–—]",
    "—": "[-‐‑–—]",
}


@dataclass(frozen=True)
class Segment:
    """A run of the text; `quoted` when a claim's quote covers it."""

    text: str
    quoted: bool


def quote_pattern(quote: str) -> re.Pattern[str] | None:
    """A pattern matching `quote` with any whitespace run, any case and typographic quote or
    dash variants; None for a quote with no words."""
    words = quote.split()
    if not words:
        return None
    parts = ["".join(_EQUIVALENT.get(ch, re.escape(ch)) for ch in word) for word in words]
    return re.compile(r"\s+".join(parts), re.IGNORECASE)


def quote_segments(text: str, quotes: list[str]) -> tuple[list[Segment], list[str]]:
    """Split `text` into plain and quoted segments; also return the quotes not found.

    Every occurrence of every quote is highlighted; overlapping passages merge into one.
    Joining the segments' text gives back `text` exactly.
    """
    spans: list[tuple[int, int]] = []
    missing: list[str] = []
    for quote in dict.fromkeys(q for q in quotes if q and q.strip()):
        pattern = quote_pattern(quote)
        found = [m.span() for m in pattern.finditer(text)] if pattern else []
        if found:
            spans.extend(found)
        else:
            missing.append(quote)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    segments: list[Segment] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            segments.append(Segment(text[pos:start], False))
        segments.append(Segment(text[start:end], True))
        pos = end
    if pos < len(text):
        segments.append(Segment(text[pos:], False))
    return segments, missing
