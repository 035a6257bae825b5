"""How meetups join Mijn LEF, profiles, the personal calendar feed, the export and deletion.

The names are lef.hooks's; the work is done where the rest of the app's reads
and writes are (queries, services, calendars).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from events import calendars, queries, services
from events.audit_labels import AUDIT_LABELS  # noqa: F401 -- a hook: the history's words
from lef.hooks import TodayLine, TodayList
from lef.templatetags.lef_tags import EN_DASH, timespan

ORDER = 20

OVERVIEW_TEMPLATE = "events/includes/overview_meetups.html"
PROFILE_TEMPLATE = "events/includes/profile_meetups.html"

overview = queries.my_meetups
overview_next_things = queries.my_next_meetups
profile = queries.meetups_of
calendar_entries = calendars.personal_entries
delete_account = services.anonymise_registrations


def export(user) -> dict:
    return {"event_registrations": services.export_registrations(user)}


def deactivate(user) -> list[str]:
    """Free the member's coming meetup places; their waiting lists move up (and are mailed)."""
    withdrawn = services.withdraw_member(user)
    done = []
    if withdrawn.places:
        done.append(
            ngettext(
                "%(count)d meetup place freed.", "%(count)d meetup places freed.", withdrawn.places
            )
            % {"count": withdrawn.places}
        )
    if withdrawn.waiting:
        done.append(
            ngettext(
                "Taken off %(count)d waiting list.",
                "Taken off %(count)d waiting lists.",
                withdrawn.waiting,
            )
            % {"count": withdrawn.waiting}
        )
    if withdrawn.promoted:
        done.append(
            ngettext(
                "%(count)d person moved up from the waiting list and was mailed.",
                "%(count)d people moved up from the waiting list and were mailed.",
                withdrawn.promoted,
            )
            % {"count": withdrawn.promoted}
        )
    return done


# The coordinators' today, on the admin index ---------------------------------------

TODAY_LIMIT = 8  # lines per list; the rest are a link away


def coordinator_today(now) -> list[TodayList]:
    """Today's meetups (door list), waiting lists and recent cancellations. One query."""
    meetups = queries.meetups_to_see_to(now)
    today = timezone.localdate(now)
    coming = [event for event in meetups if event.ends_at > now]
    return [
        TodayList(
            heading=gettext("Meetups today and tonight"),
            lines=tuple(
                _today_line(event, today)
                for event in meetups
                if timezone.localdate(event.starts_at) <= today
            ),
            empty=gettext("No meetups today."),
        ),
        _capped(
            TodayList(
                heading=gettext("Waiting lists"),
                lines=tuple(_waiting_line(event) for event in coming if event.waiting),
                empty=gettext("No coming meetup has a waiting list."),
                more_url=_sign_ups(status="waiting"),
                more_label=gettext("Everyone on a waiting list"),
            )
        ),
        _capped(
            TodayList(
                heading=gettext("Cancelled sign-ups, last 7 days"),
                lines=tuple(_cancelled_line(event) for event in coming if event.cancelled_week),
                empty=gettext("Nobody cancelled their sign-up for a coming meetup this week."),
                more_url=_sign_ups(status="cancelled"),
                more_label=gettext("All cancelled sign-ups"),
            )
        ),
    ]


def _capped(found: TodayList) -> TodayList:
    """The first TODAY_LIMIT lines, with the link to all of them only when some are left out."""
    if len(found.lines) <= TODAY_LIMIT:
        return TodayList(heading=found.heading, lines=found.lines, empty=found.empty)
    return TodayList(
        heading=found.heading,
        lines=found.lines[:TODAY_LIMIT],
        empty=found.empty,
        more_url=found.more_url,
        more_label=found.more_label,
    )


def _sign_ups(*, status: str, event=None) -> str:
    """The sign-ups in the admin, with one status (of one meetup)."""
    query = {"event": event.pk} if event is not None else {}
    query["status__exact"] = status
    return f"{reverse('admin:events_registration_changelist')}?{urlencode(query)}"


def _where(event) -> str:
    return event.venue.name if event.venue is not None else gettext("Online")


def _today_line(event, today) -> TodayLine:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    if start.date() == end.date() == today:
        when = f"{start:%H:%M}{EN_DASH}{end:%H:%M}"
    else:
        when = timespan(event.starts_at, event.ends_at)
    return TodayLine(
        title=event.title,
        url=reverse("admin:events_event_change", args=[event.pk]),
        detail=f"{when}, {_where(event)}",
        count=event.expected,
        badge=gettext("%(present)d of %(expected)d present")
        % {"present": event.present, "expected": event.expected},
        action_url=reverse("events:check_in", kwargs={"slug": event.slug}),
        action_label=gettext("Door list"),
    )


def _waiting_line(event) -> TodayLine:
    return TodayLine(
        title=event.title,
        url=_sign_ups(status="waiting", event=event),
        detail=f"{timespan(event.starts_at, event.ends_at)}, {_where(event)}",
        count=event.waiting,
        badge=ngettext("%(count)d waiting", "%(count)d waiting", event.waiting)
        % {"count": event.waiting},
        tone="waiting",
    )


def _cancelled_line(event) -> TodayLine:
    detail = timespan(event.starts_at, event.ends_at)
    if event.cancelled_day:
        detail += ", " + ngettext(
            "%(count)d in the last 24 hours", "%(count)d in the last 24 hours", event.cancelled_day
        ) % {"count": event.cancelled_day}
    return TodayLine(
        title=event.title,
        url=_sign_ups(status="cancelled", event=event),
        detail=detail,
        count=event.cancelled_week,
        badge=ngettext("%(count)d cancelled", "%(count)d cancelled", event.cancelled_week)
        % {"count": event.cancelled_week},
        tone="cancelled",
    )
