"""Meetups: venues, events, and the registrations (with their waiting list) for them.

The rules about places (capacity, the share of one sector, the waiting list)
live in :mod:`events.services`; PostgreSQL enforces what it can (one active
registration per person per event, times in order, sane numbers).
"""

import math
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lef.choices import Sector, Transition
from lef.coordinators import is_coordinator
from lef.images import ImageKind, StoredImageField
from lef.validators import validate_multiline_text, validate_plain_text

# A meetup's image spans the page's main column: 1200 is sharp there at 2x.
EVENT_IMAGES = ImageKind("events", sizes=(1200,))


class Venue(models.Model):
    """A place where meetups happen, such as PLNT in Leiden."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_plain_text])
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=200, validators=[validate_plain_text])
    city = models.CharField(
        _("city"), max_length=80, default="Leiden", validators=[validate_plain_text]
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_multiline_text]
    )
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        validators=[validate_multiline_text],
        help_text=_("Step-free access, lift, quiet room, ..."),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def full_address(self) -> str:
        return ", ".join(part for part in (self.address, self.city) if part)

    @property
    def map_url(self) -> str:
        """The address on OpenStreetMap (no tracking, no key, works on every phone)."""
        query = urlencode({"query": f"{self.name}, {self.full_address}"})
        return f"https://www.openstreetmap.org/search?{query}"


# Paths under /events/ that are not meetups.
RESERVED_SLUGS = frozenset({"calendar", "feed"})


# The start, for ordering coming meetups. Those are few and ended ones pile up;
# ordered by the bare column, PostgreSQL walks the start index from the first
# meetup ever, skipping each ended one (it assumes they are spread out). The
# same moment as an expression (starts_at is never null) is not that index's
# column, so the few coming ones are found through (status, ends_at) and sorted.
_SOONEST = Coalesce("starts_at", "ends_at")


# Whether a user organises the meetup, beside a statement on events_event
# (the table of Event.organisers).
_ORGANISED_BY_SQL = """
EXISTS (
    SELECT 1 FROM events_event_organisers AS o
    WHERE o.event_id = events_event.id AND o.user_id = %s
)
"""


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def visible_to(self, user):
        """What ``user`` may open: :meth:`Event.statuses_visible_to` as a filter.

        The check on one meetup (:meth:`Event.is_visible_to`, behind
        ``events.permissions``) reads the same rule, so a list and a page
        cannot disagree.
        """
        statuses = Event.statuses_visible_to(user)
        if statuses == frozenset(Event.Status.values):
            return self.all()
        return self.filter(status__in=sorted(statuses))

    def listed(self):
        """What the lists, the calendar and the feeds show: what a visitor may open.

        The same for everyone, coordinators included (they find drafts in the
        back office).
        """
        return self.visible_to(None)

    def upcoming(self, now=None):
        """Meetups that have not ended yet, soonest first."""
        return self.filter(ends_at__gt=now or timezone.now()).order_by(_SOONEST, "pk")

    def not_started(self, now=None):
        """Meetups that have not started yet, soonest first (so not ended either)."""
        # The start index finds these in order, from now on.
        return self.filter(starts_at__gt=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        """Meetups that have ended, most recent first."""
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-pk")

    def for_sector(self, sector: str):
        """Meetups aimed at ``sector``: named as a target, or in a target transition."""
        transitions = [code for code in Transition.values if sector in code.split("-")]
        return self.filter(
            Q(target_sectors__contains=[sector]) | Q(target_transitions__overlap=transitions)
        )

    def for_transition(self, transition: str):
        return self.filter(target_transitions__contains=[transition])

    def with_organised_by(self, user):
        """Annotate ``organised_by_user``: whether ``user`` organises each meetup.

        For ``permissions.event_permissions(..., organiser_ids=...)`` in the statement
        that reads the meetup, instead of a query of its own. Not for a re-check
        under the meetup's lock: a subquery of the locking statement reads the
        snapshot from before the wait, and would miss a change that held the lock.
        """
        # Plain SQL: the ORM's Exists() cost twice as long to compile as the
        # statement takes to run, on every meetup and door page.
        organised = RawSQL(  # noqa: S611 -- a constant statement, its one value a parameter
            _ORGANISED_BY_SQL, (getattr(user, "pk", None),), output_field=models.BooleanField()
        )
        return self.annotate(organised_by_user=organised)


class Event(models.Model):
    """A meetup: when, where, for whom and for how many."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    # What the site shows anyone (statuses_visible_to): published and cancelled meetups.
    VISIBLE = (Status.PUBLISHED, Status.CANCELLED)

    title = models.CharField(_("title"), max_length=160, validators=[validate_plain_text])
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("One or two sentences for the list of meetups."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        validators=[validate_multiline_text],
        help_text=_("Markdown: *italic*, **bold**, lists with -, links as [text](https://...)."),
    )
    image = StoredImageField(_("image"), kind=EVENT_IMAGES)
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("For an online meetup; shown only to those with a place."),
    )
    starts_at = models.DateTimeField(_("starts at"), help_text=_("Amsterdam time."))
    ends_at = models.DateTimeField(_("ends at"), help_text=_("Amsterdam time."))
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    max_sector_share = models.PositiveSmallIntegerField(
        _("most places for one sector (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            # xgettext:no-python-format
            "For example 40: at most 40% of the places go to one sector; the rest of that "
            "sector joins the waiting list. Leave empty for no cap. Needs a number of places."
        ),
    )
    registration_opens_at = models.DateTimeField(
        _("sign-up opens at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to open sign-up as soon as the meetup is published."),
    )
    registration_closes_at = models.DateTimeField(
        _("sign-up closes at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close sign-up when the meetup starts."),
    )
    target_sectors = ArrayField(
        models.CharField(max_length=8, choices=Sector.choices),
        verbose_name=_("for sectors"),
        default=list,
        blank=True,
    )
    target_transitions = ArrayField(
        models.CharField(max_length=8, choices=Transition.choices),
        verbose_name=_("about transitions"),
        default=list,
        blank=True,
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisers"),
        blank=True,
        related_name="organised_events",
        help_text=_("Members shown on the page; they may also check people in."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Set by a coordinator; a member's record of growth (home.growth) sums it
    # over the meetups they were checked in at. Empty: not set.
    development_hours = models.DecimalField(
        _("professional development hours"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_(
            "For the professional development file: the hours a participant may count "
            "for this meetup, for example 2.5. Leave empty if not set."
        ),
    )
    # Raised whenever time, place or status change, so calendars replace their copy.
    sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("meetup")
        # Not "meetups": the app's name, so the admin's path would read "Meetups > Meetups".
        verbose_name_plural = _("meetup pages")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="events_status_start_idx"),
            models.Index(fields=["status", "ends_at"], name="events_status_end_idx"),
            # Past meetups, latest first: read backwards until a page is full.
            models.Index(fields=["starts_at"], name="events_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="events_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_sector_share__isnull=True)
                | Q(max_sector_share__gte=1, max_sector_share__lte=100, capacity__isnull=False),
                name="events_sector_share_valid",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="events_registration_window",
            ),
            models.CheckConstraint(
                condition=Q(venue__isnull=False) | ~Q(online_url=""),
                name="events_has_a_place",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled"]),
                name="events_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(development_hours__isnull=True) | Q(development_hours__gt=0),
                name="events_development_hours_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @staticmethod
    def statuses_visible_to(user) -> frozenset[str]:
        """Who may see a meetup, the one rule: published and cancelled meetups are
        for everyone, drafts for coordinators only.

        :meth:`EventQuerySet.visible_to` filters by it and :meth:`is_visible_to`
        checks one meetup by it.
        """
        if is_coordinator(user):
            return frozenset(Event.Status.values)
        return frozenset(Event.VISIBLE)

    def is_visible_to(self, user) -> bool:
        """Whether ``user`` may open this meetup (:meth:`statuses_visible_to`); no query
        (but the coordinator check's one for staff)."""
        return self.status in self.statuses_visible_to(user)

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.max_sector_share is not None and self.capacity is None:
            errors["max_sector_share"] = _("A cap per sector needs a number of places.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Sign-up must close after it opens.")
        if self.venue_id is None and not self.online_url:
            errors["venue"] = _("Choose a venue, or give an online link.")
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address is taken by the site itself; choose another.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_online_only(self) -> bool:
        return self.venue_id is None and bool(self.online_url)

    @property
    def sector_limit(self) -> int | None:
        """How many places one sector may take at most (None: no cap).

        The share of the places, rounded down, but at least one place.
        """
        if self.max_sector_share is None or self.capacity is None:
            return None
        return max(1, math.floor(self.capacity * self.max_sector_share / 100))

    def registration_closes(self):
        """The moment sign-up closes: the closing moment, or the start."""
        if self.registration_closes_at is None:
            return self.starts_at
        return min(self.registration_closes_at, self.starts_at)

    def sign_up_phase(self, now=None) -> str:
        """Where sign-up stands: "cancelled", "draft", "not_open", "closed" or "open".

        The one rule for the service that signs people up and the page that shows the button.
        """
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.status != self.Status.PUBLISHED:
            return "draft"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_open"
        if now >= self.registration_closes():
            return "closed"
        return "open"

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def has_ended(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())


def holds_a_place(prefix: str = "") -> Q:
    """The one definition of a place taken: a confirmed sign-up in advance.

    Walk-ins, let in at the door, take none. ``prefix`` reaches it through a
    relation (``"registrations__"`` from a meetup), for a filtered count.
    """
    return Q(**{f"{prefix}status": Registration.Status.CONFIRMED, f"{prefix}walk_in": False})


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Confirmed and waiting: the registrations that hold or wait for a place."""
        return self.filter(status__in=Registration.ACTIVE)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")

    def holding_a_place(self):
        """The registrations that take a place of the capacity (:func:`holds_a_place`).

        Every count of places taken is this: the services' under the meetup's
        lock, the pages' (events.queries embeds its SQL) and the admin's.
        """
        return self.filter(holds_a_place())


class Registration(models.Model):
    """A person's sign-up for a meetup: confirmed, waiting, or cancelled (kept, never deleted).

    ``sector`` is the member's sector when they signed up; it stays, so the
    meetup's sector counts hold after they change sector or delete their
    account. A walk-in is someone let in at the door: a member, or a guest
    without an account (``guest_name``, and an email address if they leave
    one for the organisers: ``guest_email``); walk-ins do not take a place of
    the capacity, which is about sign-ups in advance.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class WaitingReason(models.TextChoices):
        FULL = "full", _("The meetup is full")
        SECTOR_FULL = "sector_full", _("The places for this sector are taken")

    ACTIVE = (Status.CONFIRMED, Status.WAITING)

    event = models.ForeignKey(
        Event, verbose_name=_("meetup"), on_delete=models.PROTECT, related_name="registrations"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    guest_name = models.CharField(
        _("guest name"),
        max_length=150,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("For a walk-in without an account."),
    )
    guest_email = models.EmailField(
        _("guest's email address"),
        blank=True,
        help_text=_(
            "Left at the door by a walk-in without an account, so the organisers can "
            "follow up. Only organisers and coordinators see it."
        ),
    )
    sector = models.CharField(_("sector"), max_length=8, choices=Sector.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    waiting_reason = models.CharField(
        _("why waiting"), max_length=12, choices=WaitingReason.choices, blank=True
    )
    note = models.TextField(
        _("note"), blank=True, max_length=500, validators=[validate_multiline_text]
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("place given at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="events_reg_queue_idx"),
            models.Index(fields=["member", "status"], name="events_reg_member_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="events_one_active_registration",
                violation_error_message=_("This person is already signed up for this meetup."),
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(guest_name=""),
                name="events_registration_has_a_person",
            ),
            # A member's address is their account's; only a guest leaves one here.
            models.CheckConstraint(
                condition=Q(member__isnull=True) | Q(guest_email=""),
                name="events_guest_email_only_for_guests",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waiting", "cancelled"]),
                name="events_registration_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(waiting_reason=""),
                name="events_reason_only_when_waiting",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="events_checked_in_only_confirmed",
            ),
        ]

    def __str__(self):
        return f"{self.person_name}, {self.event}"

    @property
    def person_name(self) -> str:
        if self.member_id is None:
            return self.guest_name
        return str(self.member)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
