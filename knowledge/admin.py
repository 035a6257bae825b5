"""The coordinators' back office for results and the reports about them.

The admin writes through ``knowledge.services``, never past them:

* saving a result calls ``update_result`` (the leads' rules: licence and type
  from the lists, never more public than the project);
* hiding and showing again, on the change page (a reason is required) and as
  a list action (a page that asks the reason), call ``hide_result`` and
  ``unhide_result``: the authors are mailed, the audit trail records it;
* reports are marked handled with ``handle_reports``;
* results are never added here (teams add them on the site); deleting one
  (superusers) calls ``delete_result``, so its file goes too.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from knowledge import services
from knowledge.models import Author, Result, ResultReport
from knowledge.services import MAX_REASON_LENGTH, KnowledgeError, ResultDetails
from lef.admin import RefusalAsMessageMixin, YesNoFilter, list_time
from lef.admin_history import HistoryAdminMixin
from lef.choices import CoreActivity, Sector, Transition
from lef.validators import validate_multiline_text


class ResultAdminForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
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
    hidden = forms.BooleanField(label=_("Hidden from the library"), required=False)

    class Meta:
        model = Result
        fields = [*ResultDetails.names(), "hidden_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hidden"].initial = self.instance.is_hidden
        self.fields["hidden_reason"].help_text = _(
            "Required to hide it: the authors and the member who added it get this by mail."
        )

    def clean(self):
        cleaned_data = super().clean()
        hide = cleaned_data.get("hidden") and not self.instance.is_hidden
        if hide and not (cleaned_data.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", _("Please give a reason."))
        return cleaned_data


class AuthorInline(admin.TabularInline):
    model = Author
    extra = 0
    can_delete = False
    fields = ["member", "position", "asked_at", "agreed_at"]
    readonly_fields = fields
    verbose_name_plural = _("authors (asked and agreed)")

    def has_add_permission(self, request, obj=None):
        return False  # leads pick authors on the site; each agrees for themselves

    def has_change_permission(self, request, obj=None):
        return False


class OpenReportsFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("With open reports"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reports__handled_at__isnull=True).distinct()
        return queryset


class HiddenFilter(YesNoFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def condition(self):
        return Q(hidden_at__isnull=False)


class HideReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why they are hidden"),
        max_length=MAX_REASON_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The authors and the member who added each result get this by mail."),
    )


@admin.register(Result)
class ResultAdmin(HistoryAdminMixin, RefusalAsMessageMixin, admin.ModelAdmin):
    form = ResultAdminForm
    list_display = [
        "title",
        "project",
        "kind",
        "licence",
        "visibility",
        "is_hidden_display",
        "open_reports",
        "downloads",
        "created_at",
    ]
    list_select_related = ["project"]
    list_filter = ["kind", "licence", "visibility", HiddenFilter, OpenReportsFilter]
    search_fields = ["title", "slug", "summary", "project__title"]
    date_hierarchy = "created_at"
    inlines = [AuthorInline]
    readonly_fields = [
        "project_link",
        "page_link",
        "file_display",
        "downloads",
        "created_by",
        "created_at",
        "hidden_at",
        "hidden_by",
    ]
    fieldsets = [
        (None, {"fields": ["title", "page_link", "project_link", "summary", "kind", "learned"]}),
        (_("File and link"), {"fields": ["file_display", "link", "downloads"]}),
        (
            _("What it is about"),
            {"fields": ["sectors", "transitions", "core_activities"]},
        ),
        (_("Licence and visibility"), {"fields": ["licence", "visibility"]}),
        (
            _("Hidden from the library"),
            {"fields": ["hidden", "hidden_reason", "hidden_at", "hidden_by"]},
        ),
        (_("Record"), {"fields": ["created_by", "created_at"]}),
    ]
    actions = ["hide_selected", "unhide_selected", "handle_reports_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("search_vector", "file_text", "project__search_vector")
            .annotate(
                open_report_count=Count("reports", filter=Q(reports__handled_at__isnull=True))
            )
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("hidden"), boolean=True, ordering="hidden_at")
    def is_hidden_display(self, result):
        return result.is_hidden

    @admin.display(description=_("open reports"), ordering="open_report_count")
    def open_reports(self, result):
        return result.open_report_count

    @admin.display(description=_("project"))
    def project_link(self, result):
        url = reverse("admin:projects_project_change", args=[result.project_id])
        return format_html('<a href="{}">{}</a>', url, result.project)

    @admin.display(description=_("on the site"))
    def page_link(self, result):
        return format_html('<a href="{0}">{0}</a>', result.get_absolute_url())

    @admin.display(description=_("file"))
    def file_display(self, result):
        if not result.file_name:
            return "—"
        if not result.file:
            return gettext("%(name)s (being stored)") % {"name": result.file_name}
        url = reverse("knowledge:download", args=[result.slug])
        return format_html('<a href="{}">{}</a>', url, result.file_name)

    def save_model(self, request, obj, form, change):
        """Save through the services; hiding or showing again mails and records as on the site."""
        data = form.cleaned_data
        if set(form.changed_data) & set(ResultDetails.names()):
            services.update_result(
                result=obj,
                by=request.user,
                details=ResultDetails(
                    **{name: data.get(name, "") for name in ResultDetails.names()}
                ),
            )
        was_hidden = Result.objects.filter(pk=obj.pk, hidden_at__isnull=False).exists()
        if data.get("hidden") and not was_hidden:
            services.hide_result(result=obj, by=request.user, reason=data["hidden_reason"])
        elif not data.get("hidden") and was_hidden:
            services.unhide_result(result=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        """Authors are read-only here: nothing to save (the change message reads the lists)."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        services.delete_result(result=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for result in queryset:
            services.delete_result(result=result, by=request.user)

    # Actions --------------------------------------------------------------------------

    @admin.action(description=_("Hide selected results (asks why)"), permissions=["hide"])
    def hide_selected(self, request, queryset):
        """A page that asks the reason; on its POST each result is hidden with it."""
        form = HideReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for result in queryset:
                try:
                    services.hide_result(
                        result=result, by=request.user, reason=form.cleaned_data["reason"]
                    )
                except KnowledgeError as error:
                    self.message_user(
                        request,
                        gettext("%(title)s: %(reason)s")
                        % {"title": result.title, "reason": error.message},
                        messages.WARNING,
                    )
                    continue
                done += 1
            self.message_user(
                request,
                ngettext(
                    "Hid %(count)d result; its authors have been mailed why.",
                    "Hid %(count)d results; their authors have been mailed why.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/knowledge/hide_results.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Hide results from the library"),
                "form": form,
                "results": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Show selected results again"), permissions=["hide"])
    def unhide_selected(self, request, queryset):
        done = 0
        for result in queryset.filter(hidden_at__isnull=False):
            try:
                services.unhide_result(result=result, by=request.user)
            except KnowledgeError as error:
                self.message_user(request, error.message, messages.WARNING)
                continue
            done += 1
        self.message_user(
            request,
            ngettext("Showed %(count)d result again.", "Showed %(count)d results again.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark their reports as handled"), permissions=["hide"])
    def handle_reports_selected(self, request, queryset):
        done = 0
        for result in queryset:
            done += services.handle_reports(result=result, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Marked %(count)d report as handled.", "Marked %(count)d reports as handled.", done
            )
            % {"count": done},
            messages.SUCCESS,
        )

    def has_hide_permission(self, request):
        return request.user.has_perm("knowledge.hide_result")


class HandledFilter(YesNoFilter):
    title = _("handled")
    parameter_name = "handled"
    labels = {"no": _("Open"), "yes": _("Handled")}

    def condition(self):
        return Q(handled_at__isnull=False)


@admin.register(ResultReport)
class ResultReportAdmin(admin.ModelAdmin):
    """Members' reports about results; hide the result on its page, or mark them handled."""

    list_display = ["created_at_display", "result_link", "reporter", "excerpt", "handled"]
    list_select_related = ["result", "reporter"]
    list_filter = [HandledFilter]
    search_fields = ["reason", "result__title"]
    fields = ["result_link", "reporter", "reason", "created_at", "handled_at"]
    readonly_fields = fields
    actions = ["handle_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("result__search_vector", "result__file_text", "result__learned")
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reported at"), ordering="created_at")
    def created_at_display(self, report):
        return list_time(report.created_at)

    @admin.display(description=_("result"))
    def result_link(self, report):
        url = reverse("admin:knowledge_result_change", args=[report.result_id])
        return format_html('<a href="{}">{}</a>', url, report.result.title)

    @admin.display(description=_("reason"))
    def excerpt(self, report):
        return report.reason[:80] + ("…" if len(report.reason) > 80 else "")

    @admin.display(description=_("handled"), boolean=True)
    def handled(self, report):
        return report.handled_at is not None

    @admin.action(description=_("Mark as handled"), permissions=["change"])
    def handle_selected(self, request, queryset):
        done = 0
        results = Result.objects.filter(
            pk__in=queryset.filter(handled_at__isnull=True).values("result_id")
        )
        for result in results:
            done += services.handle_reports(result=result, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Marked %(count)d report as handled.", "Marked %(count)d reports as handled.", done
            )
            % {"count": done},
            messages.SUCCESS,
        )
