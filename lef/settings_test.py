"""Settings for the test suite: the real settings with test-friendly overrides.

The database is the same PostgreSQL (embedded, or DATABASE_URL when set).
"""

import os

# Tests run with DEBUG off, which needs a real key (lef.settings refuses the
# development one); a fixed one for the tests only.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-site-7d1c5e9a")

from lef.settings import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
# Plain names, as in development: a browser (the browser tests) refuses a
# __Host- cookie without Secure, and the test server speaks http://.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
LANGUAGE_COOKIE_NAME = "django_language"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Serve static files from the finders; there is no collectstatic in a test run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Templates only the tests use (tests/templates), after the site's own.
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]},  # noqa: F405
]
