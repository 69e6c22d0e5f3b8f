"""YAML that remembers where things are, so errors can name the line.

Content YAML is plain data written by hand: mappings, lists and text. Two
features of YAML have no use in it and real dangers, so they are refused
with the line they are on:

- anchors and aliases (``&a`` and ``*a``): a few lines of them expand to
  billions of values (the "billion laughs"), which would hang ``check`` and
  ``build``; they are found by scanning the tokens, before anything is built;
- a key written twice in one mapping: YAML libraries silently keep the last
  one, so the first value would be lost without a word.
"""
from __future__ import annotations

from typing import Any

import yaml

from generator.errors import ContentError
from generator.excerpt import excerpt
from generator.i18n import _

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is much faster
PROBLEM_LIMIT = 80  # characters of the YAML library's own description quoted in a message


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
    problems: list[ContentError]  # what construction found (duplicate keys), for ``load_yaml`` to return
    path = ""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LinedDict:
    mapping = LinedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + loader.first_line
    mapping.key_lines = {}
    for key, _value in node.value:
        name, line = str(key.value), key.start_mark.line + loader.first_line
        if name in mapping.key_lines:
            loader.problems.append(ContentError(
                loader.path, line,
                _("key '{key}' appears twice in one mapping (first on line {first})").format(
                    key=excerpt(name), first=mapping.key_lines[name]),
                _("keep one of them: otherwise the last one would silently win")))
            continue
        mapping.key_lines[name] = line
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LinedList:
    sequence = LinedList(loader.construct_sequence(node, deep=True))
    sequence.line = node.start_mark.line + loader.first_line
    sequence.item_lines = [item.start_mark.line + loader.first_line for item in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[ContentError]]:
    """Parse ``text``; lines are shifted by ``first_line - 1`` (front matter starts below the fence).

    On any error the data is None: half-read content is not used.
    """
    refused = _anchors_and_aliases(text, path, first_line)
    if refused:
        return None, refused
    loader = _LineLoader(text)
    loader.first_line, loader.path, loader.problems = first_line, path, []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line if mark else 0) + first_line
        problem = excerpt(getattr(error, "problem", None) or str(error), PROBLEM_LIMIT)
        return None, [ContentError(path, line, _("YAML syntax error: {problem}").format(problem=problem),
                                   _("check indentation, colons and quotes on this line or the one before"))]
    except RecursionError:
        return None, [ContentError(path, first_line, _("the YAML is nested too deeply"),
                                   _("content needs lists and 'key: value' lines only"))]
    finally:
        loader.dispose()
    return (None if loader.problems else data), loader.problems


def _anchors_and_aliases(text: str, path: str, first_line: int) -> list[ContentError]:
    """An error for the first anchor or alias in ``text``, found from the tokens (nothing is expanded).

    Most texts have neither ``&`` nor ``*`` at all and are not scanned. A
    syntax error stops the scan; parsing reports it.
    """
    if "&" not in text and "*" not in text:
        return []
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                line = token.start_mark.line + first_line
                return [ContentError(path, line, _("YAML anchors and aliases ('&name', '*name') are not allowed"),
                                     _("write the value out in full where it is needed"))]
    except yaml.YAMLError:
        return []
    return []
