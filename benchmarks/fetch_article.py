"""What fetching one article costs (issue 18): `tracker fetch`'s work, step by step.

    python benchmarks/fetch_article.py [--repeat 30]

A local server on 127.0.0.1 serves two pages: the test suite's saved Courier article
(about 2 KB of HTML) and the same article inside a page as heavy as a big outlet's
(about 400 KB: a long menu, a script holding the site's state, "most read" lists, a
footer of links). For each, the median
and 90th percentile of --repeat runs of:

  fetch    the safe HTTP fetch (address checks, one connection, streamed read, decode)
  read     trafilatura: main text and metadata
  drafts   the extraction assistant on the text (tracker.extract)
  archive  gzip and SHA-256 of the page, as the archive stores it
  total    `fetch_article` end to end (fetch + read + drafts), as `tracker fetch` runs it

plus the archived size, and the whole `tracker fetch URL --format json` command as a
user runs it (a new process: Python's start-up and imports included; median of 5), beside
`tracker --help`, the start-up every command pays. The network of a real outlet adds its own round trips (DNS, TLS,
the server's time), which no local figure can say; it is printed as measured here only.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.articles.fetch import fetch  # noqa: E402
from tracker.articles.intake import fetch_article  # noqa: E402
from tracker.articles.reading import read_article  # noqa: E402
from tracker.extraction.extractor import extract_candidates  # noqa: E402
from tracker.files.reading import load_vocabulary  # noqa: E402

ARTICLE = (ROOT / "tests" / "fixtures" / "articles" / "courier_kharkiv.html").read_bytes()


def heavy_page() -> bytes:
    """The article wrapped in the bulk of a big outlet's page."""
    menu = b"".join(
        b'<li><a href="/section/%d">Section %d: 12 new stories</a></li>' % (i, i)
        for i in range(400)
    )
    state = b"".join(
        b'{"id":%d,"headline":"Story %d","views":%d},' % (i, i, i * 13) for i in range(8000)
    )
    script = b"<script>window.__STATE__=[" + state + b"{}]</script>"
    most_read = b"".join(
        b"<li><a href='/a/%d'>%d people attend event number %d</a></li>" % (i, i * 7, i)
        for i in range(25)
    )
    footer = b"".join(
        b"<p><a href='/about/%d'>About us, page %d</a></p>" % (i, i) for i in range(40)
    )
    head, _, rest = ARTICLE.partition(b"<body>")
    body, _, tail = rest.partition(b"</body>")
    return (
        head
        + b"<body><nav><ul>"
        + menu
        + b"</ul></nav>"
        + script
        + body
        + b"<aside class='most-read'><ol>"
        + most_read
        + b"</ol></aside><footer>"
        + footer
        + b"</footer></body>"
        + tail
    )


PAGES = {"/article": ARTICLE, "/heavy": heavy_page()}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        body = PAGES.get(self.path, b"")
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def timed(fn, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    """Median and 90th percentile in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.9) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ["TRACKER_FETCH_ALLOW"] = "127.0.0.1"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    vocab = load_vocabulary()
    fetch_article(base + "/article", vocab)  # warm: imports, the gazetteer's patterns
    print(f"one article fetched {args.repeat} times per page; milliseconds, median / p90")
    print(f"{'page':<10}{'HTML':>10}{'fetch':>14}{'read':>14}{'drafts':>14}{'archive':>14}"
          f"{'total':>14}{'archived':>11}")  # fmt: skip
    try:
        for path, body in PAGES.items():
            url = base + path
            page = fetch(url)
            article = read_article(page.text, page.final_url)
            if not article.text.startswith("Shelling killed four civilians"):
                print(f"{path}: the article was not read right: {article.text[:80]!r}")
            steps = {
                "fetch": timed(lambda url=url: fetch(url), args.repeat),
                "read": timed(lambda p=page: read_article(p.text, p.final_url), args.repeat),
                "drafts": timed(
                    lambda a=article: extract_candidates(a.text, a.published, vocab), args.repeat
                ),
                "archive": timed(
                    lambda b=page.body: (gzip.compress(b, 6, mtime=0), hashlib.sha256(b)),
                    args.repeat,
                ),
                "total": timed(lambda url=url: fetch_article(url, vocab), args.repeat),
            }
            archived = len(gzip.compress(page.body, 6, mtime=0))
            cells = "".join(f"{f'{m:.1f} / {p:.1f}':>14}" for m, p in steps.values())
            print(
                f"{path.strip('/'):<10}{len(body) / 1000:>8.1f}kB{cells}{archived / 1000:>9.1f}kB"
            )
        tracker = str(Path(sys.executable).parent / "tracker")
        # Byte-code cached, as on a deployed machine (PYTHONDONTWRITEBYTECODE would have
        # every start compile every module again); one run first writes the cache.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run([tracker, "fetch", base + "/article"], env=env, capture_output=True)
        for label, command in (
            ("tracker --help (start-up alone)", [tracker, "--help"]),
            (
                "tracker fetch URL --format json",
                [tracker, "fetch", base + "/article", "--format", "json"],
            ),
        ):
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True, env=env)
                runs.append(time.perf_counter() - started)
            print(f"`{label}`, a new process: {statistics.median(runs):.2f} s (median of 5)")
    finally:
        httpd.shutdown()
        httpd.server_close()


if __name__ == "__main__":
    main()
