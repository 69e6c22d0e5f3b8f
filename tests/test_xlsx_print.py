"""The workbook as LibreOffice prints it: A4 landscape, the header and page numbers on every page,
and no text cut off by a row too short for it.

Converted for real with LibreOffice (``soffice``) and read back with
poppler's ``pdftotext``; skipped where either is missing (CI does not
install LibreOffice). The check for cut text compares characters: every
character of the cells must be printed at least as often as the cells hold
it, so a row too short for its text, which LibreOffice simply clips, fails.
"""
from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from conftest import CONTENT
from generator.content.check import load_valid_content
from generator.site.downloads import COLUMNS, download_files
from generator.site.urls import XLSX_DOWNLOAD

TIMEOUT = 300  # s: a bound, so that a hung LibreOffice fails the test instead of hanging it
A4_LANDSCAPE = (841.89, 595.3)  # pt

pytestmark = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")
                                     and shutil.which("pdfinfo")),
                                reason="needs LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo)")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> tuple[Path, Path]:
    """The workbook of the committed content and its PDF, as LibreOffice prints it."""
    folder = tmp_path_factory.mktemp("print")
    workbook = folder / "qingdan.xlsx"
    workbook.write_bytes(download_files(load_valid_content(CONTENT))[XLSX_DOWNLOAD])
    profile = folder / "profile"  # a profile of its own: no clash with a LibreOffice already running
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(workbook)], check=True, capture_output=True, timeout=TIMEOUT)
    return workbook, folder / "qingdan.pdf"


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True, text=True,
                          timeout=TIMEOUT).stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], check=True, capture_output=True,
                          text=True, timeout=TIMEOUT).stdout
    sizes = []
    for line in info.splitlines():
        if line.startswith("Page") and "size:" in line:
            width, _, height = line.split("size:")[1].split()[:3]
            sizes.append((float(width), float(height)))
    return sizes


def test_every_page_is_a4_landscape_with_header_row_and_number(printed):
    _, pdf = printed
    sizes = page_sizes(pdf)
    assert len(sizes) > 1
    assert all(abs(width - A4_LANDSCAPE[0]) < 1 and abs(height - A4_LANDSCAPE[1]) < 1 for width, height in sizes)
    for page in range(1, len(sizes) + 1):
        text = pdf_text(pdf, page)
        assert all(column in text for column in COLUMNS), page  # the print titles
        assert f"第 {page} 页，共 {len(sizes)} 页" in text, page


def test_no_cell_text_is_cut_off(printed):
    workbook, pdf = printed
    sheet = openpyxl.load_workbook(workbook).active
    cells = Counter(character for row in sheet.iter_rows(min_row=2, values_only=True) for value in row
                    for character in str(value) if not character.isspace())
    text = pdf_text(pdf)
    shown = Counter(character for character in text if not character.isspace())
    missing = {character: count - shown[character] for character, count in cells.items() if shown[character] < count}
    assert not missing
    assert sum(cells.values()) > 10_000  # the whole list, not an empty sheet
