"""Import the official table into ``content/matters``, as one transaction.

Every character of the official text is kept; list numbers become Markdown
list markers and white space is tidied, nothing else. What looks wrong in
the source is reported as a warning and left as it is.

The pipeline: ``table_readers`` reads the file (workbook, Word table, web
page or text dump) into one table model, ``source_table`` finds the list's
rows in it, ``duty_text`` turns each duty cell into Markdown and
``matter_ids`` keeps each recognised matter's id. Nothing is written until
the whole new list is known to be valid: its files are written into a
private staging copy of the content folder and checked there exactly as
``check`` checks (``load_valid_content``). Only then are the matter files
replaced, each by a rename, with Ctrl-C and SIGTERM held back until the last
rename is done, so that an interruption leaves the old list or the new one,
never a mixture. An import that would remove matters needs
``allow_removals``; one that leaves no matter is always refused.

A workbook or Word table has no Markdown structure (its cells are lines of
plain text), so where such a cell says exactly what the current matter's
text says (the site's own ``qingdan.xlsx``, imported back), the current
Markdown is kept; changed text gets its structure from the lines.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from generator.importing import duty_text

from generator.content import matter_file
from generator.review.changes import Change, diff_content
from generator.review.library_changes import ListChange
from generator.content.check import load_valid_content
from generator.errors import ContentError, ContentErrors, display_path
from generator.i18n import _
from generator.content.loader import CATEGORIES_FILE, DEPARTMENTS_FILE, MATTERS_DIR, SITE_FILE, load_content
from generator.importing.matter_ids import IdAllocator
from generator.content.model import Content, DutySection, Matter
from generator.content.names import DepartmentNames, with_section_departments
from generator.importing.source_table import SourceCategory, SourceRow, empty_table_error, read_table

HEADLESS_NOTE = "原表中“{name}”的职责没有单独的标题，标题“{name}”为整理时所加。"
HEADLESS_NOTE_PATTERN = re.compile(r"^原表中“(.+?)”的职责没有单独的标题，标题“\1”为整理时所加。$")
SETTINGS_FILES = (SITE_FILE, CATEGORIES_FILE, DEPARTMENTS_FILE)
TEMPORARY_SUFFIX = ".import-tmp"


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    change: Change | None = None  # the change in the list's terms (``diff``'s engine); 配合 lists only
    typed: ListChange | None = None  # a 基本 or 收回 list's change (``typed_changes``), as ``diff`` reports it
    written: bool = False
    created: list[str] = field(default_factory=list)  # a new list's settings files (``list_import``)

    def summary(self) -> str:
        return _("added {added}, removed {removed}, changed {changed}, unchanged {unchanged}, "
                 "warnings {warnings}").format(added=len(self.added), removed=len(self.removed),
                                               changed=len(self.changed), unchanged=self.unchanged,
                                               warnings=len(self.warnings))


@dataclass(frozen=True)
class Draft:
    """One matter as imported, with the id it keeps or gets and the row it came from."""

    matter_id: str
    row: SourceRow
    departments: tuple[str, ...]
    sections: tuple[tuple[str, str], ...]  # (heading, markdown)
    guarantee: str
    town: str
    notes: tuple[str, ...]

    @cached_property
    def text(self) -> str:
        """The matter file's text (made once: the plan and the staging copy both need it)."""
        fields = {
            "id": self.matter_id, "number": self.row.number, "title": self.row.title,
            "category": self.row.category, "departments": list(self.departments), "guarantee": self.guarantee,
            "notes": list(self.notes),
        }
        return matter_file.dump(fields, list(self.sections), self.town)

    @property
    def file_name(self) -> str:
        return matter_file.file_name(self.row.number, self.matter_id)


@dataclass
class _Plan:
    """What the import does to the matters folder."""

    writes: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)
    deletions: list[Path] = field(default_factory=list)


def import_table(table: Path, content_dir: Path, *, dry_run: bool = False,
                 allow_removals: bool = False) -> ImportReport:
    """Replace the matters of ``content_dir`` by the list in ``table``, or raise ContentErrors and write nothing.

    ``dry_run``: check everything and report the change, write nothing.
    ``allow_removals``: let the import remove matters that are not in the table.
    """
    existing = _existing_content(content_dir)
    source = read_table(table)
    report = ImportReport()
    drafts = _drafts(source.rows, source.categories, existing, report.warnings)
    if not drafts:
        raise ContentErrors([empty_table_error(display_path(table))])
    plan = _plan(drafts, existing.matters, content_dir / MATTERS_DIR, report)
    if report.removed and not (allow_removals or dry_run):
        raise ContentErrors(_removal_errors(drafts, existing.matters))
    new_content = _validated(content_dir, drafts)
    report.change = diff_content(with_section_departments(existing), new_content)
    if not dry_run and (plan.writes or plan.deletions):
        _commit(content_dir / MATTERS_DIR, plan)
        report.written = True
    return report


def _existing_content(content_dir: Path) -> Content:
    """The current content as the loader reads it; a missing matters folder is an empty list."""
    loaded = load_content(content_dir)
    folder = content_dir / MATTERS_DIR
    errors = loaded.errors
    if not folder.exists():
        missing = display_path(folder)
        errors = [error for error in errors if error.path != missing]
    if errors or loaded.content is None:
        raise ContentErrors(errors or [ContentError(display_path(content_dir), 1, _("content cannot be read"))])
    return loaded.content


def _drafts(rows: tuple[SourceRow, ...], categories: tuple[SourceCategory, ...], existing: Content,
            warnings: list[str]) -> list[Draft]:
    errors: list[ContentError] = []
    _check_categories(categories, existing, errors)
    converter = _RowConverter(DepartmentNames(existing.departments), errors, warnings)
    ids = IdAllocator(existing.matters)
    old_by_id = {matter.id: matter for matter in existing.matters}
    drafts = []
    for row in rows:
        matter_id = ids.allocate(row.title, row.number, row.category)
        drafts.append(converter.convert(row, matter_id, old_by_id.get(matter_id)))
    if errors:
        raise ContentErrors(errors)
    return drafts


def _check_categories(categories: tuple[SourceCategory, ...], content: Content,
                      errors: list[ContentError]) -> None:
    known = [category.name for category in content.categories]
    found = [category.name for category in categories]
    for category in categories:
        if category.name not in known:
            errors.append(ContentError(category.path, category.line, _("unknown category '{name}'").format(
                name=category.name), _("add it to categories.yml")))
    if not errors and found != known[:len(found)]:
        first = categories[0]
        errors.append(ContentError(first.path, first.line, _(
            "the table's categories come in the order {found}, categories.yml says {known}").format(
            found="、".join(found), known="、".join(known))))


class _RowConverter:
    """Turns source rows into drafts, collecting errors and warnings as it goes."""

    def __init__(self, names: DepartmentNames, errors: list[ContentError], warnings: list[str]):
        self.names = names
        self.heading_pattern = names.heading_pattern()
        self.errors = errors
        self.warnings = warnings

    def convert(self, row: SourceRow, matter_id: str, old: Matter | None) -> Draft:
        """The draft of ``row``; ``old`` is the matter it revises (its Markdown is kept for unchanged plain text)."""
        warnings: list[str] = []
        departments = self._departments(row)
        upper = duty_text.parse_upper_cell(row.upper_duties, self.heading_pattern, self.names.resolve_heading)
        warnings.extend(upper.warnings)
        generated_notes = self._attach_headless(upper.sections, departments, warnings)
        self._cross_check(upper.sections, departments, warnings)
        keep = _Keeper(old if not row.upper_duties.markup else None)
        sections = tuple((section.heading or "", keep.section(section, warnings)) for section in upper.sections)
        guarantee = keep.text(upper.guarantee, "####", old.guarantee if old else None, warnings)
        town_blocks, town_warnings = duty_text.parse_town_cell(row.town_duties)
        warnings.extend(town_warnings)
        town_keeper = _Keeper(old if not row.town_duties.markup else None)
        town = town_keeper.text(town_blocks, "###", old.town_duties if old else None, warnings)
        for warning in warnings:
            self.warnings.append(f"{row.path}:{row.line}: " + _("matter {number}: {warning}").format(
                number=row.number, warning=warning))
        notes = _notes(generated_notes, old, {heading for heading, _markdown in sections})
        return Draft(matter_id, row, tuple(departments), sections, guarantee, town, notes)

    def _departments(self, row: SourceRow) -> list[str]:
        departments, unplaced = self.names.split_column(duty_text.department_column(row.departments))
        for fragment in unplaced:
            suggestion = self.names.suggest(fragment)
            self.errors.append(ContentError(
                row.path, row.line, _("matter {number}: cannot place department '{name}'").format(
                    number=row.number, name=fragment),
                _("did you mean {names}? Otherwise add it to departments.yml (as a name or alias)").format(
                    names="、".join(suggestion))
                if suggestion else _("add it to departments.yml as a department or an alias")))
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
            warnings.append(_("duties of {name} have no heading; a heading was added and noted").format(name=name))
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
                warnings.append(_("{name} is listed as a department but has no duties section").format(name=name))
        for name in dict.fromkeys(in_sections):
            if name not in departments:
                warnings.append(_("{name} has a duties section but is not listed as a department").format(name=name))
        for section in sections:
            if section.heading and not section.departments:
                warnings.append(_("heading {heading} names no known department").format(
                    heading=repr(section.heading)))
            for block in section.blocks:
                if block.kind == "para" and block.text.endswith("职责："):
                    warnings.append(_("{text} looks like a heading but names no known department").format(
                        text=repr(block.text)))


class _Keeper:
    """Keeps the current Markdown of a part whose plain text the table repeats unchanged.

    Plain cells carry no Markdown structure; the Markdown made from their
    lines would lose what the current matter has (items without numbers,
    sub-headings), so unchanged text keeps it. ``old`` is None for markup
    cells and new matters: their Markdown always comes from the cell.
    """

    def __init__(self, old: Matter | None):
        self.old_sections: dict[str, list[DutySection]] = {}
        self.active = old is not None
        for section in old.upper_sections if old else ():
            self.old_sections.setdefault(section.heading, []).append(section)

    def section(self, section: duty_text.Section, warnings: list[str]) -> str:
        candidates = self.old_sections.get(section.heading or "", [])
        old = candidates.pop(0).markdown if candidates else None
        return self.text(section.blocks, "####", old, warnings)

    def text(self, blocks: list[duty_text.Block], subheading: str, old: str | None, warnings: list[str]) -> str:
        markdown = duty_text.to_markdown(blocks, subheading, warnings)
        if self.active and old is not None and _same_text(blocks, old):
            return old
        return markdown


def _same_text(blocks: list[duty_text.Block], markdown: str) -> bool:
    """Whether ``blocks`` say what ``markdown`` says, as the downloads write it (white space folded)."""
    from generator.site.markup import plain_text

    new = " ".join(f"{block.number}.{block.text}" if block.kind == "item" else block.text for block in blocks)
    return duty_text.WHITESPACE.sub(" ", new).strip() == duty_text.WHITESPACE.sub(" ", plain_text(markdown)).strip()


def _notes(generated: list[str], old: Matter | None, headings: set[str]) -> tuple[str, ...]:
    """The revised matter's notes, then the importer's new ones.

    Notes are editorial, never in the table, so a re-import keeps them; only a
    note that a heading was added goes once its heading is no longer the one
    the importer adds.
    """
    kept = []
    for note in old.notes if old else ():
        headless = HEADLESS_NOTE_PATTERN.match(note)
        if headless is None or headless[1] in headings:
            kept.append(note)
    return tuple(kept + [note for note in generated if note not in kept])


def _plan(drafts: list[Draft], existing: tuple[Matter, ...], folder: Path, report: ImportReport) -> _Plan:
    """Which files to write (new or changed) and delete (renumbered away or removed)."""
    plan = _Plan()
    old_by_id = {matter.id: matter for matter in existing}
    for draft in sorted(drafts, key=lambda draft: draft.file_name):
        name, text = draft.file_name, draft.text
        old = old_by_id.get(draft.matter_id)
        target = folder / name
        if old is None:
            report.added.append(name)
        elif old.path != target or old.path.read_bytes() != text.encode("utf-8"):
            report.changed.append(name)
            if old.path != target:
                plan.deletions.append(old.path)
        else:
            report.unchanged += 1
            continue
        plan.writes.append((name, text))
    kept = {draft.matter_id for draft in drafts}
    for matter in existing:
        if matter.id not in kept:
            report.removed.append(matter.path.name)
            plan.deletions.append(matter.path)
    return plan


def _removal_errors(drafts: list[Draft], existing: tuple[Matter, ...]) -> list[ContentError]:
    kept = {draft.matter_id for draft in drafts}
    return [ContentError(display_path(matter.path), 1, _(
        "matter {number} {title} is not in the table: this import would remove it").format(
        number=matter.number, title=f"《{matter.title}》"), _(
        "if the table is right, run the import again with --allow-removals"))
        for matter in existing if matter.id not in kept]


def _validated(content_dir: Path, drafts: list[Draft]) -> Content:
    """The new content, checked as ``check`` checks it in a staging copy; errors point at the table's rows."""
    with tempfile.TemporaryDirectory(prefix="lvzhi-import-") as temporary:
        staging = Path(temporary) / "content"
        (staging / MATTERS_DIR).mkdir(parents=True)
        for name in SETTINGS_FILES:
            if (content_dir / name).is_file():
                shutil.copyfile(content_dir / name, staging / name)
        for draft in drafts:
            (staging / MATTERS_DIR / draft.file_name).write_text(draft.text, encoding="utf-8", newline="\n")
        try:
            return load_valid_content(staging)
        except ContentErrors as failure:
            raise ContentErrors(_relocated(failure.errors, staging, content_dir, drafts)) from None


def _relocated(errors: list[ContentError], staging: Path, content_dir: Path,
               drafts: list[Draft]) -> list[ContentError]:
    """The staging copy's errors, pointing at the table's rows and the real settings files."""
    matters = display_path(staging / MATTERS_DIR)
    by_file = {f"{matters}/{draft.file_name}": draft.row for draft in drafts}
    settings = {display_path(staging / name): display_path(content_dir / name) for name in SETTINGS_FILES}
    relocated = []
    for error in errors:
        row = by_file.get(error.path)
        if row is not None:
            relocated.append(row_error(error, row.path, row.line, row.number))
        else:
            relocated.append(ContentError(settings.get(error.path, error.path), error.line, error.message,
                                          error.suggestion))
    return relocated


def row_error(error: ContentError, path: str, line: int, number: int) -> ContentError:
    """An error of a matter file made from a table's row (matter ``number``, at ``line`` of ``path``), pointing at
    the row: the file was only staged, the reader knows the table."""
    return ContentError(path, line, _("matter {number}: {message}").format(number=number, message=error.message),
                        error.suggestion)


def _commit(folder: Path, plan: _Plan) -> None:
    """Write the new files beside the old ones, then swap them in by renames that no signal interrupts."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f".*{TEMPORARY_SUFFIX}"):
            stale.unlink()
    except OSError as error:
        raise _write_error(folder, error) from None
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in plan.writes:
            temporary = folder / f".{name}{TEMPORARY_SUFFIX}"
            staged.append((temporary, folder / name))
            _write_durably(temporary, text)
        targets = {target for _temporary, target in staged}
        with _signals_held():
            for path in plan.deletions:
                if path not in targets:
                    path.unlink(missing_ok=True)
            for temporary, target in staged:
                os.replace(temporary, target)
            staged = []
    except OSError as error:
        raise _write_error(folder, error) from None
    finally:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)


def _write_durably(path: Path, text: str) -> None:
    with open(path, "wb") as file:
        file.write(text.encode("utf-8"))
        file.flush()
        os.fsync(file.fileno())


def _write_error(folder: Path, error: OSError) -> ContentErrors:
    reason = error.strerror or str(error)
    return ContentErrors([ContentError(display_path(folder), 1, _("cannot write the matter files: {reason}").format(
        reason=reason), _("check that the folder is writable and the disk has room"))])


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the block runs; deliver them after it.

    Only the main thread may set signal handlers; elsewhere the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.getsignal(number)
        signal.signal(number, lambda caught, _frame: received.append(caught))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        for number in received:
            signal.raise_signal(number)
