"""The site's words for changes (change_view): one line per change, phrases for a matter's page, details."""
from __future__ import annotations

from generator.site.change_view import change_view, matter_phrase, summary
from generator.review.changes import (ADDED, CHANGED, DELETE, EQUAL, INSERT, REMOVED, RENUMBERED, TOWN, UPPER, Change,
                               ItemChange, MatterChange, SectionChange, TextOp, ValueChange, char_diff)
from generator.content.model import TOWN_DUTIES_HEADING


def matter(kind: str, number: int, **changes) -> MatterChange:
    return MatterChange(f"id-{number}", kind, number, f"事项{number}", "民生服务", ("青山区民政局",), **changes)


def town_edit(old: str, new: str) -> SectionChange:
    return SectionChange(TOWN, CHANGED, (), (), None, (ItemChange(CHANGED, old, new, char_diff(old, new)),))


def test_phrases_for_a_matters_page():
    assert matter_phrase((matter(ADDED, 101),)) == "新增第101项 事项101"
    assert matter_phrase((matter(REMOVED, 5),)) == "删除第5项 事项5"
    renumbered = matter(RENUMBERED, 71, fields=(ValueChange("number", "72", "71"),))
    assert matter_phrase((renumbered,)) == "第72项调整编号为第71项"
    edited = matter(CHANGED, 11, sections=(town_edit("1. 甲乙丙。", "1. 甲乙丙丁。"),))
    assert matter_phrase((edited,)) == f"第11项 {TOWN_DUTIES_HEADING} 修改"
    both = matter(CHANGED, 11, fields=(ValueChange("title", "甲", "乙", char_diff("甲", "乙")),),
                  sections=(SectionChange(UPPER, CHANGED, ("青山区民政局",), ("青山区民政局",), None, ()),
                            town_edit("a", "b")))
    assert matter_phrase((both,)) == f"第11项 标题、青山区民政局职责、{TOWN_DUTIES_HEADING} 修改"
    moved = matter(CHANGED, 10, fields=(ValueChange("number", "11", "10"),), sections=(town_edit("a", "b"),))
    assert matter_phrase((moved,)) == f"第10项（原第11项） {TOWN_DUTIES_HEADING} 修改"
    assert matter_phrase((matter(REMOVED, 1), matter(ADDED, 1))) == "第1项 网页地址变更"


def test_summary_leaves_out_what_did_not_happen():
    assert summary(Change()) == "清单内容无变化"
    assert summary(Change(matters=(matter(CHANGED, 11, sections=(town_edit("a", "b"),)),))) == "修改 1 项"
    assert summary(Change(matters=(matter(ADDED, 1), matter(REMOVED, 2)))) == "新增 1 项，删除 1 项"


def test_lines_link_matters_that_still_have_a_page_and_run_renumbering_together():
    renumbered = tuple(matter(RENUMBERED, n - 1, fields=(ValueChange("number", str(n), str(n - 1)),))
                       for n in range(6, 11))
    view = change_view(Change(matters=(matter(REMOVED, 5), *renumbered, matter(ADDED, 11))))
    assert [str(line) for line in view.lines] == ["删除第5项 事项5", "新增第11项 事项11",
                                                  "第6—10项依次调整编号为第5—9项（5 项）"]
    assert [line.matter_id for line in view.lines] == ["", "id-11", ""]


def test_small_edits_are_marked_and_rewrites_shown_before_and_after():
    small = town_edit("1. 组织各村开展入户排查。", "1. 组织各村分网格开展入户排查。")
    rewrite = town_edit("1. 根据区民政局核对情况开展工作。", "1. 按照区民政局的核对结果开展相关工作并反馈。")
    (view,) = change_view(Change(matters=(matter(CHANGED, 3, sections=(small, rewrite)),))).details
    (marked,), (whole,) = (part.items for part in view.parts)
    assert TextOp(INSERT, "分网格") in marked.text and not marked.old
    assert (whole.old, whole.new, whole.text) == ("1. 根据区民政局核对情况开展工作。", "1. 按照区民政局的核对结果开展相关工作并反馈。", ())
    assert {op.op for op in marked.text} <= {EQUAL, DELETE, INSERT}
