"""What lef itself keeps about a member, in their export and their account deletion.

The personal calendar feed is theirs: its address is in the export, and
deleting the account deletes it (so the address stops working).
"""

from lef.models import CalendarFeed


def export_calendar_feed(user) -> dict | None:
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return None
    return {"address": f"/calendar/{feed.token}.ics", "made_at": feed.created_at}


def delete_calendar_feed(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def register() -> None:
    from members.privacy import (  # noqa: PLC0415 -- members is loaded after lef
        register_anonymisation_step,
        register_export_section,
    )

    register_export_section("calendar_feed", export_calendar_feed)
    register_anonymisation_step("calendar_feed", delete_calendar_feed)
