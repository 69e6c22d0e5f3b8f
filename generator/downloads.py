"""The list as data files: JSON (everything), CSV and XLSX (the official table's columns).

Every file is byte-identical across builds: no timestamps, fixed order, and
the XLSX (``xlsx``) has fixed document and zip entry dates.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator import urls, xlsx
from generator.markup import plain_text
from generator.model import TOWN_DUTIES_HEADING, UPPER_DUTIES_HEADING, Content, Matter

COLUMNS = ("序号", "事项名称", "对应上级部门", UPPER_DUTIES_HEADING, TOWN_DUTIES_HEADING, "类别")
# In digit widths (a CJK character takes two): together about the width of A4 landscape at the
# sheet's 9 pt, so that it prints near its own size; the duty columns take the rest, the upper
# departments' more (they hold 1.4 times the text), so that the tallest row stays within a page.
COLUMN_WIDTHS = (5, 12, 12, 84, 46, 9)
GUARANTEE_LABEL = "履职保障："
DEPARTMENT_JOINER = "、"
SHEET_NAME = "清单"
ZIP_TIME = xlsx.ZIP_TIME


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


def download_files(content: Content) -> dict[str, bytes]:
    """``{path: bytes}`` of the three downloads."""
    known: dict[str, str] = {}

    def plain_once(text: str) -> str:
        """``plain_text``, once per distinct text: many matters share their 履职保障 and other texts."""
        if text not in known:
            known[text] = plain_text(text)
        return known[text]

    plain = [PlainMatter.of(matter, plain_once) for matter in content.matters]
    rows = [row(matter) for matter in plain]
    return {
        urls.JSON_DOWNLOAD: to_json(content, plain, rows),
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


def to_json(content: Content, plain: list[PlainMatter], rows: list[Row]) -> bytes:
    data = {
        "site": {key: getattr(content.site, key) for key in
                 ("title", "town", "district", "city", "issuer", "version", "revision_note", "description")},
        "columns": list(COLUMNS),
        "categories": [{"name": c.name, "slug": c.slug, "ordinal": c.ordinal, "position": c.position,
                        "url": urls.category(c.slug)} for c in content.categories],
        "departments": [{"name": d.name, "slug": d.slug, "level": d.level, "aliases": list(d.aliases),
                         "url": urls.department(d.slug)} for d in content.departments],
        "matters": [_matter_data(matter, row) for matter, row in zip(plain, rows)],
    }
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def _matter_data(plain: PlainMatter, table_row: Row) -> dict[str, Any]:
    matter = plain.matter
    return {
        "id": matter.id,
        "number": matter.number,
        "title": matter.title,
        "category": matter.category,
        "departments": list(matter.departments),
        "url": urls.matter(matter.id),
        "upper_sections": [{"heading": s.heading, "departments": list(s.departments), "markdown": s.markdown,
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
