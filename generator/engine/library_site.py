"""Incremental rebuilds of a site of several lists (a ``lists/`` folder), for ``serve``.

``IncrementalSite`` keeps one list's site; this keeps the whole district's,
equal to what ``build`` writes (``stages.produce_library``): each 配合
list's own site in ``<town>/peihe/``, and the district's pages
(``district_pages``: the home, the departments across the towns, the
comparisons, the 基本 and 收回 lists' pages). ``update`` stats the inputs,
loads again only the lists whose files changed (``lists.reload_list``; the
files that did not change are remembered, parsed), and produces again only
what the change affects (``serve`` hands it the paths its file watch
reported: those are stat-ed and rebuilt for first, then every input as
always):

- a matter file of a list: the matter's own page first; then, in a 配合
  list, the list's pages that show it (``Page.matters``: its neighbours,
  its category's and departments' pages, the home, the full list …), the
  list's search index and downloads; in a 基本 or 收回 list, the list's
  page and downloads; and the district pages that show it (``DistrictPage.matters``: its
  departments' pages, its comparison) with those that sum up every list
  (the home, the indexes);
- a list's ``list.yml`` or ``categories.yml``: that list is read again, and
  all its outputs and the district pages that show its matters are produced again;
- ``site.yml``, ``departments.yml``, a ``town.yml``, ``list_types/``, or a
  folder or file added to or removed from ``lists/``: everything is read
  and produced again (a file is still written only when its bytes change);
- a template: the pages whose template reaches it; a static asset: its
  copies (the site's ``static/`` and each 配合 list's).

Matters that did not change stay the very same objects from one update to
the next, so the comparisons and catalogues of unchanged lists are reused
(``district_pages.district``) and finding what changed is cheap.

Each 配合 list's pages carry its revision history, as in ``build``
(``history.load_list_history``); it is read at the start and again when
the checked-out commit moves (``update(check_history=True)``), and a list
whose history moved has all its own outputs produced again.

Invalid content or a broken template never raises here: ``errors`` lists
every list's problems as ``path:line: message`` (as ``check`` reports
them) and the folder keeps the last good site until they are fixed.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.content.list_types import ListType
from generator.content.lists import (LIST_FILE, LIST_TYPES_DIR, LISTS_DIR, TOWN_FILE, LibraryParts, load_parts,
                                     reload_list)
from generator.content.loader import (CATEGORIES_FILE, DEPARTMENTS_FILE, MATTERS_DIR, SITE_FILE, is_matter_name,
                                      load_matter)
from generator.content.model import PEIHE, Content, Library, Matter, MatterList, TypedMatter
from generator.content.typed_matter import read_typed_matter
from generator.engine.build import theme_dir
from generator.engine.stages import typed_histories
from generator.engine.incremental import (DOWNLOAD_FILES, SEARCH_FILES, Changes, KeptFolder, Log, OutputFolder,
                                          Signature, Update, affected_pages, changed_ids, entry_signature,
                                          git_head, signature_of, template_dependants, tree)
from generator.errors import ContentError
from generator.review.gitrev import has_commits
from generator.review.history import NO_HISTORY, History, load_list_history
from generator.review.typed_history import TypedHistory
from generator.site import district_search, urls
from generator.site.district_pages import (District, DistrictPage, district, district_pages, render_district_page,
                                           typed_matter_page)
from generator.site.downloads import download_files
from generator.site.listing import Listing
from generator.site.markup import MarkdownRenderer
from generator.site.render import Catalogue, Page, catalogue, environment, pages, render_page
from generator.site.search import SEARCH_DIR, search_files, search_payload
from generator.site.typed_downloads import typed_download_files

MatterRead = tuple[Matter | TypedMatter | None, list[ContentError]]


# --- what the sources look like ---------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryInputs:
    """One stat of every input of a multi-list folder; the next scan is compared with it."""

    shared: dict[str, Signature | None]  # site.yml, departments.yml, list_types/, town.yml, files beside lists/
    layout: tuple[str, ...]  # every entry of lists/ and of its towns' folders: a change reloads everything
    lists: dict[str, dict[str, Signature | None]]  # by list key: its list.yml, categories.yml, matters/
    matters: dict[str, dict[str, Signature]]  # by list key: its matter files by name
    templates: dict[str, Signature]
    static: dict[str, Signature]


NOTHING_SEEN = LibraryInputs({}, (), {}, {}, {}, {})


def scan_library(content_dir: Path, templates_dir: Path, static_dir: Path) -> LibraryInputs:
    """Stat every input, as ``lists.load_parts`` finds them (hidden names are not read, so not looked at)."""
    shared: dict[str, Signature | None] = {
        name: signature_of(content_dir / name) for name in (SITE_FILE, DEPARTMENTS_FILE, CATEGORIES_FILE)}
    shared[MATTERS_DIR + "/"] = (0, 0, 0) if (content_dir / MATTERS_DIR).exists() else None  # beside lists/: an error
    shared.update({f"{LIST_TYPES_DIR}/{name}": sign for name, sign in
                   tree(content_dir / LIST_TYPES_DIR, hidden=False).items()})
    layout: list[str] = []
    lists: dict[str, dict[str, Signature | None]] = {}
    matters: dict[str, dict[str, Signature]] = {}
    for town, town_is_folder in _entries(content_dir / LISTS_DIR):
        layout.append(town + ("/" if town_is_folder else ""))
        if not town_is_folder:
            continue
        shared[f"{LISTS_DIR}/{town}/{TOWN_FILE}"] = signature_of(content_dir / LISTS_DIR / town / TOWN_FILE)
        for name, is_folder in _entries(content_dir / LISTS_DIR / town):
            layout.append(f"{town}/{name}" + ("/" if is_folder else ""))
            if is_folder:
                key = f"{town}/{name}"
                lists[key] = _list_inputs(content_dir / LISTS_DIR / key)
                matters[key] = _matter_inputs(content_dir / LISTS_DIR / key / MATTERS_DIR)
    return LibraryInputs(shared, tuple(layout), lists, matters, tree(templates_dir, hidden=True),
                         tree(static_dir, hidden=False))


def reported_inputs(inputs: LibraryInputs, content_dir: Path, paths: Iterable[Path]) -> LibraryInputs | None:
    """``inputs`` with the reported matter files stat-ed again (as ``scan_library`` would), or None if a
    reported path is anything but a matter file of a known list (then only a full scan will do)."""
    if inputs is NOTHING_SEEN:
        return None
    lists_folder = content_dir / LISTS_DIR
    matters = dict(inputs.matters)
    for path in paths:
        try:
            parts = Path(path).relative_to(lists_folder).parts
        except ValueError:
            return None
        if len(parts) != 4 or parts[2] != MATTERS_DIR or f"{parts[0]}/{parts[1]}" not in matters:
            return None
        key, name = f"{parts[0]}/{parts[1]}", parts[3]
        if not is_matter_name(name):
            continue  # an editor's swap file, say: the scan does not look at it either
        files = matters[key] = dict(matters[key]) if matters[key] is inputs.matters[key] else matters[key]
        sign = entry_signature(lists_folder / key / MATTERS_DIR / name)
        if sign is None:
            files.pop(name, None)
        else:
            files[name] = sign
    return replace(inputs, matters=matters)


def compare_reported(old: LibraryInputs, new: LibraryInputs) -> LibraryChanges:
    """The matter files that differ between ``old`` and ``reported_inputs``' copy of it (only the lists it
    copied can differ: the others are compared by identity, not file by file)."""
    return LibraryChanges(matters=frozenset(
        f"{LISTS_DIR}/{key}/{MATTERS_DIR}/{name}" for key, files in new.matters.items()
        if files is not old.matters.get(key) for name in _differing(old.matters.get(key, {}), files)))


def _entries(folder: Path) -> list[tuple[str, bool]]:
    """(name, is a folder) of the entries the loader reads, sorted; none if ``folder`` cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            return sorted((entry.name, entry.is_dir()) for entry in entries if not entry.name.startswith("."))
    except OSError:
        return []


def _list_inputs(folder: Path) -> dict[str, Signature | None]:
    return {LIST_FILE: signature_of(folder / LIST_FILE), CATEGORIES_FILE: signature_of(folder / CATEGORIES_FILE),
            MATTERS_DIR + "/": (0, 0, 0) if (folder / MATTERS_DIR).is_dir() else None}


def _matter_inputs(folder: Path) -> dict[str, Signature]:
    found: dict[str, Signature] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if is_matter_name(entry.name) and (sign := entry_signature(entry)) is not None:
                    found[entry.name] = sign
    except OSError:
        pass
    return found


@dataclass(frozen=True)
class LibraryChanges:
    """Which inputs differ from the last update, by what they make read again."""

    shared: bool = False  # everything is read again
    lists: frozenset[str] = frozenset()  # keys of lists whose list.yml or categories.yml changed
    matters: frozenset[str] = frozenset()  # paths of matter files added, changed or removed
    templates: frozenset[str] = frozenset()
    static: frozenset[str] = frozenset()
    history: frozenset[str] = frozenset()  # keys of 配合 lists whose revision history moved

    def touched_lists(self) -> set[str]:
        """Keys of the lists to read again (when not everything is)."""
        return {*self.lists, *(list_key(path) for path in self.matters)}

    def __or__(self, other: LibraryChanges) -> LibraryChanges:
        """Both changes: what an update after errors has to catch up with."""
        return LibraryChanges(self.shared or other.shared, self.lists | other.lists, self.matters | other.matters,
                              self.templates | other.templates, self.static | other.static,
                              self.history | other.history)

    def as_changes(self) -> Changes:
        """In the single-list engine's terms, for the report."""
        return Changes(settings=self.shared or bool(self.lists), matters=self.matters, templates=self.templates,
                       static=self.static, history=bool(self.history), matters_folder="")


def compare_inputs(old: LibraryInputs, new: LibraryInputs) -> LibraryChanges:
    shared = old.shared != new.shared or old.layout != new.layout
    lists = frozenset(key for key in new.lists if old.lists.get(key) != new.lists[key])
    matters = frozenset(f"{LISTS_DIR}/{key}/{MATTERS_DIR}/{name}" for key in old.matters.keys() | new.matters.keys()
                        for name in _differing(old.matters.get(key, {}), new.matters.get(key, {})))
    return LibraryChanges(shared, lists, matters, _differing(old.templates, new.templates),
                          _differing(old.static, new.static))


def _differing(old: dict[str, Signature], new: dict[str, Signature]) -> frozenset[str]:
    if old == new:  # most lists, most of the time: compared in C
        return frozenset()
    return frozenset(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def list_key(matter_path: str) -> str:
    """``lists/<town>/<type>/matters/<name>`` → ``<town>/<type>``."""
    return "/".join(matter_path.split("/")[1:3])


# --- reading the matter files ------------------------------------------------------------------------


class MatterMemo:
    """Matter files as last read, by path: a load parses again only the files that changed.

    A typed matter is remembered with its type's declaration, which shapes how it reads.
    """

    def __init__(self) -> None:
        self._read: dict[str, dict[ListType | None, MatterRead]] = {}  # by path, then type (None: peihe)

    def forget(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self._read.pop(str(path), None)

    def read_peihe(self, paths: list[Path], folder_label: str) -> list[MatterRead]:
        return [self._remembered(path, None, folder_label) for path in paths]

    def read_typed(self, paths: list[Path], folder_label: str, list_type: ListType) -> list[MatterRead]:
        return [self._remembered(path, list_type, folder_label) for path in paths]

    def _remembered(self, path: Path, list_type: ListType | None, folder_label: str) -> MatterRead:
        known = self._read.setdefault(str(path), {})
        if list_type not in known:
            label = f"{folder_label}/{path.name}"
            if list_type is None:
                errors: list[ContentError] = []
                known[list_type] = (load_matter(path, errors, label), errors)
            else:
                known[list_type] = read_typed_matter(path, list_type, label)
        return known[list_type]


def kept_matters(parts: LibraryParts, before: dict[str, MatterList | None]) -> LibraryParts:
    """``parts`` with every matter equal to its version in ``before`` (same id, same file) replaced by that
    very object: validation makes new objects of every matter of a list it reads, and what did not change
    must stay the same object for the comparisons and catalogues to be reused."""
    if not before:
        return parts
    lists = {}
    for key, matter_list in parts.lists.items():
        old = before.get(key)
        if matter_list is None or old is None or old is matter_list:
            lists[key] = matter_list
            continue
        previous = {matter.id: matter for matter in old.matters}
        matters = tuple(kept if (kept := previous.get(matter.id)) is not None and kept == matter
                        and kept.path == matter.path else matter for matter in matter_list.matters)
        lists[key] = MatterList(matter_list.info, matter_list.categories, matters)
    return LibraryParts(parts.publisher, parts.shared, parts.types, parts.towns, lists, parts.shared_errors,
                        parts.list_errors, parts.unusable)


# --- what the folder shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSite:
    """One 配合 list's own site, today's renderer's, in ``<key>/``."""

    key: str
    content: Content
    pages: dict[str, Page]  # by path inside the list's folder
    books: Catalogue
    history: History

    def outputs(self) -> set[str]:
        return {f"{self.key}/{path}" for path in (*self.pages, *SEARCH_FILES, *DOWNLOAD_FILES)}


@dataclass(frozen=True)
class LibraryPlan:
    """Valid content and everything rendering it needs: what the output folder shows."""

    library: Library
    district: District
    lists: dict[str, ListSite]  # the 配合 lists, by key
    district_pages: dict[str, DistrictPage]  # by path
    static: tuple[str, ...]  # the assets, by path under static/

    def outputs(self) -> set[str]:
        found = {*self.district_pages, *self.static_copies(self.static), *SEARCH_FILES}  # search: the district's
        for site in self.lists.values():
            found |= site.outputs()
        for key in self.typed_lists():
            found |= typed_downloads(key)
        return found

    def typed_lists(self) -> dict[str, MatterList]:
        """The lists of the other types (基本, 收回), by key: their pages are district pages, their downloads
        their own."""
        return {matter_list.info.key: matter_list for matter_list in self.library.lists
                if matter_list.info.key not in self.lists}

    def static_copies(self, names: Iterable[str]) -> set[str]:
        """Where assets are copied: the site's ``static/`` and each 配合 list's."""
        prefixes = ["", *(f"{key}/" for key in self.lists)]
        return {f"{prefix}{urls.STATIC}{name}" for name in names for prefix in prefixes}


def typed_downloads(key: str) -> set[str]:
    """The downloads of a 基本 or 收回 list, in its folder (``typed_downloads``)."""
    return {f"{key}/{path}" for path in DOWNLOAD_FILES}


def _never(path: str) -> bool:
    return False


class LibrarySite(KeptFolder):
    """An output folder kept equal to ``build``'s output of a multi-list folder for the current sources.

    The same entry points as ``IncrementalSite`` (``update``, ``ensure``,
    ``error_page``, ``errors``, ``out_dir``), for the server. ``defer`` is
    asked about a 配合 list's outputs by their path inside the list's folder;
    ``defer_search`` makes the district's search (over every list: seconds at
    30,000 matters) on request only too.
    Not thread-safe: one caller (the server's event loop) calls ``update`` and ``ensure``.
    """

    def __init__(self, content_dir: Path, out_dir: Path, templates_dir: Path | None = None,
                 static_dir: Path | None = None, *, defer: Callable[[str], bool] = _never,
                 listing: Listing = Listing(), history: Callable[[Path, str], History] = load_list_history,
                 head: Callable[[Path], str] = git_head, defer_search: bool = False):
        self.content_dir = content_dir
        self.out_dir = out_dir
        self.templates_dir = templates_dir or theme_dir(content_dir, "templates")
        self.static_dir = static_dir or theme_dir(content_dir, "static")
        self._defer, self._listing = defer, listing
        self._defer_search = defer_search  # the district's search, like ``defer``'s outputs
        self._read_history, self._head_of = history, head
        self._head: str | None = None  # the commit the histories were read at
        self._committed: bool | None = None  # whether a commit touched the folder, asked once per head
        self._histories: dict[str, History] = {}  # of the 配合 lists, by key
        self._typed_histories: dict[str, TypedHistory] | None = None  # of the other lists, read when asked for
        out_dir.mkdir(parents=True, exist_ok=True)
        if any(out_dir.iterdir()):
            raise ValueError(f"{out_dir}: not empty; an incremental build needs a folder of its own")
        self._inputs = NOTHING_SEEN
        self._memo = MatterMemo()
        self._parts: LibraryParts | None = None
        self._env = environment(self.templates_dir)
        self._markdown: MarkdownRenderer | None = None  # of the 配合 lists' sites, while the departments last
        self._plan: LibraryPlan | None = None  # the last valid content: what the folder shows
        self._owed: set[str] = set()
        self._pending = LibraryChanges()  # changes the folder does not show yet (while there were errors)
        self._folder = OutputFolder(out_dir)
        self._search_parts: dict[str, set[str]] = {}  # by list key: the files of its search index
        self._error_page: tuple[tuple[ContentError, ...], bytes] | None = None
        self.errors: tuple[ContentError, ...] = ()

    # --- the entry points -----------------------------------------------------------------------

    def update(self, check_history: bool = False, changed: Iterable[Path] | None = None) -> Update:
        """Bring the folder up to date with the sources; the first call builds everything.

        The 配合 lists' histories are read again only when ``check_history``
        is set (or on the first call) and the checked-out commit moved.
        ``changed``: the paths a watcher reported. When they are all matter
        files of known lists, only they are stat-ed before their pages are
        written (stat-ing 30,000 files takes longer than the page); every
        input is stat-ed after that all the same, so a change the watcher
        missed is caught in this update too.
        """
        log = Log()
        first = self._catch_up_reported(changed, log) if changed is not None else LibraryChanges()
        inputs = scan_library(self.content_dir, self.templates_dir, self.static_dir)
        changes = compare_inputs(self._inputs, inputs)
        self._inputs = inputs
        moved = self._histories_moved(check_history)
        if moved:
            changes |= LibraryChanges(history=moved)
        if changes.as_changes():
            self._caught_up(changes, log)
        return log.update((first | changes).as_changes(), self.errors)

    def _catch_up_reported(self, changed: Iterable[Path], log: Log) -> LibraryChanges:
        """Stat the reported files alone and rebuild for them, if they are all matter files of known lists;
        what they changed."""
        reported = reported_inputs(self._inputs, self.content_dir, changed)
        if reported is None:
            return LibraryChanges()
        first = compare_reported(self._inputs, reported)
        self._inputs = reported
        if first.matters:
            self._caught_up(first, log)
        return first

    # --- one rebuild ------------------------------------------------------------------------------

    def _rebuild(self, changes: LibraryChanges, log: Log) -> None:
        if changes.templates:
            self._env = environment(self.templates_dir)
        self._memo.forget(self.content_dir / path for path in changes.matters)
        self._parts = self._load(changes)
        self._pending |= changes
        errors = tuple(self._parts.errors())
        library = self._parts.library()
        if errors or library is None:
            self.errors = errors
            return
        pending = self._pending  # kept until everything is produced: a template error may stop this update
        old = None if pending.shared else self._plan
        sites = self._list_sites(library, old)
        early = self._write_early(pending, library, sites, log)
        plan = self._plan_for(library, sites, old)
        self._advance(plan, pending, log)
        self._owed -= early
        edited = self._edited(changes.matters, plan)
        self._produce(sorted(self._owed, key=lambda path: _priority(path, edited)), log)
        self._pending = LibraryChanges()
        self.errors = ()

    def _load(self, changes: LibraryChanges) -> LibraryParts:
        """The lists as the sources now hold them: only the touched lists read again, unless a shared file
        or the folders changed (then all, the unchanged matter files from memory)."""
        parts, touched = self._parts, changes.touched_lists()
        if parts is None or changes.shared or not touched <= parts.lists.keys():
            self._markdown = None  # the departments may have changed
            return kept_matters(load_parts(self.content_dir, self._memo.read_peihe, self._memo.read_typed),
                                self._shown())
        loaded = parts
        for key in sorted(touched):
            loaded = reload_list(self.content_dir, loaded, key, self._memo.read_peihe, self._memo.read_typed)
        return kept_matters(loaded, self._shown())

    def _shown(self) -> dict[str, MatterList | None]:
        """The lists the folder shows (after errors, the last good ones): the versions to keep matters of."""
        if self._plan is not None:
            return {matter_list.info.key: matter_list for matter_list in self._plan.library.lists}
        return dict(self._parts.lists) if self._parts is not None else {}

    def _write_early(self, changes: LibraryChanges, library: Library, sites: dict[str, ListSite],
                     log: Log) -> set[str]:
        """The edited matters' own pages, before the district's lookups are made again (at 30,000 matters
        they take longer than the page): only for edits of matter files alone, which change nothing else a
        matter's page shows. The paths written."""
        old = self._plan
        if old is None or changes.shared or changes.lists or changes.templates or changes.history:
            return set()
        written = set()
        for path in sorted(changes.matters):
            key = list_key(path)
            matter = _matter_of(self.content_dir / path, library, key)
            if matter is None:
                continue
            page = urls.matter(matter.id)
            if key in sites and page in sites[key].pages:
                data = render_page(self._env, sites[key].books, sites[key].pages[page])
            else:  # a typed list's: its page reads the district's types, departments and towns, which did not change
                matter_list = next(found for found in library.lists if found.info.key == key)
                data = render_district_page(self._env, old.district, typed_matter_page(matter_list, matter))
            self._folder.write(f"{key}/{page}", data, log)
            written.add(f"{key}/{page}")
        return written

    def _histories_moved(self, check: bool) -> frozenset[str]:
        """Keys of the 配合 lists whose history moved, read again if the checked-out commit moved."""
        if not check and self._head is not None:
            return frozenset()
        head = self._head_of(self.content_dir)
        if head == self._head:
            return frozenset()
        self._head, self._committed = head, None
        moved = set()
        for key, history in list(self._histories.items()):  # a list not read yet is read when first asked for
            fresh = self._read(key)
            if fresh != history:  # an unchanged history stays the same object: its list's site is kept
                self._histories[key] = fresh
                moved.add(key)
        if self._typed_histories is not None:
            typed = typed_histories(self.content_dir, committed=self._is_committed())
            moved |= {key for key in typed.keys() | self._typed_histories.keys()
                      if typed.get(key) != self._typed_histories.get(key)}
            self._typed_histories = typed
        return frozenset(moved)

    def _typed(self) -> dict[str, TypedHistory]:
        """The 基本 and 收回 lists' histories, as ``build`` reads them (read at the first plan)."""
        if self._typed_histories is None:
            self._typed_histories = typed_histories(self.content_dir, committed=self._is_committed())
        return self._typed_histories

    def _history(self, key: str) -> History:
        """A 配合 list's history, read when first asked for (a list added since is read then)."""
        if key not in self._histories:
            self._histories[key] = self._read(key)
        return self._histories[key]

    def _read(self, key: str) -> History:
        """A 配合 list's history from git; none, without asking git per list, when no commit touched the folder."""
        return self._read_history(self.content_dir, key) if self._is_committed() else NO_HISTORY

    def _is_committed(self) -> bool:
        """Whether a commit touched the folder, asked once per checked-out commit: content not committed yet
        has no history in any list, which one ``git log`` says where each list's read takes a few calls."""
        if self._committed is None:
            self._committed = has_commits(self.content_dir)
        return self._committed

    def _list_sites(self, library: Library, old: LibraryPlan | None) -> dict[str, ListSite]:
        """The 配合 lists' own sites: those of unchanged lists (same matters, same history) from ``old``."""
        if self._markdown is None:
            self._markdown = MarkdownRenderer(library.departments)
        before = {matter_list.info.key: matter_list for matter_list in old.library.lists} if old else {}
        sites = {}
        for matter_list in library.lists:
            key = matter_list.info.key
            if matter_list.info.type != PEIHE:
                continue
            history = self._history(key)
            if old is not None and before.get(key) is matter_list and old.lists[key].history is history:
                sites[key] = old.lists[key]
                continue
            content = library.content_of(matter_list)
            sites[key] = ListSite(key, content, {page.path: page for page in pages(content, self._listing)},
                                  catalogue(content, history, self._markdown, self._listing), history)
        return sites

    def _plan_for(self, library: Library, sites: dict[str, ListSite], old: LibraryPlan | None) -> LibraryPlan:
        books = district(library, self._parts.types if self._parts else {},
                         previous=old.district if old else None, histories=self._typed())
        return LibraryPlan(library, books, sites, {page.path: page for page in district_pages(books)},
                           tuple(sorted(self._inputs.static)))

    def _advance(self, plan: LibraryPlan, changes: LibraryChanges, log: Log) -> None:
        """Make ``plan`` the folder's content: owe what ``changes`` change, delete what it no longer has."""
        old = self._plan
        outputs = plan.outputs()
        if old is None or changes.shared:
            affected = set(outputs)
        else:
            affected = _affected(old, plan, changes.lists) | plan.static_copies(changes.static)
            for key in changes.history & plan.lists.keys():  # dates and revisions on its pages and downloads
                affected |= plan.lists[key].outputs()
            typed_moved = changes.history - plan.lists.keys()  # a 基本 or 收回 list: its pages show its revisions
            affected |= {path for path, page in plan.district_pages.items()
                         if page.matters is not None and any(key in typed_moved for key, _id in page.matters)}
            affected |= outputs - old.outputs()
            if changes.lists or changes.matters:
                affected |= set(SEARCH_FILES)  # the district's search shows every list's matters
            if changes.templates:
                affected |= template_dependants(self._env, self._templates(plan), changes.templates)
        for path in sorted(old.outputs() - outputs) if old is not None else ():
            self._delete(path, log)
        self._owed = (self._owed | affected) & outputs
        self._plan = plan

    def _templates(self, plan: LibraryPlan) -> dict[str, str]:
        """Every page by its template."""
        found = {path: page.template for path, page in plan.district_pages.items()}
        for site in plan.lists.values():
            found.update({f"{site.key}/{path}": page.template for path, page in site.pages.items()})
        return found

    def _edited(self, matters: Iterable[str], plan: LibraryPlan) -> set[str]:
        """The pages of the edited matter files: written first."""
        edited = set()
        for path in matters:
            matter = _matter_of(self.content_dir / path, plan.library, list_key(path))
            if matter is not None:
                edited.add(f"{list_key(path)}/{urls.matter(matter.id)}")
        return edited

    # --- outputs ------------------------------------------------------------------------------------

    def _produce(self, paths: Iterable[str], log: Log, deferred_too: bool = False) -> None:
        """Produce the owed outputs among ``paths``, in that order; deferred ones only if ``deferred_too``."""
        for path in paths:
            if path not in self._owed or (self._deferred(path) and not deferred_too):
                continue
            made = self._make(path)
            for output, data in made.items():
                self._folder.write(output, data, log)
                self._owed.discard(output)
            if path in SEARCH_FILES:
                self._drop_stale_search_parts("", set(made), log)
            elif _inside(path) in SEARCH_FILES:
                self._drop_stale_search_parts(_outer(path), set(made), log)

    def _deferred(self, path: str) -> bool:
        plan = self._plan
        assert plan is not None
        if path in plan.district_pages:
            return False
        if path in SEARCH_FILES:
            return self._defer_search
        return (_outer(path) in plan.lists or _inside(path) in DOWNLOAD_FILES) and self._defer(_inside(path))

    def _make(self, path: str) -> dict[str, bytes]:
        plan = self._plan
        assert plan is not None
        if path in plan.district_pages:
            return {path: render_district_page(self._env, plan.district, plan.district_pages[path])}
        if path in SEARCH_FILES:  # the district's search, over every list
            index = district_search.district_index(plan.library, plan.district.types)
            return {f"{SEARCH_DIR}/{name}": text.encode("utf-8")
                    for name, text in district_search.district_search_files(index).items()}
        site = plan.lists.get(_outer(path))
        inside = _inside(path)
        if site is not None and inside in site.pages:
            return {path: render_page(self._env, site.books, site.pages[inside])}
        if site is not None and inside in SEARCH_FILES:
            files = search_files(search_payload(site.content, self._markdown))
            return {f"{site.key}/{SEARCH_DIR}/{name}": text.encode("utf-8") for name, text in files.items()}
        if site is not None and inside in DOWNLOAD_FILES:
            return {f"{site.key}/{name}": data for name, data in download_files(site.content, site.history).items()}
        typed = plan.typed_lists().get(_outer(path))
        if typed is not None and inside in DOWNLOAD_FILES:
            return typed_download_files(typed, plan.district.types[typed.info.type], plan.library.departments,
                                        typed.info.issuer or plan.library.site.issuer)
        name = inside if site is not None else path  # a copy of an asset: static/<name>
        return {path: (self.static_dir / name.removeprefix(urls.STATIC)).read_bytes()}

    def _drop_stale_search_parts(self, key: str, current: set[str], log: Log) -> None:
        """Delete shards and text chunks of a list's earlier index (``key`` "": the district's) that the new
        one no longer has."""
        for path in sorted(self._search_parts.get(key, set()) - current):
            self._delete(path, log)
        prefix = f"{key}/" if key else ""
        self._search_parts[key] = current - {f"{prefix}{name}" for name in SEARCH_FILES}

    def _delete(self, path: str, log: Log) -> None:
        self._folder.delete(path, log)


def _outer(path: str) -> str:
    """The list key a path of a list's site starts with (``<town>/<type>``), or whatever its first two parts are."""
    return "/".join(path.split("/", 2)[:2])


def _inside(path: str) -> str:
    """The path inside a list's folder."""
    parts = path.split("/", 2)
    return parts[2] if len(parts) == 3 else ""


def _matter_of(path: Path, library: Library, key: str) -> Matter | TypedMatter | None:
    """The matter read from ``path`` in the list ``key``, if it is in the library."""
    for matter_list in library.lists:
        if matter_list.info.key == key:
            return next((matter for matter in matter_list.matters if matter.path == path), None)
    return None


def _affected(old: LibraryPlan, new: LibraryPlan, settings_changed: frozenset[str]) -> set[str]:
    """Outputs of ``new`` that differ from ``old`` because some lists changed: by the pages' dependencies."""
    before = {matter_list.info.key: matter_list for matter_list in old.library.lists}
    changed: set[tuple[str, str]] = set()
    affected: set[str] = set()
    for matter_list in new.library.lists:
        key = matter_list.info.key
        if before.get(key) is matter_list:
            continue
        ids = changed_ids(before[key].matters if key in before else (), matter_list.matters)
        changed |= {(key, matter_id) for matter_id in ids}
        site = new.lists.get(key)
        if site is None:
            affected |= typed_downloads(key) if ids or key in settings_changed else set()
            continue
        if key in settings_changed or key not in old.lists:
            affected |= site.outputs()
        elif ids:
            pages_now = affected_pages(old.lists[key].pages, site.pages, ids)
            affected |= {f"{key}/{path}" for path in (*pages_now, *SEARCH_FILES, *DOWNLOAD_FILES)}
    for key in settings_changed:  # its title, categories …: every page that shows one of its matters
        changed |= {(key, matter.id) for matter in (*_matters_of(old.library, key), *_matters_of(new.library, key))}
    if _example(old.library) != _example(new.library):  # marked on every page
        return affected | set(new.district_pages)
    for path, page in new.district_pages.items():
        previous = old.district_pages.get(path)
        if previous is None or previous.matters != page.matters or (
                changed and (page.matters is None or not changed.isdisjoint(page.matters))):
            affected.add(path)
    return affected


def _matters_of(library: Library, key: str) -> tuple:
    return next((matter_list.matters for matter_list in library.lists if matter_list.info.key == key), ())


def _example(library: Library) -> bool:
    return any(matter_list.info.example for matter_list in library.lists)


def _priority(path: str, edited: set[str]) -> tuple[int, str]:
    """Edited matters' pages first, then other pages, the search indexes, the full lists, the downloads."""
    inside = _inside(path)
    if path in edited:
        rank = 0
    elif inside in SEARCH_FILES:
        rank = 3
    elif urls.is_full_list(inside):
        rank = 4
    elif inside in DOWNLOAD_FILES:
        rank = 5
    else:
        rank = 1 if inside.startswith(urls.matter("-").split("/")[0] + "/") else 2
    return rank, path
