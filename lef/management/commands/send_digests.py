from django.core.management.base import BaseCommand

from lef.notifications import send_daily_digests


class Command(BaseCommand):
    help = (
        "Send each member one mail with their unsent daily-digest notices and mark them "
        "sent. Safe to run on several machines at once and to repeat (run it daily, "
        "e.g. from cron at 07:00)."
    )

    def handle(self, *args, **options):
        digests, notices = send_daily_digests()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Sent {digests} digest(s) with {notices} notice(s).")
