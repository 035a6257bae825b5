"""How projects join Mijn LEF, profiles, the export and deletion (names from lef.hooks).

The work is done where the rest of the app's reads and writes are (queries,
services).
"""

from django.utils.translation import gettext

from projects import queries, services
from projects.audit_labels import AUDIT_LABELS  # noqa: F401 -- a hook: the history's words

ORDER = 10

OVERVIEW_TEMPLATE = "projects/includes/overview_projects.html"
PROFILE_TEMPLATE = "projects/includes/profile_projects.html"

overview = queries.overview_section
overview_next_things = queries.overview_next_things
profile = queries.profile_section
delete_account = services.anonymise_member


def export(user) -> dict:
    return {"projects": services.export_member(user)}


def deactivate(user) -> list[str]:
    """Hand over the projects the member is the last lead of (the new lead is told)."""
    done = []
    for hand_over in services.hand_over_leads(member=user):
        if hand_over.to is None:
            done.append(
                gettext(
                    "Nobody else is on the team of project %(title)s to take over as lead; "
                    "invite someone or archive the project."
                )
                % {"title": hand_over.project.title}
            )
        else:
            done.append(
                gettext("Project %(title)s handed over to %(name)s.")
                % {"title": hand_over.project.title, "name": hand_over.to}
            )
    return done
