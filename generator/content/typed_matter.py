"""Matter files of a declared list type (基本, 收回, a province's own): read by the declaration, then validated.

``read_typed_matter`` checks one file's shape against its ``ListType``:
each front-matter field by its kind, no key the type does not declare, the
body cut into the declared ``## `` sections in declared order, no text
outside them. ``validate_typed_matters`` checks what needs the whole list
and the settings: categories and departments named, numbers and ids used
once, numbers without gaps. Both return every error as a value with its
``path:line``; nothing a keeper writes makes them raise.

The bytes and the front matter are read as the 配合 loader reads them
(``loader.read_regular_file``, ``source_text``, ``matter_file.split``,
``yaml_source``), so BOM, CRLF, control characters, YAML anchors and
duplicate keys are handled the same way for every type. 配合 matters keep
today's loader and validation (``kind: department-sections``); reading one
here gives its sections as Markdown text.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from generator.content import matter_file, source_text
from generator.content.list_types import EDITORIAL_KEYS, Field, ListType
from generator.content.loader import CATEGORIES_FILE, DEPARTMENTS_FILE, MARKDOWN_SUFFIX, MATTER_SUFFIX, read_regular_file
from generator.content.model import Category, Department, TypedMatter, Where
from generator.content.names import DepartmentNames
from generator.content.yaml_source import LinedDict, LinedList, load_yaml
from generator.errors import ContentError, display_path
from generator.excerpt import excerpt, short_repr
from generator.i18n import N_, _

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HINT = N_("use lower-case ASCII letters, digits and hyphens, e.g. 'civil-affairs'")
SECTION = re.compile(r"^##(?!#) *(.*?)\s*$")  # a `## ` heading; `### ` and deeper are the section's own Markdown
DEPARTMENT_SEPARATOR = "\n"  # between the names of a `departments` field in TypedMatter.values
# What a value of each kind must be, as a message says it.
KIND_NAMES = {
    "id": N_("an id of lower-case ASCII letters, digits and hyphens"),
    "number": N_("a whole number"),
    "text": N_("text on one line"),
    "category": N_("a category's name"),
    "department": N_("a department's name"),
    "departments": N_("a list of departments' names"),
    "markdown": N_("text"),
}
ONE_LINE_KINDS = ("id", "text", "category", "department")


# --- one file -------------------------------------------------------------------------------------------


def read_typed_matter(path: Path, list_type: ListType,
                      label: str = "") -> tuple[TypedMatter | None, list[ContentError]]:
    """The matter in ``path`` read by ``list_type``, and every shape error found in it.

    The matter is None when its fields cannot be read (a required one
    missing, a value of the wrong kind); errors in its body sections are
    reported, and the matter is still given so that validation can check it too.
    ``label`` is the path as messages show it (default: computed from ``path``).
    """
    label = label or display_path(path)
    errors: list[ContentError] = []
    reader = _Reader(label, errors)
    if not path.name.endswith(MATTER_SUFFIX):
        reader.error(1, _("the name does not end in '.md', so this file is not read as a matter"),
                     _("rename it to {name}").format(name=MARKDOWN_SUFFIX.sub("", path.name) + MATTER_SUFFIX))
        return None, errors
    raw, problem = read_regular_file(path, path.parent.parent)
    if raw is None:
        reader.error(1, *(problem or (_("file is missing"), _("create {name}").format(name=path.name))))
        return None, errors
    decoded = source_text.decode(raw, label)
    if decoded.text is None:
        return None, [*decoded.errors]
    matter = _read_text(reader, decoded.text, list_type)
    if matter is not None:
        matter = replace(matter, path=path, source_hash=hashlib.sha256(raw).hexdigest())
    return matter, errors


def parse_typed_matter(text: str, label: str, list_type: ListType) -> tuple[TypedMatter | None, list[ContentError]]:
    """``read_typed_matter`` for a text already decoded (an import's draft, before anything is written)."""
    errors: list[ContentError] = []
    return _read_text(_Reader(label, errors), text, list_type), errors


def typed_matter_text(list_type: ListType, values: dict[str, Any], notes: Iterable[str] = ()) -> str:
    """The text of a matter file of ``list_type``: what ``read_typed_matter`` reads back to the same values.

    ``values`` by declared key: a number as an int, a ``departments`` field
    as a list, everything else as text; an absent or empty optional value is
    left out. Fields come in declared order, then the notes, then each
    section under its ``## `` heading; multi-line text is a YAML block, so
    that a changed line diffs as one line.
    """
    front = {declared.key: values[declared.key] for declared in list_type.fields
             if values.get(declared.key) not in (None, "", [], ())}
    notes = list(notes)
    if notes:
        front["notes"] = notes
    yaml_text = yaml.dump(front, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    sections = [f"## {section.heading}\n\n{values[section.key].strip(chr(10))}" for section in list_type.body
                if str(values.get(section.key) or "").strip()]
    fence = matter_file.FRONT_MATTER_FENCE
    return f"{fence}\n{yaml_text}{fence}\n\n" + "\n\n".join(sections) + "\n"


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text (as ``matter_file`` writes 配合 matters)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)


def _read_text(reader: _Reader, text: str, list_type: ListType) -> TypedMatter | None:
    if not text.strip():
        reader.error(1, _("the file is empty"), _("write the front matter between '---' lines, then the sections "
                                                 "{headings}").format(headings=_headings(list_type)))
        return None
    parts = matter_file.split(text)
    if parts is None:
        reader.error(1, _("no front matter"), _("start the file with '---', the fields, and '---' again"))
        return None
    data, yaml_errors = load_yaml(parts.front_matter, reader.path, parts.front_matter_line)
    reader.errors.extend(yaml_errors)
    if yaml_errors:
        return None
    if data is None:
        reader.error(parts.front_matter_line, _("the front matter is empty"),
                     _("write the fields: {keys}").format(keys=", ".join(list_type.field_keys)))
        return None
    if not isinstance(data, LinedDict):
        reader.error(parts.front_matter_line, _("the front matter should be a mapping of 'key: value' lines"))
        return None
    return _build(reader, data, parts, list_type)


def _headings(list_type: ListType) -> str:
    return " ".join(f"'## {section.heading}'" for section in list_type.body)


def _build(reader: _Reader, data: LinedDict, parts: matter_file.MatterText,
           list_type: ListType) -> TypedMatter | None:
    reader.known_keys(data, list_type)
    fields = {declared.key: reader.field(data, declared) for declared in list_type.fields}
    notes = reader.notes(data)
    sections, section_lines = _Body(reader, list_type).split(parts.body, parts.body_line)
    unreadable = [declared.key for declared in list_type.fields
                  if fields[declared.key] is None and (declared.required or declared.key in data)]
    if unreadable or notes is None:
        return None
    values = {key: _as_text(value) for key, value in fields.items()}
    values.update(sections)
    lines = (*data.key_lines.items(), *section_lines.items())
    return TypedMatter(fields["id"], fields["number"], fields["title"], list_type.type,
                       tuple((key, values.get(key, "")) for key in list_type.keys), tuple(notes),
                       where=Where(reader.path, data.line, lines))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return DEPARTMENT_SEPARATOR.join(value)
    return str(value)


class _Reader:
    """Collects one file's errors while its fields are read by their kinds."""

    def __init__(self, path: str, errors: list[ContentError]):
        self.path = path
        self.errors = errors

    def error(self, line: int, message: str, suggestion: str = "") -> None:
        self.errors.append(ContentError(self.path, line, message, suggestion))

    def known_keys(self, data: LinedDict, list_type: ListType) -> None:
        """Every key the type does not declare is reported: a misspelt key would lose its value in silence."""
        known = (*list_type.field_keys, *EDITORIAL_KEYS)
        for key in data:
            name = str(key)
            if name in known:
                continue
            section = list_type.section(name)
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            if section is not None:
                hint = _("'{key}' is a section of the body: write it under '## {heading}'").format(
                    key=name, heading=section.heading)
            elif close:
                hint = _("did you mean '{known}'?").format(known=close[0])
            else:
                hint = _("the fields are: {known}").format(known=", ".join(known))
            self.error(data.line_of(name), _("unknown field '{key}'").format(key=excerpt(name)), hint)

    def field(self, data: LinedDict, declared: Field) -> Any:
        """The value of one declared field, checked by its kind; None when absent or unusable (reported)."""
        key, kind, line = declared.key, declared.kind, data.line_of(declared.key)
        value = data.get(key)
        if value is None or value == [] or isinstance(value, str) and not value.strip():
            if declared.required:
                self.error(line, _("missing or empty field '{key}'").format(key=key),
                           _("add '{key}: …' ({kind})").format(key=key, kind=_(KIND_NAMES[kind])))
            return None
        expected = int if kind == "number" else list if kind == "departments" else str
        if isinstance(value, bool) or not isinstance(value, expected):
            self.error(line, _("field '{key}' should be {kind}, not {value}").format(
                key=key, kind=_(KIND_NAMES[kind]), value=short_repr(value)))
            return None
        if kind == "number":
            return self.number(value, line)
        if kind == "departments":
            return self.text_list(value, key)
        return self.text(value.strip(), key, kind, line)

    def number(self, value: int, line: int) -> int | None:
        if value < 1:
            self.error(line, _("matter numbers start at 1"),
                       _("number the matters 1, 2, 3, … in the official order"))
            return None
        return value

    def text(self, value: str, key: str, kind: str, line: int) -> str | None:
        if kind in ONE_LINE_KINDS and "\n" in value:
            self.error(line, _("field '{key}' should be on one line").format(key=key),
                       _("join its lines: only the sections of the body hold text of several lines"))
            return None
        if kind == "id" and not SLUG.match(value):
            self.error(line, _("id '{id}' is not URL-safe").format(id=excerpt(value)), _(SLUG_HINT))
            return None
        return value

    def text_list(self, values: LinedList, key: str) -> list[str] | None:
        items = []
        for value, line in zip(values, values.item_lines):
            if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
                self.error(line, _("every item of '{key}' should be non-empty text, not {value}").format(
                    key=key, value=short_repr(value)))
                return None
            items.append(value.strip())
        return items

    def notes(self, data: LinedDict) -> list[str] | None:
        """The editorial notes ([] when there are none); None when they are unusable (reported)."""
        value = data.get("notes")
        if value is None or value == []:
            return []
        if not isinstance(value, LinedList):
            self.error(data.line_of("notes"), _("field '{key}' should be {kind}, not {value}").format(
                key="notes", kind=_("a list"), value=short_repr(value)))
            return None
        return self.text_list(value, "notes")


class _Body:
    """Cuts a body into the type's ``## `` sections, reporting what does not fit the declaration."""

    def __init__(self, reader: _Reader, list_type: ListType):
        self.reader = reader
        self.list_type = list_type
        self.by_heading = {section.heading: section for section in list_type.body}
        self.headings = tuple(self.by_heading)

    def split(self, body: str, first_line: int) -> tuple[dict[str, str], dict[str, int]]:
        """Each present section's text by its key, and the line of each present section's heading."""
        texts: dict[str, list[str]] = {}
        lines: dict[str, int] = {}
        current: str | None = None  # the key of the section being read; None before any or under an unknown one
        unknown = False
        stray_start = 0
        for offset, line in enumerate(body.split("\n")):
            number = first_line + offset
            heading = SECTION.match(line)
            if heading:
                current = self.heading(heading[1], number, lines)
                unknown = current is None
                if current is not None:
                    texts[current] = []
            elif current is not None:
                texts[current].append(line)
            elif line.strip() and not unknown and not stray_start:
                stray_start = number
        if stray_start:
            self.reader.error(stray_start, _("text outside the known sections"),
                              _("put it under one of the headings {headings}").format(
                                  headings=_headings(self.list_type)))
        values = {key: _trim(text) for key, text in texts.items()}
        self.missing_or_empty(values, lines, first_line - 1)
        return values, lines

    def heading(self, heading: str, line: int, lines: dict[str, int]) -> str | None:
        """The key of a ``## `` heading's section; None (reported) for a heading not declared or repeated."""
        section = self.by_heading.get(heading)
        if section is None:
            close = difflib.get_close_matches(heading, self.headings, n=1, cutoff=0.5)
            self.reader.error(line, _("unknown section '## {heading}'").format(heading=excerpt(heading)),
                              _("did you mean '## {known}'?").format(known=close[0]) if close
                              else _("the sections are: {headings}").format(headings=_headings(self.list_type)))
            return None
        if section.key in lines:
            self.reader.error(line, _("section '## {heading}' appears twice (first on line {first})").format(
                heading=heading, first=lines[section.key]), _("merge the two into one section"))
            return None
        later = [other for other in self.list_type.body if other.key in lines
                 and self.list_type.body.index(other) > self.list_type.body.index(section)]
        if later:
            self.reader.error(line, _("section '## {heading}' should come before '## {other}'").format(
                heading=heading, other=later[0].heading),
                _("the sections' order is {headings}").format(headings=_headings(self.list_type)))
        lines[section.key] = line
        return section.key

    def missing_or_empty(self, values: dict[str, str], lines: dict[str, int], fence_line: int) -> None:
        for section in self.list_type.body:
            if section.key not in lines:
                if section.required:
                    self.reader.error(fence_line, _("missing section '## {heading}'").format(heading=section.heading),
                                      _("add '## {heading}' with its text after the front matter").format(
                                          heading=section.heading))
            elif not values[section.key]:
                self.reader.error(lines[section.key], _("section '{heading}' is empty").format(
                    heading=section.heading), _("write its text below the heading") if section.required
                    else _("write its text below the heading or remove the heading"))


def _trim(lines: list[str]) -> str:
    """The section's text without the blank lines around it; every other character is kept."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


# --- the whole list ---------------------------------------------------------------------------------------


def validate_typed_matters(matters: Iterable[TypedMatter], list_type: ListType,
                           categories: Iterable[Category] | None, departments: Iterable[Department] | None,
                           all_matters_loaded: bool = True) -> list[ContentError]:
    """Every error of the list's matters that needs the list or the settings, sorted by file and line.

    ``categories`` or ``departments`` is None when its file could not be
    read at all: the matters are then not checked against it (each would
    only echo that file's error). Numbering gaps are not reported when some
    matter files could not be read (``all_matters_loaded`` false).
    """
    matters = tuple(matters)
    errors = [*_check_numbers(matters, all_matters_loaded), *_check_ids(matters)]
    if list_type.categories and categories is not None:
        errors.extend(_check_categories(matters, list_type, [category.name for category in categories]))
    if departments is not None:
        errors.extend(_check_departments(matters, list_type, DepartmentNames(departments)))
    return sorted(errors)


def with_canonical_departments(matters: Iterable[TypedMatter], list_type: ListType,
                               departments: Iterable[Department]) -> tuple[TypedMatter, ...]:
    """The matters with every department reference written as its canonical name (aliases resolved).

    Call after validation: a name that does not resolve is kept as written.
    """
    names = DepartmentNames(departments)
    keys = list_type.keys_of_kind("department", "departments")

    def canonical(text: str) -> str:
        return DEPARTMENT_SEPARATOR.join(names.resolve(name) or name for name in text.split(DEPARTMENT_SEPARATOR))

    return tuple(replace(matter, values=tuple((key, canonical(text) if key in keys and text else text)
                                              for key, text in matter.values)) for matter in matters)


def _duplicates(values: Iterable[tuple[object, TypedMatter]]) -> Iterator[tuple[object, TypedMatter]]:
    seen: set[object] = set()
    for key, matter in values:
        if key in seen:
            yield key, matter
        seen.add(key)


def _check_numbers(matters: tuple[TypedMatter, ...], check_gaps: bool) -> Iterator[ContentError]:
    for number, matter in _duplicates((m.number, m) for m in matters):
        yield ContentError(matter.where.path, matter.where.line_of("number"),
                           _("matter number {number} is used twice").format(number=number),
                           _("every matter needs its own number; renumber the following matters"))
    numbers = {matter.number for matter in matters}
    for matter in matters if check_gaps else ():
        if matter.number > 1 and matter.number - 1 not in numbers:
            missing = max((n for n in numbers if n < matter.number), default=0) + 1
            yield ContentError(matter.where.path, matter.where.line_of("number"),
                               _("matter numbers jump from {before} to {number}").format(
                                   before=missing - 1, number=matter.number),
                               _("number {missing} is missing: renumber this matter or add the missing one").format(
                                   missing=missing))
    for matter in matters:
        expected = matter_file.file_name(matter.number, matter.id)
        if matter.path.name and matter.path.name != expected:
            yield ContentError(matter.where.path, matter.where.line_of("number"),
                               _("file name does not match number {number} and id '{id}'").format(
                                   number=matter.number, id=excerpt(matter.id)),
                               _("rename the file to {name}").format(name=excerpt(expected, 80)))


def _check_ids(matters: tuple[TypedMatter, ...]) -> Iterator[ContentError]:
    for matter_id, matter in _duplicates((m.id, m) for m in matters):
        yield ContentError(matter.where.path, matter.where.line_of("id"),
                           _("id '{id}' is used twice").format(id=excerpt(matter_id)),
                           _("ids are used in URLs and must be unique; give the new matter a new id"))


def _check_categories(matters: tuple[TypedMatter, ...], list_type: ListType,
                      known: list[str]) -> Iterator[ContentError]:
    for key in list_type.keys_of_kind("category"):
        for matter in matters:
            name = matter.value(key)
            if name and name not in known:
                yield ContentError(matter.where.path, matter.where.line_of(key),
                                   _("unknown category '{name}'").format(name=excerpt(name)), _did_you_mean(
                                       difflib.get_close_matches(name, known, n=3, cutoff=0.6), CATEGORIES_FILE))


def _check_departments(matters: tuple[TypedMatter, ...], list_type: ListType,
                       names: DepartmentNames) -> Iterator[ContentError]:
    for key in list_type.keys_of_kind("department", "departments"):
        for matter in matters:
            text = matter.value(key)
            resolved = []
            for name in text.split(DEPARTMENT_SEPARATOR) if text else ():
                canonical = names.resolve(name)
                if canonical is None:
                    yield ContentError(matter.where.path, matter.where.line_of(key),
                                       _("unknown department '{name}'").format(name=excerpt(name)),
                                       _did_you_mean(names.suggest(name), DEPARTMENTS_FILE))
                elif canonical in resolved:
                    yield ContentError(matter.where.path, matter.where.line_of(key),
                                       _("department '{name}' is listed twice").format(name=excerpt(name)),
                                       _("list it once"))
                resolved.append(canonical)


def _did_you_mean(close: list[str], where: str) -> str:
    if close:
        quoted = (_("'{name}'").format(name=excerpt(name)) for name in close)
        return _("did you mean {names}?").format(names=_(" or ").join(quoted))
    return _("see {file}").format(file=where)
