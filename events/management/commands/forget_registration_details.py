from django.core.management.base import BaseCommand

from events.retention import DETAILS_KEPT, forget_registration_details


class Command(BaseCommand):
    help = (
        f"Clear guests' email addresses and sign-up notes of meetups that ended more than "
        f"{DETAILS_KEPT.days} days ago; the sign-ups themselves stay for the counts. "
        "Safe to repeat; run it daily (run_scheduler does)."
    )

    def handle(self, *args, **options):
        cleared = forget_registration_details()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Cleared the details of {cleared} sign-up(s).")
