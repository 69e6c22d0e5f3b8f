"""Department names: canonical names, aliases, and the ways text refers to them."""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from dataclasses import replace

from generator.content.model import Content, Department

WHITESPACE = re.compile(r"\s+")
HEADING_JOINER = "、"


HEADING_SUFFIXES = ("：", ":", "职责")


def heading_names(heading: str) -> str:
    """The names part of a section heading: ``青山区民政局职责：`` → ``青山区民政局``."""
    names = heading.strip()
    for suffix in HEADING_SUFFIXES:
        names = names.removesuffix(suffix).rstrip()
    return names


def with_section_departments(content: Content) -> Content:
    """The content with every duty section's departments resolved from its heading.

    Call after validation: unresolvable headings are validation errors.
    """
    names = DepartmentNames(content.departments)
    matters = tuple(
        replace(matter, upper_sections=tuple(
            replace(section, departments=names.resolve_heading(heading_names(section.heading)) or ())
            for section in matter.upper_sections))
        for matter in content.matters)
    return replace(content, matters=matters)


def fold(text: str) -> str:
    """Compare names with white space removed: the source splits names with spaces."""
    return WHITESPACE.sub("", text)


class DepartmentNames:
    """Resolves any spelling of a department to its canonical name."""

    def __init__(self, departments: Iterable[Department]):
        self._canonical: dict[str, str] = {}
        for department in departments:
            for spelling in department.spellings:
                self._canonical.setdefault(fold(spelling), department.name)
        # Longest first, so that 包头市农牧局 wins over 市农牧局.
        self._by_length = sorted(self._canonical, key=lambda spelling: (-len(spelling), spelling))

    def spellings_of(self, name: str) -> list[str]:
        """Every spelling of the canonical ``name``, longest first."""
        return [spelling for spelling in self._by_length if self._canonical[spelling] == name]

    def resolve(self, spelling: str) -> str | None:
        return self._canonical.get(fold(spelling))

    def resolve_heading(self, names: str) -> tuple[str, ...] | None:
        """``青山区农牧局、青山区消防救援大队`` → both canonical names, or None if any is unknown."""
        resolved = [self.resolve(name) for name in names.split(HEADING_JOINER)]
        if any(name is None for name in resolved):
            return None
        return tuple(dict.fromkeys(resolved))  # type: ignore[arg-type]

    def heading_pattern(self) -> str:
        """A regex matching one or more spellings joined by 、 (white space allowed inside)."""
        one = "|".join(r"\s*".join(map(re.escape, spelling)) for spelling in self._by_length)
        return rf"(?:{one})(?:{HEADING_JOINER}(?:{one}))*"

    def split_column(self, text: str) -> tuple[list[str], list[str]]:
        """Cut a departments cell into canonical names; also return the words that could not be placed.

        Names are separated by white space, but one name may itself be split by
        a space (``包头市自然资源局 青山区分局``), so a match may span several
        words; it must start and end at word boundaries.
        """
        words = text.split()
        names: list[str] = []
        unplaced: list[str] = []
        index = 0
        while index < len(words):
            span = next((n for n in range(len(words), index, -1)
                         if fold("".join(words[index:n])) in self._canonical), None)
            if span is None:
                unplaced.append(words[index])
                index += 1
                continue
            names.append(self._canonical[fold("".join(words[index:span]))])
            index = span
        return list(dict.fromkeys(names)), unplaced

    def suggest(self, spelling: str) -> list[str]:
        """Canonical names of the nearest spellings, for "did you mean …": the best and its close rivals."""
        folded = fold(spelling)
        scored = sorted(((difflib.SequenceMatcher(None, folded, known).ratio(), known) for known in self._by_length),
                        key=lambda pair: (-pair[0], pair[1]))
        best = scored[0][0] if scored else 0.0
        close = [known for ratio, known in scored if ratio >= max(0.6, best - 0.1)]
        return list(dict.fromkeys(self._canonical[known] for known in close))[:3]
