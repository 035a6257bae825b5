"""The admin speaks one language at a time: Django's own words and ours, names and icons."""

import json
from html import unescape as html_unescape

import pytest
from django.contrib import admin
from django.utils import translation

pytestmark = pytest.mark.django_db

# What showed in English in the Dutch admin: Django's own strings its Dutch catalogue
# leaves out ("Filter by", the screen-reader headings "Search …" and "Pagination …"),
# its English alternative texts (the search icon, the yes/no icons), "Add another".
ENGLISH_IN_DUTCH = [
    "Filter by ",
    "Search ",
    "Pagination ",
    "Add another",
    'alt="Search"',
    'alt="True"',
    'alt="False"',
    'alt="None"',
    "Note: ",
]


ADMIN_PAGES = {
    "index": lambda w: "/admin/",
    "meetups": lambda w: "/admin/events/event/",
    "coming meetups": lambda w: "/admin/events/event/?when=upcoming&status__exact=published",
    "meetup": lambda w: f"/admin/events/event/{w.event.pk}/change/",
    "new meetup": lambda w: "/admin/events/event/add/",
    "sign-ups": lambda w: "/admin/events/registration/",
    "sign-up": lambda w: f"/admin/events/registration/{w.registration.pk}/change/",
    "venues": lambda w: "/admin/events/venue/",
    "members": lambda w: "/admin/members/user/?is_active__exact=1",
    "member": lambda w: f"/admin/members/user/{w.member.pk}/change/",
    "organisations": lambda w: "/admin/members/organisation/",
    "organisation": lambda w: f"/admin/members/organisation/{w.organisation.pk}/change/",
    "contact messages": lambda w: "/admin/members/contactmessage/",
    "projects": lambda w: "/admin/projects/project/",
    "project": lambda w: f"/admin/projects/project/{w.project.pk}/change/",
    "project updates": lambda w: "/admin/projects/projectupdate/",
    "project update": lambda w: f"/admin/projects/projectupdate/{w.update.pk}/change/",
    "team memberships": lambda w: "/admin/projects/membership/",
    "bookings": lambda w: "/admin/spaces/booking/?when=upcoming",
    "booking": lambda w: f"/admin/spaces/booking/{w.booking.pk}/change/",
    "space": lambda w: f"/admin/spaces/space/{w.space.pk}/change/",
    "resources": lambda w: "/admin/spaces/resource/",
    "resource": lambda w: f"/admin/spaces/resource/{w.resource.pk}/change/",
    "block slots": lambda w: "/admin/spaces/booking/block/",
    "occupancy": lambda w: "/admin/spaces/booking/occupancy/",
}


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_dutch_admin_pages_have_no_english(client, admin_world, page):
    response = client.get(ADMIN_PAGES[page](admin_world), headers={"accept-language": "nl"})

    assert response.status_code == 200
    assert response["Content-Language"] == "nl"
    html = response.content.decode()
    assert [phrase for phrase in ENGLISH_IN_DUTCH if phrase in html] == []


@pytest.mark.parametrize(
    ("language", "yes", "no"), [("nl", 'alt="Ja"', 'alt="Nee"'), ("en", 'alt="Yes"', 'alt="No"')]
)
def test_admin_yes_no_icons_say_so_in_the_pages_language(client, admin_world, language, yes, no):
    admin_world.registration.walk_in = False
    admin_world.registration.save()
    html = client.get(
        "/admin/events/registration/", headers={"accept-language": language}
    ).content.decode()

    assert (yes in html, no in html) == (False, True)  # one sign-up, no walk-in
    html = client.get(
        "/admin/members/user/", headers={"accept-language": language}
    ).content.decode()
    assert yes in html  # active accounts


@pytest.mark.parametrize("language", ["nl", "en"])
def test_admin_paths_never_name_the_app_twice(language):
    """No "Meetups > Meetups" in a path: a model's name in the admin is never its app's name, and
    no two models share a name ("Locaties" for the meetups' venues and the spaces)."""
    with translation.override(language):
        names = [
            (str(model._meta.app_config.verbose_name), str(model._meta.verbose_name_plural))
            for model in admin.site._registry
        ]
        repeated = [(app, name) for app, name in names if app.lower() == name.lower()]
        plurals = [name.lower() for _app, name in names]
        shared = sorted({name for name in plurals if plurals.count(name) > 1})

    assert repeated == []
    assert shared == []


@pytest.mark.parametrize(
    ("language", "add_another"),
    [("nl", "Nog een openingstijd toevoegen"), ("en", "Add another opening time")],
)
def test_opening_hours_inline_adds_another_opening_time(
    client, admin_world, language, add_another
):
    response = client.get(
        f"/admin/spaces/space/{admin_world.space.pk}/change/",
        headers={"accept-language": language},
    )

    assert add_another in html_unescape(response.content.decode())


def test_admin_date_fields_note_the_time_zone_in_dutch(client, admin_world):
    """The note under date fields (the browser in another time zone) comes from the
    admin's script catalogue, which reads ours after Django's: it must be there."""
    script = client.get("/admin/jsi18n/", headers={"accept-language": "nl"}).content.decode()

    for msgid in [
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour ahead.)",
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)",
        "Today (%(date)s)",
    ]:
        assert json.dumps(msgid) in script
