"""A minimal XLSX writer for the one table the downloads hold.

openpyxl wrote this file before: general, but at 10,000 matters it took
1.5 s of the build (and its import, which pulls in numpy when installed, a
sixth of a 100-matter build). Our table is one sheet of text and numbers with
a bold, frozen header row, wrapped cells, fixed column widths and an
autofilter, so the package is written here directly, in the shape openpyxl
gave it (inline strings, the same styles), minus the parts a reader does not
need (theme, colour table). Every text is XML-escaped, and characters XML
cannot hold are dropped. No timestamps: the document dates are fixed and the
zip entries carry the earliest date a zip can hold, so a rebuild gives the
same bytes.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

Cell = int | str
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_TIME = "2000-01-01T00:00:00Z"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
HEADER_STYLE, BODY_STYLE = 1, 2  # indices into cellXfs of STYLES

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
# Fonts: 0 normal, 1 bold. Cell formats: 0 default, 1 bold + wrapped (header), 2 wrapped (body).
STYLES = (
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def workbook(sheet_name: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float],
             title: str, creator: str) -> bytes:
    """One sheet: ``header`` (bold, frozen, with an autofilter) above ``rows``; columns ``widths`` wide."""
    last = f"{_column(len(header))}{len(rows) + 1}"
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/app.xml": APP,
        "docProps/core.xml": _core(title, creator),
        "xl/workbook.xml": _workbook(sheet_name, last),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": _sheet(header, rows, widths, last),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, xml.encode("utf-8"))
    return buffer.getvalue()


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
    quoted = _text(sheet_name.replace("'", "''"))
    absolute = "$" + "$".join(re.fullmatch(r"([A-Z]+)(\d+)", last).groups())  # type: ignore[union-attr]
    return (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets><sheet name="{_attribute(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
            f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"'{quoted}'!$A$1:{absolute}</definedName></definedNames></workbook>")


def _sheet(header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float], last: str) -> str:
    columns = "".join(f'<col min="{index}" max="{index}" width="{width:g}" customWidth="1"/>'
                      for index, width in enumerate(widths, start=1))
    lines = [_row(1, header, HEADER_STYLE), *(_row(number, cells, BODY_STYLE)
                                               for number, cells in enumerate(rows, start=2))]
    return (f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:{last}"/>'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols>'
            f'<sheetData>{"".join(lines)}</sheetData><autoFilter ref="A1:{last}"/></worksheet>')


def _row(number: int, cells: Sequence[Cell], style: int) -> str:
    filled = "".join(_cell(f"{_column(index)}{number}", value, style) for index, value in enumerate(cells, start=1))
    return f'<row r="{number}">{filled}</row>'


def _cell(reference: str, value: Cell, style: int) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<c r="{reference}" s="{style}"><v>{value}</v></c>'
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
