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

from generator.review.changes import CHANGED, REMOVED, RENUMBERED
from generator.review.history import LINE_LIMIT, PAGE_LIMIT, MatterRevision, RevisionView
from generator.review.typed_changes import FieldChange, TypedChange, TypedMatterChange
from generator.review.typed_history import TypedHistory
from generator.site.change_view import (NUMBER, SECTION_KINDS, Line, MatterView, PartView, category_lines,
                                        count_summary, item_view, matter_line, phrase_of, plain_text,
                                        renumbered_lines)

EMPTY = "（无）"  # an optional field that was or is left blank


def typed_matter_view(change: TypedMatterChange) -> MatterView:
    """A changed matter's changed fields and sections, with the changed characters marked."""
    return MatterView(change.id, f"第{change.number}项 {change.title}",
                      tuple(_field_view(field) for field in change.fields))


def _field_view(field: FieldChange) -> PartView:
    if field.field == NUMBER:
        return PartView("编号", plain_text(f"第{field.old}项 → 第{field.new}项"))
    if field.items:
        return PartView(field.label + SECTION_KINDS[field.kind], (), tuple(item_view(item) for item in field.items))
    if field.ops:
        return PartView(field.label, field.ops)
    return PartView(field.label, plain_text(f"{field.old or EMPTY} → {field.new or EMPTY}"))


def typed_summary(change: TypedChange) -> str:
    """``修改 3 项，新增 1 项``: the counts that are not zero, or that nothing changed."""
    return count_summary(change.counts())


def typed_lines(change: TypedChange) -> tuple[Line, ...]:
    """One line per changed matter, in number order, then renumbering in runs, then categories."""
    lines = [matter_line(matter, _changed_labels) for matter in change.matters if matter.kind != RENUMBERED]
    lines += [Line(after=text) for text in renumbered_lines(change.matters_of(RENUMBERED))]  # type: ignore[arg-type]
    lines += category_lines(change)
    return tuple(lines)


def typed_matter_phrase(changes: tuple[TypedMatterChange, ...]) -> str:
    """What one revision did to one matter, for the matter's own page: 「第3项 履职内容 修改」."""
    return phrase_of(changes, _changed_labels)


def _changed_labels(matter: TypedMatterChange) -> list[str]:
    """The labels of the changed fields, in declared order; the number alone reads 编号."""
    return [field.label for field in matter.fields if field.field != NUMBER] or ["编号"]


# --- the revision history page of a typed list ---------------------------------


def typed_revision_views(history: TypedHistory, limit: int = PAGE_LIMIT,
                         line_limit: int = LINE_LIMIT) -> tuple[RevisionView, ...]:
    """The latest ``limit`` revisions, as a 配合 list's 修订记录 page shows its own."""
    return tuple(RevisionView.of(revision.date, revision.notes, typed_summary(revision.change),
                                 typed_lines(revision.change),
                                 tuple(typed_matter_view(matter) for matter in revision.change.matters_of(CHANGED)),
                                 line_limit)
                 for revision in history.revisions[:limit])


def typed_matter_revisions(history: TypedHistory, matter_id: str) -> tuple[MatterRevision, ...]:
    """The revisions of one matter for its page, newest first, told as a 配合 matter's page tells its own."""
    return tuple(MatterRevision(revision.date, revision.commit, typed_matter_phrase((change,)), revision.notes,
                                change.kind == REMOVED)
                 for revision, change in history.of(matter_id))
