from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    # Joins Mijn LEF, profiles, the calendar feed, the export and account
    # deletion through projects/hooks.py, which lef finds (lef.hooks).
    name = "projects"
    verbose_name = _("Projects")
