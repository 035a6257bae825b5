"""Messages between members: /members/<username>/contact/ and send_contact_message."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lef.models import Notice
from lef.notifications import send_daily_digests
from members.models import ContactMessage, Profile
from members.privacy import build_export, delete_account
from members.services import (
    ContactRateLimitedError,
    RecipientNotAcceptingError,
    send_contact_message,
)
from tests.factories import MemberFactory, UserFactory
from tests.helpers import errors_of, run_at_once

pytestmark = pytest.mark.django_db

SENDER_EMAIL = "sanne@school.example"
RECIPIENT_EMAIL = "jan@school.example"
TEXT = "Hoi Jan, ik zoek een po-school voor een lessenserie over rekenen. Zin om te praten?"


@pytest.fixture
def sender():
    return MemberFactory(name="Sanne de Vries", username="sanne", email=SENDER_EMAIL)


@pytest.fixture
def recipient():
    return MemberFactory(name="Jan Jansen", username="jan", email=RECIPIENT_EMAIL, language="en")


def _post(client, capture, text=TEXT, username="jan"):
    with capture(execute=True):
        return client.post(f"/members/{username}/contact/", {"message": text})


def _backdate(sender, recipient, count, age):
    rows = ContactMessage.objects.bulk_create(
        ContactMessage(sender=sender, recipient=recipient) for _ in range(count)
    )
    ContactMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
        created_at=timezone.now() - age
    )


def test_contact_anonymous_goes_to_login(client, recipient):
    response = client.get("/members/jan/contact/")

    assert response["Location"] == "/accounts/login/?next=/members/jan/contact/"


def test_contact_form_shows_without_any_address(client, sender, recipient):
    client.force_login(sender)

    response = client.get("/members/jan/contact/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Message to Jan Jansen" in content
    assert RECIPIENT_EMAIL not in content
    assert 'name="message"' in content


def test_contact_sends_mail_with_reply_to_the_sender(
    client, django_capture_on_commit_callbacks, settings, sender, recipient
):
    settings.LEF_SITE_URL = "https://lef.example"
    client.force_login(sender)

    response = _post(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/members/jan/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [RECIPIENT_EMAIL]
    assert message.reply_to == [SENDER_EMAIL]
    assert message.subject == "'t LEF: a message from Sanne de Vries"
    assert TEXT in message.body
    assert SENDER_EMAIL in message.body
    assert "https://lef.example/members/sanne/" in message.body
    assert RECIPIENT_EMAIL not in message.body
    contact = ContactMessage.objects.get()
    assert (contact.sender, contact.recipient) == (sender, recipient)
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.key) == (
        recipient,
        "messages",
        f"contact:{contact.pk}",
    )


def test_contact_confirmation_page_shows_no_address(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    client.force_login(sender)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/jan/contact/", {"message": TEXT}, follow=True)

    content = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        "Your message to Jan Jansen has been sent. If they answer, it arrives in your mailbox."
    ]
    assert RECIPIENT_EMAIL not in content
    assert SENDER_EMAIL not in content


def test_sender_address_is_on_no_page_the_recipient_sees(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    client.force_login(sender)
    _post(client, django_capture_on_commit_callbacks)
    client.force_login(recipient)

    pages = [
        client.get(path).content.decode()
        for path in ("/members/sanne/", "/members/sanne/contact/", "/members/jan/", "/")
    ]

    assert [SENDER_EMAIL in page for page in pages] == [False, False, False, False]


def test_contact_to_yourself_is_forbidden(client, sender):
    client.force_login(sender)

    assert client.get("/members/sanne/contact/").status_code == 403
    assert client.post("/members/sanne/contact/", {"message": TEXT}).status_code == 403
    assert ContactMessage.objects.count() == 0


def test_contact_service_refuses_yourself(sender):
    with pytest.raises(Exception, match="yourself"):
        send_contact_message(sender=sender, recipient=sender, text=TEXT)


@pytest.mark.parametrize("state", ["not_onboarded", "inactive"])
def test_contact_to_someone_you_cannot_see_is_404(client, sender, state):
    if state == "not_onboarded":
        UserFactory(username="jan")
    else:
        MemberFactory(username="jan", is_active=False)
    client.force_login(sender)

    assert client.get("/members/jan/contact/").status_code == 404
    assert client.post("/members/jan/contact/", {"message": TEXT}).status_code == 404


def test_contact_to_member_who_turned_messages_off(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    Profile.objects.filter(user=recipient).update(notification_settings={"messages": "off"})
    client.force_login(sender)

    page = client.get("/members/jan/contact/")
    response = _post(client, django_capture_on_commit_callbacks)

    assert page.status_code == 200
    assert "Jan Jansen does not receive messages through 't LEF" in page.content.decode()
    assert 'name="message"' not in page.content.decode()
    assert response.status_code == 403
    assert mail.outbox == []
    assert ContactMessage.objects.count() == 0


def test_contact_service_refuses_member_who_turned_messages_off(sender, recipient):
    Profile.objects.filter(user=recipient).update(notification_settings={"messages": "off"})

    with pytest.raises(RecipientNotAcceptingError):
        send_contact_message(sender=sender, recipient=recipient, text=TEXT)


def test_contact_to_member_with_daily_digest_arrives_in_the_digest(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    Profile.objects.filter(user=recipient).update(notification_settings={"messages": "daily"})
    client.force_login(sender)

    response = _post(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [RECIPIENT_EMAIL]
    assert TEXT in mail.outbox[0].body
    assert SENDER_EMAIL in mail.outbox[0].body
    # Delivered: nothing of the message is kept.
    assert Notice.objects.values_list("subject", "body").get() == ("", "")


def test_contact_message_sent_at_once_is_not_kept(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    client.force_login(sender)

    _post(client, django_capture_on_commit_callbacks)

    assert TEXT in mail.outbox[0].body
    notice = Notice.objects.get()
    assert (notice.subject, notice.body) == ("", "")
    stored = json.dumps(list(Notice.objects.values()), default=str)
    assert TEXT not in stored
    assert SENDER_EMAIL not in stored


def test_contact_waiting_for_a_digest_is_dropped_when_the_sender_deletes_the_account(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    Profile.objects.filter(user=recipient).update(notification_settings={"messages": "daily"})
    client.force_login(sender)
    _post(client, django_capture_on_commit_callbacks)
    assert TEXT in Notice.objects.get().body  # kept until the digest, for delivery only

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=sender)
        send_daily_digests()

    assert Notice.objects.count() == 0
    assert [m.to for m in mail.outbox] == [[SENDER_EMAIL]]  # only the deletion's confirmation
    export = json.dumps(build_export(user=recipient), default=str)
    assert TEXT not in export
    assert SENDER_EMAIL not in export
    assert "Sanne" not in export


def test_contact_message_too_long_is_a_form_error(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    client.force_login(sender)

    response = _post(client, django_capture_on_commit_callbacks, text="x" * 2001)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["message"]
    assert mail.outbox == []


def test_contact_empty_message_is_a_form_error(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    client.force_login(sender)

    response = _post(client, django_capture_on_commit_callbacks, text="   ")

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["message"]


# Rate limits ---------------------------------------------------------------------------


def test_contact_sixth_message_in_an_hour_is_429(
    client, django_capture_on_commit_callbacks, sender
):
    others = [MemberFactory(username=f"lid-{i}") for i in range(6)]
    client.force_login(sender)

    statuses = [
        _post(client, django_capture_on_commit_callbacks, username=other.username).status_code
        for other in others
    ]

    assert statuses == [302, 302, 302, 302, 302, 429]
    assert len(mail.outbox) == 5
    assert ContactMessage.objects.count() == 5


def test_contact_rate_limit_message_is_clear(client, django_capture_on_commit_callbacks, sender):
    recipient = MemberFactory(username="jan")
    _backdate(sender, MemberFactory(), 5, timedelta(minutes=10))
    client.force_login(sender)

    response = _post(client, django_capture_on_commit_callbacks)

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [
        "You have sent 5 messages recently, the most we allow. Please try again later."
    ]
    assert ContactMessage.objects.filter(recipient=recipient).count() == 0


def test_contact_twenty_first_message_in_a_day_is_429(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    _backdate(sender, MemberFactory(), 20, timedelta(hours=3))
    client.force_login(sender)

    assert _post(client, django_capture_on_commit_callbacks).status_code == 429
    assert mail.outbox == []


def test_contact_fourth_message_to_the_same_member_in_a_day_is_429(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    _backdate(sender, recipient, 3, timedelta(hours=2))
    client.force_login(sender)

    response = _post(client, django_capture_on_commit_callbacks)

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [
        "You have already sent this member 3 messages today. "
        "Please wait for an answer, or try again tomorrow."
    ]


def test_contact_old_messages_do_not_count(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    _backdate(sender, recipient, 30, timedelta(hours=25))
    client.force_login(sender)

    assert _post(client, django_capture_on_commit_callbacks).status_code == 302


def test_contact_limits_are_per_sender(
    client, django_capture_on_commit_callbacks, sender, recipient
):
    _backdate(MemberFactory(), recipient, 20, timedelta(minutes=5))
    client.force_login(sender)

    assert _post(client, django_capture_on_commit_callbacks).status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_contact_limit_holds_when_two_messages_are_sent_at_once(attempt):
    sender = MemberFactory()
    recipients = [MemberFactory(), MemberFactory()]
    _backdate(sender, MemberFactory(), 4, timedelta(minutes=5))  # one left this hour

    outcomes = run_at_once(
        [
            lambda r=r: send_contact_message(sender=sender, recipient=r, text=f"{TEXT} {attempt}")
            for r in recipients
        ]
    )

    sent = [outcome for outcome in outcomes if isinstance(outcome, ContactMessage)]
    assert [type(error) for error in errors_of(outcomes)] == [ContactRateLimitedError]
    assert len(sent) == 1
    assert ContactMessage.objects.filter(sender=sender).count() == 5
    assert [message.to for message in mail.outbox] == [[sent[0].recipient.email]]


# With the database queue of production (django-tasks-db) -------------------------------


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued() -> list[dict]:
    return [row["args_kwargs"]["kwargs"] for row in DBTaskResult.objects.values("args_kwargs")]


def test_contact_mail_queued_or_failed_is_dropped_when_the_sender_deletes_the_account(
    client, django_capture_on_commit_callbacks, database_queue, sender, recipient
):
    client.force_login(sender)
    _post(client, django_capture_on_commit_callbacks, text="Eerste bericht, mislukt")
    DBTaskResult.objects.update(status="FAILED", finished_at=timezone.now())
    _post(client, django_capture_on_commit_callbacks)
    other = MemberFactory(email="piet@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        send_contact_message(sender=other, recipient=recipient, text="Piet schrijft Jan")
    assert [kwargs["reply_to"] for kwargs in _queued()] == [
        [SENDER_EMAIL], [SENDER_EMAIL], ["piet@school.example"]
    ]  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=sender)

    kept = _queued()
    assert sorted((kwargs["to"], kwargs["reply_to"]) for kwargs in kept) == [
        (["jan@school.example"], ["piet@school.example"]),  # another member's message still goes
        ([SENDER_EMAIL], ["info@lef.localhost"]),  # the deletion's own confirmation
    ]
    stored = json.dumps(kept)
    assert TEXT not in stored
    assert "Eerste bericht" not in stored
