"""A weekly series in words, as my bookings and the mails say it."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from spaces.templatetags.spaces_tags import series_text
from tests.spaces.conftest import local


def _dates(*starts, hours=3):
    return [
        SimpleNamespace(start=local(*start), end=local(*start[:3], start[3] + hours))
        for start in starts
    ]


TUESDAYS = _dates((2026, 2, 3, 9), (2026, 2, 10, 9), (2026, 2, 17, 9), (2026, 3, 3, 9))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "every Tuesday 09:00\u201312:00, until 3 March, 4 times"),
        # The Dutch words come from Django's catalogue here; ours adds "elke ... tot ... keer".
        ("nl", "dinsdag 09:00\u201312:00"),
    ],
)
def test_a_series_is_its_weekday_times_last_date_and_count(language, text):
    with translation.override(language):
        assert text in series_text(TUESDAYS)


def test_the_last_date_has_its_year_when_the_series_crosses_new_year():
    dates = _dates((2026, 12, 22, 9), (2026, 12, 29, 9), (2027, 1, 5, 9))

    assert series_text(dates) == "every Tuesday 09:00\u201312:00, until 5 January 2027, 3 times"


def test_summer_time_keeps_the_clock_times():
    # 29 March 2026 the clocks go forward: 10:00 stays 10:00.
    dates = _dates((2026, 3, 24, 10), (2026, 3, 31, 10), hours=1)

    assert series_text(dates) == "every Tuesday 10:00\u201311:00, until 31 March, 2 times"


def test_dates_that_are_no_weekly_pattern_are_counted_from_first_to_last():
    dates = [*_dates((2026, 2, 3, 9)), *_dates((2026, 2, 12, 14), hours=1)]

    assert series_text(dates) == "2 dates, from 3 February to 12 February"
    assert series_text([]) == ""
