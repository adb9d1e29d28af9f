"""Precision and recall of the extraction assistant against hand-labelled passages.

    python scripts/evaluate_extraction.py [FILES...] [--verbose]

Reads tests/fixtures/extraction/*.yaml by default (each: passages with text or text_file,
published, expected candidates; a file's `war:` names the war its passages report, the
Russia-Ukraine war when it has none) and prints, overall and per field:

- figures: a predicted candidate is a hit when its offsets cover the expected figure
  exactly (value, low and high equal too); precision = hits / predicted, recall = hits /
  expected;
- per field (metric, value, qualifier, claimant, place, period_start, period_end,
  cumulative): a field counts as right only on a hit whose field equals the label, so
  precision = right / predicted and recall = right / expected (strict: a spurious
  candidate costs every field);
- exact: candidates right in every field;

and per war: figure precision and recall; of the found figures whose passage names their
place, the share whose place was resolved to a place key (and to the right one); and the
spurious candidates (a year, date, age or count of weapons proposed as a figure is one).

The vocabulary comes from data/*.yaml, so no database is needed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.domain.lookup import Vocabulary, normalise_name  # noqa: E402
from tracker.extraction.extractor import Candidate, extract_candidates  # noqa: E402
from tracker.files.reading import load_vocabulary  # noqa: E402

DEFAULT_DIR = ROOT / "tests" / "fixtures" / "extraction"
FIELDS = (
    "metric",
    "value",
    "qualifier",
    "claimant",
    "place",
    "period_start",
    "period_end",
    "cumulative",
)
DEFAULTS: dict[str, Any] = {
    "low": None,
    "high": None,
    "qualifier": "exact",
    "claimant": None,
    "period_start": None,
}


@dataclass
class Passage:
    id: str
    text: str
    published: date
    expected: list[dict[str, Any]]
    file: str = ""
    war: str = "ukraine"


@dataclass
class Score:
    predicted: int = 0
    expected: int = 0
    hits: int = 0
    exact: int = 0
    named: int = 0  # hits whose passage names a place (the label has a place key)
    placed: int = 0  # ... whose place the candidate resolved to a key
    placed_right: int = 0  # ... to the expected key
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)

    def precision(self, n: int) -> float:
        return n / self.predicted if self.predicted else 1.0

    def recall(self, n: int) -> float:
        return n / self.expected if self.expected else 1.0


def load_passages(paths: list[Path]) -> list[Passage]:
    passages = []
    for path in paths:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        war = doc.get("war", "ukraine")
        for item in doc["passages"]:
            text = item.get("text")
            if text is None:
                text = (path.parent / item["text_file"]).read_text(encoding="utf-8")
            expected = [DEFAULTS | e for e in item.get("expected") or []]
            passages.append(Passage(item["id"], text, item["published"], expected, path.name, war))
    return passages


def _field_right(name: str, cand: Candidate, exp: dict[str, Any]) -> bool:
    if name == "value":
        return (cand.value, cand.low, cand.high) == (exp["value"], exp["low"], exp["high"])
    if name == "claimant":
        if exp.get("claimant_key"):
            return cand.claimant_key == exp["claimant_key"]
        return cand.claimant_key is None and normalise_name(cand.claimant or "") == normalise_name(
            exp["claimant"] or ""
        )
    if name == "place":
        return cand.place_key == exp["place_key"]
    return getattr(cand, name) == exp[name]


def _match(text: str, predicted: list[Candidate], expected: list[dict[str, Any]]):  # noqa: ANN202
    """Pairs (candidate, label) whose figure is the same span of text, in order."""
    pairs, used = [], set()
    for exp in expected:
        for i, cand in enumerate(predicted):
            if i in used:
                continue
            if text[cand.start : cand.end] == str(exp["figure"]):
                pairs.append((cand, exp))
                used.add(i)
                break
    return pairs, [c for i, c in enumerate(predicted) if i not in used]


def evaluate(passages: list[Passage], vocab: Vocabulary) -> Score:
    score = Score()
    for p in passages:
        predicted = extract_candidates(p.text, p.published, vocab)
        pairs, spurious = _match(p.text, predicted, p.expected)
        score.predicted += len(predicted)
        score.expected += len(p.expected)
        matched = {id(e) for _, e in pairs}
        for exp in p.expected:
            if id(exp) not in matched:
                score.misses.append(f"{p.id}: missed {exp['figure']!r}")
        for cand in spurious:
            score.misses.append(f"{p.id}: spurious {p.text[cand.start : cand.end]!r}")
        for cand, exp in pairs:
            figure_right = (cand.value, cand.low, cand.high) == (
                exp["value"],
                exp["low"],
                exp["high"],
            )
            if not figure_right:
                score.misses.append(f"{p.id}: {exp['figure']!r} read as {cand.value}")
                continue
            score.hits += 1
            if exp["place_key"]:
                score.named += 1
                score.placed += cand.place_key is not None
                score.placed_right += cand.place_key == exp["place_key"]
            wrong = []
            for name in FIELDS:
                if _field_right(name, cand, exp):
                    score.right[name] += 1
                else:
                    wrong.append(name)
            if not wrong:
                score.exact += 1
            else:
                got = {n: _shown(cand, n) for n in wrong}
                want = {n: _wanted(exp, n) for n in wrong}
                score.misses.append(f"{p.id}: {exp['figure']!r} got {got}, expected {want}")
    return score


def _shown(cand: Candidate, name: str) -> Any:
    if name == "claimant":
        return cand.claimant_key or cand.claimant
    if name == "place":
        return cand.place_key
    if name == "value":
        return (cand.value, cand.low, cand.high)
    return getattr(cand, name)


def _wanted(exp: dict[str, Any], name: str) -> Any:
    if name == "claimant":
        return exp.get("claimant_key") or exp.get("claimant")
    if name == "place":
        return exp["place_key"]
    if name == "value":
        return (exp["value"], exp["low"], exp["high"])
    return exp[name]


def report(score: Score) -> str:
    lines = [
        f"{score.expected} expected candidates, {score.predicted} predicted",
        f"{'':14} precision  recall",
        f"{'figures':14} {score.precision(score.hits):9.3f}  {score.recall(score.hits):6.3f}",
    ]
    for name in FIELDS:
        n = score.right[name]
        lines.append(f"{name:14} {score.precision(n):9.3f}  {score.recall(n):6.3f}")
    lines.append(
        f"{'exact (all)':14} {score.precision(score.exact):9.3f}  {score.recall(score.exact):6.3f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    files = args.files or sorted(DEFAULT_DIR.glob("*.yaml"))
    vocab = load_vocabulary()
    passages = load_passages(files)
    score = evaluate(passages, vocab)
    print(report(score))
    if len(files) > 1:
        print(f"\n{'per file':26} figures P/R    exact P/R")
        for path in files:
            s = evaluate([p for p in passages if p.file == path.name], vocab)
            print(
                f"{path.name:26} {s.precision(s.hits):.3f}/{s.recall(s.hits):.3f}  "
                f"{s.precision(s.exact):.3f}/{s.recall(s.exact):.3f}  "
                f"({s.expected} expected, {s.predicted} predicted)"
            )
    wars = sorted({p.war for p in passages}, key=lambda w: (w != "ukraine", w))
    if len(wars) > 1:
        print(
            f"\n{'per war':10} {'passages':>8} {'figures':>7} {'precision':>9} {'recall':>6}"
            f" {'placed':>6} {'right place':>11} {'spurious':>8}"
        )
        for war in wars:
            mine = [p for p in passages if p.war == war]
            s = evaluate(mine, vocab)
            print(
                f"{war:10} {len(mine):8} {s.expected:7} {s.precision(s.hits):9.3f} "
                f"{s.recall(s.hits):6.3f} {s.placed / s.named if s.named else 1:6.2f} "
                f"{s.placed_right / s.named if s.named else 1:11.2f} {s.predicted - s.hits:8}"
            )
    if args.verbose and score.misses:
        print("\nmisses:")
        for m in score.misses:
            print(f"  {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
