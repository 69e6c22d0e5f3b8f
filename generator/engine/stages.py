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

A folder of several lists (``produce_library``) shares the cores over the
whole library instead, since each town's list is below ``PARALLEL_FROM``:
every list's matter files parsed in shares, every distinct text converted
once, and the lists (each list's site as above, in ``<town>/<type>/``) and
runs of the district's pages written as the tasks of one stage.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, TemplateError

from generator.engine import parallel

from generator.site import urls
from generator.engine.cache import BuildCache, markdown_key
from generator.site.changes_page import LibraryReview, Review, changes_page, review_changes, review_library
from generator.content.check import load_valid_content
from generator.content.lists import LIST_TYPES_DIR, LISTS_DIR, TypedReader, load_library, read_typed_files
from generator.site.downloads import download_files
from generator.errors import ContentError, ContentErrors, display_path
from generator.i18n import _
from generator.review.gitrev import has_commits
from generator.review.history import NO_HISTORY as NO_LIST_HISTORY, History, load_history, load_list_history
from generator.review.typed_history import NO_HISTORY as NO_TYPED_HISTORY, TypedHistory, load_typed_history
from generator.content.loader import MATTERS_DIR, MatterReader, matter_paths, read_matter_files
from generator.site.markup import MarkdownRenderer, matter_texts
from generator.content.model import PEIHE, Content, Library, Matter, MatterList, TypedMatter
from generator.site import district_search
from generator.review.comparison import Group, SameMatter, compare_group, matter_groups
from generator.review.typed_comparison import SameTypedMatter, TypedGroup, compare_typed_group, typed_groups
from generator.site.district_pages import (District, DistrictPage, Prepared, compared_lists, district,
                                           district_pages, library_texts, render_district_page,
                                           typed_compared_lists)
from generator.content.list_types import ListType, load_list_types
from generator.site.typed_downloads import typed_download_files
from generator.site.render import (Catalogue, Listing, Page, catalogue, compile_templates, environment, pages,
                              render_page)
from generator.site.search import (PlainLines, PostingPart, join_postings, posting_part, search_bodies,
                              search_payload, sharded_files, single_index, write_index_files)
from generator.engine.writer import read_tree, staged, write_file, write_files

PARALLEL_FROM = 400  # matters
SHARDS_PER_JOB = 4  # tasks per process and stage: small enough that the last ones balance the loads
DISTRICT_PAGES_PER_TASK = 200  # a district's own pages (its departments, comparisons, typed lists) per task
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

    @cached_property
    def env(self) -> Environment:
        """The build's one Jinja environment: the lists of a library share it, and workers forked after
        its templates were loaded find them loaded (loading one costs milliseconds, a library has dozens)."""
        return environment(self.templates, self.compiled)


@dataclass(frozen=True)
class _Made:
    """What writing one list's site made."""

    markdown: MarkdownRenderer
    pages: int
    files: int


def _produce_list(content: Content, history: History, stage: Path, theme: _Theme, jobs: int, listing: Listing,
                  cache: BuildCache | None, reviewed: Review | None = None,
                  markdown: MarkdownRenderer | None = None) -> _Made:
    """Every file of one list's site (its pages, search, downloads and assets) written into ``stage``.

    ``markdown``: a renderer for the content's departments that may hold conversions already.
    """
    jobs = jobs if len(content.matters) >= PARALLEL_FROM else 1
    with parallel.Background(partial(_write_downloads, content, history, stage), fork=jobs > 1) as downloads:
        markdown = MarkdownRenderer(content.departments) if markdown is None else markdown
        if cache is not None:
            markdown.remember(cache.markdown(markdown_key(content.departments)))
            cache.forget_build()  # from here on the folder changes: a failure must not look up to date
        plain = PlainLines(markdown)
        _convert(content, markdown, plain, jobs)
        site_pages = pages(content, listing) + ([changes_page(reviewed)] if reviewed else [])
        books = catalogue(content, history, markdown, listing)
        written = _write(theme.env, books, site_pages, plain, stage, jobs)
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

    A town's list is small (below ``PARALLEL_FROM``), but a district has
    dozens of them, so the cores share the whole library instead: its matter
    files are parsed in shares (``_prefetched_readers``); every distinct
    Markdown text is converted once (the towns' lists share most texts) while
    the same matter is compared across the towns (``_prepare_district``);
    then the lists, runs of the district's pages, the typed lists' downloads
    and the district's search are the tasks of one last stage.
    """
    with (parallel.Background(partial(compile_templates, templates), fork=jobs > 1) as compiled,
          parallel.Background(partial(_list_histories, content_dir), fork=jobs > 1) as histories,
          parallel.Background(partial(_review_library, content_dir, changes_base),
                              fork=jobs > 1 and bool(changes_base)) as review):
        types = _types_or_none(content_dir)
        matter_reader, typed_reader = _prefetched_readers(content_dir, types, jobs)
        parsed: dict[str, TypedMatter] = {}
        library = load_library(content_dir, matter_reader, _recording(typed_reader or read_typed_files, parsed))
        # The typed histories start now, from the files just parsed: a version committed as it is on disk
        # (most of them, in a list's newest revisions) is not parsed again.
        with parallel.Background(partial(typed_histories, content_dir, parsed, types),
                                 fork=jobs > 1) as typed_reading:
            # The library loaded, so its declarations did: ``types`` are they (read once, not per stage).
            prepared = _prepare_district(library, types, jobs)
            read_typed = typed_reading.result()
        theme = _Theme(templates, compiled.result(), static)
        read_histories, reviewed = histories.result(), review.result()
        warnings = [warning for history in (*read_histories.values(), *read_typed.values())
                    for warning in history.warnings()]
        warnings += reviewed.warnings if reviewed else ()
        books = district(library, types, reviewed, histories=read_typed, prepared=prepared)
        _load_templates(theme.env)
        shown = district_pages(books)
        peihe = [matter_list for matter_list in library.lists if matter_list.info.type == PEIHE]
        with staged(out_dir) as stage:
            # Longest first, the smallest (the typed lists' downloads) last: whichever process is free takes
            # the next task, so small ones at the end even out the processes' loads.
            tasks: list[Callable[[], tuple[int, int]]] = [
                partial(_write_district_search, library, types, prepared.markdown, stage),
                *(partial(_library_list, library.content_of(matter_list), read_histories[matter_list.info.key],
                          reviewed.of(matter_list.info.key) if reviewed else None, stage / matter_list.info.key,
                          theme, listing, prepared.markdown) for matter_list in peihe),
                *(partial(_write_district, theme.env, books, share, stage)
                  for share in _dealt(shown, max(jobs * SHARDS_PER_JOB, len(shown) // DISTRICT_PAGES_PER_TASK))),
                *(partial(_write_typed_downloads, library, matter_list, types[matter_list.info.type], stage)
                  for matter_list in library.lists if matter_list.info.type != PEIHE)]
            made = parallel.run(tasks, jobs)
            assets = read_tree(static, urls.STATIC)
            write_files(stage, assets)
    pages = sum(page_count for page_count, _files in made)
    return BuiltLibrary(pages, sum(files for _pages, files in made) + len(assets), tuple(warnings))


def _recording(reader: TypedReader, parsed: dict[str, TypedMatter]) -> TypedReader:
    """``reader``, keeping in ``parsed`` (by path) each matter it read without an error, for the histories."""
    def read(paths: list[Path], label: str, list_type: ListType) -> list[tuple[Any, list[ContentError]]]:
        found = reader(paths, label, list_type)
        parsed.update((str(path), matter) for path, (matter, errors) in zip(paths, found)
                      if matter is not None and not errors)
        return found
    return read


def _load_templates(env: Environment) -> None:
    """Every template loaded once, here, rather than in every worker and list; one that does not compile
    is left for the page that uses it to report (an unused one does not fail the build)."""
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except TemplateError:
            continue


def _library_list(content: Content, history: History, reviewed: Review | None, stage: Path, theme: _Theme,
                  listing: Listing, markdown: MarkdownRenderer) -> tuple[int, int]:
    """One peihe list of a library written, in one process: (pages, files)."""
    made = _produce_list(content, history, stage, theme, 1, listing, None, reviewed, markdown)
    return made.pages, made.files


def _write_district(env: Environment, books: District, share: Sequence[DistrictPage], stage: Path) -> tuple[int, int]:
    """A run of the district's pages written: (pages, files)."""
    for page in share:
        write_file(stage, page.path, render_district_page(env, books, page))
    return len(share), len(share)


def _prepare_district(library: Library, types: dict[str, ListType], jobs: int) -> Prepared:
    """Before the pages, on every core: every distinct Markdown text of the library converted and the same
    matter compared across the towns, a run of groups or of texts per task (the comparisons, longer, first)."""
    markdown = MarkdownRenderer(library.departments)
    texts = library_texts(library, types)
    groups = matter_groups(compared_lists(library))
    typed = typed_groups(typed_compared_lists(library, types))
    jobs = jobs if sum(len(matter_list.matters) for matter_list in library.lists) >= PARALLEL_FROM else 1
    shares = jobs * SHARDS_PER_JOB
    typed_tasks = [partial(_compare_typed_groups, share) for share in _split(typed, shares)]
    peihe_tasks = [partial(_compare_groups, share) for share in _split(groups, shares)]
    converting = [partial(markdown.convert_all, share) for share in _split(texts, shares)]
    done = parallel.run([*typed_tasks, *peihe_tasks, *converting], jobs)
    typed_done, peihe_done, converted = _cut(done, len(typed_tasks), len(peihe_tasks))
    for conversions in converted:
        markdown.remember(conversions)
    return Prepared(markdown, tuple(same for part in peihe_done for same in part),
                    tuple(same for part in typed_done for same in part))


def _cut(results: list[T], *lengths: int) -> list[list[T]]:
    """``results`` cut into runs of these lengths, and the rest."""
    runs, start = [], 0
    for length in lengths:
        runs.append(results[start:start + length])
        start += length
    return [*runs, results[start:]]


def _compare_groups(groups: Sequence[Group]) -> tuple[SameMatter, ...]:
    return tuple(compare_group(group) for group in groups)


def _compare_typed_groups(groups: Sequence[TypedGroup]) -> tuple[SameTypedMatter, ...]:
    return tuple(compare_typed_group(group) for group in groups)


def _dealt(items: Sequence[T], count: int) -> list[Sequence[T]]:
    """``items`` dealt round into at most ``count`` hands: runs of heavy pages (a district's departments,
    a list page among its matters' pages) spread over every hand."""
    count = max(1, min(count, len(items)))
    return [items[start::count] for start in range(count)]


ReadKey = tuple[str, str, str]  # a matter file's path, its folder's label, its list type


def _prefetched_readers(content_dir: Path, types: dict[str, ListType],
                        jobs: int) -> tuple[MatterReader, TypedReader | None]:
    """Readers for ``load_library`` that find every list's matter files parsed already, on every core.

    The loader reads one list after the other, and a town's list is too
    small to be worth its own workers; so every list's files are parsed here
    first, in shares of the whole library. The readers hand out what was
    parsed for the same file and folder label, and read anything else (a
    file the look-ahead did not find) themselves: the loader sees the same
    values and errors either way.
    """
    files = _library_files(content_dir) if jobs > 1 else []
    if len(files) < PARALLEL_FROM:
        return partial(_read_matters, jobs), None
    files = [file for file in files if file[2] == PEIHE or file[2] in types]
    tasks = [partial(_read_library_files, share, types) for share in _split(files, jobs * SHARDS_PER_JOB)]
    found = {key: read for part in parallel.run(tasks, jobs) for key, read in part}

    def read_matters(paths: list[Path], label: str) -> list[tuple[Matter | None, list[ContentError]]]:
        return [found.pop((str(path), label, PEIHE), None) or read_matter_files([path], label)[0] for path in paths]

    def read_typed(paths: list[Path], label: str, list_type: ListType) -> list[tuple[Any, list[ContentError]]]:
        return [found.pop((str(path), label, list_type.type), None) or read_typed_files([path], label, list_type)[0]
                for path in paths]

    return read_matters, read_typed


def _library_files(content_dir: Path) -> list[ReadKey]:
    """Every matter file under ``lists/<town>/<type>/matters/``, as the loader will ask for it; [] on any doubt."""
    files = []
    try:
        for town in sorted((content_dir / LISTS_DIR).iterdir()):
            for folder in sorted(town.iterdir()) if town.is_dir() else ():
                matters = folder / MATTERS_DIR
                if matters.is_dir():
                    label = display_path(matters)
                    files += [(str(path), label, folder.name) for path in matter_paths(matters)]
    except OSError:
        return []
    return files


def _types_or_none(content_dir: Path) -> dict[str, ListType]:
    """The declared list types; none when they do not load (the loader reports why)."""
    try:
        return load_list_types(content_dir / LIST_TYPES_DIR)
    except ContentErrors:
        return {}


def _read_library_files(files: Sequence[ReadKey], types: dict[str, ListType]) -> list[tuple[ReadKey, tuple]]:
    """A share of the library's matter files parsed, each as its list's reader parses it."""
    read = []
    for key in files:
        path, label, list_type = Path(key[0]), key[1], key[2]
        if list_type == PEIHE:
            read.append((key, read_matter_files([path], label)[0]))
        else:
            read.append((key, read_typed_files([path], label, types[list_type])[0]))
    return read


def _list_histories(content_dir: Path) -> dict[str, History]:
    """The revision history of every peihe list of a multi-list folder, by list key."""
    lists = content_dir / LISTS_DIR
    keys = sorted(f"{town.name}/{PEIHE}" for town in lists.iterdir() if (town / PEIHE).is_dir()) if lists.is_dir() else []
    if not has_commits(content_dir):
        return {key: NO_LIST_HISTORY for key in keys}
    return {key: load_list_history(content_dir, key) for key in keys}


def typed_histories(content_dir: Path, parsed: Mapping[str, TypedMatter] | None = None,
                    types: Mapping[str, ListType] | None = None,
                    committed: bool | None = None) -> dict[str, TypedHistory]:
    """The revision history of every list of another type than peihe, by list key (read by today's declarations:
    ``types``, or read here); ``parsed``: the matter files the build read, by path (``load_typed_history``);
    ``committed``: whether a commit touched the folder, if the caller asked git already (``has_commits``)."""
    lists = content_dir / LISTS_DIR
    if not lists.is_dir():
        return {}
    types = types if types is not None else load_list_types(content_dir / LIST_TYPES_DIR)
    keys = sorted(f"{town.name}/{name}" for town in lists.iterdir() if town.is_dir()
                  for name in types if name != PEIHE and (town / name).is_dir())
    if not (has_commits(content_dir) if committed is None else committed):
        return {key: NO_TYPED_HISTORY for key in keys}
    return {key: load_typed_history(content_dir, key, types[key.split("/", 1)[1]], parsed) for key in keys}


def _write_typed_downloads(library: Library, matter_list: MatterList, list_type: ListType,
                           stage: Path) -> tuple[int, int]:
    """The downloads of a list whose type is not peihe (peihe lists write theirs with their site)."""
    files = typed_download_files(matter_list, list_type, library.departments,
                                 matter_list.info.issuer or library.site.issuer)
    write_files(stage, files)
    return 0, len(files)


def _write_district_search(library: Library, types: dict[str, ListType], markdown: MarkdownRenderer,
                           stage: Path) -> tuple[int, int]:
    """The search over every list (``district_search``), in one process: ``markdown`` converted every text."""
    index = district_search.district_index(library, types, PlainLines(markdown))
    return 0, len(write_index_files(district_search.district_search_files(index), stage))


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
