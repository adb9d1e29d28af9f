"""Inbox: the articles feed polls brought in (`tracker feed poll`), each with its text and
the extraction assistant's drafts. A curator opens one in Add source (the form fills in;
saving it shows the drafts in the assistant) or dismisses it with a reason. Nothing
enters the claims until a curator saves it, and a dismissed item stays, with its reason,
who and when."""

import pandas as pd
import streamlit as st

from dashboard import forms, state, widgets
from dashboard.navigation import ADD_SOURCE, SOURCES
from tracker import curation
from tracker.articles.feeds import InboxEntry, inbox, inbox_counts, list_feeds
from tracker.checks.rules import describe_figure
from tracker.domain.vocab import Role

FORM = state.INBOX
PAGE_SIZE = 20
STATUS_TITLES = {"new": "New", "taken": "Taken as sources", "dismissed": "Dismissed"}


def dismiss(engine, item_id: int) -> None:  # noqa: ANN001
    reason = st.session_state.get(f"{FORM}.reason.{item_id}") or ""

    def act() -> str:
        curation.dismiss_inbox_item(engine, forms.user(), item_id, reason)
        return f"Dismissed inbox item #{item_id}; it stays under Dismissed with your reason."

    forms.handle(FORM, act)


def poll(engine, vocab) -> None:  # noqa: ANN001
    def act() -> str:
        report = curation.poll_feeds_now(engine, forms.user(), vocab)
        message = f"Polled {report.feeds} feed(s): {report.new} new article(s)."
        if report.failed:
            # Tried again at the next poll; the curator sees why now.
            more = len(report.failed) - 1
            message += f" Not read: {report.failed[0]['error']}" + (
                f" (and {more} more)." if more else "."
            )
        return message

    forms.handle(FORM, act)


def feeds_panel(engine, vocab) -> None:  # noqa: ANN001
    """The feeds followed, when each was last polled and what went wrong; a poll now."""
    feeds = list_feeds(engine)
    with st.expander(f"Feeds ({len(feeds)})"):
        if not feeds:
            st.caption("No feed is followed yet: add one with `tracker feed add URL`.")
            return
        st.dataframe(
            pd.DataFrame(
                {
                    "Feed": [f.name for f in feeds],
                    "Address": [f.url for f in feeds],
                    "Articles": [f.items for f in feeds],
                    "New": [f.new_items for f in feeds],
                    "Last polled (UTC)": [
                        f.last_polled_at.strftime("%Y-%m-%d %H:%M") if f.last_polled_at else "never"
                        for f in feeds
                    ],
                    "Last error": [f.last_error or "" for f in feeds],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.button(
            "Poll the feeds now",
            key=f"{FORM}.poll",
            on_click=poll,
            args=(engine, vocab),
            icon=":material/sync:",
            help="Fetches the articles the feeds list that are not in the inbox yet, as "
            "`tracker feed poll` does from cron.",
        )


def drafts_frame(item: InboxEntry) -> pd.DataFrame:
    """The drafts as the curator reads them: the figure as claimed, what, who, where, when."""
    rows = []
    for c in item.candidates:
        period = (
            f"{c['period_start']} to {c['period_end']}" if c["period_start"] else c["period_end"]
        )
        rows.append(
            {
                "Figure": describe_figure(c["value"], c["low"], c["high"], c["qualifier"]),
                "What": c["metric"] or "(unsure)",
                "Claimant": c["claimant_key"] or c["claimant"] or "(not found)",
                "Place": c["place_key"] or c["place"] or "(not found)",
                "Period": period,
                "Quote": c["quote"],
            }
        )
    return pd.DataFrame(rows, columns=["Figure", "What", "Claimant", "Place", "Period", "Quote"])


def item_card(item: InboxEntry, engine) -> None:  # noqa: ANN001
    with st.container(border=True, key=f"{FORM}.item.{item.id}"):
        st.markdown(f"**{widgets.md(item.title)}**")
        day = widgets.day_text(item.published) if item.published else "date unknown"
        inferred = " (date inferred)" if item.published_basis == "inferred" else ""
        feed = f" · from the feed {item.feed}" if item.feed else ""
        st.caption(widgets.md(f"{item.publisher}, {day}{inferred}{feed} · inbox item #{item.id}"))
        if item.relay_of:
            st.caption(
                widgets.md(
                    f"Relays the same text as {item.relay_of}: claims saved from both count as "
                    "one statement."
                )
            )
        widgets.link_button("Read the article", item.url, key=f"{FORM}.read.{item.id}")
        count = len(item.candidates)
        with st.expander(f"Text and {count} draft claim(s)", expanded=False):
            if count:
                st.dataframe(drafts_frame(item), hide_index=True, width="stretch")
            else:
                st.caption("No figure found in the text.")
            st.text(item.text)
        if item.status == "new":
            open_, reason, go = st.columns([2, 4, 1], vertical_alignment="bottom")
            if open_.button(
                "Open in the assistant",
                key=f"{FORM}.open.{item.id}",
                icon=":material/note_add:",
                type="primary",
                help="Fills the Add source form with this article; once saved, its drafts "
                "open in the extraction assistant.",
            ):
                st.session_state[state.ADD_SOURCE_OPEN] = item.id
                st.switch_page(ADD_SOURCE)
            reason.text_input(
                "Reason to dismiss",
                key=f"{FORM}.reason.{item.id}",
                placeholder="e.g. no figures; an opinion piece; covered by another source",
            )
            go.button(
                "Dismiss",
                key=f"{FORM}.dismiss.{item.id}",
                on_click=dismiss,
                args=(engine, item.id),
                icon=":material/block:",
            )
        elif item.status == "dismissed":
            when = item.dismissed_at.strftime("%Y-%m-%d %H:%M UTC") if item.dismissed_at else ""
            st.caption(
                widgets.md(f"Dismissed by {item.dismissed_by}, {when}: {item.dismissed_reason}")
            )
        elif item.source_id is not None:
            st.page_link(
                SOURCES,
                label=f"Stored as source #{item.source_id} by {item.taken_by}",
                icon=":material/article:",
                query_params={"source": str(item.source_id)},
            )


store = forms.store_for(Role.curator, "work from the inbox")
st.title("Inbox")
st.caption(
    "Articles the news feeds brought in, with the figures the assistant found in each. Open "
    "one to check it and save it as a source, or dismiss it with a reason. Feeds are added "
    "and polled with `tracker feed add` and `tracker feed poll`."
)
forms.saved_message(FORM)
forms.other_errors(FORM, set())
feeds_panel(store.engine, store.vocabulary())
counts = inbox_counts(store.engine)
status = st.segmented_control(
    "Show",
    options=list(STATUS_TITLES),
    format_func=lambda s: f"{STATUS_TITLES[s]} ({counts[s]:,})",
    default="new",
    key=f"{FORM}.status",
)
status = status or "new"
total = counts[status]
pages = max(1, -(-total // PAGE_SIZE))
page = 1
if pages > 1:
    page = int(st.number_input("Page", min_value=1, max_value=pages, value=1, key=state.INBOX_PAGE))
items = inbox(store.engine, status, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
if not items:
    st.info(
        "No new articles. Poll the feeds with `tracker feed poll` (see docs/articles.md)."
        if status == "new"
        else f"None {STATUS_TITLES[status].lower()} yet.",
        icon=":material/inbox:",
    )
for entry in items:
    item_card(entry, store.engine)
