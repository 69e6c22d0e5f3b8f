"""A web page holding the table, as a browser saves it, read with the standard library's ``html.parser``.

Pages are rarely well formed, so rows and cells end where the next one
starts as well as at their end tags. A cell keeps the tags that give its text
structure (``<p>``, ``<br>``, lists) and drops inline ones (``<span>``,
``<a>``); its text is re-escaped, so the cell is markup as in the text dump.
``rowspan`` spreads a cell's text down to every row it spans, ``colspan``
leaves the other columns empty, as in ``xlsx_file``. Tables nested in a
layout table are tables of their own.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

from generator.i18n import _
from generator.importing.readers.model import EMPTY, Cell, RawTable
from generator.importing.readers.selection import choose_tables

STRUCTURE_TAGS = frozenset({"p", "br", "div", "ol", "ul", "li", "h1", "h2", "h3", "h4", "h5", "h6"})
IGNORED_TEXT_TAGS = frozenset({"script", "style", "template", "title"})
MAX_SPAN = 1000  # a bogus rowspan="99999" must not make millions of rows


def read_html(text: str, label: str) -> RawTable:
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    tables = [(_("table {number}").format(number=number), table.rows)
              for number, table in enumerate(sorted(parser.finished, key=lambda t: t.order), start=1)]
    return choose_tables(label, tables)


@dataclass
class _OpenCell:
    parts: list[str]
    colspan: int
    rowspan: int


@dataclass
class _Table:
    order: int
    rows: list[tuple[int, tuple[Cell, ...]]] = field(default_factory=list)
    row: list[_OpenCell] | None = None
    row_line: int = 0
    cell: _OpenCell | None = None
    pending: dict[int, tuple[int, Cell]] = field(default_factory=dict)  # column → (rows left, text)

    def start_row(self, line: int) -> None:
        self.end_row()
        self.row, self.row_line = [], line

    def start_cell(self, colspan: int, rowspan: int) -> None:
        if self.row is None:
            self.start_row(self.row_line)
        self.end_cell()
        self.cell = _OpenCell([], colspan, rowspan)

    def end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(self.cell)
        self.cell = None

    def end_row(self) -> None:
        self.end_cell()
        if self.row is not None:
            self.rows.append((self.row_line, self._place(self.row)))
        self.row = None

    def _place(self, opened: list[_OpenCell]) -> tuple[Cell, ...]:
        """The row on the table's grid: columns spanned from rows above are taken first."""
        grid: dict[int, Cell] = {}
        for column, (left, cell) in list(self.pending.items()):
            grid[column] = cell
            if left > 1:
                self.pending[column] = (left - 1, cell)
            else:
                del self.pending[column]
        spanning: dict[int, tuple[int, Cell]] = {}
        column = 0
        for opened_cell in opened:
            while column in grid:
                column += 1
            cell = Cell("".join(opened_cell.parts).strip(), markup=True)
            for offset in range(opened_cell.colspan):
                grid[column + offset] = cell if offset == 0 else EMPTY
                if opened_cell.rowspan > 1:
                    spanning[column + offset] = (opened_cell.rowspan - 1, grid[column + offset])
            column += opened_cell.colspan
        self.pending.update(spanning)
        width = max(grid, default=-1) + 1
        return tuple(grid.get(index, EMPTY) for index in range(width))


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[_Table] = []
        self.finished: list[_Table] = []
        self.started = 0
        self.ignoring = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in IGNORED_TEXT_TAGS:
            self.ignoring += 1
        elif tag == "table":
            self.open.append(_Table(self.started))
            self.started += 1
        elif not self.open:
            return
        elif tag == "tr":
            self.open[-1].start_row(self.getpos()[0])
        elif tag in ("td", "th"):
            values = dict(attrs)
            self.open[-1].start_cell(_span(values.get("colspan")), _span(values.get("rowspan")))
        elif tag in STRUCTURE_TAGS and self.open[-1].cell is not None:
            self.open[-1].cell.parts.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "td", "th", "tr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in IGNORED_TEXT_TAGS:
            self.ignoring = max(0, self.ignoring - 1)
        elif not self.open:
            return
        elif tag == "table":
            table = self.open.pop()
            table.end_row()
            self.finished.append(table)
        elif tag == "tr":
            self.open[-1].end_row()
        elif tag in ("td", "th"):
            self.open[-1].end_cell()
        elif tag in STRUCTURE_TAGS and tag != "br" and self.open[-1].cell is not None:
            self.open[-1].cell.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1].cell is not None and not self.ignoring:
            self.open[-1].cell.parts.append(html.escape(data, quote=False))

    def close(self) -> None:
        super().close()
        while self.open:
            self.handle_endtag("table")


def _span(value: str | None) -> int:
    try:
        return min(max(int((value or "1").strip()), 1), MAX_SPAN)
    except ValueError:
        return 1
