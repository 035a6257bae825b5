from datetime import timedelta

from django.core.management.base import BaseCommand

from lef.images import sweep_orphan_images


class Command(BaseCommand):
    help = (
        "Delete stored image files that no row names (avatars, logos, project and meetup "
        "images, space photos), older than an hour: left behind only by a crash between "
        "writing an upload and saving its row. Safe to repeat; run it daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=1,
            help="Spare files younger than this (their upload may still be saving).",
        )

    def handle(self, *args, **options):
        deleted = sweep_orphan_images(older_than=timedelta(hours=options["older_than_hours"]))
        if options["verbosity"] >= 1:
            self.stdout.write(f"Deleted {deleted} orphan image file(s).")
