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


PAGES: list[Page] = []
# Measurements that are not one page (e.g. many requests at once): each returns a line.
EXTRAS: list = []


def page(name: str, path: str, *, as_user: str | None = None, cold: bool = False) -> None:
    """Measure ``path``; with ``cold`` also the first request after a profile change."""
    PAGES.append(Page(name, path, as_user, cold))


page("healthz", "/healthz")
page("home (anonymous)", "/", as_user=None)
page("home (member)", "/", as_user="member", cold=True)
page("members: directory", "/members/", as_user="member", cold=True)
page("members: directory (visitor)", "/members/", as_user=None, cold=True)
page("members: filtered", "/members/?sector=mbo&activity=research", as_user="member", cold=True)
page("members: searched", "/members/?q=onderzoek", as_user="member", cold=True)
page("members: profile", "/members/{colleague}/", as_user="member", cold=True)


# Meetups (events): 3 000 meetups, 60 000 sign-ups (bench/seed_events.py).
page("events: list", "/events/", as_user="member")
page("events: list (visitor)", "/events/", as_user=None)
page("events: list, filtered", "/events/?sector=po&transition=po-vo", as_user="member")
page("events: past", "/events/?when=past", as_user="member")
page("events: calendar", "/events/calendar/", as_user="member")
page("events: meetup, 100 sign-ups", "/events/bench-meetup/", as_user="member")
page("events: meetup, 1 sign-up", "/events/bench-meetup-small/", as_user="member")
page("events: meetup (visitor)", "/events/bench-meetup/", as_user=None)
page("events: door, 100 people", "/events/bench-meetup/check-in/", as_user="coordinator")
page("events: door, 1 person", "/events/bench-meetup-small/check-in/", as_user="coordinator")


def _events_contention() -> str:
    from bench.seed_events import measure_contention  # noqa: PLC0415 -- needs django.setup()

    return measure_contention()


EXTRAS.append(_events_contention)
