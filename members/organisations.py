"""Organisations: who may see which, the directory reads, and the coordinators' actions.

Members pick an approved organisation or propose a new one; coordinators approve,
decline or merge proposals (in the admin, which calls the services below). The
loop is closed by mail: every coordinator hears of a proposal (now or in their
daily digest, as they chose), and the proposer hears what was decided.
A merged organisation is kept with ``merged_into`` set, so old links redirect;
a declined one is kept too, seen by nobody.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from lef import audit
from lef.coordinators import coordinators, is_coordinator
from lef.errors import DomainError
from lef.images import delete_after_commit
from lef.notifications import (
    NotificationKind,
    absolute_url,
    after_commit,
    notify,
    send_transactional,
)
from lef.validators import validate_multiline_text
from members.models import Organisation, Profile, User
from members.queries import CARD_FIELDS

# How far ``resolve_merged`` follows merged_into links. Merging re-points older
# merges to the new target, so chains are one link long; the cap only guards
# against a loop made by hand in the database.
MAX_MERGE_HOPS = 5

# A coordinator's note to the proposer when declining (mailed, not stored).
MAX_DECLINE_REASON_LENGTH = 1000

logger = logging.getLogger(__name__)


class OrganisationError(DomainError):
    """A coordinator's action on organisations that cannot be done; the message says why."""


# Permissions and reads ---------------------------------------------------------------


def can_view_organisation(user, organisation: Organisation) -> bool:
    """Approved ones are public; a proposal only for its proposer and coordinators.

    Merged organisations are not viewable themselves: their pages redirect.
    """
    if organisation.status == Organisation.Status.APPROVED:
        return True
    if organisation.status != Organisation.Status.PROPOSED or not user.is_authenticated:
        return False
    return organisation.proposed_by_id == user.pk or is_coordinator(user)


def resolve_merged(organisation: Organisation) -> Organisation | None:
    """The organisation a merged one ended up in, or None if that trail is broken."""
    current = organisation
    for _hop in range(MAX_MERGE_HOPS):
        if current.status != Organisation.Status.MERGED:
            return current
        if current.merged_into_id is None:
            return None
        current = current.merged_into
    return None


def with_member_counts(organisations: QuerySet, viewer) -> QuerySet:
    """Annotate ``member_count``: the members of each organisation that ``viewer`` may see.

    A subquery over ``Profile.objects.visible_to`` so the number on a card always
    matches the list on the organisation's page, in one query whatever the rows.
    """
    counts = (
        Profile.objects.visible_to(viewer)
        .filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return organisations.annotate(
        member_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
    )


def organisations_for_directory(
    viewer,
    *,
    kind: str = "",
    sector: str = "",
    partner: bool | None = None,
) -> QuerySet:
    """Approved organisations for /organisations/, filtered, with member counts."""
    organisations = Organisation.objects.approved()
    if kind:
        organisations = organisations.filter(kind=kind)
    if sector:
        organisations = organisations.filter(sectors__contains=[sector])
    if partner is not None:
        organisations = organisations.filter(is_partner=partner)
    return with_member_counts(organisations, viewer).order_by("name", "pk")


def organisation_members(organisation: Organisation, viewer) -> QuerySet:
    """The listed profiles of an organisation that ``viewer`` may see, by name.

    As rows of ``members.queries.CARD_FIELDS``, for ``member_cards``.
    """
    return (
        Profile.objects.visible_to(viewer)
        .filter(organisation=organisation)
        .order_by("user__name", "user__username")
        .values(*CARD_FIELDS)
    )


def initials(name: str) -> str:
    """Up to two capitals for a card without a logo: "Da Vinci College" -> "DV"."""
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "?"


# Services ------------------------------------------------------------------------------


def save_organisation(*, organisation: Organisation) -> Organisation:
    """Save a coordinator's changes to ``organisation`` (the admin's form, already cleaned).

    Validates the model and saves with the row locked. The logo changes only
    through lef.images (the admin stores an upload after the commit, and
    deletes a replaced or removed logo's files then): a save writes back the
    logo stored now, never one it read earlier. The members' search vectors
    and directory cards follow the new name or slug by themselves.
    """
    organisation.full_clean(validate_unique=False)
    with transaction.atomic():
        if organisation.pk is not None:
            stored = (
                Organisation.objects.select_for_update()
                .values_list("logo", flat=True)
                .get(pk=organisation.pk)
            )
            if organisation.logo:
                organisation.logo = stored
        organisation.save()
    return organisation


def approve_organisation(*, organisation: Organisation, by: User) -> Organisation:
    """Approve a proposed organisation so that everyone can see and pick it.

    Locks the organisation's row. Approving an approved one does nothing; a merged
    one cannot be approved (its members now belong elsewhere). A declined one can
    be (a coordinator changed their mind). When the status changes, the proposer
    is mailed after the commit (:func:`proposer_to_tell`): they can choose it now,
    and a start-up can book the places for start-ups.
    """
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.status == Organisation.Status.MERGED:
            raise OrganisationError(
                _("%(name)s was merged into another organisation and cannot be approved.")
                % {"name": locked.name}
            )
        if locked.status != Organisation.Status.APPROVED:
            locked.status = Organisation.Status.APPROVED
            locked.save(update_fields=["status"])
            logger.info("Organisation %s approved by user %s", locked.pk, by.pk)
            audit.record(locked, "members.organisation.approved", actor=by)
            proposer = proposer_to_tell(locked)
            if proposer is not None:
                on_profile = Profile.objects.filter(user=proposer, organisation=locked).exists()
                _tell_proposer(
                    proposer,
                    locked,
                    template="members/email/organisation_approved",
                    on_profile=on_profile,
                    is_startup=locked.kind == Organisation.Kind.STARTUP,
                )
    organisation.status = locked.status
    return locked


def decline_organisation(
    *, organisation: Organisation, by: User, reason: str = ""
) -> Organisation:
    """Decline a proposed organisation: it is kept, marked declined, and nobody sees it.

    Locks the organisation's row. Profiles that named it (its proposer's) no
    longer do, in the same transaction: a member chooses again from the list or
    proposes anew. The proposer is mailed after the commit, with the
    coordinator's ``reason`` if one is given (it is mailed, not stored).
    Declining a declined one does nothing and mails nobody; an approved or
    merged one cannot be declined (merge a duplicate into the right one instead).
    Raises OrganisationError, and then nothing is written.
    """
    reason = reason.strip()
    if len(reason) > MAX_DECLINE_REASON_LENGTH:
        raise OrganisationError(
            _("Keep the reason to at most %(max)d characters.")
            % {"max": MAX_DECLINE_REASON_LENGTH}
        )
    try:
        validate_multiline_text(reason)
    except ValidationError as error:
        raise OrganisationError(error.messages[0]) from error
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.status == Organisation.Status.PROPOSED:
            locked.status = Organisation.Status.DECLINED
            locked.save(update_fields=["status"])
            cleared = Profile.objects.filter(organisation=locked).update(organisation=None)
            logger.info("Organisation %s declined by user %s", locked.pk, by.pk)
            audit.record(
                locked, "members.organisation.declined", actor=by, data={"members": cleared}
            )
            proposer = proposer_to_tell(locked)
            if proposer is not None:
                _tell_proposer(
                    proposer,
                    locked,
                    template="members/email/organisation_declined",
                    reason=reason,
                )
        elif locked.status != Organisation.Status.DECLINED:
            raise OrganisationError(
                _("%(name)s is not a proposal, so it cannot be declined.") % {"name": locked.name}
            )
    organisation.status = locked.status
    return locked


def merge_organisations(*, duplicate: Organisation, into: Organisation, by: User) -> Organisation:
    """Merge ``duplicate`` into ``into``: its members move, its page redirects.

    In one transaction, with both rows locked (in primary-key order, so two merges
    at once cannot deadlock):

    * every profile of ``duplicate`` moves to ``into``;
    * organisations merged into ``duplicate`` earlier now point at ``into``, so
      redirects stay one hop;
    * ``into`` gains the sectors of ``duplicate`` and, where it has none, its
      description, website and logo; it stays a partner if either was one;
      a logo ``into`` does not take is deleted after the commit;
    * ``duplicate`` is kept with status merged and ``merged_into`` set;
    * the moved members' search vectors and directory cards follow by themselves
      (the database keeps them in step with the profile rows).

    Raises OrganisationError when the two are the same or either is already merged.
    Returns the updated ``into``.
    """
    if duplicate.pk == into.pk:
        raise OrganisationError(_("An organisation cannot be merged into itself."))
    with transaction.atomic():
        locked = {
            org.pk: org
            for org in Organisation.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        dup, target = locked[duplicate.pk], locked[into.pk]
        for org in (dup, target):
            if org.status == Organisation.Status.MERGED:
                raise OrganisationError(
                    _("%(name)s has already been merged into another organisation.")
                    % {"name": org.name}
                )
        was_proposed = dup.status == Organisation.Status.PROPOSED

        moved = Profile.objects.filter(organisation=dup).update(organisation=target)
        Organisation.objects.filter(merged_into=dup).update(merged_into=target)

        target.sectors = list(dict.fromkeys([*target.sectors, *dup.sectors]))
        target.is_partner = target.is_partner or dup.is_partner
        target.description = target.description or dup.description
        target.website = target.website or dup.website
        if dup.logo:
            # One row names a logo's files: it moves, or goes with the duplicate.
            if target.logo:
                delete_after_commit(dup.logo)
            else:
                target.logo = dup.logo
            dup.logo = ""
        target.save(update_fields=["sectors", "is_partner", "description", "website", "logo"])

        dup.status = Organisation.Status.MERGED
        dup.merged_into = target
        dup.save(update_fields=["status", "merged_into", "logo"])

        logger.info("Organisation %s merged into %s by user %s", dup.pk, target.pk, by.pk)
        audit.record(
            dup,
            "members.organisation.merged",
            actor=by,
            data={"into": target.pk, "members": moved},
        )
        audit.record(
            target,
            "members.organisation.merged_in",
            actor=by,
            data={"from": dup.pk, "members": moved},
        )
        proposer = proposer_to_tell(dup) if was_proposed else None
        if proposer is not None:
            _tell_proposer(
                proposer,
                dup,
                template="members/email/organisation_merged",
                into=target,
                into_url=absolute_url(target.get_absolute_url()),
            )
    duplicate.status, duplicate.merged_into = dup.status, target
    return target


# Closing the loop by mail -------------------------------------------------------------


def tell_coordinators_about_proposal(*, organisation: Organisation) -> int:
    """Tell every coordinator that ``organisation`` was proposed; returns how many.

    Call it inside the transaction that creates the proposal: each coordinator
    (lef.coordinators, the proposer left out) gets a notice of kind
    "coordination" once it commits, immediately or in their daily digest as
    they chose, never for a proposal that rolled back. The notice's key makes
    it one per proposal and coordinator.
    """
    proposer = organisation.proposed_by
    recipients = list(
        coordinators().exclude(pk=organisation.proposed_by_id).order_by("pk").only("pk")
    )
    context = {
        "organisation": organisation,
        "proposer": proposer,
        "review_url": absolute_url(
            reverse("admin:members_organisation_change", args=[organisation.pk])
        ),
        "proposals_url": absolute_url(
            f"{reverse('admin:members_organisation_changelist')}?status__exact="
            f"{Organisation.Status.PROPOSED}"
        ),
    }
    for recipient in recipients:
        after_commit(
            notify,
            recipient=recipient,
            kind=NotificationKind.COORDINATION,
            key=f"organisation:{organisation.pk}:proposed",
            template="members/email/organisation_proposed",
            context=context,
            about=proposer,
        )
    return len(recipients)


def proposer_to_tell(organisation: Organisation) -> User | None:
    """Who proposed ``organisation``, if they can be mailed: an active member with an address."""
    if organisation.proposed_by_id is None:
        return None
    proposer = organisation.proposed_by
    return proposer if proposer.is_active and proposer.email else None


def _tell_proposer(proposer: User, organisation: Organisation, *, template: str, **context):
    """Mail ``proposer`` what became of their proposal, once the transaction commits.

    A mail that answers the member's own request, so it cannot be turned off.
    """
    after_commit(
        send_transactional,
        recipient=proposer,
        template=template,
        context={
            "organisation": organisation,
            "organisation_url": absolute_url(organisation.get_absolute_url()),
            "profile_url": absolute_url(reverse("members:edit")) + "#organisation",
            **context,
        },
    )
