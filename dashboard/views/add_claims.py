"""Add claims: the figures one source reports, entered one after the other. The form keeps
the source, the claimant and the period between claims, so that the second figure of an
article ("7,199 civilian deaths and 11,756 wounded") needs only its own fields; a preview
sentence reads each claim back before it is saved, and a quote that does not carry the
figure (or is not in the stored text) asks for an explicit confirmation."""

from types import SimpleNamespace

import streamlit as st

from dashboard import assistant, forms, state, widgets
from dashboard.navigation import ADD_SOURCE
from tracker import curation
from tracker.core.errors import Problem
from tracker.domain.lookup import Vocabulary
from tracker.domain.schemas import ClaimantIn, PlaceIn
from tracker.domain.vocab import (
    ROLE_RANK,
    SIDES_OFFERED,
    ClaimantKind,
    ClaimantSide,
    PlaceLevel,
    Role,
)
from tracker.sharing.citations import format_day
from tracker.sharing.wording import preview_sentence

FORM = state.ENTRY
NEW_CLAIMANT = f"{FORM}.new_claimant"
NEW_PLACE = f"{FORM}.new_place"


def choose_source(source_id: int | None) -> None:
    st.session_state[state.ENTRY_SOURCE] = source_id
    forms.clear_feedback(FORM)


def pick_source() -> None:
    choose_source(st.session_state.get(f"{FORM}.source_pick"))


def save_claim(engine, source_id: int, choices, vocab: Vocabulary, source, editor: bool) -> None:  # noqa: ANN001
    """The Save button's callback. On success the fields of this figure are emptied and the
    source, claimant and period stay for the next one."""
    ss = st.session_state
    if (
        ss.get(forms.key(FORM, "confirm"))
        and not (ss.get(forms.key(FORM, "override_reason")) or "").strip()
    ):
        forms.refuse(
            FORM, [Problem("say why the claim is right as entered", field="check_override")]
        )
        return
    claim_in, problems = forms.parse_claim(forms.claim_raw(FORM, choices, with_status=editor))
    if claim_in is None:
        forms.refuse(FORM, problems)
        return

    def act() -> str:
        claim_id = curation.add_claim(engine, forms.user(), source_id, claim_in)
        return f"Saved claim #{claim_id}: {preview_sentence(claim_in, vocab, source)}."

    if forms.handle(FORM, act):
        forms.clear_claim_fields(FORM, keep=state.ENTRY_KEPT_FIELDS)


def add_claimant(engine) -> None:  # noqa: ANN001
    ss = st.session_state
    name = (ss.get(f"{NEW_CLAIMANT}.name") or "").strip()
    short = (ss.get(f"{NEW_CLAIMANT}.short_name") or "").strip()

    def act() -> str:
        # Inside the save: the key lookup reads the database, and a database gone
        # away, like the input's problems, is a refusal shown in the form.
        key = (ss.get(f"{NEW_CLAIMANT}.key") or "").strip() or (
            curation.free_key(engine, name, "claimant") if name else ""
        )
        raw = {
            "key": key,
            "name": name,
            "short_name": short or None,
            "kind": ss.get(f"{NEW_CLAIMANT}.kind"),
            "side": ss.get(f"{NEW_CLAIMANT}.side"),
            "aliases": lines(ss.get(f"{NEW_CLAIMANT}.aliases")),
        }
        added = curation.add_claimant(engine, forms.user(), ClaimantIn.model_validate(raw))
        ss[forms.key(FORM, "claimant")] = forms.claimant_label(name, short or None)
        return f"Added the claimant {name} ({added}) and chose it for this claim."

    if forms.handle(NEW_CLAIMANT, act):
        for field in ("name", "short_name", "key", "aliases"):
            ss.pop(f"{NEW_CLAIMANT}.{field}", None)


def add_place(engine, places: forms.Choices) -> None:  # noqa: ANN001
    ss = st.session_state
    name = (ss.get(f"{NEW_PLACE}.name") or "").strip()
    code = (ss.get(f"{NEW_PLACE}.iso_code") or "").strip()

    def act() -> str:
        key = (
            (ss.get(f"{NEW_PLACE}.key") or "").strip()
            or code.upper()
            or (curation.free_key(engine, name, "place") if name else "")
        )
        raw = {
            "key": key,
            "name": name,
            "iso_code": code or None,
            "level": ss.get(f"{NEW_PLACE}.level"),
            "parent": places.key(ss.get(f"{NEW_PLACE}.parent")),
            "aliases": lines(ss.get(f"{NEW_PLACE}.aliases")),
        }
        added = curation.add_place(engine, forms.user(), PlaceIn.model_validate(raw))
        ss[forms.key(FORM, "place")] = forms.place_label(name, code.upper() or added)
        return f"Added the place {name} ({added}) and chose it for this claim."

    if forms.handle(NEW_PLACE, act):
        for field in ("name", "iso_code", "key", "aliases", "parent"):
            ss.pop(f"{NEW_PLACE}.{field}", None)


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


store = forms.store_for(Role.curator, "add claims")
engine = store.engine
requested, notice = state.requested_source()
if requested is not None and requested != st.session_state.get(state.ENTRY_SOURCE):
    choose_source(requested)
source_id = st.session_state.get(state.ENTRY_SOURCE)
source = store.source_detail(source_id) if source_id is not None else None

st.title("Add claims")
if notice:
    widgets.notices([notice])
if source_id is not None and source is None:
    widgets.notices([f"There is no source #{source_id}; choose another."])
    st.session_state[state.ENTRY_SOURCE] = None

if source is None:
    # --- choose the source ------------------------------------------------------------------
    if "source" in st.query_params:
        del st.query_params["source"]
    st.markdown("**From which source?** Find it among the stored sources, or add it first.")
    st.text_input(
        "Find a stored source", key=state.ENTRY_SOURCE_SEARCH, placeholder="Title or publisher"
    )
    text = (st.session_state.get(state.ENTRY_SOURCE_SEARCH) or "").strip() or None
    found = store.sources_list(text, limit=50, offset=0)
    labels = {
        int(r["source_id"]): f"{r['publisher']}, {widgets.day_text(r['published'])}: "
        f"{r['title']} (#{int(r['source_id'])})"
        for r in found.to_dict("records")
    }
    st.selectbox(
        "Source",
        options=list(labels),
        format_func=labels.get,
        index=None,
        placeholder="Choose a source" if labels else "No stored source matches",
        key=f"{FORM}.source_pick",
        on_change=pick_source,
    )
    st.page_link(ADD_SOURCE, label="Add a new source", icon=":material/note_add:")
    st.stop()

# --- the source ---------------------------------------------------------------------------
st.query_params["source"] = str(source_id)
head, change = st.columns([5, 1])
head.markdown(
    f"From **{widgets.md(source['publisher'])}**, {widgets.md(format_day(source['published']))}: "
    f"*{widgets.md(source['title'])}* (source #{source_id})"
)
change.button(
    "Other source",
    key=f"{FORM}.change_source",
    on_click=choose_source,
    args=(None,),
    icon=":material/swap_horiz:",
)
if not source["text"]:
    st.caption(
        "The article's text is not stored: quotes are checked for the figure only, not "
        "against the article."
    )
checked_source = SimpleNamespace(
    text=source["text"], publisher=source["publisher"], published=source["published"]
)
vocab = store.vocabulary()
choices = (forms.claimant_choices(vocab), forms.place_choices(vocab))
editor = ROLE_RANK[state.current_role()] >= ROLE_RANK[Role.editor]

one_claim, from_text = st.tabs(["One claim", "Several from the article's text"])
with from_text:
    assistant.draw(engine, source, vocab)

# --- one claim ----------------------------------------------------------------------------
with one_claim:
    forms.seed_claim_fields(FORM)
    draft, _ = forms.parse_claim(forms.claim_raw(FORM, choices, with_status=editor))
    forms.saved_message(FORM)
    forms.claim_fields(
        FORM,
        vocab,
        choices,
        check=forms.draft_check(draft, checked_source),
        with_status=editor,
        kept=state.ENTRY_KEPT_FIELDS,
    )
    if draft is not None:
        forms.same_statement_warning(engine, draft)

    new_claimant, new_place = st.columns(2)
    with new_claimant.expander(
        "Claimant not in the list?", expanded=bool(forms.feedback(NEW_CLAIMANT).problems)
    ):
        forms.saved_message(NEW_CLAIMANT)
        st.text_input(
            "Name", key=f"{NEW_CLAIMANT}.name", placeholder="e.g. Example Regional Council"
        )
        forms.field_errors(NEW_CLAIMANT, "name")
        st.text_input("Short name", key=f"{NEW_CLAIMANT}.short_name")
        forms.field_errors(NEW_CLAIMANT, "short_name")
        st.selectbox("Kind", options=[k.value for k in ClaimantKind], key=f"{NEW_CLAIMANT}.kind")
        st.selectbox(
            "Side",
            options=[s.value for s in SIDES_OFFERED],
            index=SIDES_OFFERED.index(ClaimantSide.unknown),
            key=f"{NEW_CLAIMANT}.side",
            help="A party to the conflict reporting its enemy's losses reads differently from a "
            "monitor.",
        )
        st.text_area("Other names, one per line", key=f"{NEW_CLAIMANT}.aliases", height=80)
        forms.field_errors(NEW_CLAIMANT, "aliases")
        st.text_input("Key (optional)", key=f"{NEW_CLAIMANT}.key", placeholder="made from the name")
        forms.field_errors(NEW_CLAIMANT, "key", "kind", "side")
        st.button("Add claimant", key=f"{NEW_CLAIMANT}.save", on_click=add_claimant, args=(engine,))
        forms.other_errors(NEW_CLAIMANT, {"name", "short_name", "aliases", "key", "kind", "side"})
    with new_place.expander(
        "Place not in the list?", expanded=bool(forms.feedback(NEW_PLACE).problems)
    ):
        forms.saved_message(NEW_PLACE)
        st.text_input("Name", key=f"{NEW_PLACE}.name", placeholder="e.g. Bakhmut")
        forms.field_errors(NEW_PLACE, "name")
        st.selectbox(
            "Level", options=[lv.value for lv in PlaceLevel], index=3, key=f"{NEW_PLACE}.level"
        )
        st.selectbox(
            "Part of",
            options=choices[1].options,
            index=None,
            key=f"{NEW_PLACE}.parent",
            filter_mode="contains",
            placeholder="e.g. Donetsk Oblast",
        )
        forms.field_errors(NEW_PLACE, "parent", "level")
        st.text_input("ISO 3166 code (optional)", key=f"{NEW_PLACE}.iso_code", placeholder="UA-14")
        forms.field_errors(NEW_PLACE, "iso_code")
        st.text_area("Other names, one per line", key=f"{NEW_PLACE}.aliases", height=80)
        forms.field_errors(NEW_PLACE, "aliases")
        st.text_input("Key (optional)", key=f"{NEW_PLACE}.key", placeholder="made from the name")
        forms.field_errors(NEW_PLACE, "key")
        st.button(
            "Add place", key=f"{NEW_PLACE}.save", on_click=add_place, args=(engine, choices[1])
        )
        forms.other_errors(NEW_PLACE, {"name", "parent", "level", "iso_code", "aliases", "key"})

    st.markdown("**Preview**")
    if draft is not None:
        st.info(
            widgets.md(preview_sentence(draft, vocab, checked_source)), icon=":material/visibility:"
        )
    else:
        st.caption(
            "The claim is read back here in one sentence once what is counted, the figure, the "
            "claimant, the place, the as-of date and the quote are filled in."
        )
    st.button(
        "Save claim",
        type="primary",
        key=f"{FORM}.save",
        on_click=save_claim,
        args=(engine, source_id, choices, vocab, checked_source, editor),
        icon=":material/save:",
    )
    forms.other_errors(FORM, forms.CLAIM_FORM_FIELDS)

claims = source["claims"]
st.subheader(f"Claims taken from this source ({len(claims)})")
if claims.empty:
    st.caption("None yet.")
else:
    widgets.claims_table(claims, key=f"{FORM}.claims")
