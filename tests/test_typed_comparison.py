"""The same 基本 or 收回 matter in several towns: grouped within its type, compared field by field."""
import pytest

from generator.content.list_types import load_list_types
from generator.content.model import Category, Department, TypedMatter
from generator.review.changes import CHANGED, INSERT
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
