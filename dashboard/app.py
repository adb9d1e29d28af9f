"""Dashboard entry point: page settings, the menu for the current user, then the page.

A page opened with `?embed=true` (a newsroom's iframe) gets neither the menu nor the
account panel: an embed shows the chart, not the app around it.

`streamlit run dashboard/app.py` puts `dashboard/` on sys.path, not the project folder;
the project folder goes first here so that `tracker` and `dashboard` are imported from this
checkout (not from another installed copy), whichever way the app is started.
"""

import contextlib
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if sys.path[:1] != [ROOT]:
    # Moved to the front, not inserted again: a runner that puts `dashboard/` first on each
    # run (AppTest does) would otherwise add one more entry per run, slowing every import.
    sys.path[:] = [ROOT, *(entry for entry in sys.path if entry != ROOT)]

import streamlit as st  # noqa: E402

from dashboard import data, forms, login_cookie, sharing, state, widgets  # noqa: E402
from dashboard.navigation import pages_for  # noqa: E402
from tracker.core.config import database_url  # noqa: E402
from tracker.core.errors import DatabaseUnavailable  # noqa: E402
from tracker.files.synthetic import SYNTHETIC_WARNING, is_synthetic_loaded  # noqa: E402


@st.cache_data(show_spinner=False, max_entries=64)
def _synthetic_loaded(url: str, version: int) -> bool:
    """Keyed on the data version, like every cached query: a load or a reset shows at once."""
    return is_synthetic_loaded(data.engine(url))


def synthetic_banner() -> None:
    """On every page, embeds included, above everything else, while any synthetic source is
    stored: a fictional figure must never be screenshotted or embedded as a real one."""
    try:
        store = data.open_store()
    except DatabaseUnavailable:
        return  # the page itself says what is wrong with the database
    if _synthetic_loaded(store.url, store.version):
        st.warning(SYNTHETIC_WARNING, icon=":material/science:")


st.set_page_config(
    page_title="Claims Tracker",
    page_icon=":material/fact_check:",
    layout="wide",
    menu_items={"About": "Every figure with its claimant, period, quote and source."},
)
state.init()
with contextlib.suppress(DatabaseUnavailable):  # the page says what is wrong with it
    login_cookie.restore(data.engine(database_url()))
forms.refresh_account()
embedded = sharing.is_embedded()
page = st.navigation(pages_for(state.current_role()), position="hidden" if embedded else "sidebar")
synthetic_banner()
if not embedded:
    with st.sidebar:
        forms.account_panel()
        login_cookie.sync()
try:
    page.run()
except DatabaseUnavailable as exc:  # the database failed after the page opened it
    widgets.database_error(exc)
