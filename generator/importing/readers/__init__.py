"""Read the official table from whatever file an office has: the first stage of ``import``.

The pipeline: ``read_table_file`` recognises the format from the bytes (a zip
holding ``xl/`` is a workbook, one holding ``word/`` a Word document, text
with ``<table`` a web page, other text a tab- or comma-separated table), never from the
file's name, and hands it to that format's reader (``xlsx_file``,
``docx_file``, ``html_page``, ``text_file``). Each reader returns the same
``model.RawTable``; ``source_table`` finds the list's rows in it.

Anything that is not a readable table is refused with a message naming the
file, never a traceback.
"""
from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from generator.errors import ContentError, ContentErrors, display_path
from generator.i18n import _
from generator.importing.readers.model import RawTable
from generator.importing.readers.text_decoding import decode_text

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and .doc of Office 97-2003
SNIFF_BYTES = 8192
REASON_LENGTH = 80


def read_table_file(path: Path) -> RawTable:
    """The rows of the table in ``path``; ContentErrors with one clear message if it cannot be read."""
    label = display_path(path)
    data = _read_bytes(path, label)
    return _read(data, label)


def _read_bytes(path: Path, label: str) -> bytes:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise _refusal(label, _("no such file"), _("check the file's name and folder")) from None
    except OSError as error:
        raise _refusal(label, _("cannot read the file: {reason}").format(reason=_reason(error))) from None
    if stat.S_ISDIR(mode):
        raise _refusal(label, _("this is a folder, not a table file"), _("give the table file itself"))
    if not stat.S_ISREG(mode):
        raise _refusal(label, _("this is not a regular file"), _("give the table file itself"))
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _refusal(label, _("cannot read the file: {reason}").format(reason=_reason(error))) from None
    if not data.strip():
        raise _refusal(label, _("the file is empty"), _("is it the right file?"))
    return data


def _read(data: bytes, label: str) -> RawTable:
    if data.startswith(ZIP_MAGIC):
        return _read_zip(data, label)
    if data.startswith(OLE_MAGIC):
        raise _refusal(label, _("this is an old Excel or Word file (.xls or .doc)"),
                       _("open it in Excel or Word and save it as .xlsx or .docx"))
    if b"\x00" in data[:SNIFF_BYTES] and not _utf16(data):
        raise _refusal(label, _("this is not a table this command can read"), _(
            "give an Excel workbook (.xlsx), a Word document (.docx), a saved web page or tab-separated text"))
    text = decode_text(data, label)
    if "<table" in text.lower():
        from generator.importing.readers.html_page import read_html

        return read_html(text, label)
    from generator.importing.readers.text_file import read_text

    return read_text(text, label)


def _utf16(data: bytes) -> bool:
    return data.startswith((b"\xff\xfe", b"\xfe\xff"))


def _read_zip(data: bytes, label: str) -> RawTable:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refusal(label, _("this is a damaged zip file (an .xlsx or .docx is one): {reason}").format(
            reason=_reason(error)), _("save the table again from Excel or Word")) from None
    if any(name.startswith("xl/") for name in names):
        from generator.importing.readers.xlsx_file import read_xlsx

        return read_xlsx(data, label)
    if any(name.startswith("word/") for name in names):
        from generator.importing.readers.docx_file import read_docx

        return read_docx(data, label)
    raise _refusal(label, _("this zip file is neither an Excel workbook nor a Word document"), _(
        "give an Excel workbook (.xlsx), a Word document (.docx), a saved web page or tab-separated text"))


def unreadable(label: str, kind: str, error: BaseException) -> ContentErrors:
    """The refusal for a file of a known ``kind`` (already translated) that its library cannot read."""
    return _refusal(label, _("this looks like {kind} but cannot be read: {reason}").format(
        kind=kind, reason=_reason(error)), _("open it and save it again, or export the table in another format"))


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror
    return text if len(text) <= REASON_LENGTH else text[:REASON_LENGTH - 1] + "…"


def _refusal(label: str, message: str, suggestion: str = "") -> ContentErrors:
    return ContentErrors([ContentError(label, 1, message, suggestion)])
