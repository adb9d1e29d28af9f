"""Access control through the app, for every write page: anonymous readers, viewer accounts
and disabled accounts neither see the page in their menu nor get its form by opening its
address; a role forged in the session is put right from the database; a curator cannot
correct a claim once an editor reviewed it (another's or her own), nor review at all.

The library refuses all of these anyway (tests/test_store.py); these tests show that the
app never offers them. Users are managed with `tracker user` (admins only, see
tests/test_cli_users.py): no page of the app manages accounts, for any role.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.curation_support import PASSWORD, counts, errors, warnings
from tracker import curation
from tracker.core.errors import PermissionDenied
from tracker.domain.schemas import ClaimIn
from tracker.domain.vocab import Role
from tracker.store import accounts
from tracker.store.db import make_engine, write_session
from tracker.store.write import SYSTEM

pytestmark = pytest.mark.usefixtures("cheap_hashes")

#: The pages that write (and History, which shows curators' work), with their menu titles.
WRITE_PAGES = {
    "views/add_source.py": "Add source",
    "views/inbox.py": "Inbox",
    "views/add_claims.py": "Add claims",
    "views/edit_claim.py": "Correct a claim",
    "views/edit_source.py": "Correct a source",
    "views/import_files.py": "Import files",
    "views/history.py": "History",
}
CLAIM = {
    "metric": "civilian_killed",
    "value": 7199,
    "claimant": "example_monitor",
    "place": "UA",
    "period_start": "2022-02-24",
    "period_end": "2023-02-13",
    "quote": "it had recorded 7,199 civilian deaths",
}


def _menu_of(role: str) -> None:
    import streamlit as st

    from dashboard.navigation import pages_for, visible_titles
    from tracker.domain.vocab import Role

    menu = visible_titles(pages_for(Role(role)))
    st.text(" ".join(title for titles in menu.values() for title in titles))
    for pages in pages_for(Role(role)).values():
        for page in pages:
            st.text(f"page {page.url_path or 'figures'} {page.title}")


def menu(at) -> str:  # noqa: ANN001
    """The menu titles the app builds for this session's role (as `app.py` does)."""
    return menu_of(at.session_state["role"])[0]


def menu_of(role: str) -> list[str]:
    """The menu's visible titles, then a line per registered page (shown or hidden)."""
    at = AppTest.from_function(_menu_of, args=(role,), default_timeout=60).run()
    assert not at.exception
    return [t.value for t in at.text]


def refused_without_a_form(at, view: str) -> None:  # noqa: ANN001
    """Refused, and none of the page's own fields drawn: only the login form, which lets a
    colleague's shared link be opened after logging in (its fields are in `login.here`)."""
    assert not at.exception, view
    assert all(w.form_id == "login.here" for w in at.text_input), view
    assert not at.text_area and not at.file_uploader, view
    assert not [b for b in at.button if b.key != "account.logout" and b.form_id != "login.here"], (
        view
    )
    assert not at.dataframe, view
    [refusal] = warnings(at)[-1:] or errors(at)[-1:]
    assert refusal.startswith(("Log in as a", "Your account is")), (view, refusal)


def add_account(url: str, name: str, role: str, *, disabled: bool = False) -> None:
    engine = make_engine(url)
    with write_session(engine) as session:
        accounts.create_user(session, SYSTEM, name, role, PASSWORD)
        if disabled:
            accounts.disable_user(session, SYSTEM, name, reason="left the newsroom")
    engine.dispose()


@pytest.mark.parametrize("who", ["anonymous", "vanished account", "disabled curator"])
def test_those_who_may_not_write_neither_see_nor_open_a_write_page(open_as, curation_sqlite, who):
    url, source_id = curation_sqlite
    add_account(url, "dora", "curator", disabled=True)
    before = counts(url)
    user, role = {
        "anonymous": (None, "viewer"),
        "vanished account": ("vera", "curator"),  # a name with no account (any more)
        "disabled curator": ("dora", "curator"),
    }[who]
    for view, title in WRITE_PAGES.items():
        at = open_as(url, None, None, source=str(source_id), claim="1")
        if user:  # as the login form leaves the session (the account was fine then)
            at.session_state["user"], at.session_state["role"] = user, role
        at.switch_page(view).run()
        refused_without_a_form(at, view)
        assert at.session_state["role"] == "viewer", view
        assert title not in menu(at), view
        if user:
            assert at.session_state["user"] is None  # logged out at once
            assert any("disabled or no longer exists" in w for w in warnings(at))
    assert counts(url) == before


def test_a_role_forged_in_the_session_is_put_right_from_the_database(open_as, curation_sqlite):
    """The session says admin; the account is a curator: the app believes the database."""
    url, _ = curation_sqlite
    at = open_as(url, "cora", None)
    at.session_state["role"] = "admin"
    at.switch_page("views/import_files.py").run()
    assert at.session_state["role"] == "curator"
    assert errors(at) == ["Your account is a curator: only an editor or above can import files."]
    assert not at.file_uploader
    assert "Import files" not in menu(at)


def enter_and_review(url: str, source_id: int) -> int:
    """A claim cora entered, corroborated by eddie (an editor)."""
    engine = make_engine(url)
    claim_id = curation.add_claim(engine, "cora", source_id, ClaimIn.model_validate(CLAIM))
    curation.review_claim(
        engine, "eddie", claim_id, "corroborated", reason="matches the report", expected_version=1
    )
    engine.dispose()
    return claim_id


@pytest.mark.parametrize("curator", ["cora", "carl"], ids=["her-own", "another-s"])
def test_a_curator_cannot_correct_a_reviewed_claim_through_the_form(
    open_as, curation_sqlite, curator
):
    url, source_id = curation_sqlite
    claim_id = enter_and_review(url, source_id)
    before = counts(url)
    at = open_as(url, curator, "views/edit_claim.py", claim=str(claim_id))
    assert not at.exception
    assert warnings(at)[-1].startswith("You cannot correct this claim")
    assert not at.text_area and not [b for b in at.button if b.key == "edit_claim.save"]
    assert "Review" not in [s.value for s in at.subheader]  # nor review it
    engine = make_engine(url)
    with pytest.raises(PermissionDenied):  # and the library refuses it anyway
        curation.edit_claim(
            engine, curator, claim_id, {"value": 1}, expected_version=2, reason="because"
        )
    engine.dispose()
    assert counts(url) == before


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_only_admins_have_the_accounts_page_in_their_menu(role):
    """Accounts are managed by admins (the CLI's `tracker user`, or the Accounts page): the
    page is in the menu for admins only; for anyone else it is hidden, and refuses them
    itself (tests/test_dashboard_accounts.py), as the library does."""
    lines = menu_of(role)
    assert ("Accounts" in lines[0].split()) == (role == "admin")
    pages = [line for line in lines[1:] if line.startswith("page ")]
    assert len(pages) >= 12
    for line in pages:
        assert "user" not in line.lower(), line
