"""Privacy (AVG/GDPR): a member's own data as JSON, and deleting an account by anonymising it.

Later apps (projects, events, spaces) hold data about members too. ``members``
must not import them, so they take part through their ``hooks.py`` (lef.hooks):
``export(user)`` returns the app's sections of the export; a deletion first
deactivates the account (members.services.deactivate_member, which runs every
app's ``deactivate(user)``), then ``delete_account(user)`` anonymises the app's
part, all inside the deletion's transaction.

An export section holds only the member's own data (and at most other members'
usernames). A deletion hook runs on a user whose name and addresses are still
readable, and must keep rows that counts depend on (registrations, bookings):
clear what identifies the person, do not delete the row.
"""

import logging
import secrets
from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lef import hooks
from lef.mail import forget_mail_about, queue_mail
from lef.models import Notice
from lef.notifications import forget_notices_about, language_of, render_mail
from lef.ratelimit import RateLimit
from members.avatars import AVATAR_SIZES, avatar_url, delete_avatar
from members.models import ContactMessage, Organisation, Profile, User
from members.services import deactivate_member

logger = logging.getLogger(__name__)

EXPORT_FORMAT_VERSION = 1
DELETED_USERNAME_PREFIX = "deleted-"

# Wrong passwords on the delete page, per member: five per quarter of an hour.
DELETE_ATTEMPTS = RateLimit("account-delete-password", limit=5, window=15 * 60)


def export_section_names() -> list[str]:
    """What the apps add to the export, by the app's name, for the page that explains it."""
    return [hooks.verbose_name(label) for label, _export in hooks.implementations("export")]


# Export ----------------------------------------------------------------------------


def build_export(*, user: User, absolute_url: Callable[[str], str] = str) -> dict[str, Any]:
    """Everything the platform holds about ``user``, as a JSON-serialisable dict.

    Nothing of other members beyond their usernames (as the other party of a
    contact message). Message texts are not stored, so they are not exported.
    ``absolute_url`` turns the site's paths (profile, avatar) into full
    addresses; a view passes ``request.build_absolute_uri``.
    """
    profile = Profile.objects.select_related("organisation").filter(pk=user.pk).first()
    data: dict[str, Any] = {
        "format": {"name": "lef-export", "version": EXPORT_FORMAT_VERSION},
        "exported_at": timezone.now(),
        "account": _export_account(user, absolute_url),
        "profile": _export_profile(profile, absolute_url) if profile else None,
        "organisation": _export_organisation(profile.organisation if profile else None),
        "proposed_organisations": [
            {**_export_organisation(organisation), "proposed_at": organisation.created_at}
            for organisation in Organisation.objects.filter(proposed_by=user).order_by("pk")
        ],
        "contact_messages": _export_contact_messages(user),
        # What was mailed to the member and when; not the texts, which carry
        # other members' words (and are not kept once sent anyway).
        "notices": [
            {
                "kind": notice.kind,
                "delivery": notice.delivery,
                "created_at": notice.created_at,
                "sent_at": notice.sent_at,
            }
            for notice in Notice.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
    }
    for label, export in hooks.implementations("export"):
        for name, section in export(user).items():
            if name in data:
                raise ValueError(f"{label} exports {name!r}, which is already in the export")
            data[name] = section
    return data


def _export_account(user: User, absolute_url: Callable[[str], str]) -> dict[str, Any]:
    return {
        "name": user.name,
        "username": user.username,
        "email": user.email,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "profile_url": absolute_url(user.get_absolute_url()),
    }


def _export_profile(profile: Profile, absolute_url: Callable[[str], str]) -> dict[str, Any]:
    return {
        "primary_sector": profile.primary_sector,
        "other_sectors": profile.other_sectors,
        "roles": profile.roles,
        "job_title": profile.job_title,
        "core_activities": profile.core_activities,
        "expertise": profile.expertise,
        "bio": profile.bio,
        "avatar": (
            {str(size): absolute_url(avatar_url(profile, size)) for size in AVATAR_SIZES}
            if profile.avatar
            else None
        ),
        "website": profile.website,
        "open_to_collaboration": profile.open_to_collaboration,
        "looking_for": profile.looking_for,
        "visibility": profile.visibility,
        "notification_settings": profile.notification_settings,
        "onboarded_at": profile.onboarded_at,
        "updated_at": profile.updated_at,
    }


def _export_organisation(organisation: Organisation | None) -> dict[str, Any] | None:
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "status": organisation.status,
        "website": organisation.website,
    }


def _export_contact_messages(user: User) -> dict[str, list[dict[str, Any]]]:
    sent = (
        ContactMessage.objects.filter(sender=user)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
    received = (
        ContactMessage.objects.filter(recipient=user)
        .select_related("sender")
        .order_by("created_at", "pk")
    )
    return {
        "sent": [
            {"to": m.recipient.username if m.recipient else None, "sent_at": m.created_at}
            for m in sent
        ],
        "received": [
            {"from": m.sender.username if m.sender else None, "received_at": m.created_at}
            for m in received
        ],
    }


def export_filename(user: User) -> str:
    return f"lef-export-{user.username}.json"


# Deletion --------------------------------------------------------------------------


def delete_account(*, user: User, by: User | None = None) -> list[str]:
    """Anonymise ``user``'s account: what identifies them goes, the row stays.

    ``by`` is who deletes it: the member (the default) or a superuser in the
    admin. Queues a confirmation mail to the member's primary address first,
    inside the transaction, so it is sent only if the anonymisation commits.
    Then, in the same transaction, with the user's row locked:

    * the account is deactivated (members.services.deactivate_member): every
      session of the member ends, and every app gives up what the member held
      (meetup places, coming bookings, the lead of a project), mailing whom
      that concerns after the commit;
    * name, email, every personal profile field and the search vector are
      cleared; the username becomes ``deleted-<random>``; the password becomes
      unusable; the account is inactive and loses staff rights, groups and
      permissions;
    * allauth's email addresses and second factors and every notice to the
      member are deleted, and so are undelivered messages they wrote
      (lef.notifications.forget_notices_about),
      and mail they wrote that waits in the queue or failed (lef.mail.forget_mail_about);
    * organisations they proposed no longer name them;
    * every app's ``delete_account`` hook runs (lef.hooks);
    * the avatar field is cleared, and its files are deleted once this commits.

    The ``User`` and ``Profile`` rows stay, so attendance, bookings and contact
    message counts elsewhere stay correct. Returns what the deactivation did,
    one sentence each (see :func:`~members.services.deactivate_member`).
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        address = _primary_address(user)
        if address:
            subject, body = render_mail(
                "members/email/account_deleted", {"user": user}, language=language_of(user)
            )
            queue_mail(
                subject=subject, body=body, to=[address], reply_to=[settings.LEF_CONTACT_EMAIL]
            )

        done = deactivate_member(user=user, by=by or user)
        for _label, delete_part in hooks.implementations("delete_account"):
            delete_part(user)

        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        _clear_profile(profile)
        delete_avatar(profile=profile)

        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()  # app codes, passkeys, recovery codes
        Notice.objects.filter(recipient=user).delete()
        forget_notices_about(user)
        forget_mail_about(user.pk)
        Organisation.objects.filter(proposed_by=user).update(proposed_by=None)

        user.name = ""
        user.email = ""
        user.username = f"{DELETED_USERNAME_PREFIX}{secrets.token_hex(8)}"
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.last_login = None
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    logger.info("Account %s deleted (anonymised)", user.pk)
    return done


def _primary_address(user: User) -> str:
    primary = EmailAddress.objects.filter(user=user, primary=True).first()
    return primary.email if primary else user.email


def _clear_profile(profile: Profile) -> None:
    # The primary sector stays: on its own it identifies nobody, and it keeps the
    # sector mix of past meetups and projects on the dashboard correct.
    profile.other_sectors = []
    profile.roles = []
    profile.organisation = None
    profile.job_title = ""
    profile.core_activities = []
    profile.expertise = []
    profile.bio = ""
    profile.website = ""
    profile.open_to_collaboration = False
    profile.looking_for = ""
    profile.visibility = Profile.Visibility.MEMBERS
    profile.notification_settings = {}
    profile.onboarded_at = None
    profile.search_vector = None
    profile.save()
