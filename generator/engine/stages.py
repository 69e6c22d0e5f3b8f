"""The stages of a build, on every core: load → validate → render → write.

At 10,000 matters a build is seconds of CPU work, most of it in pieces that
do not depend on each other, so it runs in three parallel stages (forked
workers, see ``parallel``), each a list of tasks:

1. read and parse the matter files, a share per task; validate here;
2. convert the Markdown texts and take their plain lines for search, a
   share per task;
3. for a sharded search index, index the matters' text, a run of matters
   per task; then render and write the pages, a share per task (the longest
   first, so that the shares even out the end), while a worker of its own
   joins and writes the search index.

Meanwhile a worker of its own reads the git history (it mostly waits for
``git``) and another compiles the templates, from the start of the build
to the rendering; once the content is valid and the history read (the
JSON download carries its dates), another writes the downloads (they need
no HTML), filling the gaps the stages leave between them.

Workers write their files straight into the stage folder, which replaces
the output folder only when everything succeeded (``writer.staged``). With
``jobs=1``, or below ``PARALLEL_FROM`` matters (where starting workers for
the stages costs more than it saves), the same tasks run in this process,
in order: the output is the same bytes either way.

A folder of several lists (``produce_library``) is built list by list,
each list's site as above in ``<town>/<type>/``, under a district home.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from jinja2 import Environment

from generator.engine import parallel

from generator.site import urls
from generator.engine.cache import BuildCache, markdown_key
from generator.site.changes_page import LibraryReview, Review, changes_page, review_changes, review_library
from generator.content.check import load_valid_content
from generator.content.lists import LIST_TYPES_DIR, LISTS_DIR, load_library
from generator.site.downloads import download_files
from generator.errors import ContentError, ContentErrors
from generator.i18n import _
from generator.review.history import History, load_history, load_list_history
from generator.review.typed_history import TypedHistory, load_typed_history
from generator.content.loader import read_matter_files
from generator.site.markup import MarkdownRenderer, matter_texts
from generator.content.model import PEIHE, Content, Library, Matter
from generator.site import district_search
from generator.site.district_pages import district, render_district
from generator.content.list_types import ListType, load_list_types
from generator.site.typed_downloads import typed_download_files
from generator.site.render import (Catalogue, Listing, Page, catalogue, compile_templates, environment, pages,
                              render_page)
from generator.site.search import (PlainLines, PostingPart, join_postings, posting_part, search_bodies,
                              search_payload, sharded_files, single_index, write_index_files)
from generator.engine.writer import read_tree, staged, write_file, write_files

PARALLEL_FROM = 400  # matters
SHARDS_PER_JOB = 4  # tasks per process and stage: small enough that the last ones balance the loads
T = TypeVar("T")


@dataclass(frozen=True)
class Built:
    """What a build produced, for the cache."""

    content: Content
    converted: dict[str, str]  # the page-independent HTML of each of its Markdown texts
    pages: int
    files: int
    warnings: tuple[str, ...] = ()  # revisions left out of the history, files of a compared revision not read


def produce(content_dir: Path, out_dir: Path, templates: Path, static: Path, jobs: int, listing: Listing,
             cache: BuildCache | None, changes_base: str | None = None) -> Built:
    """Load, validate, render and write: the site in ``out_dir`` (replaced only if all of it succeeded).

    ``changes_base``: also the changes page, what changed since that revision (``changes_page``).
    """
    with (parallel.Background(partial(load_history, content_dir), fork=jobs > 1) as history,
          parallel.Background(partial(compile_templates, templates), fork=jobs > 1) as compiled,
          parallel.Background(partial(_review, content_dir, changes_base), fork=jobs > 1 and bool(changes_base))
          as review):
        content = load_valid_content(content_dir, partial(_read_matters, jobs))
        reviewed = review.result()
        read_history = history.result()  # the downloads carry its dates
        with staged(out_dir) as stage:
            made = _produce_list(content, read_history, stage, _Theme(templates, compiled.result(), static), jobs,
                                 listing, cache, reviewed)
    warnings = (*read_history.warnings(), *(reviewed.warnings if reviewed else ()))
    return Built(content, made.markdown.convert_all(matter_texts(content)), made.pages, made.files, warnings)


@dataclass(frozen=True)
class _Theme:
    """The templates (with their compiled code) and the static assets of a build."""

    templates: Path
    compiled: dict[str, bytes]
    static: Path


@dataclass(frozen=True)
class _Made:
    """What writing one list's site made."""

    markdown: MarkdownRenderer
    pages: int
    files: int


def _produce_list(content: Content, history: History, stage: Path, theme: _Theme, jobs: int, listing: Listing,
                  cache: BuildCache | None, reviewed: Review | None = None) -> _Made:
    """Every file of one list's site (its pages, search, downloads and assets) written into ``stage``."""
    jobs = jobs if len(content.matters) >= PARALLEL_FROM else 1
    with parallel.Background(partial(_write_downloads, content, history, stage), fork=jobs > 1) as downloads:
        markdown = MarkdownRenderer(content.departments)
        if cache is not None:
            markdown.remember(cache.markdown(markdown_key(content.departments)))
            cache.forget_build()  # from here on the folder changes: a failure must not look up to date
        plain = PlainLines(markdown)
        _convert(content, markdown, plain, jobs)
        site_pages = pages(content, listing) + ([changes_page(reviewed)] if reviewed else [])
        books = catalogue(content, history, markdown, listing)
        written = _write(environment(theme.templates, theme.compiled), books, site_pages, plain, stage, jobs)
        assets = read_tree(theme.static, urls.STATIC)
        write_files(stage, assets)
        written += downloads.result() + len(assets)
    return _Made(markdown, len(site_pages), written)


@dataclass(frozen=True)
class BuiltLibrary:
    """What a build of a multi-list folder produced."""

    pages: int
    files: int
    warnings: tuple[str, ...] = ()  # revisions left out of a list's history, files of a compared revision not read


def produce_library(content_dir: Path, out_dir: Path, templates: Path, static: Path, jobs: int,
                    listing: Listing, changes_base: str | None = None) -> BuiltLibrary:
    """A multi-list folder's site in ``out_dir`` (replaced only if all of it succeeded).

    Each peihe list is today's site of one list, in ``<town>/<type>/`` (its
    links are relative to that folder); the lists of the other types, the
    district home, the departments across the district and the comparison of
    the same matter in several towns are ``district_pages``. Each peihe
    list's pages carry its revision history, read from its own folder's git
    history (``history.load_list_history``) while the content loads; so do
    the 基本 and 收回 lists' (``typed_history.load_typed_history``).
    ``changes_base``: the changes pages, what changed since that revision,
    at the top and in each 配合 list that changed (``changes_page.review_library``).
    """
    with (parallel.Background(partial(compile_templates, templates), fork=jobs > 1) as compiled,
          parallel.Background(partial(_list_histories, content_dir), fork=jobs > 1) as histories,
          parallel.Background(partial(typed_histories, content_dir), fork=jobs > 1) as typed_reading,
          parallel.Background(partial(_review_library, content_dir, changes_base),
                              fork=jobs > 1 and bool(changes_base)) as review):
        library = load_library(content_dir, partial(_read_matters, jobs))
        theme = _Theme(templates, compiled.result(), static)
        page_count = file_count = 0
        read_histories, reviewed, read_typed = histories.result(), review.result(), typed_reading.result()
        warnings = [warning for history in (*read_histories.values(), *read_typed.values())
                    for warning in history.warnings()]
        warnings += reviewed.warnings if reviewed else ()
        with staged(out_dir) as stage:
            for matter_list in library.lists:
                if matter_list.info.type == PEIHE:
                    key = matter_list.info.key
                    made = _produce_list(library.content_of(matter_list), read_histories[key], stage / key, theme,
                                         jobs, listing, None, reviewed.of(key) if reviewed else None)
                    page_count, file_count = page_count + made.pages, file_count + made.files
            types = load_list_types(content_dir / LIST_TYPES_DIR)
            books = district(library, types, reviewed, histories=read_typed)
            rendered = render_district(environment(theme.templates, theme.compiled), books)
            write_files(stage, rendered)
            typed_downloads = _typed_downloads(library, types)
            write_files(stage, typed_downloads)
            searched = _write_district_search(library, types, stage, jobs)
            assets = read_tree(static, urls.STATIC)
            write_files(stage, assets)
    files = file_count + len(rendered) + len(typed_downloads) + len(assets) + searched
    return BuiltLibrary(page_count + len(rendered), files, tuple(warnings))


def _list_histories(content_dir: Path) -> dict[str, History]:
    """The revision history of every peihe list of a multi-list folder, by list key."""
    lists = content_dir / LISTS_DIR
    keys = sorted(f"{town.name}/{PEIHE}" for town in lists.iterdir() if (town / PEIHE).is_dir()) if lists.is_dir() else []
    return {key: load_list_history(content_dir, key) for key in keys}


def typed_histories(content_dir: Path) -> dict[str, TypedHistory]:
    """The revision history of every list of another type than peihe, by list key (read by today's declarations)."""
    lists = content_dir / LISTS_DIR
    if not lists.is_dir():
        return {}
    types = load_list_types(content_dir / LIST_TYPES_DIR)
    keys = sorted(f"{town.name}/{name}" for town in lists.iterdir() if town.is_dir()
                  for name in types if name != PEIHE and (town / name).is_dir())
    return {key: load_typed_history(content_dir, key, types[key.split("/", 1)[1]]) for key in keys}


def _typed_downloads(library: Library, types: dict[str, ListType]) -> dict[str, bytes]:
    """The downloads of every list whose type is not peihe (peihe lists write theirs with their site)."""
    files: dict[str, bytes] = {}
    for matter_list in library.lists:
        if matter_list.info.type != PEIHE:
            files.update(typed_download_files(matter_list, types[matter_list.info.type], library.departments,
                                              matter_list.info.issuer or library.site.issuer))
    return files


def _write_district_search(library: Library, types: dict[str, ListType], stage: Path, jobs: int) -> int:
    """The search over every list (``district_search``): its text lines and postings made on every core."""
    plain = PlainLines(MarkdownRenderer(library.departments))
    texts = district_search.search_texts(library, types)
    for lines in parallel.run([partial(plain.extract_all, share) for share in _split(texts, jobs * SHARDS_PER_JOB)],
                              jobs):
        plain.remember(lines)
    index = district_search.district_index(library, types, plain)
    postings = join_postings(_posting_runs(index.bodies, jobs))
    return len(write_index_files(district_search.district_search_files(index, postings), stage))


def _review(content_dir: Path, base: str | None) -> Review | None:
    return review_changes(content_dir, base) if base else None


def _review_library(content_dir: Path, base: str | None) -> LibraryReview | None:
    return review_library(content_dir, base) if base else None


def _read_matters(jobs: int, paths: list[Path], folder_label: str) -> list[tuple[Matter | None, list[ContentError]]]:
    """A ``MatterReader`` for ``jobs`` workers: each parses a run of files, in order."""
    if jobs <= 1 or len(paths) < PARALLEL_FROM:
        return read_matter_files(paths, folder_label)
    shares = _split(paths, jobs * 2)
    parts = parallel.run([partial(read_matter_files, list(share), folder_label) for share in shares], jobs)
    return [read for part in parts for read in part]


def _convert(content: Content, markdown: MarkdownRenderer, plain: PlainLines, jobs: int) -> None:
    """Stage 2: every Markdown text converted and kept in ``markdown``, its lines for search in ``plain``."""
    texts = matter_texts(content)
    tasks = [partial(_convert_share, markdown, plain, share) for share in _split(texts, jobs * SHARDS_PER_JOB)]
    for converted, lines in parallel.run(tasks, jobs):
        markdown.remember(converted)
        plain.remember(lines)


def _convert_share(markdown: MarkdownRenderer, plain: PlainLines,
                   texts: Sequence[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The conversions this renderer lacks (the cache may hold the rest), and the plain lines of all."""
    converted = markdown.convert_all(text for text in texts if not markdown.has(text))
    return converted, plain.extract_all(texts)


def _write(env: Environment, books: Catalogue, site_pages: list[Page], plain: PlainLines, stage: Path,
           jobs: int) -> int:
    """Stage 3: the search index and every page written; the number of files.

    A sharded search index is made first, in runs of matters on every core;
    a worker of its own then joins and writes it while the pages are
    rendered, the longest tasks first, so that the shares of pages even out
    the end.
    """
    for name in sorted({page.template for page in site_pages}):
        env.get_template(name)  # compiled once, here, rather than in every worker
    payload = search_payload(books.content, plain=plain)
    search = single_index(payload) or partial(_sharded_index, payload, _index_runs(payload, jobs))
    with parallel.Background(partial(_write_search, search, stage), fork=jobs > 1) as search_files:
        tasks = [partial(_write_pages, env, books, share, stage)
                 for share in _weighted_split(site_pages, jobs * SHARDS_PER_JOB)]
        return sum(parallel.run(tasks, jobs)) + search_files.result()


def _index_runs(payload: dict, jobs: int) -> list[PostingPart]:
    """The postings of the search index, made in runs of matters on every core."""
    return _posting_runs([matter["body"] for matter in payload["matters"]], jobs)


def _posting_runs(bodies: list[list[str]], jobs: int) -> list[PostingPart]:
    """The postings of matters with these body lines, made in runs of matters on every core."""
    runs = _split(bodies, jobs * SHARDS_PER_JOB)
    starts = [sum(map(len, runs[:number])) for number in range(len(runs))]
    return parallel.run([partial(_index_run, run, start) for run, start in zip(runs, starts)], jobs)


def _sharded_index(payload: dict, parts: list[PostingPart]) -> dict[str, str]:
    return sharded_files(payload, join_postings(parts))


def _write_search(search: dict[str, str] | Callable[[], dict[str, str]], stage: Path) -> int:
    """Write the search files (``search``, or what it makes); how many."""
    return len(write_index_files(search if isinstance(search, dict) else search(), stage))


def _index_run(bodies: Sequence[list[str]], start: int) -> PostingPart:
    """The search postings of a run of matters from ``start`` on (their body lines)."""
    return posting_part(search_bodies(list(bodies)), start)


def _write_downloads(content: Content, history: History, stage: Path) -> int:
    files = download_files(content, history)
    write_files(stage, files)
    return len(files)


def _write_pages(env: Environment, books: Catalogue, share: Sequence[Page], stage: Path) -> int:
    for page in share:
        write_file(stage, page.path, render_page(env, books, page))
    return len(share)


def _split(items: Sequence[T], count: int) -> list[Sequence[T]]:
    """``items`` in at most ``count`` runs of nearly equal length, in order."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        runs.append(items[start:end])
        start = end
    return [run for run in runs if run]


def _weighted_split(site_pages: list[Page], count: int) -> list[list[Page]]:
    """The pages in at most ``count`` runs of nearly equal rendering cost, heaviest run first."""
    total = sum(page.cost for page in site_pages)
    target = max(1, total // max(1, count))
    runs: list[list[Page]] = [[]]
    weight = 0
    for page in site_pages:
        if weight >= target and runs[-1]:
            runs.append([])
            weight = 0
        runs[-1].append(page)
        weight += page.cost
    return sorted((run for run in runs if run), key=lambda run: -sum(page.cost for page in run))
