"""What the curation pages share: the role gate, each form's feedback (problems shown next
to their fields, named in a journalist's words), the vocabulary as searchable choices that
include aliases, and the claim fields (the same widgets add and correct a claim).

Saving happens in button callbacks, which run before the page is drawn again: the page
then draws each field with its problems under it, and the fields a save clears are cleared
before their widgets exist (Streamlit refuses to change a drawn widget's value).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import streamlit as st
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from dashboard import data, login_cookie, state, widgets
from dashboard.navigation import SOURCE as SOURCE_PAGE
from dashboard.widgets import md
from tracker import curation
from tracker.core.config import database_url, without_secrets
from tracker.core.errors import (
    DatabaseBusy,
    DatabaseUnavailable,
    EditConflict,
    PermissionDenied,
    Problem,
    TrackerError,
    ValidationFailed,
)
from tracker.domain.fields import CLAIM_FIELDS, SOURCE_FIELDS, file_names, names
from tracker.domain.lookup import Vocabulary, normalise_name
from tracker.domain.schemas import ClaimIn, problems_from
from tracker.domain.vocab import (
    QUALIFIER_WORDS,
    ROLE_RANK,
    DateBasis,
    PublishedBasis,
    Qualifier,
    Role,
    Status,
)
from tracker.extraction.quotes import QuoteCheck, quote_checks

#: Every field a form can name, in the words on its label.
FIELD_LABELS = {
    **{f.file: f.label for f in SOURCE_FIELDS + CLAIM_FIELDS},
    "reason": "Reason for the change",
    "key": "Key",
    "name": "Name",
    "short_name": "Short name",
    "aliases": "Other names",
    "iso_code": "ISO code",
    "parent": "Part of",
    "kind": "Kind",
    "side": "Side",
    "level": "Level",
    "source": "Source",
    "password": "Password",
    "again": "The password again",
    "role": "Role",
}

DATE_LIMITS = {"min_value": state.DATE_MIN, "max_value": state.DATE_MAX, "format": "YYYY-MM-DD"}


# --- who may see a page -----------------------------------------------------------------------


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def require_role(role: Role, doing: str) -> None:
    """Stop the page with a refusal unless the user holds `role`. A viewer (who opened the
    page's address, perhaps from a colleague's link) can log in right here and stays on
    this page, with its address and query, once logged in; the form is never drawn for
    them before that."""
    current = state.current_role()
    if ROLE_RANK[current] >= ROLE_RANK[role]:
        return
    if current == Role.viewer:
        st.warning(f"Log in as {_a(role.value)} to {doing}.", icon=":material/lock:")
        login_form("login.here")
    else:
        st.error(
            f"Your account is {_a(current.value)}: only {_a(role.value)} or above can {doing}.",
            icon=":material/block:",
        )
    st.stop()


def store_for(role: Role, doing: str) -> data.CachedReads:
    """How a curators' page starts: the refusal (or the login form) unless the user holds
    `role`, then the store."""
    require_role(role, doing)
    return widgets.open_store()


def login_form(form_key: str) -> None:
    """Name and password; a login lasts (a cookie, `dashboard.login_cookie`) and the page
    it was made on runs again, logged in. The password goes straight to
    `tracker.curation.log_in` and is never shown, kept or logged."""
    with st.form(form_key, clear_on_submit=True):
        name = st.text_input("Account name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Log in", type="primary", icon=":material/login:")
    if not submitted:
        return
    if not name.strip() or not password:
        st.error("Give your account name and password.", icon=":material/error:")
        return
    engine = data.engine(database_url())
    try:
        actor = curation.log_in(engine, name, password)
        started = curation.start_login(engine, actor)
    except TrackerError as exc:
        # A refused login's message never says which of the two was wrong, and never
        # contains the password; a back-off says how long to wait.
        message = str(exc)
        st.error(md(message[:1].upper() + message[1:] + "."), icon=":material/lock:")
        return
    clear_feedback(state.LOGIN)
    state.log_in(actor.name, actor.role)
    login_cookie.remember(started)
    st.rerun()


def log_out() -> None:
    """End this login everywhere (its token is revoked, its cookie removed), then forget
    the account in this tab."""
    token = login_cookie.token()
    if token:
        # Without a database the tab is logged out all the same; the token expires.
        with contextlib.suppress(DatabaseUnavailable):
            curation.end_login(data.engine(database_url()), token)
    login_cookie.forget()
    state.log_out()


def user() -> str | None:
    return state.current_user()


def refresh_account() -> None:
    """Read the logged-in account again (once per run): an account disabled or demoted
    since login loses its pages at once, not at its next write (which is refused anyway),
    and a login revoked elsewhere (logged out in another tab, a new password or role) or
    expired ends here too."""
    name = state.current_user()
    if not name:
        return
    try:
        engine = data.engine(database_url())
        actor = curation.actor_of(engine, name)
        token = login_cookie.token()
        lasting = curation.resume_login(engine, token) if token else None
    except PermissionDenied:
        actor, token, lasting = None, None, None
    except DatabaseUnavailable:
        return  # the page says what is wrong with the database
    if actor is None or actor.disabled:
        login_cookie.forget()
        state.log_out()
        st.warning(
            md(f"The account {name!r} is disabled or no longer exists: you are logged out."),
            icon=":material/lock:",
        )
    elif token and (lasting is None or lasting.name != actor.name):
        login_cookie.forget()
        state.log_out()
        st.warning(
            "Your login has ended (logged out, expired, or the account's password or role "
            "changed): log in again.",
            icon=":material/lock:",
        )
    elif Role(actor.role) != state.current_role():
        state.log_in(actor.name, actor.role)


def account_panel() -> None:
    """In the sidebar: who is logged in, and a way out."""
    name = state.current_user()
    if not name:
        return
    st.caption(md(f"Logged in as {name} ({state.current_role().value})"))
    st.button("Log out", key="account.logout", on_click=log_out, icon=":material/logout:")


# --- feedback: problems next to their fields ------------------------------------------------


@dataclass
class Feedback:
    """A form's last outcome: what was refused (by field), what was saved, or the record as
    someone else saved it since the form was opened."""

    problems: list[Problem] = field(default_factory=list)
    saved: str | None = None
    conflict: str | None = None
    current: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: The form's widget values when it was refused: a field's problem is shown only while
    #: the field (or one it was checked against) still holds the value that was refused.
    refused_values: dict[str, Any] = field(default_factory=dict)


#: Fields checked against each other: changing either answers the other's problem.
LINKED_FIELDS = {
    "value": ("low", "high"),
    "low": ("high", "value"),
    "high": ("low", "value"),
    "period_start": ("period_end",),
}


def feedback(form: str) -> Feedback:
    return st.session_state.setdefault(state.FEEDBACK, {}).get(form) or Feedback()


def set_feedback(form: str, fb: Feedback) -> None:
    st.session_state.setdefault(state.FEEDBACK, {})[form] = fb


def clear_feedback(form: str) -> None:
    st.session_state.setdefault(state.FEEDBACK, {}).pop(form, None)


def problems_of(exc: Exception) -> list[Problem]:
    if isinstance(exc, ValidationFailed):
        return list(exc.problems)
    if isinstance(exc, ValidationError):
        return problems_from(exc)
    return [Problem(str(exc))]


def refused(form: str, exc: Exception) -> None:
    """Record a refusal: problems by field, or the other person's version on a conflict."""
    if isinstance(exc, EditConflict):
        set_feedback(form, Feedback(conflict=str(exc), current=exc.current))
    elif isinstance(exc, DatabaseUnavailable) and not isinstance(exc, DatabaseBusy):
        set_feedback(form, Feedback(problems=[Problem(not_saved(exc))]))
    else:
        refuse(form, problems_of(exc))


def refuse(form: str, problems: list[Problem]) -> None:
    """Record the problems that refused a save, with the values they were found in."""
    prefix = f"{form}."
    values = {k: v for k, v in st.session_state.items() if str(k).startswith(prefix)}
    set_feedback(form, Feedback(problems=problems, refused_values=values))


def still_refused(form: str, problem: Problem) -> bool:
    """False once the curator changed the field the problem is about (or a field it was
    checked against): the old message must not stand under a corrected value."""
    values = feedback(form).refused_values
    base = base_field(problem.field)
    if not values or not base:
        return True
    for name in (base, *LINKED_FIELDS.get(base, ())):
        k = key(form, name)
        if k in values and st.session_state.get(k) != values[k]:
            return False
    return True


def not_saved(exc: DatabaseUnavailable) -> str:
    """A save the database refused (a read-only file or server, a full disk, a server gone):
    the curator's fields stay filled in, and the message says nothing was saved and who can
    fix it. (Busy is different: trying again is enough, and its own message says so.)"""
    reason = without_secrets(str(exc), database_url()).rstrip(".")
    return (
        f"nothing was saved: the database could not be written ({reason}). Your entries are "
        "still in the form; ask whoever runs the tracker to make the database writable, "
        "then save again"
    )


def base_field(name: str | None) -> str | None:
    """ "claims[0].value" or "aliases[2]" -> the form's field ("value", "aliases")."""
    if not name:
        return None
    last = name.split(".")[-1]
    return last.split("[")[0].split("/")[0].strip()


def label(name: str | None) -> str:
    base = base_field(name) or ""
    return FIELD_LABELS.get(base, base.replace("_", " ").capitalize())


def problem_text(problem: Problem) -> str:
    where = []
    if problem.file:
        where.append(problem.file)
    if problem.line:
        where.append(f"line {problem.line}" if problem.file else f"row {problem.line}")
    if problem.field:
        where.append(label(problem.field))
    return f"{', '.join(where)}: {problem.message}" if where else problem.message


def field_errors(form: str, *names: str) -> None:
    """The problems of these fields, under them, each naming its field."""
    for problem in feedback(form).problems:
        if base_field(problem.field) in names and still_refused(form, problem):
            st.error(md(f"{label(problem.field)}: {problem.message}"), icon=":material/error:")


def other_errors(form: str, drawn: set[str]) -> None:
    """Problems about no field the form drew (a refusal, a database error): by the button."""
    for problem in feedback(form).problems:
        if base_field(problem.field) not in drawn:
            st.error(md(problem_text(problem)), icon=":material/error:")


def has_problem(form: str, names: set[str]) -> bool:
    return any(base_field(p.field) in names for p in feedback(form).problems)


def saved_message(form: str) -> None:
    fb = feedback(form)
    if fb.saved:
        st.success(md(fb.saved), icon=":material/check_circle:")


def seed(key: str, value: Any) -> None:
    """A widget's starting value, set once in session state (never both there and as the
    widget's `value`, which Streamlit warns about)."""
    if key not in st.session_state:
        st.session_state[key] = value


# --- vocabulary as choices --------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """Options of a searchable select box: each entry's own label, then one option per
    alias ("UN human rights office → OHCHR"), so that typing any name a source uses finds
    it. `key_of` maps every option to its key; `label_of` a key to its own label."""

    options: list[str]
    key_of: dict[str, str]
    label_of: dict[str, str]

    def key(self, option: str | None) -> str | None:
        return self.key_of.get(option) if option else None


def _choices(entries: list[tuple[str, str, str, list[str]]]) -> Choices:
    """`entries`: (key, its own label, the short name aliases point to, aliases)."""
    options: list[str] = []
    key_of: dict[str, str] = {}
    label_of: dict[str, str] = {}
    for key, main, short, aliases in sorted(entries, key=lambda e: e[1].casefold()):
        options.append(main)
        key_of[main] = key
        label_of[key] = main
        seen = {normalise_name(main), normalise_name(short)}
        for alias in aliases:
            norm = normalise_name(alias)
            if not alias or norm in seen:
                continue
            seen.add(norm)
            option = f"{alias} → {short}"
            if option not in key_of:
                options.append(option)
                key_of[option] = key
    return Choices(options, key_of, label_of)


def claimant_label(name: str, short_name: str | None) -> str:
    """ "OHCHR — UN Office of the High Commissioner for Human Rights" """
    return f"{short_name} — {name}" if short_name and short_name != name else name


def place_label(name: str, code: str) -> str:
    """ "Donetsk Oblast (UA-14)" """
    return f"{name} ({code})"


def claimant_choices(vocab: Vocabulary) -> Choices:
    entries = []
    for key, c in vocab.claimants.items():
        aliases = [c.name, c.short_name or "", *(c.aliases or [])]
        main = claimant_label(c.name, c.short_name)
        entries.append((key, main, c.short_name or c.name, aliases))
    return _choices(entries)


def place_choices(vocab: Vocabulary) -> Choices:
    entries = []
    for key, p in vocab.places.items():
        main = place_label(p.name, p.iso_code or key)
        entries.append((key, main, main, [p.name, *(p.aliases or [])]))
    return _choices(entries)


def metric_label(vocab: Vocabulary) -> Callable[[str], str]:
    return lambda key: vocab.metrics[key].label if key in vocab.metrics else key


QUALIFIER_LABELS = {q.value: (QUALIFIER_WORDS[q] or "exactly") for q in Qualifier}
CUMULATIVE_LABELS = {
    "metric": "As the metric usually is",
    "cumulative": "Cumulative total",
    "period": "Per period",
}
DATE_BASIS_LABELS = {
    DateBasis.stated.value: "stated in the source",
    DateBasis.announced.value: "the day it was announced",
    DateBasis.source_published.value: "the source's publication date",
    DateBasis.inferred.value: "inferred by the curator",
}
PUBLISHED_BASIS_LABELS = {
    PublishedBasis.stated.value: "printed on it",
    PublishedBasis.inferred.value: "inferred",
}


#: Stored values in words, for the history and the import preview.
KIND_WORDS = {True: "cumulative total", False: "per-period figure"}


def value_words(name: str, value: Any, vocab: Vocabulary | None = None) -> str:
    """A stored field's value as a curator reads it: vocabulary keys by name, qualifiers
    and date bases in words, figures with separators, yes/no for flags, "—" for none."""
    base = base_field(name) or name
    if value is None or value == "":
        return "—"
    if vocab is not None:
        if base == "metric" and value in vocab.metrics:
            return vocab.metrics[value].label
        if base == "claimant" and value in vocab.claimants:
            c = vocab.claimants[value]
            return claimant_label(c.name, c.short_name)
        if base == "place" and value in vocab.places:
            p = vocab.places[value]
            return place_label(p.name, p.iso_code or value)
    if base == "cumulative" and isinstance(value, bool):
        return KIND_WORDS[value]
    if base == "qualifier":
        return QUALIFIER_LABELS.get(value, str(value))
    if base == "date_basis":
        return DATE_BASIS_LABELS.get(value, str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if base in ("value", "low", "high") and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


# --- the claim's fields ---------------------------------------------------------------------

#: Fields the claim form draws, for `other_errors`.
CLAIM_FORM_FIELDS = set(file_names(CLAIM_FIELDS))
MORE_FIELDS = {
    "quote_language",
    "quote_translation",
    "relayed_by",
    "duplicate_of",
    "statement_id",
    "id",
    "notes",
    "status",
    "status_reason",
}
TEXT_FIELDS = ("value", "low", "high", "quote", *sorted(MORE_FIELDS - {"status"}))


def key(form: str, name: str) -> str:
    return f"{form}.{name}"


def field_input(
    where: Any,
    widget: str,
    form: str,
    name: str,
    *,
    errors: tuple[str, ...] | None = None,
    **kw: Any,
) -> None:
    """Field `name`'s input (`widget`: "text_input", "selectbox", ...) in the column `where`,
    labelled as the registry labels it, with the problems of `errors` (by default the
    field's own) under it."""
    getattr(where, widget)(FIELD_LABELS[name], key=key(form, name), **kw)
    if errors != ():
        with where:
            field_errors(form, *(errors or (name,)))


def choice_input(where: Any, form: str, name: str, labels: Mapping[str, str], **kw: Any) -> None:
    """Field `name` as a choice among the keys of `labels`, each shown by its label."""
    field_input(where, "selectbox", form, name, options=list(labels), format_func=labels.get, **kw)


def publication_inputs(form: str, *, publisher_hint: str | None = None) -> None:
    """A source's publisher, publication day and whether that day was printed, side by side
    (the Add and Correct source forms)."""
    publisher, published, basis = st.columns([2, 1, 1])
    field_input(publisher, "text_input", form, "publisher", placeholder=publisher_hint)
    field_input(published, "date_input", form, "published", **DATE_LIMITS)
    choice_input(basis, form, "published_basis", PUBLISHED_BASIS_LABELS, errors=())


def seed_claim_fields(form: str) -> None:
    """Empty fields (kept ones keep their value: `seed` leaves set keys alone)."""
    for name in TEXT_FIELDS:
        seed(key(form, name), "")
    for name in ("metric", "claimant", "place", "period_start", "period_end"):
        seed(key(form, name), None)
    seed(key(form, "qualifier"), Qualifier.exact.value)
    seed(key(form, "cumulative"), "metric")
    seed(key(form, "date_basis"), DateBasis.stated.value)
    seed(key(form, "status"), Status.unverified.value)
    seed(key(form, "confirm"), False)
    seed(key(form, "override_reason"), "")


def fill_claim_fields(
    form: str, fields: Mapping[str, Any], choices: tuple[Choices, Choices]
) -> None:
    """Put a stored claim (a revision snapshot: keys and ISO dates) into the form."""
    claimants, places = choices
    ss = st.session_state
    for name in TEXT_FIELDS:
        value = fields.get(name)
        ss[key(form, name)] = "" if value is None else str(value)
    ss[key(form, "metric")] = fields.get("metric")
    ss[key(form, "claimant")] = claimants.label_of.get(fields.get("claimant") or "")
    ss[key(form, "place")] = places.label_of.get(fields.get("place") or "")
    for name in ("period_start", "period_end"):
        value = fields.get(name)
        ss[key(form, name)] = date.fromisoformat(value) if value else None
    ss[key(form, "qualifier")] = fields.get("qualifier") or Qualifier.exact.value
    cumulative = fields.get("cumulative")
    ss[key(form, "cumulative")] = (
        "metric" if cumulative is None else "cumulative" if cumulative else "period"
    )
    ss[key(form, "date_basis")] = fields.get("date_basis") or DateBasis.stated.value
    ss[key(form, "status")] = fields.get("status") or Status.unverified.value
    ss[key(form, "confirm")] = False
    ss[key(form, "override_reason")] = ""


def clear_claim_fields(form: str, keep: tuple[str, ...] = ()) -> None:
    """Empty the fields for the next claim, except `keep` (call from a callback)."""
    ss = st.session_state
    for name in CLAIM_FORM_FIELDS | {"confirm", "override_reason"}:
        if name not in keep:
            ss.pop(key(form, name), None)
    seed_claim_fields(form)


def claim_raw(form: str, choices: tuple[Choices, Choices], *, with_status: bool) -> dict[str, Any]:
    """The form's values as the data format writes them (vocabulary by key); empty fields
    are left out, so that a missing one is reported as required."""
    claimants, places = choices
    ss = st.session_state
    raw: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in ("status_reason",) and not with_status:
            continue
        value = ss.get(key(form, name))
        if isinstance(value, str) and value.strip():
            raw[name] = value
    for name in ("metric", "period_start", "period_end", "qualifier", "date_basis"):
        if ss.get(key(form, name)) is not None:
            raw[name] = ss[key(form, name)]
    claimant = claimants.key(ss.get(key(form, "claimant")))
    place = places.key(ss.get(key(form, "place")))
    if claimant:
        raw["claimant"] = claimant
    if place:
        raw["place"] = place
    kind = ss.get(key(form, "cumulative"), "metric")
    if kind != "metric":
        raw["cumulative"] = kind == "cumulative"
    if with_status and ss.get(key(form, "status")):
        raw["status"] = ss[key(form, "status")]
    if ss.get(key(form, "confirm")):
        reason = (ss.get(key(form, "override_reason")) or "").strip()
        raw["check_override"] = reason or None
    return raw


def parse_claim(raw: Mapping[str, Any]) -> tuple[ClaimIn | None, list[Problem]]:
    try:
        return ClaimIn.model_validate(dict(raw)), []
    except ValidationError as exc:
        return None, problems_from(exc)


def claim_fields(
    form: str,
    vocab: Vocabulary,
    choices: tuple[Choices, Choices],
    *,
    check: QuoteCheck | None,
    with_status: bool = False,
    with_id: bool = True,
    kept: tuple[str, ...] = (),
) -> None:
    """Draw a claim's fields with their problems under them. `check` is the quote check
    of the claim as filled in: a mismatch shows a warning and asks for an explicit
    confirmation with a reason (kept on the claim as `check_override`). `kept` fields keep
    their value for the whole session (the entry form keeps claimant and period)."""
    claimants, places = choices
    persist = {name: ("session" if name in kept else None) for name in CLAIM_FORM_FIELDS}

    what, qualifier = st.columns([3, 2])
    field_input(
        what,
        "selectbox",
        form,
        "metric",
        options=list(vocab.metrics),
        format_func=metric_label(vocab),
        index=None,
        placeholder="Choose what the figure counts",
        filter_mode="contains",
        help="Metrics are never added together: civilians killed is not people killed.",
    )
    choice_input(
        qualifier,
        form,
        "qualifier",
        QUALIFIER_LABELS,
        help="As the claimant said it: 'at least 12' does not contradict 15.",
    )
    value, low, high = st.columns(3)
    field_input(
        value,
        "text_input",
        form,
        "value",
        placeholder="e.g. 7,199",
        help="A whole number, with or without thousands separators. Leave it empty for a "
        "range without a central figure.",
    )
    field_input(low, "text_input", form, "low", placeholder="for 'between 40 and 50'")
    field_input(high, "text_input", form, "high")

    # Who and where: a vocabulary entry each, found by any of its names.
    who, where = st.columns(2)
    for column, name, choices, placeholder, help_ in (
        (
            who,
            "claimant",
            claimants,
            "Type any name: UN human rights office, General Staff…",
            "The body that produced the figure, not the outlet that published it.",
        ),
        (where, "place", places, "Type a name or code: Donetsk region, UA-14…", None),
    ):
        field_input(
            column,
            "selectbox",
            form,
            name,
            options=choices.options,
            index=None,
            placeholder=placeholder,
            filter_mode="contains",
            persist_state=persist[name],
            help=help_,
        )

    start, end, kind, basis = st.columns(4)
    period_help = {
        "period_start": "Where the count starts (for most cumulative war tolls, the day the war "
        "began: see its conflict). Empty when the source does not say.",
        "period_end": "The last day the figure covers; relative words ('over the past 24 "
        "hours') are counted back from the publication date.",
    }
    for column, name in ((start, "period_start"), (end, "period_end")):
        field_input(
            column,
            "date_input",
            form,
            name,
            persist_state=persist[name],
            help=period_help[name],
            **DATE_LIMITS,
        )
    choice_input(
        kind,
        form,
        "cumulative",
        CUMULATIVE_LABELS,
        errors=(),
        help="Cumulative: a running total from the start of the period to the as-of date. "
        "Per period: one window (a day, a week).",
    )
    choice_input(
        basis,
        form,
        "date_basis",
        DATE_BASIS_LABELS,
        errors=("date_basis", "cumulative"),
        persist_state=persist["date_basis"],
    )

    st.text_area(
        FIELD_LABELS["quote"],
        key=key(form, "quote"),
        height=100,
        placeholder="Paste the passage that carries the figure, word for word",
    )
    field_errors(form, "quote")
    confirm_mismatch(form, check)

    with st.expander("More fields", expanded=has_problem(form, MORE_FIELDS)):
        lang, relayed = st.columns(2)
        field_input(
            lang,
            "text_input",
            form,
            "quote_language",
            placeholder="en, uk, ru…",
            persist_state=persist["quote_language"],
        )
        field_input(
            relayed,
            "text_input",
            form,
            "relayed_by",
            errors=(),  # shown with the notes'
            placeholder="e.g. Reuters (text reposted by the outlet)",
        )
        st.text_area(FIELD_LABELS["quote_translation"], key=key(form, "quote_translation"))
        field_errors(form, "quote_translation")
        dup, stmt, ident = st.columns(3) if with_id else (*st.columns(2), None)
        field_input(
            dup,
            "text_input",
            form,
            "duplicate_of",
            help="The id of a stored claim this one relays (the same statement).",
        )
        # The id's problems stand under the statement id, where they stay with or without
        # the id's own column.
        field_input(stmt, "text_input", form, "statement_id", errors=("id", "statement_id"))
        if ident is not None:
            field_input(
                ident,
                "text_input",
                form,
                "id",
                errors=(),
                help="Optional: a stable id; one is made from the source, claimant, place and "
                "period when empty.",
            )
        st.text_area(FIELD_LABELS["notes"], key=key(form, "notes"), height=80)
        field_errors(form, "notes", "relayed_by")
        if with_status:
            status, reason = st.columns([1, 2])
            field_input(
                status,
                "selectbox",
                form,
                "status",
                errors=(),
                options=[s.value for s in Status],
                help="Editors may enter a claim already reviewed.",
            )
            field_input(
                reason, "text_input", form, "status_reason", errors=("status", "status_reason")
            )


def confirm_mismatch(form: str, check: QuoteCheck | None) -> None:
    """A failed quote check is a warning, not a refusal: the curator may save anyway by
    ticking the box and saying why (the reason stays on the claim)."""
    show = (check is not None and not check.ok) or has_problem(form, {"check_override"})
    if not show:
        return
    for problem in check.problems() if check is not None else []:
        st.warning(md(problem.message), icon=":material/warning:")
    left, right = st.columns([1, 2])
    left.checkbox(
        "Save anyway: I checked the quote and figure",
        key=key(form, "confirm"),
    )
    right.text_input(
        FIELD_LABELS["check_override"],
        key=key(form, "override_reason"),
        placeholder="e.g. the quote says 'doubled to 400'; the stored text is an older version",
    )
    with right:
        field_errors(form, "check_override")


def same_statement_warning(
    engine: Any, draft: ClaimIn, *, row: int | None = None, links: bool = True
) -> None:
    """Warn while entering that the draft's statement (claimant, metric, place, period and
    figure) is already stored, with a link to each stored copy: a relay of it is worth
    storing (as a duplicate of it), a second copy from the same source is not."""
    stored = curation.same_statement(engine, draft)
    if not stored:
        return
    where = f"Row {row}: " if row is not None else ""
    copies = "; ".join(
        f"claim #{s.claim_id} ({s.publisher}, {s.published:%d %b %Y}: {s.title})" for s in stored
    )
    st.warning(
        md(f"{where}the same statement is already stored: {copies}."),
        icon=":material/content_copy:",
    )
    for s in stored if links else []:
        st.page_link(
            SOURCE_PAGE,
            label=f"Open claim #{s.claim_id}'s source",
            icon=":material/article:",
            query_params={"source": str(s.source_id)},
        )


def draft_check(claim_in: ClaimIn | None, source: Any) -> QuoteCheck | None:
    return quote_checks(claim_in, source) if claim_in is not None else None


def handle(form: str, action: Callable[[], str | None]) -> bool:
    """Run a save; its message or its refusal becomes the form's feedback. True if saved.
    A save brings the stored findings of the checks up to date (the Checks page)."""
    try:
        message = action()
    except (TrackerError, ValidationError) as exc:  # a form's input, or the store's refusal
        refused(form, exc)
        return False
    set_feedback(form, Feedback(saved=message))
    data.refresh_findings()
    return True


def save_correction(
    form: str,
    edit: Callable[..., int],
    engine: Engine,
    record_id: int,
    changes: Mapping[str, Any],
    opened: Mapping[str, Any],
    reason: str,
    reload: Callable[[], None],
) -> bool:
    """Save a correction of a claim or a source (`curation.edit_claim`/`edit_source`) as a
    revision of the version the curator opened, then `reload` the form from what is stored;
    as `handle` does otherwise. True if saved."""

    def act() -> str:
        version = edit(
            engine, user(), record_id, changes, expected_version=opened["version"], reason=reason
        )
        reload()
        fields = ", ".join(label(f).lower() for f in changes)
        return f"Saved as version {version}. Changed: {fields}."

    return handle(form, act)


#: What a correction may change (the key stays; the status changes by review).
EDITABLE_CLAIM_FIELDS = names(CLAIM_FIELDS, editable=True)


def claim_changes(claim_in: ClaimIn, original: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the form changes, compared as revisions record them (keys, ISO dates)."""
    new = claim_in.model_dump(mode="json")
    changes = {f: new.get(f) for f in EDITABLE_CLAIM_FIELDS if new.get(f) != original.get(f)}
    if changes.get("cumulative", False) is None:
        del changes["cumulative"]  # "as the metric usually is" keeps what is stored
    if claim_in.check_override:
        changes["check_override"] = claim_in.check_override
    return changes


def conflict_box(form: str, opened: Mapping[str, Any], reload: Callable[[], None]) -> None:
    """An edit refused because someone saved the record since this form was opened: the
    message, what they changed (the record as opened beside the record now), and a way to
    start again from their version. Nothing was overwritten."""
    fb = feedback(form)
    if not fb.conflict:
        return
    st.error(md(fb.conflict[:1].upper() + fb.conflict[1:] + "."), icon=":material/sync_problem:")
    current = fb.current or {}
    rows = [
        {
            "Field": label(f),
            "When you opened it": _cell(opened.get(f)),
            "Now": _cell(current.get(f)),
        }
        for f in current
        if opened.get(f) != current.get(f)
    ]
    if rows:
        st.markdown("**What changed since you opened it**")
        st.dataframe(rows, hide_index=True, width="stretch")
    st.button(
        "Load the current version (your unsaved changes are dropped)",
        key=f"{form}.reload",
        on_click=reload,
        icon=":material/refresh:",
    )


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
