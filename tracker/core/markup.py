"""Making text from sources and curators inert wherever a renderer would interpret it.

Titles, quotes, notes and article text are data: a quote that contains `**`, `<script>` or
`[x](javascript:...)` must be shown as those characters, never as formatting, HTML or a
link. Streamlit's Markdown (CommonMark plus GitHub extensions, `$math$`, `:emoji:` and
`:color[...]` directives) and plotly's label pseudo-HTML (`<b>`, `<a href>`, `<br>`) are the
two interpreters text reaches, so each gets an escaper here.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable
from typing import Any

# Every ASCII punctuation character: CommonMark lets each be backslash-escaped, and escaping
# all of them (rather than a hand-picked list) also defuses Streamlit's extensions (`$math$`,
# `:emoji:`, `:red[...]`), whose triggers are punctuation too.
_MD_SPECIAL = re.compile(f"([{re.escape(string.punctuation)}])")
_LINE_BREAKS = re.compile(r"\r\n?|\n")
# GitHub's autolink literals (`www.x.org`, `https://x.org`, `name@x.org`) are found in the
# text after escapes are resolved, so backslashes do not stop them. An invisible WORD
# JOINER after `www`, after a URL scheme and before `@` does: the reader sees the same
# characters, and no link appears that the data did not earn through `is_safe_link`.
WORD_JOINER = "\u2060"
_AUTOLINK_TRIGGER = re.compile(r"(?i)(\bwww(?=\\\.)|\b(?:https?|ftp|mailto|xmpp)(?=\\:)|(?=\\@))")


def escape_markdown(text: str | None, *, keep_line_breaks: bool = False) -> str:
    """`text` as Markdown that renders to exactly these characters.

    Leading spaces of a line are dropped (four of them would start a code block), and line
    breaks are either kept as hard breaks (`keep_line_breaks`, for article text) or turned
    into spaces (for one-line labels, where a newline could start a heading or a list).
    """
    if not text:
        return ""
    return _lay_out(_escape_characters(str(text)), keep_line_breaks)


# What CommonMark (and GitHub's tables and strikethrough) can read as markup inside a line
# of text: emphasis, code, links and images, HTML and entities, tables, strikethrough, and
# backslashes themselves. Other punctuation ("7,199", "OHCHR:") is left as written, so the
# pasted source reads as the rendered text does.
_COMMONMARK_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!])")
# At the start of a line only: headings, block quotes, lists, thematic breaks.
_LINE_START = re.compile(r"^(\s*)([#>+=-])")
_LIST_NUMBER = re.compile(r"^(\s*\d+)([.)])")
_PLAIN_AUTOLINK = re.compile(r"(?i)(\bwww(?=\.)|\b(?:https?|ftp|mailto|xmpp)(?=:)|(?=@))")


def escape_commonmark(text: str | None) -> str:
    """`text` as one line of CommonMark (GitHub flavoured) that renders to exactly these
    words, escaping only what a renderer could read as markup: for text a journalist
    pastes into a Markdown editor and also reads there as source. Line breaks become
    spaces; an invisible WORD JOINER keeps GitHub from turning a web address into a link."""
    if not text:
        return ""
    line = " ".join(_LINE_BREAKS.sub(" ", str(text)).split())
    line = _COMMONMARK_SPECIAL.sub(r"\\\1", line)
    line = _PLAIN_AUTOLINK.sub("\\1" + WORD_JOINER, line)
    match = _LINE_START.match(line) or _LIST_NUMBER.match(line)
    if match:
        line = line[: match.end(1)] + "\\" + line[match.end(1) :]
    return line


def highlighted_markdown(segments: Iterable[Any], colour: str = "yellow") -> str:
    """Article text as Markdown with some passages highlighted, e.g. the segments of
    `tracker.extraction.highlight.quote_segments` (anything with `.text` and `.quoted`).

    The text is escaped whole; a highlighted passage becomes Streamlit's
    `:yellow-background[...]` directive line by line, since a directive cannot span lines.
    """
    parts: list[str] = []
    for segment in segments:
        escaped = _escape_characters(_LINE_BREAKS.sub("\n", segment.text))
        if segment.quoted:
            escaped = "\n".join(
                f":{colour}-background[{line}]" if line.strip() else line
                for line in escaped.split("\n")
            )
        parts.append(escaped)
    return _lay_out("".join(parts), keep_line_breaks=True)


def _escape_characters(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK_TRIGGER.sub("\\1" + WORD_JOINER, escaped)


def _lay_out(escaped: str, keep_line_breaks: bool) -> str:
    lines = [line.strip() for line in _LINE_BREAKS.split(escaped)]
    if not keep_line_breaks:
        return " ".join(line for line in lines if line)
    # A backslash at the end of a line is CommonMark's hard line break; an empty line stays
    # a paragraph break.
    out: list[str] = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        out.append(line if last or not line or not lines[i + 1] else line + "\\")
    return "\n".join(out)


def escape_plotly(text: str | None) -> str:
    """`text` for a plotly label or hover: its pseudo-HTML tags become literal characters.

    plotly.js decodes `&lt;`, `&gt;`, `&amp;` and `&quot;` back to characters when it draws, so
    the reader sees exactly what the source wrote.
    """
    if not text:
        return ""
    return html.escape(str(text), quote=False)


def wrap_plotly(text: str, width: int = 70) -> str:
    """Escape `text` and break it into `<br>`-separated lines of about `width` characters,
    so that a long quote does not become one hover line wider than a phone."""
    words = str(text).split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "<br>".join(escape_plotly(line) for line in lines)
