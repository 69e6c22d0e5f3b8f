"""The incremental engine: exactly the dependent outputs are produced again, and the folder always equals a full build.

A small site project (the first 12 matters, with its own copy of the
templates and assets) keeps every full build for comparison cheap.
"""
from __future__ import annotations

import itertools
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import REPO, copy_content
from generator.site import urls
from generator.engine.build import build
from generator.content.check import load_valid_content
from generator.review.history import NO_HISTORY, History, MatterRevision
from generator.engine.incremental import DOWNLOAD_FILES, SEARCH_FILES, IncrementalSite
from generator.site.render import pages, render_pages

MATTERS = 12
_stamps = itertools.count(1)


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A site project (content/, templates/, static/) in the working directory, with 12 matters."""
    copy_content(tmp_path / "content", MATTERS)
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def site(project: Path) -> IncrementalSite:
    engine = IncrementalSite(project / "content", project / "out")
    first = engine.update()
    assert not first.errors and first.written
    return engine


def touch(path: Path) -> None:
    """Give the file a new modification time: two edits within one clock tick must still be seen."""
    stamp = time.time_ns() + next(_stamps) * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    touch(path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    write(path, text.replace(old, new, 1))


def matter_file(project: Path, number: int) -> Path:
    [path] = (project / "content" / "matters").glob(f"{number:03d}-*.md")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_as_full_build(site: IncrementalSite, project: Path) -> None:
    full = project / f"full-{next(_stamps)}"
    build(project / "content", full)
    built, kept = tree(full), tree(site.out_dir)
    assert sorted(kept) == sorted(built)
    assert [path for path in built if kept[path] != built[path]] == []


def dependants(project: Path, number: int) -> set[str]:
    """What the issue says a matter feeds: its page, its neighbours', category, departments, the indexes."""
    content = load_valid_content(project / "content")
    position = [m.number for m in content.matters].index(number)
    matter = content.matters[position]
    near = content.matters[max(0, position - 1):position + 2]
    return {*(urls.matter(m.id) for m in near), urls.category(content.category_by_name()[matter.category].slug),
            *(urls.department(content.department_by_name()[name].slug) for name in matter.departments),
            urls.HOME, urls.CATEGORIES, urls.FULL_LIST, urls.DEPARTMENTS, urls.SEARCH, *SEARCH_FILES, *DOWNLOAD_FILES}


def test_first_update_is_a_full_build_and_a_second_does_nothing(site, project):
    assert_same_as_full_build(site, project)
    again = site.update()
    assert not again.changes and again.produced == () and again.written == ()


def test_editing_a_matter_produces_exactly_its_dependants(site, project):
    expected = dependants(project, 6)
    edit(matter_file(project, 6), "guarantee: 业务培训及指导。", "guarantee: 业务培训、指导及考核。")
    update = site.update()
    assert not update.errors
    assert set(update.produced) == expected
    assert update.produced[0] == urls.matter("qian-shu-nong-cun-tu-di-cheng")  # the edited page comes first
    assert set(update.written) <= expected and urls.matter("qian-shu-nong-cun-tu-di-cheng") in update.written
    assert update.deleted == ()
    assert_same_as_full_build(site, project)


def test_moving_a_matter_to_another_category_renders_both_category_pages(site, project):
    content = load_valid_content(project / "content")
    slugs = {c.name: c.slug for c in content.categories}
    edit(matter_file(project, 6), "category: 经济发展", "category: 党的建设")
    update = site.update()
    assert {urls.category(slugs["经济发展"]), urls.category(slugs["党的建设"])} <= set(update.written)
    assert urls.category(slugs["民生服务"]) not in update.produced
    assert_same_as_full_build(site, project)


def test_adding_renaming_and_deleting_matter_files(site, project):
    last = matter_file(project, MATTERS)
    added = last.with_name(f"{MATTERS + 1:03d}-xin-zeng-shi-xiang.md")
    text = last.read_text(encoding="utf-8")
    old_id = text.split("id: ", 1)[1].split("\n", 1)[0]
    write(added, text.replace(f"id: {old_id}", "id: xin-zeng-shi-xiang").replace(
        f"number: {MATTERS}", f"number: {MATTERS + 1}").replace("title: ", "title: 新增", 1))
    update = site.update()
    assert urls.matter("xin-zeng-shi-xiang") in update.written and urls.matter(old_id) in update.written
    assert_same_as_full_build(site, project)

    renamed = added.with_name(f"{MATTERS + 1:03d}-geng-ming-shi-xiang.md")
    added.rename(renamed)
    edit(renamed, "id: xin-zeng-shi-xiang", "id: geng-ming-shi-xiang")
    update = site.update()
    assert update.deleted == (urls.matter("xin-zeng-shi-xiang"),)
    assert urls.matter("geng-ming-shi-xiang") in update.written
    assert_same_as_full_build(site, project)

    renamed.unlink()
    update = site.update()
    assert update.deleted == (urls.matter("geng-ming-shi-xiang"),)
    assert not (site.out_dir / "matters" / "geng-ming-shi-xiang").exists()  # no empty folder left behind
    assert_same_as_full_build(site, project)


def test_a_template_feeds_the_pages_that_use_it(site, project):
    content = load_valid_content(project / "content")
    edit(project / "templates" / "category.html", '<p class="lead">', '<p class="lead intro">')
    update = site.update()
    assert set(update.produced) == {urls.category(c.slug) for c in content.categories}
    assert_same_as_full_build(site, project)

    edit(project / "templates" / "base.html", '<main id="main"', '<main id="main" data-edited=""')
    update = site.update()
    # Every page but 404.html, which stands alone (it must work at any depth).
    assert set(update.produced) == {page.path for page in pages(content)} - {urls.NOT_FOUND}
    assert_same_as_full_build(site, project)

    # Imported by base.html, whose header and footer come from its macros.
    edit(project / "templates" / "shared.html", '<a class="skip-link"', '<a class="skip-link" id="skip"')
    update = site.update()
    assert set(update.produced) == {page.path for page in pages(content)}
    assert_same_as_full_build(site, project)


def test_a_static_asset_feeds_only_itself(site, project):
    style = project / "static" / "style.css"
    write(style, style.read_text(encoding="utf-8") + "\n/* edited */\n")
    assert site.update().produced == ("static/style.css",)
    write(project / "static" / "extra.txt", "extra")
    assert site.update().written == ("static/extra.txt",)
    assert_same_as_full_build(site, project)
    (project / "static" / "extra.txt").unlink()
    assert site.update().deleted == ("static/extra.txt",)
    assert_same_as_full_build(site, project)


@pytest.mark.parametrize("name, old, new", [
    ("site.yml", "version: 现行版", "version: 2026 年修订版"),
    ("departments.yml", "    - 区关工委\n", "    - 区关工委\n    - 青山关工委\n"),
])
def test_settings_feed_everything(site, project, name, old, new):
    edit(project / "content" / name, old, new)
    update = site.update()
    assert not update.errors
    assert set(update.produced) == {path for path in tree(site.out_dir) if not path.startswith(urls.STATIC)}
    assert_same_as_full_build(site, project)


def test_invalid_content_is_reported_and_the_last_good_site_kept_until_fixed(site, project):
    before = tree(site.out_dir)
    path = matter_file(project, 6)
    original = path.read_text(encoding="utf-8")
    edit(path, "category: 经济发展", "category: 经济发")
    update = site.update()
    assert [str(e) for e in update.errors] == [
        f"content/matters/{path.name}:5: unknown category '经济发' (did you mean '经济发展'?)"]
    assert site.errors == update.errors and update.written == ()
    assert tree(site.out_dir) == before
    assert "unknown category &#39;经济发&#39;".encode() in site.error_page()
    write(path, original)
    update = site.update()
    assert not update.errors and not site.errors
    assert tree(site.out_dir) == before
    assert_same_as_full_build(site, project)


def test_a_page_written_before_a_whole_content_error_is_redone(site, project):
    """The edited page is written before the whole content is validated; a duplicate number then owes
    it again, and undoing the edit restores it."""
    path = matter_file(project, 6)
    original = path.read_text(encoding="utf-8")
    moved = path.with_name(path.name.replace("006-", "007-"))
    path.rename(moved)
    edit(moved, "number: 6", "number: 7")
    update = site.update()
    assert "matter number 7 is used twice" in "\n".join(str(e) for e in update.errors)
    assert update.written == (urls.matter("qian-shu-nong-cun-tu-di-cheng"),)  # written early, now owed
    moved.unlink()
    write(path, original)
    update = site.update()
    assert not update.errors
    assert urls.matter("qian-shu-nong-cun-tu-di-cheng") in update.written
    assert_same_as_full_build(site, project)


def test_a_broken_template_is_reported_with_its_line_then_fixed(site, project):
    template = project / "templates" / "matter.html"
    original = template.read_text(encoding="utf-8")
    edit(template, "<h1>{{ matter.title }}</h1>", "<h1>{{ matter.title }</h1>")
    update = site.update()
    [error] = update.errors
    assert str(error).startswith("templates/matter.html:6: ")
    write(template, original)
    update = site.update()
    assert not update.errors
    assert_same_as_full_build(site, project)


def test_deferred_outputs_are_produced_when_asked_for(project):
    site = IncrementalSite(project / "content", project / "out", defer=lambda path: path in DOWNLOAD_FILES)
    first = site.update()
    assert not set(DOWNLOAD_FILES) & set(first.written)
    edit(matter_file(project, 3), "guarantee: 业务培训及指导。", "guarantee: 业务培训。")
    assert not set(DOWNLOAD_FILES) & set(site.update().produced)
    assert sorted(site.ensure(urls.CSV_DOWNLOAD)) == sorted(DOWNLOAD_FILES)
    assert site.ensure(urls.CSV_DOWNLOAD) == []
    assert_same_as_full_build(site, project)


def test_history_feeds_only_the_matter_pages_whose_revisions_moved(project):
    content = load_valid_content(project / "content")
    matter = content.matters[4]
    changed = History({matter.id: (MatterRevision("2026-11-01", "abc1234", f"第{matter.number}项 履职保障 修改"),)})
    heads = iter(["one", "two"])
    histories = iter([NO_HISTORY, changed])
    site = IncrementalSite(project / "content", project / "out", history=lambda _: next(histories),
                           head=lambda _: next(heads))
    site.update()
    update = site.update(check_history=True)
    assert update.produced[0] == urls.matter(matter.id)
    assert sorted(update.produced[1:]) == sorted(DOWNLOAD_FILES)  # the JSON gives each matter's last revision
    [page] = [p for p in pages(content) if p.path == urls.matter(matter.id)]
    expected = render_pages(content, [page], project / "templates", changed)[page.path]
    assert (site.out_dir / page.path).read_bytes() == expected


def test_the_folder_must_be_its_own(project):
    (project / "out").mkdir()
    (project / "out" / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        IncrementalSite(project / "content", project / "out")


def test_sharded_search_index_matches_the_build_and_leaves_no_stale_parts(content_copy, tmp_path, monkeypatch):
    """Above the threshold serve writes the same sharded index as build, and drops parts it no longer has."""
    from generator.engine import incremental
    from generator.site import search

    threshold = 2000  # bytes: shards even the real list
    monkeypatch.setattr(incremental, "search_files",
                        lambda payload, **options: search.search_files(payload, threshold, **options))
    monkeypatch.setattr(search.PostingRuns, "RUN", 7)  # postings kept in runs of 7 matters
    out = tmp_path / "served"
    site = IncrementalSite(content_copy, out)

    def expected() -> dict[str, str]:
        return search.search_files(search.search_payload(load_valid_content(content_copy)), threshold)

    def written() -> dict[str, str]:
        return {path.relative_to(out / "search").as_posix(): path.read_text(encoding="utf-8")
                for path in (out / "search").rglob("*") if path.is_file() and path.name != "index.html"}

    site.update()
    assert written() == expected()
    assert any(name.startswith("shards/") for name in written())
    edited = sorted((content_copy / "matters").glob("*.md"))[30]
    edited.write_text(edited.read_text(encoding="utf-8").replace("负责", "负责监督", 1), encoding="utf-8")
    assert not site.update().errors
    assert written() == expected()
    for path in sorted((content_copy / "matters").glob("*.md"))[10:]:
        path.unlink()
    assert not site.update().errors
    assert written() == expected()
