"""Results for the benchmark: 5 000 across the bench projects, with authors and file text.

Deterministic (its own fixed random seed). Called at the end of bench.seed.seed(),
after the projects exist. Rows are bulk-created (the search vector is the
database's trigger's work, as on the site); no files are stored: the pages
measured read the row, and ``file_text`` stands for the words a file held.
What the pages are measured on:

* ``bench-result``: a public report of ``bench-big-project`` with three named
  authors and a long text from its file;
* 5 000 other results of public and members-only projects, of every type and
  licence, a fiftieth of them hidden.
"""

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bench.seed_projects import BIG_SLUG, WORDS
from knowledge.models import Author, Result
from lef.choices import CoreActivity
from projects.models import Membership, Project

RESULTS = 5000
BATCH = 1000
RESULT_SLUG = "bench-result"
FILE_WORDS = [
    *WORDS,
    "rekenvaardigheid",
    "leesbegrip",
    "overdrachtsformulier",
    "praktijkonderzoek",
    "studiekeuzecheck",
    "mentorgesprek",
    "stagebegeleiding",
    "burgerschapsonderwijs",
]
TITLES = [
    "Handreiking",
    "Eindrapport",
    "Lesbrief",
    "Gespreksleidraad",
    "Evaluatie",
    "Draaiboek",
    "Werkvormen",
    "Onderzoeksopzet",
]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(FILE_WORDS) for _ in range(words)).capitalize() + "."


def seed(*, rng_seed: int = 2028) -> int:
    """Add the bench results to a seeded bench database; return how many were made."""
    if "bench" not in connection.settings_dict["NAME"]:
        raise RuntimeError("Refusing to seed a database whose name does not say 'bench'.")
    rng = random.Random(rng_seed)
    now = timezone.now()
    projects = list(
        Project.objects.exclude(status=Project.Status.ARCHIVED).values_list(
            "pk", "title", "sectors", "transitions", "visibility"
        )
    )
    big = Project.objects.get(slug=BIG_SLUG)
    kinds, licences = list(Result.Kind.values), list(Result.Licence.values)
    results = [
        Result(
            project=big,
            title="Overstaplessen rekenen: eindrapport",
            slug=RESULT_SLUG,
            summary="Wat leerkrachten groep 8 en docenten wiskunde samen leerden.",
            learned="\n\n".join(_text(rng, 40) for _ in range(4)),
            kind=Result.Kind.REPORT,
            sectors=big.sectors,
            transitions=big.transitions,
            core_activities=[CoreActivity.TEACHING, CoreActivity.RESEARCH],
            licence=Result.Licence.CC_BY,
            file="knowledge/bench/eindrapport.pdf",
            file_name="eindrapport.pdf",
            file_type="pdf",
            file_size=480_000,
            file_text="\n".join(_text(rng, 60) for _ in range(300)),
            downloads=320,
            created_at=now - timedelta(days=10),
        )
    ]
    for i in range(RESULTS):
        pk, title, sectors, transitions, visibility = rng.choice(projects)
        has_file = rng.random() < 0.75
        file_type = rng.choice(["pdf", "docx", "odt", "pptx"])
        results.append(
            Result(
                project_id=pk,
                title=f"{rng.choice(TITLES)} {title.lower()} {i}",
                slug=f"bench-result-{i}",
                summary=_text(rng, 16),
                learned=_text(rng, rng.randint(0, 60)) if rng.random() < 0.6 else "",
                kind=rng.choice(kinds),
                sectors=sectors,
                transitions=transitions,
                core_activities=rng.sample(list(CoreActivity.values), k=rng.randint(1, 2)),
                licence=rng.choice(licences),
                visibility=Result.Visibility.MEMBERS
                if visibility == Project.Visibility.MEMBERS or rng.random() < 0.2
                else Result.Visibility.PUBLIC,
                link="https://example.org/materiaal" if not has_file else "",
                file=f"knowledge/bench/{i}.{file_type}" if has_file else "",
                file_name=f"resultaat-{i}.{file_type}" if has_file else "",
                file_type=file_type if has_file else "",
                file_size=rng.randint(20_000, 4_000_000) if has_file else 0,
                file_text="\n".join(_text(rng, 50) for _ in range(rng.randint(5, 80)))
                if has_file
                else "",
                downloads=rng.randint(0, 200),
                hidden_at=now if rng.random() < 0.02 else None,
                created_at=now - timedelta(days=rng.randint(0, 900), minutes=i),
            )
        )
    results = Result.objects.bulk_create(results, batch_size=BATCH)

    # Up to three authors from each project's active team, who agreed.
    teams: dict[int, list[int]] = {}
    for project_id, member_id in Membership.objects.filter(
        status=Membership.Status.ACTIVE
    ).values_list("project_id", "member_id"):
        teams.setdefault(project_id, []).append(member_id)
    authors = [
        Author(result=result, member_id=member_id, position=position, agreed_at=result.created_at)
        for result in results
        for position, member_id in enumerate(
            rng.sample(
                teams.get(result.project_id, []), k=min(3, len(teams.get(result.project_id, [])))
            )
        )
    ]
    Author.objects.bulk_create(authors, batch_size=BATCH)
    return len(results)
