"""Content folders with several lists: the layout is recognised, every list is loaded and checked with the
shared departments, every error of every list is reported at once with path:line, and the site builds."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, copy_content
from generator.cli import main
from generator.content.check import check_content, load_valid_content
from generator.content.lists import is_multi_list, load_library
from generator.content.model import Publisher, Site
from generator.engine.build import build
from generator.errors import ContentErrors
from generator.site.render import pages

PUBLISHER = "title: 青山区履职事项清单\ndistrict: 青山区\ncity: 包头市\nissuer: 包头市青山区人民政府\n"
TOWNS = {"xingsheng": ("兴胜镇", "镇"), "hexi": ("河西街道", "街道")}


def add_list(root: Path, town: str, list_type: str = "peihe", matters: int | None = 5,
             list_yml: str | None = None) -> Path:
    """A list folder ``lists/<town>/<type>/`` with the tests' categories and the first ``matters`` matters."""
    folder = root / "lists" / town / list_type
    copy_content(folder, matters)
    (folder / "site.yml").unlink()
    (folder / "departments.yml").unlink()
    (folder / "list.yml").write_text(list_yml if list_yml is not None else
                                     f"type: {list_type}\ntitle: {town}配合履职事项清单\n", encoding="utf-8")
    return folder


def make_library(root: Path, towns: dict[str, tuple[str, str]] = TOWNS, matters: int | None = 5) -> Path:
    """A multi-list folder: the publisher, the shared departments, each town with a peihe list."""
    root.mkdir(parents=True)
    (root / "site.yml").write_text(PUBLISHER, encoding="utf-8")
    shutil.copy(CONTENT / "departments.yml", root / "departments.yml")
    for slug, (name, kind) in towns.items():
        add_list(root, slug, matters=matters)
        (root / "lists" / slug / "town.yml").write_text(f"name: {name}\nkind: {kind}\n", encoding="utf-8")
    return root


def errors_of(root: Path) -> list[tuple[str, int, str, str]]:
    """(path below ``root``, line, message, suggestion) of every error ``load_library`` raises."""
    with pytest.raises(ContentErrors) as raised:
        load_library(root)
    prefix = root.as_posix() + "/"
    return [(error.path.removeprefix(prefix), error.line, error.message, error.suggestion)
            for error in raised.value.errors]


def find(errors: list[tuple[str, int, str, str]], path: str, message: str) -> tuple[str, int, str, str]:
    found = [error for error in errors if error[0] == path and message in error[2]]
    assert len(found) == 1, (path, message, errors)
    return found[0]


# --- layouts ----------------------------------------------------------------------------------------

def test_single_list_folder_is_a_library_of_one_town_and_one_peihe_list(empty_content):
    folder = copy_content(empty_content.parent / "single", matters=None)
    library = load_library(folder)
    content = load_valid_content(folder)
    assert not is_multi_list(folder) and library.single
    assert isinstance(library.site, Site) and library.site == content.site
    assert [town.name for town in library.towns] == ["兴胜镇"]
    assert [(matter_list.info.type, matter_list.info.title) for matter_list in library.lists] == [
        ("peihe", content.site.title)]
    assert library.content_of(library.lists[0]) == content  # today's Content, so today's renderer builds it


def test_several_towns_share_the_departments(tmp_path):
    root = make_library(tmp_path / "district")
    library = load_library(root)
    assert is_multi_list(root) and not library.single
    assert isinstance(library.site, Publisher) and library.site.title == "青山区履职事项清单"
    assert [(town.slug, town.name, town.kind) for town in library.towns] == [
        ("hexi", "河西街道", "街道"), ("xingsheng", "兴胜镇", "镇")]
    assert [matter_list.info.key for matter_list in library.lists] == ["hexi/peihe", "xingsheng/peihe"]
    assert [len(matter_list.matters) for matter_list in library.lists] == [5, 5]
    single = load_valid_content(CONTENT)
    assert library.departments == single.departments
    for matter_list in library.lists:
        content = library.content_of(matter_list)
        assert content.departments is library.departments
        # the duty sections' departments are resolved against the shared departments, as in a single list
        assert content.matters == single.matters[:5]
    hexi = library.content_of(library.lists[0]).site
    assert (hexi.town, hexi.district, hexi.issuer, hexi.version) == ("河西街道", "青山区", "包头市青山区人民政府", "现行版")


def test_list_settings_and_the_publishers_base_path(tmp_path):
    root = make_library(tmp_path / "district", {"xingsheng": ("兴胜镇", "镇")})
    (root / "site.yml").write_text(PUBLISHER + "base_path: /qingdan/\nbase_url: http://intranet.example/qingdan\n",
                                   encoding="utf-8")
    (root / "lists/xingsheng/peihe/list.yml").write_text(
        "type: peihe\ntitle: 兴胜镇配合履职事项清单\nissuer: 兴胜镇人民政府\nedition: 2024年版\n"
        "document_number: 青兴政发〔2024〕3号\npublished: 2024-06-01\nvalidity: 失效\nrevision_note: 注：……\n"
        "description: 说明\nexample: true\n", encoding="utf-8")
    matter_list = load_library(root).lists[0]
    info = matter_list.info
    assert (info.edition, info.document_number, info.published, info.validity, info.example) == (
        "2024年版", "青兴政发〔2024〕3号", "2024-06-01", "失效", True)
    site = load_library(root).content_of(matter_list).site
    assert (site.issuer, site.version, site.published, site.base_path, site.base_url) == (
        "兴胜镇人民政府", "2024年版", "2024-06-01", "/qingdan/xingsheng/peihe/",
        "http://intranet.example/qingdan/xingsheng/peihe/")


# --- errors -----------------------------------------------------------------------------------------

def test_every_error_of_every_list_at_once_with_path_and_line(tmp_path):
    root = make_library(tmp_path / "district")
    hexi = root / "lists/hexi/peihe"
    (hexi / "list.yml").write_text("type: peihe\ntitle: 河西配合清单\nvalidty: 有效\n", encoding="utf-8")
    matter = next((hexi / "matters").glob("002-*.md"))
    matter.write_text(matter.read_text(encoding="utf-8").replace("category: 党的建设", "category: 党建"),
                      encoding="utf-8")
    xingsheng = root / "lists/xingsheng/peihe"
    (xingsheng / "list.yml").write_text("type: jiben\ntitle: 兴胜镇清单\npublished: 2024-6-1\n", encoding="utf-8")
    other = next((xingsheng / "matters").glob("003-*.md"))
    other.write_text(other.read_text(encoding="utf-8").replace("- 青山区关工委", "- 青山区关公委", 1),
                     encoding="utf-8")
    errors = errors_of(root)
    assert find(errors, "lists/hexi/peihe/list.yml", "unknown field 'validty'")[1:] == (
        3, "unknown field 'validty'", "did you mean 'validity'?")
    category_line = _line_of(matter, "category:")
    assert find(errors, f"lists/hexi/peihe/matters/{matter.name}", "unknown category")[1] == category_line
    assert find(errors, "lists/xingsheng/peihe/list.yml", "is not the folder's")[1] == 1
    assert find(errors, "lists/xingsheng/peihe/list.yml", "unusable value")[1] == 3
    assert find(errors, f"lists/xingsheng/peihe/matters/{other.name}", "unknown department")[1] == _line_of(
        other, "departments:")
    assert len(errors) == 5


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(start))


def test_an_error_of_the_shared_departments_is_reported_once(tmp_path):
    root = make_library(tmp_path / "district")
    departments = root / "departments.yml"
    text = departments.read_text(encoding="utf-8")
    departments.write_text(text.replace("level: 区级", "level: 县级", 1), encoding="utf-8")
    errors = errors_of(root)
    line = next(number for number, row in enumerate(text.splitlines(), start=1) if "level: 区级" in row)
    assert [(path, number) for path, number, message, _hint in errors] == [("departments.yml", line)]
    assert "unknown level" in errors[0][2]


def test_unreadable_shared_departments_are_named_first_without_echoes(tmp_path):
    root = make_library(tmp_path / "district")
    (root / "departments.yml").write_text("", encoding="utf-8")
    errors = errors_of(root)
    assert errors[0][:3] == ("departments.yml", 1, "departments.yml is empty")
    assert len(errors) == 1  # no "unknown department" in every matter of every list


def test_the_folders_and_files_of_the_layout(tmp_path):
    root = make_library(tmp_path / "district")
    (root / "lists/notes.txt").write_text("x", encoding="utf-8")
    (root / "lists/xingsheng/town.yml").unlink()
    (root / "lists/hexi/配合").mkdir()
    (root / "lists/hexi/pehie").mkdir()
    (root / "lists/hexi/readme.md").write_text("x", encoding="utf-8")
    (root / "lists/兴胜").mkdir()
    (root / "lists/kunqu").mkdir()
    (root / "lists/kunqu/town.yml").write_text("name: 昆区\nkind: 区\n", encoding="utf-8")
    errors = errors_of(root)
    assert find(errors, "lists/notes.txt", "a file in lists/")[1] == 1
    missing = find(errors, "lists/xingsheng/town.yml", "has no town.yml")
    assert "name: …" in missing[3]
    assert "did you mean 'peihe'" in find(errors, "lists/hexi/配合", "unknown list type")[3]
    assert "did you mean 'peihe'" in find(errors, "lists/hexi/pehie", "unknown list type")[3]
    assert find(errors, "lists/hexi/readme.md", "a file in a town's folder")[1] == 1
    assert "'xing-sheng'" in find(errors, "lists/兴胜", "is not an ASCII slug")[3]
    assert find(errors, "lists/kunqu/town.yml", "unknown kind of town")[1] == 2
    assert find(errors, "lists/kunqu", "holds no list")[1] == 1


def test_an_empty_lists_folder(tmp_path):
    root = make_library(tmp_path / "district", {})
    (root / "lists").mkdir()
    assert [error[:3] for error in errors_of(root)] == [("lists", 1, "the folder lists/ holds no town")]


def test_the_publisher_refuses_a_single_lists_settings(tmp_path):
    root = make_library(tmp_path / "district")
    (root / "site.yml").write_text(PUBLISHER + "town: 兴胜镇\nversion: 现行版\ntitel: x\n", encoding="utf-8")
    errors = errors_of(root)
    assert "town.yml" in find(errors, "site.yml", "field 'town' does not belong")[3]
    assert "list.yml" in find(errors, "site.yml", "field 'version' does not belong")[3]
    assert find(errors, "site.yml", "unknown field 'titel'")[1:] == (7, "unknown field 'titel'", "did you mean 'title'?")


def test_list_settings_are_checked(tmp_path):
    root = make_library(tmp_path / "district", {"xingsheng": ("兴胜镇", "镇")})
    (root / "lists/xingsheng/peihe/list.yml").write_text(
        "type: peihe\nvalidity: 作废\nexample: 是\n", encoding="utf-8")
    errors = errors_of(root)
    assert find(errors, "lists/xingsheng/peihe/list.yml", "missing or empty field 'title'")[1] == 1
    assert find(errors, "lists/xingsheng/peihe/list.yml", "unknown validity")[1] == 2
    assert find(errors, "lists/xingsheng/peihe/list.yml", "'example' should be true or false")[1] == 3


def test_a_list_type_nobody_declared_is_refused_at_the_list(tmp_path):
    root = make_library(tmp_path / "district", {"xingsheng": ("兴胜镇", "镇")})
    (root / "lists/xingsheng/qita/matters").mkdir(parents=True)
    (root / "lists/xingsheng/qita/list.yml").write_text("type: qita\ntitle: 其他\n", encoding="utf-8")
    assert [error[:3] for error in errors_of(root)] == [
        ("lists/xingsheng/qita", 1, "unknown list type 'qita'")]


# --- the commands -----------------------------------------------------------------------------------

def test_check_over_a_multi_list_folder(tmp_path, capsys):
    root = make_library(tmp_path / "district")
    assert main(["check", "--content", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "OK: towns: 2, lists: 2, matters: 10, departments: 32."
    assert out[1:] == ["  hexi/peihe (河西街道) hexi配合履职事项清单: 5 matters, 8 categories",
                       "  xingsheng/peihe (兴胜镇) xingsheng配合履职事项清单: 5 matters, 8 categories"]
    (root / "lists/hexi/town.yml").unlink()
    assert main(["check", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"lists/hexi/town\.yml:1: the town's folder has no town\.yml", err)
    assert err.rstrip().endswith("1 error.")


def test_check_over_a_single_list_folder_is_as_before(capsys):
    assert main(["check", "--content", str(CONTENT)]) == 0
    assert capsys.readouterr().out == check_content(CONTENT) + "\n"


def test_build_of_a_multi_list_folder(tmp_path):
    root = make_library(tmp_path / "district", matters=None)
    (root / "lists/hexi/peihe/list.yml").write_text("type: peihe\ntitle: 河西配合清单\nexample: true\n",
                                                    encoding="utf-8")
    out = tmp_path / "site"
    report = build(root, out)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>青山区履职事项清单</h1>" in home and "兴胜镇" in home and "河西街道" in home
    assert "示例数据" in home and home.count("100 项") == 2
    links = re.findall(r'(?:href|src)="([^"#]+)"', home)
    assert "hexi/peihe/index.html" in links and "xingsheng/peihe/index.html" in links
    for link in links:  # every link of the home is relative and leads to a file of the site
        assert not link.startswith(("/", "http")) and (out / link).is_file(), link
    assert (out / "xingsheng/peihe/matters").is_dir() and (out / "hexi/peihe/downloads/qingdan.json").is_file()
    list_pages = len(pages(load_valid_content(CONTENT)))
    for town in ("xingsheng", "hexi"):  # each list has today's pages; the rest are the district's own
        assert len(list((out / town / "peihe").rglob("*.html"))) == list_pages
    district_pages = [path for path in out.rglob("*.html") if path.relative_to(out).parts[0] not in TOWNS]
    assert report.pages == 2 * list_pages + len(district_pages)
    assert (out / "departments/index.html").is_file() and (out / "compare/index.html").is_file()


def test_a_list_of_a_multi_list_folder_builds_as_the_same_single_list(tmp_path):
    """Outside git (no history), a list's pages in <town>/<type>/ are those of the same list alone,
    but for the line leading back to the district's home."""
    single = copy_content(tmp_path / "single", matters=None)
    build(single, tmp_path / "single-site")
    root = make_library(tmp_path / "district", {"xingsheng": ("兴胜镇", "镇")}, matters=None)
    site_yml = (CONTENT / "site.yml").read_text(encoding="utf-8")
    fields = dict(line.split(": ", 1) for line in site_yml.splitlines() if ": " in line and line[0] != "#")
    (root / "lists/xingsheng/peihe/list.yml").write_text(
        f"type: peihe\ntitle: {fields['title']}\nissuer: {fields['issuer']}\nrevision_note: {fields['revision_note']}\n"
        f"description: {load_valid_content(CONTENT).site.description}\n", encoding="utf-8")
    build(root, tmp_path / "district-site")
    before, after = _tree(tmp_path / "single-site"), _tree(tmp_path / "district-site/xingsheng/peihe")
    assert before.keys() == after.keys() and len(before) > 100
    way_up = '<p class="district-link wrap"><a href="{}../../index.html">返回青山区履职事项清单</a></p>\n'
    for name in after:
        if name.endswith(".html") and name != "404.html":
            up = way_up.format("../" * name.count("/")).encode("utf-8")
            assert up in after[name], name
            after[name] = after[name].replace(up, b"", 1)
    assert [name for name in before if before[name] != after[name]] == []


def _tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("command", [["serve"]])  # import: test_list_import.py; diff, comment: test_review_lists.py
def test_commands_that_know_one_list_refuse_several(tmp_path, capsys, command):
    root = make_library(tmp_path / "district", matters=1)
    before = sorted(path.relative_to(root) for path in root.rglob("*"))
    assert main([*command, "--content", str(root)]) == 1
    assert f"'{command[0]}' does not support that yet" in capsys.readouterr().err
    assert sorted(path.relative_to(root) for path in root.rglob("*")) == before


def test_a_single_lists_files_left_beside_lists_are_not_dropped_in_silence(tmp_path):
    root = make_library(tmp_path / "district", {"xingsheng": ("兴胜镇", "镇")})
    copy_content(root, matters=1)  # categories.yml and matters/ of a single list, at the top
    (root / "site.yml").write_text(PUBLISHER, encoding="utf-8")
    (root / "departments.yml").write_text((CONTENT / "departments.yml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    errors = errors_of(root)
    assert [error[:2] for error in errors] == [("categories.yml", 1), ("matters", 1)]
    assert all("is not read" in error[2] for error in errors)


def test_the_shared_departments_are_checked_even_without_a_list_to_check_them(tmp_path):
    root = make_library(tmp_path / "district", {})
    (root / "lists").mkdir()
    departments = root / "departments.yml"
    departments.write_text(departments.read_text(encoding="utf-8").replace("level: 区级", "level: 县级", 1),
                           encoding="utf-8")
    assert [error[0] for error in errors_of(root)] == ["departments.yml", "lists"]
