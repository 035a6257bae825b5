"""Factories for the organisation, privacy and admin tests: coordinators and proposals."""

import factory
from django.contrib.auth.models import Group

from lef.coordinators import GROUP_NAME
from members.models import Organisation
from tests.factories import MemberFactory, OrganisationFactory


class ProposedOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Nieuwe School {n}")
    slug = factory.Sequence(lambda n: f"nieuwe-school-{n}")
    status = Organisation.Status.PROPOSED


class CoordinatorFactory(MemberFactory):
    """A staff member in the Coordinators group (the permissions of migration 0002)."""

    is_staff = True

    @factory.post_generation
    def coordinators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=GROUP_NAME))
