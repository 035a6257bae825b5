"""The dashboard's figures (dashboard/figures.py) on a small dataset counted by hand.

School year 2025-2026 (the period) and 2024-2025 (the year before):

* po: Anna and Bram; vo: Vera; mbo: Mo; ho: Hanna, who deleted her account
  later (her sector still counts); vo: Eva, on the team in March only;
* a staff member and a test account take part too, and are left out;
* meetup M1 (October, door used): Anna, Bram, Vera checked in, a guest (other)
  walked in, Mo did not come; Eva's sign-up was cancelled;
* meetup M2 (November, nobody checked in): Vera, Mo (given a place from the
  waiting list), Hanna confirmed; Anna still waiting;
* meetup M3 (November) was cancelled; M5 (February): Anna and Bram checked in;
* project P1 (mbo-ho): Mo and Hanna all year, Eva in March; P2 (po-vo): Vera,
  January and February (its end date);
* the year before: meetup M4 (October 2024) with Anna and Mo checked in, and
  Frank on P1 until June 2025.
"""

import csv
import io
from datetime import date, datetime, time

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dashboard import figures
from dashboard.exports import figure_rows
from dashboard.figures import Figure, dashboard_figures, figure, suppress_small
from dashboard.periods import Period
from events.models import Event, Registration
from lef.demo_accounts import TEST_ACCOUNTS_GROUP
from members.models import Organisation, User
from members.privacy import delete_account
from projects.models import Membership, Project
from spaces.models import Booking, Closure
from tests.events.factories import EventFactory
from tests.factories import MemberFactory, UserFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.spaces.factories import ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

YEAR = Period.school_year(date(2025, 9, 1))
PO, VO, MBO, HO, OTHER = ("po", "vo", "mbo", "ho", "other")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A browser that asks for English: these tests assert the source strings."""
    return Client(headers={"accept-language": "en"})


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def member(username: str, sector: str, joined: date) -> User:
    user = MemberFactory(username=username, profile__primary_sector=sector)
    User.objects.filter(pk=user.pk).update(date_joined=at(joined))
    return user


def meetup(slug: str, day: date, *, transitions=(), status=Event.Status.PUBLISHED) -> Event:
    return EventFactory(
        title=slug,
        slug=slug,
        starts_at=at(day, 15),
        ends_at=at(day, 17),
        status=status,
        target_transitions=list(transitions),
    )


def sign_up(event, person, *, sector=None, checked_in=False, **extra) -> Registration:
    signed = event.starts_at.replace(day=1)
    values = {
        "sector": sector or person.profile.primary_sector,
        "status": Registration.Status.CONFIRMED,
        "created_at": signed,
        "confirmed_at": signed,
        "checked_in_at": event.starts_at if checked_in else None,
    }
    return Registration.objects.create(event=event, member=person, **values | extra)


def team(project, person, since: date, until: date | None = None, sector=None) -> Membership:
    return Membership.objects.create(
        project=project,
        member=person,
        status=Membership.Status.LEFT if until else Membership.Status.ACTIVE,
        created_at=at(since, 0),
        joined_at=at(since, 0),
        ended_at=at(until, 0) if until else None,
        sector=sector or person.profile.primary_sector,
    )


def project(slug: str, transitions, end_date=None) -> Project:
    return Project.objects.create(
        title=slug, slug=slug, summary="", transitions=transitions, end_date=end_date
    )


@pytest.fixture
def people():
    staff = UserFactory(username="staff", is_staff=True)
    User.objects.filter(pk=staff.pk).update(date_joined=at(date(2025, 9, 15)))
    tester = member("tester", "other", date(2025, 9, 15))
    tester.groups.add(Group.objects.get_or_create(name=TEST_ACCOUNTS_GROUP)[0])
    return {
        "anna": member("anna", "po", date(2025, 9, 10)),
        "bram": member("bram", "po", date(2025, 9, 20)),
        "vera": member("vera", "vo", date(2025, 10, 5)),
        "mo": member("mo", "mbo", date(2024, 11, 1)),
        "hanna": member("hanna", "ho", date(2025, 10, 6)),
        "eva": member("eva", "vo", date(2026, 3, 1)),
        "frank": member("frank", "mbo", date(2024, 1, 1)),
        "staff": staff,
        "tester": tester,
    }


@pytest.fixture
def activity(people):
    p = people
    m1 = meetup("m1", date(2025, 10, 15), transitions=["po-vo"])
    for name in ("anna", "bram", "vera"):
        sign_up(m1, p[name], checked_in=True)
    sign_up(m1, p["mo"])  # did not come
    sign_up(m1, p["staff"], sector="other", checked_in=True)
    sign_up(m1, p["eva"], status=Registration.Status.CANCELLED, cancelled_at=at(date(2025, 10, 2)))
    Registration.objects.create(
        event=m1,
        guest_name="Gast",
        sector="other",
        status=Registration.Status.CONFIRMED,
        walk_in=True,
        created_at=m1.starts_at,
        confirmed_at=m1.starts_at,
        checked_in_at=m1.starts_at,
    )

    m2 = meetup("m2", date(2025, 11, 20), transitions=["vo-mbo"])
    sign_up(m2, p["vera"])
    sign_up(m2, p["mo"], confirmed_at=at(date(2025, 11, 3)))  # from the waiting list
    sign_up(m2, p["hanna"])
    sign_up(m2, p["tester"])
    sign_up(m2, p["anna"], status=Registration.Status.WAITING, confirmed_at=None,
            waiting_reason=Registration.WaitingReason.FULL)  # fmt: skip

    m3 = meetup("m3", date(2025, 11, 25), transitions=["mbo-ho"], status=Event.Status.CANCELLED)
    sign_up(m3, p["anna"])
    sign_up(m3, p["vera"])

    m5 = meetup("m5", date(2026, 2, 10))
    sign_up(m5, p["anna"], checked_in=True)
    sign_up(m5, p["bram"], checked_in=True)

    m4 = meetup("m4", date(2024, 10, 10), transitions=["vo-ho"])
    sign_up(m4, p["anna"], checked_in=True)
    sign_up(m4, p["mo"], checked_in=True)

    p1 = project("p1", ["mbo-ho"])
    team(p1, p["frank"], date(2024, 1, 1), date(2025, 6, 1))
    team(p1, p["mo"], date(2025, 9, 1))
    team(p1, p["hanna"], date(2025, 9, 1))
    team(p1, p["eva"], date(2026, 3, 1), date(2026, 3, 31))
    team(p1, p["staff"], date(2025, 9, 1), sector="other")
    p2 = project("p2", ["po-vo"], end_date=date(2026, 2, 28))
    team(p2, p["vera"], date(2026, 1, 15))

    delete_account(user=p["hanna"])
    return p


def nonzero(rows, value=-1) -> dict:
    """The rows with a count other than 0 (in column ``value``), keyed by the labels."""
    return {row[:value] if value == -1 else row[:2]: row[value] for row in rows if row[value]}


# Sector meeting matrix ------------------------------------------------------------------


def test_sector_matrix_counts_distinct_pairs_at_meetups_and_on_teams(activity):
    found = figure("sector_matrix", YEAR)

    assert len(found.rows) == 25
    assert nonzero(found.rows) == {
        (PO, PO): 1,  # Anna and Bram, at M1 and M5: one pair
        (PO, VO): 2,  # Anna-Vera, Bram-Vera (M1); Anna waited at M2
        (VO, PO): 2,
        (PO, OTHER): 2,  # Anna and Bram with the guest; not with the staff member
        (OTHER, PO): 2,
        (VO, OTHER): 1,
        (OTHER, VO): 1,
        (VO, MBO): 2,  # Vera-Mo (M2), Eva-Mo (P1, March)
        (MBO, VO): 2,
        (VO, HO): 2,  # Vera-Hanna (M2), Eva-Hanna (P1): Hanna's deleted account counts
        (HO, VO): 2,
        (MBO, HO): 1,  # Mo and Hanna, at M2 and on P1: one pair
        (HO, MBO): 1,
    }


def test_sector_matrix_of_the_year_before(activity):
    found = figure("sector_matrix", YEAR)

    # M4: Anna and Mo. Frank was on P1 alone.
    assert nonzero(found.previous) == {(PO, MBO): 1, (MBO, PO): 1}


def test_team_places_that_did_not_overlap_make_no_pair(people):
    p1 = project("p1", [])
    team(p1, people["anna"], date(2025, 9, 1), date(2025, 10, 1))
    team(p1, people["vera"], date(2025, 10, 1))

    assert nonzero(figure("sector_matrix", YEAR).rows) == {}


# Cross-sector share ---------------------------------------------------------------------


def test_cross_sector_share_per_month(activity):
    rows = {(month, kind): rest for month, kind, *rest in figure("cross_sector_share", YEAR).rows}

    assert len(rows) == 24  # 12 months, meetups and projects
    assert rows["2025-10", "Meetups"] == [1, 1, 100.0]
    assert rows["2025-11", "Meetups"] == [1, 1, 100.0]  # M3 was cancelled
    assert rows["2026-02", "Meetups"] == [0, 1, 0.0]  # only po
    assert rows["2025-12", "Meetups"] == [0, 0, None]
    assert rows["2025-08", "Projects"] == [0, 0, None]
    assert rows["2025-09", "Projects"] == [1, 1, 100.0]
    assert rows["2026-01", "Projects"] == [1, 2, 50.0]  # P2 has only Vera
    assert rows["2026-02", "Projects"] == [1, 2, 50.0]
    assert rows["2026-03", "Projects"] == [1, 1, 100.0]  # P2 ended in February


def test_cross_sector_share_of_the_year_before(activity):
    previous = {(m, k): rest for m, k, *rest in figure("cross_sector_share", YEAR).previous}

    assert previous["2024-10", "Meetups"] == [1, 1, 100.0]
    assert previous["2024-10", "Projects"] == [0, 1, 0.0]  # Frank alone
    assert previous["2025-06", "Projects"] == [0, 0, None]  # he left on 1 June


# Participants and new members -----------------------------------------------------------


def test_participants_per_sector_per_month(activity):
    found = figure("participants_per_sector", YEAR)

    assert len(found.rows) == 60
    per_month = nonzero(found.rows)
    assert {key: n for key, n in per_month.items() if key[0] in {"2025-10", "2026-03"}} == {
        ("2025-10", PO): 2,
        ("2025-10", VO): 1,
        ("2025-10", MBO): 1,  # on P1 (he did not come to M1)
        ("2025-10", HO): 1,
        ("2025-10", OTHER): 1,  # the guest, not the staff member
        ("2026-03", VO): 1,  # Eva on P1
        ("2026-03", MBO): 1,
        ("2026-03", HO): 1,
    }
    assert per_month[("2025-11", VO)] == 1  # Vera; Anna only waited
    assert ("2025-08", MBO) not in per_month


def test_a_team_place_counts_until_today_not_in_the_months_still_to_come(people):
    today = timezone.localdate()
    this_year = Period.school_year(today)
    ongoing = project("ongoing", [])
    team(ongoing, people["anna"], this_year.start)
    team(ongoing, people["vera"], this_year.start)

    per_month = nonzero(figure("participants_per_sector", this_year).rows)
    next_year = figure("sector_matrix", Period.school_year(this_year.end))

    this_month = f"{today:%Y-%m}"
    assert per_month[(this_month, PO)] == 1
    assert all(month <= this_month for month, _sector in per_month)
    assert nonzero(next_year.rows) == {}


def test_new_members_per_sector_per_month(activity):
    found = figure("new_members", YEAR)

    assert nonzero(found.rows) == {
        ("2025-09", PO): 2,  # the staff member and the test account are left out
        ("2025-10", VO): 1,
        ("2025-10", HO): 1,  # Hanna's account is deleted, her sector stays
        ("2026-03", VO): 1,
    }
    assert nonzero(found.previous) == {("2024-11", MBO): 1}


# Transitions and meetups ----------------------------------------------------------------


def test_transitions_count_meetups_held_and_projects_with_a_team(activity):
    found = figure("transitions", YEAR)

    assert found.rows == (
        ("Primary to secondary (po-vo)", "Meetups", 1),
        ("Primary to secondary (po-vo)", "Projects", 1),
        ("Secondary to vocational (vo-mbo)", "Meetups", 1),
        ("Secondary to vocational (vo-mbo)", "Projects", 0),
        ("Secondary to higher (vo-ho)", "Meetups", 0),
        ("Secondary to higher (vo-ho)", "Projects", 0),
        ("Vocational to higher (mbo-ho)", "Meetups", 0),  # M3 was cancelled
        ("Vocational to higher (mbo-ho)", "Projects", 1),
    )
    assert nonzero(found.previous) == {
        ("Secondary to higher (vo-ho)", "Meetups"): 1,
        ("Vocational to higher (mbo-ho)", "Projects"): 1,
    }


def test_event_attendance_per_month(activity):
    found = figure("event_attendance", YEAR)
    rows = {row[0]: row[1:] for row in found.rows}

    assert len(rows) == 12
    # M1: Anna, Bram, Vera, Mo signed up (not the staff member, not Eva who
    # cancelled); three of them and the guest came; Mo is the one no-show.
    assert rows["2025-10"] == (1, 4, 4, 25.0)
    # M2: nobody checked in, so the confirmed came; no no-show rate without a door.
    assert rows["2025-11"] == (1, 3, 3, None)
    assert rows["2026-02"] == (1, 2, 2, 0.0)
    assert rows["2025-12"] == (0, 0, 0, None)
    assert {row[0]: row[1:] for row in found.previous}["2024-10"] == (1, 2, 2, 0.0)


def test_waiting_list_pressure_per_month(activity):
    rows = {row[0]: row[1:] for row in figure("waiting_list", YEAR).rows}

    assert rows["2025-10"] == (1, 0, 0.0, 0)  # Eva's cancelled place was never a wait
    assert rows["2025-11"] == (1, 1, 100.0, 2)  # Anna waits, Mo waited
    assert rows["2026-02"] == (1, 0, 0.0, 0)
    assert rows["2025-12"] == (0, 0, None, 0)


# Spaces -----------------------------------------------------------------------------------

MARCH = Period.month(date(2026, 3, 1))


@pytest.fixture
def bookings(people):
    # Open on weekdays 09:00-17:00: 22 weekdays in March 2026, less a closure
    # day and a 4-hour block, is 164 bookable hours.
    space = SpaceFactory(name="PLNT", hours=[(day, time(9), time(17)) for day in range(5)])
    desk = ResourceFactory(space=space, name="Desk 1")
    Closure.objects.create(space=space, date=date(2026, 3, 9), reason="Studiedag")
    startup = Organisation.objects.create(
        name="Leeslab", slug="leeslab", kind=Organisation.Kind.STARTUP
    )

    def book(day, start, end, by, **extra):
        return Booking.objects.create(
            resource=desk,
            booker=people[by],
            start=at(day, *start),
            end=at(day, *end),
            status=extra.pop("status", Booking.Status.CONFIRMED),
            **extra,
        )

    book(date(2026, 3, 10), (9, 0), (13, 0), "staff", kind=Booking.Kind.BLOCK)
    book(date(2026, 3, 2), (9, 30), (11, 0), "anna", checked_in_at=at(date(2026, 3, 2), 9, 35))
    book(date(2026, 3, 3), (10, 0), (12, 0), "vera", organisation=startup)
    book(date(2026, 3, 4), (10, 0), (12, 0), "staff")
    book(date(2026, 3, 5), (10, 0), (12, 0), "anna", status=Booking.Status.CANCELLED)
    book(date(2026, 3, 6), (14, 0), (15, 0), "vera", organisation=startup,
         status=Booking.Status.RELEASED)  # fmt: skip
    return desk


def test_space_occupancy_per_resource(bookings):
    found = figure("space_occupancy", MARCH)

    # 3.5 booked hours (Anna's 1.5, Vera's 2) of 164: 2.1 %; Anna's were used.
    assert found.rows == (("Desk 1 (PLNT)", 164.0, 3.5, 1.5, 2.1),)
    # March 2025 had 21 weekdays and no bookings.
    assert found.previous == (("Desk 1 (PLNT)", 168.0, 0.0, 0.0, 0.0),)


def test_space_heatmap_by_weekday_and_hour(bookings):
    found = figure("space_heatmap", MARCH)

    assert len(found.rows) == 7 * 3  # every weekday, 09:00 to 11:00
    assert {row[:2]: row[2:] for row in found.rows if row[2]} == {
        ("Monday", "09:00"): (0.5, 0.5, 100.0),
        ("Monday", "10:00"): (1.0, 1.0, 100.0),
        ("Tuesday", "10:00"): (1.0, 0.0, 0.0),
        ("Tuesday", "11:00"): (1.0, 0.0, 0.0),
    }
    assert found.previous == ()


def test_bookings_per_organisation(bookings):
    found = figure("bookings_per_organisation", MARCH)

    # The released booking was made (nobody came); the cancelled one is not counted.
    assert found.rows == (("Leeslab", 2, 3.0),)
    assert found.previous == ()


# The whole dashboard, suppression and CSV -----------------------------------------------


def test_dashboard_figures_take_one_query_each_whatever_the_data(
    activity, bookings, django_assert_num_queries
):
    with django_assert_num_queries(len(figures.KEYS)):
        found = dashboard_figures(YEAR)

    assert [f.key for f in found] == list(figures.KEYS)
    assert len(figures.KEYS) == 10
    for each in found:
        assert {each.x, each.y, each.series} - {None} <= set(each.columns), each.key


def test_dashboard_figures_on_an_empty_database(django_assert_num_queries):
    with django_assert_num_queries(len(figures.KEYS)):
        found = dashboard_figures(Period.month(date(2026, 3, 1)))

    assert {f.key: len(f.rows) for f in found}["sector_matrix"] == 25
    assert all(row[2] == 0 for row in found[0].rows)


def test_suppress_small_hides_counts_from_one_to_four():
    found = Figure(
        key="x",
        title="X",
        definition="",
        columns=("Month", "A", "B", "C", "D", "Share"),
        rows=(("2025-10", 0, 1, 4, 5, 2.5),),
        previous=(("2024-10", 3, 12, 0, 4, None),),
        chart="bars",
        x="Month",
        y="A",
    )

    hidden = suppress_small(found)

    assert hidden.rows == (("2025-10", 0, "< 5", "< 5", 5, 2.5),)
    assert hidden.previous == (("2024-10", "< 5", 12, 0, "< 5", None),)


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=","))


def test_csv_holds_the_figure_s_rows_for_the_period_and_the_year_before(activity, client):
    client.force_login(CoordinatorFactory())
    url = reverse("dashboard:csv", args=["event_attendance"])

    response = client.get(url, {"period": "school_year", "start": "2025-09-01"})

    found = figure("event_attendance", YEAR)
    expected = [
        [str(cell) if cell is not None else "" for cell in row] for row in figure_rows(found, YEAR)
    ]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _csv(response) == expected
    assert expected[0] == ["Period", "Month", "Meetups", "Sign-ups", "Came", "No-show (%)"]
    assert ["school year 2025–2026", "2025-10", "1", "4", "4", "25.0"] in expected  # noqa: RUF001
    assert len(expected) == 1 + 12 + 12


def test_partner_csv_shows_small_counts_as_less_than_five(activity, client):
    client.force_login(CoordinatorFactory())
    url = reverse("dashboard:report_csv", args=["event_attendance"])

    rows = _csv(client.get(url, {"period": "school_year", "start": "2025-09-01"}))

    assert ["school year 2025–2026", "2025-10", "< 5", "< 5", "< 5", "25.0"] in rows  # noqa: RUF001


def test_csv_in_dutch_is_separated_by_semicolons(activity, client):
    client.force_login(CoordinatorFactory())
    url = reverse("dashboard:csv", args=["new_members"])

    response = client.get(
        url, {"period": "school_year", "start": "2025-09-01"}, headers={"accept-language": "nl"}
    )

    first = b"".join(response.streaming_content).decode("utf-8").splitlines()[0]
    assert first.count(";") == 3


@pytest.mark.parametrize(("user", "status"), [(None, 302), ("member", 403), ("other", 404)])
def test_csv_is_for_coordinators(client, user, status):
    url = reverse("dashboard:csv", args=["new_members"])
    if user == "member":
        client.force_login(MemberFactory())
    elif user == "other":
        client.force_login(CoordinatorFactory())
        url = reverse("dashboard:csv", args=["no_such_figure"])

    assert client.get(url).status_code == status
