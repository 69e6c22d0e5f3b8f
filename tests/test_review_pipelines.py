"""The pull-request pipelines (Gitea/Forgejo Actions, GitLab CI) run what docs/reviewing.md promises.

No Gitea or GitLab runs here, so this reads the files: they must parse, post
the summary through ``comment`` (which runs check), run the test command and
a build, publish the summary and the site, and only call generator commands
that exist. Then a content change on a branch of a temporary repository goes
through every generator command each pipeline runs, as the pipeline runs it:
all must pass. (docs/reviewing.md says how the GitLab pipeline was run for
real with gitlab-ci-local.)
"""
from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import CONTENT, REPO
from generator import cli
from generator.content.model import TOWN_DUTIES_HEADING

PIPELINES = {
    "gitea": REPO / ".gitea" / "workflows" / "review.yml",
    "gitlab": REPO / ".gitlab-ci.yml",
}
GENERATOR_COMMAND = re.compile(r"-m generator (\w+)")
ADDED = "〔经办人张榜公示〕"
COMMAND_TIMEOUT = 300  # seconds; a build of the list takes a few


def load(name: str) -> dict:
    return yaml.safe_load(PIPELINES[name].read_text(encoding="utf-8"))


def steps(pipeline: dict) -> list[dict]:
    return [step for job in pipeline["jobs"].values() for step in job["steps"]]


def shell_lines(pipeline: dict) -> str:
    """Every shell command of a parsed pipeline, as one text."""
    if "jobs" in pipeline:
        return "\n".join(step.get("run", "") for step in steps(pipeline))
    job = pipeline["review"]
    return "\n".join([*job.get("before_script", []), *job["script"]])


def published(pipeline: dict) -> str:
    if "jobs" in pipeline:
        return "\n".join(str(step.get("with", {}).get("path", "")) for step in steps(pipeline)
                         if step.get("uses", "").startswith("actions/upload-artifact"))
    return "\n".join(pipeline["review"]["artifacts"]["paths"])


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_comments_builds_tests_and_publishes(name):
    commands = shell_lines(load(name))
    assert re.search(r"-m generator comment --out change-summary\.md", commands)
    assert "bash scripts/test.sh" in commands
    assert "-m generator build" in commands
    # check runs inside comment, before anything else of the generator.
    assert commands.index("-m generator comment") < commands.index("-m generator build")
    assert {"change-summary.md", "site/"} <= set(published(load(name)).split())


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_calls_only_existing_commands(name):
    known = set(cli._parser()._subparsers._group_actions[0].choices)
    used = set(GENERATOR_COMMAND.findall(PIPELINES[name].read_text(encoding="utf-8")))
    assert used and used <= known


def test_gitea_runner_label_token_cache_and_artifact_action():
    pipeline = load("gitea")
    (job,) = pipeline["jobs"].values()
    assert isinstance(job["runs-on"], str)  # one label on one line, named in docs/reviewing.md
    assert len(re.findall(r"^\s*runs-on:", PIPELINES["gitea"].read_text(encoding="utf-8"), re.MULTILINE)) == 1
    (comment,) = [step for step in job["steps"] if "-m generator comment" in step.get("run", "")]
    assert comment["env"] == {"REVIEW_TOKEN": "${{ secrets.REVIEW_TOKEN }}"}  # this step only
    assert "REVIEW_TOKEN" not in job.get("env", {})
    uses = [step.get("uses", "") for step in job["steps"]]
    # Gitea refuses upload-artifact v4 (go-gitea/gitea issues 36024, 35706).
    assert "actions/upload-artifact@v3" in uses
    (cache,) = [step for step in job["steps"] if step.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == ".cache"
    assert uses.index(cache["uses"]) < [bool(re.search("generator build", step.get("run", "")))
                                        for step in job["steps"]].index(True)


def test_gitlab_keeps_the_build_cache_and_the_whole_history():
    job = load("gitlab")["review"]
    assert job["cache"]["paths"] == [".cache/"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]


def test_docs_name_the_runner_label_and_keep_upload_artifact_v3():
    docs = (REPO / "docs" / "reviewing.md").read_text(encoding="utf-8")
    assert "runs-on:" in docs and "Forgejo" in docs and "docker" in docs
    assert "`actions/upload-artifact@v3`" in docs and "you may switch" not in docs
    assert "36024" in docs and "35706" in docs
    assert "gitlab-ci-local" in docs and "--force-shell-executor" in docs


def test_keepers_guide_is_linked_and_quotes_what_the_comment_says():
    """The guide explains the comment in the comment's own words, so the two cannot drift apart."""
    from generator.review import diff_format
    from generator.review import report as review_report

    assert "(docs/keepers-guide.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    guide = (REPO / "docs" / "keepers-guide.md").read_text(encoding="utf-8")
    quoted = [review_report.TITLE.removeprefix("## "), "内容检查未通过", "比较范围", "原文：", "修改后：",
              diff_format.NO_CHANGE, "本次修订：修改 1 项", "修订说明: "]
    assert [text for text in quoted if text not in guide] == []
    assert "内容检查未通过" in review_report.comment_body(review_report.Report(["a:1: b"], None))


def test_browser_test_dependencies_include_libatomic():
    script = (REPO / "scripts" / "install-test-deps.sh").read_text(encoding="utf-8")
    missing = script[script.index("missing_debian_packages() {"):script.index("install_debian_packages() {")]
    assert "|| echo libatomic1" in missing


# --- a content pull request, through every generator command of each pipeline ------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          timeout=COMMAND_TIMEOUT).stdout.strip()


def town_line(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    town = text[text.index(f"## {TOWN_DUTIES_HEADING}"):]
    return next(line for line in town.splitlines() if re.match(r"\d+\. ", line))


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A clone (its ``origin`` a bare server repository) of the content and the pipelines,
    on a branch that edits one duty line of matter 11, as a keeper does in the web editor."""
    seed = tmp_path / "seed"
    shutil.copytree(CONTENT, seed / "content")
    for pipeline in PIPELINES.values():
        target = seed / pipeline.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(pipeline, target)
    git(seed, "init", "-q", "-b", "main")
    git(seed, "-c", "user.name=办事员", "-c", "user.email=clerk@example.invalid", "add", "-A")
    git(seed, "-c", "user.name=办事员", "-c", "user.email=clerk@example.invalid", "commit", "-q", "-m", "清单")
    subprocess.run(["git", "clone", "-q", "--bare", str(seed), str(tmp_path / "server.git")], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(tmp_path / "server.git"), str(work)], check=True)
    git(work, "checkout", "-q", "-b", "edit-11")
    path = sorted((work / "content" / "matters").glob("*.md"))[10]
    line = town_line(path)
    path.write_text(path.read_text(encoding="utf-8").replace(line, line + ADDED, 1), encoding="utf-8")
    git(work, "-c", "user.name=办事员", "-c", "user.email=clerk@example.invalid", "commit", "-q", "-am",
        "修改第11项配合职责")
    return work


def generator_scripts(name: str) -> list[str]:
    """The shell scripts of the pipeline that run the generator, in order, with this Python."""
    pipeline = load(name)
    scripts = ([step["run"] for step in steps(pipeline) if "-m generator" in step.get("run", "")]
               if "jobs" in pipeline else [line for line in pipeline["review"]["script"] if "-m generator" in line])
    assert scripts
    return [script.replace(".venv/bin/python", sys.executable) for script in scripts]


def ci_environment(name: str, work: Path) -> dict[str, str]:
    """The variables the CI system sets for this pull request (no comment token)."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "CI_", "GITLAB_"))}
    base.pop("REVIEW_TOKEN", None)
    if name == "gitlab":
        merge_base = git(work, "merge-base", "origin/main", "HEAD")
        return {**base, "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
                "CI_MERGE_REQUEST_IID": "1", "CI_PROJECT_ID": "1", "CI_API_V4_URL": "http://127.0.0.1:9/api/v4",
                "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_MERGE_REQUEST_DIFF_BASE_SHA": merge_base}
    job = load("gitea")["jobs"]["review"]
    assert job["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    return {**base, "GITHUB_ACTIONS": "true", "GITEA_ACTIONS": "true", "GITHUB_SERVER_URL": "http://127.0.0.1:9",
            "GITHUB_REPOSITORY": "xingsheng/qingdan", "GITHUB_REF": "refs/pull/1/head", "GITHUB_BASE_REF": "main",
            "BASE_REF": "main", "REVIEW_TOKEN": ""}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_content_pull_request_goes_green(pull_request, name):
    work = pull_request
    environ = ci_environment(name, work)
    for script in generator_scripts(name):
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=work, env=environ,
                                capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
        assert result.returncode == 0, (script, result.stdout[-3000:], result.stderr[-3000:])
    summary = (work / "change-summary.md").read_text(encoding="utf-8")
    assert "本次修订：修改 1 项" in summary and f"<ins>{ADDED}</ins>" in summary
    assert "内容检查未通过" not in summary
    matter_id = re.search(r"^id: (.+)$", sorted((work / "content" / "matters").glob("*.md"))[10]
                          .read_text(encoding="utf-8"), re.MULTILINE)[1]
    assert ADDED in (work / "site" / "matters" / f"{matter_id}.html").read_text(encoding="utf-8")
    changes_page = (work / "site" / "changes" / "index.html").read_text(encoding="utf-8")  # the preview's summary
    assert f"../matters/{matter_id}.html" in changes_page and ADDED in changes_page
    assert git(work, "status", "--porcelain", "--", "content") == ""  # nothing of the content was rewritten


def test_console_script_points_at_the_cli():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, function = scripts["lvzhi"].split(":")
    assert getattr(importlib.import_module(module), function) is cli.main
