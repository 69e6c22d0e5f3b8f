"""Read the official table dump: tab-separated rows with category and header rows.

This module only finds rows and cells; turning cell text into structured
duties is ``duty_text``'s job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ContentError, ContentErrors, display_path

HEADER_FIRST_CELL = "序号"
CATEGORY_ROW = re.compile(r"^([一二三四五六七八九十]+)、(\S+)$")
NOTE_ROW = re.compile(r"^注[：:]")


@dataclass(frozen=True)
class SourceCategory:
    ordinal: str
    name: str
    line: int


@dataclass(frozen=True)
class SourceRow:
    """One matter as the official table gives it, cells untouched."""

    number: int
    title: str
    departments: str
    upper_duties: str
    town_duties: str
    category: str
    line: int


@dataclass(frozen=True)
class SourceTable:
    title: str
    note: str
    categories: tuple[SourceCategory, ...]
    rows: tuple[SourceRow, ...]


def read_table(path: Path) -> SourceTable:
    """Parse the dump at ``path``; raise ContentErrors listing every unreadable row."""
    text = path.read_text(encoding="utf-8-sig")
    return parse_table(text, display_path(path))


def parse_table(text: str, path_label: str) -> SourceTable:
    title, note = "", ""
    categories: list[SourceCategory] = []
    rows: list[SourceRow] = []
    errors: list[ContentError] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        cells = [cell.strip() for cell in line.split("\t")]
        first = cells[0]
        if not any(cells) or first == HEADER_FIRST_CELL:
            continue
        category = CATEGORY_ROW.match(first)
        if category and not any(cells[1:]):
            categories.append(SourceCategory(category[1], category[2], line_number))
        elif first.isdigit():
            row = _matter_row(cells, categories, line_number, path_label, errors)
            if row:
                rows.append(row)
        elif NOTE_ROW.match(first) and len(cells) == 1:
            note = first
        elif len(cells) == 1 and not title:
            title = first
        else:
            errors.append(ContentError(path_label, line_number, f"unrecognised row: {line[:40]!r}",
                                       "expected a header, category, matter or note row"))
    if errors:
        raise ContentErrors(errors)
    return SourceTable(title, note, tuple(categories), tuple(rows))


def _matter_row(cells: list[str], categories: list[SourceCategory], line_number: int,
                path_label: str, errors: list[ContentError]) -> SourceRow | None:
    if len(cells) != 5:
        errors.append(ContentError(path_label, line_number, f"matter row has {len(cells)} cells, expected 5"))
        return None
    if not categories:
        errors.append(ContentError(path_label, line_number, "matter row before any category row"))
        return None
    number, title, departments, upper, town = cells
    return SourceRow(int(number), title, departments, upper, town, categories[-1].name, line_number)
