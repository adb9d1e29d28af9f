"""Log in and out. The account is remembered for this browser session only; the password
goes straight to `tracker.store.accounts.authenticate` and is never shown, kept or logged."""

import streamlit as st

from dashboard import forms, state, widgets
from dashboard.navigation import ADD_CLAIMS, ADD_SOURCE, HISTORY, IMPORT
from tracker import curation
from tracker.core.errors import TrackerError
from tracker.domain.vocab import ROLE_RANK, Role

user = state.current_user()
if user:
    role = state.current_role()
    st.title("Account")
    st.markdown(f"Logged in as **{widgets.md(user)}** ({role.value}).")
    st.page_link(ADD_SOURCE, label="Add a source", icon=":material/note_add:")
    st.page_link(ADD_CLAIMS, label="Add claims to a source", icon=":material/playlist_add:")
    if ROLE_RANK[role] >= ROLE_RANK[Role.editor]:
        st.page_link(IMPORT, label="Import files", icon=":material/upload_file:")
    st.page_link(HISTORY, label="History of changes", icon=":material/history:")
    st.button("Log out", key="login.logout", on_click=state.log_out, icon=":material/logout:")
    st.stop()

st.title("Log in")
st.caption(
    "Curators, editors and admins log in to add and correct claims. Reading needs no "
    "account. Accounts are made by an admin with `tracker user add`."
)
store = widgets.open_store()
with st.form("login.form", clear_on_submit=True):
    name = st.text_input("Account name", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Log in", type="primary", icon=":material/login:")
if submitted:
    if not name.strip() or not password:
        st.error("Give your account name and password.", icon=":material/error:")
    else:
        try:
            actor = curation.log_in(store.engine, name, password)
        except TrackerError as exc:
            # A refused login's message never says which of the two was wrong, and never
            # contains the password; a back-off says how long to wait.
            message = str(exc)
            st.error(widgets.md(message[:1].upper() + message[1:] + "."), icon=":material/lock:")
        else:
            forms.clear_feedback(state.LOGIN)
            state.log_in(actor.name, actor.role)
            st.rerun()
