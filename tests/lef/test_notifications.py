"""notify(), send_transactional() and the daily digest (lef/notifications.py)."""

import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from lef.models import Notice
from lef.notifications import (
    NotificationKind,
    claim_digest,
    full_notification_settings,
    notify,
    send_daily_digests,
    send_digest,
    send_transactional,
)
from members.models import Profile
from tests.factories import MemberFactory, UserFactory
from tests.helpers import errors_of, run_at_once

pytestmark = pytest.mark.django_db


def _set_delivery(user, **choices):
    Profile.objects.filter(user=user).update(notification_settings=choices)


def _notify(
    user,
    key="project:1:request:1",
    kind=NotificationKind.PROJECTS,
    subject="Nieuw verzoek voor Rekenen po-vo",
    body="Sanne wil meedoen aan je project.",
    **kwargs,
):
    """notify() with the test template tests/email/notice: ``subject``, then ``body``."""
    return notify(
        recipient=user,
        kind=kind,
        key=key,
        template="tests/email/notice",
        context={"subject": subject, "text": body},
        **kwargs,
    )


def test_full_notification_settings_defaults_to_immediately():
    assert full_notification_settings({"events": "daily", "bogus": "off", "messages": "x"}) == {
        "projects": "immediate",
        "events": "daily",
        "bookings": "immediate",
        "messages": "immediate",
        "coordination": "immediate",
    }


def test_notify_immediately_stores_sent_notice_and_mails_after_commit(
    django_capture_on_commit_callbacks, settings
):
    settings.LEF_SITE_URL = "https://lef.example"
    member = MemberFactory(email="jan@school.example")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = _notify(member, reply_to=["sanne@school.example"])

    assert len(callbacks) == 1
    assert notice.delivery == Notice.Delivery.IMMEDIATE
    assert notice.sent_at is not None
    assert Notice.objects.get().pk == notice.pk
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jan@school.example"]
    assert message.subject == "Nieuw verzoek voor Rekenen po-vo"
    assert message.reply_to == ["sanne@school.example"]
    assert message.body.startswith("Sanne wil meedoen aan je project.\nJa (nl)\n\n--\n")
    assert "https://lef.example/members/me/edit/#notifications" in message.body


def test_notify_immediately_keeps_no_text(django_capture_on_commit_callbacks):
    member = MemberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        _notify(member, body="Geheim bericht van Sanne")

    notice = Notice.objects.get()
    assert (notice.subject, notice.body) == ("", "")
    assert "Geheim bericht van Sanne" in mail.outbox[0].body


def test_notify_writes_in_the_recipients_language(django_capture_on_commit_callbacks):
    english, dutch = MemberFactory(language="en"), MemberFactory(language="nl")

    with django_capture_on_commit_callbacks(execute=True), translation.override("nl"):
        _notify(english, key="a")
        _notify(dutch, key="a")

    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Yes (en)" in bodies[english.email]
    assert "Choose which mails you get" in bodies[english.email]
    assert "Ja (nl)" in bodies[dutch.email]
    assert "Kies welke mails je krijgt" in bodies[dutch.email]


def test_notify_sends_nothing_when_the_callers_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    member = MemberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _notify(member)
                raise RuntimeError
        except RuntimeError:
            pass

    assert Notice.objects.count() == 0
    assert mail.outbox == []


def test_notify_daily_stores_unsent_notice_without_mail(django_capture_on_commit_callbacks):
    member = MemberFactory()
    _set_delivery(member, projects="daily")

    with django_capture_on_commit_callbacks(execute=True):
        notice = _notify(member)

    assert notice.delivery == Notice.Delivery.DAILY
    assert notice.sent_at is None
    assert mail.outbox == []


def test_notify_off_stores_and_sends_nothing(django_capture_on_commit_callbacks):
    member = MemberFactory()
    _set_delivery(member, projects="off")

    with django_capture_on_commit_callbacks(execute=True):
        result = _notify(member)

    assert result is None
    assert Notice.objects.count() == 0
    assert mail.outbox == []


def test_notify_off_for_one_kind_leaves_other_kinds_on(django_capture_on_commit_callbacks):
    member = MemberFactory()
    _set_delivery(member, projects="off")

    with django_capture_on_commit_callbacks(execute=True):
        notice = _notify(member, kind=NotificationKind.EVENTS, key="event:4:news:1")

    assert notice.kind == "events"
    assert len(mail.outbox) == 1


def test_notify_same_key_twice_sends_once(django_capture_on_commit_callbacks):
    member = MemberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(member)
        second = _notify(member, subject="Nog een keer")

    assert first is not None
    assert second is None
    assert Notice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_notify_same_key_for_two_members_sends_both(django_capture_on_commit_callbacks):
    jan, sanne = MemberFactory(), MemberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        _notify(jan)
        _notify(sanne)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([jan.email, sanne.email])


def test_notify_inactive_member_gets_nothing(django_capture_on_commit_callbacks):
    member = MemberFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        result = _notify(member)

    assert result is None
    assert Notice.objects.count() == 0
    assert mail.outbox == []


def test_notify_reads_active_state_from_the_database(django_capture_on_commit_callbacks):
    member = MemberFactory()
    type(member).objects.filter(pk=member.pk).update(is_active=False)  # deleted meanwhile

    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(member) is None

    assert mail.outbox == []


def test_notify_unknown_kind_raises():
    with pytest.raises(ValueError, match="Unknown notification kind"):
        _notify(MemberFactory(), kind="newsletter")


def test_send_transactional_ignores_settings(django_capture_on_commit_callbacks):
    member = MemberFactory()
    _set_delivery(member, projects="off", events="off", bookings="off", messages="off")

    with django_capture_on_commit_callbacks(execute=True):
        queued = send_transactional(
            recipient=member,
            template="tests/email/notice",
            context={"subject": "Je account", "text": "Verwijderd."},
            attachments=[("lef.ics", "BEGIN:VCALENDAR", "text/calendar")],
        )

    assert queued is True
    assert [(m.to, m.subject) for m in mail.outbox] == [([member.email], "Je account")]
    assert mail.outbox[0].attachments == [("lef.ics", "BEGIN:VCALENDAR", "text/calendar")]


def test_send_transactional_skips_inactive_members(django_capture_on_commit_callbacks):
    member = UserFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        queued = send_transactional(
            recipient=member, template="tests/email/notice", context={"subject": "x", "text": "y"}
        )

    assert queued is False

    assert mail.outbox == []


def test_send_digests_mails_each_member_once_with_their_notices(
    django_capture_on_commit_callbacks,
):
    jan, sanne, off = MemberFactory(name="Jan"), MemberFactory(name="Sanne"), MemberFactory()
    for member in (jan, sanne):
        _set_delivery(member, projects="daily", events="daily")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(jan, key="a", subject="Verzoek A", body="Tekst A")
        _notify(jan, key="b", kind=NotificationKind.EVENTS, subject="Meetup B", body="Tekst B")
        _notify(sanne, key="a", subject="Verzoek voor Sanne", body="Tekst S")
        _notify(off, key="a")  # immediate: already mailed, not in any digest
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == (2, 3)

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted([jan.email, sanne.email])
    jan_mail = by_recipient[jan.email]
    assert "2" in jan_mail.subject
    assert jan_mail.body.index("Verzoek A") < jan_mail.body.index("Meetup B")
    assert "Tekst A" in jan_mail.body
    assert "Tekst B" in jan_mail.body
    assert "Tekst S" not in jan_mail.body
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0
    # Sent: the texts are not kept.
    assert set(Notice.objects.values_list("subject", "body")) == {("", "")}


def test_daily_notice_keeps_its_text_until_the_digest(django_capture_on_commit_callbacks):
    member = MemberFactory()
    _set_delivery(member, projects="daily")

    _notify(member, subject="Verzoek", body="Tekst")

    assert Notice.objects.values_list("subject", "body").get() == ("Verzoek", "Tekst\nJa (nl)\n")


def test_send_digests_twice_sends_nothing_the_second_time(django_capture_on_commit_callbacks):
    member = MemberFactory()
    _set_delivery(member, projects="daily")
    _notify(member)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", verbosity=0)
        call_command("send_digests", verbosity=0)

    assert len(mail.outbox) == 1


def test_send_digests_skips_inactive_members(django_capture_on_commit_callbacks):
    member = MemberFactory()
    _set_delivery(member, projects="daily")
    _notify(member)
    type(member).objects.filter(pk=member.pk).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == (0, 0)

    assert mail.outbox == []


def test_send_digests_command_reports_counts(capsys, django_capture_on_commit_callbacks):
    member = MemberFactory()
    _set_delivery(member, projects="daily")
    _notify(member, key="x")
    _notify(member, key="y")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")

    assert capsys.readouterr().out == "Sent 1 digest(s) with 2 notice(s).\n"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_notify_from_two_threads_at_once_sends_exactly_one_mail(attempt):
    member = MemberFactory()

    outcomes = run_at_once([lambda: _notify(member, key=f"race:{attempt}")] * 2)

    assert errors_of(outcomes) == []
    assert Notice.objects.filter(recipient=member).count() == 1
    assert len(mail.outbox) == 1
    assert sorted(outcome is None for outcome in outcomes) == [False, True]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_send_digests_from_two_workers_at_once_sends_each_digest_once(attempt):
    """One mail per member: a second worker never takes some of their notices apart."""
    members = [MemberFactory() for _ in range(4)]
    for member in members:
        _set_delivery(member, projects="daily")
        _notify(member, key="a")
        _notify(member, key="b")

    outcomes = run_at_once([send_daily_digests] * 2)

    assert errors_of(outcomes) == []
    assert [sum(counts) for counts in zip(*outcomes, strict=True)] == [4, 8]  # digests, notices
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_skips_a_member_whose_digest_another_worker_is_sending():
    """The other worker sends all of the member's notices in one mail; this one sends none."""
    member = MemberFactory()
    _set_delivery(member, projects="daily")
    _notify(member, key="a")
    _notify(member, key="b")
    holding, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                assert claim_digest(member.pk)
                holding.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert holding.wait(timeout=10)
    try:
        assert send_digest(recipient_id=member.pk) == 0
    finally:
        release.set()
        thread.join(timeout=10)

    assert mail.outbox == []
    assert send_digest(recipient_id=member.pk) == 2  # once it is free: both in one mail
    assert len(mail.outbox) == 1
