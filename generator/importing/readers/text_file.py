"""Text tables: the portal's tab-separated dump, or comma-separated values (the site's ``qingdan.csv``).

The dump has one row per line and its cells hold the portal's HTML
fragments (``<p>``, ``<ol>``), so they are markup cells. Comma-separated
text (recognised by its header line: commas and no tab) may quote cells
that hold line breaks, as Excel and the site's download write them; its
cells are lines of plain text.
"""
from __future__ import annotations

import csv
import io
import re

from generator.errors import ContentError, ContentErrors
from generator.i18n import _
from generator.importing.readers.model import Cell, RawRow, RawTable

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_text(text: str, label: str) -> RawTable:
    lines = LINE_BREAK.split(text)
    header = next((line for line in lines if "序号" in line), "")
    if "\t" not in header and "," in header:
        return _read_csv(text, label)
    rows = tuple(RawRow(tuple(Cell(cell, markup=True) for cell in line.split("\t")), label, number)
                 for number, line in enumerate(lines, start=1))
    return RawTable(label, rows)


def _read_csv(text: str, label: str) -> RawTable:
    """One row per record; a record's line is where it starts."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    start = 1
    try:
        for record in reader:
            cells = tuple(Cell(cell.replace("\r\n", "\n").replace("\r", "\n")) for cell in record)
            rows.append(RawRow(cells, label, start))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ContentErrors([ContentError(label, start, _("the comma-separated text cannot be read: {reason}").format(
            reason=error), _("check the quotation marks (\") of this row"))]) from None
    return RawTable(label, tuple(rows))
