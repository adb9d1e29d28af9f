"""The findings of the checks as the per-claim engine found them before the columnar one
replaced it, kept in `tests/fixtures/checks_reference.json.gz` so that the new engine can be
held to exactly the same findings (rule, severity, message, claims in order, sources).

Claims are named by their keys, not ids, so that the snapshot does not depend on the
order in which a loader hands out ids. The synthetic store's input is frozen in the same
file: the generator may change, the reference must not.

Regenerate (only on purpose: the point is that it does not change):
    .venv/bin/python -m tests.checks_reference
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.checks.rules import Finding
from tracker.domain.models import Claim
from tracker.store.db import read_session

REFERENCE = Path(__file__).resolve().parent / "fixtures" / "checks_reference.json.gz"
#: The claims for two places of a 100,000-claim synthetic store: series as long and as
#: interleaved as that store's (every series rule fires), about 12,000 claims to load.
SYNTHETIC_CLAIMS = 100_000
SYNTHETIC_SEED = 3
SYNTHETIC_PLACES = {"UA", "PS-GZA"}


def _encode(value: Any) -> Any:
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot freeze {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if set(obj) == {"$date"}:
        return date.fromisoformat(obj["$date"])
    return obj


def read_reference() -> dict[str, Any]:
    with gzip.open(REFERENCE, "rt", encoding="utf-8") as f:
        return json.load(f, object_hook=_decode)


def load_sources(engine: Engine, sources: list[list[Any]]) -> None:
    """Store the frozen synthetic sources the way `tracker demo --synthetic` does."""
    from tracker.files.synthetic import ensure_vocabulary
    from tracker.store.bulk import BulkLoader
    from tracker.store.db import write_session
    from tracker.store.write import SYSTEM

    ensure_vocabulary(engine, SYSTEM)
    total = sum(len(claims) for _source, claims in sources)
    with write_session(engine) as session:
        loader = BulkLoader(session, SYSTEM, reason="frozen synthetic data", total=total)
        for source, claims in sources:
            loader.add(source, claims)
        loader.finish()


def as_rows(engine: Engine, findings: list[Finding]) -> list[list[Any]]:
    """Each finding as [rule, severity, message, claim keys, source URLs], in run order."""
    with read_session(engine) as session:
        keys = dict(session.exec(select(Claim.id, Claim.key)).all())
    return [
        [f.rule, str(f.severity), f.message, [keys[c] for c in f.claims], list(f.sources)]
        for f in findings
    ]


def _frozen_synthetic() -> list[list[Any]]:
    from tracker.domain.lookup import Vocabulary
    from tracker.files.synthetic import SyntheticVocabulary, ensure_vocabulary, generate
    from tracker.store.db import init_db, make_engine
    from tracker.store.write import SYSTEM

    engine = make_engine("sqlite://")
    init_db(engine)
    ensure_vocabulary(engine, SYSTEM)
    with read_session(engine) as session:
        vocab = SyntheticVocabulary.from_vocabulary(Vocabulary.load(session))
    items = generate(SYNTHETIC_CLAIMS, seed=SYNTHETIC_SEED, vocab=vocab)
    out = []
    for item in items:
        kept = [c for c in item.claims if c["place"] in SYNTHETIC_PLACES]
        if kept:
            out.append([item.source, kept])
    return out


def main() -> None:
    import tempfile

    from tracker.checks.rules import run_checks
    from tracker.core.config import DATA_DIR
    from tracker.files.importer import import_paths
    from tracker.store.db import init_db, make_engine
    from tracker.store.write import SYSTEM

    sources = json.loads(json.dumps(_frozen_synthetic(), default=_encode), object_hook=_decode)
    out: dict[str, Any] = {"synthetic_sources": sources, "findings": {}}
    with tempfile.TemporaryDirectory() as tmp:
        sample = make_engine(f"sqlite:///{tmp}/sample.db")
        init_db(sample)
        import_paths(sample, SYSTEM, [DATA_DIR])
        out["findings"]["sample"] = as_rows(sample, run_checks(sample))
        synthetic = make_engine(f"sqlite:///{tmp}/synthetic.db")
        init_db(synthetic)
        load_sources(synthetic, sources)
        out["findings"]["synthetic"] = as_rows(synthetic, run_checks(synthetic))
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(out, default=_encode, ensure_ascii=False, separators=(",", ":"))
    REFERENCE.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    for name, rows in out["findings"].items():
        counts: dict[str, int] = {}
        for row in rows:
            counts[row[0]] = counts.get(row[0], 0) + 1
        print(name, len(rows), counts)  # noqa: T201 - a script's report


if __name__ == "__main__":
    main()
