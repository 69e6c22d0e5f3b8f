"""Diff engine: what changed between two versions of the list, in the list's own terms.

Reviewers are officials, not programmers: a line diff of Markdown files
tells them little, so this module compares two ``Content`` values as a
list of matters (added, removed, renumbered, retitled, moved), their
departments and duty sections, and the categories and departments
themselves. It is pure — (Content, Content) → ``Change`` — so that the
``diff`` command, the site's revision history and the tests share it;
wording and layout are ``diff_format``'s job.

Identity: matters by ``id``, categories and departments by ``slug`` (so a
renamed department is one change, not a removal plus an addition in every
matter), duty sections by their departments (town duties by sub-heading).
Chinese has no word boundaries, so changed text is diffed by character.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TypeVar

from generator.content.model import Category, Content, Department, DutySection, Matter, Site
from generator.content.names import heading_names

# Kinds of change.
ADDED, REMOVED, CHANGED, RENUMBERED = "added", "removed", "changed", "renumbered"
# Character operations.
EQUAL, DELETE, INSERT = "equal", "delete", "insert"
# Parts of a matter, in the order they are reported.
UPPER, TOWN, GUARANTEE, NOTES = "upper", "town", "guarantee", "notes"
PARTS = (UPPER, TOWN, GUARANTEE, NOTES)
SITE_FIELDS = ("title", "town", "district", "city", "issuer", "version", "revision_note", "description")
# Site fields long enough that a character diff reads better than "old → new".
SITE_TEXT_FIELDS = ("revision_note", "description")

# Two items (or sections) this similar are one item edited, not one removed and another added.
ITEM_SIMILARITY = 0.5
SECTION_SIMILARITY = 0.5
# An unchanged run this short between two edits is folded into them: "[-甲的乙-]{+丙的丁+}"
# reads better than "[-甲-]{+丙+}的[-乙-]{+丁+}".
SHORT_EQUAL = 1
# A changed line that keeps less than this share of its characters was rewritten, not corrected:
# marks would outnumber the text, so it reads better as the old and the new line whole.
REWRITE_KEPT = 0.5
# So does a line cut into more than this many separate edits, however much of it is kept.
REWRITE_EDITS = 3

SUB_HEADING = re.compile(r"^(#{3,6})\s+(.*?)\s*$")
ITEM_START = re.compile(r"^\s*(?:(?P<heading>#{1,6})\s+|(?P<bullet>[-*+])\s+|(?P<number>\d+[.)])\s+)")
HEADING_END = "：:"


@dataclass(frozen=True)
class TextOp:
    """One run of characters: kept (``equal``), removed (``delete``) or added (``insert``)."""

    op: str
    text: str


@dataclass(frozen=True)
class ValueChange:
    """A field that changed; ``ops`` is the character diff when the field is prose."""

    field: str
    old: str
    new: str
    ops: tuple[TextOp, ...] = ()


@dataclass(frozen=True)
class ItemChange:
    """One list item or paragraph, as written (list number kept, other markers dropped)."""

    kind: str  # ADDED, REMOVED, CHANGED, or RENUMBERED (only its list number changed)
    old: str  # "" when added
    new: str  # "" when removed
    ops: tuple[TextOp, ...] = ()  # character diff, for CHANGED and RENUMBERED


@dataclass(frozen=True)
class SectionChange:
    """A changed part of a matter: a department's duties, a town sub-section, 履职保障 or notes.

    ``old_label``/``new_label`` name the section: department names for
    ``upper``, the sub-heading (without its colon) or nothing for ``town``,
    nothing for ``guarantee`` and ``notes``.
    """

    part: str  # one of PARTS
    kind: str  # ADDED, REMOVED or CHANGED
    old_label: tuple[str, ...]
    new_label: tuple[str, ...]
    heading: ValueChange | None  # the section's heading text, when it changed
    items: tuple[ItemChange, ...]


@dataclass(frozen=True)
class MatterChange:
    """A matter added, removed, only renumbered, or otherwise changed.

    ``number``, ``title``, ``category`` and ``departments`` describe the matter
    as it is now (as it was, for a removed matter).
    """

    id: str
    kind: str  # ADDED, REMOVED, RENUMBERED or CHANGED
    number: int
    title: str
    category: str
    departments: tuple[str, ...]
    fields: tuple[ValueChange, ...] = ()  # number, title, category — whichever changed
    departments_added: tuple[str, ...] = ()
    departments_removed: tuple[str, ...] = ()
    departments_reordered: ValueChange | None = None  # same departments, another order
    sections: tuple[SectionChange, ...] = ()

    def field(self, name: str) -> ValueChange | None:
        return next((change for change in self.fields if change.field == name), None)


@dataclass(frozen=True)
class CategoryChange:
    slug: str
    kind: str  # ADDED, REMOVED or CHANGED
    name: str  # current name (former name, when removed)
    fields: tuple[ValueChange, ...] = ()  # name, ordinal


@dataclass(frozen=True)
class Reorder:
    """The full order before and after, by name."""

    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class DepartmentChange:
    slug: str
    kind: str  # ADDED, REMOVED or CHANGED
    name: str  # current name (former name, when removed)
    level: str  # current level (former level, when removed)
    fields: tuple[ValueChange, ...] = ()  # name, level
    aliases_added: tuple[str, ...] = ()
    aliases_removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Counts:
    """The summary line's numbers."""

    added: int
    removed: int
    changed: int
    renumbered: int
    categories: int
    departments: int
    site: int


@dataclass(frozen=True)
class Change:
    """Everything that changed between two versions of the content."""

    site: tuple[ValueChange, ...] = ()
    categories: tuple[CategoryChange, ...] = ()
    category_order: Reorder | None = None
    departments: tuple[DepartmentChange, ...] = ()
    matters: tuple[MatterChange, ...] = ()  # by (current) number

    @property
    def is_empty(self) -> bool:
        return not (self.site or self.categories or self.category_order or self.departments or self.matters)

    def counts(self) -> Counts:
        kinds = [matter.kind for matter in self.matters]
        return Counts(
            added=kinds.count(ADDED), removed=kinds.count(REMOVED), changed=kinds.count(CHANGED),
            renumbered=kinds.count(RENUMBERED),
            categories=len(self.categories) + (1 if self.category_order else 0),
            departments=len(self.departments), site=len(self.site))

    def matters_of(self, kind: str) -> tuple[MatterChange, ...]:
        return tuple(matter for matter in self.matters if matter.kind == kind)


def empty_content(site: Site) -> Content:
    """Content with nothing in it, to diff against when one side has no content at all."""
    return Content(site=site, categories=(), departments=(), matters=())


def diff_content(old: Content, new: Content) -> Change:
    """The change from ``old`` to ``new``."""
    old_names, new_names = _Names(old), _Names(new)
    return Change(
        site=_diff_site(old.site, new.site),
        categories=diff_categories(old.categories, new.categories),
        category_order=category_order_change(old.categories, new.categories),
        departments=_diff_departments(old.departments, new.departments),
        matters=_diff_matters(old, new, old_names, new_names),
    )


def diff_matter(old: Matter, new: Matter, old_content: Content, new_content: Content) -> MatterChange | None:
    """The change from one matter to another (``None`` when they read the same), each in its own list.

    The lists give the category and department slugs, so the same department
    spelled by another list's name still counts as the same.
    """
    return _diff_matter(old, new, _Names(old_content), _Names(new_content))


# --- text ------------------------------------------------------------------


def char_diff(old: str, new: str) -> tuple[TextOp, ...]:
    """A character-level diff: Chinese has no spaces, so word diffs do not work."""
    ops: list[TextOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(TextOp(EQUAL, old[i1:i2]))
            continue
        if i2 > i1:
            ops.append(TextOp(DELETE, old[i1:i2]))
        if j2 > j1:
            ops.append(TextOp(INSERT, new[j1:j2]))
    return _tidy(ops)


def rewritten(ops: Sequence[TextOp]) -> bool:
    """Whether a character diff is a rewrite: most of the line changed, or it changed in many places.

    Inline marks help a reader spot a few changed characters; over a rewritten
    sentence they interleave two texts until neither can be read
    (``[-根据-]{+按照区+}民政局{+的+}核对[-情况-]{+结果+}…``), so the formats show
    such a line as it was and as it is instead.
    """
    kept = sum(len(op.text) for op in ops if op.op == EQUAL)
    old = kept + sum(len(op.text) for op in ops if op.op == DELETE)
    new = kept + sum(len(op.text) for op in ops if op.op == INSERT)
    edits = sum(1 for index, op in enumerate(ops)
                if op.op != EQUAL and (index == 0 or ops[index - 1].op == EQUAL))
    return kept < REWRITE_KEPT * max(old, new) or edits > REWRITE_EDITS


def _tidy(ops: list[TextOp]) -> tuple[TextOp, ...]:
    """Fold very short kept runs into the edits around them, then merge each run of edits
    into one deletion followed by one insertion."""
    folded: list[TextOp] = []
    for index, op in enumerate(ops):
        inside = 0 < index < len(ops) - 1
        if op.op == EQUAL and inside and len(op.text) <= SHORT_EQUAL:
            folded.extend((TextOp(DELETE, op.text), TextOp(INSERT, op.text)))
        else:
            folded.append(op)
    merged: list[TextOp] = []
    deleted = inserted = ""
    for op in [*folded, TextOp(EQUAL, "")]:
        if op.op == DELETE:
            deleted += op.text
        elif op.op == INSERT:
            inserted += op.text
        else:
            merged.extend(TextOp(kind, text) for kind, text in ((DELETE, deleted), (INSERT, inserted)) if text)
            deleted = inserted = ""
            if op.text:
                merged.append(op)
    return tuple(merged)


def _value(field: str, old: str, new: str, prose: bool = False) -> ValueChange | None:
    if old == new:
        return None
    return ValueChange(field, old, new, char_diff(old, new) if prose else ())


def _present(*changes: ValueChange | None) -> tuple[ValueChange, ...]:
    return tuple(change for change in changes if change is not None)


# --- site, categories, departments -----------------------------------------


def _diff_site(old: Site, new: Site) -> tuple[ValueChange, ...]:
    return _present(*(_value(name, getattr(old, name), getattr(new, name), name in SITE_TEXT_FIELDS)
                      for name in SITE_FIELDS))


Keyed = TypeVar("Keyed", Category, Department)


def _by_slug(values: Sequence[Keyed]) -> dict[str, Keyed]:
    by_slug: dict[str, Keyed] = {}
    for value in values:
        by_slug.setdefault(value.slug, value)
    return by_slug


def diff_categories(old: Sequence[Category], new: Sequence[Category]) -> tuple[CategoryChange, ...]:
    before, after = _by_slug(old), _by_slug(new)
    changes = [CategoryChange(slug, REMOVED, category.name) for slug, category in before.items() if slug not in after]
    for slug, category in after.items():
        if slug not in before:
            changes.append(CategoryChange(slug, ADDED, category.name))
            continue
        fields = _present(_value("name", before[slug].name, category.name),
                          _value("ordinal", before[slug].ordinal, category.ordinal))
        if fields:
            changes.append(CategoryChange(slug, CHANGED, category.name, fields))
    order = _order(after, before)
    return tuple(sorted(changes, key=lambda change: order[change.slug]))


def category_order_change(old: Sequence[Category], new: Sequence[Category]) -> Reorder | None:
    """The categories' order, when the ones on both sides now come in another order."""
    common = set(_by_slug(old)) & set(_by_slug(new))
    if [c.slug for c in old if c.slug in common] == [c.slug for c in new if c.slug in common]:
        return None
    return Reorder(tuple(c.name for c in old), tuple(c.name for c in new))


def _order(after: Iterable[str], before: Iterable[str]) -> dict[str, int]:
    """Report in today's order, the removed ones last."""
    order: dict[str, int] = {}
    for slug in [*after, *before]:
        order.setdefault(slug, len(order))
    return order


def _diff_departments(old: Sequence[Department], new: Sequence[Department]) -> tuple[DepartmentChange, ...]:
    before, after = _by_slug(old), _by_slug(new)
    changes = [DepartmentChange(slug, REMOVED, department.name, department.level)
               for slug, department in before.items() if slug not in after]
    for slug, department in after.items():
        if slug not in before:
            changes.append(DepartmentChange(slug, ADDED, department.name, department.level,
                                            aliases_added=department.aliases))
            continue
        was = before[slug]
        fields = _present(_value("name", was.name, department.name), _value("level", was.level, department.level))
        added = tuple(alias for alias in department.aliases if alias not in was.aliases)
        removed = tuple(alias for alias in was.aliases if alias not in department.aliases)
        if fields or added or removed:
            changes.append(DepartmentChange(slug, CHANGED, department.name, department.level, fields, added, removed))
    order = _order(after, before)
    return tuple(sorted(changes, key=lambda change: order[change.slug]))


# --- matters ---------------------------------------------------------------


class _Names:
    """One side's slugs for category and department names, so identity survives renames."""

    def __init__(self, content: Content):
        self.categories = {category.name: category.slug for category in content.categories}
        self.departments = {department.name: department.slug for department in content.departments}

    def department(self, name: str) -> str:
        """The slug, or the name itself where this side does not define it (invalid content)."""
        return self.departments.get(name, name)


def _same(old: dict[str, str], new: dict[str, str], old_name: str, new_name: str) -> bool:
    """Same category (or department): same slug where both sides define the name, else same name."""
    if old_name in old and new_name in new:
        return old[old_name] == new[new_name]
    return old_name == new_name


def _diff_matters(old: Content, new: Content, old_names: _Names, new_names: _Names) -> tuple[MatterChange, ...]:
    before = {matter.id: matter for matter in old.matters}
    after = {matter.id: matter for matter in new.matters}
    changes = [_whole(matter, REMOVED) for matter_id, matter in before.items() if matter_id not in after]
    for matter_id, matter in after.items():
        if matter_id not in before:
            changes.append(_whole(matter, ADDED))
            continue
        change = _diff_matter(before[matter_id], matter, old_names, new_names)
        if change is not None:
            changes.append(change)
    return tuple(sorted(changes, key=lambda change: (change.number, change.kind != REMOVED, change.id)))


def _whole(matter: Matter, kind: str) -> MatterChange:
    return MatterChange(matter.id, kind, matter.number, matter.title, matter.category, matter.departments)


def _diff_matter(old: Matter, new: Matter, old_names: _Names, new_names: _Names) -> MatterChange | None:
    if _reads_same(old, new) and _named_alike(new, old_names, new_names):
        return None  # most matters (at the next revision, in another town): nothing to parse and diff
    moved = not _same(old_names.categories, new_names.categories, old.category, new.category)
    fields = _present(
        _value("number", str(old.number), str(new.number)),
        _value("title", old.title, new.title, prose=True),
        ValueChange("category", old.category, new.category) if moved else None,
    )

    def same(old_name: str, new_name: str) -> bool:
        return _same(old_names.departments, new_names.departments, old_name, new_name)

    added = tuple(name for name in new.departments if not any(same(was, name) for was in old.departments))
    removed = tuple(name for name in old.departments if not any(same(name, now) for now in new.departments))
    reordered = None
    if not added and not removed and not all(map(same, old.departments, new.departments)):
        reordered = ValueChange("departments", "、".join(old.departments), "、".join(new.departments))
    sections = _diff_sections(_sections(old, old_names), _sections(new, new_names))
    if not (fields or added or removed or reordered or sections):
        return None
    only_number = [change.field for change in fields] == ["number"] and not (added or removed or reordered or sections)
    return MatterChange(new.id, RENUMBERED if only_number else CHANGED, new.number, new.title, new.category,
                        new.departments, fields, added, removed, reordered, sections)


def _reads_same(old: Matter, new: Matter) -> bool:
    """Whether two matters agree in everything ``_diff_matter`` compares (number, texts, names as written)."""
    return (old.number == new.number and old.title == new.title and old.category == new.category
            and old.departments == new.departments and old.guarantee == new.guarantee
            and old.town_duties == new.town_duties and old.notes == new.notes
            and _upper_texts(old) == _upper_texts(new))


def _upper_texts(matter: Matter) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """The upper departments' sections as the diff reads them (not their lines in the file)."""
    return tuple((section.heading, section.departments, section.markdown) for section in matter.upper_sections)


def _named_alike(matter: Matter, old_names: _Names, new_names: _Names) -> bool:
    """Whether both sides give ``matter``'s category and department names the same slugs (or both none).

    Then a matter that reads the same on both sides is no change: its names
    are the same category and departments, and its sections pair by the
    same keys. Where one side lacks a name, or gives it another slug (two
    towns' own categories), the full diff decides.
    """
    names = {*matter.departments, *(name for section in matter.upper_sections for name in section.departments)}
    return (old_names.categories.get(matter.category) == new_names.categories.get(matter.category)
            and all(old_names.departments.get(name) == new_names.departments.get(name) for name in names))


# --- sections and items ----------------------------------------------------


@dataclass(frozen=True)
class _Item:
    marker: str  # the list number as written ("3."), "" for other items
    text: str  # without marker, for comparing

    @property
    def shown(self) -> str:
        return f"{self.marker} {self.text}" if self.marker else self.text


@dataclass(frozen=True)
class _Section:
    part: str
    key: tuple[str, ...]  # identity: department slugs, or the sub-heading
    label: tuple[str, ...]
    heading: str
    items: tuple[_Item, ...]

    @property
    def text(self) -> str:
        return "\n".join(item.text for item in self.items)


def _sections(matter: Matter, names: _Names) -> list[_Section]:
    sections = [_upper_section(section, names) for section in matter.upper_sections]
    sections.extend(_town_sections(matter.town_duties))
    sections.append(_Section(GUARANTEE, (), (), "", markdown_items(matter.guarantee)))
    sections.append(_Section(NOTES, (), (), "", tuple(item for note in matter.notes for item in markdown_items(note))))
    return _unique_keys(sections)


def _upper_section(section: DutySection, names: _Names) -> _Section:
    label = section.departments or (heading_names(section.heading),)
    key = tuple(names.department(name) for name in section.departments) or label
    return _Section(UPPER, key, label, section.heading, markdown_items(section.markdown))


def _town_sections(markdown: str) -> list[_Section]:
    """The town duties cut at their ``###`` sub-headings; text before the first has no label."""
    heading, lines, sections = "", [], []
    for line in [*markdown.split("\n"), "### "]:
        match = SUB_HEADING.match(line)
        if match is None or len(match[1]) != 3:
            lines.append(line)
            continue
        if heading or any(text.strip() for text in lines):
            label = (heading.rstrip(HEADING_END).rstrip(),) if heading else ()
            sections.append(_Section(TOWN, label, label, heading, markdown_items("\n".join(lines))))
        heading, lines = match[2], []
    return sections


def _unique_keys(sections: list[_Section]) -> list[_Section]:
    """Number repeated keys (a sub-heading used twice) so each section has its own."""
    seen: dict[tuple[str, ...], int] = {}
    unique = []
    for section in sections:
        identity = (section.part, *section.key)
        seen[identity] = seen.get(identity, 0) + 1
        if seen[identity] > 1:
            section = _Section(section.part, (*section.key, f"#{seen[identity]}"), section.label,
                               section.heading, section.items)
        unique.append(section)
    return unique


def markdown_items(markdown: str) -> tuple[_Item, ...]:
    """The list items and paragraphs of a Markdown text, each on its own.

    Headings and nested items count as items; a line that starts no item
    continues the previous one (a wrapped paragraph).
    """
    found: list[_Item] = []
    after_blank = True
    for line in markdown.split("\n"):
        if not line.strip():
            after_blank = True
            continue
        start = ITEM_START.match(line)
        text = line[start.end():].strip() if start else line.strip()
        if start or after_blank or not found:
            found.append(_Item((start["number"] or "") if start else "", text))
        else:
            found[-1] = _Item(found[-1].marker, found[-1].text + text)
        after_blank = False
    return tuple(found)


# Enough pairs for a district's groups one after the other: a pair comes back within its group (towns
# whose copies differ from the reference alike), rarely after it; bounded, as ``serve`` runs for hours.
MEMOIZED_PAIRS = 1024


def markdown_changes(old: str, new: str) -> tuple[ItemChange, ...]:
    """The items of one Markdown text changed into another (``diff_items``); nothing for the same text.

    Comparing a matter across towns meets the same pair of texts again and
    again (the reference against each town whose copy differs from it in
    the same way), so a differing pair is diffed once: the values are
    immutable, and the diff depends on the two texts alone.
    """
    if old == new:
        return ()  # what diff_items finds in the very same items, without parsing them
    return _differing_markdown(old, new)


@lru_cache(maxsize=MEMOIZED_PAIRS)
def _differing_markdown(old: str, new: str) -> tuple[ItemChange, ...]:
    return diff_items(markdown_items(old), markdown_items(new))


def _ratio(old: str, new: str) -> float:
    return SequenceMatcher(None, old, new, autojunk=False).ratio()


Paired = TypeVar("Paired")


def _pair(old: Sequence[Paired], new: Sequence[Paired], similar: Callable[[Paired, Paired], bool],
          ) -> list[tuple[Paired | None, Paired | None]]:
    """Pair each old value with the first similar new one, keeping order; the rest stand alone."""
    pairs: list[tuple[Paired | None, Paired | None]] = []
    start = 0
    for was in old:
        match = next((index for index in range(start, len(new)) if similar(was, new[index])), None)
        if match is None:
            pairs.append((was, None))
            continue
        pairs.extend((None, value) for value in new[start:match])
        pairs.append((was, new[match]))
        start = match + 1
    pairs.extend((None, value) for value in new[start:])
    return pairs


def diff_items(old: Sequence[_Item], new: Sequence[_Item]) -> tuple[ItemChange, ...]:
    """Items added, removed and changed, matched by their text without list markers."""
    changes: list[ItemChange] = []
    matcher = SequenceMatcher(None, [item.text for item in old], [item.text for item in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.extend(ItemChange(RENUMBERED, was.shown, now.shown, char_diff(was.shown, now.shown))
                           for was, now in zip(old[i1:i2], new[j1:j2]) if was.marker != now.marker)
            continue
        for was, now in _pair(old[i1:i2], new[j1:j2], lambda a, b: _ratio(a.text, b.text) >= ITEM_SIMILARITY):
            if was is None and now is not None:
                changes.append(ItemChange(ADDED, "", now.shown))
            elif now is None and was is not None:
                changes.append(ItemChange(REMOVED, was.shown, ""))
            elif was is not None and now is not None:
                changes.append(ItemChange(CHANGED, was.shown, now.shown, char_diff(was.shown, now.shown)))
    return tuple(changes)


def _diff_sections(old: list[_Section], new: list[_Section]) -> tuple[SectionChange, ...]:
    changes: list[SectionChange] = []
    for part in PARTS:
        before = [section for section in old if section.part == part]
        after = [section for section in new if section.part == part]
        changes.extend(_diff_part(before, after))
    return tuple(changes)


def _diff_part(old: list[_Section], new: list[_Section]) -> list[SectionChange]:
    """Sections matched by key; the unmatched ones paired when their text is alike
    (a department swapped for another, a sub-heading reworded)."""
    old_keys = {section.key for section in old}
    new_keys = {section.key for section in new}
    by_key = {section.key: section for section in old}
    unmatched_old = [section for section in old if section.key not in new_keys]
    unmatched_new = [section for section in new if section.key not in old_keys]
    pairs = {now.key: was for was, now in _pair(unmatched_old, unmatched_new, _alike) if was and now}
    paired_old = {was.key for was in pairs.values()}
    changes = [_section_change(by_key.get(section.key) or pairs.get(section.key), section) for section in new]
    changes.extend(_section_change(section, None) for section in unmatched_old if section.key not in paired_old)
    return [change for change in changes if change is not None]


def _alike(old: _Section, new: _Section) -> bool:
    return _ratio(old.text, new.text) >= SECTION_SIMILARITY


def _section_change(old: _Section | None, new: _Section | None) -> SectionChange | None:
    if old is None and new is not None:
        return SectionChange(new.part, ADDED, (), new.label, None, diff_items((), new.items))
    if new is None and old is not None:
        return SectionChange(old.part, REMOVED, old.label, (), None, diff_items(old.items, ()))
    assert old is not None and new is not None
    heading = _value("heading", old.heading, new.heading, prose=True)
    changed = diff_items(old.items, new.items)
    if heading is None and not changed:
        return None
    return SectionChange(new.part, CHANGED, old.label, new.label, heading, changed)


def renumbered_runs(matters: tuple[MatterChange, ...]) -> list[list[tuple[int, MatterChange]]]:
    """Matters whose number changed, in runs of consecutive old numbers moved by the same step.

    Each item is (old number, matter). Changed matters count in a run too, so
    that one edited matter does not cut a long renumbering into pieces. The
    wording of a run is the reader's (``diff_format``, ``change_view``).
    """
    numbered = sorted(((int(number.old), matter) for matter in matters if (number := matter.field("number"))),
                      key=lambda pair: (pair[0], pair[1].id))
    runs: list[list[tuple[int, MatterChange]]] = []
    for old, matter in numbered:
        previous = runs[-1][-1] if runs else None
        if previous and previous[0] + 1 == old and previous[1].number - previous[0] == matter.number - old:
            runs[-1].append((old, matter))
        else:
            runs.append([(old, matter)])
    return runs
