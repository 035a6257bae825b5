"""Projects for the benchmark: a few thousand, with teams, requests and updates (bulk_create).

Deterministic (its own fixed random seed). Called at the end of bench.seed.seed(),
after the members exist. What the pages are measured on:

* ``bench-big-project``: a public project led by ``bench-member``, with a
  team of 150 (``bench-colleague`` among them), a dozen requests waiting and
  300 updates;
* 2 400 other projects across sectors, statuses and visibilities, each with a
  team of 1 to 8 and a few updates.
"""

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from lef.choices import CoreActivity, Role, Sector, Transition
from members.models import Profile, User
from projects.models import Membership, Project, ProjectUpdate

PROJECTS = 2400
BIG_TEAM = 150
BIG_UPDATES = 300
BIG_REQUESTS = 12
BATCH = 2000
BIG_SLUG = "bench-big-project"

TOPICS = [
    ("Rekenen", ["rekenen", "doorlopende leerlijn"], ["po-vo"]),
    ("Begrijpend lezen", ["begrijpend lezen", "leesplezier"], ["po-vo"]),
    ("Studiekeuze", ["studiekeuze", "loopbaanoriëntatie"], ["vo-mbo", "vo-ho"]),
    ("Doorstroom", ["doorstroom mbo-hbo", "studiesucces"], ["mbo-ho"]),
    ("Praktijkonderzoek", ["praktijkonderzoek", "professionalisering"], []),
    ("Burgerschap", ["burgerschap"], ["vo-mbo"]),
    ("Formatief evalueren", ["formatief evalueren", "feedback"], []),
    ("Techniek", ["techniek", "wijkaanpak"], ["vo-mbo"]),
    ("Mentoraat", ["mentoraat", "eerstejaars"], ["mbo-ho"]),
    ("Digitale geletterdheid", ["digitale geletterdheid", "edtech"], ["po-vo", "vo-mbo"]),
]
PLACES = ["Leiden", "Oegstgeest", "Leiderdorp", "Katwijk", "Voorschoten", "Noordwijk"]
WORDS = [
    "samen",
    "overstap",
    "klas",
    "lessen",
    "leerlingen",
    "studenten",
    "collega's",
    "onderzoek",
    "ontwerpen",
    "uitproberen",
    "evalueren",
    "bijeenkomst",
    "PLNT",
    "brugklas",
    "groep 8",
]
STATUS_WEIGHTS = {
    Project.Status.IDEA: 15,
    Project.Status.LOOKING: 35,
    Project.Status.RUNNING: 30,
    Project.Status.COMPLETED: 12,
    Project.Status.ARCHIVED: 8,
}


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def seed(*, rng_seed: int = 2027) -> int:
    """Add the bench projects to a seeded bench database; return how many were made."""
    if "bench" not in connection.settings_dict["NAME"]:
        raise RuntimeError("Refusing to seed a database whose name does not say 'bench'.")
    rng = random.Random(rng_seed)
    now = timezone.now()
    today = timezone.localdate()
    listed = list(
        Profile.objects.listed().values_list("user_id", "primary_sector").order_by("user_id")
    )
    member = User.objects.get(username="bench-member")
    # On the big team, as on the profile page the bench measures.
    colleague = User.objects.get(username="bench-colleague")
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)

    projects = [
        Project(
            title="Rekenen van groep 8 naar de brugklas in Leiden",
            slug=BIG_SLUG,
            summary="Leerkrachten groep 8 en docenten wiskunde maken samen overstaplessen.",
            description="\n\n".join(_sentence(rng, 30) for _ in range(6)),
            status=Project.Status.RUNNING,
            sectors=[Sector.PO, Sector.VO, Sector.HO],
            transitions=[Transition.PO_VO],
            core_activities=[CoreActivity.TEACHING, CoreActivity.RESEARCH],
            tags=["rekenen", "groep 8", "brugklas"],
            looking_for_sectors=[Sector.VO],
            looking_for_roles=[Role.TEACHER],
            looking_for_text="Docenten wiskunde uit de brugklas",
            max_team_size=400,
            created_by=member,
            created_at=now - timedelta(days=200),
            last_activity_at=now,
            start_date=today - timedelta(days=150),
            end_date=today + timedelta(days=200),
        )
    ]
    for i in range(PROJECTS):
        topic, tags, transitions = rng.choice(TOPICS)
        sectors = rng.sample(list(Sector.values), k=rng.randint(1, 4))
        created = now - timedelta(days=rng.randint(0, 900), minutes=i)
        start = today + timedelta(days=rng.randint(-300, 120)) if rng.random() < 0.8 else None
        projects.append(
            Project(
                title=f"{topic} in {rng.choice(PLACES)} {i}",
                slug=f"bench-project-{i}",
                summary=_sentence(rng, 14),
                description="\n\n".join(_sentence(rng, 25) for _ in range(rng.randint(1, 4))),
                status=rng.choices(statuses, weights)[0],
                sectors=sectors,
                transitions=transitions,
                core_activities=rng.sample(list(CoreActivity.values), k=rng.randint(1, 2)),
                tags=tags,
                looking_for_sectors=rng.sample(list(Sector.values), k=rng.randint(0, 2)),
                looking_for_roles=rng.sample([Role.TEACHER, Role.RESEARCHER, Role.STUDENT], k=1),
                max_team_size=rng.choice([None, None, 6, 10, 20]),
                visibility=rng.choices(list(Project.Visibility.values), [3, 1])[0],
                requires_approval=rng.random() < 0.8,
                is_featured=rng.random() < 0.01,
                created_at=created,
                last_activity_at=created + timedelta(days=rng.randint(0, 60)),
                start_date=start,
                end_date=start + timedelta(days=rng.randint(30, 300)) if start else None,
            )
        )
    projects = Project.objects.bulk_create(projects, batch_size=BATCH)

    memberships, updates = [], []
    big = projects[0]
    others = [user_id for user_id, _sector in listed if user_id not in {member.pk, colleague.pk}]
    rng.shuffle(others)
    others.insert(0, colleague.pk)
    memberships.append(_membership(big, member.pk, Membership.Role.LEAD, "active", now))
    memberships += [
        _membership(big, user_id, Membership.Role.MEMBER, "active", now)
        for user_id in others[: BIG_TEAM - 1]
    ]
    memberships += [
        _membership(
            big, user_id, Membership.Role.MEMBER, "requested", now, motivation=_sentence(rng, 20)
        )
        for user_id in others[BIG_TEAM : BIG_TEAM + BIG_REQUESTS]
    ]
    updates += [
        ProjectUpdate(
            project=big,
            author_id=others[n % (BIG_TEAM - 1)],
            text=_sentence(rng, rng.randint(12, 60)),
            created_at=now - timedelta(hours=n * 7),
            digested_at=now,
        )
        for n in range(BIG_UPDATES)
    ]

    for project in projects[1:]:
        team = rng.sample(others, k=rng.randint(1, 8))
        if project.max_team_size:
            team = team[: project.max_team_size]
        moment = project.created_at
        for position, user_id in enumerate(team):
            role = Membership.Role.LEAD if position == 0 else Membership.Role.MEMBER
            memberships.append(_membership(project, user_id, role, "active", moment))
        if project.status in Project.OPEN_STATUSES and rng.random() < 0.3:
            asker = rng.choice([u for u in others[:500] if u not in team])
            memberships.append(
                _membership(project, asker, Membership.Role.MEMBER, "requested", now)
            )
        updates += [
            ProjectUpdate(
                project=project,
                author_id=team[n % len(team)],
                text=_sentence(rng, rng.randint(8, 30)),
                created_at=moment + timedelta(days=n + 1),
                digested_at=now,
            )
            for n in range(rng.randint(0, 3))
        ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    # Each team place keeps its member's sector from when it started, as the services do.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_membership m SET sector = p.primary_sector FROM members_profile p"
            " WHERE p.user_id = m.member_id AND m.joined_at IS NOT NULL AND m.sector = ''"
        )
    ProjectUpdate.objects.bulk_create(updates, batch_size=BATCH)
    return len(projects)


def _membership(project, user_id, role, status, moment, *, motivation="") -> Membership:
    return Membership(
        project=project,
        member_id=user_id,
        role=role,
        status=status,
        motivation=motivation,
        created_at=moment,
        joined_at=moment if status == "active" else None,
        decided_at=moment if status == "active" else None,
    )
