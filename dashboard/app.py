"""Dashboard entry point (the full app lands with the dashboard issue)."""

import streamlit as st

from tracker.db import default_engine
from tracker.queries import totals

st.set_page_config(page_title="Claims Tracker", layout="wide")
st.title("Claims Tracker")
t = totals(default_engine())
st.write(f"{t['claims']} claims from {t['sources']} sources by {t['claimants']} claimants.")
