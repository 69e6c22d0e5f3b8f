"""``comment``: what a pull-request pipeline tells the reviewers, gathered, written and posted.

One command does the review step of both pipelines (.gitlab-ci.yml,
.gitea/workflows/review.yml), so that a failing ``check`` still reaches the
reviewers: it checks the content, summarises the change against the merge
base of the target branch and HEAD (not the target's tip, which may have
moved on since the branch was made), writes the comment to a file (the
artifact ``change-summary.md``) and the job log, and posts it on the pull
request, or edits the one it posted before. Without a token it says how to
enable comments; the summary is then in the log and the artifact. The exit
status is that of ``check``: a failed post is reported but does not fail
the job, since the summary is still in the log and the artifact.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from generator.content.check import check_content
from generator.content.lists import check_library, is_multi_list
from generator.errors import ContentErrors
from generator.review.gitrev import GitError, repository_root, run_git
from generator.review.library_format import render_change
from generator.review.library_sides import compare_content
from generator.i18n import _, ngettext
from generator.review.forge import CREATED, CommentError, publish
from generator.review.ci_env import GITLAB, TOKEN_VARIABLE, Review, review_from_environment
from generator.review.report import Report, comment_body, log_text


@dataclass(frozen=True)
class Streams:
    out: TextIO
    err: TextIO


def run(content_dir: Path, out_file: Path, environ: Mapping[str, str], streams: Streams,
        target: str | None = None, changes_page: bool = False) -> int:
    """Check, summarise, write ``out_file``, post; 1 when the check failed, else 0.

    ``target`` (a branch or revision) replaces the one the CI system names;
    ``changes_page`` says that the built site will have the summary as a page.
    """
    review = review_from_environment(environ)
    if target is not None:
        review = replace(review, target=target, base="")
    errors = _check(content_dir, streams)
    report = _summarise(content_dir, review, errors, changes_page)
    body = comment_body(report)
    out_file.write_text(body, encoding="utf-8")
    streams.out.write(log_text(body))
    streams.out.flush()
    _post(review, body, out_file, streams)
    return 1 if errors else 0


def _check(content_dir: Path, streams: Streams) -> list[str]:
    """``check``'s verdict as the job log shows it; its errors as ``path:line: message`` lines."""
    try:
        check = check_library if is_multi_list(content_dir) else check_content
        print(check(content_dir), file=streams.out)
        return []
    except ContentErrors as failure:
        print(failure.report(), file=streams.err)
        count = len(failure.errors)
        print(ngettext("{count} error.", "{count} errors.", count).format(count=count), file=streams.err)
        return [str(error) for error in failure.errors]


def _summarise(content_dir: Path, review: Review, errors: list[str], changes_page: bool) -> Report:
    """The summary against the merge base, or why none could be made (in git's or the loader's words)."""
    base = ""
    try:
        repo = repository_root(content_dir)
        if repo is None:
            raise GitError(_("{folder} is not inside a git checkout").format(folder=content_dir))
        base = merge_base(repo, review)
        change, warnings = compare_content(content_dir, base, None)
    except GitError as error:
        return Report(errors, None, [str(error)], target=review.target, preview_url=review.preview_url)
    except ContentErrors as failure:
        return Report(errors, None, [str(error) for error in failure.errors], base=_short(repo, base),
                      target=review.target, head=_short(repo, "HEAD"), preview_url=review.preview_url)
    return Report(errors, render_change(change, "markdown"), (), warnings, _short(repo, base), review.target,
                  _short(repo, "HEAD"), review.preview_url, changes_page)


def merge_base(repo: Path, review: Review) -> str:
    """Where the pull request's branch left its target: the commit its change is measured from.

    The CI system's own merge base when it names one that is here (GitLab's
    ``CI_MERGE_REQUEST_DIFF_BASE_SHA``, right for merge requests from forks
    too); else ``git merge-base`` of the target branch (as fetched from
    ``origin`` in a pipeline, the local branch otherwise) and HEAD.
    """
    if review.base and _is_commit(repo, review.base):
        return review.base
    names = (f"origin/{review.target}", review.target)
    for name in names if review.system else reversed(names):
        if _is_commit(repo, name):
            try:
                return run_git(repo, "merge-base", name, "HEAD").decode().strip()
            except GitError:
                continue  # unrelated histories: try the next name
    raise GitError(_("cannot find where this branch left '{target}': fetch it, or name another with --target")
                   .format(target=review.target))


def _is_commit(repo: Path, revision: str) -> bool:
    if revision.startswith("-"):
        return False
    try:
        run_git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        return True
    except GitError:
        return False


def _short(repo: Path | None, revision: str) -> str:
    if repo is None or not revision:
        return ""
    try:
        return run_git(repo, "rev-parse", "--short", revision).decode().strip()
    except GitError:
        return ""


def _post(review: Review, body: str, out_file: Path, streams: Streams) -> None:
    """Post or edit the comment, or say why not and how to enable it."""
    if review.system is None:
        print(_("Not a pull-request pipeline: the summary is in {path} and was not posted.")
              .format(path=out_file), file=streams.out)
        return
    if not review.token:
        print(_how_to_enable(review, out_file), file=streams.out)
        return
    if not review.can_post:
        print(_("warning: the CI variables do not name the pull request and its API; "
                "the summary is in {path} and was not posted.").format(path=out_file), file=streams.err)
        return
    try:
        posted = publish(review, body)
    except CommentError as error:
        print(_("warning: could not post the summary on the pull request ({reason}); "
                "it is in the job log and in {path}.").format(reason=error, path=out_file), file=streams.err)
        return
    message = (_("Posted the summary as comment {id} on pull request {number}.") if posted.action == CREATED
               else _("Updated the summary comment {id} on pull request {number}."))
    print(message.format(id=posted.comment_id, number=review.number), file=streams.out)


def _how_to_enable(review: Review, out_file: Path) -> str:
    if review.system == GITLAB:
        how = _("To have it posted on the merge request, create a project access token with the 'api' "
                "scope and the Reporter role (Settings > Access tokens) and store it as the masked "
                "CI/CD variable {variable} (Settings > CI/CD > Variables).")
    else:
        how = _("To have it posted on the pull request, create an access token with the "
                "'write:issue' scope (preferably for a bot account that can read the repository) and "
                "store it as the Actions secret {variable} (repository Settings > Actions > Secrets).")
    lead = _("No token ({variable} is not set): the summary was not posted as a comment. "
             "It is printed above and kept in the artifact as {path}.")
    return "\n".join((lead.format(variable=TOKEN_VARIABLE, path=out_file), how.format(variable=TOKEN_VARIABLE)))
