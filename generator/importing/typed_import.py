"""Import per list type: an official table of a declared type (基本, 收回, …) as that type's matter files.

The table's header names its columns by the declaration's labels (序号,
事项名称, 履职内容, 收回部门, …), so the columns may come in any order;
a column the type does not declare is refused, since its text would be lost.
Above the header may stand the list's title; category rows (一、党的建设)
give the category of the matters below them when the type has categories
and the table no 类别 column; a row starting with 注： is the list's note.
Cells become values by their kinds: a title on one line, a department
reference as its canonical name, Markdown cells through ``duty_text`` as
the 配合 importer makes them, keeping every character. Odd text is a
warning, never mended.

The result is a pure value (file name → text): nothing is written here.
Every draft is read back through ``typed_matter`` and validated before it
is returned, so what the import gives is what ``check`` accepts. 配合
tables keep their own importer (``importer``): their department sections
are not a plain column.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.content import matter_file
from generator.content.list_types import ListType
from generator.content.model import Category, Department, TypedMatter
from generator.content.names import DepartmentNames, fold
from generator.content.typed_matter import (DEPARTMENT_SEPARATOR, parse_typed_matter, typed_matter_text,
                                            validate_typed_matters)
from generator.errors import ContentError, ContentErrors
from generator.i18n import _
from generator.importing import duty_text
from generator.importing.duty_text import WHITESPACE, plain_text, single_line
from generator.importing.matter_ids import IdAllocator
from generator.importing.readers.model import EMPTY, Cell, RawRow, RawTable
from generator.importing.readers.selection import is_header
from generator.importing.source_table import CATEGORY_ROW, NOTE_ROW, empty_table_error
from generator.site.markup import plain_text as markup_plain_text



@dataclass(frozen=True)
class TypedImport:
    """What a table of one list type gives: its matter files, and what the list's settings may take from it."""

    files: dict[str, str]  # file name (NNN-<id>.md) → text, in the table's order
    title: str = ""  # the list's title row, if the table has one
    note: str = ""  # the 注： row
    categories: tuple[tuple[str, str], ...] = ()  # (ordinal, name) of the category rows, in order
    warnings: tuple[str, ...] = ()
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)  # file name → (table path, line) of its row


@dataclass(frozen=True)
class _Known:
    """What IdAllocator needs of a matter already in the list, to keep its id."""

    id: str
    number: int
    title: str
    category: str


def import_typed_table(table: RawTable, list_type: ListType, departments: Iterable[Department],
                       existing: Iterable[TypedMatter] = ()) -> TypedImport:
    """The matter files (name → text) of the list of ``list_type`` in ``table``, with the table's title, note,
    category rows and warnings; ContentErrors listing every problem.

    ``existing`` are the list's current matters: a matter recognised by its
    title (or its number and category) keeps its id and its editorial notes.
    """
    departments = tuple(departments)
    rows = _Rows(table, list_type, DepartmentNames(departments))
    rows.read()
    if not rows.matters and not rows.errors:
        rows.errors.append(empty_table_error(table.path))
    if rows.errors:
        raise ContentErrors(rows.errors)
    files, sources = _files(rows.matters, list_type, existing, rows.names)
    _check_drafts(files, list_type, rows.categories, departments)
    return TypedImport(files, rows.title, rows.note, tuple(rows.categories), tuple(rows.warnings), sources)


@dataclass
class _Row:
    values: dict[str, object]
    raw: RawRow
    markup: frozenset[str] = frozenset()  # the keys whose cell held HTML markup (its structure is the table's)


@dataclass
class _Rows:
    """Reads the table's rows one by one: title, header, category, matter and note rows."""

    table: RawTable
    list_type: ListType
    names: DepartmentNames
    columns: dict[str, int] | None = None  # declared key → column index, once the header is read
    title: str = ""
    note: str = ""
    category: str = ""
    categories: list[tuple[str, str]] = field(default_factory=list)
    matters: list[_Row] = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)  # number → its row's line
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, raw: RawRow, message: str, suggestion: str = "") -> None:
        self.errors.append(ContentError(raw.path, raw.line, message, suggestion))

    def read(self) -> None:
        for raw in self.table.rows:
            filled = [cell for cell in raw.cells if not cell.empty]
            if filled:
                self.row(raw, filled)
        if self.columns is None and not self.errors:
            self.errors.append(ContentError(self.table.path, 1, _("the table has no header row"), _(
                "the list's columns are {names}").format(names=self.labels())))
        for number in self.numbers:
            if number > 1 and number - 1 not in self.numbers:
                before = max((known for known in self.numbers if known < number), default=0)
                raw = next(row.raw for row in self.matters if row.values["number"] == number)
                self.error(raw, _("matter numbers jump from {before} to {number}").format(before=before, number=number),
                           _("the table must number its matters 1, 2, 3, … without a gap"))

    def labels(self) -> str:
        return "、".join(self.list_type.label_of(key) for key in self.list_type.table_columns)

    def row(self, raw: RawRow, filled: list[Cell]) -> None:
        first = WHITESPACE.sub("", plain_text(filled[0]))
        if len({plain_text(cell) for cell in filled}) == 1:
            filled = filled[:1]  # a row merged across the table: its text spread into every cell
        if is_header(raw.cells):
            self.header(raw)
        elif self.columns is not None and WHITESPACE.sub("", plain_text(self.cell(raw, "number"))).isdigit():
            self.matter(raw)
        elif CATEGORY_ROW.match(first) and len(filled) == 1 and self.list_type.categories:
            match = CATEGORY_ROW.match(first)
            self.category = match[2]
            self.categories.append((match[1], match[2]))
        elif len(filled) == 1 and NOTE_ROW.match(first):
            self.note = single_line(filled[0])
        elif len(filled) == 1 and not self.title and self.columns is None:
            self.title = single_line(filled[0])
        else:
            self.error(raw, _("unrecognised row: {start}").format(start=repr(plain_text(filled[0])[:40])),
                       _("expected a header, category, matter or note row"))

    def header(self, raw: RawRow) -> None:
        """The columns, by the declared labels; a repeated header (on every printed page) changes nothing."""
        by_label = {fold(self.list_type.label_of(key)): key for key in self.list_type.table_columns}
        columns: dict[str, int] = {}
        for index, cell in enumerate(raw.cells):
            header = fold(plain_text(cell))
            if not header:
                continue
            key = by_label.get(header)
            if key is None or key in columns:
                self.error(raw, _("the header has a column {name} that the list has no place for").format(
                    name=header), _("the list's columns are {names}").format(names=self.labels()))
                continue
            columns[key] = index
        missing = [self.list_type.label_of(key) for key in self.list_type.table_columns
                   if key not in columns and self.needed(key)]
        if missing:
            self.error(raw, _("the header has no column {names}").format(names="、".join(missing)),
                       _("the list's columns are {names}").format(names=self.labels()))
        self.columns = columns

    def needed(self, key: str) -> bool:
        """A required value needs its column; the category may come from category rows instead."""
        declared = self.list_type.field(key) or self.list_type.section(key)
        return declared.required and declared.kind != "category"

    def cell(self, raw: RawRow, key: str) -> Cell:
        index = (self.columns or {}).get(key)
        return raw.cells[index] if index is not None and index < len(raw.cells) else EMPTY

    def matter(self, raw: RawRow) -> None:
        number = int(WHITESPACE.sub("", plain_text(self.cell(raw, "number"))))
        if number in self.numbers:
            self.error(raw, _("matter number {number} appears twice (first in row {first})").format(
                number=number, first=self.numbers[number]), _("every matter needs its own number"))
            return
        self.numbers[number] = raw.line
        values: dict[str, object] = {"number": number}
        for key in self.list_type.keys:
            if key in ("id", "number"):
                continue
            value = self.value(raw, number, key)
            if value is not None:
                values[key] = value
        if self.list_type.categories and not values.get("category"):
            values["category"] = self.category
        markup = frozenset(key for key in self.list_type.keys if self.cell(raw, key).markup)
        self.matters.append(_Row(values, raw, markup))

    def value(self, raw: RawRow, number: int, key: str) -> object:
        """The value of ``key`` in the row by its kind; None when the cell is empty (reported if required)."""
        cell = self.cell(raw, key)
        declared = self.list_type.field(key) or self.list_type.section(key)
        if cell.empty:
            if declared.required and not (declared.kind == "category" and self.category):
                self.error(raw, _("matter {number}: the cell {column} is empty").format(
                    number=number, column=self.list_type.label_of(key)), _("every matter needs its text in this column"))
            return None
        if declared.kind == "markdown":
            return self.markdown(raw, number, cell)
        if declared.kind in ("department", "departments"):
            return self.departments(raw, number, cell, declared.kind)
        return single_line(cell)

    def markdown(self, raw: RawRow, number: int, cell: Cell) -> str:
        blocks, warnings = duty_text.parse_town_cell(cell)
        markdown = duty_text.to_markdown(blocks, "###", warnings)
        for warning in warnings:
            self.warnings.append(f"{raw.path}:{raw.line}: " + _("matter {number}: {warning}").format(
                number=number, warning=warning))
        return markdown

    def departments(self, raw: RawRow, number: int, cell: Cell, kind: str) -> object:
        names, unplaced = self.names.split_column(duty_text.department_column(plain_text(cell)))
        for fragment in unplaced:
            suggestion = self.names.suggest(fragment)
            self.error(raw, _("matter {number}: cannot place department '{name}'").format(number=number, name=fragment),
                       _("did you mean {names}? Otherwise add it to departments.yml (as a name or alias)").format(
                           names="、".join(suggestion))
                       if suggestion else _("add it to departments.yml as a department or an alias"))
        if kind == "department" and len(names) > 1:
            self.error(raw, _("matter {number}: the cell {column} names {count} departments").format(
                number=number, column=self.list_type.label_of("department"), count=len(names)),
                _("a matter of this list names one department"))
        if unplaced or not names:
            return None
        return names[0] if kind == "department" else names


def _files(rows: list[_Row], list_type: ListType, existing: Iterable[TypedMatter], names: DepartmentNames
           ) -> tuple[dict[str, str], dict[str, tuple[str, int]]]:
    """The files (name → text) and each file's row (name → (table path, line)).

    Notes are editorial, never in the table: a matter that keeps its id keeps its notes.
    """
    current = {matter.id: matter for matter in existing}
    existing = tuple(existing)
    category_key = next(iter(list_type.keys_of_kind("category")), None)
    known = tuple(_Known(matter.id, matter.number, matter.title,
                         matter.value(category_key) if category_key else "") for matter in existing)
    notes = {matter.id: matter.notes for matter in existing}
    ids = IdAllocator(known)  # type: ignore[arg-type]  # it reads id, number, title and category only
    files: dict[str, str] = {}
    sources: dict[str, tuple[str, int]] = {}
    for row in rows:
        number, title = row.values["number"], str(row.values["title"])
        matter_id = ids.allocate(title, number, str(row.values.get(category_key, "")) if category_key else "")
        name = matter_file.file_name(number, matter_id)
        values = _kept_writing(row, current.get(matter_id), list_type, names)
        files[name] = typed_matter_text(list_type, {**values, "id": matter_id}, notes.get(matter_id, ()))
        sources[name] = (row.raw.path, row.raw.line)
    return files, sources


def _kept_writing(row: _Row, old: TypedMatter | None, list_type: ListType, names: DepartmentNames
                  ) -> dict[str, object]:
    """The row's values, keeping the current matter's own writing where the table says the same thing.

    A plain cell carries no Markdown structure (sub-headings, items without
    numbers) and a department cell the canonical name, so a Markdown value
    whose text is unchanged keeps its current Markdown, and a department
    reference to the same department keeps its current spelling (an alias
    stays an alias): the list's own downloads imported back change no byte.
    Markup cells (HTML) bring their own structure and are taken as they are.
    """
    if old is None:
        return row.values
    values = dict(row.values)
    for key, value in row.values.items():
        kind, current = list_type.kind_of(key), old.value(key) if key in list_type.keys else ""
        if not current or key in row.markup:
            continue
        if kind == "markdown" and _folded(markup_plain_text(str(value))) == _folded(markup_plain_text(current)):
            values[key] = current
        elif kind in ("department", "departments"):
            spelled = current.split(DEPARTMENT_SEPARATOR)
            if [names.resolve(name) for name in spelled] == ([value] if kind == "department" else value):
                values[key] = spelled[0] if kind == "department" else spelled
    return values


def _folded(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def _check_drafts(files: dict[str, str], list_type: ListType, categories: list[tuple[str, str]],
                  departments: tuple[Department, ...]) -> None:
    """Read every draft back and validate the list, as ``check`` would: what is returned is valid."""
    errors: list[ContentError] = []
    matters = []
    for name, text in files.items():
        matter, read_errors = parse_typed_matter(text, name, list_type)
        errors.extend(read_errors)
        if matter is not None:
            matters.append(matter)
    known_categories = [Category("", name, ordinal, position)
                        for position, (ordinal, name) in enumerate(categories, start=1)] if categories else None
    errors.extend(validate_typed_matters(matters, list_type, known_categories, departments))
    if errors:
        raise ContentErrors(errors)
