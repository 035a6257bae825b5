"""How projects join Mijn LEF, profiles, the export and deletion (names from lef.hooks).

The work is done where the rest of the app's reads and writes are (queries,
services).
"""

from projects import queries, services

ORDER = 10

OVERVIEW_TEMPLATE = "projects/includes/overview_projects.html"
PROFILE_TEMPLATE = "projects/includes/profile_projects.html"

overview = queries.overview_section
overview_next_things = queries.overview_next_things
profile = queries.profile_section
delete_account = services.anonymise_member


def export(user) -> dict:
    return {"projects": services.export_member(user)}
