"""Tab-separated text, as the portal's dump of the table gives it: one row per line.

Its cells hold the portal's HTML fragments (``<p>``, ``<ol>``), so they are
markup cells.
"""
from __future__ import annotations

import re

from generator.table_readers.model import Cell, RawRow, RawTable

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_text(text: str, label: str) -> RawTable:
    """One row per line (Windows, Unix or old Mac line ends), cells split at tabs."""
    rows = tuple(RawRow(tuple(Cell(cell, markup=True) for cell in line.split("\t")), label, number)
                 for number, line in enumerate(LINE_BREAK.split(text), start=1))
    return RawTable(label, rows)
