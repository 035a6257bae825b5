"""The shared template tags (lef_tags): dates and sectors as people read them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.formats import date_format

from lef.templatetags.lef_tags import (
    datetime_attr,
    day_format,
    day_label,
    day_text,
    sector_badge,
    sector_mix,
    short_day,
    timespan,
)

START = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)  # 15:30 in Amsterdam
END = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", "di 1 dec 2026, 15:30\u201317:00"), ("en", "Tue 1 Dec 2026, 15:30\u201317:00")],
)
def test_timespan_in_amsterdam_time_and_the_pages_language(language, expected):
    with translation.override(language):
        assert timespan(START, END) == expected


def test_timespan_over_two_days_names_both():
    with translation.override("nl"):
        assert timespan(START, datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) == (
            "di 1 dec 2026, 15:30 \u2013 wo 2 dec 2026, 10:00"
        )


def test_datetime_attr_is_a_valid_html_time_in_amsterdam():
    # HTML allows at most three digits of a second's fraction; isoformat writes six.
    moment = datetime(2026, 7, 1, 12, 30, 5, 762154, tzinfo=UTC)

    assert datetime_attr(moment) == "2026-07-01T14:30:05+02:00"
    assert datetime_attr(datetime(2026, 12, 1, 14, 0, tzinfo=UTC)) == "2026-12-01T15:00:00+01:00"
    assert datetime_attr(date(2026, 3, 29)) == "2026-03-29"
    assert datetime_attr(None) == ""


def test_day_label_and_short_day():
    with translation.override("nl"):
        assert day_label(START) == "di 1 dec 2026"
        assert short_day(date(2026, 3, 29)) == "zo 29 mrt"
    with translation.override("en"):
        assert short_day(date(2026, 3, 29)) == "Sun 29 Mar"


def test_sector_badge_says_other_in_the_pages_language():
    with translation.override("nl"):
        assert ">overig<span" in sector_badge("other")
        assert ">po<span" in sector_badge("po")
    assert sector_badge("nonsense") == ""


def test_sector_mix_is_in_proportion_and_in_words():
    with translation.override("en"):
        mix = sector_mix({"po": 3, "ho": 1, "vo": 0, "bogus": 5})

    assert [(s.code, s.x, s.width) for s in mix["segments"]] == [
        ("po", "0.000", "75.000"),
        ("ho", "75.000", "25.000"),
    ]
    assert mix["described"] == "po 3, ho 1"
    assert mix["total"] == 4


@pytest.mark.parametrize("language", ["nl", "en"])
def test_day_text_says_what_djangos_date_format_says(language):
    with translation.override(language):
        for offset in range(0, 400, 3):  # every weekday and month
            day = date(2026, 1, 1) + timedelta(days=offset)
            assert day_text(day) == date_format(day, day_format())
            assert day_text(day, year=False) == date_format(day, day_format(year=False))
