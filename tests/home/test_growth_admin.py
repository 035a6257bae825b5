"""Coordinators set a meetup's hours for the record of growth in the admin (events.admin)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from events.models import Event
from tests.events.factories import EventFactory
from tests.events.helpers import form_data
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


def change_url(event) -> str:
    return f"/admin/events/event/{event.pk}/change/"


def test_coordinator_sets_a_meetups_hours_in_the_admin(client):
    client.force_login(CoordinatorFactory())
    event = EventFactory()

    page = client.get(change_url(event), headers={"accept-language": "en"})
    data = form_data(page, form_id="event_form")
    data["development_hours"] = "2.5"
    response = client.post(change_url(event), data)

    assert "professional development file" in page.content.decode()
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.development_hours == Decimal("2.5")


@pytest.mark.parametrize("hours", ["0", "-1", "100", "1.25"])
def test_admin_refuses_hours_that_are_not_a_positive_number_with_one_decimal(client, hours):
    client.force_login(CoordinatorFactory())
    event = EventFactory()
    data = form_data(client.get(change_url(event)), form_id="event_form")
    data["development_hours"] = hours

    response = client.post(change_url(event), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["development_hours"]
    event.refresh_from_db()
    assert event.development_hours is None


def test_database_refuses_zero_hours():
    event = EventFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(development_hours=0)
