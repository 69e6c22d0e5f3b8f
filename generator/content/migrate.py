"""``migrate``: move a single-list content folder into the multi-list layout, changing no text of the list.

``categories.yml`` and ``matters/`` move to ``lists/<town>/peihe/`` (with
``git mv`` where git tracks them, so that history follows the files); the
single ``site.yml`` is split by its lines, comments kept with the key they
stand above, into the publisher's ``site.yml``, the town's ``town.yml`` and
the list's ``list.yml``. No matter file is opened for writing.

The whole result is made first in a copy of the folder and loaded there: the
migration goes ahead only if the copy is a valid multi-list folder whose one
list is the same list as before (the same settings, categories, departments
and matters). Otherwise nothing is written.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.content.check import load_valid_content
from generator.content.lists import LIST_FILE, LISTS_DIR, SLUG, TOWN_FILE, TOWN_KINDS, is_multi_list, load_library
from generator.content.loader import CATEGORIES_FILE, MATTERS_DIR, SITE_FILE
from generator.content.model import PEIHE, Content, Library
from generator.i18n import _

KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*:")
PUBLISHER_KEYS = ("title", "district", "city", "issuer", "base_path", "base_url")
LIST_KEYS = {"title": "title", "version": "edition", "revision_note": "revision_note", "description": "description",
             "document_number": "document_number", "published": "published"}  # site.yml key → list.yml key
MOVED = (CATEGORIES_FILE, MATTERS_DIR)


class MigrateError(Exception):
    """The folder cannot be migrated (already multi-list, a bad town slug, …); nothing was written."""


@dataclass(frozen=True)
class Migration:
    """What ``migrate`` did."""

    list_dir: Path  # lists/<town>/peihe
    moved: tuple[str, ...]  # what moved, as the folder's relative paths
    with_git: bool


@dataclass(frozen=True)
class _Chunk:
    """A top-level key of a YAML mapping with its lines: the comments above it, the key line, its continuation."""

    key: str
    lines: tuple[str, ...]


def migrate(content_dir: Path, town: str) -> Migration:
    """Move the single-list folder ``content_dir`` into ``lists/<town>/peihe/``; MigrateError or ContentErrors
    (and nothing written) when it cannot be done without changing the list."""
    if is_multi_list(content_dir):
        raise MigrateError(_("{folder} already holds several lists (it has a lists/ folder): nothing to migrate")
                           .format(folder=content_dir))
    if not SLUG.fullmatch(town):
        raise MigrateError(_("the town slug '{town}' is not lower-case ASCII letters, digits and hyphens "
                             "(it becomes part of the pages' addresses, e.g. 'xingsheng')").format(town=town))
    before = load_valid_content(content_dir)  # ContentErrors: only a valid list is migrated
    texts = split_site(_read_text(content_dir / SITE_FILE), before.site.town)
    with tempfile.TemporaryDirectory(prefix=".migrate-", dir=content_dir.resolve().parent) as scratch:
        trial = Path(scratch) / content_dir.name
        shutil.copytree(content_dir, trial, symlinks=True)
        _apply(trial, town, texts, git=False)
        _same_list(before, load_library(trial))
    with_git = _git_tracked(content_dir)
    _apply(content_dir, town, texts, git=with_git)
    load_library(content_dir)  # as check would: the result is valid
    list_dir = content_dir / LISTS_DIR / town / PEIHE
    return Migration(list_dir, tuple(f"{LISTS_DIR}/{town}/{PEIHE}/{name}" for name in MOVED), with_git)


def split_site(text: str, town_name: str) -> dict[str, str]:
    """A single-list ``site.yml`` as the texts of the publisher's ``site.yml``, ``town.yml`` and ``list.yml``.

    Each top-level key keeps its lines as they are, with the comments above
    it; the key ``version`` becomes ``edition``. The comments before the
    first key stay in ``site.yml``. The publisher's title is the list's, to
    be changed by the keepers when more lists join.
    """
    header, chunks = _chunks(text)
    by_key = {chunk.key: chunk for chunk in chunks}
    publisher = list(header)
    listed = [f"type: {PEIHE}\n"]
    for chunk in chunks:  # in the file's order
        if chunk.key in PUBLISHER_KEYS:
            publisher.extend(_without_comments(chunk) if chunk.key in LIST_KEYS else chunk.lines)
        if chunk.key in LIST_KEYS:
            listed.extend(_renamed(chunk, LIST_KEYS[chunk.key]))
    kind = next((kind for kind in sorted(TOWN_KINDS, key=len, reverse=True) if town_name.endswith(kind)), "")
    town = list(_renamed(by_key["town"], "name"))
    if kind:
        town.append(f"kind: {kind}\n")
    return {SITE_FILE: "".join(publisher), TOWN_FILE: "".join(town), LIST_FILE: "".join(listed)}


def _chunks(text: str) -> tuple[list[str], list[_Chunk]]:
    """The lines before the first key, and each top-level key's chunk."""
    header: list[str] = []
    chunks: list[_Chunk] = []
    pending: list[str] = []  # comments and blank lines not yet given to a key
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            line += "\n"
        match = KEY_LINE.match(line)
        if match:
            if not chunks:
                header, pending = _split_header(pending)
            chunks.append(_Chunk(match.group(1), (*pending, line)))
            pending = []
        elif line[:1] in (" ", "\t") and line.strip() and not line.lstrip().startswith("#") and chunks:
            last = chunks[-1]
            chunks[-1] = _Chunk(last.key, (*last.lines, *pending, line))  # a value continued (block scalar)
            pending = []
        else:
            pending.append(line)
    if not chunks:
        header = pending
    return header, chunks


def _split_header(lines: list[str]) -> tuple[list[str], list[str]]:
    """The file's opening comments, and the comment block right above the first key (after a blank line)."""
    for index in range(len(lines) - 1, -1, -1):
        if not lines[index].strip():
            return lines[:index + 1], lines[index + 1:]
    return lines, []  # one block of comments at the top: it is the file's


def _without_comments(chunk: _Chunk) -> tuple[str, ...]:
    """The key's own lines, without the comments above it."""
    start = next(index for index, line in enumerate(chunk.lines) if KEY_LINE.match(line))
    return chunk.lines[start:]


def _renamed(chunk: _Chunk, key: str) -> tuple[str, ...]:
    """The chunk with its key written as ``key`` (the value and comments as they are)."""
    lines = list(chunk.lines)
    index = next(index for index, line in enumerate(lines) if KEY_LINE.match(line))
    lines[index] = key + lines[index][len(chunk.key):]
    return tuple(lines)


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def _apply(folder: Path, town: str, texts: dict[str, str], git: bool) -> None:
    """Move the list's files and write the settings files, in ``folder``."""
    list_dir = folder / LISTS_DIR / town / PEIHE
    list_dir.mkdir(parents=True)
    for name in MOVED:
        if git and _tracked(folder, name):
            _git(folder, "mv", name, f"{LISTS_DIR}/{town}/{PEIHE}/{name}")
        else:
            os.rename(folder / name, list_dir / name)
    _write(list_dir / LIST_FILE, texts[LIST_FILE])
    _write(list_dir.parent / TOWN_FILE, texts[TOWN_FILE])
    _write(folder / SITE_FILE, texts[SITE_FILE])
    if git:
        _git(folder, "add", "--", SITE_FILE, f"{LISTS_DIR}/{town}/{TOWN_FILE}",
             f"{LISTS_DIR}/{town}/{PEIHE}/{LIST_FILE}")


def _write(path: Path, text: str) -> None:
    """Write ``text`` through a temporary file renamed into place: never half a settings file."""
    partial = path.with_name(f".{path.name}.new")
    partial.write_bytes(text.encode("utf-8"))
    os.replace(partial, path)


def _same_list(before: Content, library: Library) -> None:
    """Refuse unless the migrated folder holds exactly the list that was there (nothing lost or altered)."""
    lists = library.lists
    after = library.content_of(lists[0]) if len(lists) == 1 else None
    site, old = (after.site if after else None), before.site
    same = (after is not None and after.categories == before.categories and after.departments == before.departments
            and after.matters == before.matters and site is not None
            and (site.title, site.town, site.district, site.city, site.issuer, site.version, site.revision_note,
                 site.description, site.published, site.document_number)
            == (old.title, old.town, old.district, old.city, old.issuer, old.version, old.revision_note,
                old.description, old.published, old.document_number))
    if not same:
        raise MigrateError(_("the migrated folder would not hold the same list (its site.yml could not be split "
                             "line by line); nothing was written: split it by hand as docs/design-many-lists.md "
                             "shows"))


def _git_tracked(folder: Path) -> bool:
    """Whether ``folder`` is in a git work tree where git tracks some of the files that move."""
    return any(_tracked(folder, name) for name in MOVED)


def _tracked(folder: Path, name: str) -> bool:
    try:
        result = subprocess.run(["git", "-C", str(folder), "ls-files", "--", name], capture_output=True, text=True,
                                timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and bool(result.stdout.strip())


def _git(folder: Path, *args: str) -> None:
    result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise MigrateError(_("git {command} failed: {problem}").format(command=args[0],
                                                                      problem=result.stderr.strip()))

