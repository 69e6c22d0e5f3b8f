"""The search index: complete, compact, deterministic, and small enough to download."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from generator.check import load_valid_content
from generator.model import Content
from generator.search import (
    JS_GLOBAL,
    body_lines,
    markdown_lines,
    normalize,
    query_terms,
    search_payload,
    searchable_text,
    write_search_files,
)

REPO = Path(__file__).parent.parent
SEARCH_JS = REPO / "static" / "search.js"
SEARCH_TEMPLATE = REPO / "templates" / "search.html"
BUDGET_BYTES = 45_000  # gzip, everything downloaded before the first result
MARKDOWN_SYNTAX = re.compile(r"^(#{1,6} |[-*+] |\d+[.)] )|\*\*|__|`|\[.*\]\(")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_valid_content(REPO / "content")


@pytest.fixture(scope="module")
def payload(content: Content) -> dict:
    return search_payload(content)


def test_payload_holds_every_matter_with_its_facts(content: Content, payload: dict) -> None:
    assert len(payload["matters"]) == len(content.matters) == 100
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
    sizes = {path.name: len(gzip.compress(path.read_bytes(), compresslevel=9))
             for path in (SEARCH_JS, index_js)}
    assert len(sizes) == 2  # two requests: the index and the script
    assert sum(sizes.values()) <= BUDGET_BYTES, sizes


def test_search_page_loads_only_the_index_and_the_script() -> None:
    if not SEARCH_TEMPLATE.exists():
        pytest.skip("templates/search.html is not written yet")
    sources = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", SEARCH_TEMPLATE.read_text(encoding="utf-8"))
    assert [Path(source).name for source in sources] == ["search-index.js", "search.js"]
