"""The coordinators' back office: lists, filters, approve/merge, CSV export, permissions."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from PIL import Image

from lef.admin import csv_safe
from lef.choices import CoreActivity, Role, Sector
from lef.images import save_form_images
from members.admin import OrganisationAdminForm
from members.models import Organisation, Profile, User
from members.organisations import save_organisation
from members.search import build_query
from tests.factories import PASSWORD, MemberFactory, OrganisationFactory, UserFactory
from tests.members.factories_avatars import decode, give_avatar, stored_files
from tests.members.factories_coordination import CoordinatorFactory, ProposedOrganisationFactory
from tests.second_factor import with_second_factor

pytestmark = pytest.mark.django_db

USERS = reverse("admin:members_user_changelist")
ORGANISATIONS = reverse("admin:members_organisation_changelist")


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English source strings, whatever catalogues exist."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def coordinator():
    return CoordinatorFactory(name="Carla Coördinator")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(
        with_second_factor(
            User.objects.create_superuser(email="root@lef.example", password=PASSWORD, name="Root")
        )
    )
    return client


def changelist_names(response):
    return sorted(str(obj) for obj in response.context["cl"].result_list)


def run_action(client, url, action, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(url, data)


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


# Access ----------------------------------------------------------------------------


# (Who may open which admin page is in test_permissions.py.)


def test_coordinator_cannot_delete_users(coordinator_client):
    member = MemberFactory()

    page = coordinator_client.get(reverse("admin:members_user_delete", args=[member.pk]))
    changelist = coordinator_client.get(USERS)

    assert page.status_code == 403
    assert "delete_selected" not in dict(
        changelist.context["action_form"].fields["action"].choices
    )
    assert User.objects.filter(pk=member.pk).exists()


def test_coordinator_cannot_delete_organisations(coordinator_client):
    organisation = OrganisationFactory()

    org_delete = reverse("admin:members_organisation_delete", args=[organisation.pk])

    assert coordinator_client.get(org_delete).status_code == 403


def test_coordinator_can_deactivate_a_member_but_not_raise_rights(coordinator_client):
    member = MemberFactory(name="Gewoon Lid")
    data = change_form_data(coordinator_client, member, is_staff="on", is_superuser="on")
    data.pop("is_active")

    response = coordinator_client.post(
        reverse("admin:members_user_change", args=[member.pk]), data
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.is_active, member.is_staff, member.is_superuser) == (False, False, False)


def test_coordinator_cannot_change_staff_accounts(coordinator_client):
    other = CoordinatorFactory()
    url = reverse("admin:members_user_change", args=[other.pk])

    view = coordinator_client.get(url)
    post = coordinator_client.post(url, {"username": other.username, "name": "Overgenomen"})

    assert view.status_code == 200  # view only
    assert view.context["has_change_permission"] is False
    assert post.status_code == 403
    other.refresh_from_db()
    assert other.name != "Overgenomen"


def test_coordinator_cannot_set_passwords(coordinator_client):
    member = MemberFactory()

    response = coordinator_client.get(reverse("admin:auth_user_password_change", args=[member.pk]))

    assert response.status_code == 403


def test_superuser_can_set_passwords(superuser_client):
    member = MemberFactory()

    response = superuser_client.get(reverse("admin:auth_user_password_change", args=[member.pk]))

    assert response.status_code == 200


def test_superuser_adding_a_user_gets_a_profile(superuser_client):
    response = superuser_client.post(
        reverse("admin:members_user_add"),
        {
            "name": "Nieuwe Collega",
            "email": "nieuw@lef.example",
            "username": "nieuwe-collega",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="nieuwe-collega")
    assert Profile.objects.filter(pk=user.pk).exists()


# Users and profiles: search and filters ------------------------------------------


def test_user_changelist_searches_name_email_and_username(coordinator_client):
    MemberFactory(name="Fatima El Amrani", email="fatima@davinci.example", username="fatima")
    MemberFactory(name="Piet Jansen")

    by_name = coordinator_client.get(USERS, {"q": "Amrani"})
    by_email = coordinator_client.get(USERS, {"q": "davinci.example"})
    by_username = coordinator_client.get(USERS, {"q": "fatima"})

    assert changelist_names(by_name) == ["Fatima El Amrani"]
    assert changelist_names(by_email) == ["Fatima El Amrani"]
    assert changelist_names(by_username) == ["Fatima El Amrani"]


def test_user_changelist_filters_by_profile_sector_and_role(coordinator_client):
    MemberFactory(name="Mbo Docent", profile__primary_sector=Sector.MBO)
    MemberFactory(
        name="Onderzoeker", profile__primary_sector=Sector.HO, profile__roles=[Role.RESEARCHER]
    )

    by_sector = coordinator_client.get(USERS, {"sector": "mbo"})
    by_role = coordinator_client.get(USERS, {"role": "researcher"})

    assert changelist_names(by_sector) == ["Mbo Docent"]
    assert changelist_names(by_role) == ["Onderzoeker"]


def test_member_list_filters_by_profile_fields(coordinator_client, coordinator):
    MemberFactory(
        name="Ho Onderzoeker",
        profile__primary_sector=Sector.HO,
        profile__roles=[Role.RESEARCHER],
        profile__core_activities=[CoreActivity.RESEARCH],
    )
    UserFactory(name="Nog Niet Klaar")

    sector = coordinator_client.get(USERS, {"sector": "ho"})
    role = coordinator_client.get(USERS, {"role": "researcher"})
    activity = coordinator_client.get(USERS, {"activity": "research"})
    not_onboarded = coordinator_client.get(USERS, {"onboarded": "no"})
    members_only = coordinator_client.get(USERS, {"profile__visibility__exact": "members"})

    assert changelist_names(sector) == ["Ho Onderzoeker"]
    assert changelist_names(role) == ["Ho Onderzoeker"]
    assert changelist_names(activity) == ["Ho Onderzoeker"]
    assert changelist_names(not_onboarded) == ["Nog Niet Klaar"]
    assert changelist_names(members_only) == sorted(
        ["Ho Onderzoeker", "Nog Niet Klaar", str(coordinator)]
    )


def test_member_list_shows_labels_not_codes(coordinator_client):
    MemberFactory(
        name="Label Lid", profile__primary_sector=Sector.MBO, profile__roles=[Role.TEACHER]
    )

    html = coordinator_client.get(USERS, {"q": "Label"}).content.decode()

    assert "Vocational education (mbo)" in html
    assert '<td class="field-role_list">Teacher</td>' in html


def test_member_list_searches_organisation_name(coordinator_client):
    school = OrganisationFactory(name="Stedelijk Gymnasium")
    MemberFactory(name="Gym Docent", profile__organisation=school)
    MemberFactory(name="Ander Lid")

    response = coordinator_client.get(USERS, {"q": "gymnasium"})

    assert changelist_names(response) == ["Gym Docent"]


def test_member_list_uses_a_fixed_number_of_queries(coordinator_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(USERS).status_code == 200
        return len(queries)

    one = count()
    MemberFactory.create_batch(5)

    assert count() == one


def test_there_is_one_admin_page_per_person_not_two():
    with pytest.raises(NoReverseMatch):
        reverse("admin:members_profile_changelist")


def change_form_data(client, user, **changes) -> dict:
    """What the member's admin page posts back unchanged, with ``changes`` applied.

    Keys of the profile inline are given without their prefix (``job_title=...``).
    """
    response = client.get(reverse("admin:members_user_change", args=[user.pk]))
    assert response.status_code == 200
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if name in form.fields and not field.disabled:
            value = form[name].value()
            if value is not None:
                data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": "1",
                f"{formset.prefix}-INITIAL_FORMS": "1",
                f"{formset.prefix}-MIN_NUM_FORMS": "1",
                f"{formset.prefix}-MAX_NUM_FORMS": "1",
            }
        )
        profile_form = formset.forms[0]
        for name in profile_form.fields:
            value = profile_form[name].value()
            if value is None or value is False:
                continue
            data[profile_form.add_prefix(name)] = value
        for name, value in changes.items():
            if name in profile_form.fields:
                key = profile_form.add_prefix(name)
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
    data.update({name: value for name, value in changes.items() if name in form.fields})
    return {name: value for name, value in data.items() if value is not None}


def save_member(client, user, **changes):
    return client.post(
        reverse("admin:members_user_change", args=[user.pk]),
        change_form_data(client, user, **changes),
    )


def test_saving_a_profile_in_admin_refreshes_its_search_vector(coordinator_client):
    member = MemberFactory(profile__primary_sector=Sector.PO)

    response = save_member(
        coordinator_client, member, job_title="Rekencoördinator", expertise="Rekenen, #taal"
    )

    assert response.status_code == 302, response.context["errors"]
    member.profile.refresh_from_db()
    assert member.profile.expertise == ["rekenen", "taal"]  # normalised like on the site
    found = Profile.objects.filter(search_vector=build_query("rekencoordinator rekenen"))
    assert list(found.values_list("pk", flat=True)) == [member.pk]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "me"}, "username"),
        ({"username": "edit"}, "username"),
        ({"name": "Jan\u202eeD"}, "name"),
        ({"job_title": "Docent\x1b[31m"}, "job_title"),
        ({"expertise": ", ".join(f"tag{n}" for n in range(16))}, "expertise"),
        ({"primary_sector": None}, "primary_sector"),
    ],
)
def test_admin_applies_the_same_rules_as_the_site(coordinator_client, changes, field):
    member = MemberFactory(username="blijft", profile__job_title="Docent")

    response = save_member(coordinator_client, member, **changes)

    assert response.status_code == 200  # the form again, with the error
    errors = (
        response.context["adminform"].form.errors
        | response.context["inline_admin_formsets"][0].formset.forms[0].errors
    )
    assert field in errors
    member.refresh_from_db()
    assert (member.username, member.profile.job_title) == ("blijft", "Docent")


def test_admin_cannot_give_a_member_someone_elses_proposal(coordinator_client):
    member = MemberFactory()
    proposal = ProposedOrganisationFactory(proposed_by=MemberFactory())

    response = save_member(coordinator_client, member, organisation=proposal.pk)

    assert response.status_code == 200
    inline_errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert list(inline_errors) == ["organisation"]


def test_admin_posting_a_bad_organisation_id_is_a_form_error(coordinator_client):
    member = MemberFactory()

    response = save_member(coordinator_client, member, organisation="abc")

    assert response.status_code == 200
    inline_errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert list(inline_errors) == ["organisation"]


@pytest.mark.parametrize("value", ["abc", "9" * 40])
def test_admin_posting_a_bad_group_id_is_a_form_error(client, value):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # groups are theirs
    member = MemberFactory(username="blijft")

    response = save_member(client, member, username="anders", groups=[value])

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["groups"]
    member.refresh_from_db()
    assert (member.username, list(member.groups.all())) == ("blijft", [])


def test_coordinator_cannot_change_a_members_privacy_choices(coordinator_client):
    member = MemberFactory()
    Profile.objects.filter(pk=member.pk).update(
        visibility=Profile.Visibility.MEMBERS, notification_settings={"projects": "off"}
    )
    data = change_form_data(coordinator_client, member)
    data.update(
        {
            "profile-0-visibility": "public",
            "profile-0-notification_settings": '{"projects": "immediate"}',
            "language": "en",
        }
    )

    response = coordinator_client.post(
        reverse("admin:members_user_change", args=[member.pk]), data
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.profile.visibility == Profile.Visibility.MEMBERS
    assert member.profile.notification_settings == {"projects": "off"}
    assert member.language == "nl"


def test_remove_avatar_action_deletes_the_files(
    coordinator_client, settings, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    give_avatar(member.profile)
    media = settings.MEDIA_ROOT
    assert len([p for p in media.rglob("*") if p.is_file()]) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(coordinator_client, USERS, "remove_avatars", [member])

    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.avatar == ""
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_remove_the_photo_on_the_members_page_deletes_the_files(
    coordinator_client, settings, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    give_avatar(member.profile)
    assert len([p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = save_member(coordinator_client, member, remove_avatar="on")

    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.avatar == ""
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []


# Organisations ---------------------------------------------------------------------


def test_organisation_changelist_shows_member_counts_and_filters(coordinator_client):
    school = OrganisationFactory(name="Da Vinci College", sectors=[Sector.MBO], is_partner=True)
    MemberFactory.create_batch(2, profile__organisation=school)
    ProposedOrganisationFactory(name="Nieuw Initiatief", kind=Organisation.Kind.STARTUP)

    response = coordinator_client.get(ORGANISATIONS, {"sector": "mbo"})
    proposed = coordinator_client.get(ORGANISATIONS, {"status__exact": "proposed"})
    partners = coordinator_client.get(ORGANISATIONS, {"is_partner__exact": "1"})
    startups = coordinator_client.get(ORGANISATIONS, {"kind__exact": "startup"})

    assert [(o.name, o.member_count) for o in response.context["cl"].result_list] == [
        ("Da Vinci College", 2)
    ]
    members_link = f'href="{USERS}?profile__organisation__id__exact={school.pk}"'
    assert members_link in response.content.decode()
    assert changelist_names(proposed) == ["Nieuw Initiatief"]
    assert changelist_names(partners) == ["Da Vinci College"]
    assert changelist_names(startups) == ["Nieuw Initiatief"]


def test_organisation_members_link_filters_members(coordinator_client):
    school = OrganisationFactory()
    MemberFactory(name="Op School", profile__organisation=school)
    MemberFactory(name="Elders")

    response = coordinator_client.get(USERS, {"profile__organisation__id__exact": school.pk})

    assert changelist_names(response) == ["Op School"]


def test_approve_action_approves_proposals_and_skips_merged(coordinator_client, coordinator):
    proposal = ProposedOrganisationFactory(name="Nieuw")
    merged = OrganisationFactory(status=Organisation.Status.MERGED)

    response = run_action(
        coordinator_client, ORGANISATIONS, "approve_selected", [proposal, merged]
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    merged.refresh_from_db()
    assert (proposal.status, merged.status) == ("approved", "merged")
    page = coordinator_client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "Approved 1 organisation.",
        "Skipped 1 merged organisation.",
    ]
    entry = LogEntry.objects.get(object_id=str(proposal.pk))
    assert (entry.user, entry.get_change_message()) == (coordinator, "Approved.")


def test_merge_action_asks_which_to_keep_then_merges(coordinator_client, client):
    keep = OrganisationFactory(name="Hogeschool Leiden", sectors=[Sector.HO])
    dup_one = ProposedOrganisationFactory(name="HS Leiden", sectors=[Sector.MBO])
    dup_two = ProposedOrganisationFactory(name="Hogeschool Leiden (HL)")
    moved = MemberFactory(profile__organisation=dup_one)
    selected = [keep, dup_one, dup_two]

    confirm = run_action(coordinator_client, ORGANISATIONS, "merge_selected", selected)

    assert confirm.status_code == 200
    assert confirm.templates[0].name == "admin/members/organisation/merge_confirmation.html"
    assert [o.name for o in confirm.context["organisations"]] == [
        "HS Leiden",
        "Hogeschool Leiden",
        "Hogeschool Leiden (HL)",
    ]
    assert Organisation.objects.filter(status="merged").count() == 0

    done = run_action(
        coordinator_client, ORGANISATIONS, "merge_selected", selected, post="yes", keep=keep.pk
    )

    assert done.status_code == 302
    for dup in (dup_one, dup_two):
        dup.refresh_from_db()
        assert (dup.status, dup.merged_into) == ("merged", keep)
    keep.refresh_from_db()
    assert keep.sectors == [Sector.HO, Sector.MBO, Sector.PO]
    moved.profile.refresh_from_db()
    assert moved.profile.organisation == keep
    old = client.get(reverse("organisations:detail", args=[dup_one.slug]))
    assert (old.status_code, old["Location"]) == (301, keep.get_absolute_url())


def test_merge_action_without_a_choice_shows_the_page_again(coordinator_client):
    first, second = OrganisationFactory(), OrganisationFactory()

    response = run_action(
        coordinator_client, ORGANISATIONS, "merge_selected", [first, second], post="yes"
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Organisation.objects.filter(status="merged").count() == 0


def test_merge_action_keep_must_be_one_of_the_selected(coordinator_client):
    first, second, outsider = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()

    response = run_action(
        coordinator_client,
        ORGANISATIONS,
        "merge_selected",
        [first, second],
        post="yes",
        keep=outsider.pk,
    )

    assert response.status_code == 200
    assert Organisation.objects.filter(status="merged").count() == 0


def test_merge_action_needs_two_organisations(coordinator_client):
    only = OrganisationFactory()

    response = run_action(coordinator_client, ORGANISATIONS, "merge_selected", [only])

    assert response.status_code == 302
    page = coordinator_client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "Select at least two organisations that have not been merged yet."
    ]


def test_organisation_actions_need_change_permission(client):
    viewer = MemberFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client.force_login(viewer)
    proposal = ProposedOrganisationFactory()
    other = OrganisationFactory()

    approve = run_action(client, ORGANISATIONS, "approve_selected", [proposal])
    merge = run_action(client, ORGANISATIONS, "merge_selected", [proposal, other])

    # Without the actions on offer the changelist is shown again, unchanged.
    assert (approve.status_code, merge.status_code) == (200, 200)
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert Organisation.objects.filter(status="merged").count() == 0
    assert client.get(ORGANISATIONS).context["action_form"] is None  # no actions on offer


def test_renaming_an_organisation_refreshes_its_members_search_vectors(coordinator_client):
    school = OrganisationFactory(name="Oude Naam", slug="oude-naam")
    member = MemberFactory(profile__organisation=school)

    response = coordinator_client.post(
        reverse("admin:members_organisation_change", args=[school.pk]),
        {"name": "Vernieuwd Lyceum", "slug": "oude-naam", "kind": "school", "sectors": "vo"},
    )

    assert response.status_code == 302
    found = Profile.objects.filter(search_vector=build_query("vernieuwd"))
    assert list(found.values_list("pk", flat=True)) == [member.pk]


def test_organisation_added_in_admin_is_approved(coordinator_client, coordinator):
    response = coordinator_client.post(
        reverse("admin:members_organisation_add"),
        {"name": "Gemeente Leiden", "slug": "gemeente-leiden", "kind": "municipality"},
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="gemeente-leiden")
    assert organisation.status == Organisation.Status.APPROVED


# CSV export ------------------------------------------------------------------------


@pytest.fixture
def exported_member():
    school = OrganisationFactory(name="SCOL")
    member = MemberFactory(
        name="Sanne de Vries",
        email="sanne@scol.example",
        profile__organisation=school,
        profile__primary_sector=Sector.PO,
        profile__roles=[Role.TEACHER, Role.RESEARCHER],
        profile__core_activities=[CoreActivity.TEACHING, CoreActivity.RESEARCH],
        profile__bio="Geheim verhaal",
        profile__job_title="Leerkracht",
    )
    Profile.objects.filter(pk=member.pk).update(other_sectors=[Sector.VO])
    return member


def test_csv_export_for_a_coordinator_has_no_private_fields(coordinator_client, exported_member):
    response = run_action(coordinator_client, USERS, "export_members_csv", [exported_member])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lef-members-')
    rows = read_csv(response)
    assert rows == [
        ["Name", "Primary sector", "Other sectors", "Organisation", "Roles", "Core activities"],
        [
            "Sanne de Vries",
            "Primary education (po)",
            "Secondary education (vo)",
            "SCOL",
            "Teacher; Researcher",
            "Teaching; Practice-based research",
        ],
    ]


def test_csv_export_for_a_superuser_adds_private_fields(superuser_client, exported_member):
    response = run_action(superuser_client, USERS, "export_members_csv", [exported_member])

    header, row = read_csv(response)
    record = dict(zip(header, row, strict=True))
    assert header[:6] == [
        "Name",
        "Primary sector",
        "Other sectors",
        "Organisation",
        "Roles",
        "Core activities",
    ]
    assert record["Email address"] == "sanne@scol.example"
    assert record["Job title"] == "Leerkracht"
    assert record["About me"] == "Geheim verhaal"
    assert record["Username"] == exported_member.username


def test_csv_export_from_the_user_list(coordinator_client, exported_member):
    response = run_action(coordinator_client, USERS, "export_members_csv", [exported_member])

    assert [row[0] for row in read_csv(response)] == ["Name", "Sanne de Vries"]


def test_csv_export_escapes_formulas(coordinator_client):
    member = MemberFactory(
        name='=HYPERLINK("http://evil.example","klik")',
        profile__organisation=OrganisationFactory(name="+31 school"),
    )

    rows = read_csv(run_action(coordinator_client, USERS, "export_members_csv", [member]))

    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows[1][3] == "'+31 school"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 71", "'+31 71"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Sanne", "Sanne"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_csv_export_needs_view_permission(client, exported_member):
    staff = MemberFactory(is_staff=True)
    client.force_login(staff)

    response = run_action(client, USERS, "export_members_csv", [exported_member])

    assert response.status_code == 403


# -- organisation logos -------------------------------------------------------------


def _image_upload(name: str, image_format: str, size=(600, 300)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class LaterStepError(Exception):
    """Something after the logo in the same transaction went wrong."""


LOGO_SCHOOL = {"name": "Logo School", "slug": "logo-school", "kind": "school", "sectors": ["po"]}


def _logo_form(logo, instance=None) -> OrganisationAdminForm:
    data = {**LOGO_SCHOOL, "status": "approved"}
    return OrganisationAdminForm(data=data, files={"logo": logo}, instance=instance)


def _post_organisation(client, organisation=None, **changes):
    if organisation is None:
        url = reverse("admin:members_organisation_add")
    else:
        url = reverse("admin:members_organisation_change", args=[organisation.pk])
    response = client.post(url, {**LOGO_SCHOOL, **changes})
    assert response.status_code == 302, response.context["adminform"].form.errors


def _logo_school() -> Organisation:
    return Organisation.objects.get(slug=LOGO_SCHOOL["slug"])


def test_organisation_logo_upload_is_stored_after_the_commit_as_webp(
    coordinator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _post_organisation(coordinator_client, logo=_image_upload("logo.png", "PNG"))
        assert stored_files("organisations") == []  # not before the commit

    for callback in callbacks:
        callback()
    organisation = _logo_school()
    assert stored_files("organisations") == [f"{organisation.logo}-240.webp"]
    with default_storage.open(f"{organisation.logo}-240.webp") as stored:
        image = decode(stored.read())
    assert (image.format, image.size) == ("WEBP", (240, 120))
    html = coordinator_client.get(organisation.get_absolute_url()).content.decode()
    assert f'src="/media/{organisation.logo}-240.webp"' in html


def test_organisation_logo_replaced_in_the_admin_leaves_only_the_new_files(
    coordinator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post_organisation(coordinator_client, logo=_image_upload("a.png", "PNG"))
    organisation = _logo_school()
    first = organisation.logo

    with django_capture_on_commit_callbacks(execute=True):
        _post_organisation(coordinator_client, organisation, logo=_image_upload("b.jpg", "JPEG"))
    organisation = _logo_school()

    assert organisation.logo not in {"", first}
    assert stored_files("organisations") == [f"{organisation.logo}-240.webp"]


def test_organisation_logo_removed_in_the_admin_deletes_its_files(
    coordinator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post_organisation(coordinator_client, logo=_image_upload("a.png", "PNG"))
    organisation = _logo_school()

    with django_capture_on_commit_callbacks(execute=True):
        _post_organisation(coordinator_client, organisation, **{"logo-clear": "on"})
    organisation = _logo_school()

    assert organisation.logo == ""
    assert stored_files("organisations") == []


def test_organisation_saved_in_the_admin_keeps_the_logo(
    coordinator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post_organisation(coordinator_client, logo=_image_upload("a.png", "PNG"))
    organisation = _logo_school()
    stem = organisation.logo

    with django_capture_on_commit_callbacks(execute=True):
        _post_organisation(coordinator_client, organisation, description="Nieuw")
    organisation = _logo_school()

    assert (organisation.description, organisation.logo) == ("Nieuw", stem)
    assert stored_files("organisations") == [f"{stem}-240.webp"]


def test_organisation_logo_of_a_rolled_back_save_is_never_written(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(slug="logo-school")
    form = _logo_form(_image_upload("logo.png", "PNG"), instance=organisation)
    assert form.is_valid(), form.errors

    def save_then_fail():
        with transaction.atomic():
            save_form_images(organisation, form)
            save_organisation(organisation=organisation)
            raise LaterStepError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(LaterStepError),
    ):
        save_then_fail()

    assert callbacks == []
    assert stored_files("organisations") == []
    assert Organisation.objects.get(pk=organisation.pk).logo == ""


def test_organisation_logo_that_is_not_an_image_is_refused():
    fake = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>")

    form = _logo_form(fake)

    assert form.is_valid() is False
    assert list(form.errors) == ["logo"]


# The admin speaks the coordinators' language ----------------------------------------


def test_admin_index_says_when_organisations_wait_for_approval(coordinator_client):
    ProposedOrganisationFactory()
    ProposedOrganisationFactory()

    html = coordinator_client.get("/admin/").content.decode()

    assert "2 organisations are waiting for approval." in html
    assert f'href="{ORGANISATIONS}?status__exact=proposed"' in html


def test_admin_index_is_quiet_when_nothing_waits(coordinator_client):
    assert "waiting for approval" not in coordinator_client.get("/admin/").content.decode()


def test_coordinator_approves_from_the_organisations_own_page(coordinator_client):
    proposal = ProposedOrganisationFactory(name="Nieuwe Basisschool")
    change = reverse("admin:members_organisation_change", args=[proposal.pk])
    approve = reverse("admin:members_organisation_approve", args=[proposal.pk])

    page = coordinator_client.get(change).content.decode()
    refused = coordinator_client.get(approve)
    response = coordinator_client.post(approve)

    assert f'action="{approve}"' in page
    assert refused.status_code == 405
    assert (response.status_code, response["Location"]) == (302, change)
    proposal.refresh_from_db()
    assert proposal.status == Organisation.Status.APPROVED
    assert f'action="{approve}"' not in coordinator_client.get(change).content.decode()


def test_approving_from_the_page_needs_the_change_permission(client):
    proposal = ProposedOrganisationFactory()
    staff = MemberFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client.force_login(staff)

    response = client.post(reverse("admin:members_organisation_approve", args=[proposal.pk]))

    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Organisation.Status.PROPOSED


def test_dutch_admin_has_no_english_left(client):
    client.force_login(CoordinatorFactory())
    member = MemberFactory()
    dutch = {"accept-language": "nl"}

    pages = [
        client.get(USERS, headers=dutch).content.decode(),
        client.get(
            reverse("admin:members_user_change", args=[member.pk]), headers=dutch
        ).content.decode(),
        client.get(
            reverse("admin:members_contactmessage_changelist"), headers=dutch
        ).content.decode(),
    ]

    for html in pages:
        assert "Select an option" not in html
        assert "- Kies een optie -" in html or "contactbericht" in html.lower()
        for english in ("User:", ">Sender<", ">Recipient<", ">Profile<"):
            assert english not in html
