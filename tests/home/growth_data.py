"""A small hand-made record of growth: what counts, what does not, and why."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from events.models import Event, Registration
from knowledge.models import Author, Result
from projects.models import Membership, Project
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.projects.factories import ProjectFactory, add_member

# The school year 2025-2026 (1 August to 31 July), asked for in the query string.
PERIOD = {"start": "2025-08-01", "end": "2026-07-31"}


def at(day: date, hour: int = 15, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def attended(member, *, day: date, hours, title: str, **event) -> Registration:
    """A meetup on ``day`` that ``member`` was checked in at."""
    meetup = EventFactory(
        title=title, starts_at=at(day), ends_at=at(day, 17), development_hours=hours, **event
    )
    return RegistrationFactory(event=meetup, member=member, checked_in_at=at(day, 15, 35))


def on_team(project, member, *, joined: date, ended: date | None = None) -> Membership:
    """``member`` on ``project``'s team from ``joined`` (until ``ended``: then they left)."""
    return Membership.objects.create(
        project=project,
        member=member,
        status=Membership.Status.LEFT if ended else Membership.Status.ACTIVE,
        joined_at=at(joined, 10),
        ended_at=at(ended, 10) if ended else None,
        sector=member.profile.primary_sector,
    )


def result(project, *, title: str, published: date, **fields) -> Result:
    return Result.objects.create(
        project=project,
        title=title,
        slug=title.lower().replace(" ", "-"),
        summary="Wat we maakten.",
        learned="Wat we leerden.",
        kind=Result.Kind.LESSON_MATERIAL,
        licence=Result.Licence.CC_BY,
        created_at=at(published, 10),
        **fields,
    )


@dataclass
class Dataset:
    member: object
    other: object


def make_dataset(*, name: str = "Sanne de Vries") -> Dataset:
    """Sanne's record for the school year 2025-2026 holds three meetups (4.0 hours), two
    projects and one result; the rest is there to be left out."""
    member = MemberFactory(name=name, language="nl")
    other = MemberFactory(name="Bram Bakker")

    # Meetups: three count.
    first = attended(member, day=date(2025, 10, 1), hours=Decimal("2.5"), title="Rekenen po-vo")
    attended(member, day=date(2026, 3, 10), hours=Decimal("1.5"), title="Lezen in de brugklas")
    attended(member, day=date(2026, 2, 1), hours=None, title="Koffie met het mbo")
    # ... and these do not: signed up but not checked in, a cancelled sign-up,
    # before the period, a meetup cancelled after all, someone else's check-in.
    RegistrationFactory(
        event=EventFactory(
            title="Niet gekomen",
            starts_at=at(date(2026, 4, 1)),
            ends_at=at(date(2026, 4, 1), 17),
            development_hours=Decimal(3),
        ),
        member=member,
    )
    RegistrationFactory(
        event=EventFactory(
            title="Afgemeld",
            starts_at=at(date(2026, 5, 1)),
            ends_at=at(date(2026, 5, 1), 17),
            development_hours=Decimal(3),
        ),
        member=member,
        status=Registration.Status.CANCELLED,
        cancelled_at=at(date(2026, 4, 20)),
    )
    attended(member, day=date(2025, 6, 1), hours=Decimal(4), title="Vorig schooljaar")
    attended(
        member,
        day=date(2026, 1, 15),
        hours=Decimal(2),
        title="Toch niet doorgegaan",
        status=Event.Status.CANCELLED,
    )
    RegistrationFactory(event=first.event, member=other, checked_in_at=at(date(2025, 10, 1)))

    # Projects: two count.
    leading = ProjectFactory(title="Overstaplessen rekenen", lead=member, status="running")
    Membership.objects.filter(project=leading, member=member).update(
        joined_at=at(date(2025, 9, 1), 10)
    )
    earlier = ProjectFactory(title="Lezen over de grens", lead=other)
    on_team(earlier, member, joined=date(2024, 1, 10), ended=date(2025, 9, 15))
    # ... and these do not: left before the period, a declined request, and a
    # project completed before it.
    long_ago = ProjectFactory(title="Oud project", lead=other)
    on_team(long_ago, member, joined=date(2023, 1, 10), ended=date(2024, 6, 1))
    add_member(ProjectFactory(title="Niet toegelaten", lead=other), member, status="declined")
    completed = ProjectFactory(
        title="Afgerond project",
        lead=other,
        status=Project.Status.COMPLETED,
        end_date=date(2025, 5, 1),
    )
    on_team(completed, member, joined=date(2024, 9, 1))

    # Results: one counts.
    made = result(leading, title="Overstaples breuken", published=date(2026, 6, 1))
    Author.objects.create(result=made, member=member, agreed_at=at(date(2026, 6, 1), 11))
    # ... and these do not: not agreed (yet), hidden, published before the period.
    asked = result(leading, title="Nog niet ingestemd", published=date(2026, 6, 2))
    Author.objects.create(result=asked, member=member)
    hidden = result(
        leading, title="Verborgen resultaat", published=date(2026, 6, 3), hidden_at=timezone.now()
    )
    Author.objects.create(result=hidden, member=member, agreed_at=at(date(2026, 6, 3), 11))
    old = result(earlier, title="Oud resultaat", published=date(2025, 3, 1))
    Author.objects.create(result=old, member=member, agreed_at=at(date(2025, 3, 1), 11))
    return Dataset(member=member, other=other)
