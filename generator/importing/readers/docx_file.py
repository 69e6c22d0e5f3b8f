"""Word documents (``.docx``): the tables of the document, read with python-docx.

Merged cells are read from the table grid itself: a vertically merged cell
(``vMerge``) gives its text to every row it spans, a cell spanning several
columns (``gridSpan``) only to its first column, as in ``xlsx_file``. Each
paragraph and soft line break (Shift+Enter) inside a cell is a line of the
cell.
"""
from __future__ import annotations

import io

from generator.i18n import _
from generator.importing.readers.model import EMPTY, Cell, RawTable
from generator.importing.readers.selection import Rows, choose_tables


def read_docx(data: bytes, label: str) -> RawTable:
    from docx import Document  # imported here: only this format needs it

    try:
        document = Document(io.BytesIO(data))
        tables = [(_("table {number}").format(number=number), _table_rows(table))
                  for number, table in enumerate(document.tables, start=1)]
    except Exception as error:  # noqa: BLE001 - a damaged file can fail anywhere inside python-docx
        from generator.importing.readers import unreadable

        raise unreadable(label, _("a Word document"), error) from None
    return choose_tables(label, tables)


def _table_rows(table) -> Rows:
    from docx.table import _Cell

    rows = []
    above: dict[int, Cell] = {}  # grid column → the text a vertical merge carries down
    for number, tr in enumerate(table._tbl.tr_lst, start=1):
        cells: dict[int, Cell] = {}
        column = tr.grid_before
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                cell = above.get(column, EMPTY)
            else:
                cell = Cell(_Cell(tc, table).text.replace("\r", "\n"))
            cells[column] = cell
            above[column] = cell
            for covered in range(column + 1, column + tc.grid_span):
                above[covered] = EMPTY
            column += tc.grid_span
        width = max(cells, default=-1) + 1
        rows.append((number, tuple(cells.get(index, EMPTY) for index in range(width))))
    return rows
