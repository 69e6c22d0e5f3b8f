"""Import the official table into ``content/matters``.

Every character of the official text is kept; list numbers become Markdown
list markers and white space is tidied, nothing else. What looks wrong in
the source is reported as a warning and left as it is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator import duty_text, matter_file
from generator.errors import ContentError, ContentErrors, display_path
from generator.loader import MATTERS_DIR, load_content
from generator.matter_ids import IdAllocator
from generator.model import Content, Matter
from generator.names import DepartmentNames
from generator.source_table import SourceCategory, SourceRow, read_table

HEADLESS_NOTE = "原表中“{name}”的职责没有单独的标题，标题“{name}”为整理时所加。"


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.removed)} removed, "
                f"{len(self.changed)} changed, {self.unchanged} unchanged, {len(self.warnings)} warning(s)")


@dataclass(frozen=True)
class Draft:
    """One matter as imported, before it gets its id."""

    number: int
    title: str
    category: str
    departments: tuple[str, ...]
    sections: tuple[tuple[str, str], ...]  # (heading, markdown)
    guarantee: str
    town: str
    notes: tuple[str, ...]


def import_table(table: Path, content_dir: Path) -> ImportReport:
    """Write one matter file per row of ``table``; raise ContentErrors on what cannot be placed."""
    content = _existing_content(content_dir)
    source = read_table(table)
    label = display_path(table)
    report = ImportReport()
    errors: list[ContentError] = []
    _check_categories(source.categories, content, label, errors)
    names = DepartmentNames(content.departments)
    converter = _RowConverter(names, label, errors, report.warnings)
    drafts = [converter.convert(row) for row in source.rows]
    if errors:
        raise ContentErrors(errors)
    files = _render_files(drafts, content.matters)
    _write(content_dir / MATTERS_DIR, files, content.matters, report)
    return report


def _existing_content(content_dir: Path) -> Content:
    loaded = load_content(content_dir)
    if loaded.errors or loaded.content is None:
        raise ContentErrors(loaded.errors or [ContentError(str(content_dir), 1, "content cannot be read")])
    return loaded.content


def _check_categories(categories: tuple[SourceCategory, ...], content: Content, label: str,
                      errors: list[ContentError]) -> None:
    known = [category.name for category in content.categories]
    found = [category.name for category in categories]
    for category in categories:
        if category.name not in known:
            errors.append(ContentError(label, category.line, f"unknown category '{category.name}'",
                                       "add it to categories.yml"))
    if not errors and found != known[:len(found)]:
        errors.append(ContentError(label, categories[0].line if categories else 1,
                                   f"categories come in the order {found}, categories.yml says {known}"))


class _RowConverter:
    """Turns source rows into drafts, collecting errors and warnings as it goes."""

    def __init__(self, names: DepartmentNames, label: str, errors: list[ContentError], warnings: list[str]):
        self.names = names
        self.heading_pattern = names.heading_pattern()
        self.label = label
        self.errors = errors
        self.warnings = warnings

    def convert(self, row: SourceRow) -> Draft:
        warnings: list[str] = []
        departments = self._departments(row)
        upper = duty_text.parse_upper_cell(row.upper_duties, self.heading_pattern, self.names.resolve_heading)
        warnings.extend(upper.warnings)
        notes = self._attach_headless(upper.sections, departments, warnings)
        self._cross_check(upper.sections, departments, warnings)
        sections = tuple((section.heading or "", duty_text.to_markdown(section.blocks, "####", warnings))
                         for section in upper.sections)
        guarantee = duty_text.to_markdown(upper.guarantee, "####", warnings)
        town_blocks, town_warnings = duty_text.parse_town_cell(row.town_duties)
        warnings.extend(town_warnings)
        town = duty_text.to_markdown(town_blocks, "###", warnings)
        for warning in warnings:
            self.warnings.append(f"{self.label}:{row.line}: matter {row.number}: {warning}")
        return Draft(row.number, row.title, row.category, tuple(departments), sections, guarantee, town,
                     tuple(notes))

    def _departments(self, row: SourceRow) -> list[str]:
        departments, unplaced = self.names.split_column(duty_text.plain_text(row.departments))
        for fragment in unplaced:
            suggestion = self.names.suggest(fragment)
            self.errors.append(ContentError(
                self.label, row.line, f"matter {row.number}: cannot place department '{fragment}'",
                f"did you mean {'、'.join(suggestion)}? Otherwise add it to departments.yml (as a name or alias)"
                if suggestion else "add it to departments.yml as a department or an alias"))
        return departments

    def _attach_headless(self, sections: list[duty_text.Section], departments: list[str],
                         warnings: list[str]) -> list[str]:
        """A listed department whose duties start a paragraph without a heading gets a section of its own.

        The paragraph moves, unchanged, under a heading naming the department;
        the matter carries a note saying so, and the import warns.
        """
        notes = []
        covered = {name for section in sections for name in section.departments}
        for name in departments:
            if name in covered:
                continue
            found = self._headless_paragraph(sections, name)
            if found is None:
                continue
            section, index = found
            moved = section.blocks[index:]
            del section.blocks[index:]
            sections.append(duty_text.Section(name, (name,), moved))
            notes.append(HEADLESS_NOTE.format(name=name))
            warnings.append(f"duties of {name} have no heading; a heading was added and noted")
        return notes

    def _headless_paragraph(self, sections: list[duty_text.Section], name: str):
        spellings = self.names.spellings_of(name)
        for section in sections:
            for index, block in enumerate(section.blocks):
                if block.kind == "para" and any(block.text.startswith(s) for s in spellings):
                    return section, index
        return None

    def _cross_check(self, sections: list[duty_text.Section], departments: list[str],
                     warnings: list[str]) -> None:
        in_sections = [name for section in sections for name in section.departments]
        for name in departments:
            if name not in in_sections:
                warnings.append(f"{name} is listed as a department but has no duties section")
        for name in dict.fromkeys(in_sections):
            if name not in departments:
                warnings.append(f"{name} has a duties section but is not listed as a department")
        for section in sections:
            if section.heading and not section.departments:
                warnings.append(f"heading {section.heading!r} names no known department")
            for block in section.blocks:
                if block.kind == "para" and block.text.endswith("职责："):
                    warnings.append(f"{block.text!r} looks like a heading but names no known department")


def _render_files(drafts: list[Draft], existing: tuple[Matter, ...]) -> dict[str, tuple[str, str]]:
    """Matter id → (file name, text) for every draft, ids kept from the matters they revise."""
    ids = IdAllocator(existing)
    files = {}
    for draft in drafts:
        matter_id = ids.allocate(draft.title, draft.number, draft.category)
        fields = {
            "id": matter_id, "number": draft.number, "title": draft.title, "category": draft.category,
            "departments": list(draft.departments), "guarantee": draft.guarantee, "notes": list(draft.notes),
        }
        text = matter_file.dump(fields, list(draft.sections), draft.town)
        files[matter_id] = (matter_file.file_name(draft.number, matter_id), text)
    return files


def _write(folder: Path, files: dict[str, tuple[str, str]], existing: tuple[Matter, ...],
           report: ImportReport) -> None:
    """Write what changed, move renumbered files, delete matters no longer in the table."""
    folder.mkdir(parents=True, exist_ok=True)
    old_by_id = {matter.id: matter for matter in existing}
    for matter_id, (name, text) in sorted(files.items(), key=lambda item: item[1][0]):
        old = old_by_id.get(matter_id)
        target = folder / name
        if old is None:
            report.added.append(name)
        elif old.path != target or old.path.read_text(encoding="utf-8") != text:
            report.changed.append(name)
            if old.path != target:
                old.path.unlink()
        else:
            report.unchanged += 1
            continue
        target.write_text(text, encoding="utf-8", newline="\n")
    for matter in existing:
        if matter.id not in files:
            report.removed.append(matter.path.name)
            matter.path.unlink()
