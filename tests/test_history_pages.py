"""Revision history on the site, in the list's terms: the 修订记录 page and each matter's revisions.

The fixture repository commits a copy of the content under developers' commit
subjects, then edits it the way keepers do. Edits are made to whatever the
content holds (the last item of a matter's town duties, a copy of the last
matter), so the tests hold however the list is revised.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT, init_repository
from generator.engine.build import build
from generator.review.gitrev import list_revisions
from generator.review.history import NO_HISTORY, History, MatterRevision, load_history, notes, revision_summaries
from generator.content.model import TOWN_DUTIES_HEADING

# (name, subject, body, date): the commits of the fixture repository, oldest first.
NOTE_11 = "根据镇政府意见修改第11项的配合职责"
NOTE_NEW = "新增一项测试事项"
COMMITS = [
    ("import", "Content model, importer for the official table, and check", "", "2024-01-15"),
    ("edit-11", "Fix wording of matter 11 (see ticket #42)", f"Longer developer notes.\n\n修订说明: {NOTE_11}\n",
     "2024-02-15"),
    ("no-content", "Reformat categories.yml", "", "2024-03-15"),
    ("add", "Add test matter via script", f"修订说明：{NOTE_NEW}\nSigned-off-by: 审核测试 <test@example.invalid>\n",
     "2024-04-15"),
]
SUBJECTS = [subject for _, subject, _, _ in COMMITS]
NEW_ID, NEW_TITLE = "ce-shi-xin-zeng-shi-xiang", "测试新增事项"
ADDED_TEXT = "并做好测试记录。"


def git(repo: Path, *args: str, date: str = "2024-01-01") -> str:
    # Late evening in +08:00 is the previous day in UTC: the pages must show the committer's own date.
    stamp = f"{date}T23:30:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip()


def matter_path(content: Path, number: int) -> Path:
    (path,) = (content / "matters").glob(f"{number:03d}-*.md")
    return path


def front(path: Path, key: str) -> str:
    match = re.search(rf"^{key}: (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, (path, key)
    return match[1]


def amend_town_duties(path: Path, addition: str) -> None:
    """Add ``addition`` to the last numbered item of the file: the last item of its town duties."""
    lines = path.read_text(encoding="utf-8").split("\n")
    last = max(index for index, line in enumerate(lines) if re.match(r"\d+\. ", line))
    lines[last] += addition
    path.write_text("\n".join(lines), encoding="utf-8")


def add_matter(content: Path, matter_id: str, title: str) -> int:
    """A copy of the last matter as a new matter after it; its number."""
    last = sorted((content / "matters").glob("*.md"))[-1]
    number = int(front(last, "number")) + 1
    text = last.read_text(encoding="utf-8")
    for key, value in (("id", matter_id), ("number", str(number)), ("title", title)):
        text = re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.MULTILINE)
    (content / "matters" / f"{number:03d}-{matter_id}.md").write_text(text, encoding="utf-8")
    return number


def init_repo(root: Path) -> None:
    init_repository(root)


def commit(root: Path, subject: str, body: str, date: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", subject + ("\n\n" + body if body else ""), date=date)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A checkout: the content imported, matter 11 edited, a reformatting that changes nothing, a matter added."""
    root = tmp_path_factory.mktemp("history-pages") / "repo"
    content = root / "content"
    shutil.copytree(CONTENT, content)
    init_repo(root)
    facts = {"root": root, "content": content, "id_11": front(matter_path(content, 11), "id"),
             "title_11": front(matter_path(content, 11), "title")}
    changes = {
        "edit-11": lambda: amend_town_duties(matter_path(content, 11), ADDED_TEXT),
        "no-content": lambda: (content / "categories.yml").write_text(
            "# 仅调整格式\n" + (content / "categories.yml").read_text(encoding="utf-8"), encoding="utf-8"),
        "add": lambda: facts.update(new_number=add_matter(content, NEW_ID, NEW_TITLE)),
    }
    for name, subject, body, date in COMMITS:
        changes.get(name, lambda: None)()
        commit(root, subject, body, date)
    return facts


@pytest.fixture(scope="module")
def site(repo: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("history-site") / "site"
    build(repo["content"], out)
    return out


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def revision_list(page: str) -> list[tuple[str, str]]:
    """(date, text) of each revision a matter page lists."""
    listed = page[page.index('<ol class="revision-list">'):page.index("</ol>", page.index('class="revision-list"'))]
    return re.findall(r'<li><time datetime="([\d-]+)">\1</time> (.*?)</li>', listed)


def revision_blocks(page: str) -> list[str]:
    """The HTML of each revision on the 修订记录 page, newest first."""
    start = page.index('<ol class="revision-log">')
    log = page[start:page.index("</ol>\n", page.rindex("</li>", start, page.index("</main>")))]
    return re.split(r"\n(?=<li>\n<h2>)", log)[1:]


def test_no_commit_subject_appears_anywhere(site):
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for subject in SUBJECTS:
            assert subject not in text, (path, subject)
    assert "Longer developer notes." not in read(site, "history/index.html")


def test_history_page_lists_content_revisions_with_dates_and_notes(site):
    page = read(site, "history/index.html")
    headings = re.findall(r'<h2><time datetime="([\d-]+)">\1</time> 修订</h2>', page)
    assert headings == ["2024-04-15", "2024-02-15", "2024-01-15"]  # not 2024-03-15: it changed nothing
    blocks = revision_blocks(page)
    assert f'<p class="change-note">修订说明：{NOTE_NEW}</p>' in blocks[0]
    assert f'<p class="change-note">修订说明：{NOTE_11}</p>' in blocks[1]
    assert "change-note" not in blocks[2]
    assert "本清单最近 3 次修订" in page


def test_history_page_tells_each_change_in_list_terms(site, repo):
    blocks = revision_blocks(read(site, "history/index.html"))
    link = f'<a href="../matters/{repo["id_11"]}.html">第11项 {repo["title_11"]}</a>'
    assert f"<li>{link}：{TOWN_DUTIES_HEADING} 修改</li>" in blocks[1]
    assert '<p class="revision-summary">修改 1 项</p>' in blocks[1]
    new = f'<a href="../matters/{NEW_ID}.html">第{repo["new_number"]}项 {NEW_TITLE}</a>'
    assert f"<li>新增{new}</li>" in blocks[0]
    assert '<p class="revision-summary">新增 1 项</p>' in blocks[0]
    assert blocks[2].count("<li>新增<a href=") == 30 and "另有 " in blocks[2]  # the import, shortened


def test_every_link_of_the_history_page_resolves(site):
    folder = site / "history"
    links = [link for link in re.findall(r'href="([^"#]+)', read(site, "history/index.html"))]
    assert any(link.startswith("../matters/") for link in links)
    for link in links:
        assert (folder / link).resolve().is_file(), link


def test_history_page_marks_changed_characters(site):
    block = revision_blocks(read(site, "history/index.html"))[1]
    hidden = '<span class="visually-hidden">'
    assert f"<ins>{hidden}[新增：</span>{ADDED_TEXT}{hidden}]</span></ins>" in block
    assert f"<li>{TOWN_DUTIES_HEADING}" in block


def test_matter_page_lists_its_revisions_in_list_terms(site, repo):
    page = read(site, f"matters/{repo['id_11']}.html")
    assert revision_list(page) == [
        ("2024-02-15", f'第11项 {TOWN_DUTIES_HEADING} 修改<span class="change-note">（修订说明：{NOTE_11}）</span>'),
        ("2024-01-15", f"新增第11项 {repo['title_11']}"),
    ]
    assert '<dt>最近修订</dt><dd><a href="#revisions"><time datetime="2024-02-15">2024-02-15</time></a></dd>' in page
    assert "本项的 2 次修订" in page and '<a href="../history/index.html">' in page


def test_new_matter_page_shows_its_addition(site, repo):
    page = read(site, f"matters/{NEW_ID}.html")
    assert revision_list(page) == [
        ("2024-04-15", f'新增第{repo["new_number"]}项 {NEW_TITLE}<span class="change-note">（修订说明：{NOTE_NEW}）</span>')]


def test_untouched_matter_shows_only_the_import(site, repo):
    content = repo["content"]
    page = read(site, f"matters/{front(matter_path(content, 2), 'id')}.html")
    assert revision_list(page) == [("2024-01-15", f"新增第2项 {front(matter_path(content, 2), 'title')}")]


def test_last_revised_dates(repo):
    history = load_history(repo["content"])
    assert history.last_revised == "2024-04-15"
    assert history.matter_revised(repo["id_11"]) == "2024-02-15"
    assert history.matter_revised(NEW_ID) == "2024-04-15"
    assert history.matter_revised("no-such-matter") is None
    assert NO_HISTORY.last_revised is None
    assert history.skipped == ()


def test_links_to_the_history_page(site, repo):
    assert '<a href="history/index.html">修订记录</a>' in read(site, "index.html")
    page = f"matters/{repo['id_11']}.html"
    for path, back in (("index.html", ""), ("list/index.html", "../"), (page, "../")):
        footer = read(site, path)[read(site, path).index("<footer"):]
        assert f'<a href="{back}history/index.html">修订记录</a>' in footer, path


def test_two_builds_are_byte_identical(repo, site, tmp_path):
    build(repo["content"], tmp_path / "again")
    assert tree(tmp_path / "again") == tree(site)


def test_build_outside_git_has_no_history(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copytree(CONTENT, tmp_path / "plain" / "content")
    assert load_history(tmp_path / "plain" / "content") == NO_HISTORY
    build(tmp_path / "plain" / "content", tmp_path / "site")
    history = read(tmp_path / "site", "history/index.html")
    assert "<p>无修订记录。</p>" in history and "<h2>" not in history
    matter = read(tmp_path / "site", f"matters/{front(matter_path(CONTENT, 1), 'id')}.html")
    assert "最近修订" not in matter and 'id="revisions"' not in matter


def test_summaries_match_comparing_whole_revisions(repo):
    # The build reads only the files each revision touched; the result must be what comparing every
    # revision's complete content gives (the no-content commit changed categories.yml: compared whole).
    whole = [(r.date, r.commit, r.summary) for r in list_revisions(repo["root"], Path("content"))
             if not r.summary.is_empty]
    assert [(r.date, r.commit, r.change) for r in revision_summaries(repo["root"], "content")] == whole
    assert len(whole) == 3


def test_build_runs_git_a_fixed_number_of_times(repo, git_calls):
    history = load_history(repo["content"])
    assert len(history.revisions) == 3 and len(history.matters) == len(list((repo["content"] / "matters").glob("*.md")))
    assert len(git_calls) <= 5  # finding the checkout, the log, reading the files: never once per matter


def test_changed_matters():
    first = MatterRevision("2024-01-15", "aaaaaaa", "新增第1项 甲")
    second = MatterRevision("2024-02-15", "bbbbbbb", f"第1项 {TOWN_DUTIES_HEADING} 修改")
    before = History({"a": (first,), "b": (first,)})
    after = History({"a": (second, first), "b": (first,), "c": (second,)})
    assert after.changed_matters(before) == {"a", "c"}
    assert after.of("missing") == ()


@pytest.mark.parametrize(("body", "expected"), [
    ("", ()),
    (f"修订说明: {NOTE_11}", (NOTE_11,)),
    (f"修订说明：{NOTE_11}", (NOTE_11,)),  # the full-width colon of Chinese input
    ("Developer notes.\n\n修订说明: 第一句\n  第二句\nSigned-off-by: a <a@b>", ("第一句第二句",)),
    ("修订说明: 甲\n修订说明: 乙", ("甲", "乙")),
    ("A sentence that mentions 修订说明: not a trailer, inside prose.", ()),
    ("Prose first line\n修订说明: in a paragraph that is not all trailers", ()),
    ("修订说明:   ", ()),
])
def test_notes_are_taken_from_trailers_only(body, expected):
    assert notes(body) == expected
