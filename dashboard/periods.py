"""The stretch of time a dashboard figure covers: a month, a quarter, a school year or a range.

A :class:`Period` is half-open, ``[start, end)`` in days, read in the site's
time zone (Europe/Amsterdam): ``start_at`` and ``end_at`` are the aware
midnights that the figures compare timestamps with. A school year runs from
1 August to 31 July, as Dutch schools count it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _

KINDS = ("month", "quarter", "school_year", "custom")
SCHOOL_YEAR_STARTS = 8  # August
# A custom range longer than this is cut: the monthly series stay readable and
# the queries bounded (five school years).
LONGEST_CUSTOM = timedelta(days=5 * 366)


def _year_earlier(day: date) -> date:
    """The same day a year earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: date  # the first day
    end: date  # the first day AFTER the period (half-open)
    kind: str  # "month" | "quarter" | "school_year" | "custom"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown kind of period: {self.kind!r}")
        if self.end <= self.start:
            raise ValueError("A period ends after it starts.")

    @classmethod
    def month(cls, day: date) -> "Period":
        first = day.replace(day=1)
        return cls(first, _add_months(first, 1), "month")

    @classmethod
    def quarter(cls, day: date) -> "Period":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return cls(first, _add_months(first, 3), "quarter")

    @classmethod
    def school_year(cls, day: date) -> "Period":
        year = day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1
        return cls(date(year, SCHOOL_YEAR_STARTS, 1), date(year + 1, SCHOOL_YEAR_STARTS, 1),
                   "school_year")  # fmt: skip

    def previous_year(self) -> "Period":
        """The same period a year earlier (for a month, quarter or school year: that one)."""
        if self.kind == "custom":
            return Period(_year_earlier(self.start), _year_earlier(self.end), "custom")
        return getattr(Period, self.kind)(_year_earlier(self.start))

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        """The first moment of the period, in the site's time zone."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The first moment after the period, in the site's time zone."""
        return timezone.make_aware(datetime.combine(self.end, time.min))

    @property
    def label(self) -> str:
        """The period in words, translated: "school year 2025-2026", "March 2026", ..."""
        if self.kind == "school_year":
            return _("school year %(first)s–%(second)s") % {  # noqa: RUF001 -- an en dash between years
                "first": self.start.year,
                "second": self.start.year + 1,
            }
        if self.kind == "quarter":
            return _("quarter %(number)s of %(year)s") % {
                "number": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "month":
            return formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        return _("%(first)s to %(last)s") % {
            "first": formats.date_format(self.start, "DATE_FORMAT"),
            "last": formats.date_format(self.last_day, "DATE_FORMAT"),
        }

    def query(self) -> dict[str, str]:
        """The query parameters that give this period back (:func:`period_from_query`)."""
        params = {"period": self.kind, "start": self.start.isoformat()}
        if self.kind == "custom":
            params["end"] = self.last_day.isoformat()
        return params


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def period_from_query(params: QueryDict, today: date) -> Period:
    """The period asked for by ``?period=school_year&start=&end=``; never an error.

    ``period`` is month, quarter, school_year (the default) or custom. For the
    first three, ``start`` is any day in the wanted one (default: ``today``).
    A custom range runs from ``start`` to ``end``, both days included as a
    person types them; a range the wrong way round is turned around, a missing
    end is ``today``, one longer than five school years is cut. What cannot be
    read falls back to the school year of ``today``.
    """
    kind = params.get("period") or "school_year"
    start = _parse(params.get("start"))
    if kind == "custom":
        end = _parse(params.get("end")) or today
        if start is None:
            return Period.school_year(today)
        first, last = min(start, end), max(start, end)
        last = min(last, first + LONGEST_CUSTOM)
        return Period(first, last + timedelta(days=1), "custom")
    if kind not in {"month", "quarter", "school_year"}:
        kind = "school_year"
    return getattr(Period, kind)(start or today)


def months(period: Period) -> list[date]:
    """The first day of every month the period touches, in order (for monthly series)."""
    first = period.start.replace(day=1)
    result = []
    while first < period.end:
        result.append(first)
        first = _add_months(first, 1)
    return result


def month_label(first: date) -> str:
    """A month in a figure's rows: "2026-03", which sorts and reads the same in every language."""
    return f"{first:%Y-%m}"
