"""One of everything a form can be about, and a user for every role that fills one in.

Made with the shared factories, so that setup every test shares (a coordinator's
second factor, say) applies here too.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from knowledge.services import ResultDetails, publish_result
from lef.calendar import calendar_feed_for
from members.models import ContactMessage, Organisation
from projects.models import Membership
from spaces.timeslots import LOCAL
from tests.events.factories import EventFactory, RegistrationFactory, VenueFactory
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.members.factories_coordination import CoordinatorFactory, ProposedOrganisationFactory
from tests.projects.factories import ProjectFactory, add_member, post
from tests.spaces.factories import BookingFactory, ResourceFactory

ROLES = [
    "visitor",
    "newcomer",
    "team",
    "member",
    "lead",
    "organiser",
    "startup",
    "coordinator",
    "superuser",
]


@dataclass
class World:
    users: dict
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    """Users of every role and the rows the site's and the admin's forms are about."""
    startup_org = OrganisationFactory(kind=Organisation.Kind.STARTUP)
    users = {
        "visitor": None,
        "newcomer": UserFactory(),  # signed up, not yet onboarded
        "member": MemberFactory(username="fuzz-lid"),
        "lead": MemberFactory(username="fuzz-trekker"),
        "organiser": MemberFactory(username="fuzz-organisator"),
        "team": MemberFactory(username="fuzz-teamlid"),
        "startup": MemberFactory(username="fuzz-starter", profile__organisation=startup_org),
        "coordinator": CoordinatorFactory(username="fuzz-coordinator"),
        "superuser": CoordinatorFactory(username="fuzz-super", is_superuser=True),
    }
    teammate = users["team"]
    asker = MemberFactory(username="fuzz-vrager")
    project = ProjectFactory(slug="fuzz-project", lead=users["lead"])
    team_place = add_member(project, teammate)
    request = add_member(project, asker, status=Membership.Status.REQUESTED)
    invitation = add_member(
        ProjectFactory(slug="fuzz-uitnodiging", lead=users["lead"]),
        users["member"],
        status=Membership.Status.INVITED,
        invited_by=users["lead"],
    )
    update = post(project, teammate)
    # A result of the project, its teammate asked to be named (knowledge.services).
    result = publish_result(
        project=project,
        by=users["lead"],
        details=ResultDetails(
            title="Fuzz-resultaat",
            summary="Wat het project maakte.",
            kind="report",
            licence="cc-by",
            learned="Wat we leerden.",
        ),
        authors=[users["lead"], teammate],
    )

    event = EventFactory(slug="fuzz-meetup", organisers=[users["organiser"]])
    registration = RegistrationFactory(event=event, member=users["member"])
    walk_in_event = EventFactory(
        slug="fuzz-nu",
        organisers=[users["organiser"]],
        starts_at=timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30),
    )
    RegistrationFactory(event=walk_in_event, member=asker)

    resource = ResourceFactory(slug="fuzz-plek")
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(LOCAL)
    start = tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)
    booking = BookingFactory(
        resource=resource, booker=users["startup"], start=start, end=start + timedelta(hours=1)
    )
    proposed = ProposedOrganisationFactory(proposed_by=users["member"])
    message = ContactMessage.objects.create(sender=users["member"], recipient=teammate)
    # The calendar page makes a member's feed address on the first visit (a GET
    # that writes once, on purpose); the member has been there before.
    calendar_feed_for(users["member"])
    objects = {
        "project": project,
        "team_place": team_place,
        "request": request,
        "invitation": invitation,
        "update": update,
        "result": result,
        "event": event,
        "registration": registration,
        "walk_in_event": walk_in_event,
        "resource": resource,
        "space": resource.space,
        "booking": booking,
        "organisation": startup_org,
        "proposed": proposed,
        "message": message,
        "venue": VenueFactory(),
        "group": Group.objects.first(),
        "email": users["member"].emailaddress_set.get(),
        "unverified_email": EmailAddress.objects.create(
            user=users["member"], email="tweede@school.example", verified=False, primary=False
        ),
        "teammate": teammate,
    }
    return World(users=users, objects=objects)
