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
    example: bool = False  # example data made by a script (list.yml ``example: true``): every page says so
    district_title: str = ""  # a list of a multi-list site: the title of its home, two folders up
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


# --- several lists in one site (issue #16): the library ------------------------------------------
# A multi-list content folder holds towns, each with lists of the declared types; a single-list
# folder loads as a library of one town and one peihe list. Kept in a block of its own.

PEIHE = "peihe"  # the type of today's list, whose matters are ``Matter``
DEFAULT_EDITION = "现行版"
DEFAULT_VALIDITY = "有效"


@dataclass(frozen=True)
class Publisher:
    """The publisher of a multi-list site, from its ``site.yml``: the district office, not a town."""

    title: str
    district: str
    city: str
    issuer: str
    description: str = ""
    base_path: str = ""  # where the whole site is served; a list's pages are below it, at <town>/<type>/
    base_url: str = ""
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Town:
    """A town (镇, 街道, 苏木, 乡) whose lists the site publishes; ``slug`` is its folder and URL part."""

    slug: str
    name: str
    kind: str = ""
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class ListInfo:
    """One list's settings (``list.yml``, or the list part of a single-list ``site.yml``)."""

    town: str  # the town's slug
    type: str  # the list type's slug: jiben | peihe | shouhui
    title: str
    issuer: str = ""  # empty: the site's issuer
    edition: str = DEFAULT_EDITION  # 「2024年版」「第一批」; today's ``version``
    document_number: str = ""  # 文号
    published: str = ""  # 发布日期 yyyy-mm-dd
    validity: str = DEFAULT_VALIDITY  # 有效 | 失效
    revision_note: str = ""
    description: str = ""
    example: bool = False  # made by a script from the real list: every page says 「示例数据」
    where: Where = field(default=NOWHERE, compare=False)

    @property
    def key(self) -> str:
        """``<town>/<type>``: the list's folder under ``lists/`` and its place in the site."""
        return f"{self.town}/{self.type}"


@dataclass(frozen=True)
class MatterList:
    """One list: its settings, its own categories and its matters (``Matter`` for peihe, else ``TypedMatter``)."""

    info: ListInfo
    categories: tuple[Category, ...]
    matters: tuple  # tuple[Matter | TypedMatter, ...], sorted by number

    def as_content(self, site: Publisher | Site, departments: tuple[Department, ...],
                   town: Town | None = None) -> Content:
        """Today's ``Content`` of a peihe list, so that today's renderer builds it.

        Given a ``Site`` (a single-list folder), that site is kept as it is,
        which keeps the single-list build byte-identical. Given a
        ``Publisher``, the list's settings and its ``town`` make the site of
        the list, served below the publisher's ``base_path`` at ``<town>/<type>/``.
        """
        if self.info.type != PEIHE:
            raise ValueError(f"as_content: a {self.info.type} list is not today's Content")
        if isinstance(site, Site):
            return Content(site, self.categories, departments, self.matters)
        info = self.info
        below = f"{info.town}/{info.type}/"
        list_site = Site(
            title=info.title, town=town.name if town is not None else info.town, district=site.district,
            city=site.city, issuer=info.issuer or site.issuer, version=info.edition,
            revision_note=info.revision_note, description=info.description, published=info.published,
            document_number=info.document_number, base_path=site.base_path + below if site.base_path else "",
            base_url=site.base_url.rstrip("/") + "/" + below if site.base_url else "", example=info.example,
            district_title=site.title, where=info.where)
        return Content(list_site, self.categories, departments, self.matters)


@dataclass(frozen=True)
class Library:
    """Everything a content folder holds: the publisher, the shared departments, the towns and their lists."""

    site: Publisher | Site  # a Site for a single-list folder
    departments: tuple[Department, ...]
    towns: tuple[Town, ...]
    lists: tuple[MatterList, ...]  # by town (in ``towns``' order), then type

    @property
    def single(self) -> bool:
        """Whether this is a single-list folder (today's layout)."""
        return isinstance(self.site, Site)

    def town(self, slug: str) -> Town | None:
        return next((town for town in self.towns if town.slug == slug), None)

    def lists_of(self, town: str) -> tuple[MatterList, ...]:
        return tuple(matter_list for matter_list in self.lists if matter_list.info.town == town)

    def content_of(self, matter_list: MatterList) -> Content:
        """``matter_list.as_content`` with this library's site, departments and the list's town."""
        return matter_list.as_content(self.site, self.departments, self.town(matter_list.info.town))

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
