"""When long listings of matters are split into pages, and where a page sits among them.

Apart from ``render`` so that a build can name its options without
importing the rendering machinery (see ``build``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    """When listings of matters are split, so that they stay usable at 10,000 matters.

    A department with more than ``threshold`` matters gets pages of
    ``per_page`` entries; a full list of more than ``threshold`` matters
    becomes an index of one printable part per category, and a part of more
    than ``part_per_page`` matters is printed in pages of that many (at
    10,000 matters a category's part would otherwise be a 7 MB page). A
    category's index of titles gets pages of ``category_per_page`` once it
    is longer than that (at 10,000 matters: 1 MB). The real list (100
    matters) stays whole.
    """

    threshold: int = 500
    per_page: int = 100
    part_per_page: int = 250
    category_per_page: int = 500

    def pages_for(self, count: int) -> int:
        return 1 if count <= self.threshold else math.ceil(count / self.per_page)

    def splits_list(self, count: int) -> bool:
        return count > self.threshold

    def part_pages_for(self, count: int) -> int:
        """How many pages a category's part of a split full list takes."""
        return _pages(count, self.part_per_page)

    def category_pages_for(self, count: int) -> int:
        """How many pages a category's index of ``count`` matters takes."""
        return _pages(count, self.category_per_page)


def _pages(count: int, per_page: int) -> int:
    """Pages of ``per_page`` for ``count`` matters; one page however short."""
    return max(1, math.ceil(count / per_page))


@dataclass(frozen=True)
class Paging:
    """Where one page of a split listing sits among its pages."""

    number: int  # 1-based
    urls: tuple[str, ...]  # of every page, in order

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def previous(self) -> str:
        return self.urls[self.number - 2] if self.number > 1 else ""

    @property
    def next(self) -> str:
        return self.urls[self.number] if self.number < self.count else ""
