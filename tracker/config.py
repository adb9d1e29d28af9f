"""Settings read from the environment, in one place.

`TRACKER_DATABASE_URL` picks the database. The default is an SQLite file inside the
project folder (git-ignored) so that `make run` works on a laptop with no server.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "tracker.db"


def database_url() -> str:
    """The database URL in force: `TRACKER_DATABASE_URL`, else the project's SQLite file."""
    url = os.environ.get("TRACKER_DATABASE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"
