from django.core.management.base import BaseCommand

from projects.services import send_update_digests


class Command(BaseCommand):
    help = (
        "Mail each project team its new updates in one mail per project (not one mail per "
        "post), and mark the updates as sent. Safe to run on several machines at once and "
        "to repeat. Run it daily from cron, before send_digests (e.g. 06:45), so members "
        "who chose a daily digest get the project news in the same morning mail."
    )

    def handle(self, *args, **options):
        projects, members = send_update_digests()
        if options["verbosity"] >= 1:
            # Each member gets theirs as they chose (at once, daily or not at all).
            self.stdout.write(
                f"Queued the new updates of {projects} project(s) for {members} team member(s)."
            )
