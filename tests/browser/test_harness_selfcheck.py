"""Self-check of the browser harness on a tiny hand-made site.

Every check the harness offers is shown to catch a page built to fail it and
to pass the good pages, so that a green run on the real site means something.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from harness import (
    ServedSite,
    format_violations,
    open_page,
    require_dependencies,
    run_axe,
    run_axe_in_schemes,
    serve_directory,
    visit,
    validate_html,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.browser
MakeContext = Callable[..., "BrowserContext"]

HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{title}<link rel="icon" href="data:,">
<link rel="stylesheet" href="{root}style.css">
{extra_head}</head>
<body>
"""
STYLE = """body { font-size: 1.0625rem; line-height: 1.6; color: #1a1a1a; background: #fff;
       max-width: 40rem; margin: 0 auto; padding: 0 1rem; }
a { color: #0645ad; }
"""
# An 1x1 PNG, inline so the a11y page makes no extra request.
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk"
    "YAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
# name -> body; every page but notitle.html gets a <title>.
PAGES: dict[str, str] = {
    "index.html": '<h1>值班表</h1>\n<p><a href="duty/week.html">本周值班</a></p>\n'
    "<script>document.documentElement.dataset.js = 'on';</script>\n",
    "duty/week.html": "<h1>本周值班</h1>\n<p>周一：张三</p>\n"
    '<p><a href="../index.html">返回</a></p>\n',
    "wide.html": '<h1>太宽</h1>\n<div style="width: 900px">一行很宽的表格</div>\n',
    "console-error.html": "<h1>出错</h1>\n<script>console.error('fixture: deliberate');"
    "</script>\n<script>notDefinedAnywhere();</script>\n",
    "external.html": '<h1>外链</h1>\n<img src="http://example.invalid/x.png" alt="外部图片">\n',
    "root-absolute.html": '<h1>根路径</h1>\n<img src="/logo.png" alt="标志">\n',
    "small-text.html": "<h1>小字</h1>\n<p>正文</p>\n",
    "a11y.html": f'<h1>无障碍</h1>\n<img src="{PIXEL}">\n'
    '<p style="color: #bbb; background: #fff">看不清的字</p>\n',
    "notitle.html": "<h1>没有标题</h1>\n",
    "titled.html": "<main>\n<h1>正文标题</h1>\n</main>\n",
    "hidden-title.html": '<main>\n<h1 style="visibility: hidden">看不见的标题</h1>\n</main>\n',
    "dark-contrast.html": '<h1>深色模式</h1>\n<p class="faint">深色模式下看不清的字</p>\n',
}
# Added to <head>, where a <style> must be to keep the page valid.
EXTRA_HEAD = {"small-text.html": "<style>body { font-size: 14px; }</style>\n",
              "dark-contrast.html": "<style>.faint { color: #111; background: #fff; }\n"
                                    "@media (prefers-color-scheme: dark) { .faint { color: #333; background: #000; } }"
                                    "</style>\n"}


def _page_html(name: str, body: str) -> str:
    """A complete page; relative links and stylesheet resolve from its depth."""
    root = "../" * name.count("/")
    title = "" if name == "notitle.html" else f"<title>{name}</title>\n"
    head = HEAD.format(title=title, extra_head=EXTRA_HEAD.get(name, ""), root=root)
    return head + body + "</body>\n</html>\n"


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the fixture site into a temporary directory."""
    root = tmp_path_factory.mktemp("site")
    (root / "style.css").write_text(STYLE, encoding="utf-8")
    for name, body in PAGES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page_html(name, body), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(site_root: Path) -> Iterator[ServedSite]:
    """The fixture site served on loopback under /intranet/list/."""
    with serve_directory(site_root) as served:
        yield served


def _status(url: str) -> int:
    """HTTP status of a GET, without raising on 4xx."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_server_serves_only_the_sub_path(site: ServedSite) -> None:
    assert site.base_url.startswith("http://127.0.0.1:")
    assert site.base_url.endswith("/intranet/list/")
    assert _status(site.base_url) == 200  # index.html
    assert _status(site.url("duty/week.html")) == 200
    assert _status(site.origin + "/index.html") == 404  # outside the sub-path
    assert _status(site.url("duty/")) == 404  # no listing without index.html
    assert "/index.html" in site.requests and "/intranet/list/duty/" in site.requests


@pytest.mark.parametrize("device", ["phone-360", "phone-390", "desktop"])
def test_good_pages_are_clean(site: ServedSite, make_context: MakeContext, device: str) -> None:
    page, audit = open_page(make_context(device), site.base_url)
    page.click("text=本周值班")  # the relative link works
    page.wait_for_url(site.url("duty/week.html"))
    page.click("text=返回")
    page.wait_for_url(site.url("index.html"))
    audit.assert_clean()
    audit.assert_no_horizontal_scroll()
    audit.assert_min_body_font_size(16)
    violations = run_axe(page)
    assert not violations, format_violations(violations)


def test_detects_horizontal_scroll_on_phone_only(
    site: ServedSite, make_context: MakeContext
) -> None:
    _, phone = open_page(make_context("phone-360"), site.url("wide.html"))
    assert phone.horizontal_overflow() > 500
    with pytest.raises(AssertionError, match="wider than the viewport"):
        phone.assert_no_horizontal_scroll()
    _, desktop = open_page(make_context("desktop"), site.url("wide.html"))
    desktop.assert_no_horizontal_scroll()


@pytest.mark.parametrize("name", ["titled.html", "hidden-title.html", "wide.html", "small-text.html"])
def test_the_screen_in_one_round_trip_is_what_the_separate_checks_see(
    site: ServedSite, make_context: MakeContext, name: str
) -> None:
    page, audit = open_page(make_context("phone-360"), site.url(name))
    screen = audit.screen()
    assert screen.overflow == audit.horizontal_overflow()
    assert screen.body_font_size == audit.body_font_size()
    assert screen.h1_visible == page.locator("main h1").first.is_visible() == (name == "titled.html")
    assert (screen.overflow > 500) == (name == "wide.html")
    assert (screen.body_font_size == 14) == (name == "small-text.html")


def test_detects_console_errors(site: ServedSite, make_context: MakeContext) -> None:
    _, audit = open_page(make_context(), site.url("console-error.html"))
    errors = "\n".join(audit.console_errors)
    assert "fixture: deliberate" in errors
    assert "notDefinedAnywhere" in errors  # uncaught exceptions count too
    with pytest.raises(AssertionError, match="console error"):
        audit.assert_clean()


def test_detects_and_blocks_external_requests(site: ServedSite, make_context: MakeContext) -> None:
    _, audit = open_page(make_context(), site.url("external.html"))
    assert audit.external_requests == ["http://example.invalid/x.png"]
    assert audit.failed_requests == []  # reported once, as external


def test_detects_root_absolute_urls_as_failed(site: ServedSite, make_context: MakeContext) -> None:
    _, audit = open_page(make_context(), site.url("root-absolute.html"))
    assert audit.failed_requests == [f"HTTP 404 {site.origin}/logo.png"]


def test_detects_small_body_text(site: ServedSite, make_context: MakeContext) -> None:
    _, audit = open_page(make_context(), site.url("small-text.html"))
    assert audit.body_font_size() == 14
    with pytest.raises(AssertionError, match="font-size 14.0px < 16"):
        audit.assert_min_body_font_size(16)


def test_axe_reports_serious_violations(site: ServedSite, make_context: MakeContext) -> None:
    page, _ = open_page(make_context(), site.url("a11y.html"))
    violations = run_axe(page)
    assert {v["id"] for v in violations} >= {"image-alt", "color-contrast"}
    assert {v["impact"] for v in violations} <= {"serious", "critical"}


def test_axe_in_both_schemes_sees_each_scheme_s_colours_on_one_loaded_page(
    site: ServedSite, make_context: MakeContext
) -> None:
    page = make_context().new_page()
    visit(page, site.url("dark-contrast.html"))
    found = run_axe_in_schemes(page)
    assert found["light"] == []
    assert [v["id"] for v in found["dark"]] == ["color-contrast"]
    assert run_axe_in_schemes(page, ("dark", "light"))["light"] == []  # and back


def test_vnu_reports_errors_with_file_and_line(site_root: Path) -> None:
    paths = sorted(site_root.rglob("*.html"))
    errors = validate_html(paths)
    assert len(errors) == 2, errors  # only the two deliberately invalid pages: the good ones pass
    notitle, a11y = sorted(errors, key=lambda e: "notitle" not in e)
    assert notitle.startswith(f"{site_root / 'notitle.html'}:8: error:") and "title" in notitle
    assert a11y.startswith(f"{site_root / 'a11y.html'}:") and "alt" in a11y


def test_pages_work_from_file_urls(site_root: Path, make_context: MakeContext) -> None:
    context = make_context("phone-390")
    page, audit = open_page(context, (site_root / "index.html").as_uri())
    assert audit.body_font_size() == 17  # relative stylesheet was applied
    page.click("text=本周值班")
    page.wait_for_url("**/duty/week.html")
    audit.assert_clean()
    _, external = open_page(context, (site_root / "external.html").as_uri())
    assert external.external_requests == ["http://example.invalid/x.png"]


def test_context_options(site: ServedSite, make_context: MakeContext) -> None:
    dark = make_context("desktop", color_scheme="dark")
    page, _ = open_page(dark, site.base_url)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert page.evaluate("document.documentElement.dataset.js") == "on"
    no_js = make_context("phone-360", java_script_enabled=False)
    page, audit = open_page(no_js, site.base_url)
    assert page.evaluate("document.documentElement.dataset.js") is None
    audit.assert_no_horizontal_scroll()  # checks still work without page JS


@pytest.mark.parametrize("ci", ["", "true"])
def test_missing_chromium_skips_locally_but_fails_on_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    import harness

    monkeypatch.setattr(harness, "missing_dependencies", lambda: ["Chromium (/usr/bin/chromium)"])
    monkeypatch.setenv("BROWSER_TESTS_NO_INSTALL", "1")
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(expected, match="Chromium"):
        require_dependencies()
