"""The back office's yes-or-no filters (lef.admin.YesNoFilter): "yes" and "no" split the
rows in two, nothing chosen shows them all."""

import pytest
from django.contrib.admin import site
from django.test import RequestFactory
from django.utils import timezone

from events.admin import CheckedInFilter
from events.models import Registration
from knowledge.admin import HandledFilter, HiddenFilter
from knowledge.models import Result, ResultReport
from members.admin import OnboardedFilter
from members.models import User
from tests.events.factories import RegistrationFactory
from tests.factories import MemberFactory, UserFactory
from tests.knowledge.factories_library import ResultFactory

pytestmark = pytest.mark.django_db


def _split(filter_class, model, queryset, parameter):
    request = RequestFactory().get("/")
    shown = {}
    for value in ("yes", "no", None):
        params = {parameter: [value]} if value else {}
        chosen = filter_class(request, params, model, site._registry.get(model))
        shown[value] = set(chosen.queryset(request, queryset).values_list("pk", flat=True))
    return shown


def test_checked_in_splits_the_sign_ups():
    came = RegistrationFactory(checked_in_at=timezone.now())
    stayed_away = RegistrationFactory(checked_in_at=None)

    shown = _split(CheckedInFilter, Registration, Registration.objects.all(), "present")

    assert shown == {"yes": {came.pk}, "no": {stayed_away.pk}, None: {came.pk, stayed_away.pk}}


def test_onboarded_splits_the_members():
    onboarded = MemberFactory()
    new = UserFactory()

    shown = _split(
        OnboardedFilter, User, User.objects.filter(pk__in=[onboarded.pk, new.pk]), "onboarded"
    )

    assert (shown["yes"], shown["no"]) == ({onboarded.pk}, {new.pk})


def test_hidden_and_handled_split_results_and_reports():
    hidden = ResultFactory(hidden_at=timezone.now())
    shown_result = ResultFactory()
    handled = ResultReport.objects.create(
        result=shown_result, reason="Oud.", handled_at=timezone.now()
    )
    open_report = ResultReport.objects.create(result=shown_result, reason="Nieuw.")

    results = _split(HiddenFilter, Result, Result.objects.all(), "hidden")
    reports = _split(HandledFilter, ResultReport, ResultReport.objects.all(), "handled")

    assert (results["yes"], results["no"]) == ({hidden.pk}, {shown_result.pk})
    assert (reports["yes"], reports["no"]) == ({handled.pk}, {open_report.pk})
    request = RequestFactory().get("/")
    labels = HandledFilter(request, {}, ResultReport, None).lookups(request, None)
    assert [code for code, _label in labels] == ["no", "yes"]  # open reports first
