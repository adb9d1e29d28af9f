"""Accounts in the app (admins): add, disable, enable, change role, with the CLI's rules."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.curation_support import PASSWORD, errors, errors_after, successes
from tracker import curation
from tracker.domain.models import Revision, User
from tracker.store.db import make_engine, read_session

pytestmark = pytest.mark.usefixtures("cheap_hashes")
ACCOUNTS = "views/accounts.py"


def user_row(url: str, name: str) -> User | None:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            return s.exec(select(User).where(User.name == name)).first()
    finally:
        engine.dispose()


def test_only_admins_see_the_accounts_page(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = open_as(url, "eddie", ACCOUNTS)
    assert errors(at) == ["Your account is an editor: only an admin or above can manage accounts."]
    assert not at.text_input


def test_an_admin_adds_an_account_with_the_clis_rules(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = open_as(url, "ada", ACCOUNTS)
    at.text_input(key="accounts.add.name").input("Dana")
    at.selectbox(key="accounts.add.role").set_value("editor")
    at.text_input(key="accounts.add.password").input("short")
    at.text_input(key="accounts.add.again").input("short")
    at.button(key="accounts.add.go").click().run()
    assert errors_after(at, "accounts.add.password")[0].startswith("Password: ")
    assert user_row(url, "dana") is None
    at.text_input(key="accounts.add.password").input("a long enough passphrase")
    at.text_input(key="accounts.add.again").input("a long enough passphrase")
    at.button(key="accounts.add.go").click().run()
    assert not at.exception
    assert successes(at) == ["Added the account dana (editor)."]
    assert user_row(url, "dana").role == "editor"
    assert at.text_input(key="accounts.add.password").value == ""  # never kept


def test_an_admin_disables_enables_and_changes_a_role_each_with_a_reason(open_as, curation_sqlite):
    url, _ = curation_sqlite
    engine = make_engine(url)
    token = curation.start_login(engine, curation.log_in(engine, "cora", PASSWORD)).token
    at = open_as(url, "ada", ACCOUNTS)
    at.selectbox(key="accounts.change.name").set_value("cora")
    at.radio(key="accounts.change.action").set_value("disable")
    at.button(key="accounts.change.go").click().run()
    assert errors_after(at, "accounts.change.reason") == [
        "Reason for the change: say why this change is made"
    ]
    at.text_input(key="accounts.change.reason").input("left the newsroom")
    at.button(key="accounts.change.go").click().run()
    assert successes(at) == ["Account cora: disabled. Why: left the newsroom"]
    assert user_row(url, "cora").disabled
    assert curation.resume_login(engine, token) is None  # logged out everywhere
    at.radio(key="accounts.change.action").set_value("enable")
    at.text_input(key="accounts.change.reason").input("back from leave")
    at.button(key="accounts.change.go").click().run()
    assert not user_row(url, "cora").disabled
    at.radio(key="accounts.change.action").set_value("role").run()
    at.selectbox(key="accounts.change.role").set_value("editor")
    at.text_input(key="accounts.change.reason").input("reviews the desk")
    at.button(key="accounts.change.go").click().run()
    assert successes(at) == ["Account cora: now editor. Why: reviews the desk"]
    assert user_row(url, "cora").role == "editor"
    with read_session(engine) as s:
        actions = s.exec(
            select(Revision.action).where(Revision.entity == "user").order_by(Revision.id)
        ).all()
    engine.dispose()
    assert actions[-3:] == ["disable", "enable", "role"]


def test_an_admin_cannot_disable_their_own_account(open_as, curation_sqlite):
    url, _ = curation_sqlite
    at = open_as(url, "ada", ACCOUNTS)
    at.selectbox(key="accounts.change.name").set_value("ada")
    at.radio(key="accounts.change.action").set_value("disable")
    at.text_input(key="accounts.change.reason").input("testing")
    at.button(key="accounts.change.go").click().run()
    assert any("cannot disable your own account" in e for e in errors(at))
    assert not user_row(url, "ada").disabled
