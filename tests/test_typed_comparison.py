"""The same 基本 or 收回 matter in several towns: grouped within its type, compared field by field."""
import pytest

from generator.content.list_types import load_list_types
from generator.content.model import Category, Department, TypedMatter
from generator.review import changes
from generator.review.changes import CHANGED, INSERT, diff_items, markdown_changes, markdown_items
from generator.review.typed_changes import TypedSide
from generator.review.typed_comparison import TypedComparedList, same_typed_matters
from generator.site.typed_change_view import typed_matter_view

CATEGORIES = (Category("dang-de-jian-she", "党的建设", "一", 1), Category("jing-ji-fa-zhan", "经济发展", "二", 2))
DEPARTMENTS = (Department("青山区民政局", "min-zheng", "区级部门", ("民政局",)),
               Department("青山区司法局", "si-fa", "区级部门", ()))


@pytest.fixture(scope="module")
def types():
    return load_list_types()


def jiben(number, title, content="1. 组织党员参加集中学习。", basis="", category="党的建设", matter_id="jiao-yu"):
    values = (("id", matter_id), ("number", str(number)), ("title", title), ("category", category),
              ("content", content), ("basis", basis))
    return TypedMatter(matter_id, number, title, "jiben", values)


def shouhui(number, title, department="青山区民政局", after="由区民政局直接受理。", matter_id="di-bao"):
    values = (("id", matter_id), ("number", str(number)), ("title", title), ("department", department),
              ("after", after))
    return TypedMatter(matter_id, number, title, "shouhui", values)


def town(types, key, name, *matters):
    list_type = types[key.split("/")[1]]
    categories = CATEGORIES if list_type.categories else ()
    return TypedComparedList(key, name, list_type, TypedSide(categories, DEPARTMENTS, matters))


def test_numbers_never_decide(types):
    """A town that lists the matter second compares equal to one that lists it first."""
    first = town(types, "a/jiben", "甲镇", jiben(1, "组织开展党员教育"))
    second = town(types, "b/jiben", "乙镇", jiben(1, "其他事项", matter_id="qi-ta"),
                  jiben(2, "组织开展党员教育", matter_id="jiao-yu-2"))
    (group,) = same_typed_matters([first, second])
    assert group.title == "组织开展党员教育" and group.towns == 2 and group.agreeing == 2
    assert group.list_type.type == "jiben"


def test_matters_of_different_types_are_never_grouped(types):
    lists = [town(types, "a/jiben", "甲镇", jiben(1, "最低生活保障审核")),
             town(types, "b/shouhui", "乙镇", shouhui(1, "最低生活保障审核"))]
    assert same_typed_matters(lists) == ()


def test_a_different_text_is_diffed_field_by_field_against_the_majority(types):
    lists = [town(types, "b/jiben", "乙镇", jiben(1, "组织开展党员教育")),
             town(types, "a/jiben", "甲镇", jiben(1, "组织开展党员教育", "1. 组织党员参加集中学习和讨论。")),
             town(types, "c/jiben", "丙镇", jiben(1, "组织开展、党员教育", basis="《条例》"))]
    (group,) = same_typed_matters(lists)
    assert group.reference.list_key == "b/jiben", "no two towns share a text: the first given among equals"
    assert group.agreeing == 1
    by_town = {variant.listed.town: variant.change for variant in group.variants}
    content = by_town["甲镇"].field("content")
    assert by_town["甲镇"].kind == CHANGED and [field.field for field in by_town["甲镇"].fields] == ["content"]
    assert content.label == "履职内容"
    assert [(op.op, op.text) for item in content.items for op in item.ops if op.op != "equal"] == [(INSERT, "和讨论")]
    assert [field.label for field in by_town["丙镇"].fields] == ["事项名称", "依据"]
    view = typed_matter_view(by_town["丙镇"])
    assert [part.label for part in view.parts] == ["事项名称", "依据（新增）"]


def test_a_field_one_town_leaves_blank_reads_as_removed(types):
    """Against a reference that fills a Markdown field, a town leaving it blank shows the field 删除."""
    lists = [town(types, "a/jiben", "甲镇", jiben(1, "组织开展党员教育", basis="《条例》")),
             town(types, "b/jiben", "乙镇", jiben(1, "组织开展党员教育", basis="《条例》")),
             town(types, "c/jiben", "丙镇", jiben(1, "组织开展党员教育"))]
    (group,) = same_typed_matters(lists)
    (changed,) = [variant.change for variant in group.variants if variant.change is not None]
    assert [part.label for part in typed_matter_view(changed).parts] == ["依据（删除）"]


def test_the_reference_is_the_text_most_towns_share(types):
    edited = jiben(1, "组织开展党员教育", "1. 组织党员集中学习。")
    lists = [town(types, "a/jiben", "甲镇", edited), town(types, "b/jiben", "乙镇", jiben(3, "组织开展党员教育")),
             town(types, "c/jiben", "丙镇", jiben(1, "组织开展党员教育"))]
    (group,) = same_typed_matters(lists)
    assert group.reference.town == "乙镇" and group.agreeing == 2
    assert [variant.listed.town for variant in group.variants if variant.change is not None] == ["甲镇"]


def test_a_department_is_compared_by_the_department_it_names(types):
    lists = [town(types, "a/shouhui", "甲镇", shouhui(1, "低保审核")),
             town(types, "b/shouhui", "乙镇", shouhui(1, "低保审核", department="青山区司法局")),
             town(types, "c/shouhui", "丙镇", shouhui(2, "低保审核"))]
    (group,) = same_typed_matters(lists)
    (odd,) = [variant for variant in group.variants if variant.change is not None]
    (field,) = odd.change.fields
    assert (field.label, field.old, field.new) == ("收回部门", "青山区民政局", "青山区司法局")
    assert [str(op.text) for op in typed_matter_view(odd.change).parts[0].text] == ["青山区民政局 → 青山区司法局"]


def test_an_earlier_result_is_reused_for_the_very_same_matters_only(types):
    """serve, after an edit: groups of untouched matters are taken over, the edited matter's group is compared again."""
    kept, edited = jiben(1, "组织开展党员教育"), jiben(2, "收缴党费", matter_id="dang-fei")
    first = [town(types, "a/jiben", "甲镇", kept, edited), town(types, "b/jiben", "乙镇", kept, edited)]
    before = same_typed_matters(first)
    changed = jiben(2, "收缴党费", content="1. 按月收缴党费。", matter_id="dang-fei")
    second = [first[0], town(types, "b/jiben", "乙镇", kept, changed)]
    after = same_typed_matters(second, previous=before)
    assert after[0] is before[0]
    assert after[1] is not before[1] and after[1] == same_typed_matters(second)[1]
    assert after[1].agreeing == 1 and before[1].agreeing == 2


# --- the same pair of texts is diffed once (changes.markdown_changes) ---------------------------------------


def test_the_same_markdown_text_has_no_changes_without_being_parsed(monkeypatch):
    monkeypatch.setattr(changes, "markdown_items", lambda text: pytest.fail("the same text was parsed"))
    assert markdown_changes("1. 组织党员参加集中学习。\n2. 按月收缴党费。", "1. 组织党员参加集中学习。\n2. 按月收缴党费。") == ()


def test_a_pair_of_markdown_texts_is_diffed_once_as_the_item_diff_says():
    old, new = "1. 组织党员参加集中学习。\n2. 按月收缴党费。", "1. 组织党员参加集中学习。\n2. 按季收缴党费。"
    found = markdown_changes(old, new)
    assert found == diff_items(markdown_items(old), markdown_items(new)) and len(found) == 1
    assert markdown_changes(old, new) is found, "the second time, the same pair is not diffed again"
    assert markdown_changes(new, old) != found, "nor taken for the pair the other way round"


def test_towns_whose_copies_differ_alike_get_the_same_changes_and_one_character_still_counts(types):
    reference, edited = jiben(1, "组织开展党员教育"), jiben(1, "组织开展党员教育", "1. 组织党员参加集中学习；")
    lists = [town(types, f"{slug}/jiben", name, matter)
             for slug, name, matter in (("a", "甲镇", reference), ("b", "乙镇", edited), ("c", "丙镇", reference),
                                        ("d", "丁镇", edited), ("e", "戊镇", reference))]
    (group,) = same_typed_matters(lists)
    assert group.reference.town == "甲镇" and group.agreeing == 3
    odd = {variant.listed.town: variant.change for variant in group.variants if variant.change is not None}
    assert list(odd) == ["乙镇", "丁镇"] and odd["乙镇"] == odd["丁镇"]
    ops = [(op.op, op.text) for item in odd["乙镇"].field("content").items for op in item.ops if op.op != "equal"]
    assert ops == [("delete", "。"), (INSERT, "；")]
