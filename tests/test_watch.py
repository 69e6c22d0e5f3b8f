"""``serve``'s file watch (inotify) and how the poll uses it: reported paths go to the site, and without a report
every file is still stat-ed from time to time."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from generator.engine.incremental import Changes, Update
from generator.engine.server import _Rebuilder
from generator.engine.watch import open_watch

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


@linux_only
def test_the_watch_reports_written_created_removed_and_renamed_files_and_new_folders(tmp_path):
    (tmp_path / "matters").mkdir()
    (tmp_path / ".git").mkdir()
    kept = tmp_path / "matters" / "001-a.md"
    kept.write_text("a", encoding="utf-8")
    watch = open_watch([tmp_path])
    assert watch is not None
    try:
        assert watch.changed() == set()
        kept.write_text("b", encoding="utf-8")
        (tmp_path / ".git" / "index").write_text("x", encoding="utf-8")  # hidden folders are not watched
        assert watch.changed() == {kept}
        moved = kept.with_name("002-a.md")
        kept.rename(moved)
        assert watch.changed() == {kept, moved}
        folder = tmp_path / "lists"
        folder.mkdir()
        assert watch.changed() == {folder}
        inside = folder / "town.yml"  # in a folder that appeared after the watch began
        inside.write_text("name: 甲镇\n", encoding="utf-8")
        moved.unlink()
        assert watch.changed() == {inside, moved}
    finally:
        watch.close()


class FakeSite:
    """Records what the poll asks of the site; an update changes something only when paths are reported."""

    def __init__(self) -> None:
        self.calls: list[frozenset[Path] | None] = []

    def update(self, check_history: bool = False, changed=None) -> Update:
        self.calls.append(None if changed is None else frozenset(changed))
        return Update(Changes(matters=frozenset({"x.md"}) if changed else frozenset()))


class FakeWatch:
    def __init__(self, reports: list[set[Path] | None]) -> None:
        self.reports = reports

    def changed(self) -> set[Path] | None:
        return self.reports.pop(0)


def test_the_poll_passes_reported_paths_scans_when_due_and_when_the_watch_lost_track(tmp_path, monkeypatch):
    edited = tmp_path / "lists/a/peihe/matters/001-a.md"
    site = FakeSite()
    watch = FakeWatch([set(), set(), {edited}, set(), None])
    rebuilder = _Rebuilder(site, [tmp_path], lambda update: None, watch)  # type: ignore[arg-type]
    clock = itertools.count(100.0, 0.01)  # each look at the clock 10 ms later: the pause is 0.2 s at least
    monkeypatch.setattr("generator.engine.server.time.monotonic", lambda: next(clock))
    rebuilder.examine()  # nothing reported, but no scan yet: every file is stat-ed
    assert site.calls == [None]
    rebuilder.examine()  # nothing reported, the next scan not due
    assert site.calls == [None]
    rebuilder.examine()
    assert site.calls == [None, frozenset({edited})]
    rebuilder.examine()  # nothing reported, the pause after the first scan not over
    assert len(site.calls) == 2
    rebuilder.examine()  # the watch may have missed changes: every file is stat-ed
    assert site.calls[-1] is None and len(site.calls) == 3


def test_without_a_watch_every_poll_scans(tmp_path):
    site = FakeSite()
    rebuilder = _Rebuilder(site, [tmp_path], lambda update: None)  # type: ignore[arg-type]
    rebuilder.examine()
    rebuilder.examine()
    assert site.calls == [None, None]
