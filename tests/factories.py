"""factory_boy factories shared by all tests."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from lef.choices import CoreActivity, Role, Sector
from members.models import Organisation, Profile, User
from tests.second_factor import with_second_factor

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Basisschool De Linde {n}")
    slug = factory.Sequence(lambda n: f"de-linde-{n}")
    kind = Organisation.Kind.SCHOOL
    sectors = factory.LazyFunction(lambda: [Sector.PO])
    status = Organisation.Status.APPROVED


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary email address and an empty profile."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Lid Nummer {n}")
    email = factory.Sequence(lambda n: f"lid{n}@school.example")
    username = factory.Sequence(lambda n: f"lid-{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create:
            Profile.objects.get_or_create(user=self)

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """Staff get an app code (tests.second_factor.TOTP_SECRET): the back office asks for one.

        ``second_factor=False`` makes staff without one.
        """
        if create and self.is_staff and extracted is not False:
            with_second_factor(self)


class MemberFactory(UserFactory):
    """A user who completed onboarding: sector, organisation, activities, expertise."""

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if not create:
            return
        values = {
            "primary_sector": Sector.PO,
            "organisation": None,
            "roles": [Role.TEACHER],
            "core_activities": [CoreActivity.TEACHING],
            "expertise": [],
            "bio": "",
            "onboarded_at": timezone.now(),
        }
        values.update(kwargs)
        if values["organisation"] is None:
            values["organisation"] = OrganisationFactory()
        Profile.objects.update_or_create(user=self, defaults=values)
