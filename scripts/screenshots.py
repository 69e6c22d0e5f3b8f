"""Screenshots of the site for the README: home, a matter and a search, on a phone and at a desk.

    python scripts/screenshots.py            # writes docs/screenshots/*.png

Builds the committed content into a temporary folder, serves it on
127.0.0.1 under a sub-path as the intranet does, and photographs the first
screen of each page in Debian's Chromium through the browser tests' harness
(``tests/browser/harness.py``; ``bash scripts/test.sh`` installs Playwright
once). Phones are 360 CSS pixels wide, the desk 1280. The PNGs are then
recompressed (zlib at its best level, the pixels unchanged) to keep the
repository small; the files are replaced only when every picture was made.
"""
from __future__ import annotations

import argparse
import shutil
import struct
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "browser"))

import harness  # noqa: E402  (the browser tests' helpers)

from generator.site import urls  # noqa: E402
from generator.engine.build import build  # noqa: E402
from generator.content.check import load_valid_content  # noqa: E402

OUT = REPO / "docs" / "screenshots"
QUERY = "低保"
MATTER_NUMBER = 36  # a matter of middling length; the first matter if the list has no such number
LIMIT = 150 * 1024  # bytes: a picture above it is reported
TIMEOUT = 20_000  # ms for a page or the search's results


@dataclass(frozen=True)
class Device:
    name: str
    width: int
    height: int
    scale: float
    phone: bool


DEVICES = (Device("phone", 360, 740, 1.5, True), Device("desktop", 1280, 800, 1, False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=REPO / "content", help="content folder (default: content/)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go (default: docs/screenshots/)")
    args = parser.parse_args(argv)
    missing = [name for name, present in (("Chromium", harness.chromium_available()),
                                          ("Python package playwright", harness.playwright_available()))
               if not present]
    if missing:
        print("missing: " + ", ".join(missing) + " (run 'bash scripts/test.sh' once to install them)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="lvzhi-screenshots-") as temporary:
        folder = Path(temporary)
        build(args.content, folder / "site")
        shots = folder / "shots"
        shots.mkdir()
        pictures = photograph(folder / "site", shots, pages_of(args.content))
        args.out.mkdir(parents=True, exist_ok=True)
        for picture in pictures:
            shutil.copyfile(picture, args.out / picture.name)
    for picture in pictures:
        size = (args.out / picture.name).stat().st_size
        flag = "  (over the limit of 150 KB)" if size > LIMIT else ""
        print(f"{args.out / picture.name}: {size / 1024:.0f} KB{flag}")
    return 0


def pages_of(content_dir: Path) -> dict[str, str]:
    """``{name: path in the site}`` of the pages to photograph."""
    matters = load_valid_content(content_dir).matters
    matter = next((m for m in matters if m.number == MATTER_NUMBER), matters[0])
    return {"home": urls.HOME, "matter": urls.matter(matter.id), "search": f"{urls.SEARCH}?q={QUERY}"}


def photograph(site: Path, out: Path, pages: dict[str, str]) -> list[Path]:
    """Each page on each device, the first screen, as ``<page>-<device>.png`` in ``out``."""
    from playwright.sync_api import sync_playwright

    made = []
    with harness.serve_directory(site) as served, sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        try:
            for device in DEVICES:
                context = browser.new_context(viewport={"width": device.width, "height": device.height},
                                              device_scale_factor=device.scale, is_mobile=device.phone,
                                              has_touch=device.phone, color_scheme="light", locale="zh-CN")
                for name, path in pages.items():
                    page = context.new_page()
                    page.goto(served.url(path), wait_until="load", timeout=TIMEOUT)
                    if name == "search":
                        page.wait_for_selector("#search-results li", timeout=TIMEOUT)
                    picture = out / f"{name}-{device.name}.png"
                    picture.write_bytes(recompress(page.screenshot(animations="disabled", caret="hide")))
                    made.append(picture)
                    page.close()
                context.close()
        finally:
            browser.close()
    return made


def recompress(png: bytes) -> bytes:
    """The same PNG with its image data deflated at zlib's best level (Chromium favours speed)."""
    signature, position, chunks, data = png[:8], 8, [], b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        body = png[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IDAT":
            data += body
            if png[position + 4:position + 8] == b"IDAT":
                continue
            body = zlib.compress(zlib.decompress(data), 9)
        chunks.append(struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body)))
    return signature + b"".join(chunks)


if __name__ == "__main__":
    sys.exit(main())
