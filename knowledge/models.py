"""What projects publish: results (a file, a link, what the team learned) and who made them.

A result belongs to a project and outlives its end: it stays when the project
is completed or archived, and when an author deletes their account (the author
row keeps no name then, and the page says "a former member"). Who may see a
result is one rule, :meth:`Result.visibilities_for` with the project's own, so
a result is never more public than its project.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Sector, Transition
from lef.documents import DocumentKind, StoredDocumentField
from lef.validators import validate_multiline_text, validate_plain_text
from projects.models import Project

TITLE_MAX_LENGTH = 160
SUMMARY_MAX_LENGTH = 400
# A result's file: checked by its content and stored through lef.documents.
RESULT_FILES = DocumentKind("results")


class ResultQuerySet(models.QuerySet):
    def published(self):
        """Results not hidden by a coordinator."""
        return self.filter(hidden_at__isnull=True)

    def visible_to(self, user):
        """What ``user`` may open, as a filter: the same rule as :meth:`Result.is_visible_to`.

        Visitors: public results of public projects. Members: every result
        that is not hidden. A hidden result is still seen by coordinators and by
        the project's team (elsewhere: the project's own pages).
        """
        if user is not None and user.is_authenticated:
            return self.published()
        return self.published().filter(
            visibility=Result.Visibility.PUBLIC, project__visibility=Project.Visibility.PUBLIC
        )


class Result(models.Model):
    """One thing a project made for others to use: a report, lesson material, research, a tool."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        LESSON_MATERIAL = "lesson_material", _("Lesson material")
        RESEARCH = "research", _("Research")
        TOOL = "tool", _("Tool")

    class Licence(models.TextChoices):
        CC_BY = "cc-by", _("CC BY 4.0 (attribution)")
        CC_BY_SA = "cc-by-sa", _("CC BY-SA 4.0 (attribution, share alike)")
        CC_BY_NC = "cc-by-nc", _("CC BY-NC 4.0 (attribution, non-commercial)")
        CC_BY_NC_SA = (
            "cc-by-nc-sa",
            _("CC BY-NC-SA 4.0 (attribution, non-commercial, share alike)"),
        )
        CC0 = "cc0", _("CC0 1.0 (public domain)")
        ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members only")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="results"
    )
    title = models.CharField(
        _("title"), max_length=TITLE_MAX_LENGTH, validators=[validate_plain_text]
    )
    # The permanent address: never changes once given, whatever the title becomes.
    slug = models.SlugField(_("address"), max_length=TITLE_MAX_LENGTH + 10, unique=True)
    summary = models.CharField(
        _("summary"), max_length=SUMMARY_MAX_LENGTH, validators=[validate_plain_text]
    )
    learned = models.TextField(
        _("what we learned"), blank=True, validators=[validate_multiline_text]
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    sectors = ArrayField(
        models.CharField(max_length=8, choices=Sector.choices),
        verbose_name=_("sectors"),
        default=list,
        blank=True,
    )
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
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices)
    visibility = models.CharField(
        _("who can see it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    link = models.URLField(_("link"), max_length=500, blank=True)

    # The file, stored through lef.documents: the storage name (empty: no file),
    # the name it had when uploaded (for the download), its checked type and size.
    file = StoredDocumentField(_("file"), kind=RESULT_FILES)
    file_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)
    file_type = models.CharField(_("file type"), max_length=20, blank=True, editable=False)
    file_size = models.PositiveIntegerField(_("file size"), default=0, editable=False)
    # The file's words, extracted by a task (knowledge.tasks) for the search.
    file_text = models.TextField(_("text in the file"), blank=True, editable=False)

    downloads = models.PositiveIntegerField(_("downloads"), default=0, editable=False)

    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True, editable=False)
    hidden_reason = models.TextField(
        _("why it is hidden"), blank=True, validators=[validate_multiline_text]
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="added_results",
    )
    created_at = models.DateTimeField(_("published at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-created_at"]
        permissions = [("hide_result", _("Can hide results in the knowledge library"))]
        indexes = [
            GinIndex(fields=["search_vector"], name="knowledge_result_search_gin"),
            GinIndex(fields=["sectors"], name="knowledge_result_sectors_gin"),
            GinIndex(fields=["transitions"], name="knowledge_result_trans_gin"),
            models.Index(
                fields=["-created_at"],
                condition=Q(hidden_at__isnull=True),
                name="knowledge_result_new_idx",
            ),
            # The list's count under any filter, from the index alone: the
            # filters' columns, and the project for a visitor's join with
            # projects_visibility_idx (public results of public projects).
            models.Index(
                fields=["kind", "licence"],
                include=["visibility", "project", "sectors", "transitions", "core_activities"],
                condition=Q(hidden_at__isnull=True),
                name="knowledge_result_filter_idx",
            ),
        ]
        constraints = [
            # A file counts from the moment it is accepted (its name is kept in
            # the same transaction); lef.documents stores it just after commit.
            models.CheckConstraint(
                condition=~Q(file_name="") | ~Q(link="") | ~Q(learned=""),
                name="knowledge_result_has_content",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:result", kwargs={"slug": self.slug})

    @staticmethod
    def visibilities_for(user) -> frozenset[str]:
        """Which result visibilities ``user`` may see (the project's rule comes on top)."""
        if user is not None and user.is_authenticated:
            return frozenset(Result.Visibility.values)
        return frozenset({Result.Visibility.PUBLIC})

    def is_visible_to(self, user) -> bool:
        """Whether ``user`` may open this published result; reads ``self.project``."""
        return (
            self.hidden_at is None
            and self.visibility in self.visibilities_for(user)
            and self.project.is_visible_to(user)
        )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    # The labels by the choices' enums: a list of twenty cards asks for forty of them,
    # and get_FOO_display() builds a dict of all choices on every call.
    @property
    def kind_label(self) -> str:
        return Result.Kind(self.kind).label

    @property
    def licence_label(self) -> str:
        return Result.Licence(self.licence).label


class PublishingSetting(models.Model):
    """Whether a project's leads let every team member add results (no row: only leads).

    Leads always may; a lead switches this on for the whole team. Kept here, not
    on the project, because publishing is this app's business.
    """

    project = models.OneToOneField(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="publishing_setting",
    )
    team_may_publish = models.BooleanField(_("team members may add results"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("publishing setting")
        verbose_name_plural = _("publishing settings")

    def __str__(self):
        return str(self.project)


class Author(models.Model):
    """A team member named as an author of a result, once they agreed to be named.

    When the member deletes their account the row stays without them (the page
    says "a former member"), unless they withdrew the result before.
    """

    result = models.ForeignKey(
        Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="authors"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_results",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # None: asked, not answered yet; only authors who agreed are shown.
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "member"], name="knowledge_author_once_per_result"
            ),
        ]

    def __str__(self):
        return str(self.member) if self.member_id else str(_("a former member"))


class ResultReport(models.Model):
    """A member's report that a result should not be in the library; a coordinator handles it."""

    result = models.ForeignKey(
        Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), validators=[validate_multiline_text])
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, editable=False)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report about a result")
        verbose_name_plural = _("reports about results")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "reporter"],
                condition=Q(handled_at__isnull=True),
                name="knowledge_one_open_report_per_member",
            ),
        ]

    def __str__(self):
        return self.result.title


class ProjectOrigin(models.Model):
    """Where a project started: the meetup it was started from (knowledge.origins).

    Written with the project, in the same transaction, when an organiser or a
    coordinator starts a project from a meetup. A project starts at most once;
    a meetup may start several projects (two organisers at once: two projects).
    """

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="origin"
    )
    # PROTECT, as a meetup's registrations: a meetup that started a project stays.
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("meetup"),
        on_delete=models.PROTECT,
        related_name="project_origins",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("project started at a meetup")
        verbose_name_plural = _("projects started at meetups")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["event", "created_at"], name="knowledge_origin_event_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.project}"
