"""Reading a chart image as a printer would: where its ink is, where each text sits.

The SVG is laid out by the same Chromium that drew it (Debian's, via Playwright): each
`<text>` element's box is what the browser measures, so a label cut off at the edge or
printed over another label shows as a box outside the canvas or two boxes that meet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageChops

from tests.browser_support import system_chromium

# Text boxes of each element, in the SVG's own pixels, with the classes of its groups
# (ytick, xtick, legendtext, annotation-text, gtitle) so a failure names what overlaps.
TEXT_BOXES_JS = """() => {
  const svg = document.querySelector('svg');
  const origin = svg.getBoundingClientRect();
  const out = [];
  for (const t of svg.querySelectorAll('text')) {
    const lines = t.querySelectorAll('tspan.line');
    const text = (lines.length ? Array.from(lines).map((l) => l.textContent).join(' ')
                               : t.textContent || '').trim();
    if (!text) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const kinds = [];
    for (let n = t; n && n !== svg; n = n.parentElement) {
      const c = n.getAttribute('class');
      if (c) kinds.push(c);
    }
    out.push({text, kinds: kinds.join(' < '),
              x0: r.left - origin.left, y0: r.top - origin.top,
              x1: r.right - origin.left, y1: r.bottom - origin.top});
  }
  return {width: origin.width, height: origin.height, boxes: out};
}"""


@dataclass(frozen=True)
class TextBox:
    text: str
    kinds: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: TextBox, slack: float = 1.0) -> bool:
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > slack
            and min(self.y1, other.y1) - max(self.y0, other.y0) > slack
        )


def svg_text_boxes(svg: bytes) -> tuple[float, float, list[TextBox]]:
    """The canvas's size and every non-empty text element's box, as Chromium lays it out."""
    with system_chromium() as browser:
        page = browser.new_page()
        page.set_content("<html><body style='margin:0'>" + svg.decode("utf-8") + "</body></html>")
        found = page.evaluate(TEXT_BOXES_JS)
    boxes = [TextBox(**b) for b in found["boxes"]]
    return found["width"], found["height"], boxes


def overlapping_texts(boxes: list[TextBox]) -> list[tuple[str, str]]:
    """Pairs of texts printed over each other, each named by its text and kind."""
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a.overlaps(b):
                pairs.append((f"{a.text!r} ({a.kinds})", f"{b.text!r} ({b.kinds})"))
    return pairs


def texts_outside(boxes: list[TextBox], width: float, height: float, pad: float) -> list[str]:
    """Texts not wholly inside the canvas less `pad` px on every side."""
    return [
        f"{b.text!r} ({b.kinds}) at {b.x0:.0f},{b.y0:.0f}-{b.x1:.0f},{b.y1:.0f}"
        for b in boxes
        if b.x0 < pad or b.y0 < pad or b.x1 > width - pad or b.y1 > height - pad
    ]


def ink_near_border(png: bytes, pad: int) -> list[str]:
    """Sides of the PNG with any non-background pixel within `pad` px of the edge."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    background = Image.new("RGB", image.size, image.getpixel((0, 0)))
    diff = ImageChops.difference(image, background).convert("L").point(lambda v: 255 * (v > 24))
    strips = {
        "left": (0, 0, pad, height),
        "right": (width - pad, 0, width, height),
        "top": (0, 0, width, pad),
        "bottom": (0, height - pad, width, height),
    }
    return [side for side, box in strips.items() if diff.crop(box).getbbox() is not None]
