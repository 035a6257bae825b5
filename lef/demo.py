"""Demo data for a first look at the platform (``manage.py seed_demo``).

Idempotent: every object is looked up by a natural key and created only if
missing, so running it twice changes nothing.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from events import demo as events_demo
from events.models import Venue
from lef.choices import CoreActivity, Role, Sector
from lef.coordinators import GROUP_NAME
from members.models import Organisation, Profile, User

DEMO_PASSWORD = "lef-demo-2026"  # noqa: S105 -- printed on purpose for a demo site

PARTNERS = [
    (
        "ICLON (Universiteit Leiden)",
        "iclon",
        Organisation.Kind.UNIVERSITY,
        ["ho"],
        "https://www.universiteitleiden.nl/iclon",
    ),
    (
        "Gemeente Leiden",
        "gemeente-leiden",
        Organisation.Kind.MUNICIPALITY,
        ["other"],
        "https://www.leiden.nl",
    ),
    ("Leidse Aanpak", "leidse-aanpak", Organisation.Kind.OTHER, ["po", "vo"], ""),
    (
        "Da Vinci College",
        "da-vinci-college",
        Organisation.Kind.SCHOOL,
        ["mbo"],
        "https://www.davinci.nl",
    ),
    (
        "PROOLeiden",
        "prooleiden",
        Organisation.Kind.BOARD,
        ["po", "vo"],
        "https://www.prooleiden.nl",
    ),
    ("SCOL", "scol", Organisation.Kind.BOARD, ["po"], "https://www.scol.nl"),
    (
        "Hogeschool Leiden",
        "hogeschool-leiden",
        Organisation.Kind.UNIVERSITY,
        ["ho"],
        "https://www.hsleiden.nl",
    ),
]

MEMBERS = [
    # email, name, sector, organisation slug, roles, activities, expertise, bio
    (
        "sanne@demo.lef.nl",
        "Sanne de Vries",
        Sector.PO,
        "scol",
        [Role.TEACHER],
        [CoreActivity.TEACHING, CoreActivity.INNOVATION],
        ["rekenen", "groep 8", "overgang po-vo"],
        "Leerkracht groep 8. Ik wil weten wat mijn leerlingen in de brugklas tegenkomen.",
    ),
    (
        "jeroen@demo.lef.nl",
        "Jeroen Bakker",
        Sector.VO,
        "prooleiden",
        [Role.TEACHER],
        [CoreActivity.TEACHING, CoreActivity.RESEARCH],
        ["wiskunde", "rekenen", "praktijkonderzoek"],
        "Docent wiskunde in de onderbouw; doe praktijkonderzoek naar rekenvaardigheid.",
    ),
    (
        "fatima@demo.lef.nl",
        "Fatima El Amrani",
        Sector.MBO,
        "da-vinci-college",
        [Role.TEACHER, Role.TEACHER_EDUCATOR],
        [CoreActivity.TEACHER_EDUCATION],
        ["loopbaanbegeleiding", "studiekeuze"],
        "Docent en praktijkopleider. Ik begeleid studenten bij de overstap naar het hbo.",
    ),
    (
        "pieter@demo.lef.nl",
        "Pieter Jansen",
        Sector.HO,
        "iclon",
        [Role.RESEARCHER, Role.TEACHER_EDUCATOR],
        [CoreActivity.RESEARCH, CoreActivity.TEACHER_EDUCATION],
        ["onderzoek", "lerarenopleiding", "professionalisering"],
        "Lerarenopleider en onderzoeker bij ICLON. Interested in teacher research across sectors.",
    ),
    (
        "lotte@demo.lef.nl",
        "Lotte Visser",
        Sector.HO,
        "hogeschool-leiden",
        [Role.TEACHER],
        [CoreActivity.TEACHING, CoreActivity.INNOVATION],
        ["studiesucces", "eerstejaars", "mentoraat"],
        "Docent bij Hogeschool Leiden. Ik werk aan betere aansluiting mbo-hbo.",
    ),
]

COORDINATOR = ("coordinator@demo.lef.nl", "Coördinator 't LEF")


def seed() -> list[tuple[str, str, str]]:
    """Create the demo data; return (email, password, description) per demo account."""
    organisations = {}
    for name, slug, kind, sectors, website in PARTNERS:
        organisations[slug], _ = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "sectors": sectors,
                "website": website,
                "is_partner": True,
                "status": Organisation.Status.APPROVED,
            },
        )
    Venue.objects.get_or_create(
        slug="plnt",
        defaults={
            "name": "PLNT",
            "address": "Langegracht 70",
            "city": "Leiden",
            "description": "Broedplaats voor ondernemerschap en innovatie in Leiden.",
            "website": "https://www.plnt.nl",
        },
    )

    accounts = []
    email, name = COORDINATOR
    coordinator = _account(email, name, is_staff=True)
    coordinator.groups.add(Group.objects.get(name=GROUP_NAME))
    _profile(
        coordinator,
        sector=Sector.OTHER,
        organisation=organisations["gemeente-leiden"],
        roles=[Role.POLICY],
        activities=[CoreActivity.LEADERSHIP],
        expertise=[],
        bio="",
    )
    accounts.append((email, DEMO_PASSWORD, "coordinator (admin and dashboard)"))

    for email, name, sector, org_slug, roles, activities, expertise, bio in MEMBERS:
        user = _account(email, name)
        _profile(
            user,
            sector=sector,
            organisation=organisations[org_slug],
            roles=roles,
            activities=activities,
            expertise=expertise,
            bio=bio,
        )
        accounts.append((email, DEMO_PASSWORD, f"member ({sector.value})"))
    events_demo.seed()  # meetups, after the members who sign up for them
    return accounts


def _account(email: str, name: str, *, is_staff: bool = False) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, name=name, is_staff=is_staff
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _profile(user, *, sector, organisation, roles, activities, expertise, bio) -> None:
    profile, _ = Profile.objects.get_or_create(user=user)
    if profile.onboarded_at:
        return  # already seeded (or edited by hand): leave it alone
    profile.primary_sector = sector
    profile.organisation = organisation
    profile.roles = list(roles)
    profile.core_activities = list(activities)
    profile.expertise = list(expertise)
    profile.bio = bio
    profile.open_to_collaboration = True
    # Teachers' profiles are public in the demo, so that visitors who are not
    # logged in see the directory at work; the rest stay members-only (the default).
    if Role.TEACHER in roles:
        profile.visibility = Profile.Visibility.PUBLIC
    profile.onboarded_at = timezone.now()
    profile.save()
