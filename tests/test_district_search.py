"""The district's search (generator/site/district_search.py, static/search.js) against a reference.

The reference is a brute-force scan of the loaded library: for each matter
its title, its departments' names and aliases and its searched text, folded
as search folds them; a term of two or more characters must occur in one of
them, a one-character term in the title or the departments; the filters
compare the matter's own town, list type, category and departments. The
index is built from the example district (``scripts/example_district.py``
from the tests' frozen list) and searched by ``static/search.js`` in Node,
loading its shards as a browser does.
"""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from conftest import CONTENT, load_script
from generator.content.list_types import load_list_types
from generator.content.lists import load_library
from generator.content.model import Library
from generator.engine.build import build
from generator.site.district_search import (DISTRICT_FORMAT, district_categories, district_index,
                                            district_search_files)
from generator.site.district_pages import library_texts
from generator.site.search import markdown_lines
from district_reference import reference, reference_rows
from test_search_js import SEARCH_JS, SHARDS_JS, run_queries

QUERIES = ["低保", "民政局", "残疾人 补贴", "燃气", "一卡通", "12345", "房", "区", "住建局", "收回", "依据",
           "不存在的词语", "ＡＰＰ", "示例数据", "卫健委 疫苗"]
BUDGET_BYTES = 100_000  # search before the first result, gzip (issue #16)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The example district of ten towns, made from the tests' frozen list."""
    content = tmp_path_factory.mktemp("example") / "content"
    load_script("example_district").generate(CONTENT, content)
    return content


@pytest.fixture(scope="module")
def library(example: Path) -> Library:
    return load_library(example)


@pytest.fixture(scope="module")
def search_folder(library: Library, tmp_path_factory) -> Path:
    """The district's search/ folder as the build writes it."""
    folder = tmp_path_factory.mktemp("search")
    for name, text in district_search_files(district_index(library, load_list_types())).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def filter_sets(library: Library) -> list[dict[str, str]]:
    towns = [town.slug for town in library.towns]
    return [{}, {"t": towns[0]}, {"t": towns[-1]}, {"l": "jiben"}, {"l": "peihe"}, {"l": "shouhui"},
            {"c": "livelihood-services"}, {"d": "civil-affairs"}, {"t": towns[1], "l": "peihe"},
            {"l": "shouhui", "d": "civil-affairs"}, {"c": "safety-rule-of-law", "d": "housing-construction"},
            {"t": towns[0], "l": "peihe", "c": "livelihood-services", "d": "civil-affairs"},
            {"l": "jiben", "d": "civil-affairs"},  # 基本 matters name no department: nothing
            {"c": "no-such-category"}]


# ---- tests ------------------------------------------------------------------------------------------


def test_search_js_finds_exactly_what_a_scan_of_the_library_finds(library, search_folder, tmp_path):
    rows = reference_rows(library)
    categories = {category["slug"]: category["name"] for category in district_categories(library)}
    cases = [{"q": query, **filters} for query in QUERIES for filters in filter_sets(library)]
    cases += [{"q": "", **filters} for filters in filter_sets(library) if filters]
    answers = run_queries(search_folder, cases, tmp_path)
    wrong = []
    for case, answer in zip(cases, answers):
        expected = reference(rows, categories, case["q"], case)
        if sorted(answer["keys"]) != sorted(expected) or len(answer["keys"]) != len(set(answer["keys"])):
            wrong.append(f"{case}: search.js {len(answer['keys'])}, reference {len(expected)}; "
                         f"missing {sorted(set(expected) - set(answer['keys']))[:3]}, "
                         f"extra {sorted(set(answer['keys']) - set(expected))[:3]}")
    assert not wrong, "\n".join(wrong)
    found = [len(answer["keys"]) for answer in answers]
    assert sum(1 for count in found if count) > len(cases) // 2, "most cases find something: the test can fail"


def test_filters_that_leave_nothing_fetch_no_shard_and_a_filter_narrows(library, search_folder, tmp_path):
    cases = [{"q": "民政局 低保", "l": "jiben", "d": "civil-affairs"}, {"q": "民政局 低保"},
             {"q": "民政局 低保", "t": library.towns[0].slug}]
    nothing, everywhere, one_town = run_queries(search_folder, cases, tmp_path)
    assert nothing["keys"] == [] and nothing["shards"] == []
    assert everywhere["shards"] and 0 < len(one_town["keys"]) < len(everywhere["keys"])
    assert {key.split("/")[0] for key in one_town["keys"]} == {library.towns[0].slug}


def test_results_in_the_title_come_first_then_the_district_s_order(library, search_folder, tmp_path):
    answer, = run_queries(search_folder, [{"q": "低保"}], tmp_path)
    rows = {row["key"]: row for row in reference_rows(library)}
    in_title = [("低保" in rows[key]["title"]) for key in answer["keys"]]
    assert in_title == sorted(in_title, reverse=True) and any(in_title) and not all(in_title)
    order = list(rows)
    titled = [key for key, title in zip(answer["keys"], in_title) if title]
    assert titled == sorted(titled, key=order.index)  # by town, list type, number within each tier


def test_the_manifest_stores_each_kind_of_matter_once_and_every_matter_in_order(library):
    manifest = district_index(library, load_list_types()).manifest
    assert manifest["format"] == DISTRICT_FORMAT
    matters = [matter for matter_list in library.lists for matter in matter_list.matters]
    assert sum(manifest["lists"]["count"]) == len(manifest["matters"]["kind"]) == len(matters)
    kinds = manifest["kinds"]
    assert len(kinds["id"]) < len(matters) / 3  # the towns share most matters
    numbers, number = [], 0
    for step in manifest["matters"]["number"]:
        number += step
        numbers.append(number)
    assert numbers == [matter.number for matter in matters]
    assert [(kinds["id"][k], kinds["title"][k]) for k in manifest["matters"]["kind"]] == \
        [(matter.id, matter.title) for matter in matters]
    assert [t["slug"] for t in manifest["types"]] == ["jiben", "peihe", "shouhui"]
    first_seen = list(dict.fromkeys(manifest["matters"]["kind"]))
    assert first_seen == list(range(len(kinds["id"])))  # search.js lays the titles out by kind in this order


def test_typed_matters_are_searched_by_their_declared_fields(library):
    """A 收回 matter's department is a department (aliases too), its 收回后的履职方式 the text."""
    index = district_index(library, load_list_types())
    start = sum(index.manifest["lists"]["count"][:2])  # the first town's 基本 and 配合 lists come first
    shouhui = library.lists[2]
    assert shouhui.info.type == "shouhui"
    matter = shouhui.matters[0]
    kind = index.manifest["matters"]["kind"][start]
    department = index.manifest["departments"][index.manifest["kinds"]["departments"][kind][0]]
    assert department["name"] == matter.value("department")
    assert index.bodies[start] == markdown_lines(matter.value("after"))
    assert matter.value("after") in library_texts(library, load_list_types())  # converted before the search reads it


def test_the_page_offers_the_index_s_choices_and_works_without_javascript(example, tmp_path):
    site = tmp_path / "site"
    build(example, site)
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((site / "search" / "search-index.json").read_text(encoding="utf-8"))

    def options(name: str) -> list[str]:
        select = re.search(rf'<select id="search-{name}" name="\w">(.*?)</select>', page, re.S).group(1)
        return re.findall(r'<option value="([^"]*)"', select)[1:]

    assert options("town") == [town["slug"] for town in manifest["towns"]]
    assert options("type") == [t["slug"] for t in manifest["types"]]
    assert options("category") == [category["slug"] for category in manifest["categories"]]
    assert set(options("department")) <= {department["slug"] for department in manifest["departments"]}
    assert "civil-affairs" in options("department")
    noscript = re.search(r"<noscript>(.*?)</noscript>", page, re.S).group(1)
    assert len(re.findall(r'href="\.\./[a-z0-9-]+/(?:jiben|peihe|shouhui)/index\.html"', noscript)) == 30
    assert 'href="../departments/index.html"' in noscript
    assert 'href="search/index.html"' in (site / "index.html").read_text(encoding="utf-8")
    shards = manifest["shards"]
    assert len(list((site / "search" / "shards").glob("*.js"))) == shards
    # search.js needs search-shards.js for this index: run before it rather than fetched once search.js has run
    assert re.findall(r'<script src="([^"]+)" defer>', page) == [
        "search-index.js", "../static/search-shards.js", "../static/search.js"]
    assert (site / "static" / "search-shards.js").read_bytes() == SHARDS_JS.read_bytes()


def test_a_filtered_query_downloads_within_the_budget_before_its_first_result(library, search_folder, tmp_path):
    """The manifest, search.js, search-shards.js and the shards a query needs, gzip: at the district shape, well
    inside 100 KB."""
    def gzip_size(path: Path) -> int:
        return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))

    cases = [{"q": "防返贫监测", "t": library.towns[0].slug}, {"q": "消防安全", "l": "peihe"}, {"q": "工作"}]
    base = gzip_size(search_folder / "search-index.js") + gzip_size(SEARCH_JS) + gzip_size(SHARDS_JS)
    for case, answer in zip(cases, run_queries(search_folder, cases, tmp_path)):
        total = base + sum(gzip_size(search_folder / f"{name}.js") for name in answer["shards"])
        assert answer["shards"] and total <= BUDGET_BYTES, (case, total)
