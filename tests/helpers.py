"""Small builders for test data files, so that each test shows only what it is about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

BASE_SOURCE = {
    "url": "https://example.org/news/offensive",
    "title": "New offensive under way, says alliance",
    "publisher": "Example Wire",
    "published": "2023-02-14",
}
BASE_CLAIM = {
    "id": "example-killed",
    "metric": "civilian_killed",
    "value": 7199,
    "qualifier": "at_least",
    "claimant": "ohchr",
    "place": "UA",
    "period_start": "2022-02-24",
    "period_end": "2023-02-12",
    "quote": "it had recorded 7,199 civilian deaths",
}


def source_doc(claims: list[dict[str, Any]] | None = None, **source: Any) -> dict[str, Any]:
    return {
        "source": BASE_SOURCE | source,
        "claims": [dict(BASE_CLAIM)] if claims is None else claims,
    }


def claim(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in (BASE_CLAIM | fields).items() if v is not None}


def write_doc(path: Path, doc: dict[str, Any] | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def copy_store(
    source_url: str, target: Path, accounts: dict[str, tuple[str, str]] | None = None
) -> str:
    """A copy of a SQLite store (its backup API, WAL and all) at `target`, with these
    accounts (name -> (role, password)); its URL."""
    import sqlite3

    from sqlalchemy.engine import make_url

    from tracker.store.accounts import create_user
    from tracker.store.db import make_engine, write_session
    from tracker.store.write import SYSTEM

    with sqlite3.connect(make_url(source_url).database) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    if accounts:
        engine = make_engine(url)
        with write_session(engine) as session:
            for name, (role, password) in accounts.items():
                create_user(session, SYSTEM, name, role, password)
        engine.dispose()
    return url
