"""The one table model every reader produces: rows of cells, each row knowing where it was read.

Offices keep the list in different files (a workbook, a Word table, a saved
web page, a text dump); each reader turns its format into this model, and
everything after it (``source_table``, ``duty_text``, ``importer``) works on
the model alone.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One cell's text.

    ``markup`` cells hold HTML fragments whose tags give the structure
    (``<p>``, ``<ol>``, ``<br>``; entities escaped), as the portal and its text
    dump give them. Plain cells (workbooks, Word tables) hold text whose line
    breaks are the only structure.
    """

    text: str
    markup: bool = False

    @property
    def empty(self) -> bool:
        return not self.text.strip()


EMPTY = Cell("")


@dataclass(frozen=True)
class RawRow:
    """A row of cells, merged cells already spread out, with its place for messages."""

    cells: tuple[Cell, ...]
    path: str  # the file as messages name it, with the sheet or table when there are several
    line: int  # line of a text file or web page, row of a sheet or Word table (1-based)


@dataclass(frozen=True)
class RawTable:
    """Every row of the chosen sheets or tables, in reading order."""

    path: str  # the file as messages name it
    rows: tuple[RawRow, ...]
