"""The pages that tell changes of the list, against the standards: the changes page of a preview site
(``build --changes-base``), the 修订记录 page and a matter page with revisions, built from a small git
repository whose branch edits, adds and removes matters (with a before/after rewrite and a 修订说明)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from harness import REPO_ROOT, format_violations, open_page, run_axe_in_schemes, serve_directory, validate_html, visit

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
if str(REPO_ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "tests"))


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)


@pytest.fixture(scope="module")
def review_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The preview site of a branch, and the page of its edited matter."""
    from conftest import copy_content, init_repository  # tests/conftest.py
    from generator.engine.build import build

    root = tmp_path_factory.mktemp("review-pages") / "repo"
    content = copy_content(root / "content", matters=6)
    init_repository(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    git(root, "checkout", "-q", "-b", "keeper/edit")
    paths = sorted((content / "matters").glob("*.md"))
    edited = paths[1]
    lines = edited.read_text(encoding="utf-8").split("\n")
    numbered = [index for index, line in enumerate(lines) if re.match(r"\d+\. ", line)]
    lines[numbered[-1]] += "并做好台账记录。"
    number, text = re.match(r"(\d+\. )(.*)", lines[numbered[0]]).groups()
    lines[numbered[0]] = number + "".join(c + ("改" if i % 4 == 3 else "") for i, c in enumerate(text))  # rewritten
    edited.write_text("\n".join(lines), encoding="utf-8")
    paths[-1].unlink()
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Edit\n\n修订说明: 测试修订说明")
    out = root.parent / "site"
    build(content, out, changes_base="main")
    matter_id = re.search(r"^id: (.*)$", edited.read_text(encoding="utf-8"), re.MULTILINE)[1]
    return out, f"matters/{matter_id}.html"


def test_review_pages_are_valid_html(review_site):
    site, matter = review_site
    assert "原文：" in (site / "changes" / "index.html").read_text(encoding="utf-8")  # a before/after rewrite
    errors = validate_html([site / "changes" / "index.html", site / "history" / "index.html", site / matter])
    assert not errors, "\n".join(errors)


def test_axe_finds_nothing_serious_on_the_review_pages(review_site, make_context: MakeContext):
    site, matter = review_site
    page = make_context("phone-360").new_page()
    report = []
    with serve_directory(site) as served:
        for relative in ("changes/index.html", "history/index.html", matter):
            visit(page, served.url(relative))
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            for scheme, violations in run_axe_in_schemes(page).items():
                if violations:
                    report.append(f"{relative} ({scheme}):\n{format_violations(violations)}")
    assert not report, "\n".join(report)
