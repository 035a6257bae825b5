"""A sizeable, realistic dataset for the benchmark, inserted fast with bulk_create.

Deterministic (a fixed random seed), so two runs measure the same data. The
people the pages are browsed as are fixed:

* ``bench-member``: an onboarded teacher (the signed-in visitor);
* ``bench-colleague``: another member with a full profile (the profile page);
* ``bench-coordinator``: staff, in the Coordinators group.
"""

import random
import time
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from bench import seed_events, seed_knowledge, seed_projects, seed_spaces
from lef.choices import CoreActivity, Role, Sector
from lef.coordinators import GROUP_NAME
from members.models import Organisation, Profile, User

SEED_VERSION = 8
EMAIL_DOMAIN = "bench.lef.test"
PASSWORD = "bench-password"  # noqa: S105 -- a throwaway benchmark database
BATCH = 2000

# Roughly how Leiden's education professionals spread over the sectors.
SECTOR_WEIGHTS = {
    Sector.PO: 30,
    Sector.VO: 25,
    Sector.MBO: 15,
    Sector.HO: 20,
    Sector.OTHER: 10,
}
ROLES_BY_SECTOR = {
    Sector.PO: [Role.TEACHER, Role.TEACHER, Role.TEACHER, Role.SCHOOL_LEADER, Role.STUDENT],
    Sector.VO: [Role.TEACHER, Role.TEACHER, Role.TEACHER, Role.SCHOOL_LEADER, Role.STUDENT],
    Sector.MBO: [Role.TEACHER, Role.TEACHER, Role.TEACHER_EDUCATOR, Role.SCHOOL_LEADER],
    Sector.HO: [Role.TEACHER, Role.TEACHER_EDUCATOR, Role.RESEARCHER, Role.RESEARCHER],
    Sector.OTHER: [Role.POLICY, Role.ENTREPRENEUR, Role.RESEARCHER, Role.OTHER],
}


def _words(text: str) -> list[str]:
    """A word list written compactly: comma-separated, across lines."""
    return [word.strip() for word in text.split(",") if word.strip()]


JOB_TITLES = {
    Sector.PO: _words("Leerkracht groep 8, Leerkracht groep 3, Intern begeleider, Directeur"),
    Sector.VO: _words("Docent wiskunde, Docent Nederlands, Mentor onderbouw, Teamleider"),
    Sector.MBO: _words("Docent zorg en welzijn, Praktijkopleider, Loopbaanbegeleider"),
    Sector.HO: _words("Lerarenopleider, Onderzoeker, Lector, Docent pabo, Lecturer"),
    Sector.OTHER: _words("Beleidsadviseur onderwijs, Oprichter, Projectleider, Adviseur"),
}
EXPERTISE = {
    Sector.PO: _words("""
        rekenen, begrijpend lezen, groep 8, overgang po-vo, taalontwikkeling,
        passend onderwijs, hoogbegaafdheid, wereldoriëntatie, techniek, ouderbetrokkenheid,
        formatief evalueren, reading comprehension, early maths"""),
    Sector.VO: _words("""
        wiskunde, Nederlands, brugklas, mentoraat, burgerschap, profielkeuze, differentiëren,
        formatief evalueren, digitale geletterdheid, science education, didactiek,
        executieve functies, mathematics"""),
    Sector.MBO: _words("""
        loopbaanbegeleiding, studiekeuze, beroepspraktijkvorming, zorg en welzijn, techniek,
        doorstroom mbo-hbo, studentenwelzijn, internships, burgerschap, taalbeleid,
        work-based learning"""),
    Sector.HO: _words("""
        praktijkonderzoek, lerarenopleiding, professionalisering, studiesucces, eerstejaars,
        onderwijsinnovatie, teacher research, curriculum design, assessment,
        educational technology, academische vaardigheden, onderzoek"""),
    Sector.OTHER: _words("""
        onderwijsbeleid, kansengelijkheid, laaggeletterdheid, edtech, subsidies,
        ondernemerschap, educational start-ups, jeugdzorg, wijkaanpak, data-analyse"""),
}
FIRST_NAMES = _words("""
    Sanne, Jeroen, Fatima, Pieter, Lotte, Daan, Emma, Sem, Julia, Lucas, Mila, Finn, Tess,
    Noah, Sara, Liam, Anna, Milan, Eva, Levi, Nora, Bram, Fleur, Thijs, Isa, Ruben, Lieke,
    Mohamed, Yasmina, Ahmed, Noor, Youssef, Hanna, Koen, Iris, Jasper, Femke, Willem, Maud,
    Joost, Anouk, Mark, Esther, Bas, Ilse, Hatice, Mehmet, Priya, Oliver, Sophie, Marieke,
    Gerrit, Ingrid, Kees, Annelies, Wouter, Elif, Tom, Charlotte""")
# Most Dutch surnames have no prefix; the empty entries make that the common case.
PREFIXES = ["", "", "", "", "de ", "van ", "van der ", "van den ", "de ", "el ", "ten "]
LAST_NAMES = _words("""
    Vries, Jansen, Bakker, Visser, Smit, Meijer, Mulder, Bos, Vos, Peters, Hendriks, Dekker,
    Brouwer, Dijkstra, Graaf, Berg, Wit, Heuvel, Boer, Veen, Kok, Koster, Amrani, Yilmaz,
    Haddou, Kaya, Şahin, Pinas, Sewdien, Wong, Smith, Brink, Leeuwen, Hoekstra, Scholten,
    Post, Kuipers, Prins, Vermeulen, Willems, Kramer, Schouten, Huisman, Zwart, Hoek,
    Verbeek, Linden, Maas, Wouters, Kuiper, Groot, Bosman, Molenaar, Driessen, Sluis""")
BIO_NL = [
    "Ik werk als {job} bij {org}.",
    "Mijn passie is {tag}; daar doe ik graag onderzoek naar met collega's uit andere sectoren.",
    "Ik ben benieuwd hoe collega's in het {other} met {tag} omgaan.",
    "Op dit moment werk ik aan een project over {tag} en {tag2}.",
    "Ik zoek collega's die willen meedenken over de aansluiting tussen {sector} en {other}.",
    "Al meer dan tien jaar in het onderwijs, nog steeds nieuwsgierig.",
    "In mijn praktijkonderzoek kijk ik naar {tag} in de klas.",
    "Graag kom ik in contact met leraren, onderzoekers en studenten die bezig zijn met {tag2}.",
]
BIO_EN = [
    "I work as a {job} at {org}.",
    "My main interest is {tag}, and I like to research it with colleagues from other sectors.",
    "Curious how colleagues in {other} deal with {tag}.",
    "Currently working on a project about {tag} and {tag2}.",
    "Looking for people who want to improve the transition from {sector} to {other}.",
]
LOOKING_FOR = [
    "Collega's uit het vo voor een gezamenlijke les",
    "Een onderzoekspartner voor praktijkonderzoek",
    "Studenten die willen meedenken",
    "A partner school in another sector",
    "",
    "",
]
SECTOR_WORDS = {
    Sector.PO: "primair onderwijs",
    Sector.VO: "voortgezet onderwijs",
    Sector.MBO: "mbo",
    Sector.HO: "hoger onderwijs",
    Sector.OTHER: "werkveld",
}
PLACES = _words("""
    Leiden, Oegstgeest, Leiderdorp, Katwijk, Voorschoten, Zoeterwoude, Noordwijk,
    Alphen aan den Rijn, Wassenaar, Lisse, Hillegom, Teylingen, Kaag en Braassem""")
# (kind, sectors, name prefixes, name cores, how many): names are prefix + core + place.
ORGANISATION_PATTERNS = [
    (
        Organisation.Kind.SCHOOL,
        [Sector.PO],
        _words("Basisschool, OBS, CBS, Montessorischool, Daltonschool, IKC"),
        _words("""
            De Regenboog, Het Kompas, De Linde, De Klimboom, Het Palet, De Vlieger,
            De Sterrenwacht, Het Anker, De Sleutelbloem, De Morgenster, Het Startpunt"""),
        110,
    ),
    (
        Organisation.Kind.SCHOOL,
        [Sector.VO],
        _words("Stedelijk, Christelijk, Openbaar, Katholiek"),
        _words("Gymnasium, Lyceum, College, Scholengemeenschap, Vakcollege, Mavo"),
        60,
    ),
    (
        Organisation.Kind.SCHOOL,
        [Sector.MBO],
        _words("ROC, Vakschool, MBO College"),
        _words("Rijnland, Zuid-Holland Noord, Sleutelstad, Bollenstreek, Rijn en Gouwe"),
        25,
    ),
    (
        Organisation.Kind.UNIVERSITY,
        [Sector.HO],
        _words("Hogeschool, Academie, Faculteit"),
        _words("Educatie, Sociale Wetenschappen, Gezondheid, Techniek, Pabo"),
        15,
    ),
    (
        Organisation.Kind.BOARD,
        [Sector.PO, Sector.VO],
        _words("Stichting, Vereniging, Schoolbestuur"),
        _words("Primair Onderwijs, Openbaar Onderwijs, Christelijk Onderwijs, Kindcentra"),
        20,
    ),
    (Organisation.Kind.MUNICIPALITY, [Sector.OTHER], ["Gemeente"], [""], 10),
    (
        Organisation.Kind.INSTITUTE,
        [Sector.OTHER],
        _words("Kenniscentrum, Expertisecentrum, Bibliotheek"),
        _words("Onderwijs, Taal en Lezen, Jeugd, Talentontwikkeling"),
        25,
    ),
    (
        Organisation.Kind.STARTUP,
        [Sector.OTHER],
        _words("Leerlab, EduStart, Klasse, Lesbrug, Denkwerk"),
        _words("Studio, Collectief, Lab, Platform"),
        35,
    ),
]
PARTNERS = [
    ("ICLON (Universiteit Leiden)", "iclon", Organisation.Kind.UNIVERSITY, [Sector.HO]),
    ("Gemeente Leiden", "gemeente-leiden", Organisation.Kind.MUNICIPALITY, [Sector.OTHER]),
    ("Leidse Aanpak", "leidse-aanpak", Organisation.Kind.OTHER, [Sector.PO, Sector.VO]),
    ("Da Vinci College", "da-vinci-college", Organisation.Kind.SCHOOL, [Sector.MBO]),
    ("PROOLeiden", "prooleiden", Organisation.Kind.BOARD, [Sector.PO, Sector.VO]),
    ("SCOL", "scol", Organisation.Kind.BOARD, [Sector.PO]),
    ("Hogeschool Leiden", "hogeschool-leiden", Organisation.Kind.UNIVERSITY, [Sector.HO]),
]


@dataclass
class SeedReport:
    members: int
    organisations: int
    seconds: float


def seed(*, members: int, rng_seed: int = 2026) -> SeedReport:
    """Fill an empty, migrated database with ``members`` members and ~300 organisations."""
    if "bench" not in connection.settings_dict["NAME"]:
        msg = "Refusing to seed a database whose name does not say 'bench'."
        raise RuntimeError(msg)
    started = time.perf_counter()
    rng = random.Random(rng_seed)
    with transaction.atomic():
        organisations = _seed_organisations(rng)
        _seed_members(rng, members, organisations)
        seed_projects.seed()
    seed_spaces.seed()
    seed_events.seed(rng)  # meetups and sign-ups (bench/seed_events.py)
    seed_knowledge.seed()  # 5 000 results of the projects (bench/seed_knowledge.py)
    with connection.cursor() as cursor:
        # Statistics and the visibility map, as autovacuum keeps them on a live
        # database: without the map, index-only scans still read the table.
        cursor.execute("VACUUM ANALYZE")
    return SeedReport(
        members=members,
        organisations=len(organisations),
        seconds=time.perf_counter() - started,
    )


def _seed_organisations(rng: random.Random) -> list[Organisation]:
    rows = [
        Organisation(
            name=name,
            slug=slug,
            kind=kind,
            sectors=list(sectors),
            is_partner=True,
            status=Organisation.Status.APPROVED,
            description=f"{name} is partner van 't Leids Education Fieldlab.",
        )
        for name, slug, kind, sectors in PARTNERS
    ]
    seen = {row.slug for row in rows}
    for kind, sectors, prefixes, cores, count in ORGANISATION_PATTERNS:
        candidates = [
            " ".join(part for part in (prefix, core, place) if part)
            for prefix in prefixes
            for core in cores
            for place in PLACES
        ]
        rng.shuffle(candidates)
        for name in candidates[:count]:
            slug = slugify(name)
            if slug in seen:
                continue
            seen.add(slug)
            rows.append(
                Organisation(
                    name=name,
                    slug=slug,
                    kind=kind,
                    sectors=list(sectors),
                    status=(
                        Organisation.Status.PROPOSED
                        if rng.random() < 0.05
                        else Organisation.Status.APPROVED
                    ),
                    website=f"https://www.{slug}.example" if rng.random() < 0.6 else "",
                )
            )
    return Organisation.objects.bulk_create(rows, batch_size=BATCH)


def _seed_members(rng: random.Random, count: int, organisations: list[Organisation]) -> None:
    by_sector: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        if organisation.status == Organisation.Status.APPROVED:
            for sector in organisation.sectors:
                by_sector.setdefault(sector, []).append(organisation)
    password = make_password(PASSWORD)  # hashed once: every bench account shares it
    now = timezone.now()
    sectors, weights = zip(*SECTOR_WEIGHTS.items(), strict=True)

    users, profiles_data, usernames = [], [], {}
    for i in range(count):
        if i == 0:
            name, username = "Sanne Bench", "bench-member"
        elif i == 1:
            name, username = "Pieter Collega", "bench-colleague"
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(PREFIXES)}{rng.choice(LAST_NAMES)}"
            base = slugify(name)
            usernames[base] = usernames.get(base, 0) + 1
            username = base if usernames[base] == 1 else f"{base}-{usernames[base]}"
        users.append(
            User(
                username=username,
                email=f"{username}@{EMAIL_DOMAIN}",
                name=name,
                password=password,
                date_joined=now - timedelta(days=rng.randint(0, 3 * 365)),
            )
        )
        profiles_data.append(
            _profile_values(rng, i, sectors=sectors, weights=weights, by_sector=by_sector, now=now)
        )
    users.append(
        User(
            username="bench-coordinator",
            email=f"bench-coordinator@{EMAIL_DOMAIN}",
            name="Coördinator Bench",
            password=password,
            is_staff=True,
        )
    )
    profiles_data.append(
        {"primary_sector": Sector.OTHER, "onboarded_at": now, "roles": [Role.POLICY]}
    )

    users = User.objects.bulk_create(users, batch_size=BATCH)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=BATCH,
    )
    Profile.objects.bulk_create(
        [Profile(user=u, **values) for u, values in zip(users, profiles_data, strict=True)],
        batch_size=BATCH,
    )
    Group.objects.get(name=GROUP_NAME).user_set.add(users[-1])


def _profile_values(rng, i, *, sectors, weights, by_sector, now) -> dict:
    sector = Sector.PO if i in {0, 1} else rng.choices(sectors, weights)[0]
    if i == 1:
        sector = Sector.HO
    onboarded = i in {0, 1} or rng.random() < 0.9
    if not onboarded:
        return {}
    other = rng.choice([s for s in sectors if s != sector])
    organisation = rng.choice(by_sector[sector])
    tags = rng.sample(EXPERTISE[sector], k=rng.randint(2, 6))
    job = rng.choice(JOB_TITLES[sector])
    english = rng.random() < 0.2
    templates = BIO_EN if english else BIO_NL
    words = {
        "job": job.lower(),
        "org": organisation.name,
        "tag": tags[0],
        "tag2": tags[-1],
        "sector": SECTOR_WORDS[sector],
        "other": SECTOR_WORDS[other],
    }
    bio = " ".join(t.format(**words) for t in rng.sample(templates, k=rng.randint(2, 4)))
    activities = rng.sample(list(CoreActivity.values), k=rng.randint(1, 3))
    if i in {0, 1}:
        activities = [CoreActivity.TEACHING, CoreActivity.RESEARCH]
    return {
        "primary_sector": sector,
        "other_sectors": [other] if rng.random() < 0.25 else [],
        "roles": [rng.choice(ROLES_BY_SECTOR[sector])],
        "organisation": organisation,
        "job_title": job,
        "core_activities": activities,
        "expertise": tags,
        "bio": bio,
        "open_to_collaboration": rng.random() < 0.6,
        "looking_for": rng.choice(LOOKING_FOR),
        "visibility": (
            Profile.Visibility.PUBLIC if rng.random() < 0.3 else Profile.Visibility.MEMBERS
        ),
        "onboarded_at": now - timedelta(days=rng.randint(0, 700)),
    }
