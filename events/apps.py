from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    # Joins Mijn LEF, profiles, the calendar feed, the export and account
    # deletion through events/hooks.py, which lef finds (lef.hooks).
    name = "events"
    verbose_name = _("Meetups")
