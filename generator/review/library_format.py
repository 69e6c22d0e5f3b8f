"""Write a ``LibraryChange`` for people (terminal text, Markdown for a pull request) or tools (JSON).

A district's reviewer reads a change list by list: what every list shares
(the publisher's settings, the departments, the towns) once, at the top,
then each list that changed under its name (「兴胜镇 · 配合履职事项清单」)
and its folder, with the same groups, entries and marks as a single list's
summary (``diff_format``, whose outline this module reuses, so the two
cannot drift apart). A list added says so and names its matters; a list
removed says so and how many matters it held.
"""
from __future__ import annotations

import json
from dataclasses import asdict, replace

from generator.review.changes import ADDED, CHANGED, REMOVED, Change, ValueChange
from generator.review.diff_format import (
    NO_CHANGE,
    SECTION_KIND,
    OutlineEntry,
    OutlineGroup,
    OutlineLine,
    category_entries,
    department_entries,
    escape_markdown,
    item_lines,
    markdown_block,
    matter_counts,
    matter_groups,
    outline,
    outline_line,
    plain,
    render,
    text_block,
    value_lines,
)
from generator.review.library_changes import LibraryChange, ListChange, TownChange
from generator.review.typed_changes import FieldChange, TypedChange, TypedMatterChange

PUBLISHER_LABELS = {
    "title": "站点标题", "district": "区名", "city": "市名", "issuer": "发布机关", "description": "站点简介",
    "base_path": "站点路径", "base_url": "站点地址",
}
LIST_LABELS = {
    "title": "清单标题", "issuer": "发布机关", "edition": "版本", "document_number": "文号", "published": "发布日期",
    "validity": "效力", "revision_note": "修订说明", "description": "清单简介", "example": "示例数据",
}
TOWN_LABELS = {"name": "名称", "kind": "类别"}
YES_NO = {"true": "是", "false": "否"}
SHARED_TITLE = "各清单共用"
SHARED_NOTE = "site.yml、departments.yml、town.yml"
LIST_KINDS = {ADDED: "（新增清单）", REMOVED: "（删除清单）", CHANGED: ""}
NUMBER = "number"


def render_change(change: Change | LibraryChange, form: str = "text", colour: bool = False) -> str:
    """A single list's change as ``diff_format`` writes it, a library's as this module does."""
    if isinstance(change, LibraryChange):
        return render_library(change, form, colour)
    return render(change, form, colour)


def render_library(change: LibraryChange, form: str = "text", colour: bool = False) -> str:
    """``change`` in text, markdown or json, ending with a newline."""
    if form == "json":
        return render_library_json(change)
    summary = library_summary_line(change)
    if change.is_empty:
        return text_block(summary, [], colour) if form == "text" else markdown_block(summary, [])
    if form == "markdown":
        return _markdown(summary, change)
    return _text(summary, change, colour)


def library_summary_line(change: LibraryChange) -> str:
    """``本次修订：涉及 2 份清单（新增 1 份）；新增 3 项，修改 1 项；部门变更 1 处``, or that nothing changed."""
    if change.is_empty:
        return NO_CHANGE
    counts = change.counts()
    lists = ""
    if change.lists:
        kinds = [f"{label} {count} 份" for label, count in (("新增", counts.lists_added), ("删除", counts.lists_removed))
                 if count]
        lists = f"涉及 {len(change.lists)} 份清单" + (f"（{'，'.join(kinds)}）" if kinds else "")
    matters = matter_counts(counts)
    extras = [f"{label}变更 {count} 处" for label, count in
              (("分类", counts.categories), ("清单设置", counts.settings), ("部门", counts.departments),
               ("共用设置", counts.shared)) if count]
    return "本次修订：" + "；".join(part for part in (lists, matters, *extras) if part)


def list_summary_line(change: ListChange) -> str:
    """``本清单：修改 1 项；分类变更 1 处``; a list added or removed says so, with its number of matters."""
    if change.kind == ADDED:
        return f"本清单为新增清单，共 {change.matters} 项事项。"
    if change.kind == REMOVED:
        return f"本清单已删除，原有 {change.matters} 项事项。"
    counts = change.counts()
    matters = matter_counts(counts)
    extras = [f"{label}变更 {count} 处" for label, count in (("分类", counts.categories), ("清单设置", counts.settings))
              if count]
    return "本清单：" + "；".join(part for part in (matters, *extras) if part)


def render_list_change(change: ListChange, colour: bool = False) -> str:
    """One list's change alone, as ``render_library`` writes it under the list's heading (``import --list
    … --dry-run`` of a 基本 or 收回 list), ending with a newline."""
    groups = list_groups(change)
    summary = NO_CHANGE if change.kind == CHANGED and not groups else list_summary_line(change)
    return text_block(f"【{_list_heading(change)}】lists/{change.key}/\n{summary}", groups, colour)


def render_library_json(change: LibraryChange) -> str:
    """Stable, sorted JSON: the change as data, with the summary lines and counts, the whole and each list's."""
    data = {"summary": library_summary_line(change), "counts": asdict(change.counts()), **asdict(change)}
    for listed, each in zip(data["lists"], change.lists):
        listed["summary"] = list_summary_line(each)
        listed["counts"] = asdict(each.counts())
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# --- the outline of each part ------------------------------------------------------------------------


def shared_groups(change: LibraryChange) -> list[OutlineGroup]:
    """What every list shares: the publisher's settings, the departments, the towns."""
    groups = [
        OutlineGroup("站点设置", tuple(OutlineEntry(line.text) for value in change.site
                                   for line in value_lines(PUBLISHER_LABELS[value.field], value))),
        OutlineGroup("部门", tuple(entry for department in change.departments
                                 for entry in department_entries(department))),
        OutlineGroup("乡镇（街道）", tuple(entry for town in change.towns for entry in _town_entries(town))),
    ]
    return [group for group in groups if group.entries]


def list_groups(change: ListChange) -> list[OutlineGroup]:
    """One list's groups: its settings, then its categories and matters as a single list's summary has them."""
    if change.kind == REMOVED:
        return []
    settings = OutlineGroup("清单设置", tuple(OutlineEntry(line.text) for value in change.settings
                                          for line in value_lines(LIST_LABELS[value.field], _yes_no(value))))
    if change.change is not None:
        groups = outline(change.change)
    elif change.typed is not None:
        groups = typed_outline(change.typed)
    else:
        groups = []
    if change.kind == ADDED:  # every category and matter is new: naming the matters says it all
        groups = [group for group in groups if group.title == "新增事项"]
    return [group for group in (settings, *groups) if group.entries]


def typed_outline(change: TypedChange) -> list[OutlineGroup]:
    """A 基本 or 收回 list's change in the groups of a 配合 list's, its fields named by the type's labels."""
    groups = [
        OutlineGroup("分类", category_entries(change)),  # type: ignore[arg-type]  # the same two attributes
        *matter_groups(change, _typed_line, _typed_changed),
    ]
    return [group for group in groups if group.entries]


def _typed_line(matter: TypedMatterChange, show_about: bool) -> str:
    about = f"（{'；'.join(matter.about)}）" if show_about and matter.about else ""
    return f"第{matter.number}项 {matter.title}{about}"


def _typed_changed(matter: TypedMatterChange) -> OutlineEntry:
    lines: list[OutlineLine] = []
    for field in matter.fields:
        lines.extend(_field_lines(field))
    return OutlineEntry(plain(f"第{matter.number}项 {matter.title}"), tuple(lines))


def _field_lines(field: FieldChange) -> list[OutlineLine]:
    if field.field == NUMBER:
        return [outline_line(0, f"编号：第{field.old}项 → 第{field.new}项")]
    if field.items:
        return [outline_line(0, field.label + SECTION_KIND[field.kind]),
                *(line for item in field.items for line in item_lines(item))]
    return value_lines(field.label, field)


def _town_entries(town: TownChange) -> list[OutlineEntry]:
    return [OutlineEntry(plain(f"{town.name} {TOWN_LABELS[value.field]}：{value.old} → {value.new}"))
            for value in town.fields]


def _yes_no(value: ValueChange) -> ValueChange:
    """``example`` reads 是/否, not true/false."""
    if value.field != "example":
        return value
    return replace(value, old=YES_NO.get(value.old, value.old), new=YES_NO.get(value.new, value.new))


def _list_heading(change: ListChange) -> str:
    return f"{change.name}{LIST_KINDS[change.kind]}"


# --- text and Markdown -------------------------------------------------------------------------------


def _text(summary: str, change: LibraryChange, colour: bool) -> str:
    blocks = [summary + "\n"]
    shared = shared_groups(change)
    if shared:
        blocks.append(text_block(f"【{SHARED_TITLE}】{SHARED_NOTE}", shared, colour))
    for each in change.lists:
        heading = f"【{_list_heading(each)}】lists/{each.key}/\n{list_summary_line(each)}"
        blocks.append(text_block(heading, list_groups(each), colour))
    return "\n".join(blocks)


def _markdown(summary: str, change: LibraryChange) -> str:
    blocks = [escape_markdown(summary) + "\n"]
    shared = shared_groups(change)
    if shared:
        blocks.append(f"### {SHARED_TITLE}\n\n" + markdown_block(f"（{SHARED_NOTE}）", shared, level=4))
    for each in change.lists:
        heading = f"### {escape_markdown(_list_heading(each))}\n\n"
        where = f"`lists/{each.key}/`\u3000"
        blocks.append(heading + where + markdown_block(list_summary_line(each), list_groups(each), level=4))
    return "\n".join(blocks)

