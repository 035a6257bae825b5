"""The coordinators' back office for meetups: venues, meetups and their sign-ups.

The admin follows the site's rules, not rules of its own: every change that
touches places goes through events.services, so a capacity raised here
promotes from the waiting list, a cancellation here passes the place on and
mails, a meetup cancelled here mails everyone, exactly as on the site.
Registrations are shown, never edited by hand: they change through the
actions (cancel, check in), and coordinators cannot delete them (cancelling
keeps the row; a superuser's delete goes through the service too).
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from events import services
from events.forms import CancelEventForm, CopyEventForm, EmailConfirmedForm
from events.models import Event, Registration, Venue, holds_a_place
from events.permissions import event_permissions
from events.queries import with_waiting_position
from lef.admin import (
    RefusalAsMessageMixin,
    SafeAutocompleteMixin,
    YesNoFilter,
    choice_filter,
    csv_response,
    list_time,
    local_time,
)
from lef.admin_history import HistoryAdminMixin
from lef.choices import Sector, Transition
from lef.errors import DomainError
from lef.images import ImagesAdminMixin
from lef.templatetags.lef_tags import day_label


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "city"]
    search_fields = ["name", "address", "city"]
    prepopulated_fields = {"slug": ["name"]}


# Meetups ------------------------------------------------------------------------------


class EventAdminForm(forms.ModelForm):
    """The image is an upload checked and re-encoded by lef.images (its model field's
    form field); a change that would break a place rule is refused here, with the
    service's message."""

    target_sectors = forms.MultipleChoiceField(
        label=_("For sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a meetup for everyone."),
    )
    target_transitions = forms.MultipleChoiceField(
        label=_("About transitions"),
        choices=Transition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Event
        fields = "__all__"  # noqa: DJ007 -- the ModelAdmin's fieldsets choose them

    def _post_clean(self):
        # Check the rules against the instance with the new values (set by
        # ModelForm._post_clean), then run them.
        super()._post_clean()
        if self.instance.pk is not None and not self.errors:
            current = Event.objects.get(pk=self.instance.pk)
            try:
                services.check_event_change(current=current, changed=self.instance)
            except DomainError as error:
                self.add_error(None, error.message)


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Coming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


class RegistrationInline(admin.TabularInline):
    """Everyone who signed up, in order: shown, never edited here (use the actions)."""

    model = Registration
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "person",
        "sector_label",
        "status_label",
        "position",
        "note",
        "walk_in",
        "checked_in",
        "signed_up",
        "cancel",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return with_waiting_position(
            super()
            .get_queryset(request)
            .select_related("member", "event")
            .order_by("created_at", "pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("person"))
    def person(self, registration):
        if registration.guest_email:  # left at the door, for the organisers to follow up
            return f"{_person(registration)} ({registration.guest_email})"
        return _person(registration)

    @admin.display(description=_("sector"))
    def sector_label(self, registration):
        return registration.get_sector_display()

    @admin.display(description=_("status"))
    def status_label(self, registration):
        return _status(registration)

    @admin.display(description=_("place in line"))
    def position(self, registration):
        return registration.ahead if registration.status == Registration.Status.WAITING else ""

    @admin.display(description=_("checked in"))
    def checked_in(self, registration):
        return list_time(registration.checked_in_at)

    @admin.display(description=_("signed up at"))
    def signed_up(self, registration):
        return list_time(registration.created_at)

    @admin.display(description=_("cancel"))
    def cancel(self, registration):
        """A link to cancel this one sign-up, after a confirmation (EventAdmin's page)."""
        if not registration.is_active or registration.checked_in_at is not None:
            return ""
        url = reverse(
            "admin:events_event_cancel_registration",
            args=[registration.event_id, registration.pk],
        )
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> ({})</span></a>',
            url,
            gettext("Cancel"),
            _person(registration),
        )


def _person(registration) -> str:
    if registration.member_id is None:
        return registration.guest_name
    member = registration.member
    if not member.is_active:
        return gettext("Deleted account")
    return str(member)


def _status(registration) -> str:
    label = registration.get_status_display()
    if registration.waiting_reason:
        return f"{label} ({registration.get_waiting_reason_display().lower()})"
    return label


@admin.register(Event)
class EventAdmin(
    HistoryAdminMixin,
    ImagesAdminMixin,
    RefusalAsMessageMixin,
    SafeAutocompleteMixin,
    admin.ModelAdmin,
):
    def history_children(self, obj):
        # The meetup's own history and its sign-ups', each named by its person.
        registrations = Registration.objects.filter(event=obj).select_related("member")
        return [(registrations, lambda registration: registration.person_name)]

    form = EventAdminForm
    list_display = ["title", "when", "venue", "status", "places", "waiting"]
    list_select_related = ["venue"]
    list_filter = [
        WhenFilter,
        "status",
        "venue",
        choice_filter(
            "target_sectors", Sector, title=_("for sector"), parameter="sector", array=True
        ),
    ]
    search_fields = ["title", "slug", "venue__name"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["venue", "organisers"]
    inlines = [RegistrationInline]
    readonly_fields = ["sector_numbers", "sequence", "cancelled_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "summary", "description", "image"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "venue", "online_url"]}),
        (
            _("Places and sign-up"),
            {
                "fields": [
                    "capacity",
                    "max_sector_share",
                    "registration_opens_at",
                    "registration_closes_at",
                ]
            },
        ),
        (_("For whom"), {"fields": ["target_sectors", "target_transitions", "organisers"]}),
        (_("Professional development"), {"fields": ["development_hours"]}),
        (_("Numbers per sector"), {"fields": ["sector_numbers"]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["sequence", "cancelled_at", "created_at", "updated_at"],
            },
        ),
    ]
    actions = ["duplicate_selected", "cancel_selected", "email_confirmed", "export_attendees"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                taken=Count("registrations", filter=holds_a_place("registrations__")),
                waiting_count=Count(
                    "registrations",
                    filter=Q(registrations__status=Registration.Status.WAITING),
                ),
            )
        )

    @admin.display(description=_("when"), ordering="starts_at")
    def when(self, event):
        return list_time(event.starts_at, event.ends_at)

    @admin.display(description=_("places taken"), ordering="taken")
    def places(self, event):
        if event.capacity is None:
            return f"{event.taken} / ∞"
        return f"{event.taken} / {event.capacity}"

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, event):
        return event.waiting_count

    @admin.display(description=_("numbers per sector"))
    def sector_numbers(self, event):
        if event.pk is None:
            return "-"
        return render_to_string(
            "admin/events/event/sector_numbers.html",
            {"rows": _sector_numbers(event), "ended": event.has_ended()},
        )

    # Who may change a meetup: events.permissions, as on the site ------------------------

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or event_permissions(request.user, obj).edit
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or event_permissions(request.user, obj).edit
        )

    # Writes go through the services --------------------------------------------------

    def save_model(self, request, obj, form, change):
        done = _what_saving_did(services.save_event(event=obj, by=request.user))
        if done:
            self.message_user(request, done, messages.SUCCESS)

    def delete_model(self, request, obj):
        services.delete_event(event=obj)

    def delete_queryset(self, request, queryset):
        for event in queryset.order_by("pk"):
            services.delete_event(event=event)

    # Actions ---------------------------------------------------------------------------

    @admin.action(
        description=_("Copy selected meetups to a new date (as drafts)"), permissions=["add"]
    )
    def duplicate_selected(self, request, queryset):
        events = list(queryset.order_by("starts_at", "pk"))
        return self._copy(request, events, action="duplicate_selected")

    def _copy(self, request, events, *, action=""):
        """Ask for the new date (and, for one meetup, the title); then make the draft copies.

        From the list's action (``action``: any number of meetups, each keeps its
        title) or from one meetup's "Copy" button.
        """
        days = [timezone.localdate(event.starts_at) for event in events]
        confirmed = request.POST.get("post") == "yes"
        form = CopyEventForm(
            request.POST if confirmed else None,
            source_days=days,
            title=events[0].title if len(events) == 1 else "",
        )
        if confirmed and form.is_valid():
            try:
                copies = [
                    services.duplicate_event(
                        event=event,
                        starts_on=form.new_day(day),
                        title=form.cleaned_data.get("title", ""),
                        by=request.user,
                    )
                    for event, day in zip(events, days, strict=True)
                ]
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                for event, copy in zip(events, copies, strict=True):
                    self.log_addition(
                        request, copy, gettext("Copied from “%(title)s”.") % {"title": event}
                    )
                if len(copies) == 1:
                    self.message_user(
                        request,
                        gettext("Made a draft copy for %(day)s. Check it, then publish it.")
                        % {"day": day_label(copies[0].starts_at)},
                        messages.SUCCESS,
                    )
                    return redirect("admin:events_event_change", copies[0].pk)
                self.message_user(
                    request,
                    ngettext(
                        "Made %(count)d draft copy. Check it, then publish it.",
                        "Made %(count)d draft copies. Check them, then publish them.",
                        len(copies),
                    )
                    % {"count": len(copies)},
                    messages.SUCCESS,
                )
                return None
        return self._confirmation(
            request,
            "admin/events/event/copy.html",
            title=gettext("Copy a meetup") if len(events) == 1 else gettext("Copy meetups"),
            events=events,
            action=action,
            form=form,
        )

    @admin.action(
        description=_("Cancel selected meetups (mails everyone)"), permissions=["change"]
    )
    def cancel_selected(self, request, queryset):
        events = list(queryset.exclude(status=Event.Status.CANCELLED).order_by("starts_at"))
        if not events:
            self.message_user(
                request, gettext("The selected meetups are cancelled already."), messages.WARNING
            )
            return None
        return self._cancel(request, events, action="cancel_selected")

    def _cancel(self, request, events, *, action=""):
        """Ask first (with room for a personal message in the mail); then cancel and mail.

        From the list's action (``action``) or from one meetup's "Cancel" button.
        """
        confirmed = request.POST.get("post") == "yes"
        form = CancelEventForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            mailed = 0
            for event in events:
                try:
                    mailed += services.cancel_event(
                        event=event, by=request.user, message=form.cleaned_data["message"]
                    )
                except DomainError as error:
                    self.message_user(request, error.message, messages.ERROR)
                    continue
                self.log_change(request, event, gettext("Cancelled."))
            self.message_user(request, _cancelled_and_mailed(mailed), messages.SUCCESS)
            return None
        counts = dict(  # who gets the mail: guests at the door have no address of ours
            Registration.objects.active()
            .filter(event__in=events, member__isnull=False)
            .values_list("event_id")
            .annotate(n=Count("pk"))
        )
        for event in events:
            event.active_count = counts.get(event.pk, 0)
        return self._confirmation(
            request,
            "admin/events/event/cancel_confirmation.html",
            title=gettext("Cancel a meetup") if len(events) == 1 else gettext("Cancel meetups"),
            events=events,
            action=action,
            form=form,
        )

    @admin.action(description=_("Email everyone with a place"), permissions=["change"])
    def email_confirmed(self, request, queryset):
        events = list(queryset[:2])
        if len(events) != 1:
            self.message_user(request, gettext("Choose one meetup to mail."), messages.WARNING)
            return None
        event = events[0]
        confirmed = request.POST.get("post") == "yes"
        form = EmailConfirmedForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            try:
                reached = services.email_confirmed(
                    event=event, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                self.log_change(request, event, gettext("Mailed everyone with a place."))
                self.message_user(
                    request,
                    ngettext(
                        "The message goes to %(count)d person.",
                        "The message goes to %(count)d people.",
                        reached,
                    )
                    % {"count": reached},
                    messages.SUCCESS,
                )
                return None
        return self._confirmation(
            request,
            "admin/events/event/email_confirmed.html",
            title=gettext("Email everyone with a place"),
            events=[event],
            action="email_confirmed",
            form=form,
            confirmed_count=Registration.objects.confirmed().filter(event=event).count(),
        )

    @admin.action(description=_("Export sign-ups of selected meetups (CSV)"), permissions=["view"])
    def export_attendees(self, request, queryset):
        registrations = (
            Registration.objects.filter(event__in=queryset)
            .select_related("event", "member")
            .order_by("event__starts_at", "event_id", "status", "created_at", "pk")
        )
        header = [
            gettext("meetup"),
            gettext("starts at"),
            gettext("name"),
            gettext("email address"),
            gettext("sector"),
            gettext("status"),
            gettext("walk-in"),
            gettext("checked in at"),
            gettext("signed up at"),
            gettext("note"),
        ]

        def rows():
            yield header
            for r in registrations.iterator(chunk_size=500):
                active_member = r.member is not None and r.member.is_active
                yield [
                    r.event.title,
                    local_time(r.event.starts_at),
                    _person(r),
                    r.member.email if active_member else r.guest_email,
                    r.get_sector_display(),
                    _status(r),
                    gettext("yes") if r.walk_in else "",
                    local_time(r.checked_in_at),
                    local_time(r.created_at),
                    r.note,
                ]

        return csv_response(rows(), filename="meetup-sign-ups")

    # One meetup's own buttons: copy, cancel, cancel one sign-up --------------------------

    def get_urls(self):
        own = [  # the longest first: "<path:…>/cancel/" would match a sign-up's address too
            path(
                "<path:object_id>/sign-ups/<int:registration_id>/cancel/",
                self.admin_site.admin_view(self.cancel_registration_view),
                name="events_event_cancel_registration",
            ),
            path(
                "<path:object_id>/copy/",
                self.admin_site.admin_view(self.copy_view),
                name="events_event_copy",
            ),
            path(
                "<path:object_id>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="events_event_cancel",
            ),
        ]
        return own + super().get_urls()

    def _event_or_404(self, request, object_id) -> Event:
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404
        return event

    def copy_view(self, request, object_id):
        """The change page's "Copy": the new date and title, then the draft copy's page."""
        event = self._event_or_404(request, object_id)
        if not (self.has_add_permission(request) and self.has_view_permission(request, event)):
            raise PermissionDenied
        return self._copy(request, [event])

    def cancel_view(self, request, object_id):
        """The change page's "Cancel meetup": asks first, with room for a personal message."""
        event = self._event_or_404(request, object_id)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        if event.is_cancelled:
            self.message_user(
                request, gettext("This meetup was already cancelled."), messages.WARNING
            )
            return redirect("admin:events_event_change", event.pk)
        return self._cancel(request, [event]) or redirect("admin:events_event_change", event.pk)

    def cancel_registration_view(self, request, object_id, registration_id):
        """Cancel one sign-up from the meetup's page: asks first, then says what happened.

        Through services.cancel_registration, as everywhere: the person is mailed
        and the place goes to the next in line (mailed too).
        """
        event = self._event_or_404(request, object_id)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        registration = get_object_or_404(
            Registration.objects.select_related("member"), pk=registration_id, event=event
        )
        registration.event = event
        if request.method == "POST":
            try:
                done = services.cancel_registration(registration=registration, by=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.log_change(request, registration, gettext("Cancelled."))
                self.message_user(request, _what_cancelling_did(done), messages.SUCCESS)
            return redirect("admin:events_event_change", event.pk)
        if not registration.is_active:
            self.message_user(
                request, gettext("This sign-up was already cancelled."), messages.WARNING
            )
            return redirect("admin:events_event_change", event.pk)
        return self._confirmation(
            request,
            "admin/events/event/cancel_registration.html",
            title=gettext("Cancel a sign-up"),
            events=[event],
            action="",
            registration=registration,
            person=_person(registration),
            waiting_count=Registration.objects.waiting().filter(event=event).count(),
        )

    def _confirmation(self, request, template, *, title, events, action, **extra):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "events": events,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
            # One meetup's page, when asked from there (not from the list's action).
            "event_url": ""
            if action
            else reverse("admin:events_event_change", args=[events[0].pk]),
            **extra,
        }
        return TemplateResponse(request, template, context)


# What a change did, in the coordinator's message ----------------------------------------


def _moved_up(count: int) -> str:
    return ngettext(
        "%(count)d person moved up from the waiting list and was mailed.",
        "%(count)d people moved up from the waiting list and were mailed.",
        count,
    ) % {"count": count}


def _cancelled_and_mailed(count: int) -> str:
    return ngettext(
        "Cancelled. %(count)d person was mailed.",
        "Cancelled. %(count)d people were mailed.",
        count,
    ) % {"count": count}


def _what_saving_did(saved: services.EventSaved) -> str:
    """What a save did besides the change ("" when nothing): mails and promotions."""
    done = []
    if saved.cancelled:
        done.append(_cancelled_and_mailed(saved.mailed))
    elif saved.mailed:
        done.append(
            ngettext(
                "%(count)d person was mailed the new time or place.",
                "%(count)d people were mailed the new time or place.",
                saved.mailed,
            )
            % {"count": saved.mailed}
        )
    if saved.promoted:
        done.append(_moved_up(saved.promoted))
    return " ".join(done)


def _what_cancelling_did(done: services.Cancelled) -> str:
    registration = done.registration
    if registration.member_id is not None and registration.member.is_active:
        said = gettext("Cancelled the sign-up of %(name)s; they got a mail about it.")
    else:
        said = gettext("Cancelled the sign-up of %(name)s.")
    parts = [said % {"name": _person(registration)}]
    if done.promoted:
        parts.append(_moved_up(len(done.promoted)))
    return " ".join(parts)


def _sector_numbers(event: Event) -> list[dict]:
    """Per sector: signed up (with a place), present, no-show, waiting, cancelled. One query."""
    rows = (
        Registration.objects.filter(event=event)
        .values_list("sector")
        .annotate(
            signed_up=Count("pk", filter=holds_a_place()),
            walk_ins=Count("pk", filter=Q(status="confirmed", walk_in=True)),
            attended=Count("pk", filter=Q(status="confirmed", checked_in_at__isnull=False)),
            no_show=Count("pk", filter=holds_a_place() & Q(checked_in_at__isnull=True)),
            waiting=Count("pk", filter=Q(status="waiting")),
            cancelled=Count("pk", filter=Q(status="cancelled")),
        )
        .order_by()
    )
    found = {row[0]: row[1:] for row in rows}
    table = []
    for code, label in Sector.choices:
        if code in found:
            signed_up, walk_ins, attended, no_show, waiting, cancelled = found[code]
            table.append(
                {
                    "label": label,
                    "signed_up": signed_up,
                    "walk_ins": walk_ins,
                    "attended": attended,
                    "no_show": no_show,
                    "waiting": waiting,
                    "cancelled": cancelled,
                }
            )
    if table:
        table.append(
            {
                "label": gettext("Total"),
                **{
                    key: sum(row[key] for row in table)
                    for key in (
                        "signed_up",
                        "walk_ins",
                        "attended",
                        "no_show",
                        "waiting",
                        "cancelled",
                    )
                },
                "total": True,
            }
        )
    return table


# Sign-ups ------------------------------------------------------------------------------


class EventListFilter(admin.SimpleListFilter):
    """The meetups of the last two months and the coming ones (not all of them)."""

    title = _("meetup")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        since = timezone.now() - timedelta(days=60)
        events = Event.objects.filter(ends_at__gte=since).order_by("starts_at")[:40]
        choices = [(str(event.pk), f"{event} ({day_label(event.starts_at)})") for event in events]
        value = self.value()
        if value and value.isdigit() and value not in {pk for pk, _label in choices}:
            chosen = Event.objects.filter(pk=int(value)).first()
            if chosen is not None:
                choices.insert(0, (value, str(chosen)))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and len(value) < 19:
            return queryset.filter(event_id=int(value))
        return queryset


class CheckedInFilter(YesNoFilter):
    title = _("checked in")
    parameter_name = "present"

    def condition(self):
        return Q(checked_in_at__isnull=False)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "event",
        "sector_label",
        "status_label",
        "walk_in",
        "checked_in",
        "signed_up",
    ]
    list_select_related = ["event", "member"]
    list_filter = [
        EventListFilter,
        "status",
        choice_filter("sector", Sector, title=_("sector"), parameter="sector"),
        "walk_in",
        CheckedInFilter,
    ]
    search_fields = ["member__name", "member__email", "guest_name", "event__title"]
    ordering = ["-created_at"]
    actions = ["cancel_selected", "check_in_selected", "export_selected"]
    fields = [
        "event",
        "person",
        "guest_email",
        "sector",
        "status",
        "waiting_reason",
        "note",
        "walk_in",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "cancelled_by",
        "checked_in_at",
        "reminded_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # sign-ups come from the site, walk-ins from the door list

    def save_model(self, request, obj, form, change):
        """Nothing here is edited by hand (every field is read-only); changes go by action."""

    def delete_model(self, request, obj):
        services.delete_registration(registration=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for registration in queryset.order_by("pk"):
            services.delete_registration(registration=registration, by=request.user)

    @admin.display(description=_("person"), ordering="member__name")
    def person(self, registration):
        return _person(registration)

    @admin.display(description=_("sector"), ordering="sector")
    def sector_label(self, registration):
        return registration.get_sector_display()

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, registration):
        return _status(registration)

    @admin.display(description=_("checked in"), ordering="checked_in_at")
    def checked_in(self, registration):
        return list_time(registration.checked_in_at)

    @admin.display(description=_("signed up at"), ordering="created_at")
    def signed_up(self, registration):
        return list_time(registration.created_at)

    @admin.action(
        description=_("Cancel selected sign-ups (the place goes to the next in line)"),
        permissions=["change"],
    )
    def cancel_selected(self, request, queryset):
        done = promoted = 0
        for registration in queryset.active().order_by("pk"):
            try:
                cancelled = services.cancel_registration(
                    registration=registration, by=request.user
                )
            except DomainError as error:
                self.message_user(
                    request, f"{_person(registration)}: {error.message}", messages.ERROR
                )
                continue
            self.log_change(request, registration, gettext("Cancelled."))
            done += 1
            promoted += len(cancelled.promoted)
        said = ngettext("Cancelled %(count)d sign-up.", "Cancelled %(count)d sign-ups.", done) % {
            "count": done
        }
        if promoted:
            said = f"{said} {_moved_up(promoted)}"
        self.message_user(request, said, messages.SUCCESS)

    @admin.action(description=_("Check in selected people"), permissions=["change"])
    def check_in_selected(self, request, queryset):
        done = 0
        for registration in queryset.active().order_by("pk"):
            try:
                services.check_in(registration=registration, by=request.user)
            except DomainError as error:
                self.message_user(
                    request, f"{_person(registration)}: {error.message}", messages.ERROR
                )
                continue
            done += 1
        self.message_user(
            request,
            ngettext("Checked in %(count)d person.", "Checked in %(count)d people.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export selected sign-ups (CSV)"), permissions=["view"])
    def export_selected(self, request, queryset):
        registrations = queryset.select_related("event", "member").order_by("event_id", "pk")

        def rows():
            yield [
                gettext("meetup"),
                gettext("name"),
                gettext("sector"),
                gettext("status"),
                gettext("walk-in"),
                gettext("checked in at"),
                gettext("signed up at"),
                gettext("note"),
            ]
            for r in registrations.iterator(chunk_size=500):
                yield [
                    r.event.title,
                    _person(r),
                    r.get_sector_display(),
                    _status(r),
                    gettext("yes") if r.walk_in else "",
                    local_time(r.checked_in_at),
                    local_time(r.created_at),
                    r.note,
                ]

        return csv_response(rows(), filename="sign-ups")
