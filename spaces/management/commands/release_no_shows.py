"""Release bookings nobody checked in to (run from cron every few minutes)."""

from django.core.management.base import BaseCommand

from spaces.services import release_no_shows


class Command(BaseCommand):
    help = (
        "Release bookings of resources with 'release no-shows' on that nobody checked in "
        "to within 30 minutes of the start. Safe to run often and in parallel."
    )

    def handle(self, *args, **options):
        released = release_no_shows()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Released {released} booking(s).")
