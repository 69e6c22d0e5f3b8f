"""Our XLSX writer: a valid package that spreadsheet readers open with the table's formatting,
laid out to print as the official table (row heights, landscape fit to width, print titles)."""
from __future__ import annotations

import io
import random
import xml.dom.minidom
import zipfile

import openpyxl

from generator.site import xlsx

HEADER = ("序号", "名称", "说明")
ROWS = [(1, "甲 & 乙 <丙>", "第一行\n第二行"), (2, " 前后有空格 ", "控制字符\x0b已去掉"), (10, "", "'引号\"")]
WIDTHS = (6, 20.5, 40)


def workbook(rows=ROWS, title: str = "标题 & 副标题") -> bytes:
    return xlsx.workbook("清单", HEADER, rows, WIDTHS, title, "发布单位")


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


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
    assert all(cell.alignment.wrap_text for cell in cells)
    assert all(cell.alignment.vertical == "top" for cell in cells if cell.row > 1)
    assert all(getattr(cell.border, side).style == "thin" for cell in cells
               for side in ("left", "right", "top", "bottom"))
    assert [sheet[f"{letter}2"].alignment.horizontal for letter in "ABC"] == ["center", None, None]
    assert [sheet.column_dimensions[letter].width for letter in "ABC"] == [6, 20.5, 40]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C4"
    assert (book.properties.title, book.properties.creator) == ("标题 & 副标题", "发布单位")


def test_print_settings():
    sheet = openpyxl.load_workbook(io.BytesIO(workbook())).active
    assert sheet.print_title_rows == "$1:$1"  # the header row on every printed page
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    sheet_xml = part(workbook(), "xl/worksheets/sheet1.xml")
    assert '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>' in sheet_xml
    assert "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>" in sheet_xml
    assert ("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'清单'!$1:$1</definedName>"
            in part(workbook(), "xl/workbook.xml"))


def test_the_title_heads_every_printed_page_with_its_ampersand_kept():
    sheet_xml = part(workbook(), "xl/worksheets/sheet1.xml")
    assert "<oddHeader>&amp;C&amp;B&amp;11标题 &amp;&amp; 副标题</oddHeader>" in sheet_xml


def test_every_row_has_a_height_that_shows_all_its_lines():
    long_text = "\n".join(f"{number}.第{number}行的职责，写得很长很长很长很长很长很长很长很长。" for number in range(1, 13))
    rows = [(1, "短", "一行"), (2, "短", "第一行\n第二行\n第三行"), (3, "名称" * 30, long_text)]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(rows))).active
    heights = [sheet.row_dimensions[number].height for number in range(1, 5)]
    assert all(height is not None for height in heights)
    one_line = heights[1]
    assert heights[2] >= one_line + 2 * xlsx.FONT_SIZES[0] * xlsx.LINE_HEIGHT - 0.25  # heights are rounded
    lines = xlsx.text_lines(long_text, WIDTHS[2])
    assert lines > 12  # each of the 12 lines is wider than the column: they wrap
    assert heights[3] >= lines * xlsx.FONT_SIZES[0] * xlsx.LINE_HEIGHT
    assert all(sheet.cell(number, 1).font.sz == xlsx.FONT_SIZES[0] for number in range(2, 5))


def greedy_lines(text: str, room: float) -> int:
    """Lines of a greedy wrap at any character, ASCII one digit wide and anything else two."""
    lines = 0
    for paragraph in text.split("\n"):
        used, count = 0.0, 1
        for character in paragraph:
            advance = 1 if character.isascii() else 2
            count, used = (count + 1, advance) if used + advance > room else (count, used + advance)
        lines += count
    return lines


def test_wrapping_counts_wide_characters_twice_and_breaks_lines():
    assert xlsx.text_lines("一二三四五", 11) == 1  # 10 digit widths of room
    assert xlsx.text_lines("abcdefghij", 11) == 1
    assert xlsx.text_lines("一二三四五六", 11) == 2
    assert xlsx.text_lines("甲\n\n乙", 11) == 3
    assert xlsx.text_lines("", 11) == 1


def test_the_line_count_is_never_below_a_greedy_wrap():
    generator = random.Random(15)
    alphabet = "职责，。、“”12345abc （）；："
    for _ in range(2_000):
        text = "".join(generator.choice(alphabet + "\n" * 2) for _ in range(generator.randrange(0, 400)))
        width = generator.choice((5, 9, 12, 40, 84))
        room = width - xlsx.CELL_MARGIN
        exact = greedy_lines(text, room)
        estimate = xlsx.text_lines(text, width)
        paragraphs = text.count("\n") + 1  # each may round up once
        assert exact <= estimate <= exact * room / (room - 2) + paragraphs, (text, width)


def test_a_row_too_tall_for_excel_is_set_smaller_not_cut():
    huge = "\n".join(["很长的一行"] * 40)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook([(1, "名称", huge)]))).active
    assert sheet["C2"].font.sz < xlsx.FONT_SIZES[0]
    assert sheet.row_dimensions[2].height <= xlsx.MAX_ROW_HEIGHT
    assert sheet.row_dimensions[2].height >= 40 * sheet["C2"].font.sz * xlsx.LINE_HEIGHT
    hopeless = "\n".join(["行"] * 100)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook([(1, "名称", hopeless)]))).active
    assert sheet.row_dimensions[2].height == xlsx.MAX_ROW_HEIGHT  # Excel's limit: never more


def test_column_letters():
    assert [xlsx._column(index) for index in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
