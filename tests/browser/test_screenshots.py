"""The README's screenshots are made by one command: scripts/screenshots.py, run here as a reader would."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "screenshots.py"
NAMES = [f"{page}-{device}.png" for device in ("phone", "desktop") for page in ("home", "matter", "search")]

pytestmark = pytest.mark.browser


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def image_data(data: bytes) -> bytes:
    """The PNG's pixel rows, inflated: what recompression must keep."""
    position, joined = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        if kind == b"IDAT":
            joined += data[position + 8:position + 8 + length]
        position += 12 + length
    return zlib.decompress(joined)


def test_one_command_makes_six_small_first_screens(browser_deps, tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(NAMES)
    for name in NAMES:
        data = (tmp_path / name).read_bytes()
        assert len(data) < 150 * 1024, name
        assert png_size(data) == ((540, 1110) if "phone" in name else (1280, 800)), name


def test_recompression_keeps_the_pixels():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import screenshots
    finally:
        sys.path.remove(str(SCRIPT.parent))
    rows = b"".join(b"\x00" + bytes((x * y) % 256 for x in range(64)) for y in range(48))
    idat = zlib.compress(rows, 1)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 48, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", idat[:40]) + chunk(b"IDAT", idat[40:]) + chunk(b"IEND", b""))
    smaller = screenshots.recompress(png)
    assert image_data(smaller) == rows and png_size(smaller) == (64, 48)
    assert len(smaller) <= len(png)
