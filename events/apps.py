from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Meetups")

    def ready(self):
        # Meetups join pages and processes of lef and members through their
        # registries, so those apps never import this one.
        from events import calendars, queries, services  # noqa: PLC0415
        from lef.calendar import register_calendar_source  # noqa: PLC0415
        from lef.overview import (  # noqa: PLC0415
            OverviewSection,
            ProfileSection,
            register_overview_section,
            register_profile_section,
        )
        from members.privacy import (  # noqa: PLC0415
            register_anonymisation_step,
            register_export_section,
        )

        register_overview_section(
            OverviewSection(
                name="meetups",
                order=20,
                template="events/includes/overview_meetups.html",
                load=queries.my_meetups,
                next_things=queries.my_next_meetups,
            )
        )
        register_profile_section(
            ProfileSection(
                name="meetups",
                order=20,
                template="events/includes/profile_meetups.html",
                load=queries.meetups_of,
            )
        )
        register_calendar_source("events", calendars.personal_entries)
        register_export_section("event_registrations", services.export_registrations)
        register_anonymisation_step("event_registrations", services.anonymise_registrations)
