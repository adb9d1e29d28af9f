"""Articles in: `tracker fetch` reads a page's text, metadata and draft claims; a fetch never
becomes a way into the newsroom's network; every bad answer is one clear line; feeds fill
an inbox once; what was read is archived.

Every page and feed is served by a local server (tests/article_server.py) from
tests/fixtures/articles: fictional outlets and claimants, our own words.
"""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as hst
from sqlmodel import Session, func, select

from tests.article_server import PAGES
from tests.conftest import VOCAB_FILES
from tracker.articles import fetch as fetching
from tracker.articles.archive import archive_page, archived_bytes, copies_of
from tracker.articles.fetch import checked_address, is_public
from tracker.articles.intake import fetch_article
from tracker.cli import main
from tracker.core.errors import FetchFailed
from tracker.curation import save_fetched_source
from tracker.domain.models import ArchivedPage, Claim, InboxItem, Source
from tracker.domain.schemas import SourceIn
from tracker.files.reading import load_vocabulary

COURIER = "/courier/2024/03/12/shelling-kharkiv"
LEDGER = "/ledger/news/convoy-kherson"
GAZETTE = "/gazette/stories/odesa-weekly-toll"
WIRE = "/wire/kharkiv-shelling-reprint"
SYNDICATED = "/times/four-killed-near-kharkiv"

#: Numbers that sit only in the pages' cookie banners, menus, "most read" lists, tickers,
#: promos and footers: none may become a draft claim.
BOILERPLATE_FIGURES = {
    112, 42, 10, 17, 300, 45, 1200, 318, 64, 250, 19, 3000, 80, 600, 95, 2400000, 400, 88, 5,
    14, 9, 12, 1998,
}  # fmt: skip


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def fetched_json(url: str) -> dict:
    result = run("fetch", url, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def figures(doc: dict) -> list[tuple]:
    return [
        (c["value"], c["low"], c["high"], c["qualifier"], c["metric"]) for c in doc["candidates"]
    ]


def one_line_error(result) -> str:  # noqa: ANN001
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


# --- reading an article ----------------------------------------------------------------------


def test_fetch_reads_title_publisher_date_and_text_from_open_graph_and_article_tags(
    fetch_allowed,
):
    doc = fetched_json(fetch_allowed.url(COURIER))
    source = doc["source"]
    assert source["title"] == "Shelling kills four in Kharkiv region, monitor says"
    assert source["publisher"] == "The Example Courier"
    assert source["published"] == "2024-03-12"
    assert source["published_basis"] == "stated"
    assert source["language"] == "en"
    assert source["text"].startswith("Shelling killed four civilians and wounded 11")
    assert source["text"].endswith("repairs to the water network would take weeks.")
    assert figures(doc) == [
        (4, None, None, "exact", "civilian_killed"),
        (11, None, None, "exact", "civilian_injured"),
        (35, None, None, "at_least", "civilian_killed"),
    ]
    first = doc["candidates"][0]
    assert first["claimant"] == "Example Monitor" and first["place_key"] == "UA-63"
    # Relative dates are resolved against the page's own date: "over the past 24 hours".
    assert (first["period_start"], first["period_end"]) == ("2024-03-11", "2024-03-12")


def test_fetch_reads_metadata_from_json_ld(fetch_allowed):
    doc = fetched_json(fetch_allowed.url(LEDGER))
    source = doc["source"]
    assert source["title"] == "Convoy reaches Kherson villages after week of shelling"
    assert source["publisher"] == "Example Ledger"
    assert source["published"] == "2023-06-05"  # datePublished, not dateModified
    assert figures(doc) == [
        (None, 40, 50, "exact", "civilian_killed"),
        (120, None, None, "more_than", "civilian_injured"),
    ]


def test_fetch_reads_the_date_from_a_time_element_and_the_publisher_from_the_title(
    fetch_allowed,
):
    doc = fetched_json(fetch_allowed.url(GAZETTE))
    source = doc["source"]
    assert source["title"] == "Odesa region: health authority gives weekly toll"
    assert source["publisher"] == "Example Gazette"
    assert source["published"] == "2024-10-21"
    assert [c["value"] for c in doc["candidates"]] == [23, 57]
    assert {c["period_end"] for c in doc["candidates"]} == {"2024-10-20"}  # "last week"


@pytest.mark.parametrize("path", [COURIER, LEDGER, GAZETTE, WIRE, SYNDICATED])
def test_no_boilerplate_reaches_the_text_or_the_drafts(fetch_allowed, path):
    doc = fetched_json(fetch_allowed.url(path))
    text = doc["source"]["text"]
    for words in ("cookie", "Most read", "Trending", "Subscribe", "Copyright", "©", "partners"):
        assert words.casefold() not in text.casefold(), words
    for c in doc["candidates"]:
        assert c["quote"] in text
        assert text[c["start"] : c["end"]]  # the figure's offsets point into the text
        for figure in (c["value"], c["low"], c["high"]):
            assert figure not in BOILERPLATE_FIGURES


def test_fetch_as_text_names_the_fields_and_each_draft(fetch_allowed):
    result = run("fetch", fetch_allowed.url(GAZETTE))
    assert result.exit_code == 0, result.output
    assert "title: Odesa region: health authority gives weekly toll" in result.output
    assert "publisher: Example Gazette" in result.output
    assert "published: 2024-10-21\n" in result.output
    assert "1. 23 civilian_killed, Example Health Authority, UA-51" in result.output
    assert result.output.rstrip().endswith("2 candidates")


def test_a_page_without_a_date_takes_the_day_it_was_read_and_says_so(fetch_allowed):
    from datetime import UTC, datetime

    doc = fetched_json(fetch_allowed.url("/bulletins/sumy"))
    today = datetime.now(UTC).date().isoformat()
    assert (doc["source"]["published"], doc["source"]["published_basis"]) == (today, "inferred")
    assert doc["source"]["publisher"] == "Example Bulletin Board"
    assert [(c["value"], c["metric"], c["period_end"]) for c in doc["candidates"]] == [
        (16, "civilian_injured", doc["candidates"][0]["period_end"])
    ]
    text = run("fetch", fetch_allowed.url("/bulletins/sumy")).output
    assert f"published: {today} (not on the page: fetch date)" in text


def test_a_page_with_no_article_text_is_one_line(fetch_allowed):
    line = one_line_error(run("fetch", fetch_allowed.url("/menu-only")))
    assert (
        line == f"Error: {fetch_allowed.url('/menu-only')} holds no article text that could be read"
    )


def test_a_feed_on_a_private_address_is_refused_like_a_page(cli_env, article_server, monkeypatch):
    monkeypatch.delenv("TRACKER_FETCH_ALLOW", raising=False)
    assert run("init").exit_code == 0
    line = one_line_error(run("feed", "add", article_server.url("/feeds/courier.rss")))
    assert "refused to fetch" in line
    assert "no feeds yet" in run("feed", "list").output


def test_polling_a_feed_that_is_not_followed_says_so(feeds_db):
    line = one_line_error(run("feed", "poll", "--feed", "https://elsewhere.example.org/rss"))
    assert line == (
        "Error: no feed is followed at https://elsewhere.example.org/rss; "
        "add it with `tracker feed add`"
    )


def test_a_gzip_compressed_page_is_read_inflated(fetch_allowed):
    doc = fetched_json(fetch_allowed.url("/gzipped"))
    assert doc["source"]["publisher"] == "The Example Courier"
    assert doc["fetch"]["bytes"] == len((PAGES / "courier_kharkiv.html").read_bytes())


def test_fetch_normalises_the_url_as_the_store_does(fetch_allowed):
    doc = fetched_json(fetch_allowed.url(COURIER + "/?utm_source=feed&fbclid=abc#comments"))
    assert doc["source"]["url"] == fetch_allowed.url(COURIER)


def test_fetch_follows_a_redirect_and_gives_the_page_it_landed_on(fetch_allowed):
    doc = fetched_json(fetch_allowed.url("/go/courier"))
    assert doc["source"]["url"] == fetch_allowed.url(COURIER)
    assert doc["fetch"]["hops"] == [fetch_allowed.url("/go/courier"), fetch_allowed.url(COURIER)]


def test_fetch_stores_nothing(cli_env, fetch_allowed):
    assert run("init").exit_code == 0
    fetched_json(fetch_allowed.url(COURIER))
    from tracker.store.db import make_engine

    engine = make_engine(cli_env)
    with Session(engine) as session:
        for model in (Source, Claim, ArchivedPage, InboxItem):
            assert session.exec(select(func.count()).select_from(model)).one() == 0
    engine.dispose()


# --- safe fetching -------------------------------------------------------------------------


def test_loopback_is_refused_unless_allowed_and_nothing_is_requested(article_server, monkeypatch):
    monkeypatch.delenv("TRACKER_FETCH_ALLOW", raising=False)
    before = len(article_server.requests)
    line = one_line_error(run("fetch", article_server.url(COURIER)))
    assert "refused to fetch" in line and "127.0.0.1" in line
    assert "TRACKER_FETCH_ALLOW" in line
    assert len(article_server.requests) == before


def test_a_redirect_to_a_private_address_is_refused(fetch_allowed):
    line = one_line_error(run("fetch", fetch_allowed.url("/go/private")))
    assert line == (
        "Error: refused to fetch http://10.20.30.40/internal/payroll: its host 10.20.30.40 "
        "resolves to 10.20.30.40, a loopback, private, link-local or reserved address "
        "(allow it in TRACKER_FETCH_ALLOW if it is a trusted server)"
    )


def test_a_redirect_to_a_loopback_name_is_refused_though_its_address_is_allowed(
    fetch_allowed,
):
    # The allowance is by host as written: localhost is not 127.0.0.1's name in the list.
    line = one_line_error(run("fetch", fetch_allowed.url("/go/localhost")))
    assert "its host localhost resolves to" in line


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/huge", "is larger than the limit of 0.2 MB (0.2 MB)"),
        ("/huge-stream", "is larger than the limit of 0.2 MB"),
        ("/gzip-bomb", "is larger than the limit of 0.2 MB"),
        ("/broken-gzip", "sent compressed data that cannot be read"),
        ("/report.pdf", "is not a web page: it answered with content type application/pdf"),
        ("/slow", "did not answer in time (limits: 1 s to connect, 1 s between reads)"),
        ("/drip", "was too slow: the page was not read within 2 s"),
        ("/bad-encoding", "is not valid utf-8 text"),
        ("/unknown-charset", "declares an unknown character set 'x-martian'"),
        ("/nowhere", "answered 404 Not Found"),
        ("/go/loop", "redirects more than 5 times"),
    ],
)
def test_every_bad_answer_is_one_clear_line(fetch_allowed, path, expected):
    line = one_line_error(run("fetch", fetch_allowed.url(path)))
    assert expected in line
    assert "127.0.0.1" in line  # the URL is named


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/admin",
        "http://[::ffff:127.0.0.1]:8080/admin",
        "http://0x7f000001/",  # 127.0.0.1 written in hex
        "http://2130706433/",  # and as one number
        "http://127.1/",
    ],
)
def test_loopback_written_any_other_way_is_refused(url, monkeypatch):
    monkeypatch.delenv("TRACKER_FETCH_ALLOW", raising=False)
    line = one_line_error(run("fetch", url))
    assert line.startswith("Error: refused to fetch ")
    assert "a loopback, private, link-local or reserved address" in line


def test_a_bad_limit_in_the_environment_is_one_line(fetch_allowed, monkeypatch):
    monkeypatch.setenv("TRACKER_FETCH_TIMEOUT", "soon")
    line = one_line_error(run("fetch", fetch_allowed.url(COURIER)))
    assert line == "Error: TRACKER_FETCH_TIMEOUT must be a number of seconds, not 'soon'"


@pytest.mark.parametrize(
    "url",
    ["ftp://files.example.org/a.html", "file:///etc/passwd", "javascript:alert(1)", "not a url"],
)
def test_only_http_and_https_are_fetched(url):
    line = one_line_error(run("fetch", url))
    assert "Error: the URL" in line


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
    ],
)
def test_non_public_addresses_are_recognised(address):
    assert not is_public(address)


NON_PUBLIC_NETWORKS = [
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "0.0.0.0/8",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
    "::ffff:10.0.0.0/104",
    "::ffff:127.0.0.0/104",
]


@given(hst.one_of(*(hst.ip_addresses(network=network) for network in NON_PUBLIC_NETWORKS)))
def test_every_address_of_a_non_public_range_is_refused(address):
    assert not is_public(str(address))
    with pytest.raises(FetchFailed, match="refused to fetch"):
        checked_address("https://news.example.org/", lambda h, p: [str(address)], frozenset())


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert is_public(address)


def test_a_host_with_one_private_address_among_public_ones_is_refused():
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    with pytest.raises(FetchFailed, match="resolves to 10.0.0.7"):
        checked_address("https://news.example.org/a", resolver, frozenset())


def test_the_connection_goes_to_the_address_that_was_checked(article_server):
    """The host name is resolved once, by us; the request is sent to that address with the
    name in the Host header, so a second DNS answer cannot redirect the connection."""
    answers = []

    def resolver(host: str, port: int) -> list[str]:
        answers.append(host)
        return ["127.0.0.1"]

    port = article_server.httpd.server_port
    page = fetching.fetch(
        f"http://courier.example.org:{port}{COURIER}",
        resolver=resolver,
        allowed=frozenset({"courier.example.org"}),
    )
    assert answers == ["courier.example.org"]
    assert page.final_url == f"http://courier.example.org:{port}{COURIER}"
    assert b"The Example Courier" in page.body


# --- saving a fetched source and its archive ----------------------------------------------


def test_a_saved_source_keeps_the_page_it_was_read_from(vocab_engine, fetch_allowed):
    from tracker.domain.vocab import Role
    from tracker.store.accounts import create_user
    from tracker.store.db import write_session
    from tracker.store.write import SYSTEM

    with write_session(vocab_engine) as session:
        create_user(session, SYSTEM, "cora", Role.curator, "a long enough password")
    fetched = fetch_article(fetch_allowed.url(COURIER), load_vocabulary())
    fields = fetched.source_fields()
    fields["title"] = fields["title"] + " (corrected)"
    source_id = save_fetched_source(vocab_engine, "cora", SourceIn.model_validate(fields), fetched)
    copies = copies_of(vocab_engine, fetch_allowed.url(COURIER))
    assert len(copies) == 1
    served = (PAGES / "courier_kharkiv.html").read_bytes()
    assert archived_bytes(vocab_engine, copies[0].id) == served
    assert copies[0].sha256 == hashlib.sha256(served).hexdigest()
    assert copies[0].fetched_by == "cora" and copies[0].text == fields["text"]
    with Session(vocab_engine) as session:
        stored = session.get(Source, source_id)
        blob = session.get(ArchivedPage, copies[0].id).html_gzip
        assert stored.title.endswith("(corrected)") and stored.retrieved_at is not None
    assert len(blob) < len(served) and gzip.decompress(blob) == served


def test_a_copy_of_an_archived_article_at_another_url_is_recognised_as_a_relay(
    vocab_engine, fetch_allowed
):
    from tracker.store.db import write_session
    from tracker.store.write import SYSTEM

    vocab = load_vocabulary()
    original = fetch_article(fetch_allowed.url(COURIER), vocab)
    with write_session(vocab_engine) as session:
        archive_page(session, original.page, original.article, SYSTEM.name)
    # The same words, punctuated and spaced another way, or with a credit line added.
    for path in (WIRE, SYNDICATED):
        copy = fetch_article(fetch_allowed.url(path), vocab, engine=vocab_engine)
        assert copy.relay_of == fetch_allowed.url(COURIER), path
        assert copy.as_dict()["relay_of"] == fetch_allowed.url(COURIER)
    # Another article on the same kind of event, in its own words, is not a relay.
    other = fetch_article(fetch_allowed.url(GAZETTE), vocab, engine=vocab_engine)
    assert other.relay_of is None
    # Nor is the original page fetched again.
    again = fetch_article(fetch_allowed.url(COURIER), vocab, engine=vocab_engine)
    assert again.relay_of is None


# --- feeds and the inbox ---------------------------------------------------------------------


@pytest.fixture
def feeds_db(cli_env, fetch_allowed):
    assert run("init").exit_code == 0
    assert run("import", *map(str, VOCAB_FILES)).exit_code == 0
    return fetch_allowed


def test_feed_add_then_poll_twice_adds_the_articles_once(feeds_db):
    server = feeds_db
    added = run("feed", "add", server.url("/feeds/courier.rss"))
    assert added.exit_code == 0, added.output
    assert added.output == (
        f"following feed #1: The Example Courier: World ({server.url('/feeds/courier.rss')})\n"
    )
    assert run("feed", "add", server.url("/feeds/ledger.atom"), "--name", "Ledger").exit_code == 0

    first = run("feed", "poll", "--format", "json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["new"] == 4
    by_url = {item["url"]: item for item in report["items"]}
    assert set(by_url) == {server.url(p) for p in (COURIER, GAZETTE, LEDGER, WIRE)}
    courier = by_url[server.url(COURIER)]  # the feed's utm_* link, normalised
    assert courier["title"] == "Shelling kills four in Kharkiv region, monitor says"
    assert courier["publisher"] == "The Example Courier"
    assert courier["published"] == "2024-03-12"
    assert courier["text"].startswith("Shelling killed four civilians")
    assert [c["value"] for c in courier["candidates"]] == [4, 11, 35]
    assert courier["feed"] == "The Example Courier: World" and courier["status"] == "new"
    # The reprint carries the courier's text: a relay of the same statement.
    assert by_url[server.url(WIRE)]["relay_of"] == server.url(COURIER)
    assert by_url[server.url(COURIER)]["relay_of"] is None
    assert report["failed"] == [
        {
            "feed": "Ledger",
            "url": server.url("/ledger/news/removed-story"),
            "error": f"{server.url('/ledger/news/removed-story')} answered 404 Not Found",
        }
    ]

    second = run("feed", "poll", "--format", "json")
    again = json.loads(second.output)
    assert (again["new"], again["items"], again["seen"]) == (0, [], 4)
    assert len(again["failed"]) == 1  # the removed story is tried again, and fails again

    listed = run("feed", "list")
    assert "#1 The Example Courier: World" in listed.output and "(2 items, 2 new" in listed.output
    assert "#2 Ledger" in listed.output


def test_an_entry_whose_link_redirects_is_stored_at_the_article_and_not_fetched_again(
    feeds_db,
):
    """No GUID, and a link through a redirector: the item's URL is where the article is
    (the source's URL); the link is remembered, so the next poll does not follow it."""
    run("feed", "add", feeds_db.url("/feeds/redirects.rss"))
    [item] = json.loads(run("feed", "poll", "--format", "json").output)["items"]
    assert (item["url"], item["link"]) == (feeds_db.url(COURIER), feeds_db.url("/go/courier"))
    followed = feeds_db.requests.count("/go/courier")
    again = json.loads(run("feed", "poll", "--format", "json").output)
    assert (again["new"], again["seen"]) == (0, 1)
    assert feeds_db.requests.count("/go/courier") == followed


def test_poll_in_text_format_lists_the_new_articles_and_says_what_failed(feeds_db):
    run("feed", "add", feeds_db.url("/feeds/ledger.atom"))
    result = run("feed", "poll")  # the failures go to stderr, which `output` includes
    assert result.exit_code == 0, result.output
    assert "Example Ledger: Convoy reaches Kherson villages after week of shelling, 2 drafts" in (
        result.output
    )
    assert "failed: " in result.output and "removed-story answered 404" in result.output
    assert "2 new articles in the inbox from 1 feeds (0 seen before, 1 failed)" in result.output


def test_an_article_already_stored_as_a_source_is_not_brought_in(feeds_db, cli_env):
    from tracker.store.db import make_engine, write_session
    from tracker.store.write import SYSTEM, add_source

    engine = make_engine(cli_env)
    with write_session(engine) as session:
        add_source(
            session,
            SYSTEM,
            SourceIn.model_validate(
                {
                    "url": feeds_db.url(GAZETTE),
                    "title": "Stored before",
                    "publisher": "Example Gazette",
                    "published": "2024-10-21",
                }
            ),
        )
    engine.dispose()
    run("feed", "add", feeds_db.url("/feeds/courier.rss"))
    report = json.loads(run("feed", "poll", "--format", "json").output)
    assert [i["url"] for i in report["items"]] == [feeds_db.url(COURIER)]
    assert report["seen"] == 1


def test_feed_add_refuses_what_is_not_a_feed_and_stores_nothing(feeds_db):
    line = one_line_error(run("feed", "add", feeds_db.url(COURIER)))
    assert "is not a feed: it answered with content type text/html" in line
    line = one_line_error(run("feed", "add", feeds_db.url("/feeds/not-a-feed.xml")))
    assert "is not an RSS or Atom feed" in line
    assert "no feeds yet" in run("feed", "list").output


def test_feed_add_refuses_a_feed_already_followed(feeds_db):
    url = feeds_db.url("/feeds/courier.rss")
    assert run("feed", "add", url).exit_code == 0
    line = one_line_error(run("feed", "add", url + "?utm_campaign=x"))
    assert line == "Error: url: this feed is already followed as feed #1"


def test_a_dismissed_item_keeps_its_reason_and_a_poll_does_not_bring_it_back(feeds_db):
    run("feed", "add", feeds_db.url("/feeds/courier.rss"))
    items = json.loads(run("feed", "poll", "--format", "json").output)["items"]
    gazette = next(i for i in items if i["url"] == feeds_db.url(GAZETTE))
    assert one_line_error(run("inbox", "dismiss", str(gazette["id"]), "--reason", "  ")) == (
        "Error: reason: say why the article is dismissed"
    )
    done = run("inbox", "dismiss", str(gazette["id"]), "--reason", "already covered elsewhere")
    assert done.exit_code == 0, done.output
    dismissed = json.loads(run("inbox", "list", "--status", "dismissed", "--format", "json").output)
    assert [(d["id"], d["dismissed_reason"], d["status"]) for d in dismissed] == [
        (gazette["id"], "already covered elsewhere", "dismissed")
    ]
    assert dismissed[0]["dismissed_by"].startswith("cli:") and dismissed[0]["dismissed_at"]
    assert json.loads(run("feed", "poll", "--format", "json").output)["new"] == 0
    new = json.loads(run("inbox", "list", "--format", "json").output)
    assert [n["url"] for n in new] == [feeds_db.url(COURIER)]
    again = one_line_error(run("inbox", "dismiss", str(gazette["id"]), "--reason", "twice"))
    assert again == f"Error: status: inbox item #{gazette['id']} is already dismissed"


def test_polled_articles_are_archived_with_their_hash(feeds_db, cli_env):
    run("feed", "add", feeds_db.url("/feeds/courier.rss"))
    run("feed", "poll")
    from tracker.store.db import make_engine

    engine = make_engine(cli_env)
    copies = copies_of(engine, feeds_db.url(COURIER))
    assert len(copies) == 1
    served = (PAGES / "courier_kharkiv.html").read_bytes()
    assert copies[0].sha256 == hashlib.sha256(served).hexdigest()
    assert archived_bytes(engine, copies[0].id) == served
    engine.dispose()
