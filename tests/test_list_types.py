"""The list types' declarations: the shipped three, a site's override, every declaration error with its line,
and the 配合 declaration held to what today's 配合 loader, importer and downloads do."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CONTENT
from generator.content import matter_file
from generator.content.list_types import EDITORIAL_KEYS, SHIPPED_DIR, ListType, load_list_types, read_list_types
from generator.content.loader import MATTER_KEYS, load_matter
from generator.content.model import TOWN_DUTIES_HEADING, UPPER_DUTIES_HEADING
from generator.errors import ContentErrors
from generator.importing import source_table
from generator.site import downloads

FIRST_MATTER = CONTENT / "matters" / "001-kai-zhan-lian-dong-jian-du-ban.md"


# --- the shipped declarations -----------------------------------------------------------------------------


def test_the_three_types_are_shipped_with_their_fields_sections_and_columns():
    types = load_list_types()
    assert sorted(types) == ["jiben", "peihe", "shouhui"]
    jiben, shouhui = types["jiben"], types["shouhui"]
    assert (jiben.label, jiben.categories) == ("基本履职事项清单", True)
    assert jiben.keys == ("id", "number", "title", "category", "content", "basis")
    assert [(s.heading, s.required) for s in jiben.body] == [("履职内容", True), ("依据", False)]
    assert [jiben.label_of(key) for key in jiben.table_columns] == ["序号", "事项名称", "履职内容", "依据", "类别"]
    assert (shouhui.label, shouhui.short_label, shouhui.categories) == ("上级部门收回事项清单", "收回事项", False)
    assert shouhui.kind_of("department") == "department"
    assert [shouhui.label_of(key) for key in shouhui.table_columns] == ["序号", "事项名称", "收回部门", "收回后的履职方式"]
    assert shouhui.search == ("title", "department", "after")


def test_the_declarations_are_package_data():
    """pyproject.toml ships them with the package: an installed generator has its list types."""
    pyproject = (SHIPPED_DIR.parent.parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"content/list_types/*.yml"' in pyproject
    assert sorted(path.name for path in SHIPPED_DIR.glob("*.yml")) == ["jiben.yml", "peihe.yml", "shouhui.yml"]


def test_list_types_are_frozen_values():
    jiben = load_list_types()["jiben"]
    with pytest.raises(AttributeError):
        jiben.label = "x"  # type: ignore[misc]
    assert load_list_types()["jiben"] == jiben
    with pytest.raises(KeyError):
        jiben.label_of("nothing")


def test_lookups_kept_on_a_type_read_as_its_declaration_says_and_leave_it_equal():
    """kind_of, label_of and keys_of_kind are worked out once per type: the same answers as a scan of
    the fields and sections, and a type that answered them still equals (and hashes as) a fresh one."""
    for name, list_type in load_list_types().items():
        for key in list_type.keys:
            declared = next(entry for entry in (*list_type.fields, *list_type.body) if entry.key == key)
            assert list_type.kind_of(key) == declared.kind
            assert list_type.label_of(key) == getattr(declared, "label", getattr(declared, "heading", None))
        for kinds in (("markdown",), ("department", "departments"), ("number",)):
            assert list_type.keys_of_kind(*kinds) == tuple(key for key in list_type.keys
                                                           if list_type.kind_of(key) in kinds)
            assert list_type.keys_of_kind(*kinds) is list_type.keys_of_kind(*kinds)
        fresh = load_list_types()[name]
        assert list_type == fresh and hash(list_type) == hash(fresh)


# --- 配合 as today's code reads it --------------------------------------------------------------------------


@pytest.fixture
def peihe() -> ListType:
    return load_list_types()["peihe"]


def test_peihe_fields_are_the_keys_the_loader_accepts(peihe):
    """The declared fields and the editorial notes are exactly the front-matter keys of today's 配合 files."""
    assert (*peihe.field_keys, *EDITORIAL_KEYS) == MATTER_KEYS == matter_file.KEY_ORDER


def test_peihe_sections_are_the_bodys_headings(peihe):
    assert [(s.heading, s.kind, s.required) for s in peihe.body] == [
        (UPPER_DUTIES_HEADING, "department-sections", True), (TOWN_DUTIES_HEADING, "markdown", True)]


def test_peihe_columns_are_the_official_tables_and_the_downloads(peihe):
    labels = [peihe.label_of(key) for key in peihe.table_columns]
    assert labels == list(downloads.COLUMNS)
    assert labels == [source_table.COLUMN_HEADERS[name] for name in (*source_table.REQUIRED, source_table.CATEGORY)]


@pytest.mark.parametrize("key", ["id", "number", "title", "category", "departments", "guarantee"])
def test_peihe_required_fields_are_required_by_the_loader(peihe, key, tmp_path):
    """Each field the declaration calls required, the 配合 loader refuses to do without."""
    assert peihe.field(key).required
    text = FIRST_MATTER.read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(index for index, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = start + 1
    while lines[end].startswith("- "):  # a list's items
        end += 1
    (tmp_path / "matters").mkdir()
    path = tmp_path / "matters" / FIRST_MATTER.name
    path.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    errors: list = []
    assert load_matter(path, errors) is None
    assert [error.message for error in errors] == [f"missing or empty field '{key}'"]


@pytest.mark.parametrize("key, value", [("number", "一"), ("departments", "青山区纪委监委"), ("title", "[a, b]")])
def test_peihe_kinds_are_the_loaders_types(peihe, key, value, tmp_path):
    """number is a whole number, departments a list, the rest text: for the loader as for the declaration."""
    expected = {"number": "number", "departments": "departments", "title": "text"}[key]
    assert peihe.kind_of(key) == expected
    text = FIRST_MATTER.read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(index for index, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = start + 1
    while lines[end].startswith("- "):
        end += 1
    (tmp_path / "matters").mkdir()
    path = tmp_path / "matters" / FIRST_MATTER.name
    path.write_text("\n".join(lines[:start] + [f"{key}: {value}"] + lines[end:]), encoding="utf-8")
    errors: list = []
    assert load_matter(path, errors) is None
    assert len(errors) == 1 and errors[0].message.startswith(f"field '{key}' should be")


# --- a site's own declarations ----------------------------------------------------------------------------


def test_a_site_overrides_one_type_and_keeps_the_others(tmp_path):
    text = (SHIPPED_DIR / "jiben.yml").read_text(encoding="utf-8")
    text = text.replace("  - {key: basis, heading: 依据, kind: markdown, required: false}\n",
                        "  - {key: basis, heading: 依据, kind: markdown, required: false}\n"
                        "  - {key: remark, heading: 备注, kind: markdown, required: false}\n")
    text = text.replace("label: 基本履职事项清单", "label: 基本履职事项清单（某省）")
    (tmp_path / "jiben.yml").write_text(text, encoding="utf-8")
    types = load_list_types(tmp_path)
    assert types["jiben"].label == "基本履职事项清单（某省）"
    assert types["jiben"].section("remark").heading == "备注"
    assert types["shouhui"] == load_list_types()["shouhui"]


def test_a_missing_override_folder_changes_nothing(tmp_path):
    assert load_list_types(tmp_path / "list_types") == load_list_types()


# --- bad declarations -----------------------------------------------------------------------------------

SHOUHUI = (SHIPPED_DIR / "shouhui.yml").read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    """The line of ``text`` holding ``fragment`` (which may end with the line's end)."""
    return next(number for number, line in enumerate(text.split("\n"), start=1) if fragment in line + "\n")


# case: (text replaced in shouhui.yml, its replacement, the message's start, a part of the suggestion,
#        a part of the line the error is on)
BAD = {
    "unknown kind": ("kind: department,", "kind: departmnt,", "unknown kind 'departmnt'",
                     "did you mean 'department'?", "departmnt"),
    "a body kind among the fields": ("kind: department,", "kind: department-sections,",
                                     "kind 'department-sections' is not allowed here", "use one of id, number",
                                     "department-sections"),
    "missing label of a field": (", label: 收回部门}", "}", "missing key 'label'", "add 'label: …'",
                                 "{key: department"),
    "missing top-level key": ("label: 上级部门收回事项清单\n", "", "missing key 'label'", "add 'label: …'",
                              "type: shouhui"),
    "unknown top-level key": ("short_label:", "short_lable:", "unknown key 'short_lable'",
                              "did you mean 'short_label'?", "short_lable"),
    "a key written twice in YAML": ("short_label: 收回事项\n", "short_label: 收回事项\nshort_label: 收回\n",
                                    "key 'short_label' appears twice in one mapping", "keep one of them",
                                    "short_label: 收回\n"),
    "a key declared twice": ("  - {key: department,", "  - {key: title, kind: text, label: 又一名称}\n  - {key: department,",
                             "key 'title' is declared twice", "its own key", "又一名称"),
    "table_columns names no field": ("table_columns: [number, title, department, after]",
                                     "table_columns: [number, title, departments, after]",
                                     "'table_columns' names 'departments', which is no field or section",
                                     "did you mean 'department'?", "table_columns"),
    "search names no field": ("search: [title, department, after]", "search: [title, department, afterwards]",
                              "'search' names 'afterwards', which is no field or section", "did you mean 'after'?",
                              "search:"),
    "the file named for another type": ("type: shouhui", "type: jiben",
                                        "the file declares type 'jiben' but is named shouhui.yml",
                                        "rename the file to jiben.yml", "type: jiben"),
    "categories without a category field": ("categories: false", "categories: true",
                                            "'categories: true' but no field is of kind 'category'",
                                            "categories: false", "categories: true"),
    "no title": ("{key: title, kind: text, required: true", "{key: title, kind: text, required: false",
                 "every type needs the field 'title' of kind 'text', required", "required: true", "fields:"),
    "a heading with its marks": ("heading: 收回后的履职方式", "heading: '## 收回后的履职方式'",
                                 "write the heading without its '#' marks", "'收回后的履职方式' is enough", "heading:"),
    "required not a flag": ("kind: department, required: true", "kind: department, required: 是",
                            "'required' should be true or false", "", "required: 是"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_declaration_is_reported_at_its_line(case, tmp_path):
    old, new, message, suggestion, on_line = BAD[case]
    assert old in SHOUHUI
    text = SHOUHUI.replace(old, new, 1)
    (tmp_path / "shouhui.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as raised:
        load_list_types(tmp_path)
    errors = raised.value.errors
    assert len(errors) == 1, [str(error) for error in errors]
    error = errors[0]
    assert error.path.endswith("shouhui.yml")
    assert (error.line, error.message[:len(message)]) == (line_of(text + "\n", on_line), message)
    assert suggestion in error.suggestion


def test_every_error_of_every_declaration_at_once(tmp_path):
    (tmp_path / "shouhui.yml").write_text(SHOUHUI.replace("kind: department,", "kind: departmnt,")
                                          .replace("search: [title,", "search: [titel,"), encoding="utf-8")
    (tmp_path / "jiben.yml").write_text("type: jiben\nlabel: [\n", encoding="utf-8")
    types, errors = read_list_types(tmp_path)
    assert [(Path(error.path).name, error.message.split(":")[0]) for error in sorted(errors)] == [
        ("jiben.yml", "YAML syntax error"), ("shouhui.yml", "unknown kind 'departmnt'"),
        ("shouhui.yml", "'search' names 'titel', which is no field or section of the type")]
    assert types["shouhui"] == load_list_types()["shouhui"]  # the shipped one stands while the override is bad


@pytest.mark.parametrize("text, message", [
    ("", "a list type declaration should be a mapping of 'key: value' lines"),
    ("- type: jiben\n", "a list type declaration should be a mapping of 'key: value' lines"),
    ("\ufefftype: jiben\r\nlabel: x\x00\r\n", "invisible control character U+0000 in column 9"),
])
def test_an_unusable_declaration_file(text, message, tmp_path):
    (tmp_path / "jiben.yml").write_text(text, encoding="utf-8", newline="")
    _types, errors = read_list_types(tmp_path)
    assert [(error.line, error.message) for error in errors] == [(1 if "\x00" not in text else 2, message)]


def test_a_declaration_with_a_bom_and_crlf_reads_the_same(tmp_path):
    text = SHOUHUI.replace("\n", "\r\n")
    (tmp_path / "shouhui.yml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_list_types(tmp_path)["shouhui"] == load_list_types()["shouhui"]


def test_the_shipped_folder_copied_as_an_override_is_the_same(tmp_path):
    shutil.copytree(SHIPPED_DIR, tmp_path / "list_types")
    assert load_list_types(tmp_path / "list_types") == load_list_types()
