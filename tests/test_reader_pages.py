"""The reader's side in the rendered HTML (issue 15): publication facts, the path from 首页, the menu's
section, 404.html's links, kept source wording; and site.yml's optional fields.

The browser suite (tests/browser/test_site_reader.py) checks how the same pages look and behave.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CONTENT
from generator.site import urls
from generator.content.check import load_valid_content
from generator.errors import ContentError
from generator.review.gitrev import ListRevision
from generator.review.history import History
from generator.content.loader import load_content
from generator.content.model import DutySection, Matter, Site
from generator.site.render import kept_words, name_parts, pages, publication, render_pages

SITE = Site(title="清单", town="兴胜镇", district="青山区", city="包头市", issuer="兴胜镇人民政府", version="现行版",
            revision_note="注。")


def revisions(*dates: str) -> History:
    """A history whose list revisions (newest first) have these dates."""
    return History({}, tuple(ListRevision(date, "abc1234", "修订", None) for date in dates))  # type: ignore[arg-type]


def test_publication_dates_come_from_site_yml_and_git() -> None:
    assert publication(SITE, revisions()) == publication(SITE, History())
    assert publication(SITE, History()).updated == ""
    shown = publication(SITE, revisions("2026-05-02", "2026-03-01", "2026-01-15"))
    assert (shown.published, shown.updated) == ("2026-01-15", "2026-05-02")  # first and last revision
    dated = replace(SITE, published="2025-12-31", document_number="兴政发〔2025〕9号")
    shown = publication(dated, revisions("2026-05-02", "2026-01-15"))
    assert (shown.published, shown.updated, shown.document_number) == ("2025-12-31", "2026-05-02", "兴政发〔2025〕9号")


def test_a_long_history_still_gives_its_first_revision_as_the_publication() -> None:
    """The history holds every content revision (the 修订记录 page shows the latest 50 only)."""
    shown = publication(SITE, revisions(*(f"2026-02-{day:02d}" for day in range(28, 0, -1)),
                                        *(f"2026-01-{day:02d}" for day in range(28, 0, -1))))
    assert (shown.published, shown.updated) == ("2026-01-01", "2026-02-28")


def test_department_names_split_where_they_differ() -> None:
    assert name_parts(SITE, "青山区民政局") == ("青山区", "民政局")
    assert name_parts(SITE, "包头市公安局青山分局") == ("包头市", "公安局青山分局")
    assert name_parts(SITE, "国家税务总局包头市青山区税务局") == ("", "国家税务总局包头市青山区税务局")
    assert name_parts(SITE, "青山区") == ("", "青山区")


def test_latin_words_kept_from_the_source_are_named_with_their_context() -> None:
    matter = Matter(id="x", number=1, title="落实工作", category="乡村振兴", departments=("青山区农牧局",),
                    guarantee="业务培训及指导。",
                    upper_sections=(DutySection("青山区农牧局职责：", ("青山区农牧局",),
                                                "1. 组织开展农业机械操作手的培训 and 安全教育，提高素质。"),),
                    town_duties="1. 做好 the 工作。\n2. 再做好 the 工作。")
    assert kept_words(matter) == ("培训 and 安全教育", "做好 the 工作")
    assert kept_words(replace(matter, upper_sections=(), town_duties="1. 使用 APP 登记。")) == ()


@pytest.fixture(scope="module")
def pages_with_facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The site rendered from a copy of the content with every optional field of site.yml set."""
    from conftest import copy_content

    folder = copy_content(tmp_path_factory.mktemp("facts") / "content", matters=12)
    with (folder / "site.yml").open("a", encoding="utf-8") as site_yml:
        site_yml.write("published: 2026-01-15\ndocument_number: 兴政发〔2026〕1号\nbase_path: /qingdan/\n")
    loaded = load_content(folder)
    assert not loaded.errors and loaded.content is not None
    history = revisions("2026-04-30", "2026-01-15")  # made up: no summaries, so no 修订记录 page
    shown = [page for page in pages(loaded.content) if page.path != urls.HISTORY]
    return {path: html.decode("utf-8") for path, html in
            render_pages(loaded.content, shown, history=history).items()}


def test_every_page_shows_the_facts_and_carries_pubdate(pages_with_facts: dict[str, str]) -> None:
    for path, html in pages_with_facts.items():
        footer = html[html.index('<footer class="site-footer">'):]
        for label, value in (("发布日期", "2026-01-15"), ("更新日期", "2026-04-30"), ("文号", "兴政发〔2026〕1号")):
            assert f"<dt>{label}</dt><dd>" in footer and value in footer, (path, label)
        if path != urls.NOT_FOUND:
            assert '<meta name="PubDate" content="2026-01-15">' in html, path
    for path in (urls.HOME, urls.FULL_LIST):
        main = pages_with_facts[path].split("<main", 1)[1].split("</main>", 1)[0]
        assert "2026-04-30" in main, path


def test_breadcrumbs_lead_from_home_and_the_menu_marks_the_section(pages_with_facts: dict[str, str]) -> None:
    matter = next(html for path, html in pages_with_facts.items() if path.startswith("matters/"))
    crumbs = re.search(r'<nav class="crumbs[^"]*" aria-label="当前位置">(.*?)</nav>', matter, re.S).group(1)
    labels = re.findall(r"<li[^>]*>(?:<a [^>]*>)?([^<]+)", crumbs)
    title = re.search(r"<h1>(.*?)</h1>", matter).group(1)
    assert labels[0] == "首页" and labels[-1] == title and len(labels) == 3 and "清单" not in labels
    assert re.search(r'<li aria-current="page">' + re.escape(title) + "</li>", crumbs)
    sections = {"matters/": urls.CATEGORIES, "categories/": urls.CATEGORIES, "departments/": urls.DEPARTMENTS,
                urls.FULL_LIST: urls.FULL_LIST, urls.SEARCH: urls.SEARCH, urls.HOME: urls.HOME}
    for path, html in pages_with_facts.items():
        marked = re.findall(r'<a href="(?:\.\./)*([^"]+)" aria-current="(?:page|true)"', html)
        wanted = next((target for prefix, target in sections.items() if path.startswith(prefix)), None)
        assert marked == ([wanted] if wanted else []), (path, marked)


def test_not_found_links_from_base_path_and_needs_no_file(pages_with_facts: dict[str, str]) -> None:
    page = pages_with_facts[urls.NOT_FOUND]
    links = re.findall(r'href="([^"#][^"]*)"', page)
    assert links and all(link.startswith("/qingdan/") or link.startswith("data:") for link in links), links
    assert "<style>" in page and 'rel="stylesheet"' not in page and "<script src" not in page


def test_not_found_without_base_path_mends_its_links_by_script(tmp_path: Path) -> None:
    content = load_valid_content(CONTENT)
    page = render_pages(content, [p for p in pages(content) if p.path == urls.NOT_FOUND])[urls.NOT_FOUND].decode()
    assert 'href="index.html"' in page and '"lvzhi-root"' in page
    for folder in urls.FOLDERS:
        assert f'"{folder}"' in page


@pytest.mark.parametrize("line, message", [
    ("published: 2026/01/15", "published"),
    ("published: 15. Januar", "published"),
    ("published: 2026-1-5", "published"),
    ("base_path: qingdan/", "base_path"),
    ("base_path: /qingdan", "base_path"),
])
def test_site_yml_optional_fields_are_checked(content_copy: Path, line: str, message: str) -> None:
    with (content_copy / "site.yml").open("a", encoding="utf-8") as site_yml:
        site_yml.write(line + "\n")
    errors = load_content(content_copy).errors
    assert len(errors) == 1 and isinstance(errors[0], ContentError)
    assert errors[0].path.endswith("site.yml") and message in errors[0].message and errors[0].suggestion
    lines = (content_copy / "site.yml").read_text(encoding="utf-8").splitlines()
    assert errors[0].line == len(lines)
