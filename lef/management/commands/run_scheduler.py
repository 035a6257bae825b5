"""Run the periodic jobs in one long-lived process (lef.scheduler)."""

import signal
import threading

from django.core.management.base import BaseCommand

from lef.scheduler import JOBS, Scheduler, run_scheduler


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (no-show release every 5 minutes; image sweep, task pruning, "
        "project update digests, daily digests and meetup reminders once a day, Amsterdam "
        "time) until stopped. Holds a PostgreSQL advisory lock: a second scheduler waits "
        "until the first one stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Print the schedule and exit.")

    def handle(self, *args, **options):
        if options["list"]:
            for job in JOBS:
                when = f"daily at {job.at:%H:%M}" if job.at else f"every {job.every}"
                self.stdout.write(f"{job.name}: {when} ({' '.join(job.command)})")
            return
        stopping = threading.Event()

        def stop(signum, frame):
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        run_scheduler(Scheduler(sleep=stopping.wait), stop=stopping.is_set)
