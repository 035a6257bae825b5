"""Member names, job titles, bios, organisation names and contact messages refuse
control and direction characters; Dutch with accents and emoji passes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from members.forms import ContactForm, OnboardingForm, ProfileForm, SignupForm
from members.models import ContactMessage, Organisation, User
from members.services import (
    ContactNotAllowedError,
    ProfileInvalidError,
    send_contact_message,
    update_profile,
)
from tests.factories import PASSWORD, MemberFactory
from tests.lef.plain_text_cases import (
    DUTCH,
    DUTCH_LINES,
    MULTI_LINE_MESSAGE,
    SINGLE_LINE_MESSAGE,
    field_tests,
)

SINGLE_LINE_FIELDS = [
    (SignupForm, "name"),
    (ProfileForm, "name"),
    (ProfileForm, "job_title"),
    (ProfileForm, "looking_for"),
    (OnboardingForm, "name"),
]
MULTI_LINE_FIELDS = [(ProfileForm, "bio"), (ContactForm, "message")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


(
    test_single_line_field_refuses_control_characters,
    test_multi_line_field_refuses_control_characters,
    test_single_line_field_accepts_dutch_with_emoji,
    test_multi_line_field_accepts_lines,
) = field_tests(SINGLE_LINE_FIELDS, MULTI_LINE_FIELDS)


def _profile_values(**overrides) -> dict:
    values = {
        "name": "Sanne de Vries",
        "username": "sanne",
        "primary_sector": "mbo",
        "other_sectors": [],
        "roles": ["teacher"],
        "organisation": None,
        "job_title": "Docent",
        "core_activities": [],
        "expertise": [],
        "bio": "",
        "website": "",
        "open_to_collaboration": False,
        "looking_for": "",
        "visibility": "members",
        "notification_settings": {},
    }
    return values | overrides


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "Sanne \u200fde Vries"}, "name", SINGLE_LINE_MESSAGE),
        ({"job_title": "Docent \u202e"}, "job_title", SINGLE_LINE_MESSAGE),
        ({"job_title": "Docent\r\nrekenen"}, "job_title", SINGLE_LINE_MESSAGE),
        ({"bio": "Ik doe \x1bonderzoek."}, "bio", MULTI_LINE_MESSAGE),
        ({"bio": "Ik doe \u202eonderzoek."}, "bio", MULTI_LINE_MESSAGE),
    ],
)
def test_update_profile_refuses_control_characters(overrides, field, message):
    user = MemberFactory(name="Sanne")

    with pytest.raises(ProfileInvalidError) as error:
        update_profile(user=user, **_profile_values(**overrides))

    assert error.value.errors[field] == [message]
    user.refresh_from_db()
    assert user.name == "Sanne"


@pytest.mark.django_db
def test_update_profile_keeps_dutch_lines_with_emoji():
    profile = update_profile(
        user=MemberFactory(), **_profile_values(name=DUTCH[:39], bio=DUTCH_LINES)
    )

    assert (profile.user.name, profile.bio) == (DUTCH[:39], DUTCH_LINES)


@pytest.mark.django_db
def test_organisation_name_with_a_direction_mark_is_refused_by_the_model():
    organisation = Organisation(name="Het \u200fCollege", slug="het-college")

    with pytest.raises(ValidationError) as error:
        organisation.full_clean()

    assert error.value.message_dict["name"] == [SINGLE_LINE_MESSAGE]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["Hoi Jan \u202e", "Hoi \x1bJan", "Hoi\tJan"])
def test_send_contact_message_refuses_control_characters(text):
    with pytest.raises(ContactNotAllowedError) as error:
        send_contact_message(sender=MemberFactory(), recipient=MemberFactory(), text=text)

    assert str(error.value) == MULTI_LINE_MESSAGE
    assert ContactMessage.objects.count() == 0


# The pages: a 400 with the field's error, and nothing saved ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["name", "job_title", "looking_for"], ids=["name", "job title", "looking for"]
)
@pytest.mark.parametrize(
    "text", ["Jan\u202eeD", "Jan\x1b[31m", "Jan\u2066x"], ids=["RLO", "escape", "isolate"]
)
def test_profile_form_page_refuses_control_and_direction_characters(client, field, text):
    member = MemberFactory(name="Jan Jansen")
    client.force_login(member)
    form = client.get(reverse("members:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [], False)}
    data[field] = text

    response = client.post(reverse("members:edit"), data, headers={"accept-language": "en"})

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [SINGLE_LINE_MESSAGE]}
    member.refresh_from_db()
    assert member.name == "Jan Jansen"


@pytest.mark.django_db
def test_signup_page_name_refuses_direction_characters(client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Admin\u202e",
            "email": "nieuw@school.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        headers={"accept-language": "en"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": [SINGLE_LINE_MESSAGE]}
    assert not User.objects.filter(email="nieuw@school.example").exists()
