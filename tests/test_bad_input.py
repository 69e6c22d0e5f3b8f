"""Bad input, case by case: what a keeper (or an editor, git, a copy from Windows) can put in ``content/``.

Each case breaks a small copy of the content in one way and states what
``check`` must say: accepted, or refused with these ``path:line: message``
lines. Every case also holds that nothing raises but ``ContentErrors``,
every message is short (a bad value is quoted as an excerpt), the content
folder is left as it was, a refused build leaves the previous site as it
was, and nothing takes longer than a time bound (a case that would hang
fails instead). A representative subset runs the command line in a
subprocess, as a keeper would, and ``diff`` is tried over revisions that
hold such content.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, copy_content, init_repository
from generator.engine.build import build
from generator.content.check import check_content
from generator.errors import ContentErrors

MATTERS = 5
SECONDS = 20  # the time bound of one case; each takes well under a second
MESSAGE_LIMIT = 300  # characters of one reported line, whatever the input holds
FIRST = "content/matters/001-kai-zhan-lian-dong-jian-du-ban.md"
SECOND = "content/matters/002-she-qu-gong-zuo-zhe-zhao-pin.md"
LAUGHS = "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 10))


# --- helpers ------------------------------------------------------------------------------------------


@contextmanager
def time_bound(seconds: float = SECONDS) -> Iterator[None]:
    """Fail, rather than hang, when the block takes longer than ``seconds`` (SIGALRM interrupts a blocked open)."""

    def expired(number: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``: its type and, for regular files, its bytes (pipes are never opened)."""
    found: dict[str, tuple] = {}
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(root) / name
            status = os.lstat(path)
            kind = status.st_mode & 0o170000
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else (
                os.readlink(path) if path.is_symlink() else None)
            found[path.relative_to(folder).as_posix()] = (kind, data)
    return found


def text(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")


def write(path: str | Path, content: str) -> None:
    Path(path).write_text(content, encoding="utf-8")


def replace_once(path: str | Path, old: str, new: str) -> None:
    current = text(path)
    assert old in current, (path, old)
    write(path, current.replace(old, new, 1))


def check_errors(content: Path) -> list[str] | None:
    """The reported lines, or None when the content is accepted."""
    try:
        check_content(content)
    except ContentErrors as failure:
        return [str(error) for error in failure.errors]
    return None


@pytest.fixture
def content(tmp_path: Path, monkeypatch) -> Path:
    """Five matters and the settings in ``tmp_path/content``, the working directory being ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    return copy_content(tmp_path / "content", MATTERS)


# --- the cases -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A way to break the content, and what ``check`` must report (None: accepted)."""

    name: str
    breaks: Callable[[Path], None]
    expected: list[str] | None  # every reported line, exactly; or None
    contains: bool = False  # ``expected`` need only be among the reported lines


def crlf(path: str | Path) -> None:
    Path(path).write_bytes(Path(path).read_bytes().replace(b"\n", b"\r\n"))


def bom(path: str | Path) -> None:
    Path(path).write_bytes(b"\xef\xbb\xbf" + Path(path).read_bytes())


def gbk(path: str | Path) -> None:
    Path(path).write_bytes(text(path).encode("gbk"))


def crlf_with_an_error(content: Path) -> None:
    crlf(FIRST)
    bom(FIRST)
    data = Path(FIRST).read_bytes().replace("category: 党的建设".encode(), "category: 党建设".encode())
    Path(FIRST).write_bytes(data)


def windows_settings(content: Path) -> None:
    for name in ("site.yml", "categories.yml", "departments.yml"):
        crlf(content / name)
        bom(content / name)


def link_inside(content: Path) -> None:
    kept = content / "kept"
    kept.mkdir()
    Path(FIRST).rename(kept / "first.md")
    Path(FIRST).symlink_to(Path("../kept/first.md"))


def editor_lock(content: Path) -> None:
    (content / "matters" / ".#001-kai-zhan-lian-dong-jian-du-ban.md").symlink_to("user@host.1234:1700000000")


def control_on_many_lines(content: Path) -> None:
    replace_once(FIRST, "## 苏木乡镇（街道）配合职责\n", "## 苏木乡镇（街道）配合职责\n" + "\x07\n" * 8)


def billion_laughs(content: Path) -> None:
    replace_once(FIRST, "title: 开展联动监督、办案\n", "l0: &l0 哈\n" + LAUGHS + "title: *l9\n")


def huge_wrong_value(content: Path) -> None:
    replace_once(FIRST, "number: 1\n", "number: " + "一" * 1_000_000 + "\n")


def nested_deep(content: Path) -> None:
    replace_once(FIRST, "title: 开展联动监督、办案\n", "title: " + "[" * 5000 + "]" * 5000 + "\n")


def fifo(content: Path) -> None:
    os.mkfifo(content / "matters" / "006-pipe.md")


def outside_link(content: Path) -> None:
    outside = content.parent / "elsewhere.md"
    Path(FIRST).rename(outside)
    Path(FIRST).symlink_to(outside)


CASES = [
    Case("crlf and bom are accepted", lambda c: (crlf(FIRST), bom(SECOND), crlf(SECOND)), None),
    Case("crlf and bom keep the line numbers", crlf_with_an_error,
         [f"{FIRST}:5: unknown category '党建设' (did you mean '党的建设'?)"]),
    Case("old mac line ends are accepted",
         lambda c: Path(FIRST).write_bytes(Path(FIRST).read_bytes().replace(b"\n", b"\r")), None),
    Case("settings with crlf and bom are accepted", windows_settings, None),
    Case("a link to a file inside the content folder is read", link_inside, None),
    Case("an editor's lock file is not a matter", editor_lock, None),
    Case("nul in front matter", lambda c: replace_once(FIRST, "title: 开展联动", "title: 开展\x00联动"),
         [f"{FIRST}:4: invisible control character U+0000 in column 10 "
          "(delete it: it has no place in the text (it may come from copying or converting))"]),
    Case("nul in body", lambda c: replace_once(FIRST, "1. 负责健全", "1. 负责\x00健全"),
         [f"{FIRST}:15: invisible control character U+0000 in column 6 "
          "(delete it: it has no place in the text (it may come from copying or converting))"]),
    Case("escape in body after crlf lines", lambda c: (replace_once(FIRST, "1. 负责健全", "1. \x1b[31m负责健全"),
                                                      crlf(FIRST)),
         [f"{FIRST}:15: invisible control character U+001B in column 4 "
          "(delete it: it has no place in the text (it may come from copying or converting))"]),
    Case("control characters on many lines are counted", control_on_many_lines,
         [f"{FIRST}:24: control characters on 3 more lines (search the file for them and delete them)"],
         contains=True),
    Case("a line separator would shift the lines", lambda c: replace_once(FIRST, "title: 开展", "title: 开\u2028展"),
         [f"{FIRST}:4: invisible control character U+2028 in column 9 "
          "(delete it: it has no place in the text (it may come from copying or converting))"]),
    Case("billion laughs", billion_laughs,
         [f"{FIRST}:4: YAML anchors and aliases ('&name', '*name') are not allowed "
          "(write the value out in full where it is needed)"]),
    Case("alias bomb in notes", lambda c: replace_once(
        FIRST, "guarantee:", "x: &x [" + ", ".join(["长长的注释文字" * 20] * 20) + "]\nnotes: [*x, *x, *x]\nguarantee:"),
         [f"{FIRST}:8: YAML anchors and aliases ('&name', '*name') are not allowed "
          "(write the value out in full where it is needed)"]),
    Case("a key written twice", lambda c: replace_once(FIRST, "title: 开展联动监督、办案\n",
                                                       "title: 开展联动监督、办案\ntitle: 另一个标题\n"),
         [f"{FIRST}:5: key 'title' appears twice in one mapping (first on line 4) "
          "(keep one of them: otherwise the last one would silently win)"]),
    Case("a title of spaces", lambda c: replace_once(FIRST, "title: 开展联动监督、办案", "title: '   '"),
         [f"{FIRST}:4: missing or empty field 'title' (add 'title: …' (text))"]),
    Case("a title of ideographic spaces", lambda c: replace_once(FIRST, "title: 开展联动监督、办案", "title: 　　"),
         [f"{FIRST}:4: missing or empty field 'title' (add 'title: …' (text))"]),
    Case("a misspelt key", lambda c: replace_once(FIRST, "guarantee:", "note:\n- 一条注释\nguarantee:"),
         [f"{FIRST}:8: unknown field 'note' (did you mean 'notes'?)"]),
    Case("a misspelt key in site.yml", lambda c: replace_once(c / "site.yml", "title:", "descripton: 说明\ntitle:"),
         ["content/site.yml:2: unknown field 'descripton' (did you mean 'description'?)"]),
    Case("a misspelt key in categories.yml", lambda c: replace_once(c / "categories.yml", "  slug: party-building\n",
                                                                    "  slug: party-building\n  slg: x\n"),
         ["content/categories.yml:5: unknown field 'slg' (did you mean 'slug'?)"]),
    Case("a misspelt key in departments.yml", lambda c: replace_once(c / "departments.yml", "  aliases:", "  alias:"),
         ["content/departments.yml:10: unknown field 'alias' (did you mean 'aliases'?)"]),
    Case("a key twice in departments.yml", lambda c: replace_once(c / "departments.yml", "  level: 区级\n",
                                                                  "  level: 区级\n  level: 市级\n", ),
         ["content/departments.yml:10: key 'level' appears twice in one mapping (first on line 9) "
          "(keep one of them: otherwise the last one would silently win)"]),
    Case("a category name of spaces", lambda c: replace_once(c / "categories.yml", "name: 党的建设", "name: '  '"),
         ["content/categories.yml:2: missing or empty field 'name' (add 'name: …' (text))"], contains=True),
    Case("a huge value is quoted as an excerpt", huge_wrong_value,
         [f"{FIRST}:3: field 'number' should be a whole number, not "
          "'一一一一一一一一一一一一一一一一一...一一一一一一一一一一一一一一一一一一'"]),
    Case("nesting too deep", nested_deep,
         [f"{FIRST}:4: YAML syntax error: exceeded maximum nesting depth "
          "(check indentation, colons and quotes on this line or the one before)"]),
    Case("a python tag runs nothing", lambda c: replace_once(FIRST, "title: 开展联动监督、办案",
                                                             "title: !!python/object/apply:os.system ['touch x']"),
         [f"{FIRST}:4: YAML syntax error: could not determine a constructor for the tag "
          "'tag:yaml.org,2002:python/object/a… "
          "(check indentation, colons and quotes on this line or the one before)"]),
    Case("a value its tag cannot make", lambda c: replace_once(FIRST, "number: 1\n", "number: !!int 一\n"),
         [f"{FIRST}:3: a value does not fit the YAML tag written before it "
          "(remove the tag (such as '!!int') or correct the value)"]),
    Case("a date its tag cannot make, in settings",
         lambda c: replace_once(c / "site.yml", "title:", "published: !!timestamp 去年\ntitle:"),
         ["content/site.yml:2: a value does not fit the YAML tag written before it "
          "(remove the tag (such as '!!int') or correct the value)"]),
    Case("a link leading out of the content folder", outside_link, None),  # expected filled in by the test
    Case("a dangling link", lambda c: (Path(FIRST).unlink(), Path(FIRST).symlink_to("gone.md")),
         [f"{FIRST}:1: the link leads to nothing (its target gone.md does not exist) "
          "(remove the link or put the file in its place)"]),
    Case("a folder named like a matter", lambda c: (c / "matters" / "006-folder.md").mkdir(),
         ["content/matters/006-folder.md:1: this is a folder, not a text file "
          "(rename or remove the folder: a text file is expected under this name)"]),
    Case("a pipe named like a matter", fifo,
         ["content/matters/006-pipe.md:1: this is not a regular file (a pipe, socket or device) "
          "(remove it: only text files are read)"]),
    Case("upper-case extension", lambda c: Path(SECOND).rename(SECOND.replace(".md", ".MD")),
         [f"{SECOND.replace('.md', '.MD')}:1: the name does not end in '.md', so this file is not read as a matter "
          f"(rename it to {Path(SECOND).name})"]),
    Case("a .txt added by windows", lambda c: Path(SECOND).rename(SECOND + ".txt"),
         [f"{SECOND}.txt:1: the name does not end in '.md', so this file is not read as a matter "
          f"(rename it to {Path(SECOND).name})"]),
    Case("a matter in utf-16", lambda c: Path(FIRST).write_bytes(text(FIRST).encode("utf-16")),
         [f"{FIRST}:1: the file is not UTF-8 text (it looks like UTF-16) (save it as UTF-8 text)"]),
    Case("an empty site.yml", lambda c: write(c / "site.yml", ""),
         ["content/site.yml:1: site.yml is empty (write the site's settings in it: title, town, district, city, "
          "issuer, version, revision_note)"]),
    Case("a site.yml of comments only", lambda c: write(c / "site.yml", "# 设置\n"),
         ["content/site.yml:1: site.yml is empty (write the site's settings in it: title, town, district, city, "
          "issuer, version, revision_note)"]),
    Case("an empty categories.yml names itself, not every matter", lambda c: write(c / "categories.yml", ""),
         ["content/categories.yml:1: categories.yml is empty "
          "(list the categories in it, each starting with '- name: …')"]),
    Case("an empty departments.yml names itself, not every matter", lambda c: write(c / "departments.yml", ""),
         ["content/departments.yml:1: departments.yml is empty "
          "(list the departments in it, each starting with '- name: …')"]),
    Case("a department entry without its level names that entry only",
         lambda c: replace_once(c / "departments.yml", "  slug: discipline-inspection\n  level: 区级\n",
                                "  slug: discipline-inspection\n"),
         ["content/departments.yml:7: missing or empty field 'level' (add 'level: …' (text))"]),
    Case("a category entry without its slug names that entry only",
         lambda c: replace_once(c / "categories.yml", "  slug: party-building\n", ""),
         ["content/categories.yml:2: missing or empty field 'slug' (add 'slug: …' (text))"]),
    Case("a departments.yml that is not a list", lambda c: write(c / "departments.yml", "name: 青山区民政局\n"),
         ["content/departments.yml:1: departments.yml should be a list of entries, each starting with '- name: …'"]),
    Case("a gbk site.yml", lambda c: gbk(c / "site.yml"),
         ["content/site.yml:2: the file is not UTF-8 text (it looks like GBK/GB18030) (save it as UTF-8 text)"]),
    Case("a gbk departments.yml", lambda c: gbk(c / "departments.yml"),
         ["content/departments.yml:2: the file is not UTF-8 text (it looks like GBK/GB18030) "
          "(save it as UTF-8 text)"]),
    Case("site.yml does not hide the other files' errors", lambda c: (
        write(c / "site.yml", ""), replace_once(FIRST, "category: 党的建设", "category: 党建设"),
        replace_once(c / "departments.yml", "  level: 区级\n", "  level: 省级\n", )),
         ["content/site.yml:1: site.yml is empty (write the site's settings in it: title, town, district, city, "
          "issuer, version, revision_note)",
          "content/departments.yml:9: unknown level '省级' (use one of 区级、市级、其他)",
          f"{FIRST}:5: unknown category '党建设' (did you mean '党的建设'?)"]),
    Case("a site.yml that is a folder", lambda c: ((c / "site.yml").unlink(), (c / "site.yml").mkdir()),
         ["content/site.yml:1: this is a folder, not a text file "
          "(rename or remove the folder: a text file is expected under this name)"]),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_refuses_or_accepts(case: Case, content: Path, tmp_path: Path):
    out = tmp_path / "site"
    build(content, out)  # the previous site, which a refused build must leave as it was
    before_site = snapshot(out)
    case.breaks(content)
    expected = case.expected
    if case.name == "a link leading out of the content folder":  # the target's end: its name, whatever the folder
        target = str(tmp_path / "elsewhere.md")
        shown = target if len(target) <= 80 else "…" + target[-80:]
        expected = [f"{FIRST}:1: the link leads outside the content folder (to {shown}) "
                    "(put the file itself in the content folder: content outside it is not published)"]
    before = snapshot(content)
    with time_bound():
        found = check_errors(content)
    if expected is None:
        assert found is None
    elif case.contains:
        assert set(expected) <= set(found or []), found
    else:
        assert found == expected
    assert all(len(line) < MESSAGE_LIMIT for line in found or []), [line[:MESSAGE_LIMIT] for line in found]
    with time_bound():
        if expected is None:
            build(content, out)
        else:
            with pytest.raises(ContentErrors):
                build(content, out)
            assert snapshot(out) == before_site
    assert snapshot(content) == before
    assert not (content.parent / "x").exists()  # no code ran


def test_a_link_out_of_a_deep_folder_is_named_by_the_end_of_its_path(content: Path, tmp_path: Path):
    """The message keeps the end of a long target (the file's name), not the folders before it."""
    outside = tmp_path / ("很深的文件夹" * 12) / "elsewhere.md"
    outside.parent.mkdir()
    Path(FIRST).rename(outside)
    Path(FIRST).symlink_to(outside)
    [message] = check_errors(content)
    assert f"(to …{str(outside)[-80:]}) " in message and "很深的文件夹/elsewhere.md)" in message


def test_a_dangling_link_into_a_deep_folder_is_named_by_the_end_of_its_path(content: Path, tmp_path: Path):
    gone = tmp_path / ("很深的文件夹" * 12) / "gone.md"
    Path(FIRST).unlink()
    Path(FIRST).symlink_to(gone)
    [message] = check_errors(content)
    assert f"(its target …{str(gone)[-80:]} does not exist)" in message and "很深的文件夹/gone.md" in message


def test_a_nul_in_a_body_never_reaches_a_page(content: Path, tmp_path: Path):
    replace_once(FIRST, "1. 负责健全", "1. 负责\x00健全")
    with time_bound(), pytest.raises(ContentErrors):
        build(content, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_crlf_content_builds_the_same_pages_as_lf(content: Path, tmp_path: Path):
    build(content, tmp_path / "lf")
    for path in (content / "matters").glob("*.md"):
        crlf(path)
        bom(path)
    windows_settings(content)
    build(content, tmp_path / "crlf")
    lf, windows = snapshot(tmp_path / "lf"), snapshot(tmp_path / "crlf")
    assert lf.keys() == windows.keys()
    assert [name for name in lf if lf[name] != windows[name] and not name.startswith("downloads/")] == []


# --- the command line, as a keeper runs it ---------------------------------------------------------------

COMMAND_CASES = ["billion laughs", "a pipe named like a matter", "a gbk site.yml", "nul in body",
                 "an empty categories.yml names itself, not every matter", "crlf and bom are accepted"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO), "LVZHI_LANG": "en"})


@pytest.mark.parametrize("name", COMMAND_CASES)
def test_the_commands_refuse_without_a_traceback(name: str, content: Path, tmp_path: Path):
    case = next(case for case in CASES if case.name == name)
    assert run("build", "--out", "site", "--no-cache", cwd=tmp_path).returncode == 0
    before_site = snapshot(tmp_path / "site")
    case.breaks(content)
    before = snapshot(content)
    checked = run("check", cwd=tmp_path)
    built = run("build", "--out", "site", cwd=tmp_path)  # with the cache, which must not open a pipe either
    for result in (checked, built):
        assert "Traceback" not in result.stdout + result.stderr
        if case.expected is None:
            assert result.returncode == 0, result.stderr
        else:
            assert result.returncode == 1
            assert result.stderr.splitlines()[:-1] == case.expected
    if case.expected is not None:
        assert snapshot(tmp_path / "site") == before_site
    assert snapshot(content) == before


def test_chinese_messages_for_bad_input(content: Path, tmp_path: Path):
    write(content / "categories.yml", "")
    replace_once(FIRST, "guarantee:", "note:\n- 一条注释\nguarantee:")
    result = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60,
                            env={**{k: v for k, v in os.environ.items() if k != "LVZHI_LANG"}, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("content/categories.yml:1: categories.yml 是空的")
    assert lines[1].startswith(f"{FIRST}:8: 未知字段“note”") and "是否应为“notes”？" in lines[1]


# --- diff over revisions that hold bad content ---------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.fixture
def repo(content: Path, tmp_path: Path) -> Path:
    """A git repository of the small content, with one commit."""
    init_repository(tmp_path)
    git(tmp_path, "add", "content")
    git(tmp_path, "commit", "-q", "-m", "清单")
    return tmp_path


def commit_all(repo: Path, subject: str) -> None:
    git(repo, "add", "-A", "content")
    git(repo, "commit", "-q", "-m", subject)


def test_diff_over_a_link_to_an_absolute_path(repo: Path):
    Path(FIRST).unlink()
    Path(FIRST).symlink_to("/etc/hostname")
    commit_all(repo, "链接")
    result = run("diff", "main~1", "main", cwd=repo)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stdout == "清单内容无变化。\n"  # not "removed"
    assert (f"warning: main:{FIRST}:1: a link leading outside the content folder is not read "
            "(put the file itself in the content folder)") in result.stderr
    assert (f"warning: main:{FIRST}: this matter cannot be read at main, so it is left out of the comparison "
            "(neither removed nor added)") in result.stderr


def test_diff_over_broken_yaml_says_unreadable_never_deleted(repo: Path):
    replace_once(FIRST, "title: 开展联动监督、办案", "title: [开展联动监督、办案")
    commit_all(repo, "弄坏")
    for args in (("main~1", "main"), ("main", "main~1")):  # broken at the newer revision, then at the older
        result = run("diff", *args, "--format", "json", cwd=repo)
        assert result.returncode == 0 and "Traceback" not in result.stderr
        counts = json.loads(result.stdout)["counts"]
        assert (counts["added"], counts["removed"], counts["changed"]) == (0, 0, 0)
        assert (f"warning: main:{FIRST}: this matter cannot be read at main, so it is left out of the comparison "
                "(neither removed nor added)") in result.stderr.splitlines()
        assert f"warning: main:{FIRST}:5: YAML syntax error" in result.stderr
    working = run("diff", "main~1", cwd=repo)  # the working tree, broken too
    assert working.returncode == 0 and working.stdout == "清单内容无变化。\n"
    assert f"warning: {FIRST}: this matter cannot be read at working tree" in working.stderr


def test_diff_over_a_gbk_site_yml(repo: Path, content: Path):
    gbk(content / "site.yml")
    commit_all(repo, "GBK")
    result = run("diff", "main~1", "main", cwd=repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "main:content/site.yml:2: the file is not UTF-8 text (it looks like GBK/GB18030) (save it as UTF-8 text)")


# --- serve's incremental engine meets the same entries -----------------------------------------------------


def test_serve_reports_entries_that_are_not_matter_files_and_forgets_them_when_gone(content: Path, tmp_path: Path):
    from generator.engine.incremental import IncrementalSite

    site = IncrementalSite(content, tmp_path / "out")
    assert not site.update().errors
    matters = content / "matters"
    os.mkfifo(matters / "006-pipe.md")
    (matters / "007-folder.md").mkdir()
    (matters / "008-gone.md").symlink_to("nowhere.md")
    Path(SECOND).rename(SECOND.replace(".md", ".MD"))
    with time_bound():
        update = site.update()
    assert [f"{error.path}:{error.line}" for error in update.errors] == [
        "content/matters/002-she-qu-gong-zuo-zhe-zhao-pin.MD:1", "content/matters/006-pipe.md:1",
        "content/matters/007-folder.md:1", "content/matters/008-gone.md:1"]
    for name in ("006-pipe.md", "008-gone.md"):
        (matters / name).unlink()
    (matters / "007-folder.md").rmdir()
    Path(SECOND.replace(".md", ".MD")).rename(SECOND)
    with time_bound():
        assert site.update().errors == ()
