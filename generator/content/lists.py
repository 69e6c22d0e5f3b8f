"""Content folders with several lists: recognise the layout and load every list into one ``Library``.

A folder with a ``lists/`` folder holds a publisher (``site.yml``), the
departments every list shares (``departments.yml``) and, under
``lists/<town>/``, a town (``town.yml``) and its lists, one folder per list
type (``<type>/list.yml``, ``categories.yml``, ``matters/``). A folder
without ``lists/`` is today's single-list folder, loaded by today's loader
and seen as a library of one town with one peihe list.

Every list of the folder is read and validated before anything is
reported, so that a keeper sees the errors of all lists at once, each with
``path:line``. A peihe list's categories and matters are read and checked
with the same code as a single-list folder's. Matters of the other types are
read through one seam, ``_load_typed_list``.

``load_parts`` gives the same load list by list, valid or not, and
``reload_list`` loads one list of it again: ``serve`` follows an edit in one
list without reading the others (its readers remember unchanged files).
"""
from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.content.check import load_valid_content
from generator.content.list_types import ListType, read_list_types
from generator.content.loader import (CATEGORIES_FILE, DEPARTMENTS_FILE, MATTERS_DIR, OPTIONAL_SITE_FIELDS,
                                      SITE_FILE, FieldReader, Gaps, MatterReader, optional_site_field,
                                      load_categories, load_departments, load_matters, read_settings, where)
from generator.content.model import (DEFAULT_EDITION, DEFAULT_VALIDITY, PEIHE, Category, Content, Department,
                                     ListInfo, Library, MatterList, Publisher, Site, Town, TypedMatter)
from generator.content.names import with_section_departments
from generator.content.typed_matter import read_typed_matter, validate_typed_matters, with_canonical_departments
from generator.content.validate import validate
from generator.content.yaml_source import LinedDict
from generator.errors import ContentError, ContentErrors, display_path
from generator.excerpt import excerpt
from generator.i18n import _

LISTS_DIR = "lists"
LIST_TYPES_DIR = "list_types"  # a site's own declarations, overriding the shipped ones by type
TOWN_FILE = "town.yml"
LIST_FILE = "list.yml"
# The declared list types, in the order a town's lists are shown. Until the declarations
# (``list_types.load_list_types``) are read here, these are the shipped ones; whether a type has
# categories is its declaration's to say, not a constant's.
LIST_TYPES = ("jiben", PEIHE, "shouhui")
TYPE_BY_LABEL = {"基本": "jiben", "配合": PEIHE, "收回": "shouhui"}  # a folder named in Chinese: what it means
SLUG = re.compile(r"[a-z0-9-]+")  # town and type folders: they are parts of URLs
PUBLISHER_FIELDS = ("title", "district", "city", "issuer")
PUBLISHER_OPTIONAL = ("description", "base_path", "base_url")
PUBLISHER_KEYS = (*PUBLISHER_FIELDS, *PUBLISHER_OPTIONAL)
TOWN_KEYS = ("name", "kind")
TOWN_KINDS = ("镇", "街道", "苏木", "乡")
LIST_TEXT_FIELDS = ("issuer", "edition", "document_number", "revision_note", "description")
LIST_KEYS = ("type", "title", "issuer", "edition", "document_number", "published", "validity", "revision_note",
             "description", "example")
VALIDITIES = (DEFAULT_VALIDITY, "失效")
# Reads a typed list's matter files (paths, the folder as messages name it, the list's type), in order.
TypedReader = Callable[[list[Path], str, ListType], list[tuple[TypedMatter | None, list[ContentError]]]]

# Keys of a single-list site.yml that belong elsewhere in a multi-list folder, and where.
MOVED_KEYS = {"town": TOWN_FILE, "version": LIST_FILE, "revision_note": LIST_FILE,
              "published": LIST_FILE, "document_number": LIST_FILE}


def is_multi_list(content_dir: Path) -> bool:
    """Whether ``content_dir`` is a multi-list folder: it has a ``lists/`` folder."""
    return (content_dir / LISTS_DIR).is_dir()


def load_library(content_dir: Path, read_matters: MatterReader | None = None,
                 read_typed: TypedReader | None = None) -> Library:
    """Every list of ``content_dir``, validated; ContentErrors with every error of every list otherwise.

    ``read_matters`` and ``read_typed`` read a list's peihe or typed matter
    files (default: one after the other, here); a build passes readers that
    parsed every list's files on every core beforehand.
    """
    if not is_multi_list(content_dir):
        return single_library(load_valid_content(content_dir, read_matters))
    parts = load_parts(content_dir, read_matters, read_typed)
    library = parts.library()
    if library is None:
        failure = ContentErrors(parts.errors())
        failure.errors = parts.errors()  # the constructor sorts by path alone
        raise failure
    return library


@dataclass(frozen=True)
class LibraryParts:
    """A multi-list folder loaded list by list, valid or not, with each list's errors apart.

    What ``serve`` keeps between edits: an edit in one list loads that list
    again (``reload_list``) and leaves the others as they are.
    """

    publisher: Publisher | None
    shared: _Shared
    types: dict[str, ListType]
    towns: tuple[Town, ...]
    lists: dict[str, MatterList | None]  # by key (``<town>/<type>``), in the library's order; None: not valid
    shared_errors: tuple[ContentError, ...]  # of the files every list reads, and of the folders' layout
    list_errors: dict[str, tuple[ContentError, ...]]
    unusable: dict[str, tuple[str, ...]]  # settings files that could not be read, by list key ("" for shared)

    def errors(self) -> list[ContentError]:
        """Every error once (a shared file's errors are found once per list), unusable settings files first."""
        first = {path for paths in self.unusable.values() for path in paths}
        errors = {*self.shared_errors, *(error for errors in self.list_errors.values() for error in errors)}
        return sorted(errors, key=lambda error: (error.path not in first, error))

    def library(self) -> Library | None:
        """The library, if every list is valid."""
        lists = tuple(self.lists.values())
        if self.publisher is None or self.errors() or any(matter_list is None for matter_list in lists):
            return None
        return Library(self.publisher, self.shared.departments, self.towns, lists)  # type: ignore[arg-type]


def load_parts(content_dir: Path, read_matters: MatterReader | None = None,
               read_typed: TypedReader | None = None) -> LibraryParts:
    """Every list of a multi-list folder, each with its own errors (``load_library`` raises them)."""
    return _Loading(content_dir, read_matters, read_typed).parts()


def reload_list(content_dir: Path, parts: LibraryParts, key: str, read_matters: MatterReader | None = None,
                read_typed: TypedReader | None = None) -> LibraryParts:
    """``parts`` with the list ``key`` (one of its lists) read again, as ``load_parts`` would read it now.

    Only the list's own files are read: its ``list.yml``, ``categories.yml``
    and matters; the shared files and the other lists are taken from ``parts``.
    """
    loading = _Loading(content_dir, read_matters, read_typed, list_types=parts.types)
    loaded = loading.list_part(content_dir / LISTS_DIR / key, parts.shared)
    return replace(parts, lists={**parts.lists, key: loaded},
                   list_errors={**parts.list_errors, key: loading.list_errors[key]},
                   unusable={**parts.unusable, key: loading.list_unusable[key]})


@dataclass(frozen=True)
class LooseLibrary:
    """What ``read_library`` could read of a multi-list folder, and what it could not."""

    library: Library | None  # None: the publisher's site.yml cannot be read
    errors: tuple[ContentError, ...]  # every problem met while reading (nothing was validated)
    unusable: tuple[str, ...]  # settings files that cannot be read at all, as messages name them
    types: dict[str, ListType]  # the declared list types the lists were read by


def read_library(content_dir: Path, read_typed: TypedReader | None = None) -> LooseLibrary:
    """Every list of a multi-list folder that can be read, without validating anything.

    For comparing revisions (``review``): an old revision may predate
    today's rules, and a matter file that cannot be read is left out of its
    list (the errors name it) rather than failing the whole comparison.
    ``read_typed``: reads the typed lists' matter files (a history hands out
    the matters it parsed at an earlier revision for the very same blobs).
    """
    parts = _Loading(content_dir, None, read_typed, strict=False).parts()
    lists = tuple(matter_list for matter_list in parts.lists.values() if matter_list is not None)
    library = Library(parts.publisher, parts.shared.departments, parts.towns, lists) if parts.publisher else None
    unusable = tuple(path for paths in parts.unusable.values() for path in paths)
    return LooseLibrary(library, tuple(parts.errors()), unusable, parts.types)


def read_list_info(folder: Path) -> tuple[ListInfo | None, list[ContentError]]:
    """The settings of the list in ``folder`` (``lists/<town>/<type>/``) from its ``list.yml``, and its errors."""
    loading = _Loading(folder, None, strict=False)
    info = loading._list_info(folder)
    return info, loading.errors


def single_library(content: Content) -> Library:
    """A single-list folder's content as a library: one town (without a slug: its site is the root), one list."""
    site = content.site
    info = ListInfo(town="", type=PEIHE, title=site.title, issuer=site.issuer, edition=site.version,
                    document_number=site.document_number, published=site.published,
                    revision_note=site.revision_note, description=site.description, where=site.where)
    return Library(site, content.departments, (Town("", site.town, "", site.where),),
                   (MatterList(info, content.categories, content.matters),))


@dataclass
class _Loading:
    """One run over a multi-list folder, collecting every error."""

    content_dir: Path
    read_matters: MatterReader | None
    read_typed: TypedReader | None = None
    errors: list[ContentError] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)  # settings files that could not be read: named first
    list_types: dict[str, ListType] | None = None
    strict: bool = True  # False: read what can be read, unvalidated (an old revision, for ``diff``)
    lists: dict[str, MatterList | None] = field(default_factory=dict)  # by key, as read
    list_errors: dict[str, tuple[ContentError, ...]] = field(default_factory=dict)  # taken out of ``errors``
    list_unusable: dict[str, tuple[str, ...]] = field(default_factory=dict)  # taken out of ``unusable``

    def parts(self) -> LibraryParts:
        shared_unusable: set[str] = set()
        unbuilt: set[str] = set()
        publisher = self._publisher()
        departments = tuple(load_departments(self.content_dir / DEPARTMENTS_FILE, self.errors, shared_unusable,
                                             unbuilt))
        if shared_unusable:
            self.unusable.append(display_path(self.content_dir / DEPARTMENTS_FILE))
        shared = _Shared(departments, frozenset(shared_unusable), frozenset(unbuilt))
        if self.strict:  # once, whatever the lists are
            self.errors.extend(validate(Content(_BLANK_SITE, (), departments, ())))
        types = self.types()  # here: its errors are shared, not the first typed list's
        self._left_over()
        towns = self._towns(shared)
        return LibraryParts(publisher, shared, types, tuple(towns), self.lists, tuple(self.errors),
                            self.list_errors, {"": tuple(self.unusable), **self.list_unusable})

    def list_part(self, folder: Path, shared: _Shared) -> MatterList | None:
        """One list of a town (``folder``: lists/<town>/<type>), its errors kept apart by its key."""
        errors, unusable = len(self.errors), len(self.unusable)
        loaded = self._list(folder, shared)
        key = f"{folder.parent.name}/{folder.name}"
        self.lists[key] = loaded
        self.list_errors[key] = tuple(self.errors[errors:])
        self.list_unusable[key] = tuple(self.unusable[unusable:])
        del self.errors[errors:], self.unusable[unusable:]
        return loaded

    def types(self) -> dict[str, ListType]:
        """The declared list types (the site's ``list_types/`` overriding the shipped ones), read once."""
        if self.list_types is None:
            self.list_types, errors = read_list_types(self.content_dir / LIST_TYPES_DIR)
            self.errors.extend(errors)
        return self.list_types

    def error(self, path: Path, line: int, message: str, suggestion: str = "") -> None:
        self.errors.append(ContentError(display_path(path), line, message, suggestion))

    # --- the publisher ------------------------------------------------------------------------

    def _publisher(self) -> Publisher | None:
        path = self.content_dir / SITE_FILE
        unusable: set[str] = set()
        data = read_settings(path, self.errors, unusable, _(
            "write the publisher's settings in it: title, district, city, issuer"))
        if data is None:
            self.unusable.append(display_path(path))
            return None
        reader = FieldReader(display_path(path), self.errors)
        _known_keys(reader, data, PUBLISHER_KEYS, MOVED_KEYS)
        values = {key: reader.field(data, key, str) for key in PUBLISHER_FIELDS}
        optional = {key: optional_site_field(reader, data, key, _shape(key)) for key in PUBLISHER_OPTIONAL}
        if any(value is None for value in values.values()):
            return None
        return Publisher(**values, **optional, where=where(reader.path, data))

    def _left_over(self) -> None:
        """A single list's categories or matters beside lists/ would be read by nothing: say so."""
        for name in (CATEGORIES_FILE, MATTERS_DIR):
            path = self.content_dir / name
            if path.exists() or path.is_symlink():
                self.error(path, 1, _("{name} beside lists/ is not read: in a folder of several lists, each "
                                      "list has its own in lists/<town>/<type>/").format(name=name),
                           _("move it into the folder of its list, or remove it"))

    # --- towns and lists ----------------------------------------------------------------------

    def _towns(self, shared: _Shared) -> list[Town]:
        folder = self.content_dir / LISTS_DIR
        towns: list[Town] = []
        entries = _entries(folder)
        if not entries:
            self.error(folder, 1, _("the folder lists/ holds no town"),
                       _("make a folder lists/<town>/ with town.yml and a folder per list, or move a single "
                         "list in with 'python -m generator migrate --town <town>'"))
        for entry in entries:
            if not entry.is_dir():
                self.error(entry, 1, _("a file in lists/, which holds only one folder per town"),
                           _("move it out of lists/ or remove it"))
                continue
            town = self._town(entry)
            self._town_lists(entry, shared)
            if town is not None:
                towns.append(town)
        return towns

    def _town(self, folder: Path) -> Town | None:
        slug_ok = self._slug(folder)
        path = folder / TOWN_FILE
        if not path.exists() and not path.is_symlink():
            self.error(path, 1, _("the town's folder has no {name}").format(name=TOWN_FILE),
                       _("create {path} with 'name: …' and 'kind: …', a kind of {kinds}").format(
                           path=display_path(path), kinds="、".join(TOWN_KINDS)))
            return None
        unusable: set[str] = set()
        data = read_settings(path, self.errors, unusable, _("write the town's name and kind in it: 'name: …', "
                                                            "'kind: …'"))
        if data is None:
            return None
        reader = FieldReader(display_path(path), self.errors)
        _known_keys(reader, data, TOWN_KEYS)
        name = reader.field(data, "name", str)
        kind = reader.field(data, "kind", str, required=False) or ""
        if kind and kind not in TOWN_KINDS:
            reader.error(data.line_of("kind"), _("unknown kind of town '{kind}'").format(kind=excerpt(kind)),
                         _("use one of {kinds}").format(kinds="、".join(TOWN_KINDS)))
        if name is None or not slug_ok:
            return None
        return Town(folder.name, name, kind, where(reader.path, data))

    def _town_lists(self, folder: Path, shared: _Shared) -> None:
        found = False
        for entry in sorted(_entries(folder), key=lambda entry: _type_order(entry.name)):
            if entry.name == TOWN_FILE:
                continue
            if not entry.is_dir():
                self.error(entry, 1, _("a file in a town's folder, which holds only {town} and one folder per "
                                       "list").format(town=TOWN_FILE),
                           _("move it out or remove it; a list's files belong in its folder: {types}").format(
                               types=", ".join(LIST_TYPES)))
                continue
            found = True
            if entry.name not in LIST_TYPES:
                self.error(entry, 1, _("unknown list type '{name}'").format(name=excerpt(entry.name)),
                           _type_suggestion(entry.name))
                continue
            self.list_part(entry, shared)
        if not found:
            self.error(folder, 1, _("the town's folder holds no list"),
                       _("add a folder per list: {types}").format(types=", ".join(LIST_TYPES)))

    def _slug(self, folder: Path) -> bool:
        """Whether a town's folder name is a slug; reported if not."""
        if SLUG.fullmatch(folder.name):
            return True
        self.error(folder, 1, _("the town folder's name '{name}' is not an ASCII slug").format(
            name=excerpt(folder.name)), _slug_suggestion(folder.name))
        return False

    def _list(self, folder: Path, shared: _Shared) -> MatterList | None:
        info = self._list_info(folder)
        if folder.name != PEIHE:
            list_errors, loaded = _load_typed_list(folder, info, shared.departments, self.types(), self.strict,
                                                   self.read_typed)
            self.errors.extend(list_errors)
            return loaded
        errors: list[ContentError] = []
        unusable: set[str] = set()
        unbuilt: set[str] = set()
        categories = load_categories(folder / CATEGORIES_FILE, errors, unusable, unbuilt)
        if unusable:
            self.unusable.append(display_path(folder / CATEGORIES_FILE))
        matters = load_matters(folder / MATTERS_DIR, errors, self.read_matters)
        content = Content(_BLANK_SITE, tuple(categories), shared.departments, matters)
        gaps = Gaps(frozenset(unusable) | shared.unusable, frozenset(unbuilt), shared.unbuilt)
        if self.strict:
            errors.extend(validate(content, all_matters_loaded=not errors, gaps=gaps))
        self.errors.extend(errors)
        if info is None or (errors and self.strict):
            return None
        return MatterList(info, content.categories, with_section_departments(content).matters)

    def _list_info(self, folder: Path) -> ListInfo | None:
        path = folder / LIST_FILE
        unusable: set[str] = set()
        data = read_settings(path, self.errors, unusable, _(
            "write the list's settings in it: at least 'type: {type}' and 'title: …'").format(type=folder.name))
        if data is None:
            self.unusable.append(display_path(path))
            return None
        reader = FieldReader(display_path(path), self.errors)
        _known_keys(reader, data, LIST_KEYS)
        list_type, title = reader.field(data, "type", str), reader.field(data, "title", str)
        if list_type is not None and list_type != folder.name:
            reader.error(data.line_of("type"), _("the type '{type}' is not the folder's '{folder}'").format(
                type=excerpt(list_type), folder=folder.name),
                _("write 'type: {folder}', or move the list into the folder of its type").format(folder=folder.name))
        texts = {key: reader.field(data, key, str, required=False) or "" for key in LIST_TEXT_FIELDS}
        published = optional_site_field(reader, data, "published", _shape("published"))
        validity = reader.field(data, "validity", str, required=False) or DEFAULT_VALIDITY
        if validity not in VALIDITIES:
            reader.error(data.line_of("validity"), _("unknown validity '{value}'").format(value=excerpt(validity)),
                         _("use one of {values}").format(values="、".join(VALIDITIES)))
        example = data.get("example", False)
        if not isinstance(example, bool):
            reader.error(data.line_of("example"), _("field 'example' should be true or false"),
                         _("write 'example: true' for a list made up for tests and demonstrations"))
        if list_type is None or title is None:
            return None
        return ListInfo(town=folder.parent.name, type=folder.name, title=title, issuer=texts["issuer"],
                        edition=texts["edition"] or DEFAULT_EDITION, document_number=texts["document_number"],
                        published=published, validity=validity, revision_note=texts["revision_note"],
                        description=texts["description"], example=example is True, where=where(reader.path, data))


@dataclass(frozen=True)
class _Shared:
    """What every list reads from the top of the folder: the departments, and what of them could not be read."""

    departments: tuple[Department, ...]
    unusable: frozenset[str]  # {departments.yml} when it could not be read at all
    unbuilt: frozenset[str]  # names and aliases of department entries that could not be built


_BLANK_SITE = Site("", "", "", "", "", "", "")  # validate does not read the site


def _load_typed_list(folder: Path, info: ListInfo | None, departments: tuple[Department, ...],
                     types: dict[str, ListType], strict: bool = True, read_typed: TypedReader | None = None
                     ) -> tuple[list[ContentError], MatterList | None]:
    """A list of a declared type other than peihe (jiben, shouhui): read and checked by its declaration.

    Its matters are read with ``typed_matter.read_typed_matter`` and checked
    with ``validate_typed_matters`` against the list's categories (none for a
    type declared without them) and the shared departments.
    """
    list_type = types.get(folder.name)
    if list_type is None:  # _towns only hands over folders named by a declared type
        return [ContentError(display_path(folder), 1, _("no list type is declared as '{type}'").format(
            type=folder.name))], None
    errors: list[ContentError] = []
    categories: list[Category] | None = None
    if list_type.categories:
        unusable: set[str] = set()
        categories = load_categories(folder / CATEGORIES_FILE, errors, unusable, set())
        if unusable:
            categories = None
    def read(paths: list[Path], folder_label: str) -> list[tuple[TypedMatter | None, list[ContentError]]]:
        return (read_typed or read_typed_files)(paths, folder_label, list_type)  # type: ignore[misc]

    matters = load_matters(folder / MATTERS_DIR, errors, read)
    if strict:
        errors.extend(validate_typed_matters(matters, list_type, categories, departments,
                                             all_matters_loaded=not errors))
    if info is None or (errors and strict):
        return errors, None
    ordered = with_canonical_departments(matters, list_type, departments)
    return errors, MatterList(info, tuple(categories or ()), tuple(ordered))


def read_typed_files(paths: list[Path], folder_label: str,
                     list_type: ListType) -> list[tuple[TypedMatter | None, list[ContentError]]]:
    """The default ``TypedReader``: one file after the other."""
    return [read_typed_matter(path, list_type, f"{folder_label}/{path.name}") for path in paths]


def _entries(folder: Path) -> list[Path]:
    """The entries of ``folder`` by name, without hidden ones (an editor's or the system's files)."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if not entry.name.startswith("."))
    except OSError:
        return []
    return [folder / name for name in names]


def _type_order(name: str) -> tuple[int, str]:
    return (LIST_TYPES.index(name) if name in LIST_TYPES else len(LIST_TYPES), name)


def _type_suggestion(name: str) -> str:
    meant = TYPE_BY_LABEL.get(name) or next(iter(difflib.get_close_matches(name, LIST_TYPES, n=1, cutoff=0.5)), None)
    if meant:
        return _("did you mean '{type}'? Rename the folder").format(type=meant)
    return _("a list's folder is named by its type: {types}").format(types=", ".join(LIST_TYPES))


def _slug_suggestion(name: str) -> str:
    """A rename to suggest for a folder that is not an ASCII slug: its pinyin when it is Chinese."""
    try:
        from generator.importing.matter_ids import pinyin_syllables

        slug = "-".join(pinyin_syllables(name))
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        slug = ""
    slug = slug if SLUG.fullmatch(slug or "-") and slug != "-" else ""
    if slug:
        return _("rename the folder, e.g. to '{slug}' (lower-case ASCII letters, digits and hyphens; it is "
                 "part of the pages' addresses)").format(slug=slug)
    return _("rename the folder with lower-case ASCII letters, digits and hyphens (it is part of the pages' "
             "addresses)")


def _known_keys(reader: FieldReader, data: LinedDict, known: tuple[str, ...],
                moved: dict[str, str] | None = None) -> None:
    """Report unknown keys with "did you mean"; a key that belongs in another file (``moved``) says which."""
    moved = moved or {}
    stays = LinedDict({key: value for key, value in data.items() if str(key) not in moved})
    stays.line, stays.key_lines = data.line, data.key_lines
    reader.known_keys(stays, known)
    for key in data:
        if str(key) in moved and str(key) not in known:
            reader.error(data.line_of(str(key)), _("field '{key}' does not belong in the publisher's {site}").format(
                key=key, site=SITE_FILE), _("write it in lists/<town>/{file}").format(file=moved[str(key)]) if
                moved[str(key)] == TOWN_FILE else _("write it in each list's lists/<town>/<type>/{file}").format(
                    file=moved[str(key)]))


def _shape(key: str) -> re.Pattern[str] | None:
    return OPTIONAL_SITE_FIELDS[key]


def check_library(content_dir: Path) -> str:
    """A summary of a valid multi-list folder, a line for each list; raises ContentErrors otherwise."""
    library = load_library(content_dir)
    names = {town.slug: town.name for town in library.towns}
    lines = [_("OK: towns: {towns}, lists: {lists}, matters: {matters}, departments: {departments}.").format(
        lists=len(library.lists), towns=len(library.towns),
        matters=sum(len(matter_list.matters) for matter_list in library.lists), departments=len(library.departments))]
    for matter_list in library.lists:
        info = matter_list.info
        lines.append(_("  {key} ({town}) {title}: {matters} matters, {categories} categories").format(
            key=info.key, town=names.get(info.town, info.town), title=info.title, matters=len(matter_list.matters),
            categories=len(matter_list.categories)))
    return "\n".join(lines)

