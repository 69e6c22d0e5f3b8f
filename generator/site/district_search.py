"""The district's search: every matter of every list of every town in one index.

A reader of a district site looks for a matter without knowing which town's
list, or which of its three lists, holds it; or narrows by town, list type,
category and department. The index is today's sharded one
(``generator.site.search``: bigram posting shards with positions, text
chunks for the snippets, exact substring matching) over all the district's
matters, under a manifest of its own (``DISTRICT_FORMAT``) that holds
everything the filters and the result list need, so the filters are applied
before any shard is fetched and a filter that selects nothing fetches none.

Why one index for the whole district rather than one per list (the design's
first proposal): at the city shape (270 lists) a query without a town filter
would need a shard of every list, hundreds of requests; one set of shards
costs one or two requests per query term whatever the filters, and its
shards stay small (a bigram's postings over 30,000 matters are 1–25 KB
gzip). Measured in ``benchmarks/district_search.py``.

The manifest stays small because the same matter recurs across the towns:
a matter's id, title, category and departments are stored once as a *kind*
(``kinds``), and each matter names its kind. At the city shape 30,614
matters have 746 kinds.

Manifest (``format`` 3)::

    {"format": 3,
     "towns": [{"slug", "name"}, ...],
     "types": [{"slug", "label"}, ...],                  # the list types in use
     "lists": {"town": [...], "type": [...], "title": [...], "count": [...]},
     "categories": [{"slug", "name"}, ...],              # distinct by name, first seen first
     "departments": [{"slug", "name", "aliases"}, ...],  # the shared departments.yml
     "kinds": {"id": [...], "title": [...], "category": [<index> or -1, ...], "departments": [[...], ...]},
     "matters": {"kind": [...], "number": [first, step, ...]},
     "shards": <posting files>, "text": [<matters per text file>, ...]}

Kinds are numbered in the order of their first matter (``search.js``
relies on it). Matters are in the library's order: list by list (``lists``' order, each
list's ``count`` matters), by number within a list. A matter's page is
``<town>/<type>/matters/<id>.html``. The searched fields follow the type's
declaration (``search:``): the title, its department fields (names and
aliases through ``departments``) and the other fields' text as body lines;
a 配合 matter's body is the list's own (``search.body_lines``), so a query
finds in the district what it finds in the town's list.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.content.list_types import ListType
from generator.content.lists import LIST_TYPES
from generator.content.model import PEIHE, Library, Matter, MatterList, TypedMatter
from generator.content.typed_matter import DEPARTMENT_SEPARATOR
from generator.site.markup import MarkdownRenderer
from generator.site.search import PlainLines, body_lines, manifest_files, sharded_parts

DISTRICT_FORMAT = 3
PAGE = "search/index.html"
DEPARTMENT_KINDS = ("department", "departments")


@dataclass(frozen=True)
class DistrictIndex:
    """The manifest without its shard and text counts, and each matter's body lines in index order."""

    manifest: dict
    bodies: list[list[str]]


def district_index(library: Library, types: Mapping[str, ListType], plain: PlainLines | None = None) -> DistrictIndex:
    """What the district's search needs of the library; deterministic.

    ``plain`` may hold the text lines extracted already (a build converts
    each Markdown text once).
    """
    plain = plain or PlainLines(MarkdownRenderer(library.departments))
    towns = {town.slug: index for index, town in enumerate(library.towns)}
    used_types = _type_order({ml.info.type for ml in library.lists})
    type_index = {slug: index for index, slug in enumerate(used_types)}
    departments = {department.name: index for index, department in enumerate(library.departments)}
    category_table = district_categories(library)
    categories = {category["name"]: index for index, category in enumerate(category_table)}
    kinds = _Kinds()
    matter_kinds: list[int] = []
    numbers: list[int] = []
    bodies: list[list[str]] = []
    for matter_list in library.lists:
        list_type = types[matter_list.info.type]
        for matter in matter_list.matters:
            category, names, body = _fields(matter, matter_list, list_type, plain)
            matter_kinds.append(kinds.index(matter.id, matter.title, categories.get(category, -1),
                                            tuple(departments[name] for name in names if name in departments)))
            numbers.append(matter.number)
            bodies.append(body)
    manifest = {
        "format": DISTRICT_FORMAT,
        "towns": [{"slug": town.slug, "name": town.name} for town in library.towns],
        "types": [{"slug": slug, "label": types[slug].label} for slug in used_types],
        "lists": {"town": [towns[ml.info.town] for ml in library.lists],
                  "type": [type_index[ml.info.type] for ml in library.lists],
                  "title": [ml.info.title for ml in library.lists],
                  "count": [len(ml.matters) for ml in library.lists]},
        "categories": category_table,
        "departments": [{"slug": d.slug, "name": d.name, "aliases": list(d.aliases)} for d in library.departments],
        "kinds": kinds.columns,
        "matters": {"kind": matter_kinds, "number": [*numbers[:1], *(b - a for a, b in zip(numbers, numbers[1:]))]},
    }
    return DistrictIndex(manifest, bodies)


def district_categories(library: Library) -> list[dict[str, str]]:
    """The category filter's choices: the lists' categories distinct by name, in the order first seen,
    each with the slug its first list gives it (``-2``, ``-3`` … where another name has it already)."""
    table: list[dict[str, str]] = []
    names: set[str] = set()
    slugs: set[str] = set()
    for matter_list in library.lists:
        for category in matter_list.categories:
            if category.name in names:
                continue
            slug, count = category.slug, 1
            while slug in slugs:
                count += 1
                slug = f"{category.slug}-{count}"
            names.add(category.name)
            slugs.add(slug)
            table.append({"slug": slug, "name": category.name})
    return table


def page_choices(library: Library, types: Mapping[str, ListType]) -> dict[str, Any]:
    """What the search page's form offers (the same slugs as the index): the towns, the list types in use,
    the categories and the departments that some matter names."""
    used = {ml.info.type for ml in library.lists}
    departments = set()
    for matter_list in library.lists:
        list_type = types[matter_list.info.type]
        if matter_list.info.type == PEIHE:
            departments.update(name for matter in matter_list.matters for name in matter.departments)
            continue
        for key in list_type.keys_of_kind(*DEPARTMENT_KINDS):
            departments.update(name for matter in matter_list.matters
                               for name in matter.value(key).split(DEPARTMENT_SEPARATOR) if name)
    return {"towns": library.towns,
            "list_types": [types[slug] for slug in _type_order(used)],
            "categories": district_categories(library),
            "departments": [department for department in library.departments if department.name in departments]}


def district_search_files(index: DistrictIndex, postings: dict[str, str] | None = None) -> dict[str, str]:
    """The files of the district's ``search/`` by path inside it (``postings``: made on every core by the build)."""
    shard_count, chunk_sizes, parts = sharded_parts(index.bodies, postings)
    return {**manifest_files({**index.manifest, "shards": shard_count, "text": chunk_sizes}), **parts}


def _fields(matter: Matter | TypedMatter, matter_list: MatterList, list_type: ListType,
            plain: PlainLines) -> tuple[str, list[str], list[str]]:
    """(category name or "", department names, body lines) of a matter, as its type declares them searched."""
    if matter_list.info.type == PEIHE:
        return matter.category, list(matter.departments), body_lines(matter, plain=plain)
    names: list[str] = []
    body: list[str] = []
    for key in list_type.search:
        if key == "title":
            continue
        kind = list_type.kind_of(key)
        if kind in DEPARTMENT_KINDS:
            names.extend(name for name in matter.value(key).split(DEPARTMENT_SEPARATOR) if name)
        elif kind == "markdown":
            body.extend(plain.of(matter.value(key)))
        elif matter.value(key).strip():
            body.append(" ".join(matter.value(key).split()))
    category = matter.value("category") if list_type.categories else ""
    return category, names, body


def _type_order(slugs: set[str]) -> list[str]:
    """The list types in their usual order (基本, 配合, 收回), a site's own after them."""
    return sorted(slugs, key=lambda slug: (LIST_TYPES.index(slug) if slug in LIST_TYPES else len(LIST_TYPES), slug))


class _Kinds:
    """The distinct (id, title, category, departments) of the matters, as columns."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {"id": [], "title": [], "category": [], "departments": []}
        self._seen: dict[tuple, int] = {}

    def index(self, matter_id: str, title: str, category: int, departments: tuple[int, ...]) -> int:
        key = (matter_id, title, category, departments)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = len(self._seen)
            for column, value in zip(("id", "title", "category", "departments"), key):
                self.columns[column].append(list(value) if column == "departments" else value)
        return found
