"""Sending mail without blocking a request.

Mail goes through Django's Tasks framework: the message is queued once the
surrounding transaction commits (so nobody is mailed about something that rolled
back) and a worker sends it. In tests and on a developer machine the immediate
backend sends it at once.

A queued mail's row (django-tasks-db's task table) holds its text and addresses,
contact messages included, so it is kept only as long as delivery needs it:

* once delivered, the row is deleted (:func:`delete_delivered_mail`, connected
  to Django's ``task_finished`` signal in ``LefConfig.ready()``);
* a mail that carries a member's words or address (a contact message: the
  sender's text, Reply-To their address) is queued with ``about=[their pk]``;
  when they delete their account, :func:`forget_mail_about` deletes those rows,
  waiting or failed, so the message is not delivered after they left;
* failed mails stay for a week, to see what went wrong, and are then pruned by
  ``manage.py prune_db_task_results`` from cron (see the README).
"""

from collections.abc import Sequence

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import TaskResultStatus, task, task_backends

# A file attached to a mail: (file name, text content, MIME type), e.g. an .ics
# calendar file. Plain text and lists only, so a queued task stores it as JSON.
type Attachment = tuple[str, str, str]


@task
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: Sequence[Sequence[str]] = (),
    about: Sequence[int] = (),
) -> None:
    # ``about`` only labels the queued row for forget_mail_about; it is not sent.
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        reply_to=reply_to or [],
        headers=headers or {},
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


def send_rendered_message(message) -> None:
    """Queue an already rendered EmailMessage after the current transaction commits."""
    html = None
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = str(content)
    kwargs = {
        "subject": str(message.subject),
        "body": str(message.body),
        "to": list(message.to),
        "from_email": message.from_email,
        "reply_to": list(message.reply_to),
        "html": html,
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
    }
    transaction.on_commit(lambda: send_email.enqueue(**kwargs))


def queue_mail(
    *,
    subject: str,
    body: str,
    to: list[str],
    reply_to: list[str] | None = None,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    about: Sequence[int] = (),
) -> None:
    """Queue a plain message after the current transaction commits.

    ``about``: the members (pks) whose words or address the mail carries, such
    as a contact message's sender; see :func:`forget_mail_about`.
    """
    kwargs = {
        "subject": subject,
        "body": body,
        "to": to,
        "reply_to": reply_to,
        "html": html,
        "attachments": [list(attachment) for attachment in attachments],
        "about": list(about),
    }
    transaction.on_commit(lambda: send_email.enqueue(**kwargs))


# Keeping nothing longer than delivery needs -------------------------------------------


def delete_delivered_mail(sender, task_result, **kwargs) -> None:
    """On ``task_finished``: delete a delivered mail's row from the database queue.

    The worker has saved the result before it sends the signal and does not
    touch the row again, so deleting it here is safe. Failed mails are kept
    (until pruned); other tasks and other backends are left alone.
    """
    from django_tasks_db.backend import DatabaseBackend  # noqa: PLC0415 -- an app's models
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

    # Not ``sender``: django-tasks-db sends the backend on success, its class on failure.
    if not isinstance(task_backends[task_result.backend], DatabaseBackend):
        return
    if task_result.status != TaskResultStatus.SUCCESSFUL:
        return
    if task_result.task.module_path != send_email.module_path:
        return
    DBTaskResult.objects.filter(pk=task_result.id).delete()


def forget_mail_about(member_id: int) -> int:
    """Delete queued and failed mail that carries the member's words or address.

    Part of deleting an account (members.privacy): a contact message they wrote
    that still waits for the worker is not delivered after they left, and one
    that failed is not kept. Rows a worker holds at this moment (locked or
    running) are skipped: that mail goes out, and its row is deleted once
    delivered. Returns how many rows were deleted.
    """
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 -- an app's models

    carrying = DBTaskResult.objects.filter(
        task_path=send_email.module_path, args_kwargs__kwargs__about__contains=[member_id]
    ).exclude(status=TaskResultStatus.RUNNING)
    with transaction.atomic():
        ids = list(carrying.select_for_update(skip_locked=True).values_list("pk", flat=True))
        deleted, _per_model = DBTaskResult.objects.filter(pk__in=ids).delete()
    return deleted
