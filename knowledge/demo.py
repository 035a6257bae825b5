"""Demo results for ``manage.py seed_demo`` (from home.demo.seed): a library that looks alive.

About twenty results across the demo's projects, most of them of completed
projects from the two school years of history (home/demo_history.py), with
real small PDF and ODT files (knowledge.demo_files) whose words the search
finds. They are published through the same service as on the site
(knowledge.services.publish_result, by the project's lead, so the files are
checked and stored like any upload); then the demo backdates them, names their
authors (who agreed) and gives them downloads, straight on the rows: no mail
goes out for seeded data.

Idempotent: nothing happens when the library already holds a result.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from knowledge import services
from knowledge.demo_files import odt_bytes, pdf_bytes
from knowledge.models import RESULT_FILES, Author, Result
from knowledge.services import ResultDetails
from projects.models import Membership, Project

K, L = Result.Kind, Result.Licence
HISTORY_PREFIX = "terugblik-"  # home.demo_history's projects (knowledge may not import home)


@dataclass
class Spec:
    # A demo project's slug, or the start of a history project's title.
    project: str
    title: str
    summary: str
    kind: str
    licence: str
    file: str  # "pdf", "odt" or "" (a link or only what was learned)
    paragraphs: list[str] = field(default_factory=list)
    learned: str = ""
    link: str = ""
    members_only: bool = False
    downloads: int = 0
    activities: list[str] = field(default_factory=lambda: ["teaching"])


RESULTS = [
    Spec(
        "mentoraat-eerste-jaar-hbo",
        "Eindrapport: mentoraat voor eerstejaars in het hbo",
        "Twee jaar praktijkonderzoek naar wat een mentoraat in het eerste jaar laat slagen, "
        "met mbo- en hbo-docenten.",
        K.REPORT,
        L.CC_BY,
        "pdf",
        [
            "Dit rapport beschrijft twee jaar praktijkonderzoek naar het mentoraat voor "
            "eerstejaarsstudenten in het hoger beroepsonderwijs in Leiden.",
            "Studenten met een mbo-achtergrond noemden het ontbreken van een vast aanspreekpunt "
            "als belangrijkste reden om te twijfelen aan hun studiekeuze. Uitvalpreventie begint "
            "daarom bij de overstap, niet bij de eerste tentamenweek.",
            "Aanbevelingen: een mentor per twaalf studenten, een warme overdracht vanuit het mbo, "
            "en een studiekeuzecheck die ook naar studievaardigheden kijkt.",
        ],
        learned="Studenten die uit het mbo komen haken af als niemand hen in de eerste zes weken "
        "kent. Een vaste mentor die ook hun mbo-opleiding kent, maakt het verschil.\n\n"
        "- Plan het eerste mentorgesprek in week 2, niet in week 6.\n"
        "- Nodig een mbo-docent uit in de startweek.",
        downloads=143,
        activities=["teaching", "research"],
    ),
    Spec(
        "mentoraat-eerste-jaar-hbo",
        "Gespreksleidraad voor het eerste mentorgesprek",
        "Een leidraad van twee pagina's voor het eerste gesprek tussen mentor en eerstejaars.",
        K.LESSON_MATERIAL,
        L.CC_BY_SA,
        "odt",
        [
            "Vraag naar de vooropleiding, de reden van de studiekeuze en wat de student nodig "
            "heeft om de eerste tentamenweek te halen.",
            "Spreek af wanneer jullie elkaar weer zien, en wie de student kan bellen bij twijfel "
            "over de studievoortgang.",
        ],
        downloads=88,
    ),
    Spec(
        "Warme overdracht groep 8",
        "Overdrachtsformulier groep 8 naar de brugklas",
        "Het formulier dat basisscholen en vo-scholen in Leiden samen maakten: wat de "
        "mentor in de brugklas echt wil weten.",
        K.TOOL,
        L.CC_BY,
        "odt",
        [
            "Overdrachtsformulier voor de warme overdracht van groep 8 naar de brugklas.",
            "Wat werkt voor deze leerling bij het plannen van huiswerk? Wie thuis is het "
            "aanspreekpunt? Welke afspraken over dyslexie of dyscalculie lopen er?",
            "Het formulier vervangt de losse lijstjes en wordt in juni besproken in een "
            "overdrachtsgesprek tussen leerkracht en mentor.",
        ],
        learned="Een formulier alleen is geen warme overdracht: het gesprek erover wel.",
        downloads=212,
    ),
    Spec(
        "Warme overdracht groep 8",
        "Evaluatie van de warme overdracht",
        "Hoe leerkrachten en mentoren het eerste jaar warme overdracht ervoeren, met cijfers "
        "over schoolwisselingen in de brugklas.",
        K.RESEARCH,
        L.CC_BY_NC,
        "pdf",
        [
            "Evaluatie van een jaar warme overdracht tussen twaalf basisscholen en vier "
            "scholen voor voortgezet onderwijs.",
            "Mentoren gaven aan dat zij leerlingen sneller leerden kennen; het aantal "
            "leerlingen dat in de brugklas van niveau wisselde daalde licht.",
            "Knelpunt blijft de tijd: overdrachtsgesprekken vallen in de drukste weken van het "
            "schooljaar. Een vaste middag in juni helpt.",
        ],
        downloads=64,
        activities=["research"],
    ),
    Spec(
        "Stagepool mbo en hbo",
        "Handreiking stagepool mbo en hbo",
        "Hoe mbo- en hbo-opleidingen samen stageplekken delen en begeleiden.",
        K.TOOL,
        L.CC_BY_SA,
        "pdf",
        [
            "Een gedeelde stagepool voorkomt dat bedrijven dubbel benaderd worden en dat "
            "studenten zonder stageplek blijven zitten.",
            "De handreiking beschrijft de afspraken over begeleiding, beoordeling en de "
            "verdeling van stageplekken tussen de opleidingen.",
        ],
        learned="Begin met drie bedrijven die al met beide opleidingen werken.",
        downloads=57,
    ),
    Spec(
        "Lesson study rekenen",
        "Lesson study rekenen: drie lesontwerpen",
        "Drie rekenlessen voor groep 7 en 8, ontworpen en bekeken door leerkrachten en "
        "pabo-studenten.",
        K.LESSON_MATERIAL,
        L.CC_BY,
        "pdf",
        [
            "Lesontwerp 1: breuken op de getallenlijn. Lesontwerp 2: verhoudingstabellen bij "
            "recepten. Lesontwerp 3: procenten in de supermarkt.",
            "Bij elke les staan de observatievragen die het lesson-studyteam gebruikte, en wat "
            "de leerlingen lieten zien.",
        ],
        downloads=131,
        activities=["teaching", "teacher_education"],
    ),
    Spec(
        "Lesson study rekenen",
        "Wat we leerden over lesson study met pabo-studenten",
        "Korte reflectie van het team: wat lesson study vraagt van een school en een opleiding.",
        K.RESEARCH,
        L.CC_BY,
        "",
        learned="Pabo-studenten observeren scherper als ze vooraf één leerling kiezen om te "
        "volgen.\n\nPlan de nabespreking op dezelfde dag als de les.",
        activities=["teacher_education", "research"],
    ),
    Spec(
        "Doorlopende leerlijn burgerschap",
        "Leerlijn burgerschap van groep 6 tot mbo-2",
        "Een doorlopende leerlijn burgerschap, met per leerjaar de doelen en een voorbeeldles.",
        K.LESSON_MATERIAL,
        L.CC_BY_NC_SA,
        "odt",
        [
            "Doorlopende leerlijn burgerschap: democratie, identiteit en samenleven.",
            "Groep 6: de klassenvergadering. Brugklas: de gemeenteraad op bezoek. "
            "Mbo-2: een debat over de wijk.",
        ],
        downloads=76,
    ),
    Spec(
        "Studiekeuze zonder uitval",
        "Studiekeuzecheck vo-hbo: vragenlijst en gesprekskaart",
        "Een vragenlijst voor vwo- en havoleerlingen en een gesprekskaart voor decanen.",
        K.TOOL,
        L.CC_BY,
        "pdf",
        [
            "De studiekeuzecheck helpt leerlingen in havo 5 en vwo 6 hun verwachtingen van een "
            "opleiding te toetsen voordat ze zich inschrijven.",
            "De gesprekskaart geeft decanen vijf vragen voor het gesprek erna, over motivatie, "
            "studievaardigheden en een plan B.",
        ],
        downloads=98,
    ),
    Spec(
        "Studiekeuze zonder uitval",
        "Uitval in het eerste jaar: literatuuroverzicht",
        "Wat onderzoek zegt over uitval in het eerste jaar hoger onderwijs, samengevat voor "
        "docenten.",
        K.RESEARCH,
        L.CC_BY,
        "pdf",
        [
            "Een overzicht van recent onderzoek naar studie-uitval en switchgedrag in het eerste "
            "jaar van hbo en wo.",
            "Sociale integratie, een passende studiekeuze en studievaardigheden verklaren samen "
            "het grootste deel van de uitval.",
        ],
        members_only=True,
        activities=["research"],
    ),
    Spec(
        "Techniek in de onderbouw",
        "Techniekcircuit voor de onderbouw",
        "Vijf technieklessen die vmbo- en mbo-docenten samen gaven, met materiaallijsten.",
        K.LESSON_MATERIAL,
        L.CC_BY_SA,
        "odt",
        [
            "Techniekcircuit: solderen, een brug bouwen, een robotarm programmeren, "
            "een fietsband plakken en een lamp aansluiten.",
            "Elke les duurt negentig minuten en wordt gegeven door een vmbo-docent met een "
            "mbo-student als assistent.",
        ],
        downloads=45,
    ),
    Spec(
        "Leesmotivatie in de bovenbouw",
        "Leesmotivatie: tien werkvormen voor groep 6 tot 8",
        "Werkvormen die de leesmotivatie in de bovenbouw verhoogden, getest in vier scholen.",
        K.LESSON_MATERIAL,
        L.CC0,
        "pdf",
        [
            "Tien werkvormen voor leesmotivatie: boekenkring, leesbingo, voorlezen door "
            "oudere leerlingen, de boekenwinkel in de klas en meer.",
            "Leerkrachten kozen per periode twee werkvormen en hielden bij hoeveel boeken "
            "leerlingen uit de klassenbibliotheek leenden.",
        ],
        downloads=164,
    ),
    Spec(
        "Samen opleiden in de regio",
        "Samen opleiden: afsprakenkader voor scholen en lerarenopleidingen",
        "Hoe scholen in po en vo met de pabo en de lerarenopleidingen studenten samen opleiden.",
        K.REPORT,
        L.ALL_RIGHTS_RESERVED,
        "pdf",
        [
            "Het afsprakenkader regelt de begeleiding van studenten op de werkplek, de rol van "
            "de schoolopleider en de beoordeling van de stage.",
        ],
        members_only=True,
        activities=["teacher_education", "leadership"],
    ),
    Spec(
        "samen-opleiden-in-de-school",
        "Draaiboek zomerschool voor de brugklas",
        "Het draaiboek van de zomerschool: planning, lesprogramma en de inzet van hbo-studenten.",
        K.TOOL,
        L.CC_BY,
        "odt",
        [
            "Draaiboek zomerschool: twee weken in augustus voor leerlingen die van groep 8 "
            "naar de brugklas gaan.",
            "Ochtenden taal en rekenen, middagen sport en een project over de nieuwe school.",
        ],
        downloads=39,
    ),
    Spec(
        "rekenen-groep-8-brugklas",
        "Overstaplessen rekenen: tussenstand",
        "De eerste twee overstaplessen rekenen, nog in ontwikkeling; reacties welkom.",
        K.LESSON_MATERIAL,
        L.CC_BY_SA,
        "pdf",
        [
            "Overstaples 1: de rekenmachine in de brugklas. Overstaples 2: schatten en "
            "controleren.",
            "Leerlingen herkennen de sommen van de basisschool, maar niet de notatie die het vo "
            "gebruikt.",
        ],
        downloads=22,
    ),
    Spec(
        "leerkring-praktijkonderzoek",
        "Onderzoeksopzet leerkring praktijkonderzoek",
        "Het format waarmee docenten uit vier sectoren hun eigen praktijkvraag onderzoeken.",
        K.RESEARCH,
        L.CC_BY,
        "",
        link="https://www.nro.nl/",
        learned="Een goede praktijkvraag past op één regel en gaat over je eigen les.",
        activities=["research"],
    ),
    Spec(
        "formatief-evalueren-po-tot-ho",
        "Formatief evalueren: exit tickets van po tot ho",
        "Voorbeelden van exit tickets uit alle vier de sectoren, met wat docenten ermee deden.",
        K.LESSON_MATERIAL,
        L.CC_BY,
        "pdf",
        [
            "Exit tickets zijn korte vragen aan het eind van de les die laten zien of het "
            "lesdoel gehaald is.",
            "In het po werken smileys en één som; in het mbo en hbo een vraag over toepassing "
            "in de praktijk.",
        ],
        downloads=51,
    ),
    Spec(
        "Doorlopende leerlijn burgerschap",
        "Verslag van de burgerschapsmiddag",
        "Verslag van de middag waarop leerlingen uit groep 8, de brugklas en het mbo samen "
        "debatteerden.",
        K.REPORT,
        L.CC_BY_NC,
        "odt",
        [
            "Zestig leerlingen uit drie sectoren debatteerden over de vraag of de wijk een "
            "jongerenraad nodig heeft.",
        ],
        downloads=18,
    ),
    Spec(
        "Techniek in de onderbouw",
        "Evaluatie techniekcircuit: wat leerlingen kozen",
        "Hoeveel leerlingen na het techniekcircuit voor een technisch profiel kozen.",
        K.RESEARCH,
        L.CC_BY,
        "pdf",
        [
            "Van de leerlingen die het techniekcircuit volgden, koos een derde in de "
            "bovenbouw voor een technisch profiel; een jaar eerder was dat een kwart.",
        ],
        activities=["research"],
    ),
    Spec(
        "Stagepool mbo en hbo",
        "Beoordelingsformulier stage, gedeeld door mbo en hbo",
        "Eén beoordelingsformulier voor stagebegeleiders van beide opleidingen.",
        K.TOOL,
        L.CC_BY,
        "odt",
        [
            "Beoordelingsformulier stage: houding, vakkennis, samenwerken en reflectie, "
            "elk op vier niveaus beschreven.",
        ],
        downloads=33,
    ),
]


def _project(spec: Spec) -> Project | None:
    """The demo project a result belongs to: by slug, or the last completed history project."""
    projects = Project.objects.filter(slug=spec.project)
    if not projects.exists():
        projects = Project.objects.filter(
            slug__startswith=HISTORY_PREFIX, title__startswith=spec.project
        ).order_by("-status", "-start_date")  # "running" sorts before "completed"
        completed = projects.filter(status=Project.Status.COMPLETED)
        projects = completed if completed.exists() else projects
    return projects.first()


def _team(project: Project) -> list[Membership]:
    return list(
        Membership.objects.filter(project=project, status=Membership.Status.ACTIVE)
        .select_related("member")
        .order_by("role", "joined_at", "pk")  # "lead" sorts before "member"
    )


def seed() -> int:
    """Publish the demo results; returns how many were made."""
    if Result.objects.exists():
        return 0
    made = 0
    now = timezone.now()
    for number, spec in enumerate(RESULTS):
        project = _project(spec)
        if project is None:
            continue
        team = _team(project)
        leads = [m.member for m in team if m.role == Membership.Role.LEAD]
        if not leads:
            continue
        document = None
        if spec.file:
            build = pdf_bytes if spec.file == "pdf" else odt_bytes
            name = f"{spec.title[:60]}.{spec.file}"
            upload = SimpleUploadedFile(name, build(spec.title, spec.paragraphs))
            document = RESULT_FILES.clean(upload)
        result = services.publish_result(
            project=project,
            by=leads[0],
            details=ResultDetails(
                title=spec.title,
                summary=spec.summary,
                kind=spec.kind,
                licence=spec.licence,
                visibility=Result.Visibility.MEMBERS
                if spec.members_only or project.visibility == Project.Visibility.MEMBERS
                else Result.Visibility.PUBLIC,
                learned=spec.learned,
                link=spec.link,
                sectors=project.sectors,
                transitions=project.transitions,
                core_activities=spec.activities,
            ),
            document=document,
        )
        # Published near the project's end (or in the last months), oldest first.
        published = now - timedelta(days=12 * (len(RESULTS) - number) + 3)
        if project.end_date and project.status == Project.Status.COMPLETED:
            published = min(published, now - timedelta(days=(now.date() - project.end_date).days))
        # Never before the project had been going a month (nor in the future).
        begun = project.start_date or timezone.localdate(project.created_at)
        going = timezone.make_aware(datetime.combine(begun + timedelta(days=30), time(10)))
        published = min(max(published, going), now - timedelta(hours=len(RESULTS) - number))
        Result.objects.filter(pk=result.pk).update(created_at=published, downloads=spec.downloads)
        # The lead and up to two others of the team are named; they agreed.
        for position, membership in enumerate(team[:3]):
            Author.objects.update_or_create(
                result=result,
                member=membership.member,
                defaults={"position": position, "agreed_at": published},
            )
        made += 1
    return made
