"""An old revision the history reader cannot read is left out with a warning; the build goes on.

Each test commits a small valid list, then a bad revision (a GBK-encoded
site.yml, broken YAML, a symbolic link to an absolute path, a matter file
that is not UTF-8), then reverts it and makes a good change: the working
tree is valid, and ``build`` must succeed, name the revisions and files it
left out, and still show the good revisions.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, copy_content, init_repository
from generator.engine.build import build
from generator.review.history import load_history

NOTE = "补充第1项的配合职责"


def git(repo: Path, *args: str) -> str:
    stamp = "2024-05-01T10:00:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env,
                          check=True).stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "--short", "HEAD")


def first_matter(content: Path) -> Path:
    return sorted((content / "matters").glob("*.md"))[0]


def amend_first_matter(content: Path) -> None:
    path = first_matter(content)
    lines = path.read_text(encoding="utf-8").split("\n")
    last = max(index for index, line in enumerate(lines) if re.match(r"\d+\. ", line))
    lines[last] += "并及时反馈。"
    path.write_text("\n".join(lines), encoding="utf-8")


def gbk_site(content: Path) -> str:
    path = content / "site.yml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    return "content/site.yml"


def broken_yaml_matter(content: Path) -> str:
    path = first_matter(content)
    path.write_text(re.sub(r"^title: .*$", "title: [未闭合", path.read_text(encoding="utf-8"), count=1,
                           flags=re.MULTILINE), encoding="utf-8")
    return f"content/matters/{path.name}"


def broken_yaml_departments(content: Path) -> str:
    path = content / "departments.yml"
    path.write_text(path.read_text(encoding="utf-8") + "- name: [未闭合\n", encoding="utf-8")
    return "content/departments.yml"


def symlink_site(content: Path) -> str:
    (content / "site.yml").unlink()
    os.symlink("/etc/hostname", content / "site.yml")
    return "content/site.yml"


def symlink_matter(content: Path) -> str:
    path = first_matter(content)
    path.unlink()
    os.symlink("/etc/hostname", path)
    return f"content/matters/{path.name}"


def gbk_matter(content: Path) -> str:
    path = first_matter(content)
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    return f"content/matters/{path.name}"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    copy_content(root / "content", matters=3)
    init_repository(root)
    commit(root, "Import")
    return root


@pytest.mark.parametrize("break_it", [gbk_site, broken_yaml_matter, broken_yaml_departments, symlink_site,
                                      symlink_matter, gbk_matter])
def test_reverted_bad_revision_is_left_out_and_the_build_goes_on(repo, tmp_path, break_it: Callable[[Path], str]):
    content = repo / "content"
    path = break_it(content)
    bad = commit(repo, "Bad revision")
    git(repo, "revert", "--no-edit", "HEAD")
    revert = git(repo, "rev-parse", "--short", "HEAD")
    amend_first_matter(content)
    good = commit(repo, f"Good revision\n\n修订说明: {NOTE}")

    report = build(content, tmp_path / "site")

    assert report.warnings == (
        f"revision {revert} is left out of the history: cannot read {bad}:{path} ({_reason(report, revert)})",
        f"revision {bad} is left out of the history: cannot read {bad}:{path} ({_reason(report, bad)})",
    )
    history = load_history(content)
    assert [revision.commit for revision in history.revisions][0] == good
    assert history.revisions[0].notes == (NOTE,) and len(history.revisions) == 2  # the good one, the import
    page = (tmp_path / "site" / "history" / "index.html").read_text(encoding="utf-8")
    assert f"修订说明：{NOTE}" in page and "修改 1 项" in page


def _reason(report, commit: str) -> str:
    """The reason a warning gives (whatever the loader said), for comparing the rest of the message."""
    (warning,) = [warning for warning in report.warnings if warning.startswith(f"revision {commit} ")]
    reason = warning[warning.index(" (") + 2:-1]
    assert reason
    return reason


def test_a_file_unreadable_on_both_sides_does_not_stop_a_revision(repo, tmp_path):
    # site.yml stays unreadable for a while: the matter edit made meanwhile still counts.
    content = repo / "content"
    gbk_site(content)
    bad = commit(repo, "Bad site.yml")
    amend_first_matter(content)
    meanwhile = commit(repo, f"Edit while site.yml is bad\n\n修订说明: {NOTE}")
    git(repo, "checkout", "HEAD~2", "--", "content/site.yml")
    fixed = commit(repo, "Fix site.yml")
    history = load_history(content)
    assert [revision.commit for revision in history.revisions][:1] == [meanwhile]
    assert [skipped.commit for skipped in history.skipped] == [fixed, bad]
    assert "not UTF-8" in history.skipped[0].reason
    build(content, tmp_path / "site")
    assert f"修订说明：{NOTE}" in (tmp_path / "site" / "history" / "index.html").read_text(encoding="utf-8")


def test_build_command_warns_in_chinese_without_a_traceback(repo, tmp_path):
    content = repo / "content"
    gbk_site(content)
    bad = commit(repo, "Bad site.yml")
    git(repo, "revert", "--no-edit", "HEAD")
    environment = {key: value for key, value in os.environ.items() if key != "LVZHI_LANG"}
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out",
                           str(tmp_path / "site"), "--no-cache"], cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"未列入修订记录：无法读取 {bad}:content/site.yml" in done.stderr
    assert (tmp_path / "site" / "history" / "index.html").is_file()
