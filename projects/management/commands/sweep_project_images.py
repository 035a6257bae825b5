from django.core.management.base import BaseCommand

from projects.images import sweep_orphan_images


class Command(BaseCommand):
    help = (
        "Delete project and update image files that nothing points at (left behind only "
        "when an upload's transaction rolled back). Run it daily, next to sweep_avatars."
    )

    def handle(self, *args, **options):
        deleted = sweep_orphan_images()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Deleted {deleted} orphan project image file(s).")
