"""YAML that remembers where things are, so errors can name the line."""
from __future__ import annotations

from typing import Any

import yaml

from generator.errors import ContentError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is much faster


class LinedDict(dict):
    """A mapping from YAML that knows the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LinedList(list):
    line: int = 0
    item_lines: list[int]


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    first_line = 1  # the file line of the YAML text's first line


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LinedDict:
    mapping = LinedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + loader.first_line
    mapping.key_lines = {str(key.value): key.start_mark.line + loader.first_line for key, _ in node.value}
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LinedList:
    sequence = LinedList(loader.construct_sequence(node, deep=True))
    sequence.line = node.start_mark.line + loader.first_line
    sequence.item_lines = [item.start_mark.line + loader.first_line for item in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[ContentError]]:
    """Parse ``text``; lines are shifted by ``first_line - 1`` (front matter starts below the fence)."""
    loader = _LineLoader(text)
    loader.first_line = first_line
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line if mark else 0) + first_line
        problem = getattr(error, "problem", None) or str(error)
        return None, [ContentError(path, line, f"YAML syntax error: {problem}",
                                   "check indentation, colons and quotes on this line or the one before")]
    finally:
        loader.dispose()
    return data, []
