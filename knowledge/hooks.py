"""How the knowledge library joins Mijn LEF, profiles, the export and deletion (lef.hooks).

The work is done where the rest of the app's reads and writes are (queries,
services).
"""

ORDER = 15
