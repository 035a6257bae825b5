"""Projects, who is on their team (and who asked or was invited), and their updates.

Rules with a lock or a count (capacity, the last lead, who may join) live in
``projects.services``; what PostgreSQL can enforce on its own is a constraint
here: one current membership (asked, invited or active) per person per
project, and the search vector, a generated column that cannot go stale.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Role, Sector, Transition
from lef.images import ImageKind, StoredImageField
from lef.tags import TagsField
from lef.templatetags.lef_tags import day_label
from lef.validators import validate_multiline_text, validate_plain_text

TITLE_MAX_LENGTH = 120
SUMMARY_MAX_LENGTH = 280
LOOKING_FOR_MAX_LENGTH = 280
MAX_TEAM_SIZE = 500
# Project and update images: 480 for cards and the feed (and 240 px at 2x), 960
# for the project page's header and sharp cards on high-density screens. Fitted,
# never cropped: a landscape photo stays landscape.
PROJECT_IMAGES = ImageKind("projects", sizes=(480, 960), max_pixels=25_000_000)


def sector_array(verbose_name):
    return ArrayField(
        models.CharField(max_length=8, choices=Sector.choices),
        verbose_name=verbose_name,
        default=list,
        blank=True,
    )


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may open: :meth:`Project.visibilities_for` as a filter.

        The list, the overview, profile sections and the services' re-checks
        ask this; the check on one project (``Project.is_visible_to``, behind
        ``projects.permissions``) reads the same rule. When every visibility
        passes (members), no condition is added, so the list's count stays an
        index-only scan.
        """
        visibilities = Project.visibilities_for(user)
        if visibilities == frozenset(Project.Visibility.values):
            return self.all()
        return self.filter(visibility__in=sorted(visibilities))

    def listed(self):
        """Projects the list shows unless asked for a status: all but archived ones."""
        return self.exclude(status=Project.Status.ARCHIVED)

    def open_to_join(self):
        """Projects whose status still lets people join (fullness is counted elsewhere)."""
        return self.filter(status__in=Project.OPEN_STATUSES)


class Project(models.Model):
    """A collaboration of members, usually across sectors, with a team and updates."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        LOOKING = "looking", _("Looking for people")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        ARCHIVED = "archived", _("Archived")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members only")

    # Statuses in which a project takes new team members.
    OPEN_STATUSES = (Status.IDEA, Status.LOOKING, Status.RUNNING)

    title = models.CharField(
        _("title"), max_length=TITLE_MAX_LENGTH, validators=[validate_plain_text]
    )
    slug = models.SlugField(_("address"), max_length=TITLE_MAX_LENGTH + 10, unique=True)
    summary = models.CharField(
        _("summary"), max_length=SUMMARY_MAX_LENGTH, validators=[validate_plain_text]
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_multiline_text]
    )
    image = StoredImageField(
        _("image"),
        kind=PROJECT_IMAGES,
        editable=False,
        help_text=_("Storage name stem of the image; sizes are stored beside it."),
    )
    sectors = sector_array(_("sectors involved"))
    transitions = ArrayField(
        models.CharField(max_length=8, choices=Transition.choices),
        verbose_name=_("transitions"),
        default=list,
        blank=True,
    )
    core_activities = ArrayField(
        models.CharField(max_length=20, choices=CoreActivity.choices),
        verbose_name=_("core activities"),
        default=list,
        blank=True,
    )
    tags = TagsField(verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IDEA
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    looking_for_sectors = sector_array(_("looking for sectors"))
    looking_for_roles = ArrayField(
        models.CharField(max_length=20, choices=Role.choices),
        verbose_name=_("looking for roles"),
        default=list,
        blank=True,
    )
    looking_for_text = models.CharField(
        _("looking for"),
        max_length=LOOKING_FOR_MAX_LENGTH,
        blank=True,
        validators=[validate_plain_text],
    )
    max_team_size = models.PositiveSmallIntegerField(
        _("maximum team size"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(MAX_TEAM_SIZE)],
        help_text=_("Leads included. Leave empty for no maximum."),
    )
    visibility = models.CharField(
        _("who can see it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    requires_approval = models.BooleanField(_("joining needs a lead's approval"), default=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="started_projects",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_activity_at = models.DateTimeField(
        _("last activity"), default=timezone.now, editable=False
    )
    # Computed by the database on every insert and update (migration 0001's
    # trigger), whatever writes the row: a form, the admin, update(), raw SQL.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        # Not "projects": the app's name, so the admin's path would read "Projects > Projects".
        verbose_name_plural = _("project pages")
        ordering = ["-created_at"]
        permissions = [("feature_project", _("Can feature and archive projects on the site"))]
        indexes = [
            GinIndex(fields=["search_vector"], name="projects_project_search_gin"),
            GinIndex(fields=["sectors"], name="projects_project_sectors_gin"),
            GinIndex(fields=["tags"], name="projects_project_tags_gin"),
            GinIndex(fields=["looking_for_sectors"], name="projects_project_looking_gin"),
            # Index-only scans instead of reading every (wide) row: the list's count,
            # and the ranking of projects for a member (projects.queries.projects_for).
            models.Index(
                fields=["status"],
                include=[
                    "looking_for_sectors",
                    "looking_for_roles",
                    "core_activities",
                    "tags",
                    "last_activity_at",
                    "id",
                ],
                name="projects_status_idx",
            ),
            # What a visitor may see, read from the index alone: the public list's
            # count, and the public projects the knowledge library joins for a visitor.
            models.Index(fields=["visibility", "status", "id"], name="projects_visibility_idx"),
            models.Index(fields=["-is_featured", "-created_at"], name="projects_featured_idx"),
            models.Index(fields=["-created_at"], name="projects_created_idx"),
            models.Index(fields=["-last_activity_at"], name="projects_activity_idx"),
            models.Index(fields=["start_date"], name="projects_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="projects_project_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    @staticmethod
    def visibilities_for(user) -> frozenset[str]:
        """Who may see a project, the one rule: signed-in members see every project,
        visitors the public ones (whatever the status: an archived project stays readable).

        :meth:`ProjectQuerySet.visible_to` filters by it and :meth:`is_visible_to`
        checks one project by it, so a list and a page cannot disagree.
        """
        if user is not None and user.is_authenticated:
            return frozenset(Project.Visibility.values)
        return frozenset({Project.Visibility.PUBLIC})

    def is_visible_to(self, user) -> bool:
        """Whether ``user`` may open this project (:meth:`visibilities_for`); no query."""
        return self.visibility in self.visibilities_for(user)

    def is_full(self, team_size: int) -> bool:
        """Whether a team of ``team_size`` active members (leads included) has no place left.

        The one capacity rule: the services refuse a newcomer by it (counting
        under the project's lock), the list, the page and the suggestions say
        "full" by it.
        """
        return self.max_team_size is not None and team_size >= self.max_team_size

    @property
    def is_open(self) -> bool:
        """Whether the status lets people join (a full team is checked by the services)."""
        return self.status in self.OPEN_STATUSES

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    def clean(self):
        for name in ("sectors", "transitions", "core_activities", "looking_for_sectors"):
            setattr(self, name, list(dict.fromkeys(getattr(self, name))))
        self.looking_for_roles = list(dict.fromkeys(self.looking_for_roles))
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def leads(self):
        return self.active().filter(role=Membership.Role.LEAD)

    def pending(self):
        """Requests waiting for a lead, and invitations waiting for the invitee."""
        return self.filter(status__in=Membership.PENDING_STATUSES)


class Membership(models.Model):
    """A person's place on a project's team, from asking or being invited to leaving.

    The row is kept when the status moves on (declined, left, removed): who was
    on which team stays countable. A person has at most one *current* row per
    project (asked, invited or active): a partial unique constraint, so two
    requests at once cannot both get in.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        MEMBER = "member", _("Team member")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("On the team")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    PENDING_STATUSES = (Status.REQUESTED, Status.INVITED)
    CURRENT_STATUSES = (Status.REQUESTED, Status.INVITED, Status.ACTIVE)

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships"
    )
    # PROTECT: deleting a user must not take their memberships (and the last-lead
    # rule) with it; accounts are anonymised (members.privacy), never deleted.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="project_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    motivation = models.TextField(
        _("motivation"), blank=True, validators=[validate_multiline_text]
    )
    decided_message = models.TextField(
        _("message with the decision"), blank=True, validators=[validate_multiline_text]
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked or invited at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    # The member's primary sector when they joined the team (the services fill
    # it with joined_at), as a meetup sign-up keeps it: the dashboard's sector
    # figures hold after they change sector or delete their account.
    sector = models.CharField(_("sector"), max_length=8, choices=Sector.choices, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["created_at", "pk"]
        constraints = [
            # One active membership per person per project, and no second
            # request or invitation beside it (or beside each other).
            models.UniqueConstraint(
                fields=["project", "member"],
                condition=models.Q(status__in=["requested", "invited", "active"]),
                name="projects_one_current_membership",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="projects_member_status_idx"),
            models.Index(fields=["project", "status"], name="projects_team_status_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.project}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_lead(self) -> bool:
        return self.is_active and self.role == self.Role.LEAD


class ProjectUpdateQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(is_hidden=False)


class ProjectUpdate(models.Model):
    """A short post by a team member on the project page; leads can hide it.

    Mailed to the team in a digest (``send_project_update_digests``), not one
    mail per post: ``digested_at`` says it has been in one.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_updates",
    )
    text = models.TextField(_("text"), validators=[validate_multiline_text])
    image = StoredImageField(_("image"), kind=PROJECT_IMAGES, editable=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, editable=False)
    digested_at = models.DateTimeField(_("in a digest since"), null=True, blank=True)

    objects = ProjectUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "-created_at"], name="projects_update_feed_idx"),
            models.Index(
                fields=["project"],
                name="projects_update_undigested",
                condition=models.Q(digested_at__isnull=True, is_hidden=False),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {day_label(self.created_at)}"  # the day in Amsterdam
