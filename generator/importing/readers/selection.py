"""Which sheets of a workbook, or tables of a document or page, hold the list.

A file may hold more than the list (an empty ``Sheet2``, a signature table,
a page's layout tables): the ones with a ``序号`` header row are the list;
when none has one, every table that has text is read.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from generator.importing.readers.model import Cell, RawRow, RawTable

HEADER_FIRST_CELL = "序号"
WHITESPACE = re.compile(r"\s+")

Rows = Sequence[tuple[int, tuple[Cell, ...]]]  # (line or row number, cells)


def choose_tables(label: str, tables: Sequence[tuple[str, Rows]]) -> RawTable:
    """The rows of the tables that hold the list; rows named ``label[table]`` when several are read."""
    with_text = [(name, rows) for name, rows in tables if any(not cell.empty for _, cells in rows for cell in cells)]
    chosen = [(name, rows) for name, rows in with_text if any(is_header(cells) for _, cells in rows)] or with_text
    several = len(chosen) > 1
    rows = tuple(RawRow(cells, f"{label}[{name}]" if several else label, line)
                 for name, table_rows in chosen for line, cells in table_rows)
    return RawTable(label, rows)


def is_header(cells: Sequence[Cell]) -> bool:
    """A header row: its first cell with text says 序号 (Word tables often space it out: 序 号)."""
    first = next((cell for cell in cells if not cell.empty), None)
    return first is not None and WHITESPACE.sub("", _plain(first)) == HEADER_FIRST_CELL


def _plain(cell: Cell) -> str:
    return re.sub(r"<[^>]*>", "", cell.text) if cell.markup else cell.text
