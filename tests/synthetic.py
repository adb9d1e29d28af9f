"""Synthetic data for the reliability battery: fictional claimants, example.org URLs.

Never a real body's name next to an invented figure (common brief): every claimant here is
"Synthetic claimant NN" and every source is published by "Example Monitor" at example.org.
The generators are deterministic, so that a test can compute exactly what a file that was
acknowledged must have left in the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

METRICS = ("civilian_killed", "civilian_injured", "children_killed", "settlements_attacked")
PLACES = ("UA", "UA-14", "UA-09", "UA-63", "UA-65", "UA-23")
PUBLISHED = "2023-02-14"


def claimant_name(n: int) -> str:
    return f"Synthetic claimant {n:02d}"


def synthetic_claim(tag: str, i: int, *, claimants: int = 12) -> dict[str, Any]:
    """Claim `i` of the file tagged `tag`: a unique id, a figure and a quote that carries it."""
    value = 1000 + i
    return {
        "id": f"{tag}-{i}",
        "metric": METRICS[i % len(METRICS)],
        "value": value,
        "qualifier": "at_least",
        "claimant": claimant_name(i % claimants),
        "place": PLACES[i % len(PLACES)],
        "period_start": "2022-02-24",
        "period_end": "2023-02-10",
        "quote": f"the synthetic monitor recorded at least {value:,} in {tag} (claim {i})",
    }


def synthetic_source(tag: str, claims: int, *, claimants: int = 12) -> dict[str, Any]:
    """One source file's document, with `claims` claims; the URL is unique per `tag`."""
    return {
        "source": {
            "url": f"https://example.org/synthetic/{tag}",
            "title": f"Synthetic report {tag}",
            "publisher": "Example Monitor",
            "published": PUBLISHED,
            "synthetic": True,
        },
        "claims": [synthetic_claim(tag, i, claimants=claimants) for i in range(claims)],
    }


def write_source(folder: Path, tag: str, claims: int, *, claimants: int = 12) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{tag}.yaml"
    doc = synthetic_source(tag, claims, claimants=claimants)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def write_big_import(folder: Path, *, files: int = 30, claims_per_file: int = 100) -> list[Path]:
    """A large import (files x claims_per_file claims), for the kill-mid-import tests."""
    return [write_source(folder, f"big-{f:03d}", claims_per_file) for f in range(files)]
