from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top floor: the home page with Mijn LEF, the member's calendar, the demo data.

    It may read every app; no app reads it (tests/test_architecture.py).
    """

    name = "home"
    verbose_name = _("My LEF")
