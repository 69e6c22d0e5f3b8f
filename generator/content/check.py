"""``check``: load and validate, the first half of every build."""
from __future__ import annotations

from pathlib import Path

from generator.errors import ContentError, ContentErrors, display_path
from generator.i18n import _
from generator.content.loader import MatterReader, load_content
from generator.content.model import Content
from generator.content.names import with_section_departments
from generator.content.validate import validate


def load_valid_content(content_dir: Path, read_matters: MatterReader | None = None) -> Content:
    """The validated content, or ContentErrors listing every problem at once.

    ``read_matters`` reads the matter files (default: one after the other).
    Every file's errors are found in one run, even when site.yml is unusable;
    a settings file that cannot be read at all is named first (see ``settings_first``).
    """
    loaded = load_content(content_dir, read_matters)
    errors = list(loaded.errors)
    if loaded.partial is not None:
        errors.extend(validate(loaded.partial, all_matters_loaded=not loaded.errors, gaps=loaded.gaps))
    if errors or loaded.content is None:
        failure = ContentErrors(errors)
        failure.errors = settings_first(failure.errors, content_dir, loaded.gaps.files)
        raise failure
    return with_section_departments(loaded.content)


def settings_first(errors: list[ContentError], content_dir: Path, unusable: frozenset[str]) -> list[ContentError]:
    """``errors`` with those of the unusable settings files first (the cause before what it caused)."""
    first = {display_path(content_dir / name) for name in unusable}
    return sorted(errors, key=lambda error: error.path not in first)  # stable: otherwise in file and line order


def check_content(content_dir: Path) -> str:
    """A one-line summary of valid content; raises ContentErrors otherwise."""
    content = load_valid_content(content_dir)
    used = {name for matter in content.matters for name in matter.departments}
    return _("OK: {matters} matters, {categories} categories, {departments} departments "
             "({used} with matters).").format(matters=len(content.matters), categories=len(content.categories),
                                              departments=len(content.departments), used=len(used))
