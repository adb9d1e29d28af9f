"""Which war: the first question the Figures page asks. A newsroom's store holds several;
each opens on its own metric and place (data/conflicts.yaml), and `?conflict=<key>` links
to one."""

from __future__ import annotations

import streamlit as st

from dashboard import state


def picker(vocab: state.FilterChoices) -> str | None:
    """The conflict chooser, above the chart; None when the store names no conflict."""
    if not vocab.conflicts:
        return None
    keys = list(vocab.conflicts)
    st.segmented_control(
        "Which conflict?",
        options=keys,
        format_func=lambda k: vocab.conflicts[k],
        key=state.FIG_CONFLICT,
        on_change=state.conflict_changed,
        args=(vocab,),
        help="Each conflict opens on its own figures; the filters in the sidebar narrow them.",
    )
    return st.session_state.get(state.FIG_CONFLICT)
