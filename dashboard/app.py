"""Dashboard entry point: page settings, the menu for the current user, then the page.

A page opened with `?embed=true` (a newsroom's iframe) gets neither the menu nor the
account panel: an embed shows the chart, not the app around it.

`streamlit run dashboard/app.py` puts `dashboard/` on sys.path, not the project folder;
the project folder goes first here so that `tracker` and `dashboard` are imported from this
checkout (not from another installed copy), whichever way the app is started.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if sys.path[:1] != [ROOT]:
    sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402

from dashboard import forms, sharing, state, widgets  # noqa: E402
from dashboard.navigation import pages_for  # noqa: E402
from tracker.errors import DatabaseUnavailable  # noqa: E402

st.set_page_config(
    page_title="Claims Tracker",
    page_icon=":material/fact_check:",
    layout="wide",
    menu_items={"About": "Every figure with its claimant, period, quote and source."},
)
state.init()
forms.refresh_account()
embedded = sharing.is_embedded()
page = st.navigation(pages_for(state.current_role()), position="hidden" if embedded else "sidebar")
if not embedded:
    with st.sidebar:
        forms.account_panel()
try:
    page.run()
except DatabaseUnavailable as exc:  # the database failed after the page opened it
    widgets.database_error(exc)
