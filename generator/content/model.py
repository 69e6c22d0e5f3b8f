"""The content model: immutable values that every later stage reads.

Markdown stays Markdown here; rendering it is ``markup``'s job.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

UPPER_DUTIES_HEADING = "上级部门职责"
TOWN_DUTIES_HEADING = "苏木乡镇（街道）配合职责"
DEPARTMENT_LEVELS = ("区级", "市级", "其他")


@dataclass(frozen=True)
class Where:
    """Where a value was read from, so later stages can point at the line."""

    path: str = ""
    line: int = 0
    field_lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, key: str) -> int:
        return dict(self.field_lines).get(key, self.line)


NOWHERE = Where()


@dataclass(frozen=True)
class Site:
    """Site-wide settings from ``site.yml``."""

    title: str
    town: str
    district: str
    city: str
    issuer: str
    version: str
    revision_note: str
    description: str = ""
    published: str = ""  # 发布日期, yyyy-mm-dd; empty: the oldest revision in git stands in
    document_number: str = ""  # 文号 of the official document, if it has one
    base_path: str = ""  # where the site is served ("/qingdan/"): lets 404.html link from any depth
    base_url: str = ""  # the site's absolute address ("http://host/qingdan/"): absolute URLs in the JSON download
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    ordinal: str  # the Chinese ordinal of the official table, e.g. "三"
    position: int  # 1-based official order
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Department:
    name: str  # canonical full name
    slug: str
    level: str  # one of DEPARTMENT_LEVELS
    aliases: tuple[str, ...] = ()
    where: Where = field(default=NOWHERE, compare=False)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way the content may write this department, canonical name first."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class DutySection:
    """One upper department's (or a group's) duties inside a matter.

    ``heading`` is the heading exactly as the official text writes it
    (e.g. ``青山区民政局职责：``); ``departments`` are the canonical names it
    resolves to.
    """

    heading: str
    departments: tuple[str, ...]
    markdown: str
    line: int = 0


@dataclass(frozen=True)
class BodyLayout:
    """Line numbers of a matter body's parts (0 = missing), for messages."""

    upper_line: int = 0
    town_line: int = 0
    stray_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Matter:
    id: str
    number: int
    title: str
    category: str  # category name
    departments: tuple[str, ...]  # canonical names, in official order
    guarantee: str  # 履职保障, Markdown
    upper_sections: tuple[DutySection, ...]
    town_duties: str  # Markdown, may contain "### " sub-headings
    notes: tuple[str, ...] = ()  # editorial notes, shown apart from the official text
    path: Path = field(default=Path(), compare=False)
    source_hash: str = field(default="", compare=False)
    where: Where = field(default=NOWHERE, compare=False)
    layout: BodyLayout = field(default_factory=lambda: BodyLayout(), compare=False)


@dataclass(frozen=True)
class Content:
    site: Site
    categories: tuple[Category, ...]
    departments: tuple[Department, ...]
    matters: tuple[Matter, ...]  # sorted by number

    def category_by_name(self) -> dict[str, Category]:
        return {category.name: category for category in self.categories}

    def department_by_name(self) -> dict[str, Department]:
        return {department.name: department for department in self.departments}


@dataclass(frozen=True)
class TypedMatter:
    """A matter of a declared list type (``generator.content.list_types``): its values by declared key.

    ``values`` holds every key the type declares, fields then body sections,
    in declared order, as text: a number as its digits, a ``departments``
    field as its names one per line, an absent optional field or section as
    "". Department references hold the canonical name once validated
    (``typed_matter.with_canonical_departments``).
    """

    id: str
    number: int
    title: str
    list_type: str  # the type's slug
    values: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()  # editorial notes, shown apart from the official text
    path: Path = field(default=Path(), compare=False)
    source_hash: str = field(default="", compare=False)
    where: Where = field(default=NOWHERE, compare=False)  # field_lines: front-matter keys and section keys

    def value(self, key: str) -> str:
        """The text of the declared ``key``; KeyError for a key the type does not declare."""
        for name, text in self.values:
            if name == key:
                return text
        raise KeyError(key)
