"""Meetups on the coordinators' today (the admin index), through events.hooks."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events import hooks
from events.models import Event, Registration
from lef.hooks import TodayLine, TodayList
from tests.events.factories import EventFactory, RegistrationFactory, VenueFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 18, 14, 0, tzinfo=AMSTERDAM)  # a Wednesday afternoon


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2026, Amsterdam time."""
    return datetime(2026, 3, day, hour, minute, tzinfo=AMSTERDAM)


def meetup(title: str, start: datetime, hours: float = 1.5, **fields) -> Event:
    end = start + timedelta(hours=hours)
    return EventFactory(title=title, starts_at=start, ends_at=end, **fields)


def sign_ups(event: Event, status: str, count: int, **fields) -> None:
    for _ in range(count):
        RegistrationFactory(event=event, status=status, **fields)


def admin_sign_ups(event: Event, status: str) -> str:
    url = reverse("admin:events_registration_changelist")
    return f"{url}?event={event.pk}&status__exact={status}"


def test_today_lists_todays_meetups_waiting_lists_and_recent_cancellations():
    plnt = VenueFactory(name="PLNT")
    morning = meetup("Ontbijtsessie", at(18, 9), hours=2, venue=plnt)  # already over
    afternoon = meetup("Rekenen in de brugklas", at(18, 15, 30), venue=plnt)
    sign_ups(afternoon, Registration.Status.CONFIRMED, 2)
    sign_ups(afternoon, Registration.Status.CONFIRMED, 1, checked_in_at=NOW)
    tonight = meetup(
        "Online: formatief evalueren",
        at(18, 19, 30),
        venue=None,
        online_url="https://meet.example/x",
    )
    tomorrow = meetup("Doorstroom mbo-hbo", at(19, 16), venue=plnt, capacity=1)
    sign_ups(tomorrow, Registration.Status.CONFIRMED, 1)
    sign_ups(tomorrow, Registration.Status.WAITING, 2, waiting_reason="full")
    next_week = meetup("Samen onderzoek doen", at(23, 15), venue=plnt)
    sign_ups(next_week, Registration.Status.CANCELLED, 1, cancelled_at=NOW - timedelta(hours=2))
    sign_ups(next_week, Registration.Status.CANCELLED, 1, cancelled_at=NOW - timedelta(days=3))
    sign_ups(next_week, Registration.Status.CANCELLED, 1, cancelled_at=NOW - timedelta(days=8))
    # Left out: yesterday's meetup (with a waiting list and a cancellation), a meetup
    # cancelled as a whole, a draft, and cancellations older than a week.
    yesterday = meetup("Gisteren", at(17, 15), venue=plnt)
    sign_ups(yesterday, Registration.Status.WAITING, 1, waiting_reason="full")
    sign_ups(yesterday, Registration.Status.CANCELLED, 1, cancelled_at=NOW - timedelta(hours=30))
    called_off = meetup("Gaat niet door", at(18, 16), venue=plnt, status=Event.Status.CANCELLED)
    sign_ups(called_off, Registration.Status.CANCELLED, 2, cancelled_at=NOW - timedelta(hours=1))
    meetup("Zomerborrel", at(18, 17), venue=plnt, status=Event.Status.DRAFT)
    old = meetup("Lang geleden afgemeld", at(25, 15), venue=plnt)
    sign_ups(old, Registration.Status.CANCELLED, 1, cancelled_at=NOW - timedelta(days=7, hours=1))

    lists = hooks.coordinator_today(NOW)

    def today(event, when, where, present, expected):
        return TodayLine(
            title=event.title,
            url=reverse("admin:events_event_change", args=[event.pk]),
            detail=f"{when}, {where}",
            count=expected,
            badge=f"{present} of {expected} present",
            action_url=f"/events/{event.slug}/check-in/",
            action_label="Door list",
        )

    assert lists == [
        TodayList(
            heading="Meetups today and tonight",
            lines=(
                today(morning, "09:00\u201311:00", "PLNT", 0, 0),
                today(afternoon, "15:30\u201317:00", "PLNT", 1, 3),
                today(tonight, "19:30\u201321:00", "Online", 0, 0),
            ),
            empty="No meetups today.",
        ),
        TodayList(
            heading="Waiting lists",
            lines=(
                TodayLine(
                    title="Doorstroom mbo-hbo",
                    url=admin_sign_ups(tomorrow, "waiting"),
                    detail="Thu 19 Mar 2026, 16:00\u201317:30, PLNT",
                    count=2,
                    badge="2 waiting",
                    tone="waiting",
                ),
            ),
            empty="No coming meetup has a waiting list.",
        ),
        TodayList(
            heading="Cancelled sign-ups, last 7 days",
            lines=(
                TodayLine(
                    title="Samen onderzoek doen",
                    url=admin_sign_ups(next_week, "cancelled"),
                    detail="Mon 23 Mar 2026, 15:00\u201316:30, 1 in the last 24 hours",
                    count=2,
                    badge="2 cancelled",
                    tone="cancelled",
                ),
            ),
            empty="Nobody cancelled their sign-up for a coming meetup this week.",
        ),
    ]


def test_today_says_so_when_there_is_nothing_to_see_to(django_assert_num_queries):
    meetup("Gisteren", at(17, 15))

    with django_assert_num_queries(1):
        lists = hooks.coordinator_today(NOW)

    assert [(found.heading, found.lines, found.empty) for found in lists] == [
        ("Meetups today and tonight", (), "No meetups today."),
        ("Waiting lists", (), "No coming meetup has a waiting list."),
        (
            "Cancelled sign-ups, last 7 days",
            (),
            "Nobody cancelled their sign-up for a coming meetup this week.",
        ),
    ]


def test_a_meetup_that_started_yesterday_and_runs_into_today_names_both_days():
    late = meetup("Nachtelijke hackathon", at(17, 22), hours=4)

    lines = hooks.coordinator_today(NOW)[0].lines

    assert [line.detail for line in lines] == [
        f"Tue 17 Mar 2026, 22:00 \u2013 Wed 18 Mar 2026, 02:00, {late.venue.name}"
    ]


@pytest.mark.parametrize("meetups", [1, 12])
def test_today_takes_one_query_and_names_the_first_eight_of_a_list(
    django_assert_num_queries, meetups
):
    for number in range(meetups):
        event = meetup(f"Meetup {number:02}", at(18, 16) + timedelta(days=number))
        sign_ups(event, Registration.Status.CONFIRMED, 2)
        sign_ups(event, Registration.Status.WAITING, 1, waiting_reason="full")
        sign_ups(event, Registration.Status.CANCELLED, 1, cancelled_at=NOW - timedelta(hours=1))

    with django_assert_num_queries(1):
        today, waiting, cancelled = hooks.coordinator_today(NOW)

    shown = min(meetups, hooks.TODAY_LIMIT)
    assert [line.title for line in today.lines] == ["Meetup 00"]
    assert [line.title for line in waiting.lines] == [f"Meetup {n:02}" for n in range(shown)]
    assert [line.title for line in cancelled.lines] == [f"Meetup {n:02}" for n in range(shown)]
    more = meetups > hooks.TODAY_LIMIT
    changelist = reverse("admin:events_registration_changelist")
    assert (waiting.more_url, waiting.more_label) == (
        (f"{changelist}?status__exact=waiting", "Everyone on a waiting list") if more else ("", "")
    )
    assert (cancelled.more_url, cancelled.more_label) == (
        (f"{changelist}?status__exact=cancelled", "All cancelled sign-ups") if more else ("", "")
    )
