"""Cross-sector matching: "Meet across sectors".

A candidate is a member whose primary sector is none of the excluded sectors and
who shares at least one expertise tag or core activity. Candidates are ranked in
one SQL statement, so the engine stays fast on many members:

* first by how many expertise tags they share: a shared topic such as
  "rekenen" says more than any number of shared activities such as teaching,
  which most members have;
* then by how many core activities they share, then members open to
  collaboration first;
* ties are broken by a shuffle of their own per viewer (a hash of both ids), so
  two members with the same interests are not shown the same few people.

The statement is two ranked, limited parts joined by ``UNION ALL`` under one
``LIMIT``: members sharing a tag (found through the GIN index on
``expertise``), then members sharing only an activity. PostgreSQL stops as soon
as the limit is reached, so the broad second part (most members teach) runs
only for members with few tag matches. Each part ranks the profiles it finds
first and only then asks who of them the viewer may see
(``Profile.objects.visible_to``, embedded as its own SQL), best first, until it
has enough: a few index lookups instead of joining every visible member. Only
the few rows returned are turned into reasons ("shares: praktijkonderzoek,
rekenen"), in Python, in the language of the request.

``match_members`` is the generic core (a project can pass its own activities,
tags, sectors and team); ``suggest_members`` applies it to one member's profile.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

from lef.choices import CoreActivity
from members.models import Profile, User
from members.queries import CARD_DEFERRED
from members.templatetags.avatars import Avatar, avatar_for

DEFAULT_LIMIT = 6
SUGGESTION_AVATAR_SIZE = 48


def shared_count_sql(column_sql: str, placeholders: list[str]) -> str:
    """How many of the values behind ``placeholders`` the array ``column_sql`` contains.

    A sum of ``(column @> ARRAY[value])::int`` tests: plain expressions, no
    subquery per row, so ranking thousands of candidates stays cheap. The one
    way this count is written: :class:`SharedCount` compiles to it, and plain
    statements elsewhere (projects' suggestions) write it with their own
    placeholders (``%s`` or ``%(name)s``).
    """
    if not placeholders:
        # Not a bare 0: in ORDER BY that would mean "the first column".
        return "0::integer"
    tests = [
        f"({column_sql} @> ARRAY[{placeholder}]::varchar[])::int" for placeholder in placeholders
    ]
    return "(" + " + ".join(tests) + ")"


class SharedCount(Func):
    """How many of ``values`` the array ``column`` contains: an SQL integer.

    Compiled by :func:`shared_count_sql`; one expression object, which the ORM
    resolves far faster than a sum of ``Case``/``When`` objects.
    """

    output_field = IntegerField()

    def __init__(self, column: str, values: Iterable[str]):
        super().__init__(F(column))
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra_context):
        column_sql, column_params = compiler.compile(self.source_expressions[0])
        params = []
        for value in self.values:
            params.extend([*column_params, value])
        return shared_count_sql(column_sql, ["%s"] * len(self.values)), tuple(params)


@dataclass(frozen=True)
class Suggestion:
    """A member worth meeting, and what they share with the one they are suggested to."""

    profile: Profile
    shared_activities: tuple[str, ...]
    shared_expertise: tuple[str, ...]

    @property
    def shared(self) -> list[str]:
        """Shared expertise tags first (they say most), then shared activities by label."""
        return [*self.shared_expertise, *activity_labels(self.shared_activities)]

    @property
    def avatar(self) -> Avatar:
        """The card's photo or initials, beside the name (members/includes/suggestion.html)."""
        return avatar_for(self.profile, SUGGESTION_AVATAR_SIZE, name_shown=True)

    @property
    def reason(self) -> str:
        """What the member and the suggested colleague share, topics first."""
        return gettext("You share: %(items)s") % {"items": ", ".join(self.shared)}


def activity_labels(codes) -> list[str]:
    """Core activities as lower-case translated labels, for use inside a sentence."""
    labels = []
    for code in codes:
        label = str(CoreActivity(code).label) if code in CoreActivity.values else code
        labels.append(label[:1].lower() + label[1:])
    return labels


def shared_with(viewer_profile: Profile | None, profile: Profile) -> list[str]:
    """What ``viewer_profile``'s member shares with ``profile``'s: tags, then activities.

    For "You share: rekenen, teaching" on a profile page; empty for a visitor,
    for yourself, or when nothing is shared. No query.
    """
    if viewer_profile is None or viewer_profile.pk == profile.pk:
        return []
    tags = [tag for tag in profile.expertise if tag in set(viewer_profile.expertise)]
    activities = [a for a in profile.core_activities if a in set(viewer_profile.core_activities)]
    return [*tags, *activity_labels(activities)]


def _ranking(
    table: str, *, activities: list[str], expertise: list[str], seed: int
) -> tuple[list[str], list]:
    """The ranking as ascending SQL sort keys on ``table``'s columns, and their parameters.

    Minus the shared tags, minus the shared activities, not open to
    collaboration, then a per-viewer shuffle: a multiplicative hash of the
    candidate's id and ``seed``, stable for one viewer (the same suggestions on
    every visit), different for another, and cheap (integer arithmetic).
    Shared counts are sums of ``(column @> ARRAY[value])::int`` tests: plain
    expressions, no subquery per row.
    """

    def shared(column: str, values: list[str]) -> list[str]:
        # No key at all for nothing to count: a constant key would hide from the
        # planner that a part's rows already come in the order asked for.
        test = f"({table}.{column} @> ARRAY[%s]::varchar[])::int"
        return ["-(" + " + ".join([test] * len(values)) + ")"] if values else []

    # Spread the seed over 31 bits, so neighbouring viewers differ in many.
    mask = (int(seed) * 1597334677 + 1013904223) % 2**31
    keys = [
        *shared("expertise", expertise),
        *shared("core_activities", activities),
        f"NOT {table}.open_to_collaboration",
        f"mod(({table}.user_id::bigint # %s) * 2654435761, 2147483647)",
    ]
    return keys, [*expertise, *activities, mask]


def match_members(
    *,
    viewer: User,
    activities: Iterable[str],
    expertise: Iterable[str],
    exclude_sectors: Iterable[str] = (),
    exclude_user_ids: Iterable[int] = (),
    limit: int = DEFAULT_LIMIT,
    seed: int | None = None,
) -> list[Suggestion]:
    """Members ``viewer`` may see, best match first, who share expertise or activities.

    Members whose primary sector is in ``exclude_sectors`` and the users in
    ``exclude_user_ids`` are left out, and so are the viewer and staff
    accounts (coordinators, administrators: ``is_staff`` or ``is_superuser``):
    they run 't LEF and are found in the directory, not suggested as a
    colleague to meet. ``seed`` orders ties (the viewer's id by default). One
    query (none when there is nothing to match on), whatever the number of
    members.
    """
    activities, expertise = list(dict.fromkeys(activities)), list(dict.fromkeys(expertise))
    if not (activities or expertise) or limit <= 0:
        return []
    seed = seed if seed is not None else (viewer.pk or 0)
    # Who the viewer may see is Profile.objects.visible_to's rule; its own SQL is embedded.
    visible_sql, visible_params = (
        Profile.objects.visible_to(viewer).values("user_id").query.sql_with_params()
    )
    left_out_ids = {int(pk) for pk in exclude_user_ids}
    if viewer is not None and viewer.pk is not None:
        left_out_ids.add(viewer.pk)
    # The few staff accounts, read once into a hash by PostgreSQL, as
    # ProfileQuerySet.listed() leaves out the deactivated.
    staff_sql, staff_params = (
        User.objects.filter(Q(is_staff=True) | Q(is_superuser=True))
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    left_out = [list(exclude_sectors), sorted(left_out_ids)]
    # (which profiles, its parameters, the tags worth counting in the ranking)
    matches = []
    if expertise:
        matches.append(("p.expertise && %s::varchar[]", [expertise], expertise))
    if activities:
        only = "p.core_activities && %s::varchar[]"
        matches.append(
            # Sharing no tag by definition: counting them would cost per row.
            (f"{only} AND NOT (p.expertise && %s::varchar[])", [activities, expertise], [])
            if expertise
            else (only, [activities], [])
        )
    parts, params = [], []
    for match, match_params, tags in matches:
        keys, key_params = _ranking("p", activities=activities, expertise=tags, seed=seed)
        columns = ", ".join(f"{key} AS rank_{n}" for n, key in enumerate(keys))
        ranks = ", ".join(f"rank_{n}" for n in range(len(keys)))
        # The part ranks the profiles that match (through a GIN index) and only
        # then checks visibility, best first, until it has enough: OFFSET 0 keeps
        # the planner from turning the two steps into one join of all candidates
        # with all visible members. The outer ORDER BY repeats the inner one, so
        # the order is right whatever plan is chosen.
        parts.append(f"""
            SELECT user_id FROM (
                SELECT p.user_id, {columns} FROM {Profile._meta.db_table} p
                WHERE {match} AND p.primary_sector <> ALL(%s::varchar[])
                    AND p.user_id <> ALL(%s::bigint[]) AND p.user_id NOT IN ({staff_sql})
                ORDER BY {ranks} OFFSET 0
            ) AS ranked
            WHERE user_id IN ({visible_sql}) ORDER BY {ranks} LIMIT %s
        """)  # noqa: S608 -- our table and expressions; every value is a parameter
        params += [*key_params, *match_params, *left_out, *staff_params, *visible_params, limit]
    # Members sharing a tag always rank above those sharing only an activity, so
    # the second part runs only when the first finds fewer than ``limit``.
    winners, params = (
        (" UNION ALL ".join(f"({part})" for part in parts) + " LIMIT %s", [*params, limit])
        if len(parts) > 1
        else (parts[0], params)
    )
    outer_keys, outer_params = _ranking(
        Profile._meta.db_table, activities=activities, expertise=expertise, seed=seed
    )
    # Only the winners are joined to their user and organisation; still one statement.
    found = (
        Profile.objects.filter(user_id__in=RawSQL(winners, params))  # noqa: S611 -- see above
        .select_related("user", "organisation")
        .defer(*CARD_DEFERRED)
        .order_by(RawSQL(f"ROW({', '.join(outer_keys)})", outer_params))  # noqa: S611
    )
    # The few winners' shared items, in the candidate's own order, for the reason.
    return [
        Suggestion(
            profile=profile,
            shared_activities=tuple(a for a in profile.core_activities if a in activities),
            shared_expertise=tuple(e for e in profile.expertise if e in expertise),
        )
        for profile in found
    ]


def suggest_members(
    *, for_profile: Profile, viewer: User | None = None, limit: int = DEFAULT_LIMIT
) -> list[Suggestion]:
    """Members from other sectors that ``for_profile``'s member could meet.

    "Other sectors": the candidate's primary sector is not the member's primary
    sector. The member's further sectors are not excluded: a po teacher who also
    works with vo is exactly the one to meet a vo colleague who shares her topic.
    ``viewer`` defaults to the member themselves.
    """
    return match_members(
        viewer=viewer or for_profile.user,
        activities=for_profile.core_activities,
        expertise=for_profile.expertise,
        exclude_sectors=[for_profile.primary_sector] if for_profile.primary_sector else [],
        exclude_user_ids=[for_profile.pk],
        limit=limit,
    )
