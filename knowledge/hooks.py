"""How the knowledge library joins Mijn LEF, profiles, the export and deletion (lef.hooks).

The work is done where the rest of the app's reads and writes are (sections,
origins, the publishing services).
"""

from knowledge import origins, publish_hooks, sections
from knowledge.audit_labels import AUDIT_LABELS  # noqa: F401 -- a hook: the history's words

ORDER = 15

OVERVIEW_TEMPLATE = "knowledge/includes/overview_results.html"
PROFILE_TEMPLATE = "knowledge/includes/profile_results.html"

# Mijn LEF: new results for the member, and their own; a profile: the results
# the member is a named author of.
overview = sections.overview_section
profile = sections.profile_section

# Where a project started (its page), and what a meetup started (its page, the door list).
object_links = origins.object_links

# Publishing results: the export and open reports on the coordinators' today.
export = publish_hooks.export
coordinator_today = publish_hooks.coordinator_today


def delete_account(user) -> None:
    """Results stay, their author rows without the member; origins forget who started."""
    publish_hooks.delete_account(user)
    origins.forget_starter(user)
