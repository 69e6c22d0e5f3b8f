"""Fixtures for the real-browser tests: one Chromium per session, fresh contexts per test."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

# Make `import harness` work under any pytest import mode (importlib mode does
# not put test directories on sys.path).
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright

    from generator.content.model import Content


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, so `-m "not browser"` deselects the slow tests."""
    config.addinivalue_line(
        "markers", "browser: drives a real Chromium / Nu checker / axe-core (tests/browser)"
    )


@pytest.fixture(scope="session")
def browser_deps() -> None:
    """Ensure Chromium, Playwright, vnu.jar and axe-core; skip (fail on CI) otherwise."""
    harness.require_dependencies()


@pytest.fixture(scope="session")
def playwright_session(browser_deps: None) -> Iterator[Playwright]:
    """The Playwright driver, started once per test session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium_browser(playwright_session: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, launched once per session (launching costs ~1 s)."""
    browser = harness.launch_chromium(playwright_session)
    yield browser
    browser.close()


# A broken page should fail in seconds, not after Playwright's default 30 s.
ACTION_TIMEOUT_MS = 15_000


@pytest.fixture
def make_context(chromium_browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Factory for :func:`harness.new_context`; contexts close after the test."""
    contexts: list[BrowserContext] = []

    def make(device: str = "phone-360", **kwargs: Any) -> BrowserContext:
        context = harness.new_context(chromium_browser, device, **kwargs)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


# --------------------------------------------------------------------------
# The real site: built once per session from the tests' frozen copy of the list
# --------------------------------------------------------------------------

CONTENT_DIR = harness.REPO_ROOT / "tests" / "fixtures" / "content"  # frozen: content/ changes with every revision
# A query many readers would type; it finds several matters in several categories.
SAMPLE_QUERY = "补贴"
if str(harness.REPO_ROOT) not in sys.path:  # `import generator` under plain `pytest` too
    sys.path.insert(0, str(harness.REPO_ROOT))


@pytest.fixture(scope="session")
def site_content() -> Content:
    """The validated fixture content: what the expected results are computed from."""
    from generator.content.check import load_valid_content

    return load_valid_content(CONTENT_DIR)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once per session from the fixture content, in a temporary folder."""
    from generator.engine.build import build

    out = tmp_path_factory.mktemp("built") / "site"
    build(CONTENT_DIR, out)
    return out


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[harness.ServedSite]:
    """The built site on loopback under the intranet's sub-path, ``/intranet/list/``."""
    with harness.serve_directory(built_site) as served:
        yield served


@pytest.fixture(scope="session")
def page_types(site_content: Content, built_site: Path) -> dict[str, str]:
    """One page of every type, as URLs relative to the site root, picked to be the hardest case.

    The largest category and department and the longest matter (one with
    editorial notes if any) are the likeliest to overflow or break; the
    search page is opened with a query so that results are drawn.
    """
    from generator.site import urls
    from generator.site.search import searchable_text

    content = site_content
    matter = max(content.matters, key=lambda m: (bool(m.notes), len(searchable_text(m, content))))
    category = max(content.categories, key=lambda c: sum(m.category == c.name for m in content.matters))
    counts = Counter(name for each in content.matters for name in each.departments)
    department = content.department_by_name()[max(sorted(counts), key=counts.__getitem__)]
    types = {
        "home": urls.HOME,
        "category": urls.category(category.slug),
        "departments": urls.DEPARTMENTS,
        "department": urls.department(department.slug),
        "matter": urls.matter(matter.id),
        "list": urls.FULL_LIST,
        "search": urls.SEARCH + "?q=" + quote(SAMPLE_QUERY),
        "404": urls.NOT_FOUND,
    }
    if (built_site / "history" / "index.html").is_file():  # the revision history, once it exists
        types["history"] = "history/index.html"
    return types

