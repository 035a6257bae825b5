"""Organisation pages and the approve/merge services."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lef.choices import Sector
from lef.images import store_after_commit
from members.models import LOGOS, Organisation, Profile
from members.organisations import (
    OrganisationError,
    approve_organisation,
    initials,
    merge_organisations,
)
from members.search import build_query
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.helpers import errors_of, run_at_once
from tests.members.factories_avatars import png_upload, stored_files
from tests.members.factories_coordination import CoordinatorFactory, ProposedOrganisationFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("organisations:list")


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English source strings, whatever catalogues exist."""
    settings.LANGUAGE_CODE = "en"


def names(response, key="organisations"):
    return [str(item) for item in response.context[key]]


# The list --------------------------------------------------------------------------


def test_list_shows_only_approved_organisations(client):
    approved = OrganisationFactory(name="Da Vinci College")
    ProposedOrganisationFactory(name="Voorgestelde School")
    merged = OrganisationFactory(name="Dubbel", status=Organisation.Status.MERGED)
    merged.merged_into = approved
    merged.save()

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert names(response) == ["Da Vinci College"]
    assert b"Voorgestelde School" not in response.content


def test_list_card_shows_kind_sectors_partner_and_initials(client):
    OrganisationFactory(
        name="Lab Leren",
        kind=Organisation.Kind.STARTUP,
        sectors=[Sector.VO, Sector.MBO],
        is_partner=True,
    )

    response = client.get(LIST_URL)

    html = response.content.decode()
    assert "Education start-up or initiative" in html
    assert "lef-org-kind-startup" in html
    assert "lef-sector-vo" in html
    assert "lef-sector-mbo" in html
    assert "Partner of 't LEF" in html
    assert '<span class="lef-org-initials" aria-hidden="true">LL</span>' in html


def test_list_member_count_counts_what_the_viewer_may_see(client):
    school = OrganisationFactory(name="De Linde")
    MemberFactory(profile__organisation=school)  # members only (the default)
    public = MemberFactory(profile__organisation=school)
    Profile.objects.filter(pk=public.pk).update(visibility=Profile.Visibility.PUBLIC)
    UserFactory()  # never onboarded: not counted
    not_onboarded = UserFactory()
    Profile.objects.filter(pk=not_onboarded.pk).update(organisation=school)
    inactive = MemberFactory(profile__organisation=school, is_active=False)
    assert inactive.profile.organisation == school

    anonymous = client.get(LIST_URL)
    client.force_login(MemberFactory())
    member = client.get(LIST_URL)

    assert [o.member_count for o in anonymous.context["organisations"]] == [1]
    counts = {o.name: o.member_count for o in member.context["organisations"]}
    assert counts["De Linde"] == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "startup"}, ["Start-up Twee"]),
        ({"sector": "mbo"}, ["Da Vinci College", "Start-up Twee"]),
        ({"partner": "on"}, ["Da Vinci College"]),
        ({"sector": "mbo", "partner": "on"}, ["Da Vinci College"]),
        ({"kind": "school", "sector": "ho"}, []),
        ({"kind": "no-such-kind"}, ["Basisschool Eén", "Da Vinci College", "Start-up Twee"]),
        ({"page": "x"}, ["Basisschool Eén", "Da Vinci College", "Start-up Twee"]),
    ],
)
def test_list_filters_combine(client, query, expected):
    OrganisationFactory(name="Basisschool Eén", sectors=[Sector.PO])
    OrganisationFactory(
        name="Da Vinci College", kind=Organisation.Kind.SCHOOL, sectors=["mbo"], is_partner=True
    )
    OrganisationFactory(name="Start-up Twee", kind=Organisation.Kind.STARTUP, sectors=["mbo"])

    response = client.get(LIST_URL, query)

    assert response.status_code == 200
    assert names(response) == expected


def test_list_empty_state_without_organisations(client):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert b"No organisations are listed yet." in response.content


def test_list_empty_state_with_filters_offers_to_clear_them(client):
    OrganisationFactory(sectors=[Sector.PO])

    response = client.get(LIST_URL, {"sector": "ho"})

    assert b"No organisation matches these filters." in response.content
    assert b"Show all organisations" in response.content


def test_list_paginates_and_keeps_filters_in_page_links(client):
    for n in range(30):
        OrganisationFactory(name=f"School {n:02d}", sectors=[Sector.VO])

    first = client.get(LIST_URL, {"sector": "vo"})
    second = client.get(LIST_URL, {"sector": "vo", "page": 2})

    assert len(first.context["organisations"]) == 24
    assert names(second) == [f"School {n:02d}" for n in range(24, 30)]
    assert b'href="?sector=vo&amp;page=2"' in first.content


def test_list_rejects_post(client):
    assert client.post(LIST_URL).status_code == 405


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("rows", [1, 6])
def test_list_uses_a_fixed_number_of_queries_anonymous(client, django_assert_num_queries, rows):
    for _n in range(rows):
        school = OrganisationFactory()
        MemberFactory.create_batch(2, profile__organisation=school)

    # One count for the paginator, one page of organisations with their counts.
    with django_assert_num_queries(2):
        response = client.get(LIST_URL)

    assert len(response.context["organisations"]) == rows


def test_list_query_count_does_not_grow_with_rows_for_members(client):
    client.force_login(MemberFactory())
    one = _queries_for(client, LIST_URL)
    for _n in range(5):
        school = OrganisationFactory()
        MemberFactory.create_batch(2, profile__organisation=school)

    assert _queries_for(client, LIST_URL) == one


# The detail page ----------------------------------------------------------------------


def test_detail_shows_organisation_and_its_visible_members(client):
    school = OrganisationFactory(
        name="Leidse Aanpak",
        description="Samen sterker onderwijs.",
        website="https://leidseaanpak.example/",
        sectors=[Sector.PO, Sector.VO],
    )
    public = MemberFactory(name="Publieke Piet", profile__organisation=school)
    Profile.objects.filter(pk=public.pk).update(visibility=Profile.Visibility.PUBLIC)
    MemberFactory(name="Besloten Bea", profile__organisation=school)
    MemberFactory(name="Elders Els")

    anonymous = client.get(school.get_absolute_url())
    client.force_login(MemberFactory())
    member = client.get(school.get_absolute_url())

    assert anonymous.status_code == 200
    html = anonymous.content.decode()
    assert "Samen sterker onderwijs." in html
    assert 'href="https://leidseaanpak.example/" rel="nofollow noopener"' in html
    assert [card.name for card in anonymous.context["members"]] == ["Publieke Piet"]
    assert f'href="{public.get_absolute_url()}"' in html
    assert [card.name for card in member.context["members"]] == ["Besloten Bea", "Publieke Piet"]


def test_detail_empty_state_for_anonymous_invites_login(client):
    school = OrganisationFactory()
    MemberFactory(profile__organisation=school)  # members only

    response = client.get(school.get_absolute_url())

    assert list(response.context["members"]) == []
    assert b"Log in to see the members" in response.content


def test_detail_of_a_startup_lists_several_members(client):
    startup = OrganisationFactory(name="Leerlab", kind=Organisation.Kind.STARTUP)
    MemberFactory.create_batch(3, profile__organisation=startup)
    client.force_login(MemberFactory())

    response = client.get(startup.get_absolute_url())

    assert response.context["page_obj"].paginator.count == 3
    assert b"Education start-up or initiative" in response.content


def test_detail_unknown_slug_is_404(client):
    assert client.get(reverse("organisations:detail", args=["bestaat-niet"])).status_code == 404


@pytest.mark.parametrize("rows", [1, 6])
def test_detail_uses_a_fixed_number_of_queries_anonymous(client, django_assert_num_queries, rows):
    school = OrganisationFactory()
    for _n in range(rows):
        member = MemberFactory(profile__organisation=school)
        Profile.objects.filter(pk=member.pk).update(visibility=Profile.Visibility.PUBLIC)

    # The organisation, the paginator's count, one page of profiles with their users.
    with django_assert_num_queries(3):
        response = client.get(school.get_absolute_url())

    assert len(response.context["members"]) == rows


def test_detail_query_count_does_not_grow_with_rows_for_members(client):
    school = OrganisationFactory()
    MemberFactory(profile__organisation=school)
    client.force_login(MemberFactory())
    one = _queries_for(client, school.get_absolute_url())
    MemberFactory.create_batch(5, profile__organisation=school)

    assert _queries_for(client, school.get_absolute_url()) == one


def test_detail_of_a_proposal_only_for_proposer_and_coordinators(client):
    proposer = MemberFactory()
    proposal = ProposedOrganisationFactory(proposed_by=proposer)

    anonymous = client.get(proposal.get_absolute_url())
    client.force_login(MemberFactory())
    other = client.get(proposal.get_absolute_url())
    client.force_login(proposer)
    own = client.get(proposal.get_absolute_url())
    client.force_login(CoordinatorFactory())
    coordinator = client.get(proposal.get_absolute_url())

    assert (anonymous.status_code, other.status_code) == (404, 404)
    assert (own.status_code, coordinator.status_code) == (200, 200)
    assert b"waiting for a coordinator" in own.content


def test_detail_of_a_proposal_asks_is_coordinator_not_a_permission_of_its_own(client):
    proposal = ProposedOrganisationFactory(proposed_by=MemberFactory())
    # Staff who may look at organisations in the admin, but are no coordinators.
    staff = MemberFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_organisation"))

    client.force_login(staff)
    viewer = client.get(proposal.get_absolute_url())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    superuser = client.get(proposal.get_absolute_url())

    assert (viewer.status_code, superuser.status_code) == (404, 200)


def test_detail_of_a_merged_organisation_redirects_permanently(client):
    into = OrganisationFactory()
    duplicate = OrganisationFactory()
    merge_organisations(duplicate=duplicate, into=into, by=CoordinatorFactory())

    response = client.get(reverse("organisations:detail", args=[duplicate.slug]))

    assert response.status_code == 301
    assert response["Location"] == into.get_absolute_url()


def test_detail_of_a_merged_organisation_without_target_is_404(client):
    orphan = OrganisationFactory(status=Organisation.Status.MERGED)

    assert client.get(orphan.get_absolute_url()).status_code == 404


# Services ---------------------------------------------------------------------------


def test_approve_organisation_makes_it_public(client):
    proposal = ProposedOrganisationFactory(name="Nieuw Lyceum", kind=Organisation.Kind.BOARD)

    approve_organisation(organisation=proposal, by=CoordinatorFactory())

    proposal.refresh_from_db()
    assert proposal.status == Organisation.Status.APPROVED
    assert names(client.get(LIST_URL, {"kind": "board"})) == ["Nieuw Lyceum"]


def test_approve_organisation_twice_changes_nothing():
    organisation = OrganisationFactory()

    approve_organisation(organisation=organisation, by=CoordinatorFactory())

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED


def test_approve_organisation_refuses_a_merged_one():
    merged = OrganisationFactory(name="Oud", status=Organisation.Status.MERGED)

    with pytest.raises(OrganisationError, match="Oud was merged"):
        approve_organisation(organisation=merged, by=CoordinatorFactory())

    merged.refresh_from_db()
    assert merged.status == Organisation.Status.MERGED


def test_merge_moves_members_merges_sectors_and_keeps_the_duplicate():
    into = OrganisationFactory(name="SCOL", sectors=[Sector.PO], website="")
    duplicate = ProposedOrganisationFactory(
        name="Scol Leiden",
        sectors=[Sector.VO, Sector.PO],
        website="https://scol.example/",
        is_partner=True,
    )
    moved = MemberFactory.create_batch(2, profile__organisation=duplicate)
    stays = MemberFactory(profile__organisation=into)

    result = merge_organisations(duplicate=duplicate, into=into, by=CoordinatorFactory())

    duplicate.refresh_from_db()
    into.refresh_from_db()
    assert result == into
    assert duplicate.status == Organisation.Status.MERGED
    assert duplicate.merged_into == into
    assert into.sectors == [Sector.PO, Sector.VO]
    assert into.website == "https://scol.example/"
    assert into.is_partner is True
    assert sorted(
        Profile.objects.filter(organisation=into).values_list("pk", flat=True)
    ) == sorted([m.pk for m in moved] + [stays.pk])
    assert Profile.objects.filter(organisation=duplicate).count() == 0


def give_logo(organisation, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        store_after_commit(
            instance=organisation, field="logo", image=LOGOS.clean(png_upload(size=(300, 100)))
        )
    return organisation.logo


def test_merge_moves_the_duplicates_logo_to_an_organisation_without_one(
    django_capture_on_commit_callbacks,
):
    into = OrganisationFactory(name="SCOL")
    duplicate = ProposedOrganisationFactory(name="Scol Leiden")
    logo = give_logo(duplicate, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        merge_organisations(duplicate=duplicate, into=into, by=CoordinatorFactory())

    into.refresh_from_db()
    duplicate.refresh_from_db()
    assert (into.logo, duplicate.logo) == (logo, "")
    assert stored_files("organisations") == [f"{logo}-240.webp"]


def test_merge_deletes_the_duplicates_logo_after_the_commit_when_both_have_one(
    django_capture_on_commit_callbacks,
):
    into = OrganisationFactory(name="SCOL")
    duplicate = ProposedOrganisationFactory(name="Scol Leiden")
    kept = give_logo(into, django_capture_on_commit_callbacks)
    dropped = give_logo(duplicate, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        merge_organisations(duplicate=duplicate, into=into, by=CoordinatorFactory())
        assert f"{dropped}-240.webp" in stored_files("organisations")
    for callback in callbacks:
        callback()

    into.refresh_from_db()
    duplicate.refresh_from_db()
    assert (into.logo, duplicate.logo) == (kept, "")
    assert stored_files("organisations") == [f"{kept}-240.webp"]


def test_merge_refreshes_search_vectors_of_moved_members():
    into = OrganisationFactory(name="Hogeschool Leiden")
    duplicate = OrganisationFactory(name="HSL")
    member = MemberFactory(profile__organisation=duplicate)

    merge_organisations(duplicate=duplicate, into=into, by=CoordinatorFactory())

    found = Profile.objects.filter(search_vector=build_query("hogeschool"))
    assert list(found.values_list("pk", flat=True)) == [member.pk]


def test_merge_repoints_earlier_merges_so_old_links_stay_one_hop(client):
    first = OrganisationFactory()
    second = OrganisationFactory()
    final = OrganisationFactory()
    coordinator = CoordinatorFactory()
    merge_organisations(duplicate=first, into=second, by=coordinator)

    merge_organisations(duplicate=second, into=final, by=coordinator)

    first.refresh_from_db()
    assert first.merged_into == final
    response = client.get(reverse("organisations:detail", args=[first.slug]))
    assert (response.status_code, response["Location"]) == (301, final.get_absolute_url())


def test_merge_into_itself_is_refused():
    organisation = OrganisationFactory()

    with pytest.raises(OrganisationError, match="cannot be merged into itself"):
        merge_organisations(duplicate=organisation, into=organisation, by=CoordinatorFactory())


@pytest.mark.parametrize("which", ["duplicate", "into"])
def test_merge_with_an_already_merged_organisation_is_refused(which):
    elsewhere = OrganisationFactory()
    merged = OrganisationFactory(name="Al Samen", status=Organisation.Status.MERGED)
    merged.merged_into = elsewhere
    merged.save()
    other = OrganisationFactory()
    member = MemberFactory(profile__organisation=other)
    pair = {"duplicate": other, "into": merged}
    if which == "duplicate":
        pair = {"duplicate": merged, "into": other}

    with pytest.raises(OrganisationError, match="Al Samen has already been merged"):
        merge_organisations(**pair, by=CoordinatorFactory())

    member.profile.refresh_from_db()
    assert member.profile.organisation == other


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_merge_both_ways_at_once_merges_once_without_deadlock(attempt):
    """A into B and B into A at the same moment: one wins, the other is refused.

    Both rows are locked in primary-key order, so the two transactions queue
    instead of each holding one row and waiting for the other (a deadlock that
    PostgreSQL would break by aborting one with a DatabaseError).
    """
    first = OrganisationFactory(name=f"Eerste {attempt}")
    second = OrganisationFactory(name=f"Tweede {attempt}")
    members = [MemberFactory(profile__organisation=org) for org in (first, second)]
    # Not CoordinatorFactory: the flush after a transactional test removes the
    # migration's group; the service does not check rights anyway (the admin does).
    coordinator = MemberFactory(is_staff=True)

    outcomes = run_at_once(
        [
            lambda: merge_organisations(duplicate=first, into=second, by=coordinator),
            lambda: merge_organisations(duplicate=second, into=first, by=coordinator),
        ]
    )

    merged = [outcome for outcome in outcomes if isinstance(outcome, Organisation)]
    assert [type(error) for error in errors_of(outcomes)] == [OrganisationError]
    assert len(merged) == 1
    statuses = sorted(
        Organisation.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == ["approved", "merged"]
    kept = Organisation.objects.get(pk__in=[first.pk, second.pk], status="approved")
    assert merged[0].pk == kept.pk
    assert Profile.objects.filter(pk__in=[m.pk for m in members], organisation=kept).count() == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Da Vinci College", "DV"), ("ICLON", "I"), ("'t Lab", "L"), ("", "?")],
)
def test_initials(name, expected):
    assert initials(name) == expected
