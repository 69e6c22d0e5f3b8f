"""The rendering shortcuts behind every page's chrome: they must change no byte of a page."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from conftest import CONTENT
from generator.content.check import load_valid_content
from generator.site import urls
from generator.site.render import catalogue, environment, kept_words, render_pages


def test_templates_see_the_environment_s_globals_and_their_own_override_only_theirs(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{{ urls.HOME }} {{ TOWN_DUTIES_HEADING }} {{ extra }}", encoding="utf-8")
    (tmp_path / "other.html").write_text("{{ extra is defined }}", encoding="utf-8")
    env = environment(tmp_path)
    page = env.get_template("page.html", globals={"extra": "<b>"})
    assert page.render().startswith(urls.HOME + " ") and page.render().endswith(" &lt;b&gt;")
    assert env.get_template("other.html").render() == "False", "another template does not see it"
    assert "extra" not in env.globals


def test_breadcrumbs_lead_home_from_each_depth_and_end_with_each_page_s_own_name() -> None:
    """Their links are rendered once per depth and trail (render.Once); the page writes its own last item."""
    content = load_valid_content(CONTENT)
    crumbs = re.compile(r'<nav class="crumbs wrap" aria-label="当前位置">\n<ol>\n((?:<li><a href="[^"]*">[^<]*</a></li>\n)+)'
                        r'<li aria-current="page">([^<]*)</li>\n</ol>\n</nav>\n<main ')
    depths = set()
    for path, data in render_pages(content).items():
        page = data.decode("utf-8")
        found = crumbs.search(page)
        if path in (urls.HOME, urls.NOT_FOUND):
            assert found is None and "crumbs" not in page, path
            continue
        assert found, path
        root = urls.root_for(path)
        links = re.findall(r'href="([^"]*)"', found.group(1))
        assert links[0] == root + urls.HOME and all(link.startswith(root) for link in links), (path, links)
        assert not any(link[len(root):].startswith("../") for link in links), (path, links)
        if path.startswith("matters/"):
            assert found.group(2) == re.search(r"<h1>(.*?)</h1>", page).group(1), path
        depths.add(path.count("/"))
    assert {1, 2} <= depths


def test_a_catalogue_works_out_a_matter_s_kept_words_once_and_a_changed_matter_s_again() -> None:
    content = load_valid_content(CONTENT)
    books = catalogue(content)
    matter = content.matters[0]
    changed = replace(matter, town_duties=matter.town_duties + "\n\n1. 做好 the 工作。")
    assert books.view(matter, "").kept == kept_words(matter) == ()
    assert books.view(changed, "").kept == kept_words(changed) == ("做好 the 工作",), "same id, other words"
    assert books.view(changed, "../").kept is books.view(changed, "../../").kept, "worked out once"
    assert books.view(matter, "../").kept == ()
