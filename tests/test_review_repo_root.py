"""A content folder that is the git checkout itself (a town office's repository holding only its lists).

git names a revision's top folder ``REV:``, not ``REV:.``: read as ``REV:.``
the base side was missing and every matter showed as added.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import CONTENT, copy_content, init_repository, load_script
from generator.review.changes import ADDED, CHANGED
from generator.review.gitrev import compare, tree_name
from generator.review.library_sides import compare_content

LINE = "并按要求报送工作情况。"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)


def commit_then_edit_one_matter(root: Path, matters: Path) -> str:
    """Commit ``root``, add a line to the first matter file under ``matters`` and commit again; its name."""
    init_repository(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "首次发布")
    path = sorted(matters.glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{LINE}\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "修订一项")
    return path.name


def test_git_names_the_top_folder_without_a_dot():
    assert tree_name("abc123", ".") == "abc123:"
    assert tree_name("abc123^", "content") == "abc123^:content"


def test_a_single_list_at_the_top_of_its_checkout_shows_only_what_changed(tmp_path):
    root = copy_content(tmp_path / "town", matters=5)
    commit_then_edit_one_matter(root, root / "matters")
    change, warnings = compare(root, "HEAD~1", "HEAD")
    assert warnings == []
    assert [matter.kind for matter in change.matters] == [CHANGED]


def test_a_district_at_the_top_of_its_checkout_shows_only_what_changed(tmp_path):
    root = tmp_path / "district"
    load_script("example_district").generate(CONTENT, root)
    commit_then_edit_one_matter(root, root / "lists/xingsheng/peihe/matters")
    change, warnings = compare_content(root, "HEAD~1", "HEAD")
    assert warnings == []
    kinds = [matter.kind for listed in change.lists for matter in listed.change.matters]
    assert kinds == [CHANGED] and ADDED not in kinds
