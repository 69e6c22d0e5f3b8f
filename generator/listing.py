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
    becomes an index of one printable part per category. The real list
    (100 matters) stays whole.
    """

    threshold: int = 500
    per_page: int = 100

    def pages_for(self, count: int) -> int:
        return 1 if count <= self.threshold else math.ceil(count / self.per_page)

    def splits_list(self, count: int) -> bool:
        return count > self.threshold


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
