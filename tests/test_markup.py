"""Text from sources and curators stays text in Markdown and in plotly labels."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt

from tracker.core.markup import (
    WORD_JOINER,
    escape_markdown,
    escape_plotly,
    highlighted_markdown,
    wrap_plotly,
)
from tracker.extraction.highlight import Segment

HOSTILE = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "**bold** and _italic_ and `code`",
    "![img](https://example.org/x.png)",
    "# heading",
    "1. a list",
    "- another list",
    "> a quote",
    "    four spaces: code",
    "a | table | row",
    "$E = mc^2$ and $5",
    ":smile: :material/home: :red[red text]",
    "&amp; &lt;b&gt; &#60;",
    "line one\\",
    "<https://example.org>",
    "___",
]


def rendered(markdown: str) -> str:
    """CommonMark's HTML, without the invisible word joiners (see the autolink test)."""
    return MarkdownIt("commonmark").render(markdown).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_markdown_renders_to_exactly_the_text(text):
    output = rendered(escape_markdown(text))
    assert output == f"<p>{html.escape(text.strip(), quote=False)}</p>\n"


def test_escaping_a_quote_with_every_trick_at_once_keeps_every_character():
    text = " ".join(HOSTILE)
    assert rendered(escape_markdown(text)) == f"<p>{html.escape(text, quote=False)}</p>\n"


def test_autolink_triggers_get_an_invisible_word_joiner():
    escaped = escape_markdown("see www.example.org, https://example.org and press@example.org")
    assert f"www{WORD_JOINER}\\." in escaped
    assert f"https{WORD_JOINER}\\:" in escaped
    assert f"press{WORD_JOINER}\\@" in escaped
    assert (
        rendered(escaped)
        == "<p>see www.example.org, https://example.org and press@example.org</p>\n"
    )


def test_one_line_labels_lose_their_line_breaks_and_article_text_keeps_them():
    assert escape_markdown("a\n# b\n\n  c") == "a \\# b c"
    kept = escape_markdown("a\n# b\n\n  c", keep_line_breaks=True)
    assert rendered(kept) == "<p>a<br />\n# b</p>\n<p>c</p>\n"


def test_empty_text_is_empty_markdown():
    assert escape_markdown(None) == "" and escape_markdown("") == ""


def test_highlighted_passages_are_escaped_and_wrapped_line_by_line():
    segments = [
        Segment("Intro <b>x</b> ", False),
        Segment("at least 42 [civilian]\ndeaths", True),
        Segment(" **end**", False),
    ]
    markdown = highlighted_markdown(segments)
    assert markdown == (
        "Intro \\<b\\>x\\<\\/b\\> :yellow-background[at least 42 \\[civilian\\]]\\\n"
        ":yellow-background[deaths] \\*\\*end\\*\\*"
    )


def test_plotly_labels_show_tags_as_characters():
    assert escape_plotly("<b>bold</b> & <a href='javascript:x'>") == (
        "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href='javascript:x'&gt;"
    )
    assert escape_plotly(None) == ""


def test_wrapped_plotly_text_breaks_long_quotes_and_stays_escaped():
    wrapped = wrap_plotly("word " * 30 + "<br>", width=20)
    assert all(len(line) <= 20 for line in wrapped.split("<br>")[:-1])
    assert wrapped.endswith("&lt;br&gt;")
