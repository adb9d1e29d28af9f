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
from tracker.domain.fields import CLAIM_FIELD, CLAIM_FIELDS
from tracker.domain.lookup import Vocabulary
from tracker.domain.schemas import ClaimIn, problems_from
from tracker.domain.vocab import DateBasis, Qualifier
from tracker.extraction.extractor import Candidate, extract_candidates

FORM = state.ASSIST
#: The claim fields a draft fills -> their column headings, from the field registry.
HEADINGS = {f.name: f.heading for f in CLAIM_FIELDS if f.heading}
#: The vocabulary columns shown beside the words the article used.
AS_WRITTEN = ("claimant", "place")


def as_written(name: str) -> str:
    return f"{HEADINGS[name]} as written"


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
    """One row per draft: Row and Save, then a column per drafted field, each vocabulary
    column followed by the words the article used ("Claimant as written")."""
    # The candidate holds the matched key beside the words; the rest is named as the field.
    drafted = {
        "claimant": [c.claimant_key for c in candidates],
        "place": [c.place_key for c in candidates],
        "date_basis": [date_basis(c, published) for c in candidates],
        "check_override": [""] * len(candidates),
    }
    columns: dict[str, Any] = {
        "Row": list(range(1, len(candidates) + 1)),
        "Save": [True] * len(candidates),
    }
    for name, heading in HEADINGS.items():
        values = drafted[name] if name in drafted else [getattr(c, name) for c in candidates]
        integer = CLAIM_FIELD[name].type == "integer"
        columns[heading] = pd.Series(values, dtype="Int64") if integer else values
        if name in AS_WRITTEN:
            columns[as_written(name)] = [getattr(c, name) or "" for c in candidates]
    return pd.DataFrame(columns)


def _choices(vocab: Vocabulary) -> dict[str, dict[str, str]]:
    """Each vocabulary field's keys -> the names a curator picks from."""
    return {
        "metric": {k: m.label for k, m in vocab.metrics.items()},
        "claimant": {k: c.short_name or c.name for k, c in vocab.claimants.items()},
        "place": {k: f"{p.name} ({p.iso_code or k})" for k, p in vocab.places.items()},
    }


def _by_name(names: dict[str, str]) -> list[str]:
    return sorted(names, key=lambda k: names[k].casefold())


def column_config(vocab: Vocabulary) -> dict[str, Any]:
    choices = _choices(vocab)
    config = st.column_config
    count = config.NumberColumn(min_value=0, step=1, format="%d")
    day = config.DateColumn(format="YYYY-MM-DD")
    by_field = {
        "metric": config.SelectboxColumn(
            options=list(choices["metric"]),
            format_func=lambda k: choices["metric"].get(k, k),
            width="medium",
        ),
        "value": count,
        "low": count,
        "high": count,
        "qualifier": config.SelectboxColumn(
            options=list(forms.QUALIFIER_LABELS),
            format_func=lambda q: forms.QUALIFIER_LABELS.get(q, q),
        ),
        **{
            name: config.SelectboxColumn(
                options=_by_name(choices[name]),
                format_func=lambda k, names=choices[name]: names.get(k, k),
                width="medium",
            )
            for name in AS_WRITTEN
        },
        "period_start": day,
        "period_end": day,
        "cumulative": config.CheckboxColumn(),
        "date_basis": config.SelectboxColumn(
            options=list(forms.DATE_BASIS_LABELS),
            format_func=lambda b: forms.DATE_BASIS_LABELS.get(b, b),
            help=forms.FIELD_LABELS["date_basis"],
            width="medium",
        ),
        "quote": config.TextColumn(width="large"),
        "check_override": config.TextColumn(
            help="Only when a quote check fails: why the claim is right as entered"
        ),
    }
    return {
        "Row": config.NumberColumn(format="%d", width="small"),
        "Save": config.CheckboxColumn(help="Untick a figure that is not a claim"),
        **{HEADINGS[name]: column for name, column in by_field.items()},
        **{as_written(name): config.TextColumn(disabled=True) for name in AS_WRITTEN},
    }


def duplicate_warnings(engine, edited: pd.DataFrame) -> None:  # noqa: ANN001
    """Each ticked draft whose statement is already stored, named by its row."""
    drafts, _ = claims_of(edited)
    for row, claim_in in drafts:
        forms.same_statement_warning(engine, claim_in, row=row, links=False)


def row_forms(rows: pd.DataFrame, vocab: Vocabulary, round_: int) -> pd.DataFrame:
    """The drafts as one small form each, stacked (a phone's width): the same columns as
    the table, returned as the table would return them."""
    choices = _choices(vocab)
    labels = forms.FIELD_LABELS
    out = []
    for record in rows.to_dict("records"):
        row = int(record["Row"])
        k = f"{FORM}.form.{round_}.{row}"

        values = {"save": record["Save"]} | {name: record[h] for name, h in HEADINGS.items()}

        def seeded(name: str, k: str = k, values: dict[str, Any] = values) -> str:
            forms.seed(f"{k}.{name}", _value(values[name]))
            return f"{k}.{name}"

        with st.container(border=True):
            st.checkbox(f"Save row {row}", key=seeded("save"))
            st.selectbox(
                labels["metric"],
                list(choices["metric"]),
                format_func=lambda m: choices["metric"].get(m, m),
                key=seeded("metric"),
            )
            figure, qualifier = st.columns(2)
            figure.number_input(labels["value"], min_value=0, step=1, key=seeded("value"))
            qualifier.selectbox(
                labels["qualifier"],
                list(forms.QUALIFIER_LABELS),
                format_func=lambda q: forms.QUALIFIER_LABELS.get(q, q),
                key=seeded("qualifier"),
            )
            for name in AS_WRITTEN:
                st.selectbox(
                    labels[name],
                    _by_name(choices[name]),
                    format_func=lambda c, names=choices[name]: names.get(c, c),
                    index=None,
                    key=seeded(name),
                    help=f"As written: {record[as_written(name)]}",
                )
            start, end = st.columns(2)
            for column, name in ((start, "period_start"), (end, "period_end")):
                column.date_input(labels[name], key=seeded(name), **forms.DATE_LIMITS)
            st.selectbox(
                labels["date_basis"],
                list(forms.DATE_BASIS_LABELS),
                format_func=lambda b: forms.DATE_BASIS_LABELS.get(b, b),
                key=seeded("date_basis"),
            )
            st.text_area(labels["quote"], key=seeded("quote"), height=80)
            st.text_input(labels["check_override"], key=seeded("check_override"))
        ss = st.session_state
        drawn = {HEADINGS[name]: ss[f"{k}.{name}"] for name in HEADINGS if f"{k}.{name}" in ss}
        out.append(record | {"Save": ss[f"{k}.save"]} | drawn)
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
        raw = {name: _value(record.get(heading)) for name, heading in HEADINGS.items()}
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
            disabled=["Row", *(as_written(name) for name in AS_WRITTEN)],
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
