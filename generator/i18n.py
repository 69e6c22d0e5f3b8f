"""The keepers' language: every message a person reads is Chinese unless English is asked for.

Messages are written in English in the code, wrapped in ``_()`` (or
``ngettext`` for counts), and translated through the standard library's
``gettext`` from the catalogue ``generator/locale/zh_CN/LC_MESSAGES/lvzhi.po``.
The catalogue is compiled in memory when first needed, so the repository
keeps only the reviewable ``.po`` text. Placeholders use ``str.format`` names
(``_("unknown category '{name}'").format(name=...)``) so a translation can
reorder them.

The language is chosen once per process, by ``--lang`` on the command line or
the ``LVZHI_LANG`` environment variable (``zh`` by default, ``en`` for
English); ``use_language`` switches it. This is the one piece of process-wide
state in the package, as ``gettext.install`` would be: messages are made deep
inside the pipeline, and threading a translator through every function that
can report an error would bury the code under it.
"""
from __future__ import annotations

import ast
import gettext
import io
import os
import struct
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "lvzhi"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
ENVIRONMENT_VARIABLE = "LVZHI_LANG"


def catalogue_path(language: str = "zh_CN") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class PoEntry:
    """One message of a catalogue: its English text and its translation(s)."""

    msgid: str
    msgid_plural: str | None
    msgstrs: tuple[str, ...]  # one, or one per plural form

    @property
    def translated(self) -> bool:
        return all(self.msgstrs)


def parse_po(text: str) -> list[PoEntry]:
    """The entries of a ``.po`` file, the header (empty msgid) first if present.

    Reads what ``scripts/update_catalog.py`` writes: comments, multi-line
    strings, plural forms and the C escapes of ``msgfmt``.
    """
    entries: list[PoEntry] = []
    fields: dict[str, str] = {}
    current = ""

    def flush() -> None:
        if "msgid" in fields:
            forms = sorted(key for key in fields if key.startswith("msgstr"))
            entries.append(PoEntry(fields["msgid"], fields.get("msgid_plural"),
                                   tuple(fields[key] for key in forms)))
        fields.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            if not current:
                raise ValueError(f"line {number}: a string continues nothing")
            fields[current] += _unquote(line)
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword == "msgid" and current.startswith("msgstr"):
            flush()
        if keyword not in ("msgid", "msgid_plural", "msgstr") and not keyword.startswith("msgstr["):
            raise ValueError(f"line {number}: unexpected {keyword!r}")
        current = keyword
        fields[current] = _unquote(rest)
    flush()
    return entries


def _unquote(text: str) -> str:
    if not (len(text) >= 2 and text[0] == text[-1] == '"'):
        raise ValueError(f"not a quoted string: {text!r}")
    return ast.literal_eval(text)


def compile_mo(entries: list[PoEntry]) -> bytes:
    """The binary ``.mo`` form of the translated ``entries``, as ``msgfmt`` writes it."""
    pairs: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.msgid and not entry.translated:
            continue  # untranslated: gettext falls back to the English text
        key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\0{entry.msgid_plural}"
        pairs[key.encode()] = "\0".join(entry.msgstrs).encode()
    keys = sorted(pairs)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(pairs[key])))
        ids += key + b"\0"
        strs += pairs[key] + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    table: list[int] = []
    for id_offset, id_length, _str_offset, _str_length in offsets:
        table += [id_length, id_offset + key_start]
    for _id_offset, _id_length, str_offset, str_length in offsets:
        table += [str_length, str_offset + value_start]
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + struct.pack(f"<{len(table)}I", *table) + ids + strs


def translations_for(language: str) -> gettext.NullTranslations:
    """The translations for ``language`` (``zh`` or ``en``); English is the messages as written."""
    if language != "zh":
        return gettext.NullTranslations()
    entries = parse_po(catalogue_path().read_text(encoding="utf-8"))
    return gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))


def language_from_environment() -> str:
    wanted = os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower()
    return "en" if wanted.startswith("en") else DEFAULT_LANGUAGE


class _Active:
    """The process's chosen translations, made on first use."""

    translations: gettext.NullTranslations | None = None


def use_language(language: str | None = None) -> str:
    """Choose the language of every later message (default: from the environment); returns it."""
    chosen = language if language in LANGUAGES else language_from_environment()
    _Active.translations = translations_for(chosen)
    return chosen


def _translations() -> gettext.NullTranslations:
    """The chosen translations, chosen from the environment on first use."""
    if _Active.translations is None:
        use_language()
    return _Active.translations  # type: ignore[return-value]


def _(message: str) -> str:
    """``message`` in the chosen language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a counted message for ``count``, in the chosen language."""
    return _translations().ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it yet (translate with ``_`` when shown)."""
    return message
