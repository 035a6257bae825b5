"""From meetup to project in one step (knowledge.origins): who may, who is invited, where it
started, and the parts the meetup's and the project's pages show (lef.hooks.object_links)."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from events.models import Event
from knowledge import origins
from knowledge.models import ProjectOrigin
from lef.choices import Sector
from lef.templatetags.lef_tags import day_label
from members.privacy import delete_account
from projects.models import Membership, Project
from projects.services import INVITATIONS_PER_LEAD, ProjectDetails
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.helpers import Case, check_case, queries_of, to_login, to_onboarding
from tests.knowledge.factories import publish
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Domain errors and messages outside a request in English, as these tests assert them."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A browser that asks for English: these tests assert the source strings."""
    return Client(headers={"accept-language": "en"})


def ended_meetup(**extra) -> Event:
    """A meetup that ran yesterday afternoon, for po and vo, about po-vo."""
    start = (timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    values = {
        "title": "Rekenen in de brugklas",
        "summary": "Leraren uit po en vo over de overstap.",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "target_sectors": [Sector.PO, Sector.VO],
        "target_transitions": ["po-vo"],
    }
    return EventFactory(**values | extra)


def came(event, name: str, *, checked_in: bool = True, **member):
    """A member with a confirmed sign-up for ``event``, checked in at the door unless told."""
    person = MemberFactory(name=name, language="en", **member)
    RegistrationFactory(
        event=event, member=person, checked_in_at=timezone.now() if checked_in else None
    )
    return person


def start_url(event) -> str:
    return f"/knowledge/from-meetup/{event.slug}/"


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def form_data(**extra) -> dict:
    return {
        "title": "Overstaplessen rekenen",
        "summary": "Samen lessen maken voor groep 8 en de brugklas.",
        "status": Project.Status.LOOKING,
        "visibility": Project.Visibility.PUBLIC,
        "requires_approval": "on",
        "sectors": [Sector.PO, Sector.VO],
        "transitions": ["po-vo"],
        **extra,
    }


# Who may ------------------------------------------------------------------------------------

VIEWERS = ["anonymous", "member", "attendee", "organiser", "coordinator"]


@pytest.fixture
def world():
    organiser = MemberFactory(username="organisator")
    event = ended_meetup(slug="brugklas", organisers=[organiser])
    attendee = came(event, "Anna", username="anna")
    soon = timezone.now() + timedelta(days=2)
    ended_meetup(
        slug="later", starts_at=soon, ends_at=soon + timedelta(hours=2), organisers=[organiser]
    )
    ended_meetup(slug="afgelast", status=Event.Status.CANCELLED, organisers=[organiser])
    ended_meetup(slug="concept", status=Event.Status.DRAFT, organisers=[organiser])
    users = {
        "anonymous": None,
        "member": MemberFactory(username="lid"),
        "attendee": attendee,
        "organiser": organiser,
        "coordinator": CoordinatorFactory(username="coordinator"),
    }
    return users


def _for(anonymous, member, attendee, organiser, coordinator) -> dict:
    return dict(zip(VIEWERS, [anonymous, member, attendee, organiser, coordinator], strict=True))


CASES = [
    Case(
        "an ended meetup",
        start_url(Event(slug="brugklas")),
        _for(to_login(start_url(Event(slug="brugklas"))), 403, 403, 200, 200),
    ),
    Case(
        "a meetup that has not started",
        start_url(Event(slug="later")),
        _for(to_login(start_url(Event(slug="later"))), 403, 403, 403, 403),
    ),
    Case(
        "a cancelled meetup",
        start_url(Event(slug="afgelast")),
        _for(to_login(start_url(Event(slug="afgelast"))), 403, 403, 403, 403),
    ),
    Case(
        "a draft: only coordinators see it, and it starts nothing",
        start_url(Event(slug="concept")),
        _for(to_login(start_url(Event(slug="concept"))), 404, 404, 404, 403),
    ),
    Case(
        "no such meetup",
        start_url(Event(slug="nergens")),
        _for(to_login(start_url(Event(slug="nergens"))), 404, 404, 404, 404),
    ),
    Case(
        "starting by POST",
        start_url(Event(slug="brugklas")),
        _for(to_login(start_url(Event(slug="brugklas"))), 403, 403, 302, 302),
        method="post",
        data=form_data(),
    ),
    Case(
        "starting a cancelled meetup's project by POST",
        start_url(Event(slug="afgelast")),
        _for(to_login(start_url(Event(slug="afgelast"))), 403, 403, 403, 403),
        method="post",
        data=form_data(),
    ),
]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_permission_matrix(client, world, case, viewer):
    check_case(client, world[viewer], case, viewer)

    started = Project.objects.filter(title="Overstaplessen rekenen").count()
    assert started == (1 if case.method == "post" and case.expect[viewer] == 302 else 0)


def test_the_form_needs_the_csrf_token():
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)

    response = browser.post(start_url(event), form_data())

    assert response.status_code == 403
    assert Project.objects.count() == 0


def test_a_member_who_has_not_told_their_sector_goes_to_onboarding_first(client):
    organiser = MemberFactory(profile__primary_sector="")
    event = ended_meetup(organisers=[organiser])
    client.force_login(organiser)

    response = client.get(start_url(event))

    assert (response.status_code, to_onboarding().matches(response)) == (302, True)


# The form -----------------------------------------------------------------------------------


def test_the_form_is_filled_in_from_the_meetup_with_everyone_who_came_ticked(client):
    organiser = MemberFactory(name="Olga")
    event = ended_meetup(organisers=[organiser])
    came(event, "Anna", profile__primary_sector=Sector.PO)
    came(event, "Bram", profile__primary_sector=Sector.VO)
    came(event, "Niet gekomen", checked_in=False)
    RegistrationFactory(event=event, member=organiser, checked_in_at=timezone.now())
    client.force_login(organiser)

    response = client.get(start_url(event))

    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["title"] == "Rekenen in de brugklas"
    assert form.initial["summary"] == "Leraren uit po en vo over de overstap."
    assert (form.initial["sectors"], form.initial["transitions"]) == (["po", "vo"], ["po-vo"])
    labels = [label for _pk, label in form.fields["invite"].choices]
    assert labels == ["Anna, Primary education (po)", "Bram, Secondary education (vo)"]
    assert sorted(form.initial["invite"]) == sorted(pk for pk, _ in form.fields["invite"].choices)
    page = text(response)
    assert 'value="Rekenen in de brugklas"' in page
    assert "Olga" not in labels  # the starter leads, and is not invited
    assert 'name="invite" value="' in response.content.decode()
    assert "checked" in re.search(r'<input[^>]*name="invite"[^>]*>', page).group(0)


def test_without_check_ins_the_confirmed_sign_ups_are_listed():
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    came(event, "Anna", checked_in=False)
    came(event, "Bram", checked_in=False)
    RegistrationFactory(
        event=event,
        member=MemberFactory(name="Wacht"),
        status="waiting",
        waiting_reason="full",
        confirmed_at=None,
    )
    RegistrationFactory(event=event, member=None, guest_name="Gast", walk_in=True)

    people = origins.attendees(event, leave_out=organiser)

    assert [str(person.member) for person in people] == ["Anna", "Bram"]


def test_with_nobody_who_came_the_form_says_so_and_still_starts_a_project(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    client.force_login(organiser)

    page = text(client.get(start_url(event)))
    response = client.post(start_url(event), form_data())

    assert "Nobody else was checked in or signed up with an account." in page
    assert response.status_code == 302
    assert Project.objects.get().origin.event == event


def test_a_form_with_errors_comes_back_with_400_and_writes_nothing(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    came(event, "Anna")
    client.force_login(organiser)

    response = client.post(start_url(event), form_data(title=""))

    assert response.status_code == 400
    assert (Project.objects.count(), ProjectOrigin.objects.count(), len(mail.outbox)) == (0, 0, 0)


# Starting -----------------------------------------------------------------------------------


def test_starting_invites_the_ticked_attendees_and_makes_the_starter_lead(
    client, django_capture_on_commit_callbacks
):
    organiser = MemberFactory(name="Olga")
    event = ended_meetup(organisers=[organiser])
    anna, bram = came(event, "Anna"), came(event, "Bram")
    came(event, "Carla")  # unticked
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            start_url(event), form_data(invite=[anna.pk, bram.pk], message="Tot snel!")
        )

    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    team = {
        (m.member.name, m.role, m.status)
        for m in Membership.objects.filter(project=project).select_related("member")
    }
    assert team == {
        ("Olga", "lead", "active"),
        ("Anna", "member", "invited"),
        ("Bram", "member", "invited"),
    }
    assert (project.sectors, project.transitions) == (["po", "vo"], ["po-vo"])
    origin = ProjectOrigin.objects.get()
    assert (origin.project, origin.event, origin.started_by) == (project, event, organiser)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([anna.email, bram.email])
    assert {m.subject for m in mail.outbox} == {"Olga invites you to join Overstaplessen rekenen"}
    assert all("Tot snel!" in m.body for m in mail.outbox)


def test_someone_who_did_not_come_cannot_be_ticked(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    came(event, "Anna")
    outsider = MemberFactory(name="Niet geweest")
    client.force_login(organiser)

    response = client.post(start_url(event), form_data(invite=[outsider.pk]))

    assert response.status_code == 400
    assert "invite" in response.context["form"].errors
    assert Project.objects.count() == 0


def test_the_service_invites_only_people_who_came(django_capture_on_commit_callbacks):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    anna = came(event, "Anna")
    outsider = MemberFactory(name="Niet geweest")

    with django_capture_on_commit_callbacks(execute=True):
        started = origins.start_project_from_meetup(
            event=event,
            by=organiser,
            details=ProjectDetails(title="Samen", summary="Verder."),
            invite=[anna.pk, outsider.pk, organiser.pk],
        )

    assert [m.name for m in started.invited] == ["Anna"]
    assert [m.to for m in mail.outbox] == [[anna.email]]
    assert not Membership.objects.filter(member=outsider).exists()


def test_the_message_says_how_many_were_invited(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    people = [came(event, name) for name in ("Anna", "Bram")]
    client.force_login(organiser)

    response = client.post(start_url(event), form_data(invite=[p.pk for p in people]), follow=True)

    assert (
        "Your project is online. 2 people from the meetup were invited; they decide "
        "themselves whether they join."
    ) in text(response)


def test_a_coordinator_who_did_not_organise_starts_one_too():
    coordinator = CoordinatorFactory(name="Coco")
    event = ended_meetup()
    anna = came(event, "Anna")

    started = origins.start_project_from_meetup(
        event=event,
        by=coordinator,
        details=ProjectDetails(title="Samen", summary="Verder."),
        invite=[anna.pk],
    )

    assert [m.name for m in started.invited] == ["Anna"]
    assert Membership.objects.leads().get(project=started.project).member == coordinator


def test_invitations_over_the_projects_daily_limit_are_reported_and_the_project_stands(
    django_capture_on_commit_callbacks,
):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser], capacity=None)
    _window, most = INVITATIONS_PER_LEAD
    people = [came(event, f"Deelnemer {n:02}") for n in range(most + 2)]

    with django_capture_on_commit_callbacks(execute=True):
        started = origins.start_project_from_meetup(
            event=event,
            by=organiser,
            details=ProjectDetails(title="Groot", summary="Veel mensen."),
            invite=[p.pk for p in people],
        )

    assert len(started.invited) == most
    assert [reason for _member, reason in started.not_invited] == [
        "You have sent many invitations today. Please try again tomorrow."
    ] * 2
    assert Membership.objects.filter(project=started.project, status="invited").count() == most
    assert len(mail.outbox) == most


def test_a_refused_project_writes_nothing_and_sends_nothing():
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    anna = came(event, "Anna")

    with pytest.raises(origins.ProjectError):
        origins.start_project_from_meetup(
            event=event,
            by=organiser,
            details=ProjectDetails(title="", summary=""),
            invite=[anna.pk],
        )

    assert (Project.objects.count(), Membership.objects.count(), len(mail.outbox)) == (0, 0, 0)
    assert ProjectOrigin.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"status": Event.Status.CANCELLED}, origins.NotStartable),
        ({"starts_at_in": timedelta(hours=1)}, origins.NotStartable),
        ({"organiser": False}, origins.OriginNotAllowed),
    ],
    ids=["cancelled", "not started", "not an organiser"],
)
def test_the_service_checks_the_rule_again(change, error):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    if "status" in change:
        Event.objects.filter(pk=event.pk).update(status=change["status"])
    if "starts_at_in" in change:
        start = timezone.now() + change["starts_at_in"]
        Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + timedelta(1))
    by = MemberFactory() if change.get("organiser") is False else organiser

    with pytest.raises(error):
        origins.start_project_from_meetup(
            event=event, by=by, details=ProjectDetails(title="Te vroeg", summary="Nee.")
        )

    assert Project.objects.count() == 0


# Where it started, on both pages -------------------------------------------------------------


def _start(event, by, **details):
    values = {"title": "Overstaplessen", "summary": "Samen verder."} | details
    return origins.start_project_from_meetup(event=event, by=by, details=ProjectDetails(**values))


def test_the_project_page_says_where_it_started(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    project = _start(event, organiser).project

    page = text(client.get(project.get_absolute_url()))

    match = re.search(r'Started at the meetup <a href="([^"]+)">([^<]+)</a> on ([^<]+)</p>', page)
    assert match is not None
    assert match.group(1, 2) == (event.get_absolute_url(), "Rekenen in de brugklas")
    assert match.group(3).strip() == day_label(event.starts_at)


def test_a_project_that_started_elsewhere_says_nothing_of_a_meetup(client):
    organiser = MemberFactory()
    project = ProjectFactory(lead=organiser)

    assert "Started at the meetup" not in text(client.get(project.get_absolute_url()))


def test_the_meetup_page_lists_its_projects_and_hides_members_only_ones_from_visitors(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    _start(event, organiser, title="Open project")
    _start(event, organiser, title="Besloten project", visibility=Project.Visibility.MEMBERS)

    visitor = text(client.get(event.get_absolute_url()))
    client.force_login(MemberFactory())
    member = text(client.get(event.get_absolute_url()))

    assert "Projects from this meetup" in visitor
    assert "Open project" in visitor
    assert "Besloten project" not in visitor
    assert "Open project" in member
    assert "Besloten project" in member
    assert "Start a project from this meetup" not in member


def test_a_meetup_without_projects_shows_nothing_to_those_who_cannot_start_one(client):
    event = ended_meetup()

    assert "Projects from this meetup" not in text(client.get(event.get_absolute_url()))


def test_organisers_see_the_start_button_on_the_meetup_page_and_the_door_list(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    client.force_login(organiser)

    detail = text(client.get(event.get_absolute_url()))
    door = text(client.get(f"/events/{event.slug}/check-in/"))

    button = f'<a class="btn btn-outline-dark" href="{start_url(event)}">'
    assert button in detail
    assert button in door
    assert "No project has started from this meetup yet." in detail


def test_before_the_start_the_organisers_are_told_when_they_can(client):
    organiser = MemberFactory()
    event = EventFactory(organisers=[organiser])  # next week
    client.force_login(organiser)

    page = text(client.get(f"/events/{event.slug}/check-in/"))

    assert "You can start a project from this meetup once it has started." in page
    assert start_url(event) not in page


def test_a_cancelled_meetup_offers_no_start(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser], status=Event.Status.CANCELLED)
    client.force_login(organiser)

    page = text(client.get(event.get_absolute_url()))

    assert start_url(event) not in page
    assert "Projects from this meetup" not in page


# Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["visitor", "organiser"])
def test_the_meetup_page_and_door_list_take_the_same_queries_for_1_and_3_projects(client, viewer):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    came(event, "Anna")
    if viewer == "organiser":
        client.force_login(organiser)
    pages = [event.get_absolute_url()]
    if viewer == "organiser":
        pages.append(f"/events/{event.slug}/check-in/")

    _start(event, organiser, title="Eerste")
    one = [queries_of(client, page) for page in pages]
    _start(event, organiser, title="Tweede")
    _start(event, organiser, title="Derde", visibility=Project.Visibility.MEMBERS)
    three = [queries_of(client, page) for page in pages]

    assert [count for count, _response in three] == [count for count, _response in one]
    assert all(response.status_code == 200 for _count, response in one + three)
    assert text(three[0][1]).count("lef-status-idea") == (2 if viewer == "visitor" else 3)


def test_the_origin_costs_the_project_page_one_query(client):
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    started = _start(event, organiser).project
    plain = ProjectFactory(lead=organiser)

    with_origin, response = queries_of(client, started.get_absolute_url())
    without, _response = queries_of(client, plain.get_absolute_url())

    assert response.status_code == 200
    assert with_origin == without


def test_account_deletion_forgets_who_started_it_and_keeps_where_it_started():
    organiser = MemberFactory()
    event = ended_meetup(organisers=[organiser])
    project = _start(event, organiser).project

    delete_account(user=organiser)

    assert origins.forget_starter(organiser) == 0  # account deletion did it already
    origin = ProjectOrigin.objects.get(project=project)
    assert (origin.event, origin.started_by) == (event, None)


def test_no_result_takes_the_address_of_the_start_form():
    """/knowledge/from-meetup/<slug>/ is the start form: a result titled so gets another."""
    project = ProjectFactory()
    lead = project.memberships.get().member

    result = publish(project, lead, title="From meetup")

    assert result.slug != "from-meetup"
    assert result.slug.startswith("from-meetup")
