"""Revision history on the site: each matter's revisions, the 修订记录 page, and builds without git."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT
from generator.build import build
from generator.gitrev import Revision, list_revisions
from generator.history import NO_HISTORY, History, load_history, revision_summaries

ID_72 = "kai-zhan-zhen-yu-nei-fang-fan"
UNTOUCHED = "she-qu-gong-zuo-zhe-zhao-pin"  # matter 2
PAGE_72 = f"matters/{ID_72}.html"
# (name, subject, date): the commits of the fixture repository, oldest first.
COMMITS = [
    ("import", "导入清单", "2024-01-15"),
    ("edit", "修改第72项", "2024-02-15"),
    ("edit-again", "再次修改第72项", "2024-03-15"),
    ("aliases", "调整部门别称", "2024-04-15"),
]


def git(repo: Path, *args: str, date: str = "2024-01-01") -> str:
    # Late evening in +08:00 is the previous day in UTC: the page must show the committer's own date.
    stamp = f"{date}T23:30:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout with the committed content: imported, matter 72 edited twice, an alias added."""
    root = tmp_path_factory.mktemp("history-pages") / "repo"
    shutil.copytree(CONTENT, root / "content")
    git(root, "init", "-q", "-b", "main")
    for key, value in (("user.name", "审核测试"), ("user.email", "test@example.invalid"), ("commit.gpgsign", "false")):
        git(root, "config", key, value)
    (matter_72,) = (root / "content/matters").glob("072-*.md")
    changes = {
        "edit": lambda: edit(matter_72, "进行审核。", "进行复核。"),
        "edit-again": lambda: edit(matter_72, "组织各村分网格进行入户排查。", "组织各村分网格开展入户排查。"),
        "aliases": lambda: edit(root / "content/departments.yml", "  aliases:\n", "  aliases:\n    - 测试别称\n"),
    }
    for name, subject, date in COMMITS:
        changes.get(name, lambda: None)()
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", subject, date=date)
    return root


@pytest.fixture(scope="module")
def site(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("history-site") / "site"
    build(repo / "content", out)
    return out


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def revision_list(page: str) -> list[tuple[str, str]]:
    """(date, subject) of each revision a matter page lists."""
    listed = page[page.index('<ol class="revision-list">'):page.index("</ol>", page.index('class="revision-list"'))]
    return re.findall(r'<li><time datetime="([\d-]+)">\1</time> (.*?)</li>', listed)


def test_matter_page_lists_its_revisions_newest_first(site):
    page = read(site, PAGE_72)
    assert revision_list(page) == [("2024-03-15", "再次修改第72项"), ("2024-02-15", "修改第72项"),
                                   ("2024-01-15", "导入清单")]
    assert '<dt>最近修订</dt><dd><a href="#revisions"><time datetime="2024-03-15">2024-03-15</time></a></dd>' in page
    assert '<h2 id="revisions">修订记录</h2>' in page and "本项的 3 次修订" in page
    assert '<a href="../history/index.html">' in page


def test_untouched_matter_shows_only_the_import(site):
    page = read(site, f"matters/{UNTOUCHED}.html")
    assert revision_list(page) == [("2024-01-15", "导入清单")]
    assert '<time datetime="2024-01-15">2024-01-15</time></a></dd>' in page


def test_history_page_lists_revisions_newest_first_with_summaries(site):
    page = read(site, "history/index.html")
    headings = re.findall(r'<h2><time datetime="([\d-]+)">\1</time> (.*?)</h2>', page)
    assert headings == [(date, subject) for _, subject, date in reversed(COMMITS)]
    summaries = re.findall(r'<p class="revision-summary">(.*?)</p>', page)
    assert summaries == ["本次修订：部门变更 1 处",
                         "本次修订：修改 1 项",
                         "本次修订：修改 1 项",
                         "本次修订：新增 100 项；分类变更 8 处；部门变更 32 处"]
    assert "<title>修订记录 · " in page and '<meta name="ColumnName" content="修订记录">' in page


def test_history_page_marks_changed_characters(site):
    page = read(site, "history/index.html")
    hidden = '<span class="visually-hidden">'
    for removed, added in (("审", "复"), ("进行", "开展")):
        assert (f"<del>{hidden}[删除：</span>{removed}{hidden}]</span></del>"
                f"<ins>{hidden}[新增：</span>{added}{hidden}]</span></ins>") in page
    assert page.count("<li>第72项 开展镇域内防返贫监测对象认定\n") == 2
    assert "别称调整：" in page and "新增 测试别称" in page


def test_history_page_shortens_long_groups(site):
    page = read(site, "history/index.html")
    imported = page[page.rindex("<h2>"):]
    assert imported.count("<li>第") == 30  # the first 30 of the 100 new matters
    assert "另有 70 条未列出。" in imported


def test_links_to_the_history_page(site):
    assert '<a href="history/index.html">修订记录</a>' in read(site, "index.html")
    for path, back in (("index.html", ""), ("list/index.html", "../"), (PAGE_72, "../")):
        footer = read(site, path)[read(site, path).index("<footer"):]
        assert f'<a href="{back}history/index.html">修订记录</a>' in footer, path


def test_two_builds_are_byte_identical(repo, site, tmp_path):
    build(repo / "content", tmp_path / "again")
    assert tree(tmp_path / "again") == tree(site)


def test_build_outside_git_has_no_history(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copytree(CONTENT, tmp_path / "plain" / "content")
    assert load_history(tmp_path / "plain" / "content") == NO_HISTORY
    build(tmp_path / "plain" / "content", tmp_path / "site")
    history = read(tmp_path / "site", "history/index.html")
    assert "<p>无修订记录。</p>" in history and "<h2>" not in history
    matter = read(tmp_path / "site", PAGE_72)
    assert "最近修订" not in matter and 'id="revisions"' not in matter


def test_summaries_match_comparing_whole_revisions(repo):
    # The build reads only the files each revision touched; the result must be what
    # comparing every revision's complete content gives (the aliases commit is compared whole).
    assert revision_summaries(repo, "content") == list_revisions(repo, Path("content"))


def test_build_runs_git_a_fixed_number_of_times(repo, tmp_path, git_calls):
    history = load_history(repo / "content")
    assert len(history.revisions) == len(COMMITS) and len(history.matters) == 100
    assert len(git_calls) <= 6  # finding the checkout, two logs, reading the files: never once per matter


def test_changed_matters():
    first = Revision("2024-01-15", "aaaaaaa", "导入清单")
    second = Revision("2024-02-15", "bbbbbbb", "修改")
    before = History({"a": (first,), "b": (first,)})
    after = History({"a": (second, first), "b": (first,), "c": (second,)})
    assert after.changed_matters(before) == {"a", "c"}
    assert after.of("missing") == ()
