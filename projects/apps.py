from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        # Projects join Mijn LEF, member profiles, the personal data export and
        # account deletion through the hooks lef and members offer, so neither
        # learns about this app.
        from lef.overview import (  # noqa: PLC0415 -- app registry must be ready
            OverviewSection,
            ProfileSection,
            register_overview_section,
            register_profile_section,
        )
        from members.privacy import (  # noqa: PLC0415
            register_anonymisation_step,
            register_export_section,
        )
        from projects import queries, services  # noqa: PLC0415

        register_overview_section(
            OverviewSection(
                name="projects",
                order=10,
                template="projects/includes/overview_projects.html",
                load=queries.overview_section,
                next_things=queries.overview_next_things,
            )
        )
        register_profile_section(
            ProfileSection(
                name="projects",
                order=10,
                template="projects/includes/profile_projects.html",
                load=queries.profile_section,
            )
        )
        register_export_section("projects", services.export_member)
        register_anonymisation_step("projects", services.anonymise_member)
