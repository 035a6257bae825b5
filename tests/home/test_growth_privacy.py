"""The record of growth in the member's data export, and after their account is deleted."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from events.models import Registration
from home.growth import Span, growth_record
from knowledge.models import Author
from members.privacy import build_export, delete_account
from tests.home.growth_data import make_dataset

pytestmark = pytest.mark.django_db

EVER = Span(date(2015, 1, 1), date(2100, 12, 31))


@pytest.fixture
def data():
    return make_dataset()


def test_export_holds_the_whole_record(data):
    section = build_export(user=data.member)["growth_record"]

    assert section["total_hours"] == Decimal("8.0")  # 2.5 + 1.5 this year, 4 the year before
    assert [m["meetup"] for m in section["meetups_attended"]] == [
        "Vorig schooljaar",
        "Rekenen po-vo",
        "Koffie met het mbo",
        "Lezen in de brugklas",
    ]
    assert [p["project"] for p in section["projects"]] == [
        "Oud project",
        "Lezen over de grens",
        "Afgerond project",
        "Overstaplessen rekenen",
    ]
    assert [r["result"] for r in section["results_authored"]] == [
        "Oud resultaat",
        "Overstaples breuken",
    ]


def test_export_download_holds_the_record_as_json(client, data):
    client.force_login(data.member)

    exported = json.loads(client.get(reverse("members:export"), {"download": "1"}).content)

    assert exported["growth_record"]["total_hours"] == "8.0"
    assert exported["growth_record"]["meetups_attended"][1]["hours"] == "2.5"
    assert exported["growth_record"]["projects"][3]["role"] == "lead"


def test_after_deleting_the_account_nothing_of_the_record_names_a_person(data):
    before = growth_record(user=data.member, span=EVER)

    delete_account(user=data.member)
    data.member.refresh_from_db()
    after = growth_record(user=data.member, span=EVER)

    # The rows stay, for the meetups' and projects' counts, on a user row that
    # names nobody: no name, no address, a random username, no way to log in.
    assert (data.member.name, data.member.email, data.member.is_active) == ("", "", False)
    assert data.member.username.startswith("deleted-")
    assert not data.member.has_usable_password()
    assert after.name == data.member.username
    assert before.name == "Sanne de Vries"
    assert [m.title for m in after.meetups] == [m.title for m in before.meetups]
    assert [p.title for p in after.projects] == [p.title for p in before.projects]
    # An author's row keeps no member (the library says "a former member": knowledge's
    # delete_account hook), so the results are no longer anyone's.
    assert before.results != ()
    assert after.results == ()
    assert not Author.objects.filter(member=data.member).exists()
    # Nothing of their own words stays on the rows the record is read from.
    assert not Registration.objects.filter(member=data.member).exclude(note="").exists()
