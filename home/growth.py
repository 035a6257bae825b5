"""A member's record of professional growth: what they did at 't LEF in a period.

Three sections, one statement each, whatever the number of rows:

* meetups they attended: checked in at the door (a confirmed sign-up with
  ``checked_in_at``; a cancelled sign-up or one without a check-in does not
  count), with the hours a coordinator set for the meetup
  (``Event.development_hours``);
* projects they were on the team of, with their role and from when to when:
  from ``joined_at`` (set by every path onto a team; older rows without it
  fall back to when the request or invitation was decided) to ``ended_at``
  (left or removed), or the project's end date once it is completed or
  archived, or "now";
* results they are a named author of (they agreed; the result not hidden).

Only the member reads it (home.views_growth has no address with a member's
id). The rows are the apps' own, so the record goes with them: the account's
deletion anonymises the user row they hang on (members.privacy), and nothing
of the record names a person after it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from events.models import Event, Registration
from knowledge.models import Author, Result
from members.models import User
from projects.models import Membership, Project

SCHOOL_YEAR_STARTS = 8  # August: a Dutch school year runs from 1 August to 31 July
# The earliest and latest day a period may name: 't LEF began in 2018, and a
# date far outside this cannot be made an aware datetime in every time zone.
EARLIEST = date(2015, 1, 1)
LATEST = date(2100, 12, 31)
# Memberships that were a place on the team (requests and invitations were not).
ON_A_TEAM = (Membership.Status.ACTIVE, Membership.Status.LEFT, Membership.Status.REMOVED)
CLOSED_PROJECT = (Project.Status.COMPLETED, Project.Status.ARCHIVED)


@dataclass(frozen=True)
class Span:
    """The days a record covers, both ends included, read in Europe/Amsterdam."""

    first: date
    last: date

    @classmethod
    def school_year(cls, today: date) -> "Span":
        """The school year ``today`` is in: 1 August to 31 July."""
        year = today.year if today.month >= SCHOOL_YEAR_STARTS else today.year - 1
        return cls(date(year, SCHOOL_YEAR_STARTS, 1), date(year + 1, SCHOOL_YEAR_STARTS - 1, 31))

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end_at(self) -> datetime:
        """The first moment after the last day (the span is half-open in time)."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    @property
    def label(self) -> str:
        """ "1 August 2025 to 31 July 2026" / "1 augustus 2025 tot en met 31 juli 2026"."""
        return _("%(first)s to %(last)s") % {
            "first": formats.date_format(self.first, "j F Y"),
            "last": formats.date_format(self.last, "j F Y"),
        }


@dataclass(frozen=True)
class MeetupAttended:
    title: str
    url: str
    starts_at: datetime
    ends_at: datetime
    hours: Decimal | None  # None: the coordinator set none


@dataclass(frozen=True)
class ProjectPart:
    title: str
    url: str
    role_code: str  # Membership.Role
    joined: date
    until: date | None  # None: still on the team (or the project's end is not known)
    project_closed: bool  # completed or archived

    @property
    def role(self) -> str:
        """ "Lead", "Team member", in the active language (the download's may be another)."""
        return str(Membership.Role(self.role_code).label)


@dataclass(frozen=True)
class AuthoredResult:
    title: str
    url: str  # empty while the library has no page for it
    kind_code: str  # Result.Kind
    project: str
    published: date

    @property
    def kind(self) -> str:
        """ "Report", "Lesson material", ..., in the active language."""
        return str(Result.Kind(self.kind_code).label)


@dataclass(frozen=True)
class GrowthRecord:
    name: str
    span: Span | None  # None: everything, whenever (the data export)
    meetups: tuple[MeetupAttended, ...]
    projects: tuple[ProjectPart, ...]
    results: tuple[AuthoredResult, ...]
    made_on: date

    @property
    def total_hours(self) -> Decimal:
        return sum((m.hours for m in self.meetups if m.hours is not None), Decimal(0))

    @property
    def meetups_without_hours(self) -> int:
        return sum(1 for m in self.meetups if m.hours is None)

    @property
    def is_empty(self) -> bool:
        return not (self.meetups or self.projects or self.results)


def growth_record(*, user: User, span: Span | None) -> GrowthRecord:
    """What ``user`` did at 't LEF in ``span`` (None: ever). Three queries."""
    return GrowthRecord(
        name=user.name or user.username,
        span=span,
        meetups=tuple(meetups_attended(user=user, span=span)),
        projects=tuple(project_parts(user=user, span=span)),
        results=tuple(authored_results(user=user, span=span)),
        made_on=timezone.localdate(),
    )


def meetups_attended(*, user: User, span: Span | None) -> list[MeetupAttended]:
    """The meetups ``user`` was checked in at that started in ``span``, earliest first.

    Only a confirmed sign-up can carry a check-in (a constraint of events); a
    meetup cancelled after all took place for nobody, so it is left out.
    """
    rows = Registration.objects.filter(
        member=user,
        status=Registration.Status.CONFIRMED,
        checked_in_at__isnull=False,
    ).exclude(event__status=Event.Status.CANCELLED)
    if span is not None:
        rows = rows.filter(event__starts_at__gte=span.start_at, event__starts_at__lt=span.end_at)
    rows = rows.order_by("event__starts_at", "pk").values_list(
        "event__title",
        "event__slug",
        "event__starts_at",
        "event__ends_at",
        "event__development_hours",
    )
    prefix = reverse("events:detail", kwargs={"slug": "SLUG"}).removesuffix("SLUG/")
    return [
        MeetupAttended(
            title=title,
            url=f"{prefix}{slug}/",
            starts_at=starts_at,
            ends_at=ends_at,
            hours=hours,
        )
        for title, slug, starts_at, ends_at, hours in rows
    ]


def project_parts(*, user: User, span: Span | None) -> list[ProjectPart]:
    """The projects ``user`` was on the team of during ``span``, by the day they joined."""
    rows = Membership.objects.filter(member=user, status__in=ON_A_TEAM).annotate(
        joined=Coalesce("joined_at", "decided_at", "created_at")
    )
    if span is not None:
        still_on = Q(ended_at__isnull=True) & (
            ~Q(project__status__in=CLOSED_PROJECT)
            | Q(project__end_date__isnull=True)
            | Q(project__end_date__gte=span.first)
        )
        rows = rows.filter(Q(joined__lt=span.end_at), Q(ended_at__gte=span.start_at) | still_on)
    rows = rows.order_by("joined", "pk").values_list(
        "project__title",
        "project__slug",
        "project__status",
        "project__end_date",
        "role",
        "joined",
        "ended_at",
    )
    prefix = reverse("projects:detail", kwargs={"slug": "SLUG"}).removesuffix("SLUG/")
    parts = []
    for title, slug, status, end_date, role, joined, ended_at in rows:
        closed = status in CLOSED_PROJECT
        if ended_at is not None:
            until = timezone.localdate(ended_at)
        else:
            until = end_date if closed else None
        parts.append(
            ProjectPart(
                title=title,
                url=f"{prefix}{slug}/",
                role_code=role,
                joined=timezone.localdate(joined),
                until=until,
                project_closed=closed,
            )
        )
    return parts


def authored_results(*, user: User, span: Span | None) -> list[AuthoredResult]:
    """The results ``user`` agreed to be named on, published in ``span``; hidden ones left out."""
    rows = Author.objects.filter(
        member=user, agreed_at__isnull=False, result__hidden_at__isnull=True
    )
    if span is not None:
        rows = rows.filter(
            result__created_at__gte=span.start_at, result__created_at__lt=span.end_at
        )
    rows = rows.order_by("result__created_at", "pk").values_list(
        "result__title",
        "result__slug",
        "result__kind",
        "result__project__title",
        "result__created_at",
    )
    prefix = _result_prefix()
    return [
        AuthoredResult(
            title=title,
            url=f"{prefix}{slug}/" if prefix else "",
            kind_code=kind,
            project=project,
            published=timezone.localdate(created_at),
        )
        for title, slug, kind, project, created_at in rows
    ]


def _result_prefix() -> str:
    """The start of a result page's address, or "" while the library has no pages yet."""
    try:
        return reverse("knowledge:result", kwargs={"slug": "SLUG"}).removesuffix("SLUG/")
    except NoReverseMatch:  # the library's pages come with issue 19's point 2
        return ""
