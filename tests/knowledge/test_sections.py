"""The library's parts of Mijn LEF and of a profile (knowledge.sections, via knowledge.hooks)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from knowledge import sections
from knowledge.models import Result
from lef.choices import Sector
from members.models import Profile
from projects.models import Project
from tests.knowledge.factories_library import ResultFactory, add_author
from tests.projects.factories import MemberFactory, ProjectFactory, add_member

pytestmark = pytest.mark.django_db


def _member(sector=Sector.PO, expertise=()):
    member = MemberFactory()
    Profile.objects.filter(user=member).update(primary_sector=sector, expertise=list(expertise))
    return member


def test_new_results_that_meet_the_members_sector_or_expertise_newest_first():
    member = _member(Sector.MBO, expertise=["stage"])
    by_sector = ResultFactory(title="Stagegids mbo", sectors=[Sector.MBO])
    by_tag = ResultFactory(
        title="Stagepool", sectors=[Sector.HO], project=ProjectFactory(tags=["stage"])
    )
    ResultFactory(title="Rekenen po", sectors=[Sector.PO])  # neither
    old = ResultFactory(title="Oude stagegids", sectors=[Sector.MBO])
    Result.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=sections.NEW_FOR_YOU_DAYS + 1)
    )
    hidden = ResultFactory(title="Verborgen", sectors=[Sector.MBO])
    Result.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())

    with translation.override("en"):
        found = sections.new_for(member)

    assert [line.title for line in found] == [by_tag.title, by_sector.title]
    assert found[1].reason == "For Vocational education (mbo)"
    assert found[0].reason == "About stage"


def test_new_results_leave_out_the_members_own_teams_but_show_members_only_ones():
    member = _member(Sector.PO)
    own = ProjectFactory()
    add_member(own, member)
    ResultFactory(title="Van mijn team", project=own)
    members_only = ResultFactory(title="Alleen leden", visibility=Result.Visibility.MEMBERS)

    assert [line.title for line in sections.new_for(member)] == [members_only.title]


def test_the_profile_lists_results_the_member_agreed_to_be_named_on_as_the_viewer_may_see():
    author = _member()
    public = ResultFactory(title="Openbaar")
    members_only = ResultFactory(title="Voor leden", visibility=Result.Visibility.MEMBERS)
    of_closed_project = ResultFactory(
        title="Besloten project", project=ProjectFactory(visibility=Project.Visibility.MEMBERS)
    )
    not_agreed = ResultFactory(title="Nog niet ingestemd")
    for result in (public, members_only, of_closed_project):
        add_author(result, author)
    add_author(not_agreed, author, agreed=False)

    for_visitor = sections.profile_section(author, AnonymousUser())
    for_member = sections.profile_section(author, _member())

    assert [line.title for line in for_visitor["results"]] == ["Openbaar"]
    assert {line.title for line in for_member["results"]} == {
        "Openbaar",
        "Voor leden",
        "Besloten project",
    }
    assert for_member["results"][0].url == f"/knowledge/{of_closed_project.slug}/"


def test_no_profile_section_without_results():
    assert sections.profile_section(_member(), AnonymousUser()) is None


def test_each_list_is_one_query_whatever_the_number_of_results(django_assert_num_queries):
    member = _member(Sector.PO)
    for number in range(6):
        add_author(ResultFactory(title=f"Resultaat {number}"), member)
    reader = _member(Sector.PO)

    with django_assert_num_queries(1):
        overview = sections.overview_section(member)
    with django_assert_num_queries(1):
        sections.new_for(reader)

    assert len(overview["mine"]) == sections.MINE_LIMIT
    assert len(sections.new_for(reader)) == sections.NEW_FOR_YOU_LIMIT
