"""The views of a project's team rows and join requests, rendered once per content.

A lead's team page shows up to two dozen people with their buttons and every
request waiting, each with its message box; rendering them is most of the
page's time. Each row is described here by a frozen dataclass of plain values
that its template sees alone, and :mod:`lef.fragments` renders each once per
content and process. The CSRF token is not in them: a team row's buttons send
the page's one team form to their own address (``formaction``), a request's
fields and buttons name the request's own small form (``form=``).
"""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from lef.fragments import join_fragments, render_fragment
from members.templatetags.avatars import avatar
from projects.models import Membership, Project

AVATAR = 48
REQUEST_AVATAR = 40


@dataclass(frozen=True, slots=True)
class Face:
    """What the avatar tag shows: a photo (and its 2x), or initials."""

    src: str | None
    src_2x: str | None
    initials: str


def _face(profile, size: int) -> Face:
    shown = avatar(profile, size, name_shown=True)
    return Face(src=shown["src"], src_2x=shown["src_2x"], initials=shown["initials"])


@dataclass(frozen=True, slots=True)
class TeamRowView:
    """One person on the team page; ``shown`` False hides who it is (privacy)."""

    shown: bool
    face: Face
    name: str
    short_name: str
    url: str
    lead: bool
    sector: str
    job_title: str
    joined: date | None
    change_url: str  # where the leads' buttons go; "" when the viewer may not change this row


@dataclass(frozen=True, slots=True)
class RequestView:
    """One request to join, for the leads: who asks, when, why, and the answer's fields."""

    pk: int
    face: Face
    name: str
    short_name: str
    url: str
    sector: str
    asked: date
    motivation: str


def _url_for_pk(name: str, *args):
    """``pk -> reverse(name, args=[*args, pk])``, reversed once for a whole list."""
    marker = 2**62  # never a real key
    head, _, tail = reverse(name, args=[*args, marker]).rpartition(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


def _local_day(moment) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def team_rows_html(project: Project, memberships, *, viewer, may_change: bool):
    """The team's rows (Memberships with member.profile and ``shown``) as one piece of HTML."""
    change_url = _url_for_pk("projects:team_member", project.slug)
    views = []
    for membership in memberships:
        person = membership.member
        profile = person.profile
        shown = bool(getattr(membership, "shown", False))
        changeable = may_change and person.pk != viewer.pk
        views.append(
            TeamRowView(
                shown=shown,
                face=_face(profile if shown else None, AVATAR),
                name=str(person) if shown else "",
                short_name=person.get_short_name() if shown and changeable else "",
                url=person.get_absolute_url() if shown else "",
                lead=membership.role == Membership.Role.LEAD,
                sector=profile.primary_sector or "",
                job_title=profile.job_title if shown else "",
                joined=_local_day(membership.joined_at),
                change_url=change_url(membership.pk) if changeable else "",
            )
        )
    return join_fragments("projects/includes/team_row.html", views)


def request_rows(project: Project, requests) -> list[tuple[str, object]]:
    """Each request (a Membership with member.profile): the address of its answer, its HTML."""
    decide_url = _url_for_pk("projects:decide", project.slug)
    rows = []
    for membership in requests:
        asker = membership.member
        view = RequestView(
            pk=membership.pk,
            face=_face(asker.profile, REQUEST_AVATAR),
            name=str(asker),
            short_name=asker.get_short_name(),
            url=asker.get_absolute_url(),
            sector=asker.profile.primary_sector or "",
            asked=_local_day(membership.created_at),
            motivation=membership.motivation,
        )
        html = render_fragment("projects/includes/request_row.html", view)
        rows.append((decide_url(membership.pk), html))
    return rows
