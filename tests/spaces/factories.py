"""Factories for the spaces tests: a space open on weekdays, resources, bookings."""

from datetime import time

import factory

from spaces.models import Booking, OpeningHours, Resource, Space
from tests.factories import MemberFactory


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"PLNT {n}")
    slug = factory.Sequence(lambda n: f"plnt-{n}")
    address = "Langegracht 70, Leiden"

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        """Open 08:00-18:00 every day unless ``hours=[(weekday, opens, closes), ...]``."""
        if not create:
            return
        rows = (
            extracted if extracted is not None else [(day, time(8), time(18)) for day in range(7)]
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(space=self, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in rows
        )


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource
        django_get_or_create = ["slug"]

    space = factory.SubFactory(SpaceFactory)
    name = factory.Sequence(lambda n: f"Flexplek {n}")
    slug = factory.Sequence(lambda n: f"flexplek-{n}")
    kind = Resource.Kind.DESK
    seats = 1
    slot_minutes = 30
    min_minutes = 30
    max_minutes = 480
    max_days_ahead = 28
    min_notice_minutes = 0


class BookingFactory(factory.django.DjangoModelFactory):
    """A row written directly, past the services: for arranging tests only."""

    class Meta:
        model = Booking

    resource = factory.SubFactory(ResourceFactory)
    booker = factory.SubFactory(MemberFactory)
    people = 1
