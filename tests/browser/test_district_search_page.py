"""The district's search page (search/index.html at the site root) in Chromium, as a reader on a phone uses it.

The example district (``scripts/example_district.py`` from the tests' frozen
list, cut to three towns) is built once; expected results come from the
brute-force reference of ``tests/district_reference.py`` over the loaded
library, never from the index.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

import harness
from harness import ServedSite, activate, format_violations, open_page, run_axe_in_schemes, validate_html
from test_site_search import ALL_DRAWN_JS, ALL_SHOWN_JS

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from generator.content.model import Library

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]
TOWNS_KEPT = 3
SEARCH = "search/index.html"
RESULT_LINKS = "#search-results .result-title a"
MATTER_HREF = re.compile(r"^\.\./([a-z0-9-]+/[a-z]+)/matters/([^/]+)\.html$")


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, site) of the example district's first three towns."""
    from generator.engine.build import build

    content = tmp_path_factory.mktemp("district-search") / "content"
    example_script().generate(harness.REPO_ROOT / "tests" / "fixtures" / "content", content)
    for town in sorted((content / "lists").iterdir())[TOWNS_KEPT:]:
        shutil.rmtree(town)
    site = content.parent / "site"
    build(content, site)
    return content, site


@pytest.fixture(scope="module")
def library(district: tuple[Path, Path]) -> Library:
    from generator.content.lists import load_library

    return load_library(district[0])


@pytest.fixture(scope="module")
def served(district: tuple[Path, Path]) -> Iterator[ServedSite]:
    with harness.serve_directory(district[1]) as site:
        yield site


def example_script() -> ModuleType:
    """``scripts/example_district.py``, which is not a package."""
    spec = importlib.util.spec_from_file_location("example_district", harness.REPO_ROOT / "scripts" / "example_district.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def expected(library: Library, query: str, **filters: str) -> list[str]:
    """``town/type/id`` of what the query must find (the reference), after checking it tells matters apart."""
    from district_reference import reference, reference_rows
    from generator.site.district_search import district_categories

    rows = reference_rows(library)
    categories = {category["slug"]: category["name"] for category in district_categories(library)}
    found = reference(rows, categories, query, filters)
    assert 0 < len(found) < len(rows), f"{query} {filters}: {len(found)} of {len(rows)}"
    return found


def wait_for_results(page: Page, query: str) -> None:
    """Wait until the query's results are all drawn (the first screenful comes a frame before the rest)."""
    page.wait_for_function("q => document.getElementById('search-results').getAttribute('aria-busy') !== 'true' && "
                           f"({ALL_DRAWN_JS})(q)", arg=query)


def all_result_keys(page: Page, touch: bool) -> list[str]:
    """``town/type/id`` of every result, pressing 更多结果 until all are shown."""
    more = page.locator("#search-more")
    while more.is_visible():
        shown = page.locator(RESULT_LINKS).count()
        activate(more, touch)
        page.wait_for_function("n => document.querySelectorAll('#search-results .result').length > n", arg=shown)
        page.wait_for_function(ALL_SHOWN_JS)
    keys = []
    for href in page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        match = MATTER_HREF.match(href)
        assert match, f"result link {href!r} does not lead to a list's matter page"
        keys.append(f"{match.group(1)}/{match.group(2)}")
    return keys


def test_a_reader_on_a_phone_filters_types_and_finds_what_the_reference_finds(
    served: ServedSite, make_context: MakeContext, library: Library
) -> None:
    town = library.towns[1]
    want = expected(library, "低保", t=town.slug, l="peihe")
    page, audit = open_page(make_context("phone-360"), served.url(SEARCH))
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    assert not page.locator("#search-town").is_visible(), "the filters are folded on a phone"
    activate(page.locator("#search-filters > summary"), True)
    page.select_option("#search-town", town.slug)
    page.select_option("#search-type", "peihe")
    box = page.locator("#search-q")
    activate(box, True)
    box.press_sequentially("低保")
    wait_for_results(page, "低保")
    assert sorted(all_result_keys(page, True)) == sorted(want)
    assert f"找到 {len(want)} 项" in page.inner_text("#search-status")
    assert page.locator("#search-status").get_attribute("aria-live") == "polite"
    page.wait_for_function("new URLSearchParams(location.search).get('q') === '低保'")
    params = parse_qs(urlsplit(page.url).query)
    assert params == {"q": ["低保"], "t": [town.slug], "l": ["peihe"]}
    first = page.locator(".result-meta").first.inner_text()
    assert town.name in first and "配合履职事项清单" in first
    audit.assert_no_horizontal_scroll()
    title = page.locator(RESULT_LINKS).first.inner_text()
    activate(page.locator(RESULT_LINKS).first, True)
    page.wait_for_url(lambda url: "/matters/" in url)
    assert page.locator("h1").inner_text() == title
    audit.assert_clean()


def test_on_a_phone_the_first_result_appears_on_the_first_screen(
    served: ServedSite, make_context: MakeContext, library: Library
) -> None:
    """The filters fold under one line: typed on a 360 × 740 phone, the results start above its bottom edge."""
    page, audit = open_page(make_context("phone-360"), served.url(SEARCH))
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    box = page.locator("#search-q")
    activate(box, True)
    box.press_sequentially("低保")
    wait_for_results(page, "低保")
    first = page.locator("#search-results .result").first.bounding_box()
    assert first is not None and first["y"] + 40 < page.viewport_size["height"], first
    audit.assert_clean()


def test_a_shared_address_opens_with_its_query_and_filters(
    served: ServedSite, make_context: MakeContext, library: Library
) -> None:
    want = expected(library, "民政", l="shouhui", d="civil-affairs")
    page, audit = open_page(make_context("phone-390"),
                            served.url(SEARCH + "?q=%E6%B0%91%E6%94%BF&l=shouhui&d=civil-affairs"))
    wait_for_results(page, "民政")
    assert page.locator("#search-type").is_visible(), "filters set by the address are shown"
    assert page.input_value("#search-q") == "民政"
    assert page.input_value("#search-type") == "shouhui" and page.input_value("#search-department") == "civil-affairs"
    assert page.input_value("#search-town") == ""
    assert sorted(all_result_keys(page, True)) == sorted(want)
    audit.assert_clean()


def test_filters_alone_list_a_town_s_category_and_nothing_found_leads_home(
    served: ServedSite, make_context: MakeContext, library: Library
) -> None:
    town = library.towns[0]
    want = expected(library, "", t=town.slug, l="jiben", c="party-building")
    page, audit = open_page(make_context("desktop"),
                            served.url(f"{SEARCH}?t={town.slug}&l=jiben&c=party-building"))
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('找到')")
    assert sorted(all_result_keys(page, False)) == sorted(want)
    page.select_option("#search-department", "civil-affairs")  # 基本 matters name no department
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('没有找到')")
    assert page.locator("#search-status a").get_attribute("href") == "../index.html"
    audit.assert_clean()


def test_axe_finds_nothing_serious_on_the_search_page_with_results(
    served: ServedSite, make_context: MakeContext
) -> None:
    """In light and dark mode."""
    page, _ = open_page(make_context("phone-360"), served.url(SEARCH + "?q=%E4%BD%8E%E4%BF%9D"))
    wait_for_results(page, "低保")
    for scheme, violations in run_axe_in_schemes(page).items():
        assert not violations, f"{scheme}:\n{format_violations(violations)}"


def test_without_javascript_the_page_offers_every_list_and_the_departments(
    served: ServedSite, make_context: MakeContext, district: tuple[Path, Path], library: Library
) -> None:
    page, audit = open_page(make_context("phone-360", java_script_enabled=False), served.url(SEARCH))
    fallback = page.locator("main .note a")
    assert fallback.count() == len(library.lists) + 1
    assert page.locator("main .note").is_visible()
    audit.assert_no_horizontal_scroll()
    with page.expect_navigation(wait_until="load"):  # every request of the page done before the next one
        page.locator("main .note a", has_text="按上级部门浏览").click()
    assert page.url.endswith("/departments/index.html")
    with page.expect_navigation(wait_until="load"):
        page.go_back()
    with page.expect_navigation(wait_until="load"):
        page.locator("main .note a[href$='/shouhui/index.html']").first.click()
    assert "收回事项清单" in page.locator("h1").inner_text()
    audit.assert_clean()
    errors = validate_html([district[1] / SEARCH, district[1] / "index.html"])
    assert not errors, "\n".join(errors)


def test_search_works_from_disk(make_context: MakeContext, district: tuple[Path, Path], library: Library) -> None:
    want = expected(library, "燃气", t=library.towns[2].slug)
    url = (district[1] / SEARCH).as_uri() + f"?q=%E7%87%83%E6%B0%94&t={library.towns[2].slug}"
    page, audit = open_page(make_context("phone-360"), url)
    wait_for_results(page, "燃气")
    assert sorted(all_result_keys(page, True)) == sorted(want)
    audit.assert_clean()
