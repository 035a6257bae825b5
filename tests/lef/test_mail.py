"""Queued mail (lef.mail) with the database queue of production (django-tasks-db)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lef.mail import queue_mail, send_email

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_delivered_mail_leaves_nothing_in_the_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    queue_mail(subject="Een bericht", body="Geheime tekst", to=["jan@school.example"],
               reply_to=["sanne@school.example"])  # fmt: skip
    assert "Geheime tekst" in json.dumps(list(DBTaskResult.objects.values("args_kwargs")))

    _run_worker()

    assert [message.body for message in mail.outbox] == ["Geheime tekst"]
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_failed_mail_stays_in_the_queue_to_see_why(settings):
    settings.TASKS = DATABASE_QUEUE
    send_email.enqueue(subject="Kapot", body="Tekst", to=["jan@school.example"],
                       attachments=[["no-content"]])  # fmt: skip

    _run_worker()

    assert mail.outbox == []
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]


def _finished(*, status: str, days_ago: int) -> DBTaskResult:
    result = send_email.enqueue(subject="Oud", body="Tekst", to=["a@b.nl"])
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status, finished_at=timezone.now() - timedelta(days=days_ago)
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_the_readmes_daily_prune_keeps_only_failed_mail_of_the_last_week(settings):
    """The command line in the README's cron list, against the real task table."""
    settings.TASKS = DATABASE_QUEUE
    _finished(status="SUCCESSFUL", days_ago=0)
    _finished(status="FAILED", days_ago=8)
    recent_failure = _finished(status="FAILED", days_ago=6)
    waiting = send_email.enqueue(subject="Wacht", body="Tekst", to=["a@b.nl"])
    line = "prune_db_task_results --min-age-days 0 --failed-min-age-days 7"
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert f"python manage.py {line}" in readme

    call_command(*line.split(), verbosity=0)

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        recent_failure.pk, uuid.UUID(waiting.id)
    }  # fmt: skip
