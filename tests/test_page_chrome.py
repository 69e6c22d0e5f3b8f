"""The rendering shortcuts behind every page's chrome: they must change no byte of a page."""
from __future__ import annotations

from pathlib import Path

from generator.site import urls
from generator.site.render import environment


def test_templates_see_the_environment_s_globals_and_their_own_override_only_theirs(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{{ urls.HOME }} {{ TOWN_DUTIES_HEADING }} {{ extra }}", encoding="utf-8")
    (tmp_path / "other.html").write_text("{{ extra is defined }}", encoding="utf-8")
    env = environment(tmp_path)
    page = env.get_template("page.html", globals={"extra": "<b>"})
    assert page.render().startswith(urls.HOME + " ") and page.render().endswith(" &lt;b&gt;")
    assert env.get_template("other.html").render() == "False", "another template does not see it"
    assert "extra" not in env.globals
