"""The client-side search index: the matters' text as compact JSON.

The browser does exact substring search (no word segmentation: Chinese has
no spaces, and segmenters cut the index and the query differently), so the
index carries the plain text itself. To keep the download small the text is
stripped of Markdown syntax and departments and categories are stored as
indices. A shared table for repeated lines (matters 52–59 repeat whole
paragraphs) was measured and left out: gzip already removes those repeats
(34.6 KB either way), so it only added code.

Payload (``FORMAT`` 1)::

    {"format": 1,
     "categories": [{"slug", "name"}, ...],            # official order
     "departments": [{"slug", "name", "aliases"}, ...],
     "matters": [{"id", "number", "title",
                  "category": <index into categories>,
                  "departments": [<index into departments>, ...],
                  "body": ["a line", ...]}, ...]}

``body`` is the upper departments' duties, then 履职保障, then the town's
duties, one line per paragraph or list item, in the official order. Section
headings (``青山区民政局职责：``) are left out: they only repeat department
names, which are matched through ``departments``.

``normalize`` here and ``normalize`` in ``static/search.js`` must stay
identical: both sides fold text the same way, one piece at a time (a
character with its combining marks), so that a match in the folded text maps
back to the original characters for highlighting.
"""
from __future__ import annotations

import json
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from generator.markup import MarkdownRenderer
from generator.model import Content, Matter

FORMAT = 1
SEARCH_DIR = "search"
JSON_NAME = "search-index.json"
JS_NAME = "search-index.js"
JS_GLOBAL = "SEARCH_INDEX"
FIELD_SEPARATOR = "\n"  # never inside a query term, so no match spans two fields
BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "div",
                        "blockquote", "pre", "tr", "td", "th", "dt", "dd", "ul", "ol", "table"})


def normalize(text: str) -> str:
    """NFKC and lower case, piece by piece, exactly as ``search.js`` does it.

    Full-width letters and digits become half-width (ＡＰＰ → app, １２３ → 123),
    and case stops mattering.
    """
    return "".join(unicodedata.normalize("NFKC", piece).lower() for piece in _pieces(text))


def query_terms(query: str) -> list[str]:
    """The normalised, distinct terms of a query; spaces (any width) separate terms."""
    return list(dict.fromkeys(normalize(query).split()))


def markdown_lines(text: str, renderer: MarkdownRenderer | None = None) -> list[str]:
    """The visible text of Markdown, one line per block (paragraph, list item, heading).

    Pass the build's ``renderer`` so that each text is converted once for the
    pages and the index alike.
    """
    if not text.strip():
        return []
    extractor = _TextExtractor()
    extractor.feed((renderer or MarkdownRenderer(())).converted(text))
    extractor.close()
    return extractor.lines()


def body_lines(matter: Matter, renderer: MarkdownRenderer | None = None) -> list[str]:
    """A matter's duty texts and 履职保障 as plain lines, in the official order."""
    renderer = renderer or MarkdownRenderer(())
    texts = [*(section.markdown for section in matter.upper_sections), matter.guarantee, matter.town_duties]
    return [line for text in texts for line in markdown_lines(text, renderer)]


def department_spellings(matter: Matter, content: Content) -> list[str]:
    """The names and aliases of the matter's departments: what people type to find them."""
    by_name = content.department_by_name()
    return [spelling for name in matter.departments for spelling in by_name[name].spellings]


def searchable_parts(matter: Matter, content: Content) -> tuple[str, str, str]:
    """(title, departments, body), normalised: the three fields search ranks by."""
    return (normalize(matter.title),
            normalize(FIELD_SEPARATOR.join(department_spellings(matter, content))),
            normalize(FIELD_SEPARATOR.join(body_lines(matter))))


def searchable_text(matter: Matter, content: Content) -> str:
    """Everything a query of two or more characters is matched against, normalised."""
    return FIELD_SEPARATOR.join(searchable_parts(matter, content))


def search_payload(content: Content, renderer: MarkdownRenderer | None = None) -> dict:
    """The index the browser searches; JSON-able, deterministic."""
    renderer = renderer or MarkdownRenderer(content.departments)
    categories = {category.name: index for index, category in enumerate(content.categories)}
    departments = {department.name: index for index, department in enumerate(content.departments)}
    return {
        "format": FORMAT,
        "categories": [{"slug": c.slug, "name": c.name} for c in content.categories],
        "departments": [{"slug": d.slug, "name": d.name, "aliases": list(d.aliases)}
                        for d in content.departments],
        "matters": [{
            "id": matter.id,
            "number": matter.number,
            "title": matter.title,
            "category": categories[matter.category],
            "departments": [departments[name] for name in matter.departments],
            "body": body_lines(matter, renderer),
        } for matter in content.matters],
    }


def payload_json(payload: dict) -> str:
    """The canonical serialisation: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_search_files(content: Content, out_dir: Path, renderer: MarkdownRenderer | None = None) -> list[Path]:
    """Write ``search/search-index.json`` and ``search/search-index.js`` under ``out_dir``.

    The ``.js`` file sets ``window.SEARCH_INDEX`` so that a plain
    ``<script src>`` loads it, which also works from ``file://`` where
    ``fetch`` of a local JSON file is blocked.
    """
    data = payload_json(search_payload(content, renderer))
    folder = out_dir / SEARCH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    json_path, js_path = folder / JSON_NAME, folder / JS_NAME
    json_path.write_text(data + "\n", encoding="utf-8")
    js_path.write_text(f"window.{JS_GLOBAL} = {data};\n", encoding="utf-8")
    return [json_path, js_path]


def _pieces(text: str) -> list[str]:
    """Split text into characters, each with the combining marks that follow it."""
    pieces: list[str] = []
    for char in text:
        if pieces and unicodedata.category(char).startswith("M"):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


class _TextExtractor(HTMLParser):
    """Collects the text of rendered Markdown, breaking lines at block elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._lines.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._lines.append([])

    def handle_data(self, data: str) -> None:
        self._lines[-1].append(data)

    def lines(self) -> list[str]:
        joined = (" ".join("".join(parts).split()) for parts in self._lines)
        return [line for line in joined if line]
