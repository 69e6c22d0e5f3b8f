"""Render stage: validated content → every HTML page of the site, as bytes.

Pure: nothing here touches the output folder. ``pages`` lists every page
with the template it uses, how to build its context and which matters it
shows, so that a later incremental build can re-render only the pages that
depend on changed matters.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator import urls
from generator.history import NO_HISTORY, History, revision_views
from generator.markup import MarkdownRenderer
from generator.model import DEPARTMENT_LEVELS, TOWN_DUTIES_HEADING, Category, Content, Department, Matter

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


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

    def sections_of(self, department: Department) -> tuple[SectionView, ...]:
        """The sections that name ``department``, alone or in a group."""
        return tuple(section for section in self.sections if department in section.departments)


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

    def view(self, matter: Matter, root: str, *, flat: bool = False, town_shift: int = 0,
             own_slug: str = "") -> MatterView:
        def html(text: str, shift: int = 0) -> Markup:
            return self.markdown.html(text, root, shift=shift, flat=flat, own_slug=own_slug)

        return MatterView(
            matter=matter,
            url=urls.matter(matter.id),
            category=self.categories[matter.category],
            departments=tuple(self.departments[name] for name in matter.departments),
            sections=tuple(SectionView(section.heading, tuple(self.departments[name] for name in section.departments),
                                       html(section.markdown)) for section in matter.upper_sections),
            guarantee=html(matter.guarantee),
            town=html(matter.town_duties, town_shift),
            notes=tuple(html(note) for note in matter.notes),
        )


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


def catalogue(content: Content, history: History = NO_HISTORY,
              markdown: MarkdownRenderer | None = None) -> Catalogue:
    """Lookups for rendering ``content``; pass ``markdown`` to keep its cache across incremental rebuilds."""
    return Catalogue(
        content=content,
        markdown=MarkdownRenderer(content.departments) if markdown is None else markdown,
        categories=content.category_by_name(),
        departments=content.department_by_name(),
        by_category={category.slug: tuple(m for m in content.matters if m.category == category.name)
                     for category in content.categories},
        by_department={department.slug: tuple(m for m in content.matters if department.name in m.departments)
                       for department in content.departments},
        history=history,
        positions={matter.id: index for index, matter in enumerate(content.matters)},
    )


def pages(content: Content) -> list[Page]:
    """Every HTML page of the site, in a stable order."""
    every = frozenset(matter.id for matter in content.matters)
    listed: list[Page] = [
        Page(urls.HOME, "home.html", _home, every),
        Page(urls.FULL_LIST, "list.html", _full_list, every),
        Page(urls.DEPARTMENTS, "departments.html", _department_index, every),
        Page(urls.SEARCH, "search.html", _search, every),  # lists the departments that have matters
        Page(urls.NOT_FOUND, "404.html", _not_found, frozenset()),
        Page(urls.HISTORY, "history.html", _history, frozenset()),  # shows History.revisions only
    ]
    for category in content.categories:
        ids = frozenset(m.id for m in content.matters if m.category == category.name)
        listed.append(Page(urls.category(category.slug), "category.html", partial(_category, category), ids))
    for department in content.departments:
        ids = frozenset(m.id for m in content.matters if department.name in m.departments)
        listed.append(Page(urls.department(department.slug), "department.html", partial(_department, department), ids))
    for index, matter in enumerate(content.matters):
        # Neighbours count too: the page shows their titles in previous/next.
        neighbours = content.matters[max(0, index - 1):index + 2]
        listed.append(Page(urls.matter(matter.id), "matter.html", partial(_matter, matter),
                           frozenset(m.id for m in neighbours)))
    return listed


def render_pages(content: Content, selected: Iterable[Page] | None = None,
                 templates_dir: Path = TEMPLATES_DIR, history: History = NO_HISTORY,
                 markdown: MarkdownRenderer | None = None) -> dict[str, bytes]:
    """``{path: html bytes}`` for the selected pages (default: all of them)."""
    env = environment(templates_dir)
    books = catalogue(content, history, markdown)
    return {page.path: render_page(env, books, page) for page in (pages(content) if selected is None else selected)}


def render_page(env: Environment, books: Catalogue, page: Page) -> bytes:
    """One page's HTML; the incremental build calls this with an environment and catalogue it keeps."""
    root = urls.root_for(page.path)
    variables = {"site": books.content.site, "root": root, "path": page.path, **page.context(books, root)}
    return env.get_template(page.template).render(variables).encode("utf-8")


def environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    env = Environment(loader=FileSystemLoader(templates_dir), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["urls"] = urls
    env.globals["TOWN_DUTIES_HEADING"] = TOWN_DUTIES_HEADING
    return env


def _meta(title: str, description: str, column: str, section: str,
          crumbs: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """Variables of the page's head and chrome; ``crumbs`` are (label, url) pairs above the page."""
    return {"title": title, "description": description, "column": column, "section": section, "crumbs": crumbs}


def _home(books: Catalogue, root: str) -> dict[str, Any]:
    site = books.content.site
    return {
        **_meta("", site.description or site.title, "首页", "home"),
        "categories": [(category, len(books.by_category[category.slug])) for category in books.content.categories],
        "matter_count": len(books.content.matters),
        "department_count": sum(1 for matters in books.by_department.values() if matters),
    }


def _category(category: Category, books: Catalogue, root: str) -> dict[str, Any]:
    matters = books.by_category[category.slug]
    position = books.content.categories.index(category)
    return {
        **_meta(category.name, f"{category.ordinal}、{category.name}：{len(matters)} 项配合履职事项及对应上级部门。",
                category.name, "home", ((books.content.site.title, urls.HOME),)),
        "category": category,
        "matters": [(matter, [books.departments[name] for name in matter.departments]) for matter in matters],
        "previous": books.content.categories[position - 1] if position > 0 else None,
        "next": books.content.categories[position + 1] if position + 1 < len(books.content.categories) else None,
    }


def _department_index(books: Catalogue, root: str) -> dict[str, Any]:
    levels = [(level, [(d, len(books.by_department[d.slug])) for d in books.content.departments if d.level == level])
              for level in DEPARTMENT_LEVELS]
    return {
        **_meta("按上级部门浏览", "清单涉及的上级部门（区级、市级、其他）及各部门对应的配合履职事项数。",
                "上级部门", "departments", ((books.content.site.title, urls.HOME),)),
        "levels": [(level, departments) for level, departments in levels if departments],
    }


def _department(department: Department, books: Catalogue, root: str) -> dict[str, Any]:
    matters = books.by_department[department.slug]
    entries = [books.view(matter, root, town_shift=1, own_slug=department.slug) for matter in matters]
    return {
        **_meta(department.name, f"{department.name}在兴胜镇配合履职事项清单中的 {len(matters)} 项事项："
                f"本部门职责与镇的配合职责。", "上级部门", "departments",
                ((books.content.site.title, urls.HOME), ("上级部门", urls.DEPARTMENTS))),
        "department": department,
        "entries": entries,
    }


def _matter(matter: Matter, books: Catalogue, root: str) -> dict[str, Any]:
    view = books.view(matter, root)
    matters = books.content.matters
    position = books.positions[matter.id]
    return {
        **_meta(matter.title, f"第 {matter.number} 项 {matter.title}：对应上级部门"
                f"{'、'.join(matter.departments)}；上级部门职责、履职保障与镇的配合职责。",
                view.category.name, "home",
                ((books.content.site.title, urls.HOME), (view.category.name, urls.category(view.category.slug)))),
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
                "可打印。", "全部清单", "list", ((books.content.site.title, urls.HOME),)),
        "groups": groups,
        "matter_count": len(books.content.matters),
    }


def _search(books: Catalogue, root: str) -> dict[str, Any]:
    return {
        **_meta("搜索", "按关键词、类别和部门搜索配合履职事项。", "搜索", "search",
                ((books.content.site.title, urls.HOME),)),
        "categories": books.content.categories,
        "departments": [d for d in books.content.departments if books.by_department[d.slug]],
    }


def _history(books: Catalogue, root: str) -> dict[str, Any]:
    return {
        **_meta("修订记录", f"{books.content.site.title}历次修订的日期、说明和内容变化，按时间从新到旧排列。",
                "修订记录", "history", ((books.content.site.title, urls.HOME),)),
        "revisions": revision_views(books.history),
    }


def _not_found(books: Catalogue, root: str) -> dict[str, Any]:
    return _meta("页面未找到", "您访问的页面不存在。", "页面未找到", "")
