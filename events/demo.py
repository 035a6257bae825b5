"""Demo meetups for ``manage.py seed_demo``: coming and past ones at PLNT, one elsewhere,
one online, one full with a waiting list, a draft and a cancelled one, two today (for the
coordinators' today on the admin index) and sign-ups cancelled in the last days.

Idempotent: meetups are looked up by slug and their sign-ups made only when the
meetup is new, so running it twice changes nothing. Dates are relative to the
day of the first run. People are picked by query (listed members, by sector),
so it keeps working as the demo grows.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from events.models import Event, Registration, Venue
from lef.demo_accounts import TEST_ACCOUNTS_GROUP
from members.models import Profile

HOGESCHOOL = {
    "name": "Hogeschool Leiden",
    "address": "Zernikedreef 11",
    "city": "Leiden",
    "description": "Hogeschool met onder meer de pabo en lerarenopleidingen.",
    "accessibility": "Drempelvrij, met lift en invalidentoilet.",
    "website": "https://www.hsleiden.nl",
}


@dataclass
class DemoEvent:
    slug: str
    title: str
    summary: str
    description: str
    days: int  # from today; negative is in the past
    start: time
    hours: float
    venue: str = "plnt"  # a venue's slug, or "" for online only
    online_url: str = ""
    capacity: int | None = 20
    max_sector_share: int | None = None
    sectors: list[str] = field(default_factory=list)
    transitions: list[str] = field(default_factory=list)
    status: str = Event.Status.PUBLISHED
    attendees: int = 0  # how many listed members sign up (0: none)
    full: bool = False  # fewer places than sign-ups: a waiting list
    cancelled: int = 0  # how many more signed up early and cancelled in the last days


EVENTS = [
    DemoEvent(
        slug="van-groep-8-naar-de-brugklas-rekenen",
        title="Van groep 8 naar de brugklas: rekenen",
        summary="Leerkrachten groep 8 en docenten wiskunde uit de brugklas vergelijken hoe ze "
        "rekenen aanpakken.",
        description=(
            "Wat leert een leerling in groep 8, en wat verwacht de brugklas? We bekijken "
            "samen opgaven uit beide werelden en maken afspraken die de overstap makkelijker "
            "maken.\n\n"
            "**Programma**\n\n"
            "- 15:30 inloop met koffie en thee\n"
            "- 15:45 twee korte pitches: groep 8 en brugklas\n"
            "- 16:15 in gemengde groepjes aan de slag met echte opgaven\n"
            "- 17:15 afspraken en borrel\n\n"
            "Neem gerust een opgave mee waar je leerlingen op vastlopen."
        ),
        days=6,
        start=time(15, 30),
        hours=2,
        capacity=24,
        sectors=["po", "vo"],
        transitions=["po-vo"],
        attendees=16,
        cancelled=2,
    ),
    DemoEvent(
        slug="inloopmiddag-maak-kennis-met-t-lef",
        title="Inloopmiddag: maak kennis met 't LEF",
        summary="Loop binnen bij PLNT, drink een kop koffie en hoor wat collega's uit andere "
        "sectoren hier doen.",
        description=(
            "Nieuw bij 't LEF? Op de inloopmiddag laten we de flexplekken en de "
            "vergaderruimte zien en vertellen leden over hun projecten. Kom wanneer het je "
            "uitkomt."
        ),
        days=0,
        start=time(16, 0),
        hours=1.5,
        capacity=15,
        attendees=9,
    ),
    DemoEvent(
        slug="avondsessie-onderzoek-in-je-eigen-klas",
        title="Avondsessie: onderzoek in je eigen klas",
        summary="Voor wie na schooltijd verder wil met een onderzoeksvraag uit de eigen klas.",
        description="We bespreken elkaars onderzoeksvragen in kleine groepen, van po tot ho.",
        days=0,
        start=time(19, 30),
        hours=1.5,
        capacity=12,
        attendees=6,
    ),
    DemoEvent(
        slug="samen-praktijkonderzoek-doen",
        title="Samen praktijkonderzoek doen",
        summary="Onderzoekers van ICLON en docenten uit alle sectoren zoeken samen een "
        "onderzoeksvraag uit hun eigen klas.",
        description=(
            "Praktijkonderzoek werkt het best als leraren en onderzoekers het samen doen. "
            "In deze meetup formuleer je een vraag uit je eigen praktijk en vind je iemand "
            "uit een andere sector om hem mee te onderzoeken.\n\n"
            "Zodat de sectoren elkaar echt ontmoeten, gaat hooguit 40% van de plekken naar "
            "één sector."
        ),
        days=13,
        start=time(15, 0),
        hours=2,
        capacity=12,
        max_sector_share=40,
        attendees=14,
    ),
    DemoEvent(
        slug="doorstroom-mbo-hbo-wat-werkt",
        title="Doorstroom mbo-hbo: wat werkt?",
        summary="Docenten van Da Vinci College en Hogeschool Leiden over studenten die de stap "
        "van mbo naar hbo zetten.",
        description=(
            "Veel mbo-studenten stoppen in hun eerste hbo-jaar. Wat helpt hen wel? Twee "
            "docenten vertellen over hun aanpak; daarna praten we in kleine groepen verder.\n\n"
            "Let op: deze meetup is niet bij PLNT maar bij Hogeschool Leiden."
        ),
        days=20,
        start=time(16, 0),
        hours=1.5,
        venue="hogeschool-leiden",
        capacity=4,
        sectors=["mbo", "ho"],
        transitions=["mbo-ho"],
        attendees=99,
        full=True,
    ),
    DemoEvent(
        slug="online-formatief-evalueren-in-alle-sectoren",
        title="Online: formatief evalueren in alle sectoren",
        summary="Een uur online: hoe geven leraren van po tot ho feedback die leerlingen "
        "echt verder helpt?",
        description="Een korte online sessie met voorbeelden uit elke sector. Je krijgt de link "
        "zodra je je hebt aangemeld.",
        days=27,
        start=time(19, 30),
        hours=1,
        venue="",
        online_url="https://meet.jit.si/lef-formatief-evalueren",
        capacity=None,
        attendees=3,
    ),
    DemoEvent(
        slug="workshop-ai-in-de-klas",
        title="Workshop AI in de klas",
        summary="Wat doen leerlingen met AI, en wat doe jij ermee?",
        description="Deze workshop gaat helaas niet door; we plannen hem opnieuw in het voorjaar.",
        days=10,
        start=time(15, 30),
        hours=2,
        capacity=16,
        status=Event.Status.CANCELLED,
        attendees=2,
    ),
    DemoEvent(
        slug="zomerborrel-t-lef",
        title="Zomerborrel 't LEF",
        summary="Het jaar afsluiten met alle partners.",
        description="Nog in voorbereiding.",
        days=45,
        start=time(17, 0),
        hours=2.5,
        capacity=60,
        status=Event.Status.DRAFT,
    ),
    DemoEvent(
        slug="kick-off-sectoren-ontmoeten-elkaar",
        title="Kick-off: sectoren ontmoeten elkaar",
        summary="De eerste meetup van het seizoen: kennismaken over de grenzen van po, vo, mbo "
        "en ho heen.",
        description="Een middag speed-daten met collega's uit andere sectoren.",
        days=-30,
        start=time(15, 30),
        hours=2,
        capacity=30,
        attendees=24,
    ),
    DemoEvent(
        slug="leesmotivatie-van-po-tot-mbo",
        title="Leesmotivatie van po tot mbo",
        summary="Waarom lezen leerlingen steeds minder graag, en wat doen we eraan?",
        description="Met een bijdrage van de bibliotheek.",
        days=-60,
        start=time(15, 30),
        hours=2,
        capacity=20,
        sectors=["po", "vo", "mbo"],
        attendees=8,  # the five accounts to try the site with among them
    ),
]


def _moment(today, days: int, start: time) -> datetime:
    return datetime.combine(
        today + timedelta(days=days), start, tzinfo=timezone.get_default_timezone()
    )


def seed() -> int:
    """Create the demo meetups that are missing; return how many were created."""
    venues = {
        "plnt": Venue.objects.get(slug="plnt"),  # made by the migration
        "hogeschool-leiden": Venue.objects.get_or_create(
            slug="hogeschool-leiden", defaults=HOGESCHOOL
        )[0],
    }
    people = list(
        Profile.objects.listed()
        .filter(user__is_staff=False)
        .select_related("user")
        .order_by("user__email")
    )
    coordinator = Profile.objects.listed().filter(user__is_staff=True).order_by("pk").first()
    try_out = _try_out_ids()
    trying = [p for p in people if p.user_id in try_out]
    today = timezone.localdate()
    created = 0
    for index, spec in enumerate(EVENTS):
        if Event.objects.filter(slug=spec.slug).exists():
            continue
        created += 1
        starts_at = _moment(today, spec.days, spec.start)
        capacity = spec.capacity
        if spec.full:
            capacity = max(2, len(people) - 2)  # two people on the waiting list
        event = Event.objects.create(
            slug=spec.slug,
            title=spec.title,
            summary=spec.summary,
            description=spec.description,
            venue=venues.get(spec.venue),
            online_url=spec.online_url,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=spec.hours),
            development_hours=Decimal(str(spec.hours)),  # for the members' record of growth
            capacity=capacity,
            max_sector_share=spec.max_sector_share,
            target_sectors=spec.sectors,
            target_transitions=spec.transitions,
            status=spec.status,
            cancelled_at=starts_at - timedelta(days=3)
            if spec.status == Event.Status.CANCELLED
            else None,
            sequence=1 if spec.status == Event.Status.CANCELLED else 0,
        )
        organisers = [p.user for p in people[index % max(1, len(people)) :][:1]]
        if coordinator is not None:
            organisers.append(coordinator.user)
        event.organisers.set(organisers)
        attendees = people[: spec.attendees]
        if spec.days < 0:
            # The accounts printed to try the site with were there first: their
            # record of growth (home.growth) shows meetups with hours.
            attendees = [*trying, *(p for p in people if p not in trying)][: spec.attendees]
        cancelling = people[spec.attendees :][: spec.cancelled]
        moments = _sign_up_moments(event, len(cancelling) + len(attendees))
        # Those who cancelled signed up first (they were early), then the rest.
        _cancel(event, cancelling, moments[: len(cancelling)])
        _sign_up(event, attendees, moments[len(cancelling) :], past=spec.days < 0)
    return created


def _try_out_ids() -> set[int]:
    return set(
        Profile.objects.filter(user__groups__name=TEST_ACCOUNTS_GROUP).values_list(
            "user_id", flat=True
        )
    )


# Between two sign-ups; the last one comes this long before the meetup starts
# (or before now, for a meetup still to come).
SIGN_UP_GAP = timedelta(hours=7)
LAST_SIGN_UP = timedelta(hours=2)


def _sign_up_moments(event: Event, count: int) -> list[datetime]:
    """``count`` moments people signed up, first come first: all in the past, before the start.

    So the order of the rows (who came first) is the order of their dates, and
    a waiting list's positions follow it, as they do on the live site.
    """
    last = min(timezone.now(), event.starts_at) - LAST_SIGN_UP
    return [last - SIGN_UP_GAP * (count - 1 - number) for number in range(count)]


def _cancel(event: Event, profiles: list[Profile], moments: list[datetime]) -> None:
    """Sign-ups made early and cancelled in the last days (the first a few hours ago)."""
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            event=event,
            member=profile.user,
            sector=profile.primary_sector,
            status=Registration.Status.CANCELLED,
            created_at=signed_at,
            confirmed_at=signed_at,
            cancelled_at=max(
                now - timedelta(hours=3 + 45 * number), signed_at + timedelta(hours=1)
            ),
            cancelled_by=profile.user,
        )
        for number, (profile, signed_at) in enumerate(zip(profiles, moments, strict=True))
    )


def _sign_up(
    event: Event, profiles: list[Profile], moments: list[datetime], *, past: bool
) -> None:
    """Sign-ups in order, as the rules would place them (demo data only: no mail)."""
    taken: dict[str, int] = {}
    limit = event.sector_limit
    rows = []
    for number, (profile, moment) in enumerate(zip(profiles, moments, strict=True)):
        sector = profile.primary_sector
        full = event.capacity is not None and sum(taken.values()) >= event.capacity
        sector_full = limit is not None and taken.get(sector, 0) >= limit
        status = Registration.Status.WAITING if full or sector_full else "confirmed"
        reason = ""
        if status == Registration.Status.WAITING:
            reason = "sector_full" if sector_full else "full"
        else:
            taken[sector] = taken.get(sector, 0) + 1
        rows.append(
            Registration(
                event=event,
                member=profile.user,
                sector=sector,
                status=status,
                waiting_reason=reason,
                created_at=moment,
                confirmed_at=moment if status == "confirmed" else None,
                # At a past meetup most came; every fourth did not show up.
                checked_in_at=event.starts_at + timedelta(minutes=number)
                if past and status == "confirmed" and number % 4 != 3
                else None,
                note="Ik eet vegetarisch." if number == 1 else "",
            )
        )
    Registration.objects.bulk_create(rows)
