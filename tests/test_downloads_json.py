"""The JSON download as a format other systems rely on: version, dates, revisions, slugs, URLs.

Dates come from site.yml and a real git history made here (fixed committer
dates), so the bytes are the same on every build; docs/downloads.md names
every field the file holds.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT, REPO, init_repository
from generator.site import downloads
from generator.content.check import load_valid_content
from generator.errors import ContentErrors
from generator.review.history import NO_HISTORY, load_history
from generator.site.urls import JSON_DOWNLOAD

DOC = REPO / "docs" / "downloads.md"
EDITED = 7  # the matter the second commit edits


def git(repo: Path, *args: str, date: str = "2025-03-01T10:00:00+08:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env,
                          check=True, timeout=60).stdout.strip()


def set_site(content: Path, **fields: str) -> None:
    """site.yml with ``fields`` added at its end."""
    site = content / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + "".join(f"{key}: {value}\n" for key, value in fields.items()),
                    encoding="utf-8")


def data_of(content_dir: Path, history=None) -> dict:
    content = load_valid_content(content_dir)
    files = downloads.download_files(content, load_history(content_dir) if history is None else history)
    return json.loads(files[JSON_DOWNLOAD].decode("utf-8"))


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The committed content in a git repository of its own: imported on 2025-01-10, matter 7 edited on 2025-03-01."""
    root = tmp_path_factory.mktemp("json-history")
    shutil.copytree(CONTENT, root / "content")
    init_repository(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "导入清单", date="2025-01-10T09:00:00+08:00")
    (path,) = (root / "content" / "matters").glob(f"{EDITED:03d}-*.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("业务培训及指导。", "业务培训及工作指导。", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    git(root, "commit", "-q", "-am", "修改第7项", date="2025-03-01T10:00:00+08:00")
    return root


@pytest.fixture(scope="module")
def data(repo) -> dict:
    return data_of(repo / "content")


def test_the_format_has_a_version(data):
    assert data["format_version"] == downloads.FORMAT_VERSION
    assert re.fullmatch(r"\d+\.\d+", data["format_version"])


def test_dates_come_from_the_git_history(data):
    assert data["last_revised"] == "2025-03-01"
    assert data["published"] == "2025-01-10"  # no date in site.yml: the list's first revision
    by_number = {matter["number"]: matter for matter in data["matters"]}
    assert by_number[EDITED]["last_revised"] == "2025-03-01"
    assert {matter["last_revised"] for number, matter in by_number.items() if number != EDITED} == {"2025-01-10"}


def test_the_revision_history_says_what_changed(data):
    newest, first = data["revisions"]
    assert (newest["date"], first["date"]) == ("2025-03-01", "2025-01-10")
    assert newest["counts"]["changed"] == 1 and newest["counts"]["added"] == 0
    [changed] = newest["matters"]
    edited = next(matter for matter in data["matters"] if matter["number"] == EDITED)
    assert changed == {"id": edited["id"], "number": EDITED, "title": edited["title"], "change": "changed"}
    assert "修改 1 项" in newest["summary"]
    assert first["counts"]["added"] == len(data["matters"])
    assert all("subject" not in revision for revision in data["revisions"])  # developers' words stay in git


def test_published_date_from_site_yml_wins(repo, tmp_path):
    content = shutil.copytree(repo / "content", tmp_path / "content")
    set_site(content, published="'2024-12-31'")  # quoted: YAML would read a bare date as a date
    data = data_of(content, history=load_history(repo / "content"))
    assert (data["published"], data["last_revised"]) == ("2024-12-31", "2025-03-01")


def test_without_git_the_dates_are_null(tmp_path):
    content = shutil.copytree(CONTENT, tmp_path / "content")
    data = data_of(content, history=NO_HISTORY)
    assert (data["published"], data["last_revised"], data["revisions"]) == (None, None, [])
    assert {matter["last_revised"] for matter in data["matters"]} == {None}


def test_slugs_beside_names(data):
    content = load_valid_content(CONTENT)
    category_slug = {category.name: category.slug for category in content.categories}
    department_slug = {department.name: department.slug for department in content.departments}
    for matter in data["matters"]:
        assert matter["category_slug"] == category_slug[matter["category"]]
        assert matter["department_slugs"] == [department_slug[name] for name in matter["departments"]]
        for section in matter["upper_sections"]:
            assert section["department_slugs"] == [department_slug[name] for name in section["departments"]]
    assert [category["slug"] for category in data["categories"]] == list(category_slug.values())


def test_urls_are_relative_without_a_base_url(data):
    assert data["base_url"] is None
    urls = [data["links"]["home"], *(item["url"] for key in ("categories", "departments", "matters")
                                     for item in data[key])]
    assert all(not re.match(r"[a-z]+:|/", url) for url in urls)
    assert data["links"]["home"] == "index.html" and data["links"]["csv"] == "downloads/qingdan.csv"


@pytest.mark.parametrize("base", ["http://intranet.example/qingdan/", "http://intranet.example/qingdan"])
def test_urls_are_absolute_under_a_base_url(tmp_path, base):
    content = shutil.copytree(CONTENT, tmp_path / "content")
    set_site(content, base_url=base)
    data = data_of(content, history=NO_HISTORY)
    assert data["base_url"] == base
    assert data["links"]["home"] == "http://intranet.example/qingdan/index.html"
    matter = data["matters"][0]
    assert matter["url"] == f"http://intranet.example/qingdan/matters/{matter['id']}.html"
    assert all(item["url"].startswith("http://intranet.example/qingdan/") for key in ("categories", "departments")
               for item in data[key])
    assert data["matters"][0]["table"] == data_of(CONTENT, NO_HISTORY)["matters"][0]["table"]  # the text is the same


@pytest.mark.parametrize("value", ["intranet.example/qingdan/", "/qingdan/", "ftp://host/", "http://"])
def test_a_base_url_that_is_not_absolute_is_reported(tmp_path, value):
    content = shutil.copytree(CONTENT, tmp_path / "content")
    set_site(content, base_url=f"'{value}'")
    with pytest.raises(ContentErrors) as raised:
        load_valid_content(content)
    [error] = raised.value.errors
    assert error.path.endswith("site.yml") and "base_url" in error.message and error.line > 1


def test_the_json_is_byte_identical_when_built_again(repo):
    content = load_valid_content(repo / "content")
    first = downloads.download_files(content, load_history(repo / "content"))
    again = downloads.download_files(load_valid_content(repo / "content"), load_history(repo / "content"))
    assert first == again


def json_keys(value: object) -> set[str]:
    """Every object key of a JSON value, at any depth, that reads as a field name (lowercase, underscores)."""
    if isinstance(value, dict):
        found = {key for key in value if re.fullmatch(r"[a-z_]+", key)}
        return found.union(*(json_keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(json_keys(item) for item in value))
    return set()


def test_the_documentation_names_every_field(data):
    documented = set(re.findall(r"`([a-z_]+)`", DOC.read_text(encoding="utf-8")))
    keys = json_keys(data)
    assert keys and not keys - documented, sorted(keys - documented)
    assert f"`{downloads.FORMAT_VERSION}`" in DOC.read_text(encoding="utf-8")
