"""From meetup to project in one step: who may start one, who is invited, where it started.

After a meetup has started, its organisers and the coordinators can start a
project from it (the door list and the meetup page offer it). The project is
started through ``projects.services`` with the starter as its first lead;
the people who came are *invited* through the projects app's own invitation
service (they get its mail and decide themselves: nobody is put on a team
without saying yes), and a :class:`ProjectOrigin` row says where the project
started. The project's page then names the meetup, and the meetup's page
lists the projects it started, each only to those who may see it.

This lives in the knowledge app because it joins two apps that may not import
each other (events and projects); their pages show it through the hook
``object_links`` (lef.hooks).
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Registration
from events.permissions import event_permissions, organiser_ids_of
from knowledge.models import ProjectOrigin
from lef.errors import Conflict, DomainError, NotAllowed
from lef.hooks import ObjectPart
from lef.images import CleanImage
from members.models import Profile, User
from projects import services as project_services
from projects.models import Project
from projects.services import ProjectDetails, ProjectError

# What a project may take over from the meetup it starts from.
_TITLE_MAX = Project._meta.get_field("title").max_length
_SUMMARY_MAX = Project._meta.get_field("summary").max_length


# Errors ---------------------------------------------------------------------------------


class OriginError(DomainError):
    """A project that cannot be started from this meetup; ``message`` says why."""


class OriginNotAllowed(OriginError, NotAllowed):  # noqa: N818 -- a domain outcome, like EventFull
    """Only the meetup's organisers and the coordinators start projects from it."""


class NotStartable(OriginError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """The meetup has not started yet, or it was cancelled."""


# Who may ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartCheck:
    """Whether ``viewer`` may start a project from a meetup, and if not, why (or "")."""

    may: bool
    # The viewer organises the meetup or coordinates, whatever the time: the
    # door list and the meetup page tell them when they can.
    organises: bool
    reason: str = ""


def start_check(viewer, event: Event, *, now: datetime | None = None) -> StartCheck:
    """The one rule: organisers and coordinators (``EventPermissions.check_in``), of a
    published meetup that has started (or ended), never of a cancelled one.

    No query when ``event`` was read with ``Event.objects.with_organised_by(viewer)``
    (the meetup page and the door list read it so), but the coordinator check's
    one for staff.
    """
    organiser_ids = (
        organiser_ids_of(viewer, event) if hasattr(event, "organised_by_user") else None
    )
    perms = event_permissions(viewer, event, organiser_ids=organiser_ids)
    if not perms.check_in:
        return StartCheck(
            may=False,
            organises=False,
            reason=_("Only the meetup's organisers and the coordinators can do this."),
        )
    if event.status == Event.Status.CANCELLED:
        return StartCheck(
            may=False, organises=True, reason=_("This meetup was cancelled: it starts nothing.")
        )
    if event.status != Event.Status.PUBLISHED:
        return StartCheck(
            may=False, organises=True, reason=_("Publish the meetup first; it has not started.")
        )
    if not event.has_started(now):
        return StartCheck(
            may=False,
            organises=True,
            reason=_("You can start a project from this meetup once it has started."),
        )
    return StartCheck(may=True, organises=True)


# Who came ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """A member who came to the meetup (checked in) or, if nobody was checked in, signed up."""

    member: User
    sector: str
    checked_in: bool


def attendees(event: Event, *, leave_out: User | None = None) -> list[Attendee]:
    """The people a project from ``event`` invites, by name; one query.

    Those checked in at the door; when nobody was checked in, those with a
    confirmed sign-up. Only members the projects app can invite (listed: an
    active account that finished onboarding), never guests without an account,
    and not ``leave_out`` (the starter, who leads).
    """
    rows = list(
        Registration.objects.confirmed()
        .filter(event=event, member_id__in=Profile.objects.listed().values("pk"))
        .exclude(member_id=getattr(leave_out, "pk", None))
        .select_related("member__profile")
        .order_by("member__name", "member__username", "pk")
    )
    if any(row.checked_in_at is not None for row in rows):
        rows = [row for row in rows if row.checked_in_at is not None]
    seen = set()
    people = []
    for row in rows:
        if row.member_id not in seen:
            seen.add(row.member_id)
            people.append(
                Attendee(
                    member=row.member,
                    sector=row.sector or row.member.profile.primary_sector,
                    checked_in=row.checked_in_at is not None,
                )
            )
    return people


def details_from(event: Event) -> dict:
    """What the new-project form starts with, taken from the meetup: its title (as a
    suggestion), its summary, the sectors it was for and the transitions it was about."""
    return {
        "title": event.title[:_TITLE_MAX].strip(),
        "summary": event.summary[:_SUMMARY_MAX].strip(),
        "sectors": list(event.target_sectors),
        "transitions": list(event.target_transitions),
    }


# Starting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """A project started from a meetup: who was invited, and who could not be (and why)."""

    project: Project
    origin: ProjectOrigin
    invited: list[User] = field(default_factory=list)
    not_invited: list[tuple[User, str]] = field(default_factory=list)


def start_project_from_meetup(
    *,
    event: Event,
    by: User,
    details: ProjectDetails,
    invite: Collection[int] = (),
    message: str = "",
    image: CleanImage | None = None,
) -> Started:
    """Start a project from ``event`` with ``by`` as lead, and invite the people who came.

    One transaction: the project (``projects.services.start_project``, with its
    rules: onboarded, at most 5 a day), the origin row, and an invitation
    (``projects.services.invite_member``, its rules and its mail, sent after the
    commit) for each id of ``invite`` that is one of :func:`attendees`; ids of
    anyone else are ignored. An invitation that the projects app refuses (too
    many invitations today, ...) is rolled back on its own, in a savepoint, and
    returned in ``not_invited`` with the reason; the project stands.

    The meetup is read again but not locked: nothing here is scarce, two
    organisers starting at once simply start two projects, and holding the
    meetup's row would make sign-ups wait (their lock order is member, then
    meetup; start_project takes the member's row). Raises OriginNotAllowed,
    NotStartable, or the projects app's ProjectError (ProjectInvalid, TooMany).
    """
    current = (
        Event.objects.with_organised_by(by).filter(pk=event.pk).select_related("venue").first()
    )
    if current is None:
        raise OriginNotAllowed(_("This meetup cannot be found."))
    check = start_check(by, current)
    if not check.may:
        raise (OriginNotAllowed if not check.organises else NotStartable)(check.reason)
    with transaction.atomic():
        came = {person.member.pk: person.member for person in attendees(current, leave_out=by)}
        project = project_services.start_project(by=by, details=details, image=image)
        origin = ProjectOrigin.objects.create(
            project=project, event=current, started_by=by, created_at=timezone.now()
        )
        invited, not_invited = [], []
        for member_id in sorted(set(invite) & came.keys()):
            member = came[member_id]
            try:
                project_services.invite_member(
                    project=project, by=by, member=member, message=message
                )
            except ProjectError as error:
                not_invited.append((member, error.message))
            else:
                invited.append(member)
    return Started(project=project, origin=origin, invited=invited, not_invited=not_invited)


# Where it started, and what it started ----------------------------------------------------


@dataclass(frozen=True)
class StartedHere:
    """A project a meetup started, as its page lists it."""

    title: str
    url: str
    status: str
    status_label: str
    members_only: bool


def projects_started_at(event: Event, viewer) -> list[StartedHere]:
    """The projects ``event`` started that ``viewer`` may see (``Project.objects.visible_to``),
    oldest first; one query, however many there are."""
    rows = (
        Project.objects.visible_to(viewer)
        .filter(origin__event=event)
        .order_by("origin__created_at", "origin__pk")
        .values_list("title", "slug", "status", "visibility")
    )
    statuses = dict(Project.Status.choices)
    return [
        StartedHere(
            title=title,
            url=Project(slug=slug).get_absolute_url(),
            status=status,
            status_label=str(statuses.get(status, status)),
            members_only=visibility == Project.Visibility.MEMBERS,
        )
        for title, slug, status, visibility in rows
    ]


def origin_of(project: Project, viewer) -> ProjectOrigin | None:
    """Where ``project`` started, with its meetup, if ``viewer`` may see that meetup; one query."""
    origin = (
        ProjectOrigin.objects.filter(project_id=project.pk)
        .select_related("event")
        .only("pk", "project_id", "created_at", "event__title", "event__slug", "event__status",
              "event__starts_at", "event__ends_at")
        .first()
    )  # fmt: skip
    if origin is None or not origin.event.is_visible_to(viewer):
        return None
    return origin


# On the pages of meetups and projects (lef.hooks.object_links) ----------------------------

EVENT_TEMPLATE = "knowledge/origins/event_links.html"
PROJECT_TEMPLATE = "knowledge/origins/project_origin.html"


def object_links(obj, viewer) -> list[ObjectPart]:
    """A project's page: the meetup it started at. A meetup's page and door list: the
    projects it started, and for its organisers and coordinators the way to start one.

    One query for the projects or the origin; the start check reads the meetup
    as the page read it (``with_organised_by``).
    """
    if isinstance(obj, Project):
        origin = origin_of(obj, viewer)
        if origin is None:
            return []
        return [ObjectPart(template=PROJECT_TEMPLATE, context={"origin": origin})]
    if isinstance(obj, Event):
        started = projects_started_at(obj, viewer) if obj.has_started() else []
        check = start_check(viewer, obj)
        if not started and not check.organises:
            return []
        if not started and obj.is_cancelled:
            return []
        return [
            ObjectPart(
                template=EVENT_TEMPLATE,
                context={
                    "event": obj,
                    "projects": started,
                    "check": check,
                    "start_url": reverse("knowledge:start_from_meetup", kwargs={"slug": obj.slug}),
                },
            )
        ]
    return []


# Account deletion ---------------------------------------------------------------------------


def forget_starter(user) -> int:
    """Account deletion's step for origins: the projects ``user`` started from meetups no
    longer name them (as ``projects.services.anonymise_member`` does for ``created_by``).

    The origin itself stays: where a project started is about the project. Returns how
    many origins named them.
    """
    return ProjectOrigin.objects.filter(started_by=user).update(started_by=None)
