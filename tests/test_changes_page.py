"""The changes page of a pull request's preview site: ``build --changes-base REV`` → ``changes/index.html``.

The fixture is a small list committed on ``main``, and a branch that edits
a matter, adds one and removes the last one, as a keeper's pull request
would: the page must show what ``diff main`` shows, link the matters as
this site shows them, and exist only when asked for.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import REPO, copy_content, init_repository
from generator.engine.build import build
from generator.review.changes import ADDED, CHANGED, REMOVED
from generator.site.changes_page import CHANGES_PAGE
from generator.review.gitrev import GitError, compare
from generator.content.model import TOWN_DUTIES_HEADING

MATTERS = 6
ADDED_TEXT = "并做好台账记录。"
NEW_ID, NEW_TITLE = "ce-shi-xin-zeng-shi-xiang", "测试新增事项"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def front(path: Path, key: str) -> str:
    match = re.search(rf"^{key}: (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, (path, key)
    return match[1]


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A checkout on the branch of a pull request, with what it changed."""
    root = tmp_path_factory.mktemp("changes-page") / "repo"
    content = copy_content(root / "content", matters=MATTERS)
    init_repository(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    git(root, "checkout", "-q", "-b", "keeper/edit")
    paths = sorted((content / "matters").glob("*.md"))
    edited, removed = paths[1], paths[-1]
    lines = edited.read_text(encoding="utf-8").split("\n")
    last = max(index for index, line in enumerate(lines) if re.match(r"\d+\. ", line))
    lines[last] += ADDED_TEXT
    edited.write_text("\n".join(lines), encoding="utf-8")
    facts = {"root": root, "content": content, "edited": front(edited, "id"), "removed": front(removed, "id"),
             "removed_title": front(removed, "title")}
    text = removed.read_text(encoding="utf-8")
    removed.unlink()
    for key, value in (("id", NEW_ID), ("title", NEW_TITLE)):
        text = re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.MULTILINE)
    (content / "matters" / f"{MATTERS:03d}-{NEW_ID}.md").write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Edit matter 2, replace the last one")
    return facts


@pytest.fixture(scope="module")
def site(branch: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("changes-site") / "site"
    build(branch["content"], out, changes_base="main")
    return out


def page(site: Path) -> str:
    return (site / CHANGES_PAGE).read_text(encoding="utf-8")


def test_the_page_lists_what_diff_lists(site, branch):
    html = page(site)
    change, _ = compare(branch["content"], "main")
    assert {matter.kind for matter in change.matters} == {ADDED, REMOVED, CHANGED}
    for matter in change.matters:
        assert f"第{matter.number}项 {matter.title}" in html, matter
    assert '<p class="revision-summary">新增 1 项，删除 1 项，修改 1 项</p>' in html
    assert "<h1>本次修订的内容变化</h1>" in html and "与修订 main（" in html


def test_the_page_marks_the_changed_text(site, branch):
    html = page(site)
    hidden = '<span class="visually-hidden">'
    assert f"<ins>{hidden}[新增：</span>{ADDED_TEXT}{hidden}]</span></ins>" in html
    assert f"<li>{TOWN_DUTIES_HEADING}" in html
    assert f"删除第{MATTERS}项 {branch['removed_title']}" in html


def test_links_lead_to_the_changed_matters_in_this_site(site, branch):
    html = page(site)
    links = re.findall(r'href="([^"]+)"', html)
    assert f"../matters/{branch['edited']}.html" in links and f"../matters/{NEW_ID}.html" in links
    assert f"../matters/{branch['removed']}.html" not in links  # its page is gone
    folder = (site / CHANGES_PAGE).parent
    for link in links:
        if link.startswith("#"):
            continue  # the skip link
        target = (folder / unquote(link.split("#")[0])).resolve()
        assert target.is_file() and site.resolve() in target.parents, link


def test_a_base_given_as_a_whole_hash_is_shown_short(branch, tmp_path):
    # CI passes the merge base as a full hash (GitLab's CI_MERGE_REQUEST_DIFF_BASE_SHA).
    full = git(branch["root"], "rev-parse", "main")
    build(branch["content"], tmp_path / "site", changes_base=full)
    html = page(tmp_path / "site")
    assert f"与修订 {full[:7]}相比" in html and full not in html


def test_no_page_without_the_option(branch, tmp_path):
    build(branch["content"], tmp_path / "site")
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (tmp_path / "site" / "changes").exists()


def test_the_cache_tells_builds_with_and_without_the_page_apart(branch, tmp_path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(branch["content"], out, cache_dir=cache, changes_base="main")
    assert (out / CHANGES_PAGE).is_file()
    assert not build(branch["content"], out, cache_dir=cache).unchanged
    assert not (out / "changes").exists()
    assert not build(branch["content"], out, cache_dir=cache, changes_base="main").unchanged
    assert build(branch["content"], out, cache_dir=cache, changes_base="main").unchanged


def test_an_unknown_base_stops_the_build_before_writing(branch, tmp_path):
    with pytest.raises(GitError, match="no-such-branch"):
        build(branch["content"], tmp_path / "site", changes_base="no-such-branch")
    assert not (tmp_path / "site").exists()


def test_build_command_with_the_option(branch, tmp_path):
    environment = {**os.environ, "LVZHI_LANG": "en"}
    command = [sys.executable, "-m", "generator", "build", "--content", str(branch["content"]), "--no-cache"]
    done = subprocess.run([*command, "--out", str(tmp_path / "site"), "--changes-base", "main"], cwd=REPO,
                          env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / CHANGES_PAGE).is_file()
    failed = subprocess.run([*command, "--out", str(tmp_path / "other"), "--changes-base", "no-such-branch"],
                            cwd=REPO, env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert failed.returncode == 1 and "error: unknown revision 'no-such-branch'" in failed.stderr
    assert "Traceback" not in failed.stderr and not (tmp_path / "other").exists()
