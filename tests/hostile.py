"""Hostile input, catalogued by kind: payloads for injection tests and hypothesis strategies.

One place for every nasty value the battery feeds the library, so that the dashboard's
tests (the XSS browser test, AppTest renders) can load the very same data: `store_hostile`
writes a source and claims whose every free-text field carries a payload.

Kinds, as reported in docs/reliability.md: malformed YAML, random structures, huge numbers,
negative numbers, NaN/infinity, dates out of range, wrong types, unicode (RTL, zero-width,
emoji), very long fields, markup and script, spreadsheet formulas, SQL metacharacters,
unsafe URLs.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from tests.helpers import BASE_CLAIM, BASE_SOURCE, write_doc

MARKUP = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(document.domain)>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<a href='javascript:alert(1)'>click</a>",
    "[a link](javascript:alert(1)) and ![img](https://example.org/x.png)",
    "**bold** _it_ `code` <b>html</b> $x^2$ :red[text]",
    "<details open ontoggle=alert(1)>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
]
FORMULAS = [
    '=HYPERLINK("https://example.org","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]
SQL = [
    "'; DROP TABLE claim; --",
    '" OR 1=1 --',
    '\' UNION SELECT password_hash FROM "user" --',
    "%",
    "_",
    "\\",
    "100%_done\\",
    "ä' OR 'a'='a",
]
UNICODE = [
    "\u202egnp.exe",  # right-to-left override
    "مرصد الأمثلة قال إن 12 قتلوا",
    "צג הדוגמה",
    "zero\u200bwidth\u200c\u200dchars\ufeff",
    "👩‍👩‍👧‍👦 🇺🇦 🕊️",
    "e\u0301 a\u0308 combining",
    "＝１＋１ full width",
    "Ṫ̸̢h̵̛e̷ ̴z̶a̶l̷g̸o̵",
]
UNSAFE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//example.org/scheme-relative",
    "ftp://example.org/x",
    "https://user:secret@example.org/",
    "mailto:someone@example.org",
]
TEXT_PAYLOADS = {
    "markup and script": MARKUP,
    "spreadsheet formulas": FORMULAS,
    "SQL metacharacters": SQL,
    "unicode (RTL, zero-width, emoji)": UNICODE,
}

# Free-text fields that are stored verbatim (apart from trimming spaces at the ends).
SOURCE_TEXT_FIELDS = ("title", "publisher", "notes", "text")
CLAIM_TEXT_FIELDS = ("quote", "notes", "status_reason", "relayed_by", "quote_translation")

# --- hypothesis strategies, by kind ------------------------------------------------------------

CHARS_OF_NOTE = (
    "\u202e\u202d\u200f\u200b\u200c\u200d\ufeff\u0301👩‍🇺🇦ؤ'\"%_\\<>&=+-@\t\r\n\x00\x07\x1b\ud800"
)
unicode_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(CHARS_OF_NOTE)), max_size=60
)


def long_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.builds(lambda n, c: c * n, st.integers(min_size, max_size), st.sampled_from("xé👩"))


MISSING = object()  # the field left out of the document altogether

VALUES_BY_KIND: dict[str, st.SearchStrategy[Any]] = {
    "huge numbers": st.one_of(
        st.integers(min_value=10**12 + 1, max_value=10**40),
        st.integers(min_value=10**12 + 1).map(str),
        st.just("9" * 5000),
        st.floats(min_value=1e12, allow_infinity=False),
    ),
    "negative numbers": st.one_of(st.integers(max_value=-1), st.floats(max_value=-0.5)),
    "NaN and infinity": st.sampled_from(
        [math.nan, math.inf, -math.inf, ".nan", ".inf", "NaN", "Infinity"]
    ),
    "dates out of range": st.one_of(
        st.dates(max_value=date(1899, 12, 31)),
        st.dates(min_value=date(2101, 1, 1)),
        st.datetimes(max_value=datetime(1899, 12, 31)),
        st.sampled_from(["0000-00-00", "2023-02-30", "2023-13-01", "99999-01-01", "yesterday"]),
    ),
    "wrong types": st.one_of(
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
        st.integers(),
    ),
    "unicode (RTL, zero-width, emoji)": st.one_of(unicode_text, st.sampled_from(UNICODE)),
    "very long fields": long_text(250, 6000),
    "markup and script": st.sampled_from(MARKUP),
    "spreadsheet formulas": st.sampled_from(FORMULAS),
    "SQL metacharacters": st.sampled_from(SQL),
    "missing fields": st.just(MISSING),
}
HOSTILE_KINDS = tuple(VALUES_BY_KIND)

SOURCE_FIELDS = (
    "url",
    "title",
    "publisher",
    "published",
    "published_at",
    "published_basis",
    "language",
    "text",
    "archive_url",
    "retrieved_at",
    "notes",
    "synthetic",
)
CLAIM_FIELDS = (
    "id",
    "metric",
    "value",
    "low",
    "high",
    "qualifier",
    "claimant",
    "place",
    "period_start",
    "period_end",
    "cumulative",
    "date_basis",
    "quote",
    "quote_language",
    "quote_translation",
    "status",
    "status_reason",
    "relayed_by",
    "duplicate_of",
    "statement_id",
    "notes",
    "check_override",
)
# Rules that tie fields together name one of the group, whichever they were told about.
RELATED = {
    "value": {"value", "low", "high"},
    "low": {"value", "low", "high"},
    "high": {"value", "low", "high"},
    "period_start": {"period_start", "period_end"},
    "period_end": {"period_start", "period_end"},
    "status": {"status", "status_reason"},
    "status_reason": {"status", "status_reason"},
    "published": {"published", "published_at"},
}


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, str, str, Any]:
    """(kind, "source" | "claim", field, hostile value)."""
    kind = draw(st.sampled_from(HOSTILE_KINDS))
    where = draw(st.sampled_from(["source", "claim"]))
    field = draw(st.sampled_from(SOURCE_FIELDS if where == "source" else CLAIM_FIELDS))
    return kind, where, field, draw(VALUES_BY_KIND[kind])


def mutated_document(where: str, field: str, value: Any, *, url: str) -> dict[str, Any]:
    source = dict(BASE_SOURCE, url=url)
    claim = dict(BASE_CLAIM, id=f"{url.rsplit('/', 1)[-1]}-claim")
    target = source if where == "source" else claim
    if value is MISSING:
        target.pop(field, None)
    else:
        target[field] = value
    return {"source": source, "claims": [claim]}


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    unicode_text,
    st.dates(),
)
yaml_structures = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.text(max_size=8), st.sampled_from(SOURCE_FIELDS)), inner, max_size=4
        ),
    ),
    max_leaves=20,
)


@st.composite
def broken_yaml(draw: st.DrawFn, valid: str) -> str:
    """`valid` YAML text with a few random cuts, insertions and swapped lines."""
    text = valid
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["cut", "insert", "swap", "indent"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        if action == "cut":
            text = text[:i] + text[i + draw(st.integers(1, 20)) :]
        elif action == "insert":
            noise = draw(st.one_of(st.sampled_from(list(":-[]{}&*!|>'\"#%@`\t\n")), unicode_text))
            text = text[:i] + noise + text[i:]
        elif action == "swap":
            lines = text.splitlines()
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        else:
            lines = text.splitlines()
            k = draw(st.integers(0, len(lines) - 1))
            lines[k] = " " * draw(st.integers(1, 5)) + lines[k]
            text = "\n".join(lines)
    return text


# --- stored hostile data, for round trips now and the dashboard's tests later -------------------


def payloads() -> list[tuple[str, str]]:
    """(kind, payload) for every text payload."""
    return [(kind, p) for kind, values in TEXT_PAYLOADS.items() for p in values]


def hostile_documents() -> list[dict[str, Any]]:
    """Sources and claims whose every free-text field carries one payload of each kind."""
    docs = []
    for n, (_, payload) in enumerate(payloads()):
        source = dict(BASE_SOURCE, url=f"https://example.org/hostile/{n}")
        source.update({f: payload for f in SOURCE_TEXT_FIELDS})
        claim = dict(BASE_CLAIM, id=f"hostile-{n}", status="disputed")
        claim["claimant"] = f"Synthetic claimant {n:02d} {payload}"
        claim.update({f: payload for f in CLAIM_TEXT_FIELDS})
        docs.append({"source": source, "claims": [claim]})
    return docs


def store_hostile(engine: Engine, folder: Path) -> list[dict[str, Any]]:
    """Import `hostile_documents()` into `engine` (whose vocabularies are loaded)."""
    from tracker.files.importer import import_paths
    from tracker.store.write import SYSTEM

    docs = hostile_documents()
    paths = [write_doc(folder / f"hostile-{n}.yaml", doc) for n, doc in enumerate(docs)]
    import_paths(engine, SYSTEM, paths)
    return docs
