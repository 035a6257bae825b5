from datetime import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from spaces.timeslots import LOCAL


class Clock:
    """The time the site thinks it is: ``timezone.now`` everywhere, set by the test."""

    def __init__(self, monkeypatch):
        self.moment = None
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def set(self, *args) -> datetime:
        """``clock.set(2026, 3, 20, 9, 0)``: that wall time in Amsterdam."""
        self.moment = datetime(*args, tzinfo=LOCAL)
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch)
    clock.set(2026, 3, 16, 8, 0)  # a Monday morning, two weeks before summer time
    return clock


def local(*args) -> datetime:
    """An aware moment given as Amsterdam wall time: ``local(2026, 3, 29, 10)``."""
    return datetime(*args, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); pages test Dutch where it matters."""
    with translation.override("en"):
        yield


@pytest.fixture
def outbox(django_capture_on_commit_callbacks):
    """Run what is queued for after the commit (mail) as the action's transaction ends."""

    class Outbox:
        def __call__(self):
            return django_capture_on_commit_callbacks(execute=True)

        def __iter__(self):
            return iter(mail.outbox)

        def __len__(self):
            return len(mail.outbox)

        def __getitem__(self, index):
            return mail.outbox[index]

        def clear(self):
            mail.outbox.clear()

    return Outbox()
