"""Import an official table into one list of a multi-list content folder: ``import FILE --list <town>/<type>``.

The list is ``lists/<town>/<type>/`` (see ``generator.content.lists``). A
配合 (peihe) table goes through the 配合 importer's stages (``importer``):
its drafts are made against the list's ``categories.yml`` and the
departments shared at the top of the folder. A table of another declared
type (基本 jiben, 收回 shouhui) goes through ``typed_import``.

The town must exist (``lists/<town>/town.yml``). The list may be new: then
its folder is made with a ``list.yml`` (``type`` and ``title``: the given
title, else the town's name and the type's label, 兴胜镇基本履职事项清单)
and, for a type with categories, a ``categories.yml`` of the table's
category rows (their slugs the pinyin of their names).

As the single-list import, this is all or nothing: the new list (settings
and every matter file) is put together in a private staging folder beside
the publisher's ``site.yml``, the shared ``departments.yml``, the site's
``list_types/`` and the town's ``town.yml``, and loaded there with
``load_library``, exactly as ``check`` loads it. Only a valid list is
written: into an existing list, by the 配合 importer's renames
(``importer._commit``); a new list as a whole folder, written beside its
place and renamed into it, so that an interruption leaves no half list.
Errors found in the staging copy point at the table's rows or at the real
settings files.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml

from generator.content.list_types import ListType, read_list_types
from generator.content.lists import (LIST_FILE, LIST_TYPES, LIST_TYPES_DIR, LISTS_DIR, SLUG, TOWN_FILE, is_multi_list,
                                     load_library, read_typed_files)
from generator.content.loader import (BLANK_SITE, CATEGORIES_FILE, DEPARTMENTS_FILE, MATTER_SUFFIX, MATTERS_DIR,
                                      SITE_FILE, load_categories, load_departments, load_matters, read_settings)
from generator.content.model import PEIHE, Category, Content, Department, Library
from generator.content.names import with_section_departments
from generator.content.typed_matter import parse_typed_matter, with_canonical_departments
from generator.errors import ContentError, ContentErrors, display_path
from generator.i18n import _
from generator.importing import importer
from generator.importing.importer import ImportReport
from generator.importing.matter_ids import pinyin_syllables
from generator.importing.readers import read_table_file
from generator.importing.source_table import empty_table_error, parse_rows
from generator.importing.typed_import import import_typed_table
from generator.review.changes import ADDED, CHANGED, diff_content
from generator.review.library_changes import ListChange, list_name
from generator.review.typed_changes import TypedSide, diff_typed

LIST_KEY = re.compile(r"([^/\s]+)/([^/\s]+)")
CHINESE_ORDINALS = "一二三四五六七八九十"


class ListImportError(Exception):
    """The command cannot start: the list it names is malformed or cannot be made. Nothing was read or written."""


@dataclass(frozen=True)
class ListTarget:
    """The list an import goes into: ``lists/<town>/<type>/`` of ``content_dir``."""

    content_dir: Path
    town: str
    type: str
    list_type: ListType

    @property
    def folder(self) -> Path:
        return self.content_dir / LISTS_DIR / self.town / self.type

    @property
    def key(self) -> str:
        return f"{self.town}/{self.type}"

    @property
    def exists(self) -> bool:
        return self.folder.exists() or self.folder.is_symlink()


@dataclass(frozen=True)
class _Draft:
    """A matter file of the new list, and the table row it came from (for messages)."""

    matter_id: str
    file_name: str
    text: str
    source: tuple[str, int, int]  # (table path, line, matter number)


def find_list(content_dir: Path, key: str) -> ListTarget:
    """The list named ``<town>/<type>`` in the multi-list folder ``content_dir``; ListImportError if it cannot be."""
    match = LIST_KEY.fullmatch(key.strip().strip("/").removeprefix(f"{LISTS_DIR}/"))  # also lists/<town>/<type>/
    if match is None:
        raise ListImportError(_("--list {key}: name the list as <town>/<type>, e.g. xingsheng/peihe").format(
            key=key))
    town, list_type = match[1], match[2]
    types, errors = read_list_types(content_dir / LIST_TYPES_DIR)
    if errors:
        raise ContentErrors(errors)
    known = [name for name in LIST_TYPES if name in types]
    if list_type not in known:
        raise ListImportError(_("--list {key}: unknown list type '{type}'; the types are {types} "
                                "(基本 jiben, 配合 peihe, 收回 shouhui)").format(
            key=key, type=list_type, types=", ".join(known)))
    town_dir = content_dir / LISTS_DIR / town
    if not SLUG.fullmatch(town) or not town_dir.is_dir():
        towns = sorted(entry.name for entry in (content_dir / LISTS_DIR).iterdir()
                       if entry.is_dir() and not entry.name.startswith("."))
        raise ListImportError(_("--list {key}: there is no town '{town}' (no folder {folder}); the towns are {towns}. "
                                "A new town needs its folder first, with {file} holding 'name: …' and 'kind: …'"
                                ).format(key=key, town=town, folder=display_path(town_dir),
                                         towns=", ".join(towns) or "—", file=TOWN_FILE))
    if not (town_dir / TOWN_FILE).is_file():
        raise ListImportError(_("--list {key}: the town has no {path}: write it first, with 'name: …' and "
                                "'kind: …'").format(key=key, path=display_path(town_dir / TOWN_FILE)))
    return ListTarget(content_dir, town, list_type, types[list_type])


def import_into_list(table: Path, target: ListTarget, *, dry_run: bool = False, allow_removals: bool = False,
                     title: str | None = None) -> ImportReport:
    """Replace the matters of ``target`` by the list in ``table``, or raise ContentErrors and write nothing.

    A new list (its folder absent) is created with ``list.yml`` (``title``,
    else the town's name and the type's label) and, for a type with
    categories, ``categories.yml`` of the table's category rows. ``title``
    is refused for a list that exists: its title is in its ``list.yml``.
    """
    if title is not None and target.exists:
        raise ListImportError(_("--title is only for a new list: the title of {folder} is in its {file}").format(
            folder=display_path(target.folder), file=LIST_FILE))
    if title is not None and not title.strip():
        raise ListImportError(_("--title is empty"))
    departments = _departments(target.content_dir)
    raw = read_table_file(table)
    report = ImportReport()
    if target.type == PEIHE:
        drafts, categories, old = _peihe_drafts(raw, target, departments, report)
    else:
        drafts, categories, old = _typed_drafts(raw, target, departments, report)
    new_files = {} if target.exists else _new_list_files(target, title, categories)
    report.created = [display_path(target.folder / name) for name in new_files]
    plan = importer._plan(drafts, old, target.folder / MATTERS_DIR, report)  # type: ignore[arg-type]
    if report.removed and not (allow_removals or dry_run):
        raise ContentErrors(importer._removal_errors(drafts, old))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="lvzhi-import-") as temporary:
        library = _validated(Path(temporary) / "content", target, drafts, new_files)
        if target.type == PEIHE:
            new_content = library.content_of(library.lists[0])
            old_content = with_section_departments(Content(new_content.site, tuple(categories), departments, old))
            report.change = diff_content(old_content, new_content)
        else:
            report.typed = _typed_change(target, library, categories, departments, old)
    if dry_run:
        return report
    if new_files:
        _create_list(target, new_files, drafts)
        report.written = True
    elif plan.writes or plan.deletions:
        importer._commit(target.folder / MATTERS_DIR, plan)
        report.written = True
    return report


def _typed_change(target: ListTarget, library: Library, categories: list[Category],
                  departments: tuple[Department, ...], old: tuple) -> ListChange:
    """What the import changes in a 基本 or 收回 list, as ``diff`` reports it under the list's name.

    The matters there are read unvalidated (the import may be what mends
    them): their departments are written as their canonical names first, so
    that an alias is not reported as a change of department.
    """
    (imported,) = library.lists
    before = TypedSide(tuple(categories) if target.exists else (), departments,
                      with_canonical_departments(old, target.list_type, departments))
    change = diff_typed(target.list_type, before,
                        TypedSide(imported.categories, library.departments, imported.matters))
    name = list_name(library.towns[0].name, imported.info.title)
    return ListChange(imported.info.key, name, target.type, CHANGED if target.exists else ADDED,
                      len(imported.matters), typed=change)


# --- what is there ------------------------------------------------------------------------------------


def _departments(content_dir: Path) -> tuple[Department, ...]:
    errors: list[ContentError] = []
    departments = load_departments(content_dir / DEPARTMENTS_FILE, errors, set(), set())
    if errors:
        raise ContentErrors(errors)
    return tuple(departments)


def _current(target: ListTarget) -> tuple[list[Category], tuple]:
    """The list's categories and matters as they are; ContentErrors when they cannot be read."""
    errors: list[ContentError] = []
    categories = _categories(target, errors)
    old = _existing_matters(target, errors)
    if errors:
        raise ContentErrors(errors)
    return categories, old


def _categories(target: ListTarget, errors: list[ContentError]) -> list[Category]:
    """The list's categories; none for a new list or a type without categories."""
    if not target.exists or not target.list_type.categories:
        return []
    return load_categories(target.folder / CATEGORIES_FILE, errors, set(), set())


def _existing_matters(target: ListTarget, errors: list[ContentError]) -> tuple:
    """The list's matters as they can be read (not necessarily valid: the import may be what mends them)."""
    folder = target.folder / MATTERS_DIR
    if not folder.is_dir():
        return ()
    if target.type == PEIHE:
        return load_matters(folder, errors)
    return load_matters(folder, errors, partial(read_typed_files, list_type=target.list_type))  # type: ignore[arg-type]


# --- drafts -------------------------------------------------------------------------------------------


def _peihe_drafts(raw, target: ListTarget, departments: tuple[Department, ...],
                  report: ImportReport) -> tuple[list[_Draft], list[Category], tuple]:
    source = parse_rows(raw)
    categories, old = _current(target)
    if not target.exists:
        categories = _new_categories([(category.ordinal, category.name) for category in source.categories])
    existing = Content(BLANK_SITE, tuple(categories), departments, old)  # its site is only compared with itself
    drafts = importer._drafts(source.rows, source.categories, existing, report.warnings)
    if not drafts:
        raise ContentErrors([empty_table_error(raw.path)])
    return ([_Draft(draft.matter_id, draft.file_name, draft.text, (draft.row.path, draft.row.line, draft.row.number))
             for draft in drafts], categories, old)


def _typed_drafts(raw, target: ListTarget, departments: tuple[Department, ...],
                  report: ImportReport) -> tuple[list[_Draft], list[Category], tuple]:
    categories, old = _current(target)
    result = import_typed_table(raw, target.list_type, departments, old)
    report.warnings.extend(result.warnings)
    drafts = []
    for name, text in result.files.items():
        number, matter_id = name.removesuffix(MATTER_SUFFIX).split("-", 1)
        path, line = result.rows[name]
        drafts.append(_Draft(matter_id, name, text, (path, line, int(number))))
    if not target.exists and target.list_type.categories:
        categories = _new_categories(list(result.categories) or _categories_of_drafts(drafts, target.list_type))
    return drafts, categories, old


def _categories_of_drafts(drafts: list[_Draft], list_type: ListType) -> list[tuple[str, str]]:
    """The categories a table without category rows names in its 类别 column, in order of appearance."""
    key = next(iter(list_type.keys_of_kind("category")))
    names: dict[str, None] = {}
    for draft in drafts:
        matter, _errors = parse_typed_matter(draft.text, draft.file_name, list_type)
        if matter is not None and matter.value(key):
            names.setdefault(matter.value(key))
    return [("", name) for name in names]


def _new_categories(found: list[tuple[str, str]]) -> list[Category]:
    """A new list's categories from its table: ordinals as the table writes them (else 一, 二, …), pinyin slugs."""
    categories = []
    taken: set[str] = set()
    for position, (ordinal, name) in enumerate(found, start=1):
        base = "-".join(pinyin_syllables(name)) or f"category-{position}"
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        ordinal = ordinal or (CHINESE_ORDINALS[position - 1] if position <= len(CHINESE_ORDINALS) else str(position))
        categories.append(Category(slug, name, ordinal, position))
    return categories


def _new_list_files(target: ListTarget, title: str | None, categories: list[Category]) -> dict[str, str]:
    """``list.yml`` and (for a type with categories) ``categories.yml`` of a new list: name → text."""
    if title is None:
        data = read_settings(target.content_dir / LISTS_DIR / target.town / TOWN_FILE, [], set(), "")
        town_name = data.get("name") if data is not None else None
        title = f"{town_name if isinstance(town_name, str) else ''}{target.list_type.label}"
    files = {LIST_FILE: _yaml({"type": target.type, "title": title.strip()})}
    if target.list_type.categories:
        files[CATEGORIES_FILE] = _yaml([{"name": category.name, "ordinal": category.ordinal, "slug": category.slug}
                                        for category in categories])
    return files


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


# --- validation -----------------------------------------------------------------------------------------


def _validated(staging: Path, target: ListTarget, drafts: list[_Draft], new_files: dict[str, str]):
    """The library of the new list alone, loaded from a staging copy as ``check`` loads it."""
    content_dir = target.content_dir
    town_dir = staging / LISTS_DIR / target.town
    list_dir = town_dir / target.type
    (list_dir / MATTERS_DIR).mkdir(parents=True)
    for name in (SITE_FILE, DEPARTMENTS_FILE):
        if (content_dir / name).is_file():
            shutil.copyfile(content_dir / name, staging / name)
    if (content_dir / LIST_TYPES_DIR).is_dir():
        shutil.copytree(content_dir / LIST_TYPES_DIR, staging / LIST_TYPES_DIR)
    shutil.copyfile(content_dir / LISTS_DIR / target.town / TOWN_FILE, town_dir / TOWN_FILE)
    for name in (LIST_FILE, CATEGORIES_FILE):
        if (target.folder / name).is_file():
            shutil.copyfile(target.folder / name, list_dir / name)
    for name, text in new_files.items():
        (list_dir / name).write_text(text, encoding="utf-8", newline="\n")
    for draft in drafts:
        (list_dir / MATTERS_DIR / draft.file_name).write_text(draft.text, encoding="utf-8", newline="\n")
    try:
        return load_library(staging)
    except ContentErrors as failure:
        raise ContentErrors(_relocated(failure.errors, staging, target, drafts)) from None


def _relocated(errors: list[ContentError], staging: Path, target: ListTarget,
               drafts: list[_Draft]) -> list[ContentError]:
    """The staging copy's errors, pointing at the table's rows and at the real files."""
    matters = display_path(staging / LISTS_DIR / target.town / target.type / MATTERS_DIR)
    by_file = {f"{matters}/{draft.file_name}": draft.source for draft in drafts}
    staged, real = display_path(staging), display_path(target.content_dir)
    relocated = []
    for error in errors:
        source = by_file.get(error.path)
        if source is not None:
            relocated.append(importer.row_error(error, *source))
        elif error.path == staged or error.path.startswith(staged + "/"):
            relocated.append(ContentError(real + error.path[len(staged):], error.line, error.message,
                                          error.suggestion))
        else:
            relocated.append(error)
    return relocated


# --- writing ----------------------------------------------------------------------------------------------


def _create_list(target: ListTarget, files: dict[str, str], drafts: list[_Draft]) -> None:
    """Write a new list's folder beside its place, then rename it into place: all of it or nothing."""
    temporary = target.folder.with_name(f".{target.type}{importer.TEMPORARY_SUFFIX}")  # hidden: never read
    renamed = False
    try:
        if temporary.exists():
            shutil.rmtree(temporary)
        (temporary / MATTERS_DIR).mkdir(parents=True)
        for name, text in files.items():
            importer._write_durably(temporary / name, text)
        for draft in drafts:
            importer._write_durably(temporary / MATTERS_DIR / draft.file_name, draft.text)
        with importer._signals_held():
            os.rename(temporary, target.folder)  # fails if a list appeared there meanwhile: nothing is overwritten
            renamed = True
    except OSError as error:
        raise importer._write_error(target.folder, error) from None
    finally:
        if not renamed:
            shutil.rmtree(temporary, ignore_errors=True)


def several_lists(content_dir: Path) -> list[str]:
    """The lists of a multi-list folder, ``<town>/<type>``, for a message that names them."""
    found = []
    folder = content_dir / LISTS_DIR
    if not is_multi_list(content_dir):
        return found
    for town in sorted(folder.iterdir()):
        if town.is_dir() and not town.name.startswith("."):
            found.extend(f"{town.name}/{kind}" for kind in LIST_TYPES if (town / kind).is_dir())
    return found
