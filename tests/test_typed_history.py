"""The revision history of a 基本 or 收回 list: its folder's commits, each compared by the type's declaration."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT, init_repository
from generator.content.list_types import load_list_types
from generator.review.changes import ADDED, CHANGED, REMOVED
from generator.review.typed_history import load_typed_history

PUBLISHER = "title: 青山区履职事项清单\ndistrict: 青山区\ncity: 包头市\nissuer: 包头市青山区人民政府\n"
MATTER = """---
id: zu-zhi-dang-yuan-jiao-yu
number: 1
title: 组织开展党员教育
category: 党的建设
---

## 履职内容

1. 组织党员参加集中学习。
"""
MATTER_FILE = "lists/a/jiben/matters/001-zu-zhi-dang-yuan-jiao-yu.md"


def commit(root: Path, message: str) -> None:
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, capture_output=True)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", message], check=True, capture_output=True)


def add_three_matters(repo: Path) -> Path:
    """Matters m2, m3 and m4 added to town a's 基本 list and committed; the list's matters folder."""
    matters = repo / "content" / "lists" / "a" / "jiben" / "matters"
    for number in (2, 3, 4):
        (matters / f"00{number}-m{number}.md").write_text(
            MATTER.replace("id: zu-zhi-dang-yuan-jiao-yu", f"id: m{number}").replace("number: 1", f"number: {number}")
            .replace("组织开展党员教育", f"第{number}项事项"), encoding="utf-8")
    commit(repo, "再添三项")
    return matters


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A repository whose content folder has town a's 基本 list of one matter, committed."""
    root = tmp_path / "repo"
    content = root / "content"
    (content / "lists" / "a" / "jiben" / "matters").mkdir(parents=True)
    (content / "site.yml").write_text(PUBLISHER, encoding="utf-8")
    shutil.copy(CONTENT / "departments.yml", content / "departments.yml")
    (content / "lists" / "a" / "town.yml").write_text("name: 甲镇\nkind: 镇\n", encoding="utf-8")
    jiben = content / "lists" / "a" / "jiben"
    shutil.copy(CONTENT / "categories.yml", jiben / "categories.yml")
    (jiben / "list.yml").write_text("type: jiben\ntitle: 甲镇基本履职事项清单\n", encoding="utf-8")
    (content / MATTER_FILE).write_text(MATTER, encoding="utf-8")
    init_repository(root)
    commit(root, "添加基本清单")
    return root


def test_each_commit_of_the_list_s_folder_is_a_revision_told_by_the_declaration(repo: Path):
    content = repo / "content"
    matter = content / MATTER_FILE
    matter.write_text(MATTER.replace("集中学习", "集中学习和讨论"), encoding="utf-8")
    commit(repo, "改第1项\n\n修订说明: 增加讨论环节。")
    (content / "departments.yml").write_text((content / "departments.yml").read_text(encoding="utf-8") + "\n",
                                             encoding="utf-8")
    commit(repo, "只改部门文件")  # not a revision of this list
    history = load_typed_history(content, "a/jiben", load_list_types()["jiben"])
    assert [revision.notes for revision in history.revisions] == [("增加讨论环节。",), ()]
    latest, first = history.revisions
    assert [matter.kind for matter in first.change.matters] == [ADDED]
    (changed,) = latest.change.matters
    assert changed.kind == CHANGED and [(field.label, field.field) for field in changed.fields] == [("履职内容", "content")]
    assert not history.skipped


def test_a_commit_that_changes_nothing_in_the_list_is_not_a_revision(repo: Path):
    content = repo / "content"
    list_file = content / "lists" / "a" / "jiben" / "list.yml"
    list_file.write_text(list_file.read_text(encoding="utf-8") + "# 注释\n", encoding="utf-8")
    commit(repo, "只加注释")
    history = load_typed_history(content, "a/jiben", load_list_types()["jiben"])
    assert len(history.revisions) == 1


def test_a_revision_whose_matter_cannot_be_read_is_left_out_with_a_warning(repo: Path):
    content = repo / "content"
    (content / MATTER_FILE).write_text("---\nid: [broken\n---\n", encoding="utf-8")
    commit(repo, "坏文件")
    history = load_typed_history(content, "a/jiben", load_list_types()["jiben"])
    assert len(history.revisions) == 1, "the first revision is still told"
    (skipped,) = history.skipped
    assert "001-zu-zhi-dang-yuan-jiao-yu.md" in skipped.file
    assert skipped.commit in history.warnings()[0]


def test_outside_a_git_checkout_there_is_no_history(tmp_path: Path):
    folder = tmp_path / "content"
    folder.mkdir()
    assert load_typed_history(folder, "a/jiben", load_list_types()["jiben"]).revisions == ()


def test_the_built_list_links_its_history_page_which_tells_each_revision(repo: Path):
    from generator.engine.build import build

    content = repo / "content"
    (content / MATTER_FILE).write_text(MATTER.replace("集中学习", "集中学习和讨论"), encoding="utf-8")
    commit(repo, "改第1项\n\n修订说明: 增加讨论环节。")
    site = repo / "site"
    build(content, site)
    listing = (site / "a" / "jiben" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../a/jiben/history/index.html"' in listing
    page = (site / "a" / "jiben" / "history" / "index.html").read_text(encoding="utf-8")
    assert page.count("<time ") == 2 and "修订说明：增加讨论环节。" in page
    assert 'href="../../../a/jiben/matters/zu-zhi-dang-yuan-jiao-yu.html">第1项 组织开展党员教育</a>' in page
    assert "履职内容" in page and "和讨论" in page and "<ins>" in page
    assert '新增<a href="../../../a/jiben/matters/zu-zhi-dang-yuan-jiao-yu.html">第1项' in page, "the first revision"
    matter = (site / "a" / "jiben" / "matters" / "zu-zhi-dang-yuan-jiao-yu.html").read_text(encoding="utf-8")
    start = matter.index('<ol class="revision-list">')
    revisions = matter[start:matter.index("</ol>", start)]
    assert revisions.count("<li>") == 2
    assert "第1项 履职内容 修改<span class=\"change-note\">（修订说明：增加讨论环节。）</span>" in revisions
    assert "新增第1项 组织开展党员教育" in revisions
    assert 'href="../../../a/jiben/history/index.html"' in matter


def test_a_revision_with_a_symbolic_link_in_the_list_is_left_out_with_a_warning(repo: Path):
    content = repo / "content"
    (content / "lists" / "a" / "jiben" / "matters" / "002-lian-jie.md").symlink_to("001-zu-zhi-dang-yuan-jiao-yu.md")
    commit(repo, "链接")
    history = load_typed_history(content, "a/jiben", load_list_types()["jiben"])
    assert len(history.revisions) == 1
    (skipped,) = history.skipped
    assert skipped.file.endswith("lists/a/jiben/matters/002-lian-jie.md")


def test_each_version_of_a_matter_file_is_parsed_once_however_many_revisions_read_it(repo: Path, monkeypatch):
    """Three more matters, then three revisions each editing one of them: 4 + 3 versions, 7 parses (a
    revision's side was read whole before: 1 + 4 × 4 parses), and the history is the same."""
    from generator.review import typed_history

    matters = add_three_matters(repo)
    for number in (2, 3, 4):
        path = matters / f"00{number}-m{number}.md"
        path.write_text(path.read_text(encoding="utf-8") + "2. 按要求报送情况。\n", encoding="utf-8")
        commit(repo, f"修订第{number}项")
    parsed = []
    real = typed_history.read_typed_files
    monkeypatch.setattr(typed_history, "read_typed_files",
                        lambda paths, label, list_type: parsed.extend(paths) or real(paths, label, list_type))
    list_type = load_list_types(repo / "content" / "list_types")["jiben"]
    history = load_typed_history(repo / "content", "a/jiben", list_type)
    assert len(parsed) == 7
    monkeypatch.setattr(typed_history, "read_typed_files", real)
    assert [[(matter.id, matter.kind) for matter in revision.change.matters] for revision in history.revisions] == [
        [("m4", CHANGED)], [("m3", CHANGED)], [("m2", CHANGED)],
        [("m2", ADDED), ("m3", ADDED), ("m4", ADDED)], [("zu-zhi-dang-yuan-jiao-yu", ADDED)]]


def test_a_list_added_after_the_first_commit_has_its_first_revision_told(repo: Path):
    """The commit that adds town b's list has a parent without it: that side is an empty list (it was
    read as an unreadable folder, and the revision left out with a warning)."""
    content = repo / "content"
    shutil.copytree(content / "lists" / "a", content / "lists" / "b")
    (content / "lists" / "b" / "town.yml").write_text("name: 乙镇\nkind: 镇\n", encoding="utf-8")
    commit(repo, "添加乙镇")
    history = load_typed_history(content, "b/jiben", load_list_types()["jiben"])
    assert not history.skipped
    assert [[(matter.id, matter.kind) for matter in revision.change.matters] for revision in history.revisions] == [
        [("zu-zhi-dang-yuan-jiao-yu", ADDED)]]


def test_going_from_side_to_side_writes_only_the_files_that_differ(repo: Path, monkeypatch):
    """Each side is checked out into one scratch folder: a revision that edits or removes one matter file
    writes or removes that file, not the whole list again (a district's history created 11,000 files)."""
    matters = add_three_matters(repo)
    path = matters / "003-m3.md"
    path.write_text(path.read_text(encoding="utf-8") + "2. 按要求报送情况。\n", encoding="utf-8")
    commit(repo, "修订第3项")
    (matters / "002-m2.md").unlink()
    commit(repo, "删去第2项")
    written: list[str] = []
    real = Path.write_bytes
    monkeypatch.setattr(Path, "write_bytes", lambda self, data: written.append(self.name) or real(self, data))
    history = load_typed_history(repo / "content", "a/jiben", load_list_types()["jiben"])
    monkeypatch.setattr(Path, "write_bytes", real)
    assert [[(matter.id, matter.kind) for matter in revision.change.matters] for revision in history.revisions] == [
        [("m2", REMOVED)], [("m3", CHANGED)], [("m2", ADDED), ("m3", ADDED), ("m4", ADDED)],
        [("zu-zhi-dang-yuan-jiao-yu", ADDED)]]
    assert written.count("003-m3.md") == 2, "once per version"
    assert written.count("001-zu-zhi-dang-yuan-jiao-yu.md") == 1 and written.count("site.yml") == 1
    assert not history.skipped


def test_settings_are_read_once_for_sides_that_share_them(repo: Path, monkeypatch):
    """Revisions that edit only matters read site.yml, departments.yml, the declarations and categories.yml
    once (the first side); a revision that edits categories.yml reads them again, and the history is the same."""
    from generator.review import typed_history

    content = repo / "content"
    matter = content / MATTER_FILE
    for number in (1, 2):
        matter.write_text(matter.read_text(encoding="utf-8") + f"{number + 1}. 第{number}次补充。\n", encoding="utf-8")
        commit(repo, f"补充{number}")
    categories = content / "lists" / "a" / "jiben" / "categories.yml"
    categories.write_text(categories.read_text(encoding="utf-8").replace("党的建设", "党的建设工作"), encoding="utf-8")
    commit(repo, "改分类")
    reads = []
    real = typed_history.read_library
    monkeypatch.setattr(typed_history, "read_library", lambda *args: reads.append(args) or real(*args))
    history = load_typed_history(content, "a/jiben", load_list_types()["jiben"])
    assert len(reads) == 2, "the first side, and the side with the new categories.yml"
    assert [len(revision.change.matters) for revision in history.revisions] == [0, 1, 1, 1], "same slug: no matter"
    assert [change.kind for change in history.revisions[0].change.categories], "the category was renamed"


def test_a_side_whose_settings_were_read_still_names_this_revision_s_broken_matter(repo: Path):
    """A side read by settings known from an earlier side tells its unreadable matter as a full read does."""
    content = repo / "content"
    matter = content / MATTER_FILE
    matter.write_text(MATTER + "2. 补充。\n", encoding="utf-8")
    commit(repo, "补充")
    matter.write_text("---\nid: [broken\n---\n", encoding="utf-8")
    commit(repo, "坏文件")
    history = load_typed_history(content, "a/jiben", load_list_types()["jiben"])
    assert len(history.revisions) == 2
    (skipped,) = history.skipped
    assert skipped.file.endswith(MATTER_FILE) and skipped.file.startswith(skipped.commit)
    assert "YAML" in skipped.reason


def test_only_the_matters_that_differ_are_compared(repo: Path, monkeypatch):
    """A revision that edits one of four matters hands diff_typed that matter alone (an equal matter on
    both sides, named by equal slugs, has no change)."""
    from generator.review import typed_history

    matters = add_three_matters(repo)
    path = matters / "003-m3.md"
    path.write_text(path.read_text(encoding="utf-8") + "2. 按要求报送情况。\n", encoding="utf-8")
    commit(repo, "修订第3项")
    compared = []
    real = typed_history.diff_typed
    monkeypatch.setattr(typed_history, "diff_typed", lambda list_type, old, new: compared.append(
        ([m.id for m in old.matters], [m.id for m in new.matters])) or real(list_type, old, new))
    history = load_typed_history(repo / "content", "a/jiben", load_list_types()["jiben"])
    assert compared[0] == (["m3"], ["m3"])
    assert compared[1] == ([], ["m2", "m3", "m4"])
    assert [[(matter.id, matter.kind) for matter in revision.change.matters] for revision in history.revisions] == [
        [("m3", CHANGED)], [("m2", ADDED), ("m3", ADDED), ("m4", ADDED)], [("zu-zhi-dang-yuan-jiao-yu", ADDED)]]


def test_versions_the_build_read_already_are_not_parsed_again(repo: Path, monkeypatch):
    """The build hands the history the matter files it parsed (by path): a committed version with the same
    bytes is taken from them, one edited since is parsed; the history is the one read from git alone."""
    from generator.content.lists import read_typed_files
    from generator.review import typed_history

    matters = add_three_matters(repo)
    path = matters / "003-m3.md"
    path.write_text(path.read_text(encoding="utf-8") + "2. 按要求报送情况。\n", encoding="utf-8")
    commit(repo, "修订第3项")
    path.write_text(path.read_text(encoding="utf-8") + "3. 尚未提交的修改。\n", encoding="utf-8")  # not committed
    list_type = load_list_types()["jiben"]
    files = sorted(matters.glob("*.md"))
    parsed = {str(file): matter for file, (matter, errors) in zip(files, read_typed_files(files, "x", list_type))}
    alone = load_typed_history(repo / "content", "a/jiben", list_type)
    read: list[str] = []
    real = typed_history.read_typed_files
    monkeypatch.setattr(typed_history, "read_typed_files",
                        lambda paths, label, kind: read.extend(p.name for p in paths) or real(paths, label, kind))
    seeded = load_typed_history(repo / "content", "a/jiben", list_type, parsed)
    assert seeded == alone
    assert sorted(read) == ["003-m3.md", "003-m3.md"], "the two committed versions of the file edited since"


def test_a_list_not_committed_yet_has_no_history_and_reads_nothing(repo: Path, monkeypatch):
    """A town's list added in the working tree of a committed folder: no scratch checkout, and the build's
    parsed files are not hashed for versions git does not have."""
    from generator.content.lists import read_typed_files
    from generator.review import typed_history

    new_list = repo / "content" / "lists" / "b" / "jiben"
    shutil.copytree(repo / "content" / "lists" / "a" / "jiben", new_list)
    (new_list.parent / "town.yml").write_text("name: 乙镇\nkind: 镇\n", encoding="utf-8")
    list_type = load_list_types()["jiben"]
    files = sorted((new_list / "matters").glob("*.md"))
    parsed = {str(file): matter for file, (matter, _errors) in zip(files, read_typed_files(files, "x", list_type))}
    monkeypatch.setattr(typed_history._Reader, "__init__", lambda *args: pytest.fail("a reader was made"))
    assert load_typed_history(repo / "content", "b/jiben", list_type, parsed) == typed_history.NO_HISTORY


def test_a_revision_removing_every_matter_and_one_restoring_them_are_both_told(repo: Path):
    """The scratch folder follows the sides through a revision that leaves the matters folder empty (git
    keeps no empty folder, so the checkout drops it) and one that brings the file back."""
    content = repo / "content"
    (content / MATTER_FILE).unlink()
    commit(repo, "删去全部事项")
    (content / MATTER_FILE).write_text(MATTER, encoding="utf-8")
    commit(repo, "恢复")
    history = load_typed_history(content, "a/jiben", load_list_types()["jiben"])
    assert [[(matter.id, matter.kind) for matter in revision.change.matters] for revision in history.revisions] == [
        [("zu-zhi-dang-yuan-jiao-yu", ADDED)], [("zu-zhi-dang-yuan-jiao-yu", REMOVED)],
        [("zu-zhi-dang-yuan-jiao-yu", ADDED)]]
    assert not history.skipped
