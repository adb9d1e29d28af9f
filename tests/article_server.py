"""A local web server for the article tests: the saved pages and feeds of
tests/fixtures/articles (fictional outlets, our own words), and every kind of bad answer a
fetch must turn into one clear line (a redirect to a private address, a huge page, a
non-HTML answer, a slow server, a bad encoding, a missing page).

It listens on 127.0.0.1 only; the tests allow that host with TRACKER_FETCH_ALLOW, as a
newsroom would allow a trusted intranet server.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parent / "fixtures" / "articles"
HTML = "text/html; charset=utf-8"

#: Path -> (saved file, content type). Feeds are served with the server's address in them.
ARTICLES = {
    "/courier/2024/03/12/shelling-kharkiv": ("courier_kharkiv.html", HTML),
    "/ledger/news/convoy-kherson": ("ledger_convoy.html", "text/html"),  # charset in <meta>
    "/gazette/stories/odesa-weekly-toll": ("gazette_odesa.html", HTML),
    "/wire/kharkiv-shelling-reprint": ("wire_kharkiv.html", HTML),
    "/times/four-killed-near-kharkiv": ("syndicated_kharkiv.html", HTML),
    "/bulletins/sumy": ("undated_bulletin.html", HTML),
    "/feeds/courier.rss": ("courier.rss", "application/rss+xml; charset=utf-8"),
    "/feeds/ledger.atom": ("ledger.atom", "application/atom+xml"),
    "/feeds/redirects.rss": ("redirects.rss", "application/rss+xml"),
    "/feeds/not-a-feed.xml": ("courier_kharkiv.html", "application/xml"),
}
#: The size the huge pages exceed (tests set TRACKER_FETCH_MAX_BYTES to it).
HUGE_LIMIT = 200_000
SLOW_SECONDS = 3.0  # longer than the tests' TRACKER_FETCH_TIMEOUT


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet test output
        pass

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        path = self.path.split("?")[0]
        self.server.requests.append(self.path)
        base = f"http://127.0.0.1:{self.server.server_port}"
        if path in ARTICLES:
            name, content_type = ARTICLES[path]
            body = (PAGES / name).read_text(encoding="utf-8").replace("{base}", base)
            self._send(200, body.encode("utf-8"), content_type)
        elif path == "/go/courier":
            self._send(301, b"", HTML, Location="/courier/2024/03/12/shelling-kharkiv")
        elif path == "/go/private":
            self._send(302, b"", HTML, Location="http://10.20.30.40/internal/payroll")
        elif path == "/go/localhost":
            port = self.server.server_port
            self._send(302, b"", HTML, Location=f"http://localhost:{port}/courier/x")
        elif path == "/go/loop":
            self._send(302, b"", HTML, Location="/go/loop2")
        elif path == "/go/loop2":
            self._send(302, b"", HTML, Location="/go/loop")
        elif path == "/huge":
            filler = b"<p>" + b"All work and no play. " * 40 + b"</p>\n"
            body = b"<html><body>" + filler * (HUGE_LIMIT // len(filler) + 10) + b"</body></html>"
            self._send(200, body, HTML)
        elif path == "/huge-stream":  # no Content-Length: the limit must hold while reading
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.end_headers()
            chunk = b"<p>" + b"More filler text. " * 500 + b"</p>\n"
            for _ in range(HUGE_LIMIT // len(chunk) + 10):
                try:
                    self.wfile.write(chunk)
                except OSError:
                    return
        elif path == "/menu-only":
            body = (
                b"<html><body><nav><a href='/'>Home</a> <a href='/a'>News</a></nav></body></html>"
            )
            self._send(200, body, HTML)
        elif path == "/gzipped":
            body = gzip.compress((PAGES / "courier_kharkiv.html").read_bytes())
            self._send(200, body, HTML, Content_Encoding="gzip")
        elif path == "/gzip-bomb":  # a few kilobytes that inflate far past the limit
            body = gzip.compress(b" " * (HUGE_LIMIT * 50))
            self._send(200, body, HTML, Content_Encoding="gzip")
        elif path == "/broken-gzip":
            self._send(200, b"\x1f\x8b\x08\x00 not really gzip", HTML, Content_Encoding="gzip")
        elif path == "/report.pdf":
            self._send(200, b"%PDF-1.4\n% not an article\n", "application/pdf")
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, b"<html><body><p>Late.</p></body></html>", HTML)
        elif path == "/drip":  # every read is quick, the page never ends: the total deadline
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.end_headers()
            for _ in range(100):
                try:
                    self.wfile.write(b"<p>.</p>")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.3)
        elif path == "/bad-encoding":
            body = (
                (PAGES / "courier_kharkiv.html")
                .read_bytes()
                .replace(b"Shelling killed", b"Shelling \xff\xfe killed")
            )
            self._send(200, body, HTML)
        elif path == "/unknown-charset":
            self._send(
                200, b"<html><body><p>Text.</p></body></html>", "text/html; charset=x-martian"
            )
        else:
            self._send(404, b"<html><body>Not found</body></html>", HTML)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[str]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a slow or huge answer: expected here


class ArticleServer:
    """The running server: `url(path)` gives a page's address."""

    def __init__(self) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def __enter__(self) -> ArticleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def article_server() -> Iterator[ArticleServer]:
    with ArticleServer() as server:
        yield server


@pytest.fixture
def fetch_allowed(monkeypatch: pytest.MonkeyPatch, article_server: ArticleServer) -> ArticleServer:
    """The local server's host allowed, as TRACKER_FETCH_ALLOW would allow an intranet."""
    monkeypatch.setenv("TRACKER_FETCH_ALLOW", "127.0.0.1")
    monkeypatch.setenv("TRACKER_FETCH_TIMEOUT", "1")
    monkeypatch.setenv("TRACKER_FETCH_MAX_BYTES", str(HUGE_LIMIT))
    return article_server
