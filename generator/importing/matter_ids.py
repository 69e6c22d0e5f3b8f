"""Stable ASCII ids for matters: kept across revisions, readable in URLs.

A new matter's id is the pinyin of the start of its title
(``低保业务的新增`` → ``di-bao-ye-wu-de-xin-zeng``); once given, an id never
changes, even when the matter is renumbered or retitled.
"""
from __future__ import annotations

import re

from generator.content.model import Matter

SYLLABLES = 7
NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")


class IdAllocator:
    """Hands out ids: the revised matter's own id when recognised, a fresh unique one otherwise."""

    def __init__(self, existing: tuple[Matter, ...]):
        self._by_title = {matter.title: matter.id for matter in existing}
        self._by_place = {(matter.number, matter.category): matter.id for matter in existing}
        self._taken: set[str] = set()

    def allocate(self, title: str, number: int, category: str) -> str:
        for known in (self._by_title.get(title), self._by_place.get((number, category))):
            if known and known not in self._taken:
                self._taken.add(known)
                return known
        fresh = self._fresh(title, number)
        self._taken.add(fresh)
        return fresh

    def _fresh(self, title: str, number: int) -> str:
        syllables = pinyin_syllables(title) or [f"matter-{number}"]
        for length in range(SYLLABLES, len(syllables) + 1):
            candidate = "-".join(syllables[:length])
            if candidate not in self._taken:
                return candidate
        base = "-".join(syllables)
        suffix = 2
        while f"{base}-{suffix}" in self._taken:
            suffix += 1
        return f"{base}-{suffix}"


def pinyin_syllables(title: str) -> list[str]:
    from pypinyin import lazy_pinyin  # imported here: only the importer needs it

    words = (NOT_ASCII_WORD.sub("-", word.lower()).strip("-") for word in lazy_pinyin(title))
    return [word for word in words if word]
