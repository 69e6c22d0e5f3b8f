"""``writer.write_file``: what ``open(path, "wb").write(data)`` would leave, folders made on demand."""
from __future__ import annotations

import os
import stat

from generator.engine.writer import write_file


def test_a_file_in_folders_that_do_not_exist_yet(tmp_path):
    write_file(tmp_path, "a/b/c/index.html", "兴胜镇".encode("utf-8"))
    assert (tmp_path / "a/b/c/index.html").read_text(encoding="utf-8") == "兴胜镇"


def test_a_shorter_file_replaces_a_longer_one_whole(tmp_path):
    write_file(tmp_path, "page.html", b"x" * 10_000)
    write_file(tmp_path, "page.html", b"short")
    assert (tmp_path / "page.html").read_bytes() == b"short"


def test_large_and_empty_files_are_written_exactly(tmp_path):
    large = os.urandom(3 * 1024 * 1024)
    write_file(tmp_path, "big.bin", large)
    write_file(tmp_path, "empty.txt", b"")
    assert (tmp_path / "big.bin").read_bytes() == large
    assert (tmp_path / "empty.txt").read_bytes() == b""


def test_permissions_are_those_open_would_give(tmp_path):
    with open(tmp_path / "reference", "wb") as file:
        file.write(b"x")
    write_file(tmp_path, "written", b"x")
    mode = stat.S_IMODE((tmp_path / "written").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "reference").stat().st_mode)
