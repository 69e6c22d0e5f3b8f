"""The ``diff`` command: content changes between git revisions, in the list's own terms.

One small git repository per module holds the official table as imported
(not content/, which keepers revise: its text must not be pinned here) and
a series of realistic revisions, each tagged; every test compares two tags
(or a clone's working tree) and asserts the exact summary.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import TABLE, copy_content, init_repository
from generator.review import changes
from generator.cli import main
from generator.importing.importer import import_table
from generator.review.diff_format import render, use_colour
from generator.content.loader import load_content
from generator.content.model import Category, Department
from generator.content.names import with_section_departments

MATTERS = Path("content/matters")


def git(repo: Path, *args: str, date: str = "2024-01-01T09:00:00+08:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip()


def commit(repo: Path, subject: str, tag: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", subject)
    git(repo, "tag", tag)


def matter_file(repo: Path, number: int) -> Path:
    (path,) = (repo / MATTERS).glob(f"{number:03d}-*.md")
    return path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


NEW_MATTER = """---
id: kai-zhan-quan-min-yue-du
number: 101
title: 开展全民阅读推广活动
category: 文化旅游
departments:
- 青山区文体旅游广电局
guarantee: 提供业务指导和图书资源。
---

## 上级部门职责

### 青山区文体旅游广电局职责：

1. 制定全民阅读活动方案。
2. 为农家书屋配送图书。

## 苏木乡镇（街道）配合职责

1. 组织各村开展读书活动。
2. 做好农家书屋日常管理。
"""


def renumber_after(repo: Path, removed: int) -> None:
    """Delete matter ``removed`` and move every later matter up by one, as an editor would."""
    matter_file(repo, removed).unlink()
    for path in sorted((repo / MATTERS).glob("*.md")):
        number = int(path.name[:3])
        if number > removed:
            text = re.sub(r"^number: \d+$", f"number: {number - 1}", path.read_text(encoding="utf-8"),
                          count=1, flags=re.MULTILINE)
            path.unlink()
            (path.parent / f"{number - 1:03d}{path.name[3:]}").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The list as the official table has it: the committed settings, the matters imported."""
    folder = copy_content(tmp_path_factory.mktemp("official") / "content")
    import_table(TABLE, folder)
    return folder


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, official: Path) -> Path:
    """A repository with the official list and one tagged revision per kind of change."""
    root = tmp_path_factory.mktemp("list")
    shutil.copytree(official, root / "content")
    (root / "README.md").write_text("清单\n", encoding="utf-8")
    init_repository(root)
    commit(root, "导入清单", "r0")

    edit(matter_file(root, 72), "4. 对各村排查后的工作资料进行审核。", "4. 对各村排查后的工作资料进行复核。")
    commit(root, "修改一处文字", "r1")

    (root / MATTERS / "101-kai-zhan-quan-min-yue-du.md").write_text(NEW_MATTER, encoding="utf-8")
    commit(root, "新增事项", "r2")

    renumber_after(root, 5)
    commit(root, "删除第5项", "r3")

    edit(matter_file(root, 35), "category: 民生服务", "category: 经济发展")
    commit(root, "调整分类", "r4")

    path = matter_file(root, 71)
    edit(path, "- 青山区农牧局\n", "- 青山区民政局\n")
    edit(path, "### 青山区农牧局职责：", "### 青山区民政局职责：")
    commit(root, "更换部门", "r5")

    edit(root / "content/departments.yml", "- name: 青山区司法局\n", "- name: 青山区司法和信访局\n")
    for number in (40, 42):
        edit(matter_file(root, number), "- 青山区司法局\n", "- 青山区司法和信访局\n")
        edit(matter_file(root, number), "### 青山区司法局职责：", "### 青山区司法和信访局职责：")
    commit(root, "司法局更名", "r6")

    edit(matter_file(root, 10), "  2. 提供政策业务指导培训。\n",
         "  2. 提供政策业务指导和培训。\n  3. 配备办公设备。\n")
    commit(root, "修改履职保障", "r7")

    (root / "README.md").write_text("清单（说明已更新）\n", encoding="utf-8")
    commit(root, "更新说明", "r8")
    return root


def run_diff(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(repo)
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def summaries(repo, monkeypatch, capsys, base: str, head: str) -> tuple[str, str, dict]:
    """The text, Markdown and JSON summaries of one revision; all must succeed quietly."""
    outputs = []
    for form in ("text", "markdown", "json"):
        code, out, err = run_diff(repo, monkeypatch, capsys, base, head, "--format", form)
        assert (code, err) == (0, "")
        outputs.append(out)
    return outputs[0], outputs[1], json.loads(outputs[2])


def ops(*pairs: tuple[str, str]) -> list[dict]:
    return [{"op": op, "text": text} for op, text in pairs]


def matter_json(matter_id: str, kind: str, number: int, title: str, category: str, departments: list[str],
                **changed) -> dict:
    data = {"id": matter_id, "kind": kind, "number": number, "title": title, "category": category,
            "departments": departments, "departments_added": [], "departments_removed": [],
            "departments_reordered": None, "fields": [], "sections": []}
    return {**data, **changed}


def change_json(summary: str, matters: list[dict], department_changes: list[dict] = (), **counts: int) -> dict:
    all_counts = {"added": 0, "removed": 0, "changed": 0, "renumbered": 0, "categories": 0, "departments": 0,
                  "site": 0, **counts}
    return {"summary": summary, "counts": all_counts, "site": [], "categories": [], "category_order": None,
            "departments": list(department_changes), "matters": matters}


def section_json(part: str, label: list[str], items: list[dict], heading: dict | None = None,
                 old_label: list[str] | None = None) -> dict:
    return {"part": part, "kind": "changed", "old_label": label if old_label is None else old_label,
            "new_label": label, "heading": heading, "items": items}


def test_one_character_edit_is_shown_character_by_character(repo, monkeypatch, capsys):
    text, markdown, data = summaries(repo, monkeypatch, capsys, "r0", "r1")
    assert text == """\
本次修订：修改 1 项

修改事项
  第72项 开展镇域内防返贫监测对象认定
    苏木乡镇（街道）配合职责 · 动态监测入户排查工作
      修改：4. 对各村排查后的工作资料进行[-审-]{+复+}核。
"""
    assert markdown == """\
本次修订：修改 1 项

### 修改事项

#### 第72项 开展镇域内防返贫监测对象认定

- 苏木乡镇（街道）配合职责 · 动态监测入户排查工作
  - 修改：4. 对各村排查后的工作资料进行<del>审</del><ins>复</ins>核。
"""
    item = {"kind": "changed", "old": "4. 对各村排查后的工作资料进行审核。", "new": "4. 对各村排查后的工作资料进行复核。",
            "ops": ops(("equal", "4. 对各村排查后的工作资料进行"), ("delete", "审"), ("insert", "复"), ("equal", "核。"))}
    assert data == change_json("本次修订：修改 1 项", [matter_json(
        "kai-zhan-zhen-yu-nei-fang-fan", "changed", 72, "开展镇域内防返贫监测对象认定", "乡村振兴", ["青山区农牧局"],
        sections=[section_json("town", ["动态监测入户排查工作"], [item])])], changed=1)


def test_added_matter(repo, monkeypatch, capsys):
    text, markdown, data = summaries(repo, monkeypatch, capsys, "r1", "r2")
    assert text == """\
本次修订：新增 1 项

新增事项
  第101项 开展全民阅读推广活动（文化旅游；青山区文体旅游广电局）
"""
    assert markdown == """\
本次修订：新增 1 项

### 新增事项

- 第101项 开展全民阅读推广活动（文化旅游；青山区文体旅游广电局）
"""
    assert data == change_json("本次修订：新增 1 项", [matter_json(
        "kai-zhan-quan-min-yue-du", "added", 101, "开展全民阅读推广活动", "文化旅游", ["青山区文体旅游广电局"])],
        added=1)


def test_deleted_matter_and_the_renumbering_it_causes(repo, monkeypatch, capsys):
    text, markdown, data = summaries(repo, monkeypatch, capsys, "r2", "r3")
    assert text == """\
本次修订：删除 1 项，另有 96 项仅编号变化

删除事项
  第5项 大青山国家级自然保护区内拟修筑设施的申报材料审核、上报工作（经济发展）

编号变化
  第6—101项依次改为第5—100项（96 项）
"""
    assert markdown == """\
本次修订：删除 1 项，另有 96 项仅编号变化

### 删除事项

- 第5项 大青山国家级自然保护区内拟修筑设施的申报材料审核、上报工作（经济发展）

### 编号变化

- 第6—101项依次改为第5—100项（96 项）
"""
    before = with_section_departments(load_content(repo / "content").content)  # the working tree: r8
    removed = matter_json("da-qing-shan-guo-jia-ji-zi", "removed", 5, "大青山国家级自然保护区内拟修筑设施的申报材料审核、上报工作",
                          "经济发展", ["大青山国家级自然保护区管理局包头分局青山区管理站"])
    assert data["matters"][0] == removed
    assert data["matters"][1:] == [
        matter_json(matter.id, "renumbered", matter.number, matter.title, data["matters"][index + 1]["category"],
                    data["matters"][index + 1]["departments"],
                    fields=[{"field": "number", "old": str(matter.number + 1), "new": str(matter.number), "ops": []}])
        for index, matter in enumerate(before.matters[4:])]
    assert data == change_json("本次修订：删除 1 项，另有 96 项仅编号变化", data["matters"],
                               removed=1, renumbered=96)


def test_matter_moved_to_another_category(repo, monkeypatch, capsys):
    text, markdown, data = summaries(repo, monkeypatch, capsys, "r3", "r4")
    assert text == """\
本次修订：修改 1 项

修改事项
  第35项 托育机构生均运营补贴
    分类：民生服务 → 经济发展
"""
    assert markdown == """\
本次修订：修改 1 项

### 修改事项

#### 第35项 托育机构生均运营补贴

- 分类：民生服务 → 经济发展
"""
    assert data == change_json("本次修订：修改 1 项", [matter_json(
        "tuo-yu-ji-gou-sheng-jun-yun", "changed", 35, "托育机构生均运营补贴", "经济发展", ["青山区卫生健康委员会"],
        fields=[{"field": "category", "old": "民生服务", "new": "经济发展", "ops": []}])], changed=1)


def test_department_swapped_in_a_matter(repo, monkeypatch, capsys):
    text, markdown, data = summaries(repo, monkeypatch, capsys, "r4", "r5")
    assert text == """\
本次修订：修改 1 项

修改事项
  第71项 开展镇域内防返贫监测对象认定
    新增对应部门：青山区民政局
    删除对应部门：青山区农牧局
    上级部门职责 · 青山区农牧局 → 青山区民政局
      标题：青山区[-农牧-]{+民政+}局职责：
"""
    assert markdown == """\
本次修订：修改 1 项

### 修改事项

#### 第71项 开展镇域内防返贫监测对象认定

- 新增对应部门：青山区民政局
- 删除对应部门：青山区农牧局
- 上级部门职责 · 青山区农牧局 → 青山区民政局
  - 标题：青山区<del>农牧</del><ins>民政</ins>局职责：
"""
    heading = {"field": "heading", "old": "青山区农牧局职责：", "new": "青山区民政局职责：",
               "ops": ops(("equal", "青山区"), ("delete", "农牧"), ("insert", "民政"), ("equal", "局职责："))}
    assert data == change_json("本次修订：修改 1 项", [matter_json(
        "kai-zhan-zhen-yu-nei-fang-fan", "changed", 71, "开展镇域内防返贫监测对象认定", "乡村振兴", ["青山区民政局"],
        departments_added=["青山区民政局"], departments_removed=["青山区农牧局"],
        sections=[section_json("upper", ["青山区民政局"], [], heading, old_label=["青山区农牧局"])])], changed=1)


def test_department_renamed_in_departments_yml(repo, monkeypatch, capsys):
    text, markdown, data = summaries(repo, monkeypatch, capsys, "r5", "r6")
    assert text == """\
本次修订：修改 2 项；部门变更 1 处

部门
  更名：青山区司法局 → 青山区司法和信访局

修改事项
  第40项 社区矫正人员日常管理和刑满释放人员安置帮教工作
    上级部门职责 · 青山区司法局 → 青山区司法和信访局
      标题：青山区司法{+和信访+}局职责：
  第42项 开展政府违约失信和重点领域失信问题排查
    上级部门职责 · 青山区司法局 → 青山区司法和信访局
      标题：青山区司法{+和信访+}局职责：
"""
    assert markdown == """\
本次修订：修改 2 项；部门变更 1 处

### 部门

- 更名：青山区司法局 → 青山区司法和信访局

### 修改事项

#### 第40项 社区矫正人员日常管理和刑满释放人员安置帮教工作

- 上级部门职责 · 青山区司法局 → 青山区司法和信访局
  - 标题：青山区司法<ins>和信访</ins>局职责：

#### 第42项 开展政府违约失信和重点领域失信问题排查

- 上级部门职责 · 青山区司法局 → 青山区司法和信访局
  - 标题：青山区司法<ins>和信访</ins>局职责：
"""
    heading = {"field": "heading", "old": "青山区司法局职责：", "new": "青山区司法和信访局职责：",
               "ops": ops(("equal", "青山区司法"), ("insert", "和信访"), ("equal", "局职责："))}
    section = section_json("upper", ["青山区司法和信访局"], [], heading, old_label=["青山区司法局"])
    department = {"slug": "justice", "kind": "changed", "name": "青山区司法和信访局", "level": "区级",
                  "fields": [{"field": "name", "old": "青山区司法局", "new": "青山区司法和信访局", "ops": []}],
                  "aliases_added": [], "aliases_removed": []}
    assert data == change_json("本次修订：修改 2 项；部门变更 1 处", [
        matter_json("she-qu-jiao-zheng-ren-yuan-ri", "changed", 40, "社区矫正人员日常管理和刑满释放人员安置帮教工作", "平安法治",
                    ["青山区司法和信访局"], sections=[section]),
        matter_json("kai-zhan-zheng-fu-wei-yue-shi", "changed", 42, "开展政府违约失信和重点领域失信问题排查", "平安法治",
                    ["青山区司法和信访局"], sections=[section]),
    ], [department], changed=2, departments=1)


def test_guarantee_changed(repo, monkeypatch, capsys):
    text, markdown, data = summaries(repo, monkeypatch, capsys, "r6", "r7")
    assert text == """\
本次修订：修改 1 项

修改事项
  第10项 低保业务的新增、动态调整及低保金的追缴工作
    履职保障
      修改：2. 提供政策业务指导{+和+}培训。
      新增：3. 配备办公设备。
"""
    assert markdown == """\
本次修订：修改 1 项

### 修改事项

#### 第10项 低保业务的新增、动态调整及低保金的追缴工作

- 履职保障
  - 修改：2. 提供政策业务指导<ins>和</ins>培训。
  - 新增：3. 配备办公设备。
"""
    items = [{"kind": "changed", "old": "2. 提供政策业务指导培训。", "new": "2. 提供政策业务指导和培训。",
              "ops": ops(("equal", "2. 提供政策业务指导"), ("insert", "和"), ("equal", "培训。"))},
             {"kind": "added", "old": "", "new": "3. 配备办公设备。", "ops": []}]
    assert data == change_json("本次修订：修改 1 项", [matter_json(
        "di-bao-ye-wu-de-xin-zeng", "changed", 10, "低保业务的新增、动态调整及低保金的追缴工作", "民生服务", ["青山区民政局"],
        sections=[section_json("guarantee", [], items)])], changed=1)


def test_revision_outside_the_content_changes_nothing(repo, monkeypatch, capsys):
    text, markdown, data = summaries(repo, monkeypatch, capsys, "r7", "r8")
    assert text == markdown == "清单内容无变化。\n"
    assert data == change_json("清单内容无变化。", [])


def test_several_revisions_at_once(repo, monkeypatch, capsys):
    code, out, err = run_diff(repo, monkeypatch, capsys, "r0", "r8")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "本次修订：新增 1 项，删除 1 项，修改 5 项，另有 90 项仅编号变化；部门变更 1 处"
    # The renumbering is one run, the five edited matters inside it included.
    assert out.endswith("\n编号变化\n  第6—100项依次改为第5—99项（95 项）\n")
    assert "    编号：第72项 → 第71项\n" in out
    _, markdown, _ = summaries(repo, monkeypatch, capsys, "r0", "r8")
    assert "\n\n\n" not in markdown and markdown.endswith("\n\n### 编号变化\n\n- 第6—100项依次改为第5—99项（95 项）\n")


@pytest.fixture()
def clone(repo: Path, tmp_path: Path) -> Path:
    """A clone of the module's repository, free to edit."""
    subprocess.run(["git", "clone", "-q", str(repo), str(tmp_path / "clone")], check=True)
    clone = tmp_path / "clone"
    for key, value in (("user.name", "审核测试"), ("user.email", "test@example.invalid"), ("commit.gpgsign", "false")):
        git(clone, "config", key, value)
    return clone


def test_working_tree_with_uncommitted_edit(clone, monkeypatch, capsys):
    edit(matter_file(clone, 1), "title: 开展联动监督、办案", "title: 开展联动监督和办案")
    expected = """\
本次修订：修改 1 项

修改事项
  第1项 开展联动监督和办案
    标题：开展联动监督[-、-]{+和+}办案
"""
    for args in ((), ("HEAD",)):  # default base: the merge base with main, here HEAD
        code, out, err = run_diff(clone, monkeypatch, capsys, *args)
        assert (code, out, err) == (0, expected, "")
    code, out, _ = run_diff(clone, monkeypatch, capsys, "HEAD", "HEAD")
    assert (code, out) == (0, "清单内容无变化。\n")


def test_default_base_without_main_is_head(clone, monkeypatch, capsys):
    git(clone, "branch", "-m", "main", "work")
    edit(matter_file(clone, 1), "guarantee: ", "guarantee: 新增保障。", count=1)
    code, out, err = run_diff(clone, monkeypatch, capsys, "--format", "markdown")
    assert (code, err) == (0, "")
    assert out.startswith("本次修订：修改 1 项\n")


def test_unknown_revision_is_an_error(repo, monkeypatch, capsys):
    code, out, err = run_diff(repo, monkeypatch, capsys, "no-such-tag")
    assert (code, out, err) == (1, "", "error: unknown revision 'no-such-tag'\n")


def test_folder_outside_git_is_an_error(tmp_path, monkeypatch, capsys, official):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copytree(official, tmp_path / "plain" / "content")
    code, out, err = run_diff(tmp_path / "plain", monkeypatch, capsys)
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_unloadable_side_reports_path_and_line(clone, monkeypatch, capsys):
    (clone / "content/site.yml").write_text("- 不是设置\n", encoding="utf-8")
    code, out, err = run_diff(clone, monkeypatch, capsys, "HEAD")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == "content/site.yml:1: site.yml should be a mapping of 'key: value' lines"
    git(clone, "commit", "-q", "-am", "弄坏设置")
    code, out, err = run_diff(clone, monkeypatch, capsys, "r8", "HEAD")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == "HEAD:content/site.yml:1: site.yml should be a mapping of 'key: value' lines"
    assert "Traceback" not in err


def test_revision_without_content_counts_as_empty(clone, monkeypatch, capsys, official):
    git(clone, "checkout", "-q", "--orphan", "empty")
    git(clone, "rm", "-rq", "--cached", "content")
    shutil.rmtree(clone / "content")
    git(clone, "commit", "-q", "-m", "空仓库")
    code, out, err = run_diff(clone, monkeypatch, capsys, "empty", "main")
    assert code == 0
    assert err == "warning: empty:content:1: the content folder does not exist at this revision\n"
    categories, departments = len(load_content(official).content.categories), len(load_content(official).content.departments)
    assert out.splitlines()[0] == (f"本次修订：新增 100 项；分类变更 {categories} 处；"
                                   f"部门变更 {departments} 处")


# --- the engine and formats without git --------------------------------------


@pytest.fixture(scope="module")
def content(official):
    return with_section_departments(load_content(official).content)


def with_matter(content, number: int, **fields):
    return replace(content, matters=tuple(replace(matter, **fields) if matter.number == number else matter
                                          for matter in content.matters))


def test_categories_and_departments_themselves(content):
    first, second, *rest = content.categories
    categories = (replace(second, position=1), replace(first, name="党的建设工作", position=2), *rest[:-1],
                  Category("new-category", "社会事业", "九", 9))
    civil = next(department for department in content.departments if department.slug == "civil-affairs")
    departments = tuple(
        replace(department, level="市级", aliases=(*department.aliases[1:], "民政"))
        if department is civil else department
        for department in content.departments if department.slug != "red-cross"
    ) + (Department("青山区档案馆", "archives", "区级"),)
    change = changes.diff_content(content, replace(content, categories=categories, departments=departments))
    assert change.matters == ()
    assert render(change) == """\
本次修订：分类变更 4 处；部门变更 3 处

分类
  更名：党的建设 → 党的建设工作
  新增：社会事业
  删除：文化旅游
  顺序调整：党的建设、经济发展、民生服务、平安法治、乡村振兴、城乡建设、生态环保、文化旅游 → 经济发展、党的建设工作、民生服务、平安法治、乡村振兴、城乡建设、生态环保、社会事业

部门
  级别调整：青山区民政局 区级 → 市级
  别称调整：青山区民政局 新增 民政；删除 区民政局
  新增：青山区档案馆（区级）
  删除：青山区红十字会（区级）
"""


def test_notes_town_sub_headings_renumbered_items_and_site(content):
    matter = next(matter for matter in content.matters if matter.number == 72)
    town = matter.town_duties.replace("### 防返贫数据信息核实：", "### 防返贫数据核实：").replace(
        "4. 接收各村的排查结果情况反馈。\n", "")
    new = with_matter(content, 72, notes=("原表此项无编号，整理时补加。",), town_duties=town)
    clinic = next(matter for matter in content.matters if matter.number == 36)
    new = with_matter(new, 36, town_duties=clinic.town_duties.replace("\n3. 资金", "\n2. 资金"))
    new = replace(new, site=replace(content.site, version="2025年修订版"))
    assert render(changes.diff_content(content, new)) == """\
本次修订：修改 2 项；站点设置变更 1 处

站点设置
  版本：现行版 → 2025年修订版

修改事项
  第36项 托育机构生均运营补贴
    苏木乡镇（街道）配合职责
      编号变化：[-3-]{+2+}. 资金发放录入工作。
  第72项 开展镇域内防返贫监测对象认定
    苏木乡镇（街道）配合职责 · 防返贫数据信息核实 → 防返贫数据核实
      标题：防返贫数据[-信息-]核实：
      删除：4. 接收各村的排查结果情况反馈。
    编者注
      新增：原表此项无编号，整理时补加。
"""


def test_section_added_to_a_matter_lists_its_items(content):
    matter = next(matter for matter in content.matters if matter.number == 41)
    extra = changes.DutySection("青山区民政局职责：", ("青山区民政局",), "1. 提供救助政策。\n2. 审核材料。")
    new = with_matter(content, 41, departments=(*matter.departments, "青山区民政局"),
                      upper_sections=(*matter.upper_sections, extra))
    text = render(changes.diff_content(content, new))
    assert text.endswith("""\
    新增对应部门：青山区民政局
    上级部门职责 · 青山区民政局（新增）
      新增：1. 提供救助政策。
      新增：2. 审核材料。
""")
    assert render(changes.diff_content(new, content)).endswith("""\
    删除对应部门：青山区民政局
    上级部门职责 · 青山区民政局（删除）
      删除：1. 提供救助政策。
      删除：2. 审核材料。
""")


def test_markdown_shows_markup_in_the_text_as_text(content):
    new = with_matter(content, 1, title="开展联动*监督*、办案")
    assert render(changes.diff_content(content, new), "markdown").splitlines()[4:] == [
        "#### 第1项 开展联动\\*监督\\*、办案",
        "",
        "- 标题：开展联动<ins>\\*</ins>监督<ins>\\*</ins>、办案",
    ]
    new = with_matter(content, 1, title="开展联动监督<b>、</b>办案")
    assert render(changes.diff_content(content, new), "markdown").splitlines()[6] == (
        "- 标题：开展联动监督<del>、</del><ins>\\<b\\>、\\</b\\></ins>办案")


# --- heavy rewrites and plain-text reading -----------------------------------

OLD_LINE = "2. 根据民政局核对情况，审核审批救助者身份，在社区(村)进行公示。"
REWRITTEN_LINE = "2. 按照区民政局的核对结果，审定救助对象身份，并在本社区（村）张榜公示。"


def rewrite_line(content, old: str = OLD_LINE, new: str = REWRITTEN_LINE):
    matter = next(matter for matter in content.matters if matter.number == 11)
    assert old in matter.town_duties
    return with_matter(content, 11, town_duties=matter.town_duties.replace(old, new))


def test_rewritten_line_shows_the_old_and_the_new_line(content):
    change = changes.diff_content(content, rewrite_line(content))
    assert render(change) == f"""\
本次修订：修改 1 项

修改事项
  第11项 低保业务的新增、动态调整及低保金的追缴工作
    苏木乡镇（街道）配合职责
      原文：{OLD_LINE}
      修改后：{REWRITTEN_LINE}
"""
    assert render(change, "markdown").splitlines()[4:] == [
        "#### 第11项 低保业务的新增、动态调整及低保金的追缴工作",
        "",
        "- 苏木乡镇（街道）配合职责",
        f"  - 原文：{OLD_LINE}",
        f"  - 修改后：{REWRITTEN_LINE}",
    ]


def test_a_few_changed_words_stay_marked_in_the_line(content):
    lightly = "2. 按照区民政局的核对结果，审核审批救助者身份，在社区(村)进行公示。"
    change = changes.diff_content(content, rewrite_line(content, new=lightly))
    assert render(change).endswith(
        "      修改：2. [-根据-]{+按照区+}民政局{+的+}核对[-情况-]{+结果+}，审核审批救助者身份，在社区(村)进行公示。\n")


def test_rewritten_title_and_heading_show_old_and_new(content):
    matter = next(matter for matter in content.matters if matter.number == 11)
    section = replace(matter.upper_sections[0], heading="区民政部门负责事项：")
    new = with_matter(content, 11, title="城乡最低生活保障的审核与资金追回", upper_sections=(section,))
    lines = render(changes.diff_content(content, new)).splitlines()
    assert lines[3:8] == [
        "  第11项 城乡最低生活保障的审核与资金追回",
        "    标题原文：低保业务的新增、动态调整及低保金的追缴工作",
        "    标题修改后：城乡最低生活保障的审核与资金追回",
        "    上级部门职责 · 青山区民政局",
        "      标题原文：青山区民政局职责：",
    ]
    assert lines[8] == "      标题修改后：区民政部门负责事项："


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("对各村排查后的工作资料进行审核。", "对各村排查后的工作资料进行复核。", False),  # one character
    ("甲乙丙丁戊己庚辛", "甲乙丙子丑寅卯辰", True),  # most of it changed
    ("甲乙丙丁戊己庚辛", "甲乙丙丁戊子丑寅", False),  # more than half kept, one edit
    ("一二三四五六七八九十", "1二2四3六4八5十", True),  # more than half kept, but five edits
    ("一二三四五六七八九十", "1二2四3六七八九十", False),  # three edits still read inline
])
def test_when_a_line_counts_as_rewritten(old, new, expected):
    assert changes.rewritten(changes.char_diff(old, new)) is expected


@pytest.mark.parametrize("tags", [("r0", "r1"), ("r1", "r2"), ("r2", "r3"), ("r3", "r4"), ("r4", "r5"),
                                  ("r5", "r6"), ("r6", "r7"), ("r0", "r8")])
def test_summary_line_names_only_what_happened(repo, monkeypatch, capsys, tags):
    text, markdown, data = summaries(repo, monkeypatch, capsys, *tags)
    first = text.splitlines()[0]
    assert first == markdown.splitlines()[0] == data["summary"]
    assert not re.search(r"(?<![0-9])0 (项|处)", first), first
    assert re.fullmatch(r"本次修订：[^；]+(；[^；]+)*", first)


def test_markdown_summary_reads_as_plain_text(content):
    """What a reviewer sees raw (mail, a downloaded file): no HTML entities, no tags around
    rewritten lines, at most a few marks in any line, headings and bullets only."""
    new = rewrite_line(content)
    light = next(matter for matter in new.matters if matter.number == 72)
    new = with_matter(new, 72, town_duties=light.town_duties.replace("进行审核", "进行复核"))
    new = with_matter(new, 1, title="开展联动监督<及>办案 & 问责")
    markdown = render(changes.diff_content(content, new), "markdown")
    assert "&lt;" not in markdown and "&amp;" not in markdown
    assert "开展联动监督\\<及\\>办案 \\& 问责" in markdown
    lines = markdown.splitlines()
    assert f"  - 原文：{OLD_LINE}" in lines and f"  - 修改后：{REWRITTEN_LINE}" in lines
    assert "  - 修改：4. 对各村排查后的工作资料进行<del>审</del><ins>复</ins>核。" in lines
    for line in lines:
        assert line == "" or re.match(r"(本次修订|#{3,4} |\s*- )", line), line
        assert line.count("<ins>") + line.count("<del>") <= 2 * changes.REWRITE_EDITS, line


def test_character_diff_folds_single_kept_characters():
    assert changes.char_diff("甲的乙", "丙的丁") == (
        changes.TextOp("delete", "甲的乙"), changes.TextOp("insert", "丙的丁"))
    assert changes.char_diff("相同", "相同") == (changes.TextOp("equal", "相同"),)


def test_colour_only_for_a_terminal_without_no_color(content, monkeypatch):
    change = changes.diff_content(content, with_matter(content, 1, title="开展联动监督和办案"))
    assert "    标题：开展联动监督\x1b[31m[-、-]\x1b[0m\x1b[32m{+和+}\x1b[0m办案\n" in render(change, colour=True)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Terminal()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())
