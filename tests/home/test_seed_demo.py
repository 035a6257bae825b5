"""manage.py seed_demo: demo data for a first look, safe to run twice.

The demo is seeded once for the module, with DEBUG on as a developer would
(tests/demo.py); each test looks at it, or seeds a second time, in a savepoint
of its own. (A second seed over the first takes a fraction of a second.)
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import CommandError
from django.utils import timezone

from events.models import Venue
from home import demo_history
from home.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, MEMBERS, PARTNERS
from home.demo_people import SCHOOLS
from knowledge.models import Author, Result
from lef.coordinators import GROUP_NAME
from members.models import Organisation, Profile, User
from tests.demo import seed, seeded_demo
from tests.second_factor import totp_code

# One worker runs the module's tests one after the other: one seed per run.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-home")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """``seed_demo`` with DEBUG on and no options, once for the module."""
    with seeded_demo(django_db_blocker, tmp_path_factory, debug=True) as seeded:
        yield seeded


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "profiles": Profile.objects.count(),
        "verified": EmailAddress.objects.filter(verified=True, primary=True).count(),
        "organisations": Organisation.objects.count(),
        "partners": Organisation.objects.filter(is_partner=True).count(),
        "venues": Venue.objects.count(),
        "coordinators": Group.objects.get(name=GROUP_NAME).user_set.count(),
    }


def test_seed_demo_with_debug_off_refuses(settings):
    # Before the module's seed: this test does not ask for ``demo``, and is the first.
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        seed()

    assert User.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_seed_demo_with_debug_on_creates_the_demo(demo, settings):
    settings.MEDIA_ROOT = demo.media_root  # where the seed stored its files

    accounts = len(MEMBERS) + 1  # the members and one coordinator
    # And the people of two school years of history (home/demo_history.py), who cannot log in.
    history = User.objects.filter(email__endswith=f"@{demo_history.EMAIL_DOMAIN}").count()
    assert history >= 100
    assert _counts() == {
        "users": accounts + history,
        "profiles": accounts + history,
        "verified": accounts,
        "organisations": len(PARTNERS) + len(SCHOOLS) + 1,  # and one proposed
        "partners": len(PARTNERS),
        "venues": 2,  # PLNT (from events' migration) and Hogeschool Leiden (events.demo)
        "coordinators": 1,
    }
    assert Venue.objects.get(slug="plnt").name == "PLNT"
    assert set(Profile.objects.values_list("primary_sector", flat=True)) == {
        "po",
        "vo",
        "mbo",
        "ho",
        "other",
    }
    # The knowledge library: about twenty results, with real files whose words were read.
    results = Result.objects.all()
    assert 18 <= results.count() <= 22
    with_files = results.exclude(file="")
    assert {result.file_type for result in with_files} == {"pdf", "odt"}
    assert all(default_storage.exists(result.file) for result in with_files)
    assert "dyscalculie" in results.get(title__startswith="Overdrachtsformulier").file_text
    assert not Author.objects.filter(agreed_at__isnull=True).exists()


def test_seed_demo_prints_accounts_to_try_with_their_password(demo):
    out = demo.output

    printed = [line for line in out.splitlines() if "@demo.lef.nl" in line]
    assert len(printed) == 6  # the coordinator and one member of each of five sectors
    assert all(DEMO_PASSWORD in line for line in printed)
    assert "coordinator@demo.lef.nl" in out
    assert "sanne@demo.lef.nl" in out


def test_seed_demo_is_a_community_across_sectors_with_faces(demo):
    listed = Profile.objects.listed()
    per_sector = {
        sector: listed.filter(primary_sector=sector).count()
        for sector in ("po", "vo", "mbo", "ho", "other")
    }
    assert listed.count() >= 38
    assert min(per_sector.values()) >= 5
    with_photo = listed.exclude(avatar="")
    assert with_photo.count() >= 30
    assert listed.filter(visibility=Profile.Visibility.PUBLIC).count() >= 25


def test_seed_demo_accounts_can_log_in_with_the_printed_password(demo, client, settings):
    settings.DEBUG = True  # as where the demo is tried

    response = client.post("/accounts/login/", {"login": MEMBERS[0][0], "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_seed_demo_members_joined_before_they_filled_in_their_profile(demo):
    now = timezone.now()

    profiles = list(Profile.objects.select_related("user").order_by("user__date_joined"))
    assert len({p.user.date_joined for p in profiles}) == len(profiles)
    assert [
        p.user.email
        for p in profiles
        if not p.user.date_joined < p.onboarded_at <= p.updated_at < now
    ] == []
    assert profiles[0].user.email == "coordinator@demo.lef.nl"


def test_seed_demo_twice_changes_nothing(demo, settings):
    settings.DEBUG = False
    settings.MEDIA_ROOT = demo.media_root
    first = _counts()
    profiles = list(Profile.objects.order_by("pk").values("pk", "bio", "expertise"))

    seed("--force")

    assert _counts() == first
    assert list(Profile.objects.order_by("pk").values("pk", "bio", "expertise")) == profiles


def test_seed_demo_coordinator_reaches_the_admin_with_the_printed_code(demo, client, settings):
    settings.DEBUG = True
    settings.MEDIA_ROOT = demo.media_root
    seed()  # twice: still one app code

    printed = next(line for line in demo.output.splitlines() if "coordinator@demo.lef.nl" in line)
    assert f"app code (TOTP) secret {DEMO_TOTP_SECRET}" in printed
    assert Authenticator.objects.filter(user__email="coordinator@demo.lef.nl").count() == 1
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "coordinator@demo.lef.nl", "password": DEMO_PASSWORD},
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(DEMO_TOTP_SECRET)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
