"""Changes to a member's own profile, onboarding, and messages between members.

Every function here owns its transaction and raises a :class:`MemberActionError`
(with a translated message for the member) when the action cannot be done. Views
validate input with the forms in ``members.forms`` and call these with the
cleaned data; nothing else writes profiles.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.avatars import ProcessedAvatar, delete_avatar, store_avatar
from members.models import ContactMessage, Notice, Organisation, Profile, User
from members.notifications import (
    NotificationKind,
    absolute_url,
    delivery_for,
    full_notification_settings,
    notify,
)
from members.search import refresh_search_vectors
from members.usernames import RESERVED

MAX_EXPERTISE_TAGS = 15
MAX_TAG_LENGTH = 50
MAX_CONTACT_LENGTH = 2000

# Contact rate limits, counted from ContactMessage rows: (window, most messages).
CONTACT_LIMITS_PER_SENDER = ((timedelta(hours=1), 5), (timedelta(days=1), 20))
CONTACT_LIMIT_PER_RECIPIENT = (timedelta(days=1), 3)

_SLUG_ATTEMPTS = 5


class MemberActionError(Exception):
    """An action on a member's own account that cannot be done; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsernameUnavailableError(MemberActionError):
    """The chosen username is taken or reserved."""


class ProfileInvalidError(MemberActionError):
    """Input the form should have refused (a service called from elsewhere)."""


class ContactNotAllowedError(MemberActionError):
    """This message cannot be sent (to yourself, or to someone you cannot see)."""


class RecipientNotAcceptingError(ContactNotAllowedError):
    """The recipient has turned messages from members off."""


class ContactRateLimitedError(ContactNotAllowedError):
    """The sender has sent too many messages recently."""


# Expertise tags -------------------------------------------------------------------------


def normalise_tag(tag: str) -> str:
    """One expertise tag as stored: lower case, no leading '#', single inner spaces."""
    return " ".join(tag.strip().lstrip("#").split()).lower()


def normalise_expertise(tags: Iterable[str]) -> list[str]:
    """Tags normalised with :func:`normalise_tag`, empty ones and repeats dropped, in order."""
    return list(dict.fromkeys(t for t in (normalise_tag(tag) for tag in tags) if t))


def _checked_expertise(tags: Iterable[str]) -> list[str]:
    expertise = normalise_expertise(tags)
    if len(expertise) > MAX_EXPERTISE_TAGS:
        raise ProfileInvalidError(
            _("Choose at most %(max)d expertise tags.") % {"max": MAX_EXPERTISE_TAGS}
        )
    if any(len(tag) > MAX_TAG_LENGTH for tag in expertise):
        raise ProfileInvalidError(
            _("An expertise tag can be at most %(max)d characters long.") % {"max": MAX_TAG_LENGTH}
        )
    return expertise


# Organisations ----------------------------------------------------------------------------


def propose_organisation(
    *, user: User, name: str, kind: str, sectors: Sequence[str] = ()
) -> Organisation:
    """An organisation for ``user`` to belong to, by a name they typed.

    Returns the approved organisation of that name (case-insensitive) when there
    is one, or the one ``user`` proposed before under that name; otherwise creates
    a Proposed organisation with ``proposed_by=user`` for coordinators to approve
    or merge. The slug is made unique; a clash with a concurrent proposal is
    retried inside a savepoint.
    """
    name = " ".join(name.split())
    if not name:
        raise ProfileInvalidError(_("Give the name of your organisation."))
    if kind not in Organisation.Kind.values:
        raise ProfileInvalidError(_("Choose what kind of organisation it is."))
    existing = (
        Organisation.objects.filter(name__iexact=name)
        .filter(
            Q(status=Organisation.Status.APPROVED)
            | Q(status=Organisation.Status.PROPOSED, proposed_by=user)
        )
        .order_by("status", "pk")  # "approved" sorts before "proposed"
        .first()
    )
    if existing is not None:
        return existing
    base = slugify(name)[:150].strip("-") or "organisatie"
    with transaction.atomic():
        for _attempt in range(_SLUG_ATTEMPTS):
            slug = _free_slug(base)
            try:
                with transaction.atomic():
                    return Organisation.objects.create(
                        name=name[:160],
                        slug=slug,
                        kind=kind,
                        sectors=list(dict.fromkeys(s for s in sectors if s)),
                        status=Organisation.Status.PROPOSED,
                        proposed_by=user,
                    )
            except IntegrityError:
                continue  # another proposal took the slug between our check and insert
    raise ProfileInvalidError(_("Could not save the new organisation. Please try again."))


def _free_slug(base: str) -> str:
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _chosen_organisation(
    *,
    user: User,
    organisation: Organisation | None,
    new_organisation_name: str,
    new_organisation_kind: str,
    primary_sector: str,
) -> Organisation | None:
    """A typed new name wins over a picked organisation; a pick must be approved or own."""
    if new_organisation_name.strip():
        return propose_organisation(
            user=user,
            name=new_organisation_name,
            kind=new_organisation_kind or Organisation.Kind.OTHER,
            sectors=[primary_sector],
        )
    if organisation is None:
        return None
    allowed = organisation.status == Organisation.Status.APPROVED or (
        organisation.status == Organisation.Status.PROPOSED
        and organisation.proposed_by_id == user.pk
    )
    if not allowed:
        raise ProfileInvalidError(_("Choose an organisation from the list."))
    return organisation


# Profile --------------------------------------------------------------------------------


def ensure_profile(*, user: User) -> Profile:
    """The user's profile, created empty if the user has none yet.

    ``User.objects.create_user`` makes one, but allauth's signup and the admin's
    "add user" save a bare User; every user must have a profile.
    """
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _created = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile


@contextmanager
def _restoring_user_on_error(user: User) -> Iterator[None]:
    """Undo in-memory changes to ``user`` when the transaction rolls back.

    The view re-renders the form with the same ``request.user``; its name in the
    navigation must not show a value that was never saved.
    """
    name, username = user.name, user.username
    try:
        yield
    except BaseException:
        user.name, user.username = name, username
        raise


def _save_name_and_username(*, user: User, name: str, username: str | None) -> None:
    user.name = " ".join(name.split())
    fields = ["name"]
    if username is not None and username != user.username:
        username = username.strip().lower()
        if username in RESERVED:
            raise UsernameUnavailableError(_("This username is not available."))
        user.username = username
        fields.append("username")
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError as exc:
        raise UsernameUnavailableError(_("This username is already taken.")) from exc


def update_profile(
    *,
    user: User,
    name: str,
    username: str,
    primary_sector: str,
    other_sectors: Sequence[str],
    roles: Sequence[str],
    organisation: Organisation | None,
    job_title: str,
    core_activities: Sequence[str],
    expertise: Iterable[str],
    bio: str,
    website: str,
    open_to_collaboration: bool,
    looking_for: str,
    visibility: str,
    notification_settings: Mapping[str, str],
    new_organisation_name: str = "",
    new_organisation_kind: str = "",
    avatar: ProcessedAvatar | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Save everything on the profile form: the user's name and username, and the profile.

    Replaces every field given (the form always sends them all). A typed
    ``new_organisation_name`` proposes (or finds) that organisation and wins over
    ``organisation``. Expertise is normalised; other sectors lose the primary one.
    ``avatar`` replaces the photo, ``remove_avatar`` (without ``avatar``) removes
    it. A member who was not onboarded yet and now has a name, a primary sector
    and an organisation counts as onboarded.

    In one transaction with the profile row locked; the search vector is
    refreshed before it commits, so the directory finds the new text at once.
    Raises UsernameUnavailableError or ProfileInvalidError; nothing is written then.
    """
    if not primary_sector:
        raise ProfileInvalidError(_("Choose your primary sector."))
    with _restoring_user_on_error(user), transaction.atomic():
        profile = Profile.objects.select_for_update().get(user=user)
        _save_name_and_username(user=user, name=name, username=username)
        profile.user = user
        profile.primary_sector = primary_sector
        profile.other_sectors = [s for s in dict.fromkeys(other_sectors) if s != primary_sector]
        profile.roles = list(dict.fromkeys(roles))
        profile.organisation = _chosen_organisation(
            user=user,
            organisation=organisation,
            new_organisation_name=new_organisation_name,
            new_organisation_kind=new_organisation_kind,
            primary_sector=primary_sector,
        )
        profile.job_title = job_title.strip()
        profile.core_activities = list(dict.fromkeys(core_activities))
        profile.expertise = _checked_expertise(expertise)
        profile.bio = bio.strip()
        profile.website = website.strip()
        profile.open_to_collaboration = open_to_collaboration
        profile.looking_for = looking_for.strip()
        profile.visibility = visibility
        profile.notification_settings = full_notification_settings(dict(notification_settings))
        if profile.onboarded_at is None and profile.is_complete_enough:
            profile.onboarded_at = timezone.now()
        profile.save()
        if avatar is not None:
            store_avatar(profile=profile, processed=avatar)
        elif remove_avatar:
            delete_avatar(profile=profile)
        refresh_search_vectors(user_ids=[user.pk])
    return profile


def complete_onboarding(
    *,
    user: User,
    name: str,
    primary_sector: str,
    organisation: Organisation | None = None,
    new_organisation_name: str = "",
    new_organisation_kind: str = "",
) -> Profile:
    """The short first step: name, primary sector and organisation; sets ``onboarded_at``.

    The organisation is picked (approved, or proposed by ``user``) or proposed by
    name. ``onboarded_at`` keeps its first value when the step is repeated. One
    transaction with the profile row locked; refreshes the search vector.
    Raises ProfileInvalidError when the sector or organisation is missing.
    """
    if not name.strip():
        raise ProfileInvalidError(_("Tell us your name."))
    if not primary_sector:
        raise ProfileInvalidError(_("Choose your primary sector."))
    with _restoring_user_on_error(user), transaction.atomic():
        profile = Profile.objects.select_for_update().get(user=user)
        chosen = _chosen_organisation(
            user=user,
            organisation=organisation,
            new_organisation_name=new_organisation_name,
            new_organisation_kind=new_organisation_kind,
            primary_sector=primary_sector,
        )
        if chosen is None:
            raise ProfileInvalidError(_("Choose your organisation or propose a new one."))
        _save_name_and_username(user=user, name=name, username=None)
        profile.user = user
        profile.primary_sector = primary_sector
        profile.other_sectors = [s for s in profile.other_sectors if s != primary_sector]
        profile.organisation = chosen
        profile.onboarded_at = profile.onboarded_at or timezone.now()
        profile.save(
            update_fields=[
                "primary_sector",
                "other_sectors",
                "organisation",
                "onboarded_at",
                "updated_at",
            ]
        )
        refresh_search_vectors(user_ids=[user.pk])
    return profile


# Messages between members -------------------------------------------------------------


def accepts_messages(profile: Profile) -> bool:
    """Whether the member behind ``profile`` receives messages from other members."""
    return (
        delivery_for(profile.notification_settings, NotificationKind.MESSAGES)
        != Notice.Delivery.OFF
    )


def send_contact_message(*, sender: User, recipient: User, text: str) -> ContactMessage:
    """Send ``recipient`` a message from ``sender`` by mail, through the site.

    The mail goes through ``notify`` (kind "messages", so it honours the
    recipient's choice of immediately or daily) with Reply-To set to the sender's
    address; the recipient's address is never shown to the sender. The text is
    not stored: a ContactMessage row records only who wrote to whom and when.

    Rate limits, counted from ContactMessage rows while holding a lock on the
    sender's user row (``SELECT … FOR UPDATE``), so they hold across processes:
    at most 5 an hour and 20 a day per sender, and 3 a day to the same recipient.

    Raises ContactNotAllowedError (to yourself, or to someone ``sender`` may not see),
    RecipientNotAcceptingError (they turned messages off) or ContactRateLimitedError.
    """
    text = text.strip()
    if sender.pk == recipient.pk:
        raise ContactNotAllowedError(_("You cannot send a message to yourself."))
    if not text or len(text) > MAX_CONTACT_LENGTH:
        raise ContactNotAllowedError(
            _("Write a message of at most %(max)d characters.") % {"max": MAX_CONTACT_LENGTH}
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=sender.pk).values_list("pk").get()
        profile = (
            Profile.objects.visible_to(sender)
            .select_related("user")
            .filter(user=recipient)
            .first()
        )
        if profile is None:
            raise ContactNotAllowedError(_("This member cannot be found."))
        if not accepts_messages(profile):
            raise RecipientNotAcceptingError(
                _("%(name)s does not receive messages through 't LEF.") % {"name": profile.user}
            )
        _check_contact_limits(sender=sender, recipient=recipient)
        message = ContactMessage.objects.create(sender=sender, recipient=recipient)
        context = {
            "sender": sender,
            "text": text,
            "sender_url": absolute_url(sender.get_absolute_url()),
        }
        notify(
            recipient=recipient,
            kind=NotificationKind.MESSAGES,
            key=f"contact:{message.pk}",
            subject=" ".join(
                render_to_string("members/email/contact_subject.txt", context).split()
            ),
            body=render_to_string("members/email/contact_body.txt", context),
            reply_to=[sender.email] if sender.email else None,
        )
    return message


def _check_contact_limits(*, sender: User, recipient: User) -> None:
    now = timezone.now()
    per_recipient_window, per_recipient_max = CONTACT_LIMIT_PER_RECIPIENT
    windows = {f"w{i}": window for i, (window, _max) in enumerate(CONTACT_LIMITS_PER_SENDER)}
    counts = ContactMessage.objects.filter(sender=sender).aggregate(
        to_recipient=Count(
            "pk",
            filter=Q(recipient=recipient, created_at__gte=now - per_recipient_window),
        ),
        **{
            alias: Count("pk", filter=Q(created_at__gte=now - window))
            for alias, window in windows.items()
        },
    )
    for i, (_window, most) in enumerate(CONTACT_LIMITS_PER_SENDER):
        if counts[f"w{i}"] >= most:
            raise ContactRateLimitedError(
                ngettext(
                    "You have sent %(count)d message recently, the most we allow. "
                    "Please try again later.",
                    "You have sent %(count)d messages recently, the most we allow. "
                    "Please try again later.",
                    most,
                )
                % {"count": most}
            )
    if counts["to_recipient"] >= per_recipient_max:
        raise ContactRateLimitedError(
            ngettext(
                "You have already sent this member %(count)d message today. "
                "Please wait for an answer, or try again tomorrow.",
                "You have already sent this member %(count)d messages today. "
                "Please wait for an answer, or try again tomorrow.",
                per_recipient_max,
            )
            % {"count": per_recipient_max}
        )
