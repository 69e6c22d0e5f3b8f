"""What a careful reader trips over (issue 15), held in a real browser.

Large text on the smallest phone, the way back up a long page, 404.html at
any depth, the publication facts, where the reader is, printing a matter,
text size on phones, alignment, and a search page that does not jump.
"""

from __future__ import annotations

import io
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from harness import ServedSite, open_page, serve_directory

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

    from generator.content.model import Content

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]
LARGE_TEXT = "localStorage.setItem('lvzhi-large-text', '1')"
A4_MM = (210, 297)
PAGE = "[页⻚]"  # 页 as pypdf reads it back from some CJK fonts: the radical ⻚ (U+2EDA)
MM_PER_POINT = 25.4 / 72

# [lines `element`'s text takes, the fewest it could take in the width of `box`'s content].
LINES_IN = """([element, box]) => {
    const tops = new Set();
    let width = 0;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) if (rect.width > 0) {
            tops.add(Math.round(rect.top));
            width += rect.width;
        }
    }
    const style = getComputedStyle(box);
    const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [tops.size, Math.ceil((width - 1) / room)];
}"""

# Every line a text node of `element` takes: distinct tops of its line boxes.
LINES_OF = """element => {
    const tops = new Set();
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
    }
    return tops.size;
}"""


def site_file(built_site: Path, base_url: str, url: str) -> Path | None:
    """The built file a URL names, None if it leads outside the site."""
    from urllib.parse import unquote, urlsplit

    base = urlsplit(base_url)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(base.path):
        return None
    return built_site / unquote(parts.path[len(base.path):])


# --------------------------------------------------------------------------
# 1. Large text at 360 px: labels above values, no word split, header on one line
# --------------------------------------------------------------------------


def test_large_text_keeps_summary_values_and_header_whole_on_the_smallest_phone(
    served_site: ServedSite, make_context: MakeContext, site_content: Content
) -> None:
    from generator.site import urls

    context = make_context("phone-360")
    context.add_init_script(LARGE_TEXT)
    page, audit = open_page(context, served_site.url(urls.HOME))
    problems: list[str] = []
    # The hardest summaries: the longest department names, and one matter of each category.
    longest = sorted(site_content.matters, key=lambda m: -max(map(len, m.departments)))[:10]
    each_category = {m.category: m for m in reversed(site_content.matters)}.values()
    for matter in sorted({*longest, *each_category}, key=lambda m: m.number):
        page.goto(served_site.url(urls.matter(matter.id)), wait_until="load")
        assert "large-text" in str(page.evaluate("document.documentElement.className"))
        # Every value of the summary (a link, a list item, or the text itself) stays on one line.
        # (A name longer than the line may wrap, but over no more lines than it needs.)
        # (Each check reads every element in one round trip: per element, this test took twice as long.)
        values = page.locator(".facts dd a, .facts dd:not(:has(a))").evaluate_all(
            f"elements => elements.map(element => [...({LINES_IN})([element, element.closest('dd')]), "
            "element.innerText])")
        assert values, f"matter {matter.number}: no summary values"
        for lines, fewest, text in values:
            if lines > max(1, fewest):
                problems.append(f"matter {matter.number}: {text!r} over {lines} lines, not {fewest}")
        # Labels sit above their values: a value starts below its label, at the same left edge.
        for label, value in page.locator(".facts > div").evaluate_all(ROW_BOXES):
            if value["y"] < label["y"] + label["height"] - 1 or abs(value["x"] - label["x"]) > 1:
                problems.append(f"matter {matter.number}: label and value side by side")
    for name, locator in (("site title", ".site-title"), ("menu", ".site-nav ul")):
        lines = page.locator(locator).evaluate(LINES_OF)
        if lines != 1:
            problems.append(f"{name} takes {lines} lines in large text")
    audit.assert_clean()
    assert not problems, "\n".join(problems)


# Each summary row's label and value boxes, as Playwright's bounding_box gives them (CSS pixels).
ROW_BOXES = """rows => rows.map(row => [row.querySelector('dt'), row.querySelector('dd')].map(element => {
    const box = element.getBoundingClientRect();
    return {x: box.x, y: box.y, width: box.width, height: box.height};
}))"""
# The last line of an element's text: how many characters it holds.
LAST_LINE = """element => {
    const lines = new Map();
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.textContent.length; i++) {
            if (!node.textContent[i].trim()) continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getBoundingClientRect();
            if (rect.width > 0) lines.set(Math.round(rect.top), (lines.get(Math.round(rect.top)) || 0) + 1);
        }
    }
    const tops = [...lines.keys()].sort((a, b) => a - b);
    return [tops.length, lines.get(tops[tops.length - 1])];
}"""


def test_large_text_keeps_the_home_title_on_one_line_on_the_smallest_phone(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str]
) -> None:
    """The list's title fits one line at 360 px in large text; other titles leave no character alone."""
    context = make_context("phone-360")
    context.add_init_script(LARGE_TEXT)
    problems: list[str] = []
    for name in ("home", "category", "department", "matter", "list"):
        page, _ = open_page(context, served_site.url(page_types[name]))
        assert "large-text" in str(page.evaluate("document.documentElement.className"))
        heading = page.locator("main h1")
        lines, last = heading.evaluate(LAST_LINE)
        if name == "home" and lines != 1:
            problems.append(f"home: {heading.inner_text()!r} takes {lines} lines")
        if lines > 1 and last < 2:
            problems.append(f"{name}: {heading.inner_text()!r} leaves {last} character alone on its last line")
        size = float(heading.evaluate("h => parseFloat(getComputedStyle(h).fontSize)"))
        body = float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))
        if size <= body:
            problems.append(f"{name}: the title ({size}px) no larger than the text ({body}px)")
        page.close()
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------
# 2. The way back up, without JavaScript
# --------------------------------------------------------------------------


def _hidden_once_drawn(control: Locator) -> bool:
    """Whether ``control`` is hidden within a moment of the page loading. Its reveal follows the scroll
    timeline, which a busy machine may set up only with the first frames: until then it shows unstyled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        control.wait_for(state="hidden", timeout=2_000)
    except PlaywrightTimeout:
        return False
    return True


def _wait_until_on_screen(page: Page, selector: str) -> None:
    """Give a busy machine time to lay out a sticky control after a scroll; the caller checks where it is."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("""selector => { const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= innerHeight; }""", arg=selector, timeout=5_000)
    except PlaywrightTimeout:
        pass


@pytest.mark.parametrize("device", ["phone-360", "desktop"])
def test_long_pages_lead_back_to_the_top_without_javascript(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str], device: str
) -> None:
    context = make_context(device, java_script_enabled=False)
    long_pages = 0
    problems: list[str] = []
    for name, relative in page_types.items():
        if name == "search":  # results come from JavaScript
            continue
        page, audit = open_page(context, served_site.url(relative))
        height, screen = page.evaluate("[document.documentElement.scrollHeight, innerHeight]")
        if height <= 3 * screen:
            page.close()
            continue
        long_pages += 1
        control = page.locator(".to-top a")
        if control.count() != 1:
            problems.append(f"{name}: {control.count()} back-to-top controls")
            continue
        if not _hidden_once_drawn(control):
            problems.append(f"{name}: the back-to-top control shows before the reader has scrolled")
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
        _wait_until_on_screen(page, ".to-top a")
        box = control.bounding_box()
        if not control.is_visible() or box is None or not 0 <= box["y"] <= screen - box["height"]:
            problems.append(f"{name}: the back-to-top control is not on screen halfway down ({box})")
            continue
        control.click()
        page.wait_for_function("scrollY === 0", timeout=5_000)
        audit.assert_clean()
        page.close()
    assert long_pages >= 3, "the list, a department and a category should be long pages"
    assert not problems, "\n".join(problems)


def test_a_long_department_page_leads_back_to_its_contents(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str]
) -> None:
    page, audit = open_page(make_context("phone-360", java_script_enabled=False),
                            served_site.url(page_types["department"]))
    contents = page.locator("nav#contents")
    back = page.locator("article.department-matter .back-link a")
    assert back.count() == page.locator("article.department-matter").count() > 1
    back.last.scroll_into_view_if_needed()
    back.last.click()
    page.wait_for_function("Math.abs(document.getElementById('contents').getBoundingClientRect().top) < 2",
                           timeout=5_000)
    assert contents.is_visible()
    audit.assert_clean()


# --------------------------------------------------------------------------
# 3. 404.html where a server shows it: for any missing address, at any depth
# --------------------------------------------------------------------------

# Missing addresses below the site's folders, and at its root.
MISSING = ("matters/no-such-matter.html", "departments/civil-affairs/page-9/index.html", "no-such-page.html")
# Below a folder the site does not have: only ``base_path`` can tell where the root is.
MISSING_ELSEWHERE = ("gone/deeper/x.html",)


@pytest.fixture(scope="module")
def base_path_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ServedSite]]:
    """The site built with ``base_path`` set in site.yml, served there and showing 404.html for missing pages."""
    from generator.engine.build import build
    from harness import DEFAULT_SUB_PATH, REPO_ROOT

    folder = tmp_path_factory.mktemp("base-path")
    content = folder / "content"
    shutil.copytree(REPO_ROOT / "content", content)
    with (content / "site.yml").open("a", encoding="utf-8") as site_yml:
        site_yml.write(f"\nbase_path: {DEFAULT_SUB_PATH}\n")
    build(content, folder / "site")
    with serve_directory(folder / "site", not_found="404.html") as served:
        yield folder / "site", served


def not_found_problems(page: Page, built_site: Path, served: ServedSite, where: str) -> list[str]:
    """The 404 page as shown at ``where``: styled like the site, every link leads to a page of it."""
    problems = []
    style = page.evaluate("""() => ({
        header: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
        body: parseFloat(getComputedStyle(document.body).fontSize),
        nav: getComputedStyle(document.querySelector('.site-nav ul')).display,
    })""")
    if style != {"header": "rgb(158, 27, 32)", "body": 17, "nav": "flex"}:
        problems.append(f"{where}: not styled as the site: {style}")
    if page.locator("main h1").inner_text() != "页面未找到":
        problems.append(f"{where}: no heading")
    hrefs = page.eval_on_selector_all("a[href]:not([href^='#'])", "links => links.map(a => a.href)")
    if len(hrefs) < 8:
        problems.append(f"{where}: only {len(hrefs)} links")
    for href in hrefs:
        target = site_file(built_site, served.base_url, href)
        if target is None or not target.is_file():
            problems.append(f"{where}: link to {href} leads nowhere")
    return problems


@pytest.mark.parametrize("javascript", [True, False])
def test_not_found_page_works_at_any_depth_with_base_path(
    base_path_site: tuple[Path, ServedSite], make_context: MakeContext, javascript: bool
) -> None:
    built, served = base_path_site
    context = make_context("phone-360", java_script_enabled=javascript)
    problems: list[str] = []
    for missing in MISSING + MISSING_ELSEWHERE:
        page = context.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        response = page.goto(served.url(missing), wait_until="load")
        assert response is not None and response.status == 404
        problems += not_found_problems(page, built, served, missing)
        problems += [f"{missing}: failed request {url}" for url in failed if url != served.url(missing)]
        page.close()
    assert not problems, "\n".join(problems)


# Where a fresh reader (no page of the site seen before) meets the 404 page without ``base_path``:
# below a folder the site does not have, and below folders named like the site's own, where a guess
# from the folder names goes wrong and only asking the server for the site's stylesheet finds the root.
SERVED_BELOW = {"elsewhere": "/qingdan/", "list": "/intranet/list/", "matters": "/matters/qingdan/",
                "categories": "/categories/x/"}


@pytest.fixture(scope="module", params=["from-the-site", *SERVED_BELOW])
def not_found_reader(request: pytest.FixtureRequest, built_site: Path) -> Iterator[tuple[str, ServedSite]]:
    """(how the reader comes, the site served below a folder and showing 404.html for missing pages)."""
    reader = str(request.param)
    with serve_directory(built_site, sub_path=SERVED_BELOW.get(reader, "/intranet/list/"),
                         not_found="404.html") as served:
        yield reader, served


def test_not_found_page_finds_the_site_root_without_base_path(
    not_found_reader: tuple[str, ServedSite], built_site: Path, make_context: MakeContext,
) -> None:
    """Without ``base_path`` a script mends its links; the styles need nothing.

    A reader who saw a page of the site before (the root is remembered) gets
    it right; so does a fresh one, wherever the site sits: below a folder
    named like one of its own (``/matters/qingdan/``) the script finds the
    root by asking for the stylesheet folder by folder up the address.
    """
    reader, served = not_found_reader
    context = make_context("phone-360")
    if reader == "from-the-site":
        open_page(context, served.url("index.html"))[0].close()
    problems: list[str] = []
    for missing in (*MISSING, "matters/x/y/z/no-such-page.html"):
        if reader != "from-the-site":  # fresh each time: 返回首页 below leads to a page that notes the root
            context = make_context("phone-360")
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        response = page.goto(served.url(missing), wait_until="load")
        assert response is not None and response.status == 404
        home = served.url("index.html")
        try:  # the probes are asynchronous: wait (boundedly) for the links to lead home
            page.wait_for_function("home => document.querySelector('main a').href === home", arg=home,
                                   timeout=5_000)
        except Exception:  # noqa: BLE001 - reported below with what the link says
            pass
        problems += not_found_problems(page, built_site, served, missing)
        # The folders asked for the stylesheet that have none (at most eight): expected misses.
        probes = [url for url in failed if url != served.url(missing) and url.endswith("/static/style.css")]
        if len(probes) > 8:
            problems.append(f"{missing}: {len(probes)} probes")
        problems += [f"{missing}: failed request {url}" for url in failed
                     if url != served.url(missing) and url not in probes]
        with page.expect_navigation():
            page.locator("main a").first.click()
        if page.url != home:
            problems.append(f"{missing}: 返回首页 led to {page.url}")
        page.close()
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------
# 4. + 9. Publication facts, PubDate, the icon: on every page, no request fails
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def facts(site_content: Content) -> tuple[str, str]:
    """(发布日期, 更新日期) as the build takes them from site.yml and git."""
    from generator.review.history import load_history
    from generator.site.render import publication

    from .conftest import CONTENT_DIR

    shown = publication(site_content.site, load_history(CONTENT_DIR))
    return shown.published, shown.updated


def test_every_page_shows_the_publication_facts_and_its_icon(
    served_site: ServedSite, built_site: Path, make_context: MakeContext, page_types: dict[str, str],
    facts: tuple[str, str], site_content: Content,
) -> None:
    published, updated = facts
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", updated), "the tests' content has a git history"
    context = make_context("desktop")
    problems: list[str] = []
    for name, relative in page_types.items():
        page, audit = open_page(context, served_site.url(relative))
        if name != "404":
            pub = page.locator("meta[name='PubDate']").get_attribute("content")
            if pub != (published or updated):
                problems.append(f"{name}: PubDate {pub!r}")
            icon = page.locator("link[rel='icon']").evaluate("link => link.href")
            target = site_file(built_site, served_site.base_url, icon)
            response = page.request.get(icon)
            if target is None or not target.is_file() or not response.ok:
                problems.append(f"{name}: icon {icon} does not load")
        footer = page.locator("#provenance").inner_text()
        for label, value in (("发布单位", site_content.site.issuer), ("发布日期", published), ("更新日期", updated),
                             ("清单版本", site_content.site.version)):
            if value and not re.search(f"{label}\\s*{re.escape(value)}", footer):
                problems.append(f"{name}: footer lacks {label} {value}")
        if name in ("home", "list") and updated not in page.locator("main").inner_text():
            problems.append(f"{name}: 更新日期 not shown on the page itself")
        problems += [f"{name}: {problem}" for problem in audit.problems()]
        page.close()
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------
# 5. Where am I: the section in the menu, the path from 首页
# --------------------------------------------------------------------------


def test_the_menu_marks_the_section_and_breadcrumbs_lead_from_home(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str], site_content: Content
) -> None:
    from generator.site import urls

    sections = {"home": urls.HOME, "category": urls.CATEGORIES, "matter": urls.CATEGORIES,
                "departments": urls.DEPARTMENTS, "department": urls.DEPARTMENTS, "list": urls.FULL_LIST,
                "search": urls.SEARCH}
    context = make_context("phone-360")
    problems: list[str] = []
    for name, relative in page_types.items():
        page, _ = open_page(context, served_site.url(relative))
        marked = page.eval_on_selector_all(
            ".site-nav a[aria-current]", "links => links.map(a => [a.getAttribute('href'), a.getAttribute('aria-current'), getComputedStyle(a).fontWeight])")
        wanted = sections.get(name)
        if wanted is None:
            if marked:
                problems.append(f"{name}: {marked} marked")
        elif len(marked) != 1 or not marked[0][0].endswith(wanted) or int(marked[0][2]) < 700:
            problems.append(f"{name}: menu marks {marked}, not {wanted}")
        crumbs = page.locator(".crumbs li").all_inner_texts()
        if crumbs and (crumbs[0] != "首页" or site_content.site.title in crumbs):
            problems.append(f"{name}: breadcrumbs {crumbs}")
        if name == "matter":
            title = page.locator("main h1").inner_text()
            category = page.locator(".facts a[href*='categories/']").inner_text()
            if crumbs != ["首页", category, title]:
                problems.append(f"matter: breadcrumbs {crumbs}, not 首页 › {category} › {title}")
        page.close()
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------
# 8. A matter on paper: portrait A4, at most two pages, numbered
# --------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each printed page's width and height in millimetres, and its text."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [(float(p.mediabox.width) * MM_PER_POINT, float(p.mediabox.height) * MM_PER_POINT, p.extract_text())
            for p in reader.pages]


@pytest.mark.parametrize("name", ["matter", "department"])
def test_matter_and_department_pages_print_portrait_and_numbered(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str], site_content: Content,
    name: str, tmp_path: Path,
) -> None:
    from generator.site import urls

    targets = [page_types[name]]
    if name == "matter":  # the longest matter, and matter 11 which broke after its first item
        targets.append(urls.matter(next(m.id for m in site_content.matters if m.number == 11)))
    context = make_context("desktop")
    for relative in targets:
        page, audit = open_page(context, served_site.url(relative))
        page.emulate_media(media="print")
        hidden = page.evaluate("""() => [...document.querySelectorAll(
            'details, summary, .to-top, .back-link, .site-nav, .crumbs, form, button')]
            .filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 60))""")
        assert not hidden, f"{relative}: interactive parts printed: {hidden}"
        pdf = page.pdf(prefer_css_page_size=True)
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        printed = pdf_pages(pdf)
        if name == "matter":
            assert len(printed) <= 2, f"{relative}: {len(printed)} pages"
        for number, (width, height, text) in enumerate(printed, start=1):
            assert (round(width), round(height)) == A4_MM, f"{relative} page {number}: {width:.0f}×{height:.0f} mm"
            assert re.search(rf"第\s*{number}\s*{PAGE}\s*/\s*共\s*{len(printed)}\s*{PAGE}", text), \
                f"{relative} page {number} has no page number: {text[-80:]!r}"
            assert "▶" not in text
        audit.assert_clean()
        page.close()


def test_the_full_list_prints_landscape(served_site: ServedSite, make_context: MakeContext) -> None:
    from generator.site import urls

    page, _ = open_page(make_context("desktop"), served_site.url(urls.FULL_LIST))
    printed = pdf_pages(page.pdf(prefer_css_page_size=True))
    assert {(round(width), round(height)) for width, height, _ in printed} == {A4_MM[::-1]}
    assert re.search(rf"第\s*1\s*{PAGE}\s*/\s*共\s*{len(printed)}\s*{PAGE}", printed[0][2])


def unique_probes(content: Content, size: int = 10) -> dict[int, list[str]]:
    """Per matter number, starts of its lines of text found in no other matter (whitespace removed)."""
    lines: dict[int, set[str]] = {}
    whole: dict[int, str] = {}
    for matter in content.matters:
        texts = [matter.title, matter.guarantee, *(section.markdown for section in matter.upper_sections),
                 matter.town_duties]
        found = set()
        for line in "\n".join(texts).splitlines():
            line = re.sub(r"\s+", "", re.sub(r"^\s*(\d+[.、]|[-*+])\s*", "", line))
            if len(line) >= size and not re.search(r"[\[\]*_`<>#|（）()]", line[:size]):
                found.add(line[:size])
        lines[matter.number] = found
        whole[matter.number] = re.sub(r"\s+", "", "\n".join(texts))
    return {number: [probe for probe in found
                     if not any(probe in text for other, text in whole.items() if other != number)]
            for number, found in lines.items()}


def test_every_printed_page_names_the_matters_on_it(
    served_site: ServedSite, make_context: MakeContext, site_content: Content, tmp_path: Path
) -> None:
    """A matter taller than a page goes on with its number and title: each page says whose text it holds.

    Which matters a page holds is told by lines of text that only one matter
    has; the page must show that matter's title, and its number.
    """
    from generator.site import urls

    page, _ = open_page(make_context("desktop"), served_site.url(urls.FULL_LIST))
    pdf = page.pdf(prefer_css_page_size=True)
    (tmp_path / "list.pdf").write_bytes(pdf)
    printed = [re.sub(r"\s+", "", text) for _, _, text in pdf_pages(pdf)]
    probes = unique_probes(site_content)
    titles = {m.number: re.sub(r"\s+", "", m.title) for m in site_content.matters}
    problems: list[str] = []
    seen: Counter[int] = Counter()
    for number_of_page, text in enumerate(printed, start=1):
        for number, found in probes.items():
            if not any(probe in text for probe in found):
                continue
            seen[number] += 1
            if titles[number] not in text or not re.search(rf"(?<!\d){number}(?!\d)", text):
                problems.append(f"page {number_of_page} holds text of matter {number} but not its number and title")
    assert not problems, "\n".join(problems)
    # The test saw what it is about: matters that run over more than one page (31, 44, 47, 61, 64 in the
    # fixture list), and most matters at all.
    assert len(seen) >= len(site_content.matters) * 3 // 4, f"only {len(seen)} matters found in the PDF text"
    assert sum(count > 1 for count in seen.values()) >= 3, f"no matter over two pages: {seen}"


# --------------------------------------------------------------------------
# 13. No text under 16 px on phones; 6./7. rows that line up
# --------------------------------------------------------------------------

SMALL_TEXT = """() => {
    const small = new Map();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.textContent.trim() || !element.getClientRects().length) continue;
        if (element.closest('.visually-hidden, .skip-link')) continue;
        const size = parseFloat(getComputedStyle(element).fontSize);
        if (size < 16) small.set(element.tagName + '.' + element.className + ' ' + size + 'px',
                                 node.textContent.trim().slice(0, 20));
    }
    for (const element of document.querySelectorAll('*')) {  // generated labels (the full list's cards)
        const before = getComputedStyle(element, '::before');
        if (before.content !== 'none' && before.content !== 'normal' && before.display !== 'none'
            && parseFloat(before.fontSize) < 16 && element.getClientRects().length)
            small.set(element.tagName + '.' + element.className + '::before ' + before.fontSize, before.content);
    }
    return [...small.entries()].map(([where, text]) => where + ': ' + text);
}"""


@pytest.mark.parametrize("device", ["phone-360", "phone-390"])
def test_no_text_under_16px_on_phones(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str], device: str
) -> None:
    context = make_context(device)
    problems: list[str] = []
    for name, relative in page_types.items():
        page, _ = open_page(context, served_site.url(relative))
        if name == "search":
            page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
        if name == "list":  # rows off screen are laid out only when near: bring each in once
            page.evaluate("() => document.querySelectorAll('.full-list .matter').forEach(r => r.scrollIntoView())")
        problems += [f"{name}: {small}" for small in page.evaluate(SMALL_TEXT)]
        page.close()
    assert not problems, "\n".join(problems)


# The top of the first line of text in each cell of `row` (a row, or a matter's <tbody> of the full list:
# its first row's cells and the town's duties, the last cell of its last row).
CELL_TOPS = """row => (row.rows ? [...row.rows[0].cells, ...[...row.rows].slice(1).map(r => r.cells[r.cells.length - 1])]
                    : [...row.children]).map(cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        return Math.round(range.getClientRects()[0].top);
    }
    return null;
})"""


def test_rows_line_up(served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str]) -> None:
    """A desk's full list: a row's cells start at one height; a matter's summary: a value beside its label."""
    context = make_context("desktop")
    page, _ = open_page(context, served_site.url(page_types["list"]))
    problems = []
    for row in page.locator(".full-list .matter").all()[:40]:
        tops = [top for top in row.evaluate(CELL_TOPS) if top is not None]
        if max(tops) - min(tops) > 2:
            problems.append(f"full list {row.get_attribute('id')}: cells start at {tops}")
    for device in ("desktop", "phone-360"):
        page, _ = open_page(make_context(device), served_site.url(page_types["matter"]))
        for row in page.locator(".facts > div").all():
            tops = row.evaluate(CELL_TOPS)
            if max(tops) - min(tops) > 2:
                problems.append(f"matter summary ({device}) {row.inner_text()[:12]!r}: label and value at {tops}")
    # Phone cards: the number sits beside the title, and each section's label is no smaller than its headings.
    page, _ = open_page(make_context("phone-360"), served_site.url(page_types["list"]))
    for row in page.locator(".full-list .matter").all()[:30]:
        row.scroll_into_view_if_needed()
        number, title = row.evaluate(CELL_TOPS)[:2]
        left = row.evaluate("m => [...m.rows[0].cells].slice(0, 2).map(cell => cell.getBoundingClientRect().left)")
        if abs(number - title) > 2 or left[0] >= left[1]:
            problems.append(f"card {row.get_attribute('id')}: number at {number}, title at {title}")
    sizes = page.evaluate("""() => {
        const cell = document.querySelector('.full-list .matter > tr:first-child > td:nth-child(4)');
        const label = getComputedStyle(cell, '::before');
        const heading = getComputedStyle(cell.querySelector('b'));
        return [parseFloat(label.fontSize), parseFloat(heading.fontSize), label.color, heading.color,
                parseInt(label.fontWeight), parseInt(heading.fontWeight)];
    }""")
    if sizes[0] < sizes[1] or sizes[2] != sizes[3] or sizes[4] < sizes[5]:
        problems.append(f"card labels weaker than their headings: {sizes}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------
# 14. The search page does not jump when its results arrive
# --------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["phone-360", "desktop"])
def test_search_results_arrive_without_layout_shift(
    served_site: ServedSite, make_context: MakeContext, page_types: dict[str, str], device: str
) -> None:
    context = make_context(device)
    context.add_init_script("""
        window.__shift = 0;
        new PerformanceObserver(list => {
            for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
        }).observe({type: 'layout-shift', buffered: true});
    """)
    page, audit = open_page(context, served_site.url(page_types["search"]))
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    page.wait_for_timeout(300)
    shift = page.evaluate("window.__shift")
    assert shift < 0.02, f"cumulative layout shift {shift:.3f}"
    audit.assert_clean()


def test_search_says_what_an_alias_stands_for(served_site: ServedSite, make_context: MakeContext) -> None:
    from urllib.parse import quote

    page, audit = open_page(make_context("phone-360"), served_site.url("search/index.html?q=" + quote("住建局")))
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    assert "“住建局”即青山区住房和城乡建设局" in page.inner_text("#search-status")
    audit.assert_clean()
