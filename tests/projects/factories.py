"""Factories for the projects tests: a project with its first lead, and memberships."""

import factory
from django.utils import timezone

from lef.choices import CoreActivity, Sector
from projects.models import Membership, Project, ProjectUpdate
from tests.factories import MemberFactory as OnboardedMemberFactory


class MemberFactory(OnboardedMemberFactory):
    """An onboarded member who reads mail in English: these tests assert the source texts.

    (Mail is written in each recipient's language; Dutch mail: test_services.py.)
    """

    language = "en"


class ProjectFactory(factory.django.DjangoModelFactory):
    """A public, open project looking for people; ``lead`` (a member) leads it."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Rekenen over de grens {n}")
    slug = factory.Sequence(lambda n: f"rekenen-over-de-grens-{n}")
    summary = "Leerkrachten en docenten maken samen overstaplessen rekenen."
    description = "We bezoeken elkaars lessen en ontwerpen drie overstaplessen."
    status = Project.Status.LOOKING
    sectors = factory.LazyFunction(lambda: [Sector.PO, Sector.VO])
    transitions = factory.LazyFunction(lambda: ["po-vo"])
    core_activities = factory.LazyFunction(lambda: [CoreActivity.TEACHING])
    tags = factory.LazyFunction(lambda: ["rekenen"])
    visibility = Project.Visibility.PUBLIC
    requires_approval = True

    @factory.post_generation
    def lead(self, create, extracted, **kwargs):
        if not create:
            return
        lead = extracted if extracted is not None else MemberFactory(**kwargs)
        add_member(self, lead, role=Membership.Role.LEAD)
        self.created_by = lead
        Project.objects.filter(pk=self.pk).update(created_by=lead)


def add_member(
    project, user, *, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE, **extra
) -> Membership:
    now = timezone.now()
    return Membership.objects.create(
        project=project,
        member=user,
        role=role,
        status=status,
        joined_at=now if status == Membership.Status.ACTIVE else None,
        **{"sector": user.profile.primary_sector if status == Membership.Status.ACTIVE else ""}
        | extra,
    )


def post(project, author, text="Eerste lesbezoek gedaan.", **extra) -> ProjectUpdate:
    return ProjectUpdate.objects.create(project=project, author=author, text=text, **extra)
