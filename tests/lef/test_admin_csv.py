"""CSV exports open in a spreadsheet as columns, in the coordinator's language."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import translation

from lef.admin import csv_response

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "delimiter"), [("nl", ";"), ("en", ",")])
def test_csv_opens_as_columns_in_the_languages_excel(language, delimiter):
    with translation.override(language):
        response = csv_response([["name", "sector"], ["Sanne", "po; vo"]], filename="test")
        content = b"".join(response.streaming_content).decode("utf-8")

    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=delimiter))
    assert rows == [["name", "sector"], ["Sanne", "po; vo"]]


def test_dutch_booking_export_is_semicolon_separated_with_a_byte_order_mark(client, admin_world):
    response = client.post(
        "/admin/spaces/booking/",
        {"action": "export_csv", ACTION_CHECKBOX_NAME: [admin_world.booking.pk]},
        headers={"accept-language": "nl"},
    )

    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    header, row = csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";")
    assert len(header) == len(row) == 13
    assert row[1:4] == [admin_world.resource.name, "2031-03-17 09:00", "2031-03-17 10:00"]
