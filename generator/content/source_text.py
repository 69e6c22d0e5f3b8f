"""The bytes of a content file as text: UTF-8, with or without a BOM, any line ends, no control characters.

Keepers edit content on Windows as much as anywhere: an editor may save a
BOM or CRLF line ends, and git may add them (``core.autocrlf``). Neither
changes the text, so both are accepted: the BOM is dropped and every line
end becomes ``\\n`` before anything else reads the file, so that line
numbers in messages are the editor's.

Control characters are another matter: a NUL or an escape is invisible in
an editor and has no place in an official document, and a NUL would reach
the published page. They are refused, each located to its line and column.
Tab, line feed and carriage return are text; so is everything printable.
U+2028 and U+2029 are refused too: YAML counts them as line ends, so they
would shift every line number after them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.errors import ContentError
from generator.i18n import _, ngettext

BOM = "\ufeff"
# C0 controls but tab, LF and CR; DEL; C1 controls; the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
SHOWN_PER_FILE = 5  # control characters reported one by one; the rest are counted


@dataclass(frozen=True)
class SourceText:
    """A file's text as the loader reads it, or the errors that keep it from being read."""

    text: str | None
    errors: tuple[ContentError, ...] = ()


def decode(raw: bytes, label: str) -> SourceText:
    """``raw`` as text (BOM dropped, line ends ``\\n``), or why it cannot be: not UTF-8, control characters."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        return SourceText(None, (ContentError(label, line, _not_utf8(raw), _("save it as UTF-8 text")),))
    text = text.removeprefix(BOM)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if CONTROL.search(text) is None:  # the common case: one scan of the text
        return SourceText(text)
    return SourceText(None, tuple(control_characters(text, label)))


def _not_utf8(raw: bytes) -> str:
    """What the file seems to be instead, said plainly: that is what tells a keeper how to fix it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _("the file is not UTF-8 text (it looks like UTF-16)")
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return _("the file is not UTF-8 text")
    return _("the file is not UTF-8 text (it looks like GBK/GB18030)")


def control_characters(text: str, label: str) -> list[ContentError]:
    """One error for each of the first lines holding a control character, then one counting the rest
    (at the first line not shown): a file full of them should not bury the report."""
    errors: list[ContentError] = []
    hidden: list[int] = []  # lines not reported one by one
    for number, line in enumerate(text.split("\n"), start=1):
        found = CONTROL.search(line)
        if found is None:
            continue
        if len(errors) < SHOWN_PER_FILE:
            errors.append(ContentError(
                label, number,
                _("invisible control character U+{code:04X} in column {column}").format(
                    code=ord(found.group()), column=found.start() + 1),
                _("delete it: it has no place in the text (it may come from copying or converting)")))
        else:
            hidden.append(number)
    if hidden:
        errors.append(ContentError(
            label, hidden[0], ngettext("control characters on {count} more line",
                                       "control characters on {count} more lines", len(hidden)).format(
                count=len(hidden)), _("search the file for them and delete them")))
    return errors
