"""The coordinators' back office for members and organisations.

Coordinators (members/coordinators.py) may view and change users and profiles,
view, add and change organisations, and view contact messages; they may not
delete anything. Every action below declares the permission it needs, and the
state changes with rules (approve, merge, remove an avatar) call the same
services as the rest of the site.

Search vectors hold a member's name and organisation name, so saving a user's
name, a profile, or an organisation's name here refreshes the affected vectors.
"""

import csv
import uuid
from collections.abc import Iterable, Iterator

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Role, Sector
from lef.images import ImageRejected, reencode_image
from members.avatars import delete_avatar
from members.models import ContactMessage, Notice, Organisation, Profile, User
from members.organisations import OrganisationError, approve_organisation, merge_organisations
from members.search import refresh_search_vectors

# List filters ----------------------------------------------------------------------


class ChoiceListFilter(admin.SimpleListFilter):
    """Filter on one choice, in a plain field or in an ArrayField (``array = True``)."""

    field: str = ""
    array = False
    # Not "choices": SimpleListFilter has a method of that name.
    options: Iterable[tuple[str, str]] = ()

    def lookups(self, request, model_admin):
        return list(self.options)

    def queryset(self, request, queryset):
        value = self.value()
        if value not in {code for code, _label in self.options}:
            return queryset
        if self.array:
            return queryset.filter(**{f"{self.field}__contains": [value]})
        return queryset.filter(**{self.field: value})


class UserSectorFilter(ChoiceListFilter):
    title = _("primary sector")
    parameter_name = "sector"
    field = "profile__primary_sector"
    options = Sector.choices


class UserRoleFilter(ChoiceListFilter):
    title = _("role")
    parameter_name = "role"
    field = "profile__roles"
    array = True
    options = Role.choices


class ProfileSectorFilter(ChoiceListFilter):
    title = _("primary sector")
    parameter_name = "sector"
    field = "primary_sector"
    options = Sector.choices


class ProfileRoleFilter(ChoiceListFilter):
    title = _("role")
    parameter_name = "role"
    field = "roles"
    array = True
    options = Role.choices


class ProfileActivityFilter(ChoiceListFilter):
    title = _("core activity")
    parameter_name = "activity"
    field = "core_activities"
    array = True
    options = CoreActivity.choices


class OrganisationSectorFilter(ChoiceListFilter):
    title = _("sector")
    parameter_name = "sector"
    field = "sectors"
    array = True
    options = Sector.choices


class OnboardedFilter(admin.SimpleListFilter):
    title = _("onboarded")
    parameter_name = "onboarded"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(onboarded_at__isnull=self.value() == "no")
        return queryset


# CSV export ------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula.

    Cells starting with = + - @ (or a tab or carriage return, which some
    spreadsheets skip before looking for those) get a leading apostrophe.
    """
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv."""

    def write(self, value: str) -> str:
        return value


def _labels(codes: list[str], choices: type) -> str:
    return "; ".join(str(choices(code).label) for code in codes if code in choices.values)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def member_rows(profiles, *, include_private: bool) -> Iterator[list[str]]:
    """The header and one row per profile; private columns only with ``include_private``."""
    header = [
        gettext("Name"),
        gettext("Primary sector"),
        gettext("Other sectors"),
        gettext("Organisation"),
        gettext("Roles"),
        gettext("Core activities"),
    ]
    if include_private:
        header += [
            gettext("Username"),
            gettext("Email address"),
            gettext("Job title"),
            gettext("Expertise"),
            gettext("About me"),
            gettext("Website"),
            gettext("Looking for"),
            gettext("Open to collaboration"),
            gettext("Visibility"),
            gettext("Joined"),
            gettext("Onboarded"),
        ]
    yield header
    for profile in profiles:
        row = [
            profile.user.name,
            profile.primary_sector,
            "; ".join(profile.other_sectors),
            profile.organisation.name if profile.organisation else "",
            _labels(profile.roles, Role),
            _labels(profile.core_activities, CoreActivity),
        ]
        if include_private:
            row += [
                profile.user.username,
                profile.user.email,
                profile.job_title,
                "; ".join(profile.expertise),
                profile.bio,
                profile.website,
                profile.looking_for,
                gettext("yes") if profile.open_to_collaboration else gettext("no"),
                profile.get_visibility_display(),
                _local(profile.user.date_joined),
                _local(profile.onboarded_at),
            ]
        yield [csv_safe(cell) for cell in row]


def members_csv_response(profiles, *, include_private: bool) -> StreamingHttpResponse:
    """Stream ``profiles`` as a CSV download that Excel opens as UTF-8 (it needs the BOM)."""
    profiles = (
        profiles.select_related("user", "organisation")
        .order_by("user__name", "user__username")
        .iterator(chunk_size=500)
    )
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for row in member_rows(profiles, include_private=include_private):
            yield writer.writerow(row)

    filename = f"lef-members-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


EXPORT_DESCRIPTION = _("Export selected members as CSV")


# Users -----------------------------------------------------------------------------

# What only a superuser may change: otherwise a coordinator could raise their
# own rights. (Coordinators cannot open other staff accounts for changing at all.)
SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "name",
        "email",
        "primary_sector",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    ]
    list_select_related = ["profile"]
    list_filter = ["is_active", "is_staff", "groups", UserSectorFilter, UserRoleFilter]
    search_fields = ["username", "name", "email"]
    ordering = ["-date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["name", "email"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["name", "email", "username", "password1", "password2"],
            },
        ),
    ]
    # The address is managed with allauth's email addresses (verified, primary);
    # editing the field here would let the two disagree.
    readonly_fields = ["email", "last_login", "date_joined"]
    actions = ["export_members_csv"]

    @admin.display(description=_("primary sector"), ordering="profile__primary_sector")
    def primary_sector(self, user):
        profile = getattr(user, "profile", None)
        return profile.get_primary_sector_display() if profile else ""

    def has_change_permission(self, request, obj=None):
        """Only superusers change staff accounts (coordinators, superusers)."""
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return [field for field in fields if field != "email"]
        if not request.user.is_superuser:
            fields += SUPERUSER_ONLY_FIELDS
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # Setting a member's password would let a coordinator log in as them.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            Profile.objects.get_or_create(user=obj)
        if not change or {"name", "is_active"} & set(form.changed_data):
            refresh_search_vectors(user_ids=[obj.pk])

    @admin.action(description=EXPORT_DESCRIPTION, permissions=["view"])
    def export_members_csv(self, request, queryset):
        profiles = Profile.objects.filter(user__in=queryset.values("pk"))
        return members_csv_response(profiles, include_private=request.user.is_superuser)


# Profiles --------------------------------------------------------------------------


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "member",
        "primary_sector",
        "organisation",
        "role_list",
        "open_to_collaboration",
        "visibility",
        "onboarded",
    ]
    list_select_related = ["user", "organisation"]
    list_filter = [
        ProfileSectorFilter,
        ProfileRoleFilter,
        ProfileActivityFilter,
        "visibility",
        OnboardedFilter,
        "open_to_collaboration",
    ]
    search_fields = [
        "user__name",
        "user__username",
        "user__email",
        "job_title",
        "organisation__name",
    ]
    ordering = ["user__name", "user__username"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["user", "organisation", "job_title"]}),
        (_("Sectors and roles"), {"fields": ["primary_sector", "other_sectors", "roles"]}),
        (_("Work"), {"fields": ["core_activities", "expertise", "bio", "website"]}),
        (_("Collaboration"), {"fields": ["open_to_collaboration", "looking_for"]}),
        (
            _("Privacy and settings"),
            {"fields": ["visibility", "notification_settings", "avatar"]},
        ),
        (_("Dates"), {"fields": ["onboarded_at", "updated_at"]}),
    ]
    # The member's own choices, and the avatar's storage name (use the action
    # "Remove avatar" to take a photo down).
    readonly_fields = ["user", "notification_settings", "avatar", "onboarded_at", "updated_at"]
    actions = ["export_members_csv", "remove_avatars"]

    @admin.display(description=_("member"), ordering="user__name")
    def member(self, profile):
        return str(profile.user)

    @admin.display(description=_("roles"))
    def role_list(self, profile):
        return _labels(profile.roles, Role)

    @admin.display(description=_("onboarded"), boolean=True, ordering="onboarded_at")
    def onboarded(self, profile):
        return profile.onboarded_at is not None

    def has_add_permission(self, request):
        return False  # a profile comes with its user

    def has_delete_permission(self, request, obj=None):
        return False  # deleting an account anonymises it (members.privacy)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_search_vectors(user_ids=[obj.pk])

    @admin.action(description=EXPORT_DESCRIPTION, permissions=["view"])
    def export_members_csv(self, request, queryset):
        return members_csv_response(queryset, include_private=request.user.is_superuser)

    @admin.action(description=_("Remove the avatar of selected members"), permissions=["change"])
    def remove_avatars(self, request, queryset):
        removed = 0
        for profile in queryset.exclude(avatar=""):
            delete_avatar(profile=profile)
            self.log_change(request, profile, gettext("Removed the avatar."))
            removed += 1
        self.message_user(
            request,
            ngettext("Removed %(count)d avatar.", "Removed %(count)d avatars.", removed)
            % {"count": removed},
            messages.SUCCESS,
        )


# Organisations ---------------------------------------------------------------------


class MergeOrganisationsForm(forms.Form):
    keep = forms.ModelChoiceField(
        label=_("Keep this organisation; merge the others into it"),
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in organisations]
        ).order_by("name")


class OrganisationAdminForm(forms.ModelForm):
    """Logos go through the same checks as avatars (lef.images): only real JPEG,
    PNG or WebP within the byte and pixel caps, re-encoded without metadata."""

    LOGO_SIZE = 240

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 -- the ModelAdmin's `fields` chooses them

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged, cleared, or empty
        try:
            image = reencode_image(logo, sizes=(self.LOGO_SIZE,), square=False)
        except ImageRejected as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        data = image.renditions[self.LOGO_SIZE].data
        return ContentFile(data, name=f"{uuid.uuid4().hex}.{image.extension}")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "sector_list", "status", "is_partner", "members"]
    list_filter = ["status", "kind", "is_partner", OrganisationSectorFilter]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["merged_into"]
    raw_id_fields = ["proposed_by"]
    fields = [
        "name",
        "slug",
        "kind",
        "sectors",
        "description",
        "website",
        "logo",
        "is_partner",
        "status",
        "merged_into",
        "proposed_by",
        "created_at",
    ]
    actions = ["approve_selected", "merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("profiles"))

    def get_readonly_fields(self, request, obj=None):
        # Status changes go through the approve and merge actions, which keep
        # members and redirects right; a new organisation made here is approved.
        readonly = ["status", "merged_into", "created_at"]
        if obj is not None:
            readonly.append("proposed_by")
        return readonly

    @admin.display(description=_("sectors"))
    def sector_list(self, organisation):
        return ", ".join(organisation.sectors)

    @admin.display(description=_("members"), ordering="member_count")
    def members(self, organisation):
        url = reverse("admin:members_profile_changelist")
        return format_html(
            '<a href="{}?organisation__id__exact={}">{}</a>',
            url,
            organisation.pk,
            organisation.member_count,
        )

    def save_model(self, request, obj, form, change):
        """Save, and refresh the members' search vectors when the name changed.

        A member is found by their organisation's name, which is copied into
        their search vector; a rename must reach those vectors.
        """
        if not change:
            obj.status = Organisation.Status.APPROVED
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            refresh_search_vectors(organisation_id=obj.pk)

    def delete_model(self, request, obj):
        member_ids = list(obj.profiles.values_list("pk", flat=True))
        super().delete_model(request, obj)
        refresh_search_vectors(user_ids=member_ids)

    def delete_queryset(self, request, queryset):
        member_ids = list(
            Profile.objects.filter(organisation__in=queryset).values_list("pk", flat=True)
        )
        super().delete_queryset(request, queryset)
        refresh_search_vectors(user_ids=member_ids)

    @admin.action(description=_("Approve selected organisations"), permissions=["change"])
    def approve_selected(self, request, queryset):
        approved = 0
        for organisation in queryset.filter(status=Organisation.Status.PROPOSED):
            try:
                approve_organisation(organisation=organisation, by=request.user)
            except OrganisationError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            self.log_change(request, organisation, gettext("Approved."))
            approved += 1
        merged = queryset.filter(status=Organisation.Status.MERGED).count()
        self.message_user(
            request,
            ngettext(
                "Approved %(count)d organisation.", "Approved %(count)d organisations.", approved
            )
            % {"count": approved},
            messages.SUCCESS,
        )
        if merged:
            self.message_user(
                request,
                ngettext(
                    "Skipped %(count)d merged organisation.",
                    "Skipped %(count)d merged organisations.",
                    merged,
                )
                % {"count": merged},
                messages.WARNING,
            )

    @admin.action(description=_("Merge selected organisations into …"), permissions=["change"])
    def merge_selected(self, request, queryset):
        """Ask which organisation to keep, then merge the other selected ones into it.

        All merges happen in one transaction: if one cannot be done, none is.
        """
        organisations = list(queryset.exclude(status=Organisation.Status.MERGED).order_by("name"))
        if len(organisations) < 2:
            self.message_user(
                request,
                gettext("Select at least two organisations that have not been merged yet."),
                messages.WARNING,
            )
            return None
        confirmed = request.POST.get("post") == "yes"
        form = MergeOrganisationsForm(
            request.POST if confirmed else None, organisations=organisations
        )
        if confirmed and form.is_valid():
            into = form.cleaned_data["keep"]
            duplicates = [o for o in organisations if o.pk != into.pk]
            try:
                with transaction.atomic():
                    for duplicate in duplicates:
                        merge_organisations(duplicate=duplicate, into=into, by=request.user)
                        self.log_change(
                            request,
                            duplicate,
                            gettext("Merged into %(name)s.") % {"name": into.name},
                        )
            except OrganisationError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "Merged %(count)d organisation into %(name)s.",
                    "Merged %(count)d organisations into %(name)s.",
                    len(duplicates),
                )
                % {"count": len(duplicates), "name": into.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge organisations"),
            "opts": self.model._meta,
            "organisations": organisations,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/members/organisation/merge_confirmation.html", context
        )


# Read-only records -----------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactMessage)
class ContactMessageAdmin(ReadOnlyAdmin):
    """Who contacted whom and when (the texts are not stored): to spot abuse."""

    list_display = ["created_at", "sender", "recipient"]
    list_select_related = ["sender", "recipient"]
    search_fields = ["sender__username", "sender__name", "recipient__username", "recipient__name"]
    date_hierarchy = "created_at"


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Mails queued for members: to check digests. Superusers only (no group permission)."""

    list_display = ["created_at", "recipient", "kind", "subject", "delivery", "sent_at"]
    list_select_related = ["recipient"]
    list_filter = ["kind", "delivery", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__username", "subject", "key"]
    date_hierarchy = "created_at"
