"""Load stage: read ``content/`` into the model, collecting every shape error.

The loader checks what it needs to build values (syntax, required fields,
types); cross-references and consistency are ``validate``'s job.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import matter_file
from generator.errors import ContentError, display_path
from generator.i18n import _
from generator.model import Category, Content, Department, Matter, Site, Where
from generator.yaml_source import LinedDict, LinedList, load_yaml

SITE_FILE = "site.yml"
CATEGORIES_FILE = "categories.yml"
DEPARTMENTS_FILE = "departments.yml"
MATTERS_DIR = "matters"
SITE_FIELDS = ("title", "town", "district", "city", "issuer", "version", "revision_note")
# Optional text fields of site.yml, each with the shape its value must have (checked here: build needs them).
OPTIONAL_SITE_FIELDS = {
    "description": None,
    "published": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "document_number": None,
    "base_path": re.compile(r"/(?:[^/\s?#]+/)*"),
    "base_url": re.compile(r"https?://[^/\s?#]+(?:/[^\s?#]*)?"),
}

TYPE_NAMES = {str: "text", int: "a whole number", list: "a list"}

# Reads matter files: (paths, the matters folder as messages show it) → each file's matter or None, and its
# errors, in the paths' order. The build passes one that reads on every core.
MatterReader = Callable[[list[Path], str], list[tuple[Matter | None, list[ContentError]]]]


@dataclass(frozen=True)
class Loaded:
    """What the loader could read, and what it could not."""

    content: Content | None
    errors: list[ContentError]


class _Reader:
    """Collects errors while reading one file's fields."""

    def __init__(self, path: str, errors: list[ContentError]):
        self.path = path
        self.errors = errors

    def error(self, line: int, message: str, suggestion: str = "") -> None:
        self.errors.append(ContentError(self.path, line, message, suggestion))

    def field(self, data: LinedDict, key: str, kind: type, required: bool = True) -> Any:
        value = data.get(key)
        if value is None or value == "" or value == []:
            if required:
                self.error(data.line_of(key), f"missing or empty field '{key}'",
                           f"add '{key}: …' ({TYPE_NAMES[kind]})")
            return None
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.error(data.line_of(key), f"field '{key}' should be {TYPE_NAMES[kind]}, not {value!r}")
            return None
        if kind is list:
            return self.text_list(value, key)
        return value.strip() if isinstance(value, str) else value

    def text_list(self, values: LinedList, key: str) -> list[str] | None:
        items = []
        for value, line in zip(values, values.item_lines):
            if not isinstance(value, str) or not value.strip():
                self.error(line, f"every item of '{key}' should be non-empty text, not {value!r}")
                return None
            items.append(value.strip())
        return items

    def mapping(self, data: Any, line: int, what: str) -> LinedDict | None:
        if isinstance(data, LinedDict):
            return data
        self.error(line, f"{what} should be a mapping of 'key: value' lines")
        return None


def load_content(content_dir: Path, read_matters: MatterReader | None = None) -> Loaded:
    """Read everything under ``content_dir``; ``content`` is None only when site.yml is unusable."""
    errors: list[ContentError] = []
    site = _load_site(content_dir / SITE_FILE, errors)
    categories = _load_list(content_dir / CATEGORIES_FILE, _category, errors)
    departments = _load_list(content_dir / DEPARTMENTS_FILE, _department, errors)
    matters = _load_matters(content_dir / MATTERS_DIR, errors, read_matters or read_matter_files)
    content = None
    if site is not None:
        content = Content(site, tuple(categories), tuple(departments),
                          tuple(sorted(matters, key=lambda matter: (matter.number, matter.id))))
    return Loaded(content, errors)


def where(path: str, data: LinedDict) -> Where:
    return Where(path, data.line, tuple(data.key_lines.items()))


def _read_yaml_file(path: Path, errors: list[ContentError]) -> Any:
    label = display_path(path)
    if not path.is_file():
        errors.append(ContentError(label, 1, "file is missing", f"create {path.name}"))
        return None
    data, yaml_errors = load_yaml(path.read_text(encoding="utf-8"), label)
    errors.extend(yaml_errors)
    return data


def _load_site(path: Path, errors: list[ContentError]) -> Site | None:
    data = _read_yaml_file(path, errors)
    if data is None:
        return None
    reader = _Reader(display_path(path), errors)
    data = reader.mapping(data, 1, path.name)
    if data is None:
        return None
    values = {key: reader.field(data, key, str) for key in SITE_FIELDS}
    optional = {key: _optional_site_field(reader, data, key, shape) for key, shape in OPTIONAL_SITE_FIELDS.items()}
    if any(value is None for value in values.values()):
        return None
    return Site(**values, **optional, where=where(reader.path, data))


def _optional_site_field(reader: _Reader, data: LinedDict, key: str, shape: re.Pattern[str] | None) -> str:
    """An optional field of site.yml ("" when absent), reported when it has not the shape it needs."""
    value = reader.field(data, key, str, required=False) or ""
    if value and shape is not None and not shape.fullmatch(value):
        example = {"published": "2026-01-15", "base_path": "/qingdan/", "base_url": "http://intranet.example/qingdan/"}[key]
        reader.error(data.line_of(key), _("field '{key}' has an unusable value {value!r}").format(key=key, value=value),
                     _("write it like '{key}: {example}'").format(key=key, example=example))
        return ""
    return value


def _load_list(path: Path, build, errors: list[ContentError]) -> list:
    data = _read_yaml_file(path, errors)
    if data is None:
        return []
    reader = _Reader(display_path(path), errors)
    if not isinstance(data, LinedList):
        reader.error(1, f"{path.name} should be a list of entries, each starting with '- name: …'")
        return []
    built = []
    for position, (entry, line) in enumerate(zip(data, data.item_lines), start=1):
        entry = reader.mapping(entry, line, f"entry {position}")
        value = build(reader, entry, position) if entry is not None else None
        if value is not None:
            built.append(value)
    return built


def _category(reader: _Reader, entry: LinedDict, position: int) -> Category | None:
    name, ordinal, slug = (reader.field(entry, key, str) for key in ("name", "ordinal", "slug"))
    if None in (name, ordinal, slug):
        return None
    return Category(slug, name, ordinal, position, where(reader.path, entry))


def _department(reader: _Reader, entry: LinedDict, position: int) -> Department | None:
    name, slug, level = (reader.field(entry, key, str) for key in ("name", "slug", "level"))
    aliases = reader.field(entry, "aliases", list, required=False) or []
    if None in (name, slug, level):
        return None
    return Department(name, slug, level, tuple(aliases), where(reader.path, entry))


def _load_matters(folder: Path, errors: list[ContentError], read_matters: MatterReader) -> list[Matter]:
    if not folder.is_dir():
        errors.append(ContentError(display_path(folder), 1, "folder of matters is missing",
                                   "import the official table with 'python -m generator import FILE'"))
        return []
    matters = []
    folder_label = display_path(folder)  # once: resolving every file's path is slow at scale
    for matter, file_errors in read_matters(matter_paths(folder), folder_label):
        errors.extend(file_errors)
        if matter is not None:
            matters.append(matter)
    return matters


def matter_paths(folder: Path) -> list[Path]:
    """The matter files of ``folder`` (every name ending in ``.md``), in the order they are read.

    Sorted by name, as ``sorted(folder.glob("*.md"))`` sorts them, but without
    comparing 10,000 path objects.
    """
    with os.scandir(folder) as entries:
        names = sorted(entry.name for entry in entries if entry.name.endswith(".md"))
    return [folder / name for name in names]


def read_matter_files(paths: list[Path], folder_label: str) -> list[tuple[Matter | None, list[ContentError]]]:
    """The default ``MatterReader``: one file after the other, in this process."""
    read = []
    for path in paths:
        errors: list[ContentError] = []
        read.append((load_matter(path, errors, f"{folder_label}/{path.name}"), errors))
    return read


def load_matter(path: Path, errors: list[ContentError], label: str = "") -> Matter | None:
    """Read one matter file; on a shape error, record it and return None.

    ``label`` is the path as messages show it (default: computed from ``path``).
    """
    label = label or display_path(path)
    raw = path.read_bytes()
    reader = _Reader(label, errors)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        reader.error(raw[:error.start].count(b"\n") + 1, "file is not UTF-8 text", "save it as UTF-8")
        return None
    parts = matter_file.split(text)
    if parts is None:
        reader.error(1, "no front matter", "start the file with '---', the fields, and '---' again")
        return None
    data, yaml_errors = load_yaml(parts.front_matter, label, parts.front_matter_line)
    errors.extend(yaml_errors)
    data = reader.mapping(data, parts.front_matter_line, "the front matter") if not yaml_errors else None
    if data is None:
        return None
    return _build_matter(reader, data, parts, path, hashlib.sha256(raw).hexdigest())


def _build_matter(reader: _Reader, data: LinedDict, parts: matter_file.MatterText,
                  path: Path, digest: str) -> Matter | None:
    fields = {
        "id": reader.field(data, "id", str),
        "number": reader.field(data, "number", int),
        "title": reader.field(data, "title", str),
        "category": reader.field(data, "category", str),
        "departments": reader.field(data, "departments", list),
        "guarantee": reader.field(data, "guarantee", str),
    }
    notes = reader.field(data, "notes", list, required=False) or []
    body = matter_file.parse_body(parts.body, parts.body_line)
    if any(value is None for value in fields.values()):
        return None
    departments = tuple(fields.pop("departments"))
    return Matter(
        **fields, departments=departments, upper_sections=body.upper_sections,
        town_duties=body.town_duties, notes=tuple(notes), path=path, source_hash=digest,
        where=where(reader.path, data), layout=body.layout,
    )
