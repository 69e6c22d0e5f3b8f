"""Matter files of a declared type (基本, 收回, 配合 read by its declaration): good files to their values, and
every bad input to its message at its line, reported, never raised."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CONTENT
from generator.content.list_types import ListType, load_list_types
from generator.content.loader import load_content, load_matter
from generator.content.model import TypedMatter
from generator.content.typed_matter import read_typed_matter, validate_typed_matters, with_canonical_departments

JIBEN = """---
id: zu-zhi-kai-zhan-dang-yuan-jiao-yu
number: 1
title: 组织开展党员教育
category: 党的建设
---

## 履职内容

1. 制定党员教育年度计划。
2. 组织党员参加“三会一课”。

### 细则

- 每季度一次。

## 依据

《中国共产党党员教育管理工作条例》
"""

SHOUHUI = """---
id: lin-shi-jiu-zhu
number: 1
title: 临时救助审批
department: 区民政局
---

## 收回后的履职方式

由青山区民政局直接受理审批，镇负责转介。
"""


@pytest.fixture(scope="module")
def types() -> dict[str, ListType]:
    return load_list_types()


@pytest.fixture(scope="module")
def settings():
    """The test content's categories and departments (青山区民政局 has the alias 区民政局)."""
    content = load_content(CONTENT).content
    return content.categories, content.departments


def write(folder: Path, name: str, text: str | bytes) -> Path:
    (folder / "matters").mkdir(exist_ok=True)
    path = folder / "matters" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def read(tmp_path: Path, list_type: ListType, text: str | bytes,
         name: str = "001-x.md") -> tuple[TypedMatter | None, list[tuple[int, str, str]]]:
    matter, errors = read_typed_matter(write(tmp_path, name, text), list_type)
    return matter, [(error.line, error.message, error.suggestion) for error in errors]


# --- good files -------------------------------------------------------------------------------------------


def test_a_jiben_matter_reads_to_its_values(types, tmp_path):
    matter, errors = read(tmp_path, types["jiben"], JIBEN, "001-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md")
    assert errors == []
    assert (matter.id, matter.number, matter.title, matter.list_type) == (
        "zu-zhi-kai-zhan-dang-yuan-jiao-yu", 1, "组织开展党员教育", "jiben")
    assert [key for key, _text in matter.values] == ["id", "number", "title", "category", "content", "basis"]
    assert matter.value("number") == "1" and matter.value("category") == "党的建设"
    assert matter.value("content") == "1. 制定党员教育年度计划。\n2. 组织党员参加“三会一课”。\n\n### 细则\n\n- 每季度一次。"
    assert matter.value("basis") == "《中国共产党党员教育管理工作条例》"
    assert (matter.where.line_of("category"), matter.where.line_of("content"), matter.where.line_of("basis")) == (5, 8, 17)
    with pytest.raises(KeyError):
        matter.value("department")


def test_an_optional_section_may_be_left_out(types, tmp_path):
    matter, errors = read(tmp_path, types["jiben"], JIBEN.split("## 依据")[0])
    assert errors == [] and matter.value("basis") == ""


def test_a_shouhui_matter_resolves_its_department_alias(types, settings, tmp_path):
    matter, errors = read(tmp_path, types["shouhui"], SHOUHUI, "001-lin-shi-jiu-zhu.md")
    assert errors == [] and matter.value("department") == "区民政局"
    assert matter.value("after") == "由青山区民政局直接受理审批，镇负责转介。"
    categories, departments = settings
    assert validate_typed_matters([matter], types["shouhui"], None, departments) == []
    (canonical,) = with_canonical_departments([matter], types["shouhui"], departments)
    assert canonical.value("department") == "青山区民政局"
    assert canonical.value("after") == matter.value("after")


@pytest.mark.parametrize("newline, bom", [("\r\n", b""), ("\n", b"\xef\xbb\xbf"), ("\r\n", b"\xef\xbb\xbf")])
def test_crlf_and_a_bom_read_the_same(types, tmp_path, newline, bom):
    plain, _errors = read(tmp_path, types["jiben"], JIBEN)
    matter, errors = read(tmp_path, types["jiben"], bom + JIBEN.replace("\n", newline).encode("utf-8"))
    assert errors == [] and matter == plain and matter.where == plain.where


def test_every_peihe_file_reads_to_what_the_peihe_loader_reads(types):
    """The 配合 declaration read generically agrees with today's loader on every file of the test content."""
    paths = sorted((CONTENT / "matters").glob("*.md"))
    assert len(paths) > 50
    for path in paths:
        matter, errors = read_typed_matter(path, types["peihe"])
        loaded = load_matter(path, [])
        assert errors == [], path
        assert (matter.id, matter.number, matter.title, matter.notes) == (
            loaded.id, loaded.number, loaded.title, loaded.notes)
        assert (matter.value("category"), matter.value("guarantee"), matter.value("town")) == (
            loaded.category, loaded.guarantee, loaded.town_duties)
        assert tuple(matter.value("departments").split("\n")) == loaded.departments
        assert all(f"### {section.heading}" in matter.value("upper") for section in loaded.upper_sections)
        assert matter.source_hash == loaded.source_hash


# --- bad files: one problem each, its message at its line ---------------------------------------------------

BAD_JIBEN = {
    "missing required section": (JIBEN.replace("## 履职内容\n\n1. 制定党员教育年度计划。\n2. 组织党员参加“三会一课”。\n\n"
                                               "### 细则\n\n- 每季度一次。\n\n", ""),
                                 6, "missing section '## 履职内容'", "add '## 履职内容'"),
    "a section written as a field": (JIBEN.replace("category: 党的建设\n", "category: 党的建设\nbasis: 条例\n"), 6,
                                     "unknown field 'basis'", "write it under '## 依据'"),
    "number as text": (JIBEN.replace("number: 1", "number: 一"), 3,
                       "field 'number' should be a whole number, not '一'", ""),
    "number zero": (JIBEN.replace("number: 1", "number: 0"), 3, "matter numbers start at 1", "1, 2, 3"),
    "number as a flag": (JIBEN.replace("number: 1", "number: true"), 3,
                         "field 'number' should be a whole number, not True", ""),
    "missing number": (JIBEN.replace("number: 1\n", ""), 2, "missing or empty field 'number'", "a whole number"),
    "id not URL-safe": (JIBEN.replace("id: zu-zhi", "id: Zu_zhi"), 2, "id 'Zu_zhi-kai-zhan-dang-yuan-jiao-yu' is not "
                                                                     "URL-safe", "lower-case ASCII"),
    "title on two lines": (JIBEN.replace("title: 组织开展党员教育", "title: |\n  组织开展\n  党员教育"), 4,
                           "field 'title' should be on one line", "join its lines"),
    "blank title": (JIBEN.replace("title: 组织开展党员教育", "title: '  '"), 4, "missing or empty field 'title'", ""),
    "stray text": (JIBEN.replace("---\n\n## 履职内容", "---\n\n说明文字\n\n## 履职内容"), 8,
                   "text outside the known sections", "'## 履职内容' '## 依据'"),
    "unknown section": (JIBEN.replace("## 依据", "## 依据：", 1), 17, "unknown section '## 依据：'",
                        "did you mean '## 依据'?"),
    "sections out of order": (JIBEN.split("## 履职内容")[0] + "## 依据\n\n条例\n\n## 履职内容\n\n内容\n", 12,
                              "section '## 履职内容' should come before '## 依据'", "order"),
    "section twice": (JIBEN + "\n## 履职内容\n\n又一段\n", 21, "section '## 履职内容' appears twice (first on line 8)",
                      "merge"),
    "empty required section": (JIBEN.replace("## 履职内容\n\n1. 制定党员教育年度计划。\n2. 组织党员参加“三会一课”。\n\n"
                                             "### 细则\n\n- 每季度一次。\n", "## 履职内容\n"), 8,
                               "section '履职内容' is empty", "write its text below the heading"),
    "empty optional section": (JIBEN.split("《")[0], 17, "section '依据' is empty", "or remove the heading"),
    "empty file": ("", 1, "the file is empty", "'## 履职内容' '## 依据'"),
    "only blank lines": ("\n \n\n", 1, "the file is empty", "---"),
    "no front matter": ("## 履职内容\n\n内容\n", 1, "no front matter", "start the file with '---'"),
    "empty front matter": ("---\n---\n\n## 履职内容\n\n内容\n", 2, "the front matter is empty",
                           "id, number, title, category"),
    "front matter a list": ("---\n- a\n---\n\n## 履职内容\n\n内容\n", 2,
                            "the front matter should be a mapping of 'key: value' lines", ""),
    "YAML error": (JIBEN.replace("title: 组织开展党员教育", "title: [组织"), 5, "YAML syntax error", ""),
    "a key twice": (JIBEN.replace("category: 党的建设", "category: 党的建设\ncategory: 民生服务"), 6,
                    "key 'category' appears twice in one mapping (first on line 5)", "keep one of them"),
    "control character": (JIBEN.replace("《中国", "《\x1b中国"), 19, "invisible control character U+001B in column 2",
                          "delete it"),
}


@pytest.mark.parametrize("case", sorted(BAD_JIBEN))
def test_a_bad_jiben_file_is_reported_at_its_line(types, tmp_path, case):
    text, line, message, suggestion = BAD_JIBEN[case]
    _matter, errors = read(tmp_path, types["jiben"], text)
    assert len(errors) == 1, errors
    (found_line, found_message, found_suggestion), = errors
    assert (found_line, found_message[:len(message)]) == (line, message)
    assert suggestion in found_suggestion


def test_body_errors_still_give_the_matter_for_validation(types, tmp_path):
    """Stray text is reported, and the matter is read all the same so its references are checked too."""
    matter, errors = read(tmp_path, types["jiben"], JIBEN.replace("---\n\n## 履职内容", "---\n\n说明\n\n## 履职内容"))
    assert [line for line, _message, _hint in errors] == [8] and matter is not None


def test_field_errors_give_no_matter_and_every_error_at_once(types, tmp_path):
    text = JIBEN.replace("number: 1", "number: x").replace("category:", "categry:").replace("## 依据", "## 依 据")
    matter, errors = read(tmp_path, types["jiben"], text)
    assert matter is None
    assert [(line, message.split(" ")[0] + " " + message.split(" ")[1]) for line, message, _hint in errors] == [
        (5, "unknown field"), (3, "field 'number'"), (2, "missing or"), (17, "unknown section")]


def test_an_unknown_key_with_did_you_mean(types, tmp_path):
    """A misspelt key is unknown, and the field it was meant for is missing: both are said, as for 配合."""
    _matter, errors = read(tmp_path, types["jiben"], JIBEN.replace("category:", "catgory:"))
    assert errors == [(5, "unknown field 'catgory'", "did you mean 'category'?"),
                      (2, "missing or empty field 'category'", "add 'category: …' (a category's name)")]


def test_a_file_that_is_not_named_md_is_reported(types, tmp_path):
    _matter, errors = read(tmp_path, types["jiben"], JIBEN, "001-x.md.txt")
    assert errors == [(1, "the name does not end in '.md', so this file is not read as a matter",
                       "rename it to 001-x.md")]


def test_a_folder_in_place_of_a_file_is_reported_not_opened(types, tmp_path):
    (tmp_path / "matters" / "001-x.md").mkdir(parents=True)
    matter, errors = read_typed_matter(tmp_path / "matters" / "001-x.md", types["jiben"])
    assert matter is None and [(error.line, error.message) for error in errors] == [
        (1, "this is a folder, not a text file")]


def test_a_shouhui_file_without_its_department(types, tmp_path):
    _matter, errors = read(tmp_path, types["shouhui"], SHOUHUI.replace("department: 区民政局\n", ""))
    assert errors == [(2, "missing or empty field 'department'", "add 'department: …' (a department's name)")]


# --- the whole list -----------------------------------------------------------------------------------------


def matters_of(tmp_path: Path, list_type: ListType, texts: dict[str, str]) -> list[TypedMatter]:
    read_matters = []
    for name, text in texts.items():
        matter, errors = read_typed_matter(write(tmp_path, name, text), list_type)
        assert errors == []
        read_matters.append(matter)
    return read_matters


def second(text: str, number: int = 2, matter_id: str = "zu-zhi-kai-zhan-dang-yuan-jiao-yu-2") -> str:
    return text.replace("number: 1", f"number: {number}").replace("id: zu-zhi-kai-zhan-dang-yuan-jiao-yu", f"id: {matter_id}")


def messages(errors) -> list[tuple[str, int, str, str]]:
    return [(Path(error.path).name, error.line, error.message, error.suggestion) for error in errors]


def test_a_valid_jiben_list_has_no_errors(types, settings, tmp_path):
    categories, departments = settings
    matters = matters_of(tmp_path, types["jiben"], {
        "001-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md": JIBEN,
        "002-zu-zhi-kai-zhan-dang-yuan-jiao-yu-2.md": second(JIBEN)})
    assert validate_typed_matters(matters, types["jiben"], categories, departments) == []


def test_unknown_department_with_did_you_mean(types, settings, tmp_path):
    categories, departments = settings
    matters = matters_of(tmp_path, types["shouhui"], {
        "001-lin-shi-jiu-zhu.md": SHOUHUI.replace("区民政局", "青山区民证局")})
    assert messages(validate_typed_matters(matters, types["shouhui"], categories, departments)) == [
        ("001-lin-shi-jiu-zhu.md", 5, "unknown department '青山区民证局'", "did you mean '青山区民政局'?")]
    assert validate_typed_matters(matters, types["shouhui"], categories, None) == []  # departments.yml unreadable


def test_unknown_category(types, settings, tmp_path):
    categories, departments = settings
    matters = matters_of(tmp_path, types["jiben"], {
        "001-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md": JIBEN.replace("category: 党的建设", "category: 党建")})
    assert messages(validate_typed_matters(matters, types["jiben"], categories, departments)) == [
        ("001-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md", 5, "unknown category '党建'", "did you mean '党的建设'?")]
    matters = [replace(matters[0], values=(*matters[0].values[:3], ("category", "农业")))]
    assert messages(validate_typed_matters(matters, types["jiben"], categories, departments))[0][3] == \
        "see categories.yml"


def test_duplicate_number_and_id(types, settings, tmp_path):
    categories, departments = settings
    matters = matters_of(tmp_path, types["jiben"], {
        "001-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md": JIBEN,
        "002-other.md": second(JIBEN, 2, "other"),
        "002-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md": second(JIBEN, 2, "zu-zhi-kai-zhan-dang-yuan-jiao-yu")})
    assert messages(validate_typed_matters(matters, types["jiben"], categories, departments)) == [
        ("002-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md", 2, "id 'zu-zhi-kai-zhan-dang-yuan-jiao-yu' is used twice",
         "ids are used in URLs and must be unique; give the new matter a new id"),
        ("002-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md", 3, "matter number 2 is used twice",
         "every matter needs its own number; renumber the following matters")]


def test_numbering_gap_and_file_name(types, settings, tmp_path):
    categories, departments = settings
    matters = matters_of(tmp_path, types["jiben"], {
        "001-zu-zhi-kai-zhan-dang-yuan-jiao-yu.md": JIBEN, "003-wrong-name.md": second(JIBEN, 3, "other")})
    assert messages(validate_typed_matters(matters, types["jiben"], categories, departments)) == [
        ("003-wrong-name.md", 3, "file name does not match number 3 and id 'other'", "rename the file to 003-other.md"),
        ("003-wrong-name.md", 3, "matter numbers jump from 1 to 3",
         "number 2 is missing: renumber this matter or add the missing one")]
    assert all("jump" not in error.message for error in validate_typed_matters(
        matters, types["jiben"], categories, departments, all_matters_loaded=False))


def test_a_department_listed_twice_in_a_departments_field(types, settings, tmp_path):
    categories, departments = settings
    path = sorted((CONTENT / "matters").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8").replace("- 青山区纪委监委", "- 青山区纪委监委\n- 纪委监委")
    matters = matters_of(tmp_path, types["peihe"], {path.name: text})
    assert messages(validate_typed_matters(matters, types["peihe"], categories, departments)) == [
        (path.name, 6, "department '纪委监委' is listed twice", "list it once")]


def test_values_are_text_and_equal_by_content(types, tmp_path):
    matter, _errors = read(tmp_path, types["jiben"], JIBEN)
    moved = replace(matter, path=Path("elsewhere.md"), source_hash="x")
    assert moved == matter and all(isinstance(text, str) for _key, text in matter.values)
