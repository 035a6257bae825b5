"""Reminders the day before: everyone with a place, once, in their own language."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from events.services import register_for_event, send_due_reminders
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.helpers import clear_mail, ics_of, mails_to, outbox
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


def starting(days: int, hour: int = 15) -> Event:
    day = timezone.localdate() + timedelta(days=days)
    start = datetime.combine(day, time(hour, 30), tzinfo=ZONE)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), capacity=1)


def test_reminds_everyone_with_a_place_tomorrow_once_in_their_language():
    event = starting(1)
    english = MemberFactory(language="en")
    register_for_event(event=event, member=english)
    waiting = register_for_event(event=event, member=MemberFactory())
    clear_mail()

    assert send_due_reminders() == 1

    [message] = mails_to(english)
    assert message.subject == f"'t LEF: tomorrow: {event.title}"
    assert "A reminder: tomorrow is the meetup you signed up for." in message.body
    assert len(ics_of(message).walk("VEVENT")) == 1
    assert mails_to(waiting.member) == []
    assert send_due_reminders() == 0
    assert len(outbox()) == 1


def test_reminder_in_dutch_for_a_dutch_member():
    event = starting(1)
    register_for_event(event=event, member=MemberFactory(language="nl"))
    clear_mail()

    send_due_reminders()

    assert outbox()[0].subject == f"'t LEF: morgen: {event.title}"


def test_no_reminders_for_today_the_day_after_tomorrow_cancelled_or_cancelled_sign_ups():
    today = starting(0, hour=23)
    later = starting(2)
    cancelled = starting(1)
    for event in (today, later, cancelled):
        RegistrationFactory(event=event)
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    RegistrationFactory(event=starting(1), status="cancelled", confirmed_at=None)

    assert send_due_reminders() == 0


def test_reminders_follow_amsterdam_days_not_utc():
    # 00:30 in Amsterdam the day after tomorrow is still "tomorrow" in UTC (23:30).
    day = timezone.localdate() + timedelta(days=2)
    start = datetime.combine(day, time(0, 30), tzinfo=ZONE)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    RegistrationFactory(event=event)

    assert send_due_reminders() == 0


def test_command_sends_now_or_queues_the_task():
    RegistrationFactory(event=starting(1))
    out = StringIO()

    call_command("send_event_reminders", "--now", stdout=out)
    assert out.getvalue() == "Sent 1 reminder(s).\n"

    RegistrationFactory(event=starting(1))
    out = StringIO()
    call_command("send_event_reminders", stdout=out)  # the immediate backend runs it at once
    assert out.getvalue().startswith("Queued the reminders (task ")
    assert len(outbox()) == 2
