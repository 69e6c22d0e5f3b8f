"""Values quoted in messages: short and on one line, whatever the content holds.

A message quotes the value it complains about, but that value comes from
the content: a title of a megabyte, a list nested a thousand deep, text
with line breaks. Quoted in full it would bury the report (or take minutes
to print), so every value a message shows goes through ``excerpt`` or
``short_repr``.
"""
from __future__ import annotations

import reprlib

LIMIT = 40  # characters of a value a message shows
ELLIPSIS = "…"
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def excerpt(text: object, limit: int = LIMIT) -> str:
    """``text`` cut to ``limit`` characters (marked with …), line breaks and control characters escaped."""
    text = text if isinstance(text, str) else str(text)
    shown = _escaped(text[:limit])
    return shown + ELLIPSIS if len(text) > limit else shown


def tail_excerpt(text: object, limit: int = LIMIT) -> str:
    """``text``'s last ``limit`` characters (marked with … before them), escaped as ``excerpt`` does: for a
    path, whose end names the file, where its beginning (a deep temporary or home folder) says little."""
    text = text if isinstance(text, str) else str(text)
    shown = _escaped(text[-limit:])
    return ELLIPSIS + shown if len(text) > limit else shown


def _escaped(text: str) -> str:
    return "".join(_ESCAPES.get(char, f"\\x{ord(char):02x}" if ord(char) < 32 or ord(char) == 127 else char)
                   for char in text)


def short_repr(value: object, limit: int = LIMIT) -> str:
    """A Python value as a message shows it (``'一'``, ``['a', 'b']``), never longer than about ``limit``."""
    shortener = reprlib.Repr()
    shortener.maxlevel = 2
    shortener.maxlist = shortener.maxtuple = shortener.maxdict = shortener.maxset = 4
    shortener.maxstring = shortener.maxother = shortener.maxlong = limit
    return excerpt(shortener.repr(value), limit + 10)
