"""How meetups join Mijn LEF, profiles, the personal calendar feed, the export and deletion.

The names are lef.hooks's; the work is done where the rest of the app's reads
and writes are (queries, services, calendars).
"""

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
