"""The login cookie: a login lasts through reloads, new tabs and shared links.

`tracker.store.sessions` makes the token and keeps its hash; this module keeps the token in a
cookie. Streamlit reads cookies (`st.context.cookies`, those sent when the tab connected)
but cannot set them, so the cookie is written by extra-streamlit-components'
CookieManager (a small, maintained component, rather than hand-written JavaScript). The
cookie is SameSite=Lax (sent when a colleague's link is opened, not with other sites'
requests), Secure when the app is served over https, and expires with the login.

Each run, a tab without a login looks for the cookie and resumes its login; a tab with one
checks it is still valid (`forms.refresh_account`), so that logging out in one tab,
disabling the account or changing its password or role ends it everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from dashboard import state
from tracker import curation
from tracker.core.errors import DatabaseUnavailable
from tracker.store.sessions import Started

COOKIE = "tracker_login"
TOKEN = "login.token"  # this tab's login token (also in the cookie)
EXPIRES = "login.expires"
WRITTEN = "login.cookie_written"  # the token the browser confirmed keeping
FORGET = "login.cookie_forget"  # logged out: the cookie is to be removed
REFUSED = "login.cookie_refused"  # a cookie's token found invalid: not looked up again
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser behind this run (a bare or test run)
        return None
    return token if isinstance(token, str) and token else None


def remember(started: Started) -> None:
    """A login made in this tab: keep its token, to be written to the cookie."""
    st.session_state[TOKEN] = started.token
    st.session_state[EXPIRES] = started.expires_at
    st.session_state.pop(FORGET, None)


def token() -> str | None:
    return st.session_state.get(TOKEN)


def restore(engine) -> None:  # noqa: ANN001
    """A tab opened without a login (a reload, a new tab, a link) resumes the cookie's."""
    if state.current_user():
        return
    found = cookie_token()
    if not found or found == st.session_state.get(REFUSED) or st.session_state.get(FORGET):
        return
    try:
        actor = curation.resume_login(engine, found)
    except DatabaseUnavailable:
        return  # the page says what is wrong with the database
    if actor is None:
        st.session_state[REFUSED] = found
        return
    state.log_in(actor.name, actor.role)
    st.session_state[TOKEN] = found
    st.session_state[WRITTEN] = found  # the browser holds it already


def forget() -> None:
    """Logged out: the token is dropped here and the cookie removed at the next `sync`."""
    for key in (TOKEN, EXPIRES, WRITTEN):
        st.session_state.pop(key, None)
    st.session_state[FORGET] = True
    st.session_state[REFUSED] = cookie_token()


def sync() -> None:
    """Write or remove the cookie when this tab's login changed. The component is drawn
    (hidden) only then: until the browser reports the cookie written, after a login; for
    the rest of the tab's life, after a logout (its removal runs once)."""
    import extra_streamlit_components as stx

    current = st.session_state.get(TOKEN)
    if current and current != st.session_state.get(WRITTEN):
        manager = stx.CookieManager(key="login.cookies")
        if manager.cookies.get(COOKIE) == current:
            st.session_state[WRITTEN] = current
            return
        manager.set(
            COOKIE,
            current,
            key=f"login.cookie.set.{current[:8]}",
            expires_at=st.session_state.get(EXPIRES),
            secure=_https(),
            same_site="lax",
        )
    elif not current and st.session_state.get(FORGET):
        manager = stx.CookieManager(key="login.cookies")
        manager.set(
            COOKIE,
            "",
            key="login.cookie.forget",
            expires_at=_EPOCH,
            secure=_https(),
            same_site="lax",
        )


def _https() -> bool:
    try:
        return (st.context.url or "").startswith("https://")
    except Exception:  # noqa: BLE001 - no browser behind this run
        return False
