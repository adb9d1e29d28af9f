"""Which war: the first question the Figures page asks. A newsroom's store holds several;
each opens on its own metric and place (data/conflicts.yaml), and `?conflict=<key>` links
to one."""

from __future__ import annotations

import streamlit as st

from dashboard import state


def picker(vocab: state.Vocabulary) -> str | None:
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


def places_within(store, metric: str, place: str, place_name: str) -> None:  # noqa: ANN001
    """On request, the places nested in this one that have figures of the metric: each
    opens its own chart (a town's toll is never added into its country's)."""
    within = store.places_within(place, metric)
    if within.empty:
        return
    with st.expander(f"Figures reported for places within {place_name} ({len(within)})"):
        st.caption(
            "Reported for these places themselves; they are not included in the chart above, "
            "and the tracker never adds them up."
        )
        for row in within.itertuples():
            st.button(
                f"{row.name} ({int(row.claims)} claim(s))",
                key=f"figures.within.{row.key}",
                on_click=state.open_place,
                args=(row.key,),
            )
