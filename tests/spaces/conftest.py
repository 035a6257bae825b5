from datetime import datetime

import pytest
from django.utils import timezone

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
