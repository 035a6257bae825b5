from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from home import demo


class Command(BaseCommand):
    help = (
        "Create demo data for a first look: partner organisations, the venue PLNT, "
        "a coordinator and members from different sectors. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a production site with real people).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with known passwords; it refuses to run "
                "with DEBUG off. Use --force if this really is a demo site."
            )
        with transaction.atomic():
            accounts = demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Demo accounts:"))
        for email, password, what in accounts:
            self.stdout.write(f"  {email:<32} {password:<16} {what}")
