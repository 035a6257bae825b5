"""Two school years of history for the demo (``manage.py seed_demo``), so the dashboard lives.

From 1 August of the school year before last until a week ago: members
joining month by month (more each year), two meetups a month outside the
summer holiday with sign-ups, check-ins, no-shows, cancellations and waiting
lists, projects whose teams come and go, and bookings of the spaces with
check-ins, no-shows and start-ups booking on behalf of their organisation.
Meetups mix sectors a little more each year (the story the partners want to
see: 't LEF connects sectors).

Idempotent: it runs only when none of the history's meetups is there, in one
transaction, with bulk inserts (about a second). The people it adds cannot log
in (no password): they are the community in the figures, not accounts to try.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from events.models import Event, Registration, Venue
from lef.choices import Sector
from lef.demo_accounts import TEST_ACCOUNTS_GROUP
from members.models import Organisation, Profile, User
from projects.models import Membership, Project
from spaces import timeslots
from spaces.models import Booking, Resource

PREFIX = "terugblik-"  # the slugs of the history's meetups and projects
EMAIL_DOMAIN = "leden.demo.lef.nl"  # the history's people, who cannot log in

FIRST_NAMES = [
    "Noor", "Daan", "Lieke", "Sem", "Fenna", "Joris", "Ilse", "Ruben", "Yara", "Thijs",
    "Maud", "Bas", "Sara", "Jesse", "Femke", "Luuk", "Anouk", "Milan", "Esther", "Hamza",
    "Roos", "Niels", "Imane", "Stijn", "Lotte", "Koen", "Zeynep", "Wouter", "Nina", "Tim",
]  # fmt: skip
LAST_NAMES = [
    "de Boer", "Visser", "Smit", "Bakker", "Mulder", "de Graaf", "Bos", "Vos", "Peters",
    "Hendriks", "van Dijk", "Kok", "Jacobs", "Vermeulen", "Yilmaz", "Bouzid", "Schouten",
    "van Leeuwen", "Dekker", "Brouwer", "Kaya", "van der Heijden", "Koster", "Prins",
]  # fmt: skip
# New members per month in the three school years (the last one so far).
JOINING = (3, 5, 7)
SECTOR_WEIGHTS = {Sector.PO: 30, Sector.VO: 25, Sector.MBO: 15, Sector.HO: 15, Sector.OTHER: 15}

# Meetup themes: title, transitions, and whether it is for one sector.
THEMES = [
    ("Rekenen van groep 8 naar de brugklas", ["po-vo"], False),
    ("Loopbaanoriëntatie in het vmbo en mbo", ["vo-mbo"], False),
    ("Van havo naar hbo: studiesucces", ["vo-ho"], False),
    ("Doorstroom mbo-hbo: wat werkt?", ["mbo-ho"], False),
    ("Intervisie voor leerkrachten", [], True),
    ("Onderzoekend leren in de klas", [], False),
    ("Taal in alle vakken", ["po-vo"], False),
    ("Praktijkgericht onderzoek: resultaten", ["mbo-ho", "vo-ho"], False),
    ("Netwerkborrel 't LEF", [], False),
    ("Werkplaats voor opleiders", [], True),
]
PROJECT_THEMES = [
    ("Warme overdracht groep 8", ["po", "vo"], ["po-vo"]),
    ("Stagepool mbo en hbo", ["mbo", "ho"], ["mbo-ho"]),
    ("Lesson study rekenen", ["po", "ho"], []),
    ("Doorlopende leerlijn burgerschap", ["po", "vo", "mbo"], ["po-vo", "vo-mbo"]),
    ("Studiekeuze zonder uitval", ["vo", "ho"], ["vo-ho"]),
    ("Techniek in de onderbouw", ["vo", "mbo", "other"], ["vo-mbo"]),
    ("Leesmotivatie in de bovenbouw", ["po"], []),
    ("Samen opleiden in de regio", ["po", "vo", "ho"], []),
]


@dataclass
class Person:
    user_id: int
    sector: str
    joined: datetime


def first_day(today: date) -> date:
    """1 August of the school year before last: two whole school years before this one."""
    year = today.year if today.month >= 8 else today.year - 1
    return date(year - 2, 8, 1)


def ends(today: date) -> date:
    """The first day after the history: a week before the demo's own bookings start."""
    return timeslots.week_start(today) - timedelta(days=7)


def seed(*, today: date | None = None) -> bool:
    """Add the history unless it is there; whether it was added now."""
    today = today or timezone.localdate()
    if Event.objects.filter(slug__startswith=PREFIX).exists():
        return False
    rng = random.Random(2024)  # noqa: S311 -- demo data, the same every time
    start, until = first_day(today), ends(today)
    with transaction.atomic():
        people = _demo_members() + _people(rng, start, until)
        _meetups(rng, people, start, until)
        _projects(rng, people, start, until)
        _bookings(rng, people, start, until)
    return True


def _at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _months(start: date, until: date):
    month = start
    while month < until:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _people(rng: random.Random, start: date, until: date) -> list[Person]:
    """Members joining month by month, more each school year, with a sector and organisation.

    Written in bulk, without a password (they cannot log in, and no hashing
    slows the seed), each with an onboarded profile a quarter after joining.
    """
    organisations = _organisations()
    users, profiles = [], []
    for month in _months(start, until):
        year = min((month - start).days // 365, len(JOINING) - 1)
        for _ in range(JOINING[year] + rng.randint(-1, 1)):
            number = len(users) + 1
            sector = rng.choices(list(SECTOR_WEIGHTS), weights=SECTOR_WEIGHTS.values())[0]
            first, last = FIRST_NAMES[number % 30], LAST_NAMES[(number * 7) % len(LAST_NAMES)]
            day = min(month + timedelta(days=rng.randint(0, 27)), until - timedelta(days=1))
            joined = _at(day, 9 + number % 10, number % 60)
            users.append(
                User(
                    username=f"{first.lower()}-{number}",
                    email=f"{first.lower()}.{number}@{EMAIL_DOMAIN}",
                    name=f"{first} {last}",
                    password=make_password(None),
                    date_joined=joined,
                )
            )
            profiles.append(
                Profile(
                    primary_sector=sector,
                    organisation=rng.choice(organisations[sector]),
                    onboarded_at=joined + timedelta(minutes=15),
                )
            )
    User.objects.bulk_create(users)
    for user, profile in zip(users, profiles, strict=True):
        profile.user = user
    Profile.objects.bulk_create(profiles)
    return [
        Person(user.pk, profile.primary_sector, user.date_joined)
        for user, profile in zip(users, profiles, strict=True)
    ]


def _organisations() -> dict[str, list[Organisation]]:
    """The approved organisations per sector (start-ups among those of "other")."""
    approved = list(Organisation.objects.filter(status=Organisation.Status.APPROVED))
    by_sector = {
        sector: [o for o in approved if sector in o.sectors] or approved
        for sector in Sector.values
    }
    by_sector[Sector.OTHER] += [o for o in approved if o.kind == Organisation.Kind.STARTUP]
    return by_sector


def _demo_members() -> list[Person]:
    """The demo's own members take part in the history too, since they joined.

    Not staff, and not the accounts printed to try the site with: their own
    pages show the demo's story, not two years of history.
    """
    return [
        Person(user_id, sector, joined)
        for user_id, sector, joined in Profile.objects.exclude(primary_sector="")
        .filter(user__is_staff=False)
        .exclude(user__groups__name=TEST_ACCOUNTS_GROUP)
        .values_list("user_id", "primary_sector", "user__date_joined")
    ]


def _meetups(rng: random.Random, people: list[Person], start: date, until: date) -> None:
    """Two meetups a month outside the summer holiday, each with its sign-ups."""
    venue = Venue.objects.get(slug="plnt")
    rows = []
    for month in _months(start, until):
        if month.month in {7, 8}:
            continue
        for half, letter in ((5, "a"), (19, "b")):
            day = month + timedelta(days=half + rng.randint(0, 6))
            if day >= until:
                continue
            title, transitions, one_sector = rng.choice(THEMES)
            starts = _at(day, 15, 30)
            event = Event.objects.create(
                title=title,
                slug=f"{PREFIX}{month:%Y-%m}-{letter}",
                summary="Een meetup van 't LEF bij PLNT.",
                venue=venue,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                development_hours=Decimal(2),  # for the members' record of growth
                capacity=rng.choice([16, 20, 24, 30]),
                target_transitions=transitions,
                status=Event.Status.PUBLISHED,
            )
            Event.objects.filter(pk=event.pk).update(created_at=starts - timedelta(days=30))
            rows += _sign_ups(rng, event, people, one_sector=one_sector, year=_year(start, day))
    Registration.objects.bulk_create(rows)


def _year(start: date, day: date) -> int:
    return min((day - start).days // 365, 2)


def _sign_ups(rng, event, people, *, one_sector: bool, year: int) -> list[Registration]:
    known = [p for p in people if p.joined < event.starts_at - timedelta(days=3)]
    # Fewer meetups stay within one sector each year.
    if one_sector or rng.random() < (0.45, 0.3, 0.2)[year]:
        sector = rng.choice(list(SECTOR_WEIGHTS))
        known = [p for p in known if p.sector == sector] or known
    # One meetup in four is popular: more sign up than there are places.
    popular = rng.random() < 0.25
    wanted = min(len(known), event.capacity + rng.randint(2, 8) if popular else rng.randint(8, 22))
    chosen = rng.sample(known, wanted)
    door = rng.random() < 0.85  # at most meetups the door checks people in
    rows = []
    for number, person in enumerate(chosen):
        signed = event.starts_at - timedelta(days=20) + timedelta(hours=7 * number)
        waiting = number >= event.capacity
        cancelled = not waiting and rng.random() < 0.08
        promoted = waiting and rng.random() < 0.5
        status = (
            Registration.Status.CANCELLED
            if cancelled
            else Registration.Status.WAITING
            if waiting and not promoted
            else Registration.Status.CONFIRMED
        )
        confirmed = status == Registration.Status.CONFIRMED
        rows.append(
            Registration(
                event=event,
                member_id=person.user_id,
                sector=person.sector,
                status=status,
                waiting_reason=Registration.WaitingReason.FULL
                if status == Registration.Status.WAITING
                else "",
                created_at=signed,
                confirmed_at=(signed + timedelta(days=2) if promoted else signed)
                if status != Registration.Status.WAITING
                else None,
                cancelled_at=signed + timedelta(days=1) if cancelled else None,
                checked_in_at=event.starts_at + timedelta(minutes=number % 20)
                if door and confirmed and rng.random() < 0.82
                else None,
            )
        )
    return rows


def _projects(rng: random.Random, people: list[Person], start: date, until: date) -> None:
    """Projects started every few months, whose teams grow, and some of whom leave."""
    rows = []
    for number, begun in enumerate(_months(start, until)):
        if number % 3:
            continue
        title, sectors, transitions = PROJECT_THEMES[(number // 3) % len(PROJECT_THEMES)]
        started = _at(begun + timedelta(days=rng.randint(0, 20)), 10)
        lasts = rng.choice([180, 270, 365, None])
        end = (started + timedelta(days=lasts)).date() if lasts else None
        done = end is not None and end < until
        known = [p for p in people if p.joined < started and p.sector in sectors] or people[:4]
        team = rng.sample(known, min(len(known), rng.randint(2, 6)))
        lead = team[0]
        project = Project.objects.create(
            slug=f"{PREFIX}{begun:%Y-%m}",
            title=f"{title} ({begun.year})",
            summary="Een project uit de eerste jaren van 't LEF.",
            status=Project.Status.COMPLETED if done else Project.Status.RUNNING,
            sectors=sectors,
            transitions=transitions,
            start_date=started.date(),
            end_date=end,
            created_by_id=lead.user_id,
        )
        Project.objects.filter(pk=project.pk).update(
            created_at=started, last_activity_at=started + timedelta(days=30)
        )
        for place, person in enumerate(team):
            joined = started + timedelta(days=21 * place)
            left = (
                joined + timedelta(days=rng.randint(60, 200))
                if place and rng.random() < 0.3
                else None
            )
            if left is not None and left.date() >= until:
                left = None
            rows.append(
                Membership(
                    project=project,
                    member_id=person.user_id,
                    role=Membership.Role.LEAD if place == 0 else Membership.Role.MEMBER,
                    status=Membership.Status.LEFT if left else Membership.Status.ACTIVE,
                    created_at=joined,
                    decided_at=joined,
                    joined_at=joined,
                    ended_at=left,
                    sector=person.sector,
                )
            )
    Membership.objects.bulk_create(rows)


# Time slots a resource is booked in on a weekday (never overlapping).
SLOTS = [(9, 0, 11, 0), (11, 0, 12, 30), (13, 0, 15, 0), (15, 30, 17, 0)]


def _bookings(rng: random.Random, people: list[Person], start: date, until: date) -> None:
    """Weekday bookings of every active resource, busier each year; start-ups book as such."""
    resources = list(Resource.objects.filter(active=True))
    startups = list(Organisation.objects.filter(kind=Organisation.Kind.STARTUP))
    rows = []
    day = start
    while day < until:
        if day.weekday() < 5 and not (day.month == 8 or (day.month == 7 and day.day > 15)):
            busy = (0.25, 0.35, 0.45)[_year(start, day)]
            known = [p for p in people if p.joined.date() < day]
            for resource in resources:
                for slot in SLOTS:
                    if not known or rng.random() > busy:
                        continue
                    person = rng.choice(known)
                    begins = _at(day, slot[0], slot[1])
                    ends = _at(day, slot[2], slot[3])
                    roll = rng.random()
                    status = (
                        Booking.Status.CANCELLED
                        if roll < 0.06
                        else Booking.Status.RELEASED
                        if roll < 0.14
                        else Booking.Status.CONFIRMED
                    )
                    for_startup = (
                        startups
                        and (
                            person.sector == Sector.OTHER
                            or resource.audience == Resource.Audience.STARTUPS
                        )
                        and rng.random() < 0.6
                    )
                    rows.append(
                        Booking(
                            resource=resource,
                            booker_id=person.user_id,
                            organisation=rng.choice(startups) if for_startup else None,
                            start=begins,
                            end=ends,
                            purpose="",
                            status=status,
                            checked_in_at=begins + timedelta(minutes=5)
                            if status == Booking.Status.CONFIRMED and rng.random() < 0.85
                            else None,
                            cancelled_at=begins - timedelta(days=1)
                            if status == Booking.Status.CANCELLED
                            else None,
                        )
                    )
        day += timedelta(days=1)
    # In the order they were made: three days before, one resource after another.
    order = {resource.pk: number for number, resource in enumerate(resources)}
    rows.sort(key=lambda b: (b.start, order[b.resource_id]))
    Booking.objects.bulk_create(rows, batch_size=2000)
    # Their created_at is now (auto_now_add): date them as made, a second apart per resource.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE spaces_booking b SET updated_at = b.start,"
            " created_at = b.start - interval '3 days' + r.position * interval '1 second'"
            " FROM unnest(%s::bigint[], %s::int[]) AS r(id, position)"
            " WHERE b.id = r.id",
            [[b.pk for b in rows], [order[b.resource_id] for b in rows]],
        )
