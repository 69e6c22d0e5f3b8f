"""Example data of a district (issue #16), made from the one real list.

    python scripts/example_district.py --out /tmp/district [--source content/] [--scale N] [--seed S] [--force]

Only 兴胜镇's 配合 list is real. Tests, the browser suite and the benchmarks
need a district: 10 towns of 青山区, each with the three lists (jiben 基本,
peihe 配合, shouhui 上级部门收回), about 340 matters a town and 3,400 in
all. This script derives them from a single-list content folder and writes a
multi-list content folder in the layout of docs/design-many-lists.md
("Decided formats"):

- 兴胜镇's peihe list is the real one, its matter files copied unchanged;
- every other town's peihe list is the real matters with a town-dependent
  share (10–30 %) dropped and a few duty lines edited, renumbered: the files
  keep today's exact format and ids, so a comparison of the same matter in
  several towns has character differences to show;
- a jiben list is built from the real town duties (each real matter's
  duties, or each of its sub-headed parts, and single duty items), with the
  real categories and, on some matters, a 依据 that names the real matter it
  was derived from;
- a shouhui list takes real matter titles, one of the matter's departments
  (canonical name or alias) and its real upper-department duties as the way
  the work is done after the department took it back.

Nothing generated pretends to be official: every list.yml says
``example: true`` and 示例数据 in its title and description, and the
publisher's title and issuer say it too. Output is deterministic: the same
source, scale and seed give byte-identical files (each list's choices come
from a generator seeded by the seed, the town and the list type).

``--scale N`` repeats the district's towns N times (slugs ``<slug>-2`` …,
names 「兴胜镇（副本2）」 …), each copy derived afresh from its own seeds:
``--scale 9`` gives the city shape of about 30,000 matters.

The output folder is written whole into a temporary sibling and renamed into
place, so a failed run leaves nothing half-written. The script refuses to
write into the repository's ``content/`` or the source folder, and into a
folder that is not empty unless ``--force`` is given and the folder holds
the marker file this script writes (``.example-district``).

This is a developer tool: its messages are plain English, not translated
through gettext like the generator's commands.
"""
from __future__ import annotations

import argparse
import functools
import random
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``generator`` importable
    sys.path.insert(0, str(REPO))

from generator.content import matter_file  # noqa: E402
from generator.content.check import load_valid_content  # noqa: E402
from generator.content.model import TOWN_DUTIES_HEADING, Content, Matter  # noqa: E402
from generator.errors import ContentErrors  # noqa: E402

SOURCE = REPO / "content"
MARKER = ".example-district"  # marks a folder this script made: --force may replace it
DEFAULT_SEED = 16
EXAMPLE = "示例数据"
REAL_TOWN = "xingsheng"  # the town whose peihe list is the real one

# The 10 街镇 of 青山区 used for the example: (slug, name, kind).
TOWNS = (
    ("xingsheng", "兴胜镇", "镇"),
    ("qingfu", "青福镇", "镇"),
    ("xianfengdao", "先锋道街道", "街道"),
    ("xingfulu", "幸福路街道", "街道"),
    ("wanqinglu", "万青路街道", "街道"),
    ("fuqianglu", "富强路街道", "街道"),
    ("kexuelu", "科学路街道", "街道"),
    ("qingshanlu", "青山路街道", "街道"),
    ("ziyoulu", "自由路街道", "街道"),
    ("wusutu", "乌素图街道", "街道"),
)
LIST_LABELS = {"jiben": "基本履职事项清单", "peihe": "配合履职事项清单", "shouhui": "上级部门收回事项清单"}
JIBEN_HEADINGS = ("履职内容", "依据")
SHOUHUI_HEADING = "收回后的履职方式"

# Sizes per town. The averages: about 140 basic and 80 cooperating matters, about 340 matters a
# town in all three lists. 收回 lists are short (about 20), so the basic list carries the rest of the volume
# (about 240) for the district to reach about 3,400 matters.
PEIHE_DROPPED_SHARE = (0.10, 0.30)
PEIHE_EDITED = (3, 6)
JIBEN_MATTERS = (220, 260)
JIBEN_WHOLE_DROPPED_SHARE = 0.05
JIBEN_EDITED = (3, 6)
JIBEN_BASIS_SHARE = 0.35
SHOUHUI_MATTERS = (15, 25)
SHOUHUI_ALIAS_SHARE = 0.25
ITEM_TITLE_LENGTH = (4, 30)  # a single duty's title: its first clause, clipped

ITEM_START = re.compile(r"^(?:\d+\.|-) +(\S.*)$")
DUTY_LINE = re.compile(r"^(\s*(?:\d+\.|-|\d+、)?\s*)(\S.*)$")
CLAUSE_END = re.compile(r"[，。；：,;:]")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Word changes for the edited duty lines: recognisably the same duty, with a character difference.
REPLACEMENTS = (("负责", "牵头负责"), ("协助", "配合"), ("及时", "第一时间"), ("上报", "报送"),
                ("开展", "组织开展"), ("组织", "统筹组织"))
APPENDED_CLAUSE = "，并做好工作台账"
DROPPED_CLAUSE_LENGTH = 16  # an edit may drop a duty's last clause up to this long


class Refused(Exception):
    """The output folder may not be written: the message says why."""


@dataclass(frozen=True)
class Town:
    slug: str
    name: str
    kind: str


@dataclass(frozen=True)
class Source:
    """The single-list folder the example is made from."""

    folder: Path
    site: dict
    content: Content
    categories_text: str
    departments_text: str
    matter_texts: tuple[tuple[str, str], ...]  # (file name, text) of every matter, in official order


@dataclass(frozen=True)
class Derived:
    """One jiben candidate: a real matter's duties, a sub-headed part of them, or one duty item."""

    order: tuple[int, int, int]  # category position, real number, part: keeps categories contiguous
    id: str
    title: str
    category: str
    markdown: str
    matter: Matter  # the real matter it comes from
    whole: bool  # the matter's (or part's) whole duties, not a single item


@dataclass(frozen=True)
class Summary:
    towns: int
    lists: int
    matters: dict  # list type → matters written

    def line(self, out: Path) -> str:
        counts = ", ".join(f"{kind} {count}" for kind, count in self.matters.items())
        return (f"wrote {self.towns} towns, {self.lists} lists, {sum(self.matters.values())} matters "
                f"({counts}) to {out}; every list is marked example: true")


# --- the source ---------------------------------------------------------------

def read_source(folder: Path) -> Source:
    """The validated single-list folder; raises ContentErrors when it is not valid."""
    content = load_valid_content(folder)
    site = yaml.safe_load((folder / "site.yml").read_text(encoding="utf-8"))
    texts = tuple((matter.path.name, matter.path.read_text(encoding="utf-8")) for matter in content.matters)
    return Source(folder, site, content, (folder / "categories.yml").read_text(encoding="utf-8"),
                  (folder / "departments.yml").read_text(encoding="utf-8"), texts)


def towns(scale: int) -> list[Town]:
    """The district's towns, ``scale`` times over."""
    return [Town(slug if copy == 1 else f"{slug}-{copy}", name if copy == 1 else f"{name}（副本{copy}）", kind)
            for copy in range(1, scale + 1) for slug, name, kind in TOWNS]


def rng_for(seed: int, town: Town, list_type: str) -> random.Random:
    """Each list's own generator: a change to one list's recipe does not shift the others."""
    return random.Random(f"{seed}:{town.slug}:{list_type}")


# --- edits ----------------------------------------------------------------------

def edit_duty(text: str, rng: random.Random) -> str:
    """``text`` (one duty, without its list marker) changed by a few characters, recognisably the same."""
    edits = []
    words = [(old, new) for old, new in REPLACEMENTS if old in text and new not in text]
    if words:
        old, new = rng.choice(words)
        edits.append(text.replace(old, new, 1))
    if text.endswith("。"):
        edits.append(text[:-1] + APPENDED_CLAUSE + "。")
        cut = text.rfind("，")
        if cut > 4 and len(text) - cut <= DROPPED_CLAUSE_LENGTH:
            edits.append(text[:cut] + "。")
    return rng.choice(edits) if edits else text + APPENDED_CLAUSE + "。"


def edit_one_line(lines: list[str], first: int, rng: random.Random) -> bool:
    """Edit one duty line at or after index ``first`` in place; False when there is none to edit."""
    candidates = [index for index in range(first, len(lines))
                  if not lines[index].lstrip().startswith("#") and len(CJK.findall(lines[index])) >= 8]
    if not candidates:
        return False
    index = rng.choice(candidates)
    match = DUTY_LINE.match(lines[index])
    lines[index] = match[1] + edit_duty(match[2], rng)
    return True


# --- peihe ------------------------------------------------------------------------

def peihe_files(source: Source, town: Town, rng: random.Random) -> list[tuple[str, str]]:
    """(file name, text) of the town's 配合 matters: the real ones, or a derived subset."""
    if town.slug == REAL_TOWN:
        return list(source.matter_texts)
    matters = source.content.matters
    kept_per_category: dict[str, int] = {}
    for index, matter in enumerate(matters):  # one matter of each category is never dropped
        kept_per_category.setdefault(matter.category, index)
    protected = set(kept_per_category.values())
    droppable = [index for index in range(len(matters)) if index not in protected]
    share = rng.uniform(*PEIHE_DROPPED_SHARE)
    dropped = set(rng.sample(droppable, min(len(droppable), round(len(matters) * share))))
    kept = [index for index in range(len(matters)) if index not in dropped]
    edited = set(rng.sample(kept, min(len(kept), rng.randint(*PEIHE_EDITED))))
    files = []
    for number, index in enumerate(kept, start=1):
        text = renumbered(source.matter_texts[index][1], number)
        if index in edited:
            text = with_town_duty_edited(text, rng)
        files.append((matter_file.file_name(number, matters[index].id), text))
    return files


def renumbered(text: str, number: int) -> str:
    """The matter file with ``number: N`` in its front matter replaced; nothing else changes."""
    fence = text.index(f"\n{matter_file.FRONT_MATTER_FENCE}\n", 1)
    front, rest = text[:fence], text[fence:]
    new_front, count = re.subn(r"(?m)^number: *\d+ *$", f"number: {number}", front, count=1)
    if count != 1:
        raise ValueError("a matter file without a 'number:' line in its front matter")
    return new_front + rest


def with_town_duty_edited(text: str, rng: random.Random) -> str:
    """The matter file with one line of its town duties edited."""
    lines = text.split("\n")
    start = lines.index(f"## {TOWN_DUTIES_HEADING}")
    edit_one_line(lines, start + 1, rng)
    return "\n".join(lines)


# --- jiben -------------------------------------------------------------------------

def jiben_candidates(content: Content) -> list[Derived]:
    """Every jiben matter a town may list, in official order, with unique ids and titles."""
    positions = {category.name: category.position for category in content.categories}
    candidates: list[Derived] = []
    titles: set[str] = set()
    for matter in content.matters:
        position = positions[matter.category]

        def add(part: int, matter_id: str, title: str, markdown: str, whole: bool) -> None:
            if title in titles:
                title = f"{title}（{matter.title}）"
            if title in titles:
                title = f"{title}（{part}）"
            titles.add(title)
            candidates.append(Derived((position, matter.number, part), matter_id, title, matter.category,
                                      markdown, matter, whole))

        parts = sub_headed_parts(matter.town_duties)
        if len(parts) == 1:
            add(0, matter.id, matter.title, parts[0][1], True)
        else:
            for index, (heading, markdown) in enumerate(parts, start=1):
                add(index, f"{matter.id}-part-{index}", f"{matter.title}（{heading.rstrip('：:')}）", markdown, True)
        for index, item in enumerate(duty_items(matter.town_duties), start=1):
            add(100 + index, f"{matter.id}-item-{index}", item_title(item, matter.title, index), item, False)
    return candidates


def sub_headed_parts(markdown: str) -> list[tuple[str, str]]:
    """(sub-heading, duties) of the town duties; one part with an empty heading when there are none."""
    parts: list[tuple[str, list[str]]] = [("", [])]
    for line in markdown.split("\n"):
        if line.startswith("### "):
            parts.append((line[4:].strip(), []))
        else:
            parts[-1][1].append(line)
    found = [(heading, "\n".join(lines).strip()) for heading, lines in parts]
    return [part for part in found if part[1]] if len(found) > 1 else found


def duty_items(markdown: str) -> list[str]:
    """The top-level list items of the town duties, each with its nested lines, as ``1. …`` or ``- …``."""
    items: list[list[str]] = []
    open_item = False
    for line in markdown.split("\n"):
        start = ITEM_START.match(line)
        if start:
            items.append([("- " if line.startswith("-") else "1. ") + start[1]])
            open_item = True
        elif line.startswith(" ") and line.strip() and open_item:
            items[-1].append(line)  # a nested line of the item
        elif line.strip():
            open_item = False  # a heading or a paragraph ends the item
    return ["\n".join(lines) for lines in items]


def item_title(item: str, matter_title: str, index: int) -> str:
    """A duty's title: its first clause, clipped; the real matter's title when the clause is too short."""
    text = ITEM_START.match(item.split("\n")[0])[1]
    clause = CLAUSE_END.split(text, maxsplit=1)[0].strip()
    shortest, longest = ITEM_TITLE_LENGTH
    if len(clause) < shortest:
        return f"{matter_title}（第{index}项）"
    return clause[:longest]


def jiben_files(source: Source, candidates: list[Derived], town: Town,
                rng: random.Random) -> list[tuple[str, str]]:
    """(file name, text) of the town's 基本 matters."""
    whole = [candidate for candidate in candidates if candidate.whole]
    first_of_category: dict[str, Derived] = {}
    for candidate in whole:
        first_of_category.setdefault(candidate.category, candidate)
    protected = {candidate.id for candidate in first_of_category.values()}
    chosen = [candidate for candidate in whole
              if candidate.id in protected or rng.random() >= JIBEN_WHOLE_DROPPED_SHARE]
    items = [candidate for candidate in candidates if not candidate.whole]
    wanted = rng.randint(*JIBEN_MATTERS) - len(chosen)
    chosen += rng.sample(items, max(0, min(len(items), wanted)))
    chosen.sort(key=lambda candidate: candidate.order)
    edited = set(rng.sample(range(len(chosen)), min(len(chosen), rng.randint(*JIBEN_EDITED))))
    source_title = source.site.get("title", "")
    files = []
    for number, candidate in enumerate(chosen, start=1):
        markdown = candidate.markdown
        if number - 1 in edited:
            lines = markdown.split("\n")
            edit_one_line(lines, 0, rng)
            markdown = "\n".join(lines)
        sections = [(JIBEN_HEADINGS[0], markdown)]
        if rng.random() < JIBEN_BASIS_SHARE:
            sections.append((JIBEN_HEADINGS[1], basis(source_title, candidate.matter)))
        front = (("id", candidate.id), ("number", number), ("title", candidate.title),
                 ("category", candidate.category))
        files.append((matter_file.file_name(number, candidate.id), typed_matter_text(front, sections)))
    return files


def basis(source_title: str, matter: Matter) -> str:
    """A 依据 that says where the example matter comes from, and that it is no official basis."""
    return (f"《{source_title}》第{matter.number}项「{matter.title}」"
            f"（{EXAMPLE}：由该项的配合职责派生，不是正式的依据）。")


# --- shouhui -----------------------------------------------------------------------

def shouhui_files(source: Source, town: Town, rng: random.Random) -> list[tuple[str, str]]:
    """(file name, text) of the town's 收回 matters: real titles and real upper-department duties."""
    aliases = {department.name: department.aliases for department in source.content.departments}
    usable = [(matter, [section for section in matter.upper_sections
                        if len(section.departments) == 1 and section.markdown.strip()])
              for matter in source.content.matters]
    usable = [(matter, sections) for matter, sections in usable if sections]
    picked = sorted(rng.sample(usable, min(len(usable), rng.randint(*SHOUHUI_MATTERS))),
                    key=lambda pair: pair[0].number)
    files = []
    for number, (matter, sections) in enumerate(picked, start=1):
        section = rng.choice(sections)
        department = section.departments[0]
        written = department
        if aliases.get(department) and rng.random() < SHOUHUI_ALIAS_SHARE:
            written = rng.choice(aliases[department])
        after = (f"由{written}收回后直接履行，{town.name}不再承担"
                 f"（{EXAMPLE}：以下文字取自配合清单该事项的上级部门职责）：\n\n{section.markdown.strip()}")
        front = (("id", matter.id), ("number", number), ("title", matter.title), ("department", written))
        files.append((matter_file.file_name(number, matter.id), typed_matter_text(front, [(SHOUHUI_HEADING, after)])))
    return files


# --- file texts -----------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def yaml_line(key: str, value: object) -> str:
    """``key: value`` as the repository's YAML writes it (quoted only where YAML needs it)."""
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10_000)


def typed_matter_text(front: tuple[tuple[str, object], ...], sections: list[tuple[str, str]]) -> str:
    """A jiben or shouhui matter file: front matter, then one ``## `` section per body field."""
    fence = matter_file.FRONT_MATTER_FENCE
    body = "\n\n".join(f"## {heading}\n\n{markdown.strip()}" for heading, markdown in sections)
    return f"{fence}\n{''.join(yaml_line(key, value) for key, value in front)}{fence}\n\n{body}\n"


def yaml_file(comment: str, data: dict) -> str:
    """A settings file in the style of content/*.yml: a comment, then plain block YAML."""
    lines = "".join(f"# {line}\n" if line else "#\n" for line in comment.split("\n"))
    return lines + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def publisher_text(source: Source, scale: int) -> str:
    site = source.site
    district, city = site.get("district", ""), site.get("city", "")
    size = f"，{scale}倍规模" if scale > 1 else ""
    return yaml_file(
        "The publisher of the example district: made by scripts/example_district.py, not an official site.",
        {"title": f"{district}履职事项清单（{EXAMPLE}{size}）",
         "district": district,
         "city": city,
         "issuer": f"{city}{district}（{EXAMPLE}，非官方发布）",
         "description": (f"{EXAMPLE}：{district}各街镇的基本、配合和上级部门收回事项清单，"
                         f"由《{site.get('title', '')}》生成，供测试和性能测试使用，不是正式发布的清单。")})


def town_text(town: Town) -> str:
    return yaml_file("A town of the example district (scripts/example_district.py).",
                     {"name": town.name, "kind": town.kind})


def list_text(source: Source, town: Town, list_type: str) -> str:
    """list.yml: the real list's settings for 兴胜镇's 配合 list, example settings otherwise; always example."""
    site, label = source.site, LIST_LABELS[list_type]
    source_title = site.get("title", "")
    comment = f"Example data made by scripts/example_district.py from {source.folder.name}/: not an official list."
    if town.slug == REAL_TOWN and list_type == "peihe":
        data = {"type": list_type, "title": f"{source_title}（{EXAMPLE}）", "issuer": site.get("issuer", ""),
                "edition": site.get("version", ""), "document_number": site.get("document_number", ""),
                "published": str(site.get("published", "")), "revision_note": site.get("revision_note", ""),
                "description": (f"{EXAMPLE}：本清单的事项与《{source_title}》相同，"
                                f"作为示例区的一份清单收录，正式文本以{source.folder.name}/中的清单为准。"),
                "example": True}
        return yaml_file(comment, {key: value for key, value in data.items() if value != ""})
    how = {"jiben": "的镇配合职责改写而成",
           "peihe": "的事项删减、改动个别职责文字并重新编号而成",
           "shouhui": "的事项名称和上级部门职责改写而成"}[list_type]
    return yaml_file(comment, {
        "type": list_type,
        "title": f"{town.name}{label}（{EXAMPLE}）",
        "revision_note": f"注：本清单是{EXAMPLE}，不是正式发布的清单。",
        "description": f"{EXAMPLE}：{town.name}{label}，由《{source_title}》{how}，供测试和性能测试使用。",
        "example": True})


# --- writing ------------------------------------------------------------------------

def check_out_dir(out: Path, source: Path, force: bool) -> None:
    """Raise Refused unless ``out`` may be (re)written."""
    out = out.resolve()
    for protected in (SOURCE.resolve(), source.resolve()):
        if out == protected or out.is_relative_to(protected) or protected.is_relative_to(out):
            raise Refused(f"refusing to write into {out}: it is, holds or lies in the content folder {protected}")
    if out.exists() and not out.is_dir():
        raise Refused(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise Refused(f"{out} is not empty and was not made by this script (no {MARKER}); "
                          "choose a new or empty folder")
        if not force:
            raise Refused(f"{out} holds example data made before; pass --force to replace it")


def write_district(source: Source, root: Path, scale: int, seed: int) -> Summary:
    """Write the whole example district under ``root`` (an empty folder)."""
    write(root / MARKER, "Example data made by scripts/example_district.py; --force may replace this folder.\n")
    write(root / "site.yml", publisher_text(source, scale))
    write(root / "departments.yml", source.departments_text)
    candidates = jiben_candidates(source.content)
    counts = {list_type: 0 for list_type in LIST_LABELS}
    district = towns(scale)
    for town in district:
        write(root / "lists" / town.slug / "town.yml", town_text(town))
        made = {"jiben": jiben_files(source, candidates, town, rng_for(seed, town, "jiben")),
                "peihe": peihe_files(source, town, rng_for(seed, town, "peihe")),
                "shouhui": shouhui_files(source, town, rng_for(seed, town, "shouhui"))}
        for list_type, files in made.items():
            folder = root / "lists" / town.slug / list_type
            write(folder / "list.yml", list_text(source, town, list_type))
            if list_type != "shouhui":  # shouhui is declared without categories
                write(folder / "categories.yml", source.categories_text)
            matters = folder / "matters"
            matters.mkdir()
            for name, text in files:
                (matters / name).write_bytes(text.encode("utf-8"))
            counts[list_type] += len(files)
    return Summary(len(district), len(district) * len(LIST_LABELS), counts)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))  # bytes: LF line ends on every platform


def generate(source_dir: Path, out: Path, scale: int = 1, seed: int = DEFAULT_SEED, force: bool = False) -> Summary:
    """Make the example district in ``out``; raises Refused or ContentErrors (the source is invalid)."""
    if scale < 1:
        raise Refused("--scale must be at least 1")
    check_out_dir(out, source_dir, force)
    source = read_source(source_dir)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))  # private: removed at the end
    try:
        staging = work / "new"
        staging.mkdir()  # with the user's usual permissions, unlike the private work folder
        summary = write_district(source, staging, scale, seed)
        if out.exists():
            out.rename(work / "old")
        staging.rename(out)
    finally:
        shutil.rmtree(work)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the example district (10 towns x 3 lists) from the real list.")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write (new or empty)")
    parser.add_argument("--source", type=Path, default=SOURCE, metavar="DIR",
                        help="single-list content folder to derive from (default: content/)")
    parser.add_argument("--scale", type=int, default=1, metavar="N",
                        help="N districts' worth of towns (9: the city shape, about 30,000 matters)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed of the choices (default {DEFAULT_SEED})")
    parser.add_argument("--force", action="store_true", help="replace a folder this script made before")
    args = parser.parse_args(argv)
    try:
        summary = generate(args.source, args.out, args.scale, args.seed, args.force)
    except Refused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    except ContentErrors as failure:
        for error in failure.errors:
            print(error, file=sys.stderr)
        print(f"error: {args.source} is not a valid single-list content folder", file=sys.stderr)
        return 1
    print(summary.line(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
