"""YAML loading that keeps line numbers and refuses YAML's silent traps.

Content errors must point at `file:line`, so every mapping and sequence remembers the line of
each of its children. PyYAML would silently keep the last of two duplicate keys and turn
`no`/`on`/dates into booleans and dates; here duplicates are errors and only the YAML 1.2 core
scalars (true/false, null, ints, floats) are converted, everything else stays a string.

Anchors and aliases are refused: an alias expands every time the loaded data is walked, so a few
hundred bytes of nested aliases become billions of strings (an "alias bomb"). Content written by
hand never needs them, and one refusal is simpler than a budget on expansion.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml's parser when PyYAML was built with it (it is, in the wheels): ten times faster, with
# the same nodes and line marks.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[str, Any]):
    """A mapping that knows the line of itself and of each of its keys."""

    line: int
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A sequence that knows the line of itself and of each of its items."""

    line: int
    item_lines: list[int]


class YamlError(Exception):
    """A file that is not valid YAML for our purposes; carries the 1-based line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")


def _scalar(node: ScalarNode) -> Any:
    value = node.value
    if node.style in ("'", '"', "|", ">"):  # quoted or block scalar: always a string
        return value
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        # "1.1" is a chapter number far more often than a float in routeboek content; keep the
        # original text so nothing like "2.10" -> 2.1 can happen.
        return value
    return value


def _construct(node: Node) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        seq = LineList(_construct(child) for child in node.value)
        seq.line = line
        seq.item_lines = [child.start_mark.line + 1 for child in node.value]
        return seq
    if isinstance(node, MappingNode):
        mapping = LineDict()
        mapping.line = line
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlError(key_node.start_mark.line + 1, "a key must be a plain value")
            key = str(_scalar(key_node))
            if key == "<<":
                raise YamlError(key_node.start_mark.line + 1, "merge keys (<<) are not supported")
            if key in mapping:
                raise YamlError(
                    key_node.start_mark.line + 1,
                    f"duplicate key '{key}' (first at line {mapping.key_lines[key]})",
                )
            mapping[key] = _construct(value_node)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping
    raise YamlError(line, f"unsupported YAML node {type(node).__name__}")


def _refuse_anchors(text: str) -> None:
    """Raise at the first anchor or alias: they are checked on the event stream, before any node
    is built, because composing an alias bomb is what costs the time and memory."""
    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                line, f"YAML aliases (*{event.anchor}) are not allowed: write the value out"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlError(
                line, f"YAML anchors (&{anchor}) are not allowed: write the value out"
            )


def parse_yaml(text: str) -> Any:
    """Parse one YAML document into LineDict/LineList/plain scalars."""
    try:
        _refuse_anchors(text)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or str(exc)
        raise YamlError(line, f"YAML syntax error: {problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlError(1, f"YAML error: {exc}") from exc
    if node is None:
        return None
    return _construct(node)


def load_yaml_file(path: Path) -> Any:
    """Read and parse a YAML file; decoding problems are reported like syntax errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(1, f"not UTF-8 text: {exc.reason}") from exc
    return parse_yaml(text)


def line_of(data: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line of the node at `loc` (a path of keys/indexes), or of its nearest ancestor."""
    best: int | None = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and isinstance(part, str):
            if part in node.key_lines:
                best = node.key_lines[part]
            if part not in node:
                break
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int):
            if 0 <= part < len(node):
                best = node.item_lines[part]
                node = node[part]
            else:
                break
        else:
            break
        # Prefer the line of the child node itself when it is a collection: for a list item that
        # is a mapping, its own line is where the item starts.
        own = getattr(node, "line", None)
        if own is not None and not isinstance(node, LineDict):
            best = own
    return best
