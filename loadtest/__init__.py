"""``make loadtest``: the site under a realistic load, and a database restart in the middle.

See loadtest/__main__.py for what a run does, and the README ("Load test") for
what it printed on the development machine.
"""
