from django.core.management.base import BaseCommand

from members.avatars import sweep_orphan_avatars


class Command(BaseCommand):
    help = (
        "Delete avatar files that no profile points at (left behind only when an "
        "upload's transaction rolled back). Run it daily, next to send_digests."
    )

    def handle(self, *args, **options):
        deleted = sweep_orphan_avatars()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Deleted {deleted} orphan avatar file(s).")
