"""The site of a content folder with several lists: the district home, the departments across the towns,
the same matter in several towns, and the pages of the 基本 and 收回 lists."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import CONTENT, copy_content
from generator.content.lists import load_library
from generator.engine.build import build

PUBLISHER = "title: 青山区履职事项清单\ndistrict: 青山区\ncity: 包头市\nissuer: 包头市青山区人民政府\n"
MATTERS = 12  # the fixture's first matters, in every town's 配合 list; 10 to 12 name 青山区民政局
EDITED_MATTER = 2  # of town b's 配合 list: one duty line differs from towns a and c
JIBEN = """---
id: zu-zhi-dang-yuan-jiao-yu
number: 1
title: 组织开展党员教育
category: 党的建设
---

## 履职内容

1. 组织党员参加集中学习。

## 依据

《中国共产党党员教育管理工作条例》
"""
SHOUHUI = """---
id: di-bao-shen-he
number: 1
title: 最低生活保障审核确认
department: 民政局
---

## 收回后的履职方式

由青山区民政局直接受理审核，镇不再承担初审。
"""


def add_peihe(root: Path, town: str, matters: int) -> Path:
    folder = root / "lists" / town / "peihe"
    copy_content(folder, matters)
    (folder / "site.yml").unlink()
    (folder / "departments.yml").unlink()
    (folder / "list.yml").write_text(f"type: peihe\ntitle: {town}镇配合履职事项清单\n", encoding="utf-8")
    return folder


def edit_duty_line(matters: Path, number: int) -> tuple[str, str]:
    """Change the first numbered town duty of matter ``number``: (the text removed, the text put in)."""
    path = next(matters.glob(f"{number:03d}-*.md"))
    text = path.read_text(encoding="utf-8")
    town_part = text.index("## 苏木乡镇（街道）配合职责")
    line = re.compile(r"^1\. (..)", re.M).search(text, town_part)
    assert line, "the fixture's matter has a numbered town duty"
    path.write_text(text[:line.start(1)] + "改动" + text[line.end(1):], encoding="utf-8")
    return line.group(1), "改动"


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> tuple[Path, Path, tuple[str, str]]:
    """Towns a, b, c with the fixture's first matters as 配合 lists (b's matter 2 edited); a with 基本 and 收回."""
    root = tmp_path_factory.mktemp("district") / "content"
    root.mkdir()
    (root / "site.yml").write_text(PUBLISHER, encoding="utf-8")
    shutil.copy(CONTENT / "departments.yml", root / "departments.yml")
    for slug in ("a", "b", "c"):
        add_peihe(root, slug, MATTERS)
        (root / "lists" / slug / "town.yml").write_text(f"name: {slug}镇\nkind: 镇\n", encoding="utf-8")
    edit = edit_duty_line(root / "lists" / "b" / "peihe" / "matters", EDITED_MATTER)
    jiben = root / "lists" / "a" / "jiben"
    (jiben / "matters").mkdir(parents=True)
    shutil.copy(CONTENT / "categories.yml", jiben / "categories.yml")
    (jiben / "list.yml").write_text("type: jiben\ntitle: a镇基本履职事项清单\nexample: true\n", encoding="utf-8")
    (jiben / "matters" / "001-zu-zhi-dang-yuan-jiao-yu.md").write_text(JIBEN, encoding="utf-8")
    shouhui = root / "lists" / "a" / "shouhui"
    (shouhui / "matters").mkdir(parents=True)
    (shouhui / "list.yml").write_text("type: shouhui\ntitle: a镇上级部门收回事项清单\n", encoding="utf-8")
    (shouhui / "matters" / "001-di-bao-shen-he.md").write_text(SHOUHUI, encoding="utf-8")
    site = root.parent / "site"
    build(root, site)
    return root, site, edit


def html(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def text_of(page: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page))


def test_the_home_names_every_town_and_list_with_its_size(district):
    root, site, _edit = district
    library = load_library(root)
    home = html(site, "index.html")
    for matter_list in library.lists:
        link = f'href="{matter_list.info.key}/index.html"'
        assert link in home, matter_list.info.key
        assert f"{len(matter_list.matters)} 项" in home
    assert 'href="departments/index.html"' in home and 'href="compare/index.html"' in home


def test_every_relative_link_of_the_site_resolves_and_nothing_is_fetched_from_elsewhere(district):
    _root, site, _edit = district
    checked = 0
    for page in site.rglob("*.html"):
        for target in re.findall(r'(?:href|src)="([^"]*)"', page.read_text(encoding="utf-8")):
            assert not re.match(r"[a-z]+:", target) or target.startswith(("mailto:", "data:")), (page, target)
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if path and not target.startswith("data:"):
                checked += 1
                assert (page.parent / path).exists(), (page.relative_to(site), target)
    assert checked > 100


def test_a_department_page_holds_every_town_s_matters_with_it_and_what_it_took_back(district):
    root, site, _edit = district
    library = load_library(root)
    civil = next(department for department in library.departments if department.name == "青山区民政局")
    page = html(site, f"departments/{civil.slug}/index.html")
    expected = 0
    for matter_list in library.lists:
        if matter_list.info.type != "peihe":
            continue
        for matter in matter_list.matters:
            if civil.name in matter.departments:
                expected += 1
                assert f'href="../../{matter_list.info.key}/matters/{matter.id}.html"' in page
    assert expected >= 3, "the fixture's first matters name 民政局 in every town"
    assert f"配合事项 {expected} 项" in page
    assert "收回事项 1 项" in page and "最低生活保障审核确认" in page, "the alias 民政局 resolved to the department"
    assert page.count('class="department-matter"') == expected
    for town in ("a镇", "b镇", "c镇"):
        assert f">{town}</h2>" in page


def test_the_same_matter_in_several_towns_marks_what_one_town_wrote_differently(district):
    root, site, (removed, inserted) = district
    library = load_library(root)
    edited = next(matter for matter in library.lists_of("b")[0].matters if matter.number == EDITED_MATTER)
    page = html(site, f"compare/{edited.id}.html")
    assert "a镇、c镇的文字相同" in text_of(page)
    assert re.search(rf"<del>(<span[^>]*>[^<]*</span>)?{removed}", page)
    assert re.search(rf"<ins>(<span[^>]*>[^<]*</span>)?{inserted}", page)
    assert 'href="../b/peihe/matters/' in page
    index = html(site, "compare/index.html")
    assert index.count("文字相同") == MATTERS - 1 and index.count("1 个不同") == 1


def test_a_jiben_list_walks_its_declaration(district):
    _root, site, _edit = district
    listing = html(site, "a/jiben/index.html")
    assert "党的建设" in listing and "组织开展党员教育" in listing
    page = html(site, "a/jiben/matters/zu-zhi-dang-yuan-jiao-yu.html")
    words = text_of(page)
    assert "履职内容" in words and "组织党员参加集中学习。" in words
    assert "依据" in words and "《中国共产党党员教育管理工作条例》" in words


def test_a_shouhui_matter_links_its_department_across_the_district(district):
    root, site, _edit = district
    civil = next(d for d in load_library(root).departments if d.name == "青山区民政局")
    page = html(site, "a/shouhui/matters/di-bao-shen-he.html")
    assert f'href="../../../departments/{civil.slug}/index.html">青山区民政局</a>' in page
    assert "收回后的履职方式" in page and "由青山区民政局直接受理审核，镇不再承担初审。" in text_of(page)


def test_pages_of_example_data_say_so_and_the_others_do_not(district):
    _root, site, _edit = district
    assert "示例数据" in html(site, "a/jiben/index.html")
    assert "示例数据" in html(site, "a/jiben/matters/zu-zhi-dang-yuan-jiao-yu.html")
    assert "示例数据" in html(site, "index.html"), "the district pages hold the example list too"
    assert "示例数据" not in html(site, "b/peihe/index.html")


def test_the_build_is_deterministic(district, tmp_path):
    root, site, _edit = district
    again = tmp_path / "again"
    build(root, again)
    first = {path.relative_to(site): path.read_bytes() for path in site.rglob("*") if path.is_file()}
    second = {path.relative_to(again): path.read_bytes() for path in again.rglob("*") if path.is_file()}
    assert first == second


def test_every_page_of_a_town_s_list_leads_back_to_the_district_home(district):
    _root, site, _edit = district
    title = re.search(r"^title: (.+)$", PUBLISHER, re.M).group(1)
    pages = list((site / "b" / "peihe").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        if page.name == "404.html":  # links from the root it finds, not from where it lies
            continue
        found = re.search(r'<p class="district-link wrap"><a href="([^"]+)">返回(.+?)</a></p>',
                          page.read_text(encoding="utf-8"))
        assert found and found.group(2) == title, page
        assert (page.parent / found.group(1)).resolve() == (site / "index.html").resolve(), page


def test_a_single_list_site_has_no_way_up_to_a_district(tmp_path):
    single = tmp_path / "site"
    build(CONTENT, single)
    assert "district-link" not in html(single, "index.html") + html(single, "matters/" + next(
        (single / "matters").glob("*.html")).name)
