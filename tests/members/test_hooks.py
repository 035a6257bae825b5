"""Organisations waiting for approval on the coordinators' today (the admin index)."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from lef.hooks import TodayLine, TodayList
from lef.templatetags.lef_tags import short_day
from members import hooks
from tests.factories import MemberFactory, OrganisationFactory
from tests.members.factories_coordination import ProposedOrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/members/organisation/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_today_names_the_proposed_organisations_oldest_first_and_counts_them(
    django_assert_num_queries,
):
    anna = MemberFactory(name="Anna de Vries")
    first = ProposedOrganisationFactory(name="Nieuwe Basisschool", proposed_by=anna)
    second = ProposedOrganisationFactory(name="Leerlab", kind="startup")
    OrganisationFactory(name="Al goedgekeurd")

    with django_assert_num_queries(1):
        lists = hooks.coordinator_today(timezone.now())

    assert lists == [
        TodayList(
            heading="Organisations to approve",
            lines=(
                TodayLine(
                    title="Nieuwe Basisschool",
                    url=reverse("admin:members_organisation_change", args=[first.pk]),
                    detail=f"School, proposed by Anna de Vries, {short_day(first.created_at)}",
                    tone="action",
                ),
                TodayLine(
                    title="Leerlab",
                    url=reverse("admin:members_organisation_change", args=[second.pk]),
                    detail=f"Education start-up or initiative, {short_day(second.created_at)}",
                    tone="action",
                ),
            ),
            empty="No proposed organisations.",
            more_url=f"{CHANGELIST}?status__exact=proposed",
            more_label="2 organisations are waiting for approval.",
        )
    ]


def test_today_names_five_and_counts_them_all(django_assert_num_queries):
    proposals = [ProposedOrganisationFactory() for _ in range(7)]

    with django_assert_num_queries(1):
        (found,) = hooks.coordinator_today(timezone.now())

    assert [line.title for line in found.lines] == [p.name for p in proposals[:5]]
    assert found.more_label == "7 organisations are waiting for approval."


def test_today_says_so_when_no_organisation_waits():
    OrganisationFactory()

    (found,) = hooks.coordinator_today(timezone.now())

    assert (found.lines, found.empty, found.more_url, found.more_label) == (
        (),
        "No proposed organisations.",
        "",
        "",
    )
