"""The build cache: what a build keeps outside the site folder so that the next one does less.

One folder (``--cache-dir``, default ``.cache/``), safe to delete at any time,
holds two kinds of file:

- ``markdown-<key>.pickle``: converted Markdown by text. Converting is the
  largest single cost of a build (2 s at 10,000 matters); a warm build
  converts only new or changed texts. The key hashes what a conversion
  depends on besides the text: the departments' names, aliases and slugs
  (they become links), the ``markup`` code and the Markdown library version.
- ``build-<folder>.pickle``: a record of the last build into one output
  folder: a fingerprint of every input (the settings, matter, template and
  asset files, the git commit the history is read from, the generator's code
  and library versions, the build options) and the stat of every file and
  folder it wrote. When the inputs hash the same and the folder is still as
  written (no file changed, added or removed: a folder's mtime moves when an
  entry is added or removed), the folder already holds exactly what a build
  would write, and the build stops there.

A file that cannot be read (truncated, from another version) counts as
absent. Files are pickles that this code wrote into the user's own working
folder; they are trusted like the code itself.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content.loader import CATEGORIES_FILE, DEPARTMENTS_FILE, MATTERS_DIR, SITE_FILE, matter_paths
from generator.content.model import Content, Department

FORMAT = "markdown-1"  # of the Markdown cache file; another value makes old files count as absent
GENERATOR_DIR = Path(__file__).resolve().parents[1]  # the package root
LIBRARIES = ("jinja2", "markupsafe", "markdown", "pyyaml")  # distributions whose version shapes the output
Stat = tuple[int, int, int]  # (size, or -1 for a folder; mtime_ns; inode)


@dataclass(frozen=True)
class Record:
    """The last build into one output folder."""

    fingerprint: str
    pages: int
    files: int
    tree: dict[str, Stat]  # relative path ("" for the folder itself) → its stat when the build ended
    sources: dict[str, tuple[Stat, str]]  # matter file name → its stat before the build read it, and sha256


def digest(*parts: bytes | str) -> str:
    """A hash of ``parts`` that cannot be confused with the hash of other parts (each is length-prefixed)."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def code_version() -> str:
    """The generator's own source, the libraries that shape its output, and the Python version."""
    sources = sorted(GENERATOR_DIR.rglob("*.py"))
    versions = [f"{name}={_version(name)}" for name in LIBRARIES]
    named = ((path.relative_to(GENERATOR_DIR).as_posix(), path.read_bytes()) for path in sources)
    return digest(sys.version, *versions, *(part for pair in named for part in pair))


def settings_and_theme(content_dir: Path, templates_dir: Path, static_dir: Path, options: str, code: str) -> str:
    """Every input but the matter files: read before the content is loaded, so an edit made during
    the build makes the record look stale (and the next build work), never the reverse."""
    settings = [part for name in (SITE_FILE, CATEGORIES_FILE, DEPARTMENTS_FILE)
                for part in (name, _read(content_dir / name))]
    return digest(code, options, git_state(content_dir), *settings,
                  _tree_digest(templates_dir, hidden=True), _tree_digest(static_dir, hidden=False))


def matter_stats(content_dir: Path) -> dict[str, Stat]:
    """The stat of each matter file, taken before the build reads them: a file changed after this
    stat has another stat next time, so it is read and hashed again then."""
    folder = content_dir / MATTERS_DIR
    stats: dict[str, Stat] = {}
    for path in matter_paths(folder) if folder.is_dir() else []:
        try:
            stats[path.name] = _stat(os.stat(path))
        except OSError:  # gone already: the build will not read it either
            continue
    return stats


def matters_on_disk(content_dir: Path, known: dict[str, tuple[Stat, str]]) -> list[tuple[str, str]]:
    """(file name, sha256) of each matter file as the loader would read it.

    A file whose stat is the one recorded with its hash is not read again:
    hashing 10,000 files took longer than the rest of the check.
    """
    hashes = []
    for path in matter_paths(content_dir / MATTERS_DIR):
        try:
            status = os.stat(path)
        except OSError:  # a dangling link: the build reports it
            hashes.append((path.name, ""))
            continue
        recorded = known.get(path.name)
        if not stat.S_ISREG(status.st_mode):  # a folder or a pipe (reading it would block): the build reports it
            hashes.append((path.name, ""))
        elif recorded is not None and recorded[0] == _stat(status):
            hashes.append((path.name, recorded[1]))
        else:
            hashes.append((path.name, hashlib.sha256(path.read_bytes()).hexdigest()))
    return hashes


def matters_built(content: Content) -> list[tuple[str, str]]:
    """(file name, sha256) of each matter file as the build read it (``Matter.source_hash``)."""
    return sorted((matter.path.name, matter.source_hash) for matter in content.matters)


def fingerprint(other_inputs: str, matters: Iterable[tuple[str, str]]) -> str:
    return digest(other_inputs, *(part for pair in matters for part in pair))


def git_state(content_dir: Path) -> str:
    """The checkout and commit the history is read from ("" outside git): history changes only with them."""
    try:
        done = subprocess.run(["git", "-C", str(content_dir), "rev-parse", "--show-toplevel", "HEAD"],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""


def markdown_key(departments: Iterable[Department]) -> str:
    """What converted Markdown depends on besides its text."""
    names = [part for department in departments for part in (department.name, department.slug, *department.aliases, "")]
    return digest((GENERATOR_DIR / "site" / "markup.py").read_bytes(), _version("markdown"), *names)


class BuildCache:
    """The cache folder, for builds into ``out_dir``."""

    def __init__(self, folder: Path, out_dir: Path):
        self.folder = folder
        self.out_dir = out_dir
        self.code = code_version()  # a record written by other code is not read (its shape may differ)
        self._record_path = folder / f"build-{digest(str(out_dir.resolve()))[:16]}.pickle"

    def other_inputs(self, content_dir: Path, templates_dir: Path, static_dir: Path, options: str) -> str:
        return settings_and_theme(content_dir, templates_dir, static_dir, options, self.code)

    def up_to_date(self, content_dir: Path, other_inputs: str) -> Record | None:
        """The last build's record if the inputs are the same and the output folder is as it left it."""
        record = self._load(self._record_path, self.code)
        if not isinstance(record, Record):
            return None
        try:
            matters = matters_on_disk(content_dir, record.sources)
        except OSError:  # a file went away while we looked: not up to date, and the build will say why
            return None
        if record.fingerprint != fingerprint(other_inputs, matters):
            return None
        return record if _tree_unchanged(self.out_dir, record.tree) else None

    def save_build(self, other_inputs: str, content: Content, stats: dict[str, Stat], pages: int,
                   files: int) -> None:
        """Record the build that just replaced the output folder; ``stats`` are ``matter_stats`` before it."""
        built = matters_built(content)
        sources = {name: (stats[name], digest) for name, digest in built if name in stats}
        record = Record(fingerprint(other_inputs, built), pages, files, _tree_stats(self.out_dir), sources)
        self._save(self._record_path, self.code, record)

    def forget_build(self) -> None:
        """Drop the record before the output changes, so that a failed build cannot look up to date."""
        self._record_path.unlink(missing_ok=True)

    def markdown(self, key: str) -> dict[str, str]:
        converted = self._load(self.folder / f"markdown-{key[:16]}.pickle", FORMAT)
        return converted if isinstance(converted, dict) else {}

    def save_markdown(self, key: str, converted: dict[str, str]) -> None:
        """Keep ``converted`` in place of what was kept before, for any key."""
        for old in self.folder.glob("markdown-*.pickle"):
            if old.name != f"markdown-{key[:16]}.pickle":
                old.unlink(missing_ok=True)
        self._save(self.folder / f"markdown-{key[:16]}.pickle", FORMAT, converted)

    def _load(self, path: Path, tag: str) -> Any:
        """The value saved with ``tag``, or None (no file, a broken one, another tag)."""
        try:
            with path.open("rb") as file:
                stored_tag = pickle.load(file)
                if stored_tag != tag:
                    return None
                return pickle.load(file)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return None

    def _save(self, path: Path, tag: str, value: Any) -> None:
        """Write atomically: a reader sees the old file or the new one, never half of one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(tag, file, protocol=pickle.HIGHEST_PROTOCOL)  # first, so another tag is not unpickled
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _version(distribution: str) -> str:
    from importlib import metadata  # here: only cached builds need it, and it takes a while to import

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def _read(path: Path) -> bytes:
    if not path.is_file():  # missing, or a folder or a pipe (reading that would block): the loader reports it
        return b"\0missing"
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing"


def _tree_digest(folder: Path, hidden: bool) -> str:
    """Names and bytes of every file under ``folder``; dot-files only if ``hidden`` (as the build reads them)."""
    if not folder.is_dir():
        return ""
    files = sorted(path for path in folder.rglob("*")
                   if path.is_file() and (hidden or not path.name.startswith(".")))
    return digest(*(part for path in files for part in (path.relative_to(folder).as_posix(), path.read_bytes())))


def _stat(status: os.stat_result) -> Stat:
    size = -1 if stat.S_ISDIR(status.st_mode) else status.st_size
    return (size, status.st_mtime_ns, status.st_ino)


def _tree_stats(folder: Path) -> dict[str, Stat]:
    """The stat of ``folder`` and of everything under it, by relative path."""
    found = {"": _stat(os.stat(folder))}
    waiting = [("", str(folder))]
    while waiting:
        relative, path = waiting.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = f"{relative}{entry.name}"
                found[name] = _stat(entry.stat(follow_symlinks=False))
                if entry.is_dir(follow_symlinks=False):
                    waiting.append((name + "/", entry.path))
    return found


def _tree_unchanged(folder: Path, tree: dict[str, Stat]) -> bool:
    """True if every recorded file and folder has its recorded stat (so none was changed, added or removed)."""
    base = str(folder)
    try:
        return all(_stat(os.stat(os.path.join(base, relative) if relative else base)) == recorded
                   for relative, recorded in tree.items())
    except OSError:
        return False
