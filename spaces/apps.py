from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    # Joins Mijn LEF, profiles, the calendar feed, the export and account
    # deletion through spaces/hooks.py, which lef finds (lef.hooks).
    name = "spaces"
    verbose_name = _("Spaces")
