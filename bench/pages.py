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
    # What changes before a cold request: "all" (bench.__main__.touch: the
    # profiles and every TOUCHES function) or "profiles" (touch_profiles only).
    touch: str = "all"


PAGES: list[Page] = []
# Measurements that are not one page (e.g. many requests at once): functions run
# after the table, that print their figures or return them as a line; ``--only``
# filters them by function name too.
EXTRAS: list = []
# Changes made before each cold request besides the profiles' (bench.__main__.touch):
# functions that change what cached pages show.
TOUCHES: list = []


def page(
    name: str,
    path: str,
    *,
    as_user: str | None = None,
    cold: bool = False,
    target: bool = True,
    touch: str = "all",
) -> None:
    """Measure ``path``; with ``cold`` also the first request after a change (``touch``).

    ``target=False`` for a page the ratio says little about: a visitor's page
    that must read the database, against the visitor's floor, which reads none.
    """
    PAGES.append(Page(name, path, as_user, cold, target, touch))


page("healthz", "/healthz")
# The visitor's home shows the community, meetups and projects: it reads the
# database (five queries), its floor reads none.
page("home (anonymous)", "/", as_user=None, target=False)
# Mijn LEF cold twice: after a profile change (issue 6's "cold"), and after a
# change in every app at once (a member's first visit of the day).
page("home (member)", "/", as_user="member", cold=True)
page("home (member), a profile changed", "/", as_user="member", cold=True, touch="profiles")
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


def spaces_contention() -> None:
    from bench.seed_spaces import report_contention  # noqa: PLC0415 -- needs django.setup()

    report_contention()


EXTRAS.append(spaces_contention)


def spaces_touch() -> None:
    from bench.seed_spaces import touch  # noqa: PLC0415 -- needs django.setup()

    touch()


TOUCHES.append(spaces_touch)

# Meetups (events): 3 000 meetups, 60 000 sign-ups (bench/seed_events.py).
# cold=True: after bench.seed_events.touch changed every card, description and door row.
page("events: list", "/events/", as_user="member", cold=True)
page("events: list (visitor)", "/events/", as_user=None, cold=True, target=False)
page("events: list, filtered", "/events/?sector=po&transition=po-vo", as_user="member", cold=True)
page("events: past", "/events/?when=past", as_user="member", cold=True)
page("events: calendar", "/events/calendar/", as_user="member", cold=True)
page("events: meetup, 100 sign-ups", "/events/bench-meetup/", as_user="member", cold=True)
page("events: meetup, 1 sign-up", "/events/bench-meetup-small/", as_user="member", cold=True)
page("events: meetup (visitor)", "/events/bench-meetup/", as_user=None, cold=True, target=False)
page("events: door, 100 people", "/events/bench-meetup/check-in/", as_user="coordinator",
     cold=True)  # fmt: skip
page("events: door, 1 person", "/events/bench-meetup-small/check-in/", as_user="coordinator",
     cold=True)  # fmt: skip


def events_contention() -> str:
    from bench.seed_events import measure_contention  # noqa: PLC0415 -- needs django.setup()

    return measure_contention()


EXTRAS.append(events_contention)


def events_touch() -> None:
    from bench.seed_events import touch  # noqa: PLC0415 -- needs django.setup()

    touch()


TOUCHES.append(events_touch)

# cold=True: the first request after a profile changed (bench.__main__.touch_profiles);
# it raises the revision of the projects those members are on (their cards and pages).
page("projects: list", "/projects/", as_user="member", cold=True)
page("projects: list (visitor)", "/projects/", as_user=None, cold=True)
page("projects: filtered", "/projects/?sector=mbo&status=looking&sort=active", as_user="member")
page("projects: searched", "/projects/?q=onderzoek", as_user="member")
page("projects: detail, 150 on the team", "/projects/bench-big-project/", as_user="member",
     cold=True)  # fmt: skip
page("projects: detail (visitor)", "/projects/bench-big-project/", as_user=None, cold=True)
page("projects: team of 150", "/projects/bench-big-project/team/", as_user="member")
