"""How the knowledge library joins Mijn LEF, profiles, the export and deletion (lef.hooks).

The work is done where the rest of the app's reads and writes are (queries,
services).
"""

ORDER = 15


from knowledge import origins  # noqa: E402 -- below the module's docstring and ORDER

# Where a project started (its page), and what a meetup started (its page, the door list).
object_links = origins.object_links


# Publishing results (knowledge.services): the export, account deletion, the history's
# words, and open reports on the coordinators' today.
from knowledge import publish_hooks  # noqa: E402
from knowledge.audit_labels import AUDIT_LABELS  # noqa: E402, F401 -- a hook: the history's words

export = publish_hooks.export
delete_account = publish_hooks.delete_account
coordinator_today = publish_hooks.coordinator_today
