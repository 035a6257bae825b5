"""The demo's teacher has a record of growth that looks alive, and its page is valid HTML."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from home.growth import Span, growth_record
from members.models import User
from tests.test_html_valid import check

pytestmark = pytest.mark.django_db

TEACHER = "sanne@demo.lef.nl"  # printed by seed_demo to try the site with


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", stdout=StringIO())  # --force: DEBUG is off in tests


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
