"""Validate stage: pure checks over the loaded content, returning every error found."""
from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from generator import matter_file
from generator.errors import ContentError
from generator.model import DEPARTMENT_LEVELS, TOWN_DUTIES_HEADING, UPPER_DUTIES_HEADING, Content, Matter
from generator.names import DepartmentNames, heading_names

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HINT = "use lower-case ASCII letters, digits and hyphens, e.g. 'civil-affairs'"


def validate(content: Content, all_matters_loaded: bool = True) -> list[ContentError]:
    """All consistency errors of ``content``, in file and line order.

    When some matter files could not be loaded, gaps in the numbering are not
    reported: they would only echo the loader's errors.
    """
    names = DepartmentNames(content.departments)
    errors = [
        *_check_categories(content),
        *_check_departments(content),
        *_check_numbers(content.matters, all_matters_loaded),
        *_check_duplicate_ids(content.matters),
    ]
    for matter in content.matters:
        errors.extend(_check_matter(matter, content, names))
    return sorted(errors)


def _duplicates(values: Iterable[tuple[str, object]]) -> Iterator[tuple[str, object]]:
    """(key, item) for every item whose key an earlier item already had."""
    seen: set[str] = set()
    for key, item in values:
        if key in seen:
            yield key, item
        seen.add(key)


def _check_categories(content: Content) -> Iterator[ContentError]:
    for category in content.categories:
        where = category.where
        if not SLUG.match(category.slug):
            yield ContentError(where.path, where.line_of("slug"), f"slug '{category.slug}' is not URL-safe", SLUG_HINT)
    for key in ("name", "slug"):
        for value, category in _duplicates((getattr(c, key), c) for c in content.categories):
            yield ContentError(category.where.path, category.where.line_of(key),
                               f"category {key} '{value}' is used twice", f"give each category its own {key}")


def _check_departments(content: Content) -> Iterator[ContentError]:
    for department in content.departments:
        where = department.where
        if not SLUG.match(department.slug):
            yield ContentError(where.path, where.line_of("slug"), f"slug '{department.slug}' is not URL-safe",
                               SLUG_HINT)
        if department.level not in DEPARTMENT_LEVELS:
            yield ContentError(where.path, where.line_of("level"), f"unknown level '{department.level}'",
                               f"use one of {'、'.join(DEPARTMENT_LEVELS)}")
    for key in ("name", "slug"):
        for value, department in _duplicates((getattr(d, key), d) for d in content.departments):
            yield ContentError(department.where.path, department.where.line_of(key),
                               f"department {key} '{value}' is used twice", f"give each department its own {key}")
    spellings = ((spelling, d) for d in content.departments for spelling in dict.fromkeys(d.spellings))
    for spelling, department in _duplicates(spellings):
        if spelling != department.name:
            yield ContentError(department.where.path, department.where.line_of("aliases"),
                               f"alias '{spelling}' also names another department",
                               "an alias must point to one department only")


def _check_numbers(matters: tuple[Matter, ...], check_gaps: bool) -> Iterator[ContentError]:
    for number, matter in _duplicates((str(m.number), m) for m in matters):
        yield ContentError(matter.where.path, matter.where.line_of("number"),
                           f"matter number {number} is used twice",
                           "every matter needs its own number; renumber the following matters")
    numbers = {matter.number for matter in matters}
    for matter in matters:
        if matter.number < 1:
            yield ContentError(matter.where.path, matter.where.line_of("number"), "matter numbers start at 1")
        elif check_gaps and matter.number - 1 not in numbers and matter.number > 1:
            missing = max((n for n in numbers if n < matter.number), default=0) + 1
            yield ContentError(matter.where.path, matter.where.line_of("number"),
                               f"matter numbers jump from {missing - 1} to {matter.number}",
                               f"number {missing} is missing: renumber this matter or add the missing one")


def _check_duplicate_ids(matters: tuple[Matter, ...]) -> Iterator[ContentError]:
    for matter_id, matter in _duplicates((m.id, m) for m in matters):
        yield ContentError(matter.where.path, matter.where.line_of("id"), f"id '{matter_id}' is used twice",
                           "ids are used in URLs and must be unique; give the new matter a new id")


def _check_matter(matter: Matter, content: Content, names: DepartmentNames) -> Iterator[ContentError]:
    yield from _check_identity(matter)
    yield from _check_category(matter, content)
    yield from _check_listed_departments(matter, names)
    yield from _check_sections(matter, names)


def _check_identity(matter: Matter) -> Iterator[ContentError]:
    where = matter.where
    if not SLUG.match(matter.id):
        yield ContentError(where.path, where.line_of("id"), f"id '{matter.id}' is not URL-safe", SLUG_HINT)
    expected = matter_file.file_name(matter.number, matter.id)
    if matter.path.name != expected:
        yield ContentError(where.path, where.line_of("number"),
                           f"file name does not match number {matter.number} and id '{matter.id}'",
                           f"rename the file to {expected}")


def _check_category(matter: Matter, content: Content) -> Iterator[ContentError]:
    known = [category.name for category in content.categories]
    if matter.category not in known:
        yield ContentError(matter.where.path, matter.where.line_of("category"),
                           f"unknown category '{matter.category}'", _did_you_mean(
                               difflib.get_close_matches(matter.category, known, n=3, cutoff=0.6), "categories.yml"))


def _check_listed_departments(matter: Matter, names: DepartmentNames) -> Iterator[ContentError]:
    line = matter.where.line_of("departments")
    for name in matter.departments:
        canonical = names.resolve(name)
        if canonical is None:
            yield ContentError(matter.where.path, line, f"unknown department '{name}'",
                               _did_you_mean(names.suggest(name), "departments.yml"))
        elif canonical != name:
            yield ContentError(matter.where.path, line, f"'{name}' is an alias",
                               f"write the canonical name '{canonical}'")
    for name, _ in _duplicates((name, name) for name in matter.departments):
        yield ContentError(matter.where.path, line, f"department '{name}' is listed twice", "list it once")


def _check_sections(matter: Matter, names: DepartmentNames) -> Iterator[ContentError]:
    path, layout = matter.where.path, matter.layout
    yield from _check_layout(matter)
    covered: Counter[str] = Counter()
    listed = {names.resolve(name) for name in matter.departments}
    for section in matter.upper_sections:
        named = heading_names(section.heading)
        resolved = names.resolve_heading(named)
        if resolved is None:
            yield ContentError(path, section.line, f"heading '{section.heading}' names no known department",
                               _did_you_mean(names.suggest(named), "departments.yml"))
            continue
        covered.update(resolved)
        for name in resolved:
            if name not in listed and None not in listed:
                yield ContentError(path, section.line, f"section for '{name}' but the matter does not list it",
                                   "add it to 'departments' or remove the section")
        if not section.markdown.strip():
            yield ContentError(path, section.line, f"section '{section.heading}' is empty",
                               "write its duties below the heading or remove the section")
    for name in matter.departments:
        canonical = names.resolve(name)
        if canonical and not covered[canonical] and layout.upper_line:
            yield ContentError(path, matter.where.line_of("departments"),
                               f"department '{name}' has no duties section",
                               f"add '### {name}职责：' with its duties under '## {UPPER_DUTIES_HEADING}'")


def _check_layout(matter: Matter) -> Iterator[ContentError]:
    path, layout = matter.where.path, matter.layout
    body_line = matter.where.line  # front matter start; used when a part is missing entirely
    if not layout.upper_line:
        yield ContentError(path, body_line, f"missing section '## {UPPER_DUTIES_HEADING}'",
                           "the body needs the upper departments' duties, one '###' heading per department")
    elif not matter.upper_sections:
        yield ContentError(path, layout.upper_line, f"'## {UPPER_DUTIES_HEADING}' has no department",
                           "add '### <department>职责：' headings with their duties")
    if not layout.town_line:
        yield ContentError(path, body_line, f"missing section '## {TOWN_DUTIES_HEADING}'",
                           "the body needs the town's cooperating duties")
    elif not matter.town_duties.strip():
        yield ContentError(path, layout.town_line, f"section '{TOWN_DUTIES_HEADING}' is empty",
                           "write the town's duties below the heading")
    for line in layout.stray_lines:
        yield ContentError(path, line, "text outside the known sections",
                           f"put it under '## {UPPER_DUTIES_HEADING}' or "
                           f"'## {TOWN_DUTIES_HEADING}'")


def _did_you_mean(close: list[str], where: str) -> str:
    if close:
        return "did you mean " + " or ".join(f"'{candidate}'" for candidate in close) + "?"
    return f"see {where}"
