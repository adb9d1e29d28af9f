"""URL rules: only http(s) links are stored or rendered, and one article has one URL.

Normalising matters because the same article arrives as `HTTPS://Example.org/a/?utm_source=x`
and `https://example.org/a`: without it the duplicate-URL check and idempotent imports fail.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "ref_src",
        "cmpid",
        "ocid",
        "smid",
        "taid",
    }
)
MAX_URL_LENGTH = 2000
#: Any character that `str.isspace()` calls a space, or a control character below 32 (one
#: search instead of two Python tests per character: an import normalises every URL).
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


class BadURL(ValueError):
    """Not an http(s) URL we can store."""


def is_safe_link(url: str | None) -> bool:
    """True for an absolute http(s) URL: the only links the app ever renders."""
    if not url or not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def normalise_url(url: str) -> str:
    """Canonical form: lower-case scheme and host, no default port, no tracking parameters,
    no fragment, no trailing slash on a path (the site root keeps its `/`)."""
    if not isinstance(url, str):
        raise BadURL("must be text")
    raw = url.strip()
    if not raw:
        raise BadURL("is empty")
    if _SPACE_OR_CONTROL.search(raw):
        raise BadURL("contains spaces or control characters")
    if len(raw) > MAX_URL_LENGTH:
        raise BadURL(f"is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BadURL(f"must start with http:// or https:// (got {scheme or 'no scheme'}:)")
    host = (parts.hostname or "").lower()
    if not host:
        raise BadURL("has no host name")
    default_port = {"http": 80, "https": 443}[scheme]
    if ":" in host:  # an IPv6 address keeps its brackets, or its colons read as a port
        host = f"[{host}]"
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    if parts.username:
        raise BadURL("must not contain a user name or password")
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
        ]
    )
    normalised = urlunsplit((scheme, netloc, path, query, ""))
    if len(normalised) > MAX_URL_LENGTH:  # re-encoding the query can lengthen it
        raise BadURL(f"is longer than {MAX_URL_LENGTH} characters once normalised")
    return normalised
