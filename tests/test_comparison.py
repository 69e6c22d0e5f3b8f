"""The same matter in several towns: grouping by title, the shared reference, the differences."""
import dataclasses

import pytest

from generator.content.check import load_valid_content
from generator.review import changes
from generator.review.changes import CHANGED, DELETE, INSERT
from generator.review.comparison import ComparedList, same_matters, title_key
from conftest import CONTENT


@pytest.fixture(scope="module")
def fixture_list():
    return load_valid_content(CONTENT)


def town(key, name, content, matters):
    return ComparedList(key, name, dataclasses.replace(content, matters=tuple(matters)))


def renumbered(matters):
    return [dataclasses.replace(matter, number=index) for index, matter in enumerate(matters, 1)]


def edited(matter, old, new):
    assert old in matter.town_duties, "the test edits text the matter has"
    return dataclasses.replace(matter, town_duties=matter.town_duties.replace(old, new, 1))


def test_title_key_sets_aside_punctuation_spacing_and_width():
    assert title_key("开展联动监督、办案") == "开展联动监督办案"
    assert title_key("（１）低保 审核") == title_key("(1)低保审核")
    assert title_key("低保审核") != title_key("低保审批")


def test_identical_lists_agree_everywhere(fixture_list):
    matters = fixture_list.matters
    lists = [town("a/peihe", "甲镇", fixture_list, matters), town("b/peihe", "乙镇", fixture_list, matters)]
    groups = same_matters(lists)
    assert len(groups) == len(matters)
    assert all(group.towns == 2 and group.agreeing == 2 for group in groups)
    assert [group.title for group in groups] == [matter.title for matter in matters]


def test_numbers_never_decide(fixture_list):
    """A town that dropped a matter numbers the rest differently: the same texts still agree."""
    matters = list(fixture_list.matters)
    shorter = renumbered(matters[1:])
    lists = [town("a/peihe", "甲镇", fixture_list, matters), town("b/peihe", "乙镇", fixture_list, shorter)]
    groups = same_matters(lists)
    assert len(groups) == len(matters) - 1
    assert matters[0].title not in {group.title for group in groups}
    assert all(group.agreeing == 2 for group in groups)


def test_a_different_text_is_diffed_by_character_against_the_majority(fixture_list):
    matters = list(fixture_list.matters)
    target = next(index for index, matter in enumerate(matters) if "协助" in matter.town_duties)
    changed = list(matters)
    changed[target] = edited(matters[target], "协助", "配合")
    lists = [town("a/peihe", "甲镇", fixture_list, changed),
             town("b/peihe", "乙镇", fixture_list, matters),
             town("c/peihe", "丙镇", fixture_list, matters)]
    group = next(group for group in same_matters(lists) if group.title == matters[target].title)
    assert group.reference.list_key == "b/peihe", "the text two towns of three share is the reference"
    assert group.agreeing == 2
    odd = [variant for variant in group.variants if variant.change is not None]
    assert [variant.listed.town for variant in odd] == ["甲镇"]
    change = odd[0].change
    assert change.kind == CHANGED and not change.fields
    ops = [(op.op, op.text) for section in change.sections for item in section.items for op in item.ops
           if op.op != "equal"]
    assert (DELETE, "协助") in ops and (INSERT, "配合") in ops


def test_a_title_written_with_other_punctuation_is_the_same_matter(fixture_list):
    matter = next(matter for matter in fixture_list.matters if "、" in matter.title)
    retitled = dataclasses.replace(matter, title=matter.title.replace("、", "，"))
    lists = [town("a/peihe", "甲镇", fixture_list, [matter]), town("b/peihe", "乙镇", fixture_list, [retitled])]
    (group,) = same_matters(lists)
    (variant,) = group.variants
    assert variant.change is not None and variant.change.field("title") is not None


def test_matters_one_town_alone_lists_are_left_out_unless_asked(fixture_list):
    first, second = fixture_list.matters[:2]
    lists = [town("a/peihe", "甲镇", fixture_list, [first, second]), town("b/peihe", "乙镇", fixture_list, [first])]
    assert [group.title for group in same_matters(lists)] == [first.title]
    assert [group.towns for group in same_matters(lists, least=1)] == [2, 1]


def test_an_earlier_result_is_reused_for_the_very_same_matters_only(fixture_list):
    """``serve`` passes the comparison before an edit: groups of unchanged matters are taken from it."""
    matters = list(fixture_list.matters[:20])
    lists = [town(f"{slug}/peihe", name, fixture_list, matters) for slug, name in (("a", "甲镇"), ("b", "乙镇"))]
    before = same_matters(lists)
    target = next(index for index, matter in enumerate(matters) if "协助" in matter.town_duties)
    changed = list(matters)
    changed[target] = edited(matters[target], "协助", "配合")
    after_edit = [lists[0], town("b/peihe", "乙镇", fixture_list, changed)]
    reused = same_matters(after_edit, previous=before)
    assert reused == same_matters(after_edit)  # the same result as comparing afresh
    assert [group is old for group, old in zip(reused, before)] == [index != target for index in range(20)]
    assert reused[target].agreeing == 1


# --- the shortcut for a copy that reads the same (changes._reads_same) ------------------------------------


def copied(matter, number):
    """Another town's copy of ``matter``: its own number, id, file and section lines, the same text."""
    sections = tuple(dataclasses.replace(section, line=section.line + 7) for section in matter.upper_sections)
    return dataclasses.replace(matter, id=f"{matter.id}-copy", number=number, upper_sections=sections,
                               path=matter.path.with_name("copy.md"), source_hash="other")


def one_character_edits(matter):
    """``matter`` with one character changed in each part the diff reads, by name."""
    section = matter.upper_sections[0]
    return {
        "title": dataclasses.replace(matter, title=matter.title + "。"),  # the same title key: the same group
        "guarantee": dataclasses.replace(matter, guarantee=matter.guarantee + "。"),
        "town duties": edited(matter, "协助", "协调"),
        "upper section": dataclasses.replace(matter, upper_sections=(
            dataclasses.replace(section, markdown=section.markdown.replace("。", "；", 1)),
            *matter.upper_sections[1:])),
        "notes": dataclasses.replace(matter, notes=(*matter.notes, "另见第1项。")),
        "departments' order": dataclasses.replace(matter, departments=matter.departments[::-1]),
    }


def fully_diffed(monkeypatch, lists):
    """``same_matters`` with the shortcut turned off: every variant diffed in full."""
    with monkeypatch.context() as patched:
        patched.setattr(changes, "_reads_same", lambda old, new: False)
        return same_matters(lists)


@pytest.fixture(scope="module")
def target(fixture_list):
    """A matter with several departments, duties to edit and a section per department."""
    return next(matter for matter in fixture_list.matters if "协助" in matter.town_duties
                and len(matter.departments) > 1 and matter.upper_sections)


def test_a_copy_that_reads_the_same_agrees_without_being_parsed(fixture_list, target, monkeypatch):
    lists = [town("a/peihe", "甲镇", fixture_list, [target]), town("b/peihe", "乙镇", fixture_list, [copied(target, 9)])]
    monkeypatch.setattr(changes, "_sections", lambda *args: pytest.fail("a copy that reads the same was parsed"))
    (group,) = same_matters(lists)
    assert group.agreeing == 2 and group.variants[0].change is None


@pytest.mark.parametrize("part", ["title", "guarantee", "town duties", "upper section", "notes",
                                  "departments' order"])
def test_a_copy_one_character_apart_still_differs_as_the_full_diff_says(fixture_list, target, part, monkeypatch):
    edit = one_character_edits(target)[part]
    lists = [town("a/peihe", "甲镇", fixture_list, [target]), town("b/peihe", "乙镇", fixture_list, [copied(edit, 3)]),
             town("c/peihe", "丙镇", fixture_list, [copied(target, 5)])]
    group = next(group for group in same_matters(lists))
    assert [variant.change is None for variant in group.variants] == [False, True]
    assert same_matters(lists) == fully_diffed(monkeypatch, lists)


def test_the_same_text_under_a_category_of_another_slug_is_still_a_change(fixture_list, target, monkeypatch):
    """Towns keep their own categories.yml: the same name with another slug is another category to the diff."""
    categories = tuple(dataclasses.replace(category, slug=category.slug + "-x") if category.name == target.category
                       else category for category in fixture_list.categories)
    other = dataclasses.replace(fixture_list, categories=categories)
    lists = [town("a/peihe", "甲镇", fixture_list, [target]), town("b/peihe", "乙镇", other, [copied(target, 2)])]
    (group,) = same_matters(lists)
    assert group.variants[0].change is not None and group.variants[0].change.field("category") is not None
    assert same_matters(lists) == fully_diffed(monkeypatch, lists)


def test_a_department_one_side_does_not_define_is_left_to_the_full_diff(fixture_list, target, monkeypatch):
    departments = tuple(department for department in fixture_list.departments
                        if department.name != target.departments[0])
    other = dataclasses.replace(fixture_list, departments=departments)
    lists = [town("a/peihe", "甲镇", fixture_list, [target]), town("b/peihe", "乙镇", other, [copied(target, 2)])]
    assert same_matters(lists) == fully_diffed(monkeypatch, lists)
