"""Which pull request a pipeline runs for, read from the CI system's own environment variables.

The ``comment`` command runs in two kinds of pipeline: GitLab CI (merge
requests, notes API v4) and Gitea/Forgejo Actions (pull requests, REST API
v1, which set GitHub-style ``GITHUB_*`` variables). Each names the pull
request, its target branch and the API in its own variables; this module
turns them into one ``Review`` value so that nothing else has to know which
system it is on. It reads a mapping (``os.environ`` in the command, a dict
in the tests) and never the network.

The token is not a system variable: the project stores it as a CI/CD
variable (GitLab) or an Actions secret (Gitea/Forgejo) named ``REVIEW_TOKEN``
(docs/reviewing.md says how).
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

GITLAB, GITEA = "gitlab", "gitea"
TOKEN_VARIABLE = "REVIEW_TOKEN"
DEFAULT_TARGET = "main"
PULL_REF = re.compile(r"^refs/pull/(?P<number>\d+)/")


@dataclass(frozen=True)
class Review:
    """The pull request a pipeline runs for, and what is needed to comment on it.

    ``system`` is None outside a pull-request pipeline (a local run): then
    nothing is posted. ``base`` is the merge base when the CI system gives it
    (GitLab's ``CI_MERGE_REQUEST_DIFF_BASE_SHA``); otherwise the summary is
    compared with the merge base of ``target`` and HEAD.
    """

    system: str | None
    api_url: str = ""  # https://host/api/v4 or https://host/api/v1, without a trailing slash
    project: str = ""  # GitLab: the project id; Gitea/Forgejo: owner/repository
    number: int | None = None  # GitLab: the merge request's iid; Gitea/Forgejo: the pull request's index
    token: str = ""
    target: str = DEFAULT_TARGET  # the branch the pull request goes into
    base: str = ""  # the merge base, when the CI system names it
    preview_url: str = ""  # the built site's address, when the CI system serves its artifacts

    @property
    def can_post(self) -> bool:
        return bool(self.system and self.api_url and self.project and self.number and self.token)

    @property
    def comments_url(self) -> str:
        """The collection of the pull request's comments (GitLab: notes)."""
        if self.system == GITLAB:
            return f"{self.api_url}/projects/{quote(self.project, safe='')}/merge_requests/{self.number}/notes"
        return f"{self.api_url}/repos/{self.project}/issues/{self.number}/comments"

    def comment_url(self, comment_id: int) -> str:
        """One comment, to edit it (Gitea addresses comments by id across the repository)."""
        if self.system == GITLAB:
            return f"{self.comments_url}/{comment_id}"
        return f"{self.api_url}/repos/{self.project}/issues/comments/{comment_id}"


def review_from_environment(environ: Mapping[str, str]) -> Review:
    """The pull request described by ``environ``; ``Review(None)`` outside a pull-request pipeline."""
    if environ.get("GITLAB_CI") == "true" and environ.get("CI_MERGE_REQUEST_IID"):
        return _gitlab(environ)
    if (environ.get("GITEA_ACTIONS") == "true" or environ.get("FORGEJO_ACTIONS") == "true"
            or environ.get("GITHUB_ACTIONS") == "true"):
        return _gitea(environ)
    return Review(None, token=environ.get(TOKEN_VARIABLE, ""))


def _gitlab(environ: Mapping[str, str]) -> Review:
    job_url = environ.get("CI_JOB_URL", "").rstrip("/")
    return Review(
        GITLAB,
        api_url=environ.get("CI_API_V4_URL", "").rstrip("/"),
        project=environ.get("CI_PROJECT_ID", ""),
        number=_number(environ.get("CI_MERGE_REQUEST_IID", "")),
        token=environ.get(TOKEN_VARIABLE, ""),
        target=environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or DEFAULT_TARGET,
        base=environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", ""),
        # GitLab serves a job's artifact files at this address (rendered as pages where
        # the instance has GitLab Pages, else offered for download).
        preview_url=f"{job_url}/artifacts/file/site/" if job_url else "",
    )


def _gitea(environ: Mapping[str, str]) -> Review:
    server = environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    api_url = environ.get("GITHUB_API_URL", "").rstrip("/") or (f"{server}/api/v1" if server else "")
    return Review(
        GITEA,
        api_url=api_url,
        project=environ.get("GITHUB_REPOSITORY", ""),
        number=_pull_number(environ),
        token=environ.get(TOKEN_VARIABLE, ""),
        target=environ.get("GITHUB_BASE_REF") or DEFAULT_TARGET,
    )


def _pull_number(environ: Mapping[str, str]) -> int | None:
    """The pull request's index: from the event file the runner writes, else from the ref."""
    event_path = environ.get("GITHUB_EVENT_PATH", "")
    if event_path:
        try:
            event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            event = {}
        number = (event.get("pull_request") or {}).get("number") or event.get("number")
        if isinstance(number, int) and number > 0:
            return number
    match = PULL_REF.match(environ.get("GITHUB_REF", ""))
    return int(match["number"]) if match else None


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) > 0 else None
