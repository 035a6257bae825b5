"""The coordinators' back office for projects: teams, updates, featuring and archiving.

The admin writes through ``projects.services``, never past them:

* saving a project calls ``update_project`` (the same validation as the
  leads' form, and a maximum team size never below the current team, counted
  under the project's lock) and ``set_featured``;
* the team inline shows who is on the team, asked or was invited, and every
  change to it (approve, decline, make lead, make team member, remove) is an
  action that calls the service, with its mail and the last-lead and
  capacity rules; nothing in a membership row is edited by hand;
* updates are hidden and shown again with ``hide_update``;
* projects are never added here (members start them) nor deleted (archive
  them: nothing is lost).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.validators import MaxLengthValidator
from django.db.models import Count, OuterRef, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lef.admin import (
    ReadOnlyAdmin,
    RefusalAsMessageMixin,
    choice_filter,
    csv_response,
    labels,
    list_time,
    local_time,
)
from lef.admin_history import HistoryAdminMixin
from lef.choices import CoreActivity, Role, Sector, Transition
from lef.notifications import absolute_url
from projects import services
from projects.models import Membership, Project, ProjectUpdate
from projects.queries import sector_counts, team_sectors
from projects.services import (
    MAX_DESCRIPTION_LENGTH,
    ProjectDetails,
    ProjectError,
    ProjectInvalid,
)

# Projects ---------------------------------------------------------------------------------


class ProjectAdminForm(forms.ModelForm):
    """The project's fields as leads see them; vocabularies as checkboxes with labels."""

    sectors = forms.MultipleChoiceField(
        label=_("Sectors involved"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transitions = forms.MultipleChoiceField(
        label=_("Transitions"),
        choices=Transition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    core_activities = forms.MultipleChoiceField(
        label=_("Core activities"),
        choices=CoreActivity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    looking_for_sectors = forms.MultipleChoiceField(
        label=_("Looking for sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    looking_for_roles = forms.MultipleChoiceField(
        label=_("Looking for roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = [*ProjectDetails.names(), "is_featured"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service's limit, checked on the form: the coordinator keeps what they typed.
        description = self.fields["description"]
        description.max_length = MAX_DESCRIPTION_LENGTH
        description.validators.append(MaxLengthValidator(MAX_DESCRIPTION_LENGTH))
        description.widget.attrs["maxlength"] = str(MAX_DESCRIPTION_LENGTH)

    def clean_max_team_size(self):
        size = self.cleaned_data.get("max_team_size")
        if size is not None and self.instance.pk:
            active = Membership.objects.active().filter(project=self.instance).count()
            try:
                services.check_max_team_size(size, active=active)
            except ProjectInvalid as error:
                raise forms.ValidationError(error.message) from error
        return size


class TeamInlineForm(forms.ModelForm):
    """One row of the team: shown, not edited; the action calls the service."""

    action = forms.ChoiceField(
        label=_("Change"),
        required=False,
        choices=[
            ("", "—"),
            ("approve", _("Approve the request")),
            ("decline", _("Decline the request")),
            ("make_lead", _("Make lead")),
            ("make_member", _("Make team member")),
            ("remove", _("Remove from the team")),
        ],
    )

    class Meta:
        model = Membership
        fields = []

    # The actions that fit each kind of row (the services refuse the others anyway).
    FITTING = {
        ("requested", "member"): {"approve", "decline"},
        ("active", "member"): {"make_lead", "remove"},
        ("active", "lead"): {"make_member", "remove"},
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fitting = self.FITTING.get((self.instance.status, self.instance.role), set())
        self.fields["action"].choices = [
            (value, label)
            for value, label in self.fields["action"].choices
            if value == "" or value in fitting
        ]

    def has_changed(self) -> bool:
        return bool(self.data.get(self.add_prefix("action")))


class TeamInline(admin.TabularInline):
    model = Membership
    form = TeamInlineForm
    extra = 0
    can_delete = False
    verbose_name = _("team member, request or invitation")
    verbose_name_plural = _("team: members, requests and invitations")
    fields = [
        "member_link",
        "sector",
        "role_label",
        "status_label",
        "since",
        "motivation",
        "action",
    ]
    readonly_fields = [
        "member_link",
        "sector",
        "role_label",
        "status_label",
        "since",
        "motivation",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status__in=Membership.CURRENT_STATUSES)
            .select_related("member__profile")
            .order_by("status", "role", "joined_at", "pk")
        )

    def has_add_permission(self, request, obj=None):
        return False  # members ask, leads invite: through the site

    # Rows are never edited, only acted on through the services: whoever may
    # change the project may choose those actions.
    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("projects.change_project")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("projects.view_project")

    @admin.display(description=_("member"))
    def member_link(self, membership):
        url = reverse("admin:members_user_change", args=[membership.member_id])
        return format_html('<a href="{}">{}</a>', url, membership.member)

    @admin.display(description=_("sector"))
    def sector(self, membership):
        profile = getattr(membership.member, "profile", None)
        return profile.get_primary_sector_display() if profile else ""

    @admin.display(description=_("role"))
    def role_label(self, membership):
        return membership.get_role_display()

    @admin.display(description=_("status"))
    def status_label(self, membership):
        return membership.get_status_display()

    @admin.display(description=_("since"))
    def since(self, membership):
        return list_time(membership.joined_at or membership.created_at)


class TeamSizeFilter(admin.SimpleListFilter):
    title = _("requests waiting")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(memberships__status=Membership.Status.REQUESTED).distinct()
        return queryset


def project_rows(projects):
    """The header and one row per project, for the CSV export: labels, sizes, sector mix."""
    yield [
        gettext("Title"),
        gettext("Address"),
        gettext("Status"),
        gettext("Who can see it"),
        gettext("Featured"),
        gettext("Sectors involved"),
        gettext("Transitions"),
        gettext("Core activities"),
        gettext("Tags"),
        gettext("Start date"),
        gettext("End date"),
        gettext("Team size"),
        gettext("Maximum team size"),
        gettext("Sector mix of the team"),
        gettext("Cross-sector"),
        gettext("Leads"),
        gettext("Requests waiting"),
        gettext("Updates"),
        gettext("Created at"),
        gettext("Last activity"),
    ]
    for project in projects:
        mix = sector_counts(project.team_sectors)
        yield [
            project.title,
            absolute_url(project.get_absolute_url()),
            project.get_status_display(),
            project.get_visibility_display(),
            gettext("yes") if project.is_featured else gettext("no"),
            labels(project.sectors, Sector, "; "),
            labels(project.transitions, Transition, "; "),
            labels(project.core_activities, CoreActivity, "; "),
            "; ".join(project.tags),
            project.start_date or "",
            project.end_date or "",
            len(project.team_sectors),
            project.max_team_size or "",
            "; ".join(f"{code} {count}" for code, count in mix.items()),
            gettext("yes") if len(mix) >= 2 else gettext("no"),
            "; ".join(name or gettext("a former member") for name in project.lead_names),
            project.waiting,
            project.update_count,
            local_time(project.created_at),
            local_time(project.last_activity_at),
        ]


def projects_csv_response(projects):
    leads = (
        Membership.objects.leads()
        .filter(project=OuterRef("pk"))
        .order_by("joined_at", "pk")
        .values("member__name")
    )
    annotated = (
        projects.defer("search_vector", "description")
        .annotate(
            team_sectors=team_sectors(),
            lead_names=ArraySubquery(leads),
            waiting=Count(
                "memberships",
                filter=Q(memberships__status=Membership.Status.REQUESTED),
                distinct=True,
            ),
            update_count=Count("updates", distinct=True),
        )
        .order_by("-created_at", "pk")
    )
    return csv_response(project_rows(annotated.iterator(chunk_size=500)), filename="lef-projects")


@admin.register(Project)
class ProjectAdmin(HistoryAdminMixin, RefusalAsMessageMixin, admin.ModelAdmin):
    def history_children(self, obj):
        # The project's own history and its team's, each named by the member.
        memberships = Membership.objects.filter(project=obj).select_related("member")
        return [(memberships, lambda membership: str(membership.member))]

    form = ProjectAdminForm
    list_display = [
        "title",
        "status",
        "sector_list",
        "team_size",
        "is_featured",
        "visibility",
        "created_at",
        "last_activity_at",
    ]
    list_filter = [
        "status",
        choice_filter("sectors", Sector, title=_("sector"), parameter="sector", array=True),
        choice_filter(
            "transitions", Transition, title=_("transition"), parameter="transition", array=True
        ),
        "is_featured",
        "visibility",
        TeamSizeFilter,
    ]
    search_fields = ["title", "slug", "summary", "created_by__name"]
    date_hierarchy = "created_at"
    inlines = [TeamInline]
    readonly_fields = ["slug", "link", "created_by", "created_at", "last_activity_at"]
    fieldsets = [
        (None, {"fields": ["title", "link", "summary", "description"]}),
        (_("Status and dates"), {"fields": ["status", "start_date", "end_date"]}),
        (
            _("What it is about"),
            {"fields": ["sectors", "transitions", "core_activities", "tags"]},
        ),
        (
            _("Who they are looking for"),
            {
                "fields": [
                    "looking_for_sectors",
                    "looking_for_roles",
                    "looking_for_text",
                    "max_team_size",
                ]
            },
        ),
        (
            _("Joining, visibility and featuring"),
            {"fields": ["visibility", "requires_approval", "is_featured"]},
        ),
        (_("Record"), {"fields": ["slug", "created_by", "created_at", "last_activity_at"]}),
    ]
    actions = ["feature_selected", "unfeature_selected", "archive_selected", "export_csv"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("search_vector")
            .annotate(
                active_count=Count(
                    "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)
                )
            )
        )

    def has_add_permission(self, request):
        return False  # members start projects on the site

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: the history of teams stays

    @admin.display(description=_("sectors"))
    def sector_list(self, project):
        # The codes (po, vo, mbo, ho), as people in Leiden education say them; the
        # filter beside the list names them in full.
        return ", ".join(code for code in Sector.values if code in project.sectors)

    @admin.display(description=_("team"), ordering="active_count")
    def team_size(self, project):
        return project.active_count

    @admin.display(description=_("on the site"))
    def link(self, project):
        return format_html('<a href="{0}">{0}</a>', project.get_absolute_url())

    def save_model(self, request, obj, form, change):
        """Save through the services: the leads' rules and the team's lock hold here too.

        A refusal propagates to :class:`RefusalAsMessageMixin`, so nothing of the form
        is saved, the team's actions included.
        """
        services.update_project(
            project=obj,
            by=request.user,
            details=ProjectDetails(
                **{name: form.cleaned_data.get(name) for name in ProjectDetails.names()}
            ),
        )
        if "is_featured" in form.changed_data:
            services.set_featured(
                project=obj, by=request.user, featured=form.cleaned_data["is_featured"]
            )

    def save_formset(self, request, form, formset, change):
        """Each chosen team action is its service call; a refused one says why."""
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            action = inline_form.cleaned_data.get("action")
            if not action:
                continue
            membership = inline_form.instance
            try:
                _team_action(action, membership=membership, by=request.user)
            except ProjectError as error:
                self.message_user(
                    request,
                    gettext("%(name)s: %(reason)s")
                    % {"name": membership.member, "reason": error.message},
                    messages.ERROR,
                )
            else:
                formset.changed_objects.append((membership, ["status", "role"]))

    def _each(self, request, queryset, action, done_message):
        done = 0
        for project in queryset:
            try:
                action(project)
            except ProjectError as error:
                self.message_user(
                    request,
                    gettext("%(title)s: %(reason)s")
                    % {"title": project.title, "reason": error.message},
                    messages.WARNING,
                )
                continue
            self.log_change(request, project, done_message)
            done += 1
        return done

    @admin.action(description=_("Feature selected projects"), permissions=["change"])
    def feature_selected(self, request, queryset):
        done = self._each(
            request,
            queryset,
            lambda p: services.set_featured(project=p, by=request.user, featured=True),
            gettext("Featured."),
        )
        self.message_user(
            request,
            ngettext("Featured %(count)d project.", "Featured %(count)d projects.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Stop featuring selected projects"), permissions=["change"])
    def unfeature_selected(self, request, queryset):
        done = self._each(
            request,
            queryset,
            lambda p: services.set_featured(project=p, by=request.user, featured=False),
            gettext("No longer featured."),
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d project is no longer featured.",
                "%(count)d projects are no longer featured.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Archive selected projects"), permissions=["change"])
    def archive_selected(self, request, queryset):
        done = self._each(
            request,
            queryset,
            lambda p: services.archive_project(project=p, by=request.user),
            gettext("Archived."),
        )
        self.message_user(
            request,
            ngettext("Archived %(count)d project.", "Archived %(count)d projects.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export selected projects as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return projects_csv_response(Project.objects.filter(pk__in=queryset.values("pk")))


def _team_action(action: str, *, membership: Membership, by) -> None:
    if action == "approve":
        services.approve_request(membership=membership, by=by)
    elif action == "decline":
        services.decline_request(membership=membership, by=by)
    elif action == "remove":
        services.remove_member(membership=membership, by=by)
    elif action in {"make_lead", "make_member"}:
        role = Membership.Role.LEAD if action == "make_lead" else Membership.Role.MEMBER
        services.change_role(membership=membership, by=by, role=role)


# Memberships and updates ------------------------------------------------------------------


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Every request, invitation and team place across projects, to follow up on.

    Read-only: changes happen on the project's page (its team inline), through
    the services.
    """

    list_display = ["member", "project_link", "role", "status", "created_at", "joined_at"]
    list_select_related = ["member", "project"]
    list_filter = ["status", "role"]
    search_fields = ["member__name", "member__username", "project__title"]
    date_hierarchy = "created_at"
    fields = [
        "member",
        "project",
        "role",
        "status",
        "motivation",
        "decided_message",
        "invited_by",
        "decided_by",
        "created_at",
        "decided_at",
        "joined_at",
        "ended_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("project__search_vector")

    @admin.display(description=_("project"), ordering="project__title")
    def project_link(self, membership):
        url = reverse("admin:projects_project_change", args=[membership.project_id])
        return format_html('<a href="{}">{}</a>', url, membership.project)


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(admin.ModelAdmin):
    """Updates across projects; coordinators hide one that does not belong on 't LEF."""

    list_display = ["created_at", "project", "author_name", "excerpt", "is_hidden"]
    list_select_related = ["project", "author"]
    list_filter = ["is_hidden", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["text", "project__title", "author__name"]
    date_hierarchy = "created_at"
    fields = ["project", "author", "text", "is_hidden", "hidden_by", "hidden_at", "created_at"]
    readonly_fields = fields
    actions = ["hide_selected", "show_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("project__search_vector")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("author"))
    def author_name(self, update):
        if update.author is None or not update.author.is_active:
            return gettext("a former member")
        return str(update.author)

    @admin.display(description=_("text"))
    def excerpt(self, update):
        return update.text[:80] + ("…" if len(update.text) > 80 else "")

    def _hide(self, request, queryset, *, hidden: bool):
        done = 0
        for update in queryset:
            try:
                services.hide_update(update=update, by=request.user, hidden=hidden)
            except ProjectError as error:
                self.message_user(request, error.message, messages.WARNING)
                continue
            done += 1
        return done

    @admin.action(description=_("Hide selected updates"), permissions=["change"])
    def hide_selected(self, request, queryset):
        done = self._hide(request, queryset, hidden=True)
        self.message_user(
            request,
            ngettext("Hid %(count)d update.", "Hid %(count)d updates.", done) % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Show selected updates again"), permissions=["change"])
    def show_selected(self, request, queryset):
        done = self._hide(request, queryset, hidden=False)
        self.message_user(
            request,
            ngettext("Showed %(count)d update again.", "Showed %(count)d updates again.", done)
            % {"count": done},
            messages.SUCCESS,
        )
