"""Render stage: validated content → every HTML page of the site, as bytes.

Pure: nothing here touches the output folder. ``pages`` lists every page
with the template it uses, how to build its context and which matters it
shows, so that a later incremental build can re-render only the pages that
depend on changed matters.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, MutableMapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.bccache import Bucket
from markupsafe import Markup

from generator.site import urls
from generator.importing.duty_text import LATIN_WORD
from generator.review.history import NO_HISTORY, History, history_page
from generator.site.listing import Listing, Paging
from generator.site.markup import MarkdownRenderer
from generator.content.model import DEPARTMENT_LEVELS, TOWN_DUTIES_HEADING, Category, Content, Department, Matter, Site

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Publication:
    """The publication facts every page shows (发布日期, 更新日期, 文号) and its PubDate metadata."""

    published: str = ""  # yyyy-mm-dd, "" when unknown
    updated: str = ""  # the date of the list's last revision, "" outside git
    document_number: str = ""


def publication(site: Site, history: History) -> Publication:
    """The facts from site.yml and git: ``published`` there, else the list's first revision in git."""
    return Publication(site.published or history.first_revised or "", history.last_revised or "",
                       site.document_number)


# The full list's rows of upper-department text: characters of text per row, about a third of what
# an A4 landscape page holds in that column, so that a row always fits a printed page.
PRINT_ROW_TEXT = 400
GUARANTEE_HEADING = "履职保障："


@dataclass(frozen=True)
class SectionView:
    """One upper department section, ready for a template."""

    heading: str
    departments: tuple[Department, ...]
    html: Markup


@dataclass(frozen=True)
class MatterView:
    """A matter with its Markdown rendered for one page (links depend on the page's depth)."""

    matter: Matter
    url: str
    category: Category
    departments: tuple[Department, ...]
    sections: tuple[SectionView, ...]
    guarantee: Markup
    town: Markup
    notes: tuple[Markup, ...]
    kept: tuple[str, ...] = ()  # words of the source kept as written that a reader may take for typos

    def sections_of(self, department: Department) -> tuple[SectionView, ...]:
        """The sections that name ``department``, alone or in a group."""
        return tuple(section for section in self.sections if department in section.departments)

    def upper_rows(self, budget: int = PRINT_ROW_TEXT) -> tuple[tuple[SectionView, ...], ...]:
        """The upper sections and 履职保障 (last, headed GUARANTEE_HEADING) in rows of the full list.

        Paper cannot repeat a cell's content on the next page, so the full list
        gives a long matter one table row per group of sections (consecutive, of
        about ``budget`` characters together; a longer section has a row of its
        own), each row naming the matter: a matter that runs onto another page
        goes on with a row that says which matter it is.
        """
        parts = [*self.sections, SectionView(GUARANTEE_HEADING, (), self.guarantee)]
        rows: list[list[SectionView]] = [[]]
        size = 0
        for part in parts:
            length = len(part.heading) + len(part.html.striptags())
            if rows[-1] and size + length > budget:
                rows.append([])
                size = 0
            rows[-1].append(part)
            size += length
        return tuple(tuple(row) for row in rows)


@dataclass(frozen=True)
class Catalogue:
    """Lookups every page needs, built once per build."""

    content: Content
    markdown: MarkdownRenderer
    categories: dict[str, Category]  # by name
    departments: dict[str, Department]  # by canonical name
    by_category: dict[str, tuple[Matter, ...]]  # category slug → matters in official order
    by_department: dict[str, tuple[Matter, ...]]  # department slug → matters in official order
    history: History = NO_HISTORY  # from git: shown by the matter pages and the 修订记录 page
    positions: dict[str, int] = field(default_factory=dict)  # matter id → index in official order
    publication: Publication = Publication()  # from site.yml and ``history``: every page shows it

    listing: Listing = Listing()
    # kept_words of each matter already shown: a matter shows on its page, its departments' pages, the full list
    # and the district's pages, each at its own depth, but its kept words are the same on all of them.
    _kept: dict[Matter, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def view(self, matter: Matter, root: str, *, flat: bool = False, town_shift: int = 0,
             own: Department | None = None) -> MatterView:
        """``matter`` for a page at ``root``; on ``own``'s department page only the sections naming it."""
        own_slug = own.slug if own is not None else ""

        def html(text: str, shift: int = 0) -> Markup:
            return self.markdown.html(text, root, shift=shift, flat=flat, own_slug=own_slug)

        departments = self.departments
        return MatterView(
            matter=matter,
            url=urls.matter(matter.id),
            category=self.categories[matter.category],
            departments=tuple(departments[name] for name in matter.departments),
            sections=tuple(SectionView(section.heading, tuple(departments[name] for name in section.departments),
                                       html(section.markdown)) for section in matter.upper_sections
                           if own is None or own.name in section.departments),
            guarantee=html(matter.guarantee),
            town=html(matter.town_duties, town_shift),
            notes=tuple(html(note) for note in matter.notes),
            kept=self.kept_words(matter),
        )

    def kept_words(self, matter: Matter) -> tuple[str, ...]:
        """``kept_words(matter)``, worked out once per matter for all the pages that show it."""
        kept = self._kept.get(matter)
        if kept is None:
            kept = self._kept[matter] = kept_words(matter)
        return kept


def kept_words(matter: Matter) -> tuple[str, ...]:
    """Latin words in the official Chinese text (e.g. 「培训 and 安全教育」), with a little context.

    The site keeps them as the source has them (the importer warns about
    them); the matter page tells the reader that the wording is the source's.
    """
    texts = [matter.title, matter.guarantee, *(section.markdown for section in matter.upper_sections),
             matter.town_duties]
    found: dict[str, None] = {}
    for text in texts:
        for match in LATIN_WORD.finditer(text):
            before = _BEFORE.search(text, 0, match.start())
            after = _AFTER.match(text, match.end())
            found[text[before.start() if before else match.start():after.end() if after else match.end()]] = None
    return tuple(found)


# A few characters of context on either side of a kept word, up to a punctuation mark or line end.
_BEFORE = re.compile(r"[^\s，。；：、]{1,2} ?$")
_AFTER = re.compile(r" ?[^\s，。；：、]{1,4}")


@dataclass(frozen=True)
class Page:
    """One output page: where it goes, how to render it, what it shows.

    ``matters`` lists the matters whose text or place the page shows; every
    page also depends on site.yml, categories.yml, departments.yml and the
    templates, so a change there means rendering every page.
    """

    path: str
    template: str
    context: Callable[[Catalogue, str], dict[str, Any]]  # (catalogue, root) → template variables
    matters: frozenset[str]  # ids of the matters the page shows or counts
    cost: int = 1  # about how many matters it shows in full: a hint for sharing the rendering out


def group_matters(content: Content) -> tuple[dict[str, tuple[Matter, ...]], dict[str, tuple[Matter, ...]]]:
    """Matters by category slug and by department slug, in official order: one pass over the matters."""
    category_slug = {category.name: category.slug for category in content.categories}
    department_slug = {department.name: department.slug for department in content.departments}
    by_category: dict[str, list[Matter]] = {slug: [] for slug in category_slug.values()}
    by_department: dict[str, list[Matter]] = {slug: [] for slug in department_slug.values()}
    for matter in content.matters:
        if matter.category in category_slug:
            by_category[category_slug[matter.category]].append(matter)
        for name in dict.fromkeys(matter.departments):
            if name in department_slug:
                by_department[department_slug[name]].append(matter)
    return ({slug: tuple(matters) for slug, matters in by_category.items()},
            {slug: tuple(matters) for slug, matters in by_department.items()})


def catalogue(content: Content, history: History = NO_HISTORY,
              markdown: MarkdownRenderer | None = None, listing: Listing = Listing()) -> Catalogue:
    """Lookups for rendering ``content``; pass ``markdown`` to keep its cache across incremental rebuilds."""
    by_category, by_department = group_matters(content)
    return Catalogue(
        content=content,
        markdown=MarkdownRenderer(content.departments) if markdown is None else markdown,
        categories=content.category_by_name(),
        departments=content.department_by_name(),
        by_category=by_category,
        by_department=by_department,
        history=history,
        positions={matter.id: index for index, matter in enumerate(content.matters)},
        listing=listing,
        publication=publication(content.site, history),
    )


def pages(content: Content, listing: Listing = Listing()) -> list[Page]:
    """Every HTML page of the site, in a stable order."""
    every = frozenset(matter.id for matter in content.matters)
    by_category, by_department = group_matters(content)
    listed: list[Page] = [
        Page(urls.HOME, "home.html", _home, every),
        *_list_pages(content, listing, by_category, every),
        Page(urls.CATEGORIES, "categories.html", _category_index, every),
        Page(urls.DEPARTMENTS, "departments.html", _department_index, every),
        Page(urls.SEARCH, "search.html", _search, every),  # lists the departments that have matters
        Page(urls.NOT_FOUND, "404.html", _not_found, frozenset()),
        Page(urls.HISTORY, "history.html", _history, frozenset()),  # shows History.revisions only
    ]
    for category in content.categories:
        ids = frozenset(m.id for m in by_category[category.slug])
        listed += _split_listing(ids, listing.category_pages_for(len(ids)), listing.category_per_page,
                                 partial(urls.category, category.slug), "category.html",
                                 partial(partial, _category, category), titles_only=True)
    for department in content.departments:
        ids = frozenset(m.id for m in by_department[department.slug])
        listed += _split_listing(ids, listing.pages_for(len(ids)), listing.per_page,
                                 partial(urls.department, department.slug), "department.html",
                                 partial(partial, _department, department))
    for index, matter in enumerate(content.matters):
        # Neighbours count too: the page shows their titles in previous/next.
        neighbours = content.matters[max(0, index - 1):index + 2]
        listed.append(Page(urls.matter(matter.id), "matter.html", partial(_matter, matter),
                           frozenset(m.id for m in neighbours)))
    return listed


def _list_pages(content: Content, listing: Listing, by_category: dict[str, tuple[Matter, ...]],
                every: frozenset[str]) -> list[Page]:
    """The full list: one page, or an index and one part per category once it is too long to use."""
    if not listing.splits_list(len(content.matters)):
        return [Page(urls.FULL_LIST, "list.html", _full_list, every, len(every))]
    parts = [Page(urls.FULL_LIST, "list_index.html", _list_index, every)]
    for category in content.categories:
        ids = frozenset(m.id for m in by_category[category.slug])
        parts += _split_listing(ids, listing.part_pages_for(len(ids)), listing.part_per_page,
                                partial(urls.list_part, category.slug), "list_part.html",
                                partial(partial, _list_part, category))
    return parts


@dataclass(frozen=True)
class Slot:
    """Which page of a listing of matters split into ``count`` pages of ``per_page`` a page is."""

    number: int  # 1-based
    count: int
    per_page: int
    address: Callable[[int], str]  # the path of page n

    def of(self, matters: tuple[Matter, ...]) -> tuple[tuple[Matter, ...], Paging | None]:
        """The listing's ``matters`` this page shows, and where it sits among the pages (None: one page)."""
        if self.count == 1:
            return matters, None
        return (matters[(self.number - 1) * self.per_page:self.number * self.per_page],
                Paging(self.number, tuple(self.address(n) for n in range(1, self.count + 1))))

    def title(self, name: str) -> str:
        """The page's title: ``name``, with its page number from the second page on."""
        return name if self.number == 1 else f"{name}（第 {self.number} 页）"


def _split_listing(ids: frozenset[str], count: int, per_page: int, address: Callable[[int], str], template: str,
                   context: Callable[[Slot], Callable[[Catalogue, str], dict[str, Any]]],
                   titles_only: bool = False) -> list[Page]:
    """The ``count`` pages of one listing of the matters ``ids`` (a category's, a department's, a part of
    the full list); ``titles_only``: it shows no duty text, which makes a page cheaper to render.

    Every page depends on all the listing's matters: one added or moved shifts the pages.
    """
    shown = len(ids) if count == 1 else per_page
    cost = 1 + shown // 10 if titles_only else shown
    return [Page(address(number), template, context(Slot(number, count, per_page, address)), ids, cost)
            for number in range(1, count + 1)]


def render_pages(content: Content, selected: Iterable[Page] | None = None,
                 templates_dir: Path = TEMPLATES_DIR, history: History = NO_HISTORY,
                 markdown: MarkdownRenderer | None = None, listing: Listing = Listing()) -> dict[str, bytes]:
    """``{path: html bytes}`` for the selected pages (default: all of them)."""
    env = environment(templates_dir)
    books = catalogue(content, history, markdown, listing)
    chosen = pages(content, listing) if selected is None else selected
    return {page.path: render_page(env, books, page) for page in chosen}


def render_page(env: Environment, books: Catalogue, page: Page) -> bytes:
    """One page's HTML; the incremental build calls this with an environment and catalogue it keeps."""
    root = urls.root_for(page.path)
    variables = {"site": books.content.site, "root": root, "path": page.path, "publication": books.publication,
                 **page.context(books, root)}
    return env.get_template(page.template).render(variables).encode("utf-8")


class Once:
    """Macro calls whose HTML many pages repeat, rendered once per distinct arguments.

    Every page carries the same header, footer and breadcrumbs, and many
    matters the same list of departments: at 10,000 pages rendering them
    again each time was a third of the template time. Templates import
    ``shared.html`` as ``macros`` and write ``{{ once(macros.footer, site,
    root, wrap) }}``; the macro and its arguments are the cache key, so a
    macro must take everything it shows as an argument (each hashable:
    frozen dataclasses, tuples, strings). One instance lives as long as its
    environment: a template change means a new environment, hence a fresh
    cache.
    """

    def __init__(self) -> None:
        self._done: dict[tuple[Hashable, ...], Markup] = {}

    def __call__(self, macro: Callable[..., Markup], *args: Hashable) -> Markup:
        key = (macro, *args)
        html = self._done.get(key)
        if html is None:
            html = self._done[key] = macro(*args)
        return html


class _Environment(Environment):
    """Jinja's environment, with each template's globals in a plain dict.

    Jinja gives every template a ChainMap over the environment's globals.
    Each render copies it into the page's context, and each ``{% import %}``
    compares its keys with the context's: a ChainMap looks a key up map by
    map, raising and catching a KeyError for every global that the first
    map lacks, which made rendering an empty template about three times as
    slow (15 µs instead of 5) and an import several times. ``environment``
    sets the globals before any template loads and nothing changes them
    afterwards (as Jinja asks), so a copy per template holds the same values.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def environment(templates_dir: Path = TEMPLATES_DIR, compiled: dict[str, bytes] | None = None) -> Environment:
    """The Jinja environment of one build (or of one template state in ``serve``: it never reloads).

    ``compiled`` is what ``compile_templates`` returned for the same folder.
    """
    env = _Environment(loader=FileSystemLoader(templates_dir), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
                      bytecode_cache=CompiledTemplates(compiled) if compiled is not None else None)
    env.globals["urls"] = urls
    env.globals["TOWN_DUTIES_HEADING"] = TOWN_DUTIES_HEADING
    env.globals["once"] = Once()
    return env


def compile_templates(templates_dir: Path) -> dict[str, bytes]:
    """Every template of the folder compiled, as Jinja bytecode.

    Compiling takes a sixth of a 100-matter build; a worker of the build
    does it while this process loads the content. Jinja checks each entry
    against the template's source, so an edit in between means compiling
    that template again, never using stale code. A template that does not
    compile is left out: the build meets it again and reports it.
    """
    code: dict[str, bytes] = {}
    env = environment(templates_dir, code)
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except TemplateError:
            continue
    return code


class CompiledTemplates(BytecodeCache):
    """Jinja bytecode in memory, shared through ``compile_templates``."""

    def __init__(self, code: dict[str, bytes]):
        self._code = code

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


HOME_CRUMB = ("首页", urls.HOME)


def _meta(title: str, description: str, column: str, section: str,
          crumbs: tuple[tuple[str, str], ...] = (), here: str = "") -> dict[str, Any]:
    """Variables of the page's head and chrome.

    ``section`` is the main navigation's entry the page belongs to; ``crumbs`` are the (label, url)
    pairs of the path above the page, from 首页 (none on the home page), and ``here`` names the
    page at the end of that path (default: its title).
    """
    return {"title": title, "description": description, "column": column, "section": section, "crumbs": crumbs,
            "here": here or title}


def _home(books: Catalogue, root: str) -> dict[str, Any]:
    site = books.content.site
    return {
        **_meta("", site.description or site.title, "首页", "home"),
        **_counts(books),
    }


def _counts(books: Catalogue) -> dict[str, Any]:
    """The categories with their numbers of matters, as the home page and the categories index list them."""
    return {
        "categories": tuple((category, len(books.by_category[category.slug])) for category in books.content.categories),
        "matter_count": len(books.content.matters),
        "department_count": sum(1 for matters in books.by_department.values() if matters),
    }


def _category_index(books: Catalogue, root: str) -> dict[str, Any]:
    return {
        **_meta("按类别浏览", f"{books.content.site.title}的 {len(books.content.categories)} 个类别及各类的事项数。",
                "按类别", "categories", (HOME_CRUMB,)),
        **_counts(books),
    }


def _category(category: Category, slot: Slot, books: Catalogue, root: str) -> dict[str, Any]:
    matters = books.by_category[category.slug]
    shown, paging = slot.of(matters)
    return {
        **_meta(slot.title(category.name), f"{category.ordinal}、{category.name}：{len(matters)} 项配合履职事项及对应上级部门。",
                category.name, "categories", (HOME_CRUMB,),
                f"{category.ordinal}、{category.name}"),
        "category": category,
        "matter_count": len(matters),
        "paging": paging,
        "matters": [(matter, [books.departments[name] for name in matter.departments]) for matter in shown],
        **_neighbours(books.content.categories, category),
    }


def name_parts(site: Site, name: str) -> tuple[str, str]:
    """A department's name as (the district's or city's name it starts with, the part that tells it apart)."""
    for place in (site.district, site.city):
        if name.startswith(place) and len(name) > len(place):
            return place, name[len(place):]
    return "", name


def _department_index(books: Catalogue, root: str) -> dict[str, Any]:
    site = books.content.site
    levels = [(level, [(d, *name_parts(site, d.name), len(books.by_department[d.slug]))
                       for d in books.content.departments if d.level == level])
              for level in DEPARTMENT_LEVELS]
    return {
        **_meta("按上级部门浏览", "清单涉及的上级部门（区级、市级、其他）及各部门对应的配合履职事项数。",
                "上级部门", "departments", (HOME_CRUMB,)),
        "levels": [(level, departments) for level, departments in levels if departments],
    }


def _department(department: Department, slot: Slot, books: Catalogue, root: str) -> dict[str, Any]:
    matters = books.by_department[department.slug]
    shown, paging = slot.of(matters)
    return {
        **_meta(slot.title(department.name), f"{department.name}在{books.content.site.title}中的 {len(matters)} 项事项："
                f"本部门职责与镇的配合职责。", "上级部门", "departments",
                (HOME_CRUMB, ("部门", urls.DEPARTMENTS))),
        "department": department,
        "matter_count": len(matters),
        "paging": paging,
        "entries": [books.view(matter, root, town_shift=1, own=department) for matter in shown],
    }


def _matter(matter: Matter, books: Catalogue, root: str) -> dict[str, Any]:
    view = books.view(matter, root)
    matters = books.content.matters
    position = books.positions[matter.id]
    return {
        **_meta(matter.title, f"第 {matter.number} 项 {matter.title}：对应上级部门"
                f"{'、'.join(matter.departments)}；上级部门职责、履职保障与镇的配合职责。",
                view.category.name, "categories",
                (HOME_CRUMB, (f"{view.category.ordinal}、{view.category.name}", urls.category(view.category.slug)))),
        "view": view,
        "revisions": books.history.of(matter.id),
        "previous": matters[position - 1] if position > 0 else None,
        "next": matters[position + 1] if position + 1 < len(matters) else None,
    }


def _full_list(books: Catalogue, root: str) -> dict[str, Any]:
    groups = [(category, [books.view(matter, root, flat=True) for matter in books.by_category[category.slug]])
              for category in books.content.categories]
    return {
        **_meta("全部清单", f"{books.content.site.title}全文：{len(books.content.matters)} 项事项按类别排列，"
                "可打印。", "全部清单", "list", (HOME_CRUMB,)),
        "groups": groups,
        "matter_count": len(books.content.matters),
    }


def _list_index(books: Catalogue, root: str) -> dict[str, Any]:
    return {
        **_meta("全部清单", f"{books.content.site.title}全文：{len(books.content.matters)} 项事项按类别分为 "
                f"{len(books.content.categories)} 部分，每部分可单独打印。", "全部清单", "list",
                (HOME_CRUMB,)),
        "parts": [(category, len(matters), books.listing.part_pages_for(len(matters)))
                  for category in books.content.categories for matters in [books.by_category[category.slug]]],
        "matter_count": len(books.content.matters),
    }


def _list_part(category: Category, slot: Slot, books: Catalogue, root: str) -> dict[str, Any]:
    matters = books.by_category[category.slug]
    shown, paging = slot.of(matters)
    return {
        **_meta(slot.title(f"全部清单：{category.ordinal}、{category.name}"), f"{books.content.site.title}全文的第{category.ordinal}部分：{category.name}，"
                f"{len(matters)} 项事项，可打印。", "全部清单", "list",
                (HOME_CRUMB, ("全部清单", urls.FULL_LIST))),
        "groups": [(category, [books.view(matter, root, flat=True) for matter in shown])],
        "category": category,
        "matter_count": len(matters),
        "paging": paging,
        **_neighbours(books.content.categories, category),
    }


def _neighbours(categories: tuple[Category, ...], category: Category) -> dict[str, Category | None]:
    """The categories before and after ``category`` in the official order."""
    position = categories.index(category)
    return {"previous": categories[position - 1] if position > 0 else None,
            "next": categories[position + 1] if position + 1 < len(categories) else None}


def _search(books: Catalogue, root: str) -> dict[str, Any]:
    return {
        **_meta("搜索", "按关键词、类别和部门搜索配合履职事项。", "搜索", "search",
                (HOME_CRUMB,)),
        "categories": books.content.categories,
        "departments": [d for d in books.content.departments if books.by_department[d.slug]],
    }


def _history(books: Catalogue, root: str) -> dict[str, Any]:
    return {
        **_meta("修订记录", f"{books.content.site.title}历次修订的日期、说明和内容变化，按时间从新到旧排列。",
                "修订记录", "history", (HOME_CRUMB,)),
        **history_page(books.history),
    }


def _not_found(books: Catalogue, root: str) -> dict[str, Any]:
    return _meta("页面未找到", "您访问的页面不存在。", "页面未找到", "")
