"""Keep one summary comment on a pull request: post it the first time, edit it on every later push.

Reviewers should find the summary where they review, once: a new comment on
every push would bury the discussion. The comment carries a hidden marker
(an HTML comment, invisible on the page) by which the next pipeline finds
and edits it. Two request shapes, chosen by ``Review.system``:

- Gitea/Forgejo REST API v1: ``GET``/``POST /repos/{owner}/{repo}/issues/{index}/comments``,
  ``PATCH /repos/{owner}/{repo}/issues/comments/{id}``, header ``Authorization: token …``;
- GitLab API v4: ``GET``/``POST /projects/{id}/merge_requests/{iid}/notes``,
  ``PUT …/notes/{note_id}``, header ``PRIVATE-TOKEN: …``.

The standard library's ``urllib`` is enough for four requests; every call
has a timeout and the listing a bounded number of pages.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from generator.review.ci_env import GITLAB, Review

MARKER = "<!-- lvzhi-review-summary -->"
TIMEOUT = 30  # seconds per request
PAGE_SIZE = 50
PAGE_LIMIT = 40  # pages of comments looked through: 2,000 comments
CREATED, UPDATED = "created", "updated"


class CommentError(Exception):
    """The API refused or could not be reached; the message says which request and why."""


@dataclass(frozen=True)
class Posted:
    action: str  # CREATED or UPDATED
    comment_id: int


def publish(review: Review, body: str) -> Posted:
    """Edit the pull request's summary comment (the one with MARKER), or post it if there is none.

    ``body`` must start with MARKER, so that the next push finds this comment again.
    """
    if not body.startswith(MARKER):
        raise ValueError("the comment body must carry the marker")
    existing = find_comment(review)
    if existing is None:
        created = _request(review, "POST", review.comments_url, {"body": body})
        return Posted(CREATED, int(created["id"]))
    method = "PUT" if review.system == GITLAB else "PATCH"
    _request(review, method, review.comment_url(existing), {"body": body})
    return Posted(UPDATED, existing)


def find_comment(review: Review) -> int | None:
    """The id of the first comment that starts with MARKER, or None.

    Starts with, not contains: a reviewer's reply quoting the summary carries
    the marker too, behind "> ".

    Pages are read until one comes back empty: a server may cap the page size
    below the one asked for (Gitea's MAX_RESPONSE_ITEMS), so a short page does
    not prove the last one. A server that ignores the page parameter
    (returning the same comments again) ends the search too.
    """
    seen: set[int] = set()
    for page in range(1, PAGE_LIMIT + 1):
        comments = _request(review, "GET", f"{review.comments_url}?{_page_query(review, page)}")
        if not isinstance(comments, list):
            raise CommentError(f"GET {review.comments_url}: expected a list of comments")
        fresh = [comment for comment in comments if isinstance(comment, dict) and comment.get("id") not in seen]
        for comment in fresh:
            if str(comment.get("body", "")).startswith(MARKER) and not comment.get("system", False):
                return int(comment["id"])
        seen.update(comment.get("id") for comment in fresh)
        if not fresh:
            return None
    return None


def _page_query(review: Review, page: int) -> str:
    if review.system == GITLAB:
        return f"sort=asc&order_by=created_at&per_page={PAGE_SIZE}&page={page}"
    return f"limit={PAGE_SIZE}&page={page}"


def _headers(review: Review) -> dict[str, str]:
    headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8",
               "User-Agent": "lvzhi-review"}
    if review.system == GITLAB:
        headers["PRIVATE-TOKEN"] = review.token
    else:
        headers["Authorization"] = f"token {review.token}"
    return headers


def _request(review: Review, method: str, url: str, payload: dict[str, str] | None = None) -> Any:
    """One API call; its JSON answer, or CommentError with the status and the server's message."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8") if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=_headers(review))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode("utf-8", "replace").strip()
        raise CommentError(f"{method} {url}: HTTP {error.code} {detail}".rstrip()) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CommentError(f"{method} {url}: {reason}") from None
    try:
        return json.loads(answer.decode("utf-8")) if answer.strip() else {}
    except ValueError:
        raise CommentError(f"{method} {url}: the answer is not JSON") from None
