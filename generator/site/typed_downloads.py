"""A 基本 or 收回 list (any declared type but peihe) as data files: JSON, CSV and XLSX.

Everything comes from the type's declaration (``content/list_types``): the
columns are its ``table_columns`` under their declared labels, in the
official table's order, so a province's variant of a type changes its
downloads without a change here. Like the 配合 list's downloads
(``site.downloads``), every file is byte-identical across builds; the JSON's
shape is documented in ``docs/downloads.md`` ("Lists of other types").
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from generator.content.list_types import ListType
from generator.content.model import Department, ListInfo, MatterList, TypedMatter
from generator.content.typed_matter import DEPARTMENT_SEPARATOR
from generator.site import urls, xlsx
from generator.site.markup import plain_text

FORMAT_VERSION = "1.0"  # of the typed lists' JSON; "major.minor" as in site.downloads
DEPARTMENT_JOINER = "、"
SHEET_NAME = "清单"
# Column widths by the kind of a column, in digit widths (a CJK character takes two); the Markdown
# columns share what is left of about the width of A4 landscape at the sheet's 9 pt.
KIND_WIDTHS = {"id": 12, "number": 5, "text": 14, "category": 9, "department": 12, "departments": 12}
SHEET_WIDTH = 168
LIST_KEYS = ("town", "type", "title", "issuer", "edition", "document_number", "published", "validity",
             "revision_note", "description", "example")
DEPARTMENT_KINDS = ("department", "departments")
OWN_KEYS = ("id", "number", "title")  # a matter's own keys in the JSON, not repeated among its values


def typed_download_files(matter_list: MatterList, list_type: ListType, departments: Sequence[Department],
                         issuer: str) -> dict[str, bytes]:
    """``{path: bytes}`` of the list's three downloads, under the list's folder (``<town>/<type>/``).

    ``issuer`` is the list's publisher (its own or the site's), written into the workbook.
    """
    plain = _plain_once()
    rows = [table_row(matter, list_type, plain) for matter in matter_list.matters]
    folder = matter_list.info.key + "/"
    return {
        folder + urls.JSON_DOWNLOAD: to_json(matter_list, list_type, departments, rows, plain),
        folder + urls.CSV_DOWNLOAD: to_csv(columns(list_type), rows),
        folder + urls.XLSX_DOWNLOAD: xlsx.workbook(SHEET_NAME, columns(list_type), rows, column_widths(list_type),
                                                   matter_list.info.title, issuer),
    }


def columns(list_type: ListType) -> tuple[str, ...]:
    """The official table's column headers: the declared labels of ``table_columns``."""
    return tuple(list_type.label_of(key) for key in list_type.table_columns)


def column_widths(list_type: ListType) -> tuple[float, ...]:
    """Fixed widths by kind; the Markdown columns share the rest of the sheet's width equally."""
    kinds = [list_type.kind_of(key) for key in list_type.table_columns]
    fixed = sum(KIND_WIDTHS.get(kind, 0) for kind in kinds)
    free = [kind for kind in kinds if kind not in KIND_WIDTHS]
    share = max(20.0, (SHEET_WIDTH - fixed) / len(free)) if free else 0.0
    return tuple(float(KIND_WIDTHS.get(kind, share)) for kind in kinds)


def table_row(matter: TypedMatter, list_type: ListType, plain: Callable[[str], str]) -> tuple[int | str, ...]:
    """The matter as a row of the official table: plain text cells, the number as a number."""
    return tuple(_cell(matter, key, list_type.kind_of(key), plain) for key in list_type.table_columns)


def _cell(matter: TypedMatter, key: str, kind: str, plain: Callable[[str], str]) -> int | str:
    value = matter.value(key)
    if kind == "number":
        return matter.number
    if kind in DEPARTMENT_KINDS:
        return DEPARTMENT_JOINER.join(_names(value))
    if kind == "markdown":
        return plain(value)
    return value


def _names(value: str) -> list[str]:
    return [name for name in value.split(DEPARTMENT_SEPARATOR) if name]


def _plain_once() -> Callable[[str], str]:
    """``plain_text``, once per distinct text: examples and real lists repeat texts."""
    known: dict[str, str] = {}

    def plain(text: str) -> str:
        if text not in known:
            known[text] = plain_text(text)
        return known[text]

    return plain


def to_csv(header: Sequence[str], rows: Sequence[Sequence[int | str]]) -> bytes:
    """UTF-8 with BOM and CRLF, so that Excel opens it with the right encoding."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_json(matter_list: MatterList, list_type: ListType, departments: Sequence[Department],
            rows: Sequence[Sequence[int | str]], plain: Callable[[str], str]) -> bytes:
    """Everything, in the documented format: sorted keys, no white space, Chinese as it is."""
    slugs = {department.name: department.slug for department in departments}
    category_slugs = {category.name: category.slug for category in matter_list.categories}
    header = columns(list_type)
    data = {
        "format_version": FORMAT_VERSION,
        "list": _list_data(matter_list.info),
        "list_type": {"type": list_type.type, "label": list_type.label,
                      "fields": [{"key": f.key, "kind": f.kind, "label": f.label, "required": f.required}
                                 for f in list_type.fields],
                      "sections": [{"key": s.key, "kind": s.kind, "heading": s.heading, "required": s.required}
                                   for s in list_type.body]},
        "columns": list(header),
        "categories": [{"name": c.name, "slug": c.slug, "ordinal": c.ordinal, "position": c.position}
                       for c in matter_list.categories],
        "matters": [_matter_data(matter, list_type, dict(zip(header, row)), slugs, category_slugs, plain)
                    for matter, row in zip(matter_list.matters, rows)],
    }
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def _list_data(info: ListInfo) -> dict[str, Any]:
    """The list's settings; an optional one that is absent is null."""
    return {key: (getattr(info, key) if key == "example" else getattr(info, key) or None) for key in LIST_KEYS}


def _matter_data(matter: TypedMatter, list_type: ListType, table: Mapping[str, int | str], slugs: Mapping[str, str],
                 category_slugs: Mapping[str, str], plain: Callable[[str], str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in list_type.keys:
        kind, value = list_type.kind_of(key), matter.value(key)
        if key in OWN_KEYS:
            continue
        if kind in DEPARTMENT_KINDS:
            names = _names(value)
            values[key] = {"names": names, "slugs": [slugs[name] for name in names if name in slugs]}
        elif kind == "category":
            values[key] = {"name": value, "slug": category_slugs.get(value)}
        elif kind == "text":
            values[key] = value
        else:
            values[key] = {"markdown": value, "text": plain(value)}
    return {"id": matter.id, "number": matter.number, "title": matter.title, "url": urls.matter(matter.id),
            "values": values, "notes": list(matter.notes), "table": dict(table)}
