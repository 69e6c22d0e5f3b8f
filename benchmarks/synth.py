"""Synthetic content of any size, made from the committed 100 matters.

Benchmarks need 1,000 and 10,000 matters that look like the real ones: the
same Markdown structure, departments and category spread, but not
byte-identical text (so compression and search indexes are not flattered).
Each real matter is cycled through with a new number and id; its text is
lightly varied with a generator seeded by N, so the same N gives the same
bytes.

    python benchmarks/synth.py 1000 /tmp/content-1000
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``generator`` importable
    sys.path.insert(0, str(REPO))

from generator.content import matter_file  # noqa: E402

SOURCE = REPO / "content"
SETTINGS_FILES = ("site.yml", "categories.yml", "departments.yml")
MUTATED_LINE_SHARE = 0.3  # share of text lines that get one character changed
CJK_FIRST, CJK_LAST = "\u4e00", "\u9fff"


@dataclass(frozen=True)
class RealMatter:
    """A committed matter file, cut into the parts the generator varies."""

    number: int
    fields: dict
    sections: tuple[tuple[str, str], ...]  # (heading, markdown)
    town: str
    category_position: int


def read_real_matters(source: Path = SOURCE) -> list[RealMatter]:
    """The committed matters in official order, with their category's position."""
    categories = yaml.safe_load((source / "categories.yml").read_text(encoding="utf-8"))
    position = {entry["name"]: index for index, entry in enumerate(categories, start=1)}
    matters = []
    for path in sorted((source / "matters").glob("*.md")):
        parts = matter_file.split(path.read_text(encoding="utf-8"))
        if parts is None:
            raise ValueError(f"{path}: no front matter")
        fields = yaml.safe_load(parts.front_matter)
        body = matter_file.parse_body(parts.body, parts.body_line)
        sections = tuple((section.heading, section.markdown) for section in body.upper_sections)
        matters.append(RealMatter(fields["number"], fields, sections, body.town_duties,
                                  position[fields["category"]]))
    return sorted(matters, key=lambda matter: matter.number)


def pick_copies(real: list[RealMatter], count: int) -> list[tuple[RealMatter, int]]:
    """(real matter, copy number from 1) pairs: whole cycles, then an evenly spread remainder.

    Spreading the last partial cycle over the whole list keeps the category
    shares proportional to the real list for any ``count``.
    """
    cycles, remainder = divmod(count, len(real))
    picked = [(matter, copy) for copy in range(1, cycles + 1) for matter in real]
    picked += [(real[index * len(real) // remainder], cycles + 1) for index in range(remainder)]
    # Official order: categories stay contiguous, as in the real table.
    return sorted(picked, key=lambda pair: (pair[0].category_position, pair[1], pair[0].number))


def vary_markdown(markdown: str, rng: random.Random) -> str:
    """Change one CJK character in about a third of the text lines.

    Headings and list markers are left alone, so the structure stays valid;
    the new character comes from the same text, so the character mix stays
    realistic.
    """
    pool = [char for char in markdown if CJK_FIRST <= char <= CJK_LAST]
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if line.lstrip().startswith("#") or rng.random() >= MUTATED_LINE_SHARE:
            continue
        positions = [i for i, char in enumerate(line) if CJK_FIRST <= char <= CJK_LAST]
        if positions and pool:
            at = rng.choice(positions)
            lines[index] = line[:at] + rng.choice(pool) + line[at + 1:]
    return "\n".join(lines)


def synthetic_matter(real: RealMatter, copy: int, number: int, rng: random.Random) -> tuple[str, str]:
    """(file name, file text) of one synthetic matter."""
    fields = dict(real.fields)
    # Exactly one "-<copy>" suffix on every id keeps ids unique even when a
    # real id already ends in a number (la-ji-fen-lei-gong-zuo-2).
    fields["id"] = f"{real.fields['id']}-{copy}"
    fields["number"] = number
    if copy > 1:
        fields["title"] = f"{real.fields['title']}（第{copy}批）"
    sections = [(heading, vary_markdown(markdown, rng)) for heading, markdown in real.sections]
    text = matter_file.dump(fields, sections, vary_markdown(real.town, rng))
    return matter_file.file_name(number, fields["id"]), text


def generate(count: int, out_dir: Path, source: Path = SOURCE) -> Path:
    """Write a content folder of ``count`` matters to ``out_dir``; returns ``out_dir``."""
    if count < 1:
        raise ValueError("the number of matters must be at least 1")
    if out_dir.resolve() == source.resolve():
        raise ValueError("refusing to overwrite the source content folder")
    rng = random.Random(count)
    matters_dir = out_dir / "matters"
    if matters_dir.exists():
        shutil.rmtree(matters_dir)
    matters_dir.mkdir(parents=True)
    for name in SETTINGS_FILES:
        shutil.copyfile(source / name, out_dir / name)
    for number, (real, copy) in enumerate(pick_copies(read_real_matters(source), count), start=1):
        name, text = synthetic_matter(real, copy, number, rng)
        (matters_dir / name).write_text(text, encoding="utf-8", newline="\n")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make a synthetic content folder of N matters.")
    parser.add_argument("count", type=int, metavar="N", help="number of matters")
    parser.add_argument("out", type=Path, metavar="OUT_DIR", help="content folder to write")
    parser.add_argument("--source", type=Path, default=SOURCE, help="real content folder (default: content/)")
    args = parser.parse_args(argv)
    generate(args.count, args.out, args.source)
    print(f"wrote {args.count} matters to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
