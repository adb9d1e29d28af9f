"""Chart images (PNG, SVG) that carry their own attribution.

A picture travels without the page it came from, so the title, the "as of" date, what the
qualifiers mean ("at least" is a lower bound) and a source line ("Source: OHCHR via
Reuters, ...; compiled with Claims Tracker") are drawn into the image itself, not left to
the web page around it.

Static export of a plotly figure needs a browser engine: kaleido 1.x drives a Chrome or
Chromium installed on the system (it no longer ships one, and we never download one). We
use the system Chromium (`/usr/bin/chromium` on Debian, the package the browser tests use)
or the one `BROWSER_PATH` names; when there is none, `TrackerError` says what to install,
which the dashboard shows next to the download button.

Text in the caption comes from sources and curators; plotly reads a small HTML subset in
text (`<b>`, `<a href>`, `<br>`), so caption text is escaped and only our own line breaks
are markup.
"""

from __future__ import annotations

import asyncio
import html
import os
import shutil
import textwrap
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import plotly.graph_objects as go
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from tracker import PROJECT_NAME
from tracker.core.errors import TrackerError
from tracker.domain.models import Claim, Claimant, Source
from tracker.domain.vocab import Qualifier
from tracker.read.filters import ClaimFilter, where
from tracker.store.db import read_session

#: Debian's Chromium first (the browser tests use the same), then the usual names on PATH.
BROWSER_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = (
    "chart images need Chromium, and none was found: install it "
    "(Debian/Ubuntu: `apt-get install chromium`) or set BROWSER_PATH to a Chrome or "
    "Chromium executable"
)
FORMATS = ("png", "svg")
LINE_HEIGHT = 17  # px per caption line at the caption's font size
RENDER_TIMEOUT = 60  # seconds for one image

QUALIFIER_MEANINGS = {
    Qualifier.exact: "exact: the figure as stated",
    Qualifier.about: "about: an approximate figure",
    Qualifier.at_least: "at least: a lower bound; the true figure may be higher",
    Qualifier.more_than: "more than: a lower bound",
    Qualifier.at_most: "at most: an upper bound",
    Qualifier.fewer_than: "fewer than: an upper bound",
}


@dataclass(frozen=True)
class Caption:
    """What an image must say about itself.

    `sources` are credits such as "OHCHR via Reuters" (see `chart_credits`);
    `qualifier_legend` lines explain the marks the chart uses (see `qualifier_legend`).
    """

    title: str
    as_of: date | None
    sources: Sequence[str]
    qualifier_legend: Sequence[str] = field(default_factory=tuple)
    note: str | None = None


def qualifier_legend(qualifiers: Iterable[str]) -> list[str]:
    """One line per qualifier the chart shows, in the vocabulary's order."""
    present = set(qualifiers)
    return [text for q, text in QUALIFIER_MEANINGS.items() if q.value in present]


def source_line(sources: Sequence[str], *, limit: int = 6) -> str:
    """ "Source: OHCHR via Reuters, UNHCR via AP and 3 more; compiled with Claims Tracker"."""
    shown = list(dict.fromkeys(s for s in sources if s))[:limit]
    rest = len(set(sources)) - len(shown)
    text = ", ".join(shown) if shown else "see the claims table"
    if rest > 0:
        text += f" and {rest} more"
    return f"Source: {text}; compiled with {PROJECT_NAME}"


def chart_credits(engine: Engine, f: ClaimFilter) -> list[str]:
    """ "Claimant via publisher" for the filtered claims, most used first (one GROUP BY)."""
    claimant = func.coalesce(Claimant.short_name, Claimant.name)
    with read_session(engine) as session:
        rows = session.execute(
            select(claimant, Source.publisher, func.count(Claim.id))
            .join(Claimant, Claimant.id == Claim.claimant_id)
            .join(Source, Source.id == Claim.source_id)
            .where(where(f))
            .group_by(claimant, Source.publisher)
            .order_by(func.count(Claim.id).desc(), claimant, Source.publisher)
        ).all()
    return [f"{who} via {publisher}" for who, publisher, _ in rows]


def _wrap(text: str, width_px: int) -> list[str]:
    return textwrap.wrap(text, width=max(40, width_px // 7)) or [""]


def captioned(fig: go.Figure, caption: Caption, *, width: int, height: int) -> go.Figure:
    """A copy of `fig` with the title, as-of date, qualifier legend and source line drawn in."""
    out = go.Figure(fig)
    subtitle = f"as of {caption.as_of.isoformat()}" if caption.as_of else "no figures"
    out.update_layout(
        title={
            "text": html.escape(caption.title, quote=False),
            "subtitle": {"text": html.escape(subtitle, quote=False)},
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
        },
        width=width,
        height=height,
    )
    lines: list[str] = []
    for text in (*caption.qualifier_legend, caption.note or ""):
        if text:
            lines += _wrap(text, width)
    lines += _wrap(source_line(caption.sources), width)
    margin_top = out.layout.margin.t if out.layout.margin.t is not None else 90
    bottom = 60 + LINE_HEIGHT * len(lines)
    out.update_layout(margin={"b": bottom, "t": max(margin_top, 90)})
    out.add_annotation(
        text="<br>".join(html.escape(line, quote=False) for line in lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-45,
        align="left",
        showarrow=False,
        font={"size": 12},
    )
    return out


def find_browser() -> str:
    """The Chromium to render with: BROWSER_PATH if set, else the system one."""
    named = os.environ.get("BROWSER_PATH", "").strip()
    if named:
        if os.path.isfile(named) and os.access(named, os.X_OK):
            return named
        raise TrackerError(f"BROWSER_PATH={named} is not an executable file; {INSTALL_HINT}")
    for candidate in BROWSER_CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise TrackerError(INSTALL_HINT)


async def _render(figure: dict[str, Any], options: list[dict[str, Any]], browser: str):  # noqa: ANN202
    import kaleido

    async with kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=browser) as k:
        return [await k.calc_fig(figure, opts=o) for o in options]


def _run(coro: Any) -> Any:
    """Run a coroutine to the end, also from a thread that already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed to the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def chart_images(
    fig: go.Figure,
    caption: Caption,
    formats: Sequence[str] = FORMATS,
    *,
    width: int = 1000,
    height: int = 600,
    scale: float = 1,
) -> dict[str, bytes]:
    """The captioned chart as image bytes by format ("png", "svg"), one browser start for all.

    The layout is `width` by `height` CSS pixels; a PNG has `scale` times as many pixels
    each way (scale 2 for sharp images on high-density screens and in print).
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise TrackerError(f"unknown image format {unknown[0]!r}; choose png or svg")
    browser = find_browser()
    figure = captioned(fig, caption, width=width, height=height).to_dict()
    options = [{"format": f, "width": width, "height": height, "scale": scale} for f in formats]
    try:
        images = _run(_render(figure, options, browser))
    except TrackerError:
        raise
    except Exception as exc:  # the browser failed to start or to render
        raise TrackerError(f"Chromium ({browser}) could not draw the chart: {exc}") from exc
    return dict(zip(formats, images, strict=True))


def chart_image(fig: go.Figure, caption: Caption, fmt: str = "png", **size: Any) -> bytes:
    """One captioned image; see `chart_images`."""
    return chart_images(fig, caption, (fmt,), **size)[fmt]
