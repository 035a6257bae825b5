"""Privacy (AVG/GDPR): a member's own data as JSON, and deleting an account by anonymising it.

Later apps (projects, events, spaces) hold data about members too. ``members``
must not import them, so they plug in here from their ``AppConfig.ready()``::

    from members.privacy import register_anonymisation_step, register_export_section

    register_export_section("projects", export_projects)        # fn(user) -> JSON-able
    register_anonymisation_step("projects", anonymise_projects)  # fn(user) -> None

An export section returns only the member's own data (and at most other members'
usernames). An anonymisation step runs inside the deletion's transaction, on a
user whose name and addresses are still readable, and must keep rows that
counts depend on (registrations, bookings): clear what identifies the person,
do not delete the row.

The registry is filled once per process at start-up, from code, the same in every
process: configuration, not shared mutable state.
"""

import logging
import secrets
from collections.abc import Callable
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from lef.mail import forget_mail_about, queue_mail
from lef.models import Notice
from lef.notifications import forget_notices_about, language_of, render_mail
from lef.ratelimit import RateLimit
from members.avatars import AVATAR_SIZES, avatar_url, delete_avatar
from members.models import ContactMessage, Organisation, Profile, User

logger = logging.getLogger(__name__)

ExportSection = Callable[[User], Any]
AnonymisationStep = Callable[[User], None]

EXPORT_FORMAT_VERSION = 1
DELETED_USERNAME_PREFIX = "deleted-"

# Wrong passwords on the delete page, per member: five per quarter of an hour.
DELETE_ATTEMPTS = RateLimit("account-delete-password", limit=5, window=15 * 60)

_export_sections: dict[str, ExportSection] = {}
_anonymisation_steps: dict[str, AnonymisationStep] = {}

# Keys of the export that members itself fills; a later app cannot take them.
_CORE_SECTIONS = frozenset(
    {"format", "exported_at", "account", "profile", "organisation", "proposed_organisations",
     "contact_messages", "notices"}
)  # fmt: skip


# Registry --------------------------------------------------------------------------


def register_export_section(name: str, fn: ExportSection) -> None:
    """Add ``fn(user)`` as section ``name`` of every export (from an AppConfig.ready())."""
    _register(_export_sections, name, fn)


def register_anonymisation_step(name: str, fn: AnonymisationStep) -> None:
    """Run ``fn(user)`` inside every account deletion (from an AppConfig.ready())."""
    _register(_anonymisation_steps, name, fn)


def unregister_export_section(name: str) -> None:
    _export_sections.pop(name, None)


def unregister_anonymisation_step(name: str) -> None:
    _anonymisation_steps.pop(name, None)


def _register(registry: dict, name: str, fn: Callable) -> None:
    if name in _CORE_SECTIONS:
        raise ValueError(f"{name!r} is a section of the members app itself")
    if registry.get(name, fn) is not fn:
        raise ValueError(f"{name!r} is already registered")
    registry[name] = fn


def export_section_names() -> list[str]:
    """The names of the registered sections, for the page that explains the export."""
    return sorted(_export_sections)


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
    for name in sorted(_export_sections):
        data[name] = _export_sections[name](user)
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


def delete_account(*, user: User) -> None:
    """Anonymise ``user``'s account: what identifies them goes, the row stays.

    Queues a confirmation mail to the member's primary address first, inside the
    transaction, so it is sent only if the anonymisation commits. Then, in the
    same transaction, with the user's row locked:

    * name, email, every personal profile field and the search vector are
      cleared; the username becomes ``deleted-<random>``; the password becomes
      unusable; the account is inactive and loses staff rights, groups and
      permissions;
    * allauth's email addresses and every notice to the member are deleted, and
      so are undelivered messages they wrote (lef.notifications.forget_notices_about),
      and mail they wrote that waits in the queue or failed (lef.mail.forget_mail_about);
    * organisations they proposed no longer name them;
    * every session of the member is deleted (the sessions are in the database);
    * the anonymisation steps of later apps run;
    * the avatar field is cleared, and its files are deleted once this commits.

    The ``User`` and ``Profile`` rows stay, so attendance, bookings and contact
    message counts elsewhere stay correct.
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

        for name in sorted(_anonymisation_steps):
            _anonymisation_steps[name](user)

        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        _clear_profile(profile)
        delete_avatar(profile=profile)

        EmailAddress.objects.filter(user=user).delete()
        Notice.objects.filter(recipient=user).delete()
        forget_notices_about(user)
        forget_mail_about(user.pk)
        Organisation.objects.filter(proposed_by=user).update(proposed_by=None)
        _end_sessions(user)

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


def _end_sessions(user: User) -> int:
    """End every session of ``user`` stored in the database; return how many.

    Sessions are signed blobs, so each unexpired one is decoded to find its
    owner. That reads every live session, which is fine for something as rare
    as deleting an account. Each is deleted through the configured session
    store, so a cached_db store forgets its cached copy too. With a session
    engine that is not database-backed nothing is found here; the sessions die
    anyway: the unusable password changes the session auth hash that Django
    checks on every request, and an inactive user is not authenticated.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    owned = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    for session_key in owned:
        store(session_key=session_key).delete()
    return len(owned)
