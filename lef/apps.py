from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LefConfig(AppConfig):
    name = "lef"
    verbose_name = _("'t LEF")

    def ready(self):
        # Registers the system checks, and lef's own parts of a member's
        # export and account deletion.
        from lef import checks, privacy  # noqa: F401, PLC0415 -- models are loaded now

        privacy.register()
