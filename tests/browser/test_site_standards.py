"""The real site against the standards: axe-core, the Nu HTML checker, and print.

axe runs on one page of every type at phone and desktop size in light and
dark mode (one browser context per size, both schemes on each loaded page); the
Nu checker validates every generated page in one run; the full list is
printed to PDF the way a clerk would print it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from harness import (ServedSite, format_violations, open_page, pdf_page_count, run_axe_in_schemes,
                     validate_html, visit)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from generator.content.model import Content

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]

# What must not reach paper: navigation, the skip link, the toggle, forms.
PRINT_HIDDEN = (".skip-link", ".site-nav", "#large-text-toggle", ".footer-links", ".jump")


@pytest.mark.parametrize("device", ["phone-360", "desktop"])
def test_axe_finds_nothing_serious(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str], device: str
) -> None:
    """Each page type in light and dark mode."""
    page = make_context(device).new_page()
    report = []
    for relative in page_types.values():
        visit(page, served_site.url(relative))
        for scheme, violations in run_axe_in_schemes(page).items():
            if violations:
                report.append(f"{relative} ({device}, {scheme}):\n{format_violations(violations)}")
    assert not report, "\n".join(report)


def test_every_page_is_valid_html(
    built_site: Path, site_content: Content, served_site: ServedSite, make_context: MakeContext,
    page_types: dict[str, str], tmp_path: Path,
) -> None:
    """Every generated file, plus the search page as its script leaves it (results, no results)."""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > len(site_content.matters)  # the matters and every other page
    context = make_context("phone-360")
    nothing = "search/index.html?q=" + quote("不存在的词语")
    for name, relative in (("results", page_types["search"]), ("nothing", nothing)):
        page, _ = open_page(context, served_site.url(relative))
        page.wait_for_function("document.getElementById('search-status').textContent !== ''")
        assert (page.locator("#search-results li").count() > 0) == (name == "results")
        dom = tmp_path / f"search-{name}.html"
        dom.write_text("<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML"), "utf-8")
        pages.append(dom)
    errors = validate_html(pages)
    assert not errors, "\n".join(errors)


def test_full_list_prints_without_chrome_one_category_per_page(
    served_site: ServedSite, make_context: MakeContext, site_content: Content
) -> None:
    page, audit = open_page(make_context("desktop"), served_site.url("list/index.html"))
    page.emulate_media(media="print")
    style = page.evaluate(
        """hidden => ({
            hidden: Object.fromEntries(hidden.map(s => [s,
                [...document.querySelectorAll(s)].map(e => getComputedStyle(e).display)])),
            navs: [...document.querySelectorAll('nav')].filter(e => e.getClientRects().length > 0).length,
            thead: getComputedStyle(document.querySelector('.full-list thead')).display,
            groups: [...document.querySelectorAll('.full-list .category-group')].map(e => {
                const s = getComputedStyle(e);
                return [s.breakBefore, s.pageBreakBefore];
            }),
        })""",
        list(PRINT_HIDDEN),
    )
    for selector, displays in style["hidden"].items():
        assert displays and set(displays) == {"none"}, f"{selector} printed: {displays}"
    assert style["navs"] == 0, "a navigation landmark is printed"
    assert style["thead"] == "table-header-group"  # repeated at the top of every page
    groups = style["groups"]
    assert len(groups) == len(site_content.categories)
    for number, (break_before, page_break_before) in enumerate(groups[1:], start=2):
        assert break_before == "page" or page_break_before == "always", f"category {number}: {groups}"

    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) >= len(site_content.categories)
    audit.assert_clean()
