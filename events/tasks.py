"""Background work for meetups, run by Django's Tasks framework (``manage.py db_worker``)."""

from django.tasks import task

from events.services import send_due_reminders


@task
def send_event_reminders() -> int:
    """Remind everyone with a place at tomorrow's meetups; safe to run twice at once."""
    return send_due_reminders()
