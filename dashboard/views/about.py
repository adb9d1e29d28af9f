"""About: what the figures mean, where they come from and how to cite them."""

import streamlit as st

from dashboard import data
from tracker.core.errors import DatabaseUnavailable

st.title("About these figures")

try:
    totals = data.open_store().totals()
except DatabaseUnavailable:
    totals = None
if totals:
    st.caption(
        f"This database holds {totals['claims']:,} claims from {totals['sources']:,} sources "
        f"by {totals['claimants']:,} claimants."
    )

st.markdown(
    """
Wars are reported in figures: *"the U.N. human rights office has recorded 7,199 civilian
deaths since Feb. 24"*. Each figure here is a **claim**: one number that one **claimant** (a
UN office, a ministry, an army, a governor) asserted about one **place** and **period**, as
one **source** (an article, a report) published it, with the verbatim **quote**. The same
statement relayed by ten outlets is one statement with ten sources: the chart draws it once
and lists every source.

### Cumulative and per-period figures
- A **cumulative** figure counts from a fixed start (usually the day the war began: each
  conflict the tracker covers has its start date) to an **as-of** date. The Figures page draws a claimant's cumulative figures as a line
  over their as-of dates. The line only joins claims that exist: nothing is interpolated,
  and a jump or a drop is how the claimant restated its total, not smoothed away.
- A **per-period** figure counts one window: "over the past 24 hours", "in June". It is
  drawn as a bar spanning its period.
- Metrics are never added together: *civilians killed* is not *people killed*, and
  *casualties* means killed plus injured only where the claimant said so.

### Qualifiers
Claimants qualify their figures, and so does every chart, table and citation here:

| drawn as | the claimant said | read it as |
|---|---|---|
| ● circle | an exact figure | the figure as stated |
| ▲ up-triangle (hatched bar) | *at least*, *more than* | a lower bound: the true number is probably higher |
| ◆ diamond (dotted bar) | *about*, *around*, *nearly* | an approximation |
| ▼ down-triangle | *at most*, *up to*, *fewer than* | an upper bound |
| error bar | a range, *between 5 and 7* | the marker sits on the low end |

Monitors such as OHCHR publish only what they could verify one case at a time, and say
every time that the real figures are considerably higher. "At least 12" does not contradict
15; "about 8,000" does not contradict 7,950.

### Statuses
- **unverified**: recorded as reported; nobody has checked it against another source yet.
- **corroborated**: another independent source confirms it.
- **disputed**: there is a reason to doubt it (a wrong date label, a figure the claimant
  itself later contradicted); the reason is shown with the claim, and disputed points have
  a dark outline.
- **retracted**: withdrawn by the source or the claimant. Nothing is deleted: retracted
  claims are hidden from the chart unless you ask for them, then drawn grey.

Figures from a party to the conflict about its enemy's losses read differently from a
monitor's; the claimant is always named, so that you can judge.

### Where the data comes from
Every claim was entered from a public source, with its URL and the exact quote; the
Sources page lists them all, and a source's page shows every claim taken from it (and the
article's text with the quoted passages highlighted, where the text was kept). Only http
and https links are shown, and they open in a new tab.

### How to cite
Under the chart, each claimant's latest figure comes with a ready-to-paste line, e.g.

`OHCHR: 7,199 civilians killed in Ukraine, 24 Feb 2022 – 12 Feb 2023 (OHCHR, 13 Feb 2023, https://www.ohchr.org/...)`

Cite the claimant and the source, keep the qualifier and the as-of date, and link to the
article. Every view of this dashboard is a link: the filters are in the address bar, so the
link you copy opens exactly what you see. The Claims page downloads exactly the rows its
filters select, as CSV or JSON.
"""
)
