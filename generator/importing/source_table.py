"""Find the list in a table's rows: header, category, matter, title and note rows.

The rows come from any reader of ``table_readers`` (one table model for every
format). This module finds rows and cells and checks what the table itself
must get right (numbers used once and in order, no empty cell where the list
needs text); turning cell text into structured duties is ``duty_text``'s job.

Columns are found by their header (``序号``, ``事项名称``, ``对应上级部门``,
``上级部门职责``, ``苏木乡镇（街道）配合职责`` and, in the site's own
downloads, ``类别``), so a workbook with its columns in another order or an
extra empty column reads the same. A header repeated on every printed page
is read again and changes nothing. Without a header, the official order of
the five columns is assumed. The category of a matter comes from the
category row above it (``一、党的建设``) or from a ``类别`` column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.importing.duty_text import WHITESPACE, plain_text, single_line
from generator.errors import ContentError, ContentErrors
from generator.i18n import _
from generator.importing.readers import read_table_file
from generator.importing.readers.model import EMPTY, Cell, RawRow, RawTable
from generator.importing.readers.selection import is_header

CATEGORY_ROW = re.compile(r"^([一二三四五六七八九十]+)、\s*(\S+)$")
NOTE_ROW = re.compile(r"^注[：:]")

NUMBER, TITLE, DEPARTMENTS, UPPER, TOWN, CATEGORY = "number", "title", "departments", "upper", "town", "category"
# Each column's header as the official table writes it (white space removed), and the words that find it.
COLUMN_HEADERS = {NUMBER: "序号", TITLE: "事项名称", DEPARTMENTS: "对应上级部门", UPPER: "上级部门职责",
                  TOWN: "苏木乡镇（街道）配合职责", CATEGORY: "类别"}
COLUMN_WORDS = ((UPPER, ("上级部门职责",)), (TOWN, ("配合职责", "乡镇", "街道")), (DEPARTMENTS, ("上级部门",)),
                (NUMBER, ("序号",)), (TITLE, ("事项",)), (CATEGORY, ("类别", "分类")))
REQUIRED = (NUMBER, TITLE, DEPARTMENTS, UPPER, TOWN)
DEFAULT_COLUMNS = {field: index for index, field in enumerate(REQUIRED)}
TEXT_FIELDS = (TITLE, DEPARTMENTS, UPPER, TOWN)


@dataclass(frozen=True)
class SourceCategory:
    ordinal: str
    name: str
    line: int
    path: str = ""


@dataclass(frozen=True)
class SourceRow:
    """One matter as the official table gives it: its duty cells untouched, its place for messages."""

    number: int
    title: str
    departments: str  # plain text
    upper_duties: Cell
    town_duties: Cell
    category: str
    line: int
    path: str = ""


@dataclass(frozen=True)
class SourceTable:
    title: str
    note: str
    categories: tuple[SourceCategory, ...]
    rows: tuple[SourceRow, ...]


def read_table(path: Path) -> SourceTable:
    """The list in the table file at ``path`` (any format); ContentErrors listing every problem."""
    return parse_rows(read_table_file(path))


def empty_table_error(path: str) -> ContentError:
    """A table without a matter row, whatever the list's type: importing it would empty the list."""
    return ContentError(path, 1, _("the table holds no matter rows: importing it would empty the list"),
                        _("is it the right file? A matter row starts with its number (序号)"))


def parse_rows(table: RawTable) -> SourceTable:
    return _Rows().parse(table)


@dataclass
class _Column:
    field: str | None  # None: a column the list does not have
    header: str
    index: int


class _Rows:
    """Reads the rows one by one, remembering the header, the category and the numbers seen."""

    def __init__(self) -> None:
        self.title = ""
        self.note = ""
        self.columns: dict[str, int] = dict(DEFAULT_COLUMNS)
        self.extra: list[_Column] = []  # columns of the header that the list does not have
        self.header_seen = False
        self.partial: tuple[RawRow, dict[str, int], list[_Column]] | None = None  # a header awaiting its second row
        self.categories: list[SourceCategory] = []
        self.rows: list[SourceRow] = []
        self.numbers: dict[int, RawRow] = {}
        self.errors: list[ContentError] = []

    def parse(self, table: RawTable) -> SourceTable:
        for raw in table.rows:
            self._row(raw)
        self._no_partial_header()
        self._check_gaps()
        categories = self.categories or self._column_categories()
        if self.errors:
            raise ContentErrors(self.errors)
        return SourceTable(self.title, self.note, tuple(categories), tuple(self.rows))

    def _error(self, raw: RawRow, message: str, suggestion: str = "") -> None:
        self.errors.append(ContentError(raw.path, raw.line, message, suggestion))

    def _row(self, raw: RawRow) -> None:
        filled = [(index, cell) for index, cell in enumerate(raw.cells) if not cell.empty]
        if not filled:
            return
        if is_header(raw.cells) or self.partial is not None and not self._numbered(raw):
            self._header(raw)
            return
        self._no_partial_header()
        first = WHITESPACE.sub("", plain_text(filled[0][1]))
        number = self._cell(raw, NUMBER)
        number_text = WHITESPACE.sub("", plain_text(number))
        if number_text.isdigit():
            self._matter(raw, int(number_text))
        elif CATEGORY_ROW.match(first) and all(index == self.columns.get(CATEGORY) for index, _cell in filled[1:]):
            match = CATEGORY_ROW.match(first)
            self.categories.append(SourceCategory(match[1], match[2], raw.line, raw.path))
        elif len(filled) == 1 and NOTE_ROW.match(first):
            self.note = single_line(filled[0][1])
        elif len(filled) == 1 and not self.title and not self.rows and not self.header_seen:
            self.title = single_line(filled[0][1])
        else:
            self._error(raw, _("unrecognised row: {start}").format(start=repr(plain_text(filled[0][1])[:40])),
                        _("expected a header, category, matter or note row"))

    def _header(self, raw: RawRow) -> None:
        """Read the columns from a header row, or from two (a merged 职责 over 上级部门职责 and 配合职责)."""
        columns, extra = ({}, []) if self.partial is None else (dict(self.partial[1]), list(self.partial[2]))
        for index, cell in enumerate(raw.cells):
            header = WHITESPACE.sub("", plain_text(cell))
            field = _column_field(header) if header else None
            if field is not None and field not in columns:
                columns[field] = index
            elif header and columns.get(field) != index and index not in columns.values():
                extra.append(_Column(None, header, index))
        extra = [column for column in extra if column.index not in columns.values()]
        if any(field not in columns for field in REQUIRED):
            if self.partial is None:
                self.partial = (raw, columns, extra)
                return
            self._no_partial_header()
            return
        self.columns, self.extra, self.header_seen, self.partial = columns, extra, True, None

    def _numbered(self, raw: RawRow) -> bool:
        index = self.partial[1].get(NUMBER) if self.partial else self.columns.get(NUMBER)
        cell = raw.cells[index] if index is not None and index < len(raw.cells) else EMPTY
        return WHITESPACE.sub("", plain_text(cell)).isdigit()

    def _no_partial_header(self) -> None:
        """A header row that lacked columns and was not completed by the row below it is an error."""
        if self.partial is None:
            return
        raw, columns, _extra = self.partial
        self.partial = None
        missing = [COLUMN_HEADERS[field] for field in REQUIRED if field not in columns]
        self._error(raw, _("the header has no column {names}").format(names="、".join(missing)),
                    _("the list's columns are {names}").format(names="、".join(COLUMN_HEADERS.values())))

    def _cell(self, raw: RawRow, field: str) -> Cell:
        index = self.columns.get(field)
        return raw.cells[index] if index is not None and index < len(raw.cells) else EMPTY

    def _matter(self, raw: RawRow, number: int) -> None:
        self._check_number(raw, number)
        if not self._cells_fit(raw, number):
            return
        for field in TEXT_FIELDS:
            if self._cell(raw, field).empty:
                self._error(raw, _("matter {number}: the cell {column} is empty").format(
                    number=number, column=COLUMN_HEADERS[field]), _("every matter needs its text in this column"))
        category = self._category(raw, number)
        if category is None:
            return
        self.rows.append(SourceRow(number, single_line(self._cell(raw, TITLE)),
                                   plain_text(self._cell(raw, DEPARTMENTS)), self._cell(raw, UPPER),
                                   self._cell(raw, TOWN), category, raw.line, raw.path))

    def _cells_fit(self, raw: RawRow, number: int) -> bool:
        """No text outside the list's columns: it would be lost."""
        used = set(self.columns.values())
        extra = {column.index: column.header for column in self.extra}
        stray = [index for index, cell in enumerate(raw.cells) if not cell.empty and index not in used]
        if not stray:
            return True
        if not self.header_seen:
            self._error(raw, _("matter {number}: the row has {count} cells, expected {expected}").format(
                number=number, count=max(stray) + 1, expected=len(REQUIRED)),
                _("the list's columns are {names}").format(names="、".join(COLUMN_HEADERS[f] for f in REQUIRED)))
            return False
        for index in stray:
            if index in extra:
                message = _("matter {number}: text in the column {name}, which the list does not have").format(
                    number=number, name=extra[index])
            else:
                message = _("matter {number}: text in column {column}, outside the list's columns").format(
                    number=number, column=index + 1)
            self._error(raw, message, _("move the text into one of the list's columns, or delete it"))
        return False

    def _check_number(self, raw: RawRow, number: int) -> None:
        earlier = self.numbers.get(number)
        if earlier is not None:
            self._error(raw, _("matter number {number} is used twice (also at {place})").format(
                number=number, place=f"{earlier.path}:{earlier.line}"), _("every matter has its own number"))
        else:
            self.numbers[number] = raw

    def _check_gaps(self) -> None:
        """Numbers run 1, 2, 3 …: each missing one is reported at the row that follows the gap."""
        used = sorted(self.numbers)
        expected = 1
        for number in used:
            if number > expected:
                missing = f"{expected}" if number == expected + 1 else f"{expected}–{number - 1}"
                self._error(self.numbers[number], _("there is no matter number {missing} before {number}").format(
                    missing=missing, number=number), _("the numbers run 1, 2, 3 … without gaps"))
            expected = number + 1

    def _category(self, raw: RawRow, number: int) -> str | None:
        from_column = WHITESPACE.sub("", plain_text(self._cell(raw, CATEGORY)))
        from_rows = self.categories[-1].name if self.categories else ""
        if from_column and from_rows and from_column != from_rows:
            self._error(raw, _("matter {number}: the column 类别 says {column}, the category row above says {row}")
                        .format(number=number, column=from_column, row=from_rows))
            return None
        if not (from_column or from_rows):
            self._error(raw, _("matter {number}: the row comes before any category row").format(number=number),
                        _("add the category row (such as 一、党的建设) above it"))
            return None
        return from_column or from_rows

    def _column_categories(self) -> list[SourceCategory]:
        """The categories of a table without category rows (a 类别 column), in order of appearance."""
        first: dict[str, SourceRow] = {}
        for row in self.rows:
            first.setdefault(row.category, row)
        return [SourceCategory("", name, row.line, row.path) for name, row in first.items()]


def _column_field(header: str) -> str | None:
    for field, name in COLUMN_HEADERS.items():
        if header == name:
            return field
    for field, words in COLUMN_WORDS:
        if any(word in header for word in words):
            return field
    return None
