"""One coordinator for the whole platform: ``lef.coordinators.is_coordinator``.

Someone in the Coordinators group (with staff status, as for the admin) or a
superuser is a coordinator in every app; nobody is a coordinator of one app
only, whatever permissions they hold. Every app asks this one function.
"""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, Registration
from events.permissions import event_permissions, registration_permissions
from lef.coordinators import GROUP_NAME, is_coordinator
from members.models import User
from projects.models import Project
from projects.permissions import project_permissions
from spaces.models import Booking
from spaces.permissions import can_cancel_booking, can_see_booker
from tests.factories import MemberFactory, UserFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _fresh(user):
    """The user as a new request reads it: nothing kept from an earlier question."""
    return User.objects.get(pk=user.pk)


def _with_every_app_permission():
    """Staff holding every permission the Coordinators group has, but not in the group."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Group.objects.get(name=GROUP_NAME).permissions.all())
    return user


PEOPLE = {
    "coordinator": (CoordinatorFactory, True),
    "superuser": (lambda: UserFactory(is_staff=True, is_superuser=True), True),
    "member": (MemberFactory, False),
    "staff outside the group": (lambda: UserFactory(is_staff=True), False),
    "group member without staff status": (lambda: CoordinatorFactory(is_staff=False), False),
    "deactivated coordinator": (lambda: CoordinatorFactory(is_active=False), False),
    "staff with the apps' permissions": (_with_every_app_permission, False),
}


def _every_app_asks(user) -> dict[str, bool]:
    """Each app's permission functions on the coordinators' questions, for ``user``."""
    other, now = MemberFactory(), timezone.now()
    draft = Event(status=Event.Status.DRAFT)
    someone_elses_sign_up = Registration(member_id=other.pk, event=Event())
    started_booking = Booking(
        booker_id=other.pk, status=Booking.Status.CONFIRMED, start=now - timedelta(hours=1)
    )
    project = Project(visibility=Project.Visibility.PUBLIC, status=Project.Status.LOOKING)
    return {
        "lef": is_coordinator(user),
        "projects: moderate": project_permissions(user, project).moderate,
        "events: see a draft": event_permissions(user, draft).view,
        "events: door list of a draft": event_permissions(user, draft).check_in,
        "events: cancel a meetup": event_permissions(user, draft).cancel,
        "events: cancel a sign-up": registration_permissions(user, someone_elses_sign_up).cancel,
        "spaces: see the booker": can_see_booker(user),
        "spaces: cancel a started booking": can_cancel_booking(user, started_booking, now=now),
    }


@pytest.mark.parametrize("kind", PEOPLE)
def test_is_coordinator_is_the_same_answer_in_every_app(kind):
    make, coordinator = PEOPLE[kind]

    answers = _every_app_asks(_fresh(make()))

    assert answers == dict.fromkeys(answers, coordinator)


def test_is_coordinator_for_a_visitor_is_false():
    assert is_coordinator(AnonymousUser()) is False
    assert is_coordinator(None) is False


def test_is_coordinator_asks_once_per_request_and_only_for_staff():
    coordinator, superuser = CoordinatorFactory(), UserFactory(is_staff=True, is_superuser=True)
    people = [_fresh(coordinator), _fresh(MemberFactory()), _fresh(superuser)]

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            answers = [is_coordinator(user) for user in people]

    assert answers == [True, False, True]
    assert len(queries.captured_queries) == 1


def test_leaving_the_group_ends_coordination_everywhere():
    user = CoordinatorFactory()
    user.groups.remove(Group.objects.get(name=GROUP_NAME))

    answers = _every_app_asks(_fresh(user))

    assert answers == dict.fromkeys(answers, False)


def test_the_group_still_holds_the_back_office_permissions():
    """The admin needs the group's permissions; is_coordinator needs only the group."""
    granted = set(
        Permission.objects.filter(group__name=GROUP_NAME).values_list(
            "content_type__app_label", "codename"
        )
    )

    assert {
        ("members", "change_organisation"),
        ("projects", "feature_project"),
        ("events", "change_event"),
        ("spaces", "change_booking"),
    } <= granted


# One definition --------------------------------------------------------------------


def _python_sources() -> list[Path]:
    """Every package of the project (apps present and future), tests aside."""
    packages = [
        folder
        for folder in ROOT.iterdir()
        if (folder / "__init__.py").is_file() and folder.name != "tests"
    ]
    return [path for folder in packages for path in folder.rglob("*.py")]


def test_is_coordinator_is_defined_once_in_lef():
    defined = [
        str(path.relative_to(ROOT))
        for path in _python_sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name == "is_coordinator"
    ]

    assert defined == ["lef/coordinators.py"]


def test_is_coordinator_is_imported_only_from_lef():
    elsewhere = sorted(
        f"{path.relative_to(ROOT)}: from {node.module}"
        for path in _python_sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and node.module != "lef.coordinators"
        and any(alias.name in {"is_coordinator", "has_permission"} for alias in node.names)
    )

    assert elsewhere == []
