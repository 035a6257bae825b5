from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    # A project's results and the library that finds them (/knowledge/); joins
    # Mijn LEF, profiles, the export and account deletion through hooks.py.
    name = "knowledge"
    verbose_name = _("Knowledge library")
