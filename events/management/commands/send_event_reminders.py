from django.core.management.base import BaseCommand

from events.services import send_due_reminders
from events.tasks import send_event_reminders


class Command(BaseCommand):
    help = (
        "Remind everyone with a place at a meetup tomorrow (Amsterdam time), once a day from "
        "cron. Queues the work for the task worker; --now sends at once. Safe to run twice, "
        "also at the same moment: nobody is reminded twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Send in this process instead of queueing."
        )

    def handle(self, *args, now=False, **options):
        if now:
            sent = send_due_reminders()
            self.stdout.write(f"Sent {sent} reminder(s).")
            return
        result = send_event_reminders.enqueue()
        self.stdout.write(f"Queued the reminders (task {result.id}).")
