"""``serve``'s file watch (watchdog) and how the poll uses it: reported paths go to the site, and without a report
every file is still stat-ed from time to time."""
from __future__ import annotations

import itertools
import time
from pathlib import Path

from watchdog.events import DirModifiedEvent, FileModifiedEvent

from generator.engine.incremental import Changes, Update
from generator.engine.server import _Rebuilder
from generator.engine.watch import FolderWatch, open_watch

WAIT_SECONDS = 5.0  # the system's report reaches watchdog's thread a moment after the change


def reported(watch: FolderWatch, expected: set[Path]) -> set[Path]:
    """What the watch reports until it holds ``expected`` (or the wait is over): events arrive on a thread."""
    found: set[Path] = set()
    deadline = time.monotonic() + WAIT_SECONDS
    while not expected <= found and time.monotonic() < deadline:
        found |= watch.changed() or set()
        time.sleep(0.02)
    time.sleep(0.1)  # anything reported with them arrives too
    return found | (watch.changed() or set())


def test_the_watch_reports_written_created_removed_and_renamed_files_and_new_folders(tmp_path):
    (tmp_path / "matters").mkdir()
    (tmp_path / ".git").mkdir()
    kept = tmp_path / "matters" / "001-a.md"
    kept.write_text("a", encoding="utf-8")
    watch = open_watch([tmp_path])
    assert watch is not None
    try:
        time.sleep(0.2)
        assert watch.changed() == set()
        (tmp_path / ".git" / "index").write_text("x", encoding="utf-8")  # hidden entries are not reported
        kept.write_text("b", encoding="utf-8")
        assert reported(watch, {kept}) == {kept}, "a folder's own modification is not reported"
        moved = kept.with_name("002-a.md")
        kept.rename(moved)
        assert reported(watch, {kept, moved}) == {kept, moved}
        folder = tmp_path / "lists"
        folder.mkdir()
        assert reported(watch, {folder}) == {folder}
        inside = folder / "town.yml"  # in a folder that appeared after the watch began
        inside.write_text("name: 甲镇\n", encoding="utf-8")
        moved.unlink()
        assert reported(watch, {inside, moved}) == {inside, moved}
    finally:
        watch.close()


def test_paths_come_back_as_the_folder_was_named(tmp_path, monkeypatch):
    """A relative content folder's files are reported relative too, as the engine names its own files."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content" / "matters").mkdir(parents=True)
    watch = open_watch([Path("content")])
    assert watch is not None
    try:
        time.sleep(0.2)
        edited = Path("content/matters/001-a.md")
        edited.write_text("a", encoding="utf-8")
        assert reported(watch, {edited}) == {edited}
    finally:
        watch.close()


def test_a_real_absolute_path_reported_comes_back_under_the_folder_as_named(tmp_path, monkeypatch):
    """As macOS reports them: the engine still recognises its file; a folder's own modification is dropped."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    watch = FolderWatch([Path("content")])
    watch.on_any_event(FileModifiedEvent(str(tmp_path.resolve() / "content" / "a.md")))
    watch.on_any_event(DirModifiedEvent(str(tmp_path.resolve() / "content")))
    watch.on_any_event(FileModifiedEvent(str(tmp_path.resolve() / "content" / ".git" / "index")))
    assert watch.changed() == {Path("content/a.md")}


def test_no_watch_where_none_can_be_started(tmp_path, monkeypatch):
    def refuse(self):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(FolderWatch, "start", refuse)
    assert open_watch([tmp_path]) is None


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
