"""Shared fixtures: paths to the tests' content, the committed content and the official table."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
from functools import partial
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
# The content the tests build: a frozen copy of the list as imported from the fixture table. The
# committed content/ changes with every revision of the list, so no test may depend on its text;
# the tests that are about content/ itself (it is valid, it builds, a pull request on it goes green)
# use COMMITTED_CONTENT.
CONTENT = REPO / "tests" / "fixtures" / "content"
COMMITTED_CONTENT = REPO / "content"
TABLE = REPO / "tests" / "fixtures" / "xingsheng-peihe-lvzhi-qingdan.txt"
SETTINGS_FILES = ("site.yml", "categories.yml", "departments.yml")


def committed_matters() -> int:
    """How many matters the tests' content holds (counted, so that a test says where its number comes from)."""
    return len(list((CONTENT / "matters").glob("*.md")))


def init_repository(root: Path) -> None:
    """A git repository at ``root`` on branch main, with an identity for commits and no signing."""
    run = partial(subprocess.run, capture_output=True, text=True, check=True)
    run(["git", "-C", str(root), "init", "-q", "-b", "main"])
    for key, value in (("user.name", "测试"), ("user.email", "test@example.invalid"),
                       ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
        run(["git", "-C", str(root), "config", key, value])


def copy_content(target: Path, matters: int | None = 0) -> Path:
    """The committed settings and the first ``matters`` matter files (None: all of them) in ``target``."""
    (target / "matters").mkdir(parents=True)
    for name in SETTINGS_FILES:
        shutil.copy(CONTENT / name, target / name)
    paths = sorted((CONTENT / "matters").glob("*.md"))
    for path in paths if matters is None else paths[:matters]:
        shutil.copy(path, target / "matters" / path.name)
    return target


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Tests read messages in English, the code's own words; tests/test_i18n.py checks the Chinese.

    Set for this process and for the commands a test starts (through LVZHI_LANG).
    """
    from generator import i18n

    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "en")
    i18n.use_language("en")
    yield
    i18n.use_language("en")


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py``, which is not a package."""
    spec = importlib.util.spec_from_file_location(f"script_{name}", REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the tests' content that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def empty_content(tmp_path: Path) -> Path:
    """The committed settings (site, categories, departments) without matters."""
    return copy_content(tmp_path / "content")


def load_synth() -> ModuleType:
    """``benchmarks/synth.py`` (synthetic content of N matters), which is not a package."""
    spec = importlib.util.spec_from_file_location("benchmark_synth", REPO / "benchmarks" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def git_calls(monkeypatch) -> list:
    """The commands run through ``subprocess.run`` during the test (they still run): to count git calls."""
    calls: list = []
    run = subprocess.run

    def counting(args, *rest, **options):
        calls.append(args)
        return run(args, *rest, **options)

    monkeypatch.setattr(subprocess, "run", counting)
    return calls
