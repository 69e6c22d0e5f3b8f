"""A ``typed_changes`` change of a 基本 or 收回 list in the list's own words, as values for the templates.

``change_view`` words a 配合 list's changes; a typed list's fields have no
fixed names, so its parts are labelled as the type's declaration labels
them (事项名称, 履职内容, 收回部门 …), the columns of the official table the
readers know. The values are ``change_view``'s (``MatterView``, ``PartView``,
``ItemView``, ``Line``), so the templates that show a 配合 change show a
typed one the same way: the comparison of towns and the revision history
(``typed_revision_views``, for ``<town>/<type>/history/index.html``).
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.review.changes import ADDED, CHANGED, REMOVED, RENUMBERED
from generator.review.history import LINE_LIMIT, MatterRevision
from generator.review.typed_changes import FieldChange, TypedChange, TypedMatterChange
from generator.review.typed_history import PAGE_LIMIT, TypedHistory
from generator.site.change_view import (JOINER, NO_CHANGE, Line, MatterView, PartView, category_texts, item_view,
                                        plain_text, renumbered_lines)

NUMBER = "number"
EMPTY = "（无）"  # an optional field that was or is left blank


def typed_matter_view(change: TypedMatterChange) -> MatterView:
    """A changed matter's changed fields and sections, with the changed characters marked."""
    return MatterView(change.id, f"第{change.number}项 {change.title}",
                      tuple(_field_view(field) for field in change.fields))


def _field_view(field: FieldChange) -> PartView:
    if field.field == NUMBER:
        return PartView("编号", plain_text(f"第{field.old}项 → 第{field.new}项"))
    if field.items:
        added, removed = not field.old.strip(), not field.new.strip()
        label = field.label + ("（新增）" if added else "（删除）" if removed else "")
        return PartView(label, (), tuple(item_view(item) for item in field.items))
    if field.ops:
        return PartView(field.label, field.ops)
    return PartView(field.label, plain_text(f"{field.old or EMPTY} → {field.new or EMPTY}"))


def typed_summary(change: TypedChange) -> str:
    """``修改 3 项，新增 1 项``: the counts that are not zero, or that nothing changed."""
    counts = change.counts()
    parts = [f"{label} {count} {unit}" for label, count, unit in (
        ("新增", counts.added, "项"), ("删除", counts.removed, "项"), ("修改", counts.changed, "项"),
        ("调整编号", counts.renumbered, "项"), ("类别变更", counts.categories, "处")) if count]
    return "，".join(parts) or NO_CHANGE


def typed_lines(change: TypedChange) -> tuple[Line, ...]:
    """One line per changed matter, in number order, then renumbering in runs, then categories."""
    lines = [_matter_line(matter) for matter in change.matters if matter.kind != RENUMBERED]
    lines += [Line(after=text) for text in renumbered_lines(change.matters_of(RENUMBERED))]  # type: ignore[arg-type]
    lines += [Line(after=text) for text in _category_texts(change)]
    return tuple(lines)


def typed_matter_phrase(changes: tuple[TypedMatterChange, ...]) -> str:
    """What one revision did to one matter, for the matter's own page: 「第3项 履职内容 修改」."""
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
    return f"{lead} {JOINER.join(_changed_labels(change))} 修改"


def _matter_line(matter: TypedMatterChange) -> Line:
    name = f"第{matter.number}项 {matter.title}"
    if matter.kind == ADDED:
        return Line("新增", name, "", matter.id)
    if matter.kind == REMOVED:
        return Line("删除", name, "")  # its page is gone: no link
    number = matter.field(NUMBER)
    renumbered = f"（原第{number.old}项）" if number else ""
    return Line("", name, f"{renumbered}：{JOINER.join(_changed_labels(matter))} 修改", matter.id)


def _changed_labels(matter: TypedMatterChange) -> list[str]:
    """The labels of the changed fields, in declared order; the number alone reads 编号."""
    return [field.label for field in matter.fields if field.field != NUMBER] or ["编号"]


def _category_texts(change: TypedChange) -> list[str]:
    texts = [text for category in change.categories for text in category_texts(category)]
    if change.category_order:
        texts.append(f"类别顺序调整为：{JOINER.join(change.category_order.new)}")
    return texts


# --- the revision history page of a typed list ---------------------------------


@dataclass(frozen=True)
class TypedRevisionView:
    """A revision as the history page shows it: date, notes, and what changed in the list's words."""

    date: str
    notes: tuple[str, ...]
    summary: str
    lines: tuple[Line, ...]  # the first LINE_LIMIT lines
    omitted: int  # lines beyond LINE_LIMIT, counted but not listed
    details: tuple[MatterView, ...]  # the changed matters, field by field


def typed_revision_views(history: TypedHistory, limit: int = PAGE_LIMIT,
                         line_limit: int = LINE_LIMIT) -> tuple[TypedRevisionView, ...]:
    """The latest ``limit`` revisions, as a 配合 list's 修订记录 page shows its own."""
    views = []
    for revision in history.revisions[:limit]:
        lines = typed_lines(revision.change)
        details = tuple(typed_matter_view(matter) for matter in revision.change.matters_of(CHANGED))
        views.append(TypedRevisionView(revision.date, revision.notes, typed_summary(revision.change),
                                       lines[:line_limit], max(0, len(lines) - line_limit), details))
    return tuple(views)


def typed_matter_revisions(history: TypedHistory, matter_id: str) -> tuple[MatterRevision, ...]:
    """The revisions of one matter for its page, newest first, told as a 配合 matter's page tells its own."""
    return tuple(MatterRevision(revision.date, revision.commit, typed_matter_phrase((change,)), revision.notes,
                                change.kind == REMOVED)
                 for revision, change in history.of(matter_id))
