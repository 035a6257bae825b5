"""Every change to a project's results, one function per action.

Each function owns its transaction, takes the lock it needs, re-checks the
rules after locking (:mod:`knowledge.permissions`), and raises a
:class:`KnowledgeError` (a ``lef.errors.DomainError`` with a translated
message and an HTTP status) when the action cannot be done; nothing is
written then. Mail is decided inside the transaction and rendered and queued
once it commits (``lef.notifications.after_commit``). Views, the admin and
the account deletion call these; nothing else writes results.

Locking: publishing and changing a project's results lock the project's row
first (``SELECT … FOR UPDATE``, the same lock ``projects.services`` takes for
its team), so who is a lead is read under it; actions on one result then lock
the result's row. A file is stored after the commit (``lef.documents``) and
its text is extracted by a task queued once it is stored.

The rules that live here and nowhere else:

* a result is never more public than its project;
* the licence and type are from the lists, nothing else;
* only team members the lead picked are asked to be authors, and only those
  who agreed are shown; an author may withdraw at any time;
* a hidden result says why, and its authors and the lead who added it are told.
"""

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledge.models import Author, PublishingSetting, Result, ResultReport
from knowledge.permissions import can_manage, can_publish
from lef import audit
from lef.coordinators import is_coordinator
from lef.documents import CleanDocument, delete_after_commit, keep_stored, store_after_commit
from lef.errors import Conflict, DomainError, Invalid, NotAllowed, RateLimited
from lef.notifications import (
    NotificationKind,
    absolute_url,
    after_commit,
    notify,
    send_transactional,
)
from lef.slugs import create_with_unique_slug, slug_base
from lef.validators import validate_multiline_text
from members.models import User
from projects.models import Membership, Project

logger = logging.getLogger(__name__)

MAX_LEARNED_LENGTH = 10_000
MAX_REASON_LENGTH = 2_000
MAX_AUTHORS = 30
# Paths below /knowledge/ that are not results.
RESERVED_SLUGS = frozenset({"add", "authorship", "oai", "search", "feed", "from-meetup"})
RESULTS_PER_MEMBER = (timedelta(days=1), 20)


# Errors ---------------------------------------------------------------------------------


class KnowledgeError(DomainError):
    """A result action that cannot be done; ``message`` says why."""


class ResultInvalid(Invalid, KnowledgeError):  # noqa: N818 -- a domain outcome, like EventFull
    """Input that breaks a rule; ``errors`` holds the messages per field."""


class ResultNotAllowed(KnowledgeError, NotAllowed):  # noqa: N818
    """The member may not do this."""


class AlreadyDone(KnowledgeError, Conflict):  # noqa: N818
    """The state moved on: already reported, no longer an author, already hidden."""


class TooMany(KnowledgeError, RateLimited):  # noqa: N818
    """Too many results lately."""


# Input ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultDetails:
    """What a lead fills in about a result: the add form and the edit form alike."""

    title: str
    summary: str
    kind: str
    licence: str
    visibility: str = Result.Visibility.PUBLIC
    learned: str = ""
    link: str = ""
    sectors: Sequence[str] = ()
    transitions: Sequence[str] = ()
    core_activities: Sequence[str] = ()

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def of(cls, result: Result) -> "ResultDetails":
        return cls(**{name: getattr(result, name) for name in cls.names()})

    def apply_to(self, result: Result) -> None:
        for name, given in asdict(self).items():
            value = list(dict.fromkeys(given)) if isinstance(given, list | tuple) else given
            if name in {"title", "summary"}:
                value = " ".join((value or "").split())
            elif isinstance(value, str):
                value = value.strip()
            setattr(result, name, value)


# Helpers --------------------------------------------------------------------------------


def _lock_project(project: Project | int) -> Project:
    pk = project.pk if isinstance(project, Project) else project
    return Project.objects.select_for_update().defer("search_vector").get(pk=pk)


def _lock_result(result: Result | int) -> Result:
    pk = result.pk if isinstance(result, Result) else result
    found = Result.objects.select_for_update().defer("search_vector").filter(pk=pk).first()
    if found is None:
        raise AlreadyDone(_("This result no longer exists."))
    return found


def _membership(project: Project, user: User) -> Membership | None:
    return Membership.objects.active().filter(project=project, member=user).first()


def _team_allowed(project: Project) -> bool:
    return PublishingSetting.objects.filter(project=project, team_may_publish=True).exists()


def _validate(result: Result, project: Project, *, has_file: bool) -> None:
    """Every rule about a result's fields, as errors per field; nothing is written on failure."""
    errors: dict[str, list[str]] = {}
    if result.licence not in Result.Licence.values:
        errors["licence"] = [_("Choose one of the licences in the list.")]
    if result.kind not in Result.Kind.values:
        errors["kind"] = [_("Choose one of the types in the list.")]
    if result.visibility not in Result.Visibility.values:
        errors["visibility"] = [_("Choose who can see the result.")]
    elif (
        result.visibility == Result.Visibility.PUBLIC
        and project.visibility != Project.Visibility.PUBLIC
    ):
        errors["visibility"] = [
            _(
                "The project is for members only, so its results are too. "
                "Choose “Members only”, or make the project public first."
            )
        ]
    if len(result.learned) > MAX_LEARNED_LENGTH:
        errors["learned"] = [
            _("This text can be at most %(max)d characters long.") % {"max": MAX_LEARNED_LENGTH}
        ]
    if not (has_file or result.link or result.learned):
        errors["__all__"] = [_("Add a file, a link or what you learned (or more than one).")]
    if not errors:
        try:
            result.full_clean(
                exclude=["slug", "project", "file", "file_name", "file_type", "file_size"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = {
                field: [str(m) for m in messages] for field, messages in error.message_dict.items()
            }
    if errors:
        raise ResultInvalid(next(iter(errors.values()))[0], errors)


def _mail_context(result: Result, **extra) -> dict:
    return {
        "result": result,
        "project": result.project,
        "result_url": absolute_url(result.get_absolute_url()),
        "authorship_url": absolute_url(reverse("knowledge:authorship")),
        **extra,
    }


def _ask_author(result: Result, author: Author, *, asked_by: User) -> None:
    after_commit(
        notify,
        recipient=author.member,
        kind=NotificationKind.PROJECTS,
        key=f"result:{result.pk}:author:{author.member_id}:{author.pk}",
        template="knowledge/email/author_asked",
        context=_mail_context(result, asked_by=str(asked_by)),
        about=asked_by,
    )


def _sync_authors(result: Result, project: Project, authors: Sequence[User], *, by: User):
    """Make the result's authors ``authors`` (in that order): new ones are asked, the ones
    left out are no longer named. ``by`` agrees for themselves at once."""
    wanted = list(dict.fromkeys(author.pk for author in authors))
    if len(wanted) > MAX_AUTHORS:
        raise ResultInvalid(
            _("A result can name at most %(max)d authors.") % {"max": MAX_AUTHORS},
            {"authors": []},
        )
    team = set(
        Membership.objects.active()
        .filter(project=project, member_id__in=wanted)
        .values_list("member_id", flat=True)
    )
    current = {author.member_id: author for author in result.authors.all()}
    for member_id in wanted:
        if member_id not in team and member_id not in current:
            message = _("Only members of the project's team can be named as authors.")
            raise ResultInvalid(message, {"authors": [message]})
    Author.objects.filter(result=result).exclude(member_id__in=wanted).delete()
    now = timezone.now()
    for position, member_id in enumerate(wanted):
        author = current.get(member_id)
        if author is not None:
            if author.position != position:
                author.position = position
                author.save(update_fields=["position"])
            continue
        author = Author.objects.create(
            result=result,
            member_id=member_id,
            position=position,
            agreed_at=now if member_id == by.pk else None,
        )
        if member_id != by.pk:
            _ask_author(result, author, asked_by=by)


def _extract_text(result_id: int) -> None:
    """Queue the text extraction of a stored file (knowledge.tasks)."""
    from knowledge.tasks import extract_text  # noqa: PLC0415 -- the task module imports models

    extract_text.enqueue(result_id)


def _store_file(result: Result, document: CleanDocument) -> None:
    """Keep what the file is (saved with the row); its bytes are stored after the commit,
    then its text is extracted. Call before the row is saved."""
    result.file_name = document.original_name
    result.file_type = document.type.code
    result.file_size = document.size
    store_after_commit(instance=result, document=document, then=partial(_extract_later, result))


def _extract_later(result: Result) -> None:
    _extract_text(result.pk)


# Publishing -----------------------------------------------------------------------------


def publish_result(
    *,
    project: Project,
    by: User,
    details: ResultDetails,
    document: CleanDocument | None = None,
    authors: Sequence[User] = (),
) -> Result:
    """Add a result to ``project``; ``by`` must be a lead, or on the team when the leads allow.

    Locks the project's row, then checks who ``by`` is on the team, the rules
    of :func:`_validate` (licence and type from the lists, never more public
    than the project, something to show) and at most 20 results a day per
    member. The picked ``authors`` (team members) are asked by mail; ``by``
    agrees at once when among them. ``document`` is stored once this commits,
    and its text extracted after. Raises ResultNotAllowed, ResultInvalid or TooMany.
    """
    with transaction.atomic():
        locked = _lock_project(project)
        membership = _membership(locked, by)
        if not can_publish(membership, locked, team_allowed=_team_allowed(locked)):
            raise ResultNotAllowed(
                _("Only the project's leads (or a team they allow) can do this.")
            )
        window, most = RESULTS_PER_MEMBER
        recent = Result.objects.filter(
            created_by=by, created_at__gte=timezone.now() - window
        ).count()
        if recent >= most:
            raise TooMany(_("You have added many results today. Please try again tomorrow."))
        result = Result(project=locked, created_by=by)
        details.apply_to(result)
        if document is not None:
            _store_file(result, document)
        _validate(result, locked, has_file=document is not None)

        def create(slug: str) -> Result:
            result.slug = slug
            result.save(force_insert=True)
            return result

        create_with_unique_slug(
            Result,
            slug_base(
                result.title,
                max_length=Result._meta.get_field("slug").max_length,
                fallback="result",
            ),
            create,
            reserved=RESERVED_SLUGS,
        )
        _sync_authors(result, locked, authors, by=by)
        audit.record(result, "knowledge.result.published", actor=by)
    return result


def update_result(
    *,
    result: Result,
    by: User,
    details: ResultDetails,
    document: CleanDocument | None = None,
    remove_file: bool = False,
    authors: Sequence[User] | None = None,
) -> Result:
    """A lead (or a coordinator) changes a result; ``authors`` None leaves them as they are.

    A new ``document`` replaces the file once this commits (the old file is
    deleted then); ``remove_file`` drops it. Same rules as :func:`publish_result`.
    """
    with transaction.atomic():
        project = _lock_project(result.project_id)
        locked = _lock_result(result)
        if not can_manage(by, _membership(project, by), project):
            raise ResultNotAllowed(_("Only the project's leads can do this."))
        stored = keep_stored(locked)
        details.apply_to(locked)
        has_file = document is not None or (bool(locked.file_name) and not remove_file)
        _validate(locked, project, has_file=has_file)
        if remove_file and document is None and locked.file_name:
            locked.file = locked.file_name = locked.file_type = locked.file_text = ""
            locked.file_size = 0
            delete_after_commit(stored)
        if document is not None:
            _store_file(locked, document)
        locked.save()
        if authors is not None:
            _sync_authors(locked, project, authors, by=by)
        audit.record(locked, "knowledge.result.changed", actor=by)
    for name in (*ResultDetails.names(), "file_name", "file_type", "file_size", "file"):
        setattr(result, name, getattr(locked, name))
    return locked


def delete_result(*, result: Result, by: User) -> None:
    """A lead (or a coordinator) deletes a result; its file goes once this commits."""
    with transaction.atomic():
        project = _lock_project(result.project_id)
        locked = _lock_result(result)
        if not can_manage(by, _membership(project, by), project):
            raise ResultNotAllowed(_("Only the project's leads can do this."))
        stored = keep_stored(locked)
        audit.record(locked, "knowledge.result.deleted", actor=by, data={"project": project.pk})
        locked.delete()
        delete_after_commit(stored)


def set_team_may_publish(*, project: Project, by: User, allowed: bool) -> PublishingSetting:
    """A lead lets every team member add results, or only leads again."""
    with transaction.atomic():
        locked = _lock_project(project)
        membership = _membership(locked, by)
        if membership is None or not membership.is_lead or locked.is_archived:
            raise ResultNotAllowed(_("Only the project's leads can do this."))
        setting, _created = PublishingSetting.objects.update_or_create(
            project=locked,
            defaults={"team_may_publish": allowed, "changed_by": by, "changed_at": timezone.now()},
        )
    return setting


# Authors --------------------------------------------------------------------------------


def answer_authorship(*, author: Author, member: User, agree: bool) -> Author | None:
    """The asked member agrees to be named (shown from now on) or declines (the row goes).

    Returns the author row, or None when declined.
    """
    with transaction.atomic():
        locked = Author.objects.select_for_update().filter(pk=author.pk).first()
        if locked is None or locked.member_id != member.pk:
            raise AlreadyDone(_("You are not asked to be an author of this result (any more)."))
        if not agree:
            locked.delete()
            audit.record(Result(pk=locked.result_id), "knowledge.author.declined", actor=member)
            return None
        if locked.agreed_at is None:
            locked.agreed_at = timezone.now()
            locked.save(update_fields=["agreed_at"])
            audit.record(Result(pk=locked.result_id), "knowledge.author.agreed", actor=member)
    return locked


def withdraw_authorship(*, author: Author, member: User) -> None:
    """An author no longer wants the result to name them: their author row goes."""
    with transaction.atomic():
        locked = Author.objects.select_for_update().filter(pk=author.pk).first()
        if locked is None or locked.member_id != member.pk:
            raise AlreadyDone(_("This result does not name you (any more)."))
        locked.delete()
        audit.record(Result(pk=locked.result_id), "knowledge.author.withdrew", actor=member)


# Hiding and reports ---------------------------------------------------------------------


def _clean_reason(reason: str, *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ResultInvalid(_("Please give a reason."), {what: [_("Please give a reason.")]})
    if len(reason) > MAX_REASON_LENGTH:
        message = _("The reason can be at most %(max)d characters long.") % {
            "max": MAX_REASON_LENGTH
        }
        raise ResultInvalid(message, {what: [message]})
    try:
        validate_multiline_text(reason)
    except ValidationError as error:
        raise ResultInvalid(error.messages[0], {what: error.messages}) from error
    return reason


def hide_result(*, result: Result, by: User, reason: str) -> Result:
    """A coordinator hides a result from the library, saying why; its open reports are handled.

    The agreed authors and the member who added it are mailed the reason, in
    their own language, once this commits (a mail they cannot switch off: it
    is about their own work). The team still sees the result, with the notice.
    """
    reason = _clean_reason(reason, what="hidden_reason")
    with transaction.atomic():
        if not is_coordinator(by):
            raise ResultNotAllowed(_("Only coordinators can hide results."))
        locked = _lock_result(result)
        if locked.is_hidden:
            raise AlreadyDone(_("This result is already hidden."))
        now = timezone.now()
        locked.hidden_at, locked.hidden_by, locked.hidden_reason = now, by, reason
        locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
        ResultReport.objects.filter(result=locked, handled_at__isnull=True).update(handled_at=now)
        audit.record(locked, "knowledge.result.hidden", actor=by)
        recipients = {
            author.member_id: author.member
            for author in locked.authors.filter(agreed_at__isnull=False, member__isnull=False)
            .select_related("member")
            .order_by("position", "pk")
        }
        if locked.created_by_id is not None and locked.created_by_id not in recipients:
            recipients[locked.created_by_id] = locked.created_by
        project = Project.objects.defer("search_vector").get(pk=locked.project_id)
        locked.project = project
        for member in recipients.values():
            after_commit(
                send_transactional,
                recipient=member,
                template="knowledge/email/result_hidden",
                context=_mail_context(locked, reason=reason),
            )
    result.hidden_at, result.hidden_by, result.hidden_reason = now, by, reason
    return locked


def unhide_result(*, result: Result, by: User) -> Result:
    """A coordinator shows a hidden result in the library again."""
    with transaction.atomic():
        if not is_coordinator(by):
            raise ResultNotAllowed(_("Only coordinators can hide results."))
        locked = _lock_result(result)
        if not locked.is_hidden:
            raise AlreadyDone(_("This result is not hidden."))
        locked.hidden_at, locked.hidden_by, locked.hidden_reason = None, None, ""
        locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
        audit.record(locked, "knowledge.result.unhidden", actor=by)
    result.hidden_at, result.hidden_by, result.hidden_reason = None, None, ""
    return locked


def report_result(*, result: Result, by: User, reason: str) -> ResultReport:
    """A member reports a result they can see; one open report per member and result.

    The partial unique constraint decides when two reports arrive at once.
    """
    reason = _clean_reason(reason, what="reason")
    if not (by.is_authenticated and by.is_active):
        raise ResultNotAllowed(_("Log in to report a result."))
    with transaction.atomic():
        locked = _lock_result(result)
        visible = Result.objects.visible_to(by).filter(pk=locked.pk).exists()
        if not visible:
            raise ResultNotAllowed(_("This result cannot be found."))
        try:
            with transaction.atomic():
                report = ResultReport.objects.create(result=locked, reporter=by, reason=reason)
        except IntegrityError as error:
            raise AlreadyDone(
                _("You have already reported this result; a coordinator will look at it.")
            ) from error
        audit.record(locked, "knowledge.result.reported", actor=by, data={"report": report.pk})
    return report


def handle_reports(*, result: Result, by: User) -> int:
    """A coordinator marks the result's open reports as handled (kept as it is); how many."""
    with transaction.atomic():
        if not is_coordinator(by):
            raise ResultNotAllowed(_("Only coordinators can do this."))
        locked = _lock_result(result)
        count = ResultReport.objects.filter(result=locked, handled_at__isnull=True).update(
            handled_at=timezone.now()
        )
        if count:
            audit.record(locked, "knowledge.reports.handled", actor=by, data={"count": count})
    return count


# Downloads ------------------------------------------------------------------------------


def count_download(*, result: Result) -> None:
    """One more download, in one UPDATE: concurrent downloads are never lost."""
    Result.objects.filter(pk=result.pk).update(downloads=F("downloads") + 1)


# Account deletion and export -----------------------------------------------------------


def anonymise_member(user: User) -> None:
    """Account deletion's step for results (in members.privacy's transaction).

    Results stay. An author row they agreed to stays without them (the page
    says "a former member"); a question they never answered goes. The results
    they added no longer name them, nor do their reports.
    """
    Author.objects.filter(member=user, agreed_at__isnull=True).delete()
    Author.objects.filter(member=user).update(member=None)
    Result.objects.filter(created_by=user).update(created_by=None)
    Result.objects.filter(hidden_by=user).update(hidden_by=None)
    ResultReport.objects.filter(reporter=user).update(reporter=None)


def export_member(user: User) -> dict:
    """The member's results and authorships for their data export."""
    return {
        "results_added": [
            {
                "title": r.title,
                "url": absolute_url(r.get_absolute_url()),
                "project": r.project.title,
                "published_at": r.created_at,
                "hidden": r.is_hidden,
            }
            for r in Result.objects.filter(created_by=user)
            .select_related("project")
            .defer("search_vector", "file_text", "project__search_vector")
            .order_by("created_at", "pk")
        ],
        "authorships": [
            {
                "title": a.result.title,
                "url": absolute_url(a.result.get_absolute_url()),
                "asked_at": a.asked_at,
                "agreed_at": a.agreed_at,
            }
            for a in Author.objects.filter(member=user)
            .select_related("result")
            .defer("result__search_vector", "result__file_text")
            .order_by("asked_at", "pk")
        ],
        "reports": [
            {"result": r.result.title, "reason": r.reason, "reported_at": r.created_at}
            for r in ResultReport.objects.filter(reporter=user)
            .select_related("result")
            .defer("result__search_vector", "result__file_text")
            .order_by("created_at", "pk")
        ],
    }
