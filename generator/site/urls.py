"""Where every page of the built site lives, as paths relative to the site root.

Links are always relative (the site is served under a sub-path and opened
from disk), and always name a file (``index.html`` for a folder's page): a
link to a folder would open a directory listing under ``file://``.
Templates write ``{{ root }}{{ url }}`` where ``root`` climbs from the
current page back to the site root.

Matter pages are files of one folder (``matters/<id>.html``), not a folder
each: at 10,000 matters, creating a folder per page tripled the time the
file system took to write them.
"""
from __future__ import annotations

HOME = "index.html"
CATEGORIES = "categories/index.html"
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
FAVICON = STATIC + "favicon.svg"
NAV = (HOME, CATEGORIES, DEPARTMENTS, FULL_LIST, SEARCH)  # the main navigation's targets, in its order
# A multi-list site's main navigation: its targets, in its order (shared.html's district_header takes them from here).
DISTRICT_NAV = (HOME, "departments/index.html", "compare/index.html", "search/index.html")
# The site's top folders: a page that does not know where it is served (404.html) finds the site's
# root in its address as the part before the last of these.
FOLDERS = ("categories", "departments", "matters", "list", "search", "history", "static", "downloads")


def category(slug: str, page: int = 1) -> str:
    """A category's index of matters (a long one is split)."""
    return _paged(f"categories/{slug}", page)


def department(slug: str, page: int = 1) -> str:
    """A department's page (a long one is split)."""
    return _paged(f"departments/{slug}", page)


def list_part(category_slug: str, page: int = 1) -> str:
    """One category's part of the full list, once the list is too long for one page (a long part is split)."""
    return _paged(f"list/{category_slug}", page)


def _paged(folder: str, page: int) -> str:
    """Page ``page`` of a listing split into pages: the first is the folder's page, the others below it."""
    return f"{folder}/index.html" if page == 1 else f"{folder}/page-{page}/index.html"


def is_full_list(path: str) -> bool:
    """The full list, or one of its parts."""
    return path == FULL_LIST or path.startswith(FULL_LIST.split("/")[0] + "/")


def matter(matter_id: str) -> str:
    return f"matters/{matter_id}.html"


def root_for(path: str) -> str:
    """The prefix that leads from the page at ``path`` back to the site root: ``a/b/index.html`` → ``../../``."""
    return "../" * path.count("/")
