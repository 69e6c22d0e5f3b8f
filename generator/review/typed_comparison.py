"""The same 基本 or 收回 matter in several towns' lists: which towns list it, and how their texts differ.

``comparison`` does this for 配合 lists with the change engine of their
shape. The other types are sets of declared fields and sections, so their
matters are compared with ``typed_changes`` (field by field, by the type's
declaration, labelled as the official table heads its columns). Matters are
grouped as 配合 ones are (``comparison.title_groups``: by the title's key),
never across list types, and each group is compared against the text most
towns share (``comparison.by_majority``; ties: the first list given).

Pure: ``TypedComparedList`` values in, ``SameTypedMatter`` values out.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from generator.content.list_types import ListType
from generator.content.model import TypedMatter
from generator.review.comparison import by_majority, group_identity, members_identity, title_groups
from generator.review.typed_changes import IDENTITY, TypedMatterChange, TypedSide, diff_typed_matter

NUMBER_KIND = "number"


@dataclass(frozen=True)
class TypedComparedList:
    """A typed list taking part in the comparison: its key, its town's name, its declaration and its matters."""

    key: str  # "xingsheng/jiben"
    town: str
    list_type: ListType
    side: TypedSide


@dataclass(frozen=True)
class ListedTypedMatter:
    """One town's version of a matter."""

    list_key: str
    town: str
    matter: TypedMatter


@dataclass(frozen=True)
class TypedVariant:
    """A town's version next to the reference: ``change`` is ``None`` where the texts agree."""

    listed: ListedTypedMatter
    change: TypedMatterChange | None


@dataclass(frozen=True)
class SameTypedMatter:
    list_type: ListType
    key: str  # the title's key
    reference: ListedTypedMatter
    variants: tuple[TypedVariant, ...]  # the other towns' versions, in the order the lists were given

    @property
    def title(self) -> str:
        return self.reference.matter.title

    @property
    def towns(self) -> int:
        return 1 + len(self.variants)

    @property
    def agreeing(self) -> int:
        """Towns whose text is the reference's, the reference's own town included."""
        return 1 + sum(variant.change is None for variant in self.variants)


Member = tuple[TypedComparedList, TypedMatter]


TypedGroup = tuple[str, list[Member]]  # a title's key and the towns' versions under it, of one type


def same_typed_matters(lists: Sequence[TypedComparedList], least: int = 2,
                       previous: Sequence[SameTypedMatter] = ()) -> tuple[SameTypedMatter, ...]:
    """Every matter that at least ``least`` lists of one type hold, by type (first seen first), then first appearance.

    ``previous``: an earlier result over lists of the same types, categories
    and departments (``serve``, after an edit): a group whose matters are the
    very same objects in the same lists is taken from it, not compared again.
    """
    known = {group_identity(group): group for group in previous}
    return tuple(known.get(members_identity(members)) or compare_typed_group((key, members))
                 for key, members in typed_groups(lists, least))


def typed_groups(lists: Sequence[TypedComparedList], least: int = 2) -> list[TypedGroup]:
    """The groups ``same_typed_matters`` compares, in its order, not compared yet (a build shares them out)."""
    groups: list[tuple[tuple[str, int], list[Member]]] = []
    for type_name in dict.fromkeys(compared.list_type.type for compared in lists):  # never across types
        of_type = [compared for compared in lists if compared.list_type.type == type_name]
        groups.extend(title_groups(of_type, lambda compared: compared.side.matters).items())
    return [(key, members) for (key, _occurrence), members in groups if len(members) >= least]


def compare_typed_group(group: TypedGroup) -> SameTypedMatter:
    """One group's reference and every other town's version diffed against it, field by field."""
    key, members = group
    reference_list, reference = _reference(members)
    list_type = reference_list.list_type
    variants = []
    for compared, matter in members:
        if compared is reference_list and matter is reference:
            continue
        # Numbers differ from town to town by design: compare the texts, not the places in the list.
        change = diff_typed_matter(list_type, reference, _numbered(matter, reference.number, list_type),
                                   reference_list.side, compared.side)
        variants.append(TypedVariant(ListedTypedMatter(compared.key, compared.town, matter), change))
    listed = ListedTypedMatter(reference_list.key, reference_list.town, reference)
    return SameTypedMatter(list_type, key, listed, tuple(variants))


def _numbered(matter: TypedMatter, number: int, list_type: ListType) -> TypedMatter:
    """``matter`` as if it had ``number``: its number field and its values both."""
    numbers = list_type.keys_of_kind(NUMBER_KIND)
    values = tuple((key, str(number) if key in numbers else text) for key, text in matter.values)
    return dataclasses.replace(matter, number=number, values=values)


def _reference(members: list[Member]) -> Member:
    """The version most lists share word for word; the first given among equals."""
    return by_majority(members, lambda member: _text(member[0].list_type, member[1]))


def _text(list_type: ListType, matter: TypedMatter) -> tuple:
    """What makes two towns' versions read the same: every value but the id and the number, and the notes."""
    skipped = {IDENTITY, *list_type.keys_of_kind(NUMBER_KIND)}
    return (tuple((key, text) for key, text in matter.values if key not in skipped), matter.notes)
