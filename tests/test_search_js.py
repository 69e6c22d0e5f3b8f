"""static/search.js, run in Node: exact results, ranking, highlighting, and the page's behaviour.

The reference for "which matters contain the query" is generator.site.search's
``searchable_parts``: a term of two or more characters must occur in the
matter's searchable text, a one-character term in its title or departments.
"""
from __future__ import annotations

import gzip
from conftest import load_synth
import json
import os
import random
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.content.check import load_valid_content
from generator.content.model import Content
from generator.site.search import (
    FIELD_SEPARATOR,
    normalize,
    payload_json,
    query_shards,
    query_terms,
    search_files,
    search_payload,
    searchable_parts,
    write_search_files,
)

REPO = Path(__file__).parent.parent
SEARCH_JS = REPO / "static" / "search.js"
SHARDS_JS = REPO / "static" / "search-shards.js"  # a sharded index's part of the search, beside search.js
NODE_HELPERS = Path(__file__).parent / "js"
NODE = shutil.which("node") or "/usr/bin/node"
NAMED_QUERIES = [
    "低保", "民政局", "一卡通", "12345", "疾人", "燃气", "低保金", "残疾人", "残疾人 补贴", "残疾人　补贴",
    "住建局", "卫健委", "人社局", "市场监管", "应急局", "医保局", "ＡＰＰ", "app", "App",
    "青山区民政局", "消防", "公示 入户", "区", "房", "税 登记", "不存在的词语",
]
ABBREVIATIONS = {"住建局": "青山区住房和城乡建设局", "卫健委": "青山区卫生健康委员会",
                 "人社局": "青山区人力资源和社会保障局", "市场监管": "青山区市场监督管理局",
                 "应急局": "青山区应急管理局", "医保局": "青山区医疗保障局", "民政局": "青山区民政局"}



@pytest.fixture(scope="module", autouse=True)
def node_available() -> None:
    """Skip without Node.js, but fail on CI: a CI run that skips these proves nothing."""
    if Path(NODE).exists():
        return
    message = "Node.js (node on PATH) is needed to run static/search.js"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# ---- helpers ----------------------------------------------------------------

def run_node(script: str, *args: Path) -> list:
    """Run a helper from tests/js and return its JSON output."""
    completed = subprocess.run([NODE, str(NODE_HELPERS / script), str(SEARCH_JS), *map(str, args)],
                               capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run_queries(index: Path, queries: list[dict], tmp: Path) -> list[dict]:
    """Answers from a payload JSON file or a site's search/ folder (see tests/js/run_queries.js)."""
    return run_node("run_queries.js", index, write_json(tmp / "queries.json", queries))


def expected_ids(content: Content, parts: dict[str, tuple[str, str, str]], query: str,
                 category: str = "", department: str = "") -> set[str]:
    """The matters that contain every term of the query (and pass the filters)."""
    terms = query_terms(query)
    slugs = {c.name: c.slug for c in content.categories}
    department_slugs = {d.name: d.slug for d in content.departments}
    found = set()
    for matter in content.matters:
        title, departments, body = parts[matter.id]
        short = title + FIELD_SEPARATOR + departments
        full = short + FIELD_SEPARATOR + body
        if category and slugs[matter.category] != category:
            continue
        if department and department not in {department_slugs[name] for name in matter.departments}:
            continue
        if all(term in (full if len(term) >= 2 else short) for term in terms):
            found.add(matter.id)
    return found


def sampled_queries(content: Content, parts: dict[str, tuple[str, str, str]]) -> list[str]:
    """2- and 3-character pieces of every title and duty text, plus pairs and single characters."""
    rng = random.Random(20240517)
    queries: list[str] = []

    def pieces(text: str, length: int, count: int) -> list[str]:
        starts = list(range(len(text) - length + 1))
        chosen = [text[start:start + length] for start in rng.sample(starts, min(count, len(starts)))]
        return [piece for piece in chosen if not any(char.isspace() for char in piece)]

    for matter in content.matters:
        title, _, body = parts[matter.id]
        sampled = pieces(title, 2, 2) + pieces(title, 3, 1) + pieces(body, 2, 2) + pieces(body, 3, 2)
        queries.extend(sampled)
        queries.append(" ".join(sampled[:2]))
        queries.append("　".join(pieces(body, 2, 1) + pieces(title, 1, 1)))
        queries.extend(pieces(title, 1, 1))
    return list(dict.fromkeys(query for query in queries if query.strip()))


# ---- fixtures ---------------------------------------------------------------

@pytest.fixture(scope="module")
def content() -> Content:
    return load_valid_content(REPO / "content")


@pytest.fixture(scope="module")
def parts(content: Content) -> dict[str, tuple[str, str, str]]:
    return {matter.id: searchable_parts(matter, content) for matter in content.matters}


@pytest.fixture(scope="module")
def payload_path(content: Content, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "search-index.json"
    path.write_text(payload_json(search_payload(content)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def named(content: Content, payload_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    answers = run_queries(payload_path, [{"q": q} for q in NAMED_QUERIES], tmp_path_factory.mktemp("named"))
    return dict(zip(NAMED_QUERIES, answers))


def ids_of(content: Content, numbers: list[int]) -> list[str]:
    by_number = {matter.number: matter.id for matter in content.matters}
    return [by_number[number] for number in numbers]


# ---- exact results on the real content ----------------------------------------

def test_named_queries_find_exactly_the_matters_containing_them(content: Content, parts: dict,
                                                               named: dict[str, dict]) -> None:
    wrong = {query: answer["ids"] for query, answer in named.items()
             if set(answer["ids"]) != expected_ids(content, parts, query)}
    assert wrong == {}
    assert all(len(answer["ids"]) == len(set(answer["ids"])) for answer in named.values())


def test_known_hard_queries_find_what_segmenting_search_missed(content: Content,
                                                              named: dict[str, dict]) -> None:
    assert ids_of(content, [86])[0] in named["燃气"]["ids"]
    assert ids_of(content, [12])[0] in named["低保金"]["ids"]
    assert ids_of(content, [96]) == named["12345"]["ids"]
    assert ids_of(content, [68]) == named["ＡＰＰ"]["ids"] == named["app"]["ids"] == named["App"]["ids"]
    assert len(named["残疾人"]["ids"]) >= 6
    assert named["残疾人 补贴"]["ids"] == named["残疾人　补贴"]["ids"] != []
    assert named["不存在的词语"]["ids"] == []
    for answer in named.values():
        assert len(answer["ids"]) <= len(content.matters)


def test_di_bao_does_not_match_di_tan_and_bao_zhang(content: Content, parts: dict,
                                                    named: dict[str, dict]) -> None:
    low_carbon = [m.id for m in content.matters if "低碳" in parts[m.id][2] and "低保" not in parts[m.id][2]]
    assert low_carbon, "the content no longer has a matter with 低碳 but not 低保"
    assert not set(low_carbon) & set(named["低保"]["ids"])


def test_abbreviations_find_every_matter_of_their_department(content: Content,
                                                            named: dict[str, dict]) -> None:
    for abbreviation, name in ABBREVIATIONS.items():
        owned = {m.id for m in content.matters if name in m.departments}
        assert owned and owned <= set(named[abbreviation]["ids"]), abbreviation
        department_first = named[abbreviation]["ids"][:len(owned)]
        assert set(department_first) == owned, abbreviation  # department matches rank before duty-only ones


def test_sampled_substrings_find_exactly_the_matters_containing_them(content: Content, parts: dict,
                                                                    payload_path: Path, tmp_path: Path) -> None:
    queries = sampled_queries(content, parts)
    assert len(queries) > 500
    answers = run_queries(payload_path, [{"q": q} for q in queries], tmp_path)
    wrong = {query: sorted(answer["ids"]) for query, answer in zip(queries, answers)
             if set(answer["ids"]) != expected_ids(content, parts, query)}
    assert wrong == {}
    assert sum(1 for answer in answers if answer["ids"]) == len(queries)  # each piece finds its own matter


def test_filters_combine_with_the_query_and_list_all_without_one(content: Content, parts: dict,
                                                                payload_path: Path, tmp_path: Path) -> None:
    cases = [{"q": "", "c": c.slug} for c in content.categories]
    cases += [{"q": "", "d": "civil-affairs"}, {"q": "", "d": "housing-construction", "c": "safety-rule-of-law"}]
    cases += [{"q": "补贴", "c": "livelihood-services"}, {"q": "低保", "d": "civil-affairs"},
              {"q": "消防", "c": "party-building"}, {"q": "", "c": "no-such-category"}]
    answers = run_queries(payload_path, cases, tmp_path)
    numbers = {matter.id: matter.number for matter in content.matters}
    for case, answer in zip(cases, answers):
        assert set(answer["ids"]) == expected_ids(content, parts, case["q"], case.get("c", ""), case.get("d", ""))
        if not case["q"]:
            assert [numbers[i] for i in answer["ids"]] == sorted(numbers[i] for i in answer["ids"])
    assert all(answer["ids"] for answer in answers[:len(content.categories)])


def test_empty_query_without_filters_asks_for_nothing(payload_path: Path, tmp_path: Path) -> None:
    assert [answer["ids"] for answer in run_queries(payload_path, [{"q": ""}, {"q": " 　 "}], tmp_path)] == [[], []]


def test_normalisation_is_the_same_in_python_and_javascript(tmp_path: Path) -> None:
    samples = ["ＡＰＰ下载", "Ｗｉ－Ｆｉ　热点", "１２３４５热线", "（村）：，。", "Ⅻ章", "①②", "ﬁle",
               "Café", "Cafe\u0301", "\u0301起首", "ΣΑΣ", "İstanbul", "ｶﾞｲﾄﾞ", "𠀋𠀌 字", "  a\u3000b\tc\u2003d  ",
               "残疾人 补贴 残疾人", ""]
    answers = run_node("normalize.js", write_json(tmp_path / "strings.json", samples))
    assert [a["normalized"] for a in answers] == [normalize(s) for s in samples]
    assert [a["terms"] for a in answers] == [query_terms(s) for s in samples]


# ---- ranking, highlighting and snippets on a constructed index ------------------

def constructed_payload() -> dict:
    departments = [{"slug": "civil", "name": "青山区民政局", "aliases": ["民政局", "低保办"]},
                   {"slug": "roads", "name": "青山区交通局", "aliases": ["交通局"]}]

    def matter(number: int, title: str, department: int, body: list[str]) -> dict:
        return {"id": f"m{number}", "number": number, "title": title, "category": 0,
                "departments": [department], "body": body}

    matters = [
        matter(7, "道路养护", 1, ["对低保户的道路进行养护。"]),  # duty only
        matter(3, "道路巡查", 1, ["巡查后落实低保政策。"]),  # duty only, lower number
        matter(5, "困难群众帮扶", 0, ["入户走访。"]),  # department alias 低保办
        matter(9, "发放低保金", 1, ["按月发放。"]),  # title
        matter(11, "低保", 1, ["无"]),  # the title is the query
        matter(12, "低碳出行宣传", 1, ["做好社会保障宣传。"]),  # 低碳 and 保障, never 低保
        matter(20, "残疾人补贴发放", 1, ["发放。"]),  # whole phrase in the title
        matter(21, "补贴残疾人家庭", 1, ["发放。"]),  # both terms in the title, not as one phrase
        matter(22, "残疾人证办理", 1, ["申请补贴。"]),  # one term in the title
        matter(23, "补贴审核", 0, ["核对残疾人名单。"]),  # one term in the title, department too
        matter(30, "ＡＰＰ推广", 1, ["下载app后" + "很长的一段说明文字" * 8 + "，再用App上报。"]),
        matter(31, "标题<b>加粗</b>&amp;", 1, ["正文<img src=x onerror=alert(1)>结束"]),
    ]
    return {"format": 1, "categories": [{"slug": "all", "name": "民生服务"}],
            "departments": departments, "matters": matters}


@pytest.fixture(scope="module")
def constructed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("constructed") / "payload.json"
    return write_json(path, constructed_payload())


def test_ranking_title_then_department_then_duty_then_number(constructed: Path, tmp_path: Path) -> None:
    [answer] = run_queries(constructed, [{"q": "低保"}], tmp_path)
    assert answer["ids"] == ["m11", "m9", "m5", "m23", "m3", "m7"]
    assert "m12" not in answer["ids"]


def test_ranking_puts_the_whole_phrase_in_the_title_first(constructed: Path, tmp_path: Path) -> None:
    phrase, spaced = run_queries(constructed, [{"q": "残疾人补贴"}, {"q": "残疾人 补贴"}], tmp_path)
    assert phrase["ids"] == ["m20"]
    assert spaced["ids"] == ["m20", "m21", "m22", "m23"]
    assert [score["tier"] for score in spaced["scores"]] == [1, 2, 2, 2]


def test_highlight_ranges_map_back_through_width_folding(constructed: Path, tmp_path: Path) -> None:
    [answer] = run_queries(constructed, [{"q": "app"}], tmp_path)
    assert answer["ids"] == ["m30"]
    assert answer["title"] == [[0, 3]]  # ＡＰＰ in the title, found by app
    snippet = answer["snippet"]
    assert snippet["text"].startswith("下载app后") and snippet["after"] and not snippet["before"]
    assert len(snippet["text"]) <= 62
    assert snippet["ranges"][0] == [2, 5]


def test_snippet_centres_on_a_match_deep_in_a_long_line(constructed: Path, tmp_path: Path) -> None:
    [answer] = run_queries(constructed, [{"q": "再用"}], tmp_path)
    snippet = answer["snippet"]
    assert snippet["before"] and not snippet["after"]
    start, end = snippet["ranges"][0]
    assert snippet["text"][start:end] == "再用"


def test_real_snippets_show_the_first_full_text_match(content: Content, payload_path: Path,
                                                      tmp_path: Path) -> None:
    queries = ["低保", "一卡通", "燃气", "12345", "残疾人 补贴"]
    for query, answer in zip(queries, run_queries(payload_path, [{"q": q} for q in queries], tmp_path)):
        snippet = answer["snippet"]
        marked = [normalize(snippet["text"][start:end]) for start, end in snippet["ranges"]]
        assert marked and all(any(term in piece for term in query_terms(query)) for piece in marked), query
        assert len(snippet["text"]) <= 62, query


# ---- the page: DOM, URL, history ---------------------------------------------

def run_page(payload: Path, tmp_path: Path, url: str, steps: list[dict]) -> list[dict]:
    scenario = write_json(tmp_path / "scenario.json", {"url": url, "steps": steps})
    return run_node("page.js", payload, scenario)


def test_page_keeps_markup_in_content_and_query_as_text(constructed: Path, tmp_path: Path) -> None:
    [loaded] = run_page(constructed, tmp_path, "http://site/search/?q=%3Cb%3E", [])
    assert loaded["count"] == 1 and loaded["status"] == "找到 1 项"
    assert loaded["tags"] == ["a", "h2", "li", "mark", "p", "span"]
    assert "<mark>&lt;b&gt;</mark>" in loaded["firstItem"]
    [xss] = run_page(constructed, tmp_path, "http://site/search/?q=<img src=x onerror=alert(1)>", [])
    assert xss["q"] == "<img src=x onerror=alert(1)>"
    assert "img" not in xss["tags"] and xss["count"] == 1
    assert "<mark>&lt;img</mark>" in xss["firstItem"]


def test_page_result_markup(constructed: Path, tmp_path: Path) -> None:
    [loaded] = run_page(constructed, tmp_path, "http://site/search/?q=%E4%BD%8E%E4%BF%9D%E9%87%91", [])
    assert loaded["firstItem"] == (
        '<li class="result"><h2 class="result-title"><a href="../matters/m9.html">发放<mark>低保金</mark></a></h2>'
        '<p class="result-meta"><span class="result-number">第 9 项</span> '
        '<span class="result-category">民生服务</span> '
        '<span class="result-departments">青山区交通局</span></p>'
        '<p class="result-snippet">按月发放。</p></li>')


def test_page_reads_deep_links_and_filters(content: Content, parts: dict, payload_path: Path,
                                           tmp_path: Path) -> None:
    url = "file:///site/search/index.html?q=%E8%A1%A5%E8%B4%B4&c=livelihood-services&d=bogus"
    [loaded] = run_page(payload_path, tmp_path, url, [])
    expected = expected_ids(content, parts, "补贴", "livelihood-services")
    assert (loaded["q"], loaded["c"], loaded["d"]) == ("补贴", "livelihood-services", "")
    assert loaded["count"] == len(expected) > 0
    assert loaded["status"] == f"找到 {len(expected)} 项"
    assert {link.split("/")[-1].removesuffix(".html") for link in loaded["links"]} == expected
    assert all(link.startswith("../matters/") and link.endswith(".html") for link in loaded["links"])
    assert loaded["title"] == "“补贴”的搜索结果 · 搜索"


def test_page_history_typing_replaces_and_commits_push(constructed: Path, tmp_path: Path) -> None:
    steps = [
        {"do": "compose", "value": "di"},  # IME still composing: no search
        {"do": "compositionend", "value": "低"},
        {"do": "type", "value": "低保"},
        {"do": "flush"},  # first change after a commit: a new history entry
        {"do": "type", "value": "低保金"},
        {"do": "flush"},  # later keystrokes replace it
        {"do": "blur"},  # commit
        {"do": "type", "value": "残疾人"},
        {"do": "submit"},  # commit without waiting
        {"do": "select", "id": "search-department", "value": "civil"},
        {"do": "back"},
        {"do": "back"},
        {"do": "back"},
    ]
    snaps = run_page(constructed, tmp_path, "http://site/search/", steps)
    start, composing, ended, typed, first, _more, second, blurred, _typed, submitted, filtered, *backs = snaps
    assert start["status"] == "输入要查找的词语，或选择分类、部门。" and start["count"] == 0
    assert composing["pendingTimers"] == 0 and composing["count"] == 0
    assert ended["pendingTimers"] == 1
    assert typed["count"] == 0  # debounced
    assert (first["count"], first["entries"], first["pushes"], first["replaces"]) == (6, 2, 1, 0)
    assert first["search"] == "?q=%E4%BD%8E%E4%BF%9D"
    assert (second["count"], second["entries"], second["pushes"], second["replaces"]) == (1, 2, 1, 1)
    assert blurred["entries"] == 2
    assert blurred["kept"]  # leaving the field by clicking a result must not redraw it away
    assert not second["kept"]
    assert submitted["prevented"] is True
    assert (submitted["count"], submitted["entries"], submitted["pushes"]) == (4, 3, 2)
    assert (filtered["d"], filtered["count"], filtered["entries"]) == ("civil", 1, 4)
    assert [(s["q"], s["d"], s["count"]) for s in backs] == [("残疾人", "", 4), ("低保金", "", 1), ("", "", 0)]
    assert backs[-1]["status"] == start["status"]


def test_page_says_when_nothing_is_found_and_suggests_what_to_try(constructed: Path, tmp_path: Path) -> None:
    [none] = run_page(constructed, tmp_path, "http://site/search/?q=%E4%B8%8D%E5%AD%98%E5%9C%A8", [])
    assert none["count"] == 0
    assert none["status"].startswith("没有找到符合条件的事项。")
    for hint in ("缩短", "减少词语个数", "分类和部门筛选"):
        assert hint in none["status"]
    assert '<a href="../list/index.html">全部事项</a>' in none["statusHtml"]


def test_page_explains_one_character_queries(constructed: Path, tmp_path: Path) -> None:
    [single] = run_page(constructed, tmp_path, "http://site/search/?q=%E8%B7%AF", [])  # 路
    assert single["count"] == 2  # titles 道路…; 路 in a duty text alone would not count
    assert "单字只查找事项名称和部门" in single["status"]


def test_script_never_uses_html_parsing_sinks() -> None:
    source = SEARCH_JS.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("):
        assert sink not in source, sink


# ---- a sharded index: the same results, a few small files per query ------------

SHARDED_COUNT = 600  # synthetic matters: enough for repeats across hundreds of matters
SAMPLED_MATTERS = 120  # matters whose pieces become queries (all 600 would take minutes)
BENCHMARK_QUERIES = ["低保", "民政局", "残疾人 补贴", "燃气", "一卡通", "12345", "疾人", "住建局", "防返贫监测", "消防安全"]
REQUEST_BUDGET = 6  # files downloaded before the first result: search.js, search-shards.js, search-index.js, shards
BYTE_BUDGET = 100_000  # gzip, the same files


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Content:
    folder = tmp_path_factory.mktemp("large") / "content"
    return load_valid_content(load_synth().generate(SHARDED_COUNT, folder))


@pytest.fixture(scope="module")
def large_parts(large: Content) -> dict[str, tuple[str, str, str]]:
    return {matter.id: searchable_parts(matter, large) for matter in large.matters}


@pytest.fixture(scope="module")
def large_sites(large: Content, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same content as a single-file index and as a sharded one: the threshold decides."""
    root = tmp_path_factory.mktemp("large-sites")
    write_search_files(large, root / "single", shard_above=10**9)
    write_search_files(large, root / "sharded", shard_above=0)
    return {"single": root / "single" / "search", "sharded": root / "sharded" / "search"}


@pytest.fixture(scope="module")
def large_queries(large: Content, large_parts: dict) -> list[str]:
    rng = random.Random(600)
    sampled = sorted(rng.sample(list(large.matters), SAMPLED_MATTERS), key=lambda matter: matter.number)
    pieces = sampled_queries(replace(large, matters=tuple(sampled)), large_parts)
    return list(dict.fromkeys(NAMED_QUERIES + BENCHMARK_QUERIES + pieces + ["哈哈哈", "监测对象帮扶计划明确了"]))


@pytest.fixture(scope="module")
def large_answers(large_sites: dict[str, Path], large_queries: list[str],
                  tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    tmp = tmp_path_factory.mktemp("large-answers")
    return {mode: run_queries(index, [{"q": q} for q in large_queries], tmp) for mode, index in large_sites.items()}


def test_large_index_is_sharded_above_the_threshold(large_sites: dict[str, Path]) -> None:
    assert sorted(path.name for path in large_sites["single"].iterdir()) == ["search-index.js", "search-index.json"]
    assert (large_sites["sharded"] / "shards").is_dir() and (large_sites["sharded"] / "text").is_dir()


def test_both_modes_find_exactly_the_matters_containing_the_query(large: Content, large_parts: dict,
                                                                 large_queries: list[str],
                                                                 large_answers: dict[str, list[dict]]) -> None:
    assert len(large_queries) > 500
    for mode, answers in large_answers.items():
        wrong = {query: sorted(answer["ids"]) for query, answer in zip(large_queries, answers)
                 if set(answer["ids"]) != expected_ids(large, large_parts, query)}
        assert wrong == {}, mode
    # The same ranking, scores and snippets, whichever way the index is cut.
    for single, sharded in zip(large_answers["single"], large_answers["sharded"]):
        assert (sharded["ids"], sharded["scores"], sharded["snippet"]) == \
            (single["ids"], single["scores"], single["snippet"])


def test_sharded_queries_load_few_small_files(large_sites: dict[str, Path], large_queries: list[str],
                                              large_answers: dict[str, list[dict]]) -> None:
    folder = large_sites["sharded"]
    first_files = [gzip_size(SEARCH_JS), gzip_size(SHARDS_JS), gzip_size(folder / "search-index.js")]
    by_query = dict(zip(large_queries, large_answers["sharded"]))
    for query in BENCHMARK_QUERIES:
        shards = by_query[query]["shards"]
        assert 1 <= len(shards) and len(first_files) + len(shards) <= REQUEST_BUDGET, (query, shards)
        assert sum(first_files) + sum(gzip_size(folder / f"{name}.js") for name in shards) <= BYTE_BUDGET, query
        assert by_query[query]["text"], query  # the snippets of the first page come after
    # Typed terms of up to five characters (two terms at most here) stay within the budget.
    for query, answer in by_query.items():
        if all(len(term) <= 5 for term in query_terms(query)) and len(query_terms(query)) <= 2:
            assert 2 + len(answer["shards"]) <= REQUEST_BUDGET, (query, answer["shards"])
    assert all(answer["shards"] == [] for answer in large_answers["single"])
    # The same shards as generator.site.search computes them (for run.py): same hash, same bigrams.
    count = json.loads((folder / "search-index.json").read_text(encoding="utf-8"))["shards"]
    assert {query: answer["shards"] for query, answer in by_query.items()} == \
        {query: [f"shards/{shard}" for shard in query_shards(query, count)] for query in by_query}
    one_character = by_query["区"]
    assert one_character["shards"] == [] and one_character["ids"]  # titles and departments only


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def test_sharded_page_draws_a_page_at_a_time_then_the_snippets(large: Content, large_parts: dict,
                                                                large_sites: dict[str, Path],
                                                                tmp_path: Path) -> None:
    expected = expected_ids(large, large_parts, "补贴")
    assert len(expected) > 40
    url = "http://site/search/?q=%E8%A1%A5%E8%B4%B4"
    loaded, more, again = run_page(large_sites["sharded"], tmp_path, url, [{"do": "more"}, {"do": "more"}])
    assert loaded["count"] == 20 and loaded["snippets"] == 20 and not loaded["busy"]
    assert loaded["status"] == f"找到 {len(expected)} 项，显示前 20 项"
    assert loaded["more"] == f"更多结果（还有 {len(expected) - 20} 项）"
    assert loaded["headChildren"] == 0  # the <script> elements are taken out once run
    assert more["count"] == more["snippets"] == 40 and more["kept"]  # appended, not redrawn
    assert again["count"] == min(60, len(expected))
    assert again["more"] == (None if len(expected) <= 60 else f"更多结果（还有 {len(expected) - 60} 项）")
    [single] = run_page(large_sites["single"], tmp_path, url, [])
    assert single["count"] == len(expected) and single["more"] is None and single["scripts"] == 0
    assert single["status"] == f"找到 {len(expected)} 项"
    assert loaded["firstItem"] == single["firstItem"]


def test_results_drawn_while_their_text_is_on_its_way_get_their_snippets(large: Content, large_parts: dict,
                                                                         large_sites: dict[str, Path],
                                                                         tmp_path: Path) -> None:
    """更多结果 pressed twice in a row: the second page's text files arrive after the third page's first
    screenful was drawn and before the rest of it. The first of those results are in the same text file
    as some of the second page's (their ids are close in the official order), so their text is there by
    the time the rest is drawn: they too need their snippets then."""
    expected = expected_ids(large, large_parts, "监测")
    assert len(expected) > 60
    url = "http://site/search/?q=%E7%9B%91%E6%B5%8B"
    steps = [{"do": "more", "settle": False}, {"do": "more", "settle": False},
             {"do": "deliver", "settle": False}, {"do": "settle"}]
    *_, delivered, settled = run_page(large_sites["sharded"], tmp_path, url, steps)
    assert delivered["count"] == 40 + 5 and delivered["snippets"] == 40  # the third page: its first screenful
    assert settled["count"] == settled["snippets"] == 60


def test_sharded_page_draws_only_the_latest_search(large: Content, large_parts: dict,
                                                  large_sites: dict[str, Path], tmp_path: Path) -> None:
    steps = [{"do": "type", "value": "防返贫监测", "settle": False}, {"do": "submit", "settle": False},
             {"do": "type", "value": "燃气", "settle": False}, {"do": "submit", "settle": False}, {"do": "settle"}]
    start, _, waiting, _, _, done = run_page(large_sites["sharded"], tmp_path, "http://site/search/", steps)
    assert waiting["busy"] and waiting["count"] == 0 and waiting["status"] == start["status"]
    expected = expected_ids(large, large_parts, "燃气")
    assert not done["busy"] and done["q"] == "燃气" and done["title"].startswith("“燃气”")
    assert done["status"] == f"找到 {len(expected)} 项，显示前 20 项"
    assert {link.split("/")[-1].removesuffix(".html") for link in done["links"]} <= expected


def test_sharded_page_remembers_a_search_once_its_results_are_drawn(large_sites: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    """The history call (slow in Chromium) waits for the results; an overtaken search gets no entry."""
    steps = [{"do": "type", "value": "防返贫监测", "settle": False}, {"do": "submit", "settle": False},
             {"do": "settle"},
             {"do": "type", "value": "燃气", "settle": False}, {"do": "submit", "settle": False},
             {"do": "type", "value": "消防安全", "settle": False}, {"do": "submit", "settle": False},
             {"do": "settle"}, {"do": "back"}]
    _, _, waiting, drawn, *_, done, back = run_page(large_sites["sharded"], tmp_path, "http://site/search/", steps)
    assert waiting["busy"] and (waiting["search"], waiting["pushes"]) == ("", 0)
    assert drawn["count"] == 20 and (drawn["search"], drawn["pushes"]) == (f"?q={quote('防返贫监测')}", 1)
    assert done["q"] == "消防安全" and (done["search"], done["pushes"]) == (f"?q={quote('消防安全')}", 2)
    assert back["q"] == "防返贫监测" and back["count"] == 20  # 燃气 was never shown, so never remembered


def test_sharded_page_draws_as_soon_as_the_typed_querys_shards_have_run(large_sites: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    """No typing pause on top of the shards' round trip; the text files come after the results' frame."""
    steps = [{"do": "type", "value": "燃气", "settle": False}, {"do": "settle"}, {"do": "flush"}]
    loaded, waiting, searched, flushed = run_page(large_sites["sharded"], tmp_path, "http://site/search/", steps)
    assert loaded["scripts"] == 1  # static/search-shards.js, fetched by search.js for a sharded index
    assert waiting["count"] == 0 and waiting["pendingTimers"] == 0 and waiting["scripts"] == 1
    assert searched["count"] == 20 and not searched["busy"] and searched["scripts"] > 1  # the shard, then text files
    assert searched["pendingTimers"] == 0 and flushed == {**searched, "kept": True}


def test_sharded_page_waits_for_the_typing_pause_when_no_shard_is_needed(large_sites: dict[str, Path],
                                                                         tmp_path: Path) -> None:
    """A one-character query (titles and departments only) or one whose shards are loaded: drawn after the pause."""
    steps = [{"do": "type", "value": "燃气"}, {"do": "type", "value": "燃"}, {"do": "flush"}]
    _, gas, typed, searched = run_page(large_sites["sharded"], tmp_path, "http://site/search/", steps)
    assert typed["pendingTimers"] == 1 and typed["links"] == gas["links"]  # still the previous results
    assert searched["count"] > 0 and searched["status"] != gas["status"]


def test_sharded_page_says_so_when_a_shard_is_missing(large_sites: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "search"
    shutil.copytree(large_sites["sharded"], broken)
    shutil.rmtree(broken / "shards")
    [failed, filtered] = run_page(broken, tmp_path, "http://site/search/?q=%E7%87%83%E6%B0%94",
                                  [{"do": "select", "id": "search-category", "value": "livelihood-services"}])
    assert failed["status"].startswith("搜索数据没有加载成功") and failed["count"] == 0 and not failed["busy"]
    assert filtered["status"].startswith("搜索数据没有加载成功")  # tried again, failed again


def test_sharded_index_agrees_on_tricky_text(tmp_path: Path) -> None:
    """Width, case, combining marks, astral characters, repeats: positions are code points of the folded text."""
    payload = constructed_payload()
    bodies = [["下载ＡＰＰ后，Cafe\u0301 与 café 不同", "𠀋𠀌字 𠀋𠀌"], ["哈哈哈哈哈", "①②号 ﬁle"],
              ["İstanbul ΣΑΣ", "\u0301起首 ｶﾞｲﾄﾞ"], ["低保低保 低保"]]
    for matter, body in zip(payload["matters"], bodies):
        matter["body"] = body
    folder = tmp_path / "site"
    folder.mkdir()
    for name, text in search_files(payload, shard_above=0).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    single = write_json(tmp_path / "single.json", payload)
    folded = {m["id"]: normalize(FIELD_SEPARATOR.join(m["body"])) for m in payload["matters"]}
    queries = ["app", "ＡＰＰ下载", "cafe\u0301", "café", "𠀋𠀌", "𠀋𠀌字", "哈哈哈", "哈哈哈哈哈", "哈哈哈哈哈哈",
               "12号", "file", "istanbul", "i\u0307stanbul", "σας", "σασ", "起首", "ガイド", "ｶﾞｲﾄﾞ", "低保低保", "保 低"]
    queries += [text[start:start + length] for text in folded.values() for length in (2, 3, 5)
                for start in range(0, max(1, len(text) - length), 3)]
    queries = [query for query in dict.fromkeys(queries) if query.strip()]
    sharded_answers = run_queries(folder, [{"q": q} for q in queries], tmp_path)
    single_answers = run_queries(single, [{"q": q} for q in queries], tmp_path)
    assert [a["ids"] for a in sharded_answers] == [a["ids"] for a in single_answers]
    for query, answer in zip(queries, sharded_answers):
        terms = query_terms(query)
        body_only = {m["id"] for m in payload["matters"]
                     if all(term in folded[m["id"]] for term in terms) and all(len(t) >= 2 for t in terms)}
        assert body_only <= set(answer["ids"]), query
    found = dict(zip(queries, (answer["ids"] for answer in sharded_answers)))
    assert found["𠀋𠀌字"] == found["cafe\u0301"] == found["café"] == ["m7"] and found["σας"] == []
    assert found["哈哈哈哈哈"] == found["12号"] == found["file"] == ["m3"] and found["哈哈哈哈哈哈"] == []
    assert found["σασ"] == found["ｶﾞｲﾄﾞ"] == ["m5"] and found["ガイド"] == []  # ﾞ folds to a combining mark
    assert found["保 低"] == ["m9", "m11", "m5", "m23"]  # one character each: titles and departments only


FIRST_SCREEN = 5  # search.js draws this many results before their first frame, the rest after it


def test_results_come_a_screenful_first_then_all_in_the_searchs_order(large_sites: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    """The first frame gets a screenful; after it every result is there (a sharded index's first page), in the
    order of the core's search, with the count said from the start."""
    query = "补贴"
    for mode in ("single", "sharded"):
        [answer] = run_queries(large_sites[mode], [{"q": query}], tmp_path)
        shown = answer["ids"] if mode == "single" else answer["ids"][:20]
        assert len(shown) > FIRST_SCREEN
        steps = [{"do": "type", "value": query}, {"do": "type", "value": query + " ", "settle": False},
                 {"do": "submit", "settle": False}, {"do": "settle"}]
        *_, first, done = run_page(large_sites[mode], tmp_path, "http://site/search/", steps)
        ids = [link.split("/")[-1].removesuffix(".html") for link in done["links"]]
        assert first["count"] == FIRST_SCREEN and first["links"] == done["links"][:FIRST_SCREEN], mode
        assert first["status"] == done["status"] and str(len(answer["ids"])) in first["status"], mode
        assert ids == shown and done["snippets"] == len(shown), mode
