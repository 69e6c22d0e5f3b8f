"""`check`: every kind of content error, reported as `path:line: message` (with a suggestion)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import COMMITTED_CONTENT, REPO
from generator.content.check import check_content
from generator.errors import ContentErrors

FIRST = "content/matters/001-kai-zhan-lian-dong-jian-du-ban.md"
SECOND = "content/matters/002-she-qu-gong-zuo-zhe-zhao-pin.md"


@pytest.fixture
def content(content_copy: Path, monkeypatch) -> Path:
    """The committed content in a temporary folder, which is also the working directory."""
    monkeypatch.chdir(content_copy.parent)
    return content_copy


def edit(path: str, old: str, new: str) -> None:
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as failure:
        check_content(content)
    return [str(error) for error in failure.value.errors]


def committed_summary() -> str:
    """check's summary of the committed content, counted from its files (content/ changes with every revision)."""
    matters = len(list((COMMITTED_CONTENT / "matters").glob("*.md")))
    return f"OK: {matters} matters, "


def test_committed_content_is_valid():
    summary = check_content(COMMITTED_CONTENT)
    assert summary.startswith(committed_summary())
    assert re.fullmatch(r"OK: \d+ matters, \d+ categories, \d+ departments \(\d+ with matters\)\.", summary)


def test_yaml_syntax_error_names_the_line(content):
    edit(FIRST, "title: 开展联动监督、办案", "title: [开展联动监督、办案")
    assert errors(content) == [
        f"{FIRST}:5: YAML syntax error: did not find expected ',' or ']' "
        "(check indentation, colons and quotes on this line or the one before)"]


def test_missing_field(content):
    edit(FIRST, "guarantee: 业务培训及指导。\n", "")
    assert errors(content) == [f"{FIRST}:2: missing or empty field 'guarantee' (add 'guarantee: …' (text))"]


def test_empty_field(content):
    edit(FIRST, "title: 开展联动监督、办案", "title: ''")
    assert errors(content) == [f"{FIRST}:4: missing or empty field 'title' (add 'title: …' (text))"]


def test_wrong_type(content):
    edit(FIRST, "number: 1\n", "number: 一\n")
    found = errors(content)
    assert found[0] == f"{FIRST}:3: field 'number' should be a whole number, not '一'"


def test_unknown_category_suggests_the_nearest(content):
    edit(FIRST, "category: 党的建设", "category: 党建设")
    assert errors(content) == [f"{FIRST}:5: unknown category '党建设' (did you mean '党的建设'?)"]


def test_unknown_department_suggests_the_nearest(content):
    edit(FIRST, "- 青山区纪委监委\n", "- 青山区纪委\n")
    assert f"{FIRST}:6: unknown department '青山区纪委' (did you mean '青山区纪委监委'?)" in errors(content)


def test_alias_in_front_matter_asks_for_the_canonical_name(content):
    edit(FIRST, "- 青山区纪委监委\n", "- 区纪委监委\n")
    assert errors(content) == [f"{FIRST}:6: '区纪委监委' is an alias (write the canonical name '青山区纪委监委')"]


def test_duplicate_number(content):
    edit(SECOND, "number: 2\n", "number: 1\n")
    found = errors(content)
    assert f"{SECOND}:3: matter number 1 is used twice " \
           "(every matter needs its own number; renumber the following matters)" in found
    assert f"{SECOND}:3: file name does not match number 1 and id 'she-qu-gong-zuo-zhe-zhao-pin' " \
           "(rename the file to 001-she-qu-gong-zuo-zhe-zhao-pin.md)" in found


def test_missing_number(content):
    Path(SECOND).unlink()
    assert errors(content) == [
        "content/matters/003-dui-jia-ting-jing-ji-kun-nan.md:3: matter numbers jump from 1 to 3 "
        "(number 2 is missing: renumber this matter or add the missing one)"]


def test_file_name_must_match_number_and_id(content):
    Path(FIRST).rename("content/matters/001-other.md")
    assert errors(content) == [
        "content/matters/001-other.md:3: file name does not match number 1 and id "
        "'kai-zhan-lian-dong-jian-du-ban' (rename the file to 001-kai-zhan-lian-dong-jian-du-ban.md)"]


def test_department_without_section(content):
    edit(FIRST, "- 青山区纪委监委\n", "- 青山区纪委监委\n- 青山区民政局\n")
    assert errors(content) == [
        f"{FIRST}:6: department '青山区民政局' has no duties section "
        "(add '### 青山区民政局职责：' with its duties under '## 上级部门职责')"]


def test_section_without_department(content):
    edit(FIRST, "### 青山区纪委监委职责：", "### 区民政局职责：")
    assert errors(content) == [
        f"{FIRST}:6: department '青山区纪委监委' has no duties section "
        "(add '### 青山区纪委监委职责：' with its duties under '## 上级部门职责')",
        f"{FIRST}:13: section for '青山区民政局' but the matter does not list it "
        "(add it to 'departments' or remove the section)"]


def test_heading_naming_no_department(content):
    edit(FIRST, "### 青山区纪委监委职责：", "### 青山区纪检委职责：")
    found = errors(content)
    assert f"{FIRST}:13: heading '青山区纪检委职责：' names no known department " \
           "(did you mean '青山区纪委监委'?)" in found


def test_empty_section(content):
    edit(FIRST, "1. 负责健全", "")
    text = Path(FIRST).read_text(encoding="utf-8")
    start = text.index("### 青山区纪委监委职责：") + len("### 青山区纪委监委职责：")
    Path(FIRST).write_text(text[:start] + "\n\n" + text[text.index("## 苏木"):], encoding="utf-8")
    assert errors(content) == [
        f"{FIRST}:13: section '青山区纪委监委职责：' is empty (write its duties below the heading or remove the section)"]


def test_missing_town_section(content):
    text = Path(FIRST).read_text(encoding="utf-8")
    Path(FIRST).write_text(text[:text.index("## 苏木")], encoding="utf-8")
    assert errors(content) == [
        f"{FIRST}:2: missing section '## 苏木乡镇（街道）配合职责' (the body needs the town's cooperating duties)"]


def test_text_outside_sections(content):
    edit(FIRST, "## 上级部门职责", "前言\n\n## 上级部门职责")
    assert errors(content) == [
        f"{FIRST}:11: text outside the known sections "
        "(put it under '## 上级部门职责' or '## 苏木乡镇（街道）配合职责')"]


def test_no_front_matter(content):
    Path(FIRST).write_text("# 开展联动监督\n", encoding="utf-8")
    found = errors(content)
    assert found[0] == (f"{FIRST}:1: no front matter "
                        "(start the file with '---', the fields, and '---' again)")


def test_duplicate_id(content):
    edit(SECOND, "id: she-qu-gong-zuo-zhe-zhao-pin", "id: kai-zhan-lian-dong-jian-du-ban")
    assert f"{SECOND}:2: id 'kai-zhan-lian-dong-jian-du-ban' is used twice " \
           "(ids are used in URLs and must be unique; give the new matter a new id)" in errors(content)


def test_errors_in_departments_file(content):
    edit("content/departments.yml", "  slug: civil-affairs\n", "  slug: Civil Affairs\n")
    edit("content/departments.yml", "  level: 市级\n", "  level: 省级\n")
    assert errors(content) == [
        "content/departments.yml:51: slug 'Civil Affairs' is not URL-safe "
        "(use lower-case ASCII letters, digits and hyphens, e.g. 'civil-affairs')",
        "content/departments.yml:167: unknown level '省级' (use one of 区级、市级、其他)"]


def test_shared_alias_is_an_error(content):
    edit("content/departments.yml", "    - 区民政局\n", "    - 区民政局\n    - 区教育局\n")
    assert errors(content) == [
        "content/departments.yml:53: alias '区教育局' also names another department "
        "(an alias must point to one department only)"]


def test_all_errors_are_reported_at_once(content):
    edit(FIRST, "category: 党的建设", "category: 党建设")
    edit(SECOND, "- 青山区委社会工作部\n", "- 社工部\n")
    assert errors(content) == [
        f"{FIRST}:5: unknown category '党建设' (did you mean '党的建设'?)",
        f"{SECOND}:6: unknown department '社工部' (did you mean '青山区委社会工作部'?)"]


def test_cli_reports_errors_without_traceback(content):
    edit(FIRST, "category: 党的建设", "category: 党建设")
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--content", "content"],
                            capture_output=True, text=True, timeout=60,
                            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "LVZHI_LANG": "en"})
    assert result.returncode == 1
    assert result.stderr == f"{FIRST}:5: unknown category '党建设' (did you mean '党的建设'?)\n1 error.\n"
    assert "Traceback" not in result.stdout + result.stderr


def test_committed_content_builds(tmp_path):
    """What CI demands of content/: valid, and a site comes of it (never that it equals a fixture)."""
    from generator.engine.build import build

    report = build(COMMITTED_CONTENT, tmp_path / "site")
    matters = list((COMMITTED_CONTENT / "matters").glob("*.md"))
    assert (tmp_path / "site" / "index.html").is_file() and report.pages > len(matters)
    assert len(list((tmp_path / "site" / "matters").glob("*.html"))) == len(matters)


def test_cli_check_passes_on_committed_content():
    result = subprocess.run([sys.executable, "-m", "generator", "check"], capture_output=True, text=True, cwd=REPO,
                            timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith(committed_summary())
