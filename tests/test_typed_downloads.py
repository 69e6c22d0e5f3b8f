"""The downloads of a 基本 or 收回 list: CSV, XLSX and JSON made from the type's declaration.

A multi-list folder is made in a temporary folder from the tests' content;
the lists of other types are written here, with the Markdown structure a
table cannot carry (a sub-heading, a list) and a department written by an
alias. The files carry every character of the matters; imported back into
their list they change no byte; a site's own declaration of a type changes
the columns without a change of code.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from generator.content.lists import LIST_TYPES_DIR, load_library
from generator.engine.build import build
from generator.importing.list_import import find_list, import_into_list
from generator.site.markup import plain_text
from test_downloads_json import json_keys
from test_lists import make_library

TOWNS = {"xingsheng": ("兴胜镇", "镇")}
JIBEN = {
    "001-zu-zhi-dang-yuan-jiao-yu.md": """---
id: zu-zhi-dang-yuan-jiao-yu
number: 1
title: 组织开展党员教育
category: 党的建设
---

## 履职内容

开展以下工作：

### 日常教育：

1. 组织党员参加“三会一课”。
2. 制定党员教育年度计划。

## 依据

《中国共产党党员教育管理工作条例》
""",
    "002-fa-zhan-dang-yuan.md": """---
id: fa-zhan-dang-yuan
number: 2
title: 发展党员
category: 党的建设
---

## 履职内容

- 按程序发展党员，做好培养考察。
""",
}
SHOUHUI = {
    "001-lin-shi-jiu-zhu-shen-pi.md": """---
id: lin-shi-jiu-zhu-shen-pi
number: 1
title: 临时救助审批
department: 民政局
---

## 收回后的履职方式

由青山区民政局直接受理审批，镇负责转介。
""",
}
# A province's variant of 收回: one more column, its legal basis.
SHOUHUI_VARIANT = """type: shouhui
label: 上级部门收回事项清单
short_label: 收回事项
categories: false
fields:
  - {key: id, kind: id, required: true, label: 编号}
  - {key: number, kind: number, required: true, label: 序号}
  - {key: title, kind: text, required: true, label: 事项名称}
  - {key: department, kind: department, required: true, label: 收回部门}
body:
  - {key: after, heading: 收回后的履职方式, kind: markdown, required: true}
  - {key: basis, heading: 收回依据, kind: markdown, required: false}
table_columns: [number, title, department, after, basis]
search: [title, department, after]
"""


def add_typed_list(root: Path, list_type: str, title: str, files: dict[str, str], categories: bool) -> Path:
    folder = root / "lists" / "xingsheng" / list_type
    (folder / "matters").mkdir(parents=True)
    (folder / "list.yml").write_text(f"type: {list_type}\ntitle: {title}\ndocument_number: 青兴发〔2024〕1号\n",
                                     encoding="utf-8")
    if categories:
        shutil.copy(root / "lists" / "xingsheng" / "peihe" / "categories.yml", folder / "categories.yml")
    for name, text in files.items():
        (folder / "matters" / name).write_text(text, encoding="utf-8")
    return folder


def make_site(tmp_path: Path, shouhui: dict[str, str] = SHOUHUI) -> tuple[Path, Path]:
    root = make_library(tmp_path / "content", TOWNS, matters=3)
    add_typed_list(root, "jiben", "兴胜镇基本履职事项清单", JIBEN, categories=True)
    add_typed_list(root, "shouhui", "兴胜镇上级部门收回事项清单", shouhui, categories=False)
    return root, tmp_path / "site"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    root, site = make_site(tmp_path_factory.mktemp("typed"))
    build(root, site)
    return root, site


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM, so that Excel reads UTF-8"
    assert data.endswith(b"\r\n"), "rows end with CRLF (line breaks inside a cell stay LF)"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def section(text: str, heading: str) -> str:
    """The Markdown below ``## heading`` in a matter file's text, up to the next ``## ``."""
    body = text.split(f"## {heading}\n", 1)[1]
    return body.split("\n## ", 1)[0].strip()


def test_the_csv_has_the_declared_columns_and_every_character(built):
    _root, site = built
    rows = read_csv(site / "xingsheng" / "jiben" / "downloads" / "qingdan.csv")
    assert rows[0] == ["序号", "事项名称", "履职内容", "依据", "类别"]
    first = JIBEN["001-zu-zhi-dang-yuan-jiao-yu.md"]
    assert rows[1] == ["1", "组织开展党员教育", plain_text(section(first, "履职内容")),
                       "《中国共产党党员教育管理工作条例》", "党的建设"]
    assert "日常教育：" in rows[1][2] and "1.组织党员参加“三会一课”。" in rows[1][2]
    assert rows[2][3] == "", "an absent optional section is an empty cell"
    assert len(rows) == 1 + len(JIBEN)


def test_a_department_cell_is_the_canonical_name(built):
    _root, site = built
    rows = read_csv(site / "xingsheng" / "shouhui" / "downloads" / "qingdan.csv")
    assert rows[0] == ["序号", "事项名称", "收回部门", "收回后的履职方式"]
    assert rows[1][:3] == ["1", "临时救助审批", "青山区民政局"], "the alias 民政局 resolved"


def test_the_workbook_holds_the_same_cells_as_the_csv(built):
    from openpyxl import load_workbook

    _root, site = built
    for list_type in ("jiben", "shouhui"):
        folder = site / "xingsheng" / list_type / "downloads"
        sheet = load_workbook(folder / "qingdan.xlsx").active
        cells = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        assert cells == read_csv(folder / "qingdan.csv"), list_type


def test_the_json_carries_markdown_text_slugs_and_the_list_settings(built):
    root, site = built
    data = json.loads((site / "xingsheng" / "shouhui" / "downloads" / "qingdan.json").read_text(encoding="utf-8"))
    library = load_library(root)
    civil = next(d for d in library.departments if d.name == "青山区民政局")
    assert data["format_version"] == "1.0"
    assert data["list"]["town"] == "xingsheng" and data["list"]["type"] == "shouhui"
    assert data["list"]["document_number"] == "青兴发〔2024〕1号" and data["list"]["published"] is None
    assert data["columns"] == ["序号", "事项名称", "收回部门", "收回后的履职方式"]
    matter = data["matters"][0]
    assert matter["values"]["department"] == {"names": ["青山区民政局"], "slugs": [civil.slug]}
    source = SHOUHUI["001-lin-shi-jiu-zhu-shen-pi.md"]
    assert matter["values"]["after"]["markdown"] == section(source, "收回后的履职方式")
    assert matter["url"] == "matters/lin-shi-jiu-zhu-shen-pi.html"
    assert (site / "xingsheng" / "shouhui" / matter["url"]).is_file()
    jiben = json.loads((site / "xingsheng" / "jiben" / "downloads" / "qingdan.json").read_text(encoding="utf-8"))
    category = jiben["matters"][0]["values"]["category"]
    assert category["name"] == "党的建设" and category["slug"] in {c["slug"] for c in jiben["categories"]}


def test_the_typed_list_page_links_its_downloads(built):
    _root, site = built
    page = (site / "xingsheng" / "jiben" / "index.html").read_text(encoding="utf-8")
    for name in ("qingdan.xlsx", "qingdan.csv", "qingdan.json"):
        assert f'href="../../xingsheng/jiben/downloads/{name}"' in page


@pytest.mark.parametrize("list_type", ["jiben", "shouhui"])
@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_the_downloads_imported_back_change_no_byte(built, tmp_path, list_type, file_type):
    root, site = built
    copy = tmp_path / "content"
    shutil.copytree(root, copy)
    before = {path: path.read_bytes() for path in copy.rglob("*.md")}
    report = import_into_list(site / "xingsheng" / list_type / "downloads" / f"qingdan.{file_type}",
                              find_list(copy, f"xingsheng/{list_type}"))
    assert not (report.added or report.removed or report.changed), report.summary()
    assert {path: path.read_bytes() for path in copy.rglob("*.md")} == before


def test_a_site_s_own_declaration_changes_the_columns(tmp_path):
    with_basis = {name: text + "\n## 收回依据\n\n《社会救助暂行办法》\n" for name, text in SHOUHUI.items()}
    root, site = make_site(tmp_path, with_basis)
    (root / LIST_TYPES_DIR).mkdir()
    (root / LIST_TYPES_DIR / "shouhui.yml").write_text(SHOUHUI_VARIANT, encoding="utf-8")
    build(root, site)
    rows = read_csv(site / "xingsheng" / "shouhui" / "downloads" / "qingdan.csv")
    assert rows[0] == ["序号", "事项名称", "收回部门", "收回后的履职方式", "收回依据"]
    assert rows[1][4] == "《社会救助暂行办法》"


def test_the_downloads_are_byte_identical_when_built_again(built, tmp_path):
    root, site = built
    build(root, tmp_path / "again")
    for path in sorted((site / "xingsheng").glob("*/downloads/*")):
        assert (tmp_path / "again" / path.relative_to(site)).read_bytes() == path.read_bytes(), path


def test_the_documentation_names_every_field_of_the_json(built):
    import re

    from generator.content.list_types import load_list_types
    from generator.site import typed_downloads

    _root, site = built
    doc = (Path(__file__).resolve().parent.parent / "docs" / "downloads.md").read_text(encoding="utf-8")
    typed_part = doc.split("## Lists of other types", 1)[1]
    documented = set(re.findall(r"`([a-z_]+)(?:\[\])?`", typed_part))
    types = load_list_types()
    for list_type in ("jiben", "shouhui"):
        data = json.loads((site / "xingsheng" / list_type / "downloads" / "qingdan.json").read_text(encoding="utf-8"))
        keys = json_keys(data)
        declared = set(types[list_type].keys) - set(typed_downloads.OWN_KEYS)
        assert set(data["matters"][0]["values"]) == declared
        assert keys and not keys - documented, sorted(keys - documented)
    assert f"`{typed_downloads.FORMAT_VERSION}`" in typed_part
