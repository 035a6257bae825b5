"""Demo data for spaces: PLNT with desks, a room and a booth, and a week of bookings.

Idempotent: places are looked up by slug, opening hours and closures by their
natural keys, and a booking is only added where its time is still free, so
running it twice (the same day) changes nothing. Bookers are picked by query
(listed members), so it works with however many demo members there are.
"""

import random
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from members.models import Organisation, Profile
from spaces import timeslots
from spaces.models import (
    MEMBER_QUOTA_HOURS,
    Amenity,
    Booking,
    Closure,
    OpeningHours,
    Resource,
    Space,
)

SPACE = {
    "slug": "lef-plnt",
    "name": "'t LEF bij PLNT",
    "address": "Langegracht 70, 2312 NV Leiden",
    "description": (
        "Het huis van 't Leids Education Fieldlab in PLNT, de broedplaats aan de Langegracht. "
        "Flexplekken, een vergaderruimte en een belcel voor onderwijsprofessionals, "
        "start-ups en initiatieven. Koffie en thee staan klaar."
    ),
}
# weekday, opens, closes
HOURS = [(day, time(8, 30), time(18)) for day in range(5)] + [(3, time(18), time(21))]
# A desk is a member's for at most two days a week, so nobody holds them all.
DESK = {"auto_release": True, "member_quota_hours": MEMBER_QUOTA_HOURS}
RESOURCES = [
    # slug, name, kind, seats, amenities, extra rules
    ("flexplek-raam", "Flexplek aan het raam", Resource.Kind.DESK, 1, [Amenity.POWER], DESK),
    ("flexplek-2", "Flexplek 2", Resource.Kind.DESK, 1, [Amenity.POWER], DESK),
    ("flexplek-3", "Flexplek 3", Resource.Kind.DESK, 1, [Amenity.POWER], DESK),
    ("flexplek-stil", "Stille flexplek", Resource.Kind.DESK, 1,
     [Amenity.POWER, Amenity.QUIET], DESK),
    ("startup-hoek", "Start-uphoek", Resource.Kind.DESK, 4,
     [Amenity.POWER, Amenity.WHITEBOARD, Amenity.SCREEN],
     {"audience": Resource.Audience.STARTUPS, "member_quota_hours": MEMBER_QUOTA_HOURS,
      "organisation_quota_hours": 24}),
    ("de-waag", "Vergaderruimte De Waag", Resource.Kind.ROOM, 8,
     [Amenity.SCREEN, Amenity.WHITEBOARD, Amenity.ACCESSIBLE, Amenity.VIDEO],
     {"max_minutes": 240, "member_quota_hours": 8, "organisation_quota_hours": 12,
      "description": "Ruimte voor acht, met scherm, whiteboard en videobellen. "
                     "Rolstoeltoegankelijk via de lift."}),
    ("belcel", "Belcel", Resource.Kind.BOOTH, 1, [Amenity.VIDEO, Amenity.QUIET],
     {"slot_minutes": 15, "min_minutes": 15, "max_minutes": 60, "min_notice_minutes": 0}),
]  # fmt: skip
PURPOSES = [
    "Lesvoorbereiding",
    "Overleg aansluiting po-vo",
    "Schrijven aan praktijkonderzoek",
    "Intake met stagiair",
    "Werkoverleg projectgroep",
    "",
    "",
]


def seed(*, today: date | None = None) -> Space:
    """Create the demo space and a week of bookings around ``today``."""
    today = today or timeslots.today()
    with transaction.atomic():
        space, _ = Space.objects.get_or_create(slug=SPACE["slug"], defaults=SPACE)
        for weekday, opens, closes in HOURS:
            OpeningHours.objects.get_or_create(
                space=space, weekday=weekday, opens=opens, defaults={"closes": closes}
            )
        resources = []
        for slug, name, kind, seats, amenities, extra in RESOURCES:
            resource, _ = Resource.objects.get_or_create(
                slug=slug,
                defaults={
                    "space": space,
                    "name": name,
                    "kind": kind,
                    "seats": seats,
                    "amenities": list(amenities),
                    **extra,
                },
            )
            resources.append(resource)
        _closures(space, today)
        _bookings(resources, today)
    return space


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


def _closures(space: Space, today: date) -> None:
    holidays = [(date(today.year, 12, 25), "Eerste Kerstdag"),
                (date(today.year, 12, 26), "Tweede Kerstdag"),
                (date(today.year + 1, 1, 1), "Nieuwjaarsdag"),
                (date(today.year, 4, 27), "Koningsdag")]  # fmt: skip
    for day, reason in holidays:
        if today <= day <= today + timedelta(days=60):
            Closure.objects.get_or_create(space=space, date=day, defaults={"reason": reason})
    # A closed working day in the coming fortnight, so the grid shows one.
    team_day = _next_weekday(today + timedelta(days=7), 4)
    if (
        not Closure.objects.filter(space=space, date__gte=today)
        .exclude(reason__in=[reason for _day, reason in holidays])
        .exists()
    ):
        Closure.objects.create(space=space, date=team_day, reason="Teamdag PLNT: gesloten")


def _bookers():
    profiles = (
        Profile.objects.listed()
        .filter(user__is_staff=False)
        .select_related("user", "organisation")
        .order_by("user_id")
    )
    return [
        profile for profile in profiles if profile.user.email.endswith("@demo.lef.nl")
    ] or list(profiles)


def _free(resource: Resource, start, end) -> bool:
    return not Booking.objects.blocking().overlapping(start, end, resource=resource).exists()


def _bookings(resources: list[Resource], today: date) -> None:
    bookers = _bookers()
    if not bookers:
        return
    rng = random.Random(today.toordinal())  # noqa: S311 -- demo data; same bookings all day
    startups = [
        p for p in bookers if p.organisation and p.organisation.kind == Organisation.Kind.STARTUP
    ]
    by_slug = {r.slug: r for r in resources}
    monday = timeslots.week_start(today)
    days = [
        monday + timedelta(days=i) for i in range(12) if (monday + timedelta(days=i)).weekday() < 5
    ]
    now = timeslots.at(today, time(0))
    # A coordinators' block: a meetup in the meeting room next Wednesday afternoon.
    room = by_slug.get("de-waag")
    wednesday = _next_weekday(today, 2)
    start, end = timeslots.at(wednesday, time(15)), timeslots.at(wednesday, time(17, 30))
    coordinator = Profile.objects.filter(user__is_staff=True, user__is_active=True).first()
    made = []
    if room and coordinator and _free(room, start, end):
        booking = Booking.objects.create(
            resource=room,
            booker=coordinator.user,
            start=start,
            end=end,
            purpose="Meetup aansluiting po-vo",
            kind=Booking.Kind.BLOCK,
        )
        made.append(booking)
    for day in days:
        for resource in resources:
            if resource.audience == Resource.Audience.STARTUPS and not startups:
                continue
            people = startups if resource.audience == Resource.Audience.STARTUPS else bookers
            for _ in range(rng.randint(1, 3)):
                # Every draw happens whether or not the booking is made, so a second
                # run makes the same choices and finds them all taken.
                hour = rng.choice([9, 10, 11, 13, 14, 15])
                profile = rng.choice(people)
                purpose = rng.choice(PURPOSES)
                size = rng.randint(1, 5)
                late, comes = rng.randint(0, 20), rng.random() < 0.8
                length = {Resource.Kind.BOOTH: 30, Resource.Kind.ROOM: 90}.get(resource.kind, 180)
                start = timeslots.at(day, time(hour))
                end = start + timedelta(minutes=length)
                if end > timeslots.at(day, time(18)) or not _free(resource, start, end):
                    continue
                booking = Booking.objects.create(
                    resource=resource,
                    booker=profile.user,
                    organisation=profile.organisation
                    if resource.audience == Resource.Audience.STARTUPS
                    else None,
                    start=start,
                    end=end,
                    people=min(resource.seats, size),
                    purpose=purpose,
                    checked_in_at=start + timedelta(minutes=late)
                    if start < now and comes
                    else None,
                )
                made.append(booking)
    _date_in_order(made, since=timeslots.at(monday - timedelta(days=7), time(8)))


def _date_in_order(bookings: list[Booking], *, since) -> None:
    """Date the new bookings as people made them: one after another, in the past, each
    before the first of them starts (``created_at`` is set to now on insert)."""
    if not bookings:
        return
    until = min(timezone.now(), *(booking.start for booking in bookings))
    step = (until - since) / (len(bookings) + 1)
    for number, booking in enumerate(bookings, start=1):
        booking.created_at = since + step * number
    Booking.objects.bulk_update(bookings, ["created_at"])
