"""The home page of a site with several lists: the towns, and each town's lists with their sizes.

Each list's own pages are today's pages of one list, built into
``<town>/<type>/``; this page is the only one above them.
"""
from __future__ import annotations

from jinja2 import Environment

from generator.content.model import Library

TEMPLATE = "district_home.html"


def district_home(env: Environment, library: Library) -> bytes:
    """The district home's HTML (``index.html`` at the top of the site)."""
    towns = [(town, [(matter_list.info, len(matter_list.matters)) for matter_list in library.lists_of(town.slug)])
             for town in library.towns]
    variables = {"site": library.site, "towns": towns, "list_count": len(library.lists),
                 "matter_count": sum(len(matter_list.matters) for matter_list in library.lists)}
    return env.get_template(TEMPLATE).render(variables).encode("utf-8")
