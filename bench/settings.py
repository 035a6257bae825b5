"""Settings for the benchmark: the production settings, pointed at a separate database.

DEBUG is off (cached templates, no SQL logging), as in production. Only what
the in-process test client and a fresh database need differs:

* the database ``lef_bench`` on the same server (embedded or ``DATABASE_URL``);
* ``testserver`` as host, plain HTTP (no redirect to HTTPS);
* static file URLs without the collectstatic manifest (same cost: a lookup);
* a URLconf that adds the floor page to the site's own (bench/urls.py).
"""

import os
import warnings

# DEBUG is off, which needs a real key (lef.settings refuses the development one).
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-site-3b8e1f40")

from lef.settings import *  # noqa: F403

# WhiteNoise looks for collectstatic's output, which a bench run does not need.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

BENCH_DATABASE_NAME = "lef_bench"

DEBUG = False
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "bench.urls"
DATABASES = {"default": {**DATABASES["default"], "NAME": BENCH_DATABASE_NAME}}  # noqa: F405
SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        # A 404 is reported in the table instead.
        "django.request": {**LOGGING["loggers"]["django.request"], "level": "ERROR"},  # noqa: F405
        "django.tasks": {"level": "WARNING"},
        # One line per request would drown the table (the bench makes thousands).
        "lef.request": {"level": "WARNING"},
    },
}
