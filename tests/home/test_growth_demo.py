"""The demo's teacher has a record of growth that looks alive, and its page is valid HTML."""

import pytest
from django.urls import reverse
from django.utils import timezone

from home.growth import Span, growth_record
from members.models import User
from tests.demo import seeded_demo
from tests.test_html_valid import check

# One worker runs the module's tests one after the other: one seed per run.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-growth")]

TEACHER = "sanne@demo.lef.nl"  # printed by seed_demo to try the site with


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for the module (tests/demo.py)."""
    with seeded_demo(django_db_blocker, tmp_path_factory) as seeded:
        yield seeded


def test_demo_teacher_attended_meetups_with_hours(demo):
    teacher = User.objects.get(email=TEACHER)

    record = growth_record(user=teacher, span=None)

    assert len(record.meetups) >= 2
    assert record.total_hours > 0
    assert record.meetups_without_hours == 0
    assert len(record.projects) >= 1


def test_growth_page_is_valid_html(demo, client, tmp_path):
    teacher = User.objects.get(email=TEACHER)
    client.force_login(teacher)
    school_year = Span.school_year(timezone.localdate())
    pages = {
        "growth": client.get(reverse("growth")).content.decode(),
        "growth-refused": client.get(reverse("growth"), {"end": "2000-01-01"}).content.decode(),
        "growth-empty": client.get(
            reverse("growth"), {"start": "2016-01-01", "end": "2016-12-31"}
        ).content.decode(),
    }

    assert check(pages, tmp_path) == {}
    assert school_year.label in pages["growth"]
