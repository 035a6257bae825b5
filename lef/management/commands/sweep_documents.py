from datetime import timedelta

from django.core.management.base import BaseCommand

from lef.documents import sweep_orphan_documents


class Command(BaseCommand):
    help = (
        "Delete stored document files (results' files) that no row names, older than an "
        "hour: left behind only by a crash between writing an upload and saving its row. "
        "Safe to repeat; run it daily (cron), beside sweep_images."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=1,
            help="Spare files younger than this (their upload may still be saving).",
        )

    def handle(self, *args, **options):
        deleted = sweep_orphan_documents(older_than=timedelta(hours=options["older_than_hours"]))
        if options["verbosity"] >= 1:
            self.stdout.write(f"Deleted {deleted} orphan document file(s).")
