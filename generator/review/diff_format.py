"""Write a ``Change`` for people (terminal text, Markdown for a pull-request comment) or tools (JSON).

The wording is the list's own, in Chinese, because the readers are the
officials who review a revision. Text and Markdown share one outline —
groups, entries, indented lines — so they cannot drift apart.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from generator.review.changes import (
    ADDED,
    CHANGED,
    DELETE,
    EQUAL,
    GUARANTEE,
    INSERT,
    NOTES,
    REMOVED,
    RENUMBERED,
    TOWN,
    UPPER,
    CategoryChange,
    Change,
    Counts,
    DepartmentChange,
    ItemChange,
    MatterChange,
    SectionChange,
    TextOp,
    ValueChange,
    rewritten,
    renumbered_runs,
)
from generator.content.model import TOWN_DUTIES_HEADING, UPPER_DUTIES_HEADING

if TYPE_CHECKING:  # the counts of a library's change, summed as a list's are (library_format)
    from generator.review.library_changes import LibraryCounts, ListCounts
    from generator.review.typed_changes import FieldChange, TypedChange

FORMATS = ("text", "markdown", "json")
NO_CHANGE = "清单内容无变化。"
JOINER = "、"
SITE_LABELS = {
    "title": "站点标题", "town": "镇名", "district": "区名", "city": "市名", "issuer": "发布机关",
    "version": "版本", "revision_note": "修订说明", "description": "站点简介",
}
PART_LABELS = {UPPER: UPPER_DUTIES_HEADING, TOWN: TOWN_DUTIES_HEADING, GUARANTEE: "履职保障", NOTES: "编者注"}
SECTION_KIND = {ADDED: "（新增）", REMOVED: "（删除）", CHANGED: ""}
ITEM_LABELS = {ADDED: "新增：", REMOVED: "删除：", CHANGED: "修改：", RENUMBERED: "编号变化："}
ANSI = {DELETE: "\x1b[31m", INSERT: "\x1b[32m"}
ANSI_RESET = "\x1b[0m"
# Escaped with a backslash, which reads better raw than an entity (``\\<b\\>``, not ``&lt;b&gt;``).
MARKDOWN_SPECIAL = "\\`*_[]|~<>&"

Rich = tuple[TextOp, ...]


@dataclass(frozen=True)
class OutlineLine:
    depth: int
    text: Rich


@dataclass(frozen=True)
class OutlineEntry:
    title: Rich
    lines: tuple[OutlineLine, ...] = ()


@dataclass(frozen=True)
class OutlineGroup:
    title: str
    entries: tuple[OutlineEntry, ...]


def use_colour(stream: TextIO) -> bool:
    """Colour only for a person at a terminal who has not asked for none (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def render(change: Change, form: str = "text", colour: bool = False) -> str:
    """``change`` in one of FORMATS, ending with a newline."""
    if form == "json":
        return render_json(change)
    groups = outline(change)
    if form == "markdown":
        return markdown_block(summary_line(change), groups)
    return text_block(summary_line(change), groups, colour)


def summary_line(change: Change) -> str:
    """``本次修订：新增 1 项，修改 3 项``, or that nothing changed.

    Only what happened is counted: 「新增 0 项，删除 0 项」 is noise a reviewer has to read past.
    """
    if change.is_empty:
        return NO_CHANGE
    counts = change.counts()
    extras = [f"{label}变更 {count} 处" for label, count in
              (("分类", counts.categories), ("部门", counts.departments), ("站点设置", counts.site)) if count]
    return "本次修订：" + "；".join(part for part in (matter_counts(counts), *extras) if part)


def matter_counts(counts: Counts | ListCounts | LibraryCounts) -> str:
    """``新增 1 项，修改 3 项，另有 2 项仅编号变化``: the matters' counts that are not zero (a summary line's first part)."""
    matters = [f"{label} {count} 项" for label, count in
               (("新增", counts.added), ("删除", counts.removed), ("修改", counts.changed)) if count]
    if counts.renumbered:
        matters.append(f"{'另有 ' if matters else ''}{counts.renumbered} 项仅编号变化")
    return "，".join(matters)


def render_json(change: Change) -> str:
    """Stable, sorted JSON: the Change as data, plus its summary line and counts."""
    data = {"summary": summary_line(change), "counts": asdict(change.counts()), **asdict(change)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# --- the outline shared by text and Markdown -------------------------------


def plain(text: str) -> Rich:
    return (TextOp(EQUAL, text),)


def outline_line(depth: int, label: str, ops: Rich = ()) -> OutlineLine:
    return OutlineLine(depth, (*plain(label), *ops))


def _arrow(old: str, new: str) -> str:
    return f"{old} → {new}"


def edit_lines(depth: int, name: str, old: str, new: str, ops: Rich) -> list[OutlineLine]:
    """``name：`` and the text with its changed characters marked; when it was rewritten
    (``changes.rewritten``), the text as it was (原文) and as it is (修改后), unmarked."""
    if rewritten(ops):
        return [outline_line(depth, f"{name}原文：{old}"), outline_line(depth, f"{name}修改后：{new}")]
    return [outline_line(depth, f"{name or '修改'}：", ops)]


def outline(change: Change) -> list[OutlineGroup]:
    groups = [
        OutlineGroup("站点设置", tuple(OutlineEntry(line.text) for value in change.site
                                   for line in value_lines(SITE_LABELS[value.field], value))),
        OutlineGroup("分类", category_entries(change)),
        OutlineGroup("部门", tuple(entry for department in change.departments
                           for entry in department_entries(department))),
        *matter_groups(change, _matter_line, _changed_matter),
    ]
    return [group for group in groups if group.entries]


def matter_groups(change: Change | TypedChange, line: Callable[[Any, bool], str],
                  changed: Callable[[Any], OutlineEntry]) -> list[OutlineGroup]:
    """The groups of a 配合 or a typed list's matters: added and removed (``line``, which names what a matter is
    about when told True), changed (``changed``: in detail), and renumbered in runs."""
    return [
        OutlineGroup("新增事项", tuple(OutlineEntry(plain(line(matter, True))) for matter in change.matters_of(ADDED))),
        OutlineGroup("删除事项", tuple(OutlineEntry(plain(line(matter, False))) for matter in change.matters_of(REMOVED))),
        OutlineGroup("修改事项", tuple(changed(matter) for matter in change.matters_of(CHANGED))),
        OutlineGroup("编号变化", tuple(OutlineEntry(plain(run)) for run in renumbered_lines(
            change.matters_of(RENUMBERED) + change.matters_of(CHANGED)))),  # type: ignore[operator, arg-type]
    ]


def value_lines(label: str, value: ValueChange | FieldChange) -> list[OutlineLine]:
    """A setting's or a typed matter's field's change: its characters marked where it is prose, else old → new."""
    if value.ops:
        return edit_lines(0, label, value.old, value.new, value.ops)
    return [outline_line(0, f"{label}：{_arrow(value.old, value.new)}")]


def category_entries(change: Change) -> tuple[OutlineEntry, ...]:
    entries = [OutlineEntry(plain(text)) for category in change.categories for text in _category_lines(category)]
    if change.category_order:
        order = change.category_order
        entries.append(OutlineEntry(plain(f"顺序调整：{_arrow(JOINER.join(order.old), JOINER.join(order.new))}")))
    return tuple(entries)


def _category_lines(category: CategoryChange) -> list[str]:
    if category.kind == ADDED:
        return [f"新增：{category.name}"]
    if category.kind == REMOVED:
        return [f"删除：{category.name}"]
    labels = {"name": "更名：", "ordinal": f"序号调整：{category.name} "}
    return [labels[value.field] + _arrow(value.old, value.new) for value in category.fields]


def department_entries(department: DepartmentChange) -> list[OutlineEntry]:
    if department.kind in (ADDED, REMOVED):
        verb = "新增" if department.kind == ADDED else "删除"
        return [OutlineEntry(plain(f"{verb}：{department.name}（{department.level}）"))]
    labels = {"name": "更名：", "level": f"级别调整：{department.name} "}
    lines = [labels[value.field] + _arrow(value.old, value.new) for value in department.fields]
    aliases = [f"{verb} {JOINER.join(names)}" for verb, names in
               (("新增", department.aliases_added), ("删除", department.aliases_removed)) if names]
    if aliases:
        lines.append(f"别称调整：{department.name} " + "；".join(aliases))
    return [OutlineEntry(plain(line)) for line in lines]


def _matter_line(matter: MatterChange, show_departments: bool) -> str:
    about = [matter.category]
    if show_departments and matter.departments:
        about.append(JOINER.join(matter.departments))
    return f"第{matter.number}项 {matter.title}（{'；'.join(about)}）"


def _changed_matter(matter: MatterChange) -> OutlineEntry:
    lines: list[OutlineLine] = []
    number, title, category = (matter.field(name) for name in ("number", "title", "category"))
    if number:
        lines.append(outline_line(0, f"编号：第{number.old}项 → 第{number.new}项"))
    if title:
        lines.extend(edit_lines(0, "标题", title.old, title.new, title.ops))
    if category:
        lines.append(outline_line(0, f"分类：{_arrow(category.old, category.new)}"))
    for label, names in (("新增对应部门：", matter.departments_added), ("删除对应部门：", matter.departments_removed)):
        if names:
            lines.append(outline_line(0, label + JOINER.join(names)))
    if matter.departments_reordered:
        reordered = matter.departments_reordered
        lines.append(outline_line(0, f"对应部门顺序：{_arrow(reordered.old, reordered.new)}"))
    for section in matter.sections:
        lines.extend(_section_lines(section))
    return OutlineEntry(plain(f"第{matter.number}项 {matter.title}"), tuple(lines))


def _section_label(section: SectionChange) -> str:
    label = PART_LABELS[section.part]
    old, new = JOINER.join(section.old_label), JOINER.join(section.new_label)
    if section.kind == CHANGED and old != new and old and new:
        label += f" · {_arrow(old, new)}"
    elif old or new:
        label += f" · {new or old}"
    return label + SECTION_KIND[section.kind]


def _section_lines(section: SectionChange) -> list[OutlineLine]:
    lines = [outline_line(0, _section_label(section))]
    if section.heading:
        heading = section.heading
        lines.extend(edit_lines(1, "标题", heading.old, heading.new, heading.ops))
    for item in section.items:
        lines.extend(item_lines(item))
    return lines


def item_lines(item: ItemChange) -> list[OutlineLine]:
    if item.kind == CHANGED:
        return edit_lines(1, "", item.old, item.new, item.ops)
    if item.kind == RENUMBERED:
        return [outline_line(1, ITEM_LABELS[item.kind], item.ops)]
    return [outline_line(1, ITEM_LABELS[item.kind] + (item.new or item.old))]


def renumbered_lines(matters: tuple[MatterChange, ...]) -> list[str]:
    """Matters whose number changed, as runs: ``第6—100项依次改为第5—99项（95 项）``."""
    lines = []
    for run in renumbered_runs(matters):
        (first_old, first), (last_old, last) = run[0], run[-1]
        if len(run) == 1:
            lines.append(f"第{first_old}项改为第{first.number}项：{first.title}")
        else:
            lines.append(f"第{first_old}—{last_old}项依次改为第{first.number}—{last.number}项（{len(run)} 项）")
    return lines


# --- text ------------------------------------------------------------------


def text_block(summary: str, groups: list[OutlineGroup], colour: bool) -> str:
    out = [summary]
    for group in groups:
        out.extend(("", group.title))
        for entry in group.entries:
            out.append("  " + _text_rich(entry.title, colour))
            out.extend("    " + "  " * line.depth + _text_rich(line.text, colour) for line in entry.lines)
    return "\n".join(out) + "\n"


def _text_rich(text: Rich, colour: bool) -> str:
    marks = {DELETE: ("[-", "-]"), INSERT: ("{+", "+}")}
    parts = []
    for op in text:
        if op.op == EQUAL:
            parts.append(op.text)
            continue
        opening, closing = marks[op.op]
        marked = f"{opening}{op.text}{closing}"
        parts.append(f"{ANSI[op.op]}{marked}{ANSI_RESET}" if colour else marked)
    return "".join(parts)


# --- Markdown --------------------------------------------------------------


def markdown_block(summary: str, groups: list[OutlineGroup], level: int = 3) -> str:
    """The summary and the groups, each group a heading of ``level`` and its entries one level below."""
    out = [escape_markdown(summary)]
    group_mark, entry_mark = "#" * level, "#" * (level + 1)
    for group in groups:
        out.extend(("", f"{group_mark} {group.title}", "") if out[-1] else (f"{group_mark} {group.title}", ""))
        bullets_open = False
        for entry in group.entries:
            if not entry.lines:
                out.append(f"- {_markdown_rich(entry.title)}")
                bullets_open = True
                continue
            if bullets_open:
                out.append("")
            out.extend((f"{entry_mark} {_markdown_rich(entry.title)}", ""))
            out.extend("  " * line.depth + f"- {_markdown_rich(line.text)}" for line in entry.lines)
            out.append("")
            bullets_open = False
    while out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _markdown_rich(text: Rich) -> str:
    """Deletions and insertions as <del>/<ins>: ``~~…~~``/``**…**`` fail next to Chinese
    punctuation (CommonMark's flanking rules), the HTML tags always work."""
    tags = {DELETE: "del", INSERT: "ins"}
    return "".join(escape_markdown(op.text) if op.op == EQUAL
                   else f"<{tags[op.op]}>{escape_markdown(op.text)}</{tags[op.op]}>" for op in text)


def escape_markdown(text: str) -> str:
    """Text shown as is, whatever Markdown or HTML it happens to contain."""
    return "".join(f"\\{char}" if char in MARKDOWN_SPECIAL else char for char in text)
