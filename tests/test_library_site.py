"""The incremental engine of a multi-list folder (``serve``): an edit produces its matter's page first and then
what shows the matter, leaves every other file untouched, and the folder always equals a full build.

A small district: towns a, b and c with the fixture's first 12 matters as 配合 lists (b's matter 2 edited, so
the comparison has something to show), a and b with a 基本 and a 收回 list of two matters each.
"""
from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CONTENT, REPO, copy_content, init_repository
from generator.content.lists import load_library
from generator.engine.build import build
from generator.engine.library_site import LibrarySite
from generator.engine.server import deferred, site_app
from generator.errors import ContentErrors
from generator.site import urls
from generator.site.district_pages import department_page

PUBLISHER = "title: 青山区履职事项清单\ndistrict: 青山区\ncity: 包头市\nissuer: 包头市青山区人民政府\n"
MATTERS = 12
JIBEN = """---
id: {id}
number: {number}
title: {title}
category: 党的建设
---

## 履职内容

1. {duty}

## 依据

《中国共产党党员教育管理工作条例》
"""
SHOUHUI = """---
id: {id}
number: {number}
title: {title}
department: {department}
---

## 收回后的履职方式

{after}
"""
_stamps = itertools.count(1)


def touch(path: Path) -> None:
    """A new modification time: two edits within one clock tick must still be seen."""
    stamp = time.time_ns() + next(_stamps) * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    touch(path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    write(path, text.replace(old, new, 1))


def make_district(root: Path) -> Path:
    root.mkdir(parents=True)
    write(root / "site.yml", PUBLISHER)
    shutil.copy(CONTENT / "departments.yml", root / "departments.yml")
    for town in ("a", "b", "c"):
        folder = root / "lists" / town / "peihe"
        copy_content(folder, MATTERS)
        (folder / "site.yml").unlink()
        (folder / "departments.yml").unlink()
        write(folder / "list.yml", f"type: peihe\ntitle: {town}镇配合履职事项清单\n")
        write(root / "lists" / town / "town.yml", f"name: {town}镇\nkind: 镇\n")
    edit(next((root / "lists/b/peihe/matters").glob("002-*.md")), "\n1. ", "\n1. 认真")
    for town in ("a", "b"):
        jiben = root / "lists" / town / "jiben"
        write(jiben / "list.yml", f"type: jiben\ntitle: {town}镇基本履职事项清单\n")
        shutil.copy(CONTENT / "categories.yml", jiben / "categories.yml")
        for number, (matter_id, title) in enumerate((("dang-yuan-jiao-yu", "组织开展党员教育"),
                                                     ("dang-fei-shou-jiao", "收缴党费")), 1):
            write(jiben / "matters" / f"{number:03d}-{matter_id}.md",
                  JIBEN.format(id=matter_id, number=number, title=title, duty=f"{town}镇组织{title}。"))
        shouhui = root / "lists" / town / "shouhui"
        write(shouhui / "list.yml", f"type: shouhui\ntitle: {town}镇上级部门收回事项清单\n")
        for number, (matter_id, title, department) in enumerate(
                (("di-bao-shen-he", "最低生活保障审核确认", "民政局"),
                 ("nong-ji-jian-yan", "农机安全检验", "青山区农牧局")), 1):
            write(shouhui / "matters" / f"{number:03d}-{matter_id}.md",
                  SHOUHUI.format(id=matter_id, number=number, title=title, department=department,
                                 after=f"由{department}直接办理，{town}镇不再承担。"))
    return root


@pytest.fixture
def district(tmp_path: Path) -> Path:
    return make_district(tmp_path / "content")


@pytest.fixture
def site(district: Path, tmp_path: Path) -> LibrarySite:
    engine = LibrarySite(district, tmp_path / "out")
    first = engine.update()
    assert not first.errors and first.written
    return engine


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file's (inode, modification time): a file written again, even with the same bytes, shows here."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def assert_same_as_full_build(site: LibrarySite, tmp_path: Path) -> None:
    full = tmp_path / f"full-{next(_stamps)}"
    build(site.content_dir, full)
    built, kept = tree(full), tree(site.out_dir)
    assert sorted(kept) == sorted(built)
    assert [path for path in built if kept[path] != built[path]] == []


def matter_file(district: Path, key: str, number: int) -> Path:
    [path] = (district / "lists" / key / "matters").glob(f"{number:03d}-*.md")
    return path


def slug_of(district: Path, name: str) -> str:
    return next(department.slug for department in load_library(district).departments if department.name == name)


def test_the_first_update_is_a_full_build_and_a_second_does_nothing(site, tmp_path):
    assert_same_as_full_build(site, tmp_path)
    again = site.update()
    assert not again.changes and again.produced == () and again.written == ()


def test_editing_a_peihe_matter_writes_its_page_first_then_what_shows_it_and_nothing_else(site, district, tmp_path):
    path = matter_file(district, "a/peihe", 6)
    matter = next(m for m in load_library(district).lists[1].matters if m.number == 6)
    assert path.name == f"006-{matter.id}.md"
    before = stamps(site.out_dir)
    edit(path, "guarantee: 业务培训及指导。", "guarantee: 业务培训、指导及考核。")
    update = site.update()
    assert not update.errors
    page = f"a/peihe/{urls.matter(matter.id)}"
    assert update.produced[0] == page and page in update.written  # the edited page comes first
    produced = set(update.produced)
    departments = {department_page(slug_of(district, name)) for name in matter.departments}
    assert departments <= produced  # the district's pages of its departments show its duties
    assert f"compare/{matter.id}.html" in produced  # towns b and c list it too
    assert {"a/peihe/search/search-index.json", "a/peihe/index.html", urls.HOME} <= produced
    assert not [path for path in produced if path.startswith(("b/", "c/"))]  # the other towns' lists
    others = {path for path in before if re.fullmatch(r"departments/[^/]+/index\.html", path)} - departments
    assert len(others) > 5 and others.isdisjoint(produced), "departments without the matter are not rendered again"
    after = stamps(site.out_dir)
    assert sorted(path for path in after if after[path] != before.get(path)) == sorted(update.written)
    assert update.deleted == ()
    assert_same_as_full_build(site, tmp_path)


@pytest.mark.parametrize("key", ["b/jiben", "a/shouhui"])
def test_editing_a_typed_matter_writes_its_page_and_its_list_s_page(site, district, tmp_path, key):
    path = matter_file(district, key, 2)
    before = stamps(site.out_dir)
    edit(path, "。\n", "，另行通知。\n")
    update = site.update()
    assert not update.errors
    matter_id = path.stem.split("-", 1)[1]
    assert update.produced[0] == f"{key}/{urls.matter(matter_id)}"
    assert {f"{key}/{urls.matter(matter_id)}", f"{key}/index.html"} <= set(update.written)
    produced = set(update.produced)
    assert "search/search-index.js" in produced, "the district's search holds every list's matters"
    assert not [path for path in produced if path.split("/")[0] in ("a", "b", "c") and not path.startswith(key)]
    if key.endswith("shouhui"):  # the department it took the matter back to shows it
        assert department_page(slug_of(district, "青山区农牧局")) in update.written
        assert department_page(slug_of(district, "青山区民政局")) not in produced
    else:  # a 基本 matter is on no department's page
        assert not [path for path in produced if path.startswith("departments/") and path != "departments/index.html"]
    after = stamps(site.out_dir)
    assert sorted(path for path in after if after[path] != before.get(path)) == sorted(update.written)
    assert_same_as_full_build(site, tmp_path)


def test_renaming_a_matter_so_that_no_other_town_lists_it_removes_its_comparison(site, district, tmp_path):
    matter = next(m for m in load_library(district).lists[1].matters if m.number == 3)
    comparison = site.out_dir / f"compare/{matter.id}.html"
    assert comparison.is_file()
    for town in ("b", "c"):
        edit(matter_file(district, f"{town}/peihe", 3), f"title: {matter.title}", f"title: {matter.title}（{town}镇）")
    update = site.update()
    assert not update.errors and f"compare/{matter.id}.html" in update.deleted
    assert not comparison.exists()
    assert_same_as_full_build(site, tmp_path)


def test_adding_and_removing_matter_files_in_a_typed_list(site, district, tmp_path):
    added = district / "lists/b/shouhui/matters/003-wei-jian-cha-chu.md"
    write(added, SHOUHUI.format(id="wei-jian-cha-chu", number=3, title="违建查处", department="青山区住建局",
                                after="由青山区住建局直接查处。"))
    update = site.update()
    assert not update.errors and "b/shouhui/matters/wei-jian-cha-chu.html" in update.written
    assert update.produced[0] == "b/shouhui/matters/wei-jian-cha-chu.html"
    assert_same_as_full_build(site, tmp_path)
    added.unlink()
    update = site.update()
    assert not update.errors and "b/shouhui/matters/wei-jian-cha-chu.html" in update.deleted
    assert_same_as_full_build(site, tmp_path)


def test_list_town_and_shared_settings_rebuild_what_they_affect(site, district, tmp_path):
    edit(district / "lists/c/peihe/list.yml", "title: c镇配合履职事项清单", "title: c镇配合履职事项清单（修订）")
    update = site.update()
    assert not update.errors and "c/peihe/index.html" in update.written and urls.HOME in update.written
    assert not [path for path in update.produced if path.startswith(("a/", "b/"))]
    assert_same_as_full_build(site, tmp_path)
    edit(district / "lists/b/town.yml", "name: b镇", "name: 乙镇")
    assert not site.update().errors
    assert_same_as_full_build(site, tmp_path)
    edit(district / "site.yml", "title: 青山区履职事项清单", "title: 青山区履职事项清单（2026）")
    update = site.update()
    assert not update.errors and update.changes.settings
    assert_same_as_full_build(site, tmp_path)


def test_errors_in_several_lists_are_all_shown_and_the_last_good_site_is_kept(site, district, tmp_path):
    good = tree(site.out_dir)
    edit(matter_file(district, "b/peihe", 6), "category: 经济发展", "category: 经济发")
    edit(matter_file(district, "a/jiben", 1), "category: 党的建设", "category: 党建")
    update = site.update()
    with pytest.raises(ContentErrors) as raised:
        load_library(district)
    assert [str(error) for error in update.errors] == [str(error) for error in raised.value.errors]
    assert len(update.errors) == 2 and all(re.match(r".+\.md:\d+: ", str(error)) for error in update.errors)
    assert update.written == () and tree(site.out_dir) == good
    assert "unknown category &#39;经济发&#39;".encode() in site.error_page()
    edit(matter_file(district, "b/peihe", 6), "category: 经济发", "category: 经济发展")
    update = site.update()  # the 基本 list is still wrong: nothing is written
    assert [error.path.split("/lists/")[1] for error in update.errors] == ["a/jiben/matters/001-dang-yuan-jiao-yu.md"]
    assert tree(site.out_dir) == good
    edit(matter_file(district, "a/jiben", 1), "category: 党建", "category: 党的建设")
    update = site.update()
    assert not update.errors and not site.errors
    assert_same_as_full_build(site, tmp_path)


def test_a_list_settings_change_made_while_there_were_errors_is_not_lost(site, district, tmp_path):
    edit(matter_file(district, "c/peihe", 1), "number: 1", "number: 100")
    assert site.update().errors
    edit(district / "lists/a/peihe/list.yml", "title: a镇配合履职事项清单", "title: a镇配合清单")
    assert site.update().errors
    edit(matter_file(district, "c/peihe", 1), "number: 100", "number: 1")
    assert not site.update().errors
    assert_same_as_full_build(site, tmp_path)


def request(app, path: str) -> tuple[str, dict[str, str], bytes]:
    answer: dict = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path}, start_response))
    return answer["status"], answer["headers"], body


def test_the_server_app_serves_the_district_and_makes_a_list_s_downloads_on_request(district, tmp_path):
    site = LibrarySite(district, tmp_path / "out", defer=deferred)
    assert not site.update().errors
    app = site_app(site)
    for path in ("/", "/departments/index.html", "/a/jiben/index.html", "/a/peihe/index.html", "/compare/"):
        assert request(app, path)[0] == "200 OK", path
    assert request(app, "/a/nowhere.html")[0].startswith("404")
    download = "a/peihe/" + urls.JSON_DOWNLOAD
    assert not (site.out_dir / download).exists()  # deferred until asked for
    status, _headers, body = request(app, "/" + download)
    assert status == "200 OK" and '"title":'.encode() in body
    assert not (site.out_dir / "b/peihe" / urls.FULL_LIST).exists()
    assert request(app, "/b/peihe/" + urls.FULL_LIST)[0] == "200 OK"
    typed = "a/jiben/" + urls.CSV_DOWNLOAD  # a 基本 list's downloads too
    assert not (site.out_dir / typed).exists()
    status, _headers, body = request(app, "/" + typed)
    assert status == "200 OK" and "组织开展党员教育".encode() in body


def test_templates_and_assets_of_a_site_project(tmp_path, monkeypatch):
    """A site project (content/, templates/, static/ side by side): a template renders again the pages that use
    it; an asset is copied into the site's static/ and into every 配合 list's; a broken template is an error."""
    content = make_district(tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    site = LibrarySite(content, tmp_path / "out")
    assert not site.update().errors
    template = tmp_path / "templates/typed_matter.html"
    edit(template, "{% block main %}", "{% block main %}<!-- 模板已改 -->")
    update = site.update()
    assert not update.errors and update.produced
    assert {path for path in update.produced} == {
        f"{key}/{urls.matter(path.stem.split('-', 1)[1])}" for key in ("a/jiben", "a/shouhui", "b/jiben", "b/shouhui")
        for path in (content / "lists" / key / "matters").glob("*.md")}
    assert_same_as_full_build(site, tmp_path)
    edit(tmp_path / "static/style.css", "}", "}\n/* 已改 */", )
    update = site.update()
    assert sorted(update.written) == ["a/peihe/static/style.css", "b/peihe/static/style.css",
                                      "c/peihe/static/style.css", "static/style.css"]
    edit(template, "{% block main %}", "{% block main %}{% if %}")
    update = site.update()
    assert [error.path for error in update.errors] == [str(template)] or update.errors[0].path.endswith(
        "templates/typed_matter.html")
    edit(template, "{% block main %}{% if %}", "{% block main %}")
    assert not site.update().errors
    assert_same_as_full_build(site, tmp_path)


def git(repo: Path, *args: str, date: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)


def test_each_peihe_list_s_revision_history_as_build_shows_it_and_again_when_a_commit_moves_it(tmp_path):
    content = make_district(tmp_path / "content")
    init_repository(tmp_path)
    git(tmp_path, "add", "-A", date="2024-01-01T09:00:00+08:00")
    git(tmp_path, "commit", "-q", "-m", "清单", date="2024-01-01T09:00:00+08:00")
    site = LibrarySite(content, tmp_path / "out")
    assert not site.update().errors
    assert_same_as_full_build(site, tmp_path)
    edit(matter_file(content, "b/peihe", 6), "guarantee: 业务培训及指导。", "guarantee: 业务培训、指导及考核。")
    assert not site.update().errors
    git(tmp_path, "commit", "-q", "-am", "改\n\n修订说明: 第6项履职保障", date="2024-03-01T09:00:00+08:00")
    assert not site.update(check_history=False).changes  # the commit is looked for only when asked
    update = site.update(check_history=True)
    assert not update.errors and update.changes.history
    assert "b/peihe/history/index.html" in update.written
    assert not [path for path in update.produced if not path.startswith("b/peihe/")]
    assert_same_as_full_build(site, tmp_path)


def test_content_no_commit_touched_asks_git_once_for_every_list_s_history_until_a_commit(tmp_path, git_calls):
    """Serving content not committed yet, inside a checkout: one ``git log`` says no list has history, where
    each 配合 list's own read took a few calls (hundreds at a city); once it is committed, the lists are read."""
    init_repository(tmp_path)
    (tmp_path / "说明.txt").write_text("内容尚未提交\n", encoding="utf-8")
    git(tmp_path, "add", "-A", date="2023-12-01T09:00:00+08:00")
    git(tmp_path, "commit", "-q", "-m", "初始", date="2023-12-01T09:00:00+08:00")
    content = make_district(tmp_path / "content")
    site = LibrarySite(content, tmp_path / "out")
    git_calls.clear()
    assert not site.update().errors
    logs = [call for call in git_calls if "log" in call]
    assert len(logs) == 1 and len(git_calls) <= 4  # the head, finding the checkout, and the one log
    assert_same_as_full_build(site, tmp_path)  # no history, as the build shows it
    git(tmp_path, "add", "-A", date="2024-01-01T09:00:00+08:00")
    git(tmp_path, "commit", "-q", "-m", "清单\n\n修订说明: 首次发布", date="2024-01-01T09:00:00+08:00")
    update = site.update(check_history=True)
    assert not update.errors and update.changes.history
    assert "a/peihe/history/index.html" in update.written
    assert_same_as_full_build(site, tmp_path)


def test_a_reported_matter_edit_writes_its_page_first_and_an_unreported_one_is_still_caught(site, district, tmp_path):
    """``update(changed=…)``: the watcher's paths are stat-ed alone before the edited page is written; every file
    is stat-ed after that all the same, so an edit the watcher did not report is in the same update."""
    reported = matter_file(district, "a/peihe", 6)
    missed = matter_file(district, "b/jiben", 2)
    edit(reported, "guarantee: 业务培训及指导。", "guarantee: 业务培训、指导及考核。")
    edit(missed, "。\n", "，另行通知。\n")
    swap = reported.with_name(f".{reported.name}.swp")  # an editor's file beside it: not read, not a reason to rescan
    write(swap, "x")
    update = site.update(changed=[reported, swap])
    assert not update.errors
    matter_id = reported.stem.split("-", 1)[1]
    assert update.produced[0] == f"a/peihe/{urls.matter(matter_id)}"
    assert f"b/jiben/{urls.matter(missed.stem.split('-', 1)[1])}" in update.written
    assert {str(reported.relative_to(district)), str(missed.relative_to(district))} == set(update.changes.matters)
    assert_same_as_full_build(site, tmp_path)
    assert not site.update(changed=[reported]).changes  # reported again, unchanged: nothing to do


def test_reported_paths_that_are_not_matter_files_fall_back_to_the_full_scan(site, district, tmp_path):
    edit(district / "lists/c/peihe/list.yml", "title: c镇配合履职事项清单", "title: c镇配合清单")
    update = site.update(changed=[district / "lists/c/peihe/list.yml"])
    assert not update.errors and "c/peihe/index.html" in update.written
    assert_same_as_full_build(site, tmp_path)
    new_list = district / "lists/c/jiben"  # a new list folder: its matters' folder is not known yet
    shutil.copytree(district / "lists/a/jiben", new_list)
    edit(new_list / "list.yml", "title: a镇基本履职事项清单", "title: c镇基本履职事项清单")
    update = site.update(changed=[new_list / "matters" / "001-dang-yuan-jiao-yu.md"])
    assert not update.errors and "c/jiben/index.html" in update.written
    assert_same_as_full_build(site, tmp_path)


def test_reported_broken_deleted_and_renamed_matter_files_are_reported_or_followed(site, district, tmp_path):
    good = tree(site.out_dir)
    broken = matter_file(district, "b/peihe", 6)
    edit(broken, "category: 经济发展", "category: 经济发")
    update = site.update(changed=[broken])
    assert [error.path.split("/lists/")[1] for error in update.errors] == ["b/peihe/matters/" + broken.name]
    assert tree(site.out_dir) == good and "经济发".encode() in site.error_page()  # the last good site is kept
    edit(broken, "category: 经济发", "category: 经济发展")
    assert not site.update(changed=[broken]).errors
    removed = matter_file(district, "a/shouhui", 2)
    removed.unlink()
    update = site.update(changed=[removed])
    assert not update.errors and f"a/shouhui/{urls.matter('nong-ji-jian-yan')}" in update.deleted
    assert_same_as_full_build(site, tmp_path)
    good = tree(site.out_dir)
    renamed = matter_file(district, "a/jiben", 2)
    target = renamed.with_name("002-dang-fei.md")  # no longer the name its id and number give
    renamed.rename(target)
    update = site.update(changed=[renamed, target])
    assert [error.path.split("/lists/")[1] for error in update.errors] == ["a/jiben/matters/002-dang-fei.md"]
    assert tree(site.out_dir) == good
    target.rename(renamed)
    assert not site.update(changed=[target, renamed]).errors
    assert_same_as_full_build(site, tmp_path)


def test_serve_makes_the_district_s_search_when_asked_for_and_then_equals_the_build(district, tmp_path):
    site = LibrarySite(district, tmp_path / "out", defer=deferred, defer_search=True)
    assert not site.update().errors
    app = site_app(site)
    for name in ("search-index.json", "search-index.js"):
        assert not (site.out_dir / "search" / name).exists()  # deferred until asked for
    assert request(app, "/search/search-index.js")[0] == "200 OK"
    edited = matter_file(district, "b/shouhui", 2)
    edit(edited, "title: 农机安全检验", "title: 农机安全检验复核")
    update = site.update(changed=[edited])
    assert not update.errors and not [path for path in update.produced if path.startswith("search/search-index")]
    assert "农机安全检验复核".encode() not in (site.out_dir / "search/search-index.js").read_bytes()
    assert request(app, "/search/search-index.json")[0] == "200 OK"
    assert "农机安全检验复核".encode() in (site.out_dir / "search/search-index.js").read_bytes()  # made with the edit
    for path in ("a/peihe/" + urls.FULL_LIST, "b/peihe/" + urls.FULL_LIST, "c/peihe/" + urls.FULL_LIST,
                 *(f"{key}/{name}" for key in ("a/peihe", "b/peihe", "c/peihe", "a/jiben", "b/jiben", "a/shouhui",
                                               "b/shouhui") for name in (urls.JSON_DOWNLOAD, urls.CSV_DOWNLOAD,
                                                                         urls.XLSX_DOWNLOAD))):
        assert request(app, "/" + path)[0] == "200 OK", path  # every deferred output, made
    assert_same_as_full_build(site, tmp_path)
