"""lef.audit: services write who did what, when; the admin shows it in a fixed number of queries.

Every entry here is made by the real service call; nothing is written by hand.
"""

import logging
from datetime import datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from events import services as events
from events.audit_labels import AUDIT_LABELS as EVENT_LABELS
from lef import audit
from lef.models import AuditEntry
from members import organisations
from projects import services as projects
from spaces import services as spaces
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.members.factories_coordination import CoordinatorFactory, ProposedOrganisationFactory
from tests.projects.factories import MemberFactory as ProjectMemberFactory
from tests.projects.factories import ProjectFactory
from tests.spaces.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def _entries(obj) -> list[tuple[str, int | None]]:
    """(action, actor id) of ``obj``'s entries, oldest first."""
    return [(e.action, e.actor_id) for e in reversed(audit.history(obj))]


# Recording --------------------------------------------------------------------------


def test_an_entry_made_in_a_transaction_that_rolls_back_is_gone(caplog):
    event = EventFactory()
    caplog.set_level(logging.INFO, logger="lef.audit")

    def publish_then_fail():
        with transaction.atomic():
            audit.record(event, "events.event.published", actor=None)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        publish_then_fail()

    assert AuditEntry.objects.count() == 0
    assert [r for r in caplog.records if r.name == "lef.audit"] == []


def test_an_entry_logs_one_line_after_the_commit_with_ids_only(
    caplog, django_capture_on_commit_callbacks
):
    member = MemberFactory(name="Sanne de Vries", email="sanne@school.example")
    event = EventFactory(capacity=5)
    caplog.set_level(logging.INFO, logger="lef.audit")

    with django_capture_on_commit_callbacks(execute=True):
        registration = events.register_for_event(event=event, member=member)

    (line,) = [r for r in caplog.records if r.name == "lef.audit"]
    assert line.getMessage() == (
        f"events.registration.signed_up events.registration:{registration.pk} by {member.pk}"
    )
    assert line.fields == {
        "action": "events.registration.signed_up",
        "object_type": "events.registration",
        "object_id": registration.pk,
        "actor_id": member.pk,
        "via_admin": False,
    }
    assert "Sanne" not in str(line.__dict__)
    assert "sanne@" not in str(line.__dict__)


def test_a_refused_action_leaves_no_entry():
    member = MemberFactory()
    event = EventFactory()
    events.register_for_event(event=event, member=member)

    with pytest.raises(events.AlreadyRegistered):
        events.register_for_event(event=event, member=member)

    assert AuditEntry.objects.count() == 1


# Meetups ----------------------------------------------------------------------------


def test_sign_up_waiting_list_cancel_and_promotion_are_each_recorded():
    event = EventFactory(capacity=1)
    first, second = MemberFactory(), MemberFactory()
    placed = events.register_for_event(event=event, member=first)
    waiting = events.register_for_event(event=event, member=second)

    events.cancel_registration(registration=placed, by=first)

    assert _entries(placed) == [
        ("events.registration.signed_up", first.pk),
        ("events.registration.cancelled", first.pk),
    ]
    assert _entries(waiting) == [
        ("events.registration.waiting", second.pk),
        ("events.registration.promoted", None),
    ]
    promoted = AuditEntry.objects.get(action="events.registration.promoted")
    assert promoted.automatic is True


def test_a_coordinator_s_cancellation_check_in_and_walk_in_name_the_coordinator():
    coordinator = CoordinatorFactory()
    event = EventFactory()
    cancelled = RegistrationFactory(event=event)
    present = RegistrationFactory(event=event)

    events.cancel_registration(registration=cancelled, by=coordinator)
    events.check_in(registration=present, by=coordinator)
    events.check_in(registration=present, by=coordinator)  # twice: one entry
    walk_in = events.add_walk_in(event=event, by=coordinator, guest_name="Gast", sector="po")

    assert _entries(cancelled) == [
        ("events.registration.cancelled_by_coordinator", coordinator.pk)
    ]
    assert _entries(present) == [("events.registration.checked_in", coordinator.pk)]
    assert _entries(walk_in) == [("events.registration.walk_in", coordinator.pk)]


def test_a_meetup_s_save_copy_and_cancellation_are_recorded():
    coordinator = CoordinatorFactory()
    event = EventFactory(status="draft", capacity=10)

    event.status = "published"
    event.capacity = 12
    events.save_event(event=event, by=coordinator)
    copy = events.duplicate_event(
        event=event,
        starts_on=timezone.localdate(event.starts_at) + timedelta(days=7),
        by=coordinator,
    )
    events.cancel_event(event=event, by=coordinator)

    assert [(e.action, e.data) for e in reversed(audit.history(event))] == [
        ("events.event.published", {}),
        ("events.event.changed", {"fields": ["capacity"]}),
        ("events.event.copied_to", {"to": copy.pk}),
        ("events.event.cancelled", {"mailed": 0}),
    ]
    assert _entries(copy) == [("events.event.copied", coordinator.pk)]


# Bookings ---------------------------------------------------------------------------


def _tomorrow_at(hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def test_a_booking_and_its_cancellation_by_a_coordinator_are_recorded():
    member, coordinator = MemberFactory(), CoordinatorFactory()
    booking = spaces.book_resource(
        resource=ResourceFactory(), booker=member, start=_tomorrow_at(10), end=_tomorrow_at(11)
    )

    spaces.cancel_booking(booking=booking, by=coordinator, message="Lekkage in de zaal.")

    assert _entries(booking) == [
        ("spaces.booking.booked", member.pk),
        ("spaces.booking.cancelled_by_coordinator", coordinator.pk),
    ]


def test_a_no_show_released_by_the_scheduler_is_recorded_as_automatic():
    start = timezone.now() - timedelta(minutes=40)
    booking = BookingFactory(
        resource=ResourceFactory(auto_release=True), start=start, end=start + timedelta(hours=2)
    )

    assert spaces.release_no_shows() == 1

    (entry,) = audit.history(booking)
    assert (entry.action, entry.actor_id, entry.automatic) == (
        "spaces.booking.released",
        None,
        True,
    )


# Projects and organisations ---------------------------------------------------------


def test_a_join_request_its_approval_and_leaving_are_recorded_on_the_membership():
    project = ProjectFactory()
    lead = project.created_by
    asker = ProjectMemberFactory()

    membership = projects.request_to_join(project=project, member=asker, motivation="Graag!")
    projects.approve_request(membership=membership, by=lead)
    projects.leave_project(project=project, member=asker)

    assert _entries(membership) == [
        ("projects.membership.requested", asker.pk),
        ("projects.membership.approved", lead.pk),
        ("projects.membership.left", asker.pk),
    ]


def test_an_organisation_s_approval_is_recorded():
    coordinator = CoordinatorFactory()
    organisation = ProposedOrganisationFactory()

    organisations.approve_organisation(organisation=organisation, by=coordinator)

    assert _entries(organisation) == [("members.organisation.approved", coordinator.pk)]


# The admin's panel ------------------------------------------------------------------


def _meetup_with_history(signups: int):
    event = EventFactory(capacity=50)
    for _ in range(signups):
        events.register_for_event(event=event, member=MemberFactory())
    return event


def _change_page(client, event):
    return client.get(f"/admin/events/event/{event.pk}/change/")


def test_the_meetup_s_admin_page_shows_its_history_in_words_with_names(client):
    coordinator = CoordinatorFactory(name="Carla Coördinator")
    client.force_login(coordinator)
    event = EventFactory(capacity=1)
    member = MemberFactory(name="Sanne de Vries")
    registration = events.register_for_event(event=event, member=member)
    events.cancel_registration(registration=registration, by=coordinator)

    response = _change_page(client, event)

    page = response.content.decode()
    assert response.status_code == 200
    with translation.override("nl"):
        signed_up = str(EVENT_LABELS["events.registration.signed_up"])
        cancelled = str(EVENT_LABELS["events.registration.cancelled_by_coordinator"])
    assert signed_up in page
    assert cancelled in page
    assert "Sanne de Vries" in page
    assert "Carla Coördinator" in page
    assert "events.registration" not in page  # words, never codes


def test_what_the_admin_does_is_marked_as_done_in_the_back_office(client):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    registration = RegistrationFactory()

    response = client.post(
        "/admin/events/registration/",
        {"action": "check_in_selected", "_selected_action": [registration.pk]},
    )

    assert response.status_code == 302
    (entry,) = audit.history(registration)
    assert (entry.action, entry.actor_id, entry.via_admin) == (
        "events.registration.checked_in",
        coordinator.pk,
        True,
    )


def test_the_history_panel_takes_the_same_queries_for_one_sign_up_or_many(client):
    client.force_login(CoordinatorFactory())
    one, several = _meetup_with_history(1), _meetup_with_history(4)
    _change_page(client, one)  # warm up: content types, the session

    with CaptureQueriesContext(connection) as for_one:
        assert _change_page(client, one).status_code == 200
    with CaptureQueriesContext(connection) as for_several:
        assert _change_page(client, several).status_code == 200

    assert len(for_several) == len(for_one)
    # The entries with their actors (counted apart only past HISTORY_LIMIT).
    assert len([q for q in for_one if "lef_auditentry" in q["sql"]]) == 1


def test_a_booking_an_organisation_and_a_project_show_their_history_too(client):
    coordinator = CoordinatorFactory(name="Carla Coördinator")
    client.force_login(coordinator)
    booking = spaces.book_resource(
        resource=ResourceFactory(),
        booker=MemberFactory(name="Bram Boeker"),
        start=_tomorrow_at(10),
        end=_tomorrow_at(11),
    )
    organisation = ProposedOrganisationFactory()
    organisations.approve_organisation(organisation=organisation, by=coordinator)
    project = ProjectFactory()
    projects.set_featured(project=project, by=coordinator, featured=True)

    pages = {
        f"/admin/spaces/booking/{booking.pk}/change/": ("Bram Boeker", "spaces.booking.booked"),
        f"/admin/members/organisation/{organisation.pk}/change/": (
            "Carla Coördinator",
            "members.organisation.approved",
        ),
        f"/admin/projects/project/{project.pk}/change/": (
            "Carla Coördinator",
            "projects.project.featured",
        ),
    }
    for url, (who, action) in pages.items():
        page = client.get(url).content.decode()
        with translation.override("nl"):
            words = audit.label(AuditEntry(action=action, data={}))
        assert (who in page, words in page, action in page) == (True, True, False), url
