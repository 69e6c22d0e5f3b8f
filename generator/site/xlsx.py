"""A minimal XLSX writer for the one table the downloads hold, laid out to print as the official table.

openpyxl wrote this file before: general, but at 10,000 matters it took
1.5 s of the build (and its import, which pulls in numpy when installed, a
sixth of a 100-matter build). Our table is one sheet of text and numbers with
a bold, frozen header row, wrapped and bordered cells, fixed column widths
and an autofilter, so the package is written here directly, in the shape
openpyxl gave it (inline strings), minus the parts a reader does not need
(theme, colour table). Every text is XML-escaped, and characters XML cannot
hold are dropped. No timestamps: the document dates are fixed and the zip
entries carry the earliest date a zip can hold, so a rebuild gives the same
bytes.

Printing is the reason for the rest. Spreadsheet programs do not size rows
to wrapped text when they open a file (LibreOffice showed one line of each
cell), so every row carries its height, estimated here from the cells'
text (``row_height``); the page is A4 landscape, fitted to one page wide,
with the header row repeated on every page (print titles), the title in the
page header and page numbers in the footer. Excel caps a row at 409.5 pt:
a row whose text would need more is set in a smaller size (``FONT_SIZES``)
rather than cut.
"""
from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence

Cell = int | str
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_TIME = "2000-01-01T00:00:00Z"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0

# The typeface of Chinese official tables, on every Chinese Windows and in WPS; elsewhere the
# program substitutes a CJK font. The body's size is the first; the smaller ones are for rows that
# would otherwise be taller than MAX_ROW_HEIGHT.
FONT_NAME = "宋体"
FONT_SIZES = (9, 8, 7)  # pt
# Line height per point of font size, with room for the tallest common CJK fonts (Noto CJK: 1.45 em).
LINE_HEIGHT = 1.45
ROW_PADDING = 4.5  # pt above and below a cell's text, together
MAX_ROW_HEIGHT = 409.5  # pt: Excel's limit
# A column's width is counted in widths of a digit of the default font (the first of FONT_SIZES);
# a CJK character takes two, and about one is lost to the cell's margins.
WIDE = 2.0
CELL_MARGIN = 1.0
# Styles (indices into cellXfs): 0 default, 1 header, then two body styles per font size: text
# (left-aligned) and numbers (centred).
HEADER_STYLE = 1
BODY_STYLES = tuple(range(2, 2 + 2 * len(FONT_SIZES), 2))
CENTRED = 1  # added to a body style: its centred twin
# Page margins in inches (left, right, top, bottom, header, footer): narrow at the sides, so that
# the table fits A4 landscape at about its own size.
MARGINS = (0.4, 0.4, 0.6, 0.6, 0.25, 0.25)
# The printed pages' footer: "第 1 页，共 9 页" (&C centred, &P the page, &N the pages).
PAGE_NUMBER = "&C第 &P 页，共 &N 页"

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '</Types>')
ROOT_RELS = (
    f'<Relationships xmlns="{PACKAGE_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PACKAGE_REL_NS}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    '</Relationships>')
WORKBOOK_RELS = (
    f'<Relationships xmlns="{PACKAGE_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    '</Relationships>')
APP = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       '<Application>Microsoft Excel Compatible</Application></Properties>')
THIN = '<left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/>'


def _font(size: float, bold: bool = False) -> str:
    weight = '<b val="1"/>' if bold else ""
    return f'<font>{weight}<sz val="{size:g}"/><name val="{FONT_NAME}"/><family val="3"/><charset val="134"/></font>'


def _styles() -> str:
    """Fonts: the body sizes, then the bold header. Cell formats: 0 default, 1 header (bold,
    centred), then in each size a body format (top-aligned) and its centred twin; all but 0
    wrapped and bordered."""
    fonts = [_font(size) for size in FONT_SIZES] + [_font(FONT_SIZES[0], bold=True)]
    cell = '<xf numFmtId="0" fontId="{font}" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" ' \
           'applyAlignment="1"><alignment {align} wrapText="1"/></xf>'
    formats = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
               cell.format(font=len(FONT_SIZES), align='horizontal="center" vertical="center"'),
               *(cell.format(font=index, align=align) for index in range(len(FONT_SIZES))
                 for align in ('vertical="top"', 'horizontal="center" vertical="top"'))]
    return (f'<styleSheet xmlns="{MAIN_NS}">'
            f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
            '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>{THIN}</border>'
            '</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(formats)}">{"".join(formats)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '</styleSheet>')


STYLES = _styles()


def workbook(sheet_name: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float],
             title: str, creator: str) -> bytes:
    """One sheet: ``header`` (bold, frozen, with an autofilter, printed on every page) above ``rows``;
    columns ``widths`` wide (in digit widths); printed A4 landscape, one page wide, under ``title``."""
    last = f"{_column(len(header))}{len(rows) + 1}"
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/app.xml": APP,
        "docProps/core.xml": _core(title, creator),
        "xl/workbook.xml": _workbook(sheet_name, last),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": _sheet(header, rows, widths, last, title),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, xml.encode("utf-8"))
    return buffer.getvalue()


# --- row heights ---------------------------------------------------------------


def text_lines(text: str, width: float, size: float = FONT_SIZES[0]) -> int:
    """At least as many lines as ``text`` takes, wrapped in a column ``width`` digits wide at ``size`` pt.

    Spreadsheet programs wrap Chinese at any character, and a line break in
    the text starts a line. An ASCII character is one digit wide and any other
    counts as a CJK character (two), so each line of a greedy wrap holds more
    than ``room - 2`` of a paragraph's width, which bounds its lines without
    walking it character by character (a 10,000-matter list has millions).
    Erring on the tall side is harmless (some space under the text), on the
    short side it cuts text off.
    """
    room = max(2 * WIDE, (width - CELL_MARGIN) * FONT_SIZES[0] / size)
    if WIDE * len(text) <= room:  # most cells: no paragraph can need a second line
        return text.count("\n") + 1
    lines = 0
    for paragraph in text.split("\n"):
        used = WIDE * len(paragraph) - (WIDE - 1) * len(paragraph.encode("ascii", "ignore"))
        lines += 1 if used <= room else math.ceil(used / (room - WIDE))
    return lines


def row_height(cells: Sequence[Cell], widths: Sequence[float], size: float = FONT_SIZES[0]) -> float:
    """The height (pt) that shows every line of the row's tallest cell, rounded up to a quarter point."""
    lines = max((text_lines(str(value), width, size) for value, width in zip(cells, widths)), default=1)
    return math.ceil((lines * size * LINE_HEIGHT + ROW_PADDING) * 4) / 4


def fitted(cells: Sequence[Cell], widths: Sequence[float]) -> tuple[int, float]:
    """The body style and height of a row: the largest font size whose height Excel can hold
    (the smallest size, capped at MAX_ROW_HEIGHT, if none can)."""
    for style, size in zip(BODY_STYLES, FONT_SIZES):
        height = row_height(cells, widths, size)
        if height <= MAX_ROW_HEIGHT:
            return style, height
    return BODY_STYLES[-1], MAX_ROW_HEIGHT


# --- the parts -----------------------------------------------------------------


def _core(title: str, creator: str) -> str:
    return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{_text(title)}</dc:title><dc:creator>{_text(creator)}</dc:creator>'
            f'<cp:lastModifiedBy>{_text(creator)}</cp:lastModifiedBy>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:modified>'
            '</cp:coreProperties>')


def _workbook(sheet_name: str, last: str) -> str:
    """The sheet, with its filter range and its print titles (row 1 on every printed page)."""
    quoted = "'" + _text(sheet_name.replace("'", "''")) + "'"
    absolute = "$" + "$".join(re.fullmatch(r"([A-Z]+)(\d+)", last).groups())  # type: ignore[union-attr]
    return (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets><sheet name="{_attribute(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames>'
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{quoted}!$A$1:{absolute}'
            '</definedName>'
            f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{quoted}!$1:$1</definedName>'
            '</definedNames></workbook>')


def _sheet(header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float], last: str,
           title: str) -> str:
    """The worksheet, its parts in the order the schema requires."""
    columns = "".join(f'<col min="{index}" max="{index}" width="{width:g}" customWidth="1"/>'
                      for index, width in enumerate(widths, start=1))
    lines = [_row(1, header, HEADER_STYLE, row_height(header, widths))]
    for number, cells in enumerate(rows, start=2):
        lines.append(_row(number, cells, *fitted(cells, widths)))
    left, right, top, bottom, head, foot = MARGINS
    default_height = math.ceil(FONT_SIZES[0] * LINE_HEIGHT * 4) / 4
    return (f'<worksheet xmlns="{MAIN_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{last}"/>'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="{default_height:g}"/><cols>{columns}</cols>'
            f'<sheetData>{"".join(lines)}</sheetData><autoFilter ref="A1:{last}"/>'
            '<printOptions horizontalCentered="1"/>'
            f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" header="{head}" '
            f'footer="{foot}"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            f'<headerFooter><oddHeader>{_text(_header_code(title))}</oddHeader>'
            f'<oddFooter>{_text(PAGE_NUMBER)}</oddFooter></headerFooter></worksheet>')


def _header_code(title: str) -> str:
    """The page header: the title, centred, bold (``&B``) and 11 pt; a literal ``&`` is written ``&&``."""
    return "&C&B&11" + title.replace("&", "&&")


def _row(number: int, cells: Sequence[Cell], style: int, height: float) -> str:
    filled = "".join(_cell(f"{_column(index)}{number}", value, style) for index, value in enumerate(cells, start=1))
    return f'<row r="{number}" ht="{height:g}" customHeight="1">{filled}</row>'


def _cell(reference: str, value: Cell, style: int) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        centred = style + CENTRED if style in BODY_STYLES else style
        return f'<c r="{reference}" s="{centred}"><v>{value}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t{space}>{_text(text)}</t></is></c>'


def _column(index: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _text(value: str) -> str:
    return NOT_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;")
