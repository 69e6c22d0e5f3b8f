"""Where a multi-list build's time goes, stage by stage, in one process.

Builds a multi-list content folder (``scripts/example_district.py``) with
``--jobs 1`` under cProfile, into a fresh folder (so that deleting an old
output is not counted), and prints the cumulative CPU-bound time of each
stage: reading and checking the lists (YAML), converting Markdown, rendering
the pages (Jinja), the search index, the downloads, the district's lookups
(the comparison of the same matter across towns) and the district pages.
The numbers carry cProfile's overhead: compare them with each other, or
with another run of this script, not with a timed build.

    python benchmarks/profile_library.py CONTENT_DIR [--top 30] [--save FILE.prof]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# (label, module file ending, function name): a stage is the cumulative time of its function.
STAGES = (
    ("whole build", "engine/stages.py", "produce_library"),
    ("parse every list's matter files ahead (with --jobs > 1 only)", "engine/stages.py", "_prefetched_readers"),
    ("load and check every list (YAML, validation)", "content/lists.py", "load_library"),
    ("  of it: typed lists (jiben, shouhui)", "content/lists.py", "_load_typed_list"),
    ("compile the templates", "site/render.py", "compile_templates"),
    ("convert the library's texts, compare across towns", "engine/stages.py", "_prepare_district"),
    ("  of it: same 配合 matter across towns", "review/comparison.py", "compare_group"),
    ("  of it: same 基本/收回 matter across towns", "review/typed_comparison.py", "compare_typed_group"),
    ("peihe lists, each a site of its own", "engine/stages.py", "_produce_list"),
    ("  Markdown conversion", "engine/stages.py", "_convert"),
    ("  pages and search index", "engine/stages.py", "_write"),
    ("    of it: search payload", "site/search.py", "search_payload"),
    ("    of it: search index files", "engine/stages.py", "_write_search"),
    ("  downloads (JSON, CSV, XLSX)", "engine/stages.py", "_write_downloads"),
    ("district lookups (catalogues)", "site/district_pages.py", "district"),
    ("district pages (home, departments, compare, typed lists)", "site/district_pages.py", "render_district_page"),
    ("  of it: a department's page variables", "site/district_pages.py", "_department"),
    ("  of it: a comparison page's variables", "site/district_pages.py", "_compare"),
    ("  of it: typed matter views", "site/district_pages.py", "typed_view"),
    ("typed lists' downloads", "engine/stages.py", "_write_typed_downloads"),
    ("district search", "engine/stages.py", "_write_district_search"),
    ("writing files", "engine/writer.py", "write_file"),
    ("Markdown conversions (all callers)", "site/markup.py", "convert"),
    ("Jinja template.render (all callers)", "jinja2/environment.py", "render"),
)


def stage_times(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    """(label, cumulative seconds, calls) of each stage found in ``stats``."""
    found = []
    table = stats.stats  # type: ignore[attr-defined]
    for label, ending, name in STAGES:
        total, calls = 0.0, 0
        for (filename, _line, function), (_cc, primitive, _tt, cumulative, _callers) in table.items():
            if function == name and filename.endswith(ending):
                total += cumulative
                calls += primitive
        if calls:
            found.append((label, total, calls))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--top", type=int, default=25, help="also print the functions of most own time")
    parser.add_argument("--save", type=Path, help="keep the cProfile data in this file")
    args = parser.parse_args(argv)
    from generator.engine import parallel
    from generator.engine.build import theme_dir
    from generator.engine.stages import produce_library
    from generator.site.listing import Listing

    content = args.content.resolve()
    with tempfile.TemporaryDirectory(prefix="profile-library-") as work:
        profile = cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        with parallel.gc_paused():
            profile.enable()
            produce_library(content, Path(work) / "site", theme_dir(content, "templates"),
                            theme_dir(content, "static"), 1, Listing())
            profile.disable()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if args.save:
        profile.dump_stats(args.save)
    stats = pstats.Stats(profile)
    print(f"{content}: {wall:.1f} s wall, {cpu:.1f} s CPU under cProfile, one process")
    print(f"{'stage':<60} {'cum. s':>8} {'calls':>8}")
    for label, seconds, calls in stage_times(stats):
        print(f"{label:<60} {seconds:8.2f} {calls:8d}")
    if args.top:
        print()
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
