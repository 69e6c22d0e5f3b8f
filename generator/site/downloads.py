"""The list as data files: JSON (everything), CSV and XLSX (the official table's columns).

Every file is byte-identical across builds: no timestamps, fixed order, and
the XLSX (``xlsx``) has fixed document and zip entry dates. The JSON is read
by other systems, so its shape is a documented format with a version
(``FORMAT_VERSION``, see ``docs/downloads.md``); its dates come from
``site.yml`` and the git history (committer dates), never from the clock.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from generator.site import urls

from generator.site import xlsx
from generator.review.changes import Change
from generator.review.diff_format import summary_line
from generator.review.history import NO_HISTORY, History
from generator.site.markup import plain_text
from generator.content.model import TOWN_DUTIES_HEADING, UPPER_DUTIES_HEADING, Content, Matter, Site

COLUMNS = ("序号", "事项名称", "对应上级部门", UPPER_DUTIES_HEADING, TOWN_DUTIES_HEADING, "类别")
# In digit widths (a CJK character takes two): together about the width of A4 landscape at the
# sheet's 9 pt, so that it prints near its own size; the duty columns take the rest, the upper
# departments' more (they hold 1.4 times the text), so that the tallest row stays within a page.
COLUMN_WIDTHS = (5, 12, 12, 84, 46, 9)
GUARANTEE_LABEL = "履职保障："
DEPARTMENT_JOINER = "、"
SHEET_NAME = "清单"
ZIP_TIME = xlsx.ZIP_TIME
# The JSON's format, "major.minor": minor for added fields, major for anything a reader of the
# previous version could misread (a field removed, renamed or changed in meaning). docs/downloads.md.
FORMAT_VERSION = "1.0"
SITE_KEYS = ("title", "town", "district", "city", "issuer", "version", "revision_note", "description",
             "document_number")
LINKS = {"home": urls.HOME, "departments": urls.DEPARTMENTS, "full_list": urls.FULL_LIST, "search": urls.SEARCH,
         "history": urls.HISTORY, "json": urls.JSON_DOWNLOAD, "csv": urls.CSV_DOWNLOAD, "xlsx": urls.XLSX_DOWNLOAD}


@dataclass(frozen=True)
class Row:
    """One matter as a row of the official table (plain text cells)."""

    number: int
    title: str
    departments: str
    upper: str
    town: str
    category: str

    def cells(self) -> tuple[int | str, ...]:
        return (self.number, self.title, self.departments, self.upper, self.town, self.category)


@dataclass(frozen=True)
class PlainMatter:
    """A matter's texts as plain text, computed once for all three downloads."""

    matter: Matter
    sections: tuple[str, ...]
    guarantee: str
    town: str

    @classmethod
    def of(cls, matter: Matter, plain: Callable[[str], str] = plain_text) -> PlainMatter:
        return cls(matter, tuple(plain(section.markdown) for section in matter.upper_sections),
                   plain(matter.guarantee), plain(matter.town_duties))


@dataclass(frozen=True)
class Dates:
    """What the JSON takes from the git history: dates (yyyy-mm-dd, "" when unknown) and the revisions."""

    published: str = ""
    last_revised: str = ""
    matters: Mapping[str, str] = field(default_factory=dict)  # matter id → the date of its last revision
    revisions: tuple[dict[str, Any], ...] = ()  # newest first, as the JSON gives them


def dates(site: Site, history: History) -> Dates:
    """The dates of ``site.yml`` and ``history``: the one place the downloads read the history.

    Published: ``site.yml``'s ``published``, else the list's first revision in git
    (the same rule as the pages' ``render.publication``).
    Last revised: the newest revision that changed the list.
    """
    return Dates(site.published or history.first_revised or "", history.last_revised or "",
                 {matter_id: history.matter_revised(matter_id) for matter_id, commits in history.matters.items()
                  if commits},
                 tuple(_revision_data(revision.date, revision.notes, revision.change)
                       for revision in history.revisions))


def _revision_data(date: str, notes: tuple[str, ...], change: Change) -> dict[str, Any]:
    """A revision in the list's terms: its date, its 修订说明 notes and what it changed, in the words of ``diff``."""
    return {"date": date, "notes": list(notes), "summary": summary_line(change), "counts": asdict(change.counts()),
            "matters": [{"id": matter.id, "number": matter.number, "title": matter.title, "change": matter.kind}
                        for matter in change.matters]}


def download_files(content: Content, history: History = NO_HISTORY) -> dict[str, bytes]:
    """``{path: bytes}`` of the three downloads; ``history`` gives the JSON its dates and revisions."""
    known: dict[str, str] = {}

    def plain_once(text: str) -> str:
        """``plain_text``, once per distinct text: many matters share their 履职保障 and other texts."""
        if text not in known:
            known[text] = plain_text(text)
        return known[text]

    plain = [PlainMatter.of(matter, plain_once) for matter in content.matters]
    rows = [row(matter) for matter in plain]
    return {
        urls.JSON_DOWNLOAD: to_json(content, plain, rows, dates(content.site, history)),
        urls.CSV_DOWNLOAD: to_csv(rows),
        urls.XLSX_DOWNLOAD: to_xlsx(rows, content.site.title, content.site.issuer),
    }


def row(plain: PlainMatter) -> Row:
    matter = plain.matter
    return Row(matter.number, matter.title, DEPARTMENT_JOINER.join(matter.departments), upper_text(plain),
               plain.town, matter.category)


def upper_text(plain: PlainMatter) -> str:
    """The 上级部门职责 cell as the official table writes it: each heading and its duties, then 履职保障."""
    parts = [f"{section.heading}\n{text}" for section, text in zip(plain.matter.upper_sections, plain.sections)]
    parts.append(GUARANTEE_LABEL + plain.guarantee)
    return "\n".join(parts)


def to_json(content: Content, plain: list[PlainMatter], rows: list[Row], known: Dates = Dates()) -> bytes:
    """Everything, in the documented format (``docs/downloads.md``): sorted keys, no white space."""
    site = content.site
    link = partial(absolute, site.base_url)
    slugs = {department.name: department.slug for department in content.departments}
    category_slugs = {category.name: category.slug for category in content.categories}
    data = {
        "format_version": FORMAT_VERSION,
        "base_url": site.base_url or None,
        "published": known.published or None,
        "last_revised": known.last_revised or None,
        "site": {key: getattr(site, key) or None for key in SITE_KEYS},  # an optional one absent: null
        "links": {name: link(path) for name, path in LINKS.items()},
        "columns": list(COLUMNS),
        "categories": [{"name": c.name, "slug": c.slug, "ordinal": c.ordinal, "position": c.position,
                        "url": link(urls.category(c.slug))} for c in content.categories],
        "departments": [{"name": d.name, "slug": d.slug, "level": d.level, "aliases": list(d.aliases),
                         "url": link(urls.department(d.slug))} for d in content.departments],
        "matters": [_matter_data(matter, row, link, slugs, category_slugs, known.matters.get(matter.matter.id))
                    for matter, row in zip(plain, rows)],
        "revisions": list(known.revisions),
    }
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def absolute(base_url: str, path: str) -> str:
    """``path`` (relative to the site root) under ``base_url``; as it is when there is no base URL."""
    return base_url.rstrip("/") + "/" + path if base_url else path


def _matter_data(plain: PlainMatter, table_row: Row, link: Callable[[str], str], slugs: Mapping[str, str],
                 category_slugs: Mapping[str, str], last_revised: str | None) -> dict[str, Any]:
    matter = plain.matter
    return {
        "id": matter.id,
        "number": matter.number,
        "title": matter.title,
        "category": matter.category,
        "category_slug": category_slugs[matter.category],
        "departments": list(matter.departments),
        "department_slugs": [slugs[name] for name in matter.departments],
        "url": link(urls.matter(matter.id)),
        "last_revised": last_revised or None,
        "upper_sections": [{"heading": s.heading, "departments": list(s.departments),
                            "department_slugs": [slugs[name] for name in s.departments], "markdown": s.markdown,
                            "text": text} for s, text in zip(matter.upper_sections, plain.sections)],
        "guarantee": {"markdown": matter.guarantee, "text": plain.guarantee},
        "town_duties": {"markdown": matter.town_duties, "text": plain.town},
        "notes": list(matter.notes),
        "table": dict(zip(COLUMNS, table_row.cells())),
    }


def to_csv(rows: list[Row]) -> bytes:
    """UTF-8 with BOM and CRLF, so that Excel opens it with the right encoding."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(r.cells() for r in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[Row], title: str, issuer: str) -> bytes:
    return xlsx.workbook(SHEET_NAME, COLUMNS, [row.cells() for row in rows], COLUMN_WIDTHS, title, issuer)
