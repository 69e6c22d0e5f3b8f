"""Time a one-matter edit through the ``serve`` machinery (``IncrementalSite``).

What an editor waits for is the edited matter's page being rewritten; the
engine writes it first (``Update.first_write``) and then the rest of what the
edit affects (``Update.seconds``). Like ``serve``, the full list and the
downloads are deferred (made when a reader asks for them).

    python benchmarks/serve_edit.py CONTENT_DIR [--repeat 7]

prints one JSON line: {"first_write": [...], "update": [...]} in seconds.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.site import urls  # noqa: E402
from generator.engine.incremental import IncrementalSite  # noqa: E402
from generator.engine.server import deferred  # noqa: E402

EDIT_MARK = "。"


def edit_timings(content_dir: Path, repeat: int) -> dict[str, list[float]]:
    """First-write and whole-update seconds of ``repeat`` edits to the middle matter."""
    with tempfile.TemporaryDirectory(prefix="serve-edit-") as out:
        site = IncrementalSite(content_dir, Path(out), defer=deferred)
        site.update()
        gc.freeze()  # as serve does: the first build's objects are long-lived
        target = sorted((content_dir / "matters").glob("*.md"))[len(list((content_dir / "matters").glob("*.md"))) // 2]
        original = target.read_text(encoding="utf-8")
        timings: dict[str, list[float]] = {"first_write": [], "update": []}
        try:
            for round_number in range(repeat):
                target.write_text(original.rstrip("\n") + EDIT_MARK * (round_number + 1) + "\n", encoding="utf-8")
                update = site.update()
                assert not update.errors, update.errors
                assert any(path.startswith(urls.matter("")[:-len("/index.html")]) for path in update.written)
                timings["first_write"].append(update.first_write or update.seconds)
                timings["update"].append(update.seconds)
        finally:
            target.write_text(original, encoding="utf-8")
        return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(edit_timings(args.content, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
