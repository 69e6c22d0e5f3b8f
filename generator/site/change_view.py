"""A ``changes.Change`` in the list's own words, as values for the site's templates.

The site shows changes in three places: the 修订记录 page (each revision),
each matter's revision list, and the summary page of a pull request's
preview site (``build --changes-base``). Readers are the public and the
reviewing officials, so every line names matters by their number and title
and parts by the headings the matter page shows (「第11项 苏木乡镇（街道）配合
职责 修改」), never files or commits. The data comes from the change engine
(``changes``), the same that ``diff`` prints; the wording for the site is
kept here, apart from ``diff_format``'s terminal and comment wording, so the
pages depend only on the engine's data.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from generator.review.changes import (
    ADDED,
    CHANGED,
    EQUAL,
    GUARANTEE,
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
    renumbered_runs,
)
from generator.review.typed_changes import TypedChange, TypedMatterChange
from generator.content.model import TOWN_DUTIES_HEADING, UPPER_DUTIES_HEADING

Rich = tuple[TextOp, ...]  # text with deletions and insertions marked
# A matter's entry in a 配合 list's change or in a typed list's: the lines and phrases read both alike.
AnyMatterChange = TypeVar("AnyMatterChange", MatterChange, TypedMatterChange)

JOINER = "、"
NUMBER = "number"
NO_CHANGE = "清单内容无变化"
SITE_LABELS = {
    "title": "网站标题", "town": "镇名", "district": "区名", "city": "市名", "issuer": "发布机关",
    "version": "版本", "revision_note": "修订说明", "description": "网站简介",
}
PART_NAMES = {TOWN: TOWN_DUTIES_HEADING, GUARANTEE: "履职保障", NOTES: "整理说明"}
ITEM_VERBS = {ADDED: "新增", REMOVED: "删除", CHANGED: "修改", RENUMBERED: "编号变化"}
SECTION_KINDS = {ADDED: "（新增）", REMOVED: "（删除）", CHANGED: ""}
# A changed line is shown whole, before and after, instead of marked inside, when less than this share
# of it was kept or it was changed in more than MARKED_RUNS places: a rewritten sentence cut into a
# dozen marks cannot be read.
KEPT_FOR_MARKS = 0.6
MARKED_RUNS = 3


@dataclass(frozen=True)
class Line:
    """One change in one line: ``before`` + ``link`` + ``after``; ``link`` names the matter ``matter_id``
    (linked to its page where the page exists)."""

    before: str = ""
    link: str = ""
    after: str = ""
    matter_id: str = ""

    def __str__(self) -> str:
        return f"{self.before}{self.link}{self.after}"


@dataclass(frozen=True)
class ItemView:
    """A changed item (list item or paragraph): marked inside, or, when most of it changed, before and after."""

    verb: str
    text: Rich = ()
    old: str = ""  # 原文, when shown whole
    new: str = ""  # 修改后, when shown whole


@dataclass(frozen=True)
class PartView:
    """A changed part of a matter: a field (编号, 标题, …) or a section of duties."""

    label: str
    text: Rich = ()
    items: tuple[ItemView, ...] = ()


@dataclass(frozen=True)
class MatterView:
    """A changed matter with what changed in it."""

    matter_id: str
    heading: str  # 第11项 标题
    parts: tuple[PartView, ...]


@dataclass(frozen=True)
class ChangeView:
    """Everything in a Change, in the list's words: a summary, the lines (matters in number order,
    renumbering in runs, then site settings, categories and departments), and the changed matters
    in detail."""

    summary: str
    settings: tuple[Line, ...]  # site settings, categories, departments
    added: tuple[Line, ...]
    removed: tuple[Line, ...]
    changed: tuple[Line, ...]
    renumbered: tuple[Line, ...]
    details: tuple[MatterView, ...]  # the changed matters, as ``changed`` lists them
    lines: tuple[Line, ...]  # all of the above in one list, matters in number order

    @property
    def is_empty(self) -> bool:
        return not self.lines


def change_view(change: Change) -> ChangeView:
    """The whole ``change`` as the site shows it."""
    settings = (*_site_lines(change), *category_lines(change),
                *(line for department in change.departments for line in _department_lines(department)))
    matters = [matter for matter in change.matters if matter.kind != RENUMBERED]
    by_kind = {kind: tuple(_matter_line(matter) for matter in matters if matter.kind == kind)
               for kind in (ADDED, REMOVED, CHANGED)}
    renumbered = tuple(Line(after=text) for text in renumbered_lines(change.matters_of(RENUMBERED)))
    return ChangeView(
        summary=summary(change), settings=settings, added=by_kind[ADDED], removed=by_kind[REMOVED],
        changed=by_kind[CHANGED], renumbered=renumbered,
        details=tuple(matter_view(matter) for matter in change.matters_of(CHANGED)),
        lines=(*(_matter_line(matter) for matter in matters), *renumbered, *settings))


def summary(change: Change) -> str:
    """``修改 3 项，新增 1 项``: the counts that are not zero, or that nothing changed."""
    counts = change.counts()
    return count_summary(counts, (("部门变更", counts.departments, "处"), ("网站设置变更", counts.site, "处")))


def count_summary(counts: Counts, more: tuple[tuple[str, int, str], ...] = ()) -> str:
    """The summary of a 配合 list's or a typed list's change: its matters' and categories' counts, then
    ``more`` (label, count, unit), each that is not zero."""
    parts = [f"{label} {count} {unit}" for label, count, unit in (
        ("新增", counts.added, "项"), ("删除", counts.removed, "项"), ("修改", counts.changed, "项"),
        ("调整编号", counts.renumbered, "项"), ("类别变更", counts.categories, "处"), *more) if count]
    return "，".join(parts) or NO_CHANGE


def matter_phrase(changes: tuple[MatterChange, ...]) -> str:
    """What one revision did to one matter, for the matter's own page: 「第11项 苏木乡镇（街道）配合职责 修改」.

    ``changes`` are the engine's entries for the matter in one revision: one,
    or a removal and an addition when the matter's id (its web address) changed.
    """
    return phrase_of(changes, _changed_parts)


def phrase_of(changes: Sequence[AnyMatterChange], changed_parts: Callable[[AnyMatterChange], list[str]]) -> str:
    """``matter_phrase`` for a 配合 or a typed matter: ``changed_parts`` names what changed in one."""
    if len(changes) > 1:
        current = next((change for change in changes if change.kind != REMOVED), changes[0])
        return f"第{current.number}项 网页地址变更"
    (change,) = changes
    if change.kind == ADDED:
        return f"新增第{change.number}项 {change.title}"
    if change.kind == REMOVED:
        return f"删除第{change.number}项 {change.title}"
    number = change.field(NUMBER)
    if change.kind == RENUMBERED and number is not None:
        return f"第{number.old}项调整编号为第{number.new}项"
    lead = f"第{change.number}项（原第{number.old}项）" if number else f"第{change.number}项"
    return f"{lead} {JOINER.join(changed_parts(change))} 修改"


def renumbered_lines(matters: tuple[MatterChange, ...]) -> list[str]:
    """Renumbered matters as runs: 「第6—100项依次调整编号为第5—99项（95 项）」."""
    lines = []
    for run in renumbered_runs(matters):
        (first_old, first), (last_old, last) = run[0], run[-1]
        if len(run) == 1:
            lines.append(f"第{first_old}项 {first.title} 调整编号为第{first.number}项")
        else:
            lines.append(f"第{first_old}—{last_old}项依次调整编号为第{first.number}—{last.number}项（{len(run)} 项）")
    return lines


# --- one line per change ---------------------------------------------------


def matter_line(matter: AnyMatterChange, changed_parts: Callable[[AnyMatterChange], list[str]]) -> Line:
    """A changed matter's line, for a 配合 or a typed matter: ``changed_parts`` names what changed in it."""
    name = f"第{matter.number}项 {matter.title}"
    if matter.kind == ADDED:
        return Line("新增", name, "", matter.id)
    if matter.kind == REMOVED:
        return Line("删除", name, "")  # its page is gone: no link
    number = matter.field(NUMBER)
    renumbered = f"（原第{number.old}项）" if number else ""
    return Line("", name, f"{renumbered}：{JOINER.join(changed_parts(matter))} 修改", matter.id)


def _matter_line(matter: MatterChange) -> Line:
    return matter_line(matter, _changed_parts)


def _changed_parts(matter: MatterChange) -> list[str]:
    """The names of the changed parts, as the matter page heads them, each once, in page order."""
    parts = [label for name, label in (("title", "标题"), ("category", "类别")) if matter.field(name)]
    if matter.departments_added or matter.departments_removed or matter.departments_reordered:
        parts.append("对应上级部门")
    for section in matter.sections:
        if section.part == UPPER:
            parts.append(f"{JOINER.join(section.new_label or section.old_label)}职责")
        else:
            parts.append(PART_NAMES[section.part])
    return list(dict.fromkeys(parts)) or ["编号"]


def _site_lines(change: Change) -> list[Line]:
    return [Line(after=f"网站设置“{SITE_LABELS.get(value.field, value.field)}”修改") for value in change.site]


def category_lines(change: Change | TypedChange) -> list[Line]:
    """The lines of a 配合 or a typed list's changed categories, then of their new order."""
    lines = [Line(after=text) for category in change.categories for text in category_texts(category)]
    if change.category_order:
        lines.append(Line(after=f"类别顺序调整为：{JOINER.join(change.category_order.new)}"))
    return lines


def category_texts(category: CategoryChange) -> list[str]:
    if category.kind == ADDED:
        return [f"新增类别：{category.name}"]
    if category.kind == REMOVED:
        return [f"删除类别：{category.name}"]
    texts = {"name": "类别更名：{old} → {new}", "ordinal": "类别“" + category.name + "”序号调整：{old} → {new}"}
    return [texts[value.field].format(old=value.old, new=value.new) for value in category.fields]


def _department_lines(department: DepartmentChange) -> list[Line]:
    if department.kind in (ADDED, REMOVED):
        verb = "新增" if department.kind == ADDED else "删除"
        return [Line(after=f"{verb}部门：{department.name}（{department.level}）")]
    texts = {"name": "部门更名：{old} → {new}", "level": "部门“" + department.name + "”级别调整：{old} → {new}"}
    lines = [Line(after=texts[value.field].format(old=value.old, new=value.new)) for value in department.fields]
    aliases = [f"{verb} {JOINER.join(names)}" for verb, names in
               (("新增", department.aliases_added), ("删除", department.aliases_removed)) if names]
    if aliases:
        lines.append(Line(after=f"部门“{department.name}”别称调整：{'；'.join(aliases)}"))
    return lines


# --- a changed matter in detail --------------------------------------------


def plain_text(text: str) -> Rich:
    return (TextOp(EQUAL, text),)


def matter_view(matter: MatterChange) -> MatterView:
    """A changed matter's changed fields and sections, with the changed characters marked."""
    parts: list[PartView] = []
    number, title, category = (matter.field(name) for name in (NUMBER, "title", "category"))
    if number:
        parts.append(PartView("编号", plain_text(f"第{number.old}项 → 第{number.new}项")))
    if title:
        parts.append(PartView("标题", title.ops))
    if category:
        parts.append(PartView("类别", plain_text(f"{category.old} → {category.new}")))
    for verb, names in (("新增", matter.departments_added), ("删除", matter.departments_removed)):
        if names:
            parts.append(PartView("对应上级部门", plain_text(f"{verb}：{JOINER.join(names)}")))
    if matter.departments_reordered:
        order = matter.departments_reordered
        parts.append(PartView("对应上级部门", plain_text(f"顺序调整：{order.old} → {order.new}")))
    parts.extend(_section_view(section) for section in matter.sections)
    return MatterView(matter.id, f"第{matter.number}项 {matter.title}", tuple(parts))


def _section_view(section: SectionChange) -> PartView:
    old, new = JOINER.join(section.old_label), JOINER.join(section.new_label)
    label = UPPER_DUTIES_HEADING if section.part == UPPER else PART_NAMES[section.part]
    if section.kind == CHANGED and old and new and old != new:
        label += f" · {old} → {new}"
    elif old or new:
        label += f" · {new or old}"
    heading = (*plain_text("标题："), *section.heading.ops) if section.heading else ()
    return PartView(label + SECTION_KINDS[section.kind], heading, tuple(item_view(item) for item in section.items))


def item_view(item: ItemChange) -> ItemView:
    verb = ITEM_VERBS[item.kind]
    if item.kind in (ADDED, REMOVED):
        return ItemView(verb, plain_text(item.new or item.old))
    if item.kind == CHANGED and _mostly_rewritten(item):
        return ItemView(verb, (), item.old, item.new)
    return ItemView(verb, item.ops)


def _mostly_rewritten(item: ItemChange) -> bool:
    kept = sum(len(op.text) for op in item.ops if op.op == EQUAL)
    runs = sum(1 for index, op in enumerate(item.ops) if op.op != EQUAL and (index == 0 or item.ops[index - 1].op == EQUAL))
    return kept < KEPT_FOR_MARKS * max(len(item.old), len(item.new), 1) or runs > MARKED_RUNS

