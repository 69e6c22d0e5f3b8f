"""A content folder of several lists at two revisions, compared: what ``diff`` and ``comment`` report.

``gitrev.compare`` compares a single-list folder and stays as it is (its
output is held byte for byte by the tests). When either side of a
comparison has a ``lists/`` folder, this module reads both sides as
libraries (``lists.read_library``: unvalidated, as an old revision may
predate today's rules) and compares them list by list
(``library_changes``). A side that is a single-list folder (before
``migrate``) is read as a library of its one list.

As in a single-list comparison, a matter file that cannot be read on one
side is left out of both, with a warning: it was neither removed nor added.
Settings that cannot be read (the publisher's ``site.yml``, a ``list.yml``,
``departments.yml``) make the comparison fail with their errors.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from generator.content.list_types import ListType
from generator.content.lists import LISTS_DIR, is_multi_list, read_library, single_library
from generator.content.loader import MATTERS_DIR, load_content
from generator.content.model import Library, MatterList
from generator.content.names import with_section_departments
from generator.errors import ContentError, ContentErrors, display_path
from generator.i18n import _
from generator.review.changes import Change
from generator.review.gitrev import (GitError, MATTER_FILE, compare, comparison_warnings, content_path_in_repo,
                                     default_base, extract_tree, resolve_commit, revision_of, run_git, side_errors,
                                     toplevel, tree_name, unread_matter_files)
from generator.review.library_changes import LibraryChange, diff_libraries


@dataclass(frozen=True)
class LibrarySide:
    """One side of a comparison of libraries: what was read, what could not be, and where it came from."""

    library: Library | None  # None: no content folder at this revision
    types: dict[str, ListType]
    errors: tuple[ContentError, ...]
    label: str  # the revision, or "working tree"
    unreadable: tuple[str, ...] = ()  # matter files there that could not be read, as messages name them
    unreadable_ids: tuple[tuple[str, frozenset[str]], ...] = ()  # (list key, ids in their names)


def has_several_lists(content_dir: Path, revision: str | None) -> bool:
    """Whether the content folder holds several lists at ``revision`` (the working tree when None)."""
    if revision is None:
        return is_multi_list(content_dir)
    repo = toplevel(content_dir)
    relative = content_path_in_repo(repo, content_dir)
    if relative is None:
        return False
    commit = resolve_commit(repo, revision)
    name = f"{commit}:{PurePosixPath(relative) / LISTS_DIR}".replace(":./", ":")
    answer = run_git(repo, "cat-file", "--batch-check", stdin=(name + "\n").encode("utf-8")).decode("utf-8", "replace")
    return answer.split()[1:2] == ["tree"]


def compare_content(content_dir: Path, base: str | None = None,
                    head: str | None = None) -> tuple[Change | LibraryChange, list[str]]:
    """``gitrev.compare`` for any content folder: a ``LibraryChange`` when either side holds several lists.

    The defaults are ``compare``'s: ``base`` the merge base with main, ``head`` the working tree.
    """
    if base is None:
        base = default_base(toplevel(content_dir))
    if not (has_several_lists(content_dir, head) or has_several_lists(content_dir, base)):
        return compare(content_dir, base, head)
    return compare_libraries(content_dir, base, head)


def compare_libraries(content_dir: Path, base: str, head: str | None) -> tuple[LibraryChange, list[str]]:
    """The change, list by list, from ``base`` to ``head`` (the working tree when None), and warnings."""
    with tempfile.TemporaryDirectory(prefix="lvzhi-rev-") as temporary:
        old = read_library_side(content_dir, base, Path(temporary) / "old")
        new = read_library_side(content_dir, head, Path(temporary) / "new")
    if old.library is None and new.library is None:
        raise ContentErrors([*old.errors, *new.errors])
    left_out: dict[str, frozenset[str]] = {}
    for side in (old, new):
        for key, ids in side.unreadable_ids:
            left_out[key] = left_out.get(key, frozenset()) | ids
    old_library = _without(old.library or _empty(new.library), left_out)  # type: ignore[arg-type]
    new_library = _without(new.library or _empty(old_library), left_out)
    return diff_libraries(old_library, new_library, {**old.types, **new.types}), comparison_warnings(old, new)


def read_library_side(content_dir: Path, revision: str | None, scratch: Path) -> LibrarySide:
    """The library at ``revision`` (extracted into ``scratch``), or in the working tree when None."""
    if revision is None:
        return _load(content_dir, _("working tree"), None, ())
    repo, commit, relative = revision_of(content_dir, revision)
    shown_as = f"{revision}:{relative}"
    scratch.mkdir(parents=True)
    try:
        refused = extract_tree(repo, tree_name(commit, relative), scratch)
    except GitError:
        missing = ContentError(shown_as, 1, _("the content folder does not exist at this revision"))
        return LibrarySide(None, {}, (missing,), revision)
    return _load(scratch, revision, shown_as, tuple(refused))


def _load(folder: Path, label: str, shown_as: str | None, refused: tuple[str, ...]) -> LibrarySide:
    """Read one side; ContentErrors when its settings cannot be read."""
    if is_multi_list(folder):
        loose = read_library(folder)
        library, types, errors, fatal = loose.library, loose.types, list(loose.errors), bool(loose.unusable)
    else:
        loaded = load_content(folder)
        errors, fatal, types = list(loaded.errors), loaded.content is None, {}
        library = single_library(with_section_departments(loaded.content)) if loaded.content is not None else None
    errors = side_errors(folder, errors, refused, shown_as)
    if fatal or library is None:
        raise ContentErrors(errors)
    unread = [(matter_list, _unread(folder, matter_list, refused)) for matter_list in library.lists]
    shown = shown_as if shown_as is not None else display_path(folder)
    return LibrarySide(
        library, types, tuple(errors), label,
        tuple(f"{shown}/{_matters_dir(matter_list)}/{name}" for matter_list, names in unread for name in names),
        tuple((_key(library, matter_list), frozenset(match["id"] for name in names
                                                      if (match := MATTER_FILE.match(name))))
              for matter_list, names in unread if names))


def _matters_dir(matter_list: MatterList) -> str:
    """Where a list's matter files are, below the content folder."""
    if not matter_list.info.town:  # a single-list folder
        return MATTERS_DIR
    return f"{LISTS_DIR}/{matter_list.info.key}/{MATTERS_DIR}"


def _key(library: Library, matter_list: MatterList) -> str:
    return "" if library.single else matter_list.info.key


def _unread(folder: Path, matter_list: MatterList, refused: tuple[str, ...]) -> list[str]:
    """Names of the list's matter files that are there but were not read, or were not extracted."""
    return unread_matter_files(folder, PurePosixPath(_matters_dir(matter_list)),
                               {matter.path.name for matter in matter_list.matters}, refused)


def _without(library: Library, left_out: dict[str, frozenset[str]]) -> Library:
    """``library`` without the matters of ``left_out`` (by list key; "" is a single-list folder's list)."""
    if not left_out:
        return library
    lists = []
    for matter_list in library.lists:
        ids = left_out.get(_key(library, matter_list), frozenset())
        lists.append(replace(matter_list, matters=tuple(m for m in matter_list.matters if m.id not in ids)))
    return replace(library, lists=tuple(lists))


def _empty(library: Library) -> Library:
    """A library like ``library`` without towns and lists: the side of a revision without content."""
    return replace(library, towns=(), lists=())
