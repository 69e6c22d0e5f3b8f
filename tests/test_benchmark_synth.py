"""The benchmark's synthetic content: valid, the right size, deterministic, realistic."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import load_synth
from generator.content.check import load_valid_content

REPO = Path(__file__).resolve().parent.parent
COUNT = 150


synth = load_synth()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth.generate(COUNT, tmp_path_factory.mktemp("synth") / "content")


def _file_bytes(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_synthetic_content_passes_validation(synthetic: Path) -> None:
    content = load_valid_content(synthetic)
    assert len(content.matters) == COUNT


def test_numbers_and_ids_are_unique_and_complete(synthetic: Path) -> None:
    matters = load_valid_content(synthetic).matters
    assert sorted(matter.number for matter in matters) == list(range(1, COUNT + 1))
    ids = [matter.id for matter in matters]
    assert len(set(ids)) == COUNT
    assert all(matter_id.isascii() for matter_id in ids)


def test_every_category_is_used_in_proportion(synthetic: Path) -> None:
    content = load_valid_content(synthetic)
    real = Counter(matter.category for matter in load_valid_content(REPO / "content").matters)
    used = Counter(matter.category for matter in content.matters)
    assert set(used) == {category.name for category in content.categories}
    assert len(used) == 8
    for name, real_count in real.items():
        expected = real_count * COUNT / sum(real.values())
        assert abs(used[name] - expected) <= 1.5, (name, used[name], expected)


def test_text_is_varied_not_copied(synthetic: Path) -> None:
    real_bodies = {path.read_text(encoding="utf-8").split("---", 2)[2]
                   for path in (REPO / "content" / "matters").glob("*.md")}
    bodies = [path.read_text(encoding="utf-8").split("---", 2)[2]
              for path in (synthetic / "matters").glob("*.md")]
    unchanged = sum(body in real_bodies for body in bodies)
    assert unchanged < COUNT * 0.2
    titles = [matter.title for matter in load_valid_content(synthetic).matters]
    assert any(title.endswith("（第2批）") for title in titles)


def test_same_count_gives_same_bytes(synthetic: Path, tmp_path: Path) -> None:
    again = synth.generate(COUNT, tmp_path / "again")
    assert _file_bytes(again) == _file_bytes(synthetic)


def test_regenerating_replaces_old_matters(tmp_path: Path) -> None:
    target = tmp_path / "content"
    synth.generate(120, target)
    synth.generate(20, target)
    assert len(list((target / "matters").glob("*.md"))) == 20


def test_refuses_to_overwrite_the_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        synth.generate(10, REPO / "content")
