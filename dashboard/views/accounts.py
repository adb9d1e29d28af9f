"""Accounts (admins): add an account, disable or enable it, change its role, with the same
rules as `tracker user` (the library checks them: names, passwords of 12 characters or
more, no admin changing or disabling their own account, a reason kept for each change).
Disabling an account or changing its role ends its logins at once."""

import pandas as pd
import streamlit as st

from dashboard import forms
from tracker import curation
from tracker.core.errors import Problem
from tracker.domain.vocab import Role
from tracker.store.accounts import ACCOUNT_ROLES

ADD = "accounts.add"
CHANGE = "accounts.change"
ACTIONS = {"disable": "Disable", "enable": "Enable", "role": "Change role"}


def add(engine) -> None:  # noqa: ANN001
    ss = st.session_state
    password, again = ss.get(f"{ADD}.password") or "", ss.get(f"{ADD}.again") or ""
    if password != again:
        forms.refuse(ADD, [Problem("the two passwords differ", field="again")])
        for k in ("password", "again"):
            ss.pop(f"{ADD}.{k}", None)
            forms.feedback(ADD).refused_values.pop(f"{ADD}.{k}", None)
        return

    def act() -> str:
        name = curation.add_account(
            engine, forms.user(), ss.get(f"{ADD}.name") or "", ss.get(f"{ADD}.role"), password
        )
        return f"Added the account {name} ({ss.get(f'{ADD}.role')})."

    if forms.handle(ADD, act):
        for k in ("name", "password", "again"):
            ss.pop(f"{ADD}.{k}", None)
    else:
        # A password is never kept in the form; its problem stays shown until the next try.
        refused = forms.feedback(ADD).refused_values
        for k in ("password", "again"):
            ss.pop(f"{ADD}.{k}", None)
            refused.pop(f"{ADD}.{k}", None)


def change(engine) -> None:  # noqa: ANN001
    ss = st.session_state
    name, action = ss.get(f"{CHANGE}.name"), ss.get(f"{CHANGE}.action")
    role, reason = ss.get(f"{CHANGE}.role"), (ss.get(f"{CHANGE}.reason") or "").strip()
    if not name:
        forms.refuse(CHANGE, [Problem("choose an account", field="name")])
        return

    def act() -> str:
        curation.change_account(engine, forms.user(), name, action, reason=reason, role=role)
        done = {"disable": "disabled", "enable": "enabled", "role": f"now {role}"}[action]
        return f"Account {name}: {done}. Why: {reason}"

    if forms.handle(CHANGE, act):
        ss.pop(f"{CHANGE}.reason", None)


store = forms.store_for(Role.admin, "manage accounts")
st.title("Accounts")
st.caption(
    "Accounts are never deleted: their names stay in the history of what they changed. "
    "Disabling an account or changing its role logs it out everywhere."
)
users = curation.list_accounts(store.engine, forms.user())
st.dataframe(
    pd.DataFrame(
        {
            "Account": [u.name for u in users],
            "Role": [u.role for u in users],
            "Disabled": [u.disabled for u in users],
            "Created": [f"{u.created_at:%Y-%m-%d}" for u in users],
            "Failed logins": [u.failed_logins for u in users],
        }
    ),
    hide_index=True,
    width="stretch",
)

left, right = st.columns(2)
with left, st.container(border=True):
    st.subheader("Add an account")
    forms.saved_message(ADD)
    st.text_input("Account name", key=f"{ADD}.name", placeholder="lower case, e.g. cora")
    forms.field_errors(ADD, "name")
    st.selectbox("Role", [r.value for r in ACCOUNT_ROLES], key=f"{ADD}.role")
    forms.field_errors(ADD, "role")
    st.text_input("Password (12 characters or more)", type="password", key=f"{ADD}.password")
    forms.field_errors(ADD, "password")
    st.text_input("The password again", type="password", key=f"{ADD}.again")
    forms.field_errors(ADD, "again")
    forms.other_errors(ADD, {"name", "role", "password", "again"})
    st.button("Add account", key=f"{ADD}.go", on_click=add, args=(store.engine,), type="primary")

with right, st.container(border=True):
    st.subheader("Change an account")
    forms.saved_message(CHANGE)
    st.selectbox(
        "Account", [u.name for u in users], index=None, key=f"{CHANGE}.name", placeholder="Choose"
    )
    forms.field_errors(CHANGE, "name")
    st.radio(
        "Change", list(ACTIONS), format_func=ACTIONS.get, key=f"{CHANGE}.action", horizontal=True
    )
    if st.session_state.get(f"{CHANGE}.action") == "role":
        st.selectbox("New role", [r.value for r in ACCOUNT_ROLES], key=f"{CHANGE}.role")
        forms.field_errors(CHANGE, "role")
    st.text_input("Reason (kept in the history)", key=f"{CHANGE}.reason")
    forms.field_errors(CHANGE, "reason")
    forms.other_errors(CHANGE, {"name", "role", "reason"})
    st.button("Apply", key=f"{CHANGE}.go", on_click=change, args=(store.engine,), type="primary")
