"""The Coordinators group: who runs 't LEF, on the site and in the back office.

A coordinator is a coordinator of the whole platform: :func:`is_coordinator` is
the one answer every app asks (projects, meetups, spaces), never a permission
of its own. Data migrations of each app call ``grant_to_coordinators`` for their
own models, so what the group may do in the admin grows with the apps, while
who is a coordinator stays one question: in the group, or a superuser.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.db.models import Exists, OuterRef, Q

GROUP_NAME = "Coordinators"
_ANSWER = "_lef_is_coordinator"


def is_coordinator(user) -> bool:
    """Whether ``user`` coordinates 't LEF: active staff in the Coordinators group, or a superuser.

    Staff status comes first, as for the admin: no query for visitors and
    members, none for a superuser, one for other staff; the answer is kept on
    ``user`` for the rest of the request, as Django keeps ``has_perm``'s.
    """
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    answer = getattr(user, _ANSWER, None)
    if answer is None:
        answer = user.groups.filter(name=GROUP_NAME).exists()
        setattr(user, _ANSWER, answer)
    return answer


def coordinators():
    """Every coordinator, as a QuerySet of users: :func:`is_coordinator` asked in SQL.

    For mail to all of them (an organisation to approve). One query, whatever
    the number of groups a user is in.
    """
    user_model = get_user_model()
    in_group = user_model.groups.through.objects.filter(
        user=OuterRef("pk"), group__name=GROUP_NAME
    )
    return user_model.objects.filter(is_active=True, is_staff=True).filter(
        Q(is_superuser=True) | Exists(in_group)
    )


def grant_to_coordinators(apps, schema_editor, *, app_label: str, codenames: list[str]):
    """Give the Coordinators group ``codenames`` of ``app_label`` (creating both if needed)."""
    # Permissions are normally created after all migrations ran; create this
    # app's now so that the migration can attach them.
    # (The historical app config has no models module, which create_permissions
    # takes as "nothing to do"; the usual recipe sets it for the call.)
    app_config = apps.get_app_config(app_label)
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
    group.permissions.add(*permissions)
