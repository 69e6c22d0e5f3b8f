"""The list types (基本, 配合, 收回), declared in one place: which fields and sections a type's matters have.

Each type is a YAML declaration (``generator/content/list_types/<type>.yml``,
shipped with the package): its front-matter fields with their kinds, its
Markdown body sections by their ``## `` heading, the column order of its
table and what search reads. Validation, import, rendering, search and
downloads read these values, so a province's variant of a type is a change
of one declaration: a site may override a shipped type (or add one) with a
file of the same name in its own ``content/list_types/``.

A declaration is checked as strictly as content: every problem is a
``ContentError`` with its line and a suggestion, all reported at once.
The format is described for developers in ``docs/list-types.md``.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from generator.content import source_text
from generator.content.yaml_source import LinedDict, LinedList, load_yaml
from generator.errors import ContentError, ContentErrors, display_path
from generator.excerpt import excerpt, short_repr
from generator.i18n import _

SHIPPED_DIR = Path(__file__).with_name("list_types")
OVERRIDE_FOLDER = "list_types"  # inside a site's content folder
DECLARATION_SUFFIX = ".yml"

# Kinds of front-matter fields and of body sections (docs/list-types.md says what each accepts).
FIELD_KINDS = ("id", "number", "text", "category", "department", "departments", "markdown")
BODY_KINDS = ("markdown", "department-sections")
KINDS = (*FIELD_KINDS, *(kind for kind in BODY_KINDS if kind not in FIELD_KINDS))
# The fields every type has, with their kinds: a matter's identity (TypedMatter.id, number, title).
IDENTITY_FIELDS = {"id": "id", "number": "number", "title": "text"}
# Keys a matter file may hold besides its type's fields: editorial notes, shown apart from the official text.
EDITORIAL_KEYS = ("notes",)

TYPE_KEYS = ("type", "label", "short_label", "categories", "fields", "body", "table_columns", "search")
REQUIRED_TYPE_KEYS = ("type", "label", "fields", "body", "table_columns", "search")
FIELD_KEYS = ("key", "kind", "required", "label")
SECTION_KEYS = ("key", "heading", "kind", "required")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Field:
    """One front-matter field of a type's matters."""

    key: str
    kind: str  # one of FIELD_KINDS
    required: bool
    label: str  # the column header of the official table (序号, 事项名称, …)


@dataclass(frozen=True)
class BodySection:
    """One ``## `` section of a type's matter body; its heading is also its column header."""

    key: str
    heading: str
    kind: str  # one of BODY_KINDS
    required: bool


@dataclass(frozen=True)
class ListType:
    """A declared list type: what its matter files hold and how its table is laid out."""

    type: str  # slug: jiben | peihe | shouhui | a site's own
    label: str  # 基本履职事项清单
    short_label: str  # 基本履职事项
    categories: bool  # whether its lists have categories.yml and its matters a category field
    fields: tuple[Field, ...]
    body: tuple[BodySection, ...]
    table_columns: tuple[str, ...]  # keys, in the official table's column order
    search: tuple[str, ...]  # keys whose text search reads
    path: str = field(default="", compare=False)  # the declaration file, for messages

    # The lookups below are asked for every value of every matter (comparisons, downloads, search: some
    # 150,000 times in a district's build), so each is worked out once per declaration and kept on it
    # (``cached_property`` keeps it beside the fields: equality, hashing and ``replace`` ignore it).

    @cached_property
    def field_keys(self) -> tuple[str, ...]:
        return tuple(declared.key for declared in self.fields)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Every declared key: the fields, then the body sections."""
        return (*self.field_keys, *(section.key for section in self.body))

    @cached_property
    def labelled_keys(self) -> tuple[tuple[str, str, str], ...]:
        """Every declared key with its label and kind, (key, label, kind), in the order of ``keys``."""
        return tuple((key, self.label_of(key), self.kind_of(key)) for key in self.keys)

    def field(self, key: str) -> Field | None:
        return self._fields_by_key.get(key)

    def section(self, key: str) -> BodySection | None:
        return self._sections_by_key.get(key)

    def kind_of(self, key: str) -> str:
        return self._declared(key).kind

    def label_of(self, key: str) -> str:
        """The column header of ``key``: a field's label, a section's heading."""
        declared = self._declared(key)
        return declared.label if isinstance(declared, Field) else declared.heading

    def keys_of_kind(self, *kinds: str) -> tuple[str, ...]:
        found = self._keys_by_kinds.get(kinds)
        if found is None:
            found = self._keys_by_kinds[kinds] = tuple(key for key in self.keys if self.kind_of(key) in kinds)
        return found

    def _declared(self, key: str) -> Field | BodySection:
        """The field of ``key``, else its section (a field wins where both declare it); KeyError if neither."""
        declared = self._fields_by_key.get(key) or self._sections_by_key.get(key)
        if declared is None:
            raise KeyError(key)
        return declared

    @cached_property
    def _fields_by_key(self) -> dict[str, Field]:
        return _first_by_key(self.fields)

    @cached_property
    def _sections_by_key(self) -> dict[str, BodySection]:
        return _first_by_key(self.body)

    @cached_property
    def _keys_by_kinds(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        return {}  # filled by keys_of_kind


Declared = TypeVar("Declared", Field, BodySection)


def _first_by_key(entries: Iterable[Declared]) -> dict[str, Declared]:
    """Each key's first entry, as a search from the start finds it (a checked declaration has each key once)."""
    by_key: dict[str, Declared] = {}
    for entry in entries:
        by_key.setdefault(entry.key, entry)
    return by_key


def load_list_types(override_dir: Path | None = None) -> dict[str, ListType]:
    """The shipped list types, each overridden by a declaration of the same type in ``override_dir``.

    ``override_dir`` is a site's ``content/list_types`` (absent: nothing is
    overridden). Raises ContentErrors listing every problem of every declaration.
    """
    types, errors = read_list_types(override_dir)
    if errors:
        raise ContentErrors(errors)
    return types


def read_list_types(override_dir: Path | None = None) -> tuple[dict[str, ListType], list[ContentError]]:
    """``load_list_types`` with the errors as values, for a loader that reports them with the rest."""
    errors: list[ContentError] = []
    types = _read_folder(SHIPPED_DIR, errors)
    if override_dir is not None and override_dir.is_dir():
        types.update(_read_folder(override_dir, errors))
    return types, errors


def _read_folder(folder: Path, errors: list[ContentError]) -> dict[str, ListType]:
    types: dict[str, ListType] = {}
    for path in sorted(folder.glob(f"*{DECLARATION_SUFFIX}")):
        declared = read_declaration(path, errors)
        if declared is not None:
            types[declared.type] = declared
    return types


def read_declaration(path: Path, errors: list[ContentError]) -> ListType | None:
    """The list type declared in ``path``, or None with its errors added to ``errors``."""
    from generator.content.loader import read_regular_file  # the loader's safe read: no pipes, no links out

    label = display_path(path)
    raw, problem = read_regular_file(path, path.parent)
    if raw is None:
        errors.append(ContentError(label, 1, *(problem or (_("file is missing"), _("create {name}").format(
            name=path.name)))))
        return None
    decoded = source_text.decode(raw, label)
    if decoded.text is None:
        errors.extend(decoded.errors)
        return None
    data, yaml_errors = load_yaml(decoded.text, label)
    errors.extend(yaml_errors)
    if yaml_errors:
        return None
    if not isinstance(data, LinedDict):
        errors.append(ContentError(label, 1, _("a list type declaration should be a mapping of 'key: value' lines"),
                                   _("see docs/list-types.md")))
        return None
    return _Declaration(label, errors).build(data, path.name.removesuffix(DECLARATION_SUFFIX))


class _Declaration:
    """Checks one declaration's values, collecting every error."""

    def __init__(self, path: str, errors: list[ContentError]):
        self.path = path
        self.errors = errors
        self.failed = False
        self.key_lines: dict[str, int] = {}  # each declared key's first line: a key declared twice is an error
        self.heading_lines: dict[str, int] = {}
        self.written_keys: set[str] = set()  # every entry's key as written, built or not: not reported again

    def error(self, line: int, message: str, suggestion: str = "") -> None:
        self.errors.append(ContentError(self.path, line, message, suggestion))
        self.failed = True

    def build(self, data: LinedDict, file_stem: str) -> ListType | None:
        self.known_keys(data, TYPE_KEYS)
        for key in REQUIRED_TYPE_KEYS:
            if key not in data:
                self.error(data.line, _("missing key '{key}'").format(key=key),
                           _("add '{key}: …' (see docs/list-types.md)").format(key=key))
        slug = self.text(data, "type")
        if slug is not None and not SLUG.match(slug):
            self.error(data.line_of("type"), _("type '{slug}' is not URL-safe").format(slug=excerpt(slug)),
                       _("use lower-case ASCII letters, digits and hyphens, e.g. 'jiben'"))
        elif slug is not None and slug != file_stem:
            self.error(data.line_of("type"), _("the file declares type '{slug}' but is named {name}").format(
                slug=excerpt(slug), name=excerpt(file_stem + DECLARATION_SUFFIX)),
                _("rename the file to {name}").format(name=excerpt(slug + DECLARATION_SUFFIX)))
        label = self.text(data, "label")
        short_label = self.text(data, "short_label", required=False) or label
        fields = self.entries(data, "fields", self.field_entry, allow_empty=False)
        body = self.entries(data, "body", self.section_entry, allow_empty=True)
        self.identity(data, fields)
        categories = self.categories(data, fields)
        keys = [entry.key for entry in (*fields, *body)]
        table_columns = self.key_list(data, "table_columns", keys)
        search = self.key_list(data, "search", keys)
        if self.failed:
            return None
        return ListType(slug, label, short_label, categories, tuple(fields), tuple(body),
                        table_columns, search, self.path)

    # --- values ---------------------------------------------------------------------------------

    def known_keys(self, data: LinedDict, known: tuple[str, ...]) -> None:
        for key in data:
            name = str(key)
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                self.error(data.line_of(name), _("unknown key '{key}'").format(key=excerpt(name)),
                           _("did you mean '{known}'?").format(known=close[0]) if close
                           else _("the keys are: {known}").format(known=", ".join(known)))

    def text(self, data: LinedDict, key: str, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None or isinstance(value, str) and not value.strip():
            if required and key in data:
                self.error(data.line_of(key), _("missing or empty field '{key}'").format(key=key))
            elif required:
                self.failed = True  # a missing key is reported once, with the keys
            return None
        if not isinstance(value, str) or "\n" in value.strip():
            self.error(data.line_of(key), _("'{key}' should be text on one line, not {value}").format(
                key=key, value=short_repr(value)))
            return None
        return value.strip()

    def flag(self, data: LinedDict, key: str) -> bool | None:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.error(data.line_of(key), _("'{key}' should be true or false, not {value}").format(
                key=key, value=short_repr(value)))
            return None
        return value

    def entries(self, data: LinedDict, key: str, build: Any, allow_empty: bool) -> list:
        value = data.get(key)
        if key not in data:
            return []
        if not isinstance(value, LinedList) or not value and not allow_empty:
            self.error(data.line_of(key), _("'{key}' should be a list of entries, each a mapping").format(key=key),
                       _("see docs/list-types.md"))
            return []
        built = []
        for entry, line in zip(value, value.item_lines):
            if not isinstance(entry, LinedDict):
                self.error(line, _("an entry of '{key}' should be a mapping, not {value}").format(
                    key=key, value=short_repr(entry)), _("see docs/list-types.md"))
                continue
            made = build(entry)
            if made is not None:
                built.append(made)
        return built

    def field_entry(self, entry: LinedDict) -> Field | None:
        self.known_keys(entry, FIELD_KEYS)
        key, kind = self.entry_key(entry), self.kind(entry, FIELD_KINDS)
        label = self.text(entry, "label")
        required = self.flag(entry, "required")
        if None in (key, kind, label, required):
            self.missing(entry, ("key", "kind", "label"))
            return None
        return Field(key, kind, required, label)

    def section_entry(self, entry: LinedDict) -> BodySection | None:
        self.known_keys(entry, SECTION_KEYS)
        key, kind = self.entry_key(entry), self.kind(entry, BODY_KINDS)
        heading = self.text(entry, "heading")
        required = self.flag(entry, "required")
        if heading is not None and heading.startswith("#"):
            self.error(entry.line_of("heading"), _("write the heading without its '#' marks"),
                       _("'{heading}' is enough: the '## ' is implied").format(heading=excerpt(heading.lstrip("# "))))
            heading = None
        if heading is not None and heading in self.heading_lines:
            self.error(entry.line_of("heading"), _("heading '{heading}' is declared twice (first on line {first})")
                       .format(heading=excerpt(heading), first=self.heading_lines[heading]),
                       _("give each section its own heading"))
            heading = None
        elif heading is not None:
            self.heading_lines[heading] = entry.line_of("heading")
        if None in (key, kind, heading, required):
            self.missing(entry, ("key", "heading", "kind"))
            return None
        return BodySection(key, heading, kind, required)

    def missing(self, entry: LinedDict, needed: tuple[str, ...]) -> None:
        for name in needed:
            if name not in entry:
                self.error(entry.line, _("missing key '{key}'").format(key=name),
                           _("add '{key}: …' (see docs/list-types.md)").format(key=name))

    def entry_key(self, entry: LinedDict) -> str | None:
        self.written_keys.add(str(entry.get("key")))
        key = self.text(entry, "key")
        if key is not None and not KEY.match(key):
            self.error(entry.line_of("key"), _("key '{key}' is not a plain name").format(key=excerpt(key)),
                       _("use lower-case ASCII letters, digits and '_', starting with a letter"))
            return None
        if key is not None and key in self.key_lines:
            self.error(entry.line_of("key"), _("key '{key}' is declared twice (first on line {first})").format(
                key=key, first=self.key_lines[key]), _("give each field and section its own key"))
            return None
        if key is not None:
            self.key_lines[key] = entry.line_of("key")
        return key

    def kind(self, entry: LinedDict, allowed: tuple[str, ...]) -> str | None:
        kind = self.text(entry, "kind")
        if kind is None or kind in allowed:
            return kind
        line = entry.line_of("kind")
        if kind in KINDS:
            self.error(line, _("kind '{kind}' is not allowed here").format(kind=kind),
                       _("use one of {kinds}").format(kinds=", ".join(allowed)))
            return None
        close = difflib.get_close_matches(kind, allowed, n=1, cutoff=0.5)
        self.error(line, _("unknown kind '{kind}'").format(kind=excerpt(kind)),
                   _("did you mean '{known}'?").format(known=close[0]) if close
                   else _("use one of {kinds}").format(kinds=", ".join(allowed)))
        return None

    # --- the declaration as a whole ------------------------------------------------------------------

    def identity(self, data: LinedDict, fields: list[Field]) -> None:
        """Every type's matters have an id, a number and a title: URLs, order and lists depend on them."""
        if "fields" not in data or not isinstance(data["fields"], LinedList):
            return
        by_key = {declared.key: declared for declared in fields}
        for key, kind in IDENTITY_FIELDS.items():
            declared = by_key.get(key)
            if declared is None and key in self.written_keys:
                continue  # its entry's error is reported
            if declared is None or declared.kind != kind or not declared.required:
                self.error(data.line_of("fields"), _("every type needs the field '{key}' of kind '{kind}', "
                                                     "required").format(key=key, kind=kind),
                           _("declare the field '{key}' with 'kind: {kind}' and 'required: true'").format(
                               key=key, kind=kind))
        for kind in ("id", "number", "category"):
            if sum(declared.kind == kind for declared in fields) > 1:
                self.error(data.line_of("fields"), _("more than one field of kind '{kind}'").format(kind=kind),
                           _("a matter has one {kind}: keep one of these fields").format(kind=kind))

    def categories(self, data: LinedDict, fields: list[Field]) -> bool:
        """Whether lists of the type have categories: declared, and true exactly when a field names one."""
        has_field = any(declared.kind == "category" for declared in fields)
        if "categories" not in data:
            return has_field
        declared = self.flag(data, "categories")
        if declared is True and not has_field and "fields" in data:
            self.error(data.line_of("categories"), _("'categories: true' but no field is of kind 'category'"),
                       _("add a field of kind 'category' or write 'categories: false'"))
        elif declared is False and has_field:
            self.error(data.line_of("categories"), _("'categories: false' but a field is of kind 'category'"),
                       _("write 'categories: true' or remove the category field"))
        return bool(declared)

    def key_list(self, data: LinedDict, key: str, keys: Iterable[str]) -> tuple[str, ...]:
        value = data.get(key)
        if key not in data:
            return ()
        known = tuple(keys)
        if not isinstance(value, LinedList):
            self.error(data.line_of(key), _("'{key}' should be a list of declared keys, not {value}").format(
                key=key, value=short_repr(value)), _("write it as '[{known}]'").format(known=", ".join(known)))
            return ()
        items: list[str] = []
        for item, line in zip(value, value.item_lines):
            name = str(item)
            if name in items:
                self.error(line, _("'{name}' appears twice in '{key}'").format(name=excerpt(name), key=key),
                           _("name each key once"))
            elif name not in known and name not in self.written_keys:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                self.error(line, _("'{key}' names '{name}', which is no field or section of the type").format(
                    key=key, name=excerpt(name)),
                    _("did you mean '{known}'?").format(known=close[0]) if close
                    else _("the keys are: {known}").format(known=", ".join(known)))
            items.append(name)
        return tuple(items)
