"""How the knowledge library joins Mijn LEF, profiles, the export and deletion (lef.hooks).

The work is done where the rest of the app's reads and writes are (queries,
services).
"""

ORDER = 15


from knowledge import origins  # noqa: E402 -- below the module's docstring and ORDER

# Where a project started (its page), and what a meetup started (its page, the door list).
object_links = origins.object_links
