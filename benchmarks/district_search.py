"""The district's search (issue #16) at the district and city shapes, on an emulated mid-range phone.

Targets: what a query downloads before its first result at most 100 KB gzip
at the city shape with the filters in use, and the first result on screen
within 300 ms of typing on a phone emulated in Chromium: CPU slowed 4×
(``Emulation.setCPUThrottlingRate``), 40 ms round trip and 10 Mbit/s both
ways (``Network.emulateNetworkConditions``).

For each case (a query and filters) and each cold run, a fresh browser
context (empty cache) opens ``search/index.html`` with the case's filters in
its address, as a shared link or the filters chosen first would; once the
page is ready, the query is put in the box with one ``input`` event (the last
keystroke of typing it, the page's 100 ms pause included) and the time is
taken in the page (``performance.now()``) until the results are in the DOM
and until the frame after that (on screen). The files are the page's
Resource Timing entries under ``search/`` and ``static/search.js`` finished
by the first result, counted gzip level 6 as ``run.py`` counts payloads.

The loopback server sends every file gzip-compressed (level 6) to the
browser, as a web server with compression on does, so the emulated network
carries the bytes the budget counts; ``--identity`` sends the files as they
are, as a server without compression does and as every measurement before
this option was taken: a shard holding a common bigram is about 100 KB raw
and 10 KB gzip, 80 ms against 8 ms on the emulated 10 Mbit/s link.

    python benchmarks/district_search.py --shape district          # makes and builds the example first
    python benchmarks/district_search.py --shape city --runs 3 --out benchmarks/results/district-search.md
    python benchmarks/district_search.py --site /tmp/city-site      # an already built district site

It needs Debian's Chromium and Playwright (``scripts/install-test-deps.sh``).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import mimetypes
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlencode, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for folder in (HERE, REPO / "tests" / "browser", REPO):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import harness  # noqa: E402
from search_timing import GZIP_LEVEL, RESOURCES_JS, _search_files, files_bytes, gzip_size, missing_browser  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SHAPES = {"district": 1, "city": 9}  # --scale of scripts/example_district.py
WORK = HERE / ".work"
SEARCH_PAGE = "search/index.html"
SHARDS_SCRIPT = "static/search-shards.js"  # not among search_timing's files: a single list's page has none
SCRIPTS = (SHARDS_SCRIPT, "static/search.js")  # the district page's search code
RUNS = 3
CPU_SLOWDOWN = 4
NETWORK = {"offline": False, "latency": 40, "downloadThroughput": 10_000_000 / 8, "uploadThroughput": 10_000_000 / 8}
BUDGET_KB = 100
TARGET_MS = 300
PAGE_TIMEOUT_MS = 120_000

# (query, filters): filters by URL parameter (t town, l list type, c category, d department); "{town}" is the
# district's second town. The first ones without filters, then the same kinds of query narrowed.
CASES: tuple[tuple[str, dict[str, str]], ...] = (
    ("低保", {}), ("民政局", {}), ("残疾人 补贴", {}), ("燃气", {}), ("防返贫监测", {}), ("消防安全", {}),
    ("一卡通", {}), ("房", {}),
    ("低保", {"t": "{town}"}), ("消防安全", {"t": "{town}", "l": "peihe"}), ("防返贫监测", {"l": "jiben"}),
    ("民政", {"l": "shouhui", "d": "civil-affairs"}), ("残疾人", {"d": "civil-affairs"}),
    ("燃气", {"t": "{town}", "l": "jiben", "c": "safety-rule-of-law"}), ("工作", {"t": "{town}", "l": "shouhui"}),
)

READY_JS = "() => document.getElementById('search-status').textContent !== ''"
# Runs in the page: "type" the query (one input event), time the results into the DOM and onto the screen.
TYPE_JS = """
async (query) => {
  const input = document.getElementById("search-q");
  const results = document.getElementById("search-results");
  const title = "\\u201c" + query.trim() + "\\u201d";
  const drawn = () => document.title.startsWith(title) && results.getAttribute("aria-busy") !== "true";
  const when = (ready) => new Promise((resolve) => {
    if (ready()) { resolve(performance.now()); return; }
    const observer = new MutationObserver(() => {
      if (ready()) { observer.disconnect(); resolve(performance.now()); }
    });
    observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const start = performance.now();
  input.value = query;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  const first = await when(drawn);
  const frame = await new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
  return { start, first: first - start, frame: frame - start, shown: results.children.length,
           status: document.getElementById("search-status").textContent };
}
"""


@dataclass
class CaseTiming:
    query: str
    filters: dict[str, str]
    ready_ms: list[float] = field(default_factory=list)  # navigation → the page ready for a query
    first_ms: list[float] = field(default_factory=list)  # typing → results in the DOM
    frame_ms: list[float] = field(default_factory=list)  # typing → the frame after: on screen
    files: list[str] = field(default_factory=list)  # downloaded before the first result
    status: str = ""


def make_site(shape: str) -> Path:
    """The example district of ``shape``, made and built into benchmarks/.work/ (reused when there)."""
    work = WORK / f"example-{shape}"
    content, site = work / "content", work / "site"
    if not (site / SEARCH_PAGE).is_file():
        subprocess.run([sys.executable, str(REPO / "scripts" / "example_district.py"), "--out", str(content),
                        "--scale", str(SHAPES[shape]), "--force"], check=True, cwd=REPO)
        subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(site)],
                       check=True, cwd=REPO)
    return site


@functools.lru_cache(maxsize=4096)
def _gzipped(path: Path) -> bytes:
    """A file as a server with compression on sends it (cached: each cold run asks for the same files)."""
    return gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)


@contextmanager
def serve_gzip(root: Path) -> Iterator[harness.ServedSite]:
    """``harness.serve_directory``, but every file sent gzip-compressed to a browser that accepts it."""
    site = harness.ServedSite(base_url="", origin="")
    plain = harness._handler_class(root, harness.DEFAULT_SUB_PATH, site)

    class GzipHandler(plain):  # type: ignore[misc, valid-type]
        def send_head(self) -> Any:
            path = Path(self.translate_path(self.path))
            inside = unquote(urlsplit(self.path).path).startswith(harness.DEFAULT_SUB_PATH)
            if not (inside and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
                return super().send_head()
            site.requests.append(self.path)
            body = _gzipped(path)
            self.send_response(200)
            self.send_header("Content-Type", self.extensions_map.get(path.suffix)
                             or mimetypes.guess_type(path.name)[0] or "application/octet-stream")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    with harness.serving(GzipHandler, site) as served:
        yield served


def measure(site: Path, runs: int, cases: tuple[tuple[str, dict[str, str]], ...] = CASES,
            compress: bool = True) -> tuple[list[CaseTiming], str]:
    """Each case ``runs`` times cold on the emulated phone (files sent gzip unless not ``compress``); and the
    Chromium version."""
    from playwright.sync_api import sync_playwright

    manifest = json.loads((site / "search" / "search-index.json").read_text(encoding="utf-8"))
    town = manifest["towns"][1]["slug"]
    timings = [CaseTiming(query, {key: value.replace("{town}", town) for key, value in filters.items()})
               for query, filters in cases]
    server = serve_gzip(site) if compress else harness.serve_directory(site)
    with server as served, sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        try:
            for timing in timings:
                for _ in range(runs):
                    _measure_once(browser, served, timing)
            return timings, browser.version
        finally:
            browser.close()


def _measure_once(browser: Browser, served: harness.ServedSite, timing: CaseTiming) -> None:
    context = harness.new_context(browser, "phone-360")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        address = SEARCH_PAGE + ("?" + urlencode(timing.filters) if timing.filters else "")
        page.goto(served.url(address), wait_until="load")
        page.wait_for_function(READY_JS, polling="raf")
        timing.ready_ms.append(page.evaluate("performance.now()"))
        typed = page.evaluate(TYPE_JS, timing.query)
        timing.first_ms.append(typed["first"])
        timing.frame_ms.append(typed["frame"])
        timing.status = typed["status"]
        resources = page.evaluate(RESOURCES_JS)
        timing.files = _first_result_files(served, resources, typed["start"] + typed["first"])
        page.wait_for_load_state("networkidle")  # the snippets' text: not cut off by closing the page
    finally:
        context.close()


def _first_result_files(served: harness.ServedSite, resources: list[dict], until: float) -> list[str]:
    """The search's files received by the first result (``search_timing``'s, and search-shards.js), without the
    snippets' text files."""
    base = urlsplit(served.base_url).path
    shards_script = [SHARDS_SCRIPT for resource in resources if resource["end"] <= until
                     and unquote(urlsplit(resource["url"]).path).removeprefix(base) == SHARDS_SCRIPT]
    return shards_script[:1] + [name for name in _search_files(served, resources, until) if not name.startswith("search/text/")]


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {max(values):.0f}" if values else "–"


def report(site: Path, timings: list[CaseTiming], chromium: str, compress: bool = True) -> list[str]:
    """A Markdown section: one row per case, then whether the targets are met."""
    manifest = json.loads((site / "search" / "search-index.json").read_text(encoding="utf-8"))
    matters = len(manifest["matters"]["kind"])
    runs = len(timings[0].first_ms)
    scripts = " + ".join(f"`{name}` {gzip_size(site / name) / 1024:.1f} KiB"
                         for name in SCRIPTS if (site / name).is_file())  # a site built before the split has one
    lines = [f"### {len(manifest['towns'])} towns, {len(manifest['lists']['count'])} lists, {matters:,} matters "
             f"({runs} cold runs per case)", "",
             f"Manifest `search/search-index.js` {gzip_size(site / 'search' / 'search-index.js') / 1024:.1f} KiB gzip, "
             f"{scripts}, the page "
             f"{gzip_size(site / SEARCH_PAGE) / 1024:.1f} KiB; {manifest['shards']} shard files, "
             f"{len(manifest['text'])} text files. Files sent "
             f"{'gzip-compressed' if compress else 'uncompressed (--identity)'}.", "",
             "| query | filters | results | page ready ms | typing → results in DOM ms (median / worst) | "
             "typing → on screen ms | requests before first result | gzip KiB before first result |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for timing in timings:
        filters = " ".join(f"{key}={value}" for key, value in timing.filters.items()) or "–"
        found = timing.status.split("，")[0].split("（")[0]
        lines.append(f"| {timing.query} | {filters} | {found} | {_ms(timing.ready_ms)} | {_ms(timing.first_ms)} | "
                     f"{_ms(timing.frame_ms)} | {len(timing.files)} | {files_bytes(site, timing.files) / 1024:.1f} |")
    filtered = [timing for timing in timings if timing.filters]
    worst_bytes = max(files_bytes(site, timing.files) for timing in filtered) / 1000
    worst_all = max(files_bytes(site, timing.files) for timing in timings) / 1000
    screen = [ms for timing in timings for ms in timing.frame_ms]
    screen_filtered = [ms for timing in filtered for ms in timing.frame_ms]
    lines += ["",
              f"Before the first result, filtered: at most {worst_bytes:.1f} KB gzip (target ≤ {BUDGET_KB} KB: "
              f"{'met' if worst_bytes <= BUDGET_KB else 'NOT met'}); every case, filtered or not: at most "
              f"{worst_all:.1f} KB.",
              f"Typing → first result on screen: median {statistics.median(screen):.0f} ms, worst "
              f"{max(screen):.0f} ms over every case; filtered cases worst {max(screen_filtered):.0f} ms (target ≤ "
              f"{TARGET_MS} ms: {'met' if max(screen) <= TARGET_MS else 'NOT met in every run'}). "
              f"Chromium {chromium}, CPU slowed {CPU_SLOWDOWN}×, {NETWORK['latency']} ms round trip, 10 Mbit/s.", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the district search on an emulated mid-range phone.")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="district", help="the example to make and build")
    parser.add_argument("--site", type=Path, help="an already built district site (skips making one)")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"cold runs per case (default {RUNS})")
    parser.add_argument("--out", type=Path, help="also append the report to this file")
    parser.add_argument("--identity", action="store_true",
                        help="send the files uncompressed (a server without compression)")
    args = parser.parse_args(argv)
    reason = missing_browser()
    if reason:
        print(f"not measured: {reason}", file=sys.stderr)
        return 1
    site = args.site or make_site(args.shape)
    timings, chromium = measure(site, args.runs, compress=not args.identity)
    lines = report(site, timings, chromium, compress=not args.identity)
    print("\n".join(lines))
    if args.out:
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
