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

A large list (the single index above ``SHARD_ABOVE_BYTES``, about 150 KB
gzip) gets a sharded index instead (``SHARDED_FORMAT``), so that a reader downloads
only what a query needs and search stays exact:

- ``search-index.js``/``.json``: the manifest, everything ranking and the
  result list need, but no duty text: ``categories`` and ``departments`` as
  above, ``matters`` as columns ``{"id": [...], "title": [...], "number":
  [first, step, ...], "category": [...], "departments": [[...], ...]}`` (in
  the official order: a matter's position there is its index below),
  ``shards`` (how many posting files) and ``text`` (how many matters each
  text file holds, in order).
- ``shards/<k>.js``: for each character bigram whose FNV-1a hash (over its
  two code points) modulo ``shards`` is ``k``, where it occurs in the folded
  duty text (``normalize`` of the body lines joined by ``FIELD_SEPARATOR``):
  ``"gap:position,step,...;gap:..."``, one entry per matter in index order
  (``gap`` = index - previous index, the first previous being -1), positions
  in code points, ascending, the first absolute and then the steps. Bigrams
  with a space in them are left out: no query term holds a space.
- ``text/<k>.js``: the ``body`` lines of the matters of text chunk ``k``,
  loaded for the snippets of the results shown.

Positions make the shards exact on their own: a term occurs where bigrams
covering all its characters occur at the matching offsets, so results and
their count are known before any text is loaded. Each file sets
``window.SEARCH_PARTS["shards/<k>"]`` (or ``"text/<k>"``) and is loaded with a
``<script>`` element, which also works from ``file://``.
"""
from __future__ import annotations

import json
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import unescape
from pathlib import Path

from generator.site.markup import MarkdownRenderer
from generator.content.model import Content, Matter

FORMAT = 1
SHARDED_FORMAT = 2
SEARCH_DIR = "search"
JSON_NAME = "search-index.json"
JS_NAME = "search-index.js"
JS_GLOBAL = "SEARCH_INDEX"
PARTS_GLOBAL = "SEARCH_PARTS"
SHARDS_DIR = "shards"
TEXT_DIR = "text"
SHARD_ABOVE_BYTES = 500_000  # the single index's JSON; ~150 KB gzip for this kind of text
SHARD_BYTES = 16_000  # postings per shard file before gzip: one to two KB over the wire
CHUNK_BYTES = 8_000  # duty text per text file before gzip: one file per few matters shown
FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193
FIELD_SEPARATOR = "\n"  # never inside a query term, so no match spans two fields
# Elements that end a line of text (any other tag is left out, its text kept).
BLOCK_TAG = re.compile(r"</?(?:p|li|h[1-6]|br|div|blockquote|pre|tr|td|th|dt|dd|ul|ol|table)\b[^>]*>")
INLINE_TAG = re.compile(r"<[^>]*>")


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
    return html_lines((renderer or MarkdownRenderer(())).converted(text))


def html_lines(html: str) -> list[str]:
    """The text of our converted Markdown, one line per block element, whitespace collapsed.

    Regular expressions suffice (and are ten times faster than an HTML
    parser): the HTML is our own Markdown output, where content cannot add
    markup (it is escaped) and no attribute value holds ``>``. Tags are
    dropped before entities are decoded, so an escaped ``&lt;b&gt;`` stays text.
    """
    blocks = (" ".join(unescape(INLINE_TAG.sub("", block)).split()) for block in BLOCK_TAG.split(html))
    return [line for line in blocks if line]


class PlainLines:
    """The visible lines of each Markdown text, extracted once per build: matters share many texts.

    Like the renderer's conversions, a build's workers each extract a share
    (``extract_all``) and this process takes them over (``remember``).
    """

    def __init__(self, renderer: MarkdownRenderer | None = None):
        self._renderer = renderer or MarkdownRenderer(())
        self._lines: dict[str, list[str]] = {}

    def of(self, text: str) -> list[str]:
        lines = self._lines.get(text)
        if lines is None:
            lines = self._lines[text] = markdown_lines(text, self._renderer)
        return lines

    def extract_all(self, texts: Iterable[str]) -> dict[str, list[str]]:
        return {text: self.of(text) for text in texts}

    def remember(self, lines: Mapping[str, list[str]]) -> None:
        self._lines.update(lines)


def body_lines(matter: Matter, renderer: MarkdownRenderer | None = None,
               plain: PlainLines | None = None) -> list[str]:
    """A matter's duty texts and 履职保障 as plain lines, in the official order."""
    plain = plain or PlainLines(renderer)
    texts = [*(section.markdown for section in matter.upper_sections), matter.guarantee, matter.town_duties]
    return [line for text in texts for line in plain.of(text)]


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


def search_payload(content: Content, renderer: MarkdownRenderer | None = None,
                   plain: PlainLines | None = None) -> dict:
    """The index the browser searches; JSON-able, deterministic.

    ``plain`` may hold the text lines a build's workers extracted already.
    """
    plain = plain or PlainLines(renderer or MarkdownRenderer(content.departments))
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
            "body": body_lines(matter, plain=plain),
        } for matter in content.matters],
    }


def payload_json(payload: object) -> str:
    """The canonical serialisation: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def search_files(payload: dict, shard_above: int = SHARD_ABOVE_BYTES,
                 index_bodies: Callable[[list[list[str]]], dict[str, str]] | None = None) -> dict[str, str]:
    """The files of ``search/`` by path inside it: the single index, or above ``shard_above`` bytes a sharded one.

    Small lists keep the single file: one request, and each query is
    answered without waiting for the network. ``index_bodies`` makes the
    postings of the matters' body lines, if not ``bigram_postings``
    (``PostingRuns.postings`` reuses what did not change).
    """
    single = single_index(payload, shard_above)
    if single is not None:
        return single
    bodies = [matter["body"] for matter in payload["matters"]]
    return sharded_files(payload, index_bodies(bodies) if index_bodies else None)


def single_index(payload: dict, shard_above: int = SHARD_ABOVE_BYTES) -> dict[str, str] | None:
    """The single-file index of ``payload``, or None when its JSON is over ``shard_above`` bytes."""
    data = payload_json(payload)
    if len(data.encode("utf-8")) > shard_above:
        return None
    return {JSON_NAME: data + "\n", JS_NAME: f"window.{JS_GLOBAL} = {data};\n"}


def sharded_files(payload: dict, postings: dict[str, str] | None = None) -> dict[str, str]:
    """The manifest, posting shards and text chunks of ``payload`` (see the module docstring)."""
    shard_count, chunk_sizes, parts = sharded_parts([m["body"] for m in payload["matters"]], postings)
    return {**manifest_files(_manifest(payload, shard_count, chunk_sizes)), **parts}


def sharded_parts(bodies: list[list[str]],
                  postings: dict[str, str] | None = None) -> tuple[int, list[int], dict[str, str]]:
    """The posting shards and text chunks of matters with these body lines (in index order):
    (how many shards, how many matters each text chunk holds, the files by path inside ``search/``).

    A list's index and the district's (``district_search``) share them; only their manifests differ.
    """
    if postings is None:
        postings = bigram_postings(search_bodies(bodies))
    shard_count = max(1, math.ceil(sum(len(gram) + len(text) + 6 for gram, text in postings.items()) / SHARD_BYTES))
    shards: list[dict[str, str]] = [{} for _ in range(shard_count)]
    for gram, text in postings.items():
        shards[shard_of(gram, shard_count)][gram] = text
    chunks = _chunks(bodies)
    files: dict[str, str] = {}
    for number, shard in enumerate(shards):
        files.update(_part(f"{SHARDS_DIR}/{number}", shard))
    for number, chunk in enumerate(chunks):
        files.update(_part(f"{TEXT_DIR}/{number}", chunk))
    return shard_count, [len(chunk) for chunk in chunks], files


def manifest_files(manifest: dict) -> dict[str, str]:
    """The index's manifest as ``search-index.json`` and the ``search-index.js`` that sets ``window.SEARCH_INDEX``."""
    data = payload_json(manifest)
    return {JSON_NAME: data + "\n", JS_NAME: f"window.{JS_GLOBAL} = {data};\n"}


def search_bodies(bodies: list[list[str]]) -> list[str]:
    """The folded duty text the shards index: each matter's body lines joined, normalised."""
    return normalize_many([FIELD_SEPARATOR.join(body) for body in bodies])


def bigram_postings(bodies: list[str]) -> dict[str, str]:
    """For each bigram of the folded ``bodies``, its encoded positions (``shards/<k>.js`` entries)."""
    return join_postings([posting_part(bodies)])


# gram → (index of its first matter, of its last matter, its entries after the first gap)
PostingPart = dict[str, tuple[int, int, str]]


def posting_part(bodies: Sequence[str], start: int = 0) -> PostingPart:
    """The postings of the folded bodies of matters ``start``, ``start + 1``, …: a build's workers
    each make the part of a run of matters, and ``join_postings`` puts the parts together.

    ``bigrams`` does it on arrays with numpy, imported here only: a list
    small enough for a single index file never needs postings, and its
    build does not pay for the import.
    """
    from generator.site import bigrams

    return bigrams.posting_part(bodies, start)


class PostingRuns:
    """Postings of a list that changes a little at a time, kept per run of ``RUN`` matters.

    While serving, an edit changes one matter: only the run that holds it is
    indexed again (at 10,000 matters, a tenth of a second instead of three).
    A run is reused only at the same place with the same body lines.
    """

    RUN = 250

    def __init__(self) -> None:
        self._parts: dict[tuple, PostingPart] = {}

    def postings(self, bodies: list[list[str]]) -> dict[str, str]:
        """``bigram_postings(search_bodies(bodies))``, from the runs kept where nothing changed."""
        parts, kept = [], {}
        for start in range(0, len(bodies), self.RUN):
            run = bodies[start:start + self.RUN]
            key = (start, *map(tuple, run))
            part = self._parts.get(key)
            kept[key] = part = posting_part(search_bodies(run), start) if part is None else part
            parts.append(part)
        self._parts = kept
        return join_postings(parts)


def join_postings(parts: Iterable[PostingPart]) -> dict[str, str]:
    """The postings of all matters from the parts of consecutive runs, in order.

    Only each part's first gap depends on the parts before it (the gap from
    the bigram's last matter there, or from -1).
    """
    pieces: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    for part in parts:
        for gram, (first, final, rest) in part.items():
            pieces.setdefault(gram, []).append(f"{first - last.get(gram, -1)}{rest}")
            last[gram] = final
    return {gram: ";".join(texts) for gram, texts in pieces.items()}


def shard_of(gram: str, count: int) -> int:
    """The shard of a bigram: 32-bit FNV-1a over its code points, as ``search.js`` computes it."""
    value = FNV_OFFSET
    for char in gram:
        value = ((value ^ ord(char)) * FNV_PRIME) & 0xFFFFFFFF
    return value % count


def query_shards(query: str, shard_count: int) -> list[int]:
    """The shards ``search.js`` loads for ``query``, in its order.

    Each term of two or more characters needs bigrams covering all its
    characters: every other one from the first, and the last.
    """
    shards: list[int] = []
    for term in query_terms(query):
        offsets = [*range(0, len(term) - 1, 2), *([len(term) - 2] if len(term) % 2 else [])]
        for offset in offsets if len(term) > 1 else []:
            shard = shard_of(term[offset:offset + 2], shard_count)
            if shard not in shards:
                shards.append(shard)
    return shards


def normalize_many(texts: list[str]) -> list[str]:
    """``normalize`` of each text, but through one translation table when no text has combining marks.

    Without marks every piece is one character, so folding piece by piece is
    a character-for-character translation: much faster on thousands of texts.
    """
    chars = set().union(*texts)
    if any(unicodedata.category(char).startswith("M") for char in chars):
        return [normalize(text) for text in texts]
    table = {ord(char): normalize(char) for char in chars}
    return [text.translate(table) for text in texts]


def _chunks(bodies: list[list[str]]) -> list[list[list[str]]]:
    """Consecutive bodies grouped by size, about ``CHUNK_BYTES`` each (a longer body alone)."""
    chunks: list[list[list[str]]] = []
    size = 0
    for body in bodies:
        length = sum(len(line.encode("utf-8")) + 3 for line in body)
        if not chunks or size + length > CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(body)
        size += length
    return chunks


def _manifest(payload: dict, shard_count: int, chunk_sizes: list[int]) -> dict:
    matters = payload["matters"]
    numbers = [m["number"] for m in matters]
    return {
        "format": SHARDED_FORMAT,
        "categories": payload["categories"],
        "departments": payload["departments"],
        "matters": {"id": [m["id"] for m in matters], "title": [m["title"] for m in matters],
                    "number": [*numbers[:1], *map(operator.sub, numbers[1:], numbers[:-1])],
                    "category": [m["category"] for m in matters],
                    "departments": [m["departments"] for m in matters]},
        "shards": shard_count,
        "text": chunk_sizes,
    }


def _part(name: str, data: object) -> dict[str, str]:
    """One loadable file: it hands ``data`` to search.js under ``name``."""
    return {f"{name}.js": f"(window.{PARTS_GLOBAL}=window.{PARTS_GLOBAL}||{{}})[{json.dumps(name)}]="
                          f"{payload_json(data)};\n"}


def write_search_files(content: Content, out_dir: Path, renderer: MarkdownRenderer | None = None,
                       shard_above: int = SHARD_ABOVE_BYTES) -> list[Path]:
    """Write the search files under ``out_dir/search``: ``search-index.json`` and ``search-index.js`` first.

    The ``.js`` files set globals (``window.SEARCH_INDEX``) so that a plain
    ``<script src>`` loads them, which also works from ``file://`` where
    ``fetch`` of a local JSON file is blocked. Above ``shard_above`` bytes the
    index is sharded (see the module docstring).
    """
    return write_index_files(search_files(search_payload(content, renderer), shard_above), out_dir)


def write_index_files(files: Mapping[str, str], out_dir: Path) -> list[Path]:
    """Write ``search_files`` under ``out_dir/search``, the index itself first."""
    folder = out_dir / SEARCH_DIR
    paths = []
    for name in [JSON_NAME, JS_NAME, *sorted(set(files) - {JSON_NAME, JS_NAME})]:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[name], encoding="utf-8")
        paths.append(path)
    return paths


def _pieces(text: str) -> list[str]:
    """Split text into characters, each with the combining marks that follow it."""
    pieces: list[str] = []
    for char in text:
        if pieces and unicodedata.category(char).startswith("M"):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces
