"""Spaces: locations, their bookable resources (desks, rooms, booths) and bookings.

The rule that matters most, "a resource is never double-booked", is PostgreSQL's:
an exclusion constraint over the rows that block (confirmed bookings and
coordinators' blocks) with half-open ranges, so 10:00-11:00 and 11:00-12:00
both fit. The embedded PostgreSQL has no btree_gist, so the resource is paired
as ``int8range(resource_id, resource_id, '[]')`` under ``&&`` instead of
``resource_id WITH =``. Every other rule (opening hours, quotas, notice, ...)
lives in :mod:`spaces.services`.
"""

from datetime import time, timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    BigIntegerRangeField,
    DateTimeRangeField,
    RangeOperators,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange, NumericRange
from django.db.models import F, Func, Q, Value
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lef.images import ImageKind, StoredImageField
from lef.templatetags.lef_tags import day_label, timespan
from lef.validators import validate_multiline_text, validate_plain_text
from members.models import Organisation

# Paths under /spaces/ that a resource slug must not take.
RESERVED_SLUGS = frozenset({"bookings", "search", "new"})
# Photos of spaces and resources: 1200 fills a page's column sharply at 2x.
SPACE_PHOTOS = ImageKind("spaces", sizes=(1200,))


def validate_resource_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is used by the site itself; choose another."))


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Amenity(models.TextChoices):
    SCREEN = "screen", _("Screen")
    WHITEBOARD = "whiteboard", _("Whiteboard")
    ACCESSIBLE = "accessible", _("Wheelchair accessible")
    VIDEO = "video", _("Video calls")
    POWER = "power", _("Power sockets")
    QUIET = "quiet", _("Quiet zone")


class Space(models.Model):
    """A location with bookable resources, such as 't LEF's house at PLNT."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_plain_text])
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=200, validators=[validate_plain_text])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_multiline_text]
    )
    photo = StoredImageField(_("photo"), kind=SPACE_PHOTOS)

    class Meta:
        # Not "spaces", the app's name ("Spaces > Spaces" in the admin's path); and in
        # Dutch not "locaties", the name of the meetups' venues.
        verbose_name = pgettext_lazy("spaces", "location")
        verbose_name_plural = pgettext_lazy("spaces", "locations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    """One opening range of a space on a weekday; a day may have several.

    ``closes`` 00:00 means midnight at the end of the day (open around the clock).
    Times are wall-clock times in Europe/Amsterdam.
    """

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight."))

    class Meta:
        verbose_name = _("opening time")  # one row: "Add another opening time"
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")) | Q(closes=time(0)),
                name="spaces_openinghours_closes_after_opens",
                violation_error_message=_("A space must close after it opens."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}\u2013{self.closes:%H:%M}"


class Closure(models.Model):
    """A day a space is closed (a public holiday, a move), whatever its opening hours say."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(
        _("reason"), max_length=120, blank=True, validators=[validate_plain_text]
    )

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["space", "date"], name="spaces_closure_unique_day"),
        ]

    def __str__(self):
        return f"{self.space}: {day_label(self.date)}"


# A new place's fair share per member: without it one member could hold every
# desk every weekday. Rooms and booths may want another number, or none.
MEMBER_QUOTA_HOURS = 16


class ResourceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Resource(models.Model):
    """Something bookable in a space: a flex desk, a meeting room, a phone booth."""

    class Kind(models.TextChoices):
        DESK = "desk", _("Flex desk")
        ROOM = "room", _("Meeting room")
        BOOTH = "booth", _("Phone booth")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("All members")
        STARTUPS = "startups", _("Start-ups and initiatives only")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DESK)
    name = models.CharField(_("name"), max_length=120, validators=[validate_plain_text])
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, validators=[validate_resource_slug]
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_multiline_text]
    )
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=1, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    amenities = ArrayField(
        models.CharField(max_length=20, choices=Amenity.choices),
        verbose_name=_("amenities"),
        default=list,
        blank=True,
    )
    photo = StoredImageField(_("photo"), kind=SPACE_PHOTOS)
    active = models.BooleanField(
        _("bookable"), default=True, help_text=_("Untick to hide it and stop new bookings.")
    )
    audience = models.CharField(
        _("who may book"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot size (minutes)"),
        default=30,
        choices=[(15, "15"), (30, "30"), (60, "60")],
        help_text=_("Bookings start and end on the slots of this size, counted from midnight."),
    )
    min_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"), default=30, validators=[MinValueValidator(15)]
    )
    max_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"), default=480, validators=[MinValueValidator(15)]
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=28, validators=[MaxValueValidator(366)]
    )
    min_notice_minutes = models.PositiveSmallIntegerField(
        _("minimum notice (minutes)"),
        default=0,
        help_text=_("How long before the start a booking must be made."),
    )
    member_quota_hours = models.PositiveSmallIntegerField(
        _("hours per member per week"),
        null=True,
        blank=True,
        default=MEMBER_QUOTA_HOURS,
        help_text=_(
            "Empty: no limit. Counted per calendar week (Monday to Sunday); for a desk, "
            "over every desk of its space."
        ),
    )
    organisation_quota_hours = models.PositiveSmallIntegerField(
        _("hours per organisation per week"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: no limit. Counts the bookings made on behalf of an organisation, and "
            "every booking of a place for start-ups only."
        ),
    )
    auto_release = models.BooleanField(
        _("release no-shows"),
        default=False,
        help_text=_(
            "Free a booking when nobody checked in within 30 minutes of its start, "
            "so someone else can take it."
        ),
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["space__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_minutes__gte=F("min_minutes")),
                name="spaces_resource_max_at_least_min",
                violation_error_message=_(
                    "The longest booking cannot be shorter than the shortest."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("spaces:resource", kwargs={"slug": self.slug})

    @cached_property
    def amenity_labels(self) -> list[str]:
        """The amenities as translated labels, in the vocabulary's order."""
        return [label for value, label in Amenity.choices if value in self.amenities]

    def clean(self):
        errors = {}
        if self.slot_minutes:
            for field in ("min_minutes", "max_minutes"):
                value = getattr(self, field)
                if value and value % self.slot_minutes:
                    errors[field] = _("Use a multiple of the slot size (%(slot)d minutes).") % {
                        "slot": self.slot_minutes
                    }
        if errors:
            raise ValidationError(errors)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Int8Range(Func):
    # int8range, not DESIGN.md's int4range: ids are bigint (BigAutoField), and
    # PostgreSQL has no implicit bigint -> integer cast for int4range's arguments.
    function = "INT8RANGE"
    output_field = BigIntegerRangeField()


def _span():
    return TsTzRange(F("start"), F("end"), Value("[)"))


def _resource_span():
    return Int8Range(F("resource_id"), F("resource_id"), Value("[]"))


# No row is longer than this (a check constraint), so "starts after the window
# opens minus MAX_SPAN" bounds every overlap search on the (resource, start) index.
MAX_SPAN = timedelta(days=31)


# The rows that hold a resource: confirmed bookings and coordinators' blocks.
BLOCKING = Q(status="confirmed")


class BookingQuerySet(models.QuerySet):
    def blocking(self):
        """Rows that hold their time: what the exclusion constraint protects."""
        return self.filter(BLOCKING)

    def overlapping(self, start, end, *, resource=None):
        """Rows whose half-open range [start, end) meets [``start``, ``end``) (of ``resource``).

        Written with the exclusion constraint's own expressions, so PostgreSQL
        answers from its GiST index (for confirmed rows); the bound on ``start``
        serves the btree index for the others.
        """
        rows = self.alias(span=_span()).filter(
            span__overlap=DateTimeTZRange(start, end, "[)"),
            start__lt=end,
            end__gt=start,
            start__gt=start - MAX_SPAN,
        )
        if resource is not None:
            pk = getattr(resource, "pk", resource)
            rows = rows.alias(resource_span=_resource_span()).filter(
                resource_span__overlap=NumericRange(pk, pk, "[]"), resource_id=pk
            )
        return rows

    def bookings(self):
        """Members' bookings, not coordinators' blocks."""
        return self.filter(kind=Booking.Kind.BOOKING)


class Booking(models.Model):
    """A member's booking of a resource, or a coordinator's block of it."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        RELEASED = "released", _("Released (no-show)")

    class Kind(models.TextChoices):
        BOOKING = "booking", _("Booking")
        BLOCK = "block", _("Blocked by a coordinator")

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="bookings"
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    purpose = models.CharField(
        _("purpose"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BOOKING)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    series = models.UUIDField(_("series"), null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_message = models.TextField(
        _("message on cancelling"), blank=True, validators=[validate_multiline_text]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["resource", "start"], name="spaces_booking_resource_start"),
            models.Index(fields=["booker", "start"], name="spaces_booking_booker_start"),
            models.Index(
                fields=["organisation", "start"],
                name="spaces_booking_org_start",
                condition=Q(organisation__isnull=False),
            ),
            # The dashboard's booking figures (dashboard/figures.py) read a period's
            # bookings from this index alone, without touching the table.
            models.Index(
                fields=["start", "end"],
                include=[
                    "kind",
                    "status",
                    "resource",
                    "booker",
                    "organisation",
                    "checked_in_at",
                ],
                name="spaces_booking_dashboard",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="spaces_booking_ends"),
            models.CheckConstraint(condition=Q(people__gte=1), name="spaces_booking_people"),
            models.CheckConstraint(
                condition=Q(end__lte=F("start") + MAX_SPAN), name="spaces_booking_max_span"
            ),
            ExclusionConstraint(
                name="spaces_booking_no_overlap",
                expressions=[
                    (_resource_span(), RangeOperators.OVERLAPS),
                    (_span(), RangeOperators.OVERLAPS),
                ],
                condition=BLOCKING,
                violation_error_message=_("This time is already taken."),
            ),
        ]

    def __str__(self):
        # The admin's title and path: in Amsterdam and the page's language, not UTC.
        return f"{self.resource}, {timespan(self.start, self.end)}"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_block(self) -> bool:
        return self.kind == self.Kind.BLOCK
