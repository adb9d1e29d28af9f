"""The extraction assistant in the claim form: the article's text in, a table of draft
claims out (`tracker.extraction.extractor`), which the curator corrects, unticks where wrong, and saves
in one go.

The table holds vocabulary keys in select-box columns (shown with their names) beside the
words the article used, so that an unmatched claimant or place is visible and fixable in
the row. Saving validates every ticked row first, then stores them all in one transaction
(`curation.add_claims`): all are stored or none, and a refusal names its row and field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from dashboard import forms, state
from tracker import curation
from tracker.core.errors import Problem
from tracker.domain.lookup import Vocabulary
from tracker.domain.schemas import ClaimIn, problems_from
from tracker.domain.vocab import DateBasis, Qualifier
from tracker.extraction.extractor import Candidate, extract_candidates

FORM = state.ASSIST
#: Table column -> the claim field it holds (the Row, Save and "as written" columns hold none).
COLUMNS = {
    "Metric": "metric",
    "Qualifier": "qualifier",
    "Figure": "value",
    "Low": "low",
    "High": "high",
    "Claimant": "claimant",
    "Place": "place",
    "From": "period_start",
    "As of": "period_end",
    "Cumulative": "cumulative",
    "Date known from": "date_basis",
    "Quote": "quote",
    "Reason to save anyway": "check_override",
}


def prepare(source_id: int, text: str | None) -> None:
    """Fill the text box from the stored text when the source changes."""
    if st.session_state.get(state.ASSIST_SOURCE) != source_id:
        st.session_state[state.ASSIST_SOURCE] = source_id
        st.session_state[state.ASSIST_TEXT] = text or ""
        st.session_state.pop(state.ASSIST_ROWS, None)
        forms.clear_feedback(FORM)


def start(source: dict[str, Any], vocab: Vocabulary) -> None:
    """Find the drafts without a click, once, for a source just saved from a fetched page
    or the inbox: the curator came for them."""
    source_id = int(source["id"])
    prepare(source_id, source["text"])
    if st.session_state.get(state.ASSIST_AUTO) != source_id:
        st.session_state[state.ASSIST_AUTO] = source_id
        if (source["text"] or "").strip():
            find(vocab, source["published"])


def find(vocab: Vocabulary, published: date) -> None:
    """The "Find claims" callback: candidates become the table's rows, all ticked."""
    text = st.session_state.get(state.ASSIST_TEXT) or ""
    candidates = extract_candidates(text, published, vocab) if text.strip() else []
    st.session_state[state.ASSIST_ROWS] = frame(candidates, published)
    st.session_state[state.ASSIST_ROUND] = st.session_state.get(state.ASSIST_ROUND, 0) + 1
    forms.clear_feedback(FORM)


def date_basis(candidate: Candidate, published: date | None) -> str:
    """How the draft's as-of date is known: a figure dated the day the article appeared took
    its date from the publication; otherwise the text stated it (the curator corrects it)."""
    if published is not None and candidate.period_end == published:
        return DateBasis.source_published.value
    return DateBasis.stated.value


def frame(candidates: list[Candidate], published: date | None = None) -> pd.DataFrame:
    def figure(values: list[int | None]) -> pd.Series:
        return pd.Series(values, dtype="Int64")

    return pd.DataFrame(
        {
            "Row": list(range(1, len(candidates) + 1)),
            "Save": [True] * len(candidates),
            "Metric": [c.metric for c in candidates],
            "Qualifier": [c.qualifier for c in candidates],
            "Figure": figure([c.value for c in candidates]),
            "Low": figure([c.low for c in candidates]),
            "High": figure([c.high for c in candidates]),
            "Claimant": [c.claimant_key for c in candidates],
            "Claimant as written": [c.claimant or "" for c in candidates],
            "Place": [c.place_key for c in candidates],
            "Place as written": [c.place or "" for c in candidates],
            "From": [c.period_start for c in candidates],
            "As of": [c.period_end for c in candidates],
            "Cumulative": [c.cumulative for c in candidates],
            "Date known from": [date_basis(c, published) for c in candidates],
            "Quote": [c.quote for c in candidates],
            "Reason to save anyway": [""] * len(candidates),
        }
    )


def column_config(vocab: Vocabulary) -> dict[str, Any]:
    metrics = {k: m.label for k, m in vocab.metrics.items()}
    claimants = {k: c.short_name or c.name for k, c in vocab.claimants.items()}
    places = {k: f"{p.name} ({p.iso_code or k})" for k, p in vocab.places.items()}
    config = st.column_config
    return {
        "Row": config.NumberColumn(format="%d", width="small"),
        "Save": config.CheckboxColumn(help="Untick a figure that is not a claim"),
        "Metric": config.SelectboxColumn(
            options=list(metrics), format_func=lambda k: metrics.get(k, k), width="medium"
        ),
        "Qualifier": config.SelectboxColumn(
            options=list(forms.QUALIFIER_LABELS),
            format_func=lambda q: forms.QUALIFIER_LABELS.get(q, q),
        ),
        "Figure": config.NumberColumn(min_value=0, step=1, format="%d"),
        "Low": config.NumberColumn(min_value=0, step=1, format="%d"),
        "High": config.NumberColumn(min_value=0, step=1, format="%d"),
        "Claimant": config.SelectboxColumn(
            options=sorted(claimants, key=lambda k: claimants[k].casefold()),
            format_func=lambda k: claimants.get(k, k),
            width="medium",
        ),
        "Claimant as written": config.TextColumn(disabled=True),
        "Place": config.SelectboxColumn(
            options=sorted(places, key=lambda k: places[k].casefold()),
            format_func=lambda k: places.get(k, k),
            width="medium",
        ),
        "Place as written": config.TextColumn(disabled=True),
        "From": config.DateColumn(format="YYYY-MM-DD"),
        "As of": config.DateColumn(format="YYYY-MM-DD"),
        "Cumulative": config.CheckboxColumn(),
        "Date known from": config.SelectboxColumn(
            options=list(forms.DATE_BASIS_LABELS),
            format_func=lambda b: forms.DATE_BASIS_LABELS.get(b, b),
            help=forms.FIELD_LABELS["date_basis"],
            width="medium",
        ),
        "Quote": config.TextColumn(width="large"),
        "Reason to save anyway": config.TextColumn(
            help="Only when a quote check fails: why the claim is right as entered"
        ),
    }


def duplicate_warnings(engine, edited: pd.DataFrame) -> None:  # noqa: ANN001
    """Each ticked draft whose statement is already stored, named by its row."""
    drafts, _ = claims_of(edited)
    for row, claim_in in drafts:
        forms.same_statement_warning(engine, claim_in, row=row, links=False)


def row_forms(rows: pd.DataFrame, vocab: Vocabulary, round_: int) -> pd.DataFrame:
    """The drafts as one small form each, stacked (a phone's width): the same columns as
    the table, returned as the table would return them."""
    metrics = {k: m.label for k, m in vocab.metrics.items()}
    claimants = {k: c.short_name or c.name for k, c in vocab.claimants.items()}
    places = {k: f"{p.name} ({p.iso_code or k})" for k, p in vocab.places.items()}
    out = []
    for record in rows.to_dict("records"):
        row = int(record["Row"])
        k = f"{FORM}.form.{round_}.{row}"

        def seeded(name: str, value: Any, k: str = k) -> str:
            forms.seed(f"{k}.{name}", _value(value))
            return f"{k}.{name}"

        with st.container(border=True):
            st.checkbox(f"Save row {row}", key=seeded("save", record["Save"]))
            st.selectbox(
                "What is counted",
                list(metrics),
                format_func=lambda m: metrics.get(m, m),
                key=seeded("metric", record["Metric"]),
            )
            figure, qualifier = st.columns(2)
            figure.number_input(
                "Figure", min_value=0, step=1, key=seeded("value", record["Figure"])
            )
            qualifier.selectbox(
                "Qualifier",
                list(forms.QUALIFIER_LABELS),
                format_func=lambda q: forms.QUALIFIER_LABELS.get(q, q),
                key=seeded("qualifier", record["Qualifier"]),
            )
            st.selectbox(
                "Claimant",
                sorted(claimants, key=lambda c: claimants[c].casefold()),
                format_func=lambda c: claimants.get(c, c),
                index=None,
                key=seeded("claimant", record["Claimant"]),
                help=f"As written: {record['Claimant as written']}",
            )
            st.selectbox(
                "Place",
                sorted(places, key=lambda p: places[p].casefold()),
                format_func=lambda p: places.get(p, p),
                index=None,
                key=seeded("place", record["Place"]),
                help=f"As written: {record['Place as written']}",
            )
            start, end = st.columns(2)
            start.date_input(
                "Period from", key=seeded("start", record["From"]), **forms.DATE_LIMITS
            )
            end.date_input("As of", key=seeded("end", record["As of"]), **forms.DATE_LIMITS)
            st.selectbox(
                forms.FIELD_LABELS["date_basis"],
                list(forms.DATE_BASIS_LABELS),
                format_func=lambda b: forms.DATE_BASIS_LABELS.get(b, b),
                key=seeded("basis", record["Date known from"]),
            )
            st.text_area("Quote", key=seeded("quote", record["Quote"]), height=80)
            st.text_input(
                "Reason to save anyway", key=seeded("override", record["Reason to save anyway"])
            )
        ss = st.session_state
        out.append(
            record
            | {
                "Save": ss[f"{k}.save"],
                "Metric": ss[f"{k}.metric"],
                "Figure": ss[f"{k}.value"],
                "Qualifier": ss[f"{k}.qualifier"],
                "Claimant": ss[f"{k}.claimant"],
                "Place": ss[f"{k}.place"],
                "From": ss[f"{k}.start"],
                "As of": ss[f"{k}.end"],
                "Date known from": ss[f"{k}.basis"],
                "Quote": ss[f"{k}.quote"],
                "Reason to save anyway": ss[f"{k}.override"],
            }
        )
    return pd.DataFrame(out, columns=rows.columns)


def _value(cell: Any) -> Any:
    if cell is None or cell is pd.NA or (isinstance(cell, float) and cell != cell):
        return None
    if isinstance(cell, pd.Timestamp):
        return cell.date()
    if hasattr(cell, "item"):  # numpy scalars
        return cell.item()
    if isinstance(cell, str) and not cell.strip():
        return None
    return cell


def claims_of(edited: pd.DataFrame) -> tuple[list[tuple[int, ClaimIn]], list[Problem]]:
    """The ticked rows as claims, or every problem of every ticked row (row and field)."""
    rows: list[tuple[int, ClaimIn]] = []
    problems: list[Problem] = []
    for record in edited.to_dict("records"):
        if not record.get("Save"):
            continue
        row = int(record["Row"])
        raw = {field: _value(record.get(column)) for column, field in COLUMNS.items()}
        raw = {k: v for k, v in raw.items() if v is not None}
        raw.setdefault("qualifier", Qualifier.exact.value)
        try:
            rows.append((row, ClaimIn.model_validate(raw)))
        except ValidationError as exc:
            problems += [Problem(p.message, line=row, field=p.field) for p in problems_from(exc)]
    return rows, problems


def save(engine, source_id: int, edited: pd.DataFrame) -> bool:  # noqa: ANN001
    rows, problems = claims_of(edited)
    if problems:
        forms.refuse(FORM, problems)
        return False

    def act() -> str:
        ids = curation.add_claims(engine, forms.user(), source_id, rows)
        return f"Saved {len(ids)} claim(s) from the text: " + ", ".join(f"#{i}" for i in ids) + "."

    return forms.handle(FORM, act)


def draw(engine, source: dict[str, Any], vocab: Vocabulary) -> None:  # noqa: ANN001
    """The assistant's part of the claim form."""
    source_id = int(source["id"])
    prepare(source_id, source["text"])
    st.caption(
        "Reads the article and proposes a claim for each figure it finds: who said it, what "
        "it counts, where and when. Check every row; untick the ones that are not claims."
    )
    forms.saved_message(FORM)
    st.text_area(
        "Article text",
        key=state.ASSIST_TEXT,
        height=200,
        placeholder="Paste the article's text (the stored text is used when there is one)",
    )
    st.button(
        "Find claims in the text",
        key=f"{FORM}.find",
        on_click=find,
        args=(vocab, source["published"]),
        icon=":material/manage_search:",
    )
    rows = st.session_state.get(state.ASSIST_ROWS)
    if rows is None:
        return
    if rows.empty:
        st.info("No figure found in this text.", icon=":material/search_off:")
        return
    round_ = st.session_state.get(state.ASSIST_ROUND, 0)
    as_forms = st.toggle(
        "One form per row (for narrow screens)",
        key=f"{FORM}.as_forms",
        help="The same drafts, each in a form of its own instead of one wide table.",
    )
    if as_forms:
        edited = row_forms(rows, vocab, round_)
    else:
        edited = st.data_editor(
            rows,
            key=f"{FORM}.table.{round_}",
            column_config=column_config(vocab),
            disabled=["Row", "Claimant as written", "Place as written"],
            hide_index=True,
            num_rows="fixed",
            width="stretch",
        )
    duplicate_warnings(engine, edited)
    ticked = int(edited["Save"].fillna(False).astype(bool).sum())
    forms.other_errors(FORM, set())
    if st.button(
        f"Save the {ticked} ticked claim(s)",
        type="primary",
        key=f"{FORM}.save",
        disabled=ticked == 0,
        icon=":material/save:",
    ):
        if save(engine, source_id, edited):
            st.session_state.pop(state.ASSIST_ROWS, None)
        st.rerun()  # the saved claims show in the source's table, the errors by the button
