"""The revision history of a 基本 or 收回 list, read from its folder's git history.

A 配合 list's history (``history``) is read with the change engine of its
shape and a reader tuned for lists of thousands of matters. A typed list is
compared by its type's declaration (``typed_changes.diff_typed``), so its
history is read here: every commit that touched the list's folder
(``lists/<town>/<type>/``) is compared with its first parent, both read as
the list was then, with the departments and the declarations of that
revision, unvalidated (an old revision may predate today's rules). As for
a 配合 list, a commit that changes nothing in the list is not a revision, a
change of the shared ``departments.yml`` alone is not this list's, and
commit subjects are never shown: only ``修订说明:`` trailers.

Each side is the list's folder and the few shared files it is read with,
checked out into one scratch folder (one ``git ls-tree`` and one ``git
cat-file --batch``); a side is read once however many revisions share it,
and the scratch folder goes from one side to the next by writing and
removing only the files that differ. The first side of each set of settings
blobs (every file but the matters) is read whole with ``lists.read_library``;
when that read has no error, a later side with the same blobs reads only its
matters (``loader.load_matters``, as ``read_library`` would) with those
settings. Each version of a matter file is parsed once, and only the matters
that differ between a revision's sides are compared (when both name
categories and departments by the same slugs). A side that cannot be
read leaves its revision out with a warning (``Skipped``) naming this
revision's file; the build goes on.
Outside a git checkout, or without commits, the history is empty.
"""
from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path, PurePosixPath

from generator.content.list_types import ListType
from generator.content.lists import LIST_TYPES_DIR, LISTS_DIR, TOWN_FILE, read_library, read_typed_files
from generator.content.loader import DEPARTMENTS_FILE, MATTERS_DIR, SITE_FILE, load_matters
from generator.content.model import Category, Department, MatterList, TypedMatter
from generator.content.typed_matter import with_canonical_departments
from generator.errors import ContentError
from generator.i18n import _
from generator.review.gitrev import GitError, checkout_of, run_git
from generator.review.history import Skipped, logged_commits, read_objects
from generator.review.typed_changes import TypedChange, TypedMatterChange, TypedSide, diff_typed

SYMLINK_MODE = "120000"


@dataclass(frozen=True)
class TypedRevision:
    """One revision of a typed list: a commit that changed it, and what it changed."""

    date: str  # committer date, yyyy-mm-dd
    commit: str  # short hash: identity only, not shown
    notes: tuple[str, ...]  # its 修订说明 trailers
    change: TypedChange


@dataclass(frozen=True)
class TypedHistory:
    """A typed list's revisions, newest first, each matter's (by id), and the revisions that could not be read."""

    revisions: tuple[TypedRevision, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    matters: Mapping[str, tuple[tuple[TypedRevision, TypedMatterChange], ...]] = field(default_factory=dict)

    def of(self, matter_id: str) -> tuple[tuple[TypedRevision, TypedMatterChange], ...]:
        """The revisions that changed the matter ``matter_id``, newest first, each with what it changed there."""
        return self.matters.get(matter_id, ())

    def warnings(self) -> list[str]:
        return [skipped.message() for skipped in self.skipped]


NO_HISTORY = TypedHistory()


class _Unreadable(Exception):
    """A side of a revision that cannot be read: its first error, as a ``Skipped`` names it."""

    def __init__(self, file: str, reason: str):
        super().__init__(file)
        self.file, self.reason = file, reason


def load_typed_history(content_dir: Path, key: str, list_type: ListType,
                       parsed: Mapping[str, TypedMatter] | None = None) -> TypedHistory:
    """The history of the typed list ``key`` (``<town>/<type>``) of the multi-list folder ``content_dir``.

    ``parsed``: matter files the build has read already, by path, as ``read_typed_files`` read them (without
    errors): a committed version with the same bytes is not parsed again.
    """
    checkout = checkout_of(content_dir)
    if checkout is None:
        return NO_HISTORY
    repo, relative = checkout
    content = PurePosixPath(relative)
    try:
        commits = [commit for commit, _files in logged_commits(repo, str(content / LISTS_DIR / key))]
    except GitError:
        return NO_HISTORY  # a checkout without commits yet
    if not commits:
        return NO_HISTORY  # a list not committed yet: no side to read, and no need to hash the build's files
    revisions, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="lvzhi-typed-history-") as temporary:
        reader = _Reader(repo, content, key, Path(temporary))
        reader.parsed.update(reader.known_versions(content_dir, parsed or {}))
        for commit in commits:
            try:
                old, new = reader.side(commit.parent), reader.side(commit.full)
            except _Unreadable as unreadable:
                skipped.append(Skipped(commit.short, unreadable.file, unreadable.reason))
                continue
            change = diff_typed(list_type, *_without_unchanged(old, new))
            if not change.is_empty:
                revisions.append(TypedRevision(commit.date, commit.short, commit.notes, change))
    return TypedHistory(tuple(revisions), tuple(skipped), _by_matter(revisions))


def _without_unchanged(old: TypedSide, new: TypedSide) -> tuple[TypedSide, TypedSide]:
    """Both sides without the matters equal on both (by id), when both sides name categories and departments
    alike: ``diff_typed`` would find no change in them, and comparing every field of a list's hundreds of
    unchanged matters at every revision was an eighth of a district's history."""
    if _slugs(old) != _slugs(new):
        return old, new  # a renamed slug changes how equal values compare
    before = {matter.id: matter for matter in old.matters}
    same = {matter_id for matter_id, matter in {matter.id: matter for matter in new.matters}.items()
            if before.get(matter_id) == matter}
    if not same:
        return old, new
    return (replace(old, matters=tuple(matter for matter in old.matters if matter.id not in same)),
            replace(new, matters=tuple(matter for matter in new.matters if matter.id not in same)))


def _slugs(side: TypedSide) -> tuple[dict[str, str], dict[str, str]]:
    """The side's slug of each category and department name: what ``diff_typed`` compares names by."""
    return ({category.name: category.slug for category in side.categories},
            {department.name: department.slug for department in side.departments})


def _by_matter(revisions: list[TypedRevision]) -> dict[str, tuple[tuple[TypedRevision, TypedMatterChange], ...]]:
    """Each matter's revisions, newest first, by id (a matter whose id changed starts anew: its address did)."""
    found: dict[str, list[tuple[TypedRevision, TypedMatterChange]]] = {}
    for revision in revisions:
        for matter in revision.change.matters:
            found.setdefault(matter.id, []).append((revision, matter))
    return {matter_id: tuple(entries) for matter_id, entries in sorted(found.items())}


@dataclass(frozen=True)
class _Settings:
    """What a side of the list reads besides its matters, from one set of settings blobs that read cleanly."""

    categories: tuple[Category, ...]
    departments: tuple[Department, ...]
    list_type: ListType  # the side's own declaration: its matters are read by it


SettingsKey = frozenset[tuple[Path, str]]


class _Reader:
    """Each revision's side of the list, read once."""

    def __init__(self, repo: Path, content: PurePosixPath, key: str, scratch: Path):
        self.repo, self.content, self.key, self.scratch = repo, content, key, scratch
        self.sides: dict[str, TypedSide] = {}
        # The side checked out in ``scratch`` now: each file's blob id, by its path there. Writing every file
        # of a list for each side made a district's history of 21 commits create 11,000 files (13 s here).
        self.present: dict[Path, str] = {}
        self.paths: dict[str, Path] = {}
        # Each version of a matter file parsed once, by its blob id: a revision touches a few files, and
        # parsing the whole list again at every revision made a history of 11 revisions take 1.4 s.
        self.parsed: dict[str, TypedMatter] = {}
        # What each set of settings blobs (every file but the matters) read as, when it read without an
        # error: a revision touches a few matters, and reading site.yml, departments.yml, the declarations
        # and categories.yml again for every side took a sixth of a district's history.
        self.settings: dict[SettingsKey, _Settings] = {}
        self.matters_folder = self.scratch / LISTS_DIR / key / MATTERS_DIR

    def known_versions(self, content_dir: Path, parsed: Mapping[str, TypedMatter]) -> dict[str, TypedMatter]:
        """This list's matters read by the build, by the blob id their files' bytes have in git (SHA-1 and
        SHA-256 repositories alike), each with the path its version will have here: the newest revisions
        mostly hold the working files' bytes, and parsing every matter of a list again took a fifth of a
        district's history. A file changed since the build read it has other bytes, so another id."""
        inside = f"{content_dir / LISTS_DIR / self.key / MATTERS_DIR}/"
        known: dict[str, TypedMatter] = {}
        for path, matter in parsed.items():
            if not path.startswith(inside) or "/" in path[len(inside):]:
                continue
            try:
                raw = Path(path).read_bytes()
            except OSError:
                continue
            header = b"blob %d\0" % len(raw)
            version = replace(matter, path=self.matters_folder / Path(path).name)
            for digest in (hashlib.sha1, hashlib.sha256):
                known[digest(header + raw).hexdigest()] = version
        return known

    def side(self, commit: str) -> TypedSide:
        """The list at ``commit``; empty before its folder existed (or for no commit: a root's parent)."""
        if commit not in self.sides:
            self.sides[commit] = self._read(commit) if commit else TypedSide((), (), ())
        return self.sides[commit]

    def _read(self, commit: str) -> TypedSide:
        folder = self.scratch
        blob_ids = self._check_out(commit)
        if blob_ids is None:
            return TypedSide((), (), ())  # the list's folder is not there yet
        key, matter_blobs = self._settings_key(blob_ids), self._matter_blobs(blob_ids)
        if key in self.settings:
            return self._read_matters_only(commit, matter_blobs, self.settings[key])
        loose = read_library(folder, partial(self._read_matters, matter_blobs))
        matter_list = self._list(loose.library.lists if loose.library is not None else ())
        # A matter file left out would read as removed: the revision is not told rather than told wrong.
        matters = f"{LISTS_DIR}/{self.key}/{MATTERS_DIR}/"
        blocking = [error for error in loose.errors if matters in error.path or error.path in loose.unusable]
        if matter_list is None or blocking:
            error = (blocking or list(loose.errors) or [None])[0]
            where = error.path.split(f"{folder.as_posix()}/", 1)[-1] if error is not None else str(self.key)
            raise _Unreadable(f"{commit[:7]}:{self.content / where}", error.message if error is not None else "")
        departments: tuple[Department, ...] = loose.library.departments  # type: ignore[union-attr]
        if not loose.errors and not loose.unusable:
            self.settings[key] = _Settings(matter_list.categories, departments, loose.types[self.list_name])
        return TypedSide(matter_list.categories, departments, matter_list.matters)

    def _settings_key(self, blob_ids: Mapping[Path, str]) -> SettingsKey:
        """The side's files other than its matters, by blob id: equal keys read as equal settings. (By the
        paths' text, which a scratch path keeps once made: ``Path.parents`` made 18,000 paths a history.)"""
        inside = f"{self.matters_folder}/"
        return frozenset((path, oid) for path, oid in blob_ids.items() if not str(path).startswith(inside))

    def _matter_blobs(self, blob_ids: Mapping[Path, str]) -> dict[str, str]:
        """The blob id of each file directly in the matters folder, by name: the loader reads only those, and
        hashing the new path it makes for each file at each side was slower than reading its name."""
        folder = str(self.matters_folder)
        return {name: oid for path, oid in blob_ids.items()
                for parent, _slash, name in (str(path).rpartition("/"),) if parent == folder}

    def _read_matters_only(self, commit: str, blob_ids: Mapping[str, str], settings: _Settings) -> TypedSide:
        """The side whose settings read cleanly before: only its matters are read, as ``read_library`` reads a
        typed list's (``lists._load_typed_list``, unvalidated), and its errors are told as ``_read`` tells them
        (``LibraryParts.errors`` sorts them; here they can only be the matters')."""
        errors: list[ContentError] = []
        matters = load_matters(self.matters_folder, errors, lambda paths, label: self._read_matters(
            blob_ids, paths, label, settings.list_type))
        inside = f"{LISTS_DIR}/{self.key}/{MATTERS_DIR}/"
        blocking = [error for error in sorted(set(errors)) if inside in error.path]
        if blocking:
            where = blocking[0].path.split(f"{self.scratch.as_posix()}/", 1)[-1]
            raise _Unreadable(f"{commit[:7]}:{self.content / where}", blocking[0].message)
        return TypedSide(settings.categories, settings.departments,
                         with_canonical_departments(matters, settings.list_type, settings.departments))

    def _read_matters(self, blob_ids: Mapping[str, str], paths: list[Path], folder_label: str,
                      list_type: ListType) -> list[tuple[TypedMatter | None, list[ContentError]]]:
        """A ``TypedReader`` that parses only the blobs not parsed at another revision (a file that had
        errors is read again, so that its errors name this revision's file). ``blob_ids``: by file name, as
        ``_matter_blobs`` gives them; ``paths`` are the files of the scratch matters folder, so a parsed
        matter of the same name has the very path already."""
        read: list[tuple[TypedMatter | None, list[ContentError]]] = []
        for path in paths:
            blob = blob_ids.get(path.name, "")
            known = self.parsed.get(blob)
            if known is not None:
                read.append((known if known.path.name == path.name else replace(known, path=path), []))
                continue
            matter, errors = read_typed_files([path], folder_label, list_type)[0]
            if matter is not None and not errors and blob:
                self.parsed[blob] = matter
            read.append((matter, errors))
        return read

    def _check_out(self, commit: str) -> dict[Path, str] | None:
        """The list's folder at ``commit`` and the shared files it is read with, in the scratch folder, in two
        git calls (a list's history reads every side of every revision); each file's blob id by its path
        there, None when the list is not there. A matter file parsed already is written empty (the loader
        lists it; ``_read_matters`` hands out its parsed version)."""
        paths = [str(self.content / name) for name in
                 (f"{LISTS_DIR}/{self.key}", SITE_FILE, DEPARTMENTS_FILE, f"{LISTS_DIR}/{self.town}/{TOWN_FILE}",
                  LIST_TYPES_DIR)]
        listing = run_git(self.repo, "ls-tree", "-r", "-z", commit, "--", *paths).decode("utf-8", "replace")
        entries = [(header.split(" "), path) for header, _tab, path in
                   (entry.partition("\t") for entry in listing.split("\0") if entry)]
        inside = f"{self.content / LISTS_DIR / self.key}/"
        if not any(path.startswith(inside) for _header, path in entries):
            return None
        links = [path for (mode, _type, _oid), path in entries if mode == SYMLINK_MODE]
        if links:  # the loader decides where a link leads; a link in an old revision is not followed here
            raise _Unreadable(f"{commit[:7]}:{links[0]}", _("a symbolic link is not read in a revision"))
        files = {self._scratch_path(path): oid for (_mode, kind, oid), path in entries if kind == "blob"}
        changed = {path: oid for path, oid in files.items() if self.present.get(path) != oid}
        blobs = read_objects(self.repo, [oid for oid in changed.values() if oid not in self.parsed])
        wanted = {path: oid for path, oid in files.items()
                  if path not in changed or oid in blobs or oid in self.parsed}
        self._remove([path for path in self.present if path not in wanted])
        for path, oid in changed.items():
            if path in wanted:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(blobs[oid][1] if oid in blobs else b"")
        self.present = wanted
        return wanted

    def _scratch_path(self, path: str) -> Path:
        """Where the file at ``path`` (in the repository) is checked out, made once per path: the sides of
        a list's revisions name the same files again and again."""
        if path not in self.paths:
            self.paths[path] = self.scratch / PurePosixPath(path).relative_to(self.content)
        return self.paths[path]

    def _remove(self, paths: list[Path]) -> None:
        """Files of the previous side that this one lacks, and the folders they leave empty (an empty
        ``list_types/`` or ``matters/`` is not the same content as none)."""
        for path in paths:
            path.unlink()
        for folder in sorted({parent for path in paths for parent in path.parents
                              if self.scratch in parent.parents}, key=lambda folder: -len(folder.parts)):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    @property
    def town(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def list_name(self) -> str:
        """The list's type, as its folder is named."""
        return self.key.split("/", 1)[1]

    def _list(self, lists: tuple[MatterList, ...]) -> MatterList | None:
        return next((matter_list for matter_list in lists if matter_list.info.key == self.key), None)
