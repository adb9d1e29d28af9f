"""Log in and out. A login lasts through reloads, new tabs and links for its lifetime
(`dashboard.login_cookie`); the password goes straight to `tracker.store.accounts.authenticate`
and is never shown, kept or logged."""

import streamlit as st

from dashboard import forms, state, widgets
from dashboard.navigation import ADD_CLAIMS, ADD_SOURCE, HISTORY, IMPORT
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
    st.button("Log out", key="login.logout", on_click=forms.log_out, icon=":material/logout:")
    st.stop()

st.title("Log in")
st.caption(
    "Curators, editors and admins log in to add and correct claims. Reading needs no "
    "account. Accounts are made by an admin with `tracker user add`."
)
widgets.open_store()  # a database that cannot be opened is said before the form
forms.login_form("login.form")
