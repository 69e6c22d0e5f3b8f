"""Fixtures for the real-browser tests: one Chromium per session, fresh contexts per test."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Make `import harness` work under any pytest import mode (importlib mode does
# not put test directories on sys.path).
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright


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


@pytest.fixture
def make_context(chromium_browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Factory for :func:`harness.new_context`; contexts close after the test."""
    contexts: list[BrowserContext] = []

    def make(device: str = "phone-360", **kwargs: Any) -> BrowserContext:
        context = harness.new_context(chromium_browser, device, **kwargs)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
