"""The real site in a real browser: every page type on phones and desktop, without JavaScript, from disk.

The site is built once per session from the committed content (``built_site``)
and served under the intranet's sub-path (``served_site``). Each test opens
its pages in one browser context, and collects every problem before failing,
so that one run shows all that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest

from harness import PHONES, VIEWPORTS, PageAudit, ServedSite, activate, css_pixels, open_page

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from generator.content.model import Content

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]
LARGE_TEXT_FACTOR = 1.2  # the toggle must grow the text at least this much (it sets 125 %)


def html_class(page: Page) -> str:
    return str(page.evaluate("document.documentElement.className"))


def screen_problems(audit: PageAudit) -> list[str]:
    """What a reader would notice on the current page: errors, sideways scrolling, small text."""
    url = audit.page.url
    problems = [f"{url}: {problem}" for problem in audit.problems()]
    screen = audit.screen()
    if screen.overflow:
        problems.append(f"{url}: {screen.overflow}px wider than the viewport")
    if screen.body_font_size < 16:
        problems.append(f"{url}: body font-size {screen.body_font_size}px < 16px")
    if not screen.h1_visible:
        problems.append(f"{url}: no visible <h1> in <main>")
    return problems


def large_text_problems(page: Page, audit: PageAudit, touch: bool) -> list[str]:
    """Switch large text on, follow a link, check it stayed on, switch it off again.

    The link is the site title in the header, present on every page; the
    setting must survive a real page load, not just live in the DOM.
    """
    url = page.url
    toggle = page.locator("#large-text-toggle")
    if not toggle.is_visible():
        return [f"{url}: large-text toggle not visible"]
    problems = []
    normal, pressed, large_class = text_state(page)
    if pressed != "false" or large_class:
        problems.append(f"{url}: large text already on before pressing the toggle")
    activate(toggle, touch)
    large, pressed, _ = text_state(page)
    if large < normal * LARGE_TEXT_FACTOR or pressed != "true":
        problems.append(f"{url}: toggle pressed, text {normal}px -> {large}px, aria-pressed={pressed}")
    overflow = audit.horizontal_overflow()
    if overflow:
        problems.append(f"{url}: with large text {overflow}px wider than the viewport")
    with page.expect_navigation():
        activate(page.locator(".site-title"), touch)
    size, pressed, large_class = text_state(page)
    if not large_class or size != large:
        problems.append(f"{url} -> {page.url}: large text did not persist (class={html_class(page)!r}, {size}px)")
    if pressed != "true":
        problems.append(f"{page.url}: toggle does not show that large text is on")
    activate(toggle, touch)
    size, _, large_class = text_state(page)
    if large_class or size != normal:
        problems.append(f"{page.url}: toggle did not switch large text off again")
    return problems


def text_state(page: Page) -> tuple[float, str | None, bool]:
    """The body's font size (px), the toggle's aria-pressed and whether <html> has the large-text class,
    read in one round trip (every page type is checked this way on three screens)."""
    size, pressed, large = page.evaluate("""() => [getComputedStyle(document.body).fontSize,
        document.getElementById('large-text-toggle')?.getAttribute('aria-pressed') ?? null,
        document.documentElement.classList.contains('large-text')]""")
    return css_pixels(size), pressed, bool(large)


def site_file(built_site: Path, base_url: str, url: str) -> Path | None:
    """The built file a URL of the site names, None if it leads outside the site."""
    if not url.startswith(base_url):
        return None
    relative = unquote(urlsplit(url).path)[len(unquote(urlsplit(base_url).path)):]
    return built_site / relative


def link_problems(page: Page, built_site: Path, base_url: str) -> list[str]:
    """Links that do not lead to a file of the built site (links must name the file, never a folder)."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    problems = []
    for href in hrefs:
        target = site_file(built_site, base_url, href)
        if target is None or not target.is_file():
            problems.append(f"{page.url}: link to {href} leads nowhere")
    return problems


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_every_page_type_reads_well_and_large_text_persists(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str], device: str
) -> None:
    context = make_context(device)
    touch = device in PHONES
    problems: list[str] = []
    for relative in page_types.values():
        page, audit = open_page(context, served_site.url(relative))
        emulated = page.evaluate("[devicePixelRatio, matchMedia('(pointer: coarse)').matches]")
        assert emulated == [2 if touch else 1, touch], "phones are emulated as 2x touch screens"
        problems += screen_problems(audit)
        problems += large_text_problems(page, audit, touch)
        problems += [f"after the toggle: {p}" for p in audit.problems()]
        page.close()
    assert not problems, "\n".join(problems)


def test_every_page_fits_the_smallest_phone(
    served_site: ServedSite, built_site: Path, make_context: MakeContext
) -> None:
    """All pages, not just one of each type: any matter may hold a long unbreakable line."""
    pages = sorted(path.relative_to(built_site).as_posix() for path in built_site.rglob("*.html"))
    assert len(pages) > 100
    page, audit = open_page(make_context("phone-360"), served_site.url(pages[0]))
    problems: list[str] = []
    for relative in pages:
        if page.url != served_site.url(relative):
            response = page.goto(served_site.url(relative), wait_until="load")
            assert response is not None and response.ok, relative
        problems += screen_problems(audit)
        audit.clear()
    assert not problems, "\n".join(problems)


def test_without_javascript_every_page_but_search_works(
    served_site: ServedSite, built_site: Path, make_context: MakeContext, page_types: dict[str, str]
) -> None:
    context = make_context("phone-360", java_script_enabled=False)
    problems: list[str] = []
    for name, relative in page_types.items():
        if name == "search":
            continue
        page, audit = open_page(context, served_site.url(relative))
        problems += screen_problems(audit)
        if page.locator("#large-text-toggle").is_visible():
            problems.append(f"{page.url}: large-text toggle shown without JavaScript")
        if len(page.inner_text("main")) < 40:
            problems.append(f"{page.url}: main holds almost no text")
        problems += link_problems(page, built_site, served_site.base_url)
        audit.clear()
        # A link in the page's own content, or the footer's where the content has none.
        link = page.locator("main a[href]:not([href^='#']), .footer-links a").first
        target = link.evaluate("a => a.href")
        with page.expect_navigation():
            link.click()
        if page.url != target:
            problems.append(f"{relative}: following {target} ended at {page.url}")
        problems += screen_problems(audit)
        page.close()
    assert not problems, "\n".join(problems)


def test_without_javascript_search_explains_itself(
    served_site: ServedSite, built_site: Path, make_context: MakeContext, site_content: Content
) -> None:
    from generator.site import urls

    context = make_context("phone-390", java_script_enabled=False)
    page, audit = open_page(context, served_site.url(urls.SEARCH))
    note = page.locator("main .note")
    assert note.is_visible()
    assert "JavaScript" in note.inner_text()
    hrefs = note.locator("a").evaluate_all("links => links.map(a => a.href)")
    targets = {site_file(built_site, served_site.base_url, href) for href in hrefs}
    wanted = {built_site / urls.FULL_LIST, built_site / urls.DEPARTMENTS}
    wanted |= {built_site / urls.category(category.slug) for category in site_content.categories}
    assert targets == wanted
    with page.expect_navigation():
        note.locator("a").first.click()
    assert page.url == served_site.url(urls.FULL_LIST)
    assert not screen_problems(audit)


def test_site_works_from_disk(
    built_site: Path, make_context: MakeContext, site_content: Content
) -> None:
    """Opened from a folder (file://): every step by tapping links, large text carried along."""
    from generator.site import urls

    touch = True
    page, audit = open_page(make_context("phone-390"), (built_site / urls.HOME).as_uri())
    problems = screen_problems(audit)
    activate(page.locator("#large-text-toggle"), touch)
    steps = [
        (".category-list a", "/categories/"),
        (".matter-list a", "/matters/"),
        (".facts a[href*='departments/']", "/departments/"),
        (".site-nav a[href$='list/index.html']", "/list/"),
        (".site-nav a[href$='search/index.html']", "/search/"),
    ]
    for selector, where in steps:
        with page.expect_navigation():
            activate(page.locator(selector).first, touch)
        if where not in page.url or not page.url.endswith(".html"):  # a named file: no folder listing
            problems.append(f"{selector} led to {page.url}")
        problems += screen_problems(audit)
        if "large-text" not in html_class(page):
            problems.append(f"{page.url}: large text did not persist from file://")
    page.goto((built_site / urls.FULL_LIST).as_uri())
    if page.locator(".full-list .matter").count() != len(site_content.matters):
        problems.append("file:// full list does not show every matter")
    page.goto((built_site / urls.NOT_FOUND).as_uri())
    problems += screen_problems(audit)
    assert not problems, "\n".join(problems)
