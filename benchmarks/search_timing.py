"""Query time of our search in headless Chromium, and what a query downloads before its first result.

For each query the search page is opened in a fresh browser context (empty
cache) over loopback HTTP, and once the page is ready the query is put in the
box and the form submitted (no typing debounce). Times are measured inside the
page with ``performance.now()``: from the submit to the results drawn (the DOM
holds them and the page title names the query), to the next frame after that
(style and layout of the results done), and to the snippets drawn (a sharded
index loads their text after the results). A warm run repeats the query in the
same page, with everything it needs already loaded. The files come from the
page's Resource Timing entries; their bytes are counted gzip level 6, as
``run.py`` counts every payload (the test server sends them uncompressed).

    python benchmarks/search_timing.py --count 10000          # builds the synthetic site first
    python benchmarks/search_timing.py --site benchmarks/.work/10000/ours/site --runs 5

It needs what the browser tests need: Debian's Chromium and the Playwright
package (``scripts/install-test-deps.sh``); ``run.py`` calls ``measure_site``.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BROWSER_TESTS = REPO / "tests" / "browser"
for folder in (HERE, BROWSER_TESTS, REPO):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import harness  # noqa: E402
import synth  # noqa: E402

from generator.site.search import SHARDS_DIR, query_shards  # noqa: E402

QUERIES = ("低保", "民政局", "残疾人 补贴", "燃气", "一卡通", "12345", "疾人", "住建局", "防返贫监测", "消防安全")
RUNS = 5
GZIP_LEVEL = 6
SEARCH_PAGE = "search/index.html"
SEARCH_FILES = ("static/search.js", "search/")  # what counts as the search's download
TEXT_FILES = "search/text/"  # a sharded index's duty text, for the snippets
WORK = HERE / ".work"
PAGE_TIMEOUT_MS = 60_000

# Runs in the page: submit the query and time the drawing of its results. Resolves with
# times relative to the submit and the absolute start, for the Resource Timing entries.
# ``parts``: when the last index part (shard) the results waited for had run, seen by a
# proxy on the global each part file sets (search.js is not changed for the measuring).
MEASURE_JS = """
async (query) => {
  let partsRun = NaN;
  const parts = window.SEARCH_PARTS || {};
  window.SEARCH_PARTS = new Proxy(parts, { set(target, name, value) {
    target[name] = value;
    if (String(name).startsWith("shards/")) partsRun = performance.now();
    return true;
  } });
  const input = document.getElementById("search-q");
  const form = document.getElementById("search-form");
  const results = document.getElementById("search-results");
  const title = "\\u201c" + query.trim() + "\\u201d";
  const drawn = () => document.title.startsWith(title) && results.getAttribute("aria-busy") !== "true";
  const snippets = () => [...results.querySelectorAll(".result")].every((item) => item.querySelector(".result-snippet"));
  const when = (ready) => new Promise((resolve) => {
    if (ready()) { resolve(performance.now()); return; }
    const observer = new MutationObserver(() => {
      if (ready()) { observer.disconnect(); resolve(performance.now()); }
    });
    observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const start = performance.now();
  input.value = query;
  form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
  const first = await when(drawn);
  const partsAt = partsRun - start;
  const withSnippets = Promise.race([when(snippets), new Promise((resolve) => setTimeout(resolve, 20000, NaN))]);
  const frame = await new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
  const complete = await withSnippets;
  return { start, first: first - start, parts: partsAt, frame: frame - start, complete: complete - start,
           shown: results.children.length, status: document.getElementById("search-status").textContent };
}
"""
# Clears the results, then runs MEASURE_JS again: the warm run.
CLEAR_JS = """
() => { document.getElementById("search-q").value = "";
        document.getElementById("search-form").dispatchEvent(new Event("submit", { cancelable: true })); }
"""
RESOURCES_JS = """
() => performance.getEntriesByType("resource").map((entry) => ({
  url: entry.name, start: entry.startTime, end: entry.responseEnd }))
"""
READY_JS = "() => document.getElementById('search-status').textContent !== ''"
FOUND = re.compile(r"找到 (\d+) 项")


@dataclass
class QueryTiming:
    """One query, over several cold runs (a fresh page each) and as many warm ones."""

    query: str
    first_ms: list[float] = field(default_factory=list)  # submit → results in the DOM
    parts_ms: list[float] = field(default_factory=list)  # submit → its last shard run (sharded index)
    after_parts_ms: list[float] = field(default_factory=list)  # that → results in the DOM: searching, drawing
    frame_ms: list[float] = field(default_factory=list)  # submit → the frame after that
    complete_ms: list[float] = field(default_factory=list)  # submit → snippets drawn too
    warm_ms: list[float] = field(default_factory=list)  # again, everything already loaded
    shown: int = 0
    status: str = ""
    first_files: list[str] = field(default_factory=list)  # downloaded before the first result
    complete_files: list[str] = field(default_factory=list)  # ... and before the snippets


@dataclass
class SiteTiming:
    site: Path
    mode: str  # "single file" or "sharded"
    ready_ms: list[float]  # navigation → the search page ready for a query
    queries: list[QueryTiming]
    chromium: str


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0))


def files_bytes(site: Path, files: list[str]) -> int:
    return sum(gzip_size(site / name) for name in files)


def matter_count(site: Path) -> int:
    matters = json.loads((site / "search" / "search-index.json").read_text(encoding="utf-8"))["matters"]
    return len(matters["id"] if isinstance(matters, dict) else matters)


def index_mode(site: Path) -> str:
    return "sharded" if (site / "search" / "shards").is_dir() else "single file"


def missing_browser() -> str | None:
    """Why the browser cannot run here, or None."""
    missing = [name for name, ok in (("Chromium", harness.chromium_available()),
                                     ("the playwright package", harness.playwright_available())) if not ok]
    return f"{' and '.join(missing)} missing (see {harness.INSTALL_SCRIPT})" if missing else None


def measure_site(site: Path, queries: tuple[str, ...] = QUERIES, runs: int = RUNS) -> SiteTiming:
    """Time each query ``runs`` times cold (a new browser context each) and as often warm."""
    from playwright.sync_api import sync_playwright

    with harness.serve_directory(site) as served, sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        timing = SiteTiming(site, index_mode(site), [], [], browser.version)
        try:
            for query in queries:
                measured = QueryTiming(query)
                for _ in range(runs):
                    _measure_once(browser, served, measured, timing.ready_ms)
                timing.queries.append(measured)
        finally:
            browser.close()
    return timing


def _measure_once(browser: Browser, served: harness.ServedSite, measured: QueryTiming,
                  ready_ms: list[float]) -> None:
    context = harness.new_context(browser, "phone-390")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(served.url(SEARCH_PAGE), wait_until="load")
        page.wait_for_function(READY_JS, polling="raf")
        ready_ms.append(page.evaluate("performance.now()"))
        cold = page.evaluate(MEASURE_JS, measured.query)
        measured.first_ms.append(cold["first"])
        if cold["parts"] is not None and not math.isnan(cold["parts"]):
            measured.parts_ms.append(cold["parts"])
            measured.after_parts_ms.append(cold["first"] - cold["parts"])
        measured.frame_ms.append(cold["frame"])
        measured.complete_ms.append(cold["complete"])
        measured.shown, measured.status = cold["shown"], cold["status"]
        resources = page.evaluate(RESOURCES_JS)
        # Text files are asked for only once the results are drawn: never part of what they needed.
        measured.first_files = [name for name in _search_files(served, resources, cold["start"] + cold["first"])
                                if not name.startswith(TEXT_FILES)]
        measured.complete_files = _search_files(served, resources, cold["start"] + cold["complete"])
        page.evaluate(CLEAR_JS)
        measured.warm_ms.append(page.evaluate(MEASURE_JS, measured.query)["first"])
    finally:
        context.close()


def _search_files(served: harness.ServedSite, resources: list[dict], until: float) -> list[str]:
    """The search's files (site-relative) fully received by ``until`` (page time, ms)."""
    base = urlsplit(served.base_url).path
    files = []
    for resource in resources:
        path = unquote(urlsplit(resource["url"]).path)
        name = path.removeprefix(base)
        if resource["end"] <= until and name.startswith(SEARCH_FILES) and name not in files:
            files.append(name)
    return files


def first_result_files(site: Path, query: str) -> list[str]:
    """The files a reader downloads before the first result of ``query``, without a browser (for ``run.py``).

    The page's two scripts and, from a sharded index, the shards the query
    needs (``generator.site.search.query_shards``; the tests check that search.js
    loads exactly those).
    """
    files = ["search/search-index.js", "static/search.js"]
    if index_mode(site) == "sharded":
        shard_count = json.loads((site / "search" / "search-index.json").read_text(encoding="utf-8"))["shards"]
        files += [f"search/{SHARDS_DIR}/{shard}.js" for shard in query_shards(query, shard_count)]
    return files


# -- report ------------------------------------------------------------------

HEADER = ("| query | results | first result ms (median / worst) | of which shards loaded and run ms | "
          "next frame ms | with snippets ms | warm ms | "
          "requests before first result | gzip KiB before first result | requests / KiB with snippets |")


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {max(values):.1f}" if values else "–"


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" if values else "–"


def report_lines(count: int, timing: SiteTiming) -> list[str]:
    """A Markdown table of one site's timings."""
    site = timing.site
    runs = len(timing.queries[0].first_ms)
    lines = [f"### N = {count:,} matters ({timing.mode} index, {runs} cold runs per query)", "",
             f"Search page ready (navigation → index loaded and prepared): median / worst {_ms(timing.ready_ms)} ms.",
             "", HEADER, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for query in timing.queries:
        found = FOUND.search(query.status).group(1) if FOUND.search(query.status) else "0"
        lines.append(f"| {query.query} | {found} | {_ms(query.first_ms)} | {_median(query.parts_ms)} | "
                     f"{_ms(query.frame_ms)} | "
                     f"{_ms(query.complete_ms)} | {_ms(query.warm_ms)} | {len(query.first_files)} | "
                     f"{files_bytes(site, query.first_files) / 1024:.1f} | {len(query.complete_files)} / "
                     f"{files_bytes(site, query.complete_files) / 1024:.1f} |")
    everything = [ms for query in timing.queries for ms in query.first_ms]
    warm = [ms for query in timing.queries for ms in query.warm_ms]
    summary = (f"All queries, first result: median {statistics.median(everything):.1f} ms, worst "
               f"{max(everything):.1f} ms (warm: median {statistics.median(warm):.1f} ms, worst {max(warm):.1f} ms); "
               f"Chromium {timing.chromium}.")
    lines += ["", summary]
    parts = [ms for query in timing.queries for ms in query.parts_ms]
    if parts:
        after = [ms for query in timing.queries for ms in query.after_parts_ms]
        lines.append(f"Of that, until the last shard a query needs has run (its requests, the transfer, the "
                     f"browser running the file): median {statistics.median(parts):.1f} ms; from there to the "
                     f"results in the DOM (matching, ranking, drawing): median {statistics.median(after):.1f} ms.")
    lines.append("")
    return lines


METHOD = """\
- Query time (`benchmarks/search_timing.py`): Debian's Chromium, headless, through Playwright, phone viewport
  390×844; the built site served on loopback HTTP (no compression, no latency: the times are the browser's
  work plus local file transfer). Each query runs in a fresh browser context (empty cache): the search page is
  loaded, and once it is ready the query is set and the form submitted (typing's 100 ms debounce is not
  counted). Times are `performance.now()` in the page from the submit to the results in the DOM (a
  `MutationObserver` sees the page title name the query and the list no longer busy), to the next frame, and to
  the snippets drawn. Warm: the same query again in the same page (index parts already loaded). Requests and
  bytes before the first result: the page's Resource Timing entries under `search/` and `static/search.js`
  finished by then (the page's two scripts included), gzip level 6.
"""


# -- command line ------------------------------------------------------------

def build_site(count: int) -> Path:
    """Synthetic content of ``count`` matters, built with our generator into benchmarks/.work/."""
    work = WORK / str(count)
    content = synth.generate(count, work / "content")
    site = work / "timing-site"
    if site.exists():
        shutil.rmtree(site)
    subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(site)],
                   cwd=REPO, check=True)
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time our search in headless Chromium.")
    parser.add_argument("--count", type=int, default=10_000, help="synthetic matters to build (default 10000)")
    parser.add_argument("--site", type=Path, help="an already built site (skips building)")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"cold runs per query (default {RUNS})")
    parser.add_argument("--queries", help="comma-separated queries (default: the ten of QUERIES)")
    args = parser.parse_args(argv)
    reason = missing_browser()
    if reason:
        print(f"not measured: {reason}", file=sys.stderr)
        return 1
    site = args.site or build_site(args.count)
    queries = tuple(q for q in args.queries.split(",") if q.strip()) if args.queries else QUERIES
    timing = measure_site(site, queries, args.runs)
    print("\n".join(report_lines(matter_count(site), timing)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
