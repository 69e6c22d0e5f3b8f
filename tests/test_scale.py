"""Builds at scale: split listings, and every way of building gives a plain full build's bytes.

Synthetic content (``benchmarks/synth.py``) at 150 and 700 matters, with a
small ``Listing`` threshold so that paginated department pages and the
split full list appear at test sizes. ``PARALLEL_FROM`` is lowered where a
test needs workers at 150 matters.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import generator.engine.stages as stages_module
from conftest import CONTENT, load_synth
from generator.site import urls
from generator.engine.build import build
from generator.content.check import load_valid_content
from generator.engine.incremental import IncrementalSite
from generator.content.matter_file import file_name
from generator.site.render import Listing, group_matters, pages

# At 150 matters: the list splits, and so do 4 of 32 departments, the longest parts of the list and the
# longest categories.
SMALL = Listing(threshold=20, per_page=10, part_per_page=15, category_per_page=25)


synth = load_synth()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """Synthetic content of N matters, made once per module and size (tests must not change it)."""
    made: dict[int, Path] = {}

    def make(count: int) -> Path:
        if count not in made:
            made[count] = synth.generate(count, tmp_path_factory.mktemp(f"synth{count}") / "content")
        return made[count]
    return make


@pytest.fixture(scope="module")
def small_site(synthetic, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "site"
    build(synthetic(150), out, listing=SMALL)
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


class Links(HTMLParser):
    """The links, ids, matter articles and list rows of one page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []
        self.ids: set[str] = set()
        self.articles: list[str] = []  # ids of department entries, in order
        self.rows: list[str] = []  # ids of full-list rows, in order
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.ids.add(attributes.get("id", ""))
        if tag == "a" and "href" in attributes:
            self.links.append(attributes)
        if tag == "article":
            self.articles.append(attributes["id"])
        if tag == "tbody" and attributes.get("class") == "matter":
            self.rows.append(attributes["id"])


def parse(site: Path, path: str) -> Links:
    return Links((site / path).read_text(encoding="utf-8"))


def target(path: str, href: str) -> str:
    """The site path a relative link on page ``path`` leads to (the page itself for "#fragment")."""
    if not urlsplit(href).path:
        return path
    folder = path.split("/")[:-1]
    for part in unquote(urlsplit(href).path).split("/"):
        folder = folder[:-1] if part == ".." else [*folder, part]
    return "/".join(folder)


def test_long_department_listings_are_paginated(small_site, synthetic):
    content = load_valid_content(synthetic(150))
    _, by_department = group_matters(content)
    split = [d for d in content.departments if len(by_department[d.slug]) > SMALL.threshold]
    assert split and len(split) < len(content.departments)
    for department in content.departments:
        matters = by_department[department.slug]
        count = SMALL.pages_for(len(matters))
        addresses = [urls.department(department.slug, number) for number in range(1, count + 1)]
        assert not (small_site / urls.department(department.slug, count + 1)).exists()
        shown = []
        for number, path in enumerate(addresses, start=1):
            page = parse(small_site, path)
            shown += page.articles
            if count == 1:
                assert "page-" not in "".join(link["href"] for link in page.links)
                continue
            own = {target(path, link["href"]) for link in page.links}
            assert {address for address in own if address.startswith(f"departments/{department.slug}/")} \
                == set(addresses)
            [current] = [link for link in page.links if link.get("aria-current") == "page"
                         and target(path, link["href"]).startswith("departments/")]
            assert target(path, current["href"]) == path
            previous = [target(path, link["href"]) for link in page.links if link.get("rel") == "prev"]
            following = [target(path, link["href"]) for link in page.links if link.get("rel") == "next"]
            assert previous == ([addresses[number - 2]] if number > 1 else [])
            assert following == ([addresses[number]] if number < count else [])
            assert len(page.articles) <= SMALL.per_page
        assert shown == [f"matter-{matter.number}" for matter in matters]


def test_long_category_indexes_are_paginated(small_site, synthetic):
    content = load_valid_content(synthetic(150))
    by_category, _ = group_matters(content)
    paged = 0
    for category in content.categories:
        matters = by_category[category.slug]
        count = SMALL.category_pages_for(len(matters))
        addresses = [urls.category(category.slug, number) for number in range(1, count + 1)]
        assert not (small_site / urls.category(category.slug, count + 1)).exists()
        shown = []
        for number, path in enumerate(addresses, start=1):
            page = parse(small_site, path)
            listed = [target(path, link["href"]) for link in page.links if not link["href"].startswith("#")]
            titles = [address for address in listed if address.startswith("matters/")]
            assert len(titles) <= SMALL.category_per_page
            shown += titles
            own = [address for address in listed if address.startswith(f"categories/{category.slug}/")]
            if count == 1:
                assert own == []
                continue
            assert set(own) == set(addresses)
            following = [target(path, link["href"]) for link in page.links
                         if link.get("rel") == "next" and target(path, link["href"]) in addresses]
            assert following == ([addresses[number]] if number < count else [])
        assert shown == [urls.matter(matter.id) for matter in matters]
        paged += count > 1
    assert 0 < paged < len(content.categories)


def test_a_long_full_list_is_split_by_category(small_site, synthetic):
    content = load_valid_content(synthetic(150))
    by_category, _ = group_matters(content)
    index = parse(small_site, urls.FULL_LIST)
    assert index.rows == []
    linked = [target(urls.FULL_LIST, link["href"]) for link in index.links]
    parts = [path for path in linked if path.startswith("list/") and path != urls.FULL_LIST]
    assert parts == [urls.list_part(category.slug) for category in content.categories]
    paged = 0
    for category in content.categories:
        count = SMALL.part_pages_for(len(by_category[category.slug]))
        addresses = [urls.list_part(category.slug, number) for number in range(1, count + 1)]
        assert not (small_site / urls.list_part(category.slug, count + 1)).exists()
        rows = []
        for number, path in enumerate(addresses, start=1):
            part = parse(small_site, path)
            assert len(part.rows) <= SMALL.part_per_page
            rows += part.rows
            text = (small_site / path).read_text(encoding="utf-8")
            assert text.count('<table class="full-list">') == 1 and "<thead>" in text  # prints with its header
            following = [target(path, link["href"]) for link in part.links if link.get("rel") == "next"]
            if number < count:
                assert following == [addresses[number]]
                assert {target(path, link["href"]) for link in part.links} >= set(addresses)
        assert rows == [f"matter-{matter.number}" for matter in by_category[category.slug]]
        paged += count > 1
    assert 0 < paged < len(content.categories)


def test_every_link_of_the_split_site_resolves(small_site):
    for file in small_site.rglob("*.html"):
        path = file.relative_to(small_site).as_posix()
        page = parse(small_site, path)
        for link in page.links:
            url = urlsplit(link["href"])
            assert not url.scheme and not url.netloc, (path, link["href"])
            if url.path:
                assert (small_site / target(path, link["href"])).is_file(), (path, link["href"])
            if url.fragment and not url.path:
                assert url.fragment in page.ids, (path, link["href"])


def test_the_real_list_stays_whole():
    content = load_valid_content(CONTENT)
    paths = {page.path for page in pages(content)}
    assert urls.FULL_LIST in paths and not any(path.startswith("list/") and path != urls.FULL_LIST for path in paths)
    assert not any("/page-" in path for path in paths)
    assert len(paths) == 47 + len(content.matters)  # 8 categories and their index, 32 departments and theirs, 5 more


def test_workers_and_the_cache_give_a_plain_builds_bytes(synthetic, tmp_path, monkeypatch):
    content = synthetic(150)
    build(content, tmp_path / "plain", jobs=1, listing=SMALL)
    plain = tree(tmp_path / "plain")
    monkeypatch.setattr(stages_module, "PARALLEL_FROM", 0)  # workers even at 150 matters
    build(content, tmp_path / "parallel", jobs=2, listing=SMALL)
    assert tree(tmp_path / "parallel") == plain
    cold = build(content, tmp_path / "cached", jobs=2, listing=SMALL, cache_dir=tmp_path / "cache")
    assert not cold.unchanged and tree(tmp_path / "cached") == plain
    before = stamps(tmp_path / "cached")
    warm = build(content, tmp_path / "cached", jobs=2, listing=SMALL, cache_dir=tmp_path / "cache")
    assert warm.unchanged and (warm.pages, warm.files) == (cold.pages, cold.files)
    assert stamps(tmp_path / "cached") == before  # nothing was written


@pytest.mark.parametrize("tamper", ["edit", "add", "remove"])
def test_a_changed_output_folder_is_built_again(synthetic, tmp_path, tamper):
    content = synthetic(150)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content, out, listing=SMALL, cache_dir=cache)
    plain = tree(out)
    page = out / "matters" / sorted(os.listdir(out / "matters"))[0]
    if tamper == "edit":
        page.write_bytes(page.read_bytes().replace(b"<h1>", b"<h1>!", 1))
    elif tamper == "add":
        (page.parent / "stray.html").write_text("stray", encoding="utf-8")
    else:
        page.unlink()
    again = build(content, out, listing=SMALL, cache_dir=cache)
    assert not again.unchanged and tree(out) == plain


def test_a_cached_build_after_an_edit_equals_a_plain_build(synthetic, tmp_path):
    content = tmp_path / "content"
    synth.generate(150, content)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content, out, listing=SMALL, cache_dir=cache)
    matter = sorted((content / "matters").glob("*.md"))[3]
    matter.write_text(matter.read_text(encoding="utf-8") + "\n新增的配合职责。\n", encoding="utf-8")
    edited = build(content, out, listing=SMALL, cache_dir=cache)
    assert not edited.unchanged
    build(content, tmp_path / "plain", listing=SMALL)
    assert tree(out) == tree(tmp_path / "plain")
    assert "新增的配合职责" in (out / urls.matter(load_valid_content(content).matters[3].id)).read_text(encoding="utf-8")


def test_the_incremental_engine_keeps_split_pages_right(tmp_path):
    content = tmp_path / "content"
    synth.generate(150, content)
    site = IncrementalSite(content, tmp_path / "served", listing=SMALL)
    assert not site.update().errors
    # Swap the numbers of the longest department's first matter and a late matter it does not list:
    # the first matter moves to its end, and every page of that department changes.
    loaded = load_valid_content(content)
    _, by_department = group_matters(loaded)
    longest = max(by_department.values(), key=len)
    early = longest[0]
    late = next(m for m in reversed(loaded.matters) if m not in longest)
    for one, other in ((early, late), (late, early)):
        text = one.path.read_text(encoding="utf-8").replace(f"number: {one.number}\n", f"number: {other.number}\n")
        one.path.unlink()
        (content / "matters" / file_name(other.number, one.id)).write_text(text, encoding="utf-8")
    update = site.update()
    assert not update.errors, update.errors
    build(content, tmp_path / "plain", listing=SMALL)
    assert tree(tmp_path / "served") == tree(tmp_path / "plain")


def test_parallel_builds_at_700_matters_give_the_same_bytes(synthetic, tmp_path):
    content = synthetic(700)
    listing = Listing(threshold=100, per_page=40)
    build(content, tmp_path / "one", jobs=1, listing=listing)
    build(content, tmp_path / "two", jobs=2, listing=listing)
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    assert list((tmp_path / "two" / "departments").glob("*/page-2/index.html"))
    assert len(list((tmp_path / "two" / "search" / "shards").iterdir())) > 10  # indexed in runs, then joined


def test_the_cache_folder_must_not_be_inside_the_output(synthetic, tmp_path):
    from generator.engine.writer import OutputError

    (tmp_path / "site").mkdir()
    with pytest.raises(OutputError):
        build(synthetic(150), tmp_path / "site", cache_dir=tmp_path / "site" / "cache")
