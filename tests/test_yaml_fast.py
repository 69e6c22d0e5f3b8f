"""``load_yaml`` builds the data from PyYAML's nodes itself: it must give exactly what PyYAML's own construction gave.

The reference below is a copy of ``load_yaml`` as it was before the fast
construction (PyYAML's ``get_single_data`` with the line-keeping
constructors). Both are run over a corpus (every YAML file and every
matter's front matter in the repository, the example district, and
snippets written to reach the corners) and compared on everything a
caller can see: values and their exact types, recursively; the lines of
mappings, keys, lists and items; the errors (path, line, message,
suggestion); and any exception that escapes.
"""
from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CONTENT, REPO, load_script
from generator.content import matter_file, yaml_source
from generator.content.yaml_source import LinedDict, LinedList, load_yaml
from generator.errors import ContentError
from generator.excerpt import excerpt
from generator.i18n import _


# --- the reference: load_yaml before the fast construction, verbatim but for names ------------------

class _OldLoader(yaml_source._BaseLoader):  # type: ignore[misc, valid-type]
    first_line = 1
    problems: list[ContentError]
    path = ""


def _old_construct_mapping(loader: _OldLoader, node: yaml.MappingNode) -> LinedDict:
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


def _old_construct_sequence(loader: _OldLoader, node: yaml.SequenceNode) -> LinedList:
    sequence = LinedList(loader.construct_sequence(node, deep=True))
    sequence.line = node.start_mark.line + loader.first_line
    sequence.item_lines = [item.start_mark.line + loader.first_line for item in node.value]
    return sequence


_OldLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _old_construct_mapping)
_OldLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _old_construct_sequence)


def old_load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[ContentError]]:
    refused = _old_anchors_and_aliases(text, path, first_line)
    if refused:
        return None, refused
    loader = _OldLoader(text)
    loader.first_line, loader.path, loader.problems = first_line, path, []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line if mark else 0) + first_line
        problem = excerpt(getattr(error, "problem", None) or str(error), yaml_source.PROBLEM_LIMIT)
        return None, [ContentError(path, line, _("YAML syntax error: {problem}").format(problem=problem),
                                   _("check indentation, colons and quotes on this line or the one before"))]
    except RecursionError:
        return None, [ContentError(path, first_line, _("the YAML is nested too deeply"),
                                   _("content needs lists and 'key: value' lines only"))]
    finally:
        loader.dispose()
    return (None if loader.problems else data), loader.problems


def _old_anchors_and_aliases(text: str, path: str, first_line: int) -> list[ContentError]:
    if "&" not in text and "*" not in text:
        return []
    try:
        for token in yaml.scan(text, Loader=yaml_source._BaseLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                line = token.start_mark.line + first_line
                return [ContentError(path, line, _("YAML anchors and aliases ('&name', '*name') are not allowed"),
                                     _("write the value out in full where it is needed"))]
    except yaml.YAMLError:
        return []
    return []


# --- comparing outcomes -------------------------------------------------------------------------------

def outcome(load, text: str, first_line: int) -> tuple:
    """What a caller sees: the data and errors, or the exception that escaped (type and text)."""
    try:
        data, errors = load(text, "some/file.md", first_line)
    except Exception as error:  # e.g. ``!!int abc`` raised ValueError out of PyYAML before
        return "raised", type(error), str(error)
    return "returned", data, errors


def differences(old: Any, new: Any, where: str = "$") -> Iterator[str]:
    """Every way ``new`` differs from ``old``: type, value, order, lines (nan equals nan here)."""
    if type(old) is not type(new):
        yield f"{where}: type {type(old).__name__} != {type(new).__name__}"
        return
    if isinstance(old, dict):
        yield from _dict_differences(old, new, where)
    elif isinstance(old, list):
        yield from _list_differences(old, new, where)
    elif isinstance(old, float) and math.isnan(old):
        if not math.isnan(new):
            yield f"{where}: nan != {new!r}"
    elif old != new or repr(old) != repr(new):  # repr: -0.0 and 0.0, a datetime's tzinfo
        yield f"{where}: {old!r} != {new!r}"


def _dict_differences(old: dict, new: dict, where: str) -> Iterator[str]:
    old_keys, new_keys = list(old), list(new)
    if len(old_keys) != len(new_keys):
        yield f"{where}: keys {old_keys!r} != {new_keys!r}"
        return
    for index, (old_key, new_key) in enumerate(zip(old_keys, new_keys)):
        yield from differences(old_key, new_key, f"{where}.key[{index}]")
        if not list(differences(old_key, new_key)):
            yield from differences(old[old_key], new[new_key], f"{where}[{old_key!r}]")
    for attribute in ("line", "key_lines"):
        if getattr(old, attribute, None) != getattr(new, attribute, None):
            yield f"{where}.{attribute}: {getattr(old, attribute, None)!r} != {getattr(new, attribute, None)!r}"


def _list_differences(old: list, new: list, where: str) -> Iterator[str]:
    if len(old) != len(new):
        yield f"{where}: length {len(old)} != {len(new)}"
        return
    for index, (old_item, new_item) in enumerate(zip(old, new)):
        yield from differences(old_item, new_item, f"{where}[{index}]")
    for attribute in ("line", "item_lines"):
        if getattr(old, attribute, None) != getattr(new, attribute, None):
            yield f"{where}.{attribute}: {getattr(old, attribute, None)!r} != {getattr(new, attribute, None)!r}"


def mismatch(text: str, first_line: int = 1) -> str | None:
    """None when old and new ``load_yaml`` agree on ``text``; else what differs."""
    old, new = outcome(old_load_yaml, text, first_line), outcome(load_yaml, text, first_line)
    if old[0] == "raised":  # a value its tag cannot make: a traceback before, now a message on its line
        reported = new[0] == "returned" and new[1] is None and len(new[2]) == 1 and "YAML tag" in new[2][0].message
        return None if reported else f"raised {old[1:]!r}, now {new[1:]!r}"
    if old[0] != new[0]:
        return f"old {old!r}, new {new!r}"
    found = list(differences(old[1], new[1]))
    if old[2] != new[2]:
        found.append(f"errors {old[2]!r} != {new[2]!r}")
    return "; ".join(found[:5]) or None


def assert_same(texts: list[tuple[str, str, int]]) -> None:
    """Every (label, text, first line) loads the same, old and new."""
    failures = [f"{label}: {found}" for label, text, first_line in texts
                if (found := mismatch(text, first_line))]
    assert not failures, f"{len(failures)} of {len(texts)} differ:\n" + "\n".join(failures[:20])


# --- the corpus ---------------------------------------------------------------------------------------

def yaml_texts(root: Path) -> list[tuple[str, str, int]]:
    """Every YAML file under ``root`` whole, and every matter file's front matter at its line."""
    texts = []
    for path in sorted([*root.rglob("*.yml"), *root.rglob("*.yaml")]):
        texts.append((str(path), path.read_text(encoding="utf-8"), 1))
    for path in sorted(root.rglob("*.md")):
        parts = matter_file.split(path.read_text(encoding="utf-8"))
        if parts is not None:
            texts.append((str(path), parts.front_matter, parts.front_matter_line))
    return texts


def test_the_repositorys_yaml_loads_the_same() -> None:
    texts = [text for folder in ("tests", "content", "generator") for text in yaml_texts(REPO / folder)]
    assert len(texts) > 100
    assert_same(texts)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("yaml_fast") / "district"
    load_script("example_district").generate(CONTENT, root)
    return root


def test_the_example_districts_yaml_loads_the_same(district: Path) -> None:
    texts = yaml_texts(district)
    assert len(texts) > 3000
    assert_same(texts)


def _nested(depth: int) -> str:
    return "".join(f"{'  ' * level}k{level}:\n" for level in range(depth)) + f"{'  ' * depth}leaf\n"


SNIPPETS = {
    "ints": "a: 1\nb: -2\nc: +3\nd: 1_000\ne: 0\nf: 012\ng: 0x1F\nh: 0b101\ni: 1:30\nj: '7'\n",
    "floats": "a: 1.5\nb: -0.0\nc: 1e3\nd: 6.8523015e+5\ne: .inf\nf: -.Inf\ng: .nan\nh: 1:30.5\ni: 1_0.5\n",
    "booleans": "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: False\ng: y\nh: n\n",
    "nulls": "a: ~\nb: null\nc: Null\nd:\ne: ''\n~: tilde key\n",
    "dates": "a: 2024-01-02\nb: 2024-01-02T03:04:05Z\nc: 2024-01-02 03:04:05.5 +08:00\n"
             "d: 2024-1-2t3:4:5-05\ne: '2024-01-02'\nf: 2024-01-02 03:04:05\n",
    "quoted": "a: \"x\\ty\\u00e9\"\nb: 'it''s'\nc: \"123\"\nd: 'yes'\ne: \"\"\nf: '#not a comment'\n",
    "block scalars": "a: |\n  one\n  two\nb: >\n  folded\n  text\n\n  para\nc: |-\n  keep\nd: >+\n  clip\n\n",
    "flow": "a: {b: 1, c: [2, 'three', {d: e}]}\nf: []\ng: {}\nh: [yes, ~, 1.5]\n",
    "lists of mappings": "items:\n  - name: a\n    tags: [x, y]\n  - name: b\n    sub:\n      - deep: 1\n"
                         "      - - nested\n        - list\n  -\n  - plain\n",
    "duplicate top": "a: 1\nb: 2\na: 3\n",
    "duplicate nested": "a:\n  b: 1\n  b: 2\nc:\n  - d: 1\n    d: 2\n    e:\n      f: 1\n      f: 1\na: again\n",
    "duplicate thrice": "k: 1\nk: 2\nk: 3\n",
    "duplicate across types": "1: a\n'1': b\ntrue: c\n1.0: d\n",
    "equal keys of two types": "1: a\ntrue: b\n",
    "merge key": "<<: {a: 1, b: 2}\nc: 3\n",
    "merge key overridden": "<<: {a: 1}\na: 2\n",
    "merge list": "<<: [{a: 1}, {b: 2}]\n",
    "merge of a scalar": "x: 1\n<<: 5\n",
    "merge after a bad int": "x: !!int abc\n<<: 5\n",
    "nested merge": "a:\n  <<: {b: 1}\n  c: 2\n",
    "value key": "=: x\n",
    "value as value": "a: =\n",
    "explicit str": "a: !!str 12\nb: !!str yes\nc: !!str\n",
    "explicit int": "a: !!int \"3\"\nb: !!float '2'\nc: !!bool 'yes'\nd: !!null ''\n",
    "explicit bad int": "a: !!int abc\n",
    "explicit bad float": "a: !!float abc\n",
    "explicit timestamp": "a: !!timestamp 2024-01-02\n",
    "explicit bad timestamp": "a: !!timestamp yesterday\n",
    "binary": "a: !!binary aGVsbG8=\n",
    "bad binary": "a: !!binary '@@@'\n",
    "explicit map and seq": "a: !!map {b: 1}\nc: !!seq [1, 2]\n",
    "set": "a: !!set {x, y}\n",
    "set on a scalar": "a: !!set x\n",
    "omap": "a: !!omap [b: 1, c: 2]\n",
    "pairs": "a: !!pairs [b: 1, b: 2]\n",
    "str on a mapping": "a: !!str {b: 1}\n",
    "map on a scalar": "a: !!map x\n",
    "unknown tag": "a: !foo 1\n",
    "unknown tag on a mapping": "a: !foo {b: 1}\n",
    "unknown tag after a duplicate": "a: 1\na: 2\nb: !foo x\n",
    "local tag handle": "%TAG !e! tag:example.com,2000:\n---\na: !e!thing 1\n",
    "verbatim tag": "a: !<tag:yaml.org,2002:str> 5\n",
    "complex key": "? [a, b]\n: value\n",
    "complex mapping key": "? {a: 1}\n: value\n",
    "int and date keys": "1: one\n2024-01-02: day\nnull: nothing\n1.5: float\nyes: bool\n",
    "anchor": "a: &x 1\nb: *x\n",
    "alias only": "a: *x\n",
    "anchor in a string": "a: 'R&D'\nb: \"5 * 3\"\n",
    "billion laughs": "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 10)),
    "syntax error": "a: [1, 2\nb: 3\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "tab": "a:\n\tb: 1\n",
    "colon in value": "a: b: c\n",
    "empty": "",
    "blank lines": "\n\n   \n",
    "only a comment": "# nothing here\n",
    "explicit empty document": "---\n...\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "two empty documents": "---\n---\n",
    "a scalar document": "just text\n",
    "a number document": "42\n",
    "a list document": "- 1\n- two\n- {three: 3}\n",
    "unicode": "标题: 组织实施外墙保温\n部门:\n  - 区住建局\n  - \"街道办\"\n",
    "long key": "k" * 200 + ": 1\n" + "k" * 200 + ": 2\n",
    "nested 10": _nested(10),
    "nested 40": _nested(40),
    "nested 300": _nested(300),
    "flow nested 40": "[" * 40 + "]" * 40,
    "flow nested 400": "[" * 400 + "]" * 400,
    "flow nested 5000": "[" * 5000 + "]" * 5000,
    "directive": "%YAML 1.1\n---\na: 1\n",
    "bom": "\ufeffa: 1\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n",
}


@pytest.mark.parametrize("first_line", [1, 7])
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_tricky_snippets_load_the_same(name: str, first_line: int) -> None:
    found = mismatch(SNIPPETS[name], first_line)
    assert found is None, found


def test_the_snippets_reach_every_outcome() -> None:
    """The snippets reach data, duplicate keys, syntax errors, refusals, nesting and an escaping exception."""
    seen = " ".join(repr(outcome(old_load_yaml, text, 1)) for text in SNIPPETS.values())
    for expected in ("appears twice", "YAML syntax error", "anchors and aliases", "nested too deeply",
                     "could not determine a constructor", "ValueError", "datetime.date(",
                     "datetime.datetime(", "b'hello'", "nan", "inf", "True", "[('b', 1), ('b', 2)]"):
        assert expected in seen, expected


def test_the_comparison_sees_differences() -> None:
    """The checks above would fail on a wrong type, line, order, value or error."""
    base = old_load_yaml("a: 1\nb: [x, 2024-01-02]\n", "x")[0]
    assert not list(differences(base, old_load_yaml("a: 1\nb: [x, 2024-01-02]\n", "x")[0]))
    assert list(differences(base, old_load_yaml("a: 1\nb:\n  [x, 2024-01-02]\n", "x")[0]))  # lines
    assert list(differences(base, old_load_yaml("b: [x, 2024-01-02]\na: 1\n", "x")[0]))  # order
    assert list(differences(base, old_load_yaml("a: '1'\nb: [x, 2024-01-02]\n", "x")[0]))  # type
    assert list(differences(base, old_load_yaml("a: 1\nb: [x, 2024-01-02 00:00:00]\n", "x")[0]))
    assert list(differences({"a": 1}, dict(base)))  # a plain dict is not a LinedDict
    assert not list(differences(float("nan"), float("nan")))
    assert list(differences(0.0, -0.0))
    assert list(differences(datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc),
                            datetime.datetime(2024, 1, 2, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))))


def test_plain_content_is_built_without_pyyamls_construction(district: Path, monkeypatch) -> None:
    """The speed is real: the district's YAML never reaches the full construction; a merge key does."""
    full = []
    construct_document = yaml_source._LineLoader.construct_document
    monkeypatch.setattr(yaml_source._LineLoader, "construct_document",
                        lambda loader, node: full.append(node) or construct_document(loader, node))
    for _label, text, first_line in yaml_texts(district):
        load_yaml(text, "x", first_line)
    assert full == []
    for name in ("ints", "floats", "booleans", "nulls", "dates", "binary", "duplicate nested", "unicode"):
        load_yaml(SNIPPETS[name], "x")
    assert full == []
    assert load_yaml(SNIPPETS["merge key"], "x") == ({"a": 1, "b": 2, "c": 3}, [])
    assert len(full) == 1


def test_a_value_its_tag_cannot_make_is_named_at_its_own_line_first_in_the_text() -> None:
    """Two such values: the message names the first in the text, even when it is nested deeper."""
    data, errors = load_yaml("a:\n  - x\n  - !!int 一\nc: !!int 二\n", "some/file.md", 5)
    assert data is None and [error.line for error in errors] == [7]
