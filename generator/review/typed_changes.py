"""What changed in a list of a declared type (基本, 收回): its matters by the type's own fields.

The change engine of today's list (``changes``) knows the 配合 matter's
shape: departments and their duty sections. A 基本 or 收回 matter is a set
of declared fields and sections (``list_types``), so this engine walks the
declaration instead of naming fields: a province's variant of a type, or a
type a site declares itself, is compared without a change here. Matters are
known by ``id``; a text field is compared character by character, a
Markdown field or section item by item and then character by character
(``changes.diff_items``, as a 配合 matter's duties are), a category or a
department by its slug, so a renamed department is not an edit of every
matter that names it.

Pure: two lists' matters and categories in, a ``TypedChange`` out; wording
is ``library_format``'s.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.content.list_types import ListType
from generator.content.model import Category, Department, TypedMatter
from generator.content.typed_matter import DEPARTMENT_SEPARATOR
from generator.review.changes import (
    ADDED,
    CHANGED,
    REMOVED,
    RENUMBERED,
    CategoryChange,
    Counts,
    ItemChange,
    Reorder,
    TextOp,
    category_order_change,
    char_diff,
    diff_categories,
    markdown_changes,
)

# Kinds whose text is compared item by item (Markdown), and as one line with marked characters (text).
MARKDOWN_KINDS = ("markdown",)
TEXT_KINDS = ("text",)
# Kinds that name something defined elsewhere: compared by the slug they resolve to.
CATEGORY_KINDS = ("category",)
DEPARTMENT_KINDS = ("department", "departments")
# Kinds a new or removed matter's line shows after its title.
SHOWN_KINDS = (*CATEGORY_KINDS, *DEPARTMENT_KINDS)
NOTES_KEY, NOTES_LABEL = "notes", "编者注"
IDENTITY = "id"


@dataclass(frozen=True)
class FieldChange:
    """A declared field or section that changed, labelled as the official table heads its column.

    ``ops`` is the character diff of a text field, ``items`` the items of a
    Markdown one; a number, a category or a department has neither (old → new).
    """

    field: str  # the declared key
    label: str
    old: str
    new: str
    ops: tuple[TextOp, ...] = ()
    items: tuple[ItemChange, ...] = ()

    @property
    def kind(self) -> str:
        """ADDED when the field was blank before, REMOVED when it is blank now, else CHANGED: what a Markdown
        field's items amount to, as a 配合 section's kind says it."""
        return ADDED if not self.old.strip() else REMOVED if not self.new.strip() else CHANGED


@dataclass(frozen=True)
class TypedMatterChange:
    """A matter added, removed, only renumbered, or otherwise changed (described as it is now, or was)."""

    id: str
    kind: str  # ADDED, REMOVED, RENUMBERED or CHANGED
    number: int
    title: str
    about: tuple[str, ...]  # its category and departments, for the line of a new or removed matter
    fields: tuple[FieldChange, ...] = ()

    def field(self, name: str) -> FieldChange | None:
        return next((change for change in self.fields if change.field == name), None)


@dataclass(frozen=True)
class TypedChange:
    """Everything that changed in one typed list's categories and matters."""

    list_type: str
    categories: tuple[CategoryChange, ...] = ()
    category_order: Reorder | None = None
    matters: tuple[TypedMatterChange, ...] = ()  # by (current) number

    @property
    def is_empty(self) -> bool:
        return not (self.categories or self.category_order or self.matters)

    def counts(self) -> Counts:
        """A 配合 change's counts; a typed list has no departments or site settings of its own (shared ones
        are the library's)."""
        kinds = [matter.kind for matter in self.matters]
        return Counts(kinds.count(ADDED), kinds.count(REMOVED), kinds.count(CHANGED), kinds.count(RENUMBERED),
                      len(self.categories) + (1 if self.category_order else 0), departments=0, site=0)

    def matters_of(self, kind: str) -> tuple[TypedMatterChange, ...]:
        return tuple(matter for matter in self.matters if matter.kind == kind)


@dataclass(frozen=True)
class TypedSide:
    """One revision of a typed list: what the comparison reads of it."""

    categories: Sequence[Category]
    departments: Sequence[Department]
    matters: Sequence[TypedMatter]


def diff_typed(list_type: ListType, old: TypedSide, new: TypedSide) -> TypedChange:
    """The change from ``old`` to ``new``, both read by ``list_type``."""
    names = _Names(old, new)
    before = {matter.id: matter for matter in old.matters}
    after = {matter.id: matter for matter in new.matters}
    changes = [_whole(list_type, matter, REMOVED) for matter_id, matter in before.items() if matter_id not in after]
    for matter_id, matter in after.items():
        if matter_id not in before:
            changes.append(_whole(list_type, matter, ADDED))
        elif (change := _diff_matter(list_type, before[matter_id], matter, names)) is not None:
            changes.append(change)
    return TypedChange(list_type.type, diff_categories(old.categories, new.categories),
                       category_order_change(old.categories, new.categories),
                       tuple(sorted(changes, key=lambda change: (change.number, change.kind != REMOVED, change.id))))


def diff_typed_matter(list_type: ListType, old: TypedMatter, new: TypedMatter, old_side: TypedSide,
                      new_side: TypedSide) -> TypedMatterChange | None:
    """One matter against another, field by field: the same matter in two towns' lists, or at two revisions.

    The sides give the category and department names each matter is read by,
    so that two lists naming one department differently are not a change.
    """
    return _diff_matter(list_type, old, new, _Names(old_side, new_side))


class _Names:
    """Each side's slugs of category and department names, so that identity survives a rename."""

    def __init__(self, old: TypedSide, new: TypedSide):
        self.categories = ({c.name: c.slug for c in old.categories}, {c.name: c.slug for c in new.categories})
        self.departments = ({d.name: d.slug for d in old.departments}, {d.name: d.slug for d in new.departments})

    def same(self, kind: str, old: str, new: str) -> bool:
        """Whether two values name the same thing: by slug where both sides define the names."""
        if kind in CATEGORY_KINDS:
            return _same_names(self.categories, [old], [new])
        if kind in DEPARTMENT_KINDS:
            return _same_names(self.departments, _split(old), _split(new))
        return old == new


def _split(text: str) -> list[str]:
    return [name for name in text.split(DEPARTMENT_SEPARATOR) if name] if text else []


def _same_names(slugs: tuple[dict[str, str], dict[str, str]], old: list[str], new: list[str]) -> bool:
    before, after = slugs
    return len(old) == len(new) and all(
        before[was] == after[now] if was in before and now in after else was == now for was, now in zip(old, new))


def _whole(list_type: ListType, matter: TypedMatter, kind: str) -> TypedMatterChange:
    values = _values(matter)
    about = tuple(text.replace(DEPARTMENT_SEPARATOR, "、") for key in list_type.keys_of_kind(*SHOWN_KINDS)
                  if (text := values.get(key, "")))
    return TypedMatterChange(matter.id, kind, matter.number, matter.title, about)


def _diff_matter(list_type: ListType, old: TypedMatter, new: TypedMatter, names: _Names) -> TypedMatterChange | None:
    old_values, new_values = _values(old), _values(new)
    fields = [change for key, label, kind in list_type.labelled_keys if key != IDENTITY
              if (change := _diff_field(key, label, kind, old_values.get(key, ""), new_values.get(key, ""),
                                        names)) is not None]
    notes = _diff_markdown(NOTES_KEY, NOTES_LABEL, "\n\n".join(old.notes), "\n\n".join(new.notes))
    if notes is not None:
        fields.append(notes)
    if not fields:
        return None
    kind = RENUMBERED if [change.field for change in fields] == ["number"] else CHANGED
    return TypedMatterChange(new.id, kind, new.number, new.title, (), tuple(fields))


def _values(matter: TypedMatter) -> dict[str, str]:
    """The matter's text by key (the first, as ``TypedMatter.value`` finds it). Callers read a key with
    ``.get(key, "")``: a matter read by a declaration without that key (an older one) has no text for it."""
    return dict(reversed(matter.values))


def _diff_field(key: str, label: str, kind: str, old: str, new: str, names: _Names) -> FieldChange | None:
    if names.same(kind, old, new):
        return None
    if kind in MARKDOWN_KINDS:
        return _diff_markdown(key, label, old, new)
    if kind in TEXT_KINDS:
        return FieldChange(key, label, old, new, char_diff(old, new))
    shown = (text.replace(DEPARTMENT_SEPARATOR, "、") for text in (old, new))
    return FieldChange(key, label, *shown)


def _diff_markdown(key: str, label: str, old: str, new: str) -> FieldChange | None:
    items = markdown_changes(old, new)
    return FieldChange(key, label, old, new, items=items) if items else None
