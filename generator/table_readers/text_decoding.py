"""Text as office computers save it: UTF-8 (with or without a BOM), UTF-16 from Notepad, or GB18030.

GB18030 is the superset of GBK and GB2312, the encodings many Chinese
office computers save text and web pages in.
"""
from __future__ import annotations

from generator.errors import ContentError, ContentErrors
from generator.i18n import _

ENCODINGS = ("utf-8-sig", "gb18030")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes, label: str) -> str:
    """``data`` as text; ContentErrors naming ``label`` and the line of the first bad byte otherwise."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    first_failure: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            first_failure = first_failure or error
    line = data[:first_failure.start].count(b"\n") + 1 if first_failure else 1
    raise ContentErrors([ContentError(label, line, _("the text is neither UTF-8 nor GB18030 (GBK)"),
                                      _("save the table as UTF-8 text, or as an Excel workbook (.xlsx)"))])
