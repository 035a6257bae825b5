"""The security findings of the members review, each reproduced and shown fixed.

Every test here failed on the code the review tested (issue 6, point 6).
"""

import time
from io import BytesIO

import pytest
from allauth.account.adapter import get_adapter
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from lef.images import ImageRejected, reencode_image
from lef.markdown import render_markdown
from members.avatars import AVATAR_MAX_PIXELS, AVATAR_UPLOADS
from members.models import Profile
from tests.factories import PASSWORD, MemberFactory, UserFactory
from tests.members.factories_avatars import png_claiming_size
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


TOO_MANY = "too_many_login_attempts"


def too_many_attempts() -> list[str]:
    """allauth's message, in Dutch: the requests below ask for no language."""
    with translation.override("nl"):
        return [str(get_adapter().error_messages[TOO_MANY])]


def _logged_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


# The back office's login ------------------------------------------------------------


def test_admin_login_sends_visitors_to_the_sites_login(client):
    response = client.get("/admin/login/", {"next": "/admin/members/user/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fmembers%2Fuser%2F"


def test_admin_login_ignores_a_next_off_this_site(client):
    response = client.get("/admin/login/", {"next": "https://evil.example/"})

    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_login_form_posts_log_nobody_in(client):
    """15 wrong passwords and then the right one got into the admin before."""
    coordinator = CoordinatorFactory(email="carla@lef.example")
    for _ in range(15):
        client.post("/admin/login/", {"username": coordinator.email, "password": "wrong"})

    response = client.post("/admin/login/", {"username": coordinator.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _logged_in_user_id(client) is None


def test_back_office_logins_count_towards_the_sites_limit(client):
    coordinator = CoordinatorFactory(email="carla@lef.example")
    login = reverse("account_login")
    for _ in range(5):
        client.post(f"{login}?next=/admin/", {"login": coordinator.email, "password": "wrong"})

    response = client.post(
        f"{login}?next=/admin/", {"login": coordinator.email, "password": PASSWORD}
    )

    assert response.context["form"].non_field_errors() == too_many_attempts()
    assert _logged_in_user_id(client) is None
    assert client.get("/admin/").status_code == 302


def test_admin_login_sends_staff_on_and_refuses_other_members(client):
    client.force_login(CoordinatorFactory())
    assert client.get("/admin/login/", {"next": "/admin/"})["Location"] == "/admin/"

    client.force_login(MemberFactory())
    assert client.get("/admin/login/", {"next": "/admin/"}).status_code == 403


# allauth's per-address limits behind a proxy ---------------------------------------


def _fail_logins(client, *, address: str, times: int) -> list[str]:
    """``times`` failed logins for different accounts from ``address``; the last errors."""
    errors = []
    for number in range(times):
        response = client.post(
            reverse("account_login"),
            {"login": f"nobody{number}@school.example", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            headers={"x-forwarded-for": address},
        )
        errors = response.context["form"].non_field_errors()
    return errors


def test_behind_a_proxy_each_visitor_has_their_own_login_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    member = UserFactory(email="lotte@school.example")
    # ACCOUNT_RATE_LIMITS["login_failed"]: 10 a minute per address.
    assert _fail_logins(client, address="203.0.113.7", times=11) == too_many_attempts()

    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        headers={"x-forwarded-for": "198.51.100.4"},
    )

    assert response.status_code == 302
    assert _logged_in_user_id(client) == member.pk


def test_without_trusting_the_proxy_all_visitors_share_its_address(client, settings):
    """What the review saw: one visitor's failures locked everyone out."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    member = UserFactory(email="lotte@school.example")
    _fail_logins(client, address="203.0.113.7", times=11)

    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        headers={"x-forwarded-for": "198.51.100.4"},
    )

    assert response.context["form"].non_field_errors() == too_many_attempts()
    assert _logged_in_user_id(client) is None


# Bad input: a 400 or ignored, never a 500 ---------------------------------------------


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/admin/members/user/", {"profile__visibility__exact": "\x00"}),
        ("/admin/members/organisation/", {"status__exact": "\x00"}),
        ("/admin/members/user/", {"q": "a\x00b"}),
        ("/members/", {"q": "\x00"}),
        ("/organisations/", {"kind": "\x00"}),
    ],
)
def test_nul_bytes_in_the_query_string_are_a_400(client, url, params):
    client.force_login(CoordinatorFactory())

    response = client.get(url, params, headers={"accept-language": "en"})

    assert response.status_code == 400
    assert "Something is wrong with this address" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"created_at__year": "99999"},
        {"created_at__year": "2026", "created_at__month": "13"},
        {"created_at__day": "x"},
    ],
)
def test_admin_date_filters_out_of_range_are_not_a_500(client, params):
    client.force_login(CoordinatorFactory())

    response = client.get("/admin/members/contactmessage/", params)

    assert response.status_code in {200, 302}


def test_nul_byte_in_expertise_on_the_profile_form_is_a_400(client):
    member = MemberFactory()
    client.force_login(member)
    edit = client.get(reverse("members:edit"))
    data = {
        name: value
        for name, value in edit.context["form"].initial.items()
        if value not in (None, [], False)
    }
    data.update({"expertise": "reken\x00en", "primary_sector": "po", "visibility": "members"})

    response = client.post(reverse("members:edit"), data)

    assert response.status_code == 400
    assert Profile.objects.get(pk=member.pk).expertise == []


@pytest.mark.parametrize("next_url", ["foo", "account_logout", "members:edit", "//evil.example/"])
def test_welcome_with_a_next_that_is_not_a_path_goes_home(client, next_url):
    client.force_login(MemberFactory())

    response = client.get(reverse("members:onboarding"), {"next": next_url})

    assert (response.status_code, response["Location"]) == (302, "/")


# Uploads ---------------------------------------------------------------------------


def test_avatar_pixel_cap_refuses_a_crafted_huge_png_before_decoding():
    """A 6 300 x 6 300 PNG cost 2-3 s of CPU per upload; now its header is enough."""
    started = time.perf_counter()

    with pytest.raises(ImageRejected) as rejected:
        reencode_image(BytesIO(png_claiming_size(6300, 6300)), max_pixels=AVATAR_MAX_PIXELS)

    assert rejected.value.code == "too_many_pixels"
    assert time.perf_counter() - started < 0.5
    assert 6300 * 6300 > AVATAR_MAX_PIXELS >= 4032 * 3024  # a 12 MP phone photo fits


def _photo() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (200, 200), (30, 90, 160)).save(buffer, format="JPEG")
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_avatar_uploads_are_limited_per_member_per_hour(client):
    member = MemberFactory()
    client.force_login(member)
    form = client.get(reverse("members:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [], False)}
    for _ in range(AVATAR_UPLOADS.limit):
        AVATAR_UPLOADS.hit(member.pk)

    response = client.post(reverse("members:edit"), {**data, "avatar": _photo()})

    assert response.status_code == 400
    assert "avatar" in response.context["form"].errors
    assert Profile.objects.get(pk=member.pk).avatar == ""


# Privacy of pages and text -------------------------------------------------------------


def test_pages_for_signed_in_members_are_private_to_caches(client):
    client.force_login(MemberFactory())

    for url in ["/", "/members/", reverse("members:edit")]:
        assert "private" in client.get(url)["Cache-Control"]


def test_pages_for_visitors_are_not_marked_private(client):
    assert "Cache-Control" not in client.get("/members/")


@pytest.mark.parametrize(
    "field", ["name", "job_title", "looking_for"], ids=["name", "job title", "looking for"]
)
@pytest.mark.parametrize(
    "text", ["Jan\u202eeD", "Jan\x1b[31m", "Jan\u2066x"], ids=["RLO", "escape", "isolate"]
)
def test_profile_text_refuses_control_and_direction_characters(client, field, text):
    member = MemberFactory(name="Jan Jansen")
    client.force_login(member)
    form = client.get(reverse("members:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [], False)}
    data[field] = text

    response = client.post(reverse("members:edit"), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    member.refresh_from_db()
    assert member.name == "Jan Jansen"


def test_signup_name_refuses_direction_characters(client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Admin\u202e",
            "email": "nieuw@school.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "name" in response.context["form"].errors


@pytest.mark.parametrize(
    "href", ["//evil.example/x", "\\\\evil.example", "/\\evil.example", "\\/evil.example"]
)
def test_bio_links_cannot_leave_the_site_scheme_relatively(href):
    html = render_markdown(f"[klik]({href})")

    assert "evil.example" not in html.split(">", 1)[0]
    assert "href" not in html
    assert "klik" in html


def test_bio_keeps_ordinary_links():
    html = render_markdown("[site](https://www.scol.nl/) en [profiel](/members/sanne/)")

    assert 'href="https://www.scol.nl/"' in html
    assert 'href="/members/sanne/"' in html
