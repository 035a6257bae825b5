"""The profile page, the profile form and expertise suggestions (members/views/profile.py)."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from lef.images import file_names
from lef.templatetags.lef_tags import day_label
from members.avatars import AVATAR_UPLOADS
from members.models import ContactMessage, Organisation, Profile, User
from members.search import build_query
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

EDIT_URL = "/members/me/edit/"


def _png(size=(300, 200)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (0, 120, 80)).save(buffer, format="PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")


def _form_data(**overrides) -> dict:
    data = {
        "name": "Sanne de Vries",
        "username": "sanne",
        "job_title": "Leraar rekenen",
        "bio": "Ik werk aan **rekenonderwijs**.",
        "primary_sector": "vo",
        "other_sectors": ["po", "mbo"],
        "roles": ["teacher", "researcher"],
        "organisation": "",
        "new_organisation_name": "",
        "new_organisation_kind": "",
        "core_activities": ["teaching", "research"],
        "expertise": "Rekenen, Tekenonderwijs ,  rekenen, Praktijk   Onderzoek",
        "website": "https://sanne.example",
        "open_to_collaboration": "on",
        "looking_for": "Een po-school voor een lessenserie",
        "visibility": "public",
        "notify_projects": "immediate",
        "notify_events": "daily",
        "notify_bookings": "off",
        "notify_messages": "daily",
        "language": "nl",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# Editing -----------------------------------------------------------------------------------


def test_profile_edit_anonymous_goes_to_login(client):
    response = client.get(EDIT_URL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/members/me/edit/"


def test_profile_edit_shows_current_values(client):
    organisation = OrganisationFactory(name="Da Vinci College")
    member = MemberFactory(
        name="Jan Jansen",
        profile__organisation=organisation,
        profile__expertise=["rekenen", "taal"],
        profile__notification_settings={"events": "off"},
    )
    client.force_login(member)

    response = client.get(EDIT_URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form["name"].value() == "Jan Jansen"
    assert form["expertise"].value() == "rekenen, taal"
    assert form["organisation"].value() == organisation.pk
    assert form["notify_events"].value() == "off"
    assert form["notify_messages"].value() == "immediate"
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert "Da Vinci College" in content
    assert 'data-hx-get="/members/expertise/suggest/"' in content


def test_profile_edit_saves_every_field_and_refreshes_search(
    client, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Het Leidse Lyceum")
    member = MemberFactory(name="Oud", username="oud")
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            EDIT_URL, _form_data(organisation=organisation.pk, avatar=_png()), follow=False
        )

    assert response.status_code == 302
    assert response["Location"] == "/members/sanne/"
    member.refresh_from_db()
    profile = Profile.objects.get(user=member)
    assert (member.name, member.username) == ("Sanne de Vries", "sanne")
    assert profile.job_title == "Leraar rekenen"
    assert profile.bio == "Ik werk aan **rekenonderwijs**."
    assert profile.primary_sector == "vo"
    assert profile.other_sectors == ["po", "mbo"]
    assert profile.roles == ["teacher", "researcher"]
    assert profile.organisation == organisation
    assert profile.core_activities == ["teaching", "research"]
    assert profile.expertise == ["rekenen", "tekenonderwijs", "praktijk onderzoek"]
    assert profile.website == "https://sanne.example"
    assert profile.open_to_collaboration is True
    assert profile.looking_for == "Een po-school voor een lessenserie"
    assert profile.visibility == "public"
    assert profile.notification_settings == {
        "projects": "immediate",
        "events": "daily",
        "bookings": "off",
        "messages": "daily",
        "coordination": "immediate",  # not offered to a member who is no coordinator: kept
    }
    assert profile.avatar
    assert len(file_names(profile.avatar)) == 3
    found = Profile.objects.filter(search_vector=build_query("tekenonderwijs"))
    assert list(found.values_list("user_id", flat=True)) == [member.pk]
    assert Profile.objects.filter(search_vector=build_query("lyceum")).count() == 1


def test_profile_edit_success_shows_message_on_profile(client):
    member = MemberFactory()
    client.force_login(member)

    response = client.post(EDIT_URL, _form_data(), follow=True)

    assert response.redirect_chain == [("/members/sanne/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["Your profile has been saved."]


def test_profile_edit_bad_input_shows_errors_and_writes_nothing(client):
    member = MemberFactory(name="Jan", username="jan", profile__expertise=["taal"])
    client.force_login(member)
    before = Profile.objects.values().get(user=member)

    response = client.post(
        EDIT_URL,
        _form_data(
            primary_sector="",
            website="javascript:alert(1)",
            expertise=", ".join(f"tag {i}" for i in range(16)),
            visibility="everyone",
        ),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert sorted(errors) == ["expertise", "primary_sector", "visibility", "website"]
    assert errors["expertise"] == ["Choose at most 15 tags; you gave 16."]
    member.refresh_from_db()
    assert (member.name, member.username) == ("Jan", "jan")
    assert Profile.objects.values().get(user=member) == before


def test_profile_edit_too_long_tag_is_refused(client):
    client.force_login(MemberFactory())

    response = client.post(EDIT_URL, _form_data(expertise="rekenen, " + "x" * 51))

    assert response.status_code == 400
    assert response.context["form"].errors["expertise"] == [
        f"A tag can be at most 50 characters long: “{'x' * 51}” is longer."
    ]


def test_profile_edit_username_taken_is_refused(client):
    UserFactory(username="sanne")
    member = MemberFactory(username="jan")
    client.force_login(member)

    response = client.post(EDIT_URL, _form_data(username="Sanne"))

    assert response.status_code == 400
    assert response.context["form"].errors == {"username": ["This username is already taken."]}
    member.refresh_from_db()
    assert member.username == "jan"


@pytest.mark.parametrize("username", ["me", "expertise", "admin"])
def test_profile_edit_reserved_username_is_refused(client, username):
    client.force_login(MemberFactory(username="jan"))

    response = client.post(EDIT_URL, _form_data(username=username))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "username": ["This username is not available. Please choose another."]
    }


def test_profile_edit_username_must_be_a_slug(client):
    client.force_login(MemberFactory(username="jan"))

    response = client.post(EDIT_URL, _form_data(username="jan de vries"))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["username"]


def test_profile_edit_username_is_lower_cased(client):
    member = MemberFactory(username="jan")
    client.force_login(member)

    client.post(EDIT_URL, _form_data(username="Jan-DV"))

    member.refresh_from_db()
    assert member.username == "jan-dv"


def test_profile_edit_keeping_own_username_is_fine(client):
    member = MemberFactory(username="sanne")
    client.force_login(member)

    response = client.post(EDIT_URL, _form_data(username="sanne"))

    assert response.status_code == 302


def test_profile_edit_proposes_new_organisation(client):
    member = MemberFactory()
    client.force_login(member)

    response = client.post(
        EDIT_URL,
        _form_data(new_organisation_name="  EduLab   Leiden ", new_organisation_kind="startup"),
    )

    assert response.status_code == 302
    organisation = Profile.objects.get(user=member).organisation
    assert organisation.name == "EduLab Leiden"
    assert organisation.slug == "edulab-leiden"
    assert organisation.kind == "startup"
    assert organisation.status == Organisation.Status.PROPOSED
    assert organisation.proposed_by == member
    assert organisation.sectors == ["vo"]
    page = client.get("/members/sanne/").content.decode()
    assert "EduLab Leiden" in page
    assert "awaiting approval" in page
    form_page = client.get(EDIT_URL).content.decode()
    assert "EduLab Leiden (awaiting approval)" in form_page


def test_profile_edit_proposing_an_existing_name_picks_the_approved_one(client):
    existing = OrganisationFactory(name="SCOL")
    member = MemberFactory()
    client.force_login(member)

    client.post(EDIT_URL, _form_data(new_organisation_name="scol", new_organisation_kind="board"))

    assert Profile.objects.get(user=member).organisation == existing
    assert Organisation.objects.filter(name__iexact="scol").count() == 1


def test_profile_edit_new_organisation_needs_a_kind(client):
    client.force_login(MemberFactory())

    response = client.post(EDIT_URL, _form_data(new_organisation_name="EduLab"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "new_organisation_kind": ["Choose what kind of organisation it is."]
    }
    assert not Organisation.objects.filter(name="EduLab").exists()


def test_profile_edit_cannot_pick_someone_elses_proposal(client):
    proposal = OrganisationFactory(
        status=Organisation.Status.PROPOSED, proposed_by=MemberFactory()
    )
    client.force_login(MemberFactory())

    response = client.post(EDIT_URL, _form_data(organisation=proposal.pk))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["organisation"]


def test_profile_edit_other_sectors_drop_the_primary_one(client):
    member = MemberFactory()
    client.force_login(member)

    client.post(EDIT_URL, _form_data(primary_sector="po", other_sectors=["po", "ho"]))

    assert Profile.objects.get(user=member).other_sectors == ["ho"]


def test_profile_edit_bad_avatar_is_a_form_error(client):
    member = MemberFactory()
    client.force_login(member)
    fake = SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg")

    response = client.post(EDIT_URL, _form_data(avatar=fake))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["avatar"]
    assert Profile.objects.get(user=member).avatar == ""


def test_profile_edit_avatar_uploads_are_limited_per_member_per_hour(client):
    member = MemberFactory()
    client.force_login(member)
    for _ in range(AVATAR_UPLOADS.limit):
        AVATAR_UPLOADS.hit(member.pk)

    response = client.post(EDIT_URL, _form_data(avatar=_png()))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["avatar"]
    assert Profile.objects.get(user=member).avatar == ""


def test_profile_edit_remove_photo_deletes_it(client, django_capture_on_commit_callbacks):
    member = MemberFactory()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EDIT_URL, _form_data(avatar=_png()))
    stem = Profile.objects.get(user=member).avatar
    files = file_names(stem)
    assert len(files) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EDIT_URL, _form_data(remove_avatar="on"))

    assert response.status_code == 302
    assert Profile.objects.get(user=member).avatar == ""
    assert [name for name in files if default_storage.exists(name)] == []


def test_profile_edit_completes_onboarding_when_complete_enough(client):
    member = UserFactory(name="Nieuw")
    organisation = OrganisationFactory()
    client.force_login(member)

    client.post(EDIT_URL, _form_data(organisation=organisation.pk))

    assert Profile.objects.get(user=member).onboarded_at is not None


def test_profile_edit_without_organisation_leaves_onboarding_open(client):
    member = UserFactory(name="Nieuw")
    client.force_login(member)

    client.post(EDIT_URL, _form_data())

    assert Profile.objects.get(user=member).onboarded_at is None


# Expertise suggestions ----------------------------------------------------------------------


def test_expertise_suggestions_lists_matching_tags_most_used_first(client):
    MemberFactory(profile__expertise=["rekenen", "praktijkonderzoek"])
    MemberFactory(profile__expertise=["rekenen", "onderzoekend leren"])
    MemberFactory(profile__expertise=["taal"])
    UserFactory()  # not onboarded: its tags are not suggested
    Profile.objects.filter(onboarded_at__isnull=True).update(expertise=["onderzoek geheim"])
    client.force_login(MemberFactory())

    response = client.get(
        "/members/expertise/suggest/", {"expertise": "taal, onderzoek"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.context["suggestions"] == ["onderzoekend leren", "praktijkonderzoek"]
    content = response.content.decode()
    assert 'data-expertise-tag="praktijkonderzoek"' in content
    assert "<html" not in content


@pytest.mark.parametrize(
    "unlisted",
    [{"profile__primary_sector": ""}, {"is_active": False}],
    ids=["no-sector", "inactive"],
)
def test_expertise_suggestions_leave_out_members_who_are_not_listed(client, unlisted):
    """Only Profile.objects.listed() counts: a cleared sector or a closed account drops out."""
    MemberFactory(profile__expertise=["onderzoek geheim"], **unlisted)
    MemberFactory(profile__expertise=["onderzoekend leren"])
    client.force_login(MemberFactory())

    response = client.get("/members/expertise/suggest/", {"expertise": "onderzoek"})

    assert response.context["suggestions"] == ["onderzoekend leren"]


def test_expertise_suggestions_skip_tags_already_typed(client):
    MemberFactory(profile__expertise=["rekenen", "rekenonderwijs"])
    client.force_login(MemberFactory())

    response = client.get("/members/expertise/suggest/", {"expertise": "rekenen, Reken"})

    assert response.context["suggestions"] == ["rekenonderwijs"]


def test_expertise_suggestions_need_two_letters(client):
    MemberFactory(profile__expertise=["rekenen"])
    client.force_login(MemberFactory())

    response = client.get("/members/expertise/suggest/", {"expertise": "r"})

    assert response.context["suggestions"] == []
    assert response.content.decode().strip() == ""


def test_expertise_suggestions_anonymous_goes_to_login(client):
    response = client.get("/members/expertise/suggest/", {"expertise": "rek"})

    assert response.status_code == 302


# The profile page ---------------------------------------------------------------------------


def _profile_owner(state: str) -> User:
    if state == "public":
        return MemberFactory(username="target", profile__visibility="public")
    if state == "members":
        return MemberFactory(username="target")
    if state == "not_onboarded":
        user = UserFactory(username="target")
        Profile.objects.filter(user=user).update(visibility="public")
        return user
    if state == "inactive":
        return MemberFactory(username="target", is_active=False, profile__visibility="public")
    raise AssertionError(state)


@pytest.mark.parametrize(
    ("viewer", "state", "status"),
    [
        ("anonymous", "public", 200),
        ("anonymous", "members", 403),  # the "for members, log in" page
        ("anonymous", "not_onboarded", 404),
        ("anonymous", "inactive", 404),
        ("member", "public", 200),
        ("member", "members", 200),
        ("member", "not_onboarded", 404),
        ("member", "inactive", 404),
        ("owner", "public", 200),
        ("owner", "members", 200),
        ("owner", "not_onboarded", 200),
    ],
)
def test_profile_page_visibility(client, viewer, state, status):
    owner = _profile_owner(state)
    if viewer == "member":
        client.force_login(MemberFactory())
    elif viewer == "owner":
        client.force_login(owner)

    response = client.get("/members/target/")

    assert response.status_code == status


def test_profile_page_unknown_username_is_404(client):
    assert client.get("/members/nobody/").status_code == 404


def test_profile_page_shows_what_the_member_filled_in(client):
    organisation = OrganisationFactory(name="Hogeschool Leiden", slug="hogeschool-leiden")
    member = MemberFactory(
        name="Sanne de Vries",
        username="sanne",
        email="sanne@school.example",
        profile__primary_sector="ho",
        profile__other_sectors=["mbo"],
        profile__roles=["teacher_educator"],
        profile__organisation=organisation,
        profile__job_title="Lerarenopleider",
        profile__core_activities=["teacher_education", "research"],
        profile__expertise=["rekenen", "praktijk onderzoek"],
        profile__bio="Ik **leid** leraren op. <script>alert(1)</script>",
        profile__website="https://sanne.example",
        profile__open_to_collaboration=True,
        profile__looking_for="Een vo-school",
        profile__visibility="public",
    )

    response = client.get("/members/sanne/")

    content = response.content.decode()
    assert "<h1" in content
    assert "Sanne de Vries" in content
    assert "Lerarenopleider" in content
    assert '<a href="/organisations/hogeschool-leiden/">Hogeschool Leiden</a>' in content
    assert "lef-sector-ho" in content
    assert "lef-sector-mbo" in content
    assert "Teacher educator" in content
    assert "Teacher education" in content
    assert "Practice-based research" in content
    assert '<a class="lef-tag" href="/members/?q=praktijk%20onderzoek"' in content
    assert '<a class="lef-tag" href="/members/?q=rekenen"' in content
    assert "Ik <strong>leid</strong> leraren op." in content
    assert "<script>alert" not in content
    assert '<a href="https://sanne.example" rel="nofollow noopener">' in content
    assert "Open to collaboration" in content
    assert "Een vo-school" in content
    assert "sanne@school.example" not in content
    assert member.email not in content
    assert "Log in to send a message" in content
    assert "/accounts/login/?next=/members/sanne/contact/" in content


def test_profile_page_owner_sees_edit_button(client):
    member = MemberFactory(username="jan")
    client.force_login(member)

    content = client.get("/members/jan/").content.decode()

    assert 'href="/members/me/edit/"' in content
    assert "Edit your profile" in content
    assert "/members/jan/contact/" not in content


def test_profile_page_other_member_sees_contact_button(client):
    MemberFactory(username="jan", name="Jan Jansen")
    client.force_login(MemberFactory())

    content = client.get("/members/jan/").content.decode()

    assert 'href="/members/jan/contact/"' in content
    assert "Edit your profile" not in content


def test_profile_page_says_when_member_does_not_receive_messages(client):
    MemberFactory(
        username="jan", name="Jan Jansen", profile__notification_settings={"messages": "off"}
    )
    client.force_login(MemberFactory())

    content = client.get("/members/jan/").content.decode()

    assert "/members/jan/contact/" not in content
    assert "Jan does not receive messages through 't LEF." in content


def test_profile_page_hides_a_proposed_organisation_from_others(client):
    proposer = MemberFactory(username="jan")
    proposal = OrganisationFactory(
        name="Geheim Initiatief", status=Organisation.Status.PROPOSED, proposed_by=proposer
    )
    Profile.objects.filter(user=proposer).update(organisation=proposal)
    client.force_login(MemberFactory())

    content = client.get("/members/jan/").content.decode()

    assert "Geheim Initiatief" not in content


def test_profile_page_owner_before_onboarding_is_told_only_they_see_it(client):
    member = UserFactory(username="nieuw")
    client.force_login(member)

    content = client.get("/members/nieuw/").content.decode()

    assert "Only you can see this page" in content


def test_profile_page_shows_avatar_image(client, django_capture_on_commit_callbacks):
    member = MemberFactory(username="jan", profile__visibility="public")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EDIT_URL, _form_data(username="jan", avatar=_png()))
    client.logout()

    content = client.get("/members/jan/").content.decode()

    stem = Profile.objects.get(user=member).avatar
    assert f'src="/media/{stem}-160.webp"' in content


@pytest.mark.parametrize("tags", [1, 12])
def test_profile_page_query_count_anonymous_is_fixed(client, django_assert_num_queries, tags):
    MemberFactory(
        username="jan",
        profile__visibility="public",
        profile__expertise=[f"tag {i}" for i in range(tags)],
        profile__roles=["teacher", "researcher"],
    )

    # The profile (with user and organisation), the projects section's one query and
    # the library's (the results they are named on).
    with django_assert_num_queries(3):
        response = client.get("/members/jan/")

    assert response.status_code == 200


@pytest.mark.parametrize("tags", [1, 12])
def test_profile_page_query_count_member_is_fixed(client, django_assert_num_queries, tags):
    MemberFactory(username="jan", profile__expertise=[f"tag {i}" for i in range(tags)])
    client.force_login(MemberFactory())

    # session, viewer, the profile (with user, organisation and the date of the
    # viewer's last message), the viewer's profile ("you share", and the
    # onboarding reminder); events' section: the meetups they go to; projects'
    # section: their projects; the library's: the results they are named on.
    with django_assert_num_queries(7):
        response = client.get("/members/jan/")

    assert response.status_code == 200


def test_profile_page_owner_query_count(client, django_assert_num_queries):
    member = MemberFactory(username="jan", profile__expertise=["a", "b", "c"])
    Profile.objects.filter(user=member).update(onboarded_at=timezone.now())
    client.force_login(member)

    with django_assert_num_queries(7):  # 4, events' "meetups you go to", projects', library's
        client.get("/members/jan/")


def test_profile_page_says_what_the_viewer_shares_with_the_member(client):
    MemberFactory(
        username="jan",
        profile__expertise=["rekenen", "taal"],
        profile__core_activities=["teaching", "research"],
    )
    client.force_login(
        MemberFactory(profile__expertise=["rekenen"], profile__core_activities=["research"])
    )

    html = client.get("/members/jan/").content.decode()

    assert "You share: rekenen, practice-based research</p>" in html


def test_profile_page_shows_no_empty_collaboration_box(client):
    MemberFactory(username="jan", profile__open_to_collaboration=True, profile__looking_for="")
    MemberFactory(
        username="piet",
        profile__open_to_collaboration=True,
        profile__looking_for="Een mbo-docent voor gastlessen",
    )
    client.force_login(MemberFactory())

    empty = client.get("/members/jan/").content.decode()
    filled = client.get("/members/piet/").content.decode()

    assert 'id="collab-title"' not in empty
    assert "Open to collaboration</p>" in empty
    assert 'id="collab-title"' in filled
    assert "Een mbo-docent voor gastlessen" in filled


def test_profile_page_tells_the_sender_they_wrote_without_the_text(client):
    recipient = MemberFactory(username="jan")
    sender = MemberFactory()
    client.force_login(sender)
    before = client.get("/members/jan/").content.decode()

    client.post("/members/jan/contact/", {"message": "Zullen we eens koffie drinken?"})
    after = client.get("/members/jan/").content.decode()

    assert "You sent a message on" not in before
    assert f"You sent a message on {day_label(timezone.now())}." in after
    assert "koffie" not in after
    assert ContactMessage.objects.filter(sender=sender, recipient=recipient).count() == 1


ONLY_YOU = "Only you can see this page until you have finished the first profile step."


@pytest.mark.parametrize(
    ("onboarded", "primary_sector", "note_shown"),
    [(True, "po", False), (False, "po", True), (True, "", True)],
)
def test_own_profile_notes_it_is_hidden_until_onboarding_is_done(
    client, onboarded, primary_sector, note_shown
):
    """The note follows Profile.is_onboarded, also after a coordinator cleared the sector."""
    member = MemberFactory()
    Profile.objects.filter(user=member).update(
        onboarded_at=timezone.now() if onboarded else None, primary_sector=primary_sector
    )
    client.force_login(member)

    response = client.get(f"/members/{member.username}/", headers={"accept-language": "en"})

    assert response.status_code == 200
    assert (ONLY_YOU in response.content.decode()) is note_shown
