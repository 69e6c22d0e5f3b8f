"""A lower bound for a Python build of a given site: the work no implementation can skip.

Times, on every core (forked processes, as the build uses them), only:

- reading the matter files and parsing their front matter with PyYAML's C
  loader (the parse the build needs at the least, nothing checked);
- writing a built site's files again, their bytes already in memory;

plus the interpreter's start-up. The build itself also converts Markdown,
renders templates and indexes the text for search; if this floor alone is
close to a target, the target cannot be met by tuning the build.

    python benchmarks/floor.py CONTENT_DIR SITE_DIR
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SITE_FILES: list[tuple[str, bytes]] = []  # set before the workers fork, so that they need not be sent


def parse_matters(paths: list[str]) -> int:
    """Front matter parsed, as the build must at the least; how many files."""
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        yaml.load(text.split("\n---\n", 1)[0].removeprefix("---\n"), Loader=LOADER)
    return len(paths)


def write_files(folder: str, start: int, step: int) -> int:
    files = SITE_FILES[start::step]
    for relative, data in files:
        target = os.path.join(folder, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as file:
            file.write(data)
    return len(files)


def shares(items: list, count: int) -> list[list]:
    """``items`` dealt out to ``count`` workers."""
    return [items[start::count] for start in range(count)]


def timed(label: str, work) -> float:
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(f"{label:40} {seconds:6.2f} s")
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args(argv)
    matter_files = sorted(str(path) for path in (args.content / "matters").glob("*.md"))
    SITE_FILES[:] = [(path.relative_to(args.site).as_posix(), path.read_bytes())
                     for path in sorted(args.site.rglob("*")) if path.is_file()]
    total = timed("Python start-up", lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))
    out = Path(tempfile.mkdtemp(prefix="floor-", dir=args.site.parent))
    try:
        with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(int, range(args.jobs)))  # workers started before the clock, as a build's are cheap
            total += timed(f"parse {len(matter_files):,} front matters",
                           lambda: sum(pool.map(parse_matters, shares(matter_files, args.jobs))))
            total += timed(f"write {len(SITE_FILES):,} files, "
                           f"{sum(len(data) for _, data in SITE_FILES) / 2**20:.0f} MiB",
                           lambda: sum(pool.map(write_files, [str(out)] * args.jobs, range(args.jobs),
                                                [args.jobs] * args.jobs)))
    finally:
        shutil.rmtree(out)
    print(f"{'floor':40} {total:6.2f} s  (jobs={args.jobs})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
