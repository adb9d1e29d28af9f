"""Domain exceptions: each carries a message a journalist or curator can act on.

The CLI turns them into one line and exit 1; the dashboard shows them with `st.error`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class TrackerError(Exception):
    """Base class: anything the user did or can fix, never a programming bug."""


@dataclass
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    def located(self, *, file: str | None, line: int | None, prefix: str = "") -> Problem:
        """This problem placed in a file: a rule names the field, its caller the place."""
        return Problem(
            self.message, file=file, line=line, field=f"{prefix}{self.field or ''}" or None
        )

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = printable(self.file)
            if self.line:
                where += f":{self.line}"
        if self.field:
            field_name = printable(self.field)
            where = f"{where} {field_name}" if where else field_name
        return f"{where}: {self.message}" if where else self.message


def printable(text: str) -> str:
    """`text` with control, invisible and direction-changing characters written as escapes:
    a field or file name comes from the input, and a message must stay one honest line
    (no newline, no right-to-left override reordering it, no character a terminal cannot
    print)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass
class ValidationFailed(TrackerError):
    """Input refused; nothing was written. Holds every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems, nothing was written:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class PermissionDenied(TrackerError):
    """The acting user may not do this (anonymous, viewer, disabled, or wrong role)."""


class NotFound(TrackerError):
    """A claim, source, claimant, place, metric or user that does not exist."""


class EditConflict(TrackerError):
    """Someone else saved the record since it was read (optimistic locking on `version`)."""

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        self.current = current or {}


class DatabaseUnavailable(TrackerError):
    """The database cannot be reached, opened or written (missing file, read-only, server down)."""


class DatabaseBusy(DatabaseUnavailable):
    """Another write held the records this one needed for too long, or changed them at the
    same moment; nothing was saved and trying again is safe."""


class FetchFailed(TrackerError):
    """A page or feed could not be fetched or read: refused address, non-HTML answer, too
    large, too slow, bad encoding, an error status. The message names the URL and the cause
    in one line."""
