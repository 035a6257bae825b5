"""Deactivating and deleting a member in the admin: one service, the site's rules and mail.

Each path is driven as a coordinator (or superuser) uses it, with real admin
POSTs; then the test looks at what the site shows (the meetup's places, the
booking grid, the project's team) and at who was mailed.
"""

from datetime import datetime, time, timedelta

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from events.services import register_for_event
from lef.errors import Busy
from members.admin import UserAdmin
from members.models import User
from members.services import DeactivationNotAllowedError, deactivate_member
from projects.models import Membership
from spaces.models import Booking
from spaces.timeslots import LOCAL
from tests.events.factories import EventFactory
from tests.factories import PASSWORD, MemberFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.members.test_admin import change_form_data
from tests.projects.factories import ProjectFactory, add_member
from tests.second_factor import with_second_factor
from tests.spaces.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

USERS = reverse("admin:members_user_changelist")
EXPORT = "/members/me/export/"


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English source strings, whatever catalogues exist."""
    settings.LANGUAGE_CODE = "en"


def member(name: str, **extra) -> User:
    return MemberFactory(name=name, language="en", **extra)


def logged_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class Holdings:
    """What Lotte holds before she is deactivated, and who stands to gain."""

    def __init__(self):
        self.leaving = member("Lotte Vertrek")
        # A full meetup (2 places): Lotte's place goes to Wim, first in line.
        self.meetup = EventFactory(title="Brugklas rekenen", capacity=2)
        register_for_event(event=self.meetup, member=self.leaving)
        register_for_event(event=self.meetup, member=member("Olga Blijft"))
        self.next_in_line = member("Wim Wachtlijst")
        register_for_event(event=self.meetup, member=self.next_in_line)
        # Another full meetup where Lotte waits in line.
        self.other = EventFactory(title="Taal in de bovenbouw", capacity=1)
        register_for_event(event=self.other, member=member("Piet Plek"))
        register_for_event(event=self.other, member=self.leaving)
        # A desk tomorrow, 10:00-11:00, and a room the day after.
        self.day = timezone.localdate(timezone.now(), LOCAL) + timedelta(days=1)
        self.desk = ResourceFactory(name="Flexplek Raam")
        self.bookings = [
            BookingFactory(resource=self.desk, booker=self.leaving,
                           start=self.at(self.day, 10), end=self.at(self.day, 11)),
            BookingFactory(resource=ResourceFactory(name="Vergaderzaal"), booker=self.leaving,
                           start=self.at(self.day + timedelta(days=1), 14),
                           end=self.at(self.day + timedelta(days=1), 15)),
        ]  # fmt: skip
        # A project she leads alone: Ans joined first, so Ans takes over.
        self.project = ProjectFactory(title="Rekenen over de grens", lead=self.leaving)
        self.successor = member("Ans Opvolger")
        add_member(self.project, self.successor)
        add_member(self.project, member("Bart Later"))
        # A project she leads with someone else: it stays as it is.
        self.co_led = ProjectFactory(title="Samen lezen", lead=member("Cor Mede"))
        add_member(self.co_led, self.leaving, role=Membership.Role.LEAD)

    @staticmethod
    def at(day, hour) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=LOCAL)


@pytest.fixture
def holdings() -> Holdings:
    return Holdings()


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory(name="Carla Coördinator"))
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(
        with_second_factor(
            User.objects.create_superuser(email="root@lef.example", password=PASSWORD, name="Root")
        )
    )
    return client


GIVEN_UP = (
    "Project Rekenen over de grens handed over to Ans Opvolger. "
    "1 meetup place freed. "
    "Taken off 1 waiting list. "
    "1 person moved up from the waiting list and was mailed. "
    "2 bookings cancelled."
)


def assert_given_up(holdings: Holdings) -> None:
    """What the site shows once Lotte's holdings are given up, and who was mailed."""
    leaving = holdings.leaving
    leaving.refresh_from_db()
    assert leaving.is_active is False
    # The meetup: Wim has Lotte's place; his page says so.
    assert [
        (r.member.name, r.status)
        for r in Registration.objects.filter(event=holdings.meetup).order_by("pk")
    ] == [
        ("Lotte Vertrek", "cancelled"),
        ("Olga Blijft", "confirmed"),
        ("Wim Wachtlijst", "confirmed"),
    ]
    page = logged_in(holdings.next_in_line).get(holdings.meetup.get_absolute_url())
    assert "You are signed up." in page.text
    assert Registration.objects.get(event=holdings.other, member=leaving).status == "cancelled"
    # The desk's grid for tomorrow: the hour is free again.
    grid = logged_in(member("Kijker")).get(
        f"/spaces/{holdings.desk.slug}/", {"date": holdings.day.isoformat()}
    )
    assert grid.text.count(">Taken<") == 0
    assert [b.status for b in Booking.objects.filter(booker=leaving)] == ["cancelled"] * 2
    # The project: Ans leads it now; Lotte stays on the team as a member.
    team = logged_in(member("Lezer")).get(holdings.project.get_absolute_url())
    assert [(m.member.name, m.role) for m in team.context["team"]] == [
        ("Ans Opvolger", "lead"),
        ("Lotte Vertrek", "member"),
        ("Bart Later", "member"),
    ]
    # The co-led project keeps both leads.
    assert sorted(
        m.member.name for m in Membership.objects.leads().filter(project=holdings.co_led)
    ) == ["Cor Mede", "Lotte Vertrek"]
    # Mailed: Wim (a place came free) and Ans (now lead); never Lotte.
    assert sorted((m.subject, m.to) for m in mail.outbox) == [
        ("'t LEF: a place came free for you at Brugklas rekenen", [holdings.next_in_line.email]),
        ("You are now a lead of Rekenen over de grens", [holdings.successor.email]),
    ]


# The "active" box -----------------------------------------------------------------------


def test_clearing_active_in_the_admin_gives_up_places_bookings_and_projects(
    coordinator_client, holdings, django_capture_on_commit_callbacks
):
    leaving = holdings.leaving
    data = change_form_data(coordinator_client, leaving)
    data.pop("is_active")
    other_device = logged_in(leaving)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:members_user_change", args=[leaving.pk]), data, follow=True
        )

    assert messages_of(response) == [
        f"Lotte Vertrek is deactivated. {GIVEN_UP}",
        f'The user “<a href="{reverse("admin:members_user_change", args=[leaving.pk])}">'
        "Lotte Vertrek</a>” was changed successfully.",
    ]
    assert_given_up(holdings)
    assert other_device.get(EXPORT).status_code == 302  # logged out everywhere


def test_saving_an_inactive_member_again_gives_up_nothing_more(
    coordinator_client, django_capture_on_commit_callbacks
):
    leaving = member("Lotte Vertrek")
    event = EventFactory(capacity=1)
    register_for_event(event=event, member=leaving)
    deactivate_member(user=leaving, by=CoordinatorFactory())
    waiting = member("Later Gekomen")
    register_for_event(event=event, member=waiting)
    data = change_form_data(coordinator_client, leaving, job_title="Docent")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:members_user_change", args=[leaving.pk]), data, follow=True
        )

    assert len(messages_of(response)) == 1  # only "changed successfully"
    assert mail.outbox == []
    leaving.refresh_from_db()
    assert (leaving.is_active, leaving.profile.job_title) == (False, "Docent")


def test_reactivating_only_sets_active_again(coordinator_client):
    leaving = member("Lotte Vertrek")
    event = EventFactory(capacity=1)
    register_for_event(event=event, member=leaving)
    deactivate_member(user=leaving, by=CoordinatorFactory())
    data = change_form_data(coordinator_client, leaving, is_active="on")

    response = coordinator_client.post(
        reverse("admin:members_user_change", args=[leaving.pk]), data, follow=True
    )

    assert len(messages_of(response)) == 1
    leaving.refresh_from_db()
    assert leaving.is_active is True
    # What was given up stays given up: she signs up again like anyone.
    assert Registration.objects.get(event=event, member=leaving).status == "cancelled"


def test_a_refused_deactivation_rolls_the_whole_save_back_with_a_message(
    coordinator_client, app_hooks
):
    leaving = member("Lotte Vertrek")
    event = EventFactory()
    register_for_event(event=event, member=leaving)
    data = change_form_data(coordinator_client, leaving, job_title="Nieuw")
    data.pop("is_active")

    def busy(user):  # an app whose rows stay locked too long (after events gave up hers)
        raise Busy("Busy right now; try again in a moment.")

    app_hooks("busy", deactivate=busy)
    response = coordinator_client.post(
        reverse("admin:members_user_change", args=[leaving.pk]), data, follow=True
    )

    assert messages_of(response) == ["Busy right now; try again in a moment."]
    leaving.refresh_from_db()
    assert (leaving.is_active, leaving.profile.job_title) == (True, "")  # nothing saved
    assert Registration.objects.get(event=event, member=leaving).status == "confirmed"


# The action ------------------------------------------------------------------------------


def test_deactivate_action_asks_first_and_changes_nothing_until_confirmed(
    coordinator_client, holdings
):
    response = coordinator_client.post(
        USERS, {"action": "deactivate_selected", ACTION_CHECKBOX_NAME: [holdings.leaving.pk]}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "admin/members/user/deactivate_confirmation.html"
    assert [str(m) for m in response.context["members"]] == ["Lotte Vertrek"]
    holdings.leaving.refresh_from_db()
    assert holdings.leaving.is_active is True
    assert Registration.objects.get(event=holdings.meetup, member=holdings.leaving).status == (
        "confirmed"
    )


def test_deactivate_action_confirmed_gives_up_everything_and_says_what(
    coordinator_client, holdings, django_capture_on_commit_callbacks
):
    quiet = member("Stil Lid")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            USERS,
            {
                "action": "deactivate_selected",
                ACTION_CHECKBOX_NAME: [holdings.leaving.pk, quiet.pk],
                "post": "yes",
            },
            follow=True,
        )

    assert messages_of(response) == [
        f"Lotte Vertrek is deactivated. {GIVEN_UP}",
        "Stil Lid is deactivated; there was nothing to give up.",
    ]
    assert_given_up(holdings)
    quiet.refresh_from_db()
    assert quiet.is_active is False
    assert [entry.change_message for entry in LogEntry.objects.order_by("pk")] == [
        "Deactivated.",
        "Deactivated.",
    ]


def test_deactivate_action_refuses_staff_accounts_to_a_coordinator(coordinator_client):
    colleague = CoordinatorFactory(name="Collega Coördinator")
    plain = member("Gewoon Lid")

    response = coordinator_client.post(
        USERS,
        {
            "action": "deactivate_selected",
            ACTION_CHECKBOX_NAME: [colleague.pk, plain.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert messages_of(response) == [
        "Collega Coördinator: Only a superuser can deactivate the account of a coordinator.",
        "Gewoon Lid is deactivated; there was nothing to give up.",
    ]
    colleague.refresh_from_db()
    plain.refresh_from_db()
    assert (colleague.is_active, plain.is_active) == (True, False)


def test_a_project_with_nobody_else_keeps_its_lead_and_the_coordinator_is_told():
    leaving = member("Lotte Vertrek")
    project = ProjectFactory(title="Alleen", lead=leaving)
    add_member(project, member("Al Weg", is_active=False))

    done = deactivate_member(user=leaving, by=CoordinatorFactory())

    assert done == [
        "Nobody else is on the team of project Alleen to take over as lead; "
        "invite someone or archive the project."
    ]
    assert [m.member for m in Membership.objects.leads().filter(project=project)] == [leaving]


def test_only_coordinators_deactivate_someone_else():
    target = member("Doelwit")

    with pytest.raises(DeactivationNotAllowedError):
        deactivate_member(user=target, by=member("Zomaar Iemand"))

    target.refresh_from_db()
    assert target.is_active is True


# Deleting ---------------------------------------------------------------------------------


def test_user_delete_page_asks_to_delete_the_account_as_the_site_does(superuser_client, holdings):
    url = reverse("admin:members_user_delete", args=[holdings.leaving.pk])

    response = superuser_client.get(url)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/members/user/delete_account_confirmation.html"
    assert "Delete the account of Lotte Vertrek?" in response.text
    holdings.leaving.refresh_from_db()
    assert (holdings.leaving.name, holdings.leaving.is_active) == ("Lotte Vertrek", True)


def test_user_delete_confirmed_anonymises_and_keeps_the_row(
    superuser_client, holdings, django_capture_on_commit_callbacks
):
    leaving = holdings.leaving
    address = leaving.email
    url = reverse("admin:members_user_delete", args=[leaving.pk])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(url, {"post": "yes"}, follow=True)

    assert response.redirect_chain == [(USERS, 302)]
    assert messages_of(response) == [
        "The account is deleted: name, addresses and profile are cleared, its rows are kept. "
        + GIVEN_UP
    ]
    leaving.refresh_from_db()  # the row stays, anonymised
    assert leaving.username.startswith("deleted-")
    assert (leaving.name, leaving.email, leaving.is_active) == ("", "", False)
    # Deactivated first (places, bookings, the project), then anonymised.
    assert Registration.objects.get(event=holdings.meetup, member=leaving).status == "cancelled"
    wim = Registration.objects.get(event=holdings.meetup, member=holdings.next_in_line)
    assert wim.status == "confirmed"
    assert [b.status for b in Booking.objects.filter(booker=leaving)] == ["cancelled"] * 2
    assert [m.member for m in Membership.objects.leads().filter(project=holdings.project)] == [
        holdings.successor
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [address, holdings.next_in_line.email, holdings.successor.email]
    )  # her goodbye, Wim's place, Ans's lead
    [entry] = LogEntry.objects.all()
    assert entry.object_repr == leaving.username  # the log does not keep her name
    assert entry.change_message == "Deleted the account (anonymised)."


def test_djangos_delete_of_users_is_not_reachable(superuser_client):
    target = member("Blijft Bestaan")

    bulk = superuser_client.post(
        USERS,
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [target.pk], "post": "yes"},
    )
    changelist = superuser_client.get(USERS)

    assert bulk.status_code == 302  # "No action selected": not on offer
    assert "delete_selected" not in dict(
        changelist.context["action_form"].fields["action"].choices
    )
    target.refresh_from_db()
    assert (target.name, target.is_active) == ("Blijft Bestaan", True)
    with pytest.raises(PermissionDenied):
        UserAdmin(User, admin.site).delete_queryset(None, User.objects.filter(pk=target.pk))
    assert User.objects.filter(pk=target.pk).exists()


def test_coordinators_do_not_delete_accounts(coordinator_client):
    target = member("Blijft Bestaan")

    post = coordinator_client.post(
        reverse("admin:members_user_delete", args=[target.pk]), {"post": "yes"}
    )

    assert post.status_code == 403
    target.refresh_from_db()
    assert (target.name, target.is_active) == ("Blijft Bestaan", True)


def test_superuser_cannot_delete_their_own_account_in_the_admin(superuser_client):
    me = User.objects.get(email="root@lef.example")

    response = superuser_client.post(
        reverse("admin:members_user_delete", args=[me.pk]), {"post": "yes"}, follow=True
    )

    assert messages_of(response) == ["Delete your own account on your account page, not here."]
    me.refresh_from_db()
    assert (me.name, me.is_active) == ("Root", True)


def test_a_hard_delete_of_a_team_member_is_refused():
    project = ProjectFactory()

    with pytest.raises(ProtectedError):
        project.created_by.delete()

    assert Membership.objects.filter(project=project).count() == 1
