"""The door list: find a name, tap to check in or undo, walk-ins, who is here by sector."""

import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from events.models import Registration
from lef.choices import Sector
from lef.templatetags.lef_tags import sector_badge
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.helpers import queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return MemberFactory(name="Organisator")


@pytest.fixture
def event(organiser):
    return EventFactory(slug="brugklas", organisers=[organiser], capacity=10)


def door(event) -> str:
    return f"/events/{event.slug}/check-in/"


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def queries_of_post(client, url: str) -> tuple[int, object]:
    """How many statements an htmx check-in takes, and its response."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"action": "in"}, headers={"hx-request": "true"})
    assert response.status_code == 200
    return len(captured), response


def names(response) -> list[str]:
    return re.findall(r'class="lef-door-name">([^<]+)</div>', response.content.decode())


def test_door_lists_confirmed_first_then_waiting_with_present_and_expected(
    client, organiser, event
):
    RegistrationFactory(
        event=event, member__name="Bram", member__profile__primary_sector=Sector.VO
    )
    RegistrationFactory(
        event=event,
        member__name="Anna",
        member__profile__primary_sector=Sector.PO,
        note="Rolstoel",
    )
    RegistrationFactory(
        event=event,
        member__name="Aaron",
        status="waiting",
        waiting_reason="full",
        confirmed_at=None,
    )
    RegistrationFactory(event=event, member__name="Weg", status="cancelled", confirmed_at=None)
    client.force_login(organiser)

    response = client.get(door(event))

    assert names(response) == ["Anna", "Bram", "Aaron"]
    page = text(response)
    assert '<span class="lef-door-count">0</span> / 2 present' in page
    assert "Rolstoel" in page
    assert "Let in" in page  # the one on the waiting list


def test_door_search_by_htmx_returns_the_list_only(client, organiser, event):
    RegistrationFactory(event=event, member__name="Fatima El Amrani")
    RegistrationFactory(event=event, member__name="Jeroen Bakker")
    MemberFactory(name="Fatima de Wit")  # not signed up: offered as walk-in
    client.force_login(organiser)

    response = client.get(door(event), {"q": "fatima"}, headers={"hx-request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="door">')
    assert names(response) == ["Fatima El Amrani", "Fatima de Wit"]
    assert "Members who did not sign up" in body


def test_check_in_and_undo_by_htmx_update_the_list_and_the_counts(client, organiser, event):
    registration = RegistrationFactory(event=event, member__profile__primary_sector=Sector.MBO)
    client.force_login(organiser)
    url = f"{door(event)}{registration.pk}/"

    response = client.post(url, {"action": "in", "q": ""}, headers={"hx-request": "true"})

    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    # The list's form targets the whole list: the answer goes in the person's row.
    assert response["HX-Retarget"] == f"#registration-{registration.pk}"
    row = f'<li class="lef-door-row lef-door-present" id="registration-{registration.pk}">'
    assert response.content.decode().lstrip().startswith(row)
    page = text(response)
    assert 'id="door-attendance" role="status" data-hx-swap-oob="true"' in page
    assert '<span class="lef-door-count">1</span> / 1 present' in page
    assert "Undo" in page

    response = client.post(url, {"action": "undo"}, headers={"hx-request": "true"})
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert '<span class="lef-door-count">0</span> / 1 present' in text(response)
    assert "Check in" in text(response)


def test_undoing_a_walk_in_by_htmx_takes_the_row_away(client, organiser, event):
    walk_in = RegistrationFactory(
        event=event, member=None, guest_name="Gast", walk_in=True, checked_in_at=event.starts_at
    )
    client.force_login(organiser)

    response = client.post(
        f"{door(event)}{walk_in.pk}/", {"action": "undo"}, headers={"hx-request": "true"}
    )

    assert names(response) == []
    assert 'id="registration-' not in response.content.decode()
    assert '<span class="lef-door-count">0</span> / 0 present' in text(response)


def test_a_refused_check_in_by_htmx_answers_with_the_whole_list(client, organiser, event):
    registration = RegistrationFactory(event=event)
    client.force_login(organiser)

    response = client.post(
        f"{door(event)}{registration.pk}/", {"action": "dance"}, headers={"hx-request": "true"}
    )

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#door"
    assert response.content.decode().lstrip().startswith('<div id="door">')
    assert "Choose check in or undo." in text(response)


def test_check_in_without_javascript_returns_to_the_search(client, organiser, event):
    registration = RegistrationFactory(event=event)
    client.force_login(organiser)

    response = client.post(f"{door(event)}{registration.pk}/", {"action": "in", "q": "Lid"})

    assert response["Location"] == f"{door(event)}?q=Lid"


@pytest.mark.parametrize("action", ["", "delete", "x" * 1000])
def test_check_in_with_an_unknown_action_is_a_400(client, organiser, event, action):
    registration = RegistrationFactory(event=event)
    client.force_login(organiser)

    response = client.post(f"{door(event)}{registration.pk}/", {"action": action})

    assert response.status_code == 400
    assert "Choose check in or undo." in text(response)


@pytest.mark.parametrize("pk", ["0", "9" * 30])
def test_check_in_of_an_unknown_registration_is_a_404(client, organiser, event, pk):
    client.force_login(organiser)

    assert client.post(f"{door(event)}{pk}/", {"action": "in"}).status_code == 404


def test_check_in_of_a_cancelled_sign_up_is_a_400_with_the_reason(client, organiser, event):
    registration = RegistrationFactory(event=event, status="cancelled", confirmed_at=None)
    client.force_login(organiser)

    response = client.post(f"{door(event)}{registration.pk}/", {"action": "in"})

    assert response.status_code == 400
    assert "This sign-up was cancelled." in text(response)


def test_walk_in_of_a_member_and_of_a_guest(client, organiser, event):
    visitor = MemberFactory(name="Pieter Jansen", profile__primary_sector=Sector.HO)
    client.force_login(organiser)

    member_response = client.post(f"{door(event)}walk-in/", {"member": visitor.pk})
    guest_response = client.post(
        f"{door(event)}walk-in/", {"guest_name": "Wethouder Smit", "sector": "other"}
    )

    # Back to the empty search, focused for the next person.
    assert member_response["Location"] == guest_response["Location"] == f"{door(event)}?added=1"
    walk_ins = Registration.objects.filter(event=event, walk_in=True).order_by("pk")
    assert [(r.person_name, r.sector) for r in walk_ins] == [
        ("Pieter Jansen", "ho"),
        ("Wethouder Smit", "other"),
    ]
    page = text(client.get(door(event)))
    assert '<span class="lef-door-count">2</span> / 2 present' in page


@pytest.mark.parametrize(
    "data",
    [
        {"guest_name": "", "sector": "po"},
        {"guest_name": "Jan", "sector": "kleuter"},
        {"guest_name": "x" * 151, "sector": "po"},
        {"guest_name": "Jan\u202e", "sector": "po"},
    ],
)
def test_walk_in_with_bad_input_is_a_400_on_the_form(client, organiser, event, data):
    client.force_login(organiser)

    response = client.post(f"{door(event)}walk-in/", data)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("member", ["abc", "-1", "9" * 30, "0"])
def test_walk_in_of_an_unknown_member_is_a_404(client, organiser, event, member):
    client.force_login(organiser)

    assert client.post(f"{door(event)}walk-in/", {"member": member}).status_code == 404


def test_door_search_that_is_too_long_is_a_400(client, organiser, event):
    client.force_login(organiser)

    response = client.get(door(event), {"q": "x" * 101})

    assert response.status_code == 400


def test_door_query_count_is_the_same_for_one_and_many_people(client, organiser, event):
    RegistrationFactory(event=event)
    client.force_login(organiser)
    one, response = queries_of(client, door(event))
    assert len(names(response)) == 1
    RegistrationFactory.create_batch(6, event=event)
    RegistrationFactory(event=event, guest_name="Gast", member=None, walk_in=True)

    many, response = queries_of(client, door(event))

    assert len(names(response)) == 8
    # Session, user, the layout's profile, the meetup (with "do I organise it?"), the
    # list (the counts come from it).
    assert one == many == 5


def test_door_search_query_count_is_the_same_for_one_and_many_people(client, organiser, event):
    RegistrationFactory(event=event, member__name="Lid 0")
    MemberFactory(name="Lid buiten")
    client.force_login(organiser)
    one, response = queries_of(client, door(event), q="Lid")
    assert len(names(response)) == 2
    RegistrationFactory.create_batch(5, event=event, member__name="Lid")
    MemberFactory.create_batch(3, name="Lid ook buiten")

    many, response = queries_of(client, door(event), q="Lid")

    assert len(names(response)) == 6 + 4
    # And the members to add as walk-ins, and the counts of everyone (not only those found).
    assert one == many == 7


def test_check_in_query_count_is_the_same_for_one_and_many_people(client, organiser, event):
    first = RegistrationFactory(event=event)
    # The history's content type, as a running process has it cached (lef.audit).
    ContentType.objects.get_for_model(Registration)
    client.force_login(organiser)
    one, _response = queries_of_post(client, f"{door(event)}{first.pk}/")
    RegistrationFactory.create_batch(6, event=event)
    last = RegistrationFactory(event=event)

    many, _response = queries_of_post(client, f"{door(event)}{last.pk}/")

    # Session, user, the meetup (with "do I organise it?" and "is this sign-up
    # its?"); then in the transaction (a savepoint here, and its release): the
    # lock timeout, the meetup locked, its organisers read again (after the lock,
    # so a change that held it is seen), the sign-up locked, its update, its
    # history entry (lef.audit), the lock timeout put back (here only: a test
    # runs inside a transaction); the person's row and the counts.
    assert one == many == 12 + 2


def test_door_with_a_hundred_people_lists_them_all_in_fixed_queries(client, organiser):
    event = EventFactory(slug="groot", organisers=[organiser], capacity=100)
    RegistrationFactory.create_batch(100, event=event)
    client.force_login(organiser)

    count, response = queries_of(client, door(event))

    assert len(names(response)) == 100
    assert response.content.decode().count('name="action" value="in"') == 100
    assert count == 5


def test_door_list_follows_every_change_and_the_language(client, organiser, event):
    anna = RegistrationFactory(
        event=event, member__name="Anna", member__profile__primary_sector=Sector.PO
    )
    RegistrationFactory(
        event=event, member__name="Bram", member__profile__primary_sector=Sector.VO
    )
    client.force_login(organiser)
    assert "Glutenvrij" not in text(client.get(door(event)))

    Registration.objects.filter(pk=anna.pk).update(
        note="Glutenvrij", checked_in_at=event.starts_at
    )
    first, again = client.get(door(event)), client.get(door(event))

    for page in (text(first), text(again)):
        assert "Glutenvrij" in page
        assert '<span class="lef-door-count">1</span> / 2 present' in page
    assert names(first) == names(again) == ["Anna", "Bram"]
    dutch = text(client.get(door(event), headers={"accept-language": "nl"}))
    assert '<span class="lef-door-count">1</span> / 2 aanwezig' in dutch
    assert "Ongedaan maken" in dutch  # Anna's row, in Dutch too


def test_walk_in_form_keeps_what_was_sent_and_a_fresh_page_starts_empty(client, organiser, event):
    client.force_login(organiser)

    response = client.post(f"{door(event)}walk-in/", {"guest_name": "Wethouder Smit"})
    fresh = client.get(door(event)).content.decode()

    assert response.status_code == 400
    sent = response.content.decode()
    assert 'value="Wethouder Smit"' in sent
    assert 'id="id_sector-error"' in sent
    assert "Wethouder Smit" not in fresh
    assert 'aria-invalid="true"' not in fresh


@pytest.mark.parametrize("language", ["en", "nl"])
def test_door_rows_write_the_sector_badge_and_their_words_as_the_tags_do(
    client, organiser, event, language
):
    # The rows write the badge out and translate their words once (a tag per row
    # cost more than the row): the same markup and words as sector_badge and
    # {% translate %} would give, on the page and in a lone row after a check-in.
    anna = RegistrationFactory(
        event=event, member__name="Anna", member__profile__primary_sector=Sector.OTHER
    )
    RegistrationFactory(event=event, member__name="Bram", status="waiting", confirmed_at=None)
    RegistrationFactory(event=event, guest_name="Gast", member=None, walk_in=True)
    Registration.objects.filter(pk=anna.pk).update(checked_in_at=event.starts_at)
    client.force_login(organiser)
    headers = {"accept-language": language}

    with translation.override(language):
        badge = sector_badge(Sector.OTHER)
        words = [
            gettext("waiting list"),
            gettext("walk-in"),
            gettext("Undo"),
            gettext("Let in"),
            gettext("Check in"),
            gettext("here since %(time)s")
            % {"time": f"{timezone.localtime(event.starts_at):%H:%M}"},
        ]
    page = client.get(door(event), headers=headers).content.decode()
    guest = Registration.objects.get(guest_name="Gast")
    lone = client.post(
        f"{door(event)}{guest.pk}/", {"action": "in"}, headers={"hx-request": "true", **headers}
    ).content.decode()

    assert f'<div class="small">{badge}' in page
    for word in words:
        assert html.escape(word) in page
    row = f'<li class="lef-door-row lef-door-present" id="registration-{guest.pk}">'
    assert lone.lstrip().startswith(row)
    assert html.escape(words[2]) in lone  # "Undo", translated in the lone row too
