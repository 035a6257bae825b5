"""Demo projects for ``manage.py seed_demo`` (called from home.demo.seed): alive, believable.

About fifteen projects across sectors and statuses, with teams, requests
waiting for a lead, invitations and updates. People are picked by query
(listed members of a sector, in a fixed order), so the demo keeps working as
the demo community grows; the demo accounts printed by seed_demo (Sanne, ...)
get a place where there is one for them, so Mijn LEF looks alive when you log
in as them.

Idempotent: a project is looked up by its slug and left alone when it exists.
Rows are written directly (no mail goes out for seeded requests), keeping the
rules the services keep: one current membership per person, a lead per
project, teams within their maximum.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from lef.choices import CoreActivity, Role, Sector
from lef.images import store_after_commit
from members.models import Profile, User
from projects.models import PROJECT_IMAGES, Membership, Project, ProjectUpdate

PO, VO, MBO, HO, OTHER = Sector.PO, Sector.VO, Sector.MBO, Sector.HO, Sector.OTHER
T, TE, INNO, RES, LEAD = (
    CoreActivity.TEACHING,
    CoreActivity.TEACHER_EDUCATION,
    CoreActivity.INNOVATION,
    CoreActivity.RESEARCH,
    CoreActivity.LEADERSHIP,
)
S = Project.Status


@dataclass
class Spec:
    slug: str
    title: str
    summary: str
    description: str
    status: str
    sectors: list
    transitions: list
    activities: list
    tags: list
    # The lead: a demo account by email, else the first listed member of the sector.
    lead: str
    team: list  # sectors (or demo emails) of the other team members
    looking_sectors: list = field(default_factory=list)
    looking_roles: list = field(default_factory=list)
    looking_text: str = ""
    max_team: int | None = None
    members_only: bool = False
    approval: bool = True
    featured: bool = False
    start: int | None = None  # days from today
    end: int | None = None
    requests: list = field(default_factory=list)  # sectors or emails of people asking
    invited: list = field(default_factory=list)
    updates: list = field(default_factory=list)  # (days ago, text)
    image: bool = True


SPECS = [
    Spec(
        "rekenen-groep-8-brugklas",
        "Rekenen van groep 8 naar de brugklas",
        "Leerkrachten groep 8 en docenten wiskunde brugklas maken samen een doorlopende "
        "leerlijn rekenen.",
        "In groep 8 rekenen leerlingen anders dan in de brugklas. Wij bezoeken elkaars "
        "lessen, leggen de methodes naast elkaar en ontwerpen drie overstaplessen.\n\n"
        "**Wat we doen**\n\n- lesbezoek over en weer (voorjaar)\n- drie gezamenlijke "
        "ontwerpbijeenkomsten bij PLNT\n- een korte evaluatie met leerlingen in de brugklas",
        S.RUNNING,
        [PO, VO, HO],
        ["po-vo"],
        [T, INNO],
        ["rekenen", "groep 8", "brugklas", "doorlopende leerlijn"],
        "sanne@demo.lef.nl",
        ["jeroen@demo.lef.nl", VO, HO],
        looking_sectors=[VO],
        looking_roles=[Role.TEACHER],
        looking_text="Nog een docent wiskunde uit de brugklas die lessen wil uitwisselen.",
        max_team=8,
        featured=True,
        start=-60,
        end=150,
        requests=[MBO, HO],
        updates=[
            (
                26,
                "Eerste lesbezoek gedaan op het Stedelijk Lyceum. Opvallend: breuken worden "
                "in de brugklas meteen als getal op de getallenlijn gezien.",
            ),
            (
                12,
                "De methodes liggen naast elkaar. Volgende stap: **drie overstaplessen** "
                "ontwerpen. Wie schuift aan op 14 maart bij PLNT?",
            ),
            (3, "Eerste overstapples is klaar en wordt volgende week in groep 8 getest."),
        ],
    ),
    Spec(
        "doorstroom-mbo-hbo-eerste-100-dagen",
        "Doorstroom mbo-hbo: de eerste 100 dagen",
        "Wat hebben mbo-studenten nodig in hun eerste honderd dagen op het hbo? We vragen "
        "het ze, en passen het mentoraat aan.",
        "Studenten die van het mbo komen, vallen in het eerste jaar hbo vaker uit. Samen met "
        "docenten van beide kanten volgen we twintig studenten en ontwerpen we een "
        "mentoraatprogramma voor de eerste honderd dagen.",
        S.RUNNING,
        [MBO, HO],
        ["mbo-ho"],
        [T, RES],
        ["doorstroom mbo-hbo", "mentoraat", "studiesucces", "eerstejaars"],
        "fatima@demo.lef.nl",
        ["lotte@demo.lef.nl", HO, MBO],
        looking_sectors=[HO],
        looking_roles=[Role.STUDENT, Role.RESEARCHER],
        looking_text="Tweedejaars hbo-studenten die zelf van het mbo kwamen.",
        start=-120,
        end=90,
        requests=[OTHER],
        updates=[
            (
                40,
                "De interviews met twintig studenten zijn gedaan. Belangrijkste les: "
                "zelfstandig plannen is de grootste overstap.",
            ),
            (9, "Concept van het mentoraatprogramma staat online. Feedback welkom!"),
        ],
    ),
    Spec(
        "leerkring-praktijkonderzoek",
        "Leerkring praktijkonderzoek in de klas",
        "Een leerkring voor leraren uit po, vo en mbo die een eigen onderzoeksvraag uit de "
        "klas willen onderzoeken, begeleid door ICLON.",
        "Zes bijeenkomsten, één onderzoeksvraag uit je eigen praktijk en collega's uit "
        "andere sectoren die met je meedenken. Lerarenopleiders van ICLON begeleiden.",
        S.LOOKING,
        [PO, VO, MBO, HO],
        [],
        [RES, TE],
        ["praktijkonderzoek", "professionalisering", "leerkring"],
        "pieter@demo.lef.nl",
        [HO],
        looking_sectors=[PO, VO, MBO],
        looking_roles=[Role.TEACHER],
        looking_text="Leraren met een vraag uit hun eigen klas; ervaring met onderzoek is "
        "niet nodig.",
        max_team=12,
        start=30,
        end=210,
        requests=["sanne@demo.lef.nl"],
    ),
    Spec(
        "studiekeuze-begint-in-groep-7",
        "Studiekeuze begint in groep 7",
        "Loopbaanoriëntatie die doorloopt van de basisschool tot het mbo: kennismaken met "
        "beroepen, vroeg en zonder druk.",
        "Kinderen kiezen vaak op goed geluk. We ontwikkelen met po, vo en mbo een reeks "
        "beroepenmiddagen die aansluit op wat leerlingen later in het vo en mbo doen.",
        S.LOOKING,
        [PO, VO, MBO],
        ["po-vo", "vo-mbo"],
        [T, INNO],
        ["studiekeuze", "loopbaanoriëntatie", "beroepen"],
        MBO,
        [PO],
        looking_sectors=[VO, PO],
        looking_roles=[Role.TEACHER, Role.SCHOOL_LEADER],
        start=14,
        invited=["sanne@demo.lef.nl"],
    ),
    Spec(
        "burgerschap-over-de-sectoren-heen",
        "Burgerschap over de sectoren heen",
        "Vo en mbo delen lessen burgerschap: wat werkt in de klas, en hoe sluit het op "
        "elkaar aan?",
        "Burgerschap is verplicht in vo en mbo, maar de lessen lopen ver uiteen. We "
        "verzamelen goede lessen en proberen ze uit bij de ander.",
        S.RUNNING,
        [VO, MBO],
        ["vo-mbo"],
        [T],
        ["burgerschap", "lesmateriaal"],
        VO,
        [MBO, MBO, VO],
        start=-30,
        updates=[(6, "Twaalf lessen verzameld. Drie worden in november uitgeprobeerd.")],
    ),
    Spec(
        "samen-opleiden-in-de-school",
        "Samen opleiden in de school",
        "Pabo, ICLON en basisscholen begeleiden leraren in opleiding samen, op de werkplek.",
        "Studenten leren het meest in de klas. We maken afspraken over begeleiding, "
        "beoordeling en intervisie tussen opleiders in school en op de hogeschool.",
        S.RUNNING,
        [PO, HO],
        [],
        [TE],
        ["opleiden in de school", "lerarenopleiding", "begeleiding"],
        HO,
        [PO, PO, HO],
        looking_sectors=[PO],
        looking_roles=[Role.TEACHER_EDUCATOR],
        start=-200,
        end=160,
        updates=[(15, "Nieuwe intervisieopzet getest met vier studenten. Positief!")],
    ),
    Spec(
        "taalmaatjes-voor-nieuwkomers",
        "Taalmaatjes voor nieuwkomers",
        "Studenten zijn taalmaatje van nieuwkomers in groep 7 en 8 en de eerste klas vo.",
        "Een uur per week samen lezen en praten. Iedereen kan meteen meedoen.",
        S.RUNNING,
        [OTHER, PO, VO, MBO],
        ["po-vo"],
        [T],
        ["taalontwikkeling", "nieuwkomers", "lezen"],
        OTHER,
        [MBO, HO],
        looking_roles=[Role.STUDENT],
        looking_text="Studenten van mbo en hbo die een uur per week tijd hebben.",
        approval=False,
        start=-90,
        updates=[(4, "Vijftien koppels lopen nu. Nieuwe maatjes blijven welkom.")],
    ),
    Spec(
        "digitale-geletterdheid-doorlopend",
        "Digitale geletterdheid: lessen die doorlopen",
        "Van programmeren in groep 6 tot data in het mbo: een leerlijn die niet bij elke "
        "overstap opnieuw begint.",
        "Een idee dat nog vorm moet krijgen. Wie denkt mee?",
        S.IDEA,
        [PO, VO, MBO],
        ["po-vo", "vo-mbo"],
        [INNO],
        ["digitale geletterdheid", "programmeren", "edtech"],
        OTHER,
        [],
        looking_sectors=[PO, VO, MBO],
        looking_roles=[Role.TEACHER],
    ),
    Spec(
        "techniek-in-de-wijk",
        "Techniek in de wijk",
        "Mbo-studenten techniek geven workshops op basisscholen in Leiden-Noord.",
        "Samen met de gemeente en twee basisscholen in Leiden-Noord. Mbo-studenten laten "
        "zien wat techniek is, kinderen bouwen mee.",
        S.LOOKING,
        [PO, MBO, OTHER],
        [],
        [T, INNO],
        ["techniek", "wijkaanpak", "workshops"],
        MBO,
        [OTHER],
        looking_sectors=[PO],
        looking_roles=[Role.TEACHER],
        max_team=6,
        start=21,
        end=120,
    ),
    Spec(
        "mentoraat-eerste-jaar-hbo",
        "Mentoraat in het eerste jaar hbo",
        "Afgerond: een mentoraatsaanpak voor eerstejaars, ontwikkeld met mbo-docenten.",
        "Het project is afgerond; de aanpak wordt nu in drie opleidingen gebruikt.",
        S.COMPLETED,
        [MBO, HO],
        ["mbo-ho"],
        [T, RES],
        ["mentoraat", "eerstejaars", "studiesucces"],
        HO,
        [MBO, HO],
        start=-400,
        end=-30,
        updates=[(35, "Eindrapport staat online. Dank aan iedereen die meedeed!")],
    ),
    Spec(
        "ouders-en-de-overstap",
        "Ouders betrekken bij de overstap",
        "Hoe nemen we ouders mee in de overstap van groep 8 naar het vo?",
        "Voor leden: we delen voorbeelden van ouderavonden en brieven van po en vo.",
        S.LOOKING,
        [PO, VO],
        ["po-vo"],
        [T, LEAD],
        ["ouderbetrokkenheid", "overgang po-vo"],
        PO,
        [VO],
        looking_sectors=[VO],
        looking_roles=[Role.SCHOOL_LEADER, Role.TEACHER],
        members_only=True,
    ),
    Spec(
        "formatief-evalueren-po-tot-ho",
        "Formatief evalueren: van po tot ho",
        "Leraren uit alle sectoren leren van elkaars aanpak van formatief evalueren.",
        "Elke maand een bijeenkomst bij PLNT met een voorbeeld uit een andere sector.",
        S.RUNNING,
        [PO, VO, MBO, HO],
        [],
        [T, TE],
        ["formatief evalueren", "feedback", "toetsing"],
        VO,
        [PO, MBO, HO, HO],
        looking_sectors=[MBO],
        featured=True,
        start=-45,
        updates=[
            (20, "Bijeenkomst over exit tickets: mooie voorbeelden uit groep 5 en het hbo."),
            (2, "Volgende keer: peerfeedback in het mbo. Iedereen welkom."),
        ],
    ),
    Spec(
        "schoolleiders-leren-van-elkaar",
        "Schoolleiders leren van elkaar",
        "Schoolleiders uit po, vo en mbo bezoeken elkaars school en bespreken één vraag.",
        "Alleen voor leden: vertrouwelijke gesprekken tussen schoolleiders.",
        S.RUNNING,
        [PO, VO, MBO],
        [],
        [LEAD],
        ["schoolleiderschap", "intervisie"],
        PO,
        [VO, MBO],
        looking_roles=[Role.SCHOOL_LEADER],
        members_only=True,
        start=-20,
        image=False,
    ),
    Spec(
        "zomerschool-brugklas",
        "Zomerschool brugklas",
        "Een week zomerschool voor leerlingen die extra steun nodig hebben bij de overstap.",
        "Het project is gearchiveerd; de zomerschool gaat verder bij de gemeente.",
        S.ARCHIVED,
        [PO, VO, OTHER],
        ["po-vo"],
        [T],
        ["zomerschool", "overgang po-vo"],
        OTHER,
        [PO, VO],
        start=-500,
        end=-480,
        image=False,
    ),
    Spec(
        "lezen-in-de-onderbouw",
        "Leesplezier in de onderbouw",
        "Bibliotheek, po en vo zoeken samen naar manieren om leesplezier vast te houden na "
        "groep 8.",
        "Na de overstap lezen veel leerlingen minder. We proberen leesclubs die in groep 8 "
        "beginnen en in de brugklas doorlopen.",
        S.IDEA,
        [PO, VO, OTHER],
        ["po-vo"],
        [T, INNO],
        ["begrijpend lezen", "leesplezier", "bibliotheek"],
        OTHER,
        [],
        looking_sectors=[PO, VO],
        looking_roles=[Role.TEACHER],
        looking_text="Leerkrachten groep 8 en docenten Nederlands in de brugklas.",
    ),
]

_COLOURS = {PO: "#E69F00", VO: "#56B4E9", MBO: "#009E73", HO: "#CC79A7", OTHER: "#999999"}


def picture(seed: str, sectors: list[str], width: int = 960, height: int = 540) -> bytes:
    """An abstract picture in the project's sector colours (PNG), the same for the same seed."""
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())  # noqa: S311 -- not secret
    image = Image.new("RGB", (width, height), "#f4f1ea")
    draw = ImageDraw.Draw(image)
    colours = [_COLOURS[s] for s in sectors] or ["#1f3b57"]
    for _ in range(9):
        radius = rng.randint(height // 6, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=rng.choice(colours))
    draw.rectangle([0, height - 40, width, height], fill="#1f3b57")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class _People:
    """Listed members by sector, handed out in a fixed order, each at most once per project."""

    def __init__(self):
        profiles = Profile.objects.listed().select_related("user").order_by("user__username")
        self.by_sector: dict[str, list[User]] = {}
        for profile in profiles:
            self.by_sector.setdefault(profile.primary_sector, []).append(profile.user)
        self.turn: dict[str, int] = {}

    def pick(self, who: str, *, taken: set[int]) -> User | None:
        if "@" in who:
            user = User.objects.filter(email__iexact=who, is_active=True).first()
            return user if user is not None and user.pk not in taken else None
        candidates = [u for u in self.by_sector.get(who, []) if u.pk not in taken]
        if not candidates:
            return None
        start = self.turn.get(who, 0)
        self.turn[who] = start + 1
        return candidates[start % len(candidates)]


def seed() -> int:
    """Create the demo projects that are missing; return how many were created."""
    people = _People()
    now = timezone.now()
    today = timezone.localdate()
    created = 0
    for age, spec in enumerate(SPECS):
        if Project.objects.filter(slug=spec.slug).exists():
            continue
        taken: set[int] = set()
        lead = people.pick(spec.lead, taken=taken)
        if lead is None:
            continue  # no such member in this demo
        taken.add(lead.pk)
        started = now - timedelta(days=3 * (len(SPECS) - age) + 10)
        project = Project.objects.create(
            slug=spec.slug,
            title=spec.title,
            summary=spec.summary,
            description=spec.description,
            status=spec.status,
            sectors=spec.sectors,
            transitions=spec.transitions,
            core_activities=spec.activities,
            tags=spec.tags,
            looking_for_sectors=spec.looking_sectors,
            looking_for_roles=spec.looking_roles,
            looking_for_text=spec.looking_text,
            max_team_size=spec.max_team,
            visibility=Project.Visibility.MEMBERS
            if spec.members_only
            else Project.Visibility.PUBLIC,
            requires_approval=spec.approval,
            is_featured=spec.featured,
            start_date=today + timedelta(days=spec.start) if spec.start is not None else None,
            end_date=today + timedelta(days=spec.end) if spec.end is not None else None,
            created_by=lead,
            created_at=started,
            last_activity_at=started,
        )
        if spec.image:
            upload = SimpleUploadedFile(
                "project.png", picture(spec.slug, spec.sectors), content_type="image/png"
            )
            store_after_commit(instance=project, field="image", image=PROJECT_IMAGES.clean(upload))
        team = [lead]
        _member(project, lead, Membership.Role.LEAD, Membership.Status.ACTIVE, started)
        for who in spec.team:
            user = people.pick(who, taken=taken)
            if user is None:
                continue
            taken.add(user.pk)
            team.append(user)
            _member(
                project,
                user,
                Membership.Role.MEMBER,
                Membership.Status.ACTIVE,
                started + timedelta(days=2),
            )
        for who in spec.requests:
            user = people.pick(who, taken=taken)
            if user is not None:
                taken.add(user.pk)
                _member(
                    project,
                    user,
                    Membership.Role.MEMBER,
                    Membership.Status.REQUESTED,
                    now - timedelta(days=2),
                    motivation="Ik werk hier graag aan mee: het sluit aan bij mijn eigen "
                    "klas en ik kan een middag per maand.",
                )
        for who in spec.invited:
            user = people.pick(who, taken=taken)
            if user is not None:
                taken.add(user.pk)
                _member(
                    project,
                    user,
                    Membership.Role.MEMBER,
                    Membership.Status.INVITED,
                    now - timedelta(days=1),
                    invited_by=lead,
                    motivation="Jouw ervaring met groep 8 zou ons enorm helpen!",
                )
        latest = started
        for index, (days_ago, text) in enumerate(spec.updates):
            moment = now - timedelta(days=days_ago, hours=index)
            ProjectUpdate.objects.create(
                project=project,
                author=team[index % len(team)],
                text=text,
                created_at=moment,
                digested_at=moment,  # the demo's past updates were in past digests
            )
            latest = max(latest, moment)
        Project.objects.filter(pk=project.pk).update(last_activity_at=latest)
        created += 1
    return created


def _member(project, user, role, status, moment, *, motivation="", invited_by=None):
    Membership.objects.create(
        project=project,
        member=user,
        role=role,
        status=status,
        motivation=motivation,
        invited_by=invited_by,
        created_at=moment,
        joined_at=moment if status == Membership.Status.ACTIVE else None,
        decided_at=moment if status == Membership.Status.ACTIVE else None,
        sector=user.profile.primary_sector if status == Membership.Status.ACTIVE else "",
    )
