"""YAML that remembers where things are, so errors can name the line.

Content YAML is plain data written by hand: mappings, lists and text. Two
features of YAML have no use in it and real dangers, so they are refused
with the line they are on:

- anchors and aliases (``&a`` and ``*a``): a few lines of them expand to
  billions of values (the "billion laughs"), which would hang ``check`` and
  ``build``; they are found by scanning the tokens, before anything is built;
- a key written twice in one mapping: YAML libraries silently keep the last
  one, so the first value would be lost without a word.

PyYAML's C parser composes the node tree fast, but its constructors then
walk it in Python with much bookkeeping per node (a cache of constructed
nodes, a lookup of each tag, a generator for each collection): for a
district's front matter that was 70 % of the time. So the plain data
(mappings, lists, text) is built here from the nodes directly, and other
scalars (numbers, booleans, dates) by PyYAML's own functions. Anything
else, and any error, goes to PyYAML's full construction, which gives
exactly what it always gave: the fast path only decides how fast a
result comes, never what it is.
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
            loader.problems.append(_twice(loader.path, name, line, mapping.key_lines[name]))
            continue
        mapping.key_lines[name] = line
    return mapping


def _twice(path: str, name: str, line: int, first: int) -> ContentError:
    return ContentError(path, line,
                        _("key '{key}' appears twice in one mapping (first on line {first})").format(
                            key=excerpt(name), first=first),
                        _("keep one of them: otherwise the last one would silently win"))


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LinedList:
    sequence = LinedList(loader.construct_sequence(node, deep=True))
    sequence.line = node.start_mark.line + loader.first_line
    sequence.item_lines = [item.start_mark.line + loader.first_line for item in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

_STR = "tag:yaml.org,2002:str"
_MAP = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
# Scalars whose PyYAML constructor is a plain function of the one node (no generator finished later):
# the fast path may call it directly. Other tags (merge '<<', value '=', !!set, unknown ones) are not.
_SCALARS = {tag: _LineLoader.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary")}
_FAST_DEPTH = 32  # deeper than content ever is; deeper YAML goes to the full construction, whose recursion limit decides, as before


class _Unusual(Exception):
    """A node the fast construction leaves to PyYAML's full construction."""


def _fast_data(loader: _LineLoader, node: yaml.Node, depth: int = 0) -> Any:
    """The data of ``node`` as PyYAML's construction would make it; ``_Unusual`` where unsure."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == _STR:
            return node.value
        construct = _SCALARS.get(node.tag)
        if construct is None:
            raise _Unusual(node.tag)
        return construct(loader, node)
    if depth > _FAST_DEPTH:
        raise _Unusual("deep")
    if kind is yaml.MappingNode and node.tag == _MAP:
        return _fast_mapping(loader, node, depth)
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return _fast_sequence(loader, node, depth)
    raise _Unusual(node.tag)


def _fast_mapping(loader: _LineLoader, node: yaml.MappingNode, depth: int) -> LinedDict:
    """``_construct_mapping`` without PyYAML's bookkeeping: the same keys, values, lines and problems.

    Only scalar keys of the plain tags: a complex key, a merge key ``<<`` or
    a value key ``=`` (which PyYAML rewrites first) is ``_Unusual``. The
    duplicates are reported after the values, as there: inner ones first.
    """
    mapping, first_line = LinedDict(), loader.first_line
    mapping.line = node.start_mark.line + first_line
    key_lines: dict[str, int] = {}
    twice: list[ContentError] = []
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode:
            raise _Unusual("complex key")
        name = key_node.value  # a scalar node's value is text: str() as in _construct_mapping is not needed
        key = name if key_node.tag == _STR else _fast_data(loader, key_node)
        if type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
            mapping[key] = value_node.value
        else:
            mapping[key] = _fast_data(loader, value_node, depth + 1)
        line = key_node.start_mark.line + first_line
        if name in key_lines:
            twice.append(_twice(loader.path, name, line, key_lines[name]))
        else:
            key_lines[name] = line
    mapping.key_lines = key_lines
    loader.problems.extend(twice)
    return mapping


def _fast_sequence(loader: _LineLoader, node: yaml.SequenceNode, depth: int) -> LinedList:
    """``_construct_sequence`` without PyYAML's bookkeeping."""
    sequence, first_line = LinedList(), loader.first_line
    for item in node.value:
        sequence.append(item.value if type(item) is yaml.ScalarNode and item.tag == _STR
                        else _fast_data(loader, item, depth + 1))
    sequence.line = node.start_mark.line + first_line
    sequence.item_lines = [item.start_mark.line + first_line for item in node.value]
    return sequence


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[ContentError]]:
    """Parse ``text``; lines are shifted by ``first_line - 1`` (front matter starts below the fence).

    On any error the data is None: half-read content is not used.
    """
    refused = _anchors_and_aliases(text, path, first_line)
    if refused:
        return None, refused
    loader = _LineLoader(text)
    loader.first_line, loader.path, loader.problems = first_line, path, []
    node = None
    try:
        node = loader.get_single_node()
        data = None if node is None else _data(loader, node)
    except (ValueError, TypeError, AttributeError, OverflowError):
        # PyYAML lets these out for a value its explicit tag cannot make (``!!int abc``, ``!!timestamp x``).
        line = _untagged_line(loader, node) + first_line
        return None, [ContentError(path, line, _("a value does not fit the YAML tag written before it"),
                                   _("remove the tag (such as '!!int') or correct the value"))]
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


def _data(loader: _LineLoader, node: yaml.Node) -> Any:
    """The data of the document ``node``: built fast, or by PyYAML's full construction.

    The full construction (``get_single_data`` did it before) takes over
    where the fast one is unsure and on any error whatever, so that the
    error raised, and which of two comes first, is the one it always was.
    """
    try:
        return _fast_data(loader, node)
    except Exception:  # noqa: BLE001 - not handled here: the full construction meets it again and raises it
        loader.problems = []
        return loader.construct_document(node)


def _untagged_line(loader: _LineLoader, node: yaml.Node | None) -> int:
    """The line (0-based) of the first scalar under ``node`` that its tag cannot make; the first line if none."""
    pending = [node] if node is not None else []  # a stack, so that the nodes are tried in the text's order
    while pending:
        current = pending.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current, deep=True)
            except Exception:  # noqa: BLE001 - any failure is the one being looked for
                return current.start_mark.line
        elif isinstance(current, yaml.MappingNode):
            pending.extend(reversed([part for pair in current.value for part in pair]))
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(reversed(current.value))
    return 0


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
