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
from tracker.sharing.charts import key_size
from tracker.sharing.citations import format_day
from tracker.store.db import read_session

#: Debian's Chromium first (the browser tests use the same), then the usual names on PATH.
BROWSER_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = (
    "chart images need Chromium, and none was found: install it "
    "(Debian/Ubuntu: `apt-get install chromium`) or set BROWSER_PATH to a Chrome or "
    "Chromium executable"
)
FORMATS = ("png", "svg")
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


# The image's own type: a metric-compatible stand-in for Arial ships with every Debian
# Chromium (fonts-liberation), so the widths below hold wherever the image is drawn.
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 13
CAPTION_SIZE = 12
PAD = 12  # CSS px kept clear of ink on every side of the canvas
# Widths per character at those sizes, rounded up from Liberation Sans's metrics: digits
# are 0.556 em, the widest capitals 0.94 em; text wraps and margins are sized on these.
DIGIT_EM, TEXT_EM = 0.56, 0.6
TITLE_SIZE, SUBTITLE_SIZE = 20, 14
TITLE_BLOCK = 100  # px from the top to the plot: title, subtitle, y axis name, a gap
XTICK_BLOCK = 52  # px under the plot: the date labels (two lines for days) and a gap
LEGEND_ROW = 24  # px per entry of the key, with the gap between groups
LEGEND_WIDTH_MAX = 0.34  # of the image's width; longer names are shortened with "…"


def _wrap(text: str, width_px: float, size: int = CAPTION_SIZE) -> list[str]:
    return textwrap.wrap(text, width=max(30, int(width_px / (size * TEXT_EM)))) or [""]


def _shorten(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _y_label_width(fig: go.Figure) -> float:
    """The widest y tick label the axis can draw: ticks never exceed the range's top,
    which is at most a fifth above the largest figure, written in full with commas."""
    top = 1
    for trace in fig.data:
        for values in (getattr(trace, "y", None), getattr(trace, "base", None)):
            if values is None:
                continue
            for v in values:
                if v is not None and v == v:
                    top = max(top, abs(float(v)))
        error = getattr(trace, "error_y", None)
        if error is not None and error.array is not None and trace.y is not None:
            for v, e in zip(trace.y, error.array, strict=False):
                if v is not None and v == v and e is not None:
                    top = max(top, float(v) + float(e))
    label = f"{int(top * 1.2) + 1:,}"
    return len(label) * FONT_SIZE * DIGIT_EM


def captioned(fig: go.Figure, caption: Caption, *, width: int, height: int) -> go.Figure:
    """A copy of `fig` laid out for print: the title and as-of date above, the key beside
    the plot, what the qualifiers mean and the source line below, every text inside the
    canvas with PAD px to spare and none over another.

    The margins are computed, not left to plotly's automatic ones (which let a y label
    run off the left edge and a horizontal key sit on the caption): the left one from the
    widest figure the axis can show, the bottom one from the caption's wrapped lines, the
    right one from the key's longest name. A key longer than the plot is tall makes the
    image taller rather than cut entries off."""
    out = go.Figure(fig)
    rows, longest, _ = key_size(out)
    legend_chars = int(width * LEGEND_WIDTH_MAX / (FONT_SIZE * TEXT_EM)) - 6
    for trace in out.data:
        if trace.showlegend is not False and trace.name:
            trace.name = html.escape(
                _shorten(html.unescape(str(trace.name)), legend_chars), quote=False
            )
    right = PAD + 50 + min(longest, legend_chars) * FONT_SIZE * TEXT_EM if rows else PAD + 20
    # The y axis's name sits above the plot, left-aligned and level (as newsroom charts
    # put it): a rotated title is placed by plotly from guessed label widths and can
    # reach the edge of the canvas.
    y_title = out.layout.yaxis.title.text or ""
    out.update_yaxes(title={"text": ""})
    left = PAD + _y_label_width(out) + 14
    lines: list[str] = []
    for text in (*caption.qualifier_legend, caption.note or ""):
        if text:
            lines += _wrap(text, width - left - PAD)
    lines += _wrap(source_line(caption.sources), width - left - PAD)
    bottom = XTICK_BLOCK + int(CAPTION_SIZE * 1.35 * len(lines)) + PAD + 6
    plot_height = height - TITLE_BLOCK - bottom
    needed = rows * LEGEND_ROW + 10
    if needed > plot_height:
        height += needed - plot_height
        plot_height = needed
    subtitle = f"as of {format_day(caption.as_of)}" if caption.as_of else "no figures"
    out.update_layout(
        title={
            "text": html.escape(caption.title, quote=False),
            "subtitle": {
                "text": html.escape(subtitle, quote=False),
                "font": {"size": SUBTITLE_SIZE, "color": "#444444"},
            },
            "font": {"size": TITLE_SIZE},
            "x": PAD / width,
            "xref": "container",
            "xanchor": "left",
            "y": 1 - PAD / height,
            "yref": "container",
            "yanchor": "top",
        },
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": "#222222"},
        width=width,
        height=height,
        margin={"l": left, "r": right, "t": TITLE_BLOCK, "b": bottom, "autoexpand": False},
        legend={
            "orientation": "v",
            "x": 1.02,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "font": {"size": FONT_SIZE},
            "bgcolor": "rgba(0,0,0,0)",
            "tracegroupgap": 4,
            "itemsizing": "constant",
        },
        showlegend=rows > 0,
    )
    several = sum(1 for name in out.layout if name.startswith("xaxis")) > 1
    if y_title and several:
        # Small charts carry their names above them: the axis's name goes with the date.
        subtitle = f"{subtitle} · {html.unescape(y_title)}"
        out.layout.title.subtitle.text = html.escape(subtitle, quote=False)
    elif y_title:
        # The title is already escaped as the chart's axis title.
        _left_edge_note(
            out, y_title, top=True, font=(FONT_SIZE, "#444444"), xshift=-(left - PAD), yshift=6
        )
    out.update_xaxes(automargin=False)
    out.update_yaxes(automargin=False)
    caption = "<br>".join(html.escape(line, quote=False) for line in lines)
    _left_edge_note(
        out, caption, top=False, font=(CAPTION_SIZE, "#333333"), yshift=-XTICK_BLOCK, align="left"
    )
    return out


def _left_edge_note(
    figure: Any, text: str, *, top: bool, font: tuple[int, str], **placing: Any
) -> None:
    """Text from the plot area's left edge, above its top or below its bottom; `placing`
    shifts or aligns it."""
    size, color = font
    figure.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=1 if top else 0,
        xanchor="left",
        yanchor="bottom" if top else "top",
        showarrow=False,
        font={"size": size, "color": color},
        **placing,
    )


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
