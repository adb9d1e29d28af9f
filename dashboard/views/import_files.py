"""Import files (editors): YAML data files, or a CSV in the export's columns.

Nothing is written until the editor has seen what would happen: every upload is validated
and compared with the store, and a report per file lists the claims it would add or
change (by line) and the problems that refuse it (by line and field). The import itself
plans the files again against the store as it is then and writes them in one transaction,
with a progress bar: all files land, or none does.
"""

import hashlib

import pandas as pd
import streamlit as st

from dashboard import data, forms, state, widgets
from tracker import curation
from tracker.core.errors import TrackerError
from tracker.domain.vocab import Role

FORM = state.IMPORT
SOURCE_ACTIONS = {"add": "new source", "change": "source changed", "same": "source unchanged"}


def problems_frame(problems) -> pd.DataFrame:  # noqa: ANN001
    return pd.DataFrame(
        {
            "Line": [p.line for p in problems],
            "Field": [p.field or "" for p in problems],
            "Problem": [p.message for p in problems],
        }
    )


def file_report(report: curation.FileReport) -> None:
    with st.container(border=True):
        if report.refused:
            st.markdown(
                f"**{widgets.md(report.name)}**: refused, {len(report.problems)} problem(s)"
            )
            st.dataframe(
                problems_frame(report.problems),
                hide_index=True,
                width="stretch",
                column_config={"Line": st.column_config.NumberColumn(format="%d")},
            )
            return
        parts = []
        if report.vocabulary:
            parts.append("vocabulary: " + ", ".join(report.vocabulary))
        for source in report.sources:
            parts.append(f"{SOURCE_ACTIONS[source['action']]} ({source['url']})")
        parts.append(
            f"{len(report.added)} claim(s) to add, {len(report.changed)} to change, "
            f"{report.unchanged} unchanged"
        )
        kept = sum(s["kept"] for s in report.sources)
        if kept:
            parts.append(f"{kept} stored claim(s) not in the file are kept")
        st.markdown(f"**{widgets.md(report.name)}**: " + widgets.md("; ".join(parts)))
        if report.added:
            with st.expander(f"Claims to add ({len(report.added)})", expanded=True):
                table([claim_row(c) for c in report.added])
        if report.changed:
            with st.expander(f"Claims to change ({len(report.changed)})", expanded=True):
                table([claim_row(c) for c in report.changed])
                st.markdown("**What changes**")
                table(
                    [
                        {
                            "Line": c["line"],
                            "Claim": c["claim"],
                            "Field": forms.label(f),
                            "Before": words(f, old),
                            "After": words(f, new),
                        }
                        for c in report.changed
                        for f, old, new in c["changes"]
                    ]
                )


def table(rows: list[dict]) -> None:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def words(name: str, value: object) -> str:
    return forms.value_words(name, value, VOCAB)


def claim_row(c: dict) -> dict:
    """A planned claim as the editor checks it: its figure, claimant, place, period, quote."""
    v = c["values"]
    figure = widgets.figure_text(
        {
            "value": v.get("value"),
            "low": v.get("low"),
            "high": v.get("high"),
            "qualifier": v.get("qualifier"),
        }
    )
    period = widgets.period_text(
        {
            "period_start": v.get("period_start"),
            "period_end": v.get("period_end"),
            "cumulative": v.get("cumulative", True),
        }
    )
    return {
        "Line": c["line"],
        "Claim": c["claim"],
        "What": words("metric", v.get("metric")),
        "Figure": figure,
        "Claimant": words("claimant", v.get("claimant")),
        "Place": words("place", v.get("place")),
        "Period": period,
        "Quote": v.get("quote") or "",
    }


store = forms.store_for(Role.editor, "import files")
st.title("Import files")
st.caption(
    "YAML files in the data format (one file per source, or vocabulary files), or a CSV in "
    "the export's columns. Every file is checked first; nothing is written until you "
    "import, and then all files land or none does."
)
last_import = st.empty()  # the last import's outcome, above the uploader
round_ = st.session_state.get(state.IMPORT_ROUND, 0)
uploads = st.file_uploader(
    "Files to import",
    type=["yaml", "yml", "csv"],
    accept_multiple_files=True,
    key=f"{state.IMPORT}.files.{round_}",
)
if not uploads:
    with last_import.container():
        forms.saved_message(FORM)
    st.stop()
# A new batch: the last one's "Imported ..." must not stand above this one's verdict.
forms.clear_feedback(FORM)
files = [(u.name, u.getvalue()) for u in uploads]
fingerprint = (
    tuple((name, hashlib.sha256(content).hexdigest()) for name, content in files),
    store.version,
)
cached = st.session_state.get(state.IMPORT_REPORT)
if cached is None or cached[0] != fingerprint:
    with st.spinner("Checking the files…"):
        cached = (fingerprint, curation.check_upload(store.engine, files))
    st.session_state[state.IMPORT_REPORT] = cached
report: curation.UploadReport = cached[1]
VOCAB = curation.vocabulary(store.engine)

totals = report.totals()
st.subheader("What the import would do")
st.markdown(
    f"{totals['files']} file(s): **{totals['added']:,}** claim(s) to add, "
    f"**{totals['changed']:,}** to change, {totals['unchanged']:,} unchanged"
    + (f"; **{totals['refused']}** file(s) refused" if totals["refused"] else "")
    + "."
)
for file in report.files:
    file_report(file)

if not report.ok:
    st.error(
        "Nothing can be imported until every problem above is fixed: the import is all or "
        "nothing. Correct the files and upload them again.",
        icon=":material/block:",
    )
    st.stop()
if not (
    totals["added"]
    or totals["changed"]
    or any(s["action"] != "same" for f in report.files for s in f.sources)
    or any(f.vocabulary for f in report.files)
):
    st.info("These files hold nothing the store does not already have.", icon=":material/check:")
    st.stop()

confirmed: set[str] = set()
if report.adds_vocabulary:
    with st.container(border=True):
        st.markdown("**New to the store** (check the spelling: each becomes a series of its own)")
        for kind, entries in (
            ("Claimants (created with kind “other”, to classify later)", report.new_claimants),
            ("Metrics", report.new_metrics),
            ("Places", report.new_places),
        ):
            if entries:
                st.markdown(
                    widgets.md(f"{kind}: " + ", ".join(f"{n} ({k})" for k, n in entries.items()))
                )
        if not st.checkbox(
            "I have checked these and want them created", key=f"{state.IMPORT}.confirm_new"
        ):
            st.info(
                "Confirm the new names above to import, or correct the files.",
                icon=":material/help:",
            )
            st.stop()
    confirmed = set(report.new_claimants)

reason = st.text_input(
    "Reason (kept in the history of every change)",
    key=f"{state.IMPORT}.reason",
    placeholder="e.g. the outlet corrected its figures; by default “imported from <file>”",
)
if st.button("Import", type="primary", key=f"{state.IMPORT}.go", icon=":material/upload:"):
    bar = st.progress(0.0, text="Importing…")

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0), text=f"{done:,} of {total:,} claims")

    try:
        result = curation.import_upload(
            store.engine,
            forms.user(),
            files,
            reason=reason.strip() or None,
            progress=progress,
            confirmed_new=confirmed,
        )
    except TrackerError as exc:
        bar.empty()
        st.error("Nothing was imported:", icon=":material/error:")
        st.dataframe(problems_frame(forms.problems_of(exc)), hide_index=True, width="stretch")
    else:
        forms.set_feedback(
            FORM,
            forms.Feedback(
                saved=f"Imported {len(files)} file(s): {result['claims_added']:,} claim(s) added, "
                f"{result['claims_changed']:,} changed, {result['sources_added']:,} new source(s)."
            ),
        )
        data.refresh_findings()  # the Checks page's findings, for what the files changed
        st.session_state[state.IMPORT_ROUND] = round_ + 1  # an empty uploader
        st.session_state.pop(state.IMPORT_REPORT, None)
        st.rerun()
