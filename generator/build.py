"""``build``: the whole pipeline, load → validate → render → write."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.check import load_valid_content
from generator.downloads import download_files
from generator.history import load_history
from generator.markup import MarkdownRenderer
from generator.render import pages, render_pages
from generator.search import write_search_files
from generator.writer import check_output_dir, read_tree, staged, write_files

GENERATOR_ROOT = Path(__file__).resolve().parent.parent


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

    def summary(self) -> str:
        return f"Built {self.out_dir}: {self.pages} pages, {self.files} files in {self.seconds:.2f} s."


def build(content_dir: Path, out_dir: Path) -> BuildReport:
    """Build the site from ``content_dir`` into ``out_dir``; ContentErrors (and no change on disk) if invalid."""
    started = time.perf_counter()
    templates, static = theme_dir(content_dir, "templates"), theme_dir(content_dir, "static")
    check_output_dir(out_dir, keep=[content_dir, Path.cwd(), templates, static])
    content = load_valid_content(content_dir)
    markdown = MarkdownRenderer(content.departments)  # shared: each text is converted once
    html = render_pages(content, pages(content), templates, load_history(content_dir), markdown)
    files = {**html, **download_files(content), **read_tree(static, urls.STATIC)}
    with staged(out_dir) as stage:
        write_files(stage, files)
        search_files = write_search_files(content, stage, markdown)
    return BuildReport(out_dir, len(html), len(files) + len(search_files), time.perf_counter() - started)

