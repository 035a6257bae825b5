"""The production settings (lef.settings, DEBUG off) for the Observatory scan.

Only static files differ: they come from the finders, as in lef.settings_test,
because a test run has no collectstatic (it takes most of a minute). Headers and
cookies are exactly production's: that is what the scan scores.
"""

from lef.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
