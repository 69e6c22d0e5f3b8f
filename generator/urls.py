"""Where every page of the built site lives, as paths relative to the site root.

Links are always relative (the site is served under a sub-path and opened
from disk), and always name ``index.html``: a link to a folder would open a
directory listing under ``file://``. Templates write ``{{ root }}{{ url }}``
where ``root`` climbs from the current page back to the site root.
"""
from __future__ import annotations

HOME = "index.html"
DEPARTMENTS = "departments/index.html"
FULL_LIST = "list/index.html"
SEARCH = "search/index.html"
HISTORY = "history/index.html"
NOT_FOUND = "404.html"
STATIC = "static/"
DOWNLOADS = "downloads/"
JSON_DOWNLOAD = DOWNLOADS + "qingdan.json"
CSV_DOWNLOAD = DOWNLOADS + "qingdan.csv"
XLSX_DOWNLOAD = DOWNLOADS + "qingdan.xlsx"


def category(slug: str) -> str:
    return f"categories/{slug}/index.html"


def department(slug: str) -> str:
    return f"departments/{slug}/index.html"


def matter(matter_id: str) -> str:
    return f"matters/{matter_id}/index.html"


def root_for(path: str) -> str:
    """The prefix that leads from the page at ``path`` back to the site root: ``a/b/index.html`` → ``../../``."""
    return "../" * path.count("/")
