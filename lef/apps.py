from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LefConfig(AppConfig):
    name = "lef"
    verbose_name = _("'t LEF")

    def ready(self):
        from lef import checks  # noqa: F401, PLC0415 -- registers the system checks
