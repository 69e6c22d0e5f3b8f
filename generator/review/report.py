"""The text of the pull-request comment: what is wrong first, then what changed, then where to look.

Its readers are the keepers and reviewers of the list, so it is Chinese,
like the summary it wraps (``diff_format``), and it must read as plain text
too: a reviewer may see it raw (in a notification, or ``change-summary.md``
downloaded from the artifacts). A failing ``check`` still produces a
comment, with its errors (``path:line: message``) at the top: the clerk who
opened the pull request learns there what to correct.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.review.forge import MARKER

TITLE = "## 清单修订摘要"
# GitHub-compatible servers refuse comments over 65,536 characters; GitLab's notes allow more.
# A summary this long (a re-import of the whole list) is cut, and the full one is in the artifact.
BODY_LIMIT = 60_000
CUT_NOTE = "……（摘要过长，以下从略。完整摘要见本次运行的制品 change-summary.md。）"
FOOTER = "此评论由检查流程自动生成；每次推送新的提交后会更新这一条评论，不另发新评论。"


@dataclass(frozen=True)
class Report:
    """Everything the comment says, gathered by ``review.run``."""

    errors: Sequence[str]  # failed check: ``path:line: message`` lines
    summary: str | None  # the Markdown summary (diff_format), None when none could be made
    summary_problem: Sequence[str] = ()  # why there is no summary: git's or the loader's words
    warnings: Sequence[str] = ()  # files of the older revision that could not be read
    base: str = ""  # short hash of the merge base
    target: str = ""  # the branch the pull request goes into
    head: str = ""  # short hash of the revision checked
    preview_url: str = ""  # the built site, when the CI system serves artifacts
    changes_page: bool = False  # the built site has the summary as a page (``changes/index.html``)


def comment_body(report: Report) -> str:
    """The Markdown comment, starting with MARKER and ending with a newline."""
    parts = [MARKER, TITLE]
    if report.errors:
        parts.append(_errors(report.errors))
    if report.summary is not None:
        parts.append(report.summary.rstrip("\n"))
    else:
        parts.append(_no_summary(report.summary_problem))
    if report.warnings:
        parts.append(_block("以下文件在比较的旧版本中无法读取，摘要未包括其中的内容：", report.warnings))
    parts.append(_footer(report))
    return _limit("\n\n".join(parts) + "\n")


def log_text(body: str) -> str:
    """The comment as the job log shows it: without the hidden marker."""
    return body.replace(MARKER + "\n\n", "", 1)


def _errors(errors: Sequence[str]) -> str:
    lead = (f"**内容检查未通过：共 {len(errors)} 处问题。** 请按每行的提示修改所指文件的所指行"
            "（格式为“文件:行号: 问题（建议）”），再提交一次；本评论会随之更新。")
    return _block(lead, errors)


def _no_summary(problem: Sequence[str]) -> str:
    if not problem:
        return "无法生成修订摘要。"
    return _block("无法生成修订摘要：", problem)


def _block(lead: str, lines: Sequence[str]) -> str:
    """A lead sentence and lines shown exactly as written (paths, colons, asterisks and all)."""
    fence = "```"
    while any(fence in line for line in lines):
        fence += "`"
    return "\n".join((lead, "", f"{fence}text", *lines, fence))


def _footer(report: Report) -> str:
    lines = ["---"]
    if report.base and report.head:
        target = f"（{report.target} 分支与本请求的分叉点）" if report.target else "（分叉点）"
        lines.append(f"比较范围：`{report.base}`{target} → `{report.head}`（本请求的最新提交）")
    if report.preview_url and not report.errors:
        links = [f"[首页]({report.preview_url}index.html)"]
        if report.changes_page:
            links.append(f"[本次修订涉及的事项]({report.preview_url}changes/index.html)")
        lines.append("预览站点：" + " · ".join(links))
    lines.append(FOOTER)
    return "  \n".join(lines[:1]) + "\n\n" + "  \n".join(lines[1:])


def _limit(body: str) -> str:
    """The body cut at a line boundary so that it fits every server's comment size."""
    if len(body) <= BODY_LIMIT:
        return body
    cut = body.rfind("\n", 0, BODY_LIMIT - len(CUT_NOTE) - len(FOOTER) - 16)
    return body[:cut] + "\n\n" + CUT_NOTE + "\n\n" + FOOTER + "\n"
