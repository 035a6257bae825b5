"""The member's calendar feed and record of growth in their export, and their account deletion
(names from lef.hooks).

The feed is theirs: its address is in the export, and deleting the account
deletes it (so the address stops working). The record of growth (home.growth)
is read from the apps' own rows, whenever they were: in the export as the
member sees it; the deletion has nothing of its own to clear (the apps'
hooks and members.privacy anonymise the rows it is read from).
"""

from home.growth import growth_record
from lef.models import CalendarFeed

ORDER = 40


def export(user) -> dict:
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return {"calendar_feed": None, "growth_record": _export_growth(user)}
    return {
        "calendar_feed": {"address": f"/calendar/{feed.token}.ics", "made_at": feed.created_at},
        "growth_record": _export_growth(user),
    }


def _export_growth(user) -> dict:
    """The whole record (every period), as the growth page's tables hold it."""
    record = growth_record(user=user, span=None)
    return {
        "total_hours": record.total_hours,
        "meetups_attended": [
            {
                "meetup": meetup.title,
                "url": meetup.url,
                "starts_at": meetup.starts_at,
                "hours": meetup.hours,
            }
            for meetup in record.meetups
        ],
        "projects": [
            {
                "project": part.title,
                "url": part.url,
                "role": part.role_code,
                "joined": part.joined,
                "until": part.until,
            }
            for part in record.projects
        ],
        "results_authored": [
            {
                "result": result.title,
                "url": result.url,
                "type": result.kind_code,
                "project": result.project,
                "published": result.published,
            }
            for result in record.results
        ],
    }


def delete_account(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
