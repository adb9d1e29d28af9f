"""How long the consistency checks take on a large synthetic store.

    python scripts/benchmark_checks.py [--claims 50000] [--database URL]

Builds a store of fictional claimants' series (example.org sources, imported through the
ordinary import path) in a temporary SQLite file unless --database names an empty one,
then prints the time of each rule, of `run_checks` and of `refresh_findings` (the first
refresh, one on unchanged data, and one after a single correction).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlmodel import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.checks.finding_store import refresh_findings  # noqa: E402
from tracker.checks.rules import RULES, run_checks  # noqa: E402
from tracker.domain.models import Claim  # noqa: E402
from tracker.files.importer import import_paths  # noqa: E402
from tracker.store.db import init_db, make_engine, write_session  # noqa: E402
from tracker.store.write import SYSTEM, update_claim  # noqa: E402

PLACES = ["UA", "UA-14", "UA-09", "UA-63", "UA-65", "UA-23", "UA-30", "UA-12", "UA-59", "UA-74"]
METRICS = ["civilian_killed", "civilian_injured", "children_killed", "children_injured"]


def write_store(folder: Path, claims: int, seed: int = 7) -> int:
    """Source files from 20 fictional claimants reporting the same growing cumulative
    counts per metric and place (two of them biased low), with a little noise for the
    rules to find: misquotes that go down, revisions, figures missing from quotes."""
    rng = random.Random(seed)
    truth = {(m, p): rng.randint(50, 500) for m in METRICS for p in PLACES}
    claimants = range(1, 21)
    per_day = len(truth) * len(claimants)
    days = max(1, claims // per_day)
    start = date(2022, 2, 24)
    written = 0
    for d in range(days):
        day = start + timedelta(days=d + 1)
        for key in truth:
            truth[key] += rng.randint(1, 6)
        for claimant in claimants:
            bias = 0.8 if claimant in (19, 20) else 1.0
            items = []
            for (metric, place), level in truth.items():
                value = round(level * bias)
                roll = rng.random()
                if roll < 0.001:
                    value = max(0, value - rng.randint(20, 50))  # a misquote that goes down
                elif roll < 0.002:
                    value += rng.randint(200, 400)  # a revision
                quote = f"recorded {value:,} {metric.replace('_', ' ')}"
                if roll > 0.9995:
                    quote = "recorded many casualties"
                items.append(
                    {
                        "metric": metric,
                        "value": value,
                        "claimant": f"Synthetic claimant {claimant:02d}",
                        "place": place,
                        "period_start": start.isoformat(),
                        "period_end": day.isoformat(),
                        "quote": quote,
                    }
                )
            doc = {
                "source": {
                    "url": f"https://example.org/bench/{claimant}/{day.isoformat()}",
                    "title": f"Daily update {day.isoformat()}",
                    "publisher": f"Example Wire {claimant:02d}",
                    "published": day.isoformat(),
                    "synthetic": True,
                },
                "claims": items,
            }
            path = folder / f"{day.isoformat()}-{claimant:02d}.yaml"
            path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
            written += len(items)
    return written


def timed(label: str, fn):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    result = fn()
    print(f"{label:34} {time.perf_counter() - started:8.2f} s")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--database", help="an empty database URL (default: a temporary file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        init_db(engine)
        files = Path(tmp) / "files"
        files.mkdir()
        n = write_store(files, args.claims)
        vocab = [ROOT / "data" / f for f in ("metrics.yaml", "places.yaml", "claimants.yaml")]
        timed(f"import {n:,} claims", lambda: import_paths(engine, SYSTEM, [*vocab, files]))
        for rule in RULES:
            found = timed(f"rule {rule}", lambda rule=rule: run_checks(engine, [rule]))
            print(f"{'':36}{len(found):,} findings")
        timed("run_checks (all rules)", lambda: run_checks(engine))
        timed("refresh_findings, first refresh", lambda: refresh_findings(engine))
        timed("refresh_findings, unchanged data", lambda: refresh_findings(engine))
        with write_session(engine) as session:
            claim = session.exec(select(Claim).order_by(Claim.id.desc()).limit(1)).one()
            update_claim(
                session,
                SYSTEM,
                claim.id,
                {"value": (claim.value or 0) + 1},
                expected_version=claim.version,
                reason="benchmark: one correction",
            )
        timed("refresh_findings, after one edit", lambda: refresh_findings(engine))
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
