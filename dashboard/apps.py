from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The coordinators' dashboard: is the fieldlab connecting sectors?

    A top app like ``home``: it reads every app, and no app reads it
    (tests/test_architecture.py). It has no models of its own.
    """

    name = "dashboard"
    verbose_name = _("Dashboard")
