"""What changed in a content folder of several lists, list by list, in the words a clerk knows them by.

A district's pull request may touch any town's lists, so every change is
reported under the list it belongs to, named as the clerk names it
(「兴胜镇 · 配合履职事项清单」: the town's name and the list's title); what
every list shares (the publisher's ``site.yml``, ``departments.yml``, a
town's ``town.yml``) is reported once, apart. A list is known by its folder
(``<town>/<type>``): one that is on one side only was added or removed. A
配合 list is compared by today's engine (``changes``), the other types by
their declarations (``typed_changes``).

A single-list folder on one side (a revision before ``migrate``) is its one
配合 list, matched with the other side's 配合 list of the same town.

Pure: two ``Library`` values in, a ``LibraryChange`` out; wording is
``library_format``'s.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from generator.content.list_types import ListType
from generator.content.loader import BLANK_SITE
from generator.content.model import PEIHE, Content, Library, ListInfo, MatterList, Town
from generator.review.changes import (
    ADDED,
    CHANGED,
    REMOVED,
    Change,
    DepartmentChange,
    ValueChange,
    char_diff,
    diff_content,
)
from generator.review.typed_changes import TypedChange, TypedSide, diff_typed

PUBLISHER_FIELDS = ("title", "district", "city", "issuer", "description", "base_path", "base_url")
LIST_FIELDS = ("title", "issuer", "edition", "document_number", "published", "validity", "revision_note",
               "description", "example")
TOWN_FIELDS = ("name", "kind")
# Fields long enough that a character diff reads better than "old → new".
PROSE_FIELDS = ("title", "revision_note", "description")
NAME_JOINER = " · "


@dataclass(frozen=True)
class ListCounts:
    added: int
    removed: int
    changed: int
    renumbered: int
    categories: int
    settings: int


@dataclass(frozen=True)
class ListChange:
    """One list's change: the list added, removed, or changed (its settings, categories and matters).

    ``change`` (配合) or ``typed`` (the other types) holds its categories and
    matters; neither for a removed list, which is only named and counted.
    """

    key: str  # <town>/<type>: the list's folder under lists/
    name: str  # 「兴胜镇 · 配合履职事项清单」
    list_type: str
    kind: str  # ADDED, REMOVED or CHANGED
    matters: int  # how many matters the list holds (held, when removed)
    settings: tuple[ValueChange, ...] = ()  # list.yml
    change: Change | None = None
    typed: TypedChange | None = None

    def counts(self) -> ListCounts:
        settings = len(self.settings)
        matters = self.change if self.change is not None else self.typed
        if matters is None:
            return ListCounts(0, 0, 0, 0, 0, settings)
        counts = matters.counts()
        return ListCounts(counts.added, counts.removed, counts.changed, counts.renumbered, counts.categories, settings)


@dataclass(frozen=True)
class TownChange:
    """A town whose ``town.yml`` changed (its name or kind): every list of it is named by it."""

    slug: str
    name: str  # as it is now
    fields: tuple[ValueChange, ...]


@dataclass(frozen=True)
class LibraryCounts:
    lists_added: int
    lists_removed: int
    lists_changed: int
    added: int
    removed: int
    changed: int
    renumbered: int
    categories: int  # in the lists that changed (a new list's categories are part of it)
    settings: int  # list.yml fields, in the lists that changed
    departments: int
    shared: int  # the publisher's settings and the towns'


@dataclass(frozen=True)
class LibraryChange:
    """Everything that changed between two versions of a multi-list content folder."""

    site: tuple[ValueChange, ...] = ()  # the publisher's site.yml
    departments: tuple[DepartmentChange, ...] = ()  # departments.yml, shared by every list
    towns: tuple[TownChange, ...] = ()
    lists: tuple[ListChange, ...] = ()  # in the order of the folder (towns, then types), removed ones last

    @property
    def is_empty(self) -> bool:
        return not (self.site or self.departments or self.towns or self.lists)

    def counts(self) -> LibraryCounts:
        kinds = [each.kind for each in self.lists]
        matters = [each.counts() for each in self.lists if each.kind != REMOVED]
        changed = [each.counts() for each in self.lists if each.kind == CHANGED]
        return LibraryCounts(
            kinds.count(ADDED), kinds.count(REMOVED), kinds.count(CHANGED),
            *(sum(getattr(counts, name) for counts in matters) for name in ("added", "removed", "changed",
                                                                            "renumbered")),
            *(sum(getattr(counts, name) for counts in changed) for name in ("categories", "settings")),
            departments=len(self.departments), shared=len(self.site) + sum(len(town.fields) for town in self.towns))


def list_name(town: str, title: str) -> str:
    """「兴胜镇 · 配合履职事项清单」: the town, then the list's title without the town's name it repeats."""
    shown = title.removeprefix(town) if town and title.startswith(town) and title != town else title
    return f"{town}{NAME_JOINER}{shown}" if town else shown


def diff_libraries(old: Library, new: Library, types: dict[str, ListType]) -> LibraryChange:
    """The change from ``old`` to ``new``; ``types``: the declarations a typed list is compared by (the newer
    side's: a field an older declaration lacked reads as empty there)."""
    before, after = _by_key(old, new), _by_key(new, old)
    changes = []
    for key, matter_list in after.items():
        if key in before:
            change = _changed_list(key, before[key], matter_list, old, new, types)
        else:
            change = _added_list(key, matter_list, new, types)
        if change is not None:
            changes.append(change)
    changes.extend(_removed_list(key, matter_list, old) for key, matter_list in before.items() if key not in after)
    return LibraryChange(_fields(_publisher(old), _publisher(new), PUBLISHER_FIELDS),
                         diff_content(_blank(old), _blank(new)).departments, _towns(old, new), tuple(changes))


def _publisher(library: Library) -> dict[str, str]:
    """The publisher's settings; a single-list folder's description is its list's (``single_library``)."""
    values = {name: _text(getattr(library.site, name, "") or "") for name in PUBLISHER_FIELDS}
    if library.single:
        values["description"] = ""
    return values


def _by_key(library: Library, other: Library) -> dict[str, MatterList]:
    """The lists by folder; a single-list folder's one list under the key of ``other``'s 配合 list of its town."""
    if not library.single:
        return {matter_list.info.key: matter_list for matter_list in library.lists}
    town = library.towns[0].name if library.towns else ""
    match = next((each.info.key for each in other.lists if each.info.type == PEIHE and not other.single
                  and _town_name(other, each.info) == town), f"/{PEIHE}")
    return {match: matter_list for matter_list in library.lists}


def _town_name(library: Library, info: ListInfo) -> str:
    town = library.town(info.town)
    return town.name if town is not None else info.town


def _name(library: Library, info: ListInfo) -> str:
    return list_name(_town_name(library, info), info.title)


def _blank(library: Library) -> Content:
    """The library's departments alone, to compare them once."""
    return Content(BLANK_SITE, (), library.departments, ())


def _content(library: Library, matter_list: MatterList | None) -> Content:
    """A 配合 list as today's engine compares it: its categories and matters, the library's departments."""
    if matter_list is None:
        return _blank(library)
    return Content(BLANK_SITE, matter_list.categories, library.departments, matter_list.matters)


def _typed_side(library: Library, matter_list: MatterList | None) -> TypedSide:
    if matter_list is None:
        return TypedSide((), library.departments, ())
    return TypedSide(matter_list.categories, library.departments, matter_list.matters)


def _matters(library: Library, key: str, old: MatterList | None, new: MatterList | None,
             old_library: Library, types: dict[str, ListType]) -> tuple[Change | None, TypedChange | None]:
    list_type = (new or old).info.type  # type: ignore[union-attr]
    if list_type == PEIHE:
        change = diff_content(_content(old_library, old), _content(library, new))
        return replace(change, site=(), departments=()), None
    declared = types.get(list_type)
    if declared is None:  # read by a declaration the loader had: it is there
        raise KeyError(f"no declaration of list type {list_type} for {key}")
    return None, diff_typed(declared, _typed_side(old_library, old), _typed_side(library, new))


def _changed_list(key: str, old: MatterList, new: MatterList, old_library: Library, library: Library,
                  types: dict[str, ListType]) -> ListChange | None:
    settings = _fields(_settings(old.info, old_library), _settings(new.info, library), LIST_FIELDS)
    change, typed = _matters(library, key, old, new, old_library, types)
    if not settings and (change is None or change.is_empty) and (typed is None or typed.is_empty):
        return None
    return ListChange(key, _name(library, new.info), new.info.type, CHANGED, len(new.matters), settings, change,
                      typed)


def _added_list(key: str, new: MatterList, library: Library, types: dict[str, ListType]) -> ListChange:
    change, typed = _matters(library, key, None, new, replace(library, lists=()), types)
    return ListChange(key, _name(library, new.info), new.info.type, ADDED, len(new.matters), change=change,
                      typed=typed)


def _removed_list(key: str, old: MatterList, library: Library) -> ListChange:
    return ListChange(key, _name(library, old.info), old.info.type, REMOVED, len(old.matters))


def _settings(info: ListInfo, library: Library) -> dict[str, str]:
    """A list's settings as they take effect: without an issuer of its own, the publisher's is the list's."""
    values = {name: _text(getattr(info, name)) for name in LIST_FIELDS}
    values["issuer"] = values["issuer"] or library.site.issuer
    return values


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fields(old: object, new: object, names: tuple[str, ...]) -> tuple[ValueChange, ...]:
    """The named fields that differ between two settings (objects or dicts), prose with its characters marked."""
    def value(settings: object, name: str) -> str:
        found = settings.get(name, "") if isinstance(settings, dict) else getattr(settings, name, "")
        return _text(found or "")

    changes = []
    for name in names:
        was, now = value(old, name), value(new, name)
        if was != now:
            changes.append(ValueChange(name, was, now, char_diff(was, now) if name in PROSE_FIELDS else ()))
    return tuple(changes)


def _towns(old: Library, new: Library) -> tuple[TownChange, ...]:
    """Towns on both sides whose name or kind changed (a town added or removed comes with its lists)."""
    if old.single or new.single:
        return ()
    before = {town.slug: town for town in old.towns}
    changes = []
    for town in new.towns:
        was: Town | None = before.get(town.slug)
        if was is not None and (fields := _fields(was, town, TOWN_FIELDS)):
            changes.append(TownChange(town.slug, town.name, fields))
    return tuple(changes)
