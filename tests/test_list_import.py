"""``import FILE --list <town>/<type>``: a 配合, 基本 or 收回 table into one list of a multi-list folder.

Each list type is imported into a multi-list folder made in a temporary
folder from the tests' content (never the committed content/): the files
load with ``load_library`` and say what the table says; importing the same
table again changes nothing; a new list is created with its settings. Every
refusal (a malformed or unknown list, a bad table, an error in the new list)
exits non-zero with a message and no traceback, and leaves the folder as it was.
"""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, TABLE, copy_content
from generator.cli import main
from generator.content.lists import load_library
from generator.importing import importer
from generator.importing.importer import import_table
from test_import_safety import REFUSALS, folder_hash
from test_lists import add_list, make_library

JIBEN_ROWS = [
    ("兴胜镇基本履职事项清单", "", "", ""),
    ("序号", "事项名称", "履职内容", "依据"),
    ("一、党的建设", "", "", ""),
    ("1", "组织开展党员教育", "1.制定党员教育年度计划。\n2.组织党员参加“三会一课”。", "《中国共产党党员教育管理工作条例》"),
    ("2", "发展党员", "按程序发展党员，做好培养考察。", ""),
    ("二、经济发展", "", "", ""),
    ("3", "优化营商环境", "开展以下工作：\n1.走访企业。\n2.协调解决困难。", "《优化营商环境条例》"),
]
SHOUHUI_ROWS = [
    ("序号", "收回部门", "事项名称", "收回后的履职方式"),
    ("1", "区民政局", "临时救助审批", "由青山区民政局直接受理审批，镇负责转介。"),
    ("2", "青山区民政局", "特困人员认定", "由区民政局认定。"),
]


def write_csv(path: Path, rows: list[tuple[str, ...]], encoding: str = "utf-8") -> Path:
    """A table as comma-separated text, cells with line breaks quoted, as Excel saves it."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[tuple[str, ...]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    workbook.save(path)
    return path


def run(capsys, *args: str | Path) -> tuple[int, str, str]:
    """The import command in this process: exit status, stdout, stderr."""
    status = main(["import", *map(str, args)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def district_once(tmp_path_factory) -> Path:
    """Two towns, 兴胜镇 and 河西街道, with a 配合 list of 5 matters each."""
    root = make_library(tmp_path_factory.mktemp("district") / "district")
    load_library(root)
    return root


def add_jiben(root: Path) -> Path:
    """兴胜镇's 基本 list holding matter 2 alone, with a note (check reports the gap; an import mends it)."""
    jiben = root / "lists" / "xingsheng" / "jiben"
    (jiben / "matters").mkdir(parents=True)
    (jiben / "list.yml").write_text("type: jiben\ntitle: 兴胜镇基本履职事项清单\n", encoding="utf-8")
    shutil.copy(CONTENT / "categories.yml", jiben / "categories.yml")
    (jiben / "matters" / "002-fa-zhan-dang-yuan.md").write_text(
        "---\nid: fa-zhan-dang-yuan\nnumber: 2\ntitle: 发展党员\ncategory: 党的建设\nnotes:\n- 编者注：保留。\n---\n\n"
        "## 履职内容\n\n按程序发展党员。\n", encoding="utf-8")
    return jiben


@pytest.fixture
def district(district_once, tmp_path) -> Path:
    return Path(shutil.copytree(district_once, tmp_path / "district"))


# --- each type --------------------------------------------------------------------------------------------


def test_a_peihe_table_into_a_towns_list_is_what_the_single_list_import_writes(district, tmp_path, capsys):
    single = copy_content(tmp_path / "single")
    import_table(TABLE, single)
    other = folder_hash(district / "lists" / "hexi")
    status, out, _err = run(capsys, TABLE, "--content", district, "--list", "xingsheng/peihe", "--allow-removals")
    assert status == 0, _err
    assert "Imported" in out
    matters = district / "lists" / "xingsheng" / "peihe" / "matters"
    assert {path.name: path.read_bytes() for path in matters.iterdir()} == {
        path.name: path.read_bytes() for path in (single / "matters").iterdir()}
    assert folder_hash(district / "lists" / "hexi") == other  # the other town's list is untouched
    library = load_library(district)
    peihe = next(item for item in library.lists if item.info.key == "xingsheng/peihe")
    assert len(peihe.matters) == len(list((single / "matters").iterdir()))
    before = folder_hash(district)
    status, out, _err = run(capsys, TABLE, "--content", district, "--list", "xingsheng/peihe")
    assert status == 0 and "changed 0" in out and "added 0" in out
    assert folder_hash(district) == before  # importing the same table again writes nothing


def test_a_peihe_import_that_removes_matters_needs_allow_removals(district, tmp_path, capsys):
    lines = [line for line in TABLE.read_text(encoding="utf-8").split("\n")
             if not line[:1].isdigit() or int(line.split("\t")[0]) <= 3]  # the matter rows 1 to 3
    table = tmp_path / "three.txt"
    table.write_text("\n".join(lines), encoding="utf-8")
    before = folder_hash(district)
    status, _out, err = run(capsys, table, "--content", district, "--list", "hexi/peihe")
    assert status == 1 and "this import would remove it" in err and "--allow-removals" in err
    assert folder_hash(district) == before
    status, out, _err = run(capsys, table, "--content", district, "--list", "hexi/peihe", "--allow-removals")
    assert status == 0 and "removed 2" in out
    assert [path.name[:3] for path in sorted((district / "lists" / "hexi" / "peihe" / "matters").iterdir())] == [
        "001", "002", "003"]
    load_library(district)


def test_a_peihe_table_naming_an_unknown_department_is_refused_as_in_a_single_list(district, tmp_path, capsys):
    table = tmp_path / "dept.txt"
    table.write_text(TABLE.read_text(encoding="utf-8").replace("\t青山区关工委\t", "\t青山区某某委\t", 1),
                     encoding="utf-8")
    before = folder_hash(district)
    status, _out, err = run(capsys, table, "--content", district, "--list", "xingsheng/peihe", "--allow-removals")
    assert status == 1
    assert "dept.txt:9: matter 3: cannot place department '青山区某某委'" in err
    assert "departments.yml" in err
    assert folder_hash(district) == before


def test_a_new_jiben_list_is_created_and_reads_back_to_the_table(district, tmp_path, capsys):
    table = write_csv(tmp_path / "基本.csv", JIBEN_ROWS)
    status, out, err = run(capsys, table, "--content", district, "--list", "hexi/jiben")
    assert status == 0, err
    folder = district / "lists" / "hexi" / "jiben"
    assert "created: " in out and "list.yml" in out and "categories.yml" in out
    assert (folder / "list.yml").read_text(encoding="utf-8") == "type: jiben\ntitle: 河西街道基本履职事项清单\n"
    assert (folder / "categories.yml").read_text(encoding="utf-8") == (
        "- name: 党的建设\n  ordinal: 一\n  slug: dang-de-jian-she\n"
        "- name: 经济发展\n  ordinal: 二\n  slug: jing-ji-fa-zhan\n")
    library = load_library(district)
    jiben = next(item for item in library.lists if item.info.key == "hexi/jiben")
    assert jiben.info.title == "河西街道基本履职事项清单"
    assert [(matter.number, matter.title, matter.value("category")) for matter in jiben.matters] == [
        (1, "组织开展党员教育", "党的建设"), (2, "发展党员", "党的建设"), (3, "优化营商环境", "经济发展")]
    assert jiben.matters[0].value("content") == "1. 制定党员教育年度计划。\n2. 组织党员参加“三会一课”。"
    assert jiben.matters[0].value("basis") == "《中国共产党党员教育管理工作条例》"
    assert jiben.matters[2].value("content") == "开展以下工作：\n\n1. 走访企业。\n2. 协调解决困难。"
    assert not list(folder.parent.glob(".*"))  # no staging folder left behind
    before = folder_hash(district)
    status, out, _err = run(capsys, table, "--content", district, "--list", "hexi/jiben")
    assert status == 0 and "unchanged 3" in out and "created" not in out
    assert folder_hash(district) == before


def test_a_jiben_table_into_an_existing_list_keeps_ids_and_notes(district, tmp_path, capsys):
    """The list holds matter 2 alone (a gap check reports): the import mends it, keeping its id and notes."""
    add_jiben(district)
    table = write_xlsx(tmp_path / "基本.xlsx", JIBEN_ROWS)
    status, out, err = run(capsys, table, "--content", district, "--list", "xingsheng/jiben")
    assert status == 0, err
    assert "created" not in out and "changed: 002-fa-zhan-dang-yuan.md" in out and "added 2" in out
    matters = district / "lists" / "xingsheng" / "jiben" / "matters"
    kept = (matters / "002-fa-zhan-dang-yuan.md").read_text(encoding="utf-8")  # recognised by its title
    assert "notes:\n- 编者注：保留。\n" in kept and "按程序发展党员，做好培养考察。" in kept
    library = load_library(district)
    jiben = next(item for item in library.lists if item.info.key == "xingsheng/jiben")
    assert [matter.id for matter in jiben.matters][1] == "fa-zhan-dang-yuan"
    assert jiben.matters[1].notes == ("编者注：保留。",)


def test_a_new_shouhui_list_with_a_title_and_department_aliases(district, tmp_path, capsys):
    table = write_csv(tmp_path / "收回.csv", SHOUHUI_ROWS, encoding="gb18030")  # saved by Excel in GBK
    status, out, err = run(capsys, table, "--content", district, "--list", "xingsheng/shouhui",
                           "--title", "兴胜镇上级部门收回事项清单（第一批）")
    assert status == 0, err
    folder = district / "lists" / "xingsheng" / "shouhui"
    assert sorted(path.name for path in folder.iterdir()) == ["list.yml", "matters"]  # shouhui has no categories
    library = load_library(district)
    shouhui = next(item for item in library.lists if item.info.key == "xingsheng/shouhui")
    assert shouhui.info.title == "兴胜镇上级部门收回事项清单（第一批）"
    assert [matter.value("department") for matter in shouhui.matters] == ["青山区民政局", "青山区民政局"]
    assert [matter.value("after") for matter in shouhui.matters] == [row[3] for row in SHOUHUI_ROWS[1:]]
    text = (folder / "matters" / f"001-{shouhui.matters[0].id}.md").read_text(encoding="utf-8")
    assert "department: 青山区民政局\n" in text  # the alias 区民政局 written as the canonical name


def test_a_peihe_dry_run_shows_the_change_as_diff_does_and_writes_nothing(district, capsys):
    before = folder_hash(district)
    status, out, _err = run(capsys, TABLE, "--content", district, "--list", "lists/hexi/peihe/", "--dry-run")
    assert status == 0
    assert "第6项" in out and "Dry run of" in out and "added 95" in out and "Nothing was written" in out
    assert folder_hash(district) == before


def test_a_dry_run_of_a_new_list_writes_nothing(district, tmp_path, capsys):
    table = write_csv(tmp_path / "收回.csv", SHOUHUI_ROWS)
    before = folder_hash(district)
    status, out, _err = run(capsys, table, "--content", district, "--list", "hexi/shouhui", "--dry-run")
    assert status == 0
    assert "【河西街道 · 上级部门收回事项清单（新增清单）】lists/hexi/shouhui/\n本清单为新增清单，共 2 项事项。" in out
    assert "新增事项\n  第1项 临时救助审批（青山区民政局）\n  第2项 特困人员认定（青山区民政局）\n" in out
    assert "Nothing was written" in out and "added: 001-" not in out
    assert folder_hash(district) == before


def test_a_typed_dry_run_shows_the_change_field_by_field_as_diff_does(district, tmp_path, capsys):
    """兴胜镇's 基本 list holds matter 2 with a shorter 履职内容: the table adds 1 and 3 and extends 2."""
    add_jiben(district)
    table = write_csv(tmp_path / "基本.csv", JIBEN_ROWS)
    before = folder_hash(district)
    status, out, _err = run(capsys, table, "--content", district, "--list", "xingsheng/jiben", "--dry-run")
    assert status == 0
    assert out.startswith("【兴胜镇 · 基本履职事项清单】lists/xingsheng/jiben/\n本清单：新增 2 项，修改 1 项\n")
    assert "新增事项\n  第1项 组织开展党员教育（党的建设）\n  第3项 优化营商环境（经济发展）\n" in out
    assert "修改事项\n  第2项 发展党员\n    履职内容\n      修改：按程序发展党员{+，做好培养考察+}。\n" in out
    assert "Dry run of" in out and folder_hash(district) == before


# --- refusals ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    ([], "holds several lists (lists/): say which one to import into with --list <town>/<type>, e.g. "
         "--list hexi/peihe"),
    (["--list", "xingsheng"], "--list xingsheng: name the list as <town>/<type>, e.g. xingsheng/peihe"),
    (["--list", "xingsheng/peihe/x"], "name the list as <town>/<type>"),
    (["--list", "xingsheng/jiban"], "unknown list type 'jiban'; the types are jiben, peihe, shouhui"),
    (["--list", "xingsheng/配合"], "unknown list type '配合'"),
    (["--list", "nowhere/peihe"], "there is no town 'nowhere'"),
    (["--list", "兴胜镇/peihe"], "there is no town '兴胜镇'"),
    (["--list", "bare/peihe"], "the town has no "),
    (["--list", "xingsheng/peihe", "--title", "新标题"], "--title is only for a new list"),
    (["--list", "hexi/shouhui", "--title", " "], "--title is empty"),
])
def test_a_list_that_cannot_be_named_is_refused_and_nothing_written(district, tmp_path, capsys, args, message):
    (district / "lists" / "bare").mkdir()
    table = write_csv(tmp_path / "收回.csv", SHOUHUI_ROWS)
    before = folder_hash(district)
    status, _out, err = run(capsys, table, "--content", district, *args)
    assert status == 1
    assert message in err, err
    assert folder_hash(district) == before


def test_list_in_a_single_list_folder_is_refused(content_copy, capsys):
    before = folder_hash(content_copy)
    for args in (["--list", "xingsheng/peihe"], ["--title", "标题"]):
        status, _out, err = run(capsys, TABLE, "--content", content_copy, *args)
        assert status == 1
        assert "holds a single list (it has no lists/ folder): import without --list and --title" in err
    assert folder_hash(content_copy) == before


FORMAT_REFUSALS = [case for case in REFUSALS if case[0] in (
    "empty file", "missing file", "a directory", "PNG named .xlsx", "truncated workbook", "zip that is neither",
    "workbook without its parts", "old .xls", "neither UTF-8 nor GB18030", "unbalanced quote in comma-separated text")]


@pytest.mark.parametrize("key", ["xingsheng/peihe", "xingsheng/jiben", "hexi/shouhui"])
@pytest.mark.parametrize("make, expected, line", [case[1:] for case in FORMAT_REFUSALS],
                         ids=[case[0] for case in FORMAT_REFUSALS])
def test_a_bad_file_gets_the_single_list_imports_message(district, tmp_path, capsys, key, make, expected, line):
    add_jiben(district)
    folder = tmp_path / "in"
    folder.mkdir()
    table = make(folder)
    before = folder_hash(district)
    status, _out, err = run(capsys, table, "--content", district, "--list", key)
    assert status == 1
    assert expected in err, err
    assert any(f"{table.name}:{line}:" in message or f"{table.name}[" in message
               for message in err.splitlines() if expected in message), err
    assert folder_hash(district) == before


@pytest.mark.parametrize("rows, message", [
    ([("序号", "事项名称", "履职内容"), ("一、党的建设工作", "", ""), ("1", "甲", "乙")],
     "基本.csv:3: matter 1: unknown category '党的建设工作'"),
    ([("序号", "事项名称", "履职内容", "备注"), ("一、党的建设", "", "", ""), ("1", "甲", "乙", "丙")],
     "the header has a column 备注 that the list has no place for"),
    ([("序号", "事项名称", "履职内容"), ("一、党的建设", "", ""), ("1", "甲", "")],
     "matter 1: the cell 履职内容 is empty"),
    ([("序号", "事项名称", "履职内容")], "the table holds no matter rows"),
])
def test_a_jiben_table_that_does_not_fit_the_list_is_refused(district, tmp_path, capsys, rows, message):
    add_jiben(district)
    table = write_csv(tmp_path / "基本.csv", rows)
    before = folder_hash(district)
    status, _out, err = run(capsys, table, "--content", district, "--list", "xingsheng/jiben", "--allow-removals")
    assert status == 1
    assert message in err, err
    assert folder_hash(district) == before


def test_a_shouhui_table_naming_an_unknown_department_is_refused(district, tmp_path, capsys):
    table = write_csv(tmp_path / "收回.csv", [SHOUHUI_ROWS[0], ("1", "区民证局", "临时救助审批", "由区民政局审批。")])
    before = folder_hash(district)
    status, _out, err = run(capsys, table, "--content", district, "--list", "hexi/shouhui")
    assert status == 1
    assert "收回.csv:2: matter 1: cannot place department '区民证局'" in err
    assert folder_hash(district) == before


def test_a_broken_list_setting_is_named_at_its_real_path_and_nothing_written(district, tmp_path, capsys):
    list_yml = add_jiben(district) / "list.yml"
    list_yml.write_text("type: jiben\ntitle: 兴胜镇基本履职事项清单\nvalidity: 作废\n", encoding="utf-8")
    table = write_csv(tmp_path / "基本.csv", JIBEN_ROWS)
    before = folder_hash(district)
    status, _out, err = run(capsys, table, "--content", district, "--list", "xingsheng/jiben", "--allow-removals")
    assert status == 1
    assert f"{list_yml.as_posix()}:3: unknown validity '作废'" in err, err
    assert "lvzhi-import-" not in err  # never the staging copy's path
    assert folder_hash(district) == before


def test_an_interrupted_new_list_leaves_no_folder(district, tmp_path, capsys, monkeypatch):
    table = write_csv(tmp_path / "收回.csv", SHOUHUI_ROWS)
    written = []

    def full_disk(path: Path, text: str) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        path.write_text(text, encoding="utf-8")

    monkeypatch.setattr(importer, "_write_durably", full_disk)
    before = folder_hash(district)
    status, _out, err = run(capsys, table, "--content", district, "--list", "hexi/shouhui")
    assert status == 1 and "No space left on device" in err
    assert folder_hash(district) == before  # neither the list nor its half-written staging folder


def test_the_commands_help_is_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help", "--lang", "zh"])
    text = capsys.readouterr().out
    assert "--list TOWN/TYPE" in text and "--title TITLE" in text
    assert "基本" in text and "list.yml" in text
    assert "in a content folder of several lists" not in text  # translated, not the English words


def test_other_towns_lists_errors_do_not_stop_an_import(district, tmp_path, capsys):
    """Only the list imported into is loaded: another list's mistake is for check to report."""
    add_list(district, "hexi", "jiben", list_yml="type: jiben\n")  # no title, and peihe matters in a jiben list
    table = write_csv(tmp_path / "收回.csv", SHOUHUI_ROWS)
    status, _out, err = run(capsys, table, "--content", district, "--list", "xingsheng/shouhui")
    assert status == 0, err
