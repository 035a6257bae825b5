"""The Coordinators group: who runs 't LEF from the back office.

Data migrations of each app call ``grant_to_coordinators`` for their own models,
so the group's permissions grow with the apps.
"""

from django.contrib.auth.management import create_permissions

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
