"""The benchmark's Hugo input for a district of several lists (``anchors.prepare_hugo_library``)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, REPO, load_script
from generator.content import matter_file
from generator.content.lists import load_library
from generator.content.model import PEIHE


def _anchors():
    spec = importlib.util.spec_from_file_location("benchmark_anchors", REPO / "benchmarks" / "anchors.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


anchors = _anchors()


@pytest.fixture(scope="module")
def hugo(tmp_path_factory) -> tuple:
    """The example district of the tests' content, and Hugo's input made from it."""
    work = tmp_path_factory.mktemp("anchors")
    load_script("example_district").generate(CONTENT, work / "district")
    library = load_library(work / "district")
    anchors.prepare_hugo_library(library, work / "hugo")
    return library, work / "hugo" / "content"


def front(path: Path) -> dict:
    head = path.read_text(encoding="utf-8").split("---\n")[1]
    return {key: json.loads(value) for key, value in (line.split(": ", 1) for line in head.splitlines())}


def test_every_matter_of_every_list_is_a_page_with_its_whole_official_text(hugo):
    library, content = hugo
    for matter_list in library.lists:
        folder = content / matter_list.info.town / matter_list.info.type / "matters"
        assert len(list(folder.iterdir())) == len(matter_list.matters)
        for matter in matter_list.matters:
            page = folder / f"{matter.id}.md"
            assert front(page)["title"] == matter.title
            body = matter_file.split(matter.path.read_text(encoding="utf-8")).body.strip()
            assert body in page.read_text(encoding="utf-8")


def test_a_peihe_list_has_a_listing_per_category_and_department_and_the_district_a_page_per_department(hugo):
    library, content = hugo
    peihe = next(matter_list for matter_list in library.lists if matter_list.info.type == PEIHE)
    key = f"{peihe.info.town}-{peihe.info.type}"
    for category in peihe.categories:
        assert front(content / "categories" / f"{key}-{category.slug}" / "_index.md")["title"] == category.name
    slugs = {department.name: department.slug for department in library.departments}
    for name in {name for matter in peihe.matters for name in matter.departments}:
        assert front(content / "listdepartments" / f"{key}-{slugs[name]}" / "_index.md")["title"] == name
        assert (content / "departments" / slugs[name] / "_index.md").is_file()


def test_a_town_is_listed_on_the_home_but_has_no_page_of_its_own(hugo):
    library, content = hugo
    for town in library.towns:
        assert front(content / town.slug / "_index.md")["build"] == {"render": "never", "list": "always"}
