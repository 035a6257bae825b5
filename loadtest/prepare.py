"""``python -m loadtest.prepare PLAN``: coordinators with a second factor, and the plan of a run.

Runs with the load test's settings against its restored bench database (the
runner sets DATABASE_URL). It adds the coordinators the load logs in as (staff,
in the Coordinators group, each with an app code (TOTP) whose secret goes into
the plan, since staff pass a second factor before the door list opens), and
writes the plan: which members log in, and which meetups, desks and projects
they browse, sign up for, book and join. The load users read the plan; the
runner's checks read back what the load users were told.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.settings")
django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.seed import EMAIL_DOMAIN, EXPERTISE, PASSWORD  # noqa: E402
from events.models import Event  # noqa: E402
from lef.choices import Role, Sector  # noqa: E402
from lef.coordinators import GROUP_NAME  # noqa: E402
from members.models import Profile, User  # noqa: E402
from projects.models import Membership, Project  # noqa: E402
from spaces.models import Resource  # noqa: E402

MEMBERS = 400  # accounts the members' load logs in as (each user takes its own)
DOOR_MEETUP = "bench-meetup"  # 100 sign-ups (bench/seed_events.py)


def coordinators(count: int) -> list[dict]:
    """``count`` coordinators, each with an app code (a second factor) of a known secret."""
    second_factor = _second_factor_module()
    people = []
    with transaction.atomic():
        group = Group.objects.get(name=GROUP_NAME)
        for number in range(1, count + 1):
            username = f"loadtest-coordinator-{number}"
            email = f"{username}@{EMAIL_DOMAIN}"
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={
                    "email": email,
                    "name": f"Coördinator {number}",
                    "password": make_password(PASSWORD),
                    "is_staff": True,
                },
            )
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            Profile.objects.update_or_create(
                user=user,
                defaults={
                    "primary_sector": Sector.OTHER,
                    "roles": [Role.POLICY],
                    "onboarded_at": timezone.now(),
                },
            )
            group.user_set.add(user)
            secret = None
            if second_factor is not None:
                generate, totp, authenticator = second_factor
                authenticator.objects.filter(user=user).delete()
                secret = generate()
                totp.activate(user, secret)
            people.append({"email": email, "password": PASSWORD, "totp_secret": secret})
    return people


def _second_factor_module():
    """allauth's TOTP pieces when its MFA app is installed, else None (no code asked)."""
    from django.apps import apps  # noqa: PLC0415

    if not apps.is_installed("allauth.mfa"):
        return None
    from allauth.mfa.models import Authenticator  # noqa: PLC0415
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: PLC0415

    return generate_totp_secret, TOTP, Authenticator


def plan(coordinator_count: int) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    members = list(
        Profile.objects.listed()
        .filter(user__is_active=True, user__is_staff=False)
        .exclude(user__username__startswith="bench-")
        .order_by("user_id")
        .values_list("user__email", flat=True)[:MEMBERS]
    )
    coming = Event.objects.listed().upcoming().filter(status=Event.Status.PUBLISHED)
    browse_meetups = list(coming.order_by("starts_at").values_list("slug", flat=True)[:60])
    # Small meetups, so that sign-ups compete for the last places and a waiting line forms.
    signup_meetups = list(
        coming.filter(capacity__lte=30, starts_at__gt=now + timedelta(days=2))
        .order_by("starts_at")
        .values_list("slug", flat=True)[:12]
    )
    desks = list(
        Resource.objects.active()
        .filter(audience=Resource.Audience.MEMBERS, slug__startswith="bench-")
        .exclude(slug="bench-race")
        .order_by("slug")
        .values("slug", "slot_minutes", "min_minutes", "max_days_ahead")
    )
    days = [
        (today + timedelta(days=n)).isoformat()
        for n in range(2, 30)
        if (today + timedelta(days=n)).weekday() < 5
    ]
    public = Project.objects.filter(
        visibility=Project.Visibility.PUBLIC, status__in=Project.OPEN_STATUSES
    )
    browse_projects = list(public.order_by("pk").values_list("slug", flat=True)[:60])
    # Teams without approval and with a size limit: joins compete for the last places.
    join_projects = list(
        public.filter(requires_approval=False, max_team_size__isnull=False)
        .annotate(
            team=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
        )
        .filter(team__lt=F("max_team_size"))
        .order_by("max_team_size", "pk")
        .values_list("slug", flat=True)[:10]
    )
    words = sorted({word for words in EXPERTISE.values() for word in words})
    return {
        "members": [{"email": email, "password": PASSWORD} for email in members],
        "coordinators": coordinators(coordinator_count),
        "door_meetup": DOOR_MEETUP,
        "browse_meetups": browse_meetups,
        "signup_meetups": signup_meetups,
        "desks": desks,
        "days": days,
        "browse_projects": browse_projects,
        "join_projects": join_projects,
        "search_words": words,
        "profiles": list(
            Profile.objects.listed()
            .filter(visibility=Profile.Visibility.PUBLIC)
            .order_by("user_id")
            .values_list("user__username", flat=True)[:60]
        ),
    }


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    target.write_text(json.dumps(plan(count), indent=1))
    print(f"Plan written to {target}.")
