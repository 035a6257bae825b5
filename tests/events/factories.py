"""Factories for meetups: venues, events (published, a week from now) and registrations."""

from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event, Registration, Venue
from lef.choices import Sector


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Zaal {n}")
    slug = factory.Sequence(lambda n: f"zaal-{n}")
    address = factory.Sequence(lambda n: f"Breestraat {n}")
    city = "Leiden"


class EventFactory(factory.django.DjangoModelFactory):
    """A published meetup a week from now, 15:30 to 17:00, 20 places."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Meetup rekenen {n}")
    slug = factory.Sequence(lambda n: f"meetup-rekenen-{n}")
    summary = "Leraren uit po en vo over de overstap naar de brugklas."
    venue = factory.SubFactory(VenueFactory)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=1, minutes=30))
    capacity = 20
    status = Event.Status.PUBLISHED

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed sign-up (written directly: for arranging a state, not for testing rules)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    member = factory.SubFactory("tests.factories.MemberFactory")
    sector = factory.LazyAttribute(
        lambda r: r.member.profile.primary_sector if r.member else Sector.OTHER
    )
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
