"""The pages the benchmark measures: one line each.

``path`` may name values in braces (bench.__main__.path_values): ``{member}``
is the username of the signed-in member the bench browses as, ``{colleague}``
another member with a full profile, ``{small_project}`` a public project with a
team of one, ``{tomorrow}`` tomorrow's date. ``as_user`` is the visitor:
``None`` (anonymous), ``"member"`` or ``"coordinator"``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    as_user: str | None
    # Another page's name: the same page with one row where this one has many (or
    # the other way round); both must take the same number of queries.
    same_queries_as: str = ""
    # Queries allowed beyond the target (Mijn LEF: one per app section it shows).
    extra_queries: int = 0


PAGES: list[Page] = []
# Measurements that are not one page (e.g. many requests at once): functions run
# after the table, that print their figures or return them as a line; ``--only``
# filters them by function name too.
EXTRAS: list = []


def page(
    name: str,
    path: str,
    *,
    as_user: str | None = None,
    same_queries_as: str = "",
    extra_queries: int = 0,
) -> None:
    PAGES.append(Page(name, path, as_user, same_queries_as, extra_queries))


page("healthz", "/healthz")
# The visitor's home shows the community, meetups and projects.
page("home (anonymous)", "/")
# Mijn LEF: the profile and people to meet, then the projects, meetups and
# bookings and library sections (one query each allowed beyond the target).
page("home (member)", "/", as_user="member", extra_queries=4)
page("members: directory", "/members/", as_user="member")
page("members: directory (visitor)", "/members/")
page("members: filtered", "/members/?sector=mbo&activity=research", as_user="member")
page("members: searched", "/members/?q=onderzoek", as_user="member")
page("members: profile", "/members/{colleague}/", as_user="member")
page("members: organisations", "/organisations/", as_user="member")

page("spaces: overview", "/spaces/", as_user="member")
page("spaces: free search", "/spaces/?day={tomorrow}&start_time=10:00&end_time=12:00",
     as_user="member")  # fmt: skip
page("spaces: week grid", "/spaces/bench-0-1/?view=week", as_user="member")
page("spaces: week grid (coordinator)", "/spaces/bench-0-7/?view=week", as_user="coordinator")
page("spaces: my bookings", "/spaces/bookings/", as_user="member")


def spaces_contention() -> None:
    from bench.seed_spaces import report_contention  # noqa: PLC0415 -- needs django.setup()

    report_contention()


EXTRAS.append(spaces_contention)

# Meetups (events): 3 000 meetups, 60 000 sign-ups (bench/seed_events.py).
page("events: list", "/events/", as_user="member")
page("events: list (visitor)", "/events/")
page("events: list, filtered", "/events/?sector=po&transition=po-vo", as_user="member")
page("events: past", "/events/?when=past", as_user="member")
page("events: calendar", "/events/calendar/", as_user="member")
page("events: meetup, 100 sign-ups", "/events/bench-meetup/", as_user="member",
     same_queries_as="events: meetup, 1 sign-up")  # fmt: skip
page("events: meetup, 1 sign-up", "/events/bench-meetup-small/", as_user="member")
page("events: meetup (visitor)", "/events/bench-meetup/")
page("events: door, 100 people", "/events/bench-meetup/check-in/", as_user="coordinator",
     same_queries_as="events: door, 1 person")  # fmt: skip
page("events: door, 1 person", "/events/bench-meetup-small/check-in/", as_user="coordinator")


def events_contention() -> str:
    from bench.seed_events import measure_contention  # noqa: PLC0415 -- needs django.setup()

    return measure_contention()


EXTRAS.append(events_contention)

page("projects: list", "/projects/", as_user="member")
page("projects: list (visitor)", "/projects/")
page("projects: filtered", "/projects/?sector=mbo&status=looking&sort=active", as_user="member")
page("projects: searched", "/projects/?q=onderzoek", as_user="member")
page("projects: detail, 150 on the team", "/projects/bench-big-project/", as_user="member",
     same_queries_as="projects: detail, 1 on the team")  # fmt: skip
page("projects: detail, 1 on the team", "/projects/{small_project}/", as_user="member")
page("projects: detail (visitor)", "/projects/bench-big-project/")
page("projects: team of 150", "/projects/bench-big-project/team/", as_user="member",
     same_queries_as="projects: team of 1")  # fmt: skip
page("projects: team of 1", "/projects/{small_project}/team/", as_user="member")

# The knowledge library on 5 000 results (issue 19: within 3x the floor).
page("knowledge: library", "/knowledge/", as_user="member")
page("knowledge: library (visitor)", "/knowledge/")
page("knowledge: searched", "/knowledge/?q=rekenvaardigheid", as_user="member")
page("knowledge: compound searched", "/knowledge/?q=formulier", as_user="member")
page("knowledge: filtered", "/knowledge/?sector=mbo&kind=report&licence=cc-by", as_user="member")
page("knowledge: result", "/knowledge/bench-result/", as_user="member")
page("knowledge: result (visitor)", "/knowledge/bench-result/")


# The coordinators' dashboard for a school year: within 5x the floor (issue 18).
def dashboard_school_year() -> str:
    from bench.dashboard import measure_dashboard  # noqa: PLC0415 -- needs django.setup()

    return measure_dashboard()


EXTRAS.append(dashboard_school_year)
