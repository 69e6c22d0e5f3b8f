"""The importer on the official table: counts, fidelity, idempotence, revisions, anomalies."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import CONTENT, TABLE, copy_content
from generator import i18n
from generator.content.check import load_valid_content
from generator.errors import ContentErrors
from generator.importing.importer import import_table
from generator.content.loader import load_content
from generator.content.names import DepartmentNames
from generator.importing.source_table import read_table

EXPECTED_COUNTS = {"党的建设": 3, "经济发展": 5, "民生服务": 32, "平安法治": 26,
                   "乡村振兴": 16, "城乡建设": 10, "生态环保": 6, "文化旅游": 2}
TAG = re.compile(r"<[^>]*>")
LIST_NUMBER = re.compile(r"(?:^|(?<=\s))\d{1,2}\.(?!\d)")
MARKDOWN_MARKER = re.compile(r"^\s*(?:#+ |\d+\. |- )", re.MULTILINE)
SENTENCE = re.compile(r"[^。；！？：]+[。；！？：]?")
GUARANTEE_LABEL = "履职保障："


def normalise_source(cell: str) -> str:
    """Source text as fidelity compares it: no tags, no list numbers, no white space."""
    return re.sub(r"\s+", "", LIST_NUMBER.sub("", TAG.sub(" ", cell)))


def normalise_markdown(markdown: str) -> str:
    unescaped = re.sub(r"\\(.)", r"\1", MARKDOWN_MARKER.sub("", markdown))
    return re.sub(r"\s+", "", unescaped)


def sentences(text: str) -> list[str]:
    return [sentence for sentence in SENTENCE.findall(text) if sentence]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, object]:
    i18n.use_language("en")  # module fixtures run before the autouse one that chooses English
    content = copy_content(tmp_path_factory.mktemp("import") / "content")
    report = import_table(TABLE, content)
    return content, report


def test_import_writes_100_matters_in_the_official_categories(imported):
    content_dir, report = imported
    content = load_valid_content(content_dir)
    assert len(content.matters) == 100 and len(report.added) == 100
    assert Counter(matter.category for matter in content.matters) == EXPECTED_COUNTS
    assert [matter.number for matter in content.matters] == list(range(1, 101))


def test_every_sentence_of_every_cell_survives(imported):
    """Fidelity: each sentence of the source appears unchanged in its matter."""
    content = load_valid_content(imported[0])
    by_number = {matter.number: matter for matter in content.matters}
    missing = []
    for row in read_table(TABLE).rows:
        matter = by_number[row.number]
        upper = "".join(normalise_markdown(f"{section.heading}\n{section.markdown}")
                        for section in matter.upper_sections)
        upper += GUARANTEE_LABEL + normalise_markdown(matter.guarantee)
        cells = ((row.title, normalise_markdown(matter.title)), (row.upper_duties.text, upper),
                 (row.town_duties.text, normalise_markdown(matter.town_duties)))
        for cell, kept in cells:
            missing += [(row.number, s) for s in sentences(normalise_source(cell)) if s not in kept]
    assert missing == []


def test_upper_duties_keep_their_order_and_add_only_noted_headings(imported):
    content = load_valid_content(imported[0])
    by_number = {matter.number: matter for matter in content.matters}
    for row in read_table(TABLE).rows:
        matter = by_number[row.number]
        added = {name for name in matter.departments if any(f"“{name}”为整理时所加" in n for n in matter.notes)}
        upper = "".join(normalise_markdown(("" if section.heading in added else section.heading)
                                           + "\n" + section.markdown) for section in matter.upper_sections)
        upper += GUARANTEE_LABEL + normalise_markdown(matter.guarantee)
        assert upper == normalise_source(row.upper_duties.text), row.number
        assert normalise_markdown(matter.town_duties) == normalise_source(row.town_duties.text), row.number


def test_department_column_resolves_to_canonical_names(imported):
    content = load_valid_content(imported[0])
    names = DepartmentNames(content.departments)
    by_number = {matter.number: matter for matter in content.matters}
    for row in read_table(TABLE).rows:
        listed, unplaced = names.split_column(TAG.sub(" ", row.departments))
        assert unplaced == [] and tuple(listed) == by_number[row.number].departments


def test_split_spellings_become_one_canonical_department(imported):
    content = load_valid_content(imported[0])
    used = {name for matter in content.matters for name in matter.departments}
    assert "青山区医保局" not in used and "青山区分局" not in used
    assert {"青山区医疗保障局", "包头市自然资源局青山区分局", "其他行业主管部门"} <= used
    assert len(used) == len(content.departments) == 32


def test_reimport_is_byte_identical(imported, tmp_path):
    content_dir, _ = imported
    before = {path.name: path.read_bytes() for path in (content_dir / "matters").iterdir()}
    report = import_table(TABLE, content_dir)
    after = {path.name: path.read_bytes() for path in (content_dir / "matters").iterdir()}
    assert before == after
    assert (report.added, report.removed, report.changed, report.unchanged) == ([], [], [], 100)


def test_anomalies_are_reported_not_mended(imported):
    _, report = imported
    warnings = "\n".join(report.warnings)
    assert "matter 69: Latin word 'and' inside Chinese text" in warnings
    assert "matter 36: list numbering goes to 3 where 2 was expected" in warnings
    assert "matter 49: duties of 其他行业主管部门 have no heading" in warnings
    assert "matter 28: 5 list item(s) without numbers" in warnings
    assert all(re.match(r"tests/fixtures/\S+\.txt:\d+: matter \d+: ", w) for w in report.warnings)
    matter_69 = next((imported[0] / "matters").glob("069-*.md")).read_text(encoding="utf-8")
    assert "培训 and 安全教育" in matter_69


def revise(table: str, tmp_path: Path) -> Path:
    revised = tmp_path / "revised.txt"
    revised.write_text(table, encoding="utf-8")
    return revised


def test_the_tests_content_is_what_the_importer_makes_of_the_fixture_table(imported):
    """Fidelity over the whole table: the frozen copy the tests build from is the importer's own output.

    Both sides are fixtures (tests/fixtures/): the committed content/ is the clerks' and is never compared.
    """
    content_dir, _ = imported
    written = {path.name: path.read_bytes() for path in sorted((content_dir / "matters").iterdir())}
    frozen = {path.name: path.read_bytes() for path in sorted((CONTENT / "matters").iterdir())}
    assert written.keys() == frozen.keys()
    differing = [name for name in written if written[name] != frozen[name]]
    assert differing == [], f"{len(differing)} files differ, first: {differing[:3]}"


def test_revised_table_keeps_ids_and_reports_changes(empty_content, tmp_path):
    import_table(TABLE, empty_content)
    ids = {m.number: m.id for m in load_content(empty_content).content.matters}
    lines = TABLE.read_text(encoding="utf-8").split("\n")
    # Retitle matter 2, drop the last matter (100), and change one duty of matter 11.
    lines = [line.replace("社区工作者招聘\t", "社区工作者招聘与管理\t", 1) for line in lines]
    lines = [line for line in lines if not line.startswith("100\t")]
    lines = [line.replace("3.对拒不退还的进行起诉追缴。", "3.对拒不退还的依法起诉追缴。") for line in lines]
    report = import_table(revise("\n".join(lines), tmp_path), empty_content, allow_removals=True)
    after = {m.number: m.id for m in load_content(empty_content).content.matters}
    assert after[2] == ids[2]  # same number and category, new title
    assert after[11] == ids[11]
    assert report.removed == [f"100-{ids[100]}.md"]
    assert sorted(report.changed) == [f"002-{ids[2]}.md", f"011-{ids[11]}.md"]
    assert report.added == []


def test_renumbered_matter_keeps_its_id(empty_content, tmp_path):
    import_table(TABLE, empty_content)
    ids = {m.title: m.id for m in load_content(empty_content).content.matters}
    lines = TABLE.read_text(encoding="utf-8").split("\n")
    swapped = [re.sub(r"^1\t", "X\t", line) for line in lines]
    swapped = [re.sub(r"^2\t", "1\t", line) for line in swapped]
    swapped = [re.sub(r"^X\t", "2\t", line) for line in swapped]
    report = import_table(revise("\n".join(swapped), tmp_path), empty_content)
    after = {m.title: (m.id, m.number) for m in load_content(empty_content).content.matters}
    assert after["开展联动监督、办案"] == (ids["开展联动监督、办案"], 2)
    assert after["社区工作者招聘"] == (ids["社区工作者招聘"], 1)
    assert len(report.changed) == 2 and not report.added and not report.removed
    assert len(list((empty_content / "matters").glob("*.md"))) == 100


def test_unknown_department_stops_the_import(empty_content, tmp_path):
    table = TABLE.read_text(encoding="utf-8").replace("\t青山区关工委\t", "\t青山区关工委员会办\t", 1)
    with pytest.raises(ContentErrors) as failure:
        import_table(revise(table, tmp_path), empty_content)
    report = failure.value.report()
    assert re.search(r"revised\.txt:9: matter 3: cannot place department '\S+'", report)
    assert "did you mean 青山区关工委" in report
    assert list((empty_content / "matters").iterdir()) == []


def test_keepers_notes_survive_a_reimport_and_a_stale_heading_note_goes(empty_content, tmp_path):
    """Notes are editorial (the table has none): a re-import keeps them, except the note that a
    heading was added once the table gives that heading itself."""
    import_table(TABLE, empty_content)
    matter_49 = next((empty_content / "matters").glob("049-*.md"))
    text = matter_49.read_text(encoding="utf-8")
    assert "为整理时所加" in text
    matter_1 = next((empty_content / "matters").glob("001-*.md"))
    matter_1.write_text(matter_1.read_text(encoding="utf-8").replace(
        "guarantee: 业务培训及指导。\n", "guarantee: 业务培训及指导。\nnotes:\n- 整理者的说明。\n", 1), encoding="utf-8")
    table = TABLE.read_text(encoding="utf-8")
    with_heading = table.replace("<p>其他行业主管部门按照", "<p>其他行业主管部门职责：</p> <p>其他行业主管部门按照", 1)
    assert with_heading != table
    report = import_table(revise(with_heading, tmp_path), empty_content)
    assert "- 整理者的说明。" in matter_1.read_text(encoding="utf-8")
    revised_49 = matter_49.read_text(encoding="utf-8")
    assert "为整理时所加" not in revised_49 and "### 其他行业主管部门职责：" in revised_49
    assert sorted(report.changed) == [matter_49.name]
