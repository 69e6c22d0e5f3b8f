"""``check``: load and validate, the first half of every build."""
from __future__ import annotations

from pathlib import Path

from generator.errors import ContentErrors
from generator.loader import MatterReader, load_content
from generator.model import Content
from generator.names import with_section_departments
from generator.validate import validate


def load_valid_content(content_dir: Path, read_matters: MatterReader | None = None) -> Content:
    """The validated content, or ContentErrors listing every problem at once.

    ``read_matters`` reads the matter files (default: one after the other).
    """
    loaded = load_content(content_dir, read_matters)
    errors = list(loaded.errors)
    if loaded.content is not None:
        errors.extend(validate(loaded.content, all_matters_loaded=not loaded.errors))
    if errors or loaded.content is None:
        raise ContentErrors(errors)
    return with_section_departments(loaded.content)


def check_content(content_dir: Path) -> str:
    """A one-line summary of valid content; raises ContentErrors otherwise."""
    content = load_valid_content(content_dir)
    used = {name for matter in content.matters for name in matter.departments}
    return (f"OK: {len(content.matters)} matters, {len(content.categories)} categories, "
            f"{len(content.departments)} departments ({len(used)} with matters).")
