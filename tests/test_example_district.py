"""scripts/example_district.py: the example district made from the one real list.

The script runs on the tests' frozen content (never on content/, which
changes with every revision) into temporary folders. The multi-list loader
is not part of this test: the 配合 lists are checked with today's single-list
loader, the 基本 and 收回 files against the decided formats
(docs/design-many-lists.md, "Decided formats").
"""
from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import CONTENT, REPO, load_script
from generator.content import matter_file
from generator.content.check import load_valid_content
from generator.content.names import DepartmentNames

example = load_script("example_district")

SCRIPT = REPO / "scripts" / "example_district.py"
TYPES = ("jiben", "peihe", "shouhui")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PUBLISHER_KEYS = {"title", "district", "city", "issuer", "description", "base_path", "base_url"}
LIST_KEYS = {"type", "title", "issuer", "edition", "document_number", "published", "validity", "revision_note",
             "description", "example"}
FRONT_KEYS = {"jiben": ["id", "number", "title", "category"], "shouhui": ["id", "number", "title", "department"]}
TIMEOUT = 120  # seconds: the district takes about one


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """The example district of the tests' content, made through the command line."""
    out = tmp_path_factory.mktemp("example") / "district"
    run = subprocess.run([sys.executable, str(SCRIPT), "--source", str(CONTENT), "--out", str(out)],
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, run.stderr
    assert re.fullmatch(r"wrote 10 towns, 30 lists, \d+ matters \(jiben \d+, peihe \d+, shouhui \d+\) to .+; "
                        r"every list is marked example: true\n", run.stdout)
    return out


def towns(root: Path) -> list[Path]:
    return sorted(path for path in (root / "lists").iterdir())


def matter_files(list_dir: Path) -> list[Path]:
    return sorted((list_dir / "matters").iterdir())


def source_matters() -> list[Path]:
    return sorted((CONTENT / "matters").glob("*.md"))


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_layout_is_the_multi_list_layout(district):
    assert sorted(path.name for path in district.iterdir()) == [example.MARKER, "departments.yml", "lists", "site.yml"]
    assert (district / "departments.yml").read_bytes() == (CONTENT / "departments.yml").read_bytes()
    slugs = [town.name for town in towns(district)]
    assert len(slugs) == 10 and "xingsheng" in slugs
    assert all(SLUG.match(slug) for slug in slugs)
    names = []
    for town in towns(district):
        assert sorted(path.name for path in town.iterdir()) == ["jiben", "peihe", "shouhui", "town.yml"]
        settings = read_yaml(town / "town.yml")
        assert set(settings) == {"name", "kind"} and settings["kind"] in ("镇", "街道")
        names.append(settings["name"])
        for list_type in TYPES:
            folder = town / list_type
            expected = ["list.yml", "matters"] if list_type == "shouhui" else ["categories.yml", "list.yml", "matters"]
            assert sorted(path.name for path in folder.iterdir()) == expected
            if list_type != "shouhui":
                assert (folder / "categories.yml").read_bytes() == (CONTENT / "categories.yml").read_bytes()
    assert "兴胜镇" in names and len(set(names)) == 10


def test_every_list_and_the_publisher_are_marked_example(district):
    site = read_yaml(district / "site.yml")
    assert set(site) <= PUBLISHER_KEYS and {"title", "district", "city", "issuer"} <= set(site)
    assert site["title"] == "青山区履职事项清单（示例数据）"
    assert "示例数据" in site["issuer"] and "示例数据" in site["description"]
    for town in towns(district):
        for list_type in TYPES:
            settings = read_yaml(town / list_type / "list.yml")
            assert set(settings) <= LIST_KEYS
            assert settings["type"] == list_type
            assert settings["example"] is True
            assert "示例数据" in settings["title"] and "示例数据" in settings["description"]


def test_counts_per_town_and_type(district):
    real = len(source_matters())
    total = 0
    for town in towns(district):
        counts = {list_type: len(matter_files(town / list_type)) for list_type in TYPES}
        if town.name == "xingsheng":
            assert counts["peihe"] == real
        else:
            assert 0.69 * real <= counts["peihe"] <= 0.91 * real, (town.name, counts)
        assert 220 <= counts["jiben"] <= 260, (town.name, counts)
        assert 15 <= counts["shouhui"] <= 25, (town.name, counts)
        assert 300 <= sum(counts.values()) <= 380, (town.name, counts)
        total += sum(counts.values())
    assert 3_000 <= total <= 3_800


def test_same_input_gives_byte_identical_output(district, tmp_path):
    again = tmp_path / "again"
    again.mkdir()  # an empty folder may be written without --force
    example.generate(CONTENT, again)
    assert tree(again) == tree(district)


def test_another_seed_gives_other_choices():
    source = example.read_source(CONTENT)
    town = example.towns(1)[1]
    for make in (example.peihe_files, example.shouhui_files,
                 lambda source, town, rng: example.jiben_files(source, example.jiben_candidates(source.content),
                                                               town, rng)):
        lists = [make(source, town, example.rng_for(seed, town, "any")) for seed in (1, 1, 2)]
        assert lists[0] == lists[1] != lists[2]


def test_files_are_utf8_with_lf_line_ends(district):
    for path in district.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8")
            assert "\r" not in text and text.endswith("\n"), path


def test_the_real_towns_peihe_list_is_copied_unchanged(district):
    copied = matter_files(district / "lists" / "xingsheng" / "peihe")
    assert [path.name for path in copied] == [path.name for path in source_matters()]
    assert all(path.read_bytes() == (CONTENT / "matters" / path.name).read_bytes() for path in copied)


def single_list_folder(district: Path, town: Path, target: Path) -> Path:
    """One generated peihe list as today's single-list content folder."""
    target.mkdir()
    shutil.copy(CONTENT / "site.yml", target / "site.yml")
    shutil.copy(district / "departments.yml", target / "departments.yml")
    shutil.copy(town / "peihe" / "categories.yml", target / "categories.yml")
    shutil.copytree(town / "peihe" / "matters", target / "matters")
    return target


def test_every_peihe_list_loads_and_validates_with_todays_loader(district, tmp_path):
    source_ids = {path.name.split("-", 1)[1] for path in source_matters()}
    for town in towns(district):
        content = load_valid_content(single_list_folder(district, town, tmp_path / town.name))
        assert [matter.number for matter in content.matters] == list(range(1, len(content.matters) + 1))
        assert {f"{matter.id}.md" for matter in content.matters} <= source_ids  # ids are kept
        assert len(content.matters) == len(matter_files(town / "peihe"))


def test_derived_peihe_lists_differ_from_the_real_one_in_a_few_duty_lines(district, tmp_path):
    real = load_valid_content(CONTENT)
    real_duties = {matter.id: matter.town_duties for matter in real.matters}
    for town in towns(district):
        if town.name == "xingsheng":
            continue
        content = load_valid_content(single_list_folder(district, town, tmp_path / town.name))
        changed = [matter for matter in content.matters if matter.town_duties != real_duties[matter.id]]
        assert 1 <= len(changed) <= 6, town.name
        for matter in changed:  # one line edited: the same duty, with a character difference
            lines, real_lines = matter.town_duties.split("\n"), real_duties[matter.id].split("\n")
            assert len(lines) == len(real_lines)
            [(line, real_line)] = [pair for pair in zip(lines, real_lines) if pair[0] != pair[1]]
            assert difflib.SequenceMatcher(None, line, real_line).ratio() > 0.5, (line, real_line)


def typed_matter(path: Path) -> tuple[dict, list[tuple[str, str]]]:
    """Front matter and ``## `` sections (heading, text) of a jiben or shouhui matter file."""
    parts = matter_file.split(path.read_text(encoding="utf-8"))
    assert parts is not None, path
    front = yaml.safe_load(parts.front_matter)
    sections: list[tuple[str, list[str]]] = []
    for line in parts.body.split("\n"):
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        else:
            assert sections or not line.strip(), f"{path}: text before the first section"
            if sections:
                sections[-1][1].append(line)
    return front, [(heading, "\n".join(lines).strip()) for heading, lines in sections]


def check_identity(path: Path, front: dict, number: int, list_type: str) -> None:
    assert list(front) == FRONT_KEYS[list_type], path
    assert front["number"] == number
    assert SLUG.match(front["id"]) and isinstance(front["title"], str) and front["title"].strip()
    assert path.name == matter_file.file_name(number, front["id"])


def test_jiben_files_are_front_matter_and_the_declared_sections(district):
    categories = [entry["name"] for entry in read_yaml(CONTENT / "categories.yml")]
    with_basis = without_basis = 0
    for town in towns(district):
        seen_categories, ids = [], []
        for number, path in enumerate(matter_files(town / "jiben"), start=1):
            front, sections = typed_matter(path)
            check_identity(path, front, number, "jiben")
            ids.append(front["id"])
            assert front["category"] in categories
            seen_categories.append(categories.index(front["category"]))
            headings = [heading for heading, _ in sections]
            assert headings in (["履职内容"], ["履职内容", "依据"]), path
            assert all(text for _, text in sections), path
            with_basis += len(headings) == 2
            without_basis += len(headings) == 1
        assert seen_categories == sorted(seen_categories)  # in the categories' official order
        assert len(set(ids)) == len(ids)
    assert with_basis and without_basis


def test_shouhui_files_name_a_known_department(district):
    departments = DepartmentNames(load_valid_content(CONTENT).departments)
    canonical = {department.name for department in load_valid_content(CONTENT).departments}
    written = []
    for town in towns(district):
        for number, path in enumerate(matter_files(town / "shouhui"), start=1):
            front, sections = typed_matter(path)
            check_identity(path, front, number, "shouhui")
            assert departments.resolve(front["department"]) is not None, path
            written.append(front["department"])
            assert [heading for heading, _ in sections] == ["收回后的履职方式"] and sections[0][1], path
            assert "示例数据" in sections[0][1]
    assert any(name in canonical for name in written) and any(name not in canonical for name in written)


def test_refuses_the_content_folders(tmp_path):
    for out in (REPO / "content", REPO / "content" / "lists", CONTENT, CONTENT / "matters", CONTENT.parent, REPO):
        with pytest.raises(example.Refused, match="refusing to write into"):
            example.generate(CONTENT, out, force=True)
    assert not (REPO / "content" / "lists").exists() and not (CONTENT / "lists").exists()


def test_refuses_a_folder_it_did_not_make(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(example.Refused, match="not made by this script"):
            example.generate(CONTENT, out, force=force)
    assert [path.name for path in out.iterdir()] == ["notes.txt"]


def test_force_replaces_a_folder_it_made(tmp_path):
    out = tmp_path / "district"
    out.mkdir()
    (out / example.MARKER).write_text("made before\n", encoding="utf-8")
    (out / "stray.txt").write_text("left over", encoding="utf-8")
    with pytest.raises(example.Refused, match="--force"):
        example.generate(CONTENT, out)
    assert (out / "stray.txt").exists()
    example.generate(CONTENT, out, force=True)
    assert not (out / "stray.txt").exists() and (out / "site.yml").exists() and (out / example.MARKER).exists()
    assert [path.name for path in tmp_path.iterdir()] == ["district"]  # no staging folder left behind


def test_command_line_refusal_is_a_message_not_a_traceback(tmp_path):
    run = subprocess.run([sys.executable, str(SCRIPT), "--source", str(CONTENT), "--out", str(REPO / "content")],
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 2
    assert run.stderr.startswith("error: refusing to write into") and "Traceback" not in run.stderr


def test_scale_repeats_the_towns_with_suffixed_slugs(district, tmp_path):
    out = tmp_path / "city"
    summary = example.generate(CONTENT, out, scale=2)
    slugs = [town.name for town in towns(out)]
    base = [town.name for town in towns(district)]
    assert sorted(slugs) == sorted(base + [f"{slug}-2" for slug in base])
    assert "（副本2）" in read_yaml(out / "lists" / "xingsheng-2" / "town.yml")["name"]
    assert summary.towns == 20 and summary.lists == 60
    assert 6_000 <= sum(summary.matters.values()) <= 7_600
    # The first district is the same as without --scale; the copies are derived afresh.
    assert tree(out / "lists" / "qingfu") == tree(district / "lists" / "qingfu")
    assert tree(out / "lists" / "xingsheng-2" / "peihe") != tree(district / "lists" / "xingsheng" / "peihe")
