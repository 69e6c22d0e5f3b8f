"""Search with a sharded index, in Chromium, over HTTP and from disk.

The committed 100 matters are small enough for the single-file index; here
the real site's search files are written again sharded (a threshold of 0),
so the page loads posting shards and text files with <script> elements as a
10,000-matter site would. Expected results come from ``searchable_text``, as
in test_site_search.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

import pytest

from harness import ServedSite, activate, open_page, serve_directory
from test_site_search import (ALL_SHOWN_JS, RESULT_LINKS, SEARCH, expected_ids, meaningful, result_ids, type_query,
                              wait_for_query)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from generator.content.model import Content

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]
PAGE_SIZE = 20  # search.js draws a sharded index's results 20 at a time
BROAD = "宣传"  # in about half the matters: more than two pages
WORD = "残疾人"


@pytest.fixture(scope="module")
def sharded_site(built_site: Path, site_content: Content, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.site.search import write_search_files

    site = tmp_path_factory.mktemp("sharded") / "site"
    shutil.copytree(built_site, site)
    write_search_files(site_content, site, shard_above=0)
    assert (site / "search" / "shards").is_dir()
    return site


@pytest.fixture(scope="module")
def served_sharded(sharded_site: Path) -> Iterator[ServedSite]:
    with serve_directory(sharded_site) as served:
        yield served


def snippets_drawn(page: Page) -> None:
    """Wait until every result shown has its snippet (the text files came in)."""
    page.wait_for_function(
        "() => { const items = document.querySelectorAll('#search-results .result');"
        " return items.length && [...items].every(i => i.querySelector('.result-snippet')); }")


def test_results_come_a_page_at_a_time_with_snippets(
    served_sharded: ServedSite, make_context: MakeContext, site_content: Content
) -> None:
    page, audit = open_page(make_context("phone-390"), served_sharded.url(f"{SEARCH}?q={quote(BROAD)}"))
    wait_for_query(page, BROAD)
    expected = meaningful(site_content, expected_ids(site_content, BROAD))
    assert len(expected) > PAGE_SIZE, "the query no longer needs a second page"
    first = result_ids(page)
    assert len(first) == PAGE_SIZE and set(first) < expected
    assert page.inner_text("#search-status").startswith(f"找到 {len(expected)} 项，显示前 {PAGE_SIZE} 项")
    snippets_drawn(page)
    assert page.locator("#search-results mark").count() >= PAGE_SIZE

    more = page.locator("#search-more")
    while more.is_visible():
        activate(more, True)
    page.wait_for_function(ALL_SHOWN_JS)  # the last page's rest comes a frame after its first screenful
    assert set(result_ids(page)) == expected
    assert page.evaluate("document.activeElement.closest('.result') !== null")  # focus on the first new result
    snippets_drawn(page)

    loaded = [urlsplit(request).path for request in served_sharded.requests]
    assert any("/search/shards/" in path for path in loaded) and any("/search/text/" in path for path in loaded)
    assert page.evaluate("document.querySelectorAll('head script[src*=\"search/shards\"]').length") == 0
    audit.assert_clean()


def test_sharded_search_works_from_disk(
    sharded_site: Path, make_context: MakeContext, site_content: Content
) -> None:
    page, audit = open_page(make_context("phone-360"), (sharded_site / SEARCH).as_uri() + f"?q={quote(WORD)}")
    wait_for_query(page, WORD)
    assert set(result_ids(page)) == meaningful(site_content, expected_ids(site_content, WORD))
    snippets_drawn(page)
    two_terms = "残疾人 补贴"
    type_query(page, two_terms, True)
    assert set(result_ids(page)) == meaningful(site_content, expected_ids(site_content, two_terms))
    matter_id = result_ids(page)[0]
    activate(page.locator(RESULT_LINKS).first, True)
    page.wait_for_url((sharded_site / f"matters/{matter_id}.html").as_uri())
    audit.assert_clean()
