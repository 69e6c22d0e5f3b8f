"""The same matter in several towns' lists: which towns list it, and how their texts differ.

A district office wants to know how far its towns' lists agree. Matters of
different towns are the same matter when their titles are the same once
spacing, punctuation and full-width forms are set aside (towns number their
lists differently, so numbers never decide). Each group is compared against
its *reference*: the text most towns share (ties: the first list given), and
every other town's text is diffed against it with the change engine of
``diff``, so the differences read as they do in a pull request.

Pure: ``(list key, town, Content)`` values in, ``SameMatter`` values out.
"""
from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from generator.content.model import Content, Matter
from generator.review.changes import MatterChange, diff_matter

# Unicode categories left out of a title's key: punctuation, symbols, spaces.
IGNORED_CATEGORIES = ("P", "S", "Z", "C")


class _Titled(Protocol):
    @property
    def title(self) -> str: ...


Listing = TypeVar("Listing")  # a list taking part in a comparison, of whatever type
Titled = TypeVar("Titled", bound=_Titled)  # one of its matters
Member = TypeVar("Member")  # a group's member


@dataclass(frozen=True)
class ListedMatter:
    """One town's version of a matter."""

    list_key: str  # the list's address in the content ("xingsheng/peihe")
    town: str  # the town's name, as readers know it
    matter: Matter


@dataclass(frozen=True)
class Variant:
    """A town's version next to the reference: ``change`` is ``None`` where the texts agree."""

    listed: ListedMatter
    change: MatterChange | None


@dataclass(frozen=True)
class SameMatter:
    key: str  # the title's key (see ``title_key``)
    reference: ListedMatter
    variants: tuple[Variant, ...]  # the other towns' versions, in the order the lists were given

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


@dataclass(frozen=True)
class ComparedList:
    """A list taking part in the comparison."""

    key: str
    town: str
    content: Content


# Titles to remember the keys of: every town lists much the same titles (the example district:
# 3,453 matters, 469 titles), so most are met again; bounded, as ``serve`` runs for hours.
REMEMBERED_TITLES = 8192


@lru_cache(maxsize=REMEMBERED_TITLES)
def title_key(title: str) -> str:
    """A title with spacing, punctuation and full-width forms set aside: 「开展联动监督、办案」→「开展联动监督办案」.

    Kept per title: the towns' lists repeat one another's titles, and the key
    (a look-up of every character's category) is the costly part of grouping.
    """
    folded = unicodedata.normalize("NFKC", title)
    return "".join(char for char in folded if not unicodedata.category(char).startswith(IGNORED_CATEGORIES))


Group = tuple[str, list[tuple[ComparedList, Matter]]]  # a title's key and the towns' versions under it


def same_matters(lists: Sequence[ComparedList], least: int = 2,
                 previous: Sequence[SameMatter] = ()) -> tuple[SameMatter, ...]:
    """Every matter that at least ``least`` of the lists hold, ordered by its first appearance.

    ``previous``: an earlier result over lists of the same categories and
    departments (``serve``, after an edit): a group whose matters are the
    very same objects in the same lists is taken from it, not compared again.
    """
    known = {group_identity(group): group for group in previous}
    return tuple(known.get(members_identity(members)) or compare_group((key, members))
                 for key, members in matter_groups(lists, least))


def matter_groups(lists: Sequence[ComparedList], least: int = 2) -> list[Group]:
    """The matters that at least ``least`` of the lists hold, grouped by title, not compared yet.

    Finding the groups is quick; comparing them (``compare_group``) is the
    work, which a build shares among its processes, a run of groups each.
    """
    groups = title_groups(lists, lambda compared: compared.content.matters)
    return [(key, members) for (key, _occurrence), members in groups.items() if len(members) >= least]


def title_groups(lists: Sequence[Listing], matters_of: Callable[[Listing], Sequence[Titled]]
                 ) -> dict[tuple[str, int], list[tuple[Listing, Titled]]]:
    """The matters of ``lists`` (of any type) grouped by their titles' keys, each group's members in the
    order the lists are given, the groups in the order of their first member."""
    groups: dict[tuple[str, int], list[tuple[Listing, Titled]]] = {}
    for compared in lists:
        seen: Counter[str] = Counter()
        for matter in matters_of(compared):
            key = title_key(matter.title)
            groups.setdefault((key, seen[key]), []).append((compared, matter))
            seen[key] += 1  # a title twice in one list: the second pairs with other lists' second
    return groups


def by_majority(members: Sequence[Member], text_of: Callable[[Member], Hashable]) -> Member:
    """The member whose text (``text_of``) most members share word for word; the first given among equals."""
    texts = [text_of(member) for member in members]
    counts = Counter(texts)
    best = max(counts.values())
    return members[next(index for index, text in enumerate(texts) if counts[text] == best)]


def members_identity(members: Sequence[tuple[Any, object]]) -> frozenset[tuple[str, int]]:
    """A group's members as the very objects they are: (list key, matter object) pairs, of any list type
    (each list has a ``key``)."""
    return frozenset((compared.key, id(matter)) for compared, matter in members)


def group_identity(group: Any) -> frozenset[tuple[str, int]]:
    """``members_identity`` of a compared group (``SameMatter`` or ``typed_comparison.SameTypedMatter``)."""
    listed = (group.reference, *(variant.listed for variant in group.variants))
    return frozenset((member.list_key, id(member.matter)) for member in listed)


def compare_group(group: Group) -> SameMatter:
    """One group's reference and every other town's version diffed against it."""
    key, members = group
    reference_list, reference = _reference(members)
    variants = []
    for compared, matter in members:
        if compared is reference_list and matter is reference:
            continue
        # Numbers differ from town to town by design: compare the texts, not the places in the list.
        aligned = dataclasses.replace(matter, number=reference.number)
        change = diff_matter(reference, aligned, reference_list.content, compared.content)
        variants.append(Variant(ListedMatter(compared.key, compared.town, matter), change))
    return SameMatter(key, ListedMatter(reference_list.key, reference_list.town, reference), tuple(variants))


def _reference(members: list[tuple[ComparedList, Matter]]) -> tuple[ComparedList, Matter]:
    """The version most lists share word for word; the first given among equals."""
    return by_majority(members, lambda member: _text(member[1]))


def _text(matter: Matter) -> tuple:
    """What makes two towns' versions read the same: everything but the number, the id and the file."""
    sections = tuple((section.heading, section.markdown) for section in matter.upper_sections)
    return (matter.title, matter.category, matter.departments, matter.guarantee, sections, matter.town_duties,
            matter.notes)
