"""``build``: every page with the right content, links that resolve, no external references, determinism."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import openpyxl
import pytest
from markupsafe import escape

from conftest import CONTENT, REPO, committed_matters
from generator.site import urls
from generator.engine.build import build
from generator.content.check import load_valid_content
from generator.review.history import load_history
from generator.site.render import pages, render_pages

MATTER_BUDGET = 30 * 1024  # bytes of HTML + CSS + JS a matter page may cost


class Parsed(HTMLParser):
    """What the tests need from one page: tags with attributes, ids, text per tag."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str, **match: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in match.items())]

    def meta(self, name: str) -> str:
        [tag] = self.all("meta", name=name)
        return tag["content"]


@pytest.fixture(scope="module")
def content():
    return load_valid_content(CONTENT)


@pytest.fixture(scope="module")
def site(tmp_path_factory, content) -> Path:
    out = tmp_path_factory.mktemp("build") / "site"
    build(CONTENT, out)
    return out


@pytest.fixture(scope="module")
def html_pages(site) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def parsed(html_pages) -> dict[str, Parsed]:
    return {path: Parsed(text) for path, text in html_pages.items()}


def text_of(page: Parsed) -> str:
    return re.sub(r"\s+", "", "".join(page.text))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_page_is_there(site, content):
    expected = {"index.html", "404.html", "list/index.html", "search/index.html", "departments/index.html",
                "categories/index.html",
                "history/index.html"}
    expected |= {f"matters/{m.id}.html" for m in content.matters}
    expected |= {f"categories/{c.slug}/index.html" for c in content.categories}
    expected |= {f"departments/{d.slug}/index.html" for d in content.departments}
    built = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert built == expected
    for other in ("static/style.css", "static/site.js", "static/search.js", "search/search-index.js",
                  "search/search-index.json", "downloads/qingdan.json", "downloads/qingdan.csv",
                  "downloads/qingdan.xlsx"):
        assert (site / other).is_file(), other


def test_matter_pages(parsed, html_pages, content):
    for matter in content.matters:
        page = parsed[f"matters/{matter.id}.html"]
        assert re.findall(r"<h1>(.*?)</h1>", html_pages[f"matters/{matter.id}.html"]) == [
            str(escape(matter.title))]
        text = text_of(page)
        assert f"第{matter.number}项" in text
        assert re.sub(r"\s+", "", matter.title) in text
        for name in matter.departments:
            assert name in text
        for section in matter.upper_sections:
            assert re.sub(r"\s+", "", section.heading) in text
        assert "上级部门职责" in text and "履职保障" in text and "苏木乡镇（街道）配合职责" in text
        assert page.meta("ColumnName") == matter.category
        assert page.meta("ArticleTitle") == matter.title
        category = {c.name: c for c in content.categories}[matter.category]
        assert page.all("a", href=f"../categories/{category.slug}/index.html")


@pytest.mark.parametrize("path, sentences", [
    ("matters/kai-zhan-zhen-yu-nei-fang-fan.html",
     ["负责收集各部门提供的十类人员名单。", "<h3>动态监测入户排查工作：</h3>", "<h4>防返贫数据信息核实：</h4>"]),
    ("matters/ri-chang-an-quan-sheng-chan-jian.html",
     ["（8）是否存在电线私搭乱接情况。", '<h3 id="section-2">其他行业主管部门</h3>', '<h2 id="notes">整理说明</h2>',
      "为整理时所加"]),
    ("matters/tuo-yu-ji-gou-sheng-jun-yun.html",
     ["<h3 id=\"section-1\">青山区卫生健康委员会职责：</h3>", "对托育机构生均补贴资格进行复审",
      '上报<a href="../departments/health/index.html">区卫健委</a>进行复审']),
])
def test_distinctive_duties(html_pages, path, sentences):
    for sentence in sentences:
        assert sentence in html_pages[path], sentence


def test_matter_36_shows_its_skipped_number(html_pages):
    page = html_pages["matters/tuo-yu-ji-gou-sheng-jun-yun.html"]
    town = page[page.index('id="town"'):]
    assert re.search(r"<ol>\s*<li>对镇域内托育机构申报材料进行初审", town)
    assert '<li value="3">资金发放录入工作。</li>' in town


def test_previous_and_next(parsed, content):
    first, second = content.matters[0], content.matters[1]
    page = parsed[f"matters/{second.id}.html"]
    assert page.all("a", rel="prev", href=f"../matters/{first.id}.html")
    assert page.all("a", rel="next", href=f"../matters/{content.matters[2].id}.html")
    assert not parsed[f"matters/{first.id}.html"].all("a", rel="prev")
    assert not parsed[f"matters/{content.matters[-1].id}.html"].all("a", rel="next")


def test_category_pages_list_their_matters_in_order(parsed, content):
    for category in content.categories:
        page = parsed[f"categories/{category.slug}/index.html"]
        links = [a["href"] for a in page.all("a") if a["href"].startswith("../../matters/")]
        expected = [f"../../matters/{m.id}.html" for m in content.matters if m.category == category.name]
        assert links == expected
        assert page.meta("ColumnName") == category.name


def test_department_pages_list_exactly_their_matters(parsed, html_pages, content):
    for department in content.departments:
        path = f"departments/{department.slug}/index.html"
        page = parsed[path]
        headings = [a["href"] for a in page.all("a") if a["href"].startswith("../../matters/")]
        expected = [f"../../matters/{m.id}.html" for m in content.matters if department.name in m.departments]
        assert headings == expected, department.name
        for matter in content.matters:
            if department.name in matter.departments:
                for section in matter.upper_sections:
                    shown = f"<h3>{section.heading}</h3>" in html_pages[path]
                    assert shown == (department.name in section.departments), (department.name, section.heading)


def test_department_page_shows_shared_group_section(html_pages):
    fire = html_pages["departments/fire-rescue/index.html"]
    assert "<h3>青山区农牧局、青山区消防救援大队：</h3>" in fire
    assert "<h3>青山区民政局：</h3>" not in fire


def test_department_index_groups_by_level(parsed, html_pages, content):
    page = html_pages["departments/index.html"]
    assert [h for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)] == ["区级", "市级", "其他"]
    links = [a["href"] for a in parsed["departments/index.html"].all("a") if a["href"].count("/") == 3
             and a["href"].startswith("../departments/")]
    assert sorted(links) == sorted(f"../departments/{d.slug}/index.html" for d in content.departments)
    text = text_of(parsed["departments/index.html"])
    for department in content.departments:
        count = sum(1 for m in content.matters if department.name in m.departments)
        assert f"{department.name}{count}项" in text
    # The part of the name that tells departments apart stands out; the district's name is set apart before it.
    assert '<span class="place">青山区</span><strong>民政局</strong>' in page


def test_home_page(parsed, html_pages, content):
    page, text = parsed["index.html"], text_of(parsed["index.html"])
    assert content.site.title in text and content.site.issuer in text and "配合" in text
    for category in content.categories:
        count = sum(1 for m in content.matters if m.category == category.name)
        assert f"{category.name}{count}项" in text
        assert page.all("a", href=f"categories/{category.slug}/index.html")
    [form] = page.all("form", action="search/index.html", method="get")
    assert page.all("input", name="q")
    for download in ("downloads/qingdan.json", "downloads/qingdan.csv", "downloads/qingdan.xlsx"):
        assert page.all("a", href=download)
    assert page.all("a", href="departments/index.html")
    assert content.site.revision_note in html_pages["index.html"]


def test_full_list_is_the_official_table(html_pages, parsed):
    page = html_pages["list/index.html"]
    assert page.count('<tbody class="matter"') == committed_matters()
    assert page.count('<tbody class="category-group"') == 8
    assert page.count('<th scope="rowgroup" colspan="5">') == 8
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page)
    assert headers == ["序号", "事项名称", "对应上级部门", "上级部门职责", "苏木乡镇（街道）配合职责"]
    assert "<caption>" in page
    assert '<li value="3">资金发放录入工作。</li>' in page
    numbers = [int(n) for n in re.findall(r'<tbody class="matter" id="matter-\d+">\n<tr><td>(\d+)</td>', page)]
    assert numbers == list(range(1, committed_matters() + 1))


def test_search_page_contract(parsed, html_pages, content):
    page = parsed["search/index.html"]
    assert page.all("form", id="search-form", role="search", action="./", method="get")
    assert page.all("input", id="search-q", name="q", type="search")
    assert page.all("label", **{"for": "search-q"})
    for select, name, first in (("search-category", "c", "全部类别"), ("search-department", "d", "全部部门")):
        assert page.all("select", id=select, name=name)
    text = html_pages["search/index.html"]
    category_options = re.findall(r'<option value="([^"]*)">', text[text.index('id="search-category"'):
                                                                      text.index('id="search-department"')])
    assert category_options == [""] + [c.slug for c in content.categories]
    department_options = re.findall(r'<option value="([^"]*)">', text[text.index('id="search-department"'):])
    assert department_options == [""] + [d.slug for d in content.departments]
    assert '<option value="">全部类别</option>' in text and '<option value="">全部部门</option>' in text
    assert page.all("p", id="search-status", role="status", **{"aria-live": "polite"})
    assert page.all("ol", id="search-results", **{"data-root": "../"})
    scripts = [s["src"] for s in page.all("script")]
    assert scripts[-2:] == ["search-index.js", "../static/search.js"]
    assert all("defer" in s for s in page.all("script") if s["src"] != "../static/site.js")
    noscript = text[text.index("<noscript>"):text.index("</noscript>")]
    assert "../list/index.html" in noscript and "../departments/index.html" in noscript
    assert all(f"../categories/{c.slug}/index.html" in noscript for c in content.categories)


def test_every_page_has_the_common_parts(parsed, html_pages, content):
    site = content.site
    for path, page in parsed.items():
        text = html_pages[path]
        assert text.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), path
        assert len(page.all("h1")) == 1, path
        assert page.all("meta", name="viewport")
        assert page.meta("SiteName") == site.title
        assert page.meta("ContentSource") == site.issuer
        assert page.meta("ColumnName") and page.meta("ArticleTitle") and page.meta("description")
        [title] = re.findall(r"<title>(.*?)</title>", text)
        assert title == site.title if path == "index.html" else title.endswith(f" · {site.title}"), path
        assert page.all("a", href="#main") and page.all("main", id="main")
        for landmark in ("header", "nav", "main", "footer"):
            assert page.all(landmark), (path, landmark)
        provenance = text[text.index('id="provenance"'):text.index("</footer>")]
        assert site.issuer in provenance and site.version in provenance and site.revision_note in provenance
        assert page.all("button", id="large-text-toggle")


def test_headings_do_not_skip_levels(html_pages):
    for path, text in html_pages.items():
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", text)]
        assert levels[0] == 1, path
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (path, before, after)


def test_every_internal_link_resolves(site, parsed):
    for path, page in parsed.items():
        here = (site / path).parent
        for tag, attributes in page.tags:
            for name in ("href", "src", "action"):
                if name not in attributes or (tag == "form" and attributes[name] == "./"):
                    continue
                url = urlsplit(attributes[name])
                if url.scheme == "data" and path == urls.NOT_FOUND:  # its icon, from any depth
                    continue
                assert not url.scheme and not url.netloc, (path, attributes[name])
                # A folder link opens a directory listing from file://: name the file.
                assert not url.path.endswith("/"), (path, attributes[name])
                target = (here / unquote(url.path)).resolve() if url.path else site / path
                assert target.is_file(), (path, attributes[name])
                if url.fragment:
                    target_page = parsed[target.relative_to(site.resolve()).as_posix()]
                    assert url.fragment in target_page.ids, (path, attributes[name])


def test_no_external_references(site):
    external = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*(?:[a-z]+:)?//"""
                          r"""|url\(\s*["']?\s*(?:[a-z]+:)?//|@import""", re.IGNORECASE)
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            assert not external.search(path.read_text(encoding="utf-8")), path


def test_matter_pages_fit_the_budget(site, parsed, content):
    for matter in content.matters:
        path = f"matters/{matter.id}.html"
        page = parsed[path]
        assets = [a["href"] for a in page.all("link", rel="stylesheet")] + [s["src"] for s in page.all("script")]
        total = (site / path).stat().st_size + sum((site / path).parent.joinpath(a).stat().st_size for a in assets)
        assert total <= MATTER_BUDGET, (path, total)


def test_downloads_parse_and_hold_every_matter(site):
    data = json.loads((site / "downloads/qingdan.json").read_text(encoding="utf-8"))
    assert len(data["matters"]) == committed_matters()
    rows = list(csv.reader(io.StringIO((site / "downloads/qingdan.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert len(rows) == committed_matters() + 1
    sheet = openpyxl.load_workbook(site / "downloads/qingdan.xlsx").active
    assert sheet.max_row == committed_matters() + 1


def test_rebuild_is_byte_identical(site, tmp_path):
    again = tmp_path / "again"
    build(CONTENT, again)
    assert tree(again) == tree(site)


def test_rebuild_replaces_the_old_site(tmp_path):
    out = tmp_path / "site"
    build(CONTENT, out)
    (out / "stale.html").write_text("old", encoding="utf-8")
    build(CONTENT, out)
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folders left


def test_a_subset_of_pages_renders_the_same(content, site):
    chosen = [page for page in pages(content) if "tuo-yu-ji-gou-sheng-jun-yun" in page.matters]
    paths = {page.path for page in chosen}
    assert {"index.html", "list/index.html", "matters/tuo-yu-ji-gou-sheng-jun-yun.html",
            "categories/livelihood-services/index.html", "departments/health/index.html"} <= paths
    assert "departments/civil-affairs/index.html" not in paths
    for path, data in render_pages(content, chosen, history=load_history(CONTENT)).items():
        assert data == (site / path).read_bytes(), path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_content_error_stops_the_build_and_keeps_the_old_site(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    first = run_cli("build", "--out", "site", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"Built site: \d+ pages, \d+ files in \d+\.\d\d s\.\n", first.stdout)
    before = tree(tmp_path / "site")
    broken = tmp_path / "content/matters/001-kai-zhan-lian-dong-jian-du-ban.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("category: 党的建设", "category: 党建"),
                      encoding="utf-8")
    failed = run_cli("build", "--out", "site", cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stderr.startswith("content/matters/001-kai-zhan-lian-dong-jian-du-ban.md:5: ")
    assert "Traceback" not in failed.stderr
    assert tree(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content", "site"]  # no stage left behind


def test_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/keep.txt").write_text("mine", encoding="utf-8")
    refused = run_cli("build", "--content", str(CONTENT), "--out", "notes", cwd=tmp_path)
    assert refused.returncode == 1 and "not a previous build" in refused.stderr
    assert (tmp_path / "notes/keep.txt").read_text(encoding="utf-8") == "mine"
    refused = run_cli("build", "--content", str(CONTENT), "--out", ".", cwd=tmp_path)
    assert refused.returncode == 1 and "refusing" in refused.stderr
