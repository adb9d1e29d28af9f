"""Input models: everything a user, file or form hands in is validated here first.

SQLModel's `table=True` classes do not validate, so these pydantic models are the gate:
the write functions in `tracker.store.write` accept only `SourceIn` and `ClaimIn` instances.
Messages are written for journalists ("the period ends before it starts"), not for
programmers, and every problem names its field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from rapidfuzz import fuzz, process

from tracker.core.errors import Problem
from tracker.core.urls import MAX_URL_LENGTH, BadURL, normalise_url
from tracker.domain.vocab import (
    STATUSES_NEEDING_REASON,
    ClaimantKind,
    ClaimantSide,
    DateBasis,
    PlaceLevel,
    PublishedBasis,
    Qualifier,
    Status,
)

#: Far beyond any casualty count, but inside a 64-bit integer on every database.
MAX_FIGURE = 10**12
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
#: The length limit of every text field, in characters: the one table forms, imports and
#: docs/curation.md use. A field kept in a column of fixed length is limited to that length
#: at most, so that an over-long value is a field problem and not a database error
#: (tests/test_hostile_input.py checks that every limit fits its column). Free text is
#: limited too: a note nobody can read in full is a mistake, and a spreadsheet cell holds
#: at most 32,767 characters (the CSV export).
TEXT_LIMITS: dict[str, int] = {
    # sources
    "url": MAX_URL_LENGTH,
    "archive_url": MAX_URL_LENGTH,
    "title": 1_000,
    "publisher": 300,
    "language": 16,
    "text": 1_000_000,  # an article's full text (kept for the quote checks, not exported)
    "notes": 10_000,
    # claims
    "id": 200,
    "metric": 64,
    "claimant": 300,
    "place": 200,
    "quote": 5_000,
    "quote_language": 16,
    "quote_translation": 5_000,
    "status_reason": 2_000,
    "relayed_by": 300,
    "duplicate_of": 200,
    "statement_id": 200,
    "check_override": 2_000,
    # vocabularies
    "key": 64,
    "label": 200,
    "noun": 200,
    "unit": 64,
    "hxl": 100,
    "description": 5_000,
    "name": 200,
    "short_name": 100,
    "aliases": 200,
    "iso_code": 16,
    "parent": 200,
    # wars (conflicts): the countries' ISO codes, and the place a conflict's charts open on
    "country": 2,
    "default_place": 64,
    # the reason given for any change (kept in its revision)
    "reason": 2_000,
}
MAX_TEXT = TEXT_LIMITS["text"]
MAX_QUOTE = TEXT_LIMITS["quote"]
MAX_SHORT = TEXT_LIMITS["title"] // 2


def too_long(value: str, limit: int) -> str | None:
    """The message for a text over its limit, naming the limit; None when it fits."""
    if len(value) <= limit:
        return None
    return f"is {len(value):,} characters long; the limit is {limit:,}"


def reason_problems(reason: str | None, *, required: bool = True) -> list[Problem]:
    """The reason given for a change (kept in its revision): required, within its limit."""
    if not reason or not reason.strip():
        return [Problem("say why this change is made", field="reason")] if required else []
    if message := too_long(reason.strip(), TEXT_LIMITS["reason"]):
        return [Problem(message, field="reason")]
    return []


#: A source dated "tomorrow" in UTC may be today where it was published.
PUBLICATION_GRACE = timedelta(days=1)
EARLIEST_TIME = datetime(1900, 1, 2, tzinfo=UTC)  # a day inside the date range, any zone
LATEST_TIME = datetime(2100, 12, 30, tzinfo=UTC)


def _figure(value: Any) -> Any:
    """A count of people or places: a whole, non-negative number.

    Accepts `7199`, `"7199"`, `"7,199"` (CSV and form input); refuses booleans, fractions,
    NaN and infinities with a message that says why.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("must be a number")
        if not value.is_integer():
            raise ValueError("must be a whole number")
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
        if text[:1] in ("-", "\u2212") and text[1:].replace(".", "", 1).isdigit():
            raise ValueError("cannot be negative")
        if not text.isdigit():
            raise ValueError(f"must be a whole number, got {value!r}")
        value = int(text)
    if not isinstance(value, int):
        raise ValueError("must be a whole number")
    if value < 0:
        raise ValueError("cannot be negative")
    if value > MAX_FIGURE:
        raise ValueError(f"is implausibly large (over {MAX_FIGURE:,})")
    return value


def _day(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ValueError(f"must be a date like 2023-02-14, got {value!r}") from None
    if not isinstance(value, date):
        raise ValueError("must be a date like 2023-02-14")
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"{value.isoformat()} is out of range (1900 to 2100)")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: Any) -> Any:
    if value is None:
        return None
    if type(value) is str:  # nearly always: checked first, as it is the cheapest test
        text = value
    elif isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("must be text")
    else:
        text = str(value)
    if "\x00" in text:
        raise ValueError("contains a NUL character")
    if not text.isascii() and _SURROGATE.search(text):
        # Only a broken "\uD800" escape makes one; no database can store it as UTF-8.
        raise ValueError("contains an invalid character (a lone UTF-16 surrogate)")
    return text


def _url(value: Any) -> Any:
    if value is None or value == "":
        return None
    try:
        return normalise_url(value)
    except BadURL as exc:
        raise ValueError(f"{exc}") from None


def _clean_optional(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _optional_text(field: str):
    limit = TEXT_LIMITS[field]

    def check(value: Any) -> Any:
        value = _clean_optional(value)
        if value is not None and len(value) > limit:
            raise ValueError(too_long(value, limit))
        return value

    return BeforeValidator(check)


Figure = Annotated[int | None, BeforeValidator(_figure)]
Day = Annotated[date | None, BeforeValidator(_day)]
URL = Annotated[str | None, BeforeValidator(_url)]


def _required_text(field: str):
    limit = TEXT_LIMITS[field]

    def check(value: Any) -> Any:
        text = _text(value)
        if text is not None:
            text = text.strip()
        if not text:
            raise ValueError("is required")
        if len(text) > limit:
            raise ValueError(too_long(text, limit))
        return text

    return BeforeValidator(check)


Alias = Annotated[str, _required_text("aliases")]


def utc_today() -> date:
    return datetime.now(UTC).date()


def date_problems(
    published: date, period_end: date | None = None, *, today: date | None = None
) -> list[Problem]:
    """The dates rule, written once and called by every entry path (forms, YAML and CSV
    imports, the bulk loader): a source cannot be published after today (with a day's grace
    for time zones), and a claim cannot be dated after the source that reports it.

    With `period_end`, the claim is checked against its source's `published` (the source's
    own date was checked when it was entered). Problems name the field ("published" or
    "period_end"); callers add the file, line and prefix."""
    if period_end is not None:
        if period_end > published:
            return [
                Problem(
                    f"the figure's period ends {period_end}, after the source was published "
                    f"({published})",
                    field="period_end",
                )
            ]
        return []
    latest = (today or utc_today()) + PUBLICATION_GRACE
    if published > latest:
        return [
            Problem(
                f"{published} is in the future: a source cannot be published after today "
                f"({latest - PUBLICATION_GRACE})",
                field="published",
            )
        ]
    return []


class _Input(BaseModel):
    # Unknown keys are refused so that a typo ("vaule") is reported, not silently dropped.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=False)


class SourceIn(_Input):
    """A source as entered in a form or a data file."""

    url: Annotated[str, BeforeValidator(_url)]
    title: Annotated[str, _required_text("title")]
    publisher: Annotated[str, _required_text("publisher")]
    published: Annotated[date, BeforeValidator(_day)]
    published_at: datetime | None = None
    published_basis: PublishedBasis = PublishedBasis.stated
    language: Annotated[str | None, _optional_text("language")] = None
    text: Annotated[str | None, BeforeValidator(_text)] = None
    archive_url: URL = None
    retrieved_at: datetime | None = None
    notes: Annotated[str | None, _optional_text("notes")] = None
    synthetic: bool = False

    @model_validator(mode="before")
    @classmethod
    def _split_published(cls, data: Any) -> Any:
        # A date-time in `published` keeps its time in `published_at`.
        if isinstance(data, dict) and isinstance(data.get("published"), datetime):
            data = dict(data)
            data.setdefault("published_at", data["published"])
        return data

    @field_validator("published")
    @classmethod
    def _not_in_future(cls, v: date) -> date:
        for problem in date_problems(v):
            raise ValueError(problem.message)
        return v

    @field_validator("published_at", "retrieved_at")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        # A time written without a zone is taken as UTC, and said so in the docs.
        if v is None:
            return None
        if v.tzinfo is None:
            v = v.replace(tzinfo=UTC)
        # Compared before converting: converting year 1 or 9999 to UTC overflows.
        if not EARLIEST_TIME <= v <= LATEST_TIME:
            raise ValueError(f"{v.isoformat()} is out of range (1900 to 2100)")
        return v.astimezone(UTC)

    @field_validator("url")
    @classmethod
    def _url_required(cls, v: str | None) -> str:
        if not v:
            raise ValueError("is required")
        return v

    @field_validator("text")
    @classmethod
    def _text_size(cls, v: str | None) -> str | None:
        if v is not None and (message := too_long(v, MAX_TEXT)):
            raise ValueError(message)
        return v or None


class ClaimIn(_Input):
    """A claim as entered in a form or a data file; vocabulary fields are still words."""

    id: Annotated[str | None, _optional_text("id")] = None
    metric: Annotated[str, _required_text("metric")]
    value: Figure = None
    low: Figure = None
    high: Figure = None
    qualifier: Qualifier = Qualifier.exact
    claimant: Annotated[str, _required_text("claimant")]
    place: Annotated[str, _required_text("place")]
    period_start: Day = None
    period_end: Annotated[date, BeforeValidator(_day)]
    cumulative: bool | None = None
    date_basis: DateBasis = DateBasis.stated
    quote: Annotated[str, _required_text("quote")]
    quote_language: Annotated[str | None, _optional_text("quote_language")] = None
    quote_translation: Annotated[str | None, _optional_text("quote_translation")] = None
    status: Status = Status.unverified
    status_reason: Annotated[str | None, _optional_text("status_reason")] = None
    relayed_by: Annotated[str | None, _optional_text("relayed_by")] = None
    duplicate_of: Annotated[str | None, _optional_text("duplicate_of")] = None
    statement_id: Annotated[str | None, _optional_text("statement_id")] = None
    notes: Annotated[str | None, _optional_text("notes")] = None
    check_override: Annotated[str | None, _optional_text("check_override")] = None

    @model_validator(mode="after")
    def _consistent(self) -> ClaimIn:
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("value: give the figure, or both low and high for a range")
        if (self.low is None) != (self.high is None) and self.value is None:
            raise ValueError("low/high: a range needs both low and high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(
                f"low: the range's low ({self.low:,}) is above its high ({self.high:,})"
            )
        if self.value is not None and self.low is not None and self.value < self.low:
            raise ValueError(f"value: {self.value:,} is below the range's low ({self.low:,})")
        if self.value is not None and self.high is not None and self.value > self.high:
            raise ValueError(f"value: {self.value:,} is above the range's high ({self.high:,})")
        if self.period_start and self.period_start > self.period_end:
            raise ValueError(
                f"period_start: the period starts ({self.period_start}) after it ends "
                f"({self.period_end})"
            )
        if self.status in STATUSES_NEEDING_REASON and not self.status_reason:
            raise ValueError(f"status_reason: a {self.status.value} claim needs a reason")
        return self

    @property
    def figure(self) -> int:
        """The one number that stands for the claim: the value, else the range's low."""
        return self.value if self.value is not None else int(self.low or 0)


class MetricSignals(_Input):
    """The words that signal a metric in an article (docs/vocabularies.md): a population
    ("civilians") and an outcome ("killed"); `standalone` words say it alone ("refugees",
    "IDPs"). '*' in a word stands for any ending."""

    population: list[Alias] = Field(default_factory=list)
    outcome: list[Alias] = Field(default_factory=list)
    standalone: list[Alias] = Field(default_factory=list)


class MetricIn(_Input):
    key: Annotated[str, _required_text("key")]
    label: Annotated[str, _required_text("label")]
    noun: Annotated[str | None, _optional_text("noun")] = None
    unit: Annotated[str, _required_text("unit")] = "people"
    cumulative: bool = True
    hxl: Annotated[str | None, _optional_text("hxl")] = None
    description: Annotated[str | None, _optional_text("description")] = None
    signals: MetricSignals = Field(default_factory=MetricSignals)


class ConflictIn(_Input):
    """A war as a scope: its name, the day it began and the countries it is fought in."""

    key: Annotated[str, _required_text("key")]
    name: Annotated[str, _required_text("name")]
    start: Annotated[date, BeforeValidator(_day)]
    countries: list[Annotated[str, _required_text("country")]] = Field(min_length=1)
    aliases: list[Alias] = Field(default_factory=list)
    default_metric: Annotated[str | None, _optional_text("metric")] = None
    default_place: Annotated[str | None, _optional_text("default_place")] = None
    description: Annotated[str | None, _optional_text("description")] = None

    @field_validator("countries")
    @classmethod
    def _iso_countries(cls, v: list[str]) -> list[str]:
        import pycountry

        out = []
        for code in v:
            code = code.strip().upper()
            if pycountry.countries.get(alpha_2=code) is None:
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
            out.append(code)
        return out


class PlaceIn(_Input):
    key: Annotated[str, _required_text("key")]
    name: Annotated[str, _required_text("name")]
    iso_code: Annotated[str | None, _optional_text("iso_code")] = None
    level: PlaceLevel = PlaceLevel.region
    parent: Annotated[str | None, _optional_text("parent")] = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    aliases: list[Alias] = Field(default_factory=list)


class ClaimantIn(_Input):
    key: Annotated[str, _required_text("key")]
    name: Annotated[str, _required_text("name")]
    short_name: Annotated[str | None, _optional_text("short_name")] = None
    kind: ClaimantKind = ClaimantKind.other
    side: ClaimantSide = ClaimantSide.unknown
    aliases: list[Alias] = Field(default_factory=list)


def closest_name(word: str, names: Iterable[str]) -> str | None:
    """The name `word` was most likely meant to be ("qualifer" -> "qualifier"), for a hint
    in a message; None when nothing is close."""
    found = process.extractOne(word.lower(), list(names), scorer=fuzz.ratio, score_cutoff=75)
    return found[0] if found else None


def _fields_of(model_name: str) -> list[str]:
    model = {m.__name__: m for m in (SourceIn, ClaimIn, MetricIn, PlaceIn, ClaimantIn)}.get(
        model_name
    )
    return list(model.model_fields) if model else []


def problems_from(
    exc: ValidationError, *, file: str | None = None, prefix: str = "", line_of=None
) -> list[Problem]:  # noqa: ANN001
    """Turn pydantic's errors into `Problem`s that name the field in our words.

    `line_of(path)` maps a field path (tuple) to a line in the file, when known.
    """
    problems = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        message = str(err.get("msg", "is not valid"))
        for noise in ("Value error, ", "Assertion failed, "):
            message = message.replace(noise, "")
        field = ".".join(str(p) for p in loc)
        if not loc and ": " in message:
            # Model-level rules name their field at the start of the message.
            head, _, rest = message.partition(": ")
            if head.replace("_", "").replace("/", "").isalpha():
                field, message = head, rest
                loc = (head.split("/")[0],)
        if err.get("type") == "extra_forbidden":
            hint = closest_name(str(loc[-1]) if loc else "", _fields_of(exc.title))
            message = "is not a field of this format" + (
                f"; did you mean {hint}?" if hint else " (a typo?)"
            )
        elif err.get("type") == "missing":
            message = "is required"
        elif err.get("type") == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            message = f"must be one of {expected}, got {err.get('input')!r}"
        line = line_of(loc) if line_of else None
        problems.append(
            Problem(
                message=message,
                file=file,
                line=line,
                field=f"{prefix}{field}" if field else prefix.rstrip(".") or None,
            )
        )
    return problems
