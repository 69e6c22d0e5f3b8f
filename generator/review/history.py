"""Revision history for the site, read from git in a fixed few calls per build, as one value.

The build passes the ``History`` to the render stage beside the content, so
that an incremental build can treat it as one more input: the 修订记录 page
(``urls.HISTORY``) shows ``revisions``, a matter's page shows
``matters[its id]``, and no other page depends on it. Outside a git checkout
the History is empty and the site shows no revisions; dates come from git
(committer dates), so a build stays deterministic.

Readers see revisions in the list's terms: what each revision changed, as
the diff engine (``changes.diff_content``, the same as the ``diff`` command)
finds it, and an optional note for readers from the commit message's
``修订说明:`` trailer. Commit subjects are developers' words and are never
shown; a commit that changes nothing in the list (a reformatted file, a
change outside the content) is not a revision.

Each matter's page lists every revision that changed it, so every commit
of the content folder is compared with its parent. Comparing every
revision's whole content costs a full load per revision (about 13 s for 50
revisions of 100 matters; 0.2 s this way). A revision's change lies in the
files it touched, so only those are read: one ``git log`` lists them, one
``git cat-file --batch`` reads them, and matters no revision touched are
never loaded: the cost grows with the files the revisions touched, not with
the size of the list. Only a revision that changes ``categories.yml`` or
``departments.yml`` (which can change how every matter reads) is compared in
full (one more ``cat-file`` call). Each version of a file is parsed once,
however many revisions share it.

An old revision may hold a file that cannot be read (not UTF-8, broken YAML,
a symbolic link): the revisions that change such a file are left out, each
with a warning (``History.skipped``), and the build goes on. A file that is
equally unreadable on both sides of a revision does not stop that revision:
both sides lack it alike.
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from generator.site.change_view import Line, MatterView, change_view, matter_phrase
from generator.review.changes import REMOVED, Change, MatterChange, diff_content, empty_content
from generator.review.gitrev import (
    FIELD,
    GitError,
    checkout_of,
    log_commits,
    matter_id_in,
    run_git,
    touched_files,
)
from generator.i18n import _
from generator.content.lists import LIST_FILE, LISTS_DIR, read_list_info
from generator.content.loader import (CATEGORIES_FILE, DEPARTMENTS_FILE, MATTERS_DIR, SITE_FIELDS, SITE_FILE, load_content,
                              matter_from_bytes)
from generator.errors import ContentError
from generator.content.model import Content, Matter, Site
from generator.content.names import with_section_departments

SETTINGS = (SITE_FILE, CATEGORIES_FILE, DEPARTMENTS_FILE)
# Files whose change can alter how every matter compares (department and category identity).
WHOLE_LIST_FILES = (CATEGORIES_FILE, DEPARTMENTS_FILE)
# Revisions the 修订记录 page shows; lines listed per revision there (the rest are counted).
PAGE_LIMIT = 50
LINE_LIMIT = 30
# The commit-message trailer that carries a note for readers.
NOTE_KEY = "修订说明"
# A trailer line as git's trailer parser takes it (``Token: value``; git accepts only ASCII tokens, so the
# note's key is matched here, with the full-width colon that Chinese input methods type), and a
# continuation line.
TRAILER_LINE = re.compile(r"^(?P<key>[A-Za-z0-9-]+|" + NOTE_KEY + r")\s*[:：]\s*(?P<value>.*?)\s*$")
CONTINUATION = re.compile(r"^[ \t]+\S")
# Stands for a site.yml that cannot be read (on both sides of a revision alike: it compares equal to itself).
STAND_IN_SITE = "".join(f"{name}: 未读取\n" for name in SITE_FIELDS)


@dataclass(frozen=True)
class Layout:
    """Where one list's files are in the repository, and which of them make its settings.

    A single-list folder holds all of them (``site.yml``, ``categories.yml``,
    ``departments.yml``, ``matters/``); a list of a multi-list folder holds
    its ``list.yml``, ``categories.yml`` and ``matters/`` and shares the
    ``departments.yml`` at the top of the content folder.
    """

    folder: str  # the list's folder in the repository: matters/ and categories.yml are in it
    settings: tuple[tuple[str, str], ...]  # (the file's role, its path in the repository), the site's role first
    whole: frozenset[str]  # paths whose change can alter how every matter compares

    @property
    def paths(self) -> tuple[str, ...]:
        """What ``git log`` reads: the list's folder, and its settings files outside it."""
        inside = PurePosixPath(self.folder)
        return (self.folder, *(path for _role, path in self.settings if inside not in PurePosixPath(path).parents))

    @property
    def shared_departments(self) -> bool:
        """Whether the departments are shared with other lists: their changes are not this list's revisions."""
        return self.settings[0][0] == LIST_FILE

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(role for role, _path in self.settings)


def single_layout(relative: str) -> Layout:
    """A single-list content folder at ``relative`` in the repository."""
    folder = PurePosixPath(relative)
    return Layout(relative, tuple((name, str(folder / name)) for name in SETTINGS),
                  frozenset(str(folder / name) for name in WHOLE_LIST_FILES))


def list_layout(relative: str, key: str) -> Layout:
    """The list ``key`` (``<town>/<type>``) of the multi-list content folder at ``relative``."""
    content = PurePosixPath(relative)
    folder = content / LISTS_DIR / key
    settings = ((LIST_FILE, str(folder / LIST_FILE)), (CATEGORIES_FILE, str(folder / CATEGORIES_FILE)),
                (DEPARTMENTS_FILE, str(content / DEPARTMENTS_FILE)))
    return Layout(str(folder), settings, frozenset(path for role, path in settings if role in WHOLE_LIST_FILES))


@dataclass(frozen=True)
class MatterRevision:
    """One revision of one matter, as its page lists it."""

    date: str  # committer date, yyyy-mm-dd
    commit: str  # short hash: identity only, not shown
    change: str  # 「第11项 苏木乡镇（街道）配合职责 修改」
    notes: tuple[str, ...] = ()  # the revision's 修订说明
    removed: bool = False  # the revision removed the matter from the list


@dataclass(frozen=True)
class ListRevision:
    """One revision of the list: a commit that changed its content, with what it changed."""

    date: str
    commit: str
    notes: tuple[str, ...]
    change: Change


@dataclass(frozen=True)
class Skipped:
    """A revision left out of the history because a file it compares cannot be read."""

    commit: str  # the revision left out (short hash)
    file: str  # the file, as git names it: ``abc1234:content/site.yml`` (in the revision or in its parent)
    reason: str

    def message(self) -> str:
        return _("revision {commit} is left out of the history: cannot read {file} ({reason})").format(
            commit=self.commit, file=self.file, reason=self.reason)


@dataclass(frozen=True)
class History:
    """The list's revisions (newest first), each matter's, and the revisions that could not be read."""

    matters: Mapping[str, tuple[MatterRevision, ...]] = field(default_factory=dict)
    revisions: tuple[ListRevision, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    def of(self, matter_id: str) -> tuple[MatterRevision, ...]:
        return self.matters.get(matter_id, ())

    @property
    def last_revised(self) -> str | None:
        """The date (yyyy-mm-dd) of the list's latest revision; None without history."""
        return max((revision.date for revision in self.revisions), default=None)

    @property
    def first_revised(self) -> str | None:
        """The date of the list's first revision in git (its publication when site.yml gives none)."""
        return min((revision.date for revision in self.revisions), default=None)

    def matter_revised(self, matter_id: str) -> str | None:
        """The date of the latest revision that changed this matter; None without one."""
        return max((revision.date for revision in self.of(matter_id)), default=None)

    def listed(self) -> frozenset[str]:
        """Ids of the matters in the list as its latest revision left it."""
        return frozenset(matter_id for matter_id, revisions in self.matters.items()
                         if revisions and not revisions[0].removed)

    def changed_matters(self, other: History) -> frozenset[str]:
        """Ids whose history differs between the two: the matter pages to render again."""
        ids = set(self.matters) | set(other.matters)
        return frozenset(matter_id for matter_id in ids if self.of(matter_id) != other.of(matter_id))

    def warnings(self) -> list[str]:
        """A message for each revision left out, in the user's language."""
        return [skipped.message() for skipped in self.skipped]


NO_HISTORY = History()


def load_history(content_dir: Path) -> History:
    """The history of ``content_dir`` in its enclosing git checkout; empty outside one."""
    return _load_history(content_dir, single_layout)


def load_list_history(content_dir: Path, key: str) -> History:
    """The history of the list ``key`` (``<town>/<type>``) of the multi-list folder ``content_dir``.

    Each list's history is its own folder's: the commits that touched it,
    each compared as the list was before and after; a change of the shared
    departments alone is not a revision of the list. Empty outside a git checkout.
    """
    return _load_history(content_dir, lambda relative: list_layout(relative, key))


def _load_history(content_dir: Path, layout_of: Callable[[str], Layout]) -> History:
    checkout = checkout_of(content_dir)
    if checkout is None:
        return NO_HISTORY
    repo, relative = checkout
    layout = layout_of(relative)
    try:
        commits = _commits(repo, layout)
        moved = _moved_from(repo, layout, commits)
        if moved is not None:  # the list's folder began as a single-list folder moved by ``migrate``
            migration, earlier = moved
            commits = commits[:commits.index(migration)]  # not the move itself: it changes nothing in the list
            compared = _compare_commits(repo, layout, commits)
            before = _commits(repo, earlier, f"{migration.full}^")
            commits, compared = commits + before, compared + _compare_commits(repo, earlier, before)
        else:
            compared = _compare_commits(repo, layout, commits)
    except GitError:
        return NO_HISTORY  # e.g. a checkout without commits yet
    changes = {commit.full: change for commit, change in compared if isinstance(change, Change)}
    revisions = tuple(ListRevision(commit.date, commit.short, commit.notes, changes[commit.full])
                      for commit in commits if commit.full in changes)
    return History(_matter_revisions(commits, changes), revisions,
                   tuple(skipped for _commit, skipped in compared if isinstance(skipped, Skipped)))


def revision_summaries(repo: Path, relative: str) -> list[ListRevision]:
    """Every commit that changed the content of the folder ``relative``, newest first, each with its
    change from its parent (``load_history``'s revisions, for tests against ``gitrev.list_revisions``)."""
    layout = single_layout(relative)
    try:
        commits = _commits(repo, layout)
        compared = dict((commit.full, change) for commit, change in _compare_commits(repo, layout, commits))
    except GitError:
        return []
    return [ListRevision(commit.date, commit.short, commit.notes, change) for commit in commits
            if isinstance(change := compared.get(commit.full), Change)]


# --- each matter's revisions -------------------------------------------------


def _matter_revisions(commits: list[_Commit], changes: dict[str, Change]) -> dict[str, tuple[MatterRevision, ...]]:
    """Each matter's revisions, newest first, by the id it has now.

    The engine knows matters by id; a file renamed to another id (its web
    address changed) carries the matter's earlier revisions over to the new id.
    """
    history: dict[str, list[MatterRevision]] = {}
    later_id: dict[str, str] = {}  # an id as it was → the id it has now
    for commit in commits:  # newest first
        for old_id, new_id in commit.renames:
            later_id[old_id] = later_id.get(new_id, new_id)
        change = changes.get(commit.full)
        if change is None:
            continue
        entries: dict[str, list[MatterChange]] = {}
        for matter in change.matters:
            entries.setdefault(later_id.get(matter.id, matter.id), []).append(matter)
        for matter_id, found in entries.items():
            removed = all(matter.kind == REMOVED for matter in found)
            history.setdefault(matter_id, []).append(
                MatterRevision(commit.date, commit.short, matter_phrase(tuple(found)), commit.notes, removed))
    return {matter_id: tuple(revisions) for matter_id, revisions in sorted(history.items())}


# --- the 修订记录 page ------------------------------------------------------


@dataclass(frozen=True)
class RevisionView:
    """A revision as a 修订记录 page shows it (a 配合 list's or a typed list's): date, notes, and what
    changed in the list's words."""

    date: str
    notes: tuple[str, ...]
    summary: str
    lines: tuple[Line, ...]  # the first LINE_LIMIT lines
    omitted: int  # lines beyond LINE_LIMIT, counted but not listed
    details: tuple[MatterView, ...]  # the changed matters in detail

    @classmethod
    def of(cls, date: str, notes: tuple[str, ...], summary: str, lines: tuple[Line, ...],
           details: tuple[MatterView, ...], line_limit: int = LINE_LIMIT) -> RevisionView:
        """The view with its lines cut at ``line_limit``: the rest are counted, not listed."""
        return cls(date, notes, summary, lines[:line_limit], max(0, len(lines) - line_limit), details)


def history_page(history: History) -> dict[str, object]:
    """The 修订记录 page's variables. It links the matters that the latest revision left in the list:
    the page depends on the history alone, so that editing a matter (in ``serve``) does not touch it."""
    return {"revisions": revision_views(history), "more": max(0, len(history.revisions) - PAGE_LIMIT),
            "pages": history.listed()}


def revision_views(history: History, limit: int = PAGE_LIMIT,
                   line_limit: int = LINE_LIMIT) -> tuple[RevisionView, ...]:
    """The latest ``limit`` revisions for the 修订记录 page."""
    views = []
    for revision in history.revisions[:limit]:
        view = change_view(revision.change)
        views.append(RevisionView.of(revision.date, revision.notes, view.summary, view.lines, view.details,
                                     line_limit))
    return tuple(views)


# --- commits and their notes -------------------------------------------------


@dataclass(frozen=True)
class LoggedCommit:
    """A commit as a list's history lists it (a 配合 list's or a typed list's): its identity, its first
    parent, its date and its notes for readers."""

    full: str
    short: str
    parent: str  # full hash of the first parent ("" for a root commit)
    parent_short: str  # the same, abbreviated as git names it to the user
    date: str  # committer date, yyyy-mm-dd
    notes: tuple[str, ...]  # its 修订说明 trailers


def logged_commits(repo: Path, folder: str, *options: str, start: str | None = None,
                   also: tuple[str, ...] = ()) -> list[tuple[LoggedCommit, list[str]]]:
    """One ``git log`` of ``folder`` (and of the paths ``also``) from ``start`` (default HEAD), newest
    first: each commit, with the ``--name-status`` tokens when ``options`` ask for them."""
    records = log_commits(repo, folder, FIELD.join(("%H", "%h", "%P", "%p", "%cs", "%b")), *options,
                          *([start] if start else []), also=also)
    return [(LoggedCommit(full, short, parents.split(" ")[0], short_parents.split(" ")[0], date, notes(body)),
             tokens) for (full, short, parents, short_parents, date, body), tokens in records]


@dataclass(frozen=True)
class _Commit(LoggedCommit):
    """A commit of a 配合 list's history, with the matter files it touched."""

    old: tuple[str, ...] = ()  # matter files before the commit, by path in the repository
    new: tuple[str, ...] = ()  # matter files after it
    whole: bool = False  # categories or departments changed: compare every matter
    renames: tuple[tuple[str, str], ...] = ()  # matter files renamed to another id: (old id, new id)
    inside: bool = True  # it touched the list's own folder (not only settings it shares)


def _moved_from(repo: Path, layout: Layout, commits: list[_Commit]) -> tuple[_Commit, Layout] | None:
    """The commit that moved a single-list folder into this list's folder (``migrate``), and where the list
    was before it; None when the list's folder was made otherwise.

    ``git log --follow`` follows one file, not a folder: the move is recognised in the oldest commit of
    the list's folder by its matter files, renamed there from a ``matters/`` folder elsewhere.
    """
    oldest = next((commit for commit in reversed(commits) if commit.inside), None)
    if not layout.shared_departments or oldest is None or not oldest.parent:
        return None
    output = run_git(repo, "diff", "--name-status", "-z", "-M", f"{oldest.full}^", oldest.full)
    tokens = [token for token in output.decode("utf-8", "replace").split("\0") if token]
    matters = PurePosixPath(layout.folder) / MATTERS_DIR
    for status, *paths in touched_files(tokens):
        source = PurePosixPath(paths[0]).parent
        if status.startswith("R") and PurePosixPath(paths[-1]).parent == matters and source.name == MATTERS_DIR:
            return oldest, single_layout(str(source.parent))
    return None


def _commits(repo: Path, layout: Layout, start: str | None = None) -> list[_Commit]:
    """One ``git log`` (from ``start``, default HEAD): each commit with its note and the matter files it
    touched, on either side."""
    folder = PurePosixPath(layout.folder)
    commits = []
    for logged, tokens in logged_commits(repo, layout.folder, "-M", "--name-status", start=start,
                                         also=layout.paths[1:]):
        old: list[str] = []
        new: list[str] = []
        renames: list[tuple[str, str]] = []
        whole = False
        for status, *paths in touched_files(tokens):
            for path, side, absent in ((paths[0], old, "A"), (paths[-1], new, "D")):
                file = PurePosixPath(path)
                if status.startswith(absent):
                    continue
                if file.parent == folder / MATTERS_DIR and file.suffix == ".md":
                    side.append(path)
                elif path in layout.whole:
                    whole = True
            ids = [matter_id_in(path, folder / MATTERS_DIR) for path in paths]
            if status.startswith("R") and ids[0] and ids[-1] and ids[0] != ids[-1]:
                renames.append((ids[0], ids[-1]))
        inside = any(folder in PurePosixPath(path).parents for _status, *paths in touched_files(tokens)
                     for path in paths)
        commits.append(_Commit(**vars(logged), old=tuple(old), new=tuple(new), whole=whole, renames=tuple(renames),
                               inside=inside))
    return commits


def notes(body: str) -> tuple[str, ...]:
    """The ``修订说明`` trailers of a commit message's body (the message without its subject).

    A trailer is a line of a paragraph made only of ``Key: value`` lines (and
    their indented continuations), as git reads trailers; git's own parser
    takes only ASCII keys, hence this one. Continuation lines are joined on.
    """
    found = []
    for paragraph in re.split(r"\n[ \t]*\n", body.strip()):
        lines = paragraph.split("\n")
        if not lines[0].strip() or not all(TRAILER_LINE.match(line) or (index and CONTINUATION.match(line))
                                           for index, line in enumerate(lines)):
            continue
        key = ""
        for line in lines:
            match = TRAILER_LINE.match(line)
            if match is not None and not CONTINUATION.match(line):
                key = match["key"]
                if key == NOTE_KEY:
                    found.append(match["value"])
            elif key == NOTE_KEY:
                found[-1] = _join(found[-1], line.strip())
    return tuple(note for note in found if note)


def _join(text: str, more: str) -> str:
    """A wrapped line joined on: Chinese without a space, words with one."""
    spaced = text and more and text[-1].isascii() and text[-1].isalnum() and more[0].isascii() and more[0].isalnum()
    return f"{text} {more}" if spaced else text + more


# --- comparing each commit with its parent ------------------------------------


class _Unreadable(Exception):
    """A file of one side of a comparison that cannot be read."""

    def __init__(self, name: str, oid: str, reason: str):
        super().__init__(name)
        self.name, self.oid, self.reason = name, oid, reason


@dataclass(frozen=True)
class _Side:
    content: Content | None  # None: no content folder at this revision
    unreadable: tuple[_Unreadable, ...] = ()


def _compare_commits(repo: Path, layout: Layout, commits: list[_Commit]) -> list[tuple[_Commit, Change | Skipped]]:
    """The commits that changed the list, each with its change from its parent, and those that could not
    be compared, with why."""
    blobs = read_objects(repo, [name for commit in commits for name in _names(commit, layout)])
    matters = PurePosixPath(layout.folder) / MATTERS_DIR
    listed = {rev: _tree_entries(blobs.get(f"{rev}:{matters}"))
              for commit in commits if commit.whole for rev in (commit.full, commit.full + "^")}
    by_oid = read_objects(repo, sorted({oid for entries in listed.values()
                                       for oid, regular in entries.values() if regular}))
    compared: list[tuple[_Commit, Change | Skipped]] = []
    with tempfile.TemporaryDirectory(prefix="lvzhi-history-") as temporary:
        reader = _Reader(Path(temporary), layout, blobs, listed, by_oid)
        for commit in commits:
            result = _compare(reader, commit)
            if result is not None:
                compared.append((commit, result))
    return compared


def _compare(reader: _Reader, commit: _Commit) -> Change | Skipped | None:
    """The change ``commit`` made; Skipped when a file it changed cannot be read; None when it changed
    nothing in the list (no content on either side, or only its form changed)."""
    new, old = reader.side(commit.full, commit.new), reader.side(commit.full + "^", commit.old)
    differing = {bad.oid for bad in old.unreadable} ^ {bad.oid for bad in new.unreadable}
    if differing:
        bad = min((bad for bad in (*new.unreadable, *old.unreadable) if bad.oid in differing), key=lambda b: b.name)
        rev, path = bad.name.split(":", 1)
        return Skipped(commit.short, f"{commit.parent_short if rev.endswith('^') else commit.short}:{path}",
                       bad.reason)
    if new.content is None and old.content is None:
        return None
    old_content = old.content or empty_content(new.content.site)  # type: ignore[union-attr]
    new_content = new.content or empty_content(old_content.site)
    change = diff_content(old_content, new_content)
    if reader.layout.shared_departments:
        change = replace(change, departments=())
    return None if change.is_empty else change


def _names(commit: _Commit, layout: Layout) -> list[str]:
    """What to read for one commit: the settings on both sides, and the touched matter files
    (the whole matters folder, when every matter is compared)."""
    folder = PurePosixPath(layout.folder)
    names = []
    for rev, paths in ((commit.full, commit.new), (commit.full + "^", commit.old)):
        names.extend(f"{rev}:{path}" for _role, path in layout.settings)
        names.extend([f"{rev}:{folder / MATTERS_DIR}"] if commit.whole else [f"{rev}:{path}" for path in paths])
    return names


def read_objects(repo: Path, names: list[str]) -> dict[str, tuple[str, bytes]]:
    """``{name: (object id, contents)}`` from one ``git cat-file --batch``; missing names are left out."""
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    output = run_git(repo, "cat-file", "--batch", stdin=("\n".join(names) + "\n").encode("utf-8"))
    found, position = {}, 0
    for name in names:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) != 3:  # "<name> missing", "<name> ambiguous"
            continue
        size = int(header[2])
        found[name] = (header[0].decode("ascii"), output[position:position + size])
        position += size + 1
    return found


def _tree_entries(tree: tuple[str, bytes] | None) -> dict[str, tuple[str, bool]]:
    """``{file name: (object id, is a regular file)}`` of the ``*.md`` entries of a raw tree object."""
    if tree is None:
        return {}
    oid, data = tree
    width = len(oid) // 2  # 20 bytes for SHA-1, 32 for SHA-256
    entries, position = {}, 0
    while position < len(data):
        space = data.index(b" ", position)
        nul = data.index(b"\0", space)
        mode, name = data[position:space], data[space + 1:nul].decode("utf-8", "replace")
        entry_oid = data[nul + 1:nul + 1 + width].hex()
        position = nul + 1 + width
        if name.endswith(".md") and not mode.startswith(b"4"):  # not a folder
            entries[name] = (entry_oid, mode.startswith(b"100"))
    return dict(sorted(entries.items()))


class _Reader:
    """Loads one side of a revision, reading each file once however many revisions share it."""

    def __init__(self, scratch: Path, layout: Layout, blobs: dict[str, tuple[str, bytes]],
                 listed: dict[str, dict[str, tuple[str, bool]]], by_oid: dict[str, tuple[str, bytes]]):
        self.scratch, self.layout, self.folder = scratch, layout, PurePosixPath(layout.folder)
        self.blobs, self.listed, self.by_oid = blobs, listed, by_oid
        self.settings: dict[tuple[str | None, ...], _Side] = {}
        self.matters: dict[str, Matter | _Unreadable] = {}

    def side(self, rev: str, paths: tuple[str, ...]) -> _Side:
        names = [f"{rev}:{path}" for _role, path in self.layout.settings]
        base = self._settings(names)
        if base.content is None:
            return base  # no content folder here
        if rev in self.listed:
            files = [(f"{rev}:{self.folder / MATTERS_DIR / name}", oid, regular)
                     for name, (oid, regular) in self.listed[rev].items()]
        else:
            files = [(name, self.blobs[name][0], True) for name in (f"{rev}:{path}" for path in paths)
                     if name in self.blobs]
        matters, unreadable = [], list(base.unreadable)
        for name, oid, regular in files:
            matter = self._matter(name, oid, regular)
            if isinstance(matter, _Unreadable):
                unreadable.append(matter)
            else:
                matters.append(matter)
        assert base.content is not None  # a stand-in site when site.yml cannot be read
        content = replace(base.content, matters=tuple(sorted(matters, key=lambda matter: (matter.number, matter.id))))
        return _Side(with_section_departments(content), tuple(unreadable))

    def _settings(self, names: list[str]) -> _Side:
        blobs = [self.blobs.get(name) for name in names]
        key = tuple(blob[0] if blob else None for blob in blobs)
        if key not in self.settings:
            self.settings[key] = self._load_settings(names, blobs)
        found = self.settings[key]  # loaded for another revision, maybe: name the files of this one
        here = {name.rpartition("/")[2]: name for name in names}
        return replace(found, unreadable=tuple(_Unreadable(here[bad.name.rpartition("/")[2]], bad.oid, bad.reason)
                                               for bad in found.unreadable))

    def _load_settings(self, names: list[str], blobs: list[tuple[str, bytes] | None]) -> _Side:
        """The settings alone (a folder without matters); files that exist but cannot be read are named.

        Without a readable site.yml a stand-in takes its place, so that the
        categories and departments still count. A list of a multi-list
        folder has its site made of its ``list.yml`` (a stand-in when that
        cannot be read); a revision without its folder has no content.
        """
        roles, inside = self.layout.roles, self.folder
        if not any(blob for (_role, path), blob in zip(self.layout.settings, blobs)
                   if inside in PurePosixPath(path).parents):
            return _Side(None)
        folder = self.scratch / f"settings-{len(self.settings)}"
        folder.mkdir()
        unreadable: dict[str, _Unreadable] = {}
        for file, name, blob in zip(roles, names, blobs):
            if blob is None:
                if file == roles[0]:
                    unreadable[file] = _Unreadable(name, "", _("the file is missing"))
                continue
            try:
                blob[1].decode("utf-8")
            except UnicodeDecodeError:
                unreadable[file] = _Unreadable(name, blob[0], _("not UTF-8 text"))
                continue
            (folder / file).write_bytes(blob[1])
        list_site = None
        if roles[0] == LIST_FILE:
            list_site = self._list_site(folder, names[0], blobs[0], unreadable)
            (folder / SITE_FILE).write_text(STAND_IN_SITE, encoding="utf-8")
        loaded = load_content(folder)
        for error in loaded.errors:
            file = PurePosixPath(error.path).name
            if file in roles and file not in unreadable and (folder / file).exists():
                name, blob = names[roles.index(file)], blobs[roles.index(file)]
                unreadable[file] = _Unreadable(name, blob[0] if blob else "", error.message)
        content = loaded.content
        if SITE_FILE in unreadable or content is None:
            (folder / SITE_FILE).write_text(STAND_IN_SITE, encoding="utf-8")
            content = load_content(folder).content
        if list_site is not None and content is not None:
            content = replace(content, site=list_site)
        return _Side(content, tuple(unreadable.values()))

    def _list_site(self, folder: Path, name: str, blob: tuple[str, bytes] | None,
                   unreadable: dict[str, _Unreadable]) -> Site | None:
        """The site a list's ``list.yml`` makes (its title, edition, notes …); None, and the file named as
        unreadable, when it cannot be read."""
        if LIST_FILE in unreadable or blob is None:
            return None
        typed = folder / LISTS_DIR / self.folder.name  # read_list_info checks the type against its folder's name
        typed.mkdir(parents=True)
        (folder / LIST_FILE).rename(typed / LIST_FILE)
        info, errors = read_list_info(typed)
        if info is None:
            unreadable[LIST_FILE] = _Unreadable(name, blob[0], errors[0].message if errors else _("cannot be read"))
            return None
        return Site(title=info.title, town="", district="", city="", issuer=info.issuer, version=info.edition,
                    revision_note=info.revision_note, description=info.description, published=info.published,
                    document_number=info.document_number)

    def _matter(self, name: str, oid: str, regular: bool) -> Matter | _Unreadable:
        if oid not in self.matters:
            self.matters[oid] = self._load_matter(name, oid, regular)
        found = self.matters[oid]
        return _Unreadable(name, oid, found.reason) if isinstance(found, _Unreadable) else found

    def _load_matter(self, name: str, oid: str, regular: bool) -> Matter | _Unreadable:
        if not regular:
            return _Unreadable(name, oid, _("not a regular file (a symbolic link?)"))
        data = self.blobs[name][1] if name in self.blobs else self.by_oid[oid][1]
        errors: list[ContentError] = []
        matter = matter_from_bytes(data, self.scratch / f"{oid}.md", errors)
        if matter is None:
            return _Unreadable(name, oid, errors[0].message if errors else _("cannot be read"))
        return matter
