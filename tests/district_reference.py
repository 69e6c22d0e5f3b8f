"""The reference for the district's search: a brute-force scan of the loaded library.

For each matter its title, its departments' names and aliases and its
searched text, folded as search folds them; a term of two or more characters
must occur in one of them, a one-character term in the title or the
departments; the filters compare the matter's own town, list type, category
and departments. Used by ``test_district_search.py`` and the browser test
of the district's search page.
"""
from __future__ import annotations

from generator.content.list_types import load_list_types
from generator.content.model import PEIHE, Library
from generator.site.search import FIELD_SEPARATOR, body_lines, markdown_lines, normalize, query_terms


def reference_rows(library: Library) -> list[dict]:
    """Every matter with what the reference needs, read straight from the library's matters."""
    types = load_list_types()
    by_name = {department.name: department for department in library.departments}
    rows = []
    for matter_list in library.lists:
        list_type = types[matter_list.info.type]
        for matter in matter_list.matters:
            if matter_list.info.type == PEIHE:
                category, names, lines = matter.category, matter.departments, body_lines(matter)
            else:
                category = matter.value("category") if list_type.categories else ""
                names = [name for key in list_type.keys_of_kind("department", "departments")
                         for name in matter.value(key).split("\n") if name]
                lines = [line for key in list_type.search if list_type.kind_of(key) == "markdown"
                         for line in markdown_lines(matter.value(key))]
            rows.append({
                "key": f"{matter_list.info.key}/{matter.id}", "town": matter_list.info.town,
                "type": matter_list.info.type, "category": category,
                "departments": {by_name[name].slug for name in names},
                "title": normalize(matter.title),
                "names": normalize(FIELD_SEPARATOR.join(s for name in names for s in by_name[name].spellings)),
                "body": normalize(FIELD_SEPARATOR.join(lines)),
            })
    return rows


def reference(rows: list[dict], categories: dict[str, str], query: str, filters: dict[str, str]) -> list[str]:
    """The keys of the matters a query with these filters must find, by scanning every matter."""
    terms = query_terms(query)
    if not terms and not any(filters.values()):
        return []
    found = []
    for row in rows:
        if filters.get("t") and row["town"] != filters["t"] or filters.get("l") and row["type"] != filters["l"]:
            continue
        if filters.get("c") and row["category"] != categories.get(filters["c"]):
            continue
        if filters.get("d") and filters["d"] not in row["departments"]:
            continue
        if all(term in row["title"] or term in row["names"] or (len(term) > 1 and term in row["body"])
               for term in terms):
            found.append(row["key"])
    return found
