"""The coordinators' tools for spaces: places, resources, bookings, blocks and occupancy.

Bookings are never edited or deleted here: cancelling (with a message to the
booker) and blocking go through :mod:`spaces.services`, so the rules, the mails
and the exclusion constraint hold exactly as on the site. So do the changes to
a place that bookings depend on: closure days, opening hours, and a resource
made unbookable or for start-ups only. Each refuses on the form with the
number of bookings in the way, unless the coordinator ticks the box that
cancels them and mails their owners.
"""

from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lef.admin import RefusalAsMessageMixin, csv_response, labels, list_time, local_time
from lef.admin_history import HistoryAdminMixin
from lef.coordinators import is_coordinator
from lef.images import ImagesAdminMixin
from spaces import queries, services, timeslots
from spaces.forms import BlockForm, CancelForm
from spaces.models import Amenity, Booking, Closure, OpeningHours, Resource, Space
from spaces.permissions import resource_permissions, space_permissions


def cancelled_message(count: int) -> str:
    """What the admin says after a save that cancelled ``count`` bookings."""
    return ngettext(
        "%(count)d booking cancelled and its owner mailed.",
        "%(count)d bookings cancelled and their owners mailed.",
        count,
    ) % {"count": count}


class SpaceForm(forms.ModelForm):
    cancel_bookings = forms.BooleanField(
        label=_("Cancel the bookings the new opening hours leave out, and mail their owners"),
        required=False,
        help_text=_("Only when you change the opening hours below."),
    )


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    """A space's opening hours, checked as a whole against the bookings they would leave out.

    What the new hours would be is known only from all rows together; the
    service checks again when it saves them, under its locks.
    """

    def __init__(self, *args, cancel_bookings: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cancel_bookings = cancel_bookings

    def clean(self):
        super().clean()
        if self.instance.pk is None or self.cancel_bookings or any(self.errors):
            return
        rows, weekdays = [], set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            deleted = self._should_delete_form(form)
            if form.instance.pk is not None and (deleted or form.has_changed()):
                weekdays.add(form.initial["weekday"])  # the day it leaves
            if deleted or not data:
                continue
            rows.append(
                OpeningHours(weekday=data["weekday"], opens=data["opens"], closes=data["closes"])
            )
            if form.has_changed():
                weekdays.add(data["weekday"])
        count = len(services.bookings_outside_hours(self.instance.pk, rows, weekdays=weekdays))
        if count:
            raise ValidationError(services.hours_refusal_message(count))


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0


class ClosureForm(forms.ModelForm):
    """A closure day; bookings on it are cancelled only when the coordinator says so."""

    cancel_bookings = forms.BooleanField(
        label=_("cancel bookings on this day"),
        required=False,
        help_text=_("Each booker gets the reason by mail."),
    )

    class Meta:
        model = Closure
        fields = ["date", "reason"]

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        space_id = self.instance.space_id
        if (
            day is not None
            and space_id is not None
            and "date" in self.changed_data
            and not cleaned.get("cancel_bookings")
        ):
            count = len(services.bookings_on_day(space_id, day))
            if count:
                raise ValidationError(
                    ngettext(
                        'There is %(count)d booking on this day. Tick "cancel bookings" to '
                        "cancel it and mail the booker, or choose another day.",
                        'There are %(count)d bookings on this day. Tick "cancel bookings" to '
                        "cancel them and mail the bookers, or choose another day.",
                        count,
                    )
                    % {"count": count}
                )
        return cleaned


class ClosureInline(admin.TabularInline):
    model = Closure
    form = ClosureForm
    extra = 0

    def get_queryset(self, request):
        # Past closures stay in the table (occupancy needs them) but not in the way.
        return super().get_queryset(request).filter(date__gte=timeslots.today())


@admin.register(Space)
class SpaceAdmin(HistoryAdminMixin, ImagesAdminMixin, RefusalAsMessageMixin, admin.ModelAdmin):
    form = SpaceForm
    list_display = ["name", "address"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, ClosureInline]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            space_permissions(request.user, obj).change
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, OpeningHoursInline):
            # The box is on the space's own form; the hours are checked on theirs.
            kwargs["cancel_bookings"] = forms.CheckboxInput().value_from_datadict(
                request.POST, {}, "cancel_bookings"
            )
        return kwargs

    def save_formset(self, request, form, formset, change):
        """Opening hours and closure days go through the services (bookings, mail)."""
        if formset.model is OpeningHours:
            self._save_opening_hours(request, form, formset)
            return
        if formset.model is not Closure:
            super().save_formset(request, form, formset, change)
            return
        # What the admin's change message and history read (formset.save() sets them).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        cancelled = []
        deleted = formset.deleted_forms
        for inline_form in deleted:
            if inline_form.instance.pk is not None:
                formset.deleted_objects.append(inline_form.instance)
                inline_form.instance.delete()
        for inline_form in formset.forms:
            if inline_form in deleted or not inline_form.has_changed():
                continue
            closure = inline_form.save(commit=False)
            closure.space = form.instance
            is_new = closure.pk is None
            if "date" in inline_form.changed_data:
                cancelled += services.close_day(
                    closure=closure,
                    by=request.user,
                    cancel_bookings=inline_form.cleaned_data.get("cancel_bookings", False),
                )
            else:
                closure.save()  # only the reason changed
            if is_new:
                formset.new_objects.append(closure)
            else:
                formset.changed_objects.append((closure, inline_form.changed_data))
        if cancelled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d booking on the closed days was cancelled; its booker was mailed.",
                    "%(count)d bookings on the closed days were cancelled; their bookers were "
                    "mailed.",
                    len(cancelled),
                )
                % {"count": len(cancelled)},
                messages.WARNING,
            )

    def _save_opening_hours(self, request, form, formset):
        """New, changed and deleted rows in one call of ``services.change_opening_hours``."""
        # What the admin's change message and history read (formset.save() sets them).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        saved = []
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            row = inline_form.save(commit=False)
            saved.append(row)
            if row.pk is None:
                formset.new_objects.append(row)
            else:
                formset.changed_objects.append((row, inline_form.changed_data))
        formset.deleted_objects = [
            inline_form.instance
            for inline_form in formset.deleted_forms
            if inline_form.instance.pk is not None
        ]
        if not saved and not formset.deleted_objects:
            return
        cancelled = services.change_opening_hours(
            space=form.instance,
            saved=saved,
            deleted=formset.deleted_objects,
            by=request.user,
            cancel_bookings=form.cleaned_data.get("cancel_bookings", False),
        )
        if cancelled:
            self.message_user(request, cancelled_message(len(cancelled)), messages.WARNING)


class ResourceForm(forms.ModelForm):
    amenities = forms.MultipleChoiceField(
        label=_("amenities"),
        choices=Amenity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    cancel_bookings = forms.BooleanField(
        label=_("Cancel the bookings this change affects and mail their owners"),
        required=False,
        help_text=_(
            "Only when you make it no longer bookable, or for start-ups and initiatives only."
        ),
    )

    class Meta:
        model = Resource
        fields = "__all__"  # noqa: DJ007 -- every field is the coordinators' to set

    def clean(self):
        """Refuse a change that leaves bookings behind, unless the box says to cancel them.

        ``services.save_resource`` checks again under its lock when it saves.
        """
        cleaned = super().clean()
        if self.instance.pk is None or cleaned.get("cancel_bookings"):
            return cleaned
        count = len(
            services.bookings_stranded_by(
                self.instance.pk,
                active=cleaned.get("active", False),
                audience=cleaned.get("audience") or self.instance.audience,
            )
        )
        if count:
            # The box says how many, now that it is known (the field is bound already).
            self["cancel_bookings"].label = ngettext(
                "Cancel the %(count)d booking this change affects and mail its owner",
                "Cancel the %(count)d bookings this change affects and mail their owners",
                count,
            ) % {"count": count}
            raise ValidationError(
                services.resource_refusal_message(cleaned.get("name") or str(self.instance), count)
            )
        return cleaned


@admin.register(Resource)
class ResourceAdmin(ImagesAdminMixin, RefusalAsMessageMixin, admin.ModelAdmin):
    form = ResourceForm
    list_display = ["name", "kind", "space", "seats", "audience", "active", "auto_release"]
    list_filter = ["space", "kind", "audience", "active"]
    list_select_related = ["space"]
    search_fields = ["name", "slug", "space__name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["block_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "space",
                    "kind",
                    "name",
                    "slug",
                    "description",
                    "photo",
                    "active",
                    "cancel_bookings",
                ]
            },
        ),
        (_("Seats and amenities"), {"fields": ["seats", "amenities"]}),
        (
            _("Booking rules"),
            {
                "fields": [
                    "audience",
                    "slot_minutes",
                    "min_minutes",
                    "max_minutes",
                    "max_days_ahead",
                    "min_notice_minutes",
                    "member_quota_hours",
                    "organisation_quota_hours",
                    "auto_release",
                ]
            },
        ),
    ]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or resource_permissions(request.user, obj).change
        )

    def has_delete_permission(self, request, obj=None):
        # Bookings keep their resource; untick "bookable" instead.
        return False

    def save_model(self, request, obj, form, change):
        """Through ``services.save_resource``: bookings it would strand, and their mail."""
        cancelled = services.save_resource(
            resource=obj,
            by=request.user,
            cancel_bookings=form.cleaned_data.get("cancel_bookings", False),
        )
        if cancelled:
            self.message_user(request, cancelled_message(len(cancelled)), messages.WARNING)

    @admin.action(description=_("Block slots of the selected resources …"), permissions=["change"])
    def block_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(f"{reverse('admin:spaces_booking_block')}?resources={ids}")


class LocalDateFilter(admin.SimpleListFilter):
    """Upcoming, today, past: what coordinators ask first."""

    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("today", _("Today")), ("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        today = timeslots.today()
        start, end = (
            timeslots.local_midnight(today),
            timeslots.local_midnight(today + timedelta(days=1)),
        )
        match self.value():
            case "today":
                return queryset.overlapping(start, end)
            case "upcoming":
                return queryset.filter(start__gte=start)
            case "past":
                return queryset.filter(start__lt=start)
        return queryset


@admin.register(Booking)
class BookingAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "resource",
        "when",
        "booker",
        "organisation",
        "people",
        "status",
        "kind",
        "checked_in",
    ]
    list_filter = [LocalDateFilter, "status", "kind", "resource__space", "resource"]
    list_select_related = ["resource", "booker", "organisation"]
    search_fields = ["booker__name", "booker__email", "resource__name", "purpose"]
    date_hierarchy = "start"
    ordering = ["-start"]
    actions = ["cancel_selected", "export_csv"]
    readonly_fields = [
        "resource",
        "booker",
        "organisation",
        "start_local",
        "end_local",
        "people",
        "purpose",
        "status",
        "kind",
        "checked_in_at",
        "series",
        "cancelled_at",
        "cancelled_by",
        "cancel_message",
        "created_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("when"), ordering="start")
    def when(self, booking):
        return list_time(booking.start, booking.end)

    @admin.display(description=_("start"))
    def start_local(self, booking):
        return list_time(booking.start)

    @admin.display(description=_("end"))
    def end_local(self, booking):
        return list_time(booking.end)

    @admin.display(description=_("checked in"), boolean=True)
    def checked_in(self, booking):
        return booking.checked_in_at is not None

    def has_add_permission(self, request):
        return False  # blocks come from "Block slots"; bookings from the site

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: the row is kept

    def get_urls(self):
        return [
            path(
                "block/",
                self.admin_site.admin_view(self.block_view),
                name="spaces_booking_block",
            ),
            path(
                "occupancy/",
                self.admin_site.admin_view(self.occupancy_view),
                name="spaces_booking_occupancy",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "block_url": reverse("admin:spaces_booking_block"),
            "occupancy_url": reverse("admin:spaces_booking_occupancy"),
        }
        return super().changelist_view(request, extra_context)

    # Cancel with a message ---------------------------------------------------------

    @admin.action(
        description=_("Cancel selected bookings with a message …"), permissions=["change"]
    )
    def cancel_selected(self, request, queryset):
        bookings = list(
            queryset.filter(status=Booking.Status.CONFIRMED).select_related("resource", "booker")
        )
        if not bookings:
            self.message_user(
                request, gettext("Select at least one confirmed booking."), messages.WARNING
            )
            return None
        confirmed = request.POST.get("post") == "yes"
        form = CancelForm(request.POST if confirmed else None)
        error = None
        if confirmed and form.is_valid():
            try:
                with transaction.atomic():
                    for booking in bookings:
                        services.cancel_booking(
                            booking=booking, by=request.user, message=form.cleaned_data["message"]
                        )
                        self.log_change(request, booking, gettext("Cancelled."))
            except services.BookingError as exc:
                error = exc.message
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Cancelled %(count)d booking; the booker is told.",
                        "Cancelled %(count)d bookings; the bookers are told.",
                        len(bookings),
                    )
                    % {"count": len(bookings)},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Cancel bookings"),
            "opts": self.model._meta,
            "bookings": bookings,
            "form": form,
            "error": error,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request,
            "admin/spaces/booking/cancel_confirmation.html",
            context,
            status=400 if error else 200,
        )

    # CSV ------------------------------------------------------------------------

    @admin.action(description=_("Export selected bookings as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            gettext("Space"),
            gettext("Resource"),
            gettext("Start"),
            gettext("End"),
            gettext("Booked by"),
            gettext("Email"),
            gettext("On behalf of"),
            gettext("People"),
            gettext("Purpose"),
            gettext("Status"),
            gettext("Kind"),
            gettext("Checked in at"),
            gettext("Cancelled at"),
        ]
        bookings = queryset.select_related("resource__space", "booker", "organisation").order_by(
            "start", "pk"
        )
        statuses = dict(Booking.Status.choices)
        kinds = dict(Booking.Kind.choices)

        def rows():
            yield header
            for b in bookings.iterator(chunk_size=2000):
                yield [
                    b.resource.space.name,
                    b.resource.name,
                    local_time(b.start),
                    local_time(b.end),
                    str(b.booker),
                    b.booker.email,
                    b.organisation.name if b.organisation else "",
                    b.people,
                    b.purpose,
                    statuses.get(b.status, b.status),
                    kinds.get(b.kind, b.kind),
                    local_time(b.checked_in_at),
                    local_time(b.cancelled_at),
                ]

        return csv_response(rows(), filename="bookings")

    # Block slots ----------------------------------------------------------------

    def block_view(self, request):
        if not (self.has_change_permission(request) and is_coordinator(request.user)):
            raise PermissionDenied
        status = 200
        if request.method == "POST":
            form = BlockForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    blocks = services.block_slots(
                        resources=list(data["resources"]),
                        start=data["start"],
                        end=data["end"],
                        by=request.user,
                        reason=data["reason"],
                        cancel_conflicting=data["cancel_conflicting"],
                    )
                except services.BookingError as error:
                    form.add_error(None, error.message)
                    status = error.status
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "Blocked %(count)d resource.",
                            "Blocked %(count)d resources.",
                            len(blocks),
                        )
                        % {"count": len(blocks)},
                        messages.SUCCESS,
                    )
                    return redirect("admin:spaces_booking_changelist")
            else:
                status = 400
        else:
            ids = [p for p in request.GET.get("resources", "").split(",") if p.isdigit()]
            form = BlockForm(initial={"resources": ids, "day": timeslots.today()})
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Block slots"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/spaces/booking/block.html", context, status=status)

    # Occupancy -----------------------------------------------------------------

    def occupancy_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        status = 200
        try:
            monday = timeslots.week_start(date.fromisoformat(request.GET.get("week", "")))
        except ValueError:
            if request.GET.get("week"):
                status = 400
                self.message_user(request, gettext("That is not a date."), messages.ERROR)
            monday = timeslots.week_start(timeslots.today())
        if abs((monday - timeslots.today()).days) > 5 * 366:
            status = 400
            monday = timeslots.week_start(timeslots.today())
        rows = queries.occupancy(monday=monday)
        totals = queries.Occupancy(
            resource=None,
            bookable_minutes=sum(r.bookable_minutes for r in rows),
            blocked_minutes=sum(r.blocked_minutes for r in rows),
            booked_minutes=sum(r.booked_minutes for r in rows),
            used_minutes=sum(r.used_minutes for r in rows),
            released_minutes=sum(r.released_minutes for r in rows),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Occupancy per week"),
            "opts": self.model._meta,
            "rows": rows,
            "totals": totals,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "kinds": labels,
        }
        return TemplateResponse(
            request, "admin/spaces/booking/occupancy.html", context, status=status
        )
