"""Spaces for the benchmark: 3 houses, 60 resources, 200 000 bookings, and the booking race.

Deterministic like the rest of the seed. Bookings fill working days from about
three years back to four weeks ahead, a few per resource per day, so every
page reads from a table the size a busy few years would leave. The bench
member has bookings of their own (past and coming), for "my bookings".

:func:`measure_contention` is the "50 members book one slot at once" figure:
50 threads, each a signed-in member with its own database connection, post
the same slot to the booking form at the same moment; it reports the time
until all are answered, how many bookings exist afterwards (must be 1) and
how many answers were neither the booking (302) nor a clear refusal (409).
"""

import random
import threading
import time as clock
from datetime import date, time, timedelta

from django.db import connection, transaction
from django.test import Client

from members.models import Organisation, Profile, User
from spaces import services, timeslots
from spaces.models import Amenity, Booking, OpeningHours, Resource, Space

BOOKINGS = 200_000
BATCH = 5000
HOUSES = [
    ("bench-plnt", "'t LEF bij PLNT", "Langegracht 70, Leiden"),
    ("bench-bio", "BioScience Park", "J.H. Oortweg 21, Leiden"),
    ("bench-station", "Stationsplein", "Stationsplein 1, Leiden"),
]
CONTENTION_SLUG = "bench-race"
CONTENDERS = 50


def seed(*, rng_seed: int = 2026) -> int:
    """Create the spaces, resources and bookings; return the number of bookings."""
    rng = random.Random(rng_seed)
    with transaction.atomic():
        resources = _seed_resources()
        booked = _seed_bookings(rng, resources)
    return booked


def _seed_resources() -> list[Resource]:
    resources = []
    for index, (slug, name, address) in enumerate(HOUSES):
        space = Space.objects.create(slug=slug, name=name, address=address)
        OpeningHours.objects.bulk_create(
            OpeningHours(space=space, weekday=day, opens=time(8), closes=time(20))
            for day in range(5)
        )
        for number in range(1, 21):
            kind = (
                Resource.Kind.ROOM
                if number % 7 == 0
                else Resource.Kind.BOOTH
                if number % 10 == 0
                else Resource.Kind.DESK
            )
            resources.append(
                Resource(
                    space=space,
                    kind=kind,
                    name=f"{name} {kind.label} {number}",
                    slug=f"bench-{index}-{number}",
                    seats=8 if kind == Resource.Kind.ROOM else 1,
                    amenities=[Amenity.POWER, Amenity.SCREEN]
                    if kind == Resource.Kind.ROOM
                    else [Amenity.POWER],
                    max_days_ahead=60,
                )
            )
    resources.append(
        Resource(
            space=resources[0].space,
            name="Wedstrijdplek",
            slug=CONTENTION_SLUG,
            max_days_ahead=366,
        )
    )
    return Resource.objects.bulk_create(resources)


def _seed_bookings(rng: random.Random, resources: list[Resource]) -> int:
    member = User.objects.get(username="bench-member")
    bookers = list(
        Profile.objects.listed().order_by("user_id").values_list("user_id", flat=True)[:2000]
    )
    startups = list(
        Organisation.objects.filter(kind=Organisation.Kind.STARTUP).values_list("pk", flat=True)
    )
    bookable = [r for r in resources if r.slug != CONTENTION_SLUG]
    today = timeslots.today()
    per_day = 4  # slots of two or three hours between 08:00 and 20:00
    # Enough working days for all the bookings, the last four weeks of them ahead.
    days_back = BOOKINGS // (len(bookable) * per_day) * 7 // 5 - 28
    first = today - timedelta(days=days_back)
    rows, made = [], 0
    day = first
    while made < BOOKINGS:
        if day.weekday() < 5:
            for resource in bookable:
                hour = 8
                for _ in range(per_day):
                    length = rng.choice([2, 3])
                    if hour + length > 20 or made >= BOOKINGS:
                        break
                    start = timeslots.at(day, time(hour))
                    end = timeslots.at(day, time(hour + length))
                    hour += length
                    past = day < today
                    own = rng.random() < 0.0008
                    rows.append(
                        Booking(
                            resource=resource,
                            booker_id=member.pk if own else rng.choice(bookers),
                            organisation_id=rng.choice(startups)
                            if startups and rng.random() < 0.2
                            else None,
                            start=start,
                            end=end,
                            people=1,
                            purpose=rng.choice(["", "Lesvoorbereiding", "Overleg"]),
                            status=Booking.Status.CANCELLED
                            if rng.random() < 0.05
                            else Booking.Status.CONFIRMED,
                            checked_in_at=start + timedelta(minutes=5)
                            if past and rng.random() < 0.7
                            else None,
                        )
                    )
                    made += 1
        day += timedelta(days=1)
        if len(rows) >= BATCH:
            Booking.objects.bulk_create(rows)
            rows = []
    Booking.objects.bulk_create(rows)
    return made


# The race ----------------------------------------------------------------------------


def measure_contention(*, attempts: int = 3) -> list[dict]:
    """50 members post the same slot at once, ``attempts`` times; one dict per attempt."""
    resource = Resource.objects.get(slug=CONTENTION_SLUG)
    users = list(
        User.objects.filter(profile__in=Profile.objects.listed(), is_staff=False)
        .exclude(username="bench-member")
        .order_by("pk")[:CONTENDERS]
    )
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    results = []
    day = _free_day(resource)
    for attempt in range(attempts):
        start = timeslots.at(day, time(9 + attempt))
        results.append(_race(resource, clients, start))
    # Leave the slot free for the next run: each winner cancels (allowed before the start).
    for booking in Booking.objects.blocking().filter(resource=resource).select_related("booker"):
        services.cancel_booking(booking=booking, by=booking.booker)
    return results


def _free_day(resource: Resource) -> date:
    day = timeslots.today() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _race(resource: Resource, clients: list[Client], start) -> dict:
    data = {
        "day": timeslots.local_date(start).isoformat(),
        "start_time": timeslots.local(start).strftime("%H:%M"),
        "end_time": timeslots.local(start + timedelta(hours=1)).strftime("%H:%M"),
        "people": 1,
        "weeks": 1,
    }
    path = f"/spaces/{resource.slug}/book/"
    barrier = threading.Barrier(len(clients) + 1)
    statuses, lock = [], threading.Lock()

    def post(client):
        try:
            barrier.wait(timeout=30)
            status = client.post(path, data).status_code
        except Exception as error:
            status = repr(error)
        finally:
            connection.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    started = clock.perf_counter()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = (clock.perf_counter() - started) * 1000
    booked = (
        Booking.objects.blocking()
        .overlapping(start, start + timedelta(hours=1), resource=resource)
        .count()
    )
    return {
        "members": len(clients),
        "ms": elapsed,
        "bookings": booked,
        "booked": statuses.count(302),
        "refused": statuses.count(409),
        "errors": len(statuses) - statuses.count(302) - statuses.count(409),
    }


def print_contention(results: list[dict]) -> None:
    print("Booking under contention: 50 signed-in members post the same slot at once.")
    print("Target: exactly 1 booking, 49 clear refusals (409), 0 errors.")
    print()
    header = f"{'attempt':<8} {'members':>7} {'all answered ms':>16} {'bookings':>9}"
    header += f" {'302':>5} {'409':>5} {'errors':>7}  target"
    print(header)
    print("-" * len(header))
    for number, row in enumerate(results, 1):
        ok = row["bookings"] == 1 and row["booked"] == 1 and row["errors"] == 0
        print(
            f"{number:<8} {row['members']:>7} {row['ms']:>16.0f} {row['bookings']:>9} "
            f"{row['booked']:>5} {row['refused']:>5} {row['errors']:>7}  {'ok' if ok else 'MISS'}"
        )
    print()


def report_contention() -> None:
    """``make bench``'s contention figure (bench/pages.py EXTRAS)."""
    print_contention(measure_contention())
