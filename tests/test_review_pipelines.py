"""The pull-request pipelines (Gitea/Forgejo Actions, GitLab CI) run what docs/reviewing.md promises.

No Gitea or GitLab runs here, so this reads the files: they must parse, run
check, the test command, a build and a Markdown diff summary, publish the
summary and the site, and only call generator commands that exist.
"""
from __future__ import annotations

import importlib
import re
import tomllib

import pytest
import yaml

from conftest import REPO
from generator import cli

PIPELINES = {
    "gitea": REPO / ".gitea" / "workflows" / "review.yml",
    "gitlab": REPO / ".gitlab-ci.yml",
}
GENERATOR_COMMAND = re.compile(r"-m generator (\w+)")


def shell_lines(pipeline: dict) -> str:
    """Every shell command of a parsed pipeline, as one text."""
    if "jobs" in pipeline:
        steps = [step for job in pipeline["jobs"].values() for step in job["steps"]]
        return "\n".join(step.get("run", "") for step in steps)
    job = pipeline["review"]
    return "\n".join([*job.get("before_script", []), *job["script"]])


def published(pipeline: dict) -> str:
    if "jobs" in pipeline:
        steps = [step for job in pipeline["jobs"].values() for step in job["steps"]]
        return "\n".join(str(step.get("with", {}).get("path", "")) for step in steps)
    return "\n".join(pipeline["review"]["artifacts"]["paths"])


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_runs_check_tests_build_and_summary(name):
    pipeline = yaml.safe_load(PIPELINES[name].read_text(encoding="utf-8"))
    commands = shell_lines(pipeline)
    assert "-m generator check" in commands
    assert "bash scripts/test.sh" in commands
    assert "-m generator build" in commands
    assert re.search(r"-m generator diff .* --format markdown > change-summary\.md", commands)
    assert {"change-summary.md", "site/"} <= set(published(pipeline).split())


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_calls_only_existing_commands(name):
    known = set(cli._parser()._subparsers._group_actions[0].choices)
    used = set(GENERATOR_COMMAND.findall(PIPELINES[name].read_text(encoding="utf-8")))
    assert used and used <= known


def test_console_script_points_at_the_cli():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, function = scripts["lvzhi"].split(":")
    assert getattr(importlib.import_module(module), function) is cli.main
