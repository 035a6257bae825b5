"""Cross-sector matching (members/matching.py): who is suggested, in which order, and why."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from lef.choices import CoreActivity, Sector
from members.matching import match_members, suggest_members
from members.models import Profile
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

RESEARCH, TEACHING, INNOVATION = (
    CoreActivity.RESEARCH,
    CoreActivity.TEACHING,
    (CoreActivity.INNOVATION),
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def me():
    """A po teacher who also works in vo, researching arithmetic."""
    member = MemberFactory(
        name="Mijn Naam",
        profile__primary_sector=Sector.PO,
        profile__other_sectors=[Sector.VO],
        profile__core_activities=[TEACHING, RESEARCH],
        profile__expertise=["rekenen", "taal"],
    )
    return Profile.objects.select_related("user").get(pk=member.pk)


def member(name, sector=Sector.MBO, activities=(), expertise=(), **profile):
    return MemberFactory(
        name=name,
        profile__primary_sector=sector,
        profile__core_activities=list(activities),
        profile__expertise=list(expertise),
        **{f"profile__{key}": value for key, value in profile.items()},
    )


def suggested(profile, **kwargs) -> list[str]:
    return [s.profile.user.name for s in suggest_members(for_profile=profile, **kwargs)]


def test_matching_ranks_expertise_above_activities(me):
    member("Twee Activiteiten", activities=[TEACHING, RESEARCH])
    member("Een Tag", activities=[INNOVATION], expertise=["rekenen"])
    member("Tag En Activiteit", activities=[RESEARCH], expertise=["taal"])
    member("Twee Tags", expertise=["taal", "rekenen"])
    member("Een Activiteit", activities=[TEACHING])

    assert suggested(me) == [
        "Twee Tags",  # 2 tags
        "Tag En Activiteit",  # 1 tag, 1 activity
        "Een Tag",  # 1 tag
        "Twee Activiteiten",  # 2 activities: fewer than any shared tag
        "Een Activiteit",  # 1 activity
    ]


def test_matching_never_suggests_members_whose_primary_sector_is_mine(me):
    member("Ook Po", sector=Sector.PO, expertise=["rekenen"])
    member("Mbo Met Po Erbij", sector=Sector.MBO, other_sectors=[Sector.PO], expertise=["rekenen"])
    member("Ho", sector=Sector.HO, expertise=["taal"])

    assert sorted(suggested(me)) == ["Ho", "Mbo Met Po Erbij"]


def test_matching_finds_the_obvious_match_in_a_sector_i_also_work_with(me):
    """A po teacher who also works with vo meets the vo maths teacher open to it."""
    member(
        "Vo Wiskunde",
        sector=Sector.VO,
        activities=[TEACHING],
        expertise=["rekenen"],
        open_to_collaboration=True,
    )
    member("Mbo Docent", sector=Sector.MBO, activities=[TEACHING])

    suggestions = suggest_members(for_profile=me)

    assert [s.profile.user.name for s in suggestions] == ["Vo Wiskunde", "Mbo Docent"]
    assert suggestions[0].reason == "You share: rekenen, teaching"


def test_matching_leaves_out_me_and_members_without_anything_in_common(me):
    member("Niets Gemeen", activities=[INNOVATION], expertise=["muziek"])
    member("Wel Gemeen", expertise=["taal"])

    assert suggested(me) == ["Wel Gemeen"]


def test_matching_suggests_only_members_the_viewer_may_see(me):
    member("Besloten", expertise=["taal"])
    member("Publiek", expertise=["taal"], visibility=Profile.Visibility.PUBLIC)
    gone = member("Vertrokken", expertise=["taal"])
    gone.is_active = False
    gone.save()
    Profile.objects.filter(user=member("Niet Klaar", expertise=["taal"])).update(onboarded_at=None)

    assert sorted(suggested(me)) == ["Besloten", "Publiek"]
    assert suggested(me, viewer=AnonymousUser()) == ["Publiek"]


def test_matching_fills_the_limit_past_best_matches_the_viewer_may_not_see(me):
    """Visibility is checked after ranking: hidden best matches give way, never shrink the list."""
    for number in range(3):
        gone = member(f"Vertrokken {number}", expertise=["rekenen", "taal"])
        gone.is_active = False
        gone.save()
    member("Besloten Twee Tags", expertise=["rekenen", "taal"])
    member("Publiek Een Tag", expertise=["taal"], visibility=Profile.Visibility.PUBLIC)
    member("Publiek Activiteit", activities=[TEACHING], visibility=Profile.Visibility.PUBLIC)
    member("Besloten Activiteit", activities=[TEACHING])

    assert suggested(me, limit=2) == ["Besloten Twee Tags", "Publiek Een Tag"]
    assert suggested(me, viewer=AnonymousUser(), limit=2) == [
        "Publiek Een Tag",
        "Publiek Activiteit",
    ]


def test_matching_prefers_members_open_to_collaboration(me):
    member("Dicht", expertise=["taal"])
    member("Open", expertise=["taal"], open_to_collaboration=True)
    member("Ook Dicht", expertise=["taal"])

    assert suggested(me)[0] == "Open"
    assert sorted(suggested(me)[1:]) == ["Dicht", "Ook Dicht"]


def test_matching_shuffles_ties_per_viewer_and_keeps_them_stable(me):
    """Members with the same interests are not all shown the same few people."""
    for number in range(12):
        member(f"Gelijk {number:02d}", expertise=["taal"])
    twin = MemberFactory(
        profile__primary_sector=Sector.PO,
        profile__core_activities=[TEACHING, RESEARCH],
        profile__expertise=["rekenen", "taal"],
    ).profile

    mine, again, theirs = suggested(me), suggested(me), suggested(twin)

    assert mine == again
    assert mine != theirs
    assert len(mine) == len(theirs) == 6


def test_matching_explains_with_activity_labels_then_tags(me):
    member(
        "Uitleg",
        activities=[INNOVATION, RESEARCH, TEACHING],
        expertise=["taal", "burgerschap", "rekenen"],
    )

    [suggestion] = suggest_members(for_profile=me)

    assert suggestion.shared_activities == (RESEARCH, TEACHING)
    assert suggestion.shared_expertise == ("taal", "rekenen")
    assert suggestion.reason == "You share: taal, rekenen, practice-based research, teaching"


def test_matching_respects_the_limit(me):
    for number in range(8):
        member(f"Lid {number}", expertise=["taal"])

    assert len(suggest_members(for_profile=me)) == 6
    assert len(suggest_members(for_profile=me, limit=2)) == 2


def test_matching_without_activities_or_expertise_runs_no_query(django_assert_num_queries):
    empty = UserFactory().profile
    member("Iemand", activities=[TEACHING])

    with django_assert_num_queries(0):
        assert suggest_members(for_profile=empty) == []


@pytest.mark.parametrize("candidates", [1, 5])
def test_matching_uses_one_query_whatever_the_number_of_candidates(
    me, django_assert_num_queries, candidates
):
    for number in range(candidates):
        member(f"Lid {number}", activities=[RESEARCH], expertise=["taal"])

    with django_assert_num_queries(1):
        suggestions = suggest_members(for_profile=me)
        reasons = [s.reason for s in suggestions]
        organisations = [s.profile.organisation.name for s in suggestions]
        users = [s.profile.user.get_absolute_url() for s in suggestions]

    assert len(reasons) == len(organisations) == len(users) == candidates


def test_match_members_core_takes_any_activities_tags_and_exclusions(me):
    """The engine a project can use: its own topics, sectors already in it, its team."""
    in_team = member("In Het Team", sector=Sector.HO, expertise=["burgerschap"])
    member("Ho Kandidaat", sector=Sector.HO, expertise=["burgerschap"])
    member("Mbo Kandidaat", sector=Sector.MBO, activities=[INNOVATION])
    member("Po Al Vertegenwoordigd", sector=Sector.PO, expertise=["burgerschap"])

    suggestions = match_members(
        viewer=me.user,
        activities=[INNOVATION],
        expertise=["burgerschap"],
        exclude_sectors=[Sector.PO],
        exclude_user_ids=[in_team.pk],
    )

    assert [s.profile.user.name for s in suggestions] == ["Ho Kandidaat", "Mbo Kandidaat"]
    assert [s.reason for s in suggestions] == ["You share: burgerschap", "You share: innovation"]


def test_matching_on_activities_alone_works(me):
    """A member without expertise tags: only the activities part of the statement runs."""
    Profile.objects.filter(pk=me.pk).update(expertise=[])
    me.refresh_from_db()
    member("Zelfde Werk", activities=[RESEARCH])

    assert suggested(me) == ["Zelfde Werk"]


def test_matching_never_suggests_the_viewer_to_herself(me):
    """A coordinator looking for people for a project she is not on is not one of them."""
    member("Ho Kandidaat", sector=Sector.HO, expertise=["rekenen"])

    suggestions = match_members(viewer=me.user, activities=[TEACHING], expertise=["rekenen"])

    assert [s.profile.user.name for s in suggestions] == ["Ho Kandidaat"]


def test_matching_never_suggests_staff_accounts(me):
    """Coordinators and administrators run 't LEF; they are not colleagues to meet."""
    coordinator = member("Coordinator", sector=Sector.OTHER, expertise=["rekenen"])
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    administrator = member("Beheerder", sector=Sector.OTHER, expertise=["rekenen"])
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    # Made in the admin: staff with an empty profile, never onboarded.
    UserFactory(name="Nieuwe Coordinator", is_staff=True)
    member("Collega", sector=Sector.HO, expertise=["rekenen"])

    assert suggested(me) == ["Collega"]
    suggestions = match_members(viewer=me.user, activities=[TEACHING], expertise=["rekenen"])
    assert [s.profile.user.name for s in suggestions] == ["Collega"]
