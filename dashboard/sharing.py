"""Handing a view on: its link, an embed for a newsroom's page, chart images that carry
their attribution, and the filtered claims in the formats colleagues already use.

Links are built from the address the reader's browser has (`st.context.url`) and the
page's own query parameters (`dashboard.state` keeps the filters there), so the link a
reader copies opens exactly what they see, wherever the app is deployed.

Chart images and exports are generated only when their button is clicked (a callable
`data` for `st.download_button`, run by Streamlit on the click, off the script's thread):
a rerun of the page pays for neither kaleido's browser start nor an export query.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode, urlsplit

import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard import widgets
from tracker.core.errors import TrackerError
from tracker.files.interchange import (
    FORMATS,
    MIME_TYPES,
    ExportMeta,
    build_export,
    download_name,
    filter_slug,
)
from tracker.read.filters import ClaimFilter
from tracker.sharing.chart_images import (
    Caption,
    chart_image,
    find_browser,
    qualifier_legend,
    source_line,
)
from tracker.sharing.citations import format_day

EMBED_PARAM = "embed"  # Streamlit's own: it also drops the app's header and toolbar
#: px: the chart, its caption and the link back without a scroll bar, measured in Chromium
#: at 900, 600 and 390 px wide (700 to 860 px of content; the longest source lines wrap
#: most on a phone).
EMBED_HEIGHT = 860
#: Chart images: the layout in CSS pixels, and the PNG's pixels per CSS pixel (2: sharp
#: on high-density screens and in print; the PNG is 2000 x 1200).
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1000, 600, 2
IMAGE_MIME = {"png": "image/png", "svg": "image/svg+xml"}
INSTALL_COMMAND = "apt-get install chromium"
EXPORT_LABELS = {
    "csv": "CSV",
    "excel": "CSV for Excel",
    "hxl": "HXL",
    "datapackage": "Data Package (zip)",
    "jsonld": "JSON-LD",
    "json": "JSON",
    "yaml": "YAML (zip)",
}


def is_embedded() -> bool:
    """Whether the page was opened with `?embed=true` (which `st.query_params` never
    shows: Streamlit keeps the parameter for itself)."""
    return bool(st.context.is_embedded)


# --- links ----------------------------------------------------------------------------------


def page_address() -> str:
    """The current page's address without its query, as the reader's browser has it; ""
    when unknown (a script run without a browser), which makes the links relative."""
    url = st.context.url or ""
    if url and not urlsplit(url).path:
        url += "/"  # http://host:8501/?claim=1, as browsers write it
    return url


def current_params() -> dict[str, list[str]]:
    """The page's query parameters as they are now (after `state.publish`)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def view_url(
    params: Mapping[str, Sequence[str]] | None = None,
    *,
    embed: bool = False,
    address: str | None = None,
) -> str:
    """The link to a view: `address` (the current page's) with `params` (the current ones)
    and, for the embed form, `embed=true`. Values are URL-encoded; repeated parameters
    stay repeated, as `state.load` reads them."""
    params = current_params() if params is None else params
    pairs = [(key, value) for key, values in params.items() for value in values]
    if embed:
        pairs.append((EMBED_PARAM, "true"))
    query = urlencode(pairs)
    base = page_address() if address is None else address
    return f"{base}?{query}" if query else (base or "./")


def iframe_snippet(src: str, title: str, height: int = EMBED_HEIGHT) -> str:
    """The HTML a newsroom pastes into its page. `title` names the frame for screen readers
    and comes from the data: it is escaped, as is the address."""
    return (
        f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" '
        f'height="{height}" style="border:0" loading="lazy"></iframe>'
    )


def link_and_embed(title: str) -> None:
    """ "Link to this view" and its embed form, each as text with a copy button."""
    st.caption("Link to this view: it opens these filters, as you see them now.")
    st.code(view_url(), language=None, wrap_lines=True)
    st.caption(
        "Embed: the chart with its caption, sources and a link back here, without the menu "
        "or the filters. Paste the HTML into your page, or use the address in your CMS's "
        "embed block."
    )
    embed = view_url(embed=True)
    st.code(iframe_snippet(embed, title), language="html", wrap_lines=True)
    st.code(embed, language=None, wrap_lines=True)


def claim_url(claim_key: str, address: str | None = None) -> str:
    """A claim's permalink (see `widgets.claim_url`)."""
    return widgets.claim_url(claim_key, address)


# --- the chart's caption ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChartCaption:
    """What travels with the chart, on the page, in the embed and in the images."""

    title: str
    as_of: date | None
    legend: list[str]
    credits: list[str]

    def image_caption(self) -> Caption:
        return Caption(
            title=self.title, as_of=self.as_of, sources=self.credits, qualifier_legend=self.legend
        )

    @property
    def as_of_text(self) -> str:
        return f"as of {format_day(self.as_of)}" if self.as_of else "no figures"

    @property
    def source_text(self) -> str:
        return source_line(self.credits)


def chart_caption(
    title: str, meta: ExportMeta, qualifiers: Sequence[str], credits: list[str]
) -> ChartCaption:
    """The caption of a chart of the claims `meta` describes: "as of" is the latest as-of
    date among them, the legend explains the qualifiers drawn."""
    return ChartCaption(
        title=title,
        as_of=meta.latest_as_of,
        legend=qualifier_legend(q for q in qualifiers if q),
        credits=credits,
    )


def caption_block(caption: ChartCaption) -> None:
    """The caption under an embedded chart: title and as-of date, the qualifiers, sources.
    All of it is data (claimant and outlet names): shown as text."""
    st.caption(widgets.md(f"{caption.title}, {caption.as_of_text}."))
    if caption.legend:
        st.caption(widgets.md("; ".join(caption.legend) + "."))
    st.caption(widgets.md(caption.source_text + "."))


# --- downloads ------------------------------------------------------------------------------


def image_downloads(
    figure: Callable[[], go.Figure], caption: ChartCaption, stem: str, key: str
) -> None:
    """PNG and SVG buttons whose images carry the caption. Without a Chromium to draw
    with, the reason and what to install, instead of buttons that would fail. `figure`
    builds the chart only when a button is clicked: a reader's rerun never pays for it."""
    try:
        find_browser()
    except TrackerError as exc:
        st.info(
            widgets.md(f"Chart images are not available here: {exc}.") + " On Debian or Ubuntu:",
            icon=":material/image_not_supported:",
        )
        st.code(INSTALL_COMMAND, language="bash")
        return
    image = caption.image_caption()
    st.caption(
        f"{IMAGE_WIDTH * IMAGE_SCALE} × {IMAGE_HEIGHT * IMAGE_SCALE} px PNG or SVG, with the "
        "title, the as-of date, what the qualifiers mean and the sources drawn in. Drawing "
        "takes a few seconds."
    )
    with st.container(horizontal=True):
        for fmt in ("png", "svg"):
            st.download_button(
                f"{fmt.upper()} image",
                data=_image_maker(figure, image, fmt),
                file_name=f"{stem}.{fmt}",
                mime=IMAGE_MIME[fmt],
                on_click="ignore",
                icon=":material/image:",
                key=f"{key}.{fmt}",
            )


def _image_maker(
    figure: Callable[[], go.Figure], caption: Caption, fmt: str
) -> Callable[[], bytes]:
    def make() -> bytes:
        return chart_image(
            figure(), caption, fmt, width=IMAGE_WIDTH, height=IMAGE_HEIGHT, scale=IMAGE_SCALE
        )

    return make


def image_stem(f: ClaimFilter, meta: ExportMeta) -> str:
    """`chart_civilian_killed_UA_cumulative_no-retracted_asof-2023-02-15`."""
    as_of = f"asof-{meta.latest_as_of.isoformat()}" if meta.latest_as_of else "no-claims"
    return f"chart_{filter_slug(f)}_{as_of}"


def export_downloads(engine: Engine, f: ClaimFilter, meta: ExportMeta, key: str) -> None:
    """One button per export format, for exactly the claims `f` selects (the same files as
    `tracker export --format ...` with this filter)."""
    st.caption(
        widgets.md(f"{meta.claims:,} {widgets.plural(meta.claims, 'claim')}.")
        + " Each file says when it was made, how current it is and which claims it holds; "
        "each claim carries its id, and its page is at ?claim=<id> on this site."
    )
    with st.container(horizontal=True):
        for fmt in FORMATS:
            st.download_button(
                EXPORT_LABELS[fmt],
                data=_export_maker(engine, fmt, f),
                file_name=download_name(fmt, meta),
                mime=MIME_TYPES[fmt],
                on_click="ignore",
                icon=":material/download:",
                key=f"{key}.{fmt}",
            )


def _export_maker(engine: Engine, fmt: str, f: ClaimFilter) -> Callable[[], bytes]:
    def make() -> bytes:
        return build_export(engine, fmt, f).data

    return make
