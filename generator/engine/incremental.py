"""Incremental rebuilds: keep an output folder equal to a full build, producing only what a change affects.

A full build reads every file and renders every page: many seconds at 10,000
matters. ``IncrementalSite.update`` instead stats the inputs, reads again only
the files that changed (the parsed matters of the others stay in memory), and
produces again only the outputs that depend on a change:

- a matter file: the pages whose ``Page.matters`` name it, before or after the
  change (its page, its neighbours', its category's and departments' pages,
  the home page, the full list, the indexes), the search index, the downloads;
- a template: the pages whose template is it or extends, includes or imports it;
- a static asset: its own copy;
- site.yml, categories.yml, departments.yml: everything;
- git history: the 修订记录 page and the matter pages whose revisions moved; every page when the
  publication dates (shown in every footer) moved; the downloads when the dates they carry moved.

Rendered Markdown is cached by its text across updates (one
``MarkdownRenderer`` lives as long as the departments), so re-assembling the
full list or a department page costs template time only. A file is written
only when its bytes changed; outputs that no longer exist are deleted.

The edited matter's own page is produced first, even before the whole content
is validated (the matter alone is validated first): it is the page the editor
is looking at. Should the whole content then be invalid (a duplicate number,
say), that page is owed again, like every output not yet produced.

Invalid content or a broken template never raises here: ``errors`` lists the
problems as ``path:line: message`` and the folder keeps the last good site
(but for a page written early) until they are fixed. ``defer`` names outputs produced only when asked for
(``ensure``): ``serve`` defers the costly ones that pages do not need.

A folder of several lists has its own engine, ``library_site.LibrarySite``,
which shares this module's pieces: the scan of files (``signature``,
``tree``), ``Changes`` and ``Update``, the output folder (``OutputFolder``),
the templates' dependants (``references``), the error page, and
``KeptFolder``: ``ensure``, ``error_page`` and the template-error guard
around a rebuild.
"""
from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from jinja2 import meta

from generator.site import urls
from generator.engine.build import theme_dir
from generator.content.check import settings_first
from generator.site.downloads import dates, download_files
from generator.errors import ContentError, display_path
from generator.i18n import _, ngettext
from generator.review.history import NO_HISTORY, History, load_history
from generator.content.loader import (CATEGORIES_FILE, DEPARTMENTS_FILE, MATTERS_DIR, SITE_FILE, Gaps, is_matter_name,
                              load_content, load_matter)
from generator.site.markup import MarkdownRenderer
from generator.content.model import Category, Content, Department, Matter, Site
from generator.content.names import with_section_departments
from generator.site.render import (TEMPLATES_DIR, Catalogue, Listing, Page, catalogue, environment, pages, publication,
                              render_page)
from generator.site.search import JS_NAME, JSON_NAME, SEARCH_DIR, PostingRuns, search_files, search_payload
from generator.content.validate import validate

SETTINGS_FILES = (SITE_FILE, CATEGORIES_FILE, DEPARTMENTS_FILE)
MATTERS_FOLDER_KEY = MATTERS_DIR + "/"  # its existence counts as a setting: the loader reports its absence
SEARCH_FILES = (f"{SEARCH_DIR}/{JSON_NAME}", f"{SEARCH_DIR}/{JS_NAME}")
DOWNLOAD_FILES = (urls.JSON_DOWNLOAD, urls.CSV_DOWNLOAD, urls.XLSX_DOWNLOAD)
ERROR_TEMPLATE = "error.html"
MATTER_PAGES = urls.matter("-").split("/")[0] + "/"  # the folder of matter pages: "matters/"

# (mtime_ns, size, inode): a file is read again only when this moves. Clocks tick in milliseconds, so
# two same-size in-place saves within one tick look alike; an editor's save by rename changes the inode.
Signature = tuple[int, int, int]


@dataclass(frozen=True)
class Inputs:
    """One stat of every input file, by name; the next scan is compared with it."""

    settings: dict[str, Signature | None]
    matters: dict[str, Signature]  # file name in content/matters/
    templates: dict[str, Signature]  # template name
    static: dict[str, Signature]  # path under static/


NOTHING_SEEN = Inputs({}, {}, {}, {})


@dataclass(frozen=True)
class Changes:
    """Which inputs differ from the last update."""

    settings: bool = False
    matters: frozenset[str] = frozenset()  # names of matter files added, changed or removed
    templates: frozenset[str] = frozenset()
    static: frozenset[str] = frozenset()
    history: bool = False
    matters_folder: str = MATTERS_DIR  # what ``matters`` are named in: "" when they are paths in the content folder

    def __bool__(self) -> bool:
        return bool(self.settings or self.matters or self.templates or self.static or self.history)

    def describe(self, shown: int = 3) -> str:
        """A short list of what changed, for the terminal."""
        folder = f"{self.matters_folder}/" if self.matters_folder else ""
        labels = [*([_("settings")] if self.settings else []), *(f"{folder}{n}" for n in sorted(self.matters)),
                  *(f"templates/{n}" for n in sorted(self.templates)), *(f"static/{n}" for n in sorted(self.static)),
                  *([_("git history")] if self.history else [])]
        listed = ", ".join(labels[:shown])
        if len(labels) <= shown:
            return listed
        more = len(labels) - shown
        return ngettext("{listed} and {count} more", "{listed} and {count} more", more).format(
            listed=listed, count=more)


@dataclass(frozen=True)
class Update:
    """What one update did."""

    changes: Changes
    written: tuple[str, ...] = ()  # produced and different from before
    deleted: tuple[str, ...] = ()
    produced: tuple[str, ...] = ()  # rendered or copied again, whether or not the bytes changed
    errors: tuple[ContentError, ...] = ()
    seconds: float = 0.0
    first_write: float | None = None  # seconds until the first file was written (the edited page)
    cpu: float = 0.0  # of this process, for the benchmarks: on a busy machine the wall clock says little
    first_write_cpu: float | None = None

    def summary(self) -> str:
        if self.errors:
            return ngettext("{changes}: {count} error, the site is not updated.",
                            "{changes}: {count} errors, the site is not updated.", len(self.errors)).format(
                changes=self.changes.describe(), count=len(self.errors))
        return _("{changes}: {written} file(s) written, {deleted} deleted in {seconds:.2f} s.").format(
            changes=self.changes.describe(), written=len(self.written), deleted=len(self.deleted),
            seconds=self.seconds)


@dataclass(eq=False)
class _MatterFile:
    """One matter file as last read, with what is derived from it (kept until the file changes)."""

    matter: Matter | None  # None when it could not be read
    errors: tuple[ContentError, ...]
    resolved: Matter | None = None  # with its sections' departments resolved
    search_entry: dict | None = None  # its entry in the search index


@dataclass(frozen=True)
class _Plan:
    """Valid content and everything rendering it needs: what the output folder shows."""

    content: Content  # validated, sections' departments resolved
    records: tuple[_MatterFile, ...]  # aligned with content.matters
    pages: dict[str, Page]  # by path
    books: Catalogue

    def outputs(self) -> set[str]:
        return {*self.pages, *SEARCH_FILES, *DOWNLOAD_FILES}


class Log:
    """Files produced, written and deleted during one update, and when the first was written."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.written: list[str] = []
        self.deleted: list[str] = []
        self.produced: list[str] = []
        self.first_write: float | None = None
        self.first_write_cpu: float | None = None

    def wrote(self, path: str) -> None:
        if self.first_write is None:
            self.first_write = time.perf_counter() - self.started
            self.first_write_cpu = time.process_time() - self.cpu_started
        self.written.append(path)

    def update(self, changes: Changes, errors: tuple[ContentError, ...]) -> Update:
        return Update(changes, tuple(self.written), tuple(self.deleted), tuple(self.produced), errors,
                      time.perf_counter() - self.started, self.first_write, time.process_time() - self.cpu_started,
                      self.first_write_cpu)


class OutputFolder:
    """The output folder: a file is written only when its bytes changed, atomically; deletions tidy up folders."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self._digests: dict[str, bytes] = {}  # of every file written, by output path

    def write(self, path: str, data: bytes, log: Log) -> None:
        """Write ``data`` unless the file already holds it; atomically, for readers outside this process."""
        log.produced.append(path)
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if self._digests.get(path) == digest:
            return
        target = self.out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, target)
        self._digests[path] = digest
        log.wrote(path)

    def delete(self, path: str, log: Log) -> None:
        """Delete an output and the folders it leaves empty."""
        if self._digests.pop(path, None) is None:
            return
        target = self.out_dir / path
        target.unlink(missing_ok=True)
        log.deleted.append(path)
        folder = target.parent
        while folder != self.out_dir and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def error_page(errors: tuple[ContentError, ...]) -> bytes:
    """The errors as an HTML page, from the generator's own template (the site's may be broken)."""
    page = environment(TEMPLATES_DIR).get_template(ERROR_TEMPLATE).render(errors=[str(error) for error in errors])
    return page.encode("utf-8")


def git_head(folder: Path) -> str:
    """The commit checked out around ``folder`` ("" outside git): history is read again only when it moves."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "-q", "--verify", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _never(path: str) -> bool:
    return False


class KeptFolder:
    """What both incremental engines (``IncrementalSite``, ``library_site.LibrarySite``) do alike around their
    own rebuilds: run one with a broken template turned into the report, produce a deferred output on
    request, show the errors as a page.

    A subclass sets ``templates_dir``, ``errors``, ``_plan``, ``_owed`` and ``_error_page``, and has
    ``_rebuild(changes, log)`` and ``_produce(paths, log, deferred_too)``.
    """

    templates_dir: Path
    errors: tuple[ContentError, ...]
    _plan: object | None
    _owed: set[str]
    _error_page: tuple[tuple[ContentError, ...], bytes] | None

    def ensure(self, path: str) -> list[str]:
        """Produce ``path`` now if it is owed (a deferred output being asked for); the paths written."""
        if self.errors or self._plan is None or path not in self._owed:
            return []
        log = Log()
        self._guarded(lambda: self._produce(_group(path), log, deferred_too=True))
        return log.written

    def error_page(self) -> bytes:
        """The current errors as an HTML page, from the generator's own template (the site's may be broken)."""
        if self._error_page is None or self._error_page[0] != self.errors:
            self._error_page = (self.errors, error_page(self.errors))
        return self._error_page[1]

    def _caught_up(self, changes: object, log: Log) -> None:
        """``_rebuild`` for ``changes``: a broken template stops it and becomes the error shown."""
        self._guarded(lambda: self._rebuild(changes, log))

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except jinja2.TemplateError as error:
            self.errors = (template_error(error, self.templates_dir),)

    def _rebuild(self, changes: object, log: Log) -> None:
        raise NotImplementedError

    def _produce(self, paths: Iterable[str], log: Log, deferred_too: bool = False) -> None:
        raise NotImplementedError


class IncrementalSite(KeptFolder):
    """An output folder kept equal to ``build``'s output for the current sources.

    Not thread-safe: one caller (the server's event loop) calls ``update`` and
    ``ensure``.
    """

    def __init__(self, content_dir: Path, out_dir: Path, templates_dir: Path | None = None,
                 static_dir: Path | None = None, *, history: Callable[[Path], History] = load_history,
                 head: Callable[[Path], str] = git_head, defer: Callable[[str], bool] = _never,
                 listing: Listing = Listing()):
        self.content_dir = content_dir
        self.out_dir = out_dir
        self.templates_dir = templates_dir or theme_dir(content_dir, "templates")
        self.static_dir = static_dir or theme_dir(content_dir, "static")
        self._load_history, self._head_of, self._defer = history, head, defer
        self._listing = listing  # when long listings are split, as ``build`` is told
        out_dir.mkdir(parents=True, exist_ok=True)
        if any(out_dir.iterdir()):
            raise ValueError(f"{out_dir}: not empty; an incremental build needs a folder of its own")
        self._inputs = NOTHING_SEEN  # so the first update builds everything
        self._files: dict[str, _MatterFile] = {}
        self._settings: tuple[Site, tuple[Category, ...], tuple[Department, ...]] | None = None
        self._settings_errors: list[ContentError] = []
        self._gaps = Gaps()  # what the settings could not define (the loader's)
        self._markdown: MarkdownRenderer | None = None
        self._env = environment(self.templates_dir)
        self._history = NO_HISTORY
        self._head: str | None = None  # the commit the history was read at
        self._plan: _Plan | None = None  # the last valid content: what the folder shows
        self._owed: set[str] = set()  # outputs not yet produced from the plan
        self._folder = OutputFolder(out_dir)
        self._search_parts: set[str] = set()  # shards and text chunks of a sharded search index
        self._postings = PostingRuns()  # of a sharded search index, for the next edit
        self._error_page: tuple[tuple[ContentError, ...], bytes] | None = None
        self.errors: tuple[ContentError, ...] = ()

    # --- the entry points (``ensure`` and ``error_page``: ``KeptFolder``'s) ---

    def update(self, check_history: bool = False, changed: Iterable[Path] | None = None) -> Update:
        """Bring the folder up to date with the sources; the first call builds everything.

        Git history is read again only when ``check_history`` is set (or on
        the first call) and the checked-out commit moved. ``changed`` (the
        paths a watcher reported) is not needed: one list's scan is cheap
        (35 ms at 10,000 matters), so every file is stat-ed anyway.
        """
        log = Log()
        inputs = scan(self.content_dir, self.templates_dir, self.static_dir)
        changes = _compare(self._inputs, inputs, self._history_moved(check_history))
        self._inputs = inputs
        if not changes:
            return log.update(changes, self.errors)
        self._sync_static(changes.static, log)
        if changes.settings or changes.matters or changes.templates or changes.history:
            self._caught_up(changes, log)
        return log.update(changes, self.errors)

    # --- one rebuild ------------------------------------------------------

    def _rebuild(self, changes: Changes, log: Log) -> None:
        if changes.templates:
            self._env = environment(self.templates_dir)
            self._owed |= self._template_dependants(changes.templates)
        if changes.settings:
            self._reload_all()
        else:
            for name in changes.matters:
                self._reload_matter(name)
        content, loader_errors, records = self._assemble()
        guessed, early = self._speculate(changes, content, records, log)
        errors = _validate(content, loader_errors, self._gaps, self.content_dir)
        if errors:
            self._owed |= early
            self.errors = errors
            return
        assert content is not None  # no errors means the settings loaded
        plan = guessed or self._plan_for(content, records)
        self._advance(plan, changes, early, log)
        edited = {urls.matter(r.matter.id) for name in changes.matters
                  if (r := self._files.get(name)) is not None and r.matter is not None}
        self._produce(sorted(self._owed, key=lambda path: _priority(path, edited)), log)
        self.errors = ()

    def _speculate(self, changes: Changes, content: Content | None, records: list[_MatterFile],
                   log: Log) -> tuple[_Plan | None, set[str]]:
        """Write the edited matters' own pages before the whole content is validated (a 10,000-matter
        validation takes longer than the page); only when each edited matter is valid on its own."""
        if (self.errors or self._plan is None or content is None or changes.settings or changes.templates
                or changes.history):
            return None, set()
        edited = [self._files[name] for name in sorted(changes.matters) if name in self._files]
        matters = [record.matter for record in edited if record.matter is not None and not record.errors]
        if not matters or len(matters) < len(edited):
            return None, set()
        if any(validate(replace(content, matters=(matter,)), all_matters_loaded=False) for matter in matters):
            return None, set()
        plan = self._plan_for(content, records)
        early = {path for matter in matters if (path := urls.matter(matter.id)) in plan.pages}
        self._owed |= early  # until the whole content is known to be valid
        for path in sorted(early):
            self._write(path, render_page(self._env, plan.books, plan.pages[path]), log)
        return plan, early

    def _advance(self, plan: _Plan, changes: Changes, early: set[str], log: Log) -> None:
        """Make ``plan`` the folder's content: owe what it changes, delete what it no longer has."""
        old = self._plan
        affected = plan.outputs() if old is None or changes.settings else _affected(old, plan)
        for path in sorted(old.outputs() - plan.outputs()) if old is not None else ():
            self._delete(path, log)
        self._owed = ((self._owed | affected) - early) & plan.outputs()
        self._plan = plan

    def _produce(self, paths: Iterable[str], log: Log, deferred_too: bool = False) -> None:
        """Produce the owed outputs among ``paths``, in that order; deferred ones only if ``deferred_too``."""
        for path in paths:
            if path not in self._owed or (self._defer(path) and not deferred_too):
                continue
            made = self._make(path)
            for output, data in made.items():
                self._write(output, data, log)
                self._owed.discard(output)
            if path in SEARCH_FILES:
                self._drop_stale_search_parts(set(made), log)

    def _make(self, path: str) -> dict[str, bytes]:
        plan = self._plan
        assert plan is not None
        if path in SEARCH_FILES:
            return self._search_files(plan)
        if path in DOWNLOAD_FILES:
            return download_files(plan.content, self._history)
        return {path: render_page(self._env, plan.books, plan.pages[path])}

    # --- reading the sources ---------------------------------------------

    def _reload_all(self) -> None:
        """Read every content file again: the settings changed, and they shape how every matter reads."""
        loaded = load_content(self.content_dir)
        folder_label = display_path(self.content_dir / MATTERS_DIR)  # as the loader labels the files (links unresolved)
        labels = {f"{folder_label}/{name}": name for name in self._inputs.matters}
        by_file: dict[str, list[ContentError]] = defaultdict(list)
        self._settings_errors = []
        for error in loaded.errors:
            (by_file[labels[error.path]] if error.path in labels else self._settings_errors).append(error)
        # What was read even if site.yml is unusable (a blank site stands in): every file's errors are reported.
        content = loaded.partial
        matters = {matter.path.name: matter for matter in content.matters} if content is not None else {}
        self._files = {name: _MatterFile(matters.get(name), tuple(by_file[name])) for name in self._inputs.matters}
        self._settings = (content.site, content.categories, content.departments) if content is not None else None
        self._gaps = loaded.gaps
        self._markdown = None

    def _reload_matter(self, name: str) -> None:
        """Read one matter file again (or forget it when it is gone)."""
        if name not in self._inputs.matters:
            self._files.pop(name, None)
            return
        errors: list[ContentError] = []
        try:
            folder = self.content_dir / MATTERS_DIR
            matter = load_matter(folder / name, errors, f"{display_path(folder)}/{name}")
        except FileNotFoundError:  # removed since the scan; the next scan forgets it
            self._files.pop(name, None)
            return
        self._files[name] = _MatterFile(matter, tuple(errors))

    def _assemble(self) -> tuple[Content | None, list[ContentError], list[_MatterFile]]:
        """The content as ``load_content`` would return it, with the loader's errors, from what is in memory."""
        names = sorted(self._files)
        errors = [*self._settings_errors, *(error for name in names for error in self._files[name].errors)]
        records = sorted((self._files[name] for name in names if self._files[name].matter is not None),
                         key=lambda record: (record.matter.number, record.matter.id))  # type: ignore[union-attr]
        if self._settings is None:
            return None, errors, records
        site, categories, departments = self._settings
        matters = tuple(record.matter for record in records)
        return Content(site, categories, departments, matters), errors, records  # type: ignore[arg-type]

    def _plan_for(self, content: Content, records: list[_MatterFile]) -> _Plan:
        unresolved = [record for record in records if record.resolved is None]
        if unresolved:  # one call for all: it builds the name index once
            alone = tuple(record.matter for record in unresolved if record.matter is not None)  # all of them
            resolved = with_section_departments(replace(content, matters=alone))
            for record, matter in zip(unresolved, resolved.matters):
                record.resolved = matter
        content = replace(content, matters=tuple(record.resolved for record in records))  # type: ignore[misc]
        if self._markdown is None:
            self._markdown = MarkdownRenderer(content.departments)
        return _Plan(content, tuple(records), {page.path: page for page in pages(content, self._listing)},
                     catalogue(content, self._history, self._markdown, self._listing))

    # --- git history ---------------------------------------------------------

    def _history_moved(self, check: bool) -> bool:
        """Read the history again if the checked-out commit moved; owe the pages it changes."""
        if not check and self._head is not None:
            return False
        head = self._head_of(self.content_dir)
        if head == self._head:
            return False
        old, self._head = self._history, head
        self._history = self._load_history(self.content_dir)
        if self._history == old and self._plan is not None:
            return False
        if self._plan is not None:
            plan = self._plan
            self._owed |= {path for matter_id in self._history.changed_matters(old)
                           if (path := urls.matter(matter_id)) in plan.pages}
            if self._history.revisions != old.revisions and urls.HISTORY in plan.pages:
                self._owed.add(urls.HISTORY)
            if publication(plan.content.site, self._history) != publication(plan.content.site, old):
                self._owed |= set(plan.pages)  # every page's footer shows the dates
            if dates(plan.content.site, self._history) != dates(plan.content.site, old):
                self._owed |= set(DOWNLOAD_FILES)  # the JSON carries the dates and revisions
            self._plan = replace(plan, books=catalogue(plan.content, self._history, self._markdown, self._listing))
        return True

    # --- templates -------------------------------------------------------------

    def _template_dependants(self, changed: frozenset[str]) -> set[str]:
        """The pages whose template is, extends, includes or imports a changed template."""
        if self._plan is None:
            return set()  # everything is owed when the first plan is made
        plan = self._plan
        return template_dependants(self._env, {path: page.template for path, page in plan.pages.items()}, changed)

    # --- outputs -------------------------------------------------------------------

    def _sync_static(self, changed: frozenset[str], log: Log) -> None:
        """Copy changed assets (they need no valid content) and delete removed ones."""
        for name in sorted(changed):
            source = self.static_dir / name
            if name in self._inputs.static and source.is_file():
                self._write(urls.STATIC + name, source.read_bytes(), log)
            else:
                self._delete(urls.STATIC + name, log)

    def _search_files(self, plan: _Plan) -> dict[str, bytes]:
        """The search index as ``write_search_files`` writes it, each matter's entry made once per version."""
        for record, matter in zip(plan.records, plan.content.matters):
            if record.search_entry is None:
                one = replace(plan.content, matters=(matter,))
                record.search_entry = search_payload(one, self._markdown)["matters"][0]
        payload = {**search_payload(replace(plan.content, matters=()), self._markdown),
                   "matters": [record.search_entry for record in plan.records]}
        # The same files as the build writes: the single index, or above the threshold a sharded one.
        files = search_files(payload, index_bodies=self._postings.postings)
        return {f"{SEARCH_DIR}/{name}": text.encode("utf-8") for name, text in files.items()}

    def _drop_stale_search_parts(self, current: set[str], log: Log) -> None:
        """Delete shards and text chunks of an earlier index that the new one no longer has."""
        for path in sorted(self._search_parts - current):
            self._delete(path, log)
        self._search_parts = current - set(SEARCH_FILES)

    def _write(self, path: str, data: bytes, log: Log) -> None:
        self._folder.write(path, data, log)

    def _delete(self, path: str, log: Log) -> None:
        self._folder.delete(path, log)


def scan(content_dir: Path, templates_dir: Path, static_dir: Path) -> Inputs:
    """Stat every input: the settings, the matter files (as the loader globs them), templates, assets."""
    settings: dict[str, Signature | None] = {name: signature_of(content_dir / name) for name in SETTINGS_FILES}
    folder = content_dir / MATTERS_DIR
    settings[MATTERS_FOLDER_KEY] = (0, 0, 0) if folder.is_dir() else None
    matters: dict[str, Signature] = {}
    if folder.is_dir():
        with os.scandir(folder) as entries:
            for entry in entries:
                if is_matter_name(entry.name) and (signature := entry_signature(entry)) is not None:
                    matters[entry.name] = signature
    return Inputs(settings, matters, tree(templates_dir, hidden=True), tree(static_dir, hidden=False))


def template_dependants(env: jinja2.Environment, templates: dict[str, str], changed: frozenset[str]) -> set[str]:
    """The outputs (``templates``: output → its template) whose template is, extends, includes or imports
    a changed template; all of them if a template cannot be read (rendering will report it)."""
    try:
        uses = {name: references(env, name) for name in set(templates.values())}
    except jinja2.TemplateError:
        return set(templates)
    return {path for path, name in templates.items() if (reached := uses[name]) is None or not changed.isdisjoint(reached)}


def references(env: jinja2.Environment, name: str) -> set[str] | None:
    """``name`` and every template it reaches; None if one is named by a variable (could be any)."""
    reached: set[str] = set()
    waiting = [name]
    while waiting:
        current = waiting.pop()
        if current in reached:
            continue
        reached.add(current)
        source, filename, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
        for referenced in meta.find_referenced_templates(env.parse(source, current, filename)):
            if referenced is None:
                return None
            waiting.append(referenced)
    return reached


def signature_of(path: Path | os.DirEntry) -> Signature | None:
    """None for anything but a readable regular file (a folder, a dangling link such as an editor's lock)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def entry_signature(entry: os.DirEntry | Path) -> Signature | None:
    """A matter file's signature; for anything else the loader will report (a folder, a pipe, a dangling
    link), one of the entry itself, so that it is read (and reported) like a file. None once it is gone."""
    signature = signature_of(entry)
    if signature is not None:
        return signature
    try:
        status = entry.stat(follow_symlinks=False)
    except OSError:
        return None
    return (status.st_mtime_ns, -1, status.st_ino)


def tree(folder: Path, hidden: bool) -> dict[str, Signature]:
    """Files under ``folder`` by relative path; names starting with "." only if ``hidden`` (as ``read_tree``)."""
    if not folder.is_dir():
        return {}
    found = {path.relative_to(folder).as_posix(): signature_of(path) for path in folder.rglob("*")
             if hidden or not path.name.startswith(".")}
    return {name: signature for name, signature in found.items() if signature is not None}


def _compare(old: Inputs, new: Inputs, history: bool) -> Changes:
    return Changes(old.settings != new.settings, _differing(old.matters, new.matters),
                   _differing(old.templates, new.templates), _differing(old.static, new.static), history)


def _differing(old: dict[str, Signature], new: dict[str, Signature]) -> frozenset[str]:
    return frozenset(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def _validate(content: Content | None, loader_errors: list[ContentError], gaps: Gaps,
              content_dir: Path) -> tuple[ContentError, ...]:
    """The errors ``load_valid_content`` would raise, in its order."""
    errors = list(loader_errors)
    if content is not None:
        errors.extend(validate(content, all_matters_loaded=not loader_errors, gaps=gaps))
    return tuple(settings_first(sorted(errors), content_dir, gaps.files))


def _affected(old: _Plan, new: _Plan) -> set[str]:
    """Outputs of ``new`` that differ from ``old`` because of changed matters: by the pages' dependencies."""
    changed = changed_ids(old.content.matters, new.content.matters)
    if not changed:
        return set()
    return affected_pages(old.pages, new.pages, changed) | set(SEARCH_FILES) | set(DOWNLOAD_FILES)


def affected_pages(old: dict[str, Page], new: dict[str, Page], changed: frozenset[str]) -> set[str]:
    """Pages of ``new`` that are new, or show a changed matter now or did before (``Page.matters``)."""
    return {path for path, page in new.items()
            if path not in old or not changed.isdisjoint(page.matters) or not changed.isdisjoint(old[path].matters)}


def changed_ids(old: Iterable, new: Iterable) -> frozenset[str]:
    """Ids of matters added, removed or changed (unchanged ones are the very same objects, so this is cheap)."""
    before = {matter.id: matter for matter in old}
    after = {matter.id: matter for matter in new}
    return frozenset(matter_id for matter_id in before.keys() | after.keys()
                     if not _same(before.get(matter_id), after.get(matter_id)))


def _same(one: object | None, other: object | None) -> bool:
    return one is other or (one is not None and other is not None and one == other)


def _priority(path: str, edited: set[str]) -> tuple[int, str]:
    """Edited matters' pages first, then other pages, the search index, the full list, the downloads."""
    if path in edited:
        rank = 0
    elif path.startswith(MATTER_PAGES):
        rank = 1
    elif path in SEARCH_FILES:
        rank = 3
    elif urls.is_full_list(path):
        rank = 4
    elif path in DOWNLOAD_FILES:
        rank = 5
    else:
        rank = 2
    return rank, path


def _group(path: str) -> list[str]:
    """The outputs made together with ``path``."""
    for group in (SEARCH_FILES, DOWNLOAD_FILES):
        if path in group:
            return list(group)
    return [path]


def template_error(error: jinja2.TemplateError, templates_dir: Path) -> ContentError:
    """A template problem as ``path:line: message``, located from the exception or its traceback."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return ContentError(display_path(Path(error.filename)), error.lineno, error.message or str(error))
    if isinstance(error, jinja2.TemplateNotFound):
        return ContentError(display_path(templates_dir), 0, _("template not found: {name}").format(name=error.name))
    folder = str(templates_dir.resolve())
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if str(Path(frame.filename).resolve()).startswith(folder)]
    if frames:
        where = frames[-1]
        return ContentError(display_path(Path(where.filename)), where.lineno or 0, error.message or str(error))
    return ContentError(display_path(templates_dir), 0, error.message or str(error))
