"""How meetups join Mijn LEF, profiles, the personal calendar feed, the export and deletion.

The names are lef.hooks's; the work is done where the rest of the app's reads
and writes are (queries, services, calendars).
"""

from django.utils.translation import ngettext

from events import calendars, queries, services

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
