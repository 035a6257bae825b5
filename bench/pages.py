"""The pages the benchmark measures: one line each.

``path`` may name seeded people in braces: ``{member}`` is the username of the
signed-in member the bench browses as, ``{colleague}`` another member with a
full profile. ``as_user`` is the visitor: ``None`` (anonymous), ``"member"`` or
``"coordinator"``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    as_user: str | None


PAGES: list[Page] = []


def page(name: str, path: str, *, as_user: str | None = None) -> None:
    PAGES.append(Page(name, path, as_user))


page("healthz", "/healthz")
page("home (anonymous)", "/", as_user=None)
page("home (member)", "/", as_user="member")
page("members: directory", "/members/", as_user="member")
page("members: filtered", "/members/?sector=mbo&activity=research", as_user="member")
page("members: searched", "/members/?q=onderzoek", as_user="member")
page("members: profile", "/members/{colleague}/", as_user="member")
