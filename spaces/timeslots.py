"""Wall-clock time in Europe/Amsterdam, turned into exact moments, DST included.

Opening hours and grids are in local time; bookings are stored as UTC moments.
Slots are counted in real minutes from local midnight, so on 29 March (23 hours)
and 25 October (25 hours, 02:00-03:00 twice) every slot is exactly
``slot_minutes`` long and every local time that exists gets its slot once per
occurrence. Never add a timedelta to a local aware datetime (zoneinfo does that
in wall-clock time): step in UTC and convert.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL = ZoneInfo("Europe/Amsterdam")
MIDNIGHT = time(0)


def local_midnight(day: date) -> datetime:
    """The first moment of ``day`` in Amsterdam, as a UTC datetime."""
    return datetime.combine(day, MIDNIGHT, tzinfo=LOCAL).astimezone(UTC)


def at(day: date, wall: time) -> datetime:
    """The moment Amsterdam's clocks show ``wall`` on ``day``.

    When the hour repeats, ``wall.fold`` picks the occurrence (0 the first).
    """
    return datetime.combine(day, wall, tzinfo=LOCAL).astimezone(UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def today() -> date:
    """Today in Amsterdam (from ``timezone.now``, so tests can set the clock)."""
    return timezone.now().astimezone(LOCAL).date()


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_bounds(day: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) of ``day``'s week, as UTC moments."""
    monday = week_start(day)
    return local_midnight(monday), local_midnight(monday + timedelta(days=7))


def same_wall_time_days_later(moment: datetime, days: int) -> datetime:
    """``moment`` ``days`` later at the same local clock time (weekly series across DST)."""
    wall = local(moment)
    return at(wall.date() + timedelta(days=days), wall.timetz().replace(tzinfo=None))


def is_aligned(moment: datetime, slot_minutes: int) -> bool:
    """Whether ``moment`` is a slot boundary: whole slots after local midnight."""
    since = moment - local_midnight(local_date(moment))
    return since.total_seconds() % (slot_minutes * 60) == 0


@dataclass(frozen=True)
class Window:
    """An open period [start, end) as UTC moments."""

    start: datetime
    end: datetime

    def contains(self, start: datetime, end: datetime) -> bool:
        return self.start <= start and end <= self.end

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def open_windows(day: date, hours: Iterable, *, closed: bool = False) -> list[Window]:
    """The periods a space is open on ``day``, from its OpeningHours rows (any weekday given).

    Rows of other weekdays are ignored; touching or overlapping ranges merge into
    one window. ``closes`` at 00:00 is midnight at the end of the day.
    """
    if closed:
        return []
    ranges = []
    for row in hours:
        if row.weekday != day.weekday():
            continue
        start = at(day, row.opens)
        end = (
            local_midnight(day + timedelta(days=1))
            if row.closes == MIDNIGHT
            else at(day, row.closes)
        )
        if end > start:
            ranges.append((start, end))
    return merged_windows(ranges)


def merged_windows(ranges: Iterable[tuple[datetime, datetime]]) -> list[Window]:
    """``ranges`` as windows in time order, touching or overlapping ones merged into one."""
    merged: list[list[datetime]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Window(start, end) for start, end in merged]


def day_slots(day: date, slot_minutes: int) -> list[datetime]:
    """Every slot start of ``day`` (UTC), from local midnight to the next, in real time."""
    start, stop = local_midnight(day), local_midnight(day + timedelta(days=1))
    step = timedelta(minutes=slot_minutes)
    slots = []
    moment = start
    while moment < stop:
        slots.append(moment)
        moment += step
    return slots


def wall_exists(day: date, wall: time) -> bool:
    """Whether Amsterdam's clocks show ``wall`` on ``day`` (02:30 on 29 March 2026 they do not)."""
    return local(at(day, wall)).time().replace(fold=0) == wall.replace(fold=0)


def is_repeated(day: date, wall: time) -> bool:
    """Whether ``wall`` happens twice on ``day`` (02:00-02:59 on 25 October 2026)."""
    return at(day, wall.replace(fold=0)) != at(day, wall.replace(fold=1))


def from_wall(day: date, start: time, end: time, *, fold: int = 0) -> tuple[datetime, datetime]:
    """A local date with clock times from a form, as UTC moments.

    ``fold`` 1 picks the second occurrence of a repeated start time. An end at
    00:00 is midnight at the end of ``day``; a repeated end time is the
    occurrence that comes after the start.
    """
    first = at(day, start.replace(fold=fold))
    if end == MIDNIGHT:
        return first, local_midnight(day + timedelta(days=1))
    last = at(day, end.replace(fold=fold))
    if last <= first:
        last = at(day, end.replace(fold=1))
    return first, last
