"""Review over a content folder of several lists: ``diff``, ``comment``, ``build --changes-base`` and each
list's revision history name the list of every change.

One git repository per module holds two towns of the example district (``scripts/example_district.py``
made from the tests' frozen content, not content/) and a series of tagged revisions; each test compares
two tags, or builds a clone checked out at one.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CONTENT, REPO, init_repository
from generator.cli import main
from generator.content.list_types import BodySection, Field, load_list_types
from generator.content.model import TypedMatter
from generator.engine.build import build
from generator.review.changes import ADDED, CHANGED, REMOVED
from generator.review.diff_format import render
from generator.review.gitrev import compare
from generator.review.history import load_list_history
from generator.review.library_changes import LibraryChange, list_name
from generator.review.library_format import render_change
from generator.review.library_sides import compare_content
from generator.review.typed_changes import TypedSide, diff_typed

TOWNS = ("xingsheng", "ziyoulu")
LISTS = Path("content/lists")
PEIHE_72 = "lists/xingsheng/peihe/matters/072-kai-zhan-zhen-yu-nei-fang-fan.md"
JIBEN_3 = "lists/xingsheng/jiben/matters/003-kai-zhan-lian-dong-jian-du-ban-item-2.md"
SHOUHUI_2 = "lists/xingsheng/shouhui/matters/002-can-ji-ren-jiu-ye-ji-zhi.md"


def git(repo: Path, *args: str, date: str = "2024-01-01T09:00:00+08:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip()


def commit(repo: Path, subject: str, tag: str, date: str = "2024-01-01T09:00:00+08:00") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", subject, date=date)
    git(repo, "tag", tag)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example district made from the tests' frozen content."""
    out = tmp_path_factory.mktemp("example") / "district"
    subprocess.run([sys.executable, str(REPO / "scripts" / "example_district.py"), "--source", str(CONTENT),
                    "--out", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, example: Path) -> Path:
    """Two towns' lists (自由路街道 without its 收回 list at first) and one tagged revision per kind of change."""
    root = tmp_path_factory.mktemp("district-repo")
    content = root / "content"
    shutil.copytree(example, content, ignore=shutil.ignore_patterns(".example-district"))
    for town in (content / "lists").iterdir():
        if town.name not in TOWNS:
            shutil.rmtree(town)
    shutil.rmtree(content / "lists/ziyoulu/shouhui")
    init_repository(root)
    commit(root, "导入清单", "r0")

    edit(content / PEIHE_72, "4. 对各村排查后的工作资料进行审核。", "4. 对各村排查后的工作资料进行复核。")
    edit(content / JIBEN_3, "撰写监督检查报告", "撰写监督检查情况报告")
    edit(content / SHOUHUI_2, "title: 残疾人就业及职业技能培训\n", "title: 残疾人就业及职业技能培训（调整）\n")
    edit(content / SHOUHUI_2, "department: 区残联\n", "department: 青山区残联\n")  # the same department
    commit(root, "修改三份清单", "r1", "2024-02-01T09:00:00+08:00")

    edit(content / "departments.yml", "    - 区司法局\n", "    - 区司法局\n    - 司法所\n")
    commit(root, "部门别称", "r2", "2024-03-01T09:00:00+08:00")

    shutil.copytree(example / "lists/ziyoulu/shouhui", content / "lists/ziyoulu/shouhui")
    shutil.rmtree(content / "lists/ziyoulu/jiben")
    commit(root, "新增收回清单，删除基本清单", "r3", "2024-04-01T09:00:00+08:00")

    jiben = content / "lists/xingsheng/jiben"
    last = sorted((jiben / "matters").glob("*.md"))[-1]
    last.unlink()
    edit(content / JIBEN_3, "category: 党的建设\n", "category: 经济发展\n")
    path = content / JIBEN_3
    path.write_text(path.read_text(encoding="utf-8") + "\n## 依据\n\n《中国共产党纪律检查机关监督执纪工作规则》\n",
                    encoding="utf-8")
    edit(jiben / "list.yml", "revision_note: 注：本清单是示例数据", "revision_note: 注：本清单（2024年修订）是示例数据")
    commit(root, "修订基本清单", "r4", "2024-05-01T09:00:00+08:00")
    return root


def diff(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    monkeypatch.chdir(repo)
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


def as_json(repo, monkeypatch, capsys, base: str, head: str) -> dict:
    return json.loads(diff(repo, monkeypatch, capsys, base, head, "--format", "json"))


def listed(data: dict, key: str) -> dict:
    (found,) = [each for each in data["lists"] if each["key"] == key]
    return found


# --- diff ------------------------------------------------------------------------------------------------------


def test_each_change_is_named_by_its_list(repo, monkeypatch, capsys):
    assert diff(repo, monkeypatch, capsys, "r0", "r1") == """\
本次修订：涉及 3 份清单；修改 3 项

【兴胜镇 · 基本履职事项清单（示例数据）】lists/xingsheng/jiben/
本清单：修改 1 项

修改事项
  第3项 协助片区开展监督检查工作
    履职内容
      修改：1. 协助片区开展监督检查工作，撰写监督检查{+情况+}报告，上报片区组长。

【兴胜镇 · 配合履职事项清单（示例数据）】lists/xingsheng/peihe/
本清单：修改 1 项

修改事项
  第72项 开展镇域内防返贫监测对象认定
    苏木乡镇（街道）配合职责 · 动态监测入户排查工作
      修改：4. 对各村排查后的工作资料进行[-审-]{+复+}核。

【兴胜镇 · 上级部门收回事项清单（示例数据）】lists/xingsheng/shouhui/
本清单：修改 1 项

修改事项
  第2项 残疾人就业及职业技能培训（调整）
    事项名称：残疾人就业及职业技能培训{+（调整）+}
"""


def test_markdown_gives_each_list_a_heading_and_json_its_own_summary(repo, monkeypatch, capsys):
    markdown = diff(repo, monkeypatch, capsys, "r0", "r1", "--format", "markdown")
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == [
        "### 兴胜镇 · 基本履职事项清单（示例数据）", "#### 修改事项", "##### 第3项 协助片区开展监督检查工作",
        "### 兴胜镇 · 配合履职事项清单（示例数据）", "#### 修改事项", "##### 第72项 开展镇域内防返贫监测对象认定",
        "### 兴胜镇 · 上级部门收回事项清单（示例数据）", "#### 修改事项",
        "##### 第2项 残疾人就业及职业技能培训（调整）"]
    assert "撰写监督检查<ins>情况</ins>报告" in markdown
    assert "`lists/xingsheng/peihe/`\u3000本清单：修改 1 项" in markdown

    data = as_json(repo, monkeypatch, capsys, "r0", "r1")
    assert data["summary"] == "本次修订：涉及 3 份清单；修改 3 项"
    assert [(each["key"], each["kind"], each["list_type"], each["summary"])
            for each in data["lists"]] == [
        ("xingsheng/jiben", CHANGED, "jiben", "本清单：修改 1 项"),
        ("xingsheng/peihe", CHANGED, "peihe", "本清单：修改 1 项"),
        ("xingsheng/shouhui", CHANGED, "shouhui", "本清单：修改 1 项")]
    (matter,) = listed(data, "xingsheng/shouhui")["typed"]["matters"]
    # Only the title: 区残联 and 青山区残联 are one department (an alias and its canonical name).
    assert [(field["field"], field["label"]) for field in matter["fields"]] == [("title", "事项名称")]
    assert listed(data, "xingsheng/peihe")["change"]["matters"][0]["id"] == "kai-zhan-zhen-yu-nei-fang-fan"


def test_shared_departments_are_shown_once_apart_from_the_lists(repo, monkeypatch, capsys):
    assert diff(repo, monkeypatch, capsys, "r1", "r2") == """\
本次修订：部门变更 1 处

【各清单共用】site.yml、departments.yml、town.yml

部门
  别称调整：青山区司法局 新增 司法所
"""
    data = as_json(repo, monkeypatch, capsys, "r1", "r2")
    assert (data["lists"], len(data["departments"]), data["counts"]["departments"]) == ([], 1, 1)


def test_a_list_added_and_a_list_removed_say_so(repo, monkeypatch, capsys):
    text = diff(repo, monkeypatch, capsys, "r2", "r3")
    shouhui = sorted((repo / LISTS / "ziyoulu/shouhui/matters").glob("*.md"))
    assert text.startswith("本次修订：涉及 2 份清单（新增 1 份，删除 1 份）；")
    assert (f"【自由路街道 · 上级部门收回事项清单（示例数据）（新增清单）】lists/ziyoulu/shouhui/\n"
            f"本清单为新增清单，共 {len(shouhui)} 项事项。\n\n新增事项\n  第1项 ") in text
    assert text.count("\n  第") == len(shouhui)  # every new matter named, nothing else listed
    removed = text[text.index("【自由路街道 · 基本履职事项清单"):]
    assert removed.startswith("【自由路街道 · 基本履职事项清单（示例数据）（删除清单）】lists/ziyoulu/jiben/\n"
                              "本清单已删除，原有 ")
    data = as_json(repo, monkeypatch, capsys, "r2", "r3")
    assert [(each["key"], each["kind"]) for each in data["lists"]] == [("ziyoulu/shouhui", ADDED),
                                                                        ("ziyoulu/jiben", REMOVED)]
    assert (data["counts"]["lists_added"], data["counts"]["lists_removed"]) == (1, 1)


def test_a_typed_list_reports_its_declared_fields(repo, monkeypatch, capsys):
    text = diff(repo, monkeypatch, capsys, "r3", "r4")
    block = text[text.index("【兴胜镇 · 基本履职事项清单"):]
    assert """\
本清单：删除 1 项，修改 1 项；清单设置变更 1 处

清单设置
  修订说明：注：本清单{+（2024年修订）+}是示例数据，不是正式发布的清单。
""" in block
    assert """\
  第3项 协助片区开展监督检查工作
    类别：党的建设 → 经济发展
    依据（新增）
      新增：《中国共产党纪律检查机关监督执纪工作规则》
""" in block
    assert "\n删除事项\n  第254项 " in block
    data = listed(as_json(repo, monkeypatch, capsys, "r3", "r4"), "xingsheng/jiben")
    assert data["counts"] == {"added": 0, "removed": 1, "changed": 1, "renumbered": 0, "categories": 0,
                              "settings": 1}


def test_nothing_changed(repo, monkeypatch, capsys):
    assert diff(repo, monkeypatch, capsys, "r4", "r4") == "清单内容无变化。\n"


def test_a_matter_that_cannot_be_read_is_left_out_with_a_warning(repo, tmp_path, monkeypatch, capsys):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    (clone / "content" / JIBEN_3).write_text("---\nid: [\n", encoding="utf-8")
    edit(clone / "content" / PEIHE_72, "进行复核。", "进行核查。")
    monkeypatch.chdir(clone)
    assert main(["diff", "r4"]) == 0
    out, err = capsys.readouterr()
    assert "003-kai-zhan-lian-dong-jian-du-ban-item-2.md: this matter cannot be read at working tree" in err
    assert "【兴胜镇 · 配合履职事项清单（示例数据）】" in out and "基本履职事项清单" not in out


def test_a_broken_list_yml_is_an_error_with_its_path(repo, tmp_path, monkeypatch, capsys):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    (clone / "content/lists/xingsheng/jiben/list.yml").write_text("type: [\n", encoding="utf-8")
    monkeypatch.chdir(clone)
    assert main(["diff", "r4"]) == 1
    assert "content/lists/xingsheng/jiben/list.yml:" in capsys.readouterr().err


def test_the_list_is_named_by_its_town_and_title():
    assert list_name("兴胜镇", "兴胜镇配合履职事项清单") == "兴胜镇 · 配合履职事项清单"
    assert list_name("兴胜镇", "配合履职事项清单（2024年版）") == "兴胜镇 · 配合履职事项清单（2024年版）"
    assert list_name("", "兴胜镇配合履职事项清单") == "兴胜镇配合履职事项清单"


def test_a_type_is_compared_by_its_declaration_not_by_its_name():
    """A site's own declaration (an extra field, other labels) is compared without a change to the engine."""
    shouhui = load_list_types()["shouhui"]
    declared = replace(shouhui, type="huishou", fields=(*shouhui.fields, Field("basis", "text", False, "收回依据")),
                       body=(BodySection("after", "收回后的做法", "markdown", True),))

    def matter(basis: str, after: str) -> TypedMatter:
        return TypedMatter("a", 1, "事项", "huishou", (("id", "a"), ("number", "1"), ("title", "事项"),
                                                      ("department", "青山区残联"), ("basis", basis), ("after", after)))

    change = diff_typed(declared, TypedSide((), (), (matter("区政府文件", "1. 由区残联办理。"),)),
                        TypedSide((), (), (matter("区政府通知", "1. 由区残联直接办理。\n2. 镇不再承担。"),)))
    (changed,) = change.matters
    assert [(field.field, field.label) for field in changed.fields] == [("basis", "收回依据"), ("after", "收回后的做法")]
    assert [item.kind for item in changed.fields[1].items] == [CHANGED, ADDED]


# --- comment -----------------------------------------------------------------------------------------------------


def test_comment_names_the_list_of_each_change(repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "checkout", "-q", "r1")
    out = tmp_path / "summary.md"
    result = subprocess.run([sys.executable, "-m", "generator", "comment", "--content", "content", "--target", "r0",
                             "--out", str(out)], cwd=clone, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO), "LVZHI_LANG": "en"})
    assert result.returncode == 0, result.stderr
    assert "OK: towns: 2, lists: 5" in result.stdout
    body = out.read_text(encoding="utf-8")
    assert "本次修订：涉及 3 份清单；修改 3 项" in body
    assert [line for line in body.splitlines() if line.startswith("### ")] == [
        "### 兴胜镇 · 基本履职事项清单（示例数据）", "### 兴胜镇 · 配合履职事项清单（示例数据）",
        "### 兴胜镇 · 上级部门收回事项清单（示例数据）"]


# --- build --changes-base and each list's history ---------------------------------------------------------------


def test_build_with_changes_base_and_each_lists_history(repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "checkout", "-q", "r1")
    report = build(clone / "content", tmp_path / "site", changes_base="r0")
    assert report.warnings == ()
    site = tmp_path / "site"
    top = (site / "changes/index.html").read_text(encoding="utf-8")
    assert "本次修订：涉及 3 份清单；修改 3 项" in top
    assert '<a href="../xingsheng/peihe/changes/index.html">兴胜镇 · 配合履职事项清单（示例数据）</a>' in top
    assert '<a href="../xingsheng/jiben/index.html">兴胜镇 · 基本履职事项清单（示例数据）</a>' in top
    assert "撰写监督检查<ins>" in top
    assert (site / "xingsheng/peihe/changes/index.html").is_file()
    assert not (site / "ziyoulu/peihe/changes").exists()  # 自由路街道's 配合 list did not change

    history = (site / "xingsheng/peihe/history/index.html").read_text(encoding="utf-8")
    assert "2024-02-01" in history and "2024-01-01" in history
    matter = (site / "xingsheng/peihe/matters/kai-zhan-zhen-yu-nei-fang-fan.html").read_text(encoding="utf-8")
    assert "2024-02-01" in matter
    assert "2024-02-01" not in (site / "ziyoulu/peihe/history/index.html").read_text(encoding="utf-8")


def test_a_lists_history_is_its_own_folders(repo):
    peihe = load_list_history(repo / "content", "xingsheng/peihe")
    assert [revision.date for revision in peihe.revisions] == ["2024-02-01", "2024-01-01"]
    assert [revision.date for revision in load_list_history(repo / "content", "ziyoulu/peihe").revisions] == [
        "2024-01-01"]  # neither the other lists' revisions nor the departments' (r2) are its own
    assert peihe.revisions[0].change.departments == ()


def test_a_lists_history_goes_back_through_migrate(tmp_path, monkeypatch, capsys):
    root = tmp_path / "repo"
    shutil.copytree(CONTENT, root / "content")
    init_repository(root)
    commit(root, "导入清单", "s0")
    edit(next((root / "content/matters").glob("072-*.md")), "进行审核。", "进行复核。")
    commit(root, "修改", "s1", "2024-02-01T09:00:00+08:00")
    assert main(["migrate", str(root / "content"), "--town", "xingsheng"]) == 0
    commit(root, "迁移", "s2", "2024-03-01T09:00:00+08:00")
    edit(root / "content" / PEIHE_72, "进行复核。", "进行核查。")
    commit(root, "再修改", "s3", "2024-04-01T09:00:00+08:00")
    capsys.readouterr()

    history = load_list_history(root / "content", "xingsheng/peihe")
    assert [revision.date for revision in history.revisions] == ["2024-04-01", "2024-02-01", "2024-01-01"]
    assert [revision.date for revision in history.of("kai-zhan-zhen-yu-nei-fang-fan")] == [
        "2024-04-01", "2024-02-01", "2024-01-01"]
    assert diff(root, monkeypatch, capsys, "s1", "s2") == "清单内容无变化。\n"  # the move changes nothing
    across = diff(root, monkeypatch, capsys, "s0", "s3")
    assert "【兴胜镇 · 配合履职事项清单】lists/xingsheng/peihe/\n本清单：修改 1 项" in across
    assert "进行[-审核-]{+核查+}。" in across


# --- a single list is as before ------------------------------------------------------------------------------


def test_a_single_list_folder_is_compared_as_before(tmp_path, monkeypatch, capsys):
    root = tmp_path / "repo"
    shutil.copytree(CONTENT, root / "content")
    init_repository(root)
    commit(root, "导入清单", "s0")
    edit(next((root / "content/matters").glob("072-*.md")), "进行审核。", "进行复核。")
    commit(root, "修改", "s1")
    change, warnings = compare_content(root / "content", "s0", "s1")
    assert not isinstance(change, LibraryChange) and warnings == []
    before, _warnings = compare(root / "content", "s0", "s1")
    for form in ("text", "markdown", "json"):
        assert render_change(change, form) == render(before, form)
        assert diff(root, monkeypatch, capsys, "s0", "s1", "--format", form) == render(before, form)
