"""Time a one-matter edit through the ``serve`` machinery (``IncrementalSite``, or ``LibrarySite`` for a folder
of several lists).

What an editor waits for is the edited matter's page being rewritten; the
engine writes it first (``Update.first_write``) and then the rest of what the
edit affects (``Update.seconds``). Both are counted from the start of the
update, the scan of the sources included, in wall-clock seconds and in CPU
seconds of the process (``*_cpu``: on a busy machine the wall clock mostly
measures the other processes). Like ``serve``, the full list and the
downloads are deferred (made when a reader asks for them).

In a folder of several lists each edit is timed twice, as ``serve`` makes
it: with the paths the file watch (``engine/watch.py``, inotify) reports
handed to ``update`` (``watch``: the edited file is stat-ed alone before its
page, every file after), and without a watch (``scan``: every file is
stat-ed first), as on a system without inotify.

    python benchmarks/serve_edit.py CONTENT_DIR [--repeat 7]

prints one JSON line: for a single list {"first_write": [...], "update": [...]}
in seconds; for a folder of several lists the same for an edit in a list of
each type, by type and way ({"peihe": {"watch": {...}, "scan": {...}}, ...}).

    python benchmarks/serve_edit.py --shapes district,city [--report FILE]

makes the example district (``scripts/example_district.py``: ``district``
about 3,400 matters, ``city`` the same with ``--scale 9``, about 30,000) in a
temporary folder, times edits in it, prints a Markdown table and writes it
to ``--report`` if given.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.content.lists import LISTS_DIR, is_multi_list  # noqa: E402
from generator.engine.incremental import IncrementalSite  # noqa: E402
from generator.engine.server import deferred, previewed  # noqa: E402
from generator.engine.build import theme_dir  # noqa: E402
from generator.engine.watch import open_watch  # noqa: E402
from generator.site import urls  # noqa: E402

EDIT_MARK = "。"
SHAPES = {"district": [], "city": ["--scale", "9"]}  # example_district.py options
TYPES = ("peihe", "jiben", "shouhui")
WAYS = ("watch", "scan")  # the changed paths from the file watch, or a scan of every file
TARGET_SECONDS = 0.25  # page rewritten, at the district shape
WATCH_WAIT_SECONDS = 5.0  # the longest wait for the file watch to report an edit


def edit_timings(content_dir: Path, repeat: int) -> dict[str, list[float]]:
    """First-write and whole-update seconds of ``repeat`` edits to the middle matter of a single list."""
    with tempfile.TemporaryDirectory(prefix="serve-edit-") as out:
        site = IncrementalSite(content_dir, Path(out), defer=deferred)
        site.update()
        gc.freeze()  # as serve does: the first build's objects are long-lived
        matters = sorted((content_dir / "matters").glob("*.md"))
        return _time_edits(site, matters[len(matters) // 2], repeat)


def library_timings(content_dir: Path, repeat: int) -> dict[str, object]:
    """The same in a folder of several lists: edits to the middle matter of the middle town's list of each type,
    with the seconds of the first build and the number of matters."""
    with tempfile.TemporaryDirectory(prefix="serve-edit-") as out:
        site = previewed(content_dir, Path(out) / "site", theme_dir(content_dir, "templates"),
                         theme_dir(content_dir, "static"))
        started = time.perf_counter()
        first = site.update()
        assert not first.errors, first.errors[:5]
        result: dict[str, object] = {"first_build": time.perf_counter() - started,
                                     "matters": len(list((content_dir / LISTS_DIR).glob("*/*/matters/*.md")))}
        gc.freeze()
        watch = open_watch([content_dir])
        assert watch is not None, "no file watch here"
        towns = sorted(path for path in (content_dir / LISTS_DIR).iterdir() if path.is_dir())
        town = towns[len(towns) // 2]
        try:
            for list_type in TYPES:
                matters = sorted((town / list_type / "matters").glob("*.md"))
                if matters:
                    target = matters[len(matters) // 2]
                    result[list_type] = {way: _time_edits(site, target, repeat,
                                                          _reported_by(watch, target) if way == "watch"
                                                          else lambda: None)
                                         for way in WAYS}
                    watch.changed()  # what the scan-only edits left
        finally:
            watch.close()
        return result


def _reported_by(watch, target: Path):
    """What the watch reports once it has reported ``target``: its events come on watchdog's thread, as
    ``serve``'s poll (every 50 ms) would find them; the wait is not part of the update's time."""
    def reported() -> set[Path]:
        found: set[Path] = set()
        deadline = time.monotonic() + WATCH_WAIT_SECONDS
        while target not in found and time.monotonic() < deadline:
            found |= watch.changed() or set()
            time.sleep(0.005)
        return found
    return reported


def _time_edits(site, target: Path, repeat: int, reported=lambda: None) -> dict[str, list[float]]:
    """``reported()``: the paths to hand to ``update`` as changed (None: none, every file is stat-ed)."""
    original = target.read_text(encoding="utf-8")
    timings: dict[str, list[float]] = {"first_write": [], "update": [], "first_write_cpu": [], "update_cpu": []}
    try:
        for round_number in range(repeat):
            target.write_text(original.rstrip("\n") + EDIT_MARK * (round_number + 1) + "\n", encoding="utf-8")
            changed = reported()
            update = site.update(changed=changed) if changed is not None else site.update()
            assert not update.errors, update.errors
            assert any("/" + urls.matter("")[:-len("/index.html")] in "/" + path for path in update.written)
            timings["first_write"].append(update.first_write or update.seconds)
            timings["update"].append(update.seconds)
            timings["first_write_cpu"].append(update.first_write_cpu or update.cpu)
            timings["update_cpu"].append(update.cpu)
    finally:
        target.write_text(original, encoding="utf-8")
        site.update()
    return timings


def shape_timings(shape: str, repeat: int) -> dict[str, object]:
    """Make the example district of ``shape`` in a temporary folder and time edits in it."""
    with tempfile.TemporaryDirectory(prefix=f"serve-edit-{shape}-") as folder:
        content = Path(folder) / "content"
        subprocess.run([sys.executable, str(REPO / "scripts" / "example_district.py"), "--out", str(content),
                        *SHAPES[shape]], check=True, capture_output=True)
        return library_timings(content, repeat)


def report(results: dict[str, dict[str, object]], repeat: int) -> str:
    """The Markdown table of ``--shapes``."""
    lines = ["| shape | matters | first build s | list edited | changed files | page rewritten, median s | worst s | "
             "CPU s | whole update, median s | worst s | CPU s |",
             "|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|"]
    for shape, result in results.items():
        for list_type, way in ((list_type, way) for list_type in TYPES for way in WAYS):
            timings = result.get(list_type, {}).get(way)  # type: ignore[union-attr]
            if not isinstance(timings, dict):
                continue
            page, whole = timings["first_write"], timings["update"]
            lines.append(f"| {shape} | {result['matters']:,} | {result['first_build']:.1f} | {list_type} | {way} | "
                         f"{statistics.median(page):.3f} | {max(page):.3f} | "
                         f"{statistics.median(timings['first_write_cpu']):.3f} | {statistics.median(whole):.3f} | "
                         f"{max(whole):.3f} | {statistics.median(timings['update_cpu']):.3f} |")
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    lines += ["", f"{repeat} edits per list on {os.cpu_count()} cores; load average (1, 5, 15 min) after the run: "
                  f"{load}. CPU s: the median CPU time of the process (the wall clock waits for the other "
                  f"processes of a busy machine too). Changed files: watch, the paths the file watch reported "
                  "were handed to the engine (as serve does); scan, every file was stat-ed first. "
                  f"Target: page rewritten within {TARGET_SECONDS} s."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path, nargs="?")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--shapes", help="example district shapes to make and time: district,city")
    parser.add_argument("--report", type=Path, help="with --shapes: also write the table into this file")
    args = parser.parse_args()
    if args.shapes:
        results = {shape: shape_timings(shape, args.repeat) for shape in args.shapes.split(",")}
        table = report(results, args.repeat)
        print(table, end="")
        if args.report:
            args.report.write_text(table, encoding="utf-8")
        return 0
    if args.content is None:
        parser.error("give CONTENT_DIR or --shapes")
    timings = library_timings(args.content, args.repeat) if is_multi_list(args.content) else edit_timings(
        args.content, args.repeat)
    print(json.dumps(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
