"""The Coordinators group: who runs 't LEF from the back office.

Data migrations of each app call ``grant_to_coordinators`` for their own models,
so the group's permissions grow with the apps.
"""

import functools

from django.contrib.auth.management import create_permissions
from django.db import connection

GROUP_NAME = "Coordinators"


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


def has_permission(user, permission: str) -> bool:
    """``user.has_perm(permission)`` as Django's ModelBackend answers it, in one small query.

    ``has_perm`` reads all of a user's permissions in two queries, and the pages
    coordinators open most (a grid, the door list) ask one question; this asks
    just that one, and keeps the answer on ``user`` for the request, as has_perm
    keeps its own. When has_perm has read them already (or for a superuser) it
    answers. tests/lef/test_coordinators.py holds the two together.
    """
    if hasattr(user, "_perm_cache") or user.is_superuser:
        return user.has_perm(permission)
    answers = user.__dict__.setdefault("_lef_permissions", {})
    if permission not in answers:
        app_label, codename = permission.split(".", 1)
        with connection.cursor() as cursor:
            cursor.execute(_permission_sql(), [app_label, codename, user.pk, user.pk])
            answers[permission] = cursor.fetchone()[0]
    return answers[permission]


@functools.cache
def _permission_sql() -> str:
    """Whether a user has a permission, directly or through a group (ModelBackend's rule)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.contrib.auth.models import Group, Permission  # noqa: PLC0415

    user_model = get_user_model()
    table = connection.ops.quote_name
    permission, content_type = Permission._meta, Permission._meta.get_field("content_type")
    own = user_model._meta.get_field("user_permissions").remote_field.through._meta
    groups = user_model._meta.get_field("groups").remote_field.through._meta
    granted = Group._meta.get_field("permissions").remote_field.through._meta
    return f"""
        SELECT EXISTS (
            SELECT 1 FROM {table(permission.db_table)} AS p
            JOIN {table(content_type.related_model._meta.db_table)} AS c
                ON c.id = p.content_type_id
            WHERE c.app_label = %s AND p.codename = %s AND (
                p.id IN (SELECT permission_id FROM {table(own.db_table)} WHERE user_id = %s)
                OR p.id IN (
                    SELECT g.permission_id FROM {table(granted.db_table)} AS g
                    JOIN {table(groups.db_table)} AS m ON m.group_id = g.group_id
                    WHERE m.user_id = %s)))
    """  # noqa: S608 -- table names from the models
