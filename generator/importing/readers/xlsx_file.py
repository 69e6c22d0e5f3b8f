"""Excel workbooks (``.xlsx``), read with openpyxl.

A merged cell's text belongs to every row it spans (a category column merged
down its matters) but only to its first column (a category row merged across
the table), so it is spread down, never across. Line breaks inside a cell
(Alt+Enter) are kept: they are the cell's only structure.
"""
from __future__ import annotations

import datetime
import io

from generator.i18n import _
from generator.importing.readers.model import EMPTY, Cell, RawTable
from generator.importing.readers.selection import choose_tables


def read_xlsx(data: bytes, label: str) -> RawTable:
    from openpyxl import load_workbook  # imported here: only this format needs it

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
        sheets = [(sheet.title, _sheet_rows(sheet)) for sheet in workbook.worksheets]
    except Exception as error:  # noqa: BLE001 - a damaged file can fail anywhere inside openpyxl
        from generator.importing.readers import unreadable

        raise unreadable(label, _("an Excel workbook"), error) from None
    return choose_tables(label, sheets)


def _sheet_rows(sheet) -> list[tuple[int, tuple[Cell, ...]]]:
    """(row number, cells) of every row of ``sheet``."""
    spread = _merged_values(sheet)
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = tuple(_cell(spread.get((number, column), value))
                      for column, value in enumerate(values, start=1))
        rows.append((number, cells))
    return rows


def _merged_values(sheet) -> dict[tuple[int, int], object]:
    """(row, column) → value for the cells a merge covers below its first cell."""
    spread: dict[tuple[int, int], object] = {}
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row + 1, merged.max_row + 1):
            spread[(row, merged.min_col)] = value
    return spread


def _cell(value: object) -> Cell:
    if value is None:
        return EMPTY
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        value = value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return Cell(text)

