"""The coordinators' back office for members and organisations.

One person is one page: the user's page carries their profile inline, and the
member list filters, searches and exports by profile fields too. Coordinators
(lef.coordinators) may view and change users and profiles, view, add and
change organisations, and view contact messages; they may not delete anything.

The admin follows the site's rules, not rules of its own:

* every change is validated by the model (``full_clean``: reserved usernames,
  plain-text names, tags, a sector for onboarded members, organisations a
  member may belong to), exactly as the site's services validate;
* what derives from a profile (the search vector, the directory's cached
  cards, counts and suggestions) is kept in step by the database itself, so a
  change here shows in the directory at once, as one on the site does;
* photos and logos are stored through lef.images, as on the site: a new logo
  is written after the commit, and a removed photo's or replaced logo's files
  are deleted after the commit;
* a member's own choices (profile visibility, mail settings, language) are
  shown, never changed, by coordinators;
* deactivating a member (the "active" box, or the action) goes through
  members.services.deactivate_member, which frees their meetup places, cancels
  their coming bookings and hands over projects they lead, with the mail that
  goes with it; making them active again is only that;
* "deleting" a user is the site's account deletion (members.privacy), which
  anonymises the account and keeps its rows: Django's delete of users (one or
  in bulk) is not reachable.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lef.admin import (
    ReadOnlyAdmin,
    RefusalAsMessageMixin,
    SafeAutocompleteMixin,
    YesNoFilter,
    choice_filter,
    csv_response,
    labels,
    local_time,
)
from lef.admin_history import HistoryAdminMixin
from lef.choices import CoreActivity, Role, Sector
from lef.errors import DomainError
from lef.images import ImagesAdminMixin, keep_stored
from lef.models import Notice
from lef.notifications import NotificationKind, full_notification_settings
from lef.validators import validate_multiline_text
from members.avatars import avatar_url, delete_avatar
from members.forms import MAX_BIO_LENGTH
from members.models import ContactMessage, Organisation, Profile, User
from members.organisations import (
    MAX_DECLINE_REASON_LENGTH,
    OrganisationError,
    approve_organisation,
    decline_organisation,
    merge_organisations,
    proposer_to_tell,
    save_organisation,
)
from members.privacy import delete_account
from members.services import deactivate_member

# Members -------------------------------------------------------------------------------


class OnboardedFilter(YesNoFilter):
    title = _("onboarded")
    parameter_name = "onboarded"

    def condition(self):
        return Q(pk__in=Profile.objects.onboarded().values("pk"))


def member_rows(profiles, *, include_private: bool):
    """The header and one row per profile, in labels; private columns with ``include_private``."""
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
            profile.get_primary_sector_display(),
            labels(profile.other_sectors, Sector, "; "),
            profile.organisation.name if profile.organisation else "",
            labels(profile.roles, Role, "; "),
            labels(profile.core_activities, CoreActivity, "; "),
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
                local_time(profile.user.date_joined),
                local_time(profile.onboarded_at),
            ]
        yield row


def members_csv_response(users, *, include_private: bool):
    """The profiles of ``users`` as a CSV download (streamed, formulas defused)."""
    profiles = (
        Profile.objects.filter(user__in=users.values("pk"))
        .select_related("user", "organisation")
        .order_by("user__name", "user__username")
        .iterator(chunk_size=500)
    )
    return csv_response(
        member_rows(profiles, include_private=include_private), filename="lef-members"
    )


class ProfileInlineForm(forms.ModelForm):
    """The profile on the member's page. Validation is the model's (``Profile.clean``)."""

    other_sectors = forms.MultipleChoiceField(
        label=_("Other sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    core_activities = forms.MultipleChoiceField(
        label=_("Core activities"),
        choices=CoreActivity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The same limit as the member's own form: a very long text is refused, not
    # saved slowly (its search words are made on every save).
    bio = forms.CharField(
        label=_("About me"),
        max_length=MAX_BIO_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    remove_avatar = forms.BooleanField(
        label=_("Remove the photo"),
        required=False,
        help_text=_("For a photo that does not belong on 't LEF; the member can add another."),
    )

    class Meta:
        model = Profile
        fields = [
            "organisation",
            "job_title",
            "primary_sector",
            "other_sectors",
            "roles",
            "core_activities",
            "expertise",
            "bio",
            "website",
            "open_to_collaboration",
            "looking_for",
        ]
        widgets = {
            "expertise": forms.TextInput(attrs={"size": 80}),
            "looking_for": forms.TextInput(attrs={"size": 80}),
        }


class ProfileInline(SafeAutocompleteMixin, admin.StackedInline):
    model = Profile
    form = ProfileInlineForm
    can_delete = False  # deleting an account anonymises it (members.privacy)
    min_num = 1
    max_num = 1
    verbose_name_plural = _("profile")

    def get_formset(self, request, obj=None, **kwargs):
        # One profile per account (the key is unique, so Django's max_num is 1 even
        # when this inline's is 0): a posted form count above it is refused, not
        # drawn (Django's default allows 1 000 forms, a 17 MB page).
        return super().get_formset(request, obj, absolute_max=1, **kwargs)

    autocomplete_fields = ["organisation"]
    readonly_fields = [
        "photo",
        "visibility_label",
        "mail_settings",
        "onboarded_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["photo", "remove_avatar", "organisation", "job_title"]}),
        (_("Sectors and roles"), {"fields": ["primary_sector", "other_sectors", "roles"]}),
        (_("Work"), {"fields": ["core_activities", "expertise", "bio", "website"]}),
        (_("Collaboration"), {"fields": ["open_to_collaboration", "looking_for"]}),
        (
            _("The member's own choices"),
            {
                "fields": ["visibility_label", "mail_settings"],
                "description": _("Only the member can change these, on their profile."),
            },
        ),
        (_("Dates"), {"fields": ["onboarded_at", "updated_at"]}),
    ]

    def has_add_permission(self, request, obj=None):
        return False  # a profile comes with its user

    @admin.display(description=_("photo"))
    def photo(self, profile):
        url = avatar_url(profile, 160)
        if not url:
            return gettext("No photo")
        return format_html('<img src="{}" width="80" height="80" alt="">', url)

    @admin.display(description=_("who can see the profile"))
    def visibility_label(self, profile):
        return profile.get_visibility_display()

    @admin.display(description=_("mail from 't LEF"))
    def mail_settings(self, profile):
        deliveries = dict(Notice.Delivery.choices)
        chosen = full_notification_settings(profile.notification_settings)
        return "; ".join(
            f"{kind.label}: {deliveries[chosen[kind.value]]}" for kind in NotificationKind
        )


# What only a superuser may change: otherwise a coordinator could raise their
# own rights. (Coordinators cannot open other staff accounts for changing at all.)
SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

EXPORT_DESCRIPTION = _("Export selected members as CSV")


def deactivated_message(user: User, done: list[str]) -> str:
    """What the coordinator reads after deactivating ``user``: what was given up, if anything."""
    if not done:
        return gettext("%(name)s is deactivated; there was nothing to give up.") % {"name": user}
    return " ".join([gettext("%(name)s is deactivated.") % {"name": user}, *done])


@admin.register(User)
class UserAdmin(RefusalAsMessageMixin, DjangoUserAdmin):
    list_display = [
        "display_name",
        "email",
        "primary_sector",
        "organisation",
        "role_list",
        "onboarded",
        "is_active",
        "date_joined",
    ]
    list_display_links = ["display_name"]
    list_select_related = ["profile", "profile__organisation"]
    list_filter = [
        "is_active",
        "is_staff",
        "groups",
        choice_filter(
            "profile__primary_sector", Sector, title=_("primary sector"), parameter="sector"
        ),
        choice_filter("profile__roles", Role, title=_("role"), parameter="role", array=True),
        choice_filter(
            "profile__core_activities",
            CoreActivity,
            title=_("core activity"),
            parameter="activity",
            array=True,
        ),
        OnboardedFilter,
        "profile__open_to_collaboration",
        "profile__visibility",
    ]
    search_fields = [
        "username",
        "name",
        "email",
        "profile__job_title",
        "profile__organisation__name",
    ]
    ordering = ["-date_joined"]
    inlines = [ProfileInline]
    fieldsets = [
        (None, {"fields": ["name", "username", "password"]}),
        (_("Account"), {"fields": ["email", "language", "last_login", "date_joined"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
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
    # editing the field here would let the two disagree. The language is the
    # member's own choice.
    readonly_fields = ["email", "language", "last_login", "date_joined"]
    actions = ["export_members_csv", "remove_avatars", "deactivate_selected"]

    @admin.display(description=_("name"), ordering="name")
    def display_name(self, user):
        return str(user)

    @admin.display(description=_("primary sector"), ordering="profile__primary_sector")
    def primary_sector(self, user):
        profile = getattr(user, "profile", None)
        return profile.get_primary_sector_display() if profile else ""

    @admin.display(description=_("organisation"), ordering="profile__organisation__name")
    def organisation(self, user):
        profile = getattr(user, "profile", None)
        return profile.organisation.name if profile and profile.organisation else ""

    @admin.display(description=_("roles"))
    def role_list(self, user):
        profile = getattr(user, "profile", None)
        return labels(profile.roles, Role) if profile else ""

    @admin.display(description=_("onboarded"), boolean=True)
    def onboarded(self, user):
        profile = getattr(user, "profile", None)
        return bool(profile and profile.is_onboarded)

    def lookup_allowed(self, lookup, value, request):
        # The organisations list links to its members with this filter.
        if lookup == "profile__organisation__id__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # the add form makes the profile

    def has_change_permission(self, request, obj=None):
        """Only superusers change staff accounts (coordinators, superusers)."""
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return [field for field in fields if field not in {"email", "language"}]
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
        """Save; clearing "active" deactivates through the service, in the same transaction.

        A refusal (a meetup too busy to lock) rolls the whole save back and is
        shown as a message (RefusalAsMessageMixin).
        """
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True  # deactivate_member does it, with all that comes with it
        super().save_model(request, obj, form, change)
        if not change:
            Profile.objects.get_or_create(user=obj)
        if deactivating:
            done = deactivate_member(user=obj, by=request.user)
            self.message_user(request, deactivated_message(obj, done), messages.SUCCESS)

    @admin.action(description=_("Deactivate selected members …"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        """Ask first, then deactivate each selected member (deactivate_member), one by one.

        Each deactivation is its own transaction: one that is refused (a staff
        account, a meetup too busy to lock) leaves the others done.
        """
        members = list(queryset.order_by("name", "username"))
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Deactivate members"),
                "opts": self.model._meta,
                "members": members,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(
                request, "admin/members/user/deactivate_confirmation.html", context
            )
        for member in members:
            if member.pk == request.user.pk:
                self.message_user(
                    request,
                    gettext("You cannot deactivate your own account here."),
                    messages.ERROR,
                )
                continue
            try:
                done = deactivate_member(user=member, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{member}: {error.message}", messages.ERROR)
                continue
            self.log_change(request, member, gettext("Deactivated."))
            self.message_user(request, deactivated_message(member, done), messages.SUCCESS)
        return None

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # deleting an account anonymises it, one by one
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """The "Delete" of a member's page: the site's account deletion, never Django's.

        members.privacy.delete_account deactivates the account, anonymises it
        and keeps its rows, after a confirmation page. Who has the delete
        permission (superusers; coordinators do not) may; not their own
        account, which they delete on their own account page.
        """
        user = self.get_object(request, unquote(object_id))
        if user is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_delete_permission(request, user):
            raise PermissionDenied
        if user.pk == request.user.pk:
            self.message_user(
                request,
                gettext("Delete your own account on your account page, not here."),
                messages.ERROR,
            )
            return redirect("admin:members_user_change", user.pk)
        if request.method == "POST" and request.POST.get("post") == "yes":
            return self._refused(request, lambda: self._delete_account(request, user))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Delete the account"),
            "opts": self.opts,
            "object": user,
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "admin/members/user/delete_account_confirmation.html", context
        )

    def _delete_account(self, request, user):
        done = delete_account(user=user, by=request.user)
        user.refresh_from_db()  # the log names the anonymised account, not the person
        self.log_change(request, user, gettext("Deleted the account (anonymised)."))
        self.message_user(
            request,
            " ".join(
                [
                    gettext(
                        "The account is deleted: name, addresses and profile are cleared, "
                        "its rows are kept."
                    ),
                    *done,
                ]
            ),
            messages.SUCCESS,
        )
        return redirect("admin:members_user_changelist")

    def delete_model(self, request, obj):
        raise PermissionDenied  # see delete_view: accounts are anonymised, never deleted

    def delete_queryset(self, request, queryset):
        raise PermissionDenied  # see delete_view

    def save_formset(self, request, form, formset, change):
        if formset.model is Profile:
            # The avatar changes only through members.avatars: the profile saves
            # the one stored now, not the one this page read (maybe since replaced).
            for inline_form in formset.forms:
                keep_stored(inline_form.instance, "avatar")
        super().save_formset(request, form, formset, change)
        # Removing the photo is the same service as on the site: the files go
        # after the commit, so a rolled-back save keeps them.
        for inline_form in formset.forms:
            if inline_form.cleaned_data.get("remove_avatar") and inline_form.instance.avatar:
                delete_avatar(profile=inline_form.instance)

    @admin.action(description=EXPORT_DESCRIPTION, permissions=["view"])
    def export_members_csv(self, request, queryset):
        return members_csv_response(queryset, include_private=request.user.is_superuser)

    @admin.action(description=_("Remove the photo of selected members"), permissions=["change"])
    def remove_avatars(self, request, queryset):
        removed = 0
        for profile in Profile.objects.filter(user__in=queryset).exclude(avatar=""):
            delete_avatar(profile=profile)
            self.log_change(request, profile.user, gettext("Removed the photo."))
            removed += 1
        self.message_user(
            request,
            ngettext("Removed %(count)d photo.", "Removed %(count)d photos.", removed)
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


class DeclineOrganisationForm(forms.Form):
    reason = forms.CharField(
        label=_("A note to the member who proposed it (optional)"),
        required=False,
        max_length=MAX_DECLINE_REASON_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "It goes into the email they get, and is not stored. For example why, "
            "or which organisation in the list to choose instead."
        ),
    )


class OrganisationAdminForm(forms.ModelForm):
    """The logo is an upload checked and re-encoded by lef.images, as avatars are:
    only real JPEG, PNG or WebP within the byte and pixel caps, without metadata."""

    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 -- the ModelAdmin's `fields` chooses them


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdminMixin, ImagesAdminMixin, admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "sector_list", "status", "is_partner", "members"]
    list_filter = [
        "status",
        "kind",
        "is_partner",
        choice_filter("sectors", Sector, title=_("sector"), parameter="sector", array=True),
    ]
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
    actions = ["approve_selected", "decline_selected", "merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("profiles"))

    def get_urls(self):
        approve = self.admin_site.admin_view(self.approve_view)
        decline = self.admin_site.admin_view(self.decline_view)
        return [
            path("<path:object_id>/approve/", approve, name="members_organisation_approve"),
            path("<path:object_id>/decline/", decline, name="members_organisation_decline"),
            *super().get_urls(),
        ]

    def approve_view(self, request, object_id):
        """POST from the organisation's own page: approve it (the same service as the action)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        organisation = self.get_object(request, object_id)
        if organisation is None:
            raise Http404
        if not self.has_change_permission(request, organisation):
            raise PermissionDenied
        # The service mails the proposer when the status changes (not for a second click).
        changes = organisation.status != Organisation.Status.APPROVED
        try:
            approve_organisation(organisation=organisation, by=request.user)
        except OrganisationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.log_change(request, organisation, gettext("Approved."))
            message = gettext("%(name)s is approved: everyone can see and choose it now.") % {
                "name": organisation.name
            }
            self.message_user(
                request,
                self._with_proposer_mailed(message, organisation, mailed=changes),
                messages.SUCCESS,
            )
        return redirect("admin:members_organisation_change", organisation.pk)

    def decline_view(self, request, object_id):
        """From the organisation's own page: decline it, with an optional note to the proposer.

        GET asks for the note, POST declines (the same service as the action).
        """
        if request.method not in {"GET", "HEAD", "POST"}:
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        organisation = self.get_object(request, unquote(object_id))
        if organisation is None:
            raise Http404
        if not self.has_change_permission(request, organisation):
            raise PermissionDenied
        if organisation.status != Organisation.Status.PROPOSED:
            self.message_user(
                request,
                gettext("Only a proposed organisation can be declined."),
                messages.WARNING,
            )
            return redirect("admin:members_organisation_change", organisation.pk)
        form = DeclineOrganisationForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            self._decline(request, [organisation], reason=form.cleaned_data["reason"])
            return redirect("admin:members_organisation_change", organisation.pk)
        return self._decline_confirmation(request, [organisation], form, from_action=False)

    def _with_proposer_mailed(self, message: str, organisation, *, mailed: bool) -> str:
        """``message``, and that the proposer was mailed when the service did so."""
        proposer = proposer_to_tell(organisation) if mailed else None
        if proposer is None:
            return message
        told = gettext("%(name)s, who proposed it, has been mailed.") % {"name": proposer}
        return f"{message} {told}"

    def _decline(self, request, organisations, *, reason: str) -> None:
        """Decline each proposal through the service; say what was done and who was mailed."""
        declined = []
        for organisation in organisations:
            try:
                decline_organisation(organisation=organisation, by=request.user, reason=reason)
            except OrganisationError as error:
                self.message_user(request, error.message, messages.ERROR)
                continue
            self.log_change(request, organisation, gettext("Declined."))
            declined.append(organisation)
        if len(organisations) == 1 and declined:
            message = gettext("%(name)s is declined: nobody can see or choose it now.") % {
                "name": declined[0].name
            }
            self.message_user(
                request,
                self._with_proposer_mailed(message, declined[0], mailed=True),
                messages.SUCCESS,
            )
        elif len(organisations) > 1:
            self._report_bulk(
                request,
                ngettext(
                    "Declined %(count)d organisation.",
                    "Declined %(count)d organisations.",
                    len(declined),
                )
                % {"count": len(declined)},
                declined,
            )

    def _report_bulk(self, request, message: str, organisations) -> None:
        """What an action did, and how many proposers it mailed."""
        mailed = sum(1 for organisation in organisations if proposer_to_tell(organisation))
        if mailed:
            message += " " + ngettext(
                "Mailed %(count)d member about their proposal.",
                "Mailed %(count)d members about their proposals.",
                mailed,
            ) % {"count": mailed}
        self.message_user(request, message, messages.SUCCESS)

    def _decline_confirmation(self, request, organisations, form, *, from_action: bool):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Decline organisations")
            if from_action
            else gettext("Decline %(name)s") % {"name": organisations[0].name},
            "opts": self.model._meta,
            "organisations": organisations,
            "form": form,
            "from_action": from_action,
            "original": None if from_action else organisations[0],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/members/organisation/decline_confirmation.html", context
        )

    def get_search_results(self, request, queryset, search_term):
        """The profile's organisation picker offers no merged organisations."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "profile":
            queryset = queryset.exclude(status=Organisation.Status.MERGED)
        return queryset, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        # Status changes go through the approve and merge actions, which keep
        # members and redirects right; a new organisation made here is approved.
        readonly = ["status", "merged_into", "created_at"]
        if obj is not None:
            readonly.append("proposed_by")
        return [*super().get_readonly_fields(request, obj), *readonly]  # and the history

    def view_on_site(self, organisation):
        """A declined organisation has no page on the site (a merged one's redirects)."""
        if organisation.status == Organisation.Status.DECLINED:
            return None
        return organisation.get_absolute_url()

    @admin.display(description=_("sectors"))
    def sector_list(self, organisation):
        return labels(organisation.sectors, Sector)

    @admin.display(description=_("members"), ordering="member_count")
    def members(self, organisation):
        url = reverse("admin:members_user_changelist")
        return format_html(
            '<a href="{}?profile__organisation__id__exact={}">{}</a>',
            url,
            organisation.pk,
            organisation.member_count,
        )

    def save_model(self, request, obj, form, change):
        """Save through the service; the logo was handled before (ImagesAdminMixin)."""
        if not change:
            obj.status = Organisation.Status.APPROVED
        save_organisation(organisation=obj)

    @admin.action(description=_("Approve selected organisations"), permissions=["change"])
    def approve_selected(self, request, queryset):
        approved = []
        for organisation in queryset.filter(status=Organisation.Status.PROPOSED):
            try:
                approve_organisation(organisation=organisation, by=request.user)
            except OrganisationError as error:
                self.message_user(request, error.message, messages.ERROR)
                continue
            self.log_change(request, organisation, gettext("Approved."))
            approved.append(organisation)
        merged = queryset.filter(status=Organisation.Status.MERGED).count()
        self._report_bulk(
            request,
            ngettext(
                "Approved %(count)d organisation.",
                "Approved %(count)d organisations.",
                len(approved),
            )
            % {"count": len(approved)},
            approved,
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

    @admin.action(description=_("Decline selected proposals …"), permissions=["change"])
    def decline_selected(self, request, queryset):
        """Ask for an optional note to the proposers, then decline the selected proposals."""
        proposals = list(queryset.filter(status=Organisation.Status.PROPOSED).order_by("name"))
        if not proposals:
            self.message_user(
                request,
                gettext("Select at least one proposed organisation to decline."),
                messages.WARNING,
            )
            return None
        confirmed = request.POST.get("post") == "yes"
        form = DeclineOrganisationForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            self._decline(request, proposals, reason=form.cleaned_data["reason"])
            return None
        return self._decline_confirmation(request, proposals, form, from_action=True)

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
                self.message_user(request, error.message, messages.ERROR)
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


@admin.register(ContactMessage)
class ContactMessageAdmin(ReadOnlyAdmin):
    """Who contacted whom and when (the texts are not stored): to spot abuse."""

    list_display = ["created_at", "sender", "recipient"]
    list_select_related = ["sender", "recipient"]
    search_fields = ["sender__username", "sender__name", "recipient__username", "recipient__name"]
    date_hierarchy = "created_at"
