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
from generator.site import urls

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


JIBEN_LINE, JIBEN_LINE_B = "1. 组织党员参加集中学习。", "1. 组织党员参加集中学习和讨论。"  # town b's jiben differs
SHOUHUI_DEPARTMENT_B = "青山区司法局"  # town b took back the same matter to another department


def add_typed(root: Path, town: str, list_type: str, matter: str, example: bool = False) -> None:
    """A 基本 or 收回 list of one matter in ``town``."""
    folder = root / "lists" / town / list_type
    (folder / "matters").mkdir(parents=True)
    if list_type == "jiben":
        shutil.copy(CONTENT / "categories.yml", folder / "categories.yml")
    flag = "example: true\n" if example else ""
    (folder / "list.yml").write_text(f"type: {list_type}\ntitle: {town}镇{TYPED_TITLES[list_type]}\n{flag}",
                                     encoding="utf-8")
    front = dict(line.split(": ", 1) for line in matter.split("---")[1].strip().splitlines())
    (folder / "matters" / f"{int(front['number']):03d}-{front['id']}.md").write_text(matter, encoding="utf-8")


TYPED_TITLES = {"jiben": "基本履职事项清单", "shouhui": "上级部门收回事项清单"}


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
    """Towns a, b, c with the fixture's first matters as 配合 lists (b's matter 2 edited); a with 基本 and 收回,
    b with both (one 基本 line and the 收回 department differ), c with a's 基本 list."""
    root = tmp_path_factory.mktemp("district") / "content"
    root.mkdir()
    (root / "site.yml").write_text(PUBLISHER, encoding="utf-8")
    shutil.copy(CONTENT / "departments.yml", root / "departments.yml")
    for slug in ("a", "b", "c"):
        add_peihe(root, slug, MATTERS)
        (root / "lists" / slug / "town.yml").write_text(f"name: {slug}镇\nkind: 镇\n", encoding="utf-8")
    edit = edit_duty_line(root / "lists" / "b" / "peihe" / "matters", EDITED_MATTER)
    add_typed(root, "a", "jiben", JIBEN, example=True)
    add_typed(root, "a", "shouhui", SHOUHUI)
    add_typed(root, "b", "jiben", JIBEN.replace(JIBEN_LINE, JIBEN_LINE_B))
    add_typed(root, "c", "jiben", JIBEN)
    add_typed(root, "b", "shouhui", SHOUHUI.replace("department: 民政局", f"department: {SHOUHUI_DEPARTMENT_B}"))
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
    peihe = next(matter_list for matter_list in library.lists_of("b") if matter_list.info.type == "peihe")
    edited = next(matter for matter in peihe.matters if matter.number == EDITED_MATTER)
    page = html(site, f"compare/{edited.id}.html")
    assert "a镇、c镇的文字相同" in text_of(page)
    assert re.search(rf"<del>(<span[^>]*>[^<]*</span>)?{removed}", page)
    assert re.search(rf"<ins>(<span[^>]*>[^<]*</span>)?{inserted}", page)
    assert 'href="../b/peihe/matters/' in page
    index = html(site, "compare/index.html")
    peihe = index[index.index(">配合履职事项清单</h2>"):]
    peihe = peihe[:peihe.index("</section>")]  # the other types have their own parts
    assert peihe.count("文字相同") == MATTERS - 1 and peihe.count("1 个不同") == 1


def test_the_same_typed_matter_in_several_towns_is_compared_field_by_field_within_its_type(district):
    _root, site, _edit = district
    page = html(site, "compare/jiben/zu-zhi-dang-yuan-jiao-yu.html")
    words = text_of(page)
    assert "出现在3个镇街的基本履职事项清单中；a镇、c镇的文字相同，1个镇街有不同" in words
    assert "履职内容" in words and re.search(r"<ins>(<span[^>]*>[^<]*</span>)?和讨论(<span[^>]*>[^<]*</span>)?</ins>", page)
    assert 'href="../../b/jiben/matters/zu-zhi-dang-yuan-jiao-yu.html"' in page
    assert "《中国共产党党员教育管理工作条例》" in words, "the reference text is shown, every declared section"
    taken = text_of(html(site, "compare/shouhui/di-bao-shen-he.html"))
    assert f"收回部门：青山区民政局→{SHOUHUI_DEPARTMENT_B}" in taken, "a department by its canonical name"
    index = html(site, "compare/index.html")
    for label in ("配合履职事项清单", "基本履职事项清单", "上级部门收回事项清单"):
        assert f'">{label}</h2>' in index
    assert "基本履职事项清单 · 3 个镇街 · 1 个不同" in index and "上级部门收回事项清单 · 2 个镇街 · 1 个不同" in index
    assert 'href="../compare/jiben/zu-zhi-dang-yuan-jiao-yu.html"' in index


def test_the_district_header_marks_the_page_it_names_and_leads_to_the_root_from_every_depth(district):
    """The header is rendered once per depth and section (render.Once): each page still gets its own marks."""
    _root, site, _edit = district
    checked = 0
    for page in site.rglob("*.html"):
        path = page.relative_to(site).as_posix()
        if "/peihe/" in path or path == urls.NOT_FOUND:  # a peihe list's pages have that list's header
            continue
        text = page.read_text(encoding="utf-8")
        header = text[text.index('<header class="site-header">'):text.index("</header>")]
        up = "../" * path.count("/")
        assert re.findall(r'href="([^"]*)"', header) == [
            up + target for target in (urls.HOME, *urls.DISTRICT_NAV)], path
        marked = re.findall(r'<a href="[^"]*?([^./][^"]*)" aria-current="(page|true)"', header)
        if path in urls.DISTRICT_NAV:
            wanted = (path, "page")
        else:
            top = path.split("/", 1)[0]
            wanted = (f"{top}/index.html" if top in ("departments", "compare") else urls.HOME, "true")
        assert marked == [wanted], (path, marked)
        checked += 1
    assert checked > 10


def test_a_jiben_list_walks_its_declaration(district):
    _root, site, _edit = district
    listing = html(site, "a/jiben/index.html")
    assert "党的建设" in listing and "组织开展党员教育" in listing
    page = html(site, "a/jiben/matters/zu-zhi-dang-yuan-jiao-yu.html")
    words = text_of(page)
    assert "履职内容" in words and "组织党员参加集中学习。" in words
    assert "依据" in words and "《中国共产党党员教育管理工作条例》" in words


def test_a_typed_list_outside_git_has_no_history_page_and_no_link_to_one(district):
    _root, site, _edit = district
    assert not (site / "a" / "jiben" / "history").exists()
    assert "history/index.html" not in html(site, "a/jiben/index.html")


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
