from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("Spaces")

    def ready(self):
        from lef.calendar import register_calendar_source  # noqa: PLC0415
        from lef.overview import OverviewSection, register_overview_section  # noqa: PLC0415
        from members.privacy import (  # noqa: PLC0415
            register_anonymisation_step,
            register_export_section,
        )
        from spaces import hooks, services  # noqa: PLC0415

        register_overview_section(
            OverviewSection(
                name="bookings",
                order=30,
                template="spaces/includes/overview_bookings.html",
                load=hooks.overview_bookings,
                next_things=hooks.overview_next_things,
            )
        )
        register_calendar_source("bookings", hooks.calendar_entries)
        register_export_section("bookings", hooks.export_bookings)
        register_anonymisation_step("bookings", services.anonymise_bookings)
