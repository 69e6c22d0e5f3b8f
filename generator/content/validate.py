"""Validate stage: pure checks over the loaded content, returning every error found."""
from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from generator.content import matter_file
from generator.errors import ContentError
from generator.excerpt import excerpt
from generator.i18n import N_, _
from generator.content.loader import CATEGORIES_FILE, DEPARTMENTS_FILE, Gaps
from generator.content.model import DEPARTMENT_LEVELS, TOWN_DUTIES_HEADING, UPPER_DUTIES_HEADING, Content, Matter
from generator.content.names import HEADING_JOINER, DepartmentNames, fold, heading_names

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HINT = N_("use lower-case ASCII letters, digits and hyphens, e.g. 'civil-affairs'")


def validate(content: Content, all_matters_loaded: bool = True, gaps: Gaps = Gaps()) -> list[ContentError]:
    """All consistency errors of ``content``, in file and line order.

    When some matter files could not be loaded, gaps in the numbering are not
    reported: they would only echo the loader's errors. Likewise for the
    settings the loader could not read (``gaps``): when categories.yml or
    departments.yml could not be read at all, the matters' categories or
    departments are not checked, and a category or department whose entry
    could not be built is not reported as unknown in every matter naming it.
    """
    names = DepartmentNames(content.departments)
    errors = [
        *_check_categories(content),
        *_check_departments(content),
        *_check_numbers(content.matters, all_matters_loaded),
        *_check_duplicate_ids(content.matters),
    ]
    known = _Known(gaps, names)
    for matter in content.matters:
        errors.extend(_check_matter(matter, content, known))
    return sorted(errors)


class _Known:
    """The department names, and what may be checked against the settings (see ``Gaps``)."""

    def __init__(self, gaps: Gaps, names: DepartmentNames):
        self.names = names
        self.categories = CATEGORIES_FILE not in gaps.files
        self.departments = DEPARTMENTS_FILE not in gaps.files
        self._unbuilt_categories = gaps.categories
        self._unbuilt_departments = {fold(name) for name in gaps.departments}

    def unbuilt_category(self, name: str) -> bool:
        return name in self._unbuilt_categories

    def unbuilt_department(self, name: str) -> bool:
        return fold(name) in self._unbuilt_departments

    def unbuilt_heading(self, names: str) -> bool:
        """Whether every name of a heading is known or an unbuilt department's, and one is unbuilt."""
        parts = names.split(HEADING_JOINER)
        return (any(self.unbuilt_department(part) for part in parts)
                and all(self.names.resolve(part) or self.unbuilt_department(part) for part in parts))


def _duplicates(values: Iterable[tuple[str, object]]) -> Iterator[tuple[str, object]]:
    """(key, item) for every item whose key an earlier item already had."""
    seen: set[str] = set()
    for key, item in values:
        if key in seen:
            yield key, item
        seen.add(key)


def _slug_error(path: str, line: int, slug: str) -> ContentError:
    return ContentError(path, line, _("slug '{slug}' is not URL-safe").format(slug=excerpt(slug)), _(SLUG_HINT))


def _check_categories(content: Content) -> Iterator[ContentError]:
    for category in content.categories:
        if not SLUG.match(category.slug):
            yield _slug_error(category.where.path, category.where.line_of("slug"), category.slug)
    messages = {"name": (N_("category name '{value}' is used twice"), N_("give each category its own name")),
                "slug": (N_("category slug '{value}' is used twice"), N_("give each category its own slug"))}
    for key, (message, hint) in messages.items():
        for value, category in _duplicates((getattr(c, key), c) for c in content.categories):
            yield ContentError(category.where.path, category.where.line_of(key),
                               _(message).format(value=excerpt(value)), _(hint))


def _check_departments(content: Content) -> Iterator[ContentError]:
    for department in content.departments:
        where = department.where
        if not SLUG.match(department.slug):
            yield _slug_error(where.path, where.line_of("slug"), department.slug)
        if department.level not in DEPARTMENT_LEVELS:
            yield ContentError(where.path, where.line_of("level"),
                               _("unknown level '{level}'").format(level=excerpt(department.level)),
                               _("use one of {levels}").format(levels="、".join(DEPARTMENT_LEVELS)))
    messages = {"name": (N_("department name '{value}' is used twice"), N_("give each department its own name")),
                "slug": (N_("department slug '{value}' is used twice"), N_("give each department its own slug"))}
    for key, (message, hint) in messages.items():
        for value, department in _duplicates((getattr(d, key), d) for d in content.departments):
            yield ContentError(department.where.path, department.where.line_of(key),
                               _(message).format(value=excerpt(value)), _(hint))
    spellings = ((spelling, d) for d in content.departments for spelling in dict.fromkeys(d.spellings))
    for spelling, department in _duplicates(spellings):
        if spelling != department.name:
            yield ContentError(department.where.path, department.where.line_of("aliases"),
                               _("alias '{alias}' also names another department").format(alias=excerpt(spelling)),
                               _("an alias must point to one department only"))


def _check_numbers(matters: tuple[Matter, ...], check_gaps: bool) -> Iterator[ContentError]:
    for number, matter in _duplicates((str(m.number), m) for m in matters):
        yield ContentError(matter.where.path, matter.where.line_of("number"),
                           _("matter number {number} is used twice").format(number=number),
                           _("every matter needs its own number; renumber the following matters"))
    numbers = {matter.number for matter in matters}
    for matter in matters:
        if matter.number < 1:
            yield ContentError(matter.where.path, matter.where.line_of("number"), _("matter numbers start at 1"))
        elif check_gaps and matter.number - 1 not in numbers and matter.number > 1:
            missing = max((n for n in numbers if n < matter.number), default=0) + 1
            yield ContentError(matter.where.path, matter.where.line_of("number"),
                               _("matter numbers jump from {before} to {number}").format(
                                   before=missing - 1, number=matter.number),
                               _("number {missing} is missing: renumber this matter or add the missing one").format(
                                   missing=missing))


def _check_duplicate_ids(matters: tuple[Matter, ...]) -> Iterator[ContentError]:
    for matter_id, matter in _duplicates((m.id, m) for m in matters):
        yield ContentError(matter.where.path, matter.where.line_of("id"),
                           _("id '{id}' is used twice").format(id=excerpt(matter_id)),
                           _("ids are used in URLs and must be unique; give the new matter a new id"))


def _check_matter(matter: Matter, content: Content, known: _Known) -> Iterator[ContentError]:
    yield from _check_identity(matter)
    if known.categories and not known.unbuilt_category(matter.category):
        yield from _check_category(matter, content)
    if known.departments:
        yield from _check_listed_departments(matter, known)
    yield from _check_sections(matter, known)


def _check_identity(matter: Matter) -> Iterator[ContentError]:
    where = matter.where
    if not SLUG.match(matter.id):
        yield ContentError(where.path, where.line_of("id"), _("id '{id}' is not URL-safe").format(
            id=excerpt(matter.id)), _(SLUG_HINT))
    expected = matter_file.file_name(matter.number, matter.id)
    if matter.path.name != expected:
        yield ContentError(where.path, where.line_of("number"),
                           _("file name does not match number {number} and id '{id}'").format(
                               number=matter.number, id=excerpt(matter.id)),
                           _("rename the file to {name}").format(name=excerpt(expected, 80)))


def _check_category(matter: Matter, content: Content) -> Iterator[ContentError]:
    known = [category.name for category in content.categories]
    if matter.category not in known:
        yield ContentError(matter.where.path, matter.where.line_of("category"),
                           _("unknown category '{name}'").format(name=excerpt(matter.category)), _did_you_mean(
                               difflib.get_close_matches(matter.category, known, n=3, cutoff=0.6), CATEGORIES_FILE))


def _check_listed_departments(matter: Matter, known: _Known) -> Iterator[ContentError]:
    names, line = known.names, matter.where.line_of("departments")
    for name in matter.departments:
        canonical = names.resolve(name)
        if canonical is None and known.unbuilt_department(name):
            continue
        if canonical is None:
            yield ContentError(matter.where.path, line, _("unknown department '{name}'").format(name=excerpt(name)),
                               _did_you_mean(names.suggest(name), DEPARTMENTS_FILE))
        elif canonical != name:
            yield ContentError(matter.where.path, line, _("'{name}' is an alias").format(name=excerpt(name)),
                               _("write the canonical name '{name}'").format(name=canonical))
    for name, _item in _duplicates((name, name) for name in matter.departments):
        yield ContentError(matter.where.path, line,
                           _("department '{name}' is listed twice").format(name=excerpt(name)), _("list it once"))


def _check_sections(matter: Matter, known: _Known) -> Iterator[ContentError]:
    """The body's sections; whether their headings name the matter's departments only if departments.yml
    could be read."""
    path, names, check_names = matter.where.path, known.names, known.departments
    yield from _check_layout(matter)
    covered: Counter[str] = Counter()
    listed = {names.resolve(name) for name in matter.departments}
    for section in matter.upper_sections:
        if not section.markdown.strip():
            yield ContentError(path, section.line,
                               _("section '{heading}' is empty").format(heading=excerpt(section.heading)),
                               _("write its duties below the heading or remove the section"))
        if not check_names:
            continue
        named = heading_names(section.heading)
        resolved = names.resolve_heading(named)
        if resolved is None and known.unbuilt_heading(named):
            continue
        if resolved is None:
            yield ContentError(path, section.line, _("heading '{heading}' names no known department").format(
                heading=excerpt(section.heading)), _did_you_mean(names.suggest(named), DEPARTMENTS_FILE))
            continue
        covered.update(resolved)
        for name in resolved:
            if name not in listed and None not in listed:
                yield ContentError(path, section.line,
                                   _("section for '{name}' but the matter does not list it").format(name=name),
                                   _("add it to 'departments' or remove the section"))
    for name in matter.departments if check_names else ():
        canonical = names.resolve(name)
        if canonical and not covered[canonical] and matter.layout.upper_line:
            yield ContentError(path, matter.where.line_of("departments"),
                               _("department '{name}' has no duties section").format(name=excerpt(name)),
                               _("add '### {name}职责：' with its duties under '## {upper}'").format(
                                   name=excerpt(name), upper=UPPER_DUTIES_HEADING))


def _check_layout(matter: Matter) -> Iterator[ContentError]:
    path, layout = matter.where.path, matter.layout
    body_line = matter.where.line  # front matter start; used when a part is missing entirely
    if not layout.upper_line:
        yield ContentError(path, body_line, _("missing section '## {heading}'").format(heading=UPPER_DUTIES_HEADING),
                           _("the body needs the upper departments' duties, one '###' heading per department"))
    elif not matter.upper_sections:
        yield ContentError(path, layout.upper_line,
                           _("'## {heading}' has no department").format(heading=UPPER_DUTIES_HEADING),
                           _("add '### <department>职责：' headings with their duties"))
    if not layout.town_line:
        yield ContentError(path, body_line, _("missing section '## {heading}'").format(heading=TOWN_DUTIES_HEADING),
                           _("the body needs the town's cooperating duties"))
    elif not matter.town_duties.strip():
        yield ContentError(path, layout.town_line,
                           _("section '{heading}' is empty").format(heading=TOWN_DUTIES_HEADING),
                           _("write the town's duties below the heading"))
    for line in layout.stray_lines:
        yield ContentError(path, line, _("text outside the known sections"),
                           _("put it under '## {upper}' or '## {town}'").format(
                               upper=UPPER_DUTIES_HEADING, town=TOWN_DUTIES_HEADING))


def _did_you_mean(close: list[str], where: str) -> str:
    if close:
        quoted = (_("'{name}'").format(name=excerpt(name)) for name in close)
        return _("did you mean {names}?").format(names=_(" or ").join(quoted))
    return _("see {file}").format(file=where)
