"""The member's calendar feed in their export and their account deletion (names from lef.hooks).

The feed is theirs: its address is in the export, and deleting the account
deletes it (so the address stops working).
"""

from lef.models import CalendarFeed

ORDER = 40


def export(user) -> dict:
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return {"calendar_feed": None}
    return {
        "calendar_feed": {"address": f"/calendar/{feed.token}.ics", "made_at": feed.created_at}
    }


def delete_account(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
