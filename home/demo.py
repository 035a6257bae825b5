"""Demo data for a first look at the platform (``manage.py seed_demo``).

Idempotent: every object is looked up by a natural key and created only if
missing, so running it twice changes nothing.
"""

import hashlib
import random
from datetime import datetime, time, timedelta
from io import BytesIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from events import demo as events_demo
from events.models import Venue
from home import demo_history
from home.demo_people import DESCRIPTIONS, PEOPLE, SCHOOLS
from knowledge import demo as knowledge_demo
from lef.choices import CoreActivity, Role, Sector
from lef.coordinators import GROUP_NAME
from lef.demo_accounts import TEST_ACCOUNTS_GROUP
from members.avatars import clean_avatar, store_avatar
from members.models import Organisation, Profile, User
from projects import demo as projects_demo
from spaces import demo as spaces_demo

DEMO_PASSWORD = "lef-demo-2026"  # noqa: S105 -- printed on purpose for a demo site
# The demo coordinator's second factor: a base32 TOTP secret, printed on purpose too.
DEMO_TOTP_SECRET = "LEFDEMOCOORDINATORLEFDEMOSEVEN22"  # noqa: S105

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

# The demo's members (home/demo_people.py): email, name, sector, organisation slug,
# roles, activities, expertise, job title, bio, open, looking for, public.
MEMBERS = [(f"{key}@demo.lef.nl", *rest) for key, *rest in PEOPLE]

COORDINATOR = ("coordinator@demo.lef.nl", "Coördinator 't LEF")

# The coordinator joined first, the members one after another since (the last
# some weeks ago), each filling in their profile right away.
FIRST_JOINED = timedelta(days=120)
JOINED_GAP = timedelta(hours=50)
ONBOARDING_TIME = timedelta(minutes=15)

# A start-up a member proposed, waiting for a coordinator's approval (the admin index).
PROPOSED = {
    "name": "Leesclub Leiden",
    "slug": "leesclub-leiden",
    "kind": Organisation.Kind.STARTUP,
    "sectors": ["po", "vo"],
    "description": "Leerkrachten en studenten die leesclubs opzetten voor groep 7 tot en met "
    "de brugklas.",
}


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
                "description": DESCRIPTIONS.get(slug, ""),
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

    for name, slug, kind, sectors in SCHOOLS:
        organisations[slug], _ = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "sectors": sectors,
                "status": Organisation.Status.APPROVED,
                "description": DESCRIPTIONS.get(slug, ""),
            },
        )

    accounts = []
    now = timezone.now()
    # The accounts printed to try the site with: anyone may click around in
    # them, so the dashboard leaves them out (lef/demo_accounts.py).
    try_out, _ = Group.objects.get_or_create(name=TEST_ACCOUNTS_GROUP)
    email, name = COORDINATOR
    coordinator = _account(email, name, is_staff=True)
    coordinator.groups.add(Group.objects.get(name=GROUP_NAME), try_out)
    # The coordinator was there before the history's first member (home/demo_history.py).
    history_starts = timezone.make_aware(
        datetime.combine(demo_history.first_day(timezone.localdate()), time(9))
    )
    _profile(
        coordinator,
        joined=min(now - FIRST_JOINED, history_starts - timedelta(days=14)),
        sector=Sector.OTHER,
        organisation=organisations["gemeente-leiden"],
        roles=[Role.POLICY],
        activities=[CoreActivity.LEADERSHIP],
        expertise=[],
        job_title="Coördinator 't LEF",
        bio="Ik organiseer de meetups van 't LEF bij PLNT. Vragen? Stuur me een bericht.",
        open_to_collaboration=True,
        looking_for="",
        public=True,
    )
    # The back office asks staff for a second factor (lef/second_factor.py): the
    # demo coordinator has an app code whose secret is printed, so that anyone
    # trying the site can compute its codes (in a code app, or with --totp of
    # the screenshot tool).
    if not Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(coordinator, DEMO_TOTP_SECRET)
    accounts.append(
        (
            email,
            DEMO_PASSWORD,
            f"coordinator (admin and dashboard); app code (TOTP) secret {DEMO_TOTP_SECRET}",
        )
    )

    for index, person in enumerate(MEMBERS):
        (email, name, sector, org_slug, roles, activities, expertise, job_title, bio,
         open_to_collaboration, looking_for, public) = person  # fmt: skip
        user = _account(email, name)
        created = _profile(
            user,
            joined=now - FIRST_JOINED + JOINED_GAP * (index + 1),
            sector=sector,
            organisation=organisations[org_slug],
            roles=roles,
            activities=activities,
            expertise=expertise,
            job_title=job_title,
            bio=bio,
            open_to_collaboration=open_to_collaboration,
            looking_for=looking_for,
            public=public,
        )
        # Active at different moments (since they joined), so the directory's
        # "recently active first" mixes sectors as a real one would.
        if created:
            Profile.objects.filter(pk=user.pk).update(
                updated_at=now - timedelta(hours=(index * 37) % 240)
            )
        # Most have a photo; some keep their initials, as in real life.
        if index % 6 != 5:
            _avatar(user)
        if index < 5:  # the first ones are printed, to try the site with
            accounts.append((email, DEMO_PASSWORD, f"member ({sector.value})"))
            user.groups.add(try_out)

    Organisation.objects.get_or_create(
        slug=PROPOSED["slug"],
        defaults={
            **PROPOSED,
            "status": Organisation.Status.PROPOSED,
            "proposed_by": User.objects.get(email=MEMBERS[1][0]),
        },
    )
    events_demo.seed()  # meetups, after the members who sign up for them
    spaces_demo.seed()
    projects_demo.seed()
    demo_history.seed()  # two school years of meetups, projects and bookings, for the dashboard
    knowledge_demo.seed()  # results of those projects, with files, for the library
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


def _profile(
    user,
    *,
    joined,
    sector,
    organisation,
    roles,
    activities,
    expertise,
    job_title,
    bio,
    open_to_collaboration,
    looking_for,
    public,
) -> bool:
    """Fill in ``user``'s profile unless it was filled in before; whether it was now.

    The account dates from ``joined`` and its profile was filled in right after,
    so the admin's dates tell the same story as the rest of the demo.
    """
    profile, _ = Profile.objects.get_or_create(user=user)
    if profile.onboarded_at:
        return False  # already seeded (or edited by hand): leave it alone
    User.objects.filter(pk=user.pk).update(date_joined=joined)
    profile.primary_sector = sector
    profile.organisation = organisation
    profile.roles = list(roles)
    profile.core_activities = list(activities)
    profile.expertise = list(expertise)
    profile.job_title = job_title
    profile.bio = bio
    profile.open_to_collaboration = open_to_collaboration
    profile.looking_for = looking_for
    # Public profiles let visitors who are not logged in see the directory at work.
    profile.visibility = Profile.Visibility.PUBLIC if public else Profile.Visibility.MEMBERS
    profile.onboarded_at = joined + ONBOARDING_TIME
    profile.save()
    return True


# Backgrounds, skin tones and hair colours for the generated portraits.
_BACKGROUNDS = ["#f3d9b1", "#cfe3f3", "#d5eadf", "#efd3e3", "#e4e4e4", "#f6e7a8", "#d9d2f0"]
_SKIN = ["#f1c7a3", "#e0ac86", "#c68863", "#9c6644", "#70452b", "#f5d3b8"]
_HAIR = ["#2b1d14", "#4a3020", "#8a5a2b", "#c9a063", "#1b1b1b", "#7d7d7d", "#a0522d"]
_SHIRTS = ["#1f3b57", "#b34700", "#00694d", "#9b3d78", "#1d6a96", "#595959", "#8a5f00"]


def portrait(seed: str, size: int = 480) -> bytes:
    """A simple, friendly made-up portrait (PNG), the same for the same seed."""
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())  # noqa: S311 -- not secret
    image = Image.new("RGB", (size, size), rng.choice(_BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    skin, hair, shirt = rng.choice(_SKIN), rng.choice(_HAIR), rng.choice(_SHIRTS)
    unit = size / 24
    # Shoulders, neck, hair behind the head, head, and a fringe or short hair on top.
    draw.ellipse([3 * unit, 17 * unit, 21 * unit, 31 * unit], fill=shirt)
    draw.rectangle([10 * unit, 13 * unit, 14 * unit, 18 * unit], fill=skin)
    long_hair = rng.random() < 0.5
    if long_hair:
        draw.rounded_rectangle([5.5 * unit, 5 * unit, 18.5 * unit, 18 * unit], 5 * unit, fill=hair)
    draw.ellipse([7 * unit, 4.5 * unit, 17 * unit, 15.5 * unit], fill=skin)
    draw.chord([6.8 * unit, 3.5 * unit, 17.2 * unit, 11 * unit], 180, 360, fill=hair)
    eye = max(2, round(unit * 0.55))
    for x in (10.2, 13.8):
        draw.ellipse([x * unit - eye, 10 * unit - eye, x * unit + eye, 10 * unit + eye],
                     fill="#2b2b2b")  # fmt: skip
    draw.arc([10 * unit, 11 * unit, 14 * unit, 13.6 * unit], 20, 160, fill="#7a3b2e",
             width=max(2, round(unit * 0.35)))  # fmt: skip
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _avatar(user) -> None:
    """Give ``user`` a generated portrait through the normal avatar pipeline, once."""
    profile = user.profile
    if profile.avatar:
        return
    upload = SimpleUploadedFile("portrait.png", portrait(user.email), content_type="image/png")
    store_avatar(profile=profile, processed=clean_avatar(upload))
