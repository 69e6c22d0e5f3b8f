"""Which files changed under some folders, as Linux's inotify reports them: for ``serve``.

Stat-ing every source file to find the one an editor saved takes 0.2 s at
30,000 matter files; the kernel can say which it was. ``open_watch`` asks it
(through ``ctypes``: no extra package) to watch every folder under the given
ones, but hidden ones (``.git``). ``FolderWatch.changed`` then returns the
paths of the entries created, written, moved or removed since the last call,
without waiting.

The watch is a shortcut, never the only way: it returns None when it cannot
be trusted (the kernel's queue overflowed), ``open_watch`` returns None where
there is no inotify (another system, too many watches), and the engine stats
every file after the reported ones anyway.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
from collections.abc import Iterable
from pathlib import Path

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW, IN_ISDIR = 0x400, 0x800, 0x4000, 0x40000000
IN_ONLYDIR, IN_NONBLOCK, IN_CLOEXEC = 0x01000000, 0o4000, 0o2000000
WATCHED = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
           | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name, len bytes
READ_SIZE = 1 << 16


class FolderWatch:
    """An inotify instance watching every folder under some folders (new ones too, as they appear)."""

    def __init__(self, libc: ctypes.CDLL, descriptor: int):
        self._libc, self._fd = libc, descriptor
        self._folders: dict[int, Path] = {}  # by watch descriptor

    def add(self, folder: Path) -> None:
        """Watch ``folder`` and every folder under it but hidden ones; raises OSError if the kernel refuses."""
        for current, subfolders, _files in os.walk(folder):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            descriptor = self._libc.inotify_add_watch(self._fd, os.fsencode(current), WATCHED)
            if descriptor < 0:
                number = ctypes.get_errno()
                raise OSError(number, os.strerror(number), current)
            self._folders[descriptor] = Path(current)

    def changed(self) -> set[Path] | None:
        """The paths changed since the last call (empty if none); None if some changes may be missing."""
        found: set[Path] = set()
        trusted = True
        while True:
            try:
                data = os.read(self._fd, READ_SIZE)
            except BlockingIOError:
                return found if trusted else None
            for descriptor, mask, name in _events(data):
                trusted = self._note(descriptor, mask, name, found) and trusted

    def close(self) -> None:
        os.close(self._fd)

    def _note(self, descriptor: int, mask: int, name: str, found: set[Path]) -> bool:
        """Add the event's path to ``found``, watch a folder that appeared; False if events were lost."""
        if mask & IN_Q_OVERFLOW:
            return False
        folder = self._folders.get(descriptor)
        if folder is None:  # a folder removed since (IN_IGNORED), or unknown
            return True
        path = folder / name if name else folder
        found.add(path)
        if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO) and not name.startswith("."):
            try:
                self.add(path)
            except OSError:
                return False
        return True


def _events(data: bytes) -> Iterable[tuple[int, int, str]]:
    """(watch descriptor, mask, name) of each event in what one read returned."""
    offset = 0
    while offset + EVENT.size <= len(data):
        descriptor, mask, _cookie, length = EVENT.unpack_from(data, offset)
        raw = data[offset + EVENT.size:offset + EVENT.size + length]
        offset += EVENT.size + length
        yield descriptor, mask, os.fsdecode(raw.rstrip(b"\0"))


def open_watch(folders: Iterable[Path]) -> FolderWatch | None:
    """A watch of ``folders`` (those that exist), or None where inotify cannot be had."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        descriptor = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
    except (OSError, AttributeError):  # no C library, or no inotify in it
        return None
    if descriptor < 0:
        return None
    watch = FolderWatch(libc, descriptor)
    try:
        for folder in folders:
            if folder.is_dir():
                watch.add(folder)
    except OSError:  # too many folders for the user's watch limit
        watch.close()
        return None
    return watch
