"""lef.coordinators.has_permission answers as Django's has_perm, in one query."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lef.coordinators import has_permission
from members.models import User
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PERMISSIONS = ["spaces.change_booking", "events.change_event", "projects.change_project"]


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _people():
    group = Group.objects.create(name="Ploeg")
    in_group, direct = UserFactory(is_staff=True), UserFactory(is_staff=True)
    in_group.groups.add(group)
    for name in PERMISSIONS[:2]:
        app_label, codename = name.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        group.permissions.add(permission)
        direct.user_permissions.add(permission)
    return [
        in_group,
        direct,
        UserFactory(is_staff=True),  # staff without the permissions
        UserFactory(is_staff=False, is_superuser=True),
        UserFactory(is_staff=True, is_active=False, is_superuser=True),
        MemberFactory(),
    ]


@pytest.mark.parametrize("permission", PERMISSIONS)
def test_it_answers_as_has_perm(permission):
    people = _people()

    answers = [has_permission(_fresh(user), permission) for user in people]

    assert answers == [_fresh(user).has_perm(permission) for user in people]
    granted = permission in PERMISSIONS[:2]
    assert answers == [granted, granted, False, True, False, False]


def test_it_asks_once_per_permission_and_request():
    user = _people()[0]
    user = _fresh(user)

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert has_permission(user, "events.change_event")
            assert has_permission(user, "spaces.change_booking")
        assert not has_permission(user, "projects.change_project")

    assert len(queries.captured_queries) == 3
