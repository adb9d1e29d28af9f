"""A small synthetic dataset for the export tests: every status, a range, a relay, a
Cyrillic settlement and quote, and text that a spreadsheet would run as a formula.

Claimants are fictional ("Example Monitor", "Synthetic claimant 01") and URLs are
example.org, so that no invented figure is attributed to a real body.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.helpers import claim, source_doc, write_doc
from tracker.files.importer import import_paths
from tracker.store.write import SYSTEM

CYRILLIC_PLACE = "Вільне (тестове село)"
CYRILLIC_QUOTE = "Загинули 12 мирних жителів, повідомили в громаді"
FORMULA_QUOTE = '=HYPERLINK("https://example.org/x","7,199 recorded")'
FORMULA_REASON = "+ the monitor double counted one village"
FORMULA_NOTES = "@channel figure repeated from the bulletin"
MINUS_QUOTE = "-12 degrees and 40 people wounded"

PLACES = {
    "places": [
        {
            "key": "test-vilne",
            "name": CYRILLIC_PLACE,
            "level": "settlement",
            "parent": "UA-14",
            "aliases": ["Vilne (test)"],
        }
    ]
}
CLAIMANTS = {
    "claimants": [
        {"key": "example_monitor", "name": "Example Monitor", "kind": "ngo", "side": "monitor"},
        {
            "key": "synthetic_01",
            "name": "Synthetic claimant 01",
            "short_name": "Synthetic 01",
            "kind": "government",
            "side": "third_party",
        },
    ]
}

SOURCE_A = {
    "url": "https://example.org/wire/a",
    "title": "Monitor: at least 7,199 civilians killed",
    "publisher": "Example Wire",
    "published": "2023-02-14",
    "retrieved_at": "2023-02-15T08:30:00Z",
    "language": "en",
    "archive_url": "https://archive.example.org/wire/a",
}
SOURCE_B = {
    "url": "https://example.org/local/b",
    "title": "Громада: загинули 12 мирних жителів",
    "publisher": "Example Local",
    "published": "2023-03-02",
    "language": "uk",
}
SOURCE_C = {
    "url": "https://example.org/digest/c",
    "title": "Digest repeats the monitor's figure",
    "publisher": "Example Digest",
    "published": "2023-02-20",
}

CLAIMS_A = [
    claim(
        id="t-killed-corroborated",
        claimant="example_monitor",
        status="corroborated",
        quote=FORMULA_QUOTE,
    ),
    claim(
        id="t-injured-disputed",
        metric="civilian_injured",
        value=40,
        qualifier="about",
        claimant="example_monitor",
        place="UA-14",
        period_start=None,
        period_end="2023-02-13",
        cumulative=False,
        quote=MINUS_QUOTE,
        status="disputed",
        status_reason=FORMULA_REASON,
    ),
]
CLAIMS_B = [
    claim(
        id="t-vilne-killed",
        value=12,
        qualifier="exact",
        claimant="Synthetic claimant 01",
        place="test-vilne",
        period_start="2023-03-01",
        period_end="2023-03-01",
        cumulative=False,
        quote=CYRILLIC_QUOTE,
        quote_language="uk",
        quote_translation="12 civilians were killed, the community said",
        notes=FORMULA_NOTES,
    ),
    claim(
        id="t-range-retracted",
        metric="children_killed",
        value=None,
        low=5,
        high=7,
        qualifier="exact",
        claimant="Synthetic claimant 01",
        place="UA-14",
        period_start=None,
        period_end="2023-02-28",
        cumulative=False,
        quote="between five and seven children",
        status="retracted",
        status_reason="the community withdrew the figure",
    ),
]
CLAIMS_C = [
    claim(
        id="t-killed-relayed",
        claimant="example_monitor",
        duplicate_of="t-killed-corroborated",
        relayed_by="Example spokesperson",
        quote="the monitor has recorded 7,199 civilian deaths",
    ),
]
ALL_KEYS = {c["id"] for c in CLAIMS_A + CLAIMS_B + CLAIMS_C}
VERDICT_KEYS = {"t-killed-corroborated", "t-injured-disputed", "t-range-retracted"}


def write_dataset(folder: Path) -> Path:
    write_doc(folder / "places-test.yaml", PLACES)
    write_doc(folder / "claimants-test.yaml", CLAIMANTS)
    write_doc(folder / "sources" / "a.yaml", source_doc(CLAIMS_A, **SOURCE_A))
    write_doc(folder / "sources" / "b.yaml", source_doc(CLAIMS_B, **SOURCE_B))
    write_doc(folder / "sources" / "c.yaml", source_doc(CLAIMS_C, **SOURCE_C))
    return folder


def load_dataset(engine: Engine, folder: Path) -> Engine:
    """Import the dataset into a database that already holds the project's vocabularies."""
    import_paths(engine, SYSTEM, [write_dataset(folder)])
    return engine
