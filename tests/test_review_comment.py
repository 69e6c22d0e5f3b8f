"""The ``comment`` command: summary against the merge base, one comment posted then edited.

Each test makes a small git repository with the committed content, a
branch that edits matter 11 as a keeper would, and runs the command with
the environment variables a GitLab or Gitea/Forgejo pipeline sets, against
a fake of each API on 127.0.0.1 (tests/fake_forge.py).
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CONTENT, init_repository
from fake_forge import Forge, FakeServer
from generator import i18n
from generator.review.gitrev import compare
from generator.content.model import TOWN_DUTIES_HEADING
from generator.review.comment import Streams, run
from generator.review.forge import MARKER
from generator.review.ci_env import GITEA, GITLAB, Review, review_from_environment

TOKEN = "test-token"
# What the keeper adds to a duty line, and on the next push instead. Lines are found in the
# content as it is today (tests/conftest.py: nothing may pin content/ to its original text).
ADDED = "〔经办人张榜公示〕"
ADDED_LATER = "〔另行网上公示〕"


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2024-03-01T09:00:00+08:00",
           "GIT_COMMITTER_DATE": "2024-03-01T09:00:00+08:00"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env,
                          check=True).stdout.strip()


def matter(repo: Path, position: int) -> Path:
    """The matter file at ``position`` (1-based) in the list, whatever its number today."""
    return sorted((repo / "content" / "matters").glob("*.md"))[position - 1]


def number_of(path: Path) -> int:
    return int(re.search(r"^number: (\d+)$", path.read_text(encoding="utf-8"), re.MULTILINE)[1])


def town_line(path: Path) -> str:
    """The first numbered line of the matter's town duties."""
    text = path.read_text(encoding="utf-8")
    town = text[text.index(f"## {TOWN_DUTIES_HEADING}"):]
    return next(line for line in town.splitlines() if re.match(r"\d+\. ", line))


def shown(summary: str, line: str) -> bool:
    """Whether the summary shows ``line`` as changed by added characters only."""
    return any(re.sub(r"</?ins>", "", entry) == f"  - 修改：{line}" and "<del>" not in entry
               for entry in summary.splitlines())


def replace_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main with the committed content; branch ``edit`` changes one duty line of matter 11.

    Then main moves on: a colleague's change to matter 12 is merged after the branch was made.
    """
    root = tmp_path / "repo"
    shutil.copytree(CONTENT, root / "content")
    init_repository(root)
    commit_all(root, "清单")
    git(root, "checkout", "-q", "-b", "edit")
    line = town_line(matter(root, 11))
    replace_line(matter(root, 11), line, line + ADDED)
    commit_all(root, "第11项 公示方式")
    git(root, "checkout", "-q", "main")
    line = town_line(matter(root, 12))
    replace_line(matter(root, 12), line, line + "并按月汇总。")
    commit_all(root, "第12项 汇总")
    git(root, "checkout", "-q", "edit")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def forge() -> Iterator[tuple[Forge, str]]:
    """The fake API on 127.0.0.1, stopped after the test."""
    state = Forge(TOKEN)
    server = FakeServer(state)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state, server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def gitlab_env(url: str, token: str = TOKEN, **extra: str) -> dict[str, str]:
    return {"GITLAB_CI": "true", "CI_API_V4_URL": f"{url}/api/v4", "CI_PROJECT_ID": "42",
            "CI_MERGE_REQUEST_IID": "3", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_JOB_URL": "https://gitlab.example/qingdan/-/jobs/77", "REVIEW_TOKEN": token, **extra}


def gitea_env(url: str, tmp_path: Path, token: str = TOKEN) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "number": 7, "pull_request": {"number": 7}}),
                     encoding="utf-8")
    return {"GITHUB_ACTIONS": "true", "GITEA_ACTIONS": "true", "GITHUB_SERVER_URL": url,
            "GITHUB_API_URL": f"{url}/api/v1", "GITHUB_REPOSITORY": "xingsheng/qingdan",
            "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REF": "refs/pull/7/head", "GITHUB_BASE_REF": "main", "REVIEW_TOKEN": token}


def run_comment(repo: Path, environ: dict[str, str], **options) -> tuple[int, str, str, str]:
    """Exit status, job log (stdout, stderr) and the summary file of one ``comment`` run."""
    out, err = io.StringIO(), io.StringIO()
    code = run(Path("content"), repo / "change-summary.md", environ, Streams(out, err), **options)
    return code, out.getvalue(), err.getvalue(), (repo / "change-summary.md").read_text(encoding="utf-8")


def api_calls(forge: Forge) -> list[tuple[str, str]]:
    return [(request.method, request.path.split("?")[0]) for request in forge.requests]


# --- the merge base -----------------------------------------------------------


@pytest.mark.parametrize("system", [GITLAB, GITEA])
def test_summary_shows_only_the_branchs_change_when_main_moved_on(repo, tmp_path, system):
    environ = gitlab_env("http://127.0.0.1:9", token="") if system == GITLAB else gitea_env(
        "http://127.0.0.1:9", tmp_path, token="")
    code, log, _, summary = run_comment(repo, environ)
    eleven, twelve = number_of(matter(repo, 11)), number_of(matter(repo, 12))
    assert code == 0
    assert "本次修订：修改 1 项" in summary and f"#### 第{eleven}项 " in summary
    assert shown(summary, town_line(matter(repo, 11))) and f"<ins>{ADDED}</ins>" in summary
    assert f"第{twelve}项" not in summary and f"第{twelve}项" not in log
    # Compared with main's tip instead, matter 12 would show as changed back by this branch.
    change, _ = compare(repo / "content", "main", None)
    assert [matter.number for matter in change.matters] == [eleven, twelve]


def test_gitlab_diff_base_sha_is_used_as_given(repo):
    first = git(repo, "rev-list", "--max-parents=0", "HEAD")
    git(repo, "branch", "-D", "main")  # a fork's pipeline: no target branch in the clone
    code, _, _, summary = run_comment(repo, gitlab_env("http://127.0.0.1:9", token="",
                                                        CI_MERGE_REQUEST_DIFF_BASE_SHA=first))
    assert code == 0 and "本次修订：修改 1 项" in summary and f"第{number_of(matter(repo, 12))}项" not in summary
    assert f"比较范围：`{first[:7]}" in summary


def test_target_branch_that_cannot_be_found_is_reported_in_the_comment(repo):
    code, _, _, summary = run_comment(repo, gitlab_env("http://127.0.0.1:9", token=""), target="no-such-branch")
    assert code == 0
    assert "无法生成修订摘要" in summary and "no-such-branch" in summary


# --- posting, then editing the same comment ------------------------------------


def test_gitlab_posts_a_note_then_edits_the_same_note(repo, forge):
    state, url = forge
    thread = "gitlab:42!3"
    for index in range(60):  # discussion before the pipeline's first run: the note list has two pages
        state.add(thread, f"意见 {index}")
    state.add(thread, f"{MARKER}合并请求已更新", system=True)  # GitLab's own notes are never edited
    state.add(thread, f"> {MARKER}\n> ## 清单修订摘要\n\n同意。")  # nor a reply that quotes the summary
    code, log, err, summary = run_comment(repo, gitlab_env(url))
    assert (code, err) == (0, "")
    assert api_calls(state) == [("GET", "/api/v4/projects/42/merge_requests/3/notes")] * 3 + [
        ("POST", "/api/v4/projects/42/merge_requests/3/notes")]
    post = state.requests[-1]
    assert post.headers["private-token"] == TOKEN and "authorization" not in post.headers
    assert post.body == {"body": summary}
    assert summary.startswith(MARKER + "\n") and shown(summary, town_line(matter(repo, 11)))
    posted = state.threads[thread][-1]
    assert f"Posted the summary as comment {posted['id']} on pull request 3." in log

    # The next push: another edit of the same line; the same note is edited, none added.
    line = town_line(matter(repo, 11))
    replace_line(matter(repo, 11), line, line.replace(ADDED, ADDED_LATER))
    commit_all(repo, "第11项 改为网上公示")
    state.requests.clear()
    code, log, err, summary = run_comment(repo, gitlab_env(url))
    assert (code, err) == (0, "")
    assert api_calls(state)[-1] == ("PUT", f"/api/v4/projects/42/merge_requests/3/notes/{posted['id']}")
    assert ("POST", "/api/v4/projects/42/merge_requests/3/notes") not in api_calls(state)
    assert state.requests[-1].body == {"body": summary}
    marked = [note for note in state.threads[thread] if note["body"].startswith(MARKER) and not note["system"]]
    assert [note["id"] for note in marked] == [posted["id"]]
    assert shown(marked[0]["body"], town_line(matter(repo, 11))) and ADDED not in marked[0]["body"]
    assert f"Updated the summary comment {posted['id']} on pull request 3." in log
    assert len(state.threads[thread]) == 63


def test_gitea_posts_a_comment_then_edits_the_same_comment(repo, forge, tmp_path):
    state, url = forge
    thread = "gitea:xingsheng/qingdan#7"
    state.add(thread, "请审核。", author="clerk")
    code, log, err, summary = run_comment(repo, gitea_env(url, tmp_path))
    assert (code, err) == (0, "")
    assert api_calls(state) == [("GET", "/api/v1/repos/xingsheng/qingdan/issues/7/comments")] * 2 + [
        ("POST", "/api/v1/repos/xingsheng/qingdan/issues/7/comments")]
    post = state.requests[-1]
    assert post.headers["authorization"] == f"token {TOKEN}" and "private-token" not in post.headers
    assert post.body == {"body": summary}
    comment_id = state.threads[thread][-1]["id"]

    line = town_line(matter(repo, 11))
    replace_line(matter(repo, 11), line, line.replace(ADDED, ADDED_LATER))
    commit_all(repo, "第11项 改为网上公示")
    state.requests.clear()
    code, log, err, summary = run_comment(repo, gitea_env(url, tmp_path))
    assert (code, err) == (0, "")
    assert api_calls(state)[-1] == ("PATCH", f"/api/v1/repos/xingsheng/qingdan/issues/comments/{comment_id}")
    assert not any(method == "POST" for method, _ in api_calls(state))
    assert [comment["body"] for comment in state.threads[thread]] == ["请审核。", summary]
    assert shown(summary, town_line(matter(repo, 11)))
    assert f"Updated the summary comment {comment_id} on pull request 7." in log


def test_without_a_token_the_summary_goes_to_the_log_and_the_file_and_the_job_says_how(repo, forge, tmp_path):
    state, url = forge
    i18n.use_language("zh")
    for environ, where in ((gitlab_env(url, token=""), "CI/CD"), (gitea_env(url, tmp_path, token=""), "Actions")):
        code, log, err, summary = run_comment(repo, environ)
        assert (code, err) == (0, "")
        assert summary.startswith(MARKER) and shown(summary, town_line(matter(repo, 11)))
        assert shown(log, town_line(matter(repo, 11))) and MARKER not in log  # the summary, in the job log
        assert "REVIEW_TOKEN" in log and where in log
        assert "未设置" in log and "评论" in log  # in Chinese, as the keepers read it
    assert state.requests == []


def test_failing_check_still_comments_with_its_errors_first(repo, forge, tmp_path):
    state, url = forge
    path = matter(repo, 11)
    text = path.read_text(encoding="utf-8")
    old = re.search(r"^category: (.*)$", text, re.MULTILINE)
    path.write_text(text.replace(old[0], "category: 没有这个分类"), encoding="utf-8")
    commit_all(repo, "第11项 分类写错")
    code, log, err, summary = run_comment(repo, gitea_env(url, tmp_path))
    where = f"content/matters/{path.name}:{text[:old.start()].count(chr(10)) + 1}: "
    assert code == 1
    assert where in err
    body = state.requests[-1].body["body"]
    assert body == summary and state.requests[-1].method == "POST"
    errors_at, summary_at = body.index("内容检查未通过"), body.index("本次修订")
    assert errors_at < summary_at
    assert where in body[errors_at:summary_at]
    assert f"分类：{old[1]} → 没有这个分类" in body  # whatever summary can be made


def test_content_that_cannot_be_loaded_still_comments_with_the_errors(repo, forge, tmp_path):
    state, url = forge
    (repo / "content" / "site.yml").write_text("- 不是设置\n", encoding="utf-8")
    commit_all(repo, "弄坏设置")
    code, _, _, summary = run_comment(repo, gitea_env(url, tmp_path))
    assert code == 1
    assert summary.index("内容检查未通过") < summary.index("无法生成修订摘要")
    assert "content/site.yml:1: " in summary
    assert state.requests[-1].body == {"body": summary}


def test_refused_token_is_a_warning_not_a_traceback(repo, forge):
    state, url = forge
    code, log, err, summary = run_comment(repo, gitlab_env(url, token="wrong"))
    assert code == 0 and ADDED in summary and ADDED in log
    assert err.startswith("warning: could not post the summary on the pull request (GET ")
    assert "HTTP 401" in err and "Traceback" not in err
    assert api_calls(state) == [("GET", "/api/v4/projects/42/merge_requests/3/notes")]


def test_outside_a_pull_request_pipeline_nothing_is_posted(repo):
    code, log, err, summary = run_comment(repo, {"REVIEW_TOKEN": TOKEN})
    assert (code, err) == (0, "")
    assert ADDED in summary and "was not posted" in log


# --- reading the CI variables -----------------------------------------------------


def test_gitlab_variables():
    review = review_from_environment(gitlab_env("https://gitlab.example", CI_MERGE_REQUEST_DIFF_BASE_SHA="abc123"))
    assert review == Review(GITLAB, "https://gitlab.example/api/v4", "42", 3, TOKEN, "main", "abc123",
                            "https://gitlab.example/qingdan/-/jobs/77/artifacts/file/site/")
    assert review.can_post
    assert review.comments_url == "https://gitlab.example/api/v4/projects/42/merge_requests/3/notes"
    assert review.comment_url(9) == "https://gitlab.example/api/v4/projects/42/merge_requests/3/notes/9"


def test_gitea_variables_from_the_event_file_or_the_ref(tmp_path):
    environ = gitea_env("https://git.example", tmp_path)
    review = review_from_environment(environ)
    assert review == Review(GITEA, "https://git.example/api/v1", "xingsheng/qingdan", 7, TOKEN, "main")
    assert review.comments_url == "https://git.example/api/v1/repos/xingsheng/qingdan/issues/7/comments"
    assert review.comment_url(9) == "https://git.example/api/v1/repos/xingsheng/qingdan/issues/comments/9"
    forgejo = {**environ, "GITHUB_EVENT_PATH": str(tmp_path / "missing.json"), "GITHUB_REF": "refs/pull/12/head"}
    del forgejo["GITEA_ACTIONS"], forgejo["GITHUB_API_URL"]
    forgejo["FORGEJO_ACTIONS"] = "true"
    assert review_from_environment(forgejo) == Review(GITEA, "https://git.example/api/v1", "xingsheng/qingdan",
                                                      12, TOKEN, "main")


def test_no_ci_variables_no_pull_request():
    review = review_from_environment({"PATH": "/usr/bin"})
    assert review.system is None and not review.can_post
    assert not review_from_environment({"GITLAB_CI": "true", "REVIEW_TOKEN": TOKEN}).can_post  # a branch pipeline


# --- the comment's text -------------------------------------------------------------


def test_errors_come_first_as_written_and_a_long_summary_is_cut_at_a_line():
    from generator.review.report import BODY_LIMIT, CUT_NOTE, FOOTER, Report, comment_body

    body = comment_body(Report(["content/a.md:3: 含有 ``` 的提示"], "本次修订：修改 1 项\n"))
    assert body.index("内容检查未通过") < body.index("本次修订")
    assert "\n````text\ncontent/a.md:3: 含有 ``` 的提示\n````\n" in body  # a fence longer than any inside
    long = "本次修订：修改 1 项\n\n" + "".join(f"- 修改：第{index}条\n" for index in range(20_000))
    cut = comment_body(Report([], long, base="abc1234", head="def5678", target="main"))
    assert len(cut) <= BODY_LIMIT and cut.startswith(MARKER)
    assert cut.endswith(f"\n\n{CUT_NOTE}\n\n{FOOTER}\n")
    assert re.search(r"\n- 修改：第\d+条\n\n……", cut)
