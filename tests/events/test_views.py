"""The meetup pages: list, calendar, a meetup and its sign-up box, signing up, calendar files."""

import html
import re
from datetime import datetime, time, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from icalendar import Calendar

from events.models import Event, Registration, Venue
from events.queries import meetups_of, my_meetups, upcoming_public_events
from events.services import cancel_registration, register_for_event
from lef.calendar import calendar_feed_for
from lef.choices import Sector
from lef.templatetags.lef_tags import sector_mix
from members.models import Profile
from tests.events.factories import EventFactory, RegistrationFactory, VenueFactory
from tests.events.helpers import mails_to
from tests.factories import MemberFactory, UserFactory
from tests.helpers import queries_of
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


def titles(response) -> list[str]:
    """The meetup titles on a list page, in order."""
    return re.findall(
        r'id="event-\d+-title"><a href="[^"]+"[^>]*>([^<]+)</a>', response.content.decode()
    )


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def at(days: int, hour: int = 15) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, 30), tzinfo=ZONE)


def event_on(days: int, **kwargs) -> Event:
    start = at(days)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


# The list -----------------------------------------------------------------------------


def test_list_shows_coming_meetups_soonest_first_and_no_drafts(client):
    event_on(10, title="Later")
    event_on(3, title="Eerst")
    event_on(5, title="Concept", status=Event.Status.DRAFT)
    event_on(7, title="Afgelast", status=Event.Status.CANCELLED)
    event_on(-3, title="Geweest")

    response = client.get("/events/")

    assert response.status_code == 200
    assert titles(response) == ["Eerst", "Afgelast", "Later"]
    assert "3 coming meetups" in text(response)


def test_past_tab_shows_meetups_that_ended_latest_first(client):
    event_on(-10, title="Lang geleden")
    event_on(-3, title="Vorige week")
    event_on(3, title="Straks")

    response = client.get("/events/", {"when": "past"})

    assert titles(response) == ["Vorige week", "Lang geleden"]
    assert 'aria-current="page" href="/events/?when=past"' in response.content.decode()


def test_card_shows_places_left_or_the_waiting_list_and_the_sector_mix(client):
    open_event = event_on(3, title="Open", capacity=10)
    RegistrationFactory(event=open_event, member__profile__primary_sector=Sector.PO)
    RegistrationFactory(event=open_event, member__profile__primary_sector=Sector.MBO)
    full = event_on(4, title="Vol", capacity=1)
    RegistrationFactory(event=full)
    RegistrationFactory(event=full, status="waiting", waiting_reason="full", confirmed_at=None)

    page = text(client.get("/events/"))

    assert "8 places left" in page
    assert "Full: waiting list</span> · 1 waiting" in page
    assert 'aria-label="Who is coming, by sector: po 1, mbo 1"' in page


@pytest.mark.parametrize("language", ["en", "nl"])
def test_card_writes_the_sector_mix_and_its_counts_as_the_tags_do(client, language):
    # The list writes each card's mix bar out and its counts as sentences (a tag
    # per card cost more than the card): the same markup and words as the
    # sector_mix tag and {% blocktranslate %} would give.
    event = event_on(3, title="Open", capacity=10)
    for sector in (Sector.PO, Sector.PO, Sector.HO, Sector.OTHER):
        RegistrationFactory(event=event, member__profile__primary_sector=sector)
    full = event_on(4, title="Vol", capacity=1)
    RegistrationFactory(event=full)
    RegistrationFactory(event=full, status="waiting", waiting_reason="full", confirmed_at=None)
    event_on(-3, capacity=5, title="Geweest")
    headers = {"accept-language": language}

    with translation.override(language):
        label = gettext("Who is coming, by sector")
        mix = render_to_string(
            "includes/sector_mix.html", sector_mix({"po": 2, "ho": 1, "other": 1}, label=label)
        )
        sentences = [
            ngettext("%(counter)s place left", "%(counter)s places left", 6) % {"counter": 6},
            ngettext("%(counter)s waiting", "%(counter)s waiting", 1) % {"counter": 1},
        ]
        past = ngettext("%(counter)s person signed up", "%(counter)s people signed up", 0)
    page = " ".join(client.get("/events/", headers=headers).content.decode().split())
    past_page = text(client.get("/events/", {"when": "past"}, headers=headers))

    assert " ".join(mix.split()) in page
    for sentence in sentences:
        assert html.escape(sentence) in page
    assert past % {"counter": 0} in past_page


def test_cards_follow_every_change_and_the_language(client):
    event = event_on(3, capacity=5, title="Rekenen")
    assert "5 places left" in text(client.get("/events/"))

    RegistrationFactory(event=event)
    Event.objects.filter(pk=event.pk).update(title="Rekenen in de brugklas")

    page = text(client.get("/events/"))
    assert "4 places left" in page
    assert titles(client.get("/events/")) == ["Rekenen in de brugklas"]
    assert "nog 4 plekken" in text(client.get("/events/", headers={"accept-language": "nl"}))


def test_card_tells_a_member_they_are_signed_up(client):
    member = MemberFactory()
    event = event_on(3)
    RegistrationFactory(event=event, member=member)
    client.force_login(member)

    assert "You are signed up" in text(client.get("/events/"))


def test_sector_filter_finds_target_sectors_and_transitions(client):
    event_on(1, title="Voor po", target_sectors=["po"])
    event_on(2, title="Overstap po-vo", target_transitions=["po-vo"])
    event_on(3, title="Voor mbo", target_sectors=["mbo"])
    event_on(4, title="Voor iedereen")

    assert titles(client.get("/events/", {"sector": "po"})) == ["Voor po", "Overstap po-vo"]
    assert titles(client.get("/events/", {"transition": "po-vo"})) == ["Overstap po-vo"]


@pytest.mark.parametrize(
    "query",
    [{"sector": "kleuter"}, {"transition": "po-ho"}, {"when": "morgen"}, {"sector": "x" * 5000}],
)
def test_list_with_bad_parameters_says_so_with_a_400(client, query):
    event_on(2, title="Gewoon")

    response = client.get("/events/", query)

    assert response.status_code == 400
    assert titles(response) == ["Gewoon"]
    page = text(response)
    assert "Select a valid choice." in page or "That list does not exist" in page


def test_list_with_a_page_out_of_range_shows_the_last_page(client):
    for days in range(1, 15):
        event_on(days)

    response = client.get("/events/", {"page": "99"})

    assert response.status_code == 200
    assert len(titles(response)) == 2
    assert "Page 2 of 2" in text(response)


@pytest.mark.parametrize(
    ("page", "shown", "label"),
    [
        ("2", 2, "Page 2 of 2"),
        ("", 12, "Page 1 of 2"),
        ("x", 12, "Page 1 of 2"),
        ("0", 2, "Page 2 of 2"),
    ],
)
def test_list_pages_as_the_paginator_reads_the_number(client, page, shown, label):
    for days in range(1, 15):
        event_on(days)

    response = client.get("/events/", {"page": page})

    assert response.status_code == 200
    assert len(titles(response)) == shown
    assert label in text(response)
    assert "14 coming meetups" in text(response)


def test_list_htmx_request_gets_only_the_results(client):
    event_on(2, title="Rekenen", target_sectors=["vo"])

    response = client.get("/events/", {"sector": "vo"}, headers={"hx-request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="event-results">')
    assert "<form" not in body
    assert titles(response) == ["Rekenen"]
    assert "HX-Request" in response["Vary"]


def test_list_empty_states_say_what_to_do(client):
    assert "No meetups are planned right now." in text(client.get("/events/"))
    assert "No meetups match these filters." in text(client.get("/events/", {"sector": "ho"}))


@pytest.mark.parametrize("query", [{}, {"when": "past"}, {"sector": "po"}])
@pytest.mark.parametrize("as_member", [False, True])
def test_list_query_count_is_the_same_for_one_and_many_meetups(client, as_member, query):
    if as_member:
        client.force_login(MemberFactory())
    sign = -1 if query.get("when") == "past" else 1
    event = event_on(sign * 2, target_sectors=["po"])
    RegistrationFactory(event=event)
    one, response = queries_of(client, "/events/", **query)
    assert len(titles(response)) == 1
    for days in range(3, 12):
        other = event_on(sign * days, venue=VenueFactory(), target_sectors=["po"])
        RegistrationFactory.create_batch(2, event=other)

    many, response = queries_of(client, "/events/", **query)

    assert len(titles(response)) == 10
    assert one == many
    # The page's meetups with their total and their counts, in one statement
    # (and the member's session, user and profile).
    assert many == (4 if as_member else 1)


# The month calendar -------------------------------------------------------------------


def test_calendar_shows_the_months_meetups_on_their_day(client):
    event = EventFactory(
        title="Decembermeetup",
        starts_at=datetime(2026, 12, 3, 15, 30, tzinfo=ZONE),
        ends_at=datetime(2026, 12, 3, 17, 0, tzinfo=ZONE),
    )
    EventFactory(
        title="Januarimeetup",
        starts_at=datetime(2027, 1, 14, 15, 30, tzinfo=ZONE),
        ends_at=datetime(2027, 1, 14, 17, 0, tzinfo=ZONE),
    )

    response = client.get("/events/calendar/", {"month": "2026-12"})

    page = text(response)
    assert response.status_code == 200
    assert "December 2026" in page
    assert f'<a href="{event.get_absolute_url()}">15:30 Decembermeetup</a>' in page
    assert "Januarimeetup" not in page
    assert 'href="?month=2026-11"' in page
    assert 'href="?month=2027-01"' in page


def test_calendar_month_navigation_keeps_the_filters_and_answers_htmx_with_the_month(client):
    response = client.get(
        "/events/calendar/", {"month": "2026-12", "sector": "po"}, headers={"hx-request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="month">')
    assert 'href="?month=2027-01&amp;sector=po"' in body


@pytest.mark.parametrize("month", ["2026-13", "1900-01", "december", "2026-1", "9" * 50])
def test_calendar_with_a_bad_month_says_so_with_a_400_and_shows_this_month(client, month):
    response = client.get("/events/calendar/", {"month": month})

    assert response.status_code == 400
    assert "Here is the current month." in text(response)
    assert timezone.localdate().strftime("%B %Y") in text(response)


@pytest.mark.parametrize("as_member", [False, True])
def test_calendar_query_count_is_the_same_for_one_and_many_meetups(client, as_member):
    if as_member:
        client.force_login(MemberFactory())
    event_on(1)
    month = at(1).strftime("%Y-%m")
    one, _response = queries_of(client, "/events/calendar/", month=month)
    for days in range(2, 8):
        event_on(days, venue=VenueFactory())

    many, _response = queries_of(client, "/events/calendar/", month=month)

    # The month's meetups (and the member's session, user and profile).
    assert one == many == (4 if as_member else 1)


# A meetup's page and its sign-up box ----------------------------------------------------


def test_detail_shows_time_place_map_organisers_and_mix(client):
    venue = VenueFactory(name="PLNT", slug="plnt-test", address="Langegracht 70")
    organiser = MemberFactory(name="Sanne de Vries", profile__visibility=Profile.Visibility.PUBLIC)
    event = EventFactory(
        title="Brugklas",
        venue=venue,
        organisers=[organiser],
        description="**Welkom**",
        starts_at=datetime(2030, 12, 3, 15, 30, tzinfo=ZONE),
        ends_at=datetime(2030, 12, 3, 17, 0, tzinfo=ZONE),
    )
    RegistrationFactory(event=event, member__profile__primary_sector=Sector.VO)

    response = client.get(event.get_absolute_url())

    page = text(response)
    assert "Tue 3 Dec 2030, 15:30\u201317:00" in page
    assert "<strong>PLNT</strong>, Langegracht 70, Leiden" in page
    assert "https://www.openstreetmap.org/search?query=PLNT%2C+Langegracht+70%2C+Leiden" in page
    assert f'<a href="/members/{organiser.username}/">Sanne de Vries</a>' in page
    assert "<strong>Welkom</strong>" in page
    assert "Who is coming, by sector: vo 1" in page
    assert "1 person signed up, 20 places" in page


def _organisers(response) -> str:
    page = text(response)
    start = page.index('id="organisers-title"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("as_member", [False, True])
def test_organisers_are_shown_to_whom_their_profile_allows(client, as_member):
    public = MemberFactory(
        name="Anna Openbaar",
        profile__visibility=Profile.Visibility.PUBLIC,
        profile__primary_sector=Sector.PO,
    )
    private = MemberFactory(name="Bram Besloten", profile__primary_sector=Sector.MBO)
    photo = f"avatars/ab/{'d' * 32}"
    Profile.objects.filter(pk=private.pk).update(avatar=photo)  # members only (the default)
    event = EventFactory(organisers=[public, private])
    if as_member:
        client.force_login(MemberFactory(profile__primary_sector=Sector.VO))

    response = client.get(event.get_absolute_url())
    listed = text(client.get("/events/"))

    page, organisers = text(response), _organisers(response)
    assert f'<a href="/members/{public.username}/">Anna Openbaar</a>' in organisers
    assert "lef-sector-po" in organisers
    hidden = ["Bram Besloten", f"/members/{private.username}/", "d" * 32, "lef-sector-mbo"]
    if as_member:
        assert f'<a href="/members/{private.username}/">Bram Besloten</a>' in organisers
        assert "lef-sector-mbo" in organisers
        assert "A member of 't LEF" not in organisers
    else:
        assert [found for found in hidden if found in page] == []
        assert organisers.count("A member of 't LEF") == 1
    assert [found for found in hidden if found in listed] == []


def test_organisers_who_left_or_never_finished_their_profile_are_not_shown(client):
    gone = MemberFactory(name="Cor Vertrokken", is_active=False)
    new = MemberFactory(name="Dirk Nieuw")
    Profile.objects.filter(pk=new.pk).update(onboarded_at=None)
    event = EventFactory(organisers=[gone, new])
    client.force_login(MemberFactory())

    organisers = _organisers(client.get(event.get_absolute_url()))

    assert "Cor Vertrokken" not in organisers
    assert "Dirk Nieuw" not in organisers
    assert organisers.count("A member of 't LEF") == 2


def _box(response) -> str:
    page = text(response)
    return page[page.index('id="signup-title"') : page.index('id="coming-title"')]


def test_sign_up_box_for_a_visitor_asks_to_log_in(client):
    event = EventFactory()

    box = _box(client.get(event.get_absolute_url()))

    assert "20 places left" in box
    assert f'href="/accounts/login/?next=/events/{event.slug}/">Log in to sign up' in box


def test_sign_up_box_states_for_a_member(client):
    member = MemberFactory(profile__primary_sector=Sector.PO)
    client.force_login(member)
    open_event = EventFactory(capacity=3)
    full = EventFactory(capacity=1)
    RegistrationFactory(event=full)
    capped = EventFactory(capacity=10, max_sector_share=10)
    RegistrationFactory(event=capped, member__profile__primary_sector=Sector.PO)
    later = EventFactory(registration_opens_at=datetime(2099, 1, 5, 9, 0, tzinfo=ZONE))
    closed = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    ended = event_on(-2)

    def box(event):
        return _box(client.get(event.get_absolute_url()))

    assert "3 places left" in box(open_event)
    assert "Sign up for this meetup" in box(open_event)
    assert "This meetup is full." in box(full)
    assert "Join the waiting list" in box(full)
    assert "The places for po are taken" in box(capped)
    assert "Join the waiting list" in box(capped)
    assert "Sign-up opens on Mon 5 Jan 2099, 09:00." in box(later)
    assert "Sign-up has closed." in box(closed)
    assert "<form" not in box(closed)
    assert "This meetup has been cancelled" in box(cancelled)
    assert "This meetup has taken place." in box(ended)


def test_sign_up_box_shows_a_registrant_their_place_or_their_number_in_line(client):
    event = EventFactory(capacity=1, online_url="https://meet.example/lef")
    first, second, third = MemberFactory(), MemberFactory(), MemberFactory()
    for member in (first, second, third):
        register_for_event(event=event, member=member)

    client.force_login(first)
    response = client.get(event.get_absolute_url())
    assert "You are signed up." in _box(response)
    assert 'href="https://meet.example/lef"' in text(response)

    client.force_login(third)
    response = client.get(event.get_absolute_url())
    assert re.search(r'lef-signup-position mb-1">2</p>', _box(response))
    assert "Leave the waiting list" in _box(response)
    assert "https://meet.example/lef" not in text(response)


def test_detail_of_a_draft_is_hidden_except_from_coordinators(client):
    draft = EventFactory(status=Event.Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(CoordinatorFactory())
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only coordinators see this page." in text(response)


@pytest.mark.parametrize("as_member", [False, True])
def test_detail_query_count_is_the_same_for_one_and_many_sign_ups_and_organisers(
    client, as_member
):
    viewer = MemberFactory()
    if as_member:
        client.force_login(viewer)
    event = EventFactory(organisers=[MemberFactory()])
    RegistrationFactory(event=event, member=viewer)
    one, _response = queries_of(client, event.get_absolute_url())
    event.organisers.add(MemberFactory(), MemberFactory())
    RegistrationFactory.create_batch(5, event=event)

    many, _response = queries_of(client, event.get_absolute_url())

    # Signed in: session, user, meetup, counts (and whether I am signed up), my
    # registration, organisers, my profile. A visitor: meetup, counts, organisers.
    assert one == many == (7 if as_member else 3)


# Signing up and cancelling --------------------------------------------------------------


def test_member_signs_up_with_a_note_and_gets_the_confirmation(client):
    member = MemberFactory()
    event = EventFactory()
    client.force_login(member)

    response = client.post(f"/events/{event.slug}/register/", {"note": "Ik kom met de fiets"})

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    registration = Registration.objects.get(event=event, member=member)
    assert (registration.status, registration.note) == ("confirmed", "Ik kom met de fiets")
    assert len(mails_to(member)) == 1
    page = text(client.get(event.get_absolute_url()))
    assert "You are signed up. We sent you a confirmation" in page


def test_signing_up_for_a_full_meetup_puts_the_member_on_the_waiting_list(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    member = MemberFactory()
    client.force_login(member)

    client.post(f"/events/{event.slug}/register/")

    assert Registration.objects.get(member=member).status == "waiting"
    assert "You are on the waiting list." in text(client.get(event.get_absolute_url()))


def test_signing_up_after_closing_is_a_409_with_the_reason(client):
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(MemberFactory())

    response = client.post(f"/events/{event.slug}/register/")

    assert response.status_code == 409
    assert "Sign-up for this meetup has closed." in text(response)
    assert Registration.objects.count() == 0


def test_signing_up_twice_is_a_409(client):
    event = EventFactory()
    member = MemberFactory()
    RegistrationFactory(event=event, member=member)
    client.force_login(member)

    response = client.post(f"/events/{event.slug}/register/")

    assert response.status_code == 409
    assert "You are already signed up for this meetup." in text(response)


@pytest.mark.parametrize("note", ["x" * 501, "nul\x00byte"])
def test_signing_up_with_a_bad_note_is_a_400_on_the_form(client, note):
    event = EventFactory()
    client.force_login(MemberFactory())

    response = client.post(f"/events/{event.slug}/register/", {"note": note})

    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_sign_up_by_get_goes_to_the_meetup(client):
    event = EventFactory()
    client.force_login(MemberFactory())

    response = client.get(f"/events/{event.slug}/register/")

    assert (response.status_code, response["Location"]) == (302, event.get_absolute_url())


def test_sign_up_without_a_sector_goes_to_the_first_profile_step(client):
    event = EventFactory()
    client.force_login(UserFactory())

    response = client.post(
        f"/events/{event.slug}/register/",
        headers={"referer": f"http://testserver/events/{event.slug}/"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/members/me/welcome/?next=%2Fevents%2F{event.slug}%2F"


def test_member_cancels_and_the_next_in_line_is_promoted(client):
    event = EventFactory(capacity=1)
    member = MemberFactory()
    register_for_event(event=event, member=member)
    waiting = register_for_event(event=event, member=MemberFactory())
    client.force_login(member)

    response = client.post(f"/events/{event.slug}/cancel/")

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert "You are no longer signed up." in text(client.get(event.get_absolute_url()))


def test_cancelling_without_a_sign_up_is_a_409(client):
    event = EventFactory()
    client.force_login(MemberFactory())

    response = client.post(f"/events/{event.slug}/cancel/")

    assert response.status_code == 409
    assert "You are not signed up for this meetup." in text(response)


# Calendar files --------------------------------------------------------------------------


def _calendar(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_ics_of_one_meetup_parses_with_its_time_zone_uid_and_sequence(client):
    event = EventFactory(
        title="Brugklas",
        starts_at=datetime(2030, 3, 30, 15, 30, tzinfo=ZONE),  # before the clocks change
        ends_at=datetime(2030, 3, 31, 17, 0, tzinfo=ZONE),  # after: summer time
    )

    calendar = _calendar(client.get(f"/events/{event.slug}/ics/"))

    [entry] = calendar.walk("VEVENT")
    assert str(entry["uid"]) == f"event-{event.pk}@127.0.0.1"
    assert entry.decoded("dtstart") == event.starts_at
    assert entry.decoded("dtend") == event.ends_at
    assert entry["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert str(entry["summary"]) == "Brugklas"
    assert str(entry["status"]) == "CONFIRMED"


def test_ics_of_a_cancelled_meetup_says_cancelled(client):
    event = EventFactory(status=Event.Status.CANCELLED)

    [entry] = _calendar(client.get(f"/events/{event.slug}/ics/")).walk("VEVENT")

    assert str(entry["status"]) == "CANCELLED"


def test_feed_holds_coming_published_and_cancelled_meetups_only(client):
    coming = event_on(3)
    cancelled = event_on(4, status=Event.Status.CANCELLED)
    event_on(5, status=Event.Status.DRAFT)
    event_on(-5)

    entries = _calendar(client.get("/events/feed.ics")).walk("VEVENT")

    assert sorted(str(e["uid"]) for e in entries) == sorted(
        f"event-{e.pk}@127.0.0.1" for e in (coming, cancelled)
    )


def test_personal_feed_holds_the_members_confirmed_meetups_with_the_online_link(client):
    member = MemberFactory()
    mine = EventFactory(online_url="https://meet.example/x", title="Mijn meetup")
    RegistrationFactory(event=mine, member=member)
    waiting = EventFactory(title="Wachtend")
    RegistrationFactory(event=waiting, member=member, status="waiting", waiting_reason="full")
    EventFactory(title="Niet van mij")
    token = calendar_feed_for(member).token

    entries = _calendar(client.get(f"/calendar/{token}.ics")).walk("VEVENT")

    assert [str(e["summary"]) for e in entries] == ["Mijn meetup"]
    assert "https://meet.example/x" in str(entries[0]["location"])


# Mijn LEF, profiles and the home page ------------------------------------------------------


def test_my_lef_shows_my_meetups_with_my_place_in_line_and_suggestions(client):
    member = MemberFactory(profile__primary_sector=Sector.MBO)
    signed_up = event_on(3, title="Aangemeld")
    RegistrationFactory(event=signed_up, member=member)
    full = event_on(4, title="Vol", capacity=1)
    RegistrationFactory(event=full)
    RegistrationFactory(event=full, status="waiting", waiting_reason="full", confirmed_at=None)
    RegistrationFactory(
        event=full, member=member, status="waiting", waiting_reason="full", confirmed_at=None
    )
    event_on(5, title="Voor mbo", target_transitions=["mbo-ho"])
    event_on(6, title="Voor po", target_sectors=["po"])
    client.force_login(member)

    page = text(client.get("/", headers={"accept-language": "en"}))

    next_up = page[page.index('id="next-title"') : page.index('id="meet-title"')]
    assert next_up.index("Aangemeld") < next_up.index("Vol")
    assert "You have a place" in next_up
    assert "Waiting list: number 2" in next_up
    section = page[page.index('id="my-meetups-title"') :]
    assert "Aangemeld" not in section
    assert "Next meetups for mbo" in section
    assert "Voor mbo" in section
    assert "Voor po" not in section


def test_my_lef_without_meetups_points_to_the_list(client):
    client.force_login(MemberFactory())

    page = text(client.get("/"))

    assert "You have not signed up for a meetup yet." in page


def test_profile_shows_the_meetups_someone_goes_to_to_members_only(client):
    member = MemberFactory(name="Fatima El Amrani", username="fatima")
    Profile.objects.filter(pk=member.pk).update(visibility=Profile.Visibility.PUBLIC)
    RegistrationFactory(event=event_on(3, title="Doorstroom"), member=member)
    RegistrationFactory(event=event_on(4, title="Concept", status="draft"), member=member)

    visitor = text(client.get("/members/fatima/"))
    client.force_login(MemberFactory())
    colleague = text(client.get("/members/fatima/"))

    assert "Doorstroom" not in visitor
    assert "Meetups Fatima goes to" in colleague
    assert "Doorstroom" in colleague
    assert "Concept" not in colleague


def test_upcoming_public_events_for_the_home_page(django_assert_num_queries):
    first = event_on(2, capacity=5)
    RegistrationFactory(event=first)
    event_on(3, status=Event.Status.CANCELLED)
    event_on(4, status=Event.Status.DRAFT)
    second = event_on(5)
    event_on(6)

    with django_assert_num_queries(1):  # the meetups with their places taken
        events = upcoming_public_events(limit=2)

    assert events == [first, second]
    assert events[0].counts.places_left == 4


@pytest.mark.parametrize("rows", [1, 3])
def test_upcoming_public_events_query_count_is_the_same_for_one_and_many(
    django_assert_num_queries, rows
):
    for days in range(rows):
        RegistrationFactory.create_batch(2, event=event_on(days + 1, venue=VenueFactory()))

    with django_assert_num_queries(1):
        events = upcoming_public_events(limit=3)

    assert [event.counts.taken for event in events] == [2] * rows


@pytest.mark.parametrize("rows", [1, 4])
def test_my_meetups_costs_one_query_for_one_and_many(django_assert_num_queries, rows):
    member = MemberFactory(profile__primary_sector=Sector.PO)
    for days in range(rows):
        RegistrationFactory(event=event_on(days + 1, venue=VenueFactory()), member=member)
        full = event_on(days + 10, capacity=1)
        RegistrationFactory(event=full)
        RegistrationFactory(
            event=full, member=member, status="waiting", waiting_reason="full", confirmed_at=None
        )
        event_on(days + 20, target_sectors=["po"], venue=VenueFactory())

    with django_assert_num_queries(1):  # sign-ups and suggestions in one statement
        data = my_meetups(member)

    assert len(data["registrations"]) == min(2 * rows, 5)
    assert len(data["suggested"]) == min(rows, 3)
    assert {s.ahead for s in data["registrations"] if s.waiting} <= {1}


@pytest.mark.parametrize("rows", [1, 4])
def test_meetups_of_costs_one_query_for_one_and_many(django_assert_num_queries, rows):
    member, viewer = MemberFactory(), MemberFactory()
    for days in range(rows):
        RegistrationFactory(event=event_on(days + 1, venue=VenueFactory()), member=member)

    with django_assert_num_queries(1):
        data = meetups_of(member, viewer)

    assert len(data["events"]) == rows


# What people see after a change on the site, in the admin or in bulk --------------------


def _next_up(client) -> str:
    page = client.get("/").content.decode()
    return page[page.index('id="next-title"') : page.index('id="meet-title"')]


def _for_you(client) -> str:
    page = client.get("/").content.decode()
    return page[page.index('id="my-meetups-title"') :]


def test_my_lef_follows_sign_ups_cancellations_and_bulk_edits_at_once(client):
    sanne = MemberFactory(profile__primary_sector="po")
    event = EventFactory(title="Rekenen in de brugklas", venue=VenueFactory(name="PLNT"))
    client.force_login(sanne)
    assert "Rekenen in de brugklas" not in _next_up(client)

    registration = register_for_event(event=event, member=sanne)
    assert "Rekenen in de brugklas" in _next_up(client)

    Event.objects.filter(pk=event.pk).update(title="Rekenen na groep 8")  # as the admin's bulk
    Venue.objects.filter(pk=event.venue_id).update(name="PLNT, zaal 2")
    next_up = _next_up(client)
    assert "Rekenen na groep 8" in next_up
    assert "PLNT, zaal 2" in next_up

    cancel_registration(registration=registration, by=sanne)
    assert "Rekenen na groep 8" not in _next_up(client)


def test_a_profile_shows_a_new_sign_up_and_leaves_a_cancelled_one_out(client):
    jan = MemberFactory(username="jan")
    client.force_login(MemberFactory())
    event = EventFactory(title="Doorstroom mbo-hbo")
    assert "Doorstroom mbo-hbo" not in client.get("/members/jan/").content.decode()

    RegistrationFactory(event=event, member=jan)
    assert "Doorstroom mbo-hbo" in client.get("/members/jan/").content.decode()

    Registration.objects.filter(event=event, member=jan).update(
        status=Registration.Status.CANCELLED
    )
    assert "Doorstroom mbo-hbo" not in client.get("/members/jan/").content.decode()


def test_a_suggested_meetup_leaves_when_it_starts_and_mine_when_it_ends(client, monkeypatch):
    sanne = MemberFactory(profile__primary_sector="po")
    now = timezone.now()
    EventFactory(title="Straks voor po", target_sectors=["po"],
                 starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))  # fmt: skip
    mine = EventFactory(title="Mijn meetup", starts_at=now + timedelta(minutes=30),
                        ends_at=now + timedelta(hours=3))  # fmt: skip
    RegistrationFactory(event=mine, member=sanne)
    client.force_login(sanne)
    assert "Straks voor po" in _for_you(client)
    assert "Mijn meetup" in _next_up(client)

    later = now + timedelta(hours=1, minutes=1)  # the suggestion has started
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Straks voor po" not in _for_you(client)
    assert "Mijn meetup" in _next_up(client)

    latest = now + timedelta(hours=3, minutes=1)  # mine has ended
    monkeypatch.setattr(timezone, "now", lambda: latest)
    assert "Mijn meetup" not in _next_up(client)


def test_the_visitors_home_shows_places_taken_and_new_meetups_at_once(client):
    event = EventFactory(title="Rekenen in de brugklas", capacity=3)
    assert "3 places left" in client.get("/").content.decode()

    RegistrationFactory(event=event)
    EventFactory(title="Nieuwe meetup", starts_at=event.starts_at - timedelta(days=1),
                 ends_at=event.starts_at - timedelta(days=1, hours=-1))  # fmt: skip

    page = client.get("/").content.decode()
    assert "2 places left" in page
    assert "Nieuwe meetup" in page


def test_a_meetup_page_shows_an_admin_edit_and_a_deleted_sign_up_at_once(client):
    event = EventFactory(capacity=5, description="*Eerste* versie")
    registration = RegistrationFactory(event=event)
    assert "4 places left" in text(client.get(event.get_absolute_url()))

    Event.objects.filter(pk=event.pk).update(description="**Tweede** versie")
    Registration.objects.filter(pk=registration.pk).delete()

    page = text(client.get(event.get_absolute_url()))
    assert "<strong>Tweede</strong> versie" in page
    assert "<em>Eerste</em>" not in page
    assert "5 places left" in page


def test_tabs_and_filters_follow_the_request(client):
    filtered = client.get("/events/", {"sector": "po"}).content.decode()
    plain = client.get("/events/").content.decode()

    assert '<option value="po" selected>' in filtered
    assert 'href="/events/?when=past&amp;sector=po"' in filtered
    assert '<option value="po" selected>' not in plain
    assert 'href="/events/?when=past"' in plain
