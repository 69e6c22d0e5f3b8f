"""The pages of a site with several lists that no single list has.

- A list of a declared type other than peihe (基本, 收回): its own pages,
  walking the type's declaration — the list (``<town>/<type>/index.html``,
  every matter in full, by category where the type has categories, printable),
  a page per matter, and its revision history where git has one
  (``<town>/<type>/history/index.html``, ``review.typed_history``).
- Each department across the district (``departments/<slug>/index.html``):
  per town, its own duties next to the town's cooperating duties in every
  配合 matter it leads, and the matters it took back (收回), so 区民政局 sees
  its work with all the towns on one page.
- The same matter in several towns (``compare/``): which towns list it, and
  where their texts differ from the text most towns share, character by
  character (``review.comparison``, the change engine of ``diff``, for 配合
  matters; ``review.typed_comparison`` for 基本 and 收回 matters, grouped
  within their type, their fields by the type's declaration,
  ``compare/<type>/<id>.html``).
- With ``build --changes-base REV``, the changes page of a pull request's
  preview site (``changes/index.html``): every list that changed since
  ``REV``, named as ``diff`` names it, with what changed in it, and a link
  to each changed 配合 list's own changes page.

Pure: a ``Library`` in, ``{path: html bytes}`` out. The peihe lists' own
pages are today's renderer's (``render``), built into ``<town>/peihe/``.
Each page names the matters it shows (``DistrictPage.matters``), so that
``serve`` renders again only the pages an edit changes.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from markupsafe import Markup

from generator.content.list_types import ListType
from generator.content.model import PEIHE, DEPARTMENT_LEVELS, Content, Department, Library, MatterList, TypedMatter
from generator.content.typed_matter import DEPARTMENT_SEPARATOR
from generator.review.changes import REMOVED
from generator.review.comparison import ComparedList, SameMatter, same_matters
from generator.review.typed_changes import TypedSide
from generator.review.typed_comparison import SameTypedMatter, TypedComparedList, same_typed_matters
from generator.review.typed_history import TypedHistory
from generator.review.library_changes import ListChange
from generator.review.library_format import library_summary_line, list_groups, list_summary_line, shared_groups
from generator.site import district_search, urls
from generator.site.change_view import MatterView as ChangedView
from generator.site.change_view import matter_view
from generator.site.markup import MarkdownRenderer, matter_texts
from generator.site.render import Catalogue, MatterView, catalogue, name_parts
from generator.site.typed_change_view import typed_matter_revisions, typed_matter_view, typed_revision_views

if TYPE_CHECKING:
    from generator.site.changes_page import LibraryReview

SHOUHUI = "shouhui"
DEPARTMENTS = "departments/index.html"
COMPARE = "compare/index.html"
CHANGES = "changes/index.html"  # as a single list's changes page (changes_page.CHANGES_PAGE)
HOME_CRUMB = ("首页", urls.HOME)


def department_page(slug: str) -> str:
    return f"departments/{slug}/index.html"


def compare_page(key: str) -> str:
    return f"compare/{key}.html"


def typed_compare_page(list_type: str, key: str) -> str:
    """A typed group's page: in its type's folder, so that its name never meets a 配合 group's."""
    return f"compare/{list_type}/{key}.html"


def town_anchor(town: str) -> str:
    """A town's place on the district home (a town has no page of its own: its lists are all it has)."""
    return f"{urls.HOME}#town-{town}"


def list_home(matter_list: MatterList) -> str:
    return f"{matter_list.info.key}/{urls.HOME}"


def list_matter(matter_list: MatterList, matter_id: str) -> str:
    return f"{matter_list.info.key}/{urls.matter(matter_id)}"


def list_history(matter_list: MatterList) -> str:
    return f"{matter_list.info.key}/{urls.HISTORY}"


# --- values for the templates ------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    label: str
    text: str
    departments: tuple[Department, ...] = ()  # a department field: linked to the district's department pages


@dataclass(frozen=True)
class SectionView:
    heading: str
    html: Markup


@dataclass(frozen=True)
class TypedView:
    """A typed matter for one page: its declared fields and sections, in declared order."""

    matter: TypedMatter
    url: str  # from the site root
    category: str
    fields: tuple[FieldView, ...]
    sections: tuple[SectionView, ...]


@dataclass(frozen=True)
class TownPart:
    """One town's share of a department's page."""

    town: str
    peihe: tuple[tuple[str, MatterView], ...]  # (matter page from the site root, the matter with the department's sections)
    taken_back: tuple[TypedView, ...]


@dataclass(frozen=True)
class Variant:
    town: str
    url: str
    number: int
    change: ChangedView | None  # None: the text is the reference's


@dataclass
class District:
    """Lookups every district page needs, built once per build."""

    library: Library
    types: dict[str, ListType]
    markdown: MarkdownRenderer
    towns: dict[str, str]  # town slug → name
    departments: dict[str, Department]  # canonical name → department
    contents: dict[str, Content]  # peihe list key → its Content
    books: dict[str, Catalogue]  # peihe list key → its catalogue
    compared: tuple[SameMatter, ...]
    compare_keys: dict[int, str]  # id(SameMatter) → its page's key
    typed_compared: tuple[SameTypedMatter, ...]  # the 基本 and 收回 matters several towns list
    typed_compare_keys: dict[int, str]  # id(SameTypedMatter) → its page's key, unique within its type
    review: LibraryReview | None = None  # build --changes-base: what changed since a revision
    histories: dict[str, TypedHistory] | None = None  # typed list key → its revisions in git

    def history_of(self, matter_list: MatterList) -> TypedHistory | None:
        """The list's history when it has revisions to show; None otherwise (no page, no link)."""
        history = (self.histories or {}).get(matter_list.info.key)
        return history if history is not None and history.revisions else None


@dataclass(frozen=True)
class Prepared:
    """What the district's pages need that a build makes beforehand, on every core (``stages``)."""

    markdown: MarkdownRenderer  # for the library's departments, holding the conversion of every text
    compared: tuple[SameMatter, ...]  # same_matters of compared_lists
    typed_compared: tuple[SameTypedMatter, ...]  # typed_compared


def district(library: Library, types: dict[str, ListType], review: LibraryReview | None = None,
             previous: District | None = None, histories: dict[str, TypedHistory] | None = None,
             prepared: Prepared | None = None) -> District:
    """The lookups of ``library``'s pages (``review``: what changed since a revision, for ``build --changes-base``).

    ``previous``: those of an earlier version of the library with the same
    publisher, towns, departments and list types (``serve``, after an edit
    in some lists); what belongs to lists that are the very same objects,
    and the comparisons of the very same matters, are taken from it.
    ``histories``: the 基本 and 收回 lists' revisions, by list key.
    ``prepared``: the Markdown conversions and comparisons made already (a
    build makes them on every core, ``stages._prepare_district``).
    """
    old = _reusable(library, previous)
    markdown = (prepared.markdown if prepared is not None else
                previous.markdown if previous is not None else MarkdownRenderer(library.departments))
    peihe = [matter_list for matter_list in library.lists if matter_list.info.type == PEIHE]
    kept = {matter_list.info.key for matter_list in peihe if old.get(matter_list.info.key) is matter_list}
    assert previous is not None or not kept
    contents = {matter_list.info.key: previous.contents[matter_list.info.key] if matter_list.info.key in kept  # type: ignore[union-attr]
                else library.content_of(matter_list) for matter_list in peihe}
    towns = {town.slug: town.name for town in library.towns}
    same_categories = previous is not None and all(
        content.categories == previous.contents[key].categories for key, content in contents.items()
        if key in previous.contents)
    compared = prepared.compared if prepared is not None else same_matters(
        [ComparedList(key, towns[content_key_town(key)], content) for key, content in contents.items()],
        previous=previous.compared if previous is not None and same_categories else ())
    books = {key: previous.books[key] if key in kept else catalogue(content, markdown=markdown)  # type: ignore[union-attr]
             for key, content in contents.items()}
    typed = prepared.typed_compared if prepared is not None else typed_compared(
        library, types, previous.typed_compared if previous is not None and all(
            matter_list.categories == old[matter_list.info.key].categories for matter_list in library.lists
            if matter_list.info.key in old) else ())
    return District(library, types, markdown, towns, {d.name: d for d in library.departments}, contents,
                    books, compared, _compare_keys(compared), typed, _typed_compare_keys(typed), review, histories)


def compared_lists(library: Library) -> list[ComparedList]:
    """The peihe lists, as the comparison of the same matter across towns takes them."""
    towns = {town.slug: town.name for town in library.towns}
    return [ComparedList(matter_list.info.key, towns[matter_list.info.town], library.content_of(matter_list))
            for matter_list in library.lists if matter_list.info.type == PEIHE]


def library_texts(library: Library, types: dict[str, ListType]) -> list[str]:
    """Every Markdown text of every list, each once: what the lists' and the district's pages convert.

    The towns' lists share most of their texts (one department's duties in
    every town), so converting them once for the library, not once per list
    and again for the district's pages, saves most of the conversions.
    """
    texts: dict[str, None] = {}
    for matter_list in library.lists:
        if matter_list.info.type == PEIHE:
            texts.update(dict.fromkeys(matter_texts(library.content_of(matter_list))))
            continue
        keys = [section.key for section in types[matter_list.info.type].body]
        for matter in matter_list.matters:
            texts.update(dict.fromkeys(text for key in keys if (text := matter.value(key))))
    return list(texts)


def _reusable(library: Library, previous: District | None) -> dict[str, MatterList]:
    """The previous lists by key, if ``previous`` may be reused for ``library`` at all."""
    if previous is None:
        return {}
    before = previous.library
    if (before.site, before.departments, before.towns) != (library.site, library.departments, library.towns):
        raise ValueError("district: the previous library has another publisher, towns or departments")
    return {matter_list.info.key: matter_list for matter_list in before.lists}


def typed_compared(library: Library, types: dict[str, ListType],
                   previous: tuple[SameTypedMatter, ...] = ()) -> tuple[SameTypedMatter, ...]:
    """The 基本 and 收回 matters that several towns list, each type apart, compared by its declaration
    (``previous``: reused for the very same matters, as ``same_typed_matters`` says)."""
    return same_typed_matters(typed_compared_lists(library, types), previous=previous)


def typed_compared_lists(library: Library, types: dict[str, ListType]) -> list[TypedComparedList]:
    """The lists of every type but peihe, as their comparison across towns takes them."""
    towns = {town.slug: town.name for town in library.towns}
    return [TypedComparedList(matter_list.info.key, towns[matter_list.info.town], types[matter_list.info.type],
                              TypedSide(matter_list.categories, library.departments, matter_list.matters))
            for matter_list in library.lists if matter_list.info.type != PEIHE]


def _typed_compare_keys(typed: tuple[SameTypedMatter, ...]) -> dict[int, str]:
    """Page names unique within each type (each type has its own folder under compare/)."""
    keys: dict[int, str] = {}
    for list_type in dict.fromkeys(group.list_type.type for group in typed):
        keys.update(_compare_keys(tuple(group for group in typed if group.list_type.type == list_type)))
    return keys


def content_key_town(key: str) -> str:
    return key.split("/", 1)[0]


def _compare_keys(compared: tuple[SameMatter, ...] | tuple[SameTypedMatter, ...]) -> dict[int, str]:
    """Each group's page name: its reference matter's id, numbered on where two groups share one."""
    keys: dict[int, str] = {}
    used: set[str] = set()
    for group in compared:
        base = key = group.reference.matter.id
        count = 1
        while key in used:
            count += 1
            key = f"{base}-{count}"
        used.add(key)
        keys[id(group)] = key
    return keys


# --- pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictPage:
    path: str
    template: str
    make: Any  # (District, root) → the page's variables
    # The matters the page shows, as (list key, matter id); None: it sums up every list (counts, titles).
    matters: frozenset[tuple[str, str]] | None = None


def district_pages(books: District) -> list[DistrictPage]:
    """Every page above and beside the lists, and the typed lists' own pages."""
    found = [DistrictPage(urls.HOME, "district_home.html", _home),
             DistrictPage(DEPARTMENTS, "district_departments.html", _department_index),
             DistrictPage(district_search.PAGE, "district_search.html", _search)]
    shown = _department_matters(books)
    for department in _departments_in_use(books):
        found.append(DistrictPage(department_page(department.slug), "district_department.html",
                                  lambda d, root, department=department: _department(d, department, root),
                                  frozenset(shown.get(department.name, ()))))
    if books.compared or books.typed_compared:
        found.append(DistrictPage(COMPARE, "compare_index.html", _compare_index))
    for group in books.compared:
        members = (group.reference, *(variant.listed for variant in group.variants))
        found.append(DistrictPage(compare_page(books.compare_keys[id(group)]), "compare.html",
                                  lambda d, root, group=group: _compare(d, group, root),
                                  frozenset((member.list_key, member.matter.id) for member in members)))
    for typed in books.typed_compared:
        members = (typed.reference, *(variant.listed for variant in typed.variants))
        found.append(DistrictPage(_typed_compare_path(books, typed), "compare.html",
                                  lambda d, root, typed=typed: _compare_typed(d, typed, root),
                                  frozenset((member.list_key, member.matter.id) for member in members)))
    for matter_list in books.library.lists:
        if matter_list.info.type != PEIHE:
            found.extend(_typed_list_pages(books, matter_list))
    if books.review is not None:
        found.append(DistrictPage(CHANGES, "district_changes.html", _changes))
    found.append(DistrictPage(urls.NOT_FOUND, "district_404.html", _not_found, frozenset()))  # the towns only
    return found


def render_district_page(env: Environment, books: District, page: DistrictPage) -> bytes:
    root = urls.root_for(page.path)
    variables = {"site": books.library.site, "root": root, "path": page.path,
                 "example": any(matter_list.info.example for matter_list in books.library.lists),
                 **page.make(books, root)}
    return env.get_template(page.template).render(variables).encode("utf-8")


def _meta(title: str, description: str, section: str, crumbs: tuple[tuple[str, str], ...] = (),
          here: str = "") -> dict[str, Any]:
    return {"title": title, "description": description, "section": section, "crumbs": crumbs,
            "here": here or title}


def _home(books: District, root: str) -> dict[str, Any]:
    library = books.library
    towns = [(town, [(matter_list.info, len(matter_list.matters)) for matter_list in library.lists_of(town.slug)])
             for town in library.towns]
    return {
        **_meta(library.site.title, library.site.description or library.site.title, "home"),
        "towns": towns, "list_count": len(library.lists),
        "matter_count": sum(len(matter_list.matters) for matter_list in library.lists),
    }


def _not_found(books: District, root: str) -> dict[str, Any]:
    """Served by the server for any missing address: its script finds the root among these folders."""
    towns = tuple(town.slug for town in books.library.towns)
    return {**_meta("页面未找到", "您访问的页面不存在。", ""), "column": "页面未找到",
            "root_folders": ("departments", "compare", "search", "static") + towns}


def _search(books: District, root: str) -> dict[str, Any]:
    """The search over every list (``district_search``): its form's choices, and the lists to browse without it."""
    library = books.library
    return {**_meta("搜索全区事项", "在全区各镇街的全部清单中搜索事项。", "search", (HOME_CRUMB,)),
            **district_search.page_choices(library, books.types),
            "lists_of": {town.slug: [matter_list.info for matter_list in library.lists_of(town.slug)]
                         for town in library.towns}}


# --- typed lists -------------------------------------------------------------------------------------


def _typed_list_pages(books: District, matter_list: MatterList) -> Iterator[DistrictPage]:
    key = matter_list.info.key
    yield DistrictPage(list_home(matter_list), "typed_list.html",
                       lambda d, root: _typed_list(d, matter_list, root),
                       frozenset((key, matter.id) for matter in matter_list.matters))
    for matter in matter_list.matters:
        yield typed_matter_page(matter_list, matter)
    history = books.history_of(matter_list)
    if history is not None:
        yield DistrictPage(list_history(matter_list), "typed_history.html",
                           lambda d, root: _typed_history(d, matter_list, history, root),
                           frozenset((key, matter.id) for matter in matter_list.matters))


def typed_matter_page(matter_list: MatterList, matter: TypedMatter) -> DistrictPage:
    """The page of one matter of a 基本 or 收回 list."""
    return DistrictPage(list_matter(matter_list, matter.id), "typed_matter.html",
                        lambda d, root: _typed_matter(d, matter_list, matter, root),
                        frozenset({(matter_list.info.key, matter.id)}))


def _typed_history(books: District, matter_list: MatterList, history: TypedHistory, root: str) -> dict[str, Any]:
    """The list's revisions, newest first, each with what it changed, as a 配合 list's 修订记录 page has them."""
    info, town = matter_list.info, books.towns[matter_list.info.town]
    revisions = typed_revision_views(history)
    return {
        **_meta("修订记录", f"{info.title}的修订记录。", "home",
                (HOME_CRUMB, (town, town_anchor(info.town)), (info.title, list_home(matter_list))), "修订记录"),
        "info": info, "revisions": revisions, "more": len(history.revisions) - len(revisions),
        "list_root": f"{root}{info.key}/", "pages": frozenset(matter.id for matter in matter_list.matters),
    }


def _typed_list(books: District, matter_list: MatterList, root: str) -> dict[str, Any]:
    info, list_type = matter_list.info, books.types[matter_list.info.type]
    views = [typed_view(books, matter_list, matter, root) for matter in matter_list.matters]
    groups = [(category.name, [view for view in views if view.category == category.name])
              for category in matter_list.categories] if list_type.categories else [("", views)]
    town = books.towns[info.town]
    return {
        **_meta(info.title, f"{town}{list_type.label}：共 {len(views)} 项事项。", "home",
                (HOME_CRUMB, (town, town_anchor(info.town))), info.title),
        "info": info, "list_type": list_type, "town": town,
        "groups": [(name, group) for name, group in groups if group],
        "matter_count": len(views),
        "history_url": list_history(matter_list) if books.history_of(matter_list) is not None else "",
    }


def _typed_matter(books: District, matter_list: MatterList, matter: TypedMatter, root: str) -> dict[str, Any]:
    info = matter_list.info
    view = typed_view(books, matter_list, matter, root)
    history = books.history_of(matter_list)
    return {
        **_meta(matter.title, f"{info.title}第 {matter.number} 项：{matter.title}。", "home",
                (HOME_CRUMB, (books.towns[info.town], town_anchor(info.town)), (info.title, list_home(matter_list)))),
        "info": info, "view": view,
        "revisions": typed_matter_revisions(history, matter.id) if history is not None else (),
        "history_url": list_history(matter_list) if history is not None else "",
    }


def typed_view(books: District, matter_list: MatterList, matter: TypedMatter, root: str) -> TypedView:
    """``matter`` with its declared fields and rendered sections, for a page at ``root``."""
    list_type = books.types[matter_list.info.type]
    fields = []
    for field in list_type.fields:
        if field.kind in ("id", "number", "text", "category") or not matter.value(field.key):
            continue
        names = matter.value(field.key).split(DEPARTMENT_SEPARATOR)
        fields.append(FieldView(field.label, "、".join(names),
                                tuple(books.departments[name] for name in names if name in books.departments)))
    sections = tuple(SectionView(section.heading, books.markdown.html(matter.value(section.key), root))
                     for section in list_type.body if matter.value(section.key))
    category = matter.value("category") if list_type.categories else ""
    return TypedView(matter, list_matter(matter_list, matter.id), category, tuple(fields), sections)


# --- departments across the district -----------------------------------------------------------------


def _departments_in_use(books: District) -> list[Department]:
    used = {name for key, book in books.books.items() for name in book.departments
            if book.by_department.get(book.departments[name].slug)}
    used |= {name for _list, matter in _taken_back(books) for name in [matter.value("department")]}
    return [department for department in books.library.departments if department.name in used]


def _department_matters(books: District) -> dict[str, set[tuple[str, str]]]:
    """Department name → the matters its district page shows: its 配合 matters and those it took back."""
    shown: dict[str, set[tuple[str, str]]] = {}
    for key, book in books.books.items():
        for department in book.content.departments:
            for matter in book.by_department.get(department.slug, ()):
                shown.setdefault(department.name, set()).add((key, matter.id))
    for matter_list, matter in _taken_back(books):
        shown.setdefault(matter.value("department"), set()).add((matter_list.info.key, matter.id))
    return shown


def _taken_back(books: District) -> Iterator[tuple[MatterList, TypedMatter]]:
    for matter_list in books.library.lists:
        if matter_list.info.type == SHOUHUI:
            for matter in matter_list.matters:
                yield matter_list, matter


def _department_index(books: District, root: str) -> dict[str, Any]:
    site = books.library.site
    counts = _department_counts(books)
    levels = [(level, [(department, *name_parts(site, department.name), counts.get(department.name, (0, 0)))
                       for department in _departments_in_use(books) if department.level == level])
              for level in DEPARTMENT_LEVELS]
    return {
        **_meta("上级部门", "各上级部门在全区各镇街清单中的配合事项和收回事项。", "departments", (HOME_CRUMB,)),
        "levels": [(level, departments) for level, departments in levels if departments],
    }


def _department_counts(books: District) -> dict[str, tuple[int, int]]:
    """Department name → (配合 matters across the towns, matters it took back)."""
    peihe: dict[str, int] = {}
    for book in books.books.values():
        for department in book.content.departments:
            peihe[department.name] = peihe.get(department.name, 0) + len(book.by_department.get(department.slug, ()))
    back: dict[str, int] = {}
    for _list, matter in _taken_back(books):
        back[matter.value("department")] = back.get(matter.value("department"), 0) + 1
    return {name: (peihe.get(name, 0), back.get(name, 0)) for name in {*peihe, *back}}


def _department(books: District, department: Department, root: str) -> dict[str, Any]:
    parts = []
    taken_by_town: dict[str, list[tuple[MatterList, TypedMatter]]] = {}
    for matter_list, matter in _taken_back(books):  # once, not once per town: a city has 90 towns
        if matter.value("department") == department.name:
            taken_by_town.setdefault(matter_list.info.town, []).append((matter_list, matter))
    for town in books.library.towns:
        peihe = []
        for matter_list in books.library.lists_of(town.slug):
            book = books.books.get(matter_list.info.key)
            if book is not None:
                peihe.extend((list_matter(matter_list, matter.id), book.view(matter, root, town_shift=1, own=department))
                             for matter in book.by_department.get(department.slug, ()))
        taken = tuple(typed_view(books, matter_list, matter, root)
                      for matter_list, matter in taken_by_town.get(town.slug, ()))
        if peihe or taken:
            parts.append(TownPart(town.name, tuple(peihe), taken))
    return {
        **_meta(department.name, f"{department.name}与全区各镇街的配合履职事项，以及收回的事项。", "departments",
                (HOME_CRUMB, ("上级部门", DEPARTMENTS))),
        "department": department, "parts": parts,
        "peihe_count": sum(len(part.peihe) for part in parts),
        "taken_count": sum(len(part.taken_back) for part in parts),
    }


# --- the same matter in several towns -----------------------------------------------------------------


@dataclass(frozen=True)
class CompareKind:
    """The groups of one list type on the compare index."""

    label: str  # the type's label: 配合履职事项清单
    list_count: int  # lists of this type in the district
    rows: tuple[tuple[str, SameMatter | SameTypedMatter], ...]  # (page from the site root, group)

    @property
    def differing(self) -> int:
        return sum(group.agreeing < group.towns for _url, group in self.rows)


def _compare_index(books: District, root: str) -> dict[str, Any]:
    kinds = [CompareKind(books.types[PEIHE].label, len(books.contents),
                         tuple((compare_page(books.compare_keys[id(group)]), group) for group in books.compared))]
    for list_type in dict.fromkeys(group.list_type.type for group in books.typed_compared):
        groups = [group for group in books.typed_compared if group.list_type.type == list_type]
        lists = sum(matter_list.info.type == list_type for matter_list in books.library.lists)
        kinds.append(CompareKind(books.types[list_type].label, lists,
                                 tuple((_typed_compare_path(books, group), group) for group in groups)))
    return {
        **_meta("各镇街同一事项比对", "同一事项在各镇街清单中的异同。", "compare", (HOME_CRUMB,)),
        "kinds": [kind for kind in kinds if kind.rows],
    }


def _typed_compare_path(books: District, group: SameTypedMatter) -> str:
    return typed_compare_page(group.list_type.type, books.typed_compare_keys[id(group)])


def _compare(books: District, group: SameMatter, root: str) -> dict[str, Any]:
    reference = group.reference
    agreeing = [reference.town, *(variant.listed.town for variant in group.variants if variant.change is None)]
    variants = [Variant(variant.listed.town, f"{variant.listed.list_key}/{urls.matter(variant.listed.matter.id)}",
                        variant.listed.matter.number, matter_view(variant.change))
                for variant in group.variants if variant.change is not None]
    book = books.books[reference.list_key]
    return {
        **_meta(group.title, f"「{group.title}」在 {group.towns} 个镇街的清单中；{group.agreeing} 个镇街的文字相同。",
                "compare", (HOME_CRUMB, ("同一事项比对", COMPARE))),
        "group": group, "agreeing": agreeing, "variants": variants, "list_label": books.types[PEIHE].label,
        "reference_url": f"{reference.list_key}/{urls.matter(reference.matter.id)}",
        "reference": book.view(reference.matter, root), "typed_reference": None,
    }


def _compare_typed(books: District, group: SameTypedMatter, root: str) -> dict[str, Any]:
    """A 基本 or 收回 matter in several towns: each other town's changed fields, labelled as the type declares."""
    reference = group.reference
    agreeing = [reference.town, *(variant.listed.town for variant in group.variants if variant.change is None)]
    variants = [Variant(variant.listed.town, f"{variant.listed.list_key}/{urls.matter(variant.listed.matter.id)}",
                        variant.listed.matter.number, typed_matter_view(variant.change))
                for variant in group.variants if variant.change is not None]
    label = group.list_type.label
    reference_list = next(matter_list for matter_list in books.library.lists
                          if matter_list.info.key == reference.list_key)
    return {
        **_meta(group.title, f"「{group.title}」在 {group.towns} 个镇街的{label}中；{group.agreeing} 个镇街的文字相同。",
                "compare", (HOME_CRUMB, ("同一事项比对", COMPARE))),
        "group": group, "agreeing": agreeing, "variants": variants, "list_label": label,
        "reference_url": f"{reference.list_key}/{urls.matter(reference.matter.id)}",
        "typed_reference": typed_view(books, reference_list, reference.matter, root),
    }


# --- the changes page of a pull request's preview site --------------------------------------------------


@dataclass(frozen=True)
class OutlineView:
    """A group of an outline (``diff_format``) for a page: its entries, each line with the lines below it."""

    title: str
    entries: tuple[tuple[Any, tuple[tuple[Any, tuple[Any, ...]], ...]], ...]  # (title, ((line, (sub-lines)), …))


@dataclass(frozen=True)
class ChangedList:
    """A list that changed, as the changes page shows it."""

    change: ListChange
    summary: str
    groups: tuple[OutlineView, ...]
    url: str  # its changes page (a 配合 list) or its home (another type); "" when it was removed


def _changes(books: District, root: str) -> dict[str, Any]:
    review = books.review
    assert review is not None  # the page is made only with a review
    lists = tuple(ChangedList(each, list_summary_line(each), _outline_views(list_groups(each)), _changed_url(each))
                  for each in review.change.lists)
    return {
        **_meta("本次修订的内容变化", f"{books.library.site.title}本次修订与修订 {review.commit} 相比的内容变化。",
                "", (HOME_CRUMB,)),
        "review": review, "summary": library_summary_line(review.change),
        "shared": _outline_views(shared_groups(review.change)), "lists": lists,
    }


def _outline_views(groups: list[Any]) -> tuple[OutlineView, ...]:
    """Each entry's lines nested by their depth, so that the page indents them as lists in lists."""
    views = []
    for group in groups:
        entries = []
        for entry in group.entries:
            nested: list[tuple[Any, list[Any]]] = []
            for line in entry.lines:
                if line.depth and nested:
                    nested[-1][1].append(line)
                else:
                    nested.append((line, []))
            entries.append((entry.title, tuple((line, tuple(below)) for line, below in nested)))
        views.append(OutlineView(group.title, tuple(entries)))
    return tuple(views)


def _changed_url(change: ListChange) -> str:
    if change.kind == REMOVED:
        return ""
    if change.change is not None:
        return f"{change.key}/{CHANGES}"
    return f"{change.key}/{urls.HOME}"
