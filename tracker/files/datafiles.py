"""Reading the YAML data format: one file per source, plus the vocabulary files.

Safety first, because data files arrive from other people: `yaml.SafeLoader` only (no
python/object tags), a size limit, no anchors or aliases at all (our format never needs
them, and aliases are how a "billion laughs" file explodes in memory), and a nesting limit
(our format is four levels deep; a file of ten thousand `[` would otherwise exhaust
Python's recursion limit inside the parser). Every problem is
reported with the file, the line and the field, and all of a file's problems at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tracker.core.errors import Problem, ValidationFailed
from tracker.domain.schemas import (
    ClaimantIn,
    ClaimIn,
    ConflictIn,
    MetricIn,
    PlaceIn,
    SourceIn,
    closest_name,
    date_problems,
    problems_from,
)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 20
VOCAB_KINDS = {
    "metrics": MetricIn,
    "places": PlaceIn,
    "claimants": ClaimantIn,
    "conflicts": ConflictIn,
}


class _RefuseDuplicateKeys:
    """Constructor half of both loaders below (construction is Python in both)."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201
        # PyYAML keeps the last of two equal keys without a word; a curator who wrote `value`
        # twice must hear about it, not lose one of the two figures.
        seen: dict[object, yaml.Mark] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.MarkedYAMLError(
                        None,
                        None,
                        f"key {key_node.value!r} appears twice in one mapping "
                        f"(first on line {seen[key].line + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_RefuseDuplicateKeys, yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases and structures nested over MAX_DEPTH.

    The pure-Python parser: used only when PyYAML was built without libyaml."""

    depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201
        if self.depth >= MAX_DEPTH:
            raise _too_deep(self.peek_event().start_mark)
        self.depth += 1
        try:
            return self._compose_checked(parent, index)
        finally:
            self.depth -= 1

    def _compose_checked(self, parent, index):  # noqa: ANN001, ANN202
        if self.check_event(yaml.AliasEvent):
            raise _no_alias(self.peek_event().start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _no_anchor(event.start_mark)
        return super().compose_node(parent, index)


_CSafeLoader = getattr(yaml, "CSafeLoader", None)
if _CSafeLoader is not None:
    from yaml._yaml import CParser as _CParser

    class _FastStrictLoader(_RefuseDuplicateKeys, _CSafeLoader):  # type: ignore[valid-type, misc]
        """libyaml's parser and composer (C, about ten times faster than the Python ones:
        imports of many files spent most of their time here), with our constructor."""


def _too_deep(mark: yaml.Mark) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(
        None, None, f"nested more than {MAX_DEPTH} levels deep (a data file needs four)", mark
    )


def _no_alias(mark: yaml.Mark) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in data files", mark)


def _no_anchor(mark: yaml.Mark) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(None, None, "anchors (&name) are not allowed in data files", mark)


class _Unusual(Exception):
    """The single-pass reader leaves this file to a full loader (see `_load_plain`)."""


#: The tags a plain scalar of a data file resolves to; anything else (`<<` merge keys, `=`)
#: sends the file to the full loader, which reports or constructs it as it always has.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp")
)
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: Plain scalars that could be other than text (dates, numbers, booleans, nulls), resolved
#: and constructed once: the same dates, numbers and keys recur across thousands of claims.
#: Bounded, and every value in it is immutable.
_PLAIN_VALUES: dict[str, Any] = {}
_PLAIN_VALUES_MAX = 100_000


def _plain_scalar(value: str) -> Any:
    """A plain (unquoted) scalar's value, resolved and constructed exactly as SafeLoader
    does (YAML 1.1 implicit tags, PyYAML's own constructors)."""
    resolvers = _RESOLVERS.get(value[0] if value else "")
    if resolvers is None:
        return value  # text that starts as no other kind can (most keys, most quotes)
    try:
        return _PLAIN_VALUES[value]
    except KeyError:
        pass
    tag = next((tag for tag, regexp in resolvers if regexp.match(value)), None)
    if tag is None:
        result = value
    elif tag in _PLAIN_TAGS:
        result = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
    else:
        raise _Unusual
    if len(_PLAIN_VALUES) >= _PLAIN_VALUES_MAX:
        _PLAIN_VALUES.clear()
    _PLAIN_VALUES[value] = result
    return result


_NO_KEY = object()


def _load_plain(text: str) -> tuple[Any, dict[int, int]]:
    """libyaml's events turned straight into Python values, in one pass, for the files a
    data file is: block mappings, lists and untagged scalars. Also returns the line each
    mapping starts on, by the mapping's id (claims are named by their first line).

    Composing libyaml's node tree and then constructing it with PyYAML's Python
    constructor cost most of an import (every scalar resolved by a Python call, a node and
    two marks per value); this reads each event once. It makes the safety checks of
    `_StrictLoader` (no anchors or aliases, nesting at most MAX_DEPTH) on the way, and
    raises `_Unusual` for anything else it does not handle itself, the same as SafeLoader
    would: tags, complex or repeated keys, a second document. The caller then parses the
    file with a full loader, so an unusual or bad file gets exactly the value or message
    it always got.
    """
    # libyaml's parser alone: a loader's constructor and resolver would go unused (building
    # them cost a tenth of reading a small file).
    loader = _CParser(text)
    get_event = loader.get_event
    scalar, mapping_start, sequence_start = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
    )
    collection_end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    resolvers = _RESOLVERS
    starts: dict[int, int] = {}
    root: Any = None
    # The collection being filled, whether it is a list, and (in a mapping) the key that
    # waits for its value; the enclosing ones wait on the stack.
    container: Any = None
    is_list = False
    key: Any = _NO_KEY
    stack: list[tuple[Any, bool, Any]] = []
    documents = 0
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar:
                if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                    raise _Unusual
                value = event.value
                if event.implicit[0] and value[:1] in resolvers:
                    value = _plain_scalar(value)
                if is_list:
                    container.append(value)
                elif container is None:
                    root = value
                elif key is _NO_KEY:
                    # A key, said once (the full loader names a repeated key; NaN equals
                    # nothing, not even a repeat of itself).
                    if value in container or value != value:
                        raise _Unusual
                    key = value
                else:
                    container[key] = value
                    key = _NO_KEY
                continue
            if kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                    raise _Unusual
                if kind is mapping_start:
                    value = {}
                    starts[id(value)] = event.start_mark.line + 1
                else:
                    value = []
                if is_list:
                    container.append(value)
                elif container is None:
                    root = value
                elif key is _NO_KEY:
                    raise _Unusual  # a key that is a mapping or a list
                else:
                    container[key] = value
                    key = _NO_KEY
                stack.append((container, is_list, key))
                container, is_list, key = value, kind is sequence_start, _NO_KEY
            elif kind in collection_end:
                container, is_list, key = stack.pop()
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Unusual
            elif kind is yaml.StreamEndEvent:
                return root, starts
            elif kind is not yaml.DocumentEndEvent and kind is not yaml.StreamStartEvent:
                raise _Unusual  # an alias
    finally:
        loader.dispose()


@dataclass
class LineMap:
    """Finds the line of a value inside a parsed YAML document, by its path."""

    root: yaml.Node | None

    def line(self, path: tuple) -> int | None:
        node = self.root
        best = node.start_mark.line + 1 if node is not None else None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                found = None
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        found = key_node if value_node is None else value_node
                        best = key_node.start_mark.line + 1
                        break
                if found is None:
                    return best
                node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return best
                node = node.value[part]
                best = node.start_mark.line + 1
            else:
                return best
        return best


@dataclass
class _YamlLines(LineMap):
    """The `LineMap` of a file read by `_load_plain`: the node tree is composed from the
    text only when a line is asked for, which is when a problem is reported (most files
    have none). Mappings' first lines are known without it."""

    root: Any = None
    text: str = ""
    starts: dict[int, int] = field(default_factory=dict)
    composed: bool = False

    def line(self, path: tuple) -> int | None:
        if not self.composed:
            loader = _FastStrictLoader(self.text)
            try:
                self.root = loader.get_single_node()
            finally:
                loader.dispose()
            self.composed = True
        return super().line(path)

    def start(self, mapping: dict, path: tuple) -> int | None:
        """The first line of `mapping`, a value of this file at `path` (while the values
        read are still alive: `starts` is keyed by their ids)."""
        found = self.starts.get(id(mapping))
        return found if found is not None else self.line(path)


@dataclass
class SourceFile:
    """A parsed, validated source file: the source and its claims."""

    path: str
    source: SourceIn
    claims: list[ClaimIn]
    lines: LineMap
    claim_lines: list[int | None] = field(default_factory=list)
    # Problems that do not stop the file from being planned (so that vocabulary problems
    # of the same file are reported in the same run); an import with any is refused.
    problems: list[Problem] = field(default_factory=list)

    def claim_prefix(self, index: int) -> str:
        """How a problem names a claim's fields: `claims[2].metric` in a YAML file. (A CSV
        file has one claim a row and names the column: its line already says which.)"""
        return f"claims[{index}]."

    def claim_label(self, index: int) -> str | None:
        return f"claims[{index}]"

    def source_field(self, name: str) -> str:
        return f"source.{name}"


@dataclass
class VocabFile:
    path: str
    kind: str  # "metrics" | "places" | "claimants" | "conflicts"
    entries: list[Any]


def parse_yaml(text: str, name: str) -> tuple[Any, LineMap]:
    """Parse one YAML document safely; raises ValidationFailed naming the file and line."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise ValidationFailed(
            [Problem(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", file=name)]
        )
    loader = None
    try:
        fast = _parse_fast(text) if _CSafeLoader is not None else None
        if fast is not None:
            return fast
        loader = _StrictLoader(text)  # the reader refuses control characters already here
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "is not valid YAML"
        raise ValidationFailed(
            [Problem(f"not valid YAML: {problem}", file=name, line=line)]
        ) from None
    except yaml.YAMLError as exc:
        first_line = str(exc).splitlines()[0]
        raise ValidationFailed([Problem(f"not valid YAML: {first_line}", file=name)]) from None
    except (RecursionError, ValueError, OverflowError) as exc:
        # The constructor's own refusals: an impossible date (2023-02-30), a number with
        # more digits than Python will read (thousands), nesting past the recursion limit.
        raise ValidationFailed([Problem(f"not valid YAML: {_plain(exc)}", file=name)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, LineMap(node)


def _parse_fast(text: str) -> tuple[Any, LineMap] | None:
    """libyaml's parse of a file, or None when libyaml refuses it (or it is unusual, see
    `_load_plain`): the pure-Python loader then parses it again and reports the problem, so
    that a bad file gets the same message whichever parser is installed (bad files are
    rare; good ones take the fast path)."""
    try:
        data, starts = _load_plain(text)
    except (_Unusual, yaml.YAMLError, RecursionError, ValueError, OverflowError):
        return None
    return data, _YamlLines(text=text, starts=starts)


def _plain(exc: Exception) -> str:
    text = str(exc)
    if "integer string conversion" in text:
        return "a number has thousands of digits"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return text.splitlines()[0] if text else type(exc).__name__


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationFailed(
            [Problem(f"cannot be read: {exc.strerror}", file=str(path))]
        ) from None
    if size > MAX_FILE_BYTES:
        raise ValidationFailed(
            [Problem(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", file=str(path))]
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed([Problem("is not UTF-8 text", file=str(path))]) from None
    except OSError as exc:
        raise ValidationFailed(
            [Problem(f"cannot be read: {exc.strerror}", file=str(path))]
        ) from None


def parse_document(text: str, name: str) -> SourceFile | VocabFile:
    """Validate one data file's text; every problem in it is reported together."""
    data, lines = parse_yaml(text, name)
    if not isinstance(data, dict):
        raise ValidationFailed(
            [
                Problem(
                    "must be a mapping with `source:` and `claims:` (or a vocabulary list)",
                    file=name,
                    line=1,
                )
            ]
        )
    vocab_keys = [k for k in VOCAB_KINDS if k in data]
    try:
        if vocab_keys and "source" not in data:
            return _parse_vocab(data, lines, name, vocab_keys)
        return _parse_source(data, lines, name)
    finally:
        if isinstance(lines, _YamlLines):
            lines.starts.clear()  # keyed by the ids of `data`'s mappings, soon freed


def _parse_source(data: dict, lines: LineMap, name: str) -> SourceFile:
    problems: list[Problem] = []
    unknown = sorted(str(k) for k in data if k not in ("source", "claims"))
    for key in unknown:
        hint = closest_name(key, ("source", "claims"))
        problems.append(
            Problem(
                "is not a top-level key of a source file"
                + (f"; did you mean {hint}?" if hint else " (a typo?)"),
                file=name,
                line=lines.line((key,)),
                field=key,
            )
        )
    source = None
    raw_source = data.get("source")
    if not isinstance(raw_source, dict):
        problems.append(
            Problem(
                "is required: a mapping with url, title, publisher, published",
                file=name,
                line=lines.line(("source",)),
                field="source",
            )
        )
    else:
        try:
            source = SourceIn.model_validate(raw_source)
        except ValidationError as exc:
            problems += problems_from(
                exc, file=name, prefix="source.", line_of=lambda loc: lines.line(("source", *loc))
            )
    raw_claims = data.get("claims")
    claims: list[ClaimIn] = []
    claim_lines: list[int | None] = []
    soft: list[Problem] = []
    if raw_claims is None:
        raw_claims = []
    if not isinstance(raw_claims, list):
        problems.append(
            Problem(
                "must be a list of claims", file=name, line=lines.line(("claims",)), field="claims"
            )
        )
        raw_claims = []
    for i, raw in enumerate(raw_claims):
        prefix = f"claims[{i}]."
        if not isinstance(raw, dict):
            problems.append(
                Problem(
                    "must be a mapping of claim fields",
                    file=name,
                    line=lines.line(("claims", i)),
                    field=f"claims[{i}]",
                )
            )
            continue
        try:
            claim = ClaimIn.model_validate(raw)
        except ValidationError as exc:
            problems += problems_from(
                exc,
                file=name,
                prefix=prefix,
                line_of=lambda loc, i=i: lines.line(("claims", i, *loc)),
            )
            continue
        claims.append(claim)
        claim_lines.append(_start(lines, raw, ("claims", i)))
        if source is not None:
            soft += [
                p.located(file=name, line=lines.line(("claims", i, p.field)), prefix=prefix)
                for p in date_problems(source.published, claim.period_end)
            ]
    seen: dict[str, int] = {}
    for i, claim in enumerate(claims):
        if claim.id:
            if claim.id in seen:
                soft.append(
                    Problem(
                        f"id {claim.id!r} is used twice in this file",
                        file=name,
                        line=claim_lines[i],
                        field=f"claims[{i}].id",
                    )
                )
            seen[claim.id] = i
    if problems:
        raise ValidationFailed(problems)
    assert source is not None
    return SourceFile(
        path=name, source=source, claims=claims, lines=lines, claim_lines=claim_lines, problems=soft
    )


def _start(lines: LineMap, mapping: dict, path: tuple) -> int | None:
    return lines.start(mapping, path) if isinstance(lines, _YamlLines) else lines.line(path)


def _parse_vocab(data: dict, lines: LineMap, name: str, kinds: list[str]) -> VocabFile:
    if len(kinds) > 1:
        raise ValidationFailed(
            [Problem("holds more than one vocabulary; use one file each", file=name, line=1)]
        )
    kind = kinds[0]
    model = VOCAB_KINDS[kind]
    raw = data[kind]
    problems: list[Problem] = []
    if not isinstance(raw, list):
        raise ValidationFailed(
            [Problem("must be a list", file=name, line=lines.line((kind,)), field=kind)]
        )
    entries = []
    for i, item in enumerate(raw):
        try:
            entries.append(model.model_validate(item))
        except ValidationError as exc:
            problems += problems_from(
                exc,
                file=name,
                prefix=f"{kind}[{i}].",
                line_of=lambda loc, i=i: lines.line((kind, i, *loc)),
            )
    keys = [e.key for e in entries]
    for dup in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(Problem(f"key {dup!r} is used twice", file=name, field=kind))
    if problems:
        raise ValidationFailed(problems)
    return VocabFile(path=name, kind=kind, entries=entries)
