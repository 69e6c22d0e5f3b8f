#!/usr/bin/env python3
"""Keep the Chinese catalogue in step with the code (developer tool).

    python scripts/update_catalog.py           # add new messages (empty), drop unused ones
    python scripts/update_catalog.py --check   # exit 1 if a message lacks Chinese or is stale

Messages are found in ``generator/`` as the first string argument of ``_``
and ``N_``, and the two of ``ngettext``. Entries are grouped by the file that
first uses them, in order of use, with the file (not the line) as reference,
so adding a message to one module changes no other part of the catalogue.
After adding, fill in every empty ``msgstr`` by hand.
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.i18n import PoEntry, catalogue_path, parse_po  # noqa: E402

SOURCE_DIR = ROOT / "generator"
HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: lvzhi-qingdan\\n"\n'
    '"Language: zh_CN\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=1; plural=0;\\n"\n'
)
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdr]|%[sdr]")


@dataclass(frozen=True)
class Message:
    msgid: str
    msgid_plural: str | None
    source: str  # the file that uses it first, relative to the repository


def extract(source_dir: Path = SOURCE_DIR) -> list[Message]:
    """Every message the code marks, once, in order of file and first use."""
    found: dict[tuple[str, str | None], Message] = {}
    for path in sorted(source_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        calls = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Call)),
                       key=lambda node: (node.lineno, node.col_offset))
        for node in calls:
            message = _message(node, path.relative_to(source_dir.parent).as_posix())
            if message is not None:
                found.setdefault((message.msgid, message.msgid_plural), message)
    return list(found.values())


def _message(node: ast.Call, source: str) -> Message | None:
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
    texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    if name in ("_", "N_") and texts:
        return Message(texts[0], None, source)
    if name == "ngettext" and len(texts) >= 2:
        return Message(texts[0], texts[1], source)
    return None


def problems(messages: list[Message], entries: list[PoEntry]) -> list[str]:
    """What is wrong between the code and the catalogue: untranslated, stale, placeholder mismatch."""
    known = {(entry.msgid, entry.msgid_plural): entry for entry in entries if entry.msgid}
    used = {(message.msgid, message.msgid_plural) for message in messages}
    found = []
    for message in messages:
        entry = known.get((message.msgid, message.msgid_plural))
        if entry is None:
            found.append(f"not in the catalogue: {message.msgid!r} ({message.source})")
        elif not entry.translated:
            found.append(f"no Chinese: {message.msgid!r} ({message.source})")
        else:
            found.extend(_placeholder_problems(entry))
    found.extend(f"stale (no longer used): {key[0]!r}" for key in known if key not in used)
    return found


def _placeholder_problems(entry: PoEntry) -> list[str]:
    wanted = sorted(PLACEHOLDER.findall(entry.msgid))
    return [f"placeholders differ: {entry.msgid!r} → {text!r}"
            for text in entry.msgstrs if sorted(PLACEHOLDER.findall(text)) != wanted]


def render(messages: list[Message], entries: list[PoEntry]) -> str:
    known = {(entry.msgid, entry.msgid_plural): entry for entry in entries if entry.msgid}
    blocks = [HEADER]
    for message in messages:
        entry = known.get((message.msgid, message.msgid_plural))
        lines = [f"#: {message.source}", f"msgid {_quote(message.msgid)}"]
        if message.msgid_plural is None:
            lines.append(f"msgstr {_quote(entry.msgstrs[0] if entry else '')}")
        else:
            lines.append(f"msgid_plural {_quote(message.msgid_plural)}")
            lines.append(f"msgstr[0] {_quote(entry.msgstrs[0] if entry else '')}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report problems, change nothing")
    args = parser.parse_args(argv)
    path = catalogue_path()
    entries = parse_po(path.read_text(encoding="utf-8")) if path.exists() else []
    messages = extract()
    if args.check:
        found = problems(messages, entries)
        print("\n".join(found) or f"catalogue complete: {len(messages)} messages")
        return 1 if found else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(messages, entries), encoding="utf-8")
    missing = [message for message in problems(messages, parse_po(path.read_text(encoding="utf-8")))]
    print(f"{path.relative_to(ROOT)}: {len(messages)} messages; {len(missing)} to translate or fix")
    return 0


if __name__ == "__main__":
    sys.exit(main())
