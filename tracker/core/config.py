"""Settings read from the environment, in one place.

`TRACKER_DATABASE_URL` picks the database. The default is an SQLite file inside the
project folder (git-ignored) so that `make run` works on a laptop with no server.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "tracker.db"


def database_url() -> str:
    """The database URL in force: `TRACKER_DATABASE_URL`, else the project's SQLite file."""
    url = os.environ.get("TRACKER_DATABASE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def shown_url(url: str) -> str:
    """`url` as it may be shown to anyone: the password masked (in the URL's own place and
    in a `password=` query parameter), or a placeholder for a URL that cannot be parsed
    (which could hold a password anywhere)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(not a database URL)"
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "***"})
    return parsed.render_as_string(hide_password=True)


def without_secrets(text: str, url: str) -> str:
    """`text` (an error message) with the password of `url` masked wherever it appears: a
    driver may quote the URL or its parts in its own words."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return text.replace(url, shown_url(url)) if url else text
    secrets = [parsed.password, parsed.query.get("password")]
    for secret in secrets:
        if isinstance(secret, str) and secret:
            text = text.replace(secret, "***")
    return text


#: How long a login lasts without logging in again, unless `TRACKER_SESSION_HOURS` says.
DEFAULT_SESSION_HOURS = 12.0


def session_hours() -> float:
    """The lifetime of a login in hours (`TRACKER_SESSION_HOURS`, default 12): a value that
    is not a positive number falls back to the default rather than logging nobody in."""
    raw = os.environ.get("TRACKER_SESSION_HOURS", "").strip()
    try:
        hours = float(raw) if raw else DEFAULT_SESSION_HOURS
    except ValueError:
        return DEFAULT_SESSION_HOURS
    return hours if 0 < hours <= 24 * 366 else DEFAULT_SESSION_HOURS
