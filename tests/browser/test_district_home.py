"""The home page of a site with several lists, in Chromium: standards, phones, no JavaScript, links.

The site is built from a multi-list folder made in the test from the
tests' frozen list (two towns, each with the same peihe list).
"""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import harness
from harness import format_violations, open_page, run_axe_in_schemes, validate_html

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.browser
CONTENT = harness.REPO_ROOT / "tests" / "fixtures" / "content"
TOWNS = {"hexi": ("河西街道", "街道"), "xingsheng": ("兴胜镇", "镇")}


@pytest.fixture(scope="module")
def district_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.engine.build import build

    root = tmp_path_factory.mktemp("district") / "content"
    root.mkdir()
    (root / "site.yml").write_text("title: 青山区履职事项清单\ndistrict: 青山区\ncity: 包头市\n"
                                   "issuer: 包头市青山区人民政府\n", encoding="utf-8")
    shutil.copy(CONTENT / "departments.yml", root / "departments.yml")
    for slug, (name, kind) in TOWNS.items():
        folder = root / "lists" / slug / "peihe"
        shutil.copytree(CONTENT / "matters", folder / "matters")
        shutil.copy(CONTENT / "categories.yml", folder / "categories.yml")
        (folder / "list.yml").write_text(f"type: peihe\ntitle: {name}配合履职事项清单\n", encoding="utf-8")
        (folder.parent / "town.yml").write_text(f"name: {name}\nkind: {kind}\n", encoding="utf-8")
    out = root.parent / "site"
    build(root, out)
    return out


@pytest.fixture(scope="module")
def served(district_site: Path) -> Iterator[harness.ServedSite]:
    with harness.serve_directory(district_site) as site:
        yield site


@pytest.mark.parametrize("device", ["phone-360", "desktop"])
def test_the_district_home_meets_the_standards(served: harness.ServedSite,
                                               make_context: Callable[..., BrowserContext], device: str) -> None:
    """In light and dark mode."""
    page, audit = open_page(make_context(device), served.url("index.html"))
    for scheme, violations in run_axe_in_schemes(page).items():
        assert not violations, f"{scheme}:\n{format_violations(violations)}"
        assert audit.horizontal_overflow() == 0, scheme
    audit.assert_clean()


def test_the_district_home_is_valid_html(district_site: Path) -> None:
    errors = validate_html([district_site / "index.html"])
    assert not errors, "\n".join(errors)


def test_every_list_is_reached_from_the_home_without_javascript(
        served: harness.ServedSite, make_context: Callable[..., BrowserContext]) -> None:
    context = make_context("phone-360", java_script_enabled=False)
    page, audit = open_page(context, served.url("index.html"))
    assert page.locator("h1").inner_text() == "青山区履职事项清单"
    assert page.locator("main h2").all_inner_texts() == ["河西街道", "兴胜镇", "跨镇街查看"]
    for name in ("河西街道配合履职事项清单", "兴胜镇配合履职事项清单"):
        page.goto(served.url("index.html"))
        page.get_by_role("link", name=name).click()
        assert page.locator("h1").inner_text() == name
        assert page.url.endswith("/peihe/index.html")
    audit.assert_clean()
