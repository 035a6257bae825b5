"""One pagination for every list (lef.pagination): the page Paginator.get_page gives.

A page number that is not a whole number is the first page; one below 1 or past
the end is the last. A huge number is past the end too: before the one helper it
reached PostgreSQL as an OFFSET and answered 500 ("bigint out of range").
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from lef.pagination import page_of, read_page
from members.models import Profile
from spaces.timeslots import LOCAL
from tests.events.factories import EventFactory
from tests.factories import MemberFactory, OrganisationFactory
from tests.projects.factories import ProjectFactory, add_member, post
from tests.spaces.factories import BookingFactory, ResourceFactory

HUGE = "99999999999999999999"  # past PostgreSQL's bigint (9223372036854775807)
BIGINT = "9223372036854775807"

# (page asked for, page given) for a list of 3 rows, 2 to a page.
NUMBERS = [
    (None, 1),
    ("1", 1),
    ("2", 2),
    ("3", 2),
    (HUGE, 2),
    (BIGINT, 2),
    ("0", 2),
    ("-1", 2),
    ("abc", 1),
    ("1.5", 1),
    ("", 1),
]


# The helper -----------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "shown"), NUMBERS)
def test_page_of_a_list_is_the_page_get_page_gives(number, shown):
    page = page_of(["a", "b", "c"], number=number, per_page=2)

    assert (page.number, page.paginator.num_pages, list(page)) == (
        shown,
        2,
        ["a", "b"] if shown == 1 else ["c"],
    )


class Rows:
    """Sliceable rows of a known count that remember the windows read from them."""

    def __init__(self, rows):
        self.rows = rows
        self.windows = []

    def __getitem__(self, window: slice):
        self.windows.append((window.start, window.stop))
        return self.rows[window]


@pytest.mark.parametrize(("number", "shown"), NUMBERS)
def test_page_of_rows_with_a_known_count_reads_one_window_in_range(number, shown):
    rows = Rows(["a", "b", "c"])

    page = page_of(rows, number=number, per_page=2, count=3)

    assert (page.number, list(page), rows.windows) == (
        shown,
        ["a", "b"] if shown == 1 else ["c"],
        [(0, 2)] if shown == 1 else [(2, 3)],
    )


def reader(rows, *, total_when_empty=False):
    """A read(offset, limit) that tells the total with its rows, and logs its offsets."""
    offsets = []

    def read(offset, limit):
        offsets.append(offset)
        window = rows[offset : offset + limit]
        total = len(rows) if window or total_when_empty else None
        return window, total

    return read, offsets


@pytest.mark.parametrize(("number", "shown"), NUMBERS)
def test_read_page_is_the_page_get_page_gives(number, shown):
    read, _ = reader(["a", "b", "c"])

    page = read_page(read, number=number, per_page=2)

    assert (page.number, page.paginator.count, list(page)) == (
        shown,
        3,
        ["a", "b"] if shown == 1 else ["c"],
    )


@pytest.mark.parametrize(
    ("number", "offsets"),
    [
        ("1", [0]),  # in range: one read, the total rides along
        ("2", [2]),
        ("abc", [0]),
        ("5", [8, 0, 2]),  # past the end: nothing there, the total from the first page
        (HUGE, [0, 2]),  # no read at an offset PostgreSQL cannot take
        ("0", [0, 2]),
    ],
)
def test_read_page_reads_the_asked_window_first_and_never_past_bigint(number, offsets):
    read, read_at = reader(["a", "b", "c"])

    read_page(read, number=number, per_page=2)

    assert read_at == offsets


def test_read_page_trusts_a_total_given_without_rows():
    read, read_at = reader(["a", "b", "c"], total_when_empty=True)

    page = read_page(read, number="5", per_page=2)

    assert (page.number, list(page), read_at) == (2, ["c"], [8, 2])


@pytest.mark.parametrize("number", [None, "1", "4", HUGE, "0", "abc"])
def test_read_page_of_nothing_is_one_empty_page(number):
    read, read_at = reader([])

    page = read_page(read, number=number, per_page=2)

    assert (page.number, page.paginator.num_pages, list(page), len(read_at)) == (
        1,
        1,
        [],
        1 if number in {None, "1", HUGE, "0", "abc"} else 2,
    )


# Every list on the site -----------------------------------------------------------------


def day_at(days: int, hour: int = 9) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour), tzinfo=LOCAL)


def coming_events(client, monkeypatch):
    monkeypatch.setattr("events.views.EVENTS_PER_PAGE", 2)
    for days in (3, 4, 5):
        EventFactory(starts_at=day_at(days), ends_at=day_at(days, 11))
    return "/events/", {}


def past_events(client, monkeypatch):
    monkeypatch.setattr("events.views.EVENTS_PER_PAGE", 2)
    for days in (3, 4, 5):
        EventFactory(starts_at=day_at(-days), ends_at=day_at(-days, 11))
    return "/events/", {"when": "past"}


def spaces(client, monkeypatch):
    monkeypatch.setattr("spaces.views.RESOURCES_PER_PAGE", 2)
    for _ in range(3):
        ResourceFactory()
    return "/spaces/", {}


def past_bookings(client, monkeypatch):
    monkeypatch.setattr("spaces.views.PAST_PER_PAGE", 2)
    member = MemberFactory()
    resource = ResourceFactory()
    for days in (3, 4, 5):
        BookingFactory(
            booker=member, resource=resource, start=day_at(-days), end=day_at(-days, 10)
        )
    client.force_login(member)
    return "/spaces/bookings/", {}


def projects(client, monkeypatch):
    monkeypatch.setattr("projects.views.PROJECTS_PER_PAGE", 2)
    for _ in range(3):
        ProjectFactory()
    return "/projects/", {}


def project_team(client, monkeypatch):
    monkeypatch.setattr("projects.views.TEAM_PER_PAGE", 2)
    project = ProjectFactory()
    for _ in range(2):
        add_member(project, MemberFactory())
    client.force_login(project.created_by)
    return f"{project.get_absolute_url()}team/", {}


def project_updates(client, monkeypatch):
    monkeypatch.setattr("projects.views.UPDATES_PER_PAGE", 2)
    project = ProjectFactory()
    for n in range(3):
        post(project, project.created_by, f"Update {n}")
    return f"{project.get_absolute_url()}updates/", {}


def members(client, monkeypatch):
    monkeypatch.setattr("members.views.directory.MEMBERS_PER_PAGE", 2)
    for _ in range(3):
        MemberFactory(profile__visibility=Profile.Visibility.PUBLIC)
    return "/members/", {}


def organisations(client, monkeypatch):
    monkeypatch.setattr("members.views.organisations.ORGANISATIONS_PER_PAGE", 2)
    for _ in range(3):
        OrganisationFactory()
    return "/organisations/", {}


def organisation_members(client, monkeypatch):
    monkeypatch.setattr("members.views.organisations.MEMBERS_PER_PAGE", 2)
    organisation = OrganisationFactory()
    for _ in range(3):
        MemberFactory(
            profile__organisation=organisation, profile__visibility=Profile.Visibility.PUBLIC
        )
    return f"/organisations/{organisation.slug}/", {}


LISTS = [
    coming_events,
    past_events,
    spaces,
    past_bookings,
    projects,
    project_team,
    project_updates,
    members,
    organisations,
    organisation_members,
]


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "shown"), NUMBERS)
@pytest.mark.parametrize("arrange", LISTS, ids=lambda arrange: arrange.__name__)
def test_every_list_gives_the_page_get_page_gives(client, monkeypatch, arrange, number, shown):
    url, params = arrange(client, monkeypatch)
    if number is not None:
        params["page"] = number

    response = client.get(url, params)

    page = response.context["page_obj"]
    assert (response.status_code, page.number, page.paginator.num_pages, len(page)) == (
        200,
        shown,
        2,
        2 if shown == 1 else 1,
    )
