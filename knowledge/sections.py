"""The knowledge library's parts of Mijn LEF and of a member's profile (knowledge.hooks).

Mijn LEF shows what is new in the library for the member (results of the last
months whose sectors meet the member's, or whose project carries a tag of the
member's expertise; not of their own teams) and the results they published;
a profile shows the results the member is a named author of, as far as the
viewer may see them. One statement per list, whatever the library's size.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from knowledge.models import Result
from lef.choices import Sector
from members.models import User
from projects.models import Membership, Project

NEW_FOR_YOU_DAYS = 180
NEW_FOR_YOU_LIMIT = 4
MINE_LIMIT = 5
PROFILE_LIMIT = 10


@dataclass(frozen=True)
class ResultLine:
    title: str
    slug: str
    kind: str
    sectors: list[str]
    created_at: datetime
    project_title: str
    reason: str = ""

    @property
    def url(self) -> str:
        return reverse("knowledge:result", kwargs={"slug": self.slug})

    @property
    def kind_label(self) -> str:
        return Result.Kind(self.kind).label


# New results for a member: not hidden, recent, not of a team they are on, and
# meeting their sectors or their expertise. Members see every visibility.
_NEW_FOR_YOU_SQL = """
SELECT r.title, r.slug, r.kind, r.sectors, r.created_at, p.title, p.tags,
       ARRAY[pr.primary_sector]::varchar[] || pr.other_sectors, pr.expertise
FROM knowledge_result AS r
JOIN projects_project AS p ON p.id = r.project_id
JOIN members_profile AS pr ON pr.user_id = %(member)s
WHERE r.hidden_at IS NULL AND r.created_at >= %(since)s
  AND (r.sectors && (ARRAY[pr.primary_sector]::varchar[] || pr.other_sectors)
       OR p.tags && pr.expertise)
  AND NOT EXISTS (
      SELECT 1 FROM projects_membership AS m
      WHERE m.project_id = r.project_id AND m.member_id = %(member)s AND m.status = %(active)s)
ORDER BY r.created_at DESC, r.id DESC
LIMIT %(limit)s
"""

# The results a member is a named author of (they agreed), newest first; the
# visibilities are the viewer's (Result.visibilities_for, Project.visibilities_for).
_AUTHORED_SQL = """
SELECT r.title, r.slug, r.kind, r.sectors, r.created_at, p.title
FROM knowledge_author AS a
JOIN knowledge_result AS r ON r.id = a.result_id
JOIN projects_project AS p ON p.id = r.project_id
WHERE a.member_id = %(member)s AND a.agreed_at IS NOT NULL AND r.hidden_at IS NULL
  AND r.visibility = ANY(%(visibilities)s) AND p.visibility = ANY(%(project_visibilities)s)
ORDER BY r.created_at DESC, r.id DESC
LIMIT %(limit)s
"""


def _authored(member: User, viewer, limit: int) -> list[ResultLine]:
    with connection.cursor() as cursor:
        cursor.execute(
            _AUTHORED_SQL,
            {
                "member": member.pk,
                "visibilities": sorted(Result.visibilities_for(viewer)),
                "project_visibilities": sorted(Project.visibilities_for(viewer)),
                "limit": limit,
            },
        )
        return [ResultLine(*row) for row in cursor.fetchall()]


def _reason(result_sectors, project_tags, member_sectors, expertise) -> str:
    shared = [code for code in member_sectors if code and code in result_sectors]
    if shared:
        return gettext("For %(sector)s") % {"sector": Sector(shared[0]).label}
    tags = [tag for tag in project_tags if tag in expertise]
    return gettext("About %(tag)s") % {"tag": tags[0]} if tags else ""


def new_for(user: User, *, limit: int = NEW_FOR_YOU_LIMIT) -> list[ResultLine]:
    """Results of the last months that match ``user``: one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            _NEW_FOR_YOU_SQL,
            {
                "member": user.pk,
                "since": timezone.now() - timedelta(days=NEW_FOR_YOU_DAYS),
                "active": Membership.Status.ACTIVE,
                "limit": limit,
            },
        )
        rows = cursor.fetchall()
    return [_new_line(row) for row in rows]


def _new_line(row) -> ResultLine:
    return ResultLine(*row[:6], reason=_reason(row[3], row[6], row[7], row[8]))


# Mijn LEF's two lists in one statement: the new results for the member, then
# their own (as the member sees them), each with its own limit.
_OVERVIEW_SQL = f"""
(SELECT 'new', n.* FROM ({_NEW_FOR_YOU_SQL}) AS n)
UNION ALL
(SELECT 'mine', m.*, NULL::varchar[], NULL::varchar[], NULL::varchar[]
 FROM ({_AUTHORED_SQL.replace("%(limit)s", "%(mine_limit)s")}) AS m)
ORDER BY 1, 6 DESC, 3
"""  # noqa: S608 -- our own statements


def overview_section(user: User) -> dict | None:
    """Mijn LEF: new results for the member and their own: one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _OVERVIEW_SQL,
            {
                "member": user.pk,
                "since": timezone.now() - timedelta(days=NEW_FOR_YOU_DAYS),
                "active": Membership.Status.ACTIVE,
                "limit": NEW_FOR_YOU_LIMIT,
                "visibilities": sorted(Result.visibilities_for(user)),
                "project_visibilities": sorted(Project.visibilities_for(user)),
                "mine_limit": MINE_LIMIT,
            },
        )
        rows = cursor.fetchall()
    return {
        "new": [_new_line(row[1:]) for row in rows if row[0] == "new"],
        "mine": [ResultLine(*row[1:7]) for row in rows if row[0] == "mine"],
    }


def profile_section(member: User, viewer) -> dict | None:
    """A profile: the results ``member`` is a named author of that ``viewer`` may see.

    One query; no section when there is none.
    """
    results = _authored(member, viewer, PROFILE_LIMIT)
    return {"member": member, "results": results} if results else None
