"""The example district in a real browser: phones, no JavaScript, axe and the Nu checker.

The example district (``scripts/example_district.py``) is made from the
tests' frozen list and cut to three towns, so that the suite stays quick;
each page type of a site with several lists is opened: the district home,
the departments across the towns, the comparison of the same matter (配合 and typed), the
lists of the 基本 and 收回 types and a 配合 list's own pages. The folder is
a git checkout with an edit in its working tree, built with
``--changes-base HEAD``, so that the changes pages (the district's and a
配合 list's) and the lists' revision histories are opened too.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

import harness
from harness import ServedSite, format_violations, open_page, run_axe_in_schemes, validate_html, visit

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]
TOWNS_KEPT = 3


def example_script() -> ModuleType:
    """``scripts/example_district.py``, which is not a package."""
    spec = importlib.util.spec_from_file_location("example_district", harness.REPO_ROOT / "scripts" / "example_district.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def district_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.engine.build import build

    content = tmp_path_factory.mktemp("district") / "content"
    example_script().generate(harness.REPO_ROOT / "tests" / "fixtures" / "content", content)
    for town in sorted((content / "lists").iterdir())[TOWNS_KEPT:]:
        shutil.rmtree(town)
    _commit(content)
    for kind in ("peihe", "jiben"):  # one line edited in the working tree: the changes pages show it
        path = sorted(content.glob(f"lists/*/{kind}/matters/*.md"))[0]
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("1. ", "1. 按要求", 1), encoding="utf-8")
    site = content.parent / "site"
    build(content, site, changes_base="HEAD")
    return site


def _commit(content: Path) -> None:
    """The folder as a git checkout with one commit."""
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=测试", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
                  "commit", "-q", "-m", "示例"]):
        subprocess.run(["git", "-C", str(content), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def served_district(district_site: Path) -> Iterator[ServedSite]:
    with harness.serve_directory(district_site) as served:
        yield served


@pytest.fixture(scope="module")
def district_pages(district_site: Path) -> dict[str, str]:
    """One page of every type of the district site, relative to its root."""
    def first(pattern: str) -> str:
        return sorted(district_site.glob(pattern))[0].relative_to(district_site).as_posix()

    departments = sorted(district_site.glob("departments/*/index.html"), key=lambda path: -path.stat().st_size)
    compared = sorted(district_site.glob("compare/*.html"), key=lambda path: -path.stat().st_size)
    typed_compared = sorted(district_site.glob("compare/*/*.html"), key=lambda path: -path.stat().st_size)
    return {
        "home": "index.html",
        "departments": "departments/index.html",
        "department": departments[0].relative_to(district_site).as_posix(),  # the longest
        "compare index": "compare/index.html",
        "compare": compared[0].relative_to(district_site).as_posix(),
        "typed compare": typed_compared[0].relative_to(district_site).as_posix(),  # a 基本 or 收回 matter
        "jiben list": first("*/jiben/index.html"),
        "jiben matter": first("*/jiben/matters/*.html"),
        "shouhui list": first("*/shouhui/index.html"),
        "shouhui matter": first("*/shouhui/matters/*.html"),
        "peihe home": first("*/peihe/index.html"),
        "changes": "changes/index.html",
        "peihe changes": first("*/peihe/changes/index.html"),
        "peihe history": first("*/peihe/history/index.html"),
        "jiben history": first("*/jiben/history/index.html"),
        "peihe matter": first("*/peihe/matters/*.html"),
    }


@pytest.mark.parametrize("device", ["phone-360", "desktop"])
def test_every_page_type_is_clean_fits_the_screen_and_says_it_is_example_data(
    served_district: ServedSite, make_context: MakeContext, district_pages: dict[str, str], device: str
) -> None:
    page, audit = open_page(make_context(device), served_district.url("index.html"))
    for name, relative in district_pages.items():  # in the one tab, as a reader goes from page to page
        audit.clear()
        visit(page, served_district.url(relative))
        audit.assert_clean()
        if device == "phone-360":
            audit.assert_no_horizontal_scroll()
        assert page.locator(".example-notice").first.is_visible(), name
        assert page.locator("h1").count() == 1, name


def test_axe_finds_nothing_serious_on_the_district_pages(
    served_district: ServedSite, make_context: MakeContext, district_pages: dict[str, str]
) -> None:
    """Each page in light and dark mode."""
    page = make_context("phone-360").new_page()
    report = []
    for relative in district_pages.values():
        visit(page, served_district.url(relative))
        for scheme, violations in run_axe_in_schemes(page).items():
            if violations:
                report.append(f"{relative} ({scheme}):\n{format_violations(violations)}")
    assert not report, "\n".join(report)


def test_the_district_pages_are_valid_html(district_site: Path, district_pages: dict[str, str]) -> None:
    """Every page above and beside the lists, and one list's pages of each type."""
    pages = [*district_site.glob("*.html"), *district_site.glob("departments/**/*.html"),
             *district_site.glob("compare/*.html"), *(district_site / path for path in district_pages.values())]
    errors = validate_html(sorted(set(pages)))
    assert not errors, "\n".join(errors)


def test_a_reader_without_javascript_reaches_a_town_s_list_a_department_and_a_comparison(
    served_district: ServedSite, make_context: MakeContext
) -> None:
    context = make_context("phone-360", java_script_enabled=False)
    page, audit = open_page(context, served_district.url("index.html"))
    # A click waits for the next page to start loading, not for it to be there: count() does not wait.
    page.locator("main a[href$='/shouhui/index.html']").first.click()
    page.wait_for_load_state()
    assert "收回事项清单" in page.locator("h1").inner_text()
    page.locator("main h3 a").first.click()
    page.wait_for_load_state()
    assert page.locator("text=收回后的履职方式").count() == 1
    page.locator("main .facts a").first.click()  # the department taking the matter back, across the district
    page.wait_for_load_state()
    assert page.url.endswith("/index.html") and "/departments/" in page.url
    assert page.locator("h2", has_text="收回事项").count() + page.locator("h3", has_text="收回事项").count() >= 1
    page.locator("nav.site-nav a", has_text="事项比对").click()
    page.locator("main .matter-list a").first.click()
    assert page.locator("h2#reference").is_visible()
    audit.assert_clean()


def test_the_district_404_page_finds_the_root_from_any_depth(district_site: Path,
                                                             make_context: MakeContext) -> None:
    """A server showing the root's 404.html for every missing address: styled, and its links lead home."""
    with harness.serve_directory(district_site, sub_path="/intranet/qingshan/", not_found="404.html") as served:
        home = served.url("index.html")
        problems = []
        for missing in ("no-such.html", "departments/x/y/z.html", "compare/nope.html",
                        f"{first_town(district_site)}/peihe/matters/no-such-matter.html"):
            page = make_context("phone-360").new_page()
            response = page.goto(served.url(missing), wait_until="load")
            assert response is not None and response.status == 404
            try:
                page.wait_for_function("home => document.querySelector('main a').href === home", arg=home,
                                       timeout=5_000)
            except Exception:  # noqa: BLE001 - reported below with what the link says
                pass
            header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
            if header != "rgb(158, 27, 32)":
                problems.append(f"{missing}: header {header}")
            hrefs = page.eval_on_selector_all("a[href]:not([href^='#'])", "links => links.map(a => a.href)")
            if len(hrefs) < 6:  # the header's three, the page's three
                problems.append(f"{missing}: only {len(hrefs)} links")
            for href in hrefs:
                relative = href.split("#")[0].removeprefix(served.base_url)
                if href.startswith(served.base_url) and (district_site / relative).is_file():
                    continue
                problems.append(f"{missing}: link to {href} leads nowhere")
            page.close()
        assert not problems, "\n".join(problems)


def first_town(site: Path) -> str:
    return sorted(folder.parent.name for folder in site.glob("*/peihe"))[0]
