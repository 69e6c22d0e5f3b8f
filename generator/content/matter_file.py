"""The on-disk form of a matter: YAML front matter and a Markdown body.

Both directions live here so that what the importer writes and what the
loader reads cannot drift apart. The written form is made for pull
requests: fixed key order, one list item per line, no trailing spaces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from generator.content.model import TOWN_DUTIES_HEADING, UPPER_DUTIES_HEADING, BodyLayout, DutySection

FRONT_MATTER_FENCE = "---"
KEY_ORDER = ("id", "number", "title", "category", "departments", "guarantee", "notes")
SECTION_HEADING = re.compile(r"^(#{2,3}) +(.+?) *$")


@dataclass(frozen=True)
class MatterText:
    """A matter file split into its parts, with the line numbers messages need."""

    front_matter: str
    front_matter_line: int  # line of the first YAML line
    body: str
    body_line: int  # line of the first body line


def file_name(number: int, matter_id: str) -> str:
    """``040-some-id.md``: the folder lists in official order."""
    return f"{number:03d}-{matter_id}.md"


def split(text: str) -> MatterText | None:
    """Split a matter file at its ``---`` fences; None when there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FRONT_MATTER_FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FRONT_MATTER_FENCE:
            return MatterText("\n".join(lines[1:index]), 2, "\n".join(lines[index + 1:]), index + 2)
    return None


def dump(fields: dict[str, object], upper_sections: list[tuple[str, str]], town_markdown: str) -> str:
    """The full text of a matter file; ``upper_sections`` are (heading, markdown) pairs."""
    ordered = {key: fields[key] for key in KEY_ORDER if fields.get(key) not in (None, "", [], ())}
    front = yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    parts = [f"## {UPPER_DUTIES_HEADING}"]
    for heading, markdown in upper_sections:
        parts.append(f"### {heading}")
        parts.append(markdown)
    parts.append(f"## {TOWN_DUTIES_HEADING}")
    parts.append(town_markdown)
    body = "\n\n".join(part.strip("\n") for part in parts if part.strip())
    return f"{FRONT_MATTER_FENCE}\n{front}{FRONT_MATTER_FENCE}\n\n{body}\n"


@dataclass(frozen=True)
class BodyParts:
    upper_sections: tuple[DutySection, ...]
    town_duties: str
    layout: BodyLayout


def parse_body(body: str, first_line: int) -> BodyParts:
    """Cut the body at its ``##`` and ``###`` headings.

    Department sections are the ``###`` headings under 上级部门职责; the town
    duties keep their own ``###`` sub-headings as Markdown.
    """
    region, upper_line, town_line = "", 0, 0
    sections: list[list] = []  # [heading, line, lines]
    town: list[str] = []
    stray: list[int] = []
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        heading = SECTION_HEADING.match(line)
        if heading and len(heading[1]) == 2:
            region = heading[2]
            upper_line = number if region == UPPER_DUTIES_HEADING else upper_line
            town_line = number if region == TOWN_DUTIES_HEADING else town_line
        elif region == UPPER_DUTIES_HEADING and heading:
            sections.append([heading[2], number, []])
        elif region == UPPER_DUTIES_HEADING and sections:
            sections[-1][2].append(line)
        elif region == TOWN_DUTIES_HEADING:
            town.append(line)
        elif line.strip():
            stray.append(number)
    upper = tuple(DutySection(heading, (), "\n".join(lines).strip(), line) for heading, line, lines in sections)
    return BodyParts(upper, "\n".join(town).strip(), BodyLayout(upper_line, town_line, tuple(stray)))


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so a changed line diffs as one line."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
