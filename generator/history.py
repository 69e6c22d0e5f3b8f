"""Revision history for the site, read from git in a fixed few calls per build, as one value.

The build passes the ``History`` to the render stage beside the content, so
that an incremental build can treat it as one more input: the 修订记录 page
(``urls.HISTORY``) shows ``revisions``, a matter's page shows
``matters[its id]``, and no other page depends on it. Outside a git checkout
the History is empty and the site shows no revisions; dates come from git
(committer dates), so a build stays deterministic.

Each revision's summary comes from the diff engine (``changes.diff_content``),
but comparing every revision's whole content costs a full load per revision
(about 13 s for 50 revisions of 100 matters; 0.2 s this way). A revision's
change lies in the files it touched, so only those are read: one ``git log``
lists them, one ``git cat-file --batch`` reads them, and matters no revision
touched are never loaded. Only a revision that changes ``categories.yml`` or
``departments.yml`` (which can change how every matter reads) is compared in
full.
"""
from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from generator.changes import Change, TextOp, diff_content, empty_content
from generator.diff_format import OutlineEntry, outline, summary_line
from generator.gitrev import (
    FIELD,
    REVISION_LIMIT,
    GitError,
    ListRevision,
    Revision,
    run_git,
    log_commits,
    content_path_in_repo,
    touched_files,
    matter_history,
    repository_root,
)
from generator.loader import CATEGORIES_FILE, DEPARTMENTS_FILE, MATTERS_DIR, SITE_FILE, load_content, load_matter
from generator.model import Content, Matter
from generator.names import with_section_departments

SETTINGS = (SITE_FILE, CATEGORIES_FILE, DEPARTMENTS_FILE)
# Files whose change can alter how every matter compares (department and category identity).
WHOLE_LIST_FILES = (CATEGORIES_FILE, DEPARTMENTS_FILE)
# Entries listed per group of a revision's summary on the 修订记录 page; the rest are counted.
GROUP_LIMIT = 30

Rich = tuple[TextOp, ...]  # text with deletions and insertions marked, as diff_format outlines it


@dataclass(frozen=True)
class History:
    """Every matter's commits (newest first, by matter id) and the list's last revisions."""

    matters: Mapping[str, tuple[Revision, ...]] = field(default_factory=dict)
    revisions: tuple[ListRevision, ...] = ()

    def of(self, matter_id: str) -> tuple[Revision, ...]:
        return self.matters.get(matter_id, ())

    def changed_matters(self, other: History) -> frozenset[str]:
        """Ids whose history differs between the two: the matter pages to render again."""
        ids = set(self.matters) | set(other.matters)
        return frozenset(matter_id for matter_id in ids if self.of(matter_id) != other.of(matter_id))


NO_HISTORY = History()


def load_history(content_dir: Path, limit: int = REVISION_LIMIT) -> History:
    """The history of ``content_dir`` in its enclosing git checkout; empty outside one."""
    repo = repository_root(content_dir)
    relative = content_path_in_repo(repo, content_dir) if repo is not None else None
    if repo is None or relative is None:
        return NO_HISTORY
    matters = matter_history(repo, content_dir.resolve())
    return History({matter_id: tuple(revisions) for matter_id, revisions in sorted(matters.items())},
                   tuple(revision_summaries(repo, relative, limit)))


# --- the 修订记录 page ------------------------------------------------------


@dataclass(frozen=True)
class LineView:
    """One line under a changed matter, with the lines that detail it (a section's items)."""

    text: Rich
    details: tuple[Rich, ...]


@dataclass(frozen=True)
class EntryView:
    title: Rich
    lines: tuple[LineView, ...]


@dataclass(frozen=True)
class GroupView:
    title: str
    entries: tuple[EntryView, ...]
    omitted: int  # entries beyond GROUP_LIMIT, counted but not listed


@dataclass(frozen=True)
class RevisionView:
    """A revision as the 修订记录 page shows it, in the words of the ``diff`` command."""

    date: str
    subject: str
    summary: str
    groups: tuple[GroupView, ...]


def revision_views(history: History, limit: int = GROUP_LIMIT) -> tuple[RevisionView, ...]:
    return tuple(RevisionView(revision.date, revision.subject, summary_line(revision.summary),
                              _groups(revision.summary, limit)) for revision in history.revisions)


def _groups(change: Change, limit: int) -> tuple[GroupView, ...]:
    """The outline the ``diff`` command prints, shared so the page cannot word things otherwise."""
    return tuple(GroupView(group.title, tuple(_entry(entry) for entry in group.entries[:limit]),
                           max(0, len(group.entries) - limit)) for group in outline(change))


def _entry(entry: OutlineEntry) -> EntryView:
    lines: list[LineView] = []
    for line in entry.lines:
        if line.depth and lines:
            lines[-1] = LineView(lines[-1].text, (*lines[-1].details, line.text))
        else:
            lines.append(LineView(line.text, ()))
    return EntryView(entry.title, tuple(lines))


# --- revision summaries from the touched files -------------------------------


@dataclass(frozen=True)
class _Commit:
    full: str
    short: str
    date: str
    subject: str
    old: tuple[str, ...]  # matter files before the commit, by path in the repository
    new: tuple[str, ...]  # matter files after it
    whole: bool  # categories or departments changed: compare every matter


def revision_summaries(repo: Path, relative: str, limit: int = REVISION_LIMIT) -> list[ListRevision]:
    """The last ``limit`` commits that changed the content folder ``relative``, newest first, each
    with its change from its parent; the same as ``gitrev.list_revisions``, in two git calls
    (three when a revision changed categories or departments)."""
    try:
        commits = _commits(repo, relative, limit)
        blobs = _batch(repo, [name for commit in commits for name in _names(commit, relative)])
        matters = PurePosixPath(relative) / MATTERS_DIR
        listed = {rev: _tree_blobs(blobs.get(f"{rev}:{matters}"))
                  for commit in commits if commit.whole for rev in (commit.full, commit.full + "^")}
        by_oid = _batch(repo, sorted({oid for entries in listed.values() for oid in entries.values()}))
    except GitError:
        return []  # e.g. a checkout without commits yet
    with tempfile.TemporaryDirectory(prefix="lvzhi-history-") as temporary:
        reader = _Reader(Path(temporary))
        revisions = []
        for commit in commits:
            new = reader.side(commit.full, relative, commit.new, blobs, listed, by_oid)
            old = reader.side(commit.full + "^", relative, commit.old, blobs, listed, by_oid)
            if new is None and old is None:
                continue
            old = old or empty_content(new.site)  # type: ignore[union-attr]
            new = new or empty_content(old.site)
            revisions.append(ListRevision(commit.date, commit.short, commit.subject, diff_content(old, new)))
    return revisions


def _commits(repo: Path, relative: str, limit: int) -> list[_Commit]:
    """One ``git log``: each commit with the matter files it touched, on either side."""
    records = log_commits(repo, relative, FIELD.join(("%H", "%h", "%cs", "%s")), "-M", "--name-status",
                   f"--max-count={limit}")
    folder = PurePosixPath(relative)
    commits = []
    for (full, short, date, subject), tokens in records:
        old: list[str] = []
        new: list[str] = []
        whole = False
        for status, *paths in touched_files(tokens):
            for path, side, absent in ((paths[0], old, "A"), (paths[-1], new, "D")):
                file = PurePosixPath(path)
                if status.startswith(absent):
                    continue
                if file.parent == folder / MATTERS_DIR and file.suffix == ".md":
                    side.append(path)
                elif file.parent == folder and file.name in WHOLE_LIST_FILES:
                    whole = True
        commits.append(_Commit(full, short, date, subject, tuple(old), tuple(new), whole))
    return commits


def _names(commit: _Commit, relative: str) -> list[str]:
    """What to read for one commit: the settings on both sides, and the touched matter files
    (the whole matters folder, when every matter is compared)."""
    folder = PurePosixPath(relative)
    names = []
    for rev, paths in ((commit.full, commit.new), (commit.full + "^", commit.old)):
        names.extend(f"{rev}:{folder / name}" for name in SETTINGS)
        names.extend([f"{rev}:{folder / MATTERS_DIR}"] if commit.whole else [f"{rev}:{path}" for path in paths])
    return names


def _batch(repo: Path, names: list[str]) -> dict[str, tuple[str, bytes]]:
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


def _tree_blobs(tree: tuple[str, bytes] | None) -> dict[str, str]:
    """``{file name: blob id}`` of the ``*.md`` files in a raw tree object."""
    if tree is None:
        return {}
    oid, data = tree
    width = len(oid) // 2  # 20 bytes for SHA-1, 32 for SHA-256
    entries, position = {}, 0
    while position < len(data):
        space = data.index(b" ", position)
        nul = data.index(b"\0", space)
        mode, name = data[position:space], data[space + 1:nul].decode("utf-8", "replace")
        entries_oid = data[nul + 1:nul + 1 + width].hex()
        position = nul + 1 + width
        if mode.startswith(b"100") and name.endswith(".md"):
            entries[name] = entries_oid
    return dict(sorted(entries.items()))


class _Reader:
    """Loads one side of a revision, reading each file once however many revisions share it."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.settings: dict[tuple[str | None, ...], Content | None] = {}
        self.matters: dict[str, Matter | None] = {}

    def side(self, rev: str, relative: str, paths: tuple[str, ...], blobs: dict[str, tuple[str, bytes]],
             listed: dict[str, dict[str, str]], by_oid: dict[str, tuple[str, bytes]]) -> Content | None:
        folder = PurePosixPath(relative)
        base = self._settings([blobs.get(f"{rev}:{folder / name}") for name in SETTINGS])
        if base is None:
            return None
        if rev in listed:
            files = [by_oid[oid] for oid in listed[rev].values() if oid in by_oid]
        else:
            files = [blobs[name] for name in (f"{rev}:{path}" for path in paths) if name in blobs]
        matters = [matter for matter in (self._matter(*blob) for blob in files) if matter is not None]
        content = replace(base, matters=tuple(sorted(matters, key=lambda matter: (matter.number, matter.id))))
        return with_section_departments(content)

    def _settings(self, blobs: list[tuple[str, bytes] | None]) -> Content | None:
        key = tuple(blob[0] if blob else None for blob in blobs)
        if key not in self.settings:
            folder = self.scratch / f"settings-{len(self.settings)}"
            folder.mkdir()
            for name, blob in zip(SETTINGS, blobs):
                if blob is not None:
                    (folder / name).write_bytes(blob[1])
            self.settings[key] = load_content(folder).content  # no matters folder: settings only
        return self.settings[key]

    def _matter(self, oid: str, data: bytes) -> Matter | None:
        if oid not in self.matters:
            path = self.scratch / f"{oid}.md"
            path.write_bytes(data)
            self.matters[oid] = load_matter(path, [])
        return self.matters[oid]
