"""A member's record of growth (home.growth): the figures, the period, the page and its privacy."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import resolve, reverse
from django.utils import timezone, translation

from home.growth import Span, growth_record
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.home.growth_data import PERIOD, at, attended, make_dataset, on_team
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

SCHOOL_YEAR = Span(date(2025, 8, 1), date(2026, 7, 31))
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def data():
    return make_dataset()


# The figures --------------------------------------------------------------------------------


def test_record_counts_check_ins_in_the_period_and_sums_their_hours(data):
    record = growth_record(user=data.member, span=SCHOOL_YEAR)

    assert [m.title for m in record.meetups] == [
        "Rekenen po-vo",
        "Koffie met het mbo",
        "Lezen in de brugklas",
    ]
    assert [m.hours for m in record.meetups] == [Decimal("2.5"), None, Decimal("1.5")]
    assert record.total_hours == Decimal("4.0")
    assert record.meetups_without_hours == 1


def test_record_holds_the_projects_the_member_was_on_in_the_period_with_role_and_dates(data):
    record = growth_record(user=data.member, span=SCHOOL_YEAR)

    with translation.override("en"):
        assert [(p.title, p.role, p.joined, p.until) for p in record.projects] == [
            ("Lezen over de grens", "Team member", date(2024, 1, 10), date(2025, 9, 15)),
            ("Overstaplessen rekenen", "Lead", date(2025, 9, 1), None),
        ]


def test_record_holds_results_the_member_agreed_to_be_named_on_and_not_hidden(data):
    record = growth_record(user=data.member, span=SCHOOL_YEAR)

    assert [(r.title, r.project, r.published) for r in record.results] == [
        ("Overstaples breuken", "Overstaplessen rekenen", date(2026, 6, 1)),
    ]


def test_record_of_the_school_year_before_holds_what_happened_then(data):
    record = growth_record(user=data.member, span=Span(date(2024, 8, 1), date(2025, 7, 31)))

    assert [m.title for m in record.meetups] == ["Vorig schooljaar"]
    assert record.total_hours == Decimal(4)
    assert [p.title for p in record.projects] == ["Lezen over de grens", "Afgerond project"]
    assert [r.title for r in record.results] == ["Oud resultaat"]


def test_record_period_includes_its_last_day_and_not_the_day_after():
    member = MemberFactory()
    attended(member, day=date(2026, 7, 31), hours=Decimal(1), title="Laatste dag")
    attended(member, day=date(2026, 8, 1), hours=Decimal(1), title="Nieuw schooljaar")

    record = growth_record(user=member, span=SCHOOL_YEAR)

    assert [m.title for m in record.meetups] == ["Laatste dag"]


def test_record_of_a_project_completed_without_a_leaving_date_ends_with_the_project():
    member = MemberFactory()
    lead = MemberFactory()
    project = ProjectFactory(
        title="Klaar", lead=lead, status="completed", end_date=date(2026, 3, 1)
    )
    on_team(project, member, joined=date(2025, 9, 1))

    (part,) = growth_record(user=member, span=SCHOOL_YEAR).projects

    assert (part.title, part.until, part.project_closed) == ("Klaar", date(2026, 3, 1), True)


def test_school_year_runs_from_august_to_july():
    assert Span.school_year(date(2026, 12, 7)) == Span(date(2026, 8, 1), date(2027, 7, 31))
    assert Span.school_year(date(2026, 7, 31)) == Span(date(2025, 8, 1), date(2026, 7, 31))


# The page -----------------------------------------------------------------------------------


def test_page_asks_a_visitor_to_log_in(client):
    response = client.get(reverse("growth"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_page_shows_the_records_figures_for_the_chosen_period(client, data):
    client.force_login(data.member)

    response = client.get(reverse("growth"), PERIOD, headers=ENGLISH)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Rekenen po-vo" in html
    assert "Overstaples breuken" in html
    assert "Niet gekomen" not in html
    assert "Afgemeld" not in html
    assert '<td class="text-end fw-semibold">4.0</td>' in html
    assert "1 August 2025 to 31 July 2026" in html


def test_page_defaults_to_this_school_year(client, data):
    client.force_login(data.member)

    response = client.get(reverse("growth"), headers=ENGLISH)

    assert response.context["record"].span == Span.school_year(timezone.localdate())
    assert response.context["form"]["language"].value() == "nl"  # her preferred language


def test_page_with_nothing_in_the_period_says_what_to_do(client):
    client.force_login(MemberFactory())

    html = client.get(reverse("growth"), headers=ENGLISH).content.decode()

    assert "Nothing in this period yet." in html
    assert reverse("events:list") in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-08-01", "end": "2026-01-01"}, "The end date cannot be before"),
        ({"start": "1200-01-01", "end": "2026-01-01"}, "Choose a day between 2015 and 2100."),
        ({"start": "gisteren", "end": "2026-01-01"}, "Enter a valid date."),
        ({"language": "fr"}, "Select a valid choice."),
    ],
)
def test_page_refuses_a_wrong_choice_with_a_message(client, data, query, message):
    client.force_login(data.member)

    for name in ("growth", "growth_csv", "growth_pdf"):
        response = client.get(reverse(name), query, headers=ENGLISH)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "Rekenen po-vo" not in response.content.decode()


def test_page_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    member = MemberFactory()
    client.force_login(member)
    day = date(2026, 3, 1)
    attended(member, day=day, hours=Decimal(1), title="Een")
    client.get(reverse("growth"), PERIOD)  # warm up: session, site, content types

    # session, user, the three sections, the layout's profile
    with django_assert_num_queries(6) as one:
        client.get(reverse("growth"), PERIOD)
    for number in range(3):
        attended(member, day=day, hours=Decimal(1), title=f"Meer {number}")
    lead = MemberFactory()
    on_team(ProjectFactory(lead=lead), member, joined=day)
    on_team(ProjectFactory(lead=lead), member, joined=day)
    with django_assert_num_queries(len(one)):
        response = client.get(reverse("growth"), PERIOD)

    assert len(response.context["record"].meetups) == 4
    assert len(response.context["record"].projects) == 2


# Privacy ------------------------------------------------------------------------------------


def test_no_address_of_the_record_names_a_member():
    for name in ("growth", "growth_csv", "growth_pdf"):
        match = resolve(reverse(name))
        assert "<" not in match.route
        assert match.kwargs == {}


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_another_member_or_a_coordinator_sees_only_their_own_record(client, data, who):
    viewer = data.other if who == "member" else CoordinatorFactory()
    client.force_login(viewer)
    hostile = {**PERIOD, "member": data.member.pk, "user": data.member.pk}

    for name in ("growth", "growth_csv"):
        response = client.get(reverse(name), hostile)
        text = b"".join(response.streaming_content if response.streaming else [response.content])
        assert response.status_code == 200
        assert "Lezen in de brugklas" not in text.decode("utf-8-sig")
        assert "Overstaples breuken" not in text.decode("utf-8-sig")

    record = client.get(reverse("growth"), hostile).context["record"]
    assert record.name == viewer.name


def test_someone_elses_check_in_at_the_same_meetup_is_not_in_the_record(data):
    meetup = EventFactory(starts_at=at(date(2026, 1, 5)), ends_at=at(date(2026, 1, 5), 17))
    RegistrationFactory(event=meetup, member=data.other, checked_in_at=at(date(2026, 1, 5)))

    titles = [m.title for m in growth_record(user=data.member, span=SCHOOL_YEAR).meetups]

    assert meetup.title not in titles
