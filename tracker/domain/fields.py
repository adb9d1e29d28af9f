"""The field registry: every field of a claim and of a source, once.

Each entry says what the field is called where (`name` in the store and the Python API,
`file_name` in the YAML data files and every export), its Table Schema type and HXL hashtag,
its label in the forms and the history, and whether a correction form edits it and a
revision records it. The store's snapshots, the importer and the CSV reader, the exports and
interchange formats, the queries and the forms all derive their lists from here, so adding a
field is one row here, the column in `models` and `schemas`, and a migration.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from tracker.domain.vocab import DateBasis, PublishedBasis, Qualifier, Status


@dataclass(frozen=True)
class Field:
    """One field. `type` is a Table Schema type (string, integer, date, ...)."""

    name: str
    type: str
    label: str
    description: str
    hxl: str | None = None
    enum: tuple[str, ...] | None = None
    format: str | None = None
    #: Must be given in a data file and is never empty in an export.
    required: bool = False
    #: The name in data files and exports, where it differs from `name`.
    file_name: str | None = None
    #: A correction form may change it (the key never changes; the status changes by review).
    editable: bool = True
    #: A revision's snapshot records it.
    snapshot: bool = True
    #: A vocabulary entry (metric, claimant, place), stored by id, read and written by key.
    reference: bool = False
    #: The quote checks read it: changing it runs them again.
    quote_checked: bool = False
    #: Exported as a column of the flat tables (the article text is too long for a cell).
    tabular: bool = True
    #: Written by the exports (the publication time stays in the store: files carry the day).
    exported: bool = True
    #: In the claim rows the pages read (`tracker.read.queries`), beside the claim's
    #: vocabulary names and source.
    listed: bool = True
    #: Its column heading in the extraction assistant's table of drafts (the label, shorter);
    #: None: the assistant does not draft it.
    heading: str | None = None

    @property
    def file(self) -> str:
        return self.file_name or self.name


def _values(enum: type) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


#: A claim's fields, in the order of the data files and the exports.
CLAIM_FIELDS: tuple[Field, ...] = (
    Field(
        "key",
        "string",
        "Claim id",
        "Stable claim id",
        "#meta+id",
        required=True,
        file_name="id",
        editable=False,
    ),
    Field(
        "metric",
        "string",
        "What is counted",
        "What is counted (a metric key)",
        "#indicator+code",
        required=True,
        reference=True,
        heading="Metric",
    ),
    Field(
        "value",
        "integer",
        "Figure",
        "The figure as claimed",
        "#indicator+num",
        quote_checked=True,
        heading="Figure",
    ),
    Field(
        "low",
        "integer",
        "Range from",
        "Low end of a stated range",
        "#indicator+num+low",
        quote_checked=True,
        heading="Low",
    ),
    Field(
        "high",
        "integer",
        "Range to",
        "High end of a stated range",
        "#indicator+num+high",
        quote_checked=True,
        heading="High",
    ),
    Field(
        "qualifier",
        "string",
        "Qualifier",
        "How the claimant qualified the figure (at_least: a lower bound)",
        "#indicator+qualifier",
        enum=_values(Qualifier),
        required=True,
        heading="Qualifier",
    ),
    Field(
        "claimant",
        "string",
        "Claimant",
        "Who made the claim (a claimant key)",
        "#org+code",
        required=True,
        reference=True,
        heading="Claimant",
    ),
    Field(
        "place",
        "string",
        "Place",
        "Where (a place key)",
        "#loc+code",
        required=True,
        reference=True,
        heading="Place",
    ),
    Field(
        "period_start",
        "date",
        "Period from",
        "First day the figure covers",
        "#date+start",
        heading="From",
    ),
    Field(
        "period_end",
        "date",
        "As of",
        "The figure's as-of date (last day covered)",
        "#date+end",
        required=True,
        heading="As of",
    ),
    Field(
        "cumulative",
        "boolean",
        "Kind of figure",
        "true: counted from period_start to the as-of date; false: one period",
        "#indicator+cumulative",
        required=True,
        heading="Cumulative",
    ),
    Field(
        "date_basis",
        "string",
        "How the as-of date is known",
        "How sure the as-of date is",
        "#meta+date_basis",
        enum=_values(DateBasis),
        required=True,
        heading="Date known from",
    ),
    Field(
        "quote",
        "string",
        "Quote",
        "Verbatim passage carrying the figure",
        "#description+quote",
        required=True,
        quote_checked=True,
        heading="Quote",
    ),
    Field(
        "quote_language",
        "string",
        "Quote language",
        "Language of the quote",
        "#meta+quote_language",
        quote_checked=True,
        listed=False,
    ),
    Field(
        "quote_translation",
        "string",
        "Translation of the quote",
        "Translation of the quote",
        "#description+translation",
        quote_checked=True,
    ),
    Field(
        "status",
        "string",
        "Status",
        "Review status",
        "#status+code",
        enum=_values(Status),
        required=True,
        editable=False,
    ),
    Field(
        "status_reason",
        "string",
        "Why this status",
        "Why disputed or retracted",
        "#status+reason",
        editable=False,
    ),
    Field(
        "relayed_by",
        "string",
        "Relayed by",
        "Official or body that restated the figure",
        "#org+relay+name",
    ),
    Field(
        "duplicate_of",
        "string",
        "Same statement as claim",
        "Id of the claim this one relays",
        "#meta+duplicate_of",
        listed=False,
    ),
    Field(
        "statement_id",
        "string",
        "Statement id",
        "Curator's id of the underlying statement",
        "#meta+statement_id",
        listed=False,
    ),
    Field("notes", "string", "Notes", "Curator's notes", "#description+notes"),
    Field(
        "check_override",
        "string",
        "Reason to save anyway",
        "Why a failed quote check was accepted",
        "#description+check_override",
        editable=False,
        heading="Reason to save anyway",
    ),
)

#: A source's fields, in the order of the data files.
SOURCE_FIELDS: tuple[Field, ...] = (
    Field(
        "url",
        "string",
        "Article URL",
        "Source URL (normalised, unique)",
        format="uri",
        required=True,
    ),
    Field("title", "string", "Headline", "Title", required=True),
    Field("publisher", "string", "Publisher", "Outlet that published it", required=True),
    Field("published", "date", "Published on", "Publication date", required=True),
    Field(
        "published_at",
        "datetime",
        "Published at",
        "Publication time (UTC), when printed",
        tabular=False,
        exported=False,
    ),
    Field(
        "published_basis",
        "string",
        "Publication date",
        "stated, or inferred when no date was printed",
        enum=_values(PublishedBasis),
        required=True,
    ),
    Field("language", "string", "Language", "Language"),
    Field("archive_url", "string", "Archived copy", "Archived copy", format="uri"),
    Field("retrieved_at", "datetime", "Retrieved at", "When it was read (UTC)"),
    Field("notes", "string", "Notes", "Curator's notes"),
    Field(
        "synthetic",
        "boolean",
        "Synthetic",
        "true for made-up test data",
        required=True,
        editable=False,
    ),
    Field(
        "text", "string", "Article text", "The article's text, for the quote checks", tabular=False
    ),
)

CLAIM_FIELD = {f.name: f for f in CLAIM_FIELDS}
SOURCE_FIELD = {f.name: f for f in SOURCE_FIELDS}


def names(fields: tuple[Field, ...], **flags: bool) -> tuple[str, ...]:
    """The names of the fields whose flags have the given values, in registry order:
    `names(CLAIM_FIELDS, editable=True)`."""
    return tuple(f.name for f in fields if all(getattr(f, k) == v for k, v in flags.items()))


def file_names(fields: tuple[Field, ...], **flags: bool) -> tuple[str, ...]:
    """As `names`, in the data files' and exports' words (`id` for the claim's key)."""
    return tuple(f.file for f in fields if all(getattr(f, k) == v for k, v in flags.items()))


@dataclass(frozen=True)
class ClaimedFigure:
    """What a figure is, wherever one is described or compared: its number or range, how it
    was qualified, and the period it covers. Records that carry a figure extend it."""

    value: int | None
    low: int | None
    high: int | None
    qualifier: str
    period_start: date | None
    period_end: date
    cumulative: bool


FIGURE_FIELDS = tuple(f.name for f in dataclasses.fields(ClaimedFigure))

#: The field a claim's data-file or export name stands for (`id` -> `key`).
CLAIM_NAME_OF_FILE = {f.file: f.name for f in CLAIM_FIELDS}
