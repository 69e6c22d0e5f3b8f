"""Content as it was at a git revision, and the history of the list from ``git log``.

Git is the list's record of revisions: the ``diff`` command compares two
revisions, and the site shows each matter's history and a site-wide
修订记录 page. Dates come from git only (committer dates), so builds stay
deterministic. Outside a git checkout there is simply no history: a site
built from a plain folder must still build, silently.
"""
from __future__ import annotations

import io
import posixpath
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from generator.review.changes import Change, diff_content, empty_content
from generator.errors import ContentError, ContentErrors, display_path
from generator.i18n import _
from generator.content.loader import MATTERS_DIR, Loaded, load_content, matter_paths
from generator.content.model import Content
from generator.content.names import with_section_departments

if TYPE_CHECKING:  # a side of a comparison of libraries warns as a single list's does
    from generator.review.library_sides import LibrarySide

DEFAULT_BRANCH = "main"
REVISION_LIMIT = 50
MATTER_FILE = re.compile(r"^\d+-(?P<id>.+)\.md$")
# Field and record separators for ``git log --format``: they cannot occur in a subject line.
FIELD, RECORD = "\x1f", "\x1e"
# Settings that would change git's output format whatever the user's configuration says.
GIT_OPTIONS = ("-c", "core.quotePath=false", "-c", "log.showSignature=false", "-c", "color.ui=never",
               "-c", "i18n.logOutputEncoding=UTF-8")


class GitError(Exception):
    """Git is missing, or refused: not a repository, an unknown revision."""


@dataclass(frozen=True)
class ListRevision:
    """One commit that changed the list, with what it changed."""

    date: str
    commit: str
    subject: str
    summary: Change


@dataclass(frozen=True)
class Side:
    """One side of a comparison: content, what could not be read, and where it came from."""

    content: Content | None
    errors: tuple[ContentError, ...]
    label: str  # the revision, or "working tree"
    missing: bool = False  # no content folder at all: compared as empty content
    # Matter files that are there but could not be read (bad YAML, a link leading out): their paths as
    # messages show them, and the ids their names carry. Such a matter is not compared at all: it was
    # not deleted, nor added on the other side.
    unreadable: tuple[str, ...] = ()
    unreadable_ids: frozenset[str] = frozenset()


# --- running git -----------------------------------------------------------


def run_git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Git's output; GitError, carrying git's own message, when git fails or is missing."""
    try:
        result = subprocess.run(["git", *GIT_OPTIONS, "-C", str(repo), *args], input=stdin,
                                capture_output=True, check=False)
    except OSError as error:
        raise GitError(_("cannot run git: {reason}").format(reason=error)) from error
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        # git's verdict is its "fatal:" line; hints about what to do follow it.
        message = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0] if lines else "")
        raise GitError(message.removeprefix("fatal: ") or _("git {command} failed").format(command=args[0]))
    return result.stdout


def toplevel(path: Path) -> Path:
    """The top folder of the git checkout holding ``path``; GitError, with git's reason, otherwise."""
    folder = path if path.is_dir() else path.parent
    if not folder.is_dir():
        raise GitError(_("{path} does not exist").format(path=path))
    return Path(run_git(folder, "rev-parse", "--show-toplevel").decode("utf-8").strip()).resolve()


def repository_root(path: Path) -> Path | None:
    """The top folder of the git checkout holding ``path``, or None outside one."""
    try:
        return toplevel(path)
    except GitError:
        return None


def content_path_in_repo(repo: Path, content_dir: Path) -> str | None:
    """``content_dir`` as a path inside the repository (``content``), or None if it is outside."""
    try:
        return content_dir.resolve().relative_to(repo).as_posix()
    except ValueError:
        return None


def tree_name(revision: str, relative: str) -> str:
    """Git's name of the folder ``relative`` at ``revision``: ``REV:content``, and ``REV:`` for the
    checkout's own top folder (git does not take ``REV:.``)."""
    return f"{revision}:{'' if relative == '.' else relative}"


def revision_of(content_dir: Path, revision: str) -> tuple[Path, str, str]:
    """The checkout holding ``content_dir``, the full hash of ``revision`` and the folder's path in the
    checkout; GitError, with git's reason, for an unknown revision or a folder outside any checkout."""
    repo = toplevel(content_dir)
    relative = content_path_in_repo(repo, content_dir)
    if relative is None:
        raise GitError(_("{folder} is not inside the git checkout {repo}").format(folder=content_dir, repo=repo))
    return repo, resolve_commit(repo, revision), relative


def resolve_commit(repo: Path, revision: str) -> str:
    """The full hash of ``revision``; GitError when there is no such commit."""
    try:
        if revision.startswith("-"):
            raise GitError(revision)  # an option, not a revision
        return run_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(_("unknown revision '{revision}'").format(revision=revision)) from None


def default_base(repo: Path) -> str:
    """Where this branch left ``main`` (the merge base), or HEAD when there is no ``main``."""
    try:
        resolve_commit(repo, DEFAULT_BRANCH)
    except GitError:
        return "HEAD"
    try:
        return run_git(repo, "merge-base", DEFAULT_BRANCH, "HEAD").decode().strip()
    except GitError:
        return DEFAULT_BRANCH


# --- content at a revision -------------------------------------------------


def extract_tree(repo: Path, tree: str, folder: Path) -> list[str]:
    """Write the files of ``tree`` (``REV:content`` or a tree id) into ``folder``.

    Links leading out of the tree (to an absolute path, or up through ``..``)
    are not written, as the loader does not read them in a working tree
    either: their names (relative to the tree) are returned.
    """
    archive = run_git(repo, "archive", "--format=tar", tree)
    refused: list[str] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            members = [member for member in tar.getmembers() if _stays_inside(member)]
            refused = [member.name for member in tar.getmembers() if not _stays_inside(member)]
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                tar.extractall(folder, members=members, filter="data")
            else:  # git's own archive of our own repository
                tar.extractall(folder, members=members)
    except (tarfile.TarError, OSError) as error:
        raise GitError(_("cannot unpack {tree}: {reason}").format(tree=tree, reason=error)) from error
    return refused


def _stays_inside(member: tarfile.TarInfo) -> bool:
    """Whether a member of git's archive, and what it links to, stay within the archive's folder."""
    names = [member.name]
    if member.issym():
        names.append(posixpath.join(posixpath.dirname(member.name), member.linkname))
    elif member.islnk():
        names.append(member.linkname)
    return not any(posixpath.isabs(name) or posixpath.normpath(name).split("/")[0] == ".." for name in names)


def _load(folder: Path, label: str, shown_as: str | None = None, refused: tuple[str, ...] = ()) -> Side:
    """Load (not validate: an old revision may predate today's rules) one side's content.

    ``refused`` are files of the revision that were not extracted (links leading out of it).
    """
    loaded: Loaded = load_content(folder)
    errors = side_errors(folder, list(loaded.errors), refused, shown_as)
    read = {matter.path.name for matter in loaded.partial.matters} if loaded.partial is not None else set()
    unread = unread_matter_files(folder, PurePosixPath(MATTERS_DIR), read, refused)
    shown = f"{shown_as}/{MATTERS_DIR}" if shown_as is not None else display_path(folder / MATTERS_DIR)
    ids = frozenset(match["id"] for name in unread if (match := MATTER_FILE.match(name)))
    content = with_section_departments(loaded.content) if loaded.content is not None else None
    return Side(content, tuple(errors), label, unreadable=tuple(f"{shown}/{name}" for name in unread),
                unreadable_ids=ids)


def side_errors(folder: Path, errors: list[ContentError], refused: tuple[str, ...],
                shown_as: str | None) -> list[ContentError]:
    """A side's loading ``errors`` and one for each link not extracted (``refused``), named as git names the
    files (``shown_as``: ``main:content``) when the side was extracted from a revision."""
    errors = errors + [ContentError(f"{folder.as_posix()}/{name}", 1,
                                    _("a link leading outside the content folder is not read"),
                                    _("put the file itself in the content folder")) for name in refused]
    if shown_as is not None:
        errors = [relabel(error, folder, shown_as) for error in errors]
    return errors


def unread_matter_files(folder: Path, where: PurePosixPath, read: set[str], refused: tuple[str, ...]) -> list[str]:
    """Names of the matter files in ``folder / where`` that are there but not among ``read``, or that were not
    extracted (``refused``, relative to ``folder``)."""
    matters = folder / where
    present = {path.name for path in matter_paths(matters)} if matters.is_dir() else set()
    not_extracted = {PurePosixPath(name).name for name in refused if PurePosixPath(name).parent == where}
    return sorted((present - read) | not_extracted)


def comparison_warnings(old: Side | LibrarySide, new: Side | LibrarySide) -> list[str]:
    """The warnings of a comparison: each side's errors, then each matter file left out as unreadable."""
    warnings = [str(error) for side in (old, new) for error in side.errors]
    warnings += [_("{path}: this matter cannot be read at {revision}, so it is left out of the comparison "
                   "(neither removed nor added)").format(path=path, revision=side.label)
                 for side in (old, new) for path in side.unreadable]
    return warnings


def relabel(error: ContentError, folder: Path, shown_as: str) -> ContentError:
    """``/tmp/xyz/site.yml`` → ``main:content/site.yml``, as ``git show`` would name it."""
    for prefix in (folder.as_posix(), folder.resolve().as_posix()):
        if error.path == prefix or error.path.startswith(prefix + "/"):
            return replace(error, path=shown_as + error.path[len(prefix):])
    return error


def read_side(content_dir: Path, revision: str | None) -> Side:
    """The content at ``revision``, or in the working tree (uncommitted edits included) when None.

    Raises GitError, with git's reason, for an unknown revision or a folder outside any checkout.
    """
    if revision is None:
        return _load(content_dir, _("working tree"))
    repo, commit, relative = revision_of(content_dir, revision)
    shown_as = f"{revision}:{relative}"
    with tempfile.TemporaryDirectory(prefix="lvzhi-rev-") as temporary:
        folder = Path(temporary)
        try:
            refused = extract_tree(repo, tree_name(commit, relative), folder)
        except GitError:
            missing = ContentError(shown_as, 1, _("the content folder does not exist at this revision"))
            return Side(None, (missing,), revision, missing=True)
        return _load(folder, revision, shown_as, tuple(refused))


def compare(content_dir: Path, base: str | None = None, head: str | None = None) -> tuple[Change, list[str]]:
    """The change from ``base`` (default: the merge base with main) to ``head`` (default: the
    working tree), and warnings about files that could not be read.

    A side without a content folder counts as empty; a side whose content
    cannot be loaded at all raises ContentErrors. A matter file that cannot
    be read on one side is left out of both (a warning says so): it was not
    deleted, and the other side's version was not added.
    """
    if base is None:
        base = default_base(toplevel(content_dir))
    old, new = read_side(content_dir, base), read_side(content_dir, head)
    for side in (old, new):
        if side.content is None and not side.missing:
            raise ContentErrors(list(side.errors))
    if old.content is None and new.content is None:
        raise ContentErrors([*old.errors, *new.errors])
    old_content = old.content or empty_content(new.content.site)  # type: ignore[union-attr]
    new_content = new.content or empty_content(old_content.site)
    left_out = old.unreadable_ids | new.unreadable_ids
    old_content, new_content = _without(old_content, left_out), _without(new_content, left_out)
    return diff_content(old_content, new_content), comparison_warnings(old, new)


def _without(content: Content, ids: frozenset[str]) -> Content:
    """``content`` without the matters of ``ids``."""
    if not ids:
        return content
    return replace(content, matters=tuple(matter for matter in content.matters if matter.id not in ids))


# --- history ---------------------------------------------------------------


def log_commits(repo: Path, relative: str, fields: str, *options: str,
                also: tuple[str, ...] = ()) -> list[tuple[list[str], list[str]]]:
    """``git log`` over the content folder, newest first: (``fields``, name-status tokens) per commit.

    ``fields`` are ``--format`` placeholders separated by FIELD; ``also``: more paths to follow
    (a list's settings outside its folder).
    """
    output = run_git(repo, "log", "-z", "--no-merges", "--no-color", f"--format={RECORD}{fields}",
                  *options, "--", relative, *also).decode("utf-8", "replace")
    commits = []
    for record in output.split(RECORD)[1:]:
        header, _, files = record.partition("\0")
        tokens = [token for token in files.lstrip("\n").split("\0") if token]
        commits.append((header.split(FIELD), tokens))
    return commits


def touched_files(tokens: list[str]) -> list[list[str]]:
    """``--name-status -z`` tokens as [status, path, …] groups (renames and copies have two paths)."""
    groups, index = [], 0
    while index < len(tokens):
        status = tokens[index]
        width = 2 if status[:1] in ("R", "C") else 1
        groups.append([status, *tokens[index + 1:index + 1 + width]])
        index += 1 + width
    return groups


def matter_id_in(path: str, matters: PurePosixPath) -> str | None:
    """The id in a matter file's name (``072-some-id.md`` → ``some-id``): stable across renumbering."""
    file = PurePosixPath(path)
    match = MATTER_FILE.match(file.name)
    return match["id"] if match and file.parent == matters else None


def _history_source(repo_root: Path, content_dir: Path) -> tuple[Path, str] | None:
    """The checkout and the content folder's path in it, or None (no checkout, no commits)."""
    return checkout_of(content_dir if content_dir.is_absolute() else repo_root / content_dir)


def checkout_of(content_dir: Path) -> tuple[Path, str] | None:
    """The git checkout holding ``content_dir`` and the folder's path in it; None outside one."""
    repo = repository_root(content_dir)
    relative = content_path_in_repo(repo, content_dir) if repo is not None else None
    return (repo, relative) if repo is not None and relative is not None else None


def has_commits(content_dir: Path) -> bool:
    """Whether a commit touched ``content_dir`` (not outside a checkout, nor before the folder's first commit).

    A folder no commit touched has no history in any of its lists: one ``git log`` says so where asking for
    each list's history takes a few calls per list (hundreds in a city's content not yet committed).
    """
    checkout = checkout_of(content_dir)
    if checkout is None:
        return False
    repo, relative = checkout
    try:
        return bool(run_git(repo, "log", "-1", "--format=%H", "--", relative).strip())
    except GitError:
        return False  # a checkout without commits yet


def list_revisions(repo_root: Path, content_dir: Path, limit: int = REVISION_LIMIT) -> list[ListRevision]:
    """The last ``limit`` commits that changed the content, newest first, each with its change
    from its (first) parent. Empty outside a git checkout.

    This loads each revision's whole content: simple and obviously right, so it
    serves as the reference that ``history.revision_summaries`` (which reads
    only the files each revision touched, and is what the build uses) is
    tested against.
    """
    source = _history_source(repo_root, content_dir)
    if source is None:
        return []
    repo, relative = source
    try:
        commits = log_commits(repo, relative, FIELD.join(("%H", "%h", "%cs", "%s")), f"--max-count={limit}")
    except GitError:
        return []
    return _summaries(repo, relative, commits)


def _summaries(repo: Path, relative: str, commits: list[tuple[list[str], list[str]]]) -> list[ListRevision]:
    fulls = [fields[0] for fields, _files in commits]
    trees = _trees(repo, [tree_name(f"{full}{parent}", relative) for full in fulls for parent in ("", "^")])
    cache: dict[str, Content | None] = {}
    revisions = []
    with tempfile.TemporaryDirectory(prefix="lvzhi-history-") as temporary:
        for (full, short, date, subject), _files in commits:
            new = _tree_content(repo, trees.get(tree_name(full, relative)), Path(temporary), cache)
            old = _tree_content(repo, trees.get(tree_name(f"{full}^", relative)), Path(temporary), cache)
            if new is None and old is None:
                continue
            old = old or empty_content(new.site)  # type: ignore[union-attr]
            new = new or empty_content(old.site)
            revisions.append(ListRevision(date, short, subject, diff_content(old, new)))
    return revisions


def _trees(repo: Path, names: list[str]) -> dict[str, str]:
    """Tree ids of ``REV:path`` names, in one ``git cat-file`` call; missing names are left out."""
    if not names:
        return {}
    output = run_git(repo, "cat-file", "--batch-check", stdin=("\n".join(names) + "\n").encode("utf-8"))
    trees = {}
    for name, line in zip(names, output.decode("utf-8", "replace").splitlines()):
        fields = line.split()
        if len(fields) == 3 and fields[1] == "tree":
            trees[name] = fields[0]
    return trees


def _tree_content(repo: Path, tree: str | None, scratch: Path, cache: dict[str, Content | None]) -> Content | None:
    """The content of one tree, loaded once however many revisions share it."""
    if tree is None:
        return None
    if tree not in cache:
        folder = scratch / tree
        folder.mkdir()
        try:
            extract_tree(repo, tree, folder)
            cache[tree] = _load(folder, tree).content
        except GitError:
            cache[tree] = None
    return cache[tree]
