"""The search index: complete, compact, deterministic, and small enough to download."""
from __future__ import annotations

import gzip
import os
import json
import random
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import CONTENT, committed_matters
from generator.site import bigrams
from generator.site import search as search_module
from generator.content.check import load_valid_content
from generator.site.markup import MarkdownRenderer, matter_texts
from generator.content.model import Content
from generator.site.search import (
    JS_GLOBAL,
    JS_NAME,
    JSON_NAME,
    SHARD_ABOVE_BYTES,
    SHARDED_FORMAT,
    bigram_postings,
    body_lines,
    html_lines,
    join_postings,
    markdown_lines,
    normalize,
    normalize_many,
    payload_json,
    PostingRuns,
    posting_part,
    search_bodies,
    query_terms,
    search_files,
    search_payload,
    searchable_parts,
    searchable_text,
    shard_of,
    write_search_files,
)

REPO = Path(__file__).parent.parent
SEARCH_JS = REPO / "static" / "search.js"
SEARCH_TEMPLATE = REPO / "templates" / "search.html"
BUDGET_BYTES = 45_000  # gzip, everything downloaded before the first result
GZIP_LEVEL = 6  # what a web server commonly sends, and what benchmarks/run.py counts
MARKDOWN_SYNTAX = re.compile(r"^(#{1,6} |[-*+] |\d+[.)] )|\*\*|__|`|\[.*\]\(")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_valid_content(CONTENT)


@pytest.fixture(scope="module")
def payload(content: Content) -> dict:
    return search_payload(content)


def test_payload_holds_every_matter_with_its_facts(content: Content, payload: dict) -> None:
    assert len(payload["matters"]) == len(content.matters) == committed_matters()
    categories = payload["categories"]
    departments = payload["departments"]
    by_name = content.category_by_name()
    for matter, entry in zip(content.matters, payload["matters"]):
        assert (entry["id"], entry["number"], entry["title"]) == (matter.id, matter.number, matter.title)
        assert categories[entry["category"]]["slug"] == by_name[matter.category].slug
        assert [departments[index]["name"] for index in entry["departments"]] == list(matter.departments)
        assert entry["body"] == body_lines(matter)


def test_payload_lists_categories_and_departments_with_slugs_and_aliases(content: Content,
                                                                         payload: dict) -> None:
    assert [c["slug"] for c in payload["categories"]] == [c.slug for c in content.categories]
    housing = next(d for d in payload["departments"] if d["name"] == "青山区住房和城乡建设局")
    assert housing["slug"] == "housing-construction"
    assert "住建局" in housing["aliases"]


def test_body_is_plain_text_without_markdown_syntax(payload: dict) -> None:
    lines = [line for entry in payload["matters"] for line in entry["body"]]
    assert len(lines) > 900
    assert [line for line in lines if MARKDOWN_SYNTAX.search(line)] == []
    assert all(line == line.strip() and "\n" not in line for line in lines)


def test_body_keeps_the_official_order_and_leaves_out_section_headings(content: Content,
                                                                       payload: dict) -> None:
    entry = next(e for e in payload["matters"] if e["number"] == 49)
    assert entry["body"][0].startswith("根据各街镇、部门反馈的信息")  # upper duties first
    assert entry["body"][2] == "定期开展基层网格员安全培训。"  # then 履职保障
    assert entry["body"][-1] == "对违法违规、拒不整改隐患的企业上报区应急管理局。"  # town duties last
    assert not any(line.endswith("职责：") for line in entry["body"])


def test_markdown_lines_strip_list_markers_and_headings() -> None:
    text = "#### 动态监测：\n\n1. 第一项。\n3. 第三项：\n    - （1）细项。\n- 无号项 **重点**。"
    assert markdown_lines(text) == ["动态监测：", "第一项。", "第三项：", "（1）细项。", "无号项 重点。"]
    assert markdown_lines("") == []
    # Content cannot carry markup: what the page shows as text is what search finds.
    assert markdown_lines("低于 5 &lt; 6 <b>万元</b>") == ["低于 5 < 6 <b>万元</b>"]


def test_searchable_text_holds_title_aliases_duties_and_guarantee(content: Content) -> None:
    matter = next(m for m in content.matters if m.number == 49)
    text = searchable_text(matter, content)
    assert text.startswith(normalize(matter.title))
    assert "应急局" in text  # an alias of 青山区应急管理局
    assert "定期开展基层网格员安全培训" in text  # 履职保障
    assert "电线私搭乱接" in text  # a nested town duty


def test_normalize_folds_width_and_case() -> None:
    assert normalize("ＡＰＰ下载ｘＹ１２３") == "app下载xy123"
    assert normalize("低保（村）") == "低保(村)"
    assert query_terms("残疾人　补贴  残疾人 ") == ["残疾人", "补贴"]


def test_json_and_js_files_hold_the_same_data(content: Content, payload: dict, tmp_path: Path) -> None:
    paths = write_search_files(content, tmp_path)
    json_path, js_path = tmp_path / "search" / "search-index.json", tmp_path / "search" / "search-index.js"
    assert paths == [json_path, js_path]
    script = js_path.read_text(encoding="utf-8")
    prefix, suffix = f"window.{JS_GLOBAL} = ", ";\n"
    assert script.startswith(prefix) and script.endswith(suffix)
    from_js = json.loads(script[len(prefix):-len(suffix)])
    assert from_js == json.loads(json_path.read_text(encoding="utf-8")) == payload


def test_output_is_deterministic(content: Content, tmp_path: Path) -> None:
    first = [path.read_bytes() for path in write_search_files(content, tmp_path / "one")]
    second = [path.read_bytes() for path in write_search_files(content, tmp_path / "two")]
    assert first == second
    assert search_payload(content) == search_payload(content)
    assert first[0].decode("utf-8").strip() == json.dumps(
        json.loads(first[0]), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def test_first_result_download_fits_the_budget(content: Content, tmp_path: Path) -> None:
    _, index_js = write_search_files(content, tmp_path)
    sizes = {path.name: len(gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL))
             for path in (SEARCH_JS, index_js)}
    assert len(sizes) == 2  # two requests: the index and the script
    assert sum(sizes.values()) <= BUDGET_BYTES, sizes


def test_search_page_loads_only_the_index_and_the_script() -> None:
    if not SEARCH_TEMPLATE.exists():
        pytest.skip("templates/search.html is not written yet")
    sources = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", SEARCH_TEMPLATE.read_text(encoding="utf-8"))
    assert [Path(source).name for source in sources] == ["search-index.js", "search.js"]


# ---- the sharded index (large lists) -----------------------------------------------

PART_FILE = re.compile(r'^\(window\.SEARCH_PARTS=window\.SEARCH_PARTS\|\|\{\}\)\["((?:shards|text)/\d+)"\]=(.*);\n$',
                       re.DOTALL)


@pytest.fixture(scope="module")
def sharded(payload: dict) -> dict[str, str]:
    """The real content's files, sharded by force (its own size keeps a single file)."""
    return search_files(payload, shard_above=0)


def part_data(files: dict[str, str], name: str) -> object:
    match = PART_FILE.match(files[f"{name}.js"])
    assert match and match.group(1) == name, files[f"{name}.js"][:80]
    return json.loads(match.group(2))


def decode(posting: str) -> dict[int, list[int]]:
    """A posting as {matter index: positions}: the reference decoder for search.js's."""
    decoded, matter = {}, -1
    for entry in posting.split(";"):
        gap, places = entry.split(":")
        matter += int(gap)
        steps = [int(step) for step in places.split(",")]
        decoded[matter] = [sum(steps[:k + 1]) for k in range(len(steps))]
    return decoded


def test_small_lists_keep_the_single_file_and_large_ones_are_sharded(payload: dict) -> None:
    single = search_files(payload)
    assert sorted(single) == ["search-index.js", "search-index.json"]
    assert single["search-index.json"] == payload_json(payload) + "\n"
    assert len(payload_json(payload).encode()) * 3 < SHARD_ABOVE_BYTES  # room to grow before sharding
    assert search_files(payload, shard_above=len(payload_json(payload).encode())) == single
    assert len(search_files(payload, shard_above=len(payload_json(payload).encode()) - 1)) > 2


def test_manifest_has_what_ranking_and_the_result_list_need(payload: dict, sharded: dict[str, str]) -> None:
    manifest = json.loads(sharded["search-index.json"])
    assert sharded["search-index.js"] == f"window.{JS_GLOBAL} = {payload_json(manifest)};\n"
    assert manifest["format"] == SHARDED_FORMAT
    assert (manifest["categories"], manifest["departments"]) == (payload["categories"], payload["departments"])
    columns, matters = manifest["matters"], payload["matters"]
    for key in ("id", "title", "category", "departments"):
        assert columns[key] == [matter[key] for matter in matters], key
    numbers = [sum(columns["number"][:k + 1]) for k in range(len(matters))]
    assert numbers == [matter["number"] for matter in matters]
    assert "body" not in columns
    shards = sorted(name for name in sharded if name.startswith("shards/"))
    assert manifest["shards"] == len(shards) > 1


def test_text_files_hold_every_body_in_order(payload: dict, sharded: dict[str, str]) -> None:
    sizes = json.loads(sharded["search-index.json"])["text"]
    bodies = [body for number in range(len(sizes)) for body in part_data(sharded, f"text/{number}")]
    assert [len(part_data(sharded, f"text/{number}")) for number in range(len(sizes))] == sizes
    assert bodies == [matter["body"] for matter in payload["matters"]]
    assert len(sizes) > 1 and sorted(name for name in sharded if name.startswith("text/")) == \
        sorted(f"text/{number}.js" for number in range(len(sizes)))


def reference_places(bodies: list[str]) -> dict[str, dict[int, list[int]]]:
    """Every bigram without a space, by matter index and place: one step per character."""
    places: dict[str, dict[int, list[int]]] = {}
    for index, body in enumerate(bodies):
        for at in range(len(body) - 1):
            if not (body[at].isspace() or body[at + 1].isspace()):
                places.setdefault(body[at:at + 2], {}).setdefault(index, []).append(at)
    return places


def test_shards_hold_every_bigram_position_and_nothing_else(content: Content, sharded: dict[str, str]) -> None:
    count = json.loads(sharded["search-index.json"])["shards"]
    found: dict[str, dict[int, list[int]]] = {}
    for number in range(count):
        data = part_data(sharded, f"shards/{number}")
        assert all(shard_of(gram, count) == number for gram in data)
        found.update({gram: decode(posting) for gram, posting in data.items()})
    assert found == reference_places([searchable_parts(matter, content)[2] for matter in content.matters])
    assert "低保" in found and "保障" in found and "低碳" in found


def test_bigram_postings_encode_gaps_and_steps() -> None:
    postings = bigram_postings(["ab ab", "", "xabab\nab"])
    assert postings == {"ab": "1:0,3;2:1,2,3", "ba": "3:2", "xa": "3:0"}  # gaps from index -1


def random_bodies(seed: int) -> list[str]:
    """Bodies of a few characters (some repeating a lot), spaces of several kinds, characters beyond
    U+FFFF, empty bodies (gaps of many digits) and long ones (places of many digits)."""
    generator = random.Random(seed)
    alphabet = ["低", "保", "ab", "a", "\U0001F600", "\U00020000", "1", " ", "\n", "\u3000", "\x85", "\u2028", "x"]
    bodies = []
    for _ in range(generator.randint(1, 400)):
        size = generator.choice([0, 0, 1, 2, 5, 30, 300, 3000])
        bodies.append("".join(generator.choice(alphabet) for _ in range(size))[:size])
    return bodies


@pytest.mark.parametrize("seed", range(6))
def test_postings_of_random_bodies_hold_every_place(seed: int) -> None:
    bodies = random_bodies(seed)
    postings = bigram_postings(bodies)
    assert {gram: decode(posting) for gram, posting in postings.items()} == reference_places(bodies)
    cut = len(bodies) // 3
    parts = [posting_part(bodies[:cut]), posting_part(bodies[cut:], cut)]
    assert join_postings(parts) == postings


def test_the_postings_leave_out_exactly_the_characters_queries_are_split_on() -> None:
    every_character = "".join(map(chr, range(0x110000)))
    splitting = [ord(char) for char in every_character if len(f"a{char}b".split()) == 2]
    assert bigrams.SPACE_CODES.tolist() == splitting


class ReferenceLines(HTMLParser):
    """What ``html_lines`` must find, taken by a real HTML parser: a line per block element."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "div", "blockquote", "pre", "tr", "td", "th",
              "dt", "dd", "ul", "ol", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCKS:
            self.parts.append([])

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])

    def handle_data(self, data: str) -> None:
        self.parts[-1].append(data)

    def lines(self, html: str) -> list[str]:
        self.feed(html)
        self.close()
        return [line for line in (" ".join("".join(part).split()) for part in self.parts) if line]


def test_html_lines_read_the_converted_text_as_an_html_parser_does(content: Content) -> None:
    renderer = MarkdownRenderer(content.departments)
    tricky = ["1. 第一项\n3. 第三项 &amp; <b>粗</b>\n\n- （1）细项", "### 标题\n\n正文  两个空格\n换行",
              "低于 5 &lt; 6 &gt; 4", "青山区民政局负责**统筹**，`代码`与 *强调*。", "a<br>b", ""]
    for text in [*matter_texts(content), *tricky]:
        html = renderer.converted(text)
        assert html_lines(html) == ReferenceLines().lines(html), text


@pytest.mark.parametrize("cuts", [[], [1], [3, 4], [1, 2, 3, 4, 5], [0, 6]])
def test_postings_of_runs_join_to_the_postings_of_all(cuts: list[int]) -> None:
    bodies = ["ab ab", "", "xabab\nab", "ba", "ab", "yy", "abab"]
    edges = [0, *cuts, len(bodies)]
    parts = [posting_part(bodies[start:end], start) for start, end in zip(edges, edges[1:])]
    assert join_postings(parts) == bigram_postings(bodies)
    assert bigram_postings(bodies)["ab"] == "1:0,3;2:1,2,3;2:0;2:0,2"


def test_posting_runs_index_again_only_the_runs_that_changed(payload: dict, monkeypatch) -> None:
    bodies = [entry["body"] for entry in payload["matters"]]
    runs = PostingRuns()
    monkeypatch.setattr(PostingRuns, "RUN", 10)
    assert runs.postings(bodies) == bigram_postings(search_bodies(bodies))
    indexed: list[int] = []
    monkeypatch.setattr(search_module, "posting_part",
                        lambda run, start=0: indexed.append(start) or posting_part(run, start))
    edited = [*bodies[:42], [*bodies[42], "新增一行：低保复核"], *bodies[43:]]
    expected = bigram_postings(search_bodies(edited))
    indexed.clear()
    assert runs.postings(edited) == expected
    assert indexed == [40]
    shortened = edited[:95]
    expected = bigram_postings(search_bodies(shortened))
    indexed.clear()
    assert runs.postings(shortened) == expected
    assert indexed == [90]


def test_normalize_many_is_normalize(payload: dict) -> None:
    texts = ["ＡＰＰ下载", "Cafe\u0301 ＡＢ", "ｶﾞｲﾄﾞ", "ΣΑΣ", "", "低保\n（村）"]
    assert normalize_many(texts) == [normalize(text) for text in texts]
    assert normalize_many(texts[:1] + texts[3:]) == [normalize(text) for text in texts[:1] + texts[3:]]


def test_shard_of_is_fnv1a_over_code_points() -> None:
    assert shard_of("", 2**32) == 0x811C9DC5
    assert shard_of("a", 2**32) == 0xE40C292C  # the published FNV-1a 32 value of "a"
    assert shard_of("𠀋字", 7) == ((((0x811C9DC5 ^ 0x2000B) * 0x01000193 & 0xFFFFFFFF ^ 0x5B57)
                                   * 0x01000193 & 0xFFFFFFFF) % 7)


def test_sharded_output_is_deterministic(content: Content, tmp_path: Path) -> None:
    first = write_search_files(content, tmp_path / "one", shard_above=0)
    second = write_search_files(content, tmp_path / "two", shard_above=0)
    assert [p.relative_to(tmp_path / "one") for p in first] == [p.relative_to(tmp_path / "two") for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.name for p in first[:2]] == [JSON_NAME, JS_NAME]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through Linux's /proc")
def test_the_array_postings_start_no_threads():
    """numpy's BLAS would start a spinning thread per core at import, taking CPU from the build's processes
    and copied into every forked worker; the postings need no linear algebra, so it must start none."""
    script = ("import os\nfrom generator.site import bigrams\n"
              "print(len(os.listdir('/proc/self/task')))")
    env = {key: value for key, value in os.environ.items() if not key.endswith("_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.strip() == "1"
