"""``import`` reads the files offices have: workbooks, Word tables, saved web pages, text in any encoding.

Every format is compared with another import (never with ``content/``): the
same table as a text dump, or the content the file was made from.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import TABLE, copy_content
from generator.content.check import load_valid_content
from generator.site.downloads import PlainMatter, row
from generator.importing.importer import import_table
from generator.importing.source_table import read_table
from office_tables import (HEADER, plain_table, write_docx, write_html, write_tsv, write_xlsx)


def matter_files(content: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((content / "matters").glob("*.md"))}


def imported(table: Path, folder: Path) -> dict[str, bytes]:
    content = copy_content(folder)
    import_table(table, content)
    return matter_files(content)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return plain_table(TABLE)


@pytest.fixture(scope="module")
def reference(plain, tmp_path_factory) -> dict[str, bytes]:
    """The plain table imported from a text dump: what every other format must give."""
    folder = tmp_path_factory.mktemp("reference")
    files = imported(write_tsv(plain, folder / "table.txt"), folder / "content")
    assert len(files) == 100
    return files


@pytest.fixture(scope="module")
def fixture_import(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("fixture")
    return imported(TABLE, folder / "content")


@pytest.mark.parametrize("category_rows", [True, False], ids=["category-rows", "category-column-only"])
def test_xlsx_with_merged_cells_and_repeated_headers(plain, reference, tmp_path, category_rows):
    table = write_xlsx(plain, tmp_path / "清单.xlsx", category_rows=category_rows)
    assert imported(table, tmp_path / "content") == reference


def test_docx_table_with_merged_cells_soft_breaks_and_repeated_headers(plain, reference, tmp_path):
    table = write_docx(plain, tmp_path / "清单.docx")
    assert imported(table, tmp_path / "content") == reference


def test_html_page_with_layout_table_rowspans_and_line_breaks(plain, reference, tmp_path):
    assert imported(write_html(plain, tmp_path / "page.html"), tmp_path / "content") == reference


def test_html_page_saved_in_gbk(plain, reference, tmp_path):
    assert imported(write_html(plain, tmp_path / "page.htm", encoding="gb18030"), tmp_path / "content") == reference


def test_portal_page_holding_the_cells_markup_imports_as_the_text_dump(fixture_import, tmp_path):
    """The portal's own cells (``<p>``, ``<ol>``) inside a saved page give what the dump of them gives."""
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 5 and cells[0].isdigit():
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        elif re.match(r"[一二三四五六七八九十]+、", cells[0]):
            rows.append(f'<tr><td colspan="5">{cells[0]}</td></tr>')
        elif cells[0] == "序号":
            rows.append("<tr>" + "".join(f"<th>{cell}</th>" for cell in cells) + "</tr>")
    page = tmp_path / "portal.html"
    page.write_text("<html><body><table>" + "\n".join(rows) + "</table></body></html>", encoding="utf-8")
    assert imported(page, tmp_path / "content") == fixture_import


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig"])
def test_text_dump_in_office_encodings(fixture_import, tmp_path, encoding):
    table = tmp_path / "table.txt"
    table.write_bytes(TABLE.read_text(encoding="utf-8").encode(encoding))
    assert imported(table, tmp_path / "content") == fixture_import


def test_text_dump_with_windows_line_ends(fixture_import, tmp_path):
    table = tmp_path / "table.txt"
    table.write_bytes(TABLE.read_bytes().replace(b"\n", b"\r\n"))
    assert imported(table, tmp_path / "content") == fixture_import


def test_format_comes_from_the_content_not_the_name(plain, reference, tmp_path):
    workbook = write_xlsx(plain, tmp_path / "workbook.xlsx")
    disguised = tmp_path / "list.txt"
    shutil.copy(workbook, disguised)
    assert imported(disguised, tmp_path / "content") == reference


def test_rows_know_their_sheet_row_and_the_title(plain, tmp_path):
    source = read_table(write_xlsx(plain, tmp_path / "清单.xlsx"))
    first = source.rows[0]
    assert (first.number, first.path.endswith("清单.xlsx"), first.line) == (1, True, 4)  # title, header, category
    assert source.title == plain.title
    assert [category.name for category in source.categories][:2] == ["党的建设", "经济发展"]


@pytest.fixture
def site_content(tmp_path) -> Path:
    """A copy of the committed content: the test compares it with itself after a round trip."""
    return copy_content(tmp_path / "content", matters=None)


def test_the_sites_own_xlsx_imported_back_changes_no_byte(site_content, tmp_path):
    from generator.engine.build import build

    site = tmp_path / "site"
    build(site_content, site, cache_dir=None, jobs=1)
    before = matter_files(site_content)
    report = import_table(site / "downloads" / "qingdan.xlsx", site_content)
    assert matter_files(site_content) == before
    assert (report.added, report.removed, report.changed, report.unchanged) == ([], [], [], len(before))


def test_a_word_table_made_from_the_content_imported_back_changes_no_byte(site_content, tmp_path):
    from docx import Document

    content = load_valid_content(site_content)
    document = Document()
    document.add_paragraph(content.site.title)
    grid = document.add_table(rows=1, cols=6)
    for cell, text in zip(grid.rows[0].cells, HEADER):
        cell.text = text
    for matter in content.matters:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row(PlainMatter.of(matter)).cells()):
            lines = str(value).split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    document.save(tmp_path / "清单.docx")
    before = matter_files(site_content)
    report = import_table(tmp_path / "清单.docx", site_content)
    assert matter_files(site_content) == before
    assert report.unchanged == len(before) and not (report.added or report.removed or report.changed)


def test_an_edited_workbook_cell_changes_only_that_matter(site_content, tmp_path):
    from openpyxl import load_workbook

    from generator.engine.build import build

    site = tmp_path / "site"
    build(site_content, site, cache_dir=None, jobs=1)
    workbook = load_workbook(site / "downloads" / "qingdan.xlsx")
    sheet = workbook.active
    town = sheet.cell(2, 5).value
    sheet.cell(2, 5).value = town + "\n3.新增的一项配合职责。"
    workbook.save(tmp_path / "edited.xlsx")
    before = matter_files(site_content)
    report = import_table(tmp_path / "edited.xlsx", site_content)
    after = matter_files(site_content)
    changed = [name for name in before if before[name] != after[name]]
    assert report.changed == changed and len(changed) == 1 and changed[0].startswith("001-")
    assert "3. 新增的一项配合职责。" in after[changed[0]].decode("utf-8")


def test_xlsx_with_a_header_of_two_rows(plain, reference, tmp_path):
    """序号 and the other headers merged down two rows, 职责 merged across the two duty columns above them."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "事项名称", "对应上级部门", "职责", None, "类别"])
    sheet.append([None, None, None, "上级部门职责", "苏木乡镇（街道）配合职责", None])
    for column in (1, 2, 3, 6):
        sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    sheet.merge_cells("D1:E1")
    previous = None
    for matter in plain.rows:
        if matter.category != previous:
            sheet.append([f"{matter.ordinal}、{matter.category}"])
            previous = matter.category
        sheet.append([matter.number, matter.title, matter.departments, "\n".join(matter.upper),
                      "\n".join(matter.town), matter.category])
    workbook.save(tmp_path / "two-row-header.xlsx")
    assert imported(tmp_path / "two-row-header.xlsx", tmp_path / "content") == reference


def test_the_sites_own_csv_imported_back_changes_no_byte(site_content, tmp_path):
    from generator.site.downloads import download_files
    from generator.site.urls import CSV_DOWNLOAD

    table = tmp_path / "qingdan.csv"
    table.write_bytes(download_files(load_valid_content(site_content))[CSV_DOWNLOAD])
    before = matter_files(site_content)
    report = import_table(table, site_content)
    assert matter_files(site_content) == before and report.unchanged == len(before)
