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
    cold: bool = False
    # False: printed for information, without a verdict (see ``page``).
    target: bool = True


PAGES: list[Page] = []
# Measurements that are not a page: "module:function" names, run after the table
# (each prints its own figures; ``--only`` filters them by name too).
EXTRAS: list[str] = []
# Changes made before each cold request, besides the profiles' (bench.__main__.touch):
# "module:function" names of functions that change what cached pages show.
TOUCHES: list[str] = []


def page(
    name: str, path: str, *, as_user: str | None = None, cold: bool = False, target: bool = True
) -> None:
    """Measure ``path``; with ``cold`` also the first request after a change (``touch``).

    ``target=False`` for a page the ratio says little about: a visitor's page
    that must read the database, against the visitor's floor, which reads none.
    """
    PAGES.append(Page(name, path, as_user, cold, target))


page("healthz", "/healthz")
page("home (anonymous)", "/", as_user=None)
page("home (member)", "/", as_user="member", cold=True)
page("members: directory", "/members/", as_user="member", cold=True)
page("members: directory (visitor)", "/members/", as_user=None, cold=True, target=False)
page("members: filtered", "/members/?sector=mbo&activity=research", as_user="member", cold=True)
page("members: searched", "/members/?q=onderzoek", as_user="member", cold=True)
page("members: profile", "/members/{colleague}/", as_user="member", cold=True)

page("spaces: overview", "/spaces/", as_user="member", cold=True)
page("spaces: free search", "/spaces/?day={tomorrow}&start_time=10:00&end_time=12:00",
     as_user="member", cold=True)  # fmt: skip
page("spaces: week grid", "/spaces/bench-0-1/?view=week", as_user="member", cold=True)
page("spaces: week grid (coordinator)", "/spaces/bench-0-7/?view=week", as_user="coordinator",
     cold=True)  # fmt: skip
page("spaces: my bookings", "/spaces/bookings/", as_user="member", cold=True)
EXTRAS.append("bench.seed_spaces:report_contention")
TOUCHES.append("bench.seed_spaces:touch")
