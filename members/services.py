"""Changes to a member's own profile, onboarding, messages between members, and deactivation.

Every function here owns its transaction, validates the model (``full_clean``,
the same rules the admin applies) and raises a :class:`MemberActionError` (a
``lef.errors.DomainError``, with a translated message for the member) when the
action cannot be done; nothing is written then. Views validate input with the
forms in ``members.forms`` and call these with the cleaned data.

What derives from a profile (its search vector, the directory's cached cards
and counts) is kept in step by the database, so no function here has to
remember it.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lef import audit, hooks
from lef.coordinators import is_coordinator
from lef.errors import DomainError, Invalid, NotAllowed, RateLimited
from lef.models import Notice
from lef.notifications import (
    NotificationKind,
    absolute_url,
    after_commit,
    delivery_for,
    full_notification_settings,
    notify,
)
from lef.slugs import create_with_unique_slug, slug_base
from lef.validators import validate_multiline_text
from members.avatars import ProcessedAvatar, delete_avatar, store_avatar
from members.models import ContactMessage, Organisation, Profile, User
from members.organisations import tell_coordinators_about_proposal

MAX_CONTACT_LENGTH = 2000

# Contact rate limits, counted from ContactMessage rows: (window, most messages).
CONTACT_LIMITS_PER_SENDER = ((timedelta(hours=1), 5), (timedelta(days=1), 20))
CONTACT_LIMIT_PER_RECIPIENT = (timedelta(days=1), 3)


class MemberActionError(DomainError):
    """An action on a member's own account that cannot be done; ``message`` says why."""


class UsernameUnavailableError(MemberActionError):
    """The chosen username is taken or reserved."""


class ProfileInvalidError(Invalid, MemberActionError):
    """Input that breaks a rule of the model; ``errors`` holds the messages per field."""

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "ProfileInvalidError":
        errors = {
            field: [str(message) for message in messages]
            for field, messages in getattr(
                error, "message_dict", {"__all__": error.messages}
            ).items()
        }
        first = next(iter(errors.values()))[0]
        return cls(first, errors)


class ContactNotAllowedError(MemberActionError, NotAllowed):
    """This message cannot be sent (to yourself, or to someone you cannot see)."""


class RecipientNotAcceptingError(ContactNotAllowedError):
    """The recipient has turned messages from members off."""


class DeactivationNotAllowedError(MemberActionError, NotAllowed):
    """Only coordinators deactivate accounts, and only superusers those of staff."""


class ContactRateLimitedError(ContactNotAllowedError, RateLimited):
    """The sender has sent too many messages recently."""

    status = 429


# Organisations ----------------------------------------------------------------------------


def propose_organisation(
    *, user: User, name: str, kind: str, sectors: Sequence[str] = ()
) -> Organisation:
    """An organisation for ``user`` to belong to, by a name they typed.

    Returns the organisation of that name (case-insensitive) that ``user`` may
    pick (``Organisation.objects.selectable_by``: approved, or their own
    proposal), approved ones first; otherwise creates a Proposed organisation
    with ``proposed_by=user`` for coordinators to approve or merge, under a
    unique slug (a clash with a concurrent proposal is retried in a savepoint),
    and tells every coordinator once the surrounding transaction commits.
    """
    name = " ".join(name.split())
    if not name:
        raise ProfileInvalidError(_("Give the name of your organisation."))
    if kind not in Organisation.Kind.values:
        raise ProfileInvalidError(_("Choose what kind of organisation it is."))
    existing = (
        Organisation.objects.selectable_by(user)
        .filter(name__iexact=name)
        .order_by("status", "pk")  # "approved" sorts before "proposed"
        .first()
    )
    if existing is not None:
        return existing
    organisation = Organisation(
        name=name[:160],
        kind=kind,
        sectors=list(dict.fromkeys(s for s in sectors if s)),
        status=Organisation.Status.PROPOSED,
        proposed_by=user,
    )
    try:
        organisation.full_clean(exclude=["slug"])
    except ValidationError as error:
        raise ProfileInvalidError.from_validation_error(error) from error

    def create(slug: str) -> Organisation:
        organisation.slug = slug
        organisation.save(force_insert=True)
        return organisation

    try:
        with transaction.atomic():
            organisation = create_with_unique_slug(
                Organisation, slug_base(name, max_length=160, fallback="organisatie"), create
            )
            audit.record(organisation, "members.organisation.proposed", actor=user)
            tell_coordinators_about_proposal(organisation=organisation)
    except IntegrityError as error:
        raise ProfileInvalidError(
            _("Could not save the new organisation. Please try again.")
        ) from error
    return organisation


def _chosen_organisation(
    *,
    user: User,
    organisation: Organisation | None,
    new_organisation_name: str,
    new_organisation_kind: str,
    primary_sector: str,
) -> Organisation | None:
    """A typed new name wins over a picked organisation; a pick must be selectable."""
    if new_organisation_name.strip():
        return propose_organisation(
            user=user,
            name=new_organisation_name,
            kind=new_organisation_kind or Organisation.Kind.OTHER,
            sectors=[primary_sector],
        )
    if organisation is None:
        return None
    if not Organisation.objects.selectable_by(user).filter(pk=organisation.pk).exists():
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
    name, username, language = user.name, user.username, user.language
    try:
        yield
    except BaseException:
        user.name, user.username, user.language = name, username, language
        raise


def _save_user(*, user: User, name: str, username: str | None, language: str | None) -> None:
    """Validate and save the user's own fields (the model's validators: reserved names, ...)."""
    user.name = " ".join(name.split())
    fields = ["name"]
    if username is not None and username != user.username:
        user.username = username.strip().lower()
        fields.append("username")
    if language is not None:
        user.language = language
        fields.append("language")
    try:
        user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in fields])
    except ValidationError as error:
        if "username" in getattr(error, "message_dict", {}):
            raise UsernameUnavailableError(error.message_dict["username"][0]) from error
        raise ProfileInvalidError.from_validation_error(error) from error
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError as exc:
        raise UsernameUnavailableError(_("This username is already taken.")) from exc


def _save_profile(profile: Profile, *, update_fields: list[str] | None = None) -> None:
    try:
        profile.full_clean(validate_unique=False)
    except ValidationError as error:
        raise ProfileInvalidError.from_validation_error(error) from error
    profile.save(update_fields=update_fields)


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
    language: str | None = None,
    new_organisation_name: str = "",
    new_organisation_kind: str = "",
    avatar: ProcessedAvatar | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Save everything on the profile form: the user's name, username, language and profile.

    Replaces every field given (the form always sends them all). A typed
    ``new_organisation_name`` proposes (or finds) that organisation and wins over
    ``organisation``. Expertise is normalised (lef.tags); other sectors lose the
    primary one. ``avatar`` replaces the photo, ``remove_avatar`` (without
    ``avatar``) removes it. A member who was not onboarded yet and now has a
    name, a primary sector and an organisation counts as onboarded.

    In one transaction with the profile row locked, after ``full_clean``.
    Raises UsernameUnavailableError or ProfileInvalidError; nothing is written then.
    """
    if not primary_sector:
        raise ProfileInvalidError(_("Choose your primary sector."))
    with _restoring_user_on_error(user), transaction.atomic():
        profile = Profile.objects.select_for_update().get(user=user)
        organisation_before = profile.organisation_id
        _save_user(user=user, name=name, username=username, language=language)
        profile.user = user
        profile.primary_sector = primary_sector
        profile.other_sectors = list(other_sectors)
        profile.roles = list(roles)
        profile.organisation = _chosen_organisation(
            user=user,
            organisation=organisation,
            new_organisation_name=new_organisation_name,
            new_organisation_kind=new_organisation_kind,
            primary_sector=primary_sector,
        )
        profile.job_title = job_title.strip()
        profile.core_activities = list(core_activities)
        profile.expertise = list(expertise)
        profile.bio = bio.strip()
        profile.website = website.strip()
        profile.open_to_collaboration = open_to_collaboration
        profile.looking_for = looking_for.strip()
        profile.visibility = visibility
        profile.notification_settings = full_notification_settings(dict(notification_settings))
        if profile.onboarded_at is None and profile.is_complete_enough:
            profile.onboarded_at = timezone.now()
        _save_profile(profile)
        _record_organisation_change(user, organisation_before, profile.organisation_id)
        if avatar is not None:
            store_avatar(profile=profile, processed=avatar)
        elif remove_avatar:
            delete_avatar(profile=profile)
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

    The organisation is picked (``Organisation.objects.selectable_by``) or
    proposed by name. ``onboarded_at`` keeps its first value when the step is
    repeated (e.g. after a coordinator cleared the sector). One transaction with
    the profile row locked, after ``full_clean``. Raises ProfileInvalidError when
    the name, sector or organisation is missing.
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
        _save_user(user=user, name=name, username=None, language=None)
        profile.user = user
        profile.primary_sector = primary_sector
        organisation_before = profile.organisation_id
        profile.organisation = chosen
        profile.onboarded_at = profile.onboarded_at or timezone.now()
        _save_profile(
            profile,
            update_fields=[
                "primary_sector",
                "other_sectors",
                "organisation",
                "onboarded_at",
                "updated_at",
            ],
        )
        _record_organisation_change(user, organisation_before, chosen.pk)
    return profile


def _record_organisation_change(user: User, before: int | None, after: int | None) -> None:
    """The organisations' history: a member chose one, or left one for another (or none)."""
    if before == after:
        return
    if before is not None:
        audit.record(
            Organisation(pk=before),
            "members.organisation.member_left",
            actor=user,
            data={"member": user.pk},
        )
    if after is not None:
        audit.record(
            Organisation(pk=after),
            "members.organisation.member_joined",
            actor=user,
            data={"member": user.pk},
        )


def set_interests(
    *, user: User, core_activities: Sequence[str], expertise: Iterable[str]
) -> Profile:
    """The second welcome step: the member's core activities and expertise tags.

    Replaces both; the rest of the profile is left alone. One transaction with
    the profile row locked, after ``full_clean``. Raises ProfileInvalidError.
    """
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(user=user)
        profile.core_activities = list(core_activities)
        profile.expertise = list(expertise)
        _save_profile(profile, update_fields=["core_activities", "expertise", "updated_at"])
    user.profile = profile
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
    try:
        validate_multiline_text(text)
    except ValidationError as error:
        raise ContactNotAllowedError(error.messages[0]) from error
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
        after_commit(
            notify,
            recipient=recipient,
            kind=NotificationKind.MESSAGES,
            key=f"contact:{message.pk}",
            template="members/email/contact",
            context={
                "sender": sender,
                "text": text,
                "sender_url": absolute_url(sender.get_absolute_url()),
            },
            reply_to=[sender.email] if sender.email else (),
            about=sender,
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


# Deactivation ------------------------------------------------------------------------


def deactivate_member(*, user: User, by: User) -> list[str]:
    """Make ``user``'s account inactive, and give up what an inactive member holds.

    In one transaction, with the user's row locked first (the order the apps'
    services lock in: the member, then an organisation, project, meetup or
    resource): the account becomes inactive, every session of it ends, and
    every app's ``deactivate`` hook runs (lef.hooks): meetup places are freed
    and the waiting lists move up, coming bookings are cancelled, projects the
    member is the last lead of are handed over. Whoever gains by it is mailed
    after the commit; the inactive member is not. An account that is already
    inactive gives up what it still holds. Returns what was done, one sentence
    each, for the coordinator.

    ``by`` is a coordinator (a superuser for a staff account), or the member
    deleting their own account (members.privacy). Raises
    DeactivationNotAllowedError, or an app's domain error (a meetup too busy
    to lock), when nothing is changed.
    """
    if by.pk != user.pk:
        if not is_coordinator(by):
            raise DeactivationNotAllowedError(_("Only coordinators can deactivate an account."))
        if user.is_staff and not by.is_superuser:
            raise DeactivationNotAllowedError(
                _("Only a superuser can deactivate the account of a coordinator.")
            )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
        end_sessions(locked)
        done = []
        for _label, give_up in hooks.implementations("deactivate"):
            done += give_up(locked)
    user.is_active = False
    return done


def end_sessions(user: User) -> int:
    """End every session of ``user`` stored in the database; return how many.

    Sessions are signed blobs, so each unexpired one is decoded to find its
    owner. That reads every live session, which is fine for something as rare
    as deactivating or deleting an account. Each is deleted through the
    configured session store, so a cached_db store forgets its cached copy
    too. With a session engine that is not database-backed nothing is found
    here; the sessions die anyway: an inactive user is not authenticated.
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
