"""Fetching a page on a user's behalf without opening the newsroom's network to them.

The server fetches whatever URL a curator pastes or a feed names, so every hop is checked
before a byte is sent: only http(s); the host is resolved here and refused when any of its
addresses is loopback, private, link-local, reserved, multicast or otherwise not public
(unless the host is listed in TRACKER_FETCH_ALLOW); the connection then goes to the very
address that was checked (the URL is rewritten to it, with the Host header and TLS server
name kept), so a DNS answer that changes between check and connect cannot slip through.
Redirects are followed by hand, each hop checked the same way. The body is read in a
stream and cut at a size limit, under a total deadline as well as per-read timeouts (a
server that drips one byte a second never trips a read timeout). Every failure is a
`FetchFailed` with one line naming the URL and the cause.
"""

from __future__ import annotations

import codecs
import ipaddress
import os
import re
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import httpx

from tracker.core.errors import FetchFailed
from tracker.core.urls import BadURL, normalise_url
from tracker.domain.models import utcnow

ALLOW_ENV = "TRACKER_FETCH_ALLOW"
USER_AGENT = "claims-tracker/0.1 (newsroom fact-tracking; fetches one page a curator asked for)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
    }
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchLimits:
    """How much one fetch may cost. The defaults fit a news article: the largest pages
    of big outlets are a few megabytes of HTML, and a reader waits no more than seconds."""

    max_bytes: int = 5_000_000
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_redirects: int = 5


DEFAULT_LIMITS = FetchLimits()
TIMEOUT_ENV = "TRACKER_FETCH_TIMEOUT"  # seconds to connect and between reads
MAX_BYTES_ENV = "TRACKER_FETCH_MAX_BYTES"


def limits_from_env() -> FetchLimits:
    """The limits, with TRACKER_FETCH_TIMEOUT and TRACKER_FETCH_MAX_BYTES when set (a
    newsroom behind a slow proxy; the tests, which cannot wait twenty seconds)."""
    limits = DEFAULT_LIMITS
    timeout = os.environ.get(TIMEOUT_ENV, "").strip()
    if timeout:
        try:
            seconds = float(timeout)
        except ValueError:
            raise FetchFailed(
                f"{TIMEOUT_ENV} must be a number of seconds, not {timeout!r}"
            ) from None
        if not 0 < seconds <= 600:
            raise FetchFailed(f"{TIMEOUT_ENV} must be between 0 and 600 seconds")
        limits = replace(
            limits,
            connect_timeout=seconds,
            read_timeout=seconds,
            total_timeout=max(2 * seconds, seconds + 1),
        )
    size = os.environ.get(MAX_BYTES_ENV, "").strip()
    if size:
        if not size.isdigit() or int(size) <= 0:
            raise FetchFailed(f"{MAX_BYTES_ENV} must be a positive number of bytes, not {size!r}")
        limits = replace(limits, max_bytes=int(size))
    return limits


@dataclass
class FetchedPage:
    """What a server answered, as read: the bytes (for the archive) and their text."""

    requested_url: str  # normalised, as the store keys sources
    final_url: str  # normalised, after redirects
    status: int
    content_type: str
    encoding: str
    body: bytes
    text: str
    fetched_at: datetime
    elapsed: float  # seconds, from the first lookup to the last byte
    hops: list[str] = field(default_factory=list)  # every URL asked for, in order


Resolver = Callable[[str, int], list[str]]


@cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every fetch: building it (loading the CA bundle) costs
    more than fetching a small page."""
    return ssl.create_default_context(cafile=certifi.where())


def allowed_hosts() -> frozenset[str]:
    """Hosts exempt from the address check (TRACKER_FETCH_ALLOW, comma-separated): an
    intranet the newsroom trusts, or 127.0.0.1 in the tests."""
    raw = os.environ.get(ALLOW_ENV, "")
    return frozenset(h.strip().lower().strip("[]") for h in raw.split(",") if h.strip())


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else "invalid host name"
        raise FetchFailed(f"cannot resolve the host {host}: {reason}") from None
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%")[0]  # drop an IPv6 zone index
        if address not in seen:
            seen.append(address)
    return seen


def is_public(address: str) -> bool:
    """True for an address on the public internet. `is_global` excludes loopback, private
    (RFC 1918, unique-local), link-local, shared (carrier NAT), documentation, benchmark and
    reserved ranges; multicast is refused separately, and an IPv4 address mapped or embedded
    in IPv6 is judged as the IPv4 address it reaches."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def checked_address(url: str, resolver: Resolver, allowed: frozenset[str]) -> str:
    """The address to connect to for `url`, after refusing any that is not public."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolver(host, port)
    if not addresses:
        raise FetchFailed(f"cannot resolve the host {host}")
    if host in allowed:
        return addresses[0]
    for address in addresses:
        if not is_public(address):
            raise FetchFailed(
                f"refused to fetch {url}: its host {host} resolves to {address}, a "
                f"loopback, private, link-local or reserved address (allow it in {ALLOW_ENV} "
                "if it is a trusted server)"
            )
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, str]:
    """`url` with its host replaced by `address`, and the Host header to send."""
    parts = urlsplit(url)
    host_in_url = f"[{address}]" if ":" in address else address
    netloc = host_in_url if parts.port is None else f"{host_in_url}:{parts.port}"
    host_header = parts.hostname or ""
    if ":" in host_header:
        host_header = f"[{host_header}]"
    if parts.port is not None:
        host_header = f"{host_header}:{parts.port}"
    path = parts.path or "/"
    return urlunsplit((parts.scheme, netloc, path, parts.query, "")), host_header


def _media_type(content_type: str) -> tuple[str, str | None]:
    """('text/html', 'utf-8') from 'text/html; charset=UTF-8'."""
    media, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode(body: bytes, declared: str | None, url: str) -> tuple[str, str]:
    """The page's text and the encoding it was read with. The charset the server declares
    wins, then a byte-order mark, then a <meta charset> in the first 2 KB, then UTF-8;
    a page that is not valid text in that encoding is refused rather than read with
    replacement characters, which would put wrong letters into a quote."""
    encoding = declared
    if encoding is None and body.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    if encoding is None:
        meta = _META_CHARSET.search(body[:2048])
        encoding = meta.group(1).decode("ascii").lower() if meta else None
    encoding = encoding or "utf-8"
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise FetchFailed(f"{url} declares an unknown character set {encoding!r}") from None
    try:
        return body.decode(codec.name), codec.name
    except UnicodeDecodeError as exc:
        raise FetchFailed(
            f"{url} is not valid {encoding} text (byte {exc.start} cannot be read); "
            "the page's encoding is wrong or it is not a text page"
        ) from None


def fetch(
    url: str,
    *,
    accept: frozenset[str] = HTML_TYPES,
    limits: FetchLimits | None = None,
    resolver: Resolver = system_resolver,
    allowed: frozenset[str] | None = None,
) -> FetchedPage:
    """Fetch `url` (an article page by default, or a feed with `accept=FEED_TYPES`).
    Raises `FetchFailed` with one line for every way it can go wrong."""
    limits = limits or limits_from_env()
    try:
        current = normalise_url(url)
    except BadURL as exc:
        raise FetchFailed(f"the URL {url.strip()[:200]!r} {exc}") from None
    requested = current
    allowed = allowed_hosts() if allowed is None else allowed
    started = time.perf_counter()
    deadline = started + limits.total_timeout
    hops: list[str] = []
    timeout = httpx.Timeout(
        connect=limits.connect_timeout,
        read=limits.read_timeout,
        write=limits.read_timeout,
        pool=limits.connect_timeout,
    )
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(sorted(accept)) + ", */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    # trust_env=False: a proxy from the environment would connect instead of us, to an
    # address we never checked.
    with httpx.Client(
        timeout=timeout, follow_redirects=False, trust_env=False, verify=_tls_context()
    ) as client:
        while True:
            hops.append(current)
            if time.perf_counter() > deadline:  # a chain of slow redirects
                raise FetchFailed(
                    f"{requested} was too slow: no page within {limits.total_timeout:g} s"
                )
            try:
                address = checked_address(current, resolver, allowed)
                target, host_header = _pinned(current, address)
            except ValueError as exc:  # a host or port urllib cannot read
                raise FetchFailed(f"the URL {current[:200]!r} is not valid ({exc})") from None
            sni = urlsplit(current).hostname
            try:
                with client.stream(
                    "GET",
                    target,
                    headers={**headers, "Host": host_header},
                    extensions={"sni_hostname": sni} if current.startswith("https") else {},
                ) as response:
                    if response.status_code in REDIRECTS and "location" in response.headers:
                        if len(hops) > limits.max_redirects:
                            raise FetchFailed(
                                f"{requested} redirects more than {limits.max_redirects} times"
                            )
                        current = _next_hop(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise FetchFailed(
                            f"{current} answered {response.status_code} "
                            f"{response.reason_phrase or ''}".rstrip()
                        )
                    if response.status_code != 200:
                        raise FetchFailed(
                            f"{current} answered {response.status_code} instead of a page"
                        )
                    media, charset = _media_type(response.headers.get("content-type", ""))
                    if media not in accept:
                        kind = "a web page" if accept is HTML_TYPES else "a feed"
                        raise FetchFailed(
                            f"{current} is not {kind}: it answered with content type "
                            f"{media or '(none)'}"
                        )
                    body = _read_body(response, current, limits, deadline)
            except httpx.TimeoutException:
                raise FetchFailed(
                    f"{current} did not answer in time (limits: {limits.connect_timeout:g} s "
                    f"to connect, {limits.read_timeout:g} s between reads)"
                ) from None
            except httpx.HTTPError as exc:
                raise FetchFailed(f"{current} could not be fetched: {_cause(exc)}") from None
            text, encoding = decode(body, charset, current)
            return FetchedPage(
                requested_url=requested,
                final_url=current,
                status=response.status_code,
                content_type=media,
                encoding=encoding,
                body=body,
                text=text,
                fetched_at=utcnow(),
                elapsed=time.perf_counter() - started,
                hops=hops,
            )


def _next_hop(current: str, location: str) -> str:
    target = urljoin(current, location.strip())
    try:
        return normalise_url(target)
    except BadURL as exc:
        raise FetchFailed(f"{current} redirects to {target[:200]!r}, which {exc}") from None


def _read_body(response: httpx.Response, url: str, limits: FetchLimits, deadline: float) -> bytes:
    """The body, decompressed here (not by httpx) so that the size limit holds for what
    comes out: a few kilobytes of gzip can inflate to gigabytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchFailed(_too_large(url, limits, int(declared)))
    inflate = _decompressor(response.headers.get("content-encoding", ""), url)
    chunks: list[bytes] = []
    size = 0
    for raw in response.iter_raw():
        pending = raw
        while pending:
            if inflate is None:
                chunk, pending = pending, b""
            else:
                # At most one byte past the limit, the rest kept for the next round.
                try:
                    chunk = inflate.decompress(pending, limits.max_bytes - size + 1)
                except zlib.error:
                    raise FetchFailed(f"{url} sent compressed data that cannot be read") from None
                pending = inflate.unconsumed_tail
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchFailed(_too_large(url, limits))
            chunks.append(chunk)
        if time.perf_counter() > deadline:
            raise FetchFailed(
                f"{url} was too slow: the page was not read within {limits.total_timeout:g} s"
            )
    return b"".join(chunks)


def _decompressor(content_encoding: str, url: str) -> Any:
    """A zlib decompressor for the answer's Content-Encoding (None: not compressed)."""
    coding = content_encoding.strip().lower()
    if coding in ("", "identity"):
        return None
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib- or gzip-wrapped
    raise FetchFailed(f"{url} is compressed as {coding!r}, which the tracker does not read")


def _too_large(url: str, limits: FetchLimits, size: int | None = None) -> str:
    said = f" ({size / 1e6:.1f} MB)" if size else ""
    return f"{url} is larger than the limit of {limits.max_bytes / 1e6:g} MB{said}"


def _cause(exc: httpx.HTTPError) -> str:
    """The innermost reason, in one line (a refused connection, a TLS failure, ...)."""
    inner: BaseException = exc
    while inner.__cause__ is not None or inner.__context__ is not None:
        inner = inner.__cause__ or inner.__context__  # type: ignore[assignment]
    text = str(inner) or str(exc) or type(exc).__name__
    return " ".join(text.split())[:300]
