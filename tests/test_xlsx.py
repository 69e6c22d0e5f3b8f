"""Our XLSX writer: a valid package that spreadsheet readers open with the table's formatting."""
from __future__ import annotations

import io
import xml.dom.minidom
import zipfile

import openpyxl

from generator import xlsx

HEADER = ("序号", "名称", "说明")
ROWS = [(1, "甲 & 乙 <丙>", "第一行\n第二行"), (2, " 前后有空格 ", "控制字符\x0b已去掉"), (10, "", "'引号\"")]


def workbook() -> bytes:
    return xlsx.workbook("清单", HEADER, ROWS, (6, 20.5, 40), "标题 & 副标题", "发布单位")


def test_every_part_is_well_formed_xml_with_fixed_dates():
    with zipfile.ZipFile(io.BytesIO(workbook())) as archive:
        assert {info.date_time for info in archive.infolist()} == {xlsx.ZIP_TIME}
        for name in archive.namelist():
            xml.dom.minidom.parseString(archive.read(name))
    assert workbook() == workbook()


def test_openpyxl_reads_values_and_formatting():
    book = openpyxl.load_workbook(io.BytesIO(workbook()))
    sheet = book.active
    assert sheet.title == "清单"
    assert list(sheet.iter_rows(values_only=True)) == [
        HEADER, (1, "甲 & 乙 <丙>", "第一行\n第二行"), (2, " 前后有空格 ", "控制字符已去掉"), (10, "", "'引号\"")]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.alignment.wrap_text and cell.alignment.vertical == "top" for cell in cells)
    assert [sheet.column_dimensions[letter].width for letter in "ABC"] == [6, 20.5, 40]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C4"
    assert (book.properties.title, book.properties.creator) == ("标题 & 副标题", "发布单位")


def test_column_letters():
    assert [xlsx._column(index) for index in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
