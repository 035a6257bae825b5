"""Small helpers for the meetup tests: mail, calendar files, forms."""

from html.parser import HTMLParser

from django.core import mail
from django.db import connection
from icalendar import Calendar


def deliver() -> None:
    """Send the mail the services queued for after their commit.

    A test runs inside one transaction that never commits, so the services'
    ``on_commit`` callbacks wait; a service that rolled back has already lost
    its callbacks (Django drops them with the savepoint), so only the mail of
    what would have committed is sent. Transactional tests need none of this.
    """
    while connection.run_on_commit:
        _savepoints, callback, _robust = connection.run_on_commit.pop(0)
        callback()


def outbox() -> list:
    deliver()
    return list(mail.outbox)


def clear_mail() -> None:
    deliver()
    mail.outbox.clear()


def mails_to(user) -> list:
    return [message for message in outbox() if user.email in message.to]


def ics_attachment_of(message) -> tuple[str, str, str]:
    """The one .ics attachment of a mail: (file name, text, MIME type)."""
    attachments = [a for a in message.attachments if a[2].startswith("text/calendar")]
    assert len(attachments) == 1, message.attachments
    return attachments[0]


def ics_of(message) -> Calendar:
    """The .ics attachment of a mail, parsed."""
    content = ics_attachment_of(message)[1]
    return Calendar.from_ical(content.encode() if isinstance(content, str) else content)


def vevents(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


class _FormFields(HTMLParser):
    """The values a browser would send for the form with id ``form_id`` (or the first form)."""

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(
                attrs.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea][0] = self.data[self._textarea][0].lstrip("\n")
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside = False
            self.done = True


def form_data(response, form_id: str | None = None) -> dict:
    """A page's form as POST data (lists for multiple values), to change and send back."""
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    return {
        name: values if len(values) != 1 else values[0] for name, values in parser.data.items()
    }
