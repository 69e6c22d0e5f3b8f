"""``migrate``: a single-list folder moves into lists/<town>/peihe/ without a byte of any matter changing,
its site.yml split with its comments; nothing is written when the result would not be the same valid list."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT, copy_content, init_repository
from generator.cli import main
from generator.content.check import load_valid_content
from generator.content.lists import load_library
from generator.content.migrate import MigrateError, migrate, split_site
from generator.errors import ContentErrors


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (but git's own) by its relative path."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and ".git" not in path.relative_to(folder).parts}


def matter_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (folder / "matters").glob("*")}


def test_migrate_changes_no_byte_of_any_matter_file(tmp_path):
    folder = copy_content(tmp_path / "content", matters=None)
    before_matters, before_categories = matter_bytes(folder), (folder / "categories.yml").read_bytes()
    before_departments, before = (folder / "departments.yml").read_bytes(), load_valid_content(folder)
    done = migrate(folder, "xingsheng")
    list_dir = folder / "lists/xingsheng/peihe"
    assert done.list_dir == list_dir and not done.with_git
    assert matter_bytes(list_dir) == before_matters and len(before_matters) == len(list(CONTENT.glob("matters/*")))
    assert (list_dir / "categories.yml").read_bytes() == before_categories
    assert (folder / "departments.yml").read_bytes() == before_departments
    assert sorted(path.name for path in folder.iterdir()) == ["departments.yml", "lists", "site.yml"]
    library = load_library(folder)  # as check loads it: valid
    after = library.content_of(library.lists[0])
    assert (after.matters, after.categories, after.departments) == (before.matters, before.categories,
                                                                    before.departments)
    assert (after.site.title, after.site.town, after.site.version, after.site.revision_note,
            after.site.description) == (before.site.title, before.site.town, before.site.version,
                                        before.site.revision_note, before.site.description)


def test_site_yml_is_split_with_its_comments(tmp_path):
    folder = copy_content(tmp_path / "content")
    migrate(folder, "xingsheng")
    site = (folder / "site.yml").read_text(encoding="utf-8")
    town = (folder / "lists/xingsheng/town.yml").read_text(encoding="utf-8")
    listed = (folder / "lists/xingsheng/peihe/list.yml").read_text(encoding="utf-8")
    assert site.startswith("# Site-wide settings.")  # the file's own comment stays with it
    assert [line.split(":")[0] for line in site.splitlines() if not line.startswith("#")] == [
        "title", "district", "city", "issuer"]
    assert town == "name: 兴胜镇\nkind: 镇\n"
    assert listed.startswith("type: peihe\ntitle: 兴胜镇配合履职事项清单\n")
    assert "# The list's edition as published; shown in every page's provenance block.\nedition: 现行版\n" in listed
    assert "description: >-\n  兴胜镇配合上级部门履职的事项清单" in listed  # a folded value keeps its lines


def test_optional_settings_go_where_they_belong():
    text = ("title: 清单\ntown: 河西街道\ndistrict: 青山区\ncity: 包头市\nissuer: 政府\nversion: 第一批\n"
            "revision_note: 注\npublished: 2024-06-01  # 发布日期\ndocument_number: 文号1\n"
            "base_path: /qingdan/\nbase_url: http://intranet.example/qingdan/\n")
    parts = split_site(text, "河西街道")
    assert parts["site.yml"] == ("title: 清单\ndistrict: 青山区\ncity: 包头市\nissuer: 政府\nbase_path: /qingdan/\n"
                                 "base_url: http://intranet.example/qingdan/\n")
    assert parts["town.yml"] == "name: 河西街道\nkind: 街道\n"
    assert parts["list.yml"] == ("type: peihe\ntitle: 清单\nedition: 第一批\nrevision_note: 注\n"
                                 "published: 2024-06-01  # 发布日期\ndocument_number: 文号1\n")


def test_migrate_in_git_moves_the_files_with_git(tmp_path):
    root = tmp_path / "repo"
    folder = copy_content(root / "content", matters=None)
    init_repository(root)
    git = ["git", "-C", str(root)]
    subprocess.run([*git, "add", "-A"], check=True, capture_output=True)
    subprocess.run([*git, "commit", "-qm", "清单"], check=True, capture_output=True)
    done = migrate(folder, "xingsheng")
    assert done.with_git
    status = subprocess.run([*git, "diff", "--cached", "-M", "--name-status"], check=True, capture_output=True,
                            text=True).stdout.splitlines()
    renames = [line for line in status if line.startswith("R100")]
    assert len(renames) == len(list(CONTENT.glob("matters/*.md"))) + 1  # every matter file and categories.yml
    assert all("\tcontent/lists/xingsheng/peihe/" in line for line in renames)
    added = sorted(line.split("\t")[1] for line in status if line.startswith("A"))
    assert added == ["content/lists/xingsheng/peihe/list.yml", "content/lists/xingsheng/town.yml"]
    assert "M\tcontent/site.yml" in status
    untracked = subprocess.run([*git, "status", "--porcelain", "--untracked-files=all"], check=True,
                               capture_output=True, text=True).stdout
    assert "??" not in untracked  # nothing left behind, no scratch copy


def test_migrate_refuses_a_multi_list_folder(tmp_path):
    folder = copy_content(tmp_path / "content", matters=3)
    migrate(folder, "xingsheng")
    before = snapshot(folder)
    with pytest.raises(MigrateError, match="already holds several lists"):
        migrate(folder, "hexi")
    assert snapshot(folder) == before


def test_migrate_refuses_invalid_content_and_writes_nothing(tmp_path):
    folder = copy_content(tmp_path / "content", matters=3)
    matter = next((folder / "matters").glob("002-*.md"))
    matter.write_text(matter.read_text(encoding="utf-8").replace("category: 党的建设", "category: 党建"),
                      encoding="utf-8")
    before = snapshot(folder)
    with pytest.raises(ContentErrors):
        migrate(folder, "xingsheng")
    assert snapshot(folder) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content"]  # no scratch copy left


def test_migrate_refuses_a_town_slug_that_is_not_ascii(tmp_path):
    folder = copy_content(tmp_path / "content", matters=3)
    before = snapshot(folder)
    with pytest.raises(MigrateError, match="not lower-case ASCII"):
        migrate(folder, "兴胜镇")
    assert snapshot(folder) == before


def test_migrate_keeps_a_bom_and_windows_line_ends_of_site_yml_readable(tmp_path):
    folder = copy_content(tmp_path / "content", matters=3)
    text = (folder / "site.yml").read_text(encoding="utf-8")
    (folder / "site.yml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    migrate(folder, "xingsheng")
    assert b"\r\nedition: " in (folder / "lists/xingsheng/peihe/list.yml").read_bytes()
    assert load_library(folder).lists[0].info.edition == "现行版"


def test_the_migrate_command_then_check(tmp_path, capsys):
    folder = copy_content(tmp_path / "content", matters=None)
    assert main(["migrate", str(folder), "--town", "xingsheng"]) == 0
    out = capsys.readouterr().out
    assert "moved: lists/xingsheng/peihe/matters" in out and "no matter file changed" in out
    assert main(["check", "--content", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("OK: towns: 1, lists: 1, matters: 100,")
    assert main(["migrate", "--content", str(folder), "--town", "xingsheng"]) == 1
    assert "already holds several lists" in capsys.readouterr().err
