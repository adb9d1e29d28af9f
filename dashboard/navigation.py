"""Which pages a user sees. The list is built per run from the user's role, so that pages
for curators (entry forms, review) join the menu only for those who may use them; the
readers' pages are the same for everyone.

Pages live in `dashboard/views/`, not `pages/`: a `pages/` folder beside the entry file
switches Streamlit's first run in a process to its older folder-based navigation, which
would run a deep-linked page without the entry file around it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tracker.vocab import Role

VIEWS = Path(__file__).resolve().parent / "views"
FIGURES = VIEWS / "figures.py"
CLAIMS = VIEWS / "claims.py"
SOURCES = VIEWS / "sources.py"
CHECKS = VIEWS / "checks.py"
ABOUT = VIEWS / "about.py"


def reader_pages() -> list[st.Page]:
    return [
        st.Page(FIGURES, title="Figures", icon=":material/show_chart:", default=True),
        st.Page(CLAIMS, title="Claims", icon=":material/table_rows:", url_path="claims"),
        st.Page(SOURCES, title="Sources", icon=":material/article:", url_path="sources"),
        st.Page(CHECKS, title="Checks", icon=":material/rule:", url_path="checks"),
        st.Page(ABOUT, title="About", icon=":material/info:", url_path="about"),
    ]


def pages_for(role: Role) -> dict[str, list[st.Page]]:
    """The menu for `role`, as sections of pages. Viewers (no login) get the readers'
    pages; later issues add a "Curation" section for curators and above here."""
    sections: dict[str, list[st.Page]] = {"": reader_pages()}  # "": no heading
    return sections
