"""Turn one cell of the official table into structured duties and Markdown.

The portal's cells (markup cells) carry broken HTML (``<p>`` without
structure, ``<ol>`` never closed, list items without ``<li>``) and lists
flattened into runs such as ``1.… 2.…``; a workbook's or Word table's cells
(plain cells) carry lines. Either is cut into fragments (the text between
tags, or the lines), and each fragment at markers that can only start a
block (a list number, ``（1）``, a department heading, ``履职保障：``) when
they stand at its start or after white space; every character of the text
between them is kept. A fragment that is nothing but a department's name is
a heading too (the form a heading added by the importer has in the site's
own downloads). Anything odd is reported as a warning, never mended.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from generator.i18n import _
from generator.importing.readers.model import Cell

GUARANTEE_LABEL = "履职保障："
TAG = re.compile(r"<[^>]*>")
SENTENCE_GAP = re.compile(r"(?<=[。；])\s+")
LATIN_WORD = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])")
WHITESPACE = re.compile(r"\s+")
# The departments column separates names by white space in the official table, by 、 in the site's downloads.
DEPARTMENT_SEPARATORS = re.compile(r"[、，,；;]")
# Between two of these a line break is layout only (Chinese needs no space); elsewhere it is a space.
WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")

# A department heading resolver: given a heading's name part (e.g.
# "青山区农牧局、青山区消防救援大队"), the canonical names or None.
HeadingResolver = Callable[[str], "tuple[str, ...] | None"]


@dataclass(frozen=True)
class Block:
    kind: str  # para | item | subitem | bullet | heading | guarantee
    text: str = ""
    number: int = 0
    departments: tuple[str, ...] = ()


@dataclass
class Section:
    heading: str | None
    departments: tuple[str, ...]
    blocks: list[Block] = field(default_factory=list)


@dataclass
class UpperCell:
    sections: list[Section]
    guarantee: list[Block]
    warnings: list[str]


def parse_upper_cell(cell: Cell, heading_pattern: str, resolve: HeadingResolver) -> UpperCell:
    """Split the upper departments' cell into one section per heading plus 履职保障."""
    warnings: list[str] = []
    blocks = list(_blocks(cell, heading_pattern, resolve, warnings))
    sections: list[Section] = []
    guarantee: list[Block] | None = None
    for block in blocks:
        if block.kind == "guarantee":
            guarantee = []
        elif guarantee is not None:
            if block.kind == "heading":
                warnings.append(_("department heading {heading} after {label}").format(
                    heading=repr(block.text), label=GUARANTEE_LABEL))
            guarantee.append(block)
        elif block.kind == "heading":
            sections.append(Section(block.text, block.departments))
        else:
            if not sections:
                warnings.append(_("duties before any department heading"))
                sections.append(Section(None, ()))
            sections[-1].blocks.append(block)
    if guarantee is None:
        warnings.append(_("no {label} in the upper departments' duties").format(label=GUARANTEE_LABEL))
    return UpperCell(sections, guarantee or [], warnings)


def parse_town_cell(cell: Cell) -> tuple[list[Block], list[str]]:
    """The town's duties: no department headings, no 履职保障."""
    warnings: list[str] = []
    blocks = list(_blocks(cell, None, None, warnings))
    kept = []
    for block in blocks:
        if block.kind == "guarantee":  # kept as text: the town's duties have no 履职保障 of their own
            warnings.append(_("{label} in the town's duties").format(label=GUARANTEE_LABEL))
            block = Block("para", GUARANTEE_LABEL)
        kept.append(block)
    return kept, warnings


def plain_text(cell: Cell) -> str:
    """The cell's text without tags, white space folded: what fidelity compares."""
    return " ".join(text for text, _inside_ol in fragments(cell))


def department_column(text: str) -> str:
    """A departments cell's names apart by spaces only, whichever separators the table used, as
    ``DepartmentNames.split_column`` reads them."""
    return DEPARTMENT_SEPARATORS.sub(" ", text)


def single_line(cell: Cell) -> str:
    """The cell's text on one line (a title): a line break between Chinese characters is dropped,
    any other white space becomes one space."""
    joined = ""
    for text, _inside_ol in fragments(cell):
        gap = "" if joined and WIDE.match(joined[-1]) and WIDE.match(text[0]) else " "
        joined = f"{joined}{gap}{text}" if joined else text
    return joined


def fragments(cell: Cell) -> Iterator[tuple[str, bool]]:
    """Yield (text, inside_ol): a markup cell's text between tags, or a plain cell's lines."""
    if not cell.markup:
        for line in cell.text.split("\n"):
            text = WHITESPACE.sub(" ", line).strip()
            if text:
                yield text, False
        return
    yield from _markup_fragments(cell.text)


def _markup_fragments(cell: str) -> Iterator[tuple[str, bool]]:
    """Yield (text, inside_ol) between tags; an ``<ol>`` lasts until the next ``<p>``."""
    inside_ol = False
    position = 0
    for tag in TAG.finditer(cell + "<end>"):
        text = WHITESPACE.sub(" ", html.unescape(cell[position:tag.start()])).strip()
        if text:
            yield text, inside_ol
        name = tag.group().lower()
        if name.startswith("<ol"):
            inside_ol = True
        elif name.startswith("<p") or name.startswith("</p"):
            inside_ol = False
        position = tag.end()


def _marker_regex(heading_pattern: str | None) -> re.Pattern[str]:
    alternatives = [
        rf"(?P<guarantee>{GUARANTEE_LABEL})",
        r"(?P<item>\d{1,2})\.(?!\d)",
        r"(?P<sub>（\d{1,2}）)",
    ]
    if heading_pattern:
        alternatives.insert(0, rf"(?P<heading>(?P<names>{heading_pattern})(?:职责)?：)")
    return re.compile(r"(?:^|(?<=\s))(?:" + "|".join(alternatives) + ")")


def _blocks(cell: Cell, heading_pattern: str | None, resolve: HeadingResolver | None,
            warnings: list[str]) -> Iterator[Block]:
    markers = _marker_regex(heading_pattern)
    bare_heading = re.compile(rf"(?P<names>{heading_pattern})(?:职责)?") if heading_pattern else None
    for text, inside_ol in fragments(cell):
        if bare_heading and bare_heading.fullmatch(text):
            departments = resolve(bare_heading.fullmatch(text)["names"]) if resolve else None
            yield Block("heading", text, departments=departments or ())
            continue
        found = list(markers.finditer(text))
        lead = text[:found[0].start()].strip() if found else text
        if lead:
            yield from _lead_blocks(lead, inside_ol, warnings)
        for index, match in enumerate(found):
            end = found[index + 1].start() if index + 1 < len(found) else len(text)
            body = text[match.end():end].strip()
            yield from _marker_blocks(match, body, resolve, warnings)
    for word in sorted(set(LATIN_WORD.findall(plain_text(cell)))):
        warnings.append(_("Latin word {word} inside Chinese text").format(word=repr(word)))


def _lead_blocks(text: str, inside_ol: bool, warnings: list[str]) -> Iterator[Block]:
    """Text before any marker: a paragraph, or unnumbered items of a lost ``<ol>``."""
    if not inside_ol:
        yield Block("para", text)
        return
    items = SENTENCE_GAP.split(text)
    warnings.append(_("{count} list item(s) without numbers, starting {start}").format(
        count=len(items), start=repr(items[0][:12])))
    for item in items:
        yield Block("bullet", item)


def _marker_blocks(match: re.Match[str], body: str, resolve: HeadingResolver | None,
                   warnings: list[str]) -> Iterator[Block]:
    if match.groupdict().get("heading"):
        departments = resolve(match["names"]) if resolve else None
        yield Block("heading", match["heading"], departments=departments or ())
        if body:
            yield Block("para", body)
    elif match["guarantee"]:
        yield Block("guarantee")
        if body:
            yield Block("para", body)
    elif match["item"]:
        if " " in body:
            warnings.append(_("item {number} runs on after a gap: {text}").format(number=match["item"], text=repr(body[:24])))
        yield Block("item", body, number=int(match["item"]))
    else:
        yield Block("subitem", match["sub"] + body)


LIST_KINDS = ("item", "subitem", "bullet")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
LINE_START_SPECIAL = re.compile(r"^([#>+\-=|])")


def to_markdown(blocks: list[Block], subheading: str, warnings: list[str]) -> str:
    """Markdown for one section's blocks; lead-ins become sub-headings when there are several.

    A paragraph ending in "：" before a list is a lead-in. One of them is part of
    the prose (``…开展以下工作：``); two or more divide the section into parts
    (``联动监督：`` / ``联合办案：``) and become ``subheading`` headings.
    """
    lead_ins = {index for index, block in enumerate(blocks) if _is_lead_in(blocks, index)}
    as_headings = len(lead_ins) >= 2
    lines: list[str] = []
    previous = ""
    for index, block in enumerate(blocks):
        if lines and not (block.kind in LIST_KINDS and previous in LIST_KINDS):
            lines.append("")
        text = _escape(block.text)
        if block.kind == "item":
            lines.append(f"{block.number}. {text}")
        elif block.kind == "subitem":
            lines.append(f"    - {text}" if previous in ("item", "subitem") else f"- {text}")
        elif block.kind == "bullet":
            lines.append(f"- {text}")
        elif index in lead_ins and as_headings:
            lines.append(f"{subheading} {text}")
        else:
            lines.append(text)
        previous = block.kind
    _check_numbering(blocks, warnings)
    return "\n".join(lines)


def _is_lead_in(blocks: list[Block], index: int) -> bool:
    block = blocks[index]
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    return block.kind == "para" and block.text.endswith("：") and following is not None


def _escape(text: str) -> str:
    return LINE_START_SPECIAL.sub(r"\\\1", MARKDOWN_SPECIAL.sub(r"\\\1", text))


def _check_numbering(blocks: list[Block], warnings: list[str]) -> None:
    """Report numbered runs that do not count 1, 2, 3 …; the numbers stay as written."""
    expected = 1
    for index, block in enumerate(blocks):
        if block.kind == "subitem":
            continue
        if block.kind != "item":
            expected = 1
            continue
        starts_run = index == 0 or blocks[index - 1].kind not in ("item", "subitem")
        if starts_run:
            expected = 1
        if block.number != expected:
            warnings.append(_("list numbering goes to {number} where {expected} was expected").format(
                number=block.number, expected=expected))
        expected = block.number + 1
