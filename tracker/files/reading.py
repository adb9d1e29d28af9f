"""Reading a set of data files, YAML or CSV, from paths or uploads: every problem of every
file reported together, vocabularies first. Also the data files' vocabulary with no database."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from tracker.core.config import DATA_DIR
from tracker.core.errors import Problem, ValidationFailed
from tracker.domain.lookup import Vocabulary
from tracker.domain.models import Claimant, Conflict, Metric, Place
from tracker.files.csvfile import parse_csv
from tracker.files.datafiles import SourceFile, VocabFile, parse_document, read_text


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files and folders (searched recursively for *.yaml / *.yml), in a stable order.

    A CSV file is read when named; folders are not searched for CSV, because an export
    folder may hold a CSV copy of the same claims as its YAML files."""
    found: list[Path] = []
    problems = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            # Sorted by their parts, which is how paths compare, without a Path comparison
            # per step (a folder of 20,000 files spent a second in them).
            found += sorted(
                (q for q in path.rglob("*") if q.suffix in (".yaml", ".yml")),
                key=lambda q: q.parts,
            )
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem("no such file or folder", file=str(path)))
    if problems:
        raise ValidationFailed(problems)
    return found


def parse_any(text: str, name: str) -> list[SourceFile | VocabFile]:
    """One file's documents, by its name: a CSV in the export's columns (one source per
    URL), or a YAML data file."""
    if name.lower().endswith(".csv"):
        return list(parse_csv(text, name))
    return [parse_document(text, name)]


def read_files(
    paths: list[str | Path],
    *,
    lenient: bool = False,
) -> tuple[list[VocabFile], list[SourceFile]]:
    """Parse and validate every file; all problems of all files are reported together.

    `lenient` returns the files whose only problems are soft ones (kept in `problems`), so
    that the importer can add what it finds when resolving vocabulary to the same report.
    """
    problems: list[Problem] = []

    def texts() -> Iterator[tuple[str, str]]:
        # One file in memory at a time: imports can be large.
        for path in expand_paths(paths):
            try:
                yield str(path), read_text(path)
            except ValidationFailed as exc:
                problems.extend(exc.problems)

    return _read(texts(), problems, lenient)


def read_texts(
    files: list[tuple[str, str | bytes]], *, lenient: bool = False
) -> tuple[list[VocabFile], list[SourceFile]]:
    """`read_files` for uploads: (file name, content) pairs, YAML or CSV by the name."""
    problems: list[Problem] = []
    texts: list[tuple[str, str]] = []
    for name, content in files:
        if isinstance(content, bytes):
            try:
                content = content.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(Problem("is not UTF-8 text", file=name))
                continue
        texts.append((name, content))
    return _read(texts, problems, lenient)


def _read(
    texts: Iterable[tuple[str, str]], problems: list[Problem], lenient: bool
) -> tuple[list[VocabFile], list[SourceFile]]:
    vocab: list[VocabFile] = []
    sources: list[SourceFile] = []
    for name, text in texts:
        try:
            docs = parse_any(text, name)
        except ValidationFailed as exc:
            problems += exc.problems
            continue
        for doc in docs:
            (vocab if isinstance(doc, VocabFile) else sources).append(doc)
            if isinstance(doc, SourceFile) and not lenient:
                problems += doc.problems
    if problems:
        raise ValidationFailed(problems)
    order = {"metrics": 0, "places": 1, "claimants": 2, "conflicts": 3}
    vocab.sort(key=lambda v: order[v.kind])
    return vocab, sources


def load_vocabulary(paths: list | None = None) -> Vocabulary:
    """The vocabulary of the data files (default: data/metrics.yaml, places.yaml and
    claimants.yaml), with no database: for the extraction assistant offline and in tests.
    Rows have no ids; keys, names and aliases are all the lookups need."""
    paths = paths or [
        DATA_DIR / f
        for f in ("metrics.yaml", "places.yaml", "claimants.yaml", "conflicts.yaml")
        if (DATA_DIR / f).exists()
    ]
    vocab_files, _sources = read_files(paths)
    vocab = Vocabulary()
    for vf in vocab_files:
        for entry in vf.entries:
            if vf.kind == "metrics":
                values = entry.model_dump()
                values["noun"] = entry.noun or entry.label.lower()
                vocab.add_metric(Metric(**values))
            elif vf.kind == "places":
                values = entry.model_dump(exclude={"parent"})
                values["level"] = entry.level.value
                vocab.add_place(Place(**values))
            elif vf.kind == "conflicts":
                vocab.add_conflict(Conflict(**entry.model_dump()))
            else:
                values = entry.model_dump()
                values["kind"], values["side"] = entry.kind.value, entry.side.value
                vocab.add_claimant(Claimant(**values))
    return vocab
