"""Shared fixtures: paths to the committed content and the official table."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from types import ModuleType
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TABLE = REPO / "tests" / "fixtures" / "xingsheng-peihe-lvzhi-qingdan.txt"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the committed content that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def empty_content(tmp_path: Path) -> Path:
    """The committed settings (site, categories, departments) without matters."""
    target = tmp_path / "content"
    (target / "matters").mkdir(parents=True)
    for name in ("site.yml", "categories.yml", "departments.yml"):
        shutil.copy(CONTENT / name, target / name)
    return target


def load_synth() -> ModuleType:
    """``benchmarks/synth.py`` (synthetic content of N matters), which is not a package."""
    spec = importlib.util.spec_from_file_location("benchmark_synth", REPO / "benchmarks" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module
