"""Markdown → HTML: source list numbers, nesting, department links, escaping, headings."""
from __future__ import annotations

import random

import pytest

from conftest import CONTENT
from generator.content.check import load_valid_content
from generator.site.markup import MarkdownRenderer, matter_texts, plain_text
from generator.content.model import Department

DEPARTMENTS = (
    Department("青山区民政局", "civil-affairs", "区级", ("区民政局", "民政局")),
    Department("青山区农牧局", "agriculture-animal-husbandry", "区级", ("区农牧局",)),
    Department("包头市农牧局", "city-agriculture-animal-husbandry", "市级", ("市农牧局",)),
    Department("青山区委宣传部", "publicity", "区级", ("区委宣传部", "宣传部")),
    Department("包头市自然资源局青山区分局", "natural-resources", "市级", ("包头市自然资源局 青山区分局",)),
)
CIVIL = '<a href="../../departments/civil-affairs/index.html">'


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer(DEPARTMENTS)


def html(renderer: MarkdownRenderer, text: str, root: str = "../../", **style) -> str:
    return str(renderer.html(text, root, **style))


def test_consecutive_numbers_need_no_attributes(renderer):
    assert html(renderer, "1. 甲\n2. 乙\n3. 丙") == "<ol>\n<li>甲</li>\n<li>乙</li>\n<li>丙</li>\n</ol>"


def test_skipped_number_is_kept(renderer):
    # Matter 36: the official text goes 1, 3.
    assert html(renderer, "1. 初审。\n3. 资金发放录入工作。") == \
        '<ol>\n<li>初审。</li>\n<li value="3">资金发放录入工作。</li>\n</ol>'


def test_list_starting_above_one_gets_start(renderer):
    assert html(renderer, "3. 甲\n4. 乙\n6. 丙") == \
        '<ol start="3">\n<li>甲</li>\n<li>乙</li>\n<li value="6">丙</li>\n</ol>'


def test_numbers_in_loose_lists_are_kept(renderer):
    result = html(renderer, "1. 甲\n\n2. 乙\n\n5. 丙")
    assert '<li value="5">\n<p>丙</p>' in result
    assert "\ue000" not in result and "\ue001" not in result


def test_nested_lists_keep_their_own_numbers(renderer):
    result = html(renderer, "1. 安全生产检查：\n    - （1）员工\n    - （2）日志\n2. 上报。\n    1. 子一\n    4. 子四")
    assert result == ('<ol>\n<li>安全生产检查：<ul class="counted">\n<li>（1）员工</li>\n<li>（2）日志</li>\n</ul>\n'
                      '</li>\n<li>上报。<ol>\n<li>子一</li>\n<li value="4">子四</li>\n</ol>\n</li>\n</ol>')


def test_plain_bullets_keep_their_bullets(renderer):
    assert html(renderer, "- 甲\n- 乙") == "<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>"


def test_bullets_after_a_numbered_list_are_not_numbered(renderer):
    result = html(renderer, "1. 甲\n2. 乙\n\n- 丙")
    assert result == "<ol>\n<li>甲</li>\n<li>乙</li>\n</ol>\n<ul>\n<li>丙</li>\n</ul>"


def test_alias_becomes_a_link(renderer):
    assert html(renderer, "上报区民政局审核。") == f"<p>上报{CIVIL}区民政局</a>审核。</p>"


def test_longest_name_wins(renderer):
    result = html(renderer, "青山区民政局、包头市农牧局和市农牧局")
    assert result == (f"<p>{CIVIL}青山区民政局</a>、"
                      '<a href="../../departments/city-agriculture-animal-husbandry/index.html">包头市农牧局</a>和'
                      '<a href="../../departments/city-agriculture-animal-husbandry/index.html">市农牧局</a></p>')


def test_name_split_by_a_space_is_linked(renderer):
    result = html(renderer, "报包头市自然资源局 青山区分局备案")
    assert '<a href="../../departments/natural-resources/index.html">包头市自然资源局 青山区分局</a>' in result


def test_generic_departments_word_is_not_a_department(renderer):
    # 宣传部门 means "publicity departments", not 青山区委宣传部.
    assert "<a" not in html(renderer, "配合宣传部门开展工作。")


def test_no_link_inside_headings_or_code(renderer):
    result = html(renderer, "### 区民政局职责：\n\n`区民政局`")
    assert result == "<h3>区民政局职责：</h3>\n<p><code>区民政局</code></p>"


def test_links_inside_emphasis_and_between_them(renderer):
    result = html(renderer, "**区民政局**与区农牧局")
    assert result == (f"<p><strong>{CIVIL}区民政局</a></strong>与"
                      '<a href="../../departments/agriculture-animal-husbandry/index.html">区农牧局</a></p>')


def test_link_follows_the_page_depth(renderer):
    assert '<a href="departments/civil-affairs/index.html">' in html(renderer, "区民政局", root="")
    assert '<a href="../departments/civil-affairs/index.html">' in html(renderer, "区民政局", root="../")


def test_own_department_is_not_linked_on_its_page(renderer):
    result = html(renderer, "区民政局与区农牧局", own_slug="civil-affairs")
    assert result == '<p>区民政局与<a href="../../departments/agriculture-animal-husbandry/index.html">区农牧局</a></p>'


def test_html_in_content_is_escaped(renderer):
    result = html(renderer, '<script>alert("x")</script>\n\n1. <b onclick="x()">粗</b> &lt;i&gt;')
    assert "<script" not in result and "<b" not in result
    assert "&lt;script&gt;" in result and "&lt;b onclick=" in result


def test_content_cannot_add_links_or_images(renderer):
    result = html(renderer, "[外链](http://example.com) ![图](http://example.com/a.png) <http://example.com>\n\n"
                            "[ref]: http://example.com")
    assert "<a" not in result and "<img" not in result
    assert "[外链](http://example.com)" in result


def test_headings_shift_and_flatten(renderer):
    assert html(renderer, "### 动态监测：\n\n1. 甲", shift=1).startswith("<h4>动态监测：</h4>")
    assert html(renderer, "#### 小标题", shift=5).startswith("<h6>")
    assert html(renderer, "### 动态监测：", flat=True) == '<p class="md-heading">动态监测：</p>'


def test_same_text_different_pages_do_not_share_links(renderer):
    deep = html(renderer, "区民政局", root="../../")
    shallow = html(renderer, "区民政局", root="../")
    assert deep != shallow


def test_plain_text_keeps_numbers_and_drops_markup():
    text = "### 动态监测：\n\n1. 甲\n3. 乙\n    - （1）丙\n- 丁"
    assert plain_text(text) == "动态监测：\n1.甲\n3.乙\n（1）丙\n丁"


# -- the shortcut for plain paragraphs and numbered lists ----------------------------------------

SHORTCUT_TAKES = ["提供业务指导培训。", "1. 甲\n2. 乙", "3. 甲\n5. 乙", "01. 甲", "1. 区民政局负责。\n2. 报宣传部门",
                  "他说“可以”，也说'好'。", "a = b", "a - b + c", "全角　空格在中间", "1. 甲 乙", "１. 甲"]
SHORTCUT_LEAVES = ["", "- 甲", "# 标题", "> 引用", "1. - 甲", "1. # 甲", "1. > 甲", "1. 1. 甲", "12345热线",
                   "甲\n===", "甲\n---", "---", "1.甲", "1.  甲", "　甲", "甲　", "甲 ", " 甲",
                   "甲\n\n乙", "甲\n乙", "1. 甲\n乙", "a *b*", "a_b_", "a `b`", "a \\* b", "A & B", "a <b>",
                   "[a](b)", "甲\t乙", "1. 甲\n    乙"]
# What the official text and its edits are made of, markup characters included, for the random texts.
PIECES = ["甲", "乙", "民政局", "区民政局", "宣传部", " ", "  ", "　", "\n", "\n\n", "1. ", "2. ", "10. ", "- ", "* ",
          "# ", "> ", "=", "-", "---", "*", "_", "`", "\\", "&", "<b>", "[", "]", "(", ")", "!", "１", "3", ".",
          "（1）", "\t", "    ", "|", "~", "\u00a0"]


@pytest.mark.parametrize("text", SHORTCUT_TAKES + SHORTCUT_LEAVES)
def test_shortcut_gives_python_markdowns_html(renderer, text):
    assert renderer.convert(text) == renderer.convert(text, shortcut=False)


@pytest.mark.parametrize("text", SHORTCUT_TAKES)
def test_plain_paragraphs_and_numbered_lists_take_the_shortcut(renderer, text):
    assert renderer.shortcut_html(text) is not None


@pytest.mark.parametrize("text", SHORTCUT_LEAVES)
def test_anything_markdown_may_read_otherwise_does_not(renderer, text):
    assert renderer.shortcut_html(text) is None


def test_shortcut_agrees_on_random_texts(renderer):
    generator = random.Random(20261129)
    taken = 0
    for _ in range(3000):
        text = "".join(generator.choice(PIECES) for _ in range(generator.randint(1, 12)))
        taken += renderer.shortcut_html(text) is not None
        assert renderer.convert(text) == renderer.convert(text, shortcut=False), repr(text)
    assert taken > 100  # the comparison covers the shortcut, not only texts it leaves alone


def test_shortcut_agrees_on_every_text_of_the_content():
    content = load_valid_content(CONTENT)
    renderer = MarkdownRenderer(content.departments)
    texts = matter_texts(content)
    assert [renderer.convert(text) for text in texts] == [renderer.convert(text, shortcut=False) for text in texts]
    assert sum(renderer.shortcut_html(text) is not None for text in texts) > len(texts) * 0.8
