"""Markdown of the official text → safe HTML, and → plain text for downloads.

One ``MarkdownRenderer`` per build holds one Python-Markdown instance (reset
between documents) and a cache, because the same duty text appears on the
matter page, the department pages and the full list. The extension here:

- escapes raw HTML and keeps links and images out: content must never inject
  markup or reach outside the site;
- keeps the list numbers of the source (``<ol start>``, ``<li value>``): the
  official text sometimes skips a number, and the site must show it as is;
- links department names inside duty texts to the department's page;
- shifts headings to fit the page's outline, or flattens them to emphasised
  paragraphs (inside the full list's table cells).

Most duty texts are one plain paragraph or one plain numbered list. For those
(no character any Markdown rule reacts to) the renderer builds the element
tree Python-Markdown's parser would build and runs the rest of its pipeline
(our tree processors, its serializer and postprocessors): the same HTML in
about a third of the time (``_Shortcut``; the tests compare both ways on
every text of the content and on generated edge cases).

Each text is converted once per build, whatever page shows it: links are
written against a placeholder root, and the per-page variants (the page's
way back to the root, shifted or flattened headings, no link to the page's
own department) are cheap substitutions on our own serialised output, whose
tags are known exactly (content cannot contain markup: it is escaped).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections import defaultdict
from collections.abc import Iterable, Mapping

import markdown
from markdown.blockprocessors import OListProcessor, UListProcessor
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from generator.site import urls
from generator.content.model import Content, Department
from generator.content.names import fold

# Private-use characters carry a list item's source number from the block
# parser to the tree: "\ue0003\ue001text" is item 3.
NUMBER_OPEN, NUMBER_CLOSE = "\ue000", "\ue001"
NUMBER_MARK = re.compile(f"{NUMBER_OPEN}(\\d+){NUMBER_CLOSE}")
# Stands for the page's way back to the site root in converted HTML.
ROOT_MARK = "\ue002"
ANY_MARK = re.compile(f"[{NUMBER_OPEN}{NUMBER_CLOSE}{ROOT_MARK}]")
HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
# Bulleted items that carry their own number, as in "- （1）…": the bullet would be a second marker.
COUNTED_ITEM = re.compile(r"^\s*[（(]\d+[）)]")
HEADING_TAGS = {f"h{level}" for level in range(1, 7)}
NO_LINK_TAGS = HEADING_TAGS | {"a", "code", "pre"}
# Inline patterns and block processors that would let content add markup or links.
UNSAFE_INLINE = ("html", "link", "image_link", "image_reference", "reference", "short_reference",
                 "short_image_ref", "autolink", "automail")
UNSAFE_BLOCK = ("reference",)


class MarkdownRenderer:
    """Converts content Markdown to HTML for one build; not thread-safe."""

    def __init__(self, departments: Iterable[Department]):
        self._md = markdown.Markdown(output_format="html", extensions=[_OfficialText(DepartmentLinker(departments))])
        self._shortcut = _Shortcut(self._md)
        self._converted: dict[str, str] = {}

    def html(self, text: str, root: str, *, shift: int = 0, flat: bool = False, own_slug: str = "") -> Markup:
        """``text`` as HTML for a page whose way back to the site root is ``root``.

        ``shift`` moves headings down the outline; ``flat`` turns them into
        paragraphs; the department ``own_slug`` is not linked (its own page).
        """
        html = self.converted(text)
        # Each step is skipped when it has nothing to do: at scale this runs for every text on every page.
        if (flat or shift) and "<h" in html:
            if flat:
                html = HEADING_TAG.sub(lambda tag: "</p>" if tag[1] else '<p class="md-heading">', html)
            else:
                html = HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{min(6, int(tag[2]) + shift)}>", html)
        if own_slug:
            own_link = f'<a href="{ROOT_MARK}{urls.department(own_slug)}">'
            if own_link in html:
                html = re.sub(f"{re.escape(own_link)}([^<]*)</a>", r"\1", html)
        if ROOT_MARK in html:
            html = html.replace(ROOT_MARK, root)
        return Markup(html)

    def converted(self, text: str) -> str:
        """The page-independent HTML of ``text``, converted once per build."""
        html = self._converted.get(text)
        if html is None:
            html = self._converted[text] = self.convert(text)
        return html

    def convert(self, text: str, *, shortcut: bool = True) -> str:
        """``text`` converted now (not kept); ``shortcut=False`` always runs all of Python-Markdown."""
        html = self.shortcut_html(text) if shortcut else None
        if html is None:
            self._md.reset()
            html = self._md.convert(ANY_MARK.sub("", text))
        return html

    def shortcut_html(self, text: str) -> str | None:
        """The HTML of a plain paragraph or numbered list without Python-Markdown's parsing, else None."""
        self._md.reset()
        return self._shortcut.convert(ANY_MARK.sub("", text))

    def convert_all(self, texts: Iterable[str]) -> dict[str, str]:
        """``{text: page-independent HTML}`` for ``texts``: a build's workers each convert a share."""
        return {text: self.converted(text) for text in texts}

    def remember(self, converted: Mapping[str, str]) -> None:
        """Take conversions made elsewhere (by a worker, or kept by the build cache) as this renderer's own.

        They must come from a renderer for the same departments and this same code.
        """
        self._converted.update(converted)

    def has(self, text: str) -> bool:
        return text in self._converted


def matter_texts(content: Content) -> list[str]:
    """Every Markdown text of the matters, each once, in the order the matters give them."""
    texts: dict[str, None] = {}
    for matter in content.matters:
        for section in matter.upper_sections:
            texts[section.markdown] = None
        texts[matter.guarantee] = None
        texts[matter.town_duties] = None
        texts.update(dict.fromkeys(matter.notes))
    return list(texts)


class DepartmentLinker:
    """Finds department names (full names and aliases) in running text, longest first."""

    def __init__(self, departments: Iterable[Department]):
        owners: dict[str, set[str]] = defaultdict(set)
        for department in departments:
            for spelling in department.spellings:
                owners[fold(spelling)].add(department.slug)
        # A spelling that names two departments is ambiguous: leave it as text.
        self._slug = {spelling: min(slugs) for spelling, slugs in owners.items() if len(slugs) == 1}
        spellings = sorted(self._slug, key=lambda spelling: (-len(spelling), spelling))
        alternatives = "|".join(r"\s*".join(map(re.escape, spelling)) for spelling in spellings)
        # "宣传部门" is "departments for publicity", not 宣传部: never end a match before 门.
        self._pattern = re.compile(f"(?:{alternatives})(?!门)") if spellings else None

    def split(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (piece, slug) pairs; slug is "" for plain text."""
        if not text or self._pattern is None:
            return [(text, "")] if text else []
        pieces: list[tuple[str, str]] = []
        position = 0
        for match in self._pattern.finditer(text):
            if match.start() > position:
                pieces.append((text[position:match.start()], ""))
            pieces.append((match.group(), self._slug[fold(match.group())]))
            position = match.end()
        if position < len(text):
            pieces.append((text[position:], ""))
        return pieces


# What the shortcut takes: no character that an inline pattern, a block processor or whitespace
# normalisation reacts to anywhere, and lines that are a paragraph's or a numbered item's.
SHORTCUT_NEVER = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\\`*_&<>\[\]!#|~]")
# A line or item text starts and ends with a character that opens no block (heading, quote, list, rule,
# setext underline, code) and that no strip() removes.
SHORTCUT_TEXT = r"(?![\s=+\-\d])[^\n]*(?<!\s)"
SHORTCUT_PARAGRAPH = re.compile(SHORTCUT_TEXT)
SHORTCUT_ITEM = re.compile(f"(\\d+)\\. ({SHORTCUT_TEXT})")


class _Shortcut:
    """Python-Markdown for one plain paragraph or one plain numbered list, minus its parsing.

    For such a text the block parser makes a ``<p>`` or an ``<ol>`` of tight
    ``<li>`` items (their numbers marked, as ``_NumberMarking`` does) and the
    inline patterns find nothing; building that tree directly and running the
    other tree processors, the serializer and the postprocessors gives the
    same HTML for a fraction of the time, which at 10,000 matters is seconds.
    """

    def __init__(self, md: markdown.Markdown):
        self._md = md
        self._processors = [processor for processor in md.treeprocessors
                            if processor is not md.treeprocessors["inline"]]

    def convert(self, text: str) -> str | None:
        """The HTML of ``text``, or None if it is not one plain paragraph or numbered list."""
        root = self._tree(text)
        if root is None:
            return None
        for processor in self._processors:
            new_root = processor.run(root)
            root = root if new_root is None else new_root
        output = self._md.serializer(root)
        tag = self._md.doc_tag
        output = output[output.index(f"<{tag}>") + len(tag) + 2:output.rindex(f"</{tag}>")].strip()
        for postprocessor in self._md.postprocessors:
            output = postprocessor.run(output)
        return output.strip()

    def _tree(self, text: str) -> etree.Element | None:
        if not text or SHORTCUT_NEVER.search(text):
            return None
        root = etree.Element(self._md.doc_tag)
        if SHORTCUT_PARAGRAPH.fullmatch(text):  # one line: no newline, no digit first
            etree.SubElement(root, "p").text = text
            return root
        item_list = etree.SubElement(root, "ol")
        for line in text.split("\n"):
            item = SHORTCUT_ITEM.fullmatch(line)
            if item is None:
                return None
            etree.SubElement(item_list, "li").text = f"{NUMBER_OPEN}{int(item[1])}{NUMBER_CLOSE}{item[2]}"
        return root


PLAIN_HEADING = re.compile(r"^#{1,6}\s+")
PLAIN_BULLET = re.compile(r"^[-*+]\s+")
PLAIN_NUMBER = re.compile(r"^(\d+)\.\s+")
PLAIN_ESCAPE = re.compile(r"\\([\\`*_\[\]<>#+\-=|])")


def plain_text(text: str) -> str:
    """Content Markdown as the plain text of the official table: markers and indents gone, numbers kept."""
    lines = []
    for line in text.split("\n"):
        line = PLAIN_NUMBER.sub(r"\1.", PLAIN_BULLET.sub("", PLAIN_HEADING.sub("", line.strip())))
        if line:
            lines.append(PLAIN_ESCAPE.sub(r"\1", line))
    return "\n".join(lines)


class _OfficialText(Extension):
    def __init__(self, linker: DepartmentLinker):
        super().__init__()
        self._linker = linker

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.deregister("html_block")
        for name in UNSAFE_INLINE:
            md.inlinePatterns.deregister(name, strict=False)
        for name in UNSAFE_BLOCK:
            md.parser.blockprocessors.deregister(name, strict=False)
        md.parser.blockprocessors.register(_NumberedOList(md.parser), "olist", 40)
        md.parser.blockprocessors.register(_NumberedUList(md.parser), "ulist", 30)
        # Before "inline" (20): the number marks sit at the start of raw item text.
        md.treeprocessors.register(_ItemNumbers(md), "item_numbers", 25)
        # After "inline": only then is the text final (emphasis split out).
        md.treeprocessors.register(_DepartmentLinks(md, self._linker), "department_links", 15)


class _NumberMarking:
    """Block processor mix-in: tag each numbered item with its source number."""

    CHILD_RE: re.Pattern[str]

    def get_items(self, block: str) -> list[str]:
        return super().get_items("\n".join(self._mark(line) for line in block.split("\n")))  # type: ignore[misc]

    def _mark(self, line: str) -> str:
        match = self.CHILD_RE.match(line)
        if not match or not match.group(2):
            return line
        number = match.group(2).rstrip(".")
        return f"{line[:match.start(3)]}{NUMBER_OPEN}{int(number)}{NUMBER_CLOSE}{line[match.start(3):]}"


class _NumberedOList(_NumberMarking, OListProcessor):
    # Never continue a bulleted list as a numbered one (or back): the browser
    # would number the bullets.
    SIBLING_TAGS = ["ol"]


class _NumberedUList(_NumberMarking, UListProcessor):
    SIBLING_TAGS = ["ul"]


class _ItemNumbers(Treeprocessor):
    """Turn item marks into ``start``/``value`` where the numbers do not simply count up.

    Bulleted lists whose items all start with their own number get the class
    ``counted``, so the stylesheet can drop the bullets.
    """

    def run(self, root: etree.Element) -> None:
        for item_list in root.iter("ol"):
            self._number(item_list)
        for item_list in root.iter("ul"):
            items = [child for child in item_list if child.tag == "li"]
            if items and all(COUNTED_ITEM.match(_first_text(item)) for item in items):
                item_list.set("class", "counted")
        for element in root.iter():
            element.text = ANY_MARK.sub("", element.text) if element.text else element.text
            element.tail = ANY_MARK.sub("", element.tail) if element.tail else element.tail

    def _number(self, item_list: etree.Element) -> None:
        item_list.attrib.pop("start", None)
        expected = 1
        for index, item in enumerate(child for child in item_list if child.tag == "li"):
            number = _take_number(item)
            if number is not None and number != expected:
                if index == 0:
                    item_list.set("start", str(number))
                else:
                    item.set("value", str(number))
                expected = number
            expected += 1


def _text_holder(item: etree.Element) -> etree.Element:
    """The element whose text starts the item: the item, or its first paragraph in a loose list."""
    if not (item.text or "").strip() and len(item) and item[0].tag == "p":
        return item[0]
    return item


def _first_text(item: etree.Element) -> str:
    return _text_holder(item).text or ""


def _take_number(item: etree.Element) -> int | None:
    """Remove the item's number mark and return the number (None if unnumbered)."""
    holder = _text_holder(item)
    match = NUMBER_MARK.match(holder.text or "")
    if not match:
        return None
    holder.text = holder.text[match.end():]
    return int(match.group(1))


class _DepartmentLinks(Treeprocessor):
    """Link department names in text, never inside links, headings or code."""

    def __init__(self, md: markdown.Markdown, linker: DepartmentLinker):
        super().__init__(md)
        self._linker = linker

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, parent: etree.Element) -> None:
        if parent.tag in NO_LINK_TAGS:
            return
        children = list(parent)
        parent.text, links = self._links(parent.text)
        rebuilt = links
        for child in children:
            self._walk(child)
            child.tail, links = self._links(child.tail)
            rebuilt += [child, *links]
        parent[:] = rebuilt

    def _links(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        """The text before the first link, and the links, each carrying the text after it."""
        lead = ""
        links: list[etree.Element] = []
        for piece, slug in self._linker.split(text or ""):
            if slug:
                link = etree.Element("a", {"href": ROOT_MARK + urls.department(slug)})
                link.text = piece
                links.append(link)
            elif links:
                links[-1].tail = (links[-1].tail or "") + piece
            else:
                lead += piece
        return (lead, links) if links else (text, [])
