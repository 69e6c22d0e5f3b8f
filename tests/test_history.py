"""History for the site: each matter's commits and the site-wide 修订记录, from git only."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.review.gitrev import list_revisions
from generator.review.history import load_history
from generator.content.model import TOWN_DUTIES_HEADING

from conftest import CONTENT, init_repository
MATTERS = Path("content/matters")
NEW_ID_1 = "ce-shi-xin-biao-shi"
IDS: dict[str, str] = {}  # filled by the ``repo`` fixture from the content it commits


@dataclass(frozen=True)
class Revision:
    """A commit the ``repo`` fixture made, as the history should show it."""

    date: str  # the committer's own date, yyyy-mm-dd
    commit: str  # short hash
    subject: str


def git(repo: Path, *args: str, date: str = "2024-01-01T09:00:00+08:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip()


def matter_file(repo: Path, number: int) -> Path:
    (path,) = (repo / MATTERS).glob(f"{number:03d}-*.md")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def field(path: Path, key: str) -> str:
    match = re.search(rf"^{key}: (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, (path, key)
    return match[1]


def matter_id(path: Path) -> str:
    return field(path, "id")


def amend(path: Path, addition: str) -> None:
    """Add ``addition`` to the last numbered item of a matter file (whatever the content says)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    last = max(index for index, line in enumerate(lines) if re.match(r"\d+\. ", line))
    lines[last] += addition
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Revision]]:
    """A repository with six commits, and the Revision each commit should appear as; ``ids`` names
    the matters of the test: the one numbered 72 (renumbered 71), 5 (removed), 2 (never touched),
    the last one, and the first one (renamed), before and after."""
    root = tmp_path_factory.mktemp("history")
    shutil.copytree(CONTENT, root / "content")
    count = len(list((root / MATTERS).glob("*.md")))
    IDS.update({"72": matter_id(matter_file(root, 72)), "5": matter_id(matter_file(root, 5)),
                "2": matter_id(matter_file(root, 2)), "last": matter_id(matter_file(root, count)),
                "old-1": matter_id(matter_file(root, 1)), "count": str(count),
                "title-72": field(matter_file(root, 72), "title"), "title-1": field(matter_file(root, 1), "title")})
    (root / "README.md").write_text("清单\n", encoding="utf-8")
    init_repository(root)
    revisions: dict[str, Revision] = {}

    def commit(name: str, subject: str, month: int) -> None:
        date = f"2024-{month:02d}-15T23:30:00+08:00"  # the committer's own date, not UTC's
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", subject, date=date)
        revisions[name] = Revision(f"2024-{month:02d}-15", git(root, "rev-parse", "--short", "HEAD"), subject)

    commit("import", "导入清单", 1)
    amend(matter_file(root, 72), "（复核）")
    commit("edit", "修改第72项", 2)
    matter_file(root, 5).unlink()
    for path in sorted((root / MATTERS).glob("*.md")):
        number = int(path.name[:3])
        if number > 5:
            edit(path, f"\nnumber: {number}\n", f"\nnumber: {number - 1}\n")
            path.rename(path.with_name(f"{number - 1:03d}{path.name[3:]}"))
    commit("renumber", "删除第5项，后续编号顺延", 3)
    amend(matter_file(root, 71), "（再次修改）")
    commit("edit-again", "再次修改原第72项", 4)
    old = matter_file(root, 1)
    edit(old, f"id: {IDS['old-1']}", f"id: {NEW_ID_1}")
    old.rename(old.with_name(f"001-{NEW_ID_1}.md"))
    commit("new-id", "第1项改用新标识", 5)
    (root / "README.md").write_text("说明已更新\n", encoding="utf-8")
    commit("readme", "更新说明", 6)
    return root, revisions


def commits_of(history, matter_id: str) -> list[str]:
    return [revision.commit for revision in history.of(matter_id)]


def test_matter_history_follows_renumbering(repo):
    root, revision = repo
    history = load_history(root / "content")
    assert commits_of(history, IDS["72"]) == [revision[name].commit for name in
                                              ("edit-again", "renumber", "edit", "import")]
    assert commits_of(history, IDS["5"]) == [revision["renumber"].commit, revision["import"].commit]
    assert commits_of(history, IDS["last"]) == [revision["renumber"].commit, revision["import"].commit]
    assert commits_of(history, IDS["2"]) == [revision["import"].commit]  # never touched
    assert len(history.matters) == int(IDS["count"])  # every matter of the import, matter 1 under its new id only


def test_matter_history_follows_a_new_id(repo):
    root, revision = repo
    history = load_history(root / "content")
    assert commits_of(history, NEW_ID_1) == [revision["new-id"].commit, revision["import"].commit]
    assert IDS["old-1"] not in history.matters


def test_list_revisions_newest_first_with_summaries(repo):
    root, revision = repo
    revisions = list_revisions(root, Path("content"))
    assert [(r.date, r.commit, r.subject) for r in revisions] == [
        (r.date, r.commit, r.subject) for r in
        (revision[name] for name in ("new-id", "edit-again", "renumber", "edit", "import"))]
    counts = [r.summary.counts() for r in revisions]
    assert [(c.added, c.removed, c.changed, c.renumbered) for c in counts] == [
        (1, 1, 0, 0),  # an id change: the matter's address changed
        (0, 0, 1, 0),
        (0, 1, 0, int(IDS["count"]) - 5),
        (0, 0, 1, 0),
        (int(IDS["count"]), 0, 0, 0),
    ]
    first = revisions[-1].summary.counts()
    assert first.categories > 0 and first.departments > 0
    assert [r.subject for r in list_revisions(root, Path("content"), limit=2)] == ["第1项改用新标识", "再次修改原第72项"]


def test_folder_outside_git_has_no_history(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copytree(CONTENT, tmp_path / "plain" / "content")
    assert load_history(tmp_path / "plain" / "content").revisions == ()
    assert list_revisions(tmp_path / "plain", Path("content")) == []
    subprocess.run(["git", "init", "-q", str(tmp_path / "fresh")], check=True)  # a checkout without commits
    shutil.copytree(CONTENT, tmp_path / "fresh" / "content")
    assert load_history(tmp_path / "fresh" / "content").revisions == ()
    assert list_revisions(tmp_path / "fresh", Path("content")) == []
    assert capfd.readouterr().err == ""


def test_history_dates_are_iso_dates(repo):
    root, _ = repo
    dates = {r.date for revisions in load_history(root / "content").matters.values() for r in revisions}
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) for date in dates)


def test_site_history_tells_each_matter_in_list_terms(repo):
    # What the site shows: per matter, what each revision did to it, across renumbering and a new id.
    root, revision = repo
    history = load_history(root / "content")
    assert [(r.date, r.change) for r in history.of(IDS["72"])] == [
        (revision["edit-again"].date, f"第71项 {TOWN_DUTIES_HEADING} 修改"),
        (revision["renumber"].date, "第72项调整编号为第71项"),
        (revision["edit"].date, f"第72项 {TOWN_DUTIES_HEADING} 修改"),
        (revision["import"].date, f"新增第72项 {IDS['title-72']}"),
    ]
    assert [r.change for r in history.of(NEW_ID_1)] == ["第1项 网页地址变更", f"新增第1项 {IDS['title-1']}"]
    assert IDS["old-1"] not in history.matters
    assert [r.change for r in history.of(IDS["5"])][0].startswith("删除第5项 ")
    # The README commit changed nothing in the list: not a revision.
    assert [r.commit for r in history.revisions] == [
        revision[name].commit for name in ("new-id", "edit-again", "renumber", "edit", "import")]
    assert all(r.notes == () for r in history.revisions)
    # The 修订记录 page links the matters the latest revision left in the list.
    listed = history.listed()
    assert NEW_ID_1 in listed and IDS["72"] in listed and IDS["5"] not in listed and IDS["old-1"] not in listed
    assert len(listed) == int(IDS["count"]) - 1


def test_old_versions_of_matter_files_are_read_without_writing_them(repo, monkeypatch):
    """Each version is parsed from the bytes git gives (it was written to a scratch file first: one file
    created per version, the slowest step of a district's history on this machine's disk)."""
    root, _revisions = repo
    written: list[str] = []
    real = Path.write_bytes
    monkeypatch.setattr(Path, "write_bytes", lambda self, data: written.append(self.name) or real(self, data))
    history = load_history(root / "content")
    assert len(history.matters) == int(IDS["count"])
    assert not [name for name in written if name.endswith(".md")]
