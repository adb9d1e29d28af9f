"""`tracker fetch`, `tracker feed` and `tracker inbox`: articles in from a URL or a feed (a
thin layer over `tracker.articles`)."""

from __future__ import annotations

from typing import Any

import click

from tracker.cli.common import (
    actor,
    echo_json,
    format_option,
    handle_errors,
    json_or_nothing,
    open_engine,
    optional_engine,
    vocabulary,
)

FORMAT = format_option("json: every field, for scripts.")


def _one_line(text: str) -> str:
    return " ".join(text.split())


@click.command()
@click.argument("url")
@FORMAT
@handle_errors
def fetch(url: str, fmt: str) -> None:
    """Fetch the article at URL: its text, metadata and draft claims. Stores nothing.

    Only http(s) pages on public addresses are fetched (hosts listed in TRACKER_FETCH_ALLOW
    are exempt); every redirect is checked the same way.

    Example: tracker fetch https://news.example.org/2024/03/12/shelling --format json
    """
    from tracker.articles.intake import fetch_article
    from tracker.checks.rules import describe_figure

    fetched = fetch_article(url, vocabulary(), engine=optional_engine())
    if fmt == "json":
        echo_json(fetched)
        return
    source = fetched.source_fields()
    basis = "" if source["published_basis"] == "stated" else " (not on the page: fetch date)"
    click.echo(f"url: {source['url']}")
    click.echo(f"title: {_one_line(source['title'] or '(none found)')}")
    click.echo(f"publisher: {_one_line(source['publisher'] or '(none found)')}")
    click.echo(f"published: {source['published'].isoformat()}{basis}")
    if fetched.relay_of:
        click.echo(f"relay of: {fetched.relay_of} (the same text was read there first)")
    words = len(source["text"].split())
    click.echo(f"text: {words} words\n")
    click.echo(source["text"])
    click.echo("")
    for i, c in enumerate(fetched.candidates, start=1):
        figure = describe_figure(c.value, c.low, c.high, c.qualifier)
        who = c.claimant_key or c.claimant or "(claimant not found)"
        where = c.place_key or c.place or "(place not found)"
        click.echo(f"{i}. {figure} {c.metric or '(metric unsure)'}, {who}, {where}")
        click.echo(f"   quote: {_one_line(c.quote)}")
    click.echo(f"{len(fetched.candidates)} candidates")


@click.group()
def feed() -> None:
    """News feeds (RSS, Atom) whose articles a poll puts in the inbox."""


@feed.command("add")
@click.argument("url")
@click.option("--name", help="What to call the feed (default: its own title).")
@handle_errors
def feed_add(url: str, name: str | None) -> None:
    """Follow the feed at URL. It is fetched once to check that it is a feed.

    Example: tracker feed add https://news.example.org/rss.xml --name "Example Courier"
    """
    from tracker.articles.feeds import add_feed

    info = add_feed(open_engine(), actor(), url, name)
    click.echo(f"following feed #{info.id}: {info.name} ({info.url})")


@feed.command("list")
@FORMAT
@handle_errors
def feed_list(fmt: str) -> None:
    """The feeds followed, with their items and the last poll.

    Example: tracker feed list
    """
    from tracker.articles.feeds import list_feeds

    feeds = list_feeds(open_engine())
    if json_or_nothing(feeds, fmt, "no feeds yet; add one with `tracker feed add URL`"):
        return
    for f in feeds:
        polled = f.last_polled_at.strftime("%Y-%m-%d %H:%M UTC") if f.last_polled_at else "never"
        click.echo(
            f"#{f.id} {f.name}: {f.url} ({f.items} items, {f.new_items} new; last polled {polled})"
        )
        if f.last_error:
            click.echo(f"   last error: {f.last_error}")


@feed.command("poll")
@click.option("--feed", "feed_url", help="Poll only the feed at this URL.")
@FORMAT
@handle_errors
def feed_poll(feed_url: str | None, fmt: str) -> None:
    """Fetch the articles the feeds list that have not been seen, by URL or GUID, and put
    them in the inbox with their text and draft claims. Polling again adds nothing.

    Articles that cannot be fetched are listed (on stderr in text format) and tried again
    at the next poll; the exit code stays 0 so that cron mails only real failures.

    Example: tracker feed poll --format json
    """
    from tracker.articles.feeds import poll_feeds

    report = poll_feeds(open_engine(), actor(), vocabulary(), feed_url=feed_url)
    if fmt == "json":
        echo_json(report)
        return
    for item in report.items:
        relay = f" (relay of {item.relay_of})" if item.relay_of else ""
        click.echo(
            f"#{item.id} {_one_line(item.publisher)}: {_one_line(item.title)}, "
            f"{len(item.candidates)} drafts{relay}"
        )
    for failure in report.failed:
        click.echo(f"failed: {failure['error']}", err=True)
    click.echo(
        f"{report.new} new articles in the inbox from {report.feeds} feeds "
        f"({report.seen} seen before, {len(report.failed)} failed)"
    )


@click.group()
def inbox() -> None:
    """The articles polls brought in, waiting for a curator."""


@inbox.command("list")
@click.option(
    "--status",
    type=click.Choice(["new", "taken", "dismissed"]),
    default="new",
    show_default=True,
)
@FORMAT
@handle_errors
def inbox_list(status: str, fmt: str) -> None:
    """Inbox items with a status, newest first.

    Example: tracker inbox list --status dismissed
    """
    from tracker.articles.feeds import inbox as items_of

    items = items_of(open_engine(), status, limit=1000)
    if fmt == "json":
        echo_json(items)
        return
    for item in items:
        click.echo(_describe(item.as_dict()))
    click.echo(f"{len(items)} {status} items")


def _describe(item: dict[str, Any]) -> str:
    line = (
        f"#{item['id']} {_one_line(item['publisher'])}, {item['published']}: "
        f"{_one_line(item['title'])} ({len(item['candidates'])} drafts) {item['url']}"
    )
    if item["relay_of"]:
        line += f"\n   relay of {item['relay_of']}"
    if item["status"] == "dismissed":
        line += (
            f"\n   dismissed by {item['dismissed_by']} on {item['dismissed_at'][:10]}: "
            f"{_one_line(item['dismissed_reason'])}"
        )
    return line


@inbox.command("dismiss")
@click.argument("item_id", type=int)
@click.option("--reason", required=True, help="Why the article is set aside (kept with it).")
@handle_errors
def inbox_dismiss(item_id: int, reason: str) -> None:
    """Set an inbox item aside, saying why; it is kept, never deleted.

    Example: tracker inbox dismiss 12 --reason "no figures, an opinion piece"
    """
    from tracker.articles.feeds import dismiss_item

    dismiss_item(open_engine(), actor(), item_id, reason)
    click.echo(f"dismissed inbox item #{item_id}")
