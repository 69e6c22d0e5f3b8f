"""Search on the real site, used as a reader uses it: typing, filters, links, the back button.

Expected results are never written down by hand: they are the matters whose
searchable text (``generator.site.search.searchable_text``, what the index is made
from) contains every term of the query, and that pass the filters. The
queries are words readers type; each test first checks that its query still
means something on the current content (finds some matters, not all).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from harness import PageAudit, ServedSite, activate, open_page

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from generator.content.model import Content

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]
SEARCH = "search/index.html"
RESULT_LINKS = "#search-results .result-title a"
MATTER_HREF = re.compile(r"(?:^|/)matters/([^/]+)\.html$")

WORD = "残疾人"  # a phrase in several matters' duties
TWO_TERMS = "残疾人 补贴"  # both must occur, anywhere in the matter
BROAD = "补贴"  # in many matters of several categories: room for filters
NOTHING = "不存在的词语"
XSS = "<img src=x onerror=window.__xss=1>"


def expected_ids(content: Content, query: str, category: str = "", department: str = "") -> set[str]:
    """The ids of the matters containing every term of ``query`` that pass the filters (slugs)."""
    from generator.site.search import query_terms, searchable_text

    terms = query_terms(query)
    assert all(len(term) >= 2 for term in terms), "one-character terms only search titles"
    category_slug = {c.name: c.slug for c in content.categories}
    department_slug = {d.name: d.slug for d in content.departments}
    found = set()
    for matter in content.matters:
        if category and category_slug[matter.category] != category:
            continue
        if department and department not in {department_slug[name] for name in matter.departments}:
            continue
        text = searchable_text(matter, content)
        if all(term in text for term in terms):
            found.add(matter.id)
    return found


def meaningful(content: Content, ids: set[str]) -> set[str]:
    """``ids``, after checking that they select some matters but not all of them."""
    assert 0 < len(ids) < len(content.matters), f"the query no longer tells matters apart: {len(ids)}"
    return ids


def result_ids(page: Page) -> list[str]:
    """The matter ids the result links lead to, in the order shown."""
    hrefs = page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    ids = []
    for href in hrefs:
        match = MATTER_HREF.search(href)
        assert match, f"result link {href!r} does not lead to a matter page"
        ids.append(match.group(1))
    assert len(ids) == len(set(ids)), f"a matter is listed twice: {ids}"
    return ids


# The page's title names the query once the first screenful is drawn; the rest follow after that frame,
# all there once the list has as many items as the status says are shown.
ALL_SHOWN_JS = """() => {
  const status = document.getElementById('search-status').textContent;
  const counted = /显示前 (\\d+) 项/.exec(status) || /找到 (\\d+) 项/.exec(status);
  return !counted || document.querySelectorAll('#search-results > li').length === Number(counted[1]);
}"""
ALL_DRAWN_JS = f"q => document.title.startsWith('\\u201c' + q + '\\u201d') && ({ALL_SHOWN_JS})()"


def wait_for_query(page: Page, query: str) -> None:
    """Wait until the results for ``query`` are all drawn."""
    page.wait_for_function(ALL_DRAWN_JS, arg=query.strip())


def type_query(page: Page, query: str, touch: bool) -> None:
    """Clear the search box and type ``query`` key by key, then wait for its results."""
    box = page.locator("#search-q")
    activate(box, touch)
    box.fill("")
    box.press_sequentially(query)
    wait_for_query(page, query)


def url_query(page: Page) -> str:
    return parse_qs(urlsplit(page.url).query).get("q", [""])[0]


def wait_for_url_query(page: Page, query: str) -> None:
    """Wait until the URL names ``query``: search.js puts it there once the results are on screen."""
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=query)


def status(page: Page) -> str:
    return page.inner_text("#search-status")


@pytest.fixture
def search_page(served_site: ServedSite, make_context: MakeContext) -> tuple[Page, PageAudit]:
    """The search page on a phone, empty."""
    page, audit = open_page(make_context("phone-390"), served_site.url(SEARCH))
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    return page, audit


def test_reader_types_on_home_page_and_follows_a_result(
    served_site: ServedSite, make_context: MakeContext, site_content: Content
) -> None:
    page, audit = open_page(make_context("phone-360"), served_site.url("index.html"))
    box = page.locator("#home-q")
    activate(box, True)
    box.press_sequentially(WORD)
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.startswith(served_site.url(SEARCH))
    wait_for_query(page, WORD)
    expected = meaningful(site_content, expected_ids(site_content, WORD))
    assert set(result_ids(page)) == expected
    assert status(page).startswith(f"找到 {len(expected)} 项")
    assert page.locator("#search-results mark").count() >= len(expected)  # the word is highlighted

    first = page.locator(RESULT_LINKS).first
    matter_id = result_ids(page)[0]
    # The address the page ends at, not expect_navigation(): search.js's own history entry for the query
    # (after a typing pause) may come first, and a busy machine delays it into the click.
    activate(first, True)
    page.wait_for_url(served_site.url(f"matters/{matter_id}.html"))
    title = next(m.title for m in site_content.matters if m.id == matter_id)
    assert page.inner_text("h1") == title
    audit.assert_clean()


def test_two_terms_find_matters_with_both(
    search_page: tuple[Page, PageAudit], site_content: Content
) -> None:
    page, audit = search_page
    type_query(page, TWO_TERMS, True)
    both = meaningful(site_content, expected_ids(site_content, TWO_TERMS))
    assert set(result_ids(page)) == both
    first, second = TWO_TERMS.split()
    assert both < expected_ids(site_content, first) and both < expected_ids(site_content, second)
    wait_for_url_query(page, TWO_TERMS)
    audit.assert_clean()


def test_category_and_department_filters(
    search_page: tuple[Page, PageAudit], site_content: Content
) -> None:
    page, audit = search_page
    broad = meaningful(site_content, expected_ids(site_content, BROAD))
    type_query(page, BROAD, True)
    assert set(result_ids(page)) == broad

    category_of = {m.id: m.category for m in site_content.matters}
    name, _ = Counter(category_of[i] for i in broad).most_common(1)[0]
    category = next(c.slug for c in site_content.categories if c.name == name)
    page.select_option("#search-category", category)
    page.wait_for_url(re.compile(rf"[?&]c={category}(&|$)"))
    in_category = expected_ids(site_content, BROAD, category=category)
    assert 0 < len(in_category) < len(broad)
    assert set(result_ids(page)) == in_category

    # A department alone, without words: all of its matters.
    page.select_option("#search-category", "")
    page.locator("#search-q").fill("")
    department = site_content.department_by_name()[site_content.matters[0].departments[0]].slug
    page.select_option("#search-department", department)
    page.wait_for_url(re.compile(rf"\?d={department}$"))
    owned = meaningful(site_content, expected_ids(site_content, "", department=department))
    assert set(result_ids(page)) == owned
    audit.assert_clean()


def test_deep_link_and_back_button(
    served_site: ServedSite, make_context: MakeContext, site_content: Content
) -> None:
    context = make_context("phone-390")
    page, audit = open_page(context, served_site.url(f"{SEARCH}?q={quote(WORD)}"))
    wait_for_query(page, WORD)
    assert page.input_value("#search-q") == WORD
    assert set(result_ids(page)) == meaningful(site_content, expected_ids(site_content, WORD))

    type_query(page, BROAD, True)
    wait_for_url_query(page, BROAD)
    broad = expected_ids(site_content, BROAD)
    assert set(result_ids(page)) == broad

    activate(page.locator(RESULT_LINKS).first, True)
    page.wait_for_url(MATTER_HREF)
    page.go_back()  # to the results the reader came from
    wait_for_query(page, BROAD)
    assert page.input_value("#search-q") == BROAD
    assert set(result_ids(page)) == broad
    page.go_back()  # to the search before (one history entry per search, not per key)
    wait_for_query(page, WORD)
    assert url_query(page) == WORD and page.input_value("#search-q") == WORD
    assert set(result_ids(page)) == expected_ids(site_content, WORD)
    audit.assert_clean()


def test_no_result_message_leads_to_the_full_list(
    search_page: tuple[Page, PageAudit], served_site: ServedSite, site_content: Content
) -> None:
    page, audit = search_page
    assert expected_ids(site_content, NOTHING) == set()
    type_query(page, NOTHING, True)
    assert result_ids(page) == []
    assert "没有找到" in status(page)
    activate(page.locator("#search-status a"), True)
    page.wait_for_url(served_site.url("list/index.html"))
    audit.assert_clean()


def test_html_in_the_query_stays_text(
    served_site: ServedSite, make_context: MakeContext, site_content: Content
) -> None:
    assert expected_ids(site_content, XSS) == set()
    page, audit = open_page(make_context("desktop"), served_site.url(f"{SEARCH}?q={quote(XSS)}"))
    wait_for_query(page, XSS)
    type_query(page, XSS, False)  # typed as well as linked
    page.locator("#search-q").blur()
    for check in ("window.__xss", "document.querySelector('main img')"):
        assert page.evaluate(check) is None, check
    assert page.input_value("#search-q") == XSS
    assert XSS in page.title()
    assert result_ids(page) == [] and "没有找到" in status(page)
    audit.assert_clean()  # no request for the image "x" either


def test_search_works_from_disk(
    built_site: Path, make_context: MakeContext, site_content: Content
) -> None:
    page, audit = open_page(make_context("phone-360"), (built_site / SEARCH).as_uri() + f"?q={quote(WORD)}")
    wait_for_query(page, WORD)
    assert set(result_ids(page)) == expected_ids(site_content, WORD)
    type_query(page, TWO_TERMS, True)
    assert set(result_ids(page)) == meaningful(site_content, expected_ids(site_content, TWO_TERMS))
    matter_id = result_ids(page)[0]
    activate(page.locator(RESULT_LINKS).first, True)
    page.wait_for_url((built_site / f"matters/{matter_id}.html").as_uri())
    audit.assert_clean()
