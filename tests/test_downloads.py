"""Downloads: JSON (everything), CSV and XLSX (the official table), byte-identical on rebuild."""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile

import openpyxl
import pytest

from conftest import CONTENT, committed_matters
from generator.site import downloads
from generator.content.check import load_valid_content
from generator.site.downloads import COLUMNS, download_files

JSON, CSV, XLSX = "downloads/qingdan.json", "downloads/qingdan.csv", "downloads/qingdan.xlsx"
HEADER = ["序号", "事项名称", "对应上级部门", "上级部门职责", "苏木乡镇（街道）配合职责", "类别"]


@pytest.fixture(scope="module")
def content():
    return load_valid_content(CONTENT)


@pytest.fixture(scope="module")
def files(content) -> dict[str, bytes]:
    return download_files(content)


def test_the_three_files(files):
    assert sorted(files) == [CSV, JSON, XLSX]
    assert list(COLUMNS) == HEADER


def test_json_holds_everything(files):
    data = json.loads(files[JSON].decode("utf-8"))
    assert [m["number"] for m in data["matters"]] == list(range(1, committed_matters() + 1))
    assert len(data["categories"]) == 8 and len(data["departments"]) == 32
    matter = data["matters"][35]
    assert matter["title"] == "托育机构生均运营补贴"
    assert matter["town_duties"]["markdown"].split("\n")[1] == "3. 资金发放录入工作。"
    assert matter["town_duties"]["text"].split("\n")[1] == "3.资金发放录入工作。"
    assert matter["upper_sections"][0]["heading"] == "青山区卫生健康委员会职责："
    assert matter["url"] == "matters/tuo-yu-ji-gou-sheng-jun-yun.html"
    assert data["matters"][48]["notes"]  # matter 49's editorial note
    assert files[JSON] == json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def test_csv_is_excel_friendly(files):
    raw = files[CSV]
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") >= committed_matters() + 1 and b"\r\r" not in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    assert len(rows) == committed_matters() + 1
    number, title, departments, upper, town, category = rows[40]
    assert (number, title, category) == ("40", "落实清明节、中元节、寒衣节等重要祭祀节日文明祭祀工作", "民生服务")
    assert departments == "青山区民政局、青山区农牧局、青山区消防救援大队、青山区城市管理综合执法局"
    assert upper.startswith("青山区民政局：\n") and "\n履职保障：" in upper
    assert rows[36][4].startswith("1.对镇域内托育机构申报材料进行初审")
    assert rows[36][4].endswith("\n3.资金发放录入工作。")


def test_xlsx_opens_with_the_table(files):
    book = openpyxl.load_workbook(io.BytesIO(files[XLSX]))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == committed_matters() + 1
    assert rows[36][:2] == (36, "托育机构生均运营补贴")
    assert rows[36][4].endswith("3.资金发放录入工作。")
    assert book.properties.creator == "包头市青山区兴胜镇人民政府"


def test_xlsx_has_no_timestamps(files):
    with zipfile.ZipFile(io.BytesIO(files[XLSX])) as archive:
        assert {info.date_time for info in archive.infolist()} == {downloads.ZIP_TIME}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and str(time.gmtime().tm_year) not in core


def test_rebuilding_gives_identical_bytes(content, files, monkeypatch):
    # A different clock must not change a byte.
    later = time.time() + 86_400 * 400
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "localtime", lambda seconds=None: time.gmtime(later))
    assert download_files(content) == files


def test_the_three_files_hold_the_same_cells(files):
    """Every cell of the table is the same in CSV, XLSX and JSON, line breaks included."""
    csv_rows = list(csv.reader(io.StringIO(files[CSV].decode("utf-8-sig"), newline="")))
    sheet = openpyxl.load_workbook(io.BytesIO(files[XLSX])).active
    xlsx_rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    data = json.loads(files[JSON].decode("utf-8"))
    json_rows = [list(data["columns"])] + [[str(matter["table"][column]) for column in data["columns"]]
                                          for matter in data["matters"]]
    assert csv_rows == xlsx_rows == json_rows
    assert len(csv_rows) == len(data["matters"]) + 1 and all(len(row) == len(COLUMNS) for row in csv_rows)
    assert sum(cell.count("\n") for row in csv_rows for cell in row) > len(data["matters"])


def test_the_workbook_prints_as_the_official_table(files):
    sheet = openpyxl.load_workbook(io.BytesIO(files[XLSX])).active
    assert sheet.print_title_rows == "$1:$1"
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    for row in sheet.iter_rows(min_row=2):
        lines = max(str(cell.value).count("\n") + 1 for cell in row)
        height = sheet.row_dimensions[row[0].row].height
        assert height is not None and height >= lines * row[0].font.sz, row[0].row  # every line shows
        assert all(cell.alignment.wrap_text and cell.border.left.style == "thin" for cell in row)
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEF"]
    assert widths == list(downloads.COLUMN_WIDTHS)
