"""``build``: the whole pipeline, load → validate → render → write (``stages``), unless nothing changed.

With a cache folder (``cache``), a build first checks whether its inputs
and the output folder are exactly as the last build left them; then there
is nothing to do, and it stops, having imported none of the rendering
machinery (``stages`` and what it needs are imported only when a build
has work to do). Otherwise converted Markdown from the cache saves most of
the conversion, and the build's record and conversions are kept for next
time.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.engine import parallel
from generator.i18n import _
from generator.engine.cache import BuildCache, Stat, markdown_key, matter_stats
from generator.site.listing import Listing
from generator.content.lists import is_multi_list
from generator.engine.writer import check_output_dir

if TYPE_CHECKING:
    from generator.engine.stages import Built

GENERATOR_ROOT = Path(__file__).resolve().parents[2]


def theme_dir(content_dir: Path, name: str) -> Path:
    """``templates/`` or ``static/`` of the site project (beside its content), else the generator's own.

    A site project is ``content/``, ``templates/`` and ``static/`` side by side;
    a content folder elsewhere (a test's copy, a synthetic benchmark) uses the
    templates and assets that come with the generator.
    """
    local = content_dir.resolve().parent / name
    return local if local.is_dir() else GENERATOR_ROOT / name


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int
    files: int
    seconds: float
    unchanged: bool = False  # the folder already held this build: nothing was written
    warnings: tuple[str, ...] = ()  # what the build left out and went on without (see ``stages.Built``)

    def summary(self) -> str:
        if self.unchanged:
            message = _("Up to date {folder}: {pages} pages, {files} files, checked in {seconds:.2f} s.")
        else:
            message = _("Built {folder}: {pages} pages, {files} files in {seconds:.2f} s.")
        return message.format(folder=self.out_dir, pages=self.pages, files=self.files, seconds=self.seconds)


def build(content_dir: Path, out_dir: Path, *, cache_dir: Path | None = None, jobs: int = 1,
          listing: Listing = Listing(), changes_base: str | None = None) -> BuildReport:
    """Build the site from ``content_dir`` into ``out_dir``; ContentErrors (and no change on disk) if invalid.

    ``jobs`` processes share the work; ``cache_dir`` keeps what the next
    build can reuse (None: no cache); ``changes_base``: a git revision, to
    add the page of what changed since it (GitError if there is no such commit).
    """
    started = time.perf_counter()
    if is_multi_list(content_dir):
        return _build_library(content_dir, out_dir, jobs, listing, changes_base, started)
    options = repr(listing)
    if changes_base is not None:
        from generator.site.changes_page import base_commit

        options += f" changes-base={base_commit(content_dir, changes_base)}"
    templates, static = theme_dir(content_dir, "templates"), theme_dir(content_dir, "static")
    check_output_dir(out_dir, keep=[content_dir, Path.cwd(), templates, static, *([cache_dir] if cache_dir else [])])
    cache = BuildCache(cache_dir, out_dir) if cache_dir is not None else None
    with parallel.gc_paused():
        others = cache.other_inputs(content_dir, templates, static, options) if cache else ""
        if cache is not None and (record := cache.up_to_date(content_dir, others)) is not None:
            return BuildReport(out_dir, record.pages, record.files, time.perf_counter() - started, True)
        stats = matter_stats(content_dir) if cache is not None else {}
        from generator.engine.stages import produce  # here: an up-to-date folder needs none of it

        built = produce(content_dir, out_dir, templates, static, jobs, listing, cache, changes_base)
        if cache is not None:
            _save(cache, others, stats, built)
    return BuildReport(out_dir, built.pages, built.files, time.perf_counter() - started, warnings=built.warnings)


def _build_library(content_dir: Path, out_dir: Path, jobs: int, listing: Listing, changes_base: str | None,
                   started: float) -> BuildReport:
    """A multi-list folder's site: each list's pages in ``<town>/<type>/``, the district home at the top.

    Always a full build (the cache knows the single-list layout only).
    ``changes_base`` is resolved first, so that a wrong name stops the build before anything is written.
    """
    if changes_base is not None:
        from generator.site.changes_page import base_commit

        base_commit(content_dir, changes_base)
    templates, static = theme_dir(content_dir, "templates"), theme_dir(content_dir, "static")
    check_output_dir(out_dir, keep=[content_dir, Path.cwd(), templates, static])
    from generator.engine.stages import produce_library  # as in ``build``: only when there is work to do

    with parallel.gc_paused():
        built = produce_library(content_dir, out_dir, templates, static, jobs, listing, changes_base)
    return BuildReport(out_dir, built.pages, built.files, time.perf_counter() - started, warnings=built.warnings)


def _save(cache: BuildCache, others: str, stats: dict[str, Stat], built: Built) -> None:
    """Keep this build's conversions (only those: the file must not grow with every edit) and its record."""
    cache.save_markdown(markdown_key(built.content.departments), built.converted)
    cache.save_build(others, built.content, stats, built.pages, built.files)
