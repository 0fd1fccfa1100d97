"""YAML loading that remembers the line of every key, for errors that point at the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from streamkit.errors import ConfigError


class LineMap:
    """Maps a path of keys/indexes to the 1-based line where it is written."""

    def __init__(self) -> None:
        self._lines: dict[tuple, int] = {}

    def set(self, loc: tuple, line: int) -> None:
        self._lines[loc] = line

    def line_of(self, loc: tuple) -> int:
        """The line of `loc`, or of its nearest written parent (a missing key: its section)."""
        loc = tuple(loc)
        while loc and loc not in self._lines:
            loc = loc[:-1]
        return self._lines.get(loc, 1)


def load_yaml_with_lines(text: str, path: Path | str) -> tuple[Any, LineMap]:
    """Parse YAML safely; a syntax error becomes a ConfigError with file and line."""
    lines = LineMap()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        # an unclosed bracket or quote is reported at the end of the file: point at its opening
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise ConfigError(f"{path}:{line}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node, loc: tuple, lines: LineMap) -> None:
    lines.set(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = (*loc, key.value)
            _walk(value, here, lines)
            lines.set(here, key.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines)
