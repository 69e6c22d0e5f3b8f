"""The changes page of a pull request's preview site: ``build --changes-base REV`` → ``changes/index.html``.

A reviewer reads the summary of a pull request in its comment, then clicks
through to the preview site to see the changed matters as they will look.
This page is that summary inside the site: the change from ``REV`` to the
content being built, as ``python -m generator diff REV`` computes it (the
same ``gitrev.compare`` and change engine), worded for the site by
``change_view`` and laid out by ``templates/changes.html``, with links to
the pages of the matters added or changed. Without the option the site has
no such page.

In a site of several lists (``review_library``), each 配合 list that
changed has this page of its own, with its own change, and the district
has one at its top that names every list that changed and what changed in
it (``district_pages``), as ``diff REV`` shows it list by list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.site import urls
from generator.site.change_view import change_view
from generator.review.changes import Change
from generator.review.gitrev import GitError, compare, repository_root, resolve_commit
from generator.review.library_changes import LibraryChange
from generator.review.library_sides import compare_libraries
from generator.i18n import _

if TYPE_CHECKING:
    from generator.site.render import Catalogue, Page

CHANGES_PAGE = "changes/index.html"
SHORT = 7  # digits of a commit hash shown
HASH = re.compile(r"[0-9a-f]{7,64}")


@dataclass(frozen=True)
class Review:
    """What the changes page compares and shows."""

    base: str  # the revision as given (``main``, ``origin/main``), or its short hash when given a hash
    commit: str  # its commit, short
    change: Change
    warnings: tuple[str, ...]  # files of either side that could not be read


@dataclass(frozen=True)
class LibraryReview:
    """What the changes pages of a site of several lists compare and show."""

    base: str
    commit: str
    change: LibraryChange
    warnings: tuple[str, ...]

    def of(self, key: str) -> Review | None:
        """The changes page of the 配合 list ``key`` (``<town>/peihe``), when it changed."""
        found = next((each for each in self.change.lists if each.key == key and each.change is not None), None)
        return Review(self.base, self.commit, found.change, ()) if found is not None else None  # type: ignore[arg-type]


def review_library(content_dir: Path, base: str) -> LibraryReview:
    """The change from ``base`` to the working tree of a multi-list folder, as ``diff BASE`` finds it."""
    commit = base_commit(content_dir, base)
    change, warnings = compare_libraries(content_dir, commit, None)
    shown = commit[:SHORT] if HASH.fullmatch(base) else base
    return LibraryReview(shown, commit[:SHORT], change, tuple(warnings))


def base_commit(content_dir: Path, base: str) -> str:
    """The full hash of the commit ``base`` names in the checkout holding ``content_dir``; GitError otherwise.

    Resolved before the build starts, so that a wrong name stops it before
    anything is written, and the build cache keys on the commit, not the name.
    """
    repo = repository_root(content_dir)
    if repo is None:
        raise GitError(_("{folder} is not inside a git checkout").format(folder=content_dir))
    return resolve_commit(repo, base)


def review_changes(content_dir: Path, base: str) -> Review:
    """The change from ``base`` to the working tree, as ``diff BASE`` finds it."""
    commit = base_commit(content_dir, base)
    change, warnings = compare(content_dir, commit)
    shown = commit[:SHORT] if HASH.fullmatch(base) else base  # CI passes whole hashes: show them short
    return Review(shown, commit[:SHORT], change, tuple(warnings))


def changes_page(review: Review) -> Page:
    """The page, for the render stage's list of pages; it depends on no single matter's text."""
    from generator.site.render import Page  # here: ``build`` resolves the base before it knows it has to render

    return Page(CHANGES_PAGE, "changes.html", partial(_context, review), frozenset(),
                cost=1 + len(review.change.matters) // 10)


def _context(review: Review, books: Catalogue, root: str) -> dict[str, Any]:
    site = books.content.site
    return {
        "title": "本次修订的内容变化", "column": "修订预览", "section": "",
        "description": f"{site.title}本次修订与修订 {review.commit} 相比的内容变化：新增、删除、修改的事项及修改的文字。",
        "crumbs": (("首页", urls.HOME),), "here": "本次修订的内容变化",
        "review": review, "view": change_view(review.change), "pages": frozenset(books.positions),
    }
