"""Tables as offices keep them, made in the tests: workbooks, Word documents and web pages.

Each is made from one ``PlainTable`` (the fixture's rows with every cell as
lines of plain text, or the site's own download rows), so that the imports of
two formats can be compared with each other. They hold what such files
really hold: a title row, a header row repeated every few rows (one per
printed page), category rows merged across the table, a 类别 column merged
down each category's matters, and line breaks inside cells.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from generator.importing.duty_text import fragments
from generator.importing.source_table import read_table

HEADER = ("序号", "事项名称", "对应上级部门", "上级部门职责", "苏木乡镇（街道）配合职责", "类别")
HEADER_EVERY = 25  # rows between repeated headers


@dataclass(frozen=True)
class PlainRow:
    number: int
    title: str
    departments: str
    upper: tuple[str, ...]  # lines
    town: tuple[str, ...]
    category: str
    ordinal: str = ""


@dataclass(frozen=True)
class PlainTable:
    title: str
    rows: tuple[PlainRow, ...]


def plain_table(table_path: Path) -> PlainTable:
    """The text dump's list with each duty cell as the lines of its text (tags gone)."""
    source = read_table(table_path)
    ordinals = {category.name: category.ordinal for category in source.categories}
    rows = tuple(PlainRow(row.number, row.title, row.departments,
                          tuple(text for text, _ in fragments(row.upper_duties)),
                          tuple(text for text, _ in fragments(row.town_duties)), row.category,
                          ordinals[row.category]) for row in source.rows)
    return PlainTable(source.title, rows)


def _layout(table: PlainTable, category_rows: bool) -> list[tuple[str, object]]:
    """("title" | "header" | "category" | "matter", value) in the order the file shows them."""
    layout: list[tuple[str, object]] = [("title", table.title), ("header", None)]
    previous = None
    for index, row in enumerate(table.rows):
        if index and index % HEADER_EVERY == 0:
            layout.append(("header", None))
        if category_rows and row.category != previous:
            layout.append(("category", f"{row.ordinal}、{row.category}"))
        previous = row.category
        layout.append(("matter", row))
    return layout


def write_tsv(table: PlainTable, path: Path) -> Path:
    """The reference: the same cells as a text dump, each line a ``<p>``."""
    lines = []
    for kind, value in _layout(table, category_rows=True):
        if kind == "title":
            lines.append(str(value))
        elif kind == "header":
            lines.append("\t".join(HEADER[:5]))
        elif kind == "category":
            lines.append(f"{value}\t\t\t\t")
        else:
            row = value
            lines.append("\t".join((str(row.number), row.title, row.departments, _paragraphs(row.upper),
                                    _paragraphs(row.town))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _paragraphs(lines: tuple[str, ...]) -> str:
    return " ".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)


def write_xlsx(table: PlainTable, path: Path, category_rows: bool = True) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "清单"
    workbook.create_sheet("Sheet2")  # an empty sheet, as Excel makes them
    run_start = None  # first sheet row of the current category's run of matters
    run_category = None
    for kind, value in _layout(table, category_rows):
        if kind != "matter" and run_start is not None:
            _merge_down(sheet, run_start, sheet.max_row)
            run_start = None
        if kind == "title":
            sheet.append([value])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=6)
        elif kind == "header":
            sheet.append(list(HEADER))
        elif kind == "category":
            sheet.append([value])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=6)
        else:
            row = value
            if run_start is not None and row.category != run_category:
                _merge_down(sheet, run_start, sheet.max_row)
                run_start = None
            sheet.append([row.number, row.title, row.departments, "\n".join(row.upper), "\n".join(row.town),
                          row.category if run_start is None else None])
            if run_start is None:
                run_start, run_category = sheet.max_row, row.category
    if run_start is not None:
        _merge_down(sheet, run_start, sheet.max_row)
    workbook.save(path)
    return path


def _merge_down(sheet, first: int, last: int) -> None:
    if last > first:
        sheet.merge_cells(start_row=first, start_column=6, end_row=last, end_column=6)


def write_docx(table: PlainTable, path: Path, category_rows: bool = True) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph(table.title)
    layout = [item for item in _layout(table, category_rows) if item[0] != "title"]
    grid = document.add_table(rows=len(layout), cols=6)
    run_start = None
    for index, (kind, value) in enumerate(layout):
        cells = grid.rows[index].cells
        if kind != "matter" or (run_start is not None and layout[run_start][1].category != value.category):
            if run_start is not None and index - 1 > run_start:
                grid.cell(run_start, 5).merge(grid.cell(index - 1, 5))
            run_start = None
        if kind == "header":
            for cell, text in zip(cells, HEADER):
                cell.text = text
        elif kind == "category":
            cells[0].merge(cells[5]).text = value
        else:
            row = value
            cells[0].text, cells[1].text, cells[2].text = str(row.number), row.title, row.departments
            _lines_into(cells[3], row.upper, soft=False)
            _lines_into(cells[4], row.town, soft=True)
            if run_start is None:
                cells[5].text = row.category
                run_start = index
    if run_start is not None and len(layout) - 1 > run_start:
        grid.cell(run_start, 5).merge(grid.cell(len(layout) - 1, 5))
    document.add_paragraph("附件：无")
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "签字"  # a table that is not the list
    document.save(path)
    return path


def _lines_into(cell, lines: tuple[str, ...], soft: bool) -> None:
    """Each line a paragraph, or (``soft``) one paragraph with line breaks (Shift+Enter)."""
    if soft:
        cell.text = "\n".join(lines)  # python-docx writes each "\n" as a <w:br/>
        return
    cell.text = lines[0] if lines else ""
    for line in lines[1:]:
        cell.add_paragraph(line)


def write_html(table: PlainTable, path: Path, encoding: str = "utf-8") -> Path:
    """A page as a browser saves it: a layout table around the list, a 类别 column spanning rows, ``<br>``s."""
    rows = []
    layout = _layout(table, category_rows=True)
    spans = _category_spans(layout)
    for index, (kind, value) in enumerate(layout):
        if kind == "title":
            continue
        if kind == "header":
            rows.append("<tr>" + "".join(f"<th>{text}</th>" for text in HEADER) + "</tr>")
        elif kind == "category":
            rows.append(f'<tr><td colspan="6"><b>{html.escape(value)}</b></td></tr>')
        else:
            row = value
            cells = [str(row.number), html.escape(row.title), html.escape(row.departments),
                     "<br>".join(html.escape(line) for line in row.upper),
                     "".join(f"<p>{html.escape(line)}</p>" for line in row.town)]
            category = (f'<td rowspan="{spans[index]}">{html.escape(row.category)}</td>'
                        if index in spans else "")
            rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + category + "\n</tr>")
    page = (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{html.escape(table.title)}</title>'
            "<style>td { border: 1px solid }</style><script>var x = '<table>';</script></head><body>"
            '<table class="layout"><tr><td><a href="/">首页</a> &gt; 清单</td></tr><tr><td>'
            f"<h1>{html.escape(table.title)}</h1><table border=1>\n" + "\n".join(rows) +
            "\n</table></td></tr></table></body></html>\n")
    path.write_bytes(page.encode(encoding))
    return path


def _category_spans(layout: list[tuple[str, object]]) -> dict[int, int]:
    """Index of the first matter row of each run (not broken by other rows) → the run's length."""
    spans: dict[int, int] = {}
    start = None
    for index, (kind, value) in enumerate(layout):
        continues = (kind == "matter" and start is not None and layout[start][1].category == value.category
                     and layout[index - 1][0] == "matter")
        if continues:
            spans[start] += 1
        elif kind == "matter":
            start = index
            spans[start] = 1
        else:
            start = None
    return spans
