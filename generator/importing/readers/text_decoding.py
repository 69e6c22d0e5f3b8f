"""Text as office computers save it: UTF-8 (with or without a BOM), UTF-16 from Notepad, or GB18030.

GB18030 is the superset of GBK and GB2312, the encodings many Chinese
office computers save text and web pages in.
"""
from __future__ import annotations

from generator.errors import ContentError, ContentErrors
from generator.i18n import _

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_EVIDENCE = 3  # non-ASCII characters decoded as UTF-8 before a bad byte


def decode_text(data: bytes, label: str) -> str:
    """``data`` as text; ContentErrors naming ``label`` and the line of the first bad byte otherwise."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _clearly_utf8(data[:error.start]):
            raise _refusal(label, data, error.start, _("the text is UTF-8 but a byte of it is damaged"),
                           _("save the table again, or correct this line")) from None
        first_failure = error
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    raise _refusal(label, data, first_failure.start,
                   _("the text is neither UTF-8 nor GB18030 (GBK)"),
                   _("save the table as UTF-8 text, or as an Excel workbook (.xlsx)"))


def _clearly_utf8(prefix: bytes) -> bool:
    """Whether the text before a bad byte already held Chinese in UTF-8: then GB18030 would only
    turn the whole file into wrong characters, and the bad byte is damage to report."""
    text = prefix.decode("utf-8", errors="ignore")
    return sum(1 for character in text if ord(character) > 0x7F) >= UTF8_EVIDENCE


def _refusal(label: str, data: bytes, position: int, message: str, suggestion: str) -> ContentErrors:
    line = data[:position].count(b"\n") + 1
    return ContentErrors([ContentError(label, line, message, suggestion)])
