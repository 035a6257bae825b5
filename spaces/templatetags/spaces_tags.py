"""Template helpers of the spaces area: a weekly series in words.

{% load spaces_tags %}
{{ bookings|series_text }}     "every Tuesday 09:00-12:00, until 3 March, 8 times"
                               (|capfirst at the start of a sentence)

Used by my bookings and by the mails, which are rendered in the member's language.
"""

from collections.abc import Sequence

from django import template
from django.utils.formats import date_format
from django.utils.translation import ngettext

from lef.templatetags.lef_tags import EN_DASH
from spaces import timeslots

register = template.Library()


def is_weekly(bookings: Sequence) -> bool:
    """Whether ``bookings`` (with start and end) fall on one weekday at the same clock times."""
    shapes = {
        (local.weekday(), local.time(), timeslots.local(booking.end).time())
        for booking in bookings
        for local in [timeslots.local(booking.start)]
    }
    return len(shapes) == 1


@register.filter
def series_text(bookings: Sequence) -> str:
    """The dates of a weekly series as people say them, in the active language.

    "every Tuesday 09:00-12:00, until 3 March, 8 times" (an en dash between
    the times; the year of the last date only when it is not the first's),
    to follow a comma or colon; ``|capfirst`` it to start a sentence.
    Dates that do not share a weekday and clock times: "8 dates, from 3
    February to 3 March".
    """
    bookings = list(bookings)
    if not bookings:
        return ""
    first, last = timeslots.local(bookings[0].start), timeslots.local(bookings[-1].start)
    count = len(bookings)
    last_format = "j F" if last.year == first.year else "j F Y"
    if not is_weekly(bookings):
        return ngettext(
            "%(count)d date, from %(first)s to %(last)s",
            "%(count)d dates, from %(first)s to %(last)s",
            count,
        ) % {
            "count": count,
            "first": date_format(first.date(), "j F"),
            "last": date_format(last.date(), last_format),
        }
    end = timeslots.local(bookings[0].end)
    return ngettext(
        "every %(weekday)s %(times)s, until %(last)s, %(count)d time",
        "every %(weekday)s %(times)s, until %(last)s, %(count)d times",
        count,
    ) % {
        "weekday": date_format(first.date(), "l"),
        "times": f"{first:%H:%M}{EN_DASH}{end:%H:%M}",
        "last": date_format(last.date(), last_format),
        "count": count,
    }
