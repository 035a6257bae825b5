"""Meetups for the benchmark: 3 000 meetups with 60 000 sign-ups, and a contention run.

Seeded fast with bulk_create, deterministic (the caller's random generator).
Meetups run from January 2018 ('t LEF's first meetups) to a year and a half
from now, so a month holds about two dozen, and the list of coming ones has
a few hundred. Fixed meetups for the pages:

* ``bench-meetup``: coming, 100 sign-ups (80 places, 20 waiting), organisers;
* ``bench-meetup-small``: coming, one sign-up (the same page with 1 row);
* ``bench-contention``: where :func:`measure_contention` lets 100 members sign
  up at the same moment.

``bench-member`` has a few coming sign-ups (one waiting), for Mijn LEF and the cards.
"""

import random
import statistics
import threading
import time
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from events.models import Event, Registration, Venue
from lef.choices import Sector, Transition
from members.models import Profile, User

EVENTS = 3000
REGISTRATIONS = 60_000
BATCH = 2000
CONTENDERS = 100
CONTENTION_PLACES = 50

TITLES = [
    "Van groep 8 naar de brugklas",
    "Rekenen in de overgang po-vo",
    "Samen praktijkonderzoek doen",
    "Doorstroom mbo-hbo: wat werkt?",
    "Formatief evalueren in alle sectoren",
    "Leesmotivatie van po tot mbo",
    "Burgerschap in de klas",
    "Studiekeuze begeleiden",
    "Eerstejaars aan het werk",
    "Techniekonderwijs over de grenzen",
    "AI in de klas",
    "Passend onderwijs in de praktijk",
]
PLACES = ["Leiden", "Oegstgeest", "Leiderdorp", "Katwijk", "Voorschoten"]


def seed(rng: random.Random) -> int:
    """Seed venues, meetups and sign-ups; return how many meetups."""
    with transaction.atomic():
        venues = _venues(rng)
        profiles = list(
            Profile.objects.listed()
            .exclude(user__username__startswith="bench-")
            .values_list("user_id", "primary_sector")
        )
        events = _events(rng, venues)
        _registrations(rng, events, profiles)
        _fixed(rng, venues, profiles)
    return len(events)


def _venues(rng: random.Random) -> list[Venue]:
    venues = [Venue.objects.get(slug="plnt")]
    for number in range(10):
        place = rng.choice(PLACES)
        venues.append(
            Venue.objects.create(
                name=f"Zaal {number + 1} {place}",
                slug=f"bench-zaal-{number + 1}",
                address=f"Breestraat {number + 10}",
                city=place,
            )
        )
    return venues


def _events(rng: random.Random, venues: list[Venue]) -> list[Event]:
    zone = timezone.get_default_timezone()
    first = datetime(2018, 1, 8, 15, 30, tzinfo=zone)
    last = timezone.now() + timedelta(days=540)
    span = (last - first).total_seconds()
    rows = []
    for number in range(EVENTS):
        start = first + timedelta(seconds=rng.random() * span)
        start = start.replace(minute=rng.choice([0, 30]), second=0, microsecond=0)
        status = rng.choices(["published", "cancelled", "draft"], [95, 3, 2])[0]
        capacity = rng.choice([None, 12, 20, 24, 30, 40, 60])
        online = rng.random() < 0.1
        rows.append(
            Event(
                title=f"{rng.choice(TITLES)} ({number + 1})",
                slug=f"bench-event-{number + 1}",
                summary="Leraren en onderzoekers uit verschillende sectoren ontmoeten elkaar.",
                description="**Programma**\n\n- inloop\n- pitches\n- in gesprek",
                venue=None if online else rng.choice(venues),
                online_url="https://meet.example/lef" if online else "",
                starts_at=start,
                ends_at=start + timedelta(hours=rng.choice([1, 1.5, 2, 3])),
                capacity=capacity,
                max_sector_share=rng.choice([None, None, 40, 50]) if capacity else None,
                target_sectors=rng.sample(Sector.values, k=rng.randint(0, 2)),
                target_transitions=rng.sample(Transition.values, k=rng.randint(0, 1)),
                status=status,
                cancelled_at=start - timedelta(days=2) if status == "cancelled" else None,
            )
        )
    return Event.objects.bulk_create(rows, batch_size=BATCH)


def _registrations(rng: random.Random, events: list[Event], profiles: list) -> None:
    """About 20 sign-ups per meetup, placed as the rules would place them."""
    per_event = REGISTRATIONS // len(events)
    rows = []
    for event in events:
        if event.status == "draft":
            continue
        rows += _sign_ups(rng, event, rng.sample(profiles, k=per_event))
    missing = REGISTRATIONS - len(rows)
    published = [e for e in events if e.status == "published"]
    while missing > 0:
        event = rng.choice(published)
        its_rows = [r for r in rows if r.event_id == event.pk]
        taken = {r.member_id for r in its_rows}
        extra = [p for p in rng.sample(profiles, k=40) if p[0] not in taken][:missing]
        confirmed = sum(r.status == "confirmed" for r in its_rows)
        rows += _sign_ups(rng, event, extra, start_number=len(its_rows), confirmed=confirmed)
        missing -= len(extra)
    Registration.objects.bulk_create(rows, batch_size=BATCH)


def _sign_ups(
    rng, event: Event, people, *, start_number: int = 0, confirmed: int = 0
) -> list[Registration]:
    """Sign-ups of ``people``: confirmed while places are left (``confirmed`` already
    taken), then on the waiting list, as the site would have put them."""
    rows, taken = [], confirmed
    past = event.ends_at < timezone.now()
    for number, (user_id, sector) in enumerate(people, start=start_number):
        full = event.capacity is not None and taken >= event.capacity
        status = "waiting" if full else "confirmed"
        taken += not full
        moment = event.starts_at - timedelta(days=14, hours=-number)
        rows.append(
            Registration(
                event=event,
                member_id=user_id,
                sector=sector,
                status=status,
                waiting_reason="full" if full else "",
                created_at=moment,
                confirmed_at=None if full else moment,
                checked_in_at=event.starts_at
                if past and not full and rng.random() < 0.8
                else None,
            )
        )
    return rows


def _fixed(rng: random.Random, venues: list[Venue], profiles: list) -> None:
    start = (timezone.now() + timedelta(days=9)).replace(
        hour=14, minute=30, second=0, microsecond=0
    )
    organisers = list(User.objects.filter(pk__in=[p[0] for p in profiles[:3]]))
    specs = [
        ("bench-meetup", 80, 100),
        ("bench-meetup-small", 80, 1),
        ("bench-contention", CONTENTION_PLACES, 0),
    ]
    for slug, capacity, signed_up in specs:
        event = Event.objects.create(
            title=f"Benchmeetup {slug}",
            slug=slug,
            summary="De meetup van de benchmark.",
            description="**Programma**\n\n- inloop\n- pitches",
            venue=venues[0],
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
            max_sector_share=None,
            target_sectors=["po", "vo"],
            status="published",
        )
        event.organisers.set(organisers)
        Registration.objects.bulk_create(
            _sign_ups(rng, event, rng.sample(profiles, k=signed_up)) if signed_up else []
        )
    member = User.objects.get(username="bench-member")
    coming = Event.objects.filter(
        status="published", starts_at__gt=timezone.now(), capacity__isnull=True
    ).order_by("starts_at")[:5]
    Registration.objects.bulk_create(
        Registration(
            event=event, member=member, sector="po", status="confirmed", confirmed_at=start
        )
        for event in coming
    )


# Contention ----------------------------------------------------------------------------


def measure_contention() -> str:
    """100 members sign up for one meetup (50 places) at the same moment, through the site.

    Each has their own logged-in client and thread (and so database
    connection, from the pool); a barrier releases them together. Reports the
    time until every request was answered, the slowest answer, and anything
    that was not the normal redirect (an error, or 'busy, try again').
    """
    event = Event.objects.get(slug="bench-contention")
    Registration.objects.filter(event=event).delete()  # a fresh start for every run
    people = list(
        User.objects.filter(pk__in=Profile.objects.onboarded().values("pk"))
        .exclude(username__startswith="bench-")
        .order_by("pk")[:CONTENDERS]
    )
    clients = []
    for person in people:
        client = Client()
        client.force_login(person)
        clients.append(client)
    connection.close()
    barrier = threading.Barrier(len(clients))
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()
    path = f"/events/{event.slug}/register/"

    def sign_up(client):
        try:
            barrier.wait(timeout=30)
            started = time.perf_counter()
            status = client.post(path).status_code
            with lock:
                answers.append((status, time.perf_counter() - started))
        except Exception:  # any failure is an error in the report
            with lock:
                answers.append((0, 0.0))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(c,)) for c in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    wall = time.perf_counter() - started
    errors = sum(1 for status, _ in answers if status != 302) + len(clients) - len(answers)
    confirmed = Registration.objects.holding_a_place().filter(event=event).count()
    waiting = Registration.objects.waiting().filter(event=event).count()
    slowest = max((seconds for _, seconds in answers), default=0)
    median = statistics.median(seconds for _, seconds in answers) if answers else 0
    verdict = "ok" if errors == 0 and (confirmed, waiting) == (CONTENTION_PLACES, 50) else "MISS"
    return (
        f"Contention: {len(clients)} members sign up for one meetup ({CONTENTION_PLACES} places) "
        f"at once: all answered in {wall * 1000:.0f} ms (median answer {median * 1000:.0f} ms, "
        f"slowest {slowest * 1000:.0f} ms); {errors} errors; {confirmed} confirmed, "
        f"{waiting} waiting. {verdict}"
    )
