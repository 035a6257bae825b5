"""The admin is the coordinators' back office, branded for 't LEF in both languages."""

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin
from django.db import models

from lef.admin import SafeAutocompleteSelect, SafeAutocompleteSelectMultiple
from tests.factories import UserFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "header"), [("nl", "'t LEF beheer"), ("en", "'t LEF back office")]
)
def test_admin_index_is_branded_in_the_visitors_language(client, language, header):
    client.force_login(CoordinatorFactory())

    response = client.get("/admin/", headers={"accept-language": language})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/admin/">{header}</a>' in html.replace("&#x27;", "'")
    assert "Leids Education Fieldlab" in html


def test_admin_sends_visitors_to_its_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


# Choices posted by hand ----------------------------------------------------------------


def test_every_autocomplete_in_the_admin_takes_a_value_that_is_no_id_as_a_form_error(rf):
    """Django's autocomplete widgets look a posted value up to show it again, and a
    value that is no id (``organisers=abc``) made that a 500; lef.admin's safe
    widgets, single and multiple choice, skip it. Every admin form uses them."""
    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    found, bare = [], []
    for model, model_admin in admin.site._registry.items():
        # Only autocomplete_fields get these widgets (and read-only admins have no form).
        forms = [(model, model_admin.get_form)] if model_admin.autocomplete_fields else []
        forms += [
            (inline.model, lambda request, inline=inline: inline.get_formset(request).form)
            for inline in model_admin.get_inline_instances(request)
            if inline.autocomplete_fields
        ]
        for form_model, get_form in forms:
            form = get_form(request)
            for name, field in form.base_fields.items():
                widget = getattr(field.widget, "widget", field.widget)  # the admin's wrapper
                if isinstance(widget, AutocompleteMixin):
                    where = f"{form_model._meta.label}.{name}"
                    found.append(where)
                    safe = (SafeAutocompleteSelect, SafeAutocompleteSelectMultiple)
                    if not isinstance(widget, safe):
                        bare.append(where)

    assert "events.Event.organisers" in found  # many-to-many
    assert "events.Event.venue" in found  # a foreign key
    assert bare == []


# Date filters at the edge of the calendar -------------------------------------------


def _date_filter_urls() -> list[tuple[str, str]]:
    """(changelist url, date field) for every date hierarchy and date list filter."""
    found = []
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        fields = {model_admin.date_hierarchy} if model_admin.date_hierarchy else set()
        for entry in model_admin.list_filter:
            name = entry[0] if isinstance(entry, tuple) else entry
            if isinstance(name, str) and "__" not in name:
                field = model._meta.get_field(name)
                if isinstance(field, models.DateField):
                    fields.add(name)
        found += [(url, field) for field in sorted(fields)]
    # Not a list filter, but any date field takes lookups from the query string.
    found.append(("/admin/members/user/", "date_joined"))
    return sorted(set(found))


EDGE_DATES = [
    {"__year": "9999"},
    {"__year": "9999", "__month": "12"},
    {"__year": "9999", "__month": "12", "__day": "31"},
    {"__year": "1"},
    {"__year": "0"},
    {"__year": "99999"},
    {"__year__gte": "0"},
    {"__gte": "10000-01-01"},
    {"__year": "2026", "__month": "13"},
    {"__day": "x"},
]


@pytest.mark.parametrize(("url", "field"), _date_filter_urls())
@pytest.mark.parametrize("edge", EDGE_DATES, ids=lambda edge: "&".join(edge.values()))
def test_admin_date_filters_at_the_calendars_edge_are_not_a_500(admin_client, url, field, edge):
    params = {f"{field}{suffix}": value for suffix, value in edge.items()}

    response = admin_client.get(url, params, follow=True)

    # A filter Django cannot apply sends the coordinator to the unfiltered list ("?e=1").
    assert response.status_code == 200
