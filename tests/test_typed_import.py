"""Import per list type: a 基本 or 收回 table becomes that type's matter files, which read back to the table's values."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONTENT
from generator.content.list_types import load_list_types
from generator.content.loader import load_content
from generator.content.typed_matter import read_typed_matter, validate_typed_matters, with_canonical_departments
from generator.errors import ContentErrors
from generator.importing.readers.model import Cell, RawRow, RawTable
from generator.importing.typed_import import import_typed_table

TYPES = load_list_types()


@pytest.fixture(scope="module")
def settings():
    content = load_content(CONTENT).content
    return content.categories, content.departments


def table(*rows: tuple[str, ...]) -> RawTable:
    return RawTable("基本.xlsx", tuple(RawRow(tuple(Cell(text) for text in cells), "基本.xlsx", line)
                                      for line, cells in enumerate(rows, start=1)))


JIBEN_TABLE = table(
    ("兴胜镇基本履职事项清单", "", "", ""),
    ("序号", "事项名称", "履职内容", "依据"),
    ("一、党的建设", "一、党的建设", "一、党的建设", "一、党的建设"),
    ("1", "组织开展党员教育", "1.制定党员教育年度计划。\n2.组织党员参加“三会一课”。", "《中国共产党党员教育管理工作条例》"),
    ("2", "发展党员", "按程序发展党员，做好培养考察。", ""),
    ("二、经济发展", "", "", ""),
    ("3", "优化营商环境", "开展以下工作：\n1.走访企业。\n2.协调解决困难。", "《优化营商环境条例》\n《内蒙古自治区优化营商环境条例》"),
    ("注：本清单随法律法规调整动态更新。", "", "", ""),
)


def load_back(files: dict[str, str], list_type, folder: Path) -> list:
    (folder / "matters").mkdir()
    matters = []
    for name, text in files.items():
        path = folder / "matters" / name
        path.write_text(text, encoding="utf-8")
        matter, errors = read_typed_matter(path, list_type)
        assert errors == [], errors
        matters.append(matter)
    return matters


def test_a_jiben_table_round_trips_through_its_files(settings, tmp_path):
    categories, departments = settings
    result = import_typed_table(JIBEN_TABLE, TYPES["jiben"], departments)
    assert list(result.files)[0] == "001-zu-zhi-kai-zhan-dang-yuan-jiao.md"  # ids from matter_ids: pinyin of the title
    assert (result.title, result.note) == ("兴胜镇基本履职事项清单", "注：本清单随法律法规调整动态更新。")
    assert result.categories == (("一", "党的建设"), ("二", "经济发展"))
    matters = load_back(result.files, TYPES["jiben"], tmp_path)
    assert validate_typed_matters(matters, TYPES["jiben"], categories, departments) == []
    first, second, third = matters
    assert (first.number, first.title, first.value("category")) == (1, "组织开展党员教育", "党的建设")
    assert first.value("content") == "1. 制定党员教育年度计划。\n2. 组织党员参加“三会一课”。"
    assert first.value("basis") == "《中国共产党党员教育管理工作条例》"
    assert second.value("basis") == "" and "## 依据" not in result.files[f"002-{second.id}.md"]
    assert [f"{matter.number:03d}-{matter.id}.md" for matter in matters] == list(result.files)
    assert third.value("category") == "经济发展"
    assert third.value("content") == "开展以下工作：\n\n1. 走访企业。\n2. 协调解决困难。"
    assert third.value("basis") == "《优化营商环境条例》\n\n《内蒙古自治区优化营商环境条例》"


def test_the_file_text_is_the_spec_format():
    files = import_typed_table(JIBEN_TABLE, TYPES["jiben"], []).files
    assert files["001-zu-zhi-kai-zhan-dang-yuan-jiao.md"] == (
        "---\nid: zu-zhi-kai-zhan-dang-yuan-jiao\nnumber: 1\ntitle: 组织开展党员教育\ncategory: 党的建设\n---\n\n"
        "## 履职内容\n\n1. 制定党员教育年度计划。\n2. 组织党员参加“三会一课”。\n\n"
        "## 依据\n\n《中国共产党党员教育管理工作条例》\n")


def test_a_shouhui_table_in_another_column_order_with_a_department_alias(settings, tmp_path):
    _categories, departments = settings
    source = table(("序号", "收回部门", "事项名称", "收回后的履职方式"),
                   ("1", "区民政局", "临时救助审批", "由青山区民政局直接受理审批，镇负责转介。"),
                   ("2", "青山区 民政局", "特困人员认定", "由区民政局认定。"))
    files = import_typed_table(source, TYPES["shouhui"], departments).files
    matters = load_back(files, TYPES["shouhui"], tmp_path)
    assert [matter.value("department") for matter in matters] == ["青山区民政局", "青山区民政局"]
    assert validate_typed_matters(matters, TYPES["shouhui"], None, departments) == []
    assert with_canonical_departments(matters, TYPES["shouhui"], departments) == tuple(matters)
    assert matters[0].value("after") == "由青山区民政局直接受理审批，镇负责转介。"


def test_existing_matters_keep_their_ids(settings, tmp_path):
    _categories, departments = settings
    matters = load_back(import_typed_table(JIBEN_TABLE, TYPES["jiben"], departments).files, TYPES["jiben"], tmp_path)
    renamed = [matter.__class__(**{**matter.__dict__, "id": f"kept-{matter.number}"}) for matter in matters]
    files = import_typed_table(JIBEN_TABLE, TYPES["jiben"], departments, existing=renamed).files
    assert list(files) == ["001-kept-1.md", "002-kept-2.md", "003-kept-3.md"]


@pytest.mark.parametrize("rows, line, message", [
    ((("序号", "事项名称", "履职内容"), ("1", "甲", "乙")), 1, "the header has no column 收回部门、收回后的履职方式"),
    ((("序号", "事项名称", "收回部门", "收回后的履职方式", "备注"), ("1", "甲", "区民政局", "乙", "丙")), 1,
     "the header has a column 备注 that the list has no place for"),
    ((("序号", "事项名称", "收回部门", "收回后的履职方式"), ("1", "甲", "区民证局", "乙")), 2,
     "matter 1: cannot place department '区民证局'"),
    ((("序号", "事项名称", "收回部门", "收回后的履职方式"), ("1", "甲", "区民政局 青山区纪委监委", "乙")), 2,
     "matter 1: the cell 收回部门 names 2 departments"),
    ((("序号", "事项名称", "收回部门", "收回后的履职方式"), ("1", "甲", "区民政局", "")), 2,
     "matter 1: the cell 收回后的履职方式 is empty"),
    ((("序号", "事项名称", "收回部门", "收回后的履职方式"), ("1", "甲", "区民政局", "乙"), ("1", "丙", "区民政局", "丁")), 3,
     "matter number 1 appears twice (first in row 2)"),
    ((("序号", "事项名称", "收回部门", "收回后的履职方式"), ("1", "甲", "区民政局", "乙"), ("3", "丙", "区民政局", "丁")), 3,
     "matter numbers jump from 1 to 3"),
    ((("1", "甲", "区民政局", "乙"),), 1, "unrecognised row"),
    ((("序号", "事项名称", "收回部门", "收回后的履职方式"),), 1,
     "the table holds no matter rows: importing it would empty the list"),
])
def test_a_bad_table_is_refused_with_every_row_named(settings, rows, line, message):
    _categories, departments = settings
    with pytest.raises(ContentErrors) as raised:
        import_typed_table(table(*rows), TYPES["shouhui"], departments)
    found = [(error.line, error.message[:len(message)]) for error in raised.value.errors]
    assert (line, message) in found, found


def test_every_character_of_the_cells_is_in_the_files(settings):
    """Fidelity: the text of every cell is in its matter's file (white space aside)."""
    _categories, departments = settings
    files = import_typed_table(JIBEN_TABLE, TYPES["jiben"], departments).files
    text = "".join(files.values())
    squeezed = "".join(text.split())
    for raw in (JIBEN_TABLE.rows[3], JIBEN_TABLE.rows[4], JIBEN_TABLE.rows[6]):  # the matter rows
        for cell in raw.cells:
            for line in cell.text.split("\n"):
                body = line.split(".", 1)[1] if line[:1].isdigit() and "." in line[:3] else line
                assert "".join(body.split()) in squeezed, line
