"""Logging in and out, the menu each role sees, and refusals for those not allowed."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.curation_support import ACCOUNTS, PASSWORD, errors, warnings
from tracker.store.accounts import disable_user
from tracker.store.db import make_engine, write_session
from tracker.store.write import SYSTEM

pytestmark = pytest.mark.usefixtures("cheap_hashes")
LOGIN = "views/login.py"
CURATION_VIEWS = [
    "views/add_source.py",
    "views/add_claims.py",
    "views/edit_claim.py",
    "views/edit_source.py",
    "views/import_files.py",
    "views/history.py",
    "views/review.py",
    "views/accounts.py",
]


def _menus() -> None:
    import streamlit as st

    from dashboard.navigation import pages_for, visible_titles
    from tracker.domain.vocab import Role

    for role in Role:
        st.text(f"{role.value}: {visible_titles(pages_for(role))}")


def test_curation_pages_join_the_menu_only_for_those_allowed():
    at = AppTest.from_function(_menus, default_timeout=60).run()
    assert not at.exception
    readers = "'': ['Figures', 'Claims', 'Sources', 'Checks', 'About']"
    curation = "'Add source', 'Inbox', 'Add claims', 'Review'"
    assert [t.value for t in at.text] == [
        f"viewer: {{{readers}, 'Account': ['Log in']}}",
        f"curator: {{{readers}, 'Curation': [{curation}, 'History'], 'Account': ['Account']}}",
        f"editor: {{{readers}, 'Curation': [{curation}, 'Import files', 'History'], "
        "'Account': ['Account']}",
        f"admin: {{{readers}, 'Curation': [{curation}, 'Import files', 'History', 'Accounts'], "
        "'Account': ['Account']}",
    ]


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def nothing_shows(at: AppTest, secret: str) -> None:
    """No message, text or caption repeats the password."""
    kinds = ("error", "warning", "markdown", "caption", "text", "success")
    shown = [e.value for kind in kinds for e in at.get(kind)]
    assert shown and not [s for s in shown if secret in str(s)]


def test_a_curator_logs_in_and_sees_the_curation_pages(open_as, curation_db):
    url, _ = curation_db
    at = open_as(url, None, LOGIN)
    assert at.title[0].value == "Log in"
    log_in(at, "Cora", PASSWORD)
    assert not at.exception
    assert at.session_state["user"] == "cora"
    assert at.session_state["role"] == "curator"
    assert at.title[0].value == "Account"
    assert "Logged in as **cora** (curator)." in [m.value for m in at.markdown]
    nothing_shows(at, PASSWORD)
    at.switch_page("views/add_claims.py").run()
    assert not at.exception
    assert at.title[0].value == "Add claims"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = log_in(open_as(url, None, LOGIN), "cora", "not the password at all")
    assert errors(at) == ["Wrong name or password."]
    assert at.session_state["user"] is None
    nothing_shows(at, "not the password at all")
    at = log_in(at, "nobody", PASSWORD)  # a name with no account: the same words
    assert errors(at) == ["Wrong name or password."]


def test_repeated_failed_logins_are_slowed_down(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = open_as(url, None, LOGIN)
    for _ in range(2):
        log_in(at, "cora", "wrong password, sorry")
        assert errors(at) == ["Wrong name or password."]
    log_in(at, "cora", "wrong password, sorry")
    assert errors(at) == [
        "Wrong name or password; too many failed attempts; try again in 30 seconds."
    ]
    log_in(at, "cora", PASSWORD)  # the right password waits too
    assert at.session_state["user"] is None
    [message] = errors(at)
    assert message.startswith("Too many failed attempts; try again in ")


def test_an_empty_login_form_asks_for_both_fields(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = log_in(open_as(url, None, LOGIN), "cora", "")
    assert errors(at) == ["Give your account name and password."]


def test_logging_out_forgets_the_account_and_the_draft(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "cora", "views/add_claims.py", source=str(source_id))
    at.text_area(key="entry.quote").input("a draft quote").run()
    at.button(key="account.logout").click().run()
    assert not at.exception
    assert at.session_state["user"] is None and at.session_state["role"] == "viewer"
    assert "entry.quote" not in at.session_state
    assert "Log in as a curator to add claims." in warnings(at)


@pytest.mark.parametrize("view", CURATION_VIEWS)
def test_a_viewer_opening_a_curation_page_is_refused_not_shown_the_form(
    open_as, curation_sqlite, view
):
    url, source_id = curation_sqlite
    at = open_as(url, None, view, source=str(source_id), claim="1")
    assert not at.exception
    [warning] = at.warning
    assert warning.value.startswith("Log in as a")
    # The only fields are the login form's, drawn right there: none of the page's own.
    assert [w.label for w in at.text_input] == ["Account name", "Password"]
    assert {w.form_id for w in at.text_input} == {"login.here"}
    assert not at.text_area and [b.label for b in at.button] == ["Log in"]


def test_a_curator_opening_the_import_page_is_refused(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = open_as(url, "cora", "views/import_files.py")
    assert errors(at) == ["Your account is a curator: only an editor or above can import files."]
    assert not at.file_uploader


def test_an_account_disabled_mid_session_is_logged_out_at_once(open_as, curation_sqlite):
    url, source_id = curation_sqlite
    at = open_as(url, "cora", "views/add_claims.py", source=str(source_id))
    assert at.title[0].value == "Add claims"
    engine = make_engine(url)
    with write_session(engine) as session:
        disable_user(session, SYSTEM, "cora", reason="left the newsroom")
    engine.dispose()
    at.run()
    assert at.session_state["user"] is None
    assert any("disabled or no longer exists" in w for w in warnings(at))
    assert not at.text_area  # the form is gone with the account


def test_an_account_promoted_mid_session_gets_its_new_pages(open_as, curation_sqlite):
    from sqlmodel import select

    from tracker.domain.models import User

    url, _ = curation_sqlite
    at = open_as(url, "cora", "views/import_files.py")
    assert errors(at)
    engine = make_engine(url)
    with write_session(engine) as session:
        session.exec(select(User).where(User.name == "cora")).one().role = "editor"
    engine.dispose()
    at.run()
    assert at.session_state["role"] == "editor"
    assert at.file_uploader


def test_every_account_in_the_fixture_can_log_in(open_as, curation_sqlite):
    url, _ = curation_sqlite
    for name, role in ACCOUNTS.items():
        at = log_in(open_as(url, None, LOGIN), name, PASSWORD)
        assert (at.session_state["user"], at.session_state["role"]) == (name, role.value)
