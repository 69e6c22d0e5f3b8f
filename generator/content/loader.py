"""Load stage: read ``content/`` into the model, collecting every shape error.

The loader checks what it needs to build values (the file itself, its
encoding, YAML syntax, known and required fields, types); cross-references
and consistency are ``validate``'s job. Nothing a keeper can put in the
folder makes it raise or hang: a file that is not a regular file (a folder,
a pipe, a link leading out of the content folder or to nothing) is reported
without being opened, and a file whose name looks like a matter's but is
not read as one is reported too, so that no matter is dropped in silence.
"""
from __future__ import annotations

import datetime
import difflib
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content import matter_file

from generator.content import source_text
from generator.errors import ContentError, display_path
from generator.excerpt import excerpt, short_repr, tail_excerpt
from generator.i18n import N_, _
from generator.content.model import Category, Content, Department, Matter, Site, Where
from generator.content.yaml_source import LinedDict, LinedList, load_yaml

SITE_FILE = "site.yml"
CATEGORIES_FILE = "categories.yml"
DEPARTMENTS_FILE = "departments.yml"
SETTINGS_FILES = (SITE_FILE, CATEGORIES_FILE, DEPARTMENTS_FILE)
MATTERS_DIR = "matters"
MATTER_SUFFIX = ".md"
SITE_FIELDS = ("title", "town", "district", "city", "issuer", "version", "revision_note")
CATEGORY_KEYS = ("name", "ordinal", "slug")
DEPARTMENT_KEYS = ("name", "slug", "level", "aliases")
MATTER_KEYS = matter_file.KEY_ORDER
# Names that look like a matter file's but are not read as one: another case of ``.md``, another
# Markdown extension, a ``.txt`` added by Windows, or a numbered name without an extension.
MARKDOWN_SUFFIX = re.compile(r"\.(?:md|markdown|mdown|mkd)(?:\.txt)?$", re.IGNORECASE)
NUMBERED_NAME = re.compile(r"^\d+-[^.]+$")
# Optional text fields of site.yml, each with the shape its value must have (checked here: build needs them).
OPTIONAL_SITE_FIELDS = {
    "description": None,
    "published": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "document_number": None,
    "base_path": re.compile(r"/(?:[^/\s?#]+/)*"),
    "base_url": re.compile(r"https?://[^/\s?#]+(?:/[^\s?#]*)?"),
}
# Every key site.yml may hold (required or optional): anything else is reported as unknown.
SITE_KEYS = (*SITE_FIELDS, *OPTIONAL_SITE_FIELDS)

TYPE_NAMES = {str: N_("text"), int: N_("a whole number"), list: N_("a list")}

# Reads matter files: (paths, the matters folder as messages show it) → each file's matter or None, and its
# errors, in the paths' order. The build passes one that reads on every core.
MatterReader = Callable[[list[Path], str], list[tuple[Matter | None, list[ContentError]]]]

BLANK_SITE = Site("", "", "", "", "", "", "")  # stands in for an unusable site.yml while the rest is validated


@dataclass(frozen=True)
class Gaps:
    """What the settings would define but do not, because of an error already reported.

    Checking the matters against a definition that is missing for that
    reason would only echo the error, once for every matter (100 "unknown
    category" for one empty categories.yml), and hide the file at fault.
    """

    files: frozenset[str] = frozenset()  # settings files that could not be read at all (missing, empty, bad YAML)
    categories: frozenset[str] = frozenset()  # names of category entries that could not be built
    departments: frozenset[str] = frozenset()  # names and aliases of department entries that could not be built


@dataclass(frozen=True)
class Loaded:
    """What the loader could read, and what it could not."""

    content: Content | None  # None when site.yml is unusable
    errors: list[ContentError]
    gaps: Gaps = Gaps()
    partial: Content | None = None  # everything that was read, a blank Site standing in for an unusable one


class FieldReader:
    """Collects errors while reading one file's fields."""

    def __init__(self, path: str, errors: list[ContentError]):
        self.path = path
        self.errors = errors

    def error(self, line: int, message: str, suggestion: str = "") -> None:
        self.errors.append(ContentError(self.path, line, message, suggestion))

    def field(self, data: LinedDict, key: str, kind: type, required: bool = True) -> Any:
        value = data.get(key)
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(data.line_of(key), _("missing or empty field '{key}'").format(key=key),
                           _("add '{key}: …' ({kind})").format(key=key, kind=_(TYPE_NAMES[kind])))
            return None
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.error(data.line_of(key), _("field '{key}' should be {kind}, not {value}").format(
                key=key, kind=_(TYPE_NAMES[kind]), value=short_repr(value)))
            return None
        if kind is list:
            return self.text_list(value, key)
        return value.strip() if isinstance(value, str) else value

    def text_list(self, values: LinedList, key: str) -> list[str] | None:
        items = []
        for value, line in zip(values, values.item_lines):
            if not isinstance(value, str) or not value.strip():
                self.error(line, _("every item of '{key}' should be non-empty text, not {value}").format(
                    key=key, value=short_repr(value)))
                return None
            items.append(value.strip())
        return items

    def mapping(self, data: Any, line: int, message: str) -> LinedDict | None:
        """``data`` if it is a mapping; else None, and ``message`` is reported."""
        if isinstance(data, LinedDict):
            return data
        self.error(line, message)
        return None

    def known_keys(self, data: LinedDict, known: tuple[str, ...]) -> None:
        """Report every key not in ``known``: a misspelt key would lose its value in silence."""
        for key in data:
            name = str(key)
            if name in known:
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            self.error(data.line_of(name), _("unknown field '{key}'").format(key=excerpt(name)),
                       _("did you mean '{known}'?").format(known=close[0]) if close
                       else _("the fields are: {known}").format(known=", ".join(known)))


def load_content(content_dir: Path, read_matters: MatterReader | None = None) -> Loaded:
    """Read everything under ``content_dir``; ``content`` is None only when site.yml is unusable."""
    errors: list[ContentError] = []
    unusable: set[str] = set()
    unbuilt_categories: set[str] = set()
    unbuilt_departments: set[str] = set()
    site = _load_site(content_dir / SITE_FILE, errors, unusable)
    categories = load_categories(content_dir / CATEGORIES_FILE, errors, unusable, unbuilt_categories)
    departments = load_departments(content_dir / DEPARTMENTS_FILE, errors, unusable, unbuilt_departments)
    matters = load_matters(content_dir / MATTERS_DIR, errors, read_matters)
    partial = Content(site or BLANK_SITE, tuple(categories), tuple(departments), matters)
    gaps = Gaps(frozenset(unusable), frozenset(unbuilt_categories), frozenset(unbuilt_departments))
    return Loaded(partial if site is not None else None, errors, gaps, partial)


# The parts of a content folder, for a multi-list folder (``lists``) that reads them from several places:
# the shared departments once, each list's categories and matters from the list's folder.

def load_categories(path: Path, errors: list[ContentError], unusable: set[str], unbuilt: set[str]) -> list[Category]:
    """The categories of ``path`` that could be built (see ``Gaps`` for ``unusable`` and ``unbuilt``)."""
    return _load_list(path, _category, errors, unusable, unbuilt)


def load_departments(path: Path, errors: list[ContentError], unusable: set[str],
                     unbuilt: set[str]) -> list[Department]:
    """The departments of ``path`` that could be built (see ``Gaps`` for ``unusable`` and ``unbuilt``)."""
    return _load_list(path, _department, errors, unusable, unbuilt)


def load_matters(folder: Path, errors: list[ContentError], read_matters: MatterReader | None = None
                 ) -> tuple[Matter, ...]:
    """The peihe matters of ``folder`` that could be read, sorted by number."""
    matters = _load_matters(folder, errors, read_matters or read_matter_files)
    return tuple(sorted(matters, key=lambda matter: (matter.number, matter.id)))


def read_settings(path: Path, errors: list[ContentError], unusable: set[str], empty_hint: str) -> LinedDict | None:
    """A settings file that must be a mapping (``site.yml``, ``town.yml``, ``list.yml``), or None with its error.

    ``empty_hint`` (translated) says what to write in it when it is empty.
    """
    data = _read_yaml_file(path, errors, unusable, empty_hint)
    if data is None:
        return None
    reader = FieldReader(display_path(path), errors)
    data = reader.mapping(data, 1, _("{name} should be a mapping of 'key: value' lines").format(name=path.name))
    if data is None:
        unusable.add(path.name)
    return data


def where(path: str, data: LinedDict) -> Where:
    return Where(path, data.line, tuple(data.key_lines.items()))


# --- settings ---------------------------------------------------------------

EMPTY_HINTS = {
    SITE_FILE: N_("write the site's settings in it: title, town, district, city, issuer, version, revision_note"),
    CATEGORIES_FILE: N_("list the categories in it, each starting with '- name: …'"),
    DEPARTMENTS_FILE: N_("list the departments in it, each starting with '- name: …'"),
}


def _read_yaml_file(path: Path, errors: list[ContentError], unusable: set[str], empty_hint: str = "") -> Any:
    """The YAML data of a settings file, or None (with its error) when the file cannot be used at all."""
    label = display_path(path)
    raw, problem = read_regular_file(path, path.parent)
    if raw is None:
        if problem is None:
            problem = (_("file is missing"), _("create {name}").format(name=path.name))
        errors.append(ContentError(label, 1, *problem))
        unusable.add(path.name)
        return None
    decoded = source_text.decode(raw, label)
    if decoded.text is None:
        errors.extend(decoded.errors)
        unusable.add(path.name)
        return None
    data, yaml_errors = load_yaml(decoded.text, label)
    if yaml_errors:
        errors.extend(yaml_errors)
        unusable.add(path.name)
        return None
    if data is None:
        errors.append(ContentError(label, 1, _("{name} is empty").format(name=path.name),
                                  empty_hint or _(EMPTY_HINTS[path.name])))
        unusable.add(path.name)
    return data


def _load_site(path: Path, errors: list[ContentError], unusable: set[str]) -> Site | None:
    data = _read_yaml_file(path, errors, unusable)
    if data is None:
        return None
    reader = FieldReader(display_path(path), errors)
    data = reader.mapping(data, 1, _("{name} should be a mapping of 'key: value' lines").format(name=path.name))
    if data is None:
        unusable.add(path.name)
        return None
    reader.known_keys(data, SITE_KEYS)
    values = {key: reader.field(data, key, str) for key in SITE_FIELDS}
    optional = {key: optional_site_field(reader, data, key, shape) for key, shape in OPTIONAL_SITE_FIELDS.items()}
    if any(value is None for value in values.values()):
        return None
    return Site(**values, **optional, where=where(reader.path, data))


def optional_site_field(reader: FieldReader, data: LinedDict, key: str, shape: re.Pattern[str] | None) -> str:
    """An optional field of site.yml ("" when absent), reported when it has not the shape it needs.

    YAML reads an unquoted ``2026-01-15`` as a date: it stands for the same text.
    """
    if isinstance(data.get(key), datetime.date):
        data[key] = data[key].isoformat()
    value = reader.field(data, key, str, required=False) or ""
    if value and shape is not None and not shape.fullmatch(value):
        example = {"published": "2026-01-15", "base_path": "/qingdan/",
                   "base_url": "http://intranet.example/qingdan/"}[key]
        reader.error(data.line_of(key), _("field '{key}' has an unusable value {value!r}").format(key=key, value=value),
                     _("write it like '{key}: {example}'").format(key=key, example=example))
        return ""
    return value


def _load_list(path: Path, build: Callable[[FieldReader, LinedDict, int], Any], errors: list[ContentError],
               unusable: set[str], unbuilt: set[str]) -> list:
    """The entries of a list file that could be built; the names (and aliases) of those that could not
    are added to ``unbuilt``."""
    data = _read_yaml_file(path, errors, unusable)
    if data is None:
        return []
    reader = FieldReader(display_path(path), errors)
    if not isinstance(data, LinedList):
        reader.error(1, _("{name} should be a list of entries, each starting with '- name: …'").format(
            name=path.name))
        unusable.add(path.name)
        return []
    built = []
    for position, (entry, line) in enumerate(zip(data, data.item_lines), start=1):
        entry = reader.mapping(entry, line, _("entry {position} should be a mapping of 'key: value' lines").format(
            position=position))
        value = build(reader, entry, position) if entry is not None else None
        if value is not None:
            built.append(value)
        elif entry is not None:
            unbuilt.update(_spellings(entry))
    return built


def _spellings(entry: LinedDict) -> list[str]:
    """The name and aliases an entry gives, as far as they are text."""
    aliases = entry.get("aliases")
    spellings = [entry.get("name"), *(aliases if isinstance(aliases, list) else [])]
    return [spelling.strip() for spelling in spellings if isinstance(spelling, str) and spelling.strip()]


def _category(reader: FieldReader, entry: LinedDict, position: int) -> Category | None:
    reader.known_keys(entry, CATEGORY_KEYS)
    name, ordinal, slug = (reader.field(entry, key, str) for key in ("name", "ordinal", "slug"))
    if None in (name, ordinal, slug):
        return None
    return Category(slug, name, ordinal, position, where(reader.path, entry))


def _department(reader: FieldReader, entry: LinedDict, position: int) -> Department | None:
    reader.known_keys(entry, DEPARTMENT_KEYS)
    name, slug, level = (reader.field(entry, key, str) for key in ("name", "slug", "level"))
    aliases = reader.field(entry, "aliases", list, required=False) or []
    if None in (name, slug, level):
        return None
    return Department(name, slug, level, tuple(aliases), where(reader.path, entry))


# --- matter files -------------------------------------------------------------

def _load_matters(folder: Path, errors: list[ContentError], read_matters: MatterReader) -> list[Matter]:
    if not folder.is_dir():
        errors.append(ContentError(display_path(folder), 1, _("folder of matters is missing"),
                                   _("import the official table with 'python -m generator import FILE'")))
        return []
    matters = []
    folder_label = display_path(folder)  # once: resolving every file's path is slow at scale
    for matter, file_errors in read_matters(matter_paths(folder), folder_label):
        errors.extend(file_errors)
        if matter is not None:
            matters.append(matter)
    return matters


def is_matter_name(name: str) -> bool:
    """Whether the loader looks at a folder entry of this name: a matter file, or one that looks like it.

    Hidden names (an editor's lock or swap file) are not.
    """
    if name.startswith("."):
        return False
    return name.endswith(MATTER_SUFFIX) or bool(MARKDOWN_SUFFIX.search(name) or NUMBERED_NAME.match(name))


def matter_paths(folder: Path) -> list[Path]:
    """The entries of ``folder`` the loader reads or reports (see ``is_matter_name``), in the order read.

    Sorted by name, as ``sorted(folder.glob("*.md"))`` sorts them, but without
    comparing 10,000 path objects. They may be anything (a folder, a pipe, a
    dangling link): ``load_matter`` finds out before it opens one.
    """
    with os.scandir(folder) as entries:
        names = sorted(entry.name for entry in entries if is_matter_name(entry.name))
    return [folder / name for name in names]


def read_matter_files(paths: list[Path], folder_label: str) -> list[tuple[Matter | None, list[ContentError]]]:
    """The default ``MatterReader``: one file after the other, in this process."""
    read = []
    for path in paths:
        errors: list[ContentError] = []
        read.append((load_matter(path, errors, f"{folder_label}/{path.name}"), errors))
    return read


def read_regular_file(path: Path, inside: Path) -> tuple[bytes | None, tuple[str, str] | None]:
    """The bytes of ``path`` if it is a regular file (or a link to one within ``inside``).

    Otherwise None and (message, suggestion) saying what it is, or None for
    the message when nothing is there at all. The type is checked before the
    file is opened, so a named pipe (which would wait for a writer forever)
    or a device is never opened; the file is opened without blocking all the
    same, in case it was replaced in between.
    """
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, _cannot_read(error)
    try:
        if stat.S_ISLNK(status.st_mode):
            refused = _link_problem(path, inside)
            if refused is not None:
                return None, refused
            status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            return None, _not_a_file(status.st_mode)
        return _read_all(path, status.st_size), None
    except OSError as error:
        return None, _cannot_read(error)


def _read_all(path: Path, size: int) -> bytes:
    """The whole file, in as few system calls as a 10,000-file folder deserves."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        parts = []
        while chunk := os.read(descriptor, size + 1 if not parts else 1 << 20):  # usually one read, then the end
            parts.append(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(descriptor)


def _link_problem(path: Path, inside: Path) -> tuple[str, str] | None:
    """Why the link ``path`` is not read, or None: it must lead to something inside ``inside``."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # nothing there, or a loop of links
        return (_("the link leads to nothing (its target {target} does not exist)").format(
                    target=tail_excerpt(os.readlink(path), 80)), _("remove the link or put the file in its place"))
    try:
        target.relative_to(inside.resolve())
    except ValueError:
        return (_("the link leads outside the content folder (to {target})").format(
                    target=tail_excerpt(target, 80)),
                _("put the file itself in the content folder: content outside it is not published"))
    return None


def _not_a_file(mode: int) -> tuple[str, str]:
    if stat.S_ISDIR(mode):
        return (_("this is a folder, not a text file"),
                _("rename or remove the folder: a text file is expected under this name"))
    return (_("this is not a regular file (a pipe, socket or device)"), _("remove it: only text files are read"))


def _cannot_read(error: OSError) -> tuple[str, str]:
    return (_("the file cannot be read: {reason}").format(reason=error.strerror or error),
            _("check the file's permissions"))


def load_matter(path: Path, errors: list[ContentError], label: str = "") -> Matter | None:
    """Read one matter file; on a shape error, record it and return None.

    ``label`` is the path as messages show it (default: computed from
    ``path``). Raises FileNotFoundError only when nothing at all is at
    ``path`` (it was removed since it was listed).
    """
    label = label or display_path(path)
    reader = FieldReader(label, errors)
    if not path.name.endswith(MATTER_SUFFIX):
        reader.error(1, _("the name does not end in '.md', so this file is not read as a matter"),
                     _("rename it to {name}").format(name=_matter_name(path.name)))
        return None
    raw, problem = read_regular_file(path, path.parent.parent)
    if raw is None:
        if problem is None:
            raise FileNotFoundError(path)
        reader.error(1, *problem)
        return None
    return matter_from_bytes(raw, path, errors, label)


def matter_from_bytes(raw: bytes, path: Path, errors: list[ContentError], label: str = "") -> Matter | None:
    """A matter file's bytes read as the file at ``path`` (a history reads old versions without writing
    them to disk); on a shape error, record it and return None."""
    label = label or display_path(path)
    reader = FieldReader(label, errors)
    decoded = source_text.decode(raw, label)
    if decoded.text is None:
        errors.extend(decoded.errors)
        return None
    parts = matter_file.split(decoded.text)
    if parts is None:
        reader.error(1, _("no front matter"), _("start the file with '---', the fields, and '---' again"))
        return None
    data, yaml_errors = load_yaml(parts.front_matter, label, parts.front_matter_line)
    errors.extend(yaml_errors)
    if yaml_errors:
        return None
    data = reader.mapping(data, parts.front_matter_line,
                          _("the front matter should be a mapping of 'key: value' lines"))
    if data is None:
        return None
    return _build_matter(reader, data, parts, path, hashlib.sha256(raw).hexdigest())


def _matter_name(name: str) -> str:
    """``101-x.MD``, ``101-x.md.txt``, ``101-x`` → ``101-x.md``."""
    return MARKDOWN_SUFFIX.sub("", name) + MATTER_SUFFIX


def _build_matter(reader: FieldReader, data: LinedDict, parts: matter_file.MatterText,
                  path: Path, digest: str) -> Matter | None:
    reader.known_keys(data, MATTER_KEYS)
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
