"""Sending mail without blocking a request.

Mail goes through Django's Tasks framework: the message is queued once the
surrounding transaction commits (so nobody is mailed about something that rolled
back) and a worker sends it. In tests and on a developer machine the immediate
backend sends it at once.
"""

from collections.abc import Sequence

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task

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
) -> None:
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
) -> None:
    """Queue a plain message after the current transaction commits."""
    kwargs = {
        "subject": subject,
        "body": body,
        "to": to,
        "reply_to": reply_to,
        "html": html,
        "attachments": [list(attachment) for attachment in attachments],
    }
    transaction.on_commit(lambda: send_email.enqueue(**kwargs))
