"""Every change to a project, its team and its updates, one function per action.

Each function owns its transaction, takes the lock it needs, re-checks the
rules after locking, and raises a :class:`ProjectError` (a
``lef.errors.DomainError`` with a translated message and an HTTP status) when
the action cannot be done; nothing is written then. Mail is decided inside
the transaction (who hears what, read under the lock) and rendered and
queued once it commits (``lef.notifications.after_commit``): never for a
change that rolled back, and not while others wait for the team's lock.
Views, admin actions and management commands call these; nothing else
writes memberships.

Locking: every action on a team locks the project's row first
(``SELECT … FOR UPDATE``) and only then reads its memberships, so two actions
on one team run one after the other and always in the same order (no
deadlocks). Capacity is counted from the active membership rows under that
lock, never from a stored counter: two leads approving the last free place
at the same moment cannot both succeed.

The rules that live here and nowhere else:

* capacity: a team never has more active members than ``max_team_size``;
* the last lead: a project with a team always keeps at least one lead; the
  last lead cannot leave, step down or be removed without naming another;
* who may join: onboarded members, of a project they may see, whose status
  is idea, looking or running.
"""

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lef import audit
from lef.coordinators import is_coordinator
from lef.errors import Conflict, DomainError, Invalid, NotAllowed, RateLimited
from lef.images import CleanImage, delete_after_commit, store_after_commit
from lef.notifications import NotificationKind, absolute_url, after_commit, notify
from lef.slugs import create_with_unique_slug, slug_base
from lef.validators import validate_multiline_text
from members.models import Profile, User
from projects.models import Membership, Project, ProjectUpdate

logger = logging.getLogger(__name__)

MAX_MOTIVATION_LENGTH = 1000
MAX_MESSAGE_LENGTH = 1000
MAX_UPDATE_LENGTH = 4000
MAX_DESCRIPTION_LENGTH = 10_000
# Slugs the URL map uses below /projects/ itself.
RESERVED_SLUGS = frozenset({"new"})

# Limits counted from stored rows: (window, most).
STARTS_PER_MEMBER = (timedelta(days=1), 5)
REQUESTS_PER_MEMBER = (timedelta(days=1), 20)
INVITATIONS_PER_LEAD = (timedelta(days=1), 30)
UPDATES_PER_AUTHOR = (timedelta(hours=1), 10)


# Errors ---------------------------------------------------------------------------------


class ProjectError(DomainError):
    """A project action that cannot be done; ``message`` says why."""


class ProjectInvalid(Invalid, ProjectError):  # noqa: N818 -- a domain outcome, like EventFull
    """Input that breaks a rule of the model; ``errors`` holds the messages per field."""

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "ProjectInvalid":
        errors = {
            field: [str(message) for message in messages]
            for field, messages in getattr(
                error, "message_dict", {"__all__": error.messages}
            ).items()
        }
        return cls(next(iter(errors.values()))[0], errors)


class ProjectNotAllowed(ProjectError, NotAllowed):  # noqa: N818 -- a domain outcome, like EventFull
    """The member may not do this (not a lead, not on the team, not onboarded)."""


class ProjectClosed(ProjectError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """Completed and archived projects take no new members."""


class ProjectFull(ProjectError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """The team has reached its maximum size."""


class AlreadyDone(ProjectError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """The state moved on: already on the team, already asked, no longer pending."""


class LastLead(ProjectError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """The project would be left without a lead."""


class TooMany(ProjectError, RateLimited):  # noqa: N818 -- a domain outcome, like EventFull
    """Too many of these actions lately."""


# Input ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectDetails:
    """What a lead fills in about a project: the start form and the edit form alike."""

    title: str
    summary: str
    description: str = ""
    sectors: Sequence[str] = ()
    transitions: Sequence[str] = ()
    core_activities: Sequence[str] = ()
    tags: Sequence[str] = ()
    status: str = Project.Status.IDEA
    start_date: date | None = None
    end_date: date | None = None
    looking_for_sectors: Sequence[str] = ()
    looking_for_roles: Sequence[str] = ()
    looking_for_text: str = ""
    max_team_size: int | None = None
    visibility: str = Project.Visibility.PUBLIC
    requires_approval: bool = True

    @classmethod
    def names(cls) -> list[str]:
        return [field.name for field in fields(cls)]

    @classmethod
    def of(cls, project: Project) -> "ProjectDetails":
        return cls(**{name: getattr(project, name) for name in cls.names()})

    def apply_to(self, project: Project) -> None:
        for name, given in asdict(self).items():
            value = list(given) if isinstance(given, tuple) else given
            if name in {"title", "summary"}:
                value = " ".join(value.split())
            elif isinstance(value, str):
                value = value.strip()
            setattr(project, name, value)
        project.description = project.description.strip()


# Helpers --------------------------------------------------------------------------------


def _lock(project: Project | int) -> Project:
    """The project's row, locked until the transaction ends (the team's lock)."""
    pk = project.pk if isinstance(project, Project) else project
    return Project.objects.select_for_update().defer("search_vector").get(pk=pk)


def _lock_member(user: User) -> None:
    """Lock the member's user row: their rate limits count rows under it."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()


def _require_onboarded(user: User) -> None:
    profile = Profile.objects.filter(pk=user.pk).first()
    if not (user.is_active and profile is not None and profile.is_onboarded):
        raise ProjectNotAllowed(
            _("Tell us who you are first: your sector and organisation. It takes a minute.")
        )


def _require_visible(project: Project, user: User) -> None:
    if not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        raise ProjectNotAllowed(_("This project cannot be found."))


def _membership_of(project: Project, user: User) -> Membership | None:
    """The user's current (asked, invited or active) membership; read under the project lock."""
    return (
        Membership.objects.filter(
            project=project, member=user, status__in=Membership.CURRENT_STATUSES
        )
        .select_related("member")
        .first()
    )


def _is_lead(project: Project, user: User) -> bool:
    return Membership.objects.leads().filter(project=project, member=user).exists()


def _require_lead(project: Project, by: User, *, coordinators: bool = True) -> None:
    """``by`` leads the project (or, where the rule allows, is a coordinator)."""
    if _is_lead(project, by):
        return
    if coordinators and is_coordinator(by):
        return
    raise ProjectNotAllowed(_("Only the project's leads can do this."))


def _active_count(project: Project) -> int:
    return Membership.objects.active().filter(project=project).count()


def _check_room(project: Project) -> None:
    """Raise unless one more person fits: an open status and a place left (``Project.is_full``).

    Call with the project's row locked (the count is only true under it).
    """
    if project.status == Project.Status.COMPLETED:
        raise ProjectClosed(_("This project is completed and takes no new team members."))
    if not project.is_open:
        raise ProjectClosed(_("This project is archived and takes no new team members."))
    if project.is_full(_active_count(project)):
        raise ProjectFull(
            ngettext(
                "The team is full: it has room for %(count)d person.",
                "The team is full: it has room for %(count)d people.",
                project.max_team_size,
            )
            % {"count": project.max_team_size}
        )


def check_max_team_size(max_team_size: int | None, *, active: int) -> None:
    """Raise ProjectInvalid when ``max_team_size`` is below the ``active`` team (leads included).

    The one rule behind :func:`update_project` (counting under the project's
    lock) and the admin form, which checks it first so that the coordinator
    sees it beside the field.
    """
    if max_team_size is not None and max_team_size < active:
        message = ngettext(
            "The team already has %(count)d member; the maximum cannot be lower.",
            "The team already has %(count)d members; the maximum cannot be lower.",
            active,
        ) % {"count": active}
        raise ProjectInvalid(message, {"max_team_size": [message]})


def _check_rate(queryset, limit: tuple[timedelta, int], message: str) -> None:
    window, most = limit
    if queryset.filter(created_at__gte=timezone.now() - window).count() >= most:
        raise TooMany(message)


def _touch(project: Project) -> None:
    """Mark the project as active now (sorting by "recently active")."""
    project.last_activity_at = timezone.now()
    Project.objects.filter(pk=project.pk).update(last_activity_at=project.last_activity_at)


def _leads(project: Project) -> list[User]:
    return [
        m.member
        for m in Membership.objects.leads().filter(project=project).select_related("member")
    ]


def _mail_context(project: Project, **extra) -> dict:
    return {
        "project": project,
        "project_url": absolute_url(project.get_absolute_url()),
        "team_url": absolute_url(reverse("projects:team", kwargs={"slug": project.slug})),
        "list_url": absolute_url(reverse("projects:list")),
        **extra,
    }


def _notify(recipient: User, key: str, template: str, project: Project, about=None, **extra):
    """Tell ``recipient`` about ``project`` once the transaction commits (``notify``
    with kind "projects"): at most once per ``key``, as they chose (at once, in
    their daily digest, or not at all). ``extra`` is what the mail says, read now.
    """
    after_commit(
        notify,
        recipient=recipient,
        kind=NotificationKind.PROJECTS,
        key=f"project:{project.pk}:{key}",
        template=f"projects/email/{template}",
        context=_mail_context(project, **extra),
        about=about,
    )


def _notify_leads(project: Project, key: str, template: str, *, about=None, skip=(), **extra):
    """:func:`_notify` each lead of the project as the team is now (under its lock)."""
    skipped = {user.pk for user in skip}
    for lead in _leads(project):
        if lead.pk not in skipped:
            _notify(lead, key, template, project, about=about, **extra)


def _clean_text(text: str, *, limit: int, what: str) -> str:
    """``text`` stripped; refused when too long or holding control or direction characters.

    Motivations, messages and updates are lines of text: LF and CR LF are kept.
    """
    text = (text or "").strip()
    if len(text) > limit:
        raise ProjectInvalid(
            _("%(what)s can be at most %(max)d characters long.") % {"what": what, "max": limit}
        )
    try:
        validate_multiline_text(text)
    except ValidationError as error:
        raise ProjectInvalid(error.messages[0]) from error
    return text


def _validate(project: Project, *, exclude: Sequence[str] = ()) -> None:
    if len(project.description) > MAX_DESCRIPTION_LENGTH:
        message = _("The description can be at most %(max)d characters long.") % {
            "max": MAX_DESCRIPTION_LENGTH
        }
        raise ProjectInvalid(message, {"description": [message]})
    try:
        project.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as error:
        raise ProjectInvalid.from_validation_error(error) from error


# Projects -------------------------------------------------------------------------------


def start_project(
    *, by: User, details: ProjectDetails, image: CleanImage | None = None
) -> Project:
    """Create a project with ``by`` as its first lead.

    ``by`` must have finished onboarding; at most 5 projects a day per member
    (counted from Project rows under the member's row lock). The slug is made
    from the title, unique (a clash with a concurrent start is retried in a
    savepoint), never "new". ``image`` is stored once the project is
    committed (lef.images). Raises ProjectNotAllowed, ProjectInvalid or TooMany.
    """
    _require_onboarded(by)
    project = Project(created_by=by)
    details.apply_to(project)
    _validate(project, exclude=["slug"])
    with transaction.atomic():
        _lock_member(by)
        _check_rate(
            Project.objects.filter(created_by=by),
            STARTS_PER_MEMBER,
            _("You have started several projects today. Please try again tomorrow."),
        )
        now = timezone.now()
        project.created_at = project.last_activity_at = now

        def create(slug: str) -> Project:
            project.slug = slug
            project.save(force_insert=True)
            return project

        create_with_unique_slug(
            Project,
            slug_base(
                project.title,
                max_length=Project._meta.get_field("slug").max_length,
                fallback="project",
            ),
            create,
            reserved=RESERVED_SLUGS,
        )
        Membership.objects.create(
            project=project,
            member=by,
            role=Membership.Role.LEAD,
            status=Membership.Status.ACTIVE,
            created_at=now,
            decided_at=now,
            joined_at=now,
            sector=_sector_of(by),
        )
        audit.record(project, "projects.project.started", actor=by)
        if image is not None:
            store_after_commit(instance=project, field="image", image=image)
    return project


def update_project(
    *,
    project: Project,
    by: User,
    details: ProjectDetails,
    image: CleanImage | None = None,
    remove_image: bool = False,
) -> Project:
    """Save the edit form: every field of ``details``; a new or removed image.

    Only a lead (or a coordinator, from the admin) may; an archived project is
    changed by coordinators only. The maximum team size cannot go below the
    current team (counted under the project's lock). A new image is stored
    after the commit, and a replaced or removed image's files are deleted then
    (lef.images). The slug stays, so links keep working. Set
    to completed or archived, it declines the requests and invitations still
    waiting and tells each asker.
    """
    with transaction.atomic():
        locked = _lock(project)
        _require_lead(locked, by)
        if locked.is_archived and not is_coordinator(by):
            raise ProjectNotAllowed(_("This project is archived. Ask a coordinator to reopen it."))
        before = ProjectDetails.of(locked)
        details.apply_to(locked)
        _validate(locked)
        check_max_team_size(locked.max_team_size, active=_active_count(locked))
        if image is not None:
            store_after_commit(instance=locked, field="image", image=image)
        elif remove_image and locked.image:
            delete_after_commit(locked.image)
            locked.image = ""
        locked.last_activity_at = timezone.now()
        locked.save()
        _record_edit(locked, before, by=by, image=image is not None or remove_image)
        if not locked.is_open:  # completed or archived: nobody can still join
            _close_pending(locked, by=by)
    for name in [*ProjectDetails.names(), "image", "last_activity_at", "updated_at"]:
        setattr(project, name, getattr(locked, name))
    return project


def _record_edit(project: Project, before: ProjectDetails, *, by: User, image: bool) -> None:
    """The history of an edit: a new status on its own line, the other fields by name."""
    after = ProjectDetails.of(project)
    changed = [
        name
        for name in ProjectDetails.names()
        if name != "status" and getattr(before, name) != getattr(after, name)
    ] + (["image"] if image else [])
    if before.status != after.status:
        audit.record(
            project,
            "projects.project.status_changed",
            actor=by,
            data={"from": before.status, "to": after.status},
        )
    if changed:
        audit.record(project, "projects.project.changed", actor=by, data={"fields": changed})


def set_featured(*, project: Project, by: User, featured: bool) -> Project:
    """Feature a project on the list (or stop): coordinators only."""
    if not is_coordinator(by):
        raise ProjectNotAllowed(_("Only coordinators can feature projects."))
    with transaction.atomic():
        locked = _lock(project)
        locked.is_featured = featured
        locked.save(update_fields=["is_featured", "updated_at"])
        audit.record(
            locked,
            "projects.project.featured" if featured else "projects.project.unfeatured",
            actor=by,
        )
    project.is_featured = featured
    return project


def archive_project(*, project: Project, by: User) -> Project:
    """Archive a project: coordinators, or its leads.

    An archived project stays readable but takes no new members, no updates
    and no edits by its leads. Requests and invitations still waiting are
    declined, and each asker is told.
    """
    with transaction.atomic():
        locked = _lock(project)
        _require_lead(locked, by)
        if locked.is_archived:
            raise AlreadyDone(_("This project is already archived."))
        locked.status = Project.Status.ARCHIVED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(locked, "projects.project.archived", actor=by)
        _close_pending(locked, by=by)
    project.status = locked.status
    return project


def _close_pending(project: Project, *, by: User) -> None:
    """Decline the requests and invitations still waiting, and tell each asker why."""
    now = timezone.now()
    pending = list(Membership.objects.pending().filter(project=project).select_related("member"))
    for membership in pending:
        membership.status = Membership.Status.DECLINED
        membership.decided_by = by
        membership.decided_at = now
        membership.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(membership, "projects.membership.closed", actor=by)
        _notify(
            membership.member,
            f"membership:{membership.pk}:closed",
            "project_closed",
            project,
            completed=project.status == Project.Status.COMPLETED,
        )


# Joining --------------------------------------------------------------------------------


def request_to_join(*, project: Project, member: User, motivation: str = "") -> Membership:
    """Ask to join ``project`` (or join at once when it needs no approval).

    With approval on, a request waits for a lead, and every lead gets a mail.
    With approval off the member is on the team at once (if there is room)
    and the leads are told. A member who was invited simply accepts the
    invitation. Locks the project's row, then counts the team.

    Raises ProjectNotAllowed (not onboarded, cannot see it), AlreadyDone
    (already on the team or asked), ProjectClosed, ProjectFull or TooMany
    (20 requests a day).
    """
    motivation = _clean_text(motivation, limit=MAX_MOTIVATION_LENGTH, what=_("Your motivation"))
    _require_onboarded(member)
    with transaction.atomic():
        _lock_member(member)
        locked = _lock(project)
        _require_visible(locked, member)
        current = _membership_of(locked, member)
        if current is not None and current.status == Membership.Status.INVITED:
            return _accept(locked, current)
        if current is not None and current.is_active:
            raise AlreadyDone(_("You are already on this team."))
        if current is not None:
            raise AlreadyDone(_("You have already asked to join; a lead will answer soon."))
        _check_room(locked)
        _check_rate(
            Membership.objects.filter(member=member, invited_by__isnull=True),
            REQUESTS_PER_MEMBER,
            _("You have asked to join many projects today. Please try again tomorrow."),
        )
        now = timezone.now()
        if locked.requires_approval:
            membership = Membership.objects.create(
                project=locked,
                member=member,
                status=Membership.Status.REQUESTED,
                motivation=motivation,
                created_at=now,
            )
            audit.record(membership, "projects.membership.requested", actor=member)
            _notify_leads(
                locked,
                f"request:{membership.pk}",
                "join_request",
                about=member,
                asker=member,
                motivation=motivation,
            )
        else:
            membership = Membership.objects.create(
                project=locked,
                member=member,
                status=Membership.Status.ACTIVE,
                motivation=motivation,
                created_at=now,
                joined_at=now,
                sector=_sector_of(member),
            )
            audit.record(membership, "projects.membership.joined", actor=member)
            _touch(locked)
            _notify_leads(
                locked,
                f"joined:{membership.pk}",
                "member_joined",
                about=member,
                newcomer=member,
                motivation=motivation,
            )
    return membership


def _pending(membership: Membership, status: str) -> tuple[Project, Membership]:
    """The membership's project (locked) and the membership as it is now, if still ``status``."""
    locked = _lock(membership.project_id)
    current = (
        Membership.objects.select_for_update()
        .select_related("member")
        .filter(pk=membership.pk, project=locked)
        .first()
    )
    if current is None or current.status != status:
        raise AlreadyDone(
            _("This request has already been answered.")
            if status == Membership.Status.REQUESTED
            else _("This invitation has already been answered.")
        )
    return locked, current


def approve_request(*, membership: Membership, by: User, message: str = "") -> Membership:
    """A lead (or coordinator) lets the asker onto the team; the asker gets a mail.

    Locks the project's row and counts the team under it, so two leads
    approving the last free place at once fill it once: the second gets
    ProjectFull. Also AlreadyDone (answered already), ProjectClosed,
    ProjectNotAllowed.
    """
    message = _clean_text(message, limit=MAX_MESSAGE_LENGTH, what=_("The message"))
    with transaction.atomic():
        locked, current = _pending(membership, Membership.Status.REQUESTED)
        _require_lead(locked, by)
        _check_room(locked)
        now = timezone.now()
        current.status = Membership.Status.ACTIVE
        current.decided_by = by
        current.decided_at = current.joined_at = now
        current.decided_message = message
        current.sector = _sector_of(current.member)
        current.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "joined_at",
                "decided_message",
                "sector",
            ]
        )
        audit.record(current, "projects.membership.approved", actor=by)
        _touch(locked)
        _notify(
            current.member,
            f"request:{current.pk}:approved",
            "request_approved",
            locked,
            about=by,
            message=message,
            lead=by,
        )
    return current


def decline_request(*, membership: Membership, by: User, message: str = "") -> Membership:
    """A lead (or coordinator) says no, with an optional message; the asker gets a mail."""
    message = _clean_text(message, limit=MAX_MESSAGE_LENGTH, what=_("The message"))
    with transaction.atomic():
        locked, current = _pending(membership, Membership.Status.REQUESTED)
        _require_lead(locked, by)
        current.status = Membership.Status.DECLINED
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decided_message = message
        current.save(update_fields=["status", "decided_by", "decided_at", "decided_message"])
        audit.record(current, "projects.membership.declined", actor=by)
        _notify(
            current.member,
            f"request:{current.pk}:declined",
            "request_declined",
            locked,
            about=by,
            message=message,
            lead=by,
        )
    return current


def withdraw_request(*, membership: Membership, member: User) -> Membership:
    """The asker takes their request back (it ends as "left", without joining)."""
    with transaction.atomic():
        _locked, current = _pending(membership, Membership.Status.REQUESTED)
        if current.member_id != member.pk:
            raise ProjectNotAllowed(_("This is not your request."))
        current.status = Membership.Status.LEFT
        current.ended_at = timezone.now()
        current.save(update_fields=["status", "ended_at"])
        audit.record(current, "projects.membership.withdrawn", actor=member)
    return current


def invite_member(*, project: Project, by: User, member: User, message: str = "") -> Membership:
    """A lead invites a member; the invitee gets a mail and accepts or declines.

    The invitee must be a listed member the lead can see. Someone who already
    asked to join is simply approved. Raises ProjectNotAllowed, AlreadyDone,
    ProjectClosed, ProjectFull (an invitation takes no place yet, but a full
    team should not invite), TooMany (30 a day per lead).
    """
    message = _clean_text(message, limit=MAX_MESSAGE_LENGTH, what=_("The message"))
    with transaction.atomic():
        _lock_member(by)
        locked = _lock(project)
        _require_lead(locked, by, coordinators=False)
        if not Profile.objects.visible_to(by).filter(user=member).exists():
            raise ProjectNotAllowed(_("This member cannot be found."))
        current = _membership_of(locked, member)
        if current is not None and current.status == Membership.Status.REQUESTED:
            return approve_request(membership=current, by=by, message=message)
        if current is not None and current.is_active:
            raise AlreadyDone(_("%(name)s is already on this team.") % {"name": member})
        if current is not None:
            raise AlreadyDone(_("%(name)s has already been invited.") % {"name": member})
        _check_room(locked)
        _check_rate(
            Membership.objects.filter(invited_by=by),
            INVITATIONS_PER_LEAD,
            _("You have sent many invitations today. Please try again tomorrow."),
        )
        membership = Membership.objects.create(
            project=locked,
            member=member,
            status=Membership.Status.INVITED,
            invited_by=by,
            motivation=message,
        )
        audit.record(membership, "projects.membership.invited", actor=by)
        _notify(
            member,
            f"invitation:{membership.pk}",
            "invitation",
            locked,
            about=by,
            lead=by,
            message=message,
        )
    return membership


def _sector_of(member: User) -> str:
    """The member's primary sector now, kept on a team membership when it starts.

    As a meetup sign-up keeps it: what the dashboard counts per sector stays
    true after the member changes sector or deletes their account. Reads the
    profile already loaded with ``member`` if it is, else one small query.
    """
    if "profile" in member._state.fields_cache:
        return member.profile.primary_sector
    return (
        Profile.objects.filter(user_id=member.pk).values_list("primary_sector", flat=True).first()
        or ""
    )


def _accept(project: Project, membership: Membership) -> Membership:
    _check_room(project)
    now = timezone.now()
    membership.status = Membership.Status.ACTIVE
    membership.decided_at = membership.joined_at = now
    membership.decided_by = membership.member
    membership.sector = _sector_of(membership.member)
    membership.save(update_fields=["status", "decided_at", "joined_at", "decided_by", "sector"])
    audit.record(membership, "projects.membership.accepted", actor=membership.member)
    _touch(project)
    _notify_leads(
        project,
        f"invitation:{membership.pk}:accepted",
        "invitation_accepted",
        about=membership.member,
        newcomer=membership.member,
    )
    return membership


def accept_invitation(*, membership: Membership, member: User) -> Membership:
    """The invitee joins the team (if there is room); the leads are told."""
    with transaction.atomic():
        locked, current = _pending(membership, Membership.Status.INVITED)
        if current.member_id != member.pk:
            raise ProjectNotAllowed(_("This invitation is for someone else."))
        return _accept(locked, current)


def decline_invitation(*, membership: Membership, member: User) -> Membership:
    """The invitee says no thanks; the leads are told."""
    with transaction.atomic():
        locked, current = _pending(membership, Membership.Status.INVITED)
        if current.member_id != member.pk:
            raise ProjectNotAllowed(_("This invitation is for someone else."))
        current.status = Membership.Status.DECLINED
        current.decided_by = member
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(current, "projects.membership.declined_invitation", actor=member)
        _notify_leads(
            locked,
            f"invitation:{current.pk}:declined",
            "invitation_declined",
            about=member,
            invitee=member,
        )
    return current


# The team -------------------------------------------------------------------------------


def _promote(
    project: Project, new_lead: User | None, *, leaving: User, by: User | None = None
) -> Membership | None:
    """Make ``new_lead`` (an active team member other than ``leaving``) a lead."""
    if new_lead is None:
        return None
    target = (
        Membership.objects.active()
        .select_for_update()
        .filter(project=project, member=new_lead)
        .exclude(member=leaving)
        .first()
    )
    if target is None:
        raise ProjectInvalid(_("Choose someone who is on the team as the new lead."))
    if target.role != Membership.Role.LEAD:
        target.role = Membership.Role.LEAD
        target.save(update_fields=["role"])
        audit.record(target, "projects.membership.made_lead", actor=by, data={"from": leaving.pk})
        _notify(target.member, f"membership:{target.pk}:lead", "now_lead", project)
    return target


def _keep_a_lead(
    project: Project, leaving: Membership, new_lead: User | None, *, by: User | None = None
) -> None:
    """Raise LastLead unless someone other than ``leaving`` leads (or ``new_lead`` will)."""
    if leaving.role != Membership.Role.LEAD:
        return
    _promote(project, new_lead, leaving=leaving.member, by=by)
    others = Membership.objects.leads().filter(project=project).exclude(pk=leaving.pk)
    if others.exists():
        return
    if not Membership.objects.active().filter(project=project).exclude(pk=leaving.pk).exists():
        raise LastLead(
            _(
                "You are the only one on this team. Invite someone to take over, "
                "or archive the project instead."
            )
        )
    raise LastLead(_("A project always needs a lead: choose who takes over as lead first."))


def leave_project(*, project: Project, member: User, new_lead: User | None = None) -> Membership:
    """``member`` leaves the team; a last lead must name ``new_lead`` from the team first."""
    with transaction.atomic():
        locked = _lock(project)
        current = _membership_of(locked, member)
        if current is None or not current.is_active:
            raise AlreadyDone(_("You are not on this team."))
        _keep_a_lead(locked, current, new_lead, by=member)
        current.status = Membership.Status.LEFT
        current.ended_at = timezone.now()
        current.save(update_fields=["status", "ended_at"])
        audit.record(current, "projects.membership.left", actor=member)
        _notify_leads(
            locked,
            f"membership:{current.pk}:left",
            "member_left",
            about=member,
            skip=[member],
            leaver=member,
        )
    return current


def remove_member(*, membership: Membership, by: User, new_lead: User | None = None) -> Membership:
    """A lead (or coordinator) takes someone off the team; they get a mail.

    Removing yourself is leaving (:func:`leave_project`). The last lead can be
    removed only by a coordinator who names ``new_lead``.
    """
    with transaction.atomic():
        locked = _lock(membership.project_id)
        _require_lead(locked, by)
        current = Membership.objects.filter(pk=membership.pk, project=locked).first()
        if current is None or not current.is_active:
            raise AlreadyDone(_("This person is not on the team (any more)."))
        if current.member_id == by.pk:
            raise ProjectNotAllowed(_("To take yourself off the team, leave the project."))
        _keep_a_lead(locked, current, new_lead, by=by)
        current.status = Membership.Status.REMOVED
        current.ended_at = timezone.now()
        current.decided_by = by
        current.save(update_fields=["status", "ended_at", "decided_by"])
        audit.record(current, "projects.membership.removed", actor=by)
        _notify(current.member, f"membership:{current.pk}:removed", "member_removed", locked)
    return current


def change_role(*, membership: Membership, by: User, role: str) -> Membership:
    """Make a team member a lead, or a lead a team member again (never the last lead)."""
    if role not in Membership.Role.values:
        raise ProjectInvalid(_("Choose lead or team member."))
    with transaction.atomic():
        locked = _lock(membership.project_id)
        _require_lead(locked, by)
        current = (
            Membership.objects.filter(pk=membership.pk, project=locked)
            .select_related("member")
            .first()
        )
        if current is None or not current.is_active:
            raise AlreadyDone(_("This person is not on the team (any more)."))
        if current.role == role:
            return current
        others = Membership.objects.leads().filter(project=locked).exclude(pk=current.pk)
        if role == Membership.Role.MEMBER and not others.exists():
            raise LastLead(_("A project always needs a lead: make someone else lead first."))
        current.role = role
        current.save(update_fields=["role"])
        audit.record(
            current,
            "projects.membership.made_lead"
            if role == Membership.Role.LEAD
            else "projects.membership.made_member",
            actor=by,
        )
        if role == Membership.Role.LEAD:
            _notify(current.member, f"membership:{current.pk}:lead", "now_lead", locked)
    return current


def hand_over_lead(*, project: Project, by: User, to: User) -> Membership:
    """The lead ``by`` makes ``to`` lead and becomes a team member themselves."""
    with transaction.atomic():
        locked = _lock(project)
        own = _membership_of(locked, by)
        if own is None or not own.is_lead:
            raise ProjectNotAllowed(_("Only the project's leads can do this."))
        target = _promote(locked, to, leaving=by, by=by)
        own.role = Membership.Role.MEMBER
        own.save(update_fields=["role"])
        audit.record(own, "projects.membership.handed_over_lead", actor=by, data={"to": to.pk})
    return target


# Updates --------------------------------------------------------------------------------


def post_update(
    *, project: Project, author: User, text: str, image: CleanImage | None = None
) -> ProjectUpdate:
    """A team member posts an update; the team hears of it in the next digest.

    ``image`` is stored once the update is committed (lef.images).

    At most 10 an hour per author. Raises ProjectNotAllowed (not on the team,
    archived project), ProjectInvalid (empty or too long) or TooMany.
    """
    text = _clean_text(text, limit=MAX_UPDATE_LENGTH, what=_("An update"))
    if not text:
        raise ProjectInvalid(_("Write a few words for your update."), {"text": []})
    with transaction.atomic():
        locked = _lock(project)
        current = _membership_of(locked, author)
        if current is None or not current.is_active:
            raise ProjectNotAllowed(_("Only team members can post updates."))
        if locked.is_archived:
            raise ProjectNotAllowed(_("This project is archived."))
        _check_rate(
            ProjectUpdate.objects.filter(author=author),
            UPDATES_PER_AUTHOR,
            _("You have posted many updates this hour. Please try again later."),
        )
        update = ProjectUpdate.objects.create(project=locked, author=author, text=text)
        _touch(locked)
        if image is not None:
            store_after_commit(instance=update, field="image", image=image)
    project.last_activity_at = locked.last_activity_at
    return update


def hide_update(*, update: ProjectUpdate, by: User, hidden: bool = True) -> ProjectUpdate:
    """A lead (or coordinator) hides an update from the page and digests, or shows it again."""
    with transaction.atomic():
        locked = _lock(update.project_id)
        _require_lead(locked, by)
        current = ProjectUpdate.objects.select_for_update().get(pk=update.pk, project=locked)
        current.is_hidden = hidden
        current.hidden_by = by if hidden else None
        current.hidden_at = timezone.now() if hidden else None
        current.save(update_fields=["is_hidden", "hidden_by", "hidden_at"])
    return current


# Digests --------------------------------------------------------------------------------


def send_update_digest(*, project_id: int) -> int:
    """Mail the team of one project its new updates in one mail each; return how many
    team members it is for.

    Takes the project's undigested, shown updates with ``SELECT … FOR UPDATE
    SKIP LOCKED``: a second run at the same moment skips the ones this run
    holds, and once they are marked digested a rerun finds nothing. Each
    active team member with updates written by others gets one notice (kind
    "projects", as they chose: at once, in their daily digest, or not at
    all), rendered and queued once the updates are marked digested and
    committed, so a lead hiding an update never waits for the rendering; the
    key names the newest update in it, so the same digest is never stored
    twice either.
    """
    with transaction.atomic():
        updates = list(
            ProjectUpdate.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(project_id=project_id, digested_at__isnull=True, is_hidden=False)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        if not updates:
            return 0
        project = Project.objects.defer("search_vector").get(pk=project_id)
        newest = max(update.pk for update in updates)
        addressed = 0
        team = Membership.objects.active().filter(project=project).select_related("member")
        for membership in team:
            theirs = [u for u in updates if u.author_id != membership.member_id]
            if not theirs:
                continue
            _notify(
                membership.member,
                f"updates:{newest}",
                "updates_digest",
                project,
                updates=theirs,
                count=len(theirs),
            )
            addressed += 1
        ProjectUpdate.objects.filter(pk__in=[u.pk for u in updates]).update(
            digested_at=timezone.now()
        )
    return addressed


def send_update_digests() -> tuple[int, int]:
    """Send every project with new updates its digest; return (projects, team members).

    One transaction per project (see :func:`send_update_digest`), so one
    failure does not hold back the others.
    """
    project_ids = list(
        ProjectUpdate.objects.filter(digested_at__isnull=True, is_hidden=False)
        .order_by("project_id")
        .values_list("project_id", flat=True)
        .distinct()
    )
    projects = mails = 0
    for project_id in project_ids:
        count = send_update_digest(project_id=project_id)
        projects += 1
        mails += count
    return projects, mails


# Deactivated and deleted accounts -------------------------------------------------------


def _successor(project: Project, *, leaving: Membership) -> Membership | None:
    """Who takes over from a last lead who goes: the longest-serving active team member
    whose account is active (not ``leaving``), or None when there is nobody."""
    return (
        Membership.objects.active()
        .filter(project=project, member__is_active=True)
        .exclude(pk=leaving.pk)
        .select_related("member")
        .order_by("joined_at", "pk")
        .first()
    )


@dataclass(frozen=True)
class HandOver:
    """A project whose last lead was deactivated, and who leads it now (None: nobody could)."""

    project: Project
    to: User | None


def hand_over_leads(*, member: User) -> list[HandOver]:
    """Hand over the projects ``member`` is the last lead of: their account is deactivated.

    A project that another active member also leads needs nothing. Otherwise
    the longest-serving active team member becomes lead and is told, and
    ``member`` stays on the team as a team member (as after
    :func:`hand_over_lead`). A project with nobody else on its team keeps its
    lead (a coordinator can archive it), and is returned with ``to=None``.
    Archived projects are left as they are. Locks each project's row, in id
    order, in the caller's transaction.
    """
    project_ids = list(
        Membership.objects.leads()
        .filter(member=member)
        .exclude(project__status=Project.Status.ARCHIVED)
        .order_by("project_id")
        .values_list("project_id", flat=True)
    )
    handed = []
    with transaction.atomic():
        for project_id in project_ids:
            locked = _lock(project_id)
            current = _membership_of(locked, member)
            if current is None or not current.is_lead or locked.is_archived:
                continue
            others = Membership.objects.leads().filter(project=locked, member__is_active=True)
            if others.exclude(pk=current.pk).exists():
                continue
            successor = _successor(locked, leaving=current)
            if successor is None:
                handed.append(HandOver(project=locked, to=None))
                continue
            _promote(locked, successor.member, leaving=member)
            current.role = Membership.Role.MEMBER
            current.save(update_fields=["role"])
            handed.append(HandOver(project=locked, to=successor.member))
    return handed


def anonymise_member(user: User) -> None:
    """Account deletion's step for projects (members.privacy runs it in its transaction).

    The member leaves every team (a last lead hands over to the longest-serving
    team member; a project with nobody left is archived), their requests and
    invitations are closed, and their own words in requests (motivations,
    messages) are cleared. Their updates stay on the project pages, shown as by
    "a former member"; the projects they started no longer name them.
    """
    now = timezone.now()
    memberships = list(
        Membership.objects.filter(member=user)
        .order_by("project_id")
        .values_list("project_id", flat=True)
        .distinct()
    )
    for project_id in memberships:
        locked = _lock(project_id)
        current = _membership_of(locked, user)
        if current is None:
            continue
        if (
            current.is_lead
            and not Membership.objects.leads()
            .filter(project=locked)
            .exclude(pk=current.pk)
            .exists()
        ):
            successor = _successor(locked, leaving=current)
            if successor is not None:
                _promote(locked, successor.member, leaving=user)
            else:
                locked.status = Project.Status.ARCHIVED
                locked.save(update_fields=["status", "updated_at"])
                _close_pending(locked, by=user)
        current.status = (
            Membership.Status.LEFT if current.is_active else Membership.Status.DECLINED
        )
        current.ended_at = now
        current.save(update_fields=["status", "ended_at"])
    Membership.objects.filter(member=user).update(motivation="", decided_message="")
    ProjectUpdate.objects.filter(author=user).update(author=None)
    Project.objects.filter(created_by=user).update(created_by=None)


def export_member(user: User) -> dict:
    """The member's own project data for their GDPR export (members.privacy)."""
    memberships = Membership.objects.filter(member=user).select_related("project")
    return {
        "memberships": [
            {
                "project": m.project.title,
                "project_url": absolute_url(m.project.get_absolute_url()),
                "role": m.role,
                "status": m.status,
                "motivation": m.motivation,
                "asked_or_invited_at": m.created_at,
                "joined_at": m.joined_at,
                "ended_at": m.ended_at,
            }
            for m in memberships.order_by("created_at", "pk")
        ],
        "projects_started": [
            {
                "title": p.title,
                "url": absolute_url(p.get_absolute_url()),
                "created_at": p.created_at,
            }
            for p in Project.objects.filter(created_by=user).order_by("created_at", "pk")
        ],
        "updates": [
            {
                "project": u.project.title,
                "text": u.text,
                "posted_at": u.created_at,
                "hidden": u.is_hidden,
            }
            for u in ProjectUpdate.objects.filter(author=user)
            .select_related("project")
            .order_by("created_at", "pk")
        ],
    }
