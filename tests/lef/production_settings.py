"""The production settings (lef.settings) for a web process a test starts.

Only the static files' URLs differ: they come without collectstatic's manifest,
which a test run does not build (the same lookup, without the hash in the name).
"""

from lef.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
