"""Which pages a user sees. The list is built per run from the user's role, so that pages
for curators (entry forms, corrections, import, history) join the menu only for those who
may use them; the readers' pages are the same for everyone.

The curation pages are still registered, hidden, for everyone else: a viewer who opens
`/add-claims` from a bookmark then gets that page's refusal ("log in as a curator"), not
the Figures page with a puzzling "page not found". Each curation page checks the role
itself (`forms.require_role`), and the library refuses the write anyway.

Pages live in `dashboard/views/`, not `pages/`: a `pages/` folder beside the entry file
switches Streamlit's first run in a process to its older folder-based navigation, which
would run a deep-linked page without the entry file around it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tracker.domain.vocab import ROLE_RANK, Role

VIEWS = Path(__file__).resolve().parent / "views"
FIGURES = VIEWS / "figures.py"
CLAIMS = VIEWS / "claims.py"
SOURCES = VIEWS / "sources.py"
SOURCE = VIEWS / "source.py"
CHECKS = VIEWS / "checks.py"
ABOUT = VIEWS / "about.py"
LOGIN = VIEWS / "login.py"
ADD_SOURCE = VIEWS / "add_source.py"
ADD_CLAIMS = VIEWS / "add_claims.py"
EDIT_CLAIM = VIEWS / "edit_claim.py"
EDIT_SOURCE = VIEWS / "edit_source.py"
IMPORT = VIEWS / "import_files.py"
HISTORY = VIEWS / "history.py"
INBOX = VIEWS / "inbox.py"
REVIEW = VIEWS / "review.py"
ACCOUNTS = VIEWS / "accounts.py"

#: Curation pages: (file, title, icon, URL path, the least role that sees it in the menu).
#: The correction pages are reached from a claim's card or a source's page, never the menu.
CURATION_PAGES = (
    (ADD_SOURCE, "Add source", ":material/note_add:", "add-source", Role.curator),
    (INBOX, "Inbox", ":material/inbox:", "inbox", Role.curator),
    (ADD_CLAIMS, "Add claims", ":material/playlist_add:", "add-claims", Role.curator),
    (REVIEW, "Review", ":material/fact_check:", "review", Role.curator),
    (IMPORT, "Import files", ":material/upload_file:", "import", Role.editor),
    (HISTORY, "History", ":material/history:", "history", Role.curator),
    (ACCOUNTS, "Accounts", ":material/manage_accounts:", "accounts", Role.admin),
    (EDIT_CLAIM, "Correct a claim", ":material/edit:", "edit-claim", None),
    (EDIT_SOURCE, "Correct a source", ":material/edit_note:", "edit-source", None),
)


def reader_pages() -> list[st.Page]:
    return [
        st.Page(FIGURES, title="Figures", icon=":material/show_chart:", default=True),
        st.Page(CLAIMS, title="Claims", icon=":material/table_rows:", url_path="claims"),
        st.Page(SOURCES, title="Sources", icon=":material/article:", url_path="sources"),
        st.Page(
            SOURCE,
            title="Source",
            icon=":material/article:",
            url_path="source",
            visibility="hidden",
        ),
        st.Page(CHECKS, title="Checks", icon=":material/rule:", url_path="checks"),
        st.Page(ABOUT, title="About", icon=":material/info:", url_path="about"),
    ]


def pages_for(role: Role) -> dict[str, list[st.Page]]:
    """The menu for `role`, as sections of pages: the readers' pages for everyone, a
    "Curation" section with the pages this role may use, and "Account" (log in or out)."""
    role = Role(role)
    readers = reader_pages()
    curation = []
    for path, title, icon, url_path, least in CURATION_PAGES:
        shown = least is not None and ROLE_RANK[role] >= ROLE_RANK[least]
        page = st.Page(
            path,
            title=title,
            icon=icon,
            url_path=url_path,
            visibility="visible" if shown else "hidden",
        )
        # Hidden pages go with the readers' (no heading), so that a section of hidden
        # pages never shows an empty heading.
        (curation if shown else readers).append(page)
    sections: dict[str, list[st.Page]] = {"": readers}  # "": no heading
    if curation:
        sections["Curation"] = curation
    title = "Log in" if role == Role.viewer else "Account"
    sections["Account"] = [st.Page(LOGIN, title=title, icon=":material/login:", url_path="login")]
    return sections


def visible_titles(sections: dict[str, list[st.Page]]) -> dict[str, list[str]]:
    """The menu as a reader sees it: section -> titles of the pages shown (tests and docs)."""
    out = {}
    for section, pages in sections.items():
        titles = [p.title for p in pages if p.visibility == "visible"]
        if titles:
            out[section] = titles
    return out
