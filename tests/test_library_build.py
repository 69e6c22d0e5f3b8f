"""The build of a whole district on several cores (``stages.produce_library``) writes what one core writes.

The example district (``scripts/example_district.py`` made from the tests'
frozen content), pared to three of its towns (about 1,000 matters; each
build here is two, and all ten took 40 s on a busy machine), is still large
enough for every parallel path (``PARALLEL_FROM``): its matter files
are parsed ahead in shares, its texts converted and its same matters
compared on every core, its lists and runs of district pages written by
different processes. It is committed twice (a 配合 and a 基本 matter edited
in the second revision) so that the lists' histories and a
``--changes-base`` review go through those paths too.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT, init_repository, load_script
from generator.content.list_types import load_list_types
from generator.content.lists import LIST_TYPES_DIR, load_library
from generator.content.loader import read_matter_files
from generator.engine import stages
from generator.engine.build import build
from generator.errors import ContentErrors
from generator.review.history import load_list_history
from generator.review.typed_history import load_typed_history

PEIHE_EDITED = "lists/xingsheng/peihe/matters"
JIBEN_EDITED = "lists/kexuelu/jiben/matters"
TOWNS_KEPT = ("fuqianglu", "kexuelu", "xingsheng")


ADDED_LINE = "并按要求报送工作情况。"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)


def edit_first_matter(folder: Path) -> str:
    """Change a line of the first matter file's body in ``folder``; its name."""
    path = sorted(folder.glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n{ADDED_LINE}\n", encoding="utf-8")
    return path.stem


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("library") / "district"
    load_script("example_district").generate(CONTENT, root)
    for town in (root / "lists").iterdir():
        if town.name not in TOWNS_KEPT:
            shutil.rmtree(town)
    init_repository(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "首次发布")
    edit_first_matter(root / PEIHE_EDITED)
    edit_first_matter(root / JIBEN_EDITED)
    git(root, "commit", "-q", "-am", "修订两项事项")
    return root


def files(folder: Path) -> dict[Path, bytes]:
    return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_the_district_is_large_enough_for_every_parallel_path(district):
    library = load_library(district)
    assert sum(len(matter_list.matters) for matter_list in library.lists) >= stages.PARALLEL_FROM
    assert len(stages._library_files(district)) >= stages.PARALLEL_FROM


def test_two_cores_write_the_same_bytes_as_one_histories_and_review_included(district, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    build(district, one, jobs=1, changes_base="HEAD~1")
    build(district, two, jobs=2, changes_base="HEAD~1")
    first, second = files(one), files(two)
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []
    # The histories and the review reached the pages written by the workers.
    assert Path("changes/index.html") in first
    assert Path("xingsheng/peihe/changes/index.html") in first
    for history in ("xingsheng/peihe/history/index.html", "kexuelu/jiben/history/index.html"):
        assert ADDED_LINE in (one / history).read_text(encoding="utf-8")


def test_matter_files_parsed_ahead_load_as_the_same_library(district):
    read_matters, read_typed = stages._prefetched_readers(district, stages._types_or_none(district), 2)
    assert read_typed is not None, "the example district is large enough to parse its files ahead"
    assert load_library(district, read_matters, read_typed) == load_library(district)


def test_a_file_the_look_ahead_did_not_see_is_read_by_the_loader_itself(district, tmp_path):
    read_matters, read_typed = stages._prefetched_readers(district, stages._types_or_none(district), 2)
    folder = district / PEIHE_EDITED
    path = sorted(folder.glob("*.md"))[1]
    read = read_matters([path], "elsewhere")  # another label: not what was parsed ahead
    assert read == read_matter_files([path], "elsewhere")
    assert read[0][0] is not None and read[0][1] == []


def test_a_broken_declaration_in_a_large_district_is_reported_and_nothing_is_written(district, tmp_path):
    """The parallel path reads the declarations before the lists: one that does not load is the loader's
    error (file and line), as on one core, not a crash, and the output folder is not made."""
    broken = tmp_path / "district"
    shutil.copytree(district, broken, ignore=shutil.ignore_patterns(".git"))
    (broken / "list_types").mkdir()
    (broken / "list_types" / "jiben.yml").write_text("type: jiben\nlabel: [未闭合\n", encoding="utf-8")
    out = tmp_path / "site"
    for jobs in (1, 2):
        with pytest.raises(ContentErrors) as raised:
            build(broken, out, jobs=jobs)
        assert any(error.path.endswith("list_types/jiben.yml") and error.line >= 1 for error in raised.value.errors)
        assert not out.exists()


def test_the_collector_is_paused_during_a_library_build_only(district, tmp_path, monkeypatch):
    """The build makes millions of objects and frees few: the cyclic collector walked the heap for nothing
    (5-8 % of a district's CPU). It is paused for the build and on again after it, even after a failure."""
    import gc

    seen = []
    real = stages.produce_library

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(stages, "produce_library", watched)
    assert gc.isenabled()
    build(district, tmp_path / "site", jobs=1)
    assert seen == [False] and gc.isenabled()

    def failing(*args, **kwargs):
        seen.append(gc.isenabled())
        raise ContentErrors([])

    monkeypatch.setattr(stages, "produce_library", failing)
    with pytest.raises(ContentErrors):
        build(district, tmp_path / "other", jobs=1)
    assert seen == [False, False] and gc.isenabled()


def test_a_district_no_commit_touched_has_no_history_and_asks_git_once_per_kind(district, tmp_path, git_calls):
    """Content not committed yet, inside a checkout: each kind of history takes one ``git log`` for the whole
    folder, where each list's own took a few calls (hundreds at a city), and it is what each list's reads."""
    init_repository(tmp_path)
    (tmp_path / "说明.txt").write_text("内容尚未提交\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "初始")
    content = tmp_path / "content"
    shutil.copytree(district, content, ignore=shutil.ignore_patterns(".git"))
    git_calls.clear()
    peihe, typed = stages._list_histories(content), stages.typed_histories(content)
    logs = [call for call in git_calls if "log" in call]
    assert len(logs) == 2 and len(git_calls) <= 6  # and finding the checkout
    types = load_list_types(content / LIST_TYPES_DIR)
    assert len(peihe) == len(TOWNS_KEPT) and len(typed) == 2 * len(TOWNS_KEPT)
    assert peihe == {key: load_list_history(content, key) for key in peihe}
    assert typed == {key: load_typed_history(content, key, types[key.split("/")[1]]) for key in typed}
    assert not any(history.revisions for history in (*peihe.values(), *typed.values()))
